//! The local runtime through `lamctl serve`: lamctl's embedded Python and
//! Node.js clients, AWS's official clients (a `bootstrap` built from the
//! `lambda_runtime` crate, Python's awslambdaric) against lamctl's Runtime
//! API, and the Invoke API as the AWS CLI and the Rust SDK call it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine;

use crate::harness::*;

pub(crate) const REPO: &str = env!("CARGO_MANIFEST_DIR");

pub(crate) fn repo(p: &str) -> PathBuf {
    Path::new(REPO).join(p)
}

pub(crate) fn venv_bin() -> PathBuf {
    let bin = repo(".venv/bin");
    assert!(
        bin.join("aws").exists() && bin.join("python").exists(),
        "{} lacks the AWS CLI or Python: run scripts/test-deps",
        bin.display()
    );
    bin
}

/// A running `lamctl serve --port 0 …`, stopped (SIGTERM) when dropped.
pub(crate) struct Serve {
    pub(crate) child: Child,
    pub(crate) port: u16,
    pub(crate) stderr: Arc<Mutex<String>>,
    _home: tempfile::TempDir,
}

/// An HTTP response from serve.
#[derive(Debug)]
pub(crate) struct Resp {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Resp {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The decoded X-Amz-Log-Result.
    pub(crate) fn tail(&self) -> String {
        let b64 = self
            .header("x-amz-log-result")
            .expect("no X-Amz-Log-Result");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64 log result");
        String::from_utf8(bytes).expect("the tail is UTF-8")
    }
}

pub(crate) fn serve_cmd(args: &[&str], path: Option<&str>) -> (Command, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lamctl"));
    cmd.args(["serve", "--port", "0"])
        .args(args)
        .env_clear()
        .env(
            "PATH",
            path.map(Into::into)
                .unwrap_or_else(|| std::env::var_os("PATH").unwrap_or_default()),
        )
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", home.path().join("aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("aws-credentials"),
        )
        .env("AWS_ACCESS_KEY_ID", "AKIDLOCALTEST")
        .env("AWS_SECRET_ACCESS_KEY", "SECRETVALUE123")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("LAMCTL_TEST_LEAK", "must-not-reach-the-function")
        .current_dir(REPO)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = std::env::var_os("PYENV_ROOT") {
        cmd.env("PYENV_ROOT", p);
    }
    (cmd, home)
}

pub(crate) fn serve(args: &[&str]) -> Serve {
    serve_with_path(args, None)
}

pub(crate) fn serve_with_path(args: &[&str], path: Option<&str>) -> Serve {
    let (cmd, home) = serve_cmd(args, path);
    serve_from(cmd, home)
}

/// Start a command made by `serve_cmd` (perhaps with more set on it).
pub(crate) fn serve_from(mut cmd: Command, home: tempfile::TempDir) -> Serve {
    let mut child = cmd.spawn().expect("run lamctl serve");
    let stderr = Arc::new(Mutex::new(String::new()));
    let mut err = child.stderr.take().unwrap();
    let sink = Arc::clone(&stderr);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = err.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().parse().unwrap_or_else(|_| {
        let _ = child.wait();
        std::thread::sleep(Duration::from_millis(100));
        panic!(
            "serve printed no port: {line:?}\nstderr: {}",
            stderr.lock().unwrap()
        )
    });
    Serve {
        child,
        port,
        stderr,
        _home: home,
    }
}

impl Serve {
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub(crate) fn invoke(&self, name: &str, payload: &[u8], headers: &[(&str, &str)]) -> Resp {
        request(
            self.port,
            "POST",
            &format!("/2015-03-31/functions/{name}/invocations"),
            payload,
            headers,
        )
    }

    /// Invoke with LogType Tail and check the response is a 200 from $LATEST.
    pub(crate) fn invoke_tail(&self, name: &str, payload: &str) -> Resp {
        let r = self.invoke(name, payload.as_bytes(), &[("X-Amz-Log-Type", "Tail")]);
        assert_eq!(r.status, 200, "{r:?}\nstderr: {}", self.stderr());
        assert_eq!(r.header("x-amz-executed-version"), Some("$LATEST"));
        r
    }

    /// Send a signal and wait for the exit code.
    pub(crate) fn signal(mut self, sig: i32) -> i32 {
        unsafe { libc::kill(self.child.id() as i32, sig) };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "serve did not exit: {}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
            let _ = self.child.wait();
        }
    }
}

/// One HTTP/1.1 request (Connection: close).
pub(crate) fn request(
    port: u16,
    method: &str,
    path: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    // A server may answer (413) before reading the whole body.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head");
    let head = String::from_utf8_lossy(&raw[..at]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: raw[at + 4..].to_vec(),
    }
}

/// A Python function in a temp dir: `app.py` and a lamctl.toml.
pub(crate) fn python_fn(code: &str, toml_extra: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("app.py"), code).unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        format!("name = \"t\"\nruntime = \"python3.12\"\nhandler = \"app.handler\"\ntimeout = 5\n{toml_extra}"),
    )
    .unwrap();
    d
}

pub(crate) fn node_fn(code: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("index.js"), code).unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        "name = \"n\"\nruntime = \"nodejs20.x\"\nhandler = \"index.handler\"\ntimeout = 5\n",
    )
    .unwrap();
    d
}

pub(crate) fn dir_arg(d: &tempfile::TempDir) -> String {
    d.path().to_string_lossy().into_owned()
}

/// The REPORT line of a tail, checked against the cloud's format.
#[track_caller]
pub(crate) fn report_line(tail: &str, request_id: &str) -> String {
    let line = tail
        .lines()
        .find(|l| l.starts_with("REPORT RequestId: "))
        .unwrap_or_else(|| panic!("no REPORT in {tail}"))
        .to_string();
    let prefix = format!("REPORT RequestId: {request_id}\tDuration: ");
    assert!(line.starts_with(&prefix), "{line}");
    for field in [
        "\tBilled Duration: ",
        " ms\tMemory Size: ",
        " MB\tMax Memory Used: ",
    ] {
        assert!(line.contains(field), "{line} lacks {field:?}");
    }
    line
}

/// START first, END and REPORT last, in the cloud's formats.
#[track_caller]
pub(crate) fn check_frame(tail: &str, request_id: &str) {
    assert!(
        tail.starts_with(&format!("START RequestId: {request_id} Version: $LATEST\n")),
        "{tail}"
    );
    let end = format!("\nEND RequestId: {request_id}\nREPORT RequestId: {request_id}\t");
    assert!(tail.contains(&end), "{tail}");
    assert!(tail.ends_with('\n'), "{tail:?}");
}

pub(crate) fn request_id(r: &Resp) -> String {
    r.header("x-amzn-requestid")
        .expect("request id")
        .to_string()
}

pub(crate) fn group_alive(pgid: i32) -> bool {
    let r = unsafe { libc::kill(-pgid, 0) };
    !(r == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH))
}

#[track_caller]
pub(crate) fn assert_group_gone(pgid: i32) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while group_alive(pgid) {
        assert!(
            Instant::now() < deadline,
            "process group {pgid} still exists 5 s later"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub(crate) fn number_after(text: &str, marker: &str) -> i32 {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker:?} in {text}"));
    text[at + marker.len()..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

// ---------------------------------------------------------------------------
// lamctl's embedded Python client

#[test]
fn python_example_cold_then_warm() {
    let s = serve(&["--dir", "examples/hello-python"]);
    let r = s.invoke_tail("hello-python", r#"{"name": "ada"}"#);
    assert_eq!(r.header("x-amz-function-error"), None);
    assert_eq!(
        r.json(),
        serde_json::json!({"statusCode": 200, "body": "{\"message\": \"hello, ada\"}"})
    );
    let id = request_id(&r);
    let tail = r.tail();
    check_frame(&tail, &id);
    assert!(tail.contains("\ngreeting ada\nEND RequestId: "), "{tail}");
    let cold = report_line(&tail, &id);
    assert!(cold.contains(" MB\tInit Duration: "), "{cold}");
    assert!(cold.ends_with(" ms\t"), "{cold:?}");

    let r = s.invoke_tail("hello-python", "{}");
    let id2 = request_id(&r);
    assert_ne!(id, id2);
    let warm = report_line(&r.tail(), &id2);
    assert!(!warm.contains("Init Duration"), "{warm}");
    assert!(warm.ends_with(" MB\t"), "{warm:?}");
    // Without LogType Tail there is no log in the response.
    let r = s.invoke("hello-python", b"{}", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-amz-log-result"), None);

    let err = s.stderr();
    assert_eq!(
        err.matches("INIT_START Runtime Version: python:3.12")
            .count(),
        1,
        "{err}"
    );
    assert!(
        err.contains(&format!("START RequestId: {id2} Version: $LATEST")),
        "{err}"
    );
    assert!(
        !err.contains("SECRETVALUE123"),
        "a credential was printed: {err}"
    );
}

#[test]
fn python_function_sees_lambdas_environment_and_context() {
    let d = python_fn(
        r#"
import json, os
def handler(event, context):
    keys = ["_HANDLER", "LAMBDA_TASK_ROOT", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_REGION", "TZ", "PYTHONUNBUFFERED", "AWS_LAMBDA_RUNTIME_API", "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY", "FROM_TOML", "FROM_FLAG", "FROM_FILE", "LAMCTL_TEST_LEAK"]
    return {
        "env": {k: os.environ.get(k) for k in keys},
        "cwd": os.getcwd(),
        "remaining": context.get_remaining_time_in_millis(),
        "arn": context.invoked_function_arn,
        "memory": context.memory_limit_in_mb,
        "request_id": context.aws_request_id,
        "custom": context.client_context.custom if context.client_context else None,
        "event": event,
    }
"#,
        "env_file = \"vars.env\"\n[environment]\nFROM_TOML = \"toml\"\nFROM_FLAG = \"toml loses to --env\"\n",
    );
    std::fs::write(
        d.path().join("vars.env"),
        "# comment\nFROM_FILE=file\nFROM_TOML=\"file loses to toml\"\n",
    )
    .unwrap();
    let s = serve(&[
        "--dir",
        &dir_arg(&d),
        "--function",
        "envfn",
        "--memory",
        "256",
        "--env",
        "FROM_FLAG=flag",
    ]);
    let cc = base64::engine::general_purpose::STANDARD.encode(r#"{"custom":{"k":"v"}}"#);
    let r = s.invoke(
        "envfn",
        br#"{"a": [1, 2]}"#,
        &[("X-Amz-Client-Context", &cc)],
    );
    assert_eq!(r.status, 200, "{r:?} {}", s.stderr());
    let v = r.json();
    let root = d
        .path()
        .canonicalize()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let env = &v["env"];
    assert_eq!(env["_HANDLER"], "app.handler");
    assert_eq!(env["LAMBDA_TASK_ROOT"], root.as_str());
    assert_eq!(v["cwd"], root.as_str());
    assert_eq!(env["AWS_LAMBDA_FUNCTION_NAME"], "envfn");
    assert_eq!(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST");
    assert_eq!(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256");
    assert_eq!(env["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/envfn");
    assert!(
        env["AWS_LAMBDA_LOG_STREAM_NAME"]
            .as_str()
            .unwrap()
            .contains("/[$LATEST]")
    );
    assert_eq!(env["AWS_REGION"], "us-east-1");
    assert_eq!(env["TZ"], ":UTC");
    assert_eq!(env["PYTHONUNBUFFERED"], "1");
    let api = env["AWS_LAMBDA_RUNTIME_API"].as_str().unwrap();
    assert!(api.starts_with("127.0.0.1:") && !api.contains('/'), "{api}");
    assert_eq!(env["AWS_ACCESS_KEY_ID"], "AKIDLOCALTEST");
    assert_eq!(env["AWS_SECRET_ACCESS_KEY"], "SECRETVALUE123");
    assert_eq!(env["FROM_TOML"], "toml");
    assert_eq!(env["FROM_FILE"], "file");
    assert_eq!(env["FROM_FLAG"], "flag");
    assert_eq!(
        env["LAMCTL_TEST_LEAK"],
        serde_json::Value::Null,
        "lamctl's environment leaked"
    );
    assert_eq!(
        v["arn"],
        "arn:aws:lambda:us-east-1:000000000000:function:envfn"
    );
    assert_eq!(v["memory"], "256");
    assert_eq!(v["request_id"], request_id(&r).as_str());
    let remaining = v["remaining"].as_i64().unwrap();
    assert!(
        remaining > 0 && remaining <= 5000,
        "deadline not from the timeout: {remaining}"
    );
    assert_eq!(v["custom"], serde_json::json!({"k": "v"}));
    assert_eq!(v["event"], serde_json::json!({"a": [1, 2]}));
    assert!(!s.stderr().contains("SECRETVALUE123"));
}

#[test]
fn python_handler_error_is_unhandled_with_the_runtimes_body() {
    let d = python_fn(
        "def handler(event, context):\n    raise ValueError('boom')\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    let r = s.invoke_tail("t", "{}");
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    let v = r.json();
    assert_eq!(v["errorType"], "ValueError");
    assert_eq!(v["errorMessage"], "boom");
    assert_eq!(v["requestId"], request_id(&r).as_str());
    assert!(
        v["stackTrace"][0].as_str().unwrap().contains("app.py"),
        "{v}"
    );
    let tail = r.tail();
    check_frame(&tail, &request_id(&r));
    assert!(tail.contains("[ERROR] ValueError: boom"), "{tail}");
}

#[test]
fn python_timeout_kills_the_whole_process_group() {
    let d = python_fn(
        r#"
import os, subprocess, time
def handler(event, context):
    if event.get("quick"):
        return "fine"
    child = subprocess.Popen(["sleep", "60"])
    print(f"pgid={os.getpgid(0)} pid={os.getpid()} child={child.pid}", flush=True)
    time.sleep(60)
"#,
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d), "--timeout", "1"]);
    let r = s.invoke_tail("t", "{}");
    let id = request_id(&r);
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    assert_eq!(
        r.json(),
        serde_json::json!({
            "errorType": "Sandbox.Timedout",
            "errorMessage": format!("RequestId: {id} Error: Task timed out after 1.00 seconds"),
        })
    );
    let tail = r.tail();
    check_frame(&tail, &id);
    assert!(
        tail.contains(&format!(" {id} Task timed out after 1.00 seconds\n")),
        "{tail}"
    );
    assert!(
        report_line(&tail, &id).ends_with("\tStatus: timeout"),
        "{tail}"
    );
    let pgid = number_after(&tail, "pgid=");
    assert_eq!(
        pgid,
        number_after(&tail, " pid="),
        "the runtime leads its own group"
    );
    assert_group_gone(pgid);

    // The next invocation starts a fresh runtime (a cold start).
    let r = s.invoke_tail("t", r#"{"quick": true}"#);
    assert_eq!(r.json(), "fine");
    assert!(report_line(&r.tail(), &request_id(&r)).contains("Init Duration: "));
}

#[test]
fn python_crash_is_a_runtime_exit_error_and_the_next_invoke_recovers() {
    let d = python_fn(
        "import os, threading\ndef handler(event, context):\n    if event.get('crash'):\n        print('about to exit')\n        os._exit(7)\n    if event.get('die_when_idle'):\n        threading.Timer(0.1, lambda: os._exit(9)).start()\n    return 'alive'\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    let r = s.invoke_tail("t", r#"{"crash": true}"#);
    let id = request_id(&r);
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    let message = format!("RequestId: {id} Error: Runtime exited with error: exit status 7");
    assert_eq!(
        r.json(),
        serde_json::json!({"errorType": "Runtime.ExitError", "errorMessage": message})
    );
    let tail = r.tail();
    check_frame(&tail, &id);
    assert!(
        tail.contains(&format!("about to exit\n{message}\nRuntime.ExitError\nEND")),
        "{tail}"
    );
    assert!(
        report_line(&tail, &id).ends_with("\tStatus: error\tError Type: Runtime.ExitError"),
        "{tail}"
    );
    let r = s.invoke_tail("t", "{}");
    assert_eq!(r.json(), "alive");

    // A runtime that dies between invocations is replaced, not blamed.
    assert_eq!(
        s.invoke_tail("t", r#"{"die_when_idle": true}"#).json(),
        "alive"
    );
    std::thread::sleep(Duration::from_millis(500));
    let r = s.invoke_tail("t", "{}");
    assert_eq!(r.header("x-amz-function-error"), None, "{}", r.tail());
    assert!(report_line(&r.tail(), &request_id(&r)).contains("Init Duration: "));
}

#[test]
fn python_init_errors_return_the_init_error() {
    // A handler module that does not exist.
    let d = python_fn("", "");
    let s = serve(&["--dir", &dir_arg(&d), "--handler", "nope.handler"]);
    let r = s.invoke_tail("t", "{}");
    let id = request_id(&r);
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    assert_eq!(
        r.json(),
        serde_json::json!({
            "errorMessage": "Unable to import module 'nope': No module named 'nope'",
            "errorType": "Runtime.ImportModuleError",
            "requestId": "",
            "stackTrace": [],
        })
    );
    let tail = r.tail();
    check_frame(&tail, &id);
    assert!(
        report_line(&tail, &id).contains("\tStatus: error\tError Type: Runtime.ImportModuleError"),
        "{tail}"
    );
    assert!(
        s.stderr().contains("INIT_REPORT Init Duration: ")
            && s.stderr()
                .contains("\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError"),
        "{}",
        s.stderr()
    );
    drop(s);

    // An exception while the module initialises.
    let d = python_fn(
        "raise RuntimeError('config missing')\ndef handler(e, c):\n    return 1\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    let r = s.invoke_tail("t", "{}");
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    let v = r.json();
    assert_eq!(v["errorType"], "RuntimeError");
    assert_eq!(v["errorMessage"], "config missing");
}

#[test]
fn payloads_over_6_mb_are_refused_with_413() {
    let d = python_fn(
        "def handler(event, context):\n    if event.get('big'):\n        return 'x' * 7000000\n    return 'small'\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    // The runtime's response is too large: the Runtime API answers it 413
    // and the caller gets Function.ResponseSizeTooLarge.
    let r = s.invoke_tail("t", r#"{"big": true}"#);
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    assert_eq!(
        r.json(),
        serde_json::json!({
            "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
            "errorType": "Function.ResponseSizeTooLarge",
        })
    );
    // The runtime carries on.
    assert_eq!(s.invoke_tail("t", "{}").json(), "small");

    // A request over 6 MB never reaches the function.
    let big = format!("\"{}\"", "y".repeat(6_300_000));
    let r = s.invoke("t", big.as_bytes(), &[]);
    assert_eq!(r.status, 413);
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("RequestEntityTooLargeException")
    );
    assert!(String::from_utf8_lossy(&r.body).contains("6291456 bytes"));
}

#[test]
fn output_just_before_returning_comes_before_end_in_order() {
    let d = python_fn(
        r#"
import sys
def handler(event, context):
    print("out 1")
    sys.stderr.write("err 2\n")
    print("out 3")
    sys.stderr.write("err 4\n")
    sys.stdout.write("last words, no newline")
    return "done"
"#,
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    for _ in 0..20 {
        let r = s.invoke_tail("t", "{}");
        let id = request_id(&r);
        let tail = r.tail();
        check_frame(&tail, &id);
        assert!(
            tail.contains(&format!(
                "\nout 1\nerr 2\nout 3\nerr 4\nlast words, no newline\nEND RequestId: {id}\n"
            )),
            "{tail}"
        );
    }
}

#[test]
fn log_tail_is_the_last_4_kb_cut_on_a_character_boundary() {
    let d = python_fn(
        "def handler(event, context):\n    print('x' * event['pad'] + '\u{20ac}' * 3000)\n    return 'ok'\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    let mut shortened = false;
    for pad in 0..6 {
        let r = s.invoke(
            "t",
            format!(r#"{{"pad": {pad}}}"#).as_bytes(),
            &[("X-Amz-Log-Type", "Tail")],
        );
        let raw = base64::engine::general_purpose::STANDARD
            .decode(r.header("x-amz-log-result").unwrap())
            .unwrap();
        assert!(raw.len() <= 4096 && raw.len() >= 4093, "{}", raw.len());
        shortened |= raw.len() < 4096;
        let text = String::from_utf8(raw).expect("the tail starts on a character boundary");
        assert!(text.starts_with('\u{20ac}'), "{}", &text[..20]);
        report_line(&text, &request_id(&r));
    }
    // Some cut fell inside a 3-byte character (pads 0-5 cover every offset).
    assert!(shortened);
}

#[test]
fn with_concurrency_1_invocations_are_served_one_at_a_time() {
    let d = python_fn(
        r#"
import os, time
def handler(event, context):
    if os.path.exists("/tmp/lamctl-busy-" + event["tag"]):
        return "overlap"
    open("/tmp/lamctl-busy-" + event["tag"], "w").close()
    time.sleep(0.3)
    os.remove("/tmp/lamctl-busy-" + event["tag"])
    return "alone"
"#,
        "",
    );
    let s = Arc::new(serve(&["--dir", &dir_arg(&d), "--concurrency", "1"]));
    let tag = unique("q");
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let s = Arc::clone(&s);
            let payload = format!(r#"{{"tag": "{tag}"}}"#);
            std::thread::spawn(move || s.invoke("t", payload.as_bytes(), &[]).json())
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), "alone");
    }
}

#[test]
fn watch_restarts_the_function_when_its_code_changes() {
    let d = python_fn("def handler(event, context):\n    return 'v1'\n", "");
    let s = serve(&["--dir", &dir_arg(&d), "--watch"]);
    assert_eq!(s.invoke_tail("t", "{}").json(), "v1");
    std::fs::write(
        d.path().join("app.py"),
        "def handler(event, context):\n    return 'v2'\n",
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let v = s.invoke_tail("t", "{}").json();
        if v == "v2" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {v} 15 s after the edit: {}",
            s.stderr()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        s.stderr().contains("files changed: restarting t"),
        "{}",
        s.stderr()
    );
}

#[test]
fn sigterm_and_ctrl_c_stop_the_function_and_its_children() {
    let code = r#"
import os, subprocess
def handler(event, context):
    subprocess.Popen(["sleep", "60"])
    return os.getpgid(0)
"#;
    for (sig, exit) in [(libc::SIGTERM, 143), (libc::SIGINT, 130)] {
        let d = python_fn(code, "");
        let s = serve(&["--dir", &dir_arg(&d)]);
        let pgid = s.invoke_tail("t", "{}").json().as_i64().unwrap() as i32;
        assert!(group_alive(pgid));
        assert_eq!(s.signal(sig), exit);
        assert_group_gone(pgid);
    }
}

// ---------------------------------------------------------------------------
// lamctl's embedded Node.js client

#[test]
fn node_example_and_errors() {
    let s = serve(&["--dir", "examples/hello-node"]);
    let r = s.invoke_tail("hello-node", r#"{"name": "ada"}"#);
    assert_eq!(r.header("x-amz-function-error"), None);
    assert_eq!(
        r.json(),
        serde_json::json!({"statusCode": 200, "body": "{\"message\":\"hello, ada\"}"})
    );
    let id = request_id(&r);
    let tail = r.tail();
    check_frame(&tail, &id);
    assert!(
        tail.contains(&format!("\t{id}\tINFO\tgreeting ada\n")),
        "{tail}"
    );
    assert!(s.stderr().contains("INIT_START Runtime Version: nodejs:20"));
    drop(s);

    let d = node_fn(
        "exports.handler = async (event) => {\n  if (event.fail) throw new TypeError('bad input');\n  process.stdout.write('no newline');\n  return event;\n};\n",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    let r = s.invoke_tail("n", r#"{"fail": true}"#);
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    let v = r.json();
    assert_eq!(v["errorType"], "TypeError");
    assert_eq!(v["errorMessage"], "bad input");
    assert!(
        v["trace"][0]
            .as_str()
            .unwrap()
            .starts_with("TypeError: bad input")
    );
    let r = s.invoke_tail("n", r#"{"back": 1}"#);
    assert_eq!(r.json(), serde_json::json!({"back": 1}));
    assert!(
        r.tail()
            .contains(&format!("\nno newline\nEND RequestId: {}", request_id(&r)))
    );
    drop(s);

    let d = node_fn("exports.other = () => 1;\n");
    let s = serve(&["--dir", &dir_arg(&d)]);
    let r = s.invoke_tail("n", "{}");
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    assert_eq!(r.json()["errorType"], "Runtime.HandlerNotFound");
    assert_eq!(
        r.json()["errorMessage"],
        "index.handler is undefined or not exported"
    );
}

// ---------------------------------------------------------------------------
// AWS's official runtime clients against lamctl's Runtime API

/// examples/hello-rust built once per test binary (release, into
/// `hello-rust/` of the target directory this test binary was built in:
/// CARGO_TARGET_DIR, or the repository's target/).
fn hello_rust_bootstrap_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let target = hello_rust_target();
        let out = Command::new(env!("CARGO"))
            .args(["build", "--release", "--locked", "--manifest-path"])
            .arg(repo("examples/hello-rust/Cargo.toml"))
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS")
            .output()
            .expect("run cargo");
        assert!(
            out.status.success(),
            "building examples/hello-rust failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        target.join("release")
    })
}

/// The target directory of this build (lamctl is `<target>/<profile>/lamctl`)
/// with `hello-rust` under it.
fn hello_rust_target() -> PathBuf {
    let lamctl = Path::new(env!("CARGO_BIN_EXE_lamctl"));
    let profile = lamctl.parent().expect("lamctl's directory");
    profile
        .parent()
        .expect("the target directory")
        .join("hello-rust")
}

#[test]
fn hello_rust_builds_into_the_target_directory_in_use() {
    // The test binary sits in the same target directory as lamctl.
    let exe = std::env::current_exe().unwrap();
    let target = hello_rust_target();
    assert!(
        exe.starts_with(target.parent().unwrap()),
        "{} is not under {}",
        exe.display(),
        target.display()
    );
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = std::fs::canonicalize(dir).unwrap();
        assert_eq!(
            std::fs::canonicalize(target.parent().unwrap()).unwrap(),
            dir
        );
    }
}

#[test]
fn official_rust_runtime_client_lambda_runtime_crate() {
    let dir = hello_rust_bootstrap_dir().to_string_lossy().into_owned();
    let s = serve(&[
        "--dir",
        &dir,
        "--runtime",
        "provided.al2023",
        "--function",
        "hello-rust",
        "-c",
        "examples/hello-rust/lamctl.toml",
    ]);
    let r = s.invoke_tail("hello-rust", r#"{"name": "ada"}"#);
    assert_eq!(r.header("x-amz-function-error"), None);
    assert_eq!(
        r.json(),
        serde_json::json!({"statusCode": 200, "body": "{\"message\":\"hello, ada\"}"})
    );
    let id = request_id(&r);
    let tail = r.tail();
    check_frame(&tail, &id);
    // The deadline the crate computed from Lambda-Runtime-Deadline-Ms.
    let left = number_after(&tail, "greeting ada (");
    assert!(left > 0 && left <= 3000, "{tail}");
    assert!(
        s.stderr()
            .contains("INIT_START Runtime Version: provided:al2023")
    );

    let r = s.invoke_tail("hello-rust", r#"{"fail": "why"}"#);
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    assert_eq!(r.json()["errorMessage"], "why");
    assert!(r.json()["errorType"].is_string());
    // Still warm after a handler error.
    let r = s.invoke_tail("hello-rust", "{}");
    assert!(!report_line(&r.tail(), &request_id(&r)).contains("Init Duration"));
}

#[test]
fn official_python_runtime_client_awslambdaric() {
    let d = python_fn(
        "import logging\nlogging.getLogger().setLevel(logging.INFO)\ndef handler(event, context):\n    if event.get('fail'):\n        raise KeyError('missing')\n    logging.info('hello from ric')\n    return {'got': event, 'id': context.aws_request_id}\n",
        "",
    );
    let path = format!(
        "{}:{}",
        venv_bin().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let s = serve_with_path(
        &["--dir", &dir_arg(&d), "--runtime-client", "official"],
        Some(&path),
    );
    let r = s.invoke_tail("t", r#"{"k": 1}"#);
    assert_eq!(r.header("x-amz-function-error"), None, "{}", s.stderr());
    let id = request_id(&r);
    assert_eq!(r.json(), serde_json::json!({"got": {"k": 1}, "id": id}));
    let tail = r.tail();
    check_frame(&tail, &id);
    assert!(tail.contains("hello from ric"), "{tail}");

    let r = s.invoke_tail("t", r#"{"fail": true}"#);
    assert_eq!(r.header("x-amz-function-error"), Some("Unhandled"));
    let v = r.json();
    assert_eq!(v["errorType"], "KeyError");
    assert_eq!(v["requestId"], request_id(&r).as_str());

    // Without awslambdaric: a clear error before anything runs.
    let fake = tempfile::tempdir().unwrap();
    let py = fake.path().join("python3");
    std::fs::write(&py, "#!/bin/sh\nexit 1\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&py, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = lamctl([
        "serve",
        "--port",
        "0",
        "--dir",
        &dir_arg(&d),
        "--runtime-client",
        "official",
    ])
    .env("PATH", format!("{}:/usr/bin:/bin", fake.path().display()))
    .run();
    out.fails(1, "awslambdaric is not importable");
}

#[test]
fn runtime_api_status_codes_for_a_custom_runtime() {
    // A provided.* bootstrap script that drives the Runtime API by hand.
    let d = tempfile::tempdir().unwrap();
    let script = r#"#!/usr/bin/env python3
import http.client, json, os, time
api = os.environ["AWS_LAMBDA_RUNTIME_API"]
def call(method, path, body=None):
    c = http.client.HTTPConnection(api)
    c.request(method, "/2018-06-01/runtime" + path, body=body)
    r = c.getresponse()
    return r, r.read()
while True:
    r, event = call("GET", "/invocation/next")
    rid = r.getheader("Lambda-Runtime-Aws-Request-Id")
    deadline = int(r.getheader("Lambda-Runtime-Deadline-Ms"))
    out = {
        "api": api,
        "bogus": call("POST", "/invocation/not-a-request/response", b"{}")[0].status,
        "deadline_ok": 0 < deadline - time.time() * 1000 <= 3000,
        "arn": r.getheader("Lambda-Runtime-Invoked-Function-Arn"),
        "trace": r.getheader("Lambda-Runtime-Trace-Id"),
        "event": json.loads(event),
    }
    print("statuses", json.dumps(out), flush=True)
    first = call("POST", "/invocation/%s/response" % rid, json.dumps(out).encode())[0].status
    second = call("POST", "/invocation/%s/response" % rid, b"{}")[0].status
    err = call("POST", "/invocation/%s/error" % rid, b"{}")[0].status
    print("first=%d second=%d error=%d" % (first, second, err), flush=True)
"#;
    let boot = d.path().join("bootstrap");
    std::fs::write(&boot, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&boot, std::fs::Permissions::from_mode(0o755)).unwrap();
    let s = serve(&[
        "--dir",
        &dir_arg(&d),
        "--runtime",
        "provided.al2",
        "--function",
        "raw",
    ]);
    let r = s.invoke_tail("raw", r#"{"x": 1}"#);
    let v = r.json();
    let api = v["api"].as_str().unwrap();
    assert!(
        api.starts_with("127.0.0.1:") && !api.contains("http"),
        "{api}"
    );
    assert_eq!(v["bogus"], 400);
    assert_eq!(v["deadline_ok"], true);
    assert_eq!(
        v["arn"],
        "arn:aws:lambda:us-east-1:000000000000:function:raw"
    );
    assert!(v["trace"].as_str().unwrap().starts_with("Root=1-"));
    assert_eq!(v["event"], serde_json::json!({"x": 1}));
    // The second answer and the late error come after the response: read them live.
    let deadline = Instant::now() + Duration::from_secs(5);
    while !s.stderr().contains("first=") {
        assert!(Instant::now() < deadline, "{}", s.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        s.stderr().contains("first=202 second=403 error=403"),
        "{}",
        s.stderr()
    );
}

// ---------------------------------------------------------------------------
// The Invoke API, called by the AWS CLI and the Rust SDK

pub(crate) fn aws_cli(s: &Serve, args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(venv_bin().join("aws"))
        .args([
            "lambda",
            "invoke",
            "--endpoint-url",
            &s.url(),
            "--region",
            REGION,
        ])
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", dir.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .current_dir(dir)
        .output()
        .expect("run the AWS CLI")
}

#[test]
fn serve_answers_the_aws_cli() {
    let d = python_fn(
        "def handler(event, context):\n    if event.get('fail'):\n        raise Exception('nope')\n    print('cli says', event['name'])\n    return {'hello': event['name']}\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d), "--function", "clifn"]);
    let work = tempfile::tempdir().unwrap();
    let out = aws_cli(
        &s,
        &[
            "--function-name",
            "clifn",
            "--payload",
            r#"{"name": "cli"}"#,
            "--log-type",
            "Tail",
            "out.json",
        ],
        work.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(meta["StatusCode"], 200);
    assert_eq!(meta["ExecutedVersion"], "$LATEST");
    assert_eq!(meta.get("FunctionError"), None);
    let tail = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(meta["LogResult"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert!(
        tail.starts_with("START RequestId: ") && tail.contains("\ncli says cli\nEND RequestId: "),
        "{tail}"
    );
    assert!(tail.contains("\nREPORT RequestId: "), "{tail}");
    let payload: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(payload, serde_json::json!({"hello": "cli"}));

    let out = aws_cli(
        &s,
        &[
            "--function-name",
            "clifn",
            "--payload",
            r#"{"fail": true}"#,
            "err.json",
        ],
        work.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(meta["FunctionError"], "Unhandled");
    assert_eq!(meta.get("LogResult"), None);
    let payload: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.path().join("err.json")).unwrap()).unwrap();
    assert_eq!(payload["errorMessage"], "nope");

    let out = aws_cli(&s, &["--function-name", "missing", "x.json"], work.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ResourceNotFoundException")
            && err.contains(
                "Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing"
            ),
        "{err}"
    );
}

#[test]
fn serve_answers_the_rust_sdk() {
    use aws_sdk_lambda::primitives::Blob;
    use aws_sdk_lambda::types::{InvocationType, LogType};

    let d = python_fn(
        "def handler(event, context):\n    if event.get('fail'):\n        raise Exception('sdk fail')\n    print('sdk was here')\n    return event\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d), "--function", "sdkfn"]);
    let rt = rt();
    let client = rt.block_on(async {
        let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(lamctl::aws::https::client())
            .region(aws_config::Region::new(REGION))
            .endpoint_url(s.url())
            .credentials_provider(aws_credential_types::Credentials::new(
                "testing", "testing", None, None, "tests",
            ))
            .load()
            .await;
        aws_sdk_lambda::Client::new(&conf)
    });
    let out = rt
        .block_on(
            client
                .invoke()
                .function_name("sdkfn")
                .log_type(LogType::Tail)
                .payload(Blob::new(r#"{"n": 1}"#))
                .send(),
        )
        .expect("invoke");
    assert_eq!(out.status_code(), 200);
    assert_eq!(out.function_error(), None);
    assert_eq!(out.executed_version(), Some("$LATEST"));
    let payload: serde_json::Value =
        serde_json::from_slice(out.payload().unwrap().as_ref()).unwrap();
    assert_eq!(payload, serde_json::json!({"n": 1}));
    let tail = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(out.log_result().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert!(tail.contains("\nsdk was here\nEND RequestId: "), "{tail}");

    // By ARN, with a function error.
    let out = rt
        .block_on(
            client
                .invoke()
                .function_name("arn:aws:lambda:us-east-1:000000000000:function:sdkfn")
                .payload(Blob::new(r#"{"fail": true}"#))
                .send(),
        )
        .expect("invoke");
    assert_eq!(out.function_error(), Some("Unhandled"));
    assert_eq!(out.log_result(), None);
    let payload: serde_json::Value =
        serde_json::from_slice(out.payload().unwrap().as_ref()).unwrap();
    assert_eq!(payload["errorMessage"], "sdk fail");

    // An asynchronous invoke is accepted at once; a dry run checks only.
    let out = rt
        .block_on(
            client
                .invoke()
                .function_name("sdkfn")
                .invocation_type(InvocationType::Event)
                .payload(Blob::new("{}"))
                .send(),
        )
        .expect("event invoke");
    assert_eq!(out.status_code(), 202);
    let out = rt
        .block_on(
            client
                .invoke()
                .function_name("sdkfn")
                .invocation_type(InvocationType::DryRun)
                .send(),
        )
        .expect("dry run");
    assert_eq!(out.status_code(), 204);

    // An unknown function or qualifier is ResourceNotFoundException.
    for (name, qualifier) in [("nope", None), ("sdkfn", Some("live"))] {
        let err = rt
            .block_on(
                client
                    .invoke()
                    .function_name(name)
                    .set_qualifier(qualifier.map(String::from))
                    .send(),
            )
            .unwrap_err()
            .into_service_error();
        assert!(err.is_resource_not_found_exception(), "{err:?}");
    }
}

// ---------------------------------------------------------------------------
// Bad input: usage errors before anything starts

#[test]
fn bad_definitions_are_usage_errors() {
    let d = python_fn("", "");
    let dir = dir_arg(&d);
    lamctl(["serve", "--port", "0", "--dir", &dir, "--runtime", "java21"])
        .run()
        .fails(2, "runtime 'java21' cannot run locally");
    // A runtime Lambda does not have, from a flag or from lamctl.toml.
    lamctl([
        "serve",
        "--port",
        "0",
        "--dir",
        &dir,
        "--runtime",
        "python3.99",
    ])
    .run()
    .fails(2, "for '--runtime <RUNTIME>': unknown runtime 'python3.99'");
    let bad = python_fn("", "");
    std::fs::write(
        bad.path().join("lamctl.toml"),
        "runtime = \"nodejs20\"\nhandler = \"app.handler\"\n",
    )
    .unwrap();
    lamctl(["invoke", "--local", "--dir", &dir_arg(&bad)])
        .run()
        .fails(2, "unknown runtime 'nodejs20'");
    lamctl(["serve", "--port", "0", "--dir", "/no/such/dir"])
        .run()
        .fails(2, "--dir /no/such/dir is not a directory");
    lamctl(["serve", "--port", "0", "--dir", &dir, "--timeout", "0"])
        .run()
        .fails(2, "timeout 0 s is outside 1-900");
    let empty = tempfile::tempdir().unwrap();
    lamctl(["serve", "--port", "0", "--dir", &dir_arg(&empty)])
        .run()
        .fails(2, "no runtime for the function");
    lamctl([
        "serve",
        "--port",
        "0",
        "--dir",
        &dir,
        "--env-file",
        "missing.env",
    ])
    .run()
    .fails(2, "env file missing.env does not exist");

    // A bootstrap that is not an executable for this machine.
    std::fs::write(
        empty.path().join("bootstrap"),
        b"\xcf\xfa\xed\xfe\x07\x00\x00\x01macho",
    )
    .unwrap();
    lamctl([
        "serve",
        "--port",
        "0",
        "--dir",
        &dir_arg(&empty),
        "--runtime",
        "provided.al2023",
    ])
    .run()
    .fails(
        2,
        "is a macOS (Mach-O) executable, not an executable for linux/",
    );

    // A port that is taken.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port().to_string();
    lamctl(["serve", "--port", &port, "--dir", &dir])
        .run()
        .fails(1, &format!("cannot listen on 127.0.0.1:{port}"));
}

// ------------------------------------------------- lamctl invoke --local

pub(crate) fn invoke_local(d: &tempfile::TempDir, extra: &[&str]) -> Out {
    let dir = dir_arg(d);
    let mut args = vec!["invoke", "--local", "--dir", dir.as_str()];
    args.extend_from_slice(extra);
    lamctl(args)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .run()
}

#[test]
fn invoke_local_runs_the_bundled_example_like_the_cloud() {
    // The README's first command: no AWS account, no region.
    let out = lamctl([
        "invoke",
        "--local",
        "--dir",
        &format!("{REPO}/examples/hello-python"),
        "--tail",
        "--payload",
        r#"{"name": "lamctl"}"#,
    ])
    .env_remove("AWS_ACCESS_KEY_ID")
    .env_remove("AWS_SECRET_ACCESS_KEY")
    .run();
    out.success();
    // Piped: the handler's JSON byte for byte, no newline added.
    assert_eq!(
        out.stdout(),
        r#"{"statusCode": 200, "body": "{\"message\": \"hello, lamctl\"}"}"#
    );
    // Live, the whole log: the init phase, then START … REPORT (after a
    // warning when this machine's Python is not 3.12).
    let lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| !l.starts_with("warning: python3.12 requested"))
        .collect();
    assert!(lines[0].starts_with("INIT_START "), "{}", out.stderr);
    assert!(
        lines[1].starts_with("START RequestId: ") && lines[1].ends_with("Version: $LATEST"),
        "{}",
        out.stderr
    );
    assert!(lines.contains(&"greeting lamctl"), "{}", out.stderr);
    assert!(
        lines.iter().any(|l| l.starts_with("END RequestId: ")),
        "{}",
        out.stderr
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("REPORT RequestId: ") && l.contains("Init Duration: ")),
        "{}",
        out.stderr
    );

    // On a terminal the answer ends with a newline, so the shell's prompt
    // starts on a line of its own.
    let out = lamctl([
        "invoke",
        "--local",
        "--dir",
        &format!("{REPO}/examples/hello-python"),
        "--tail",
        "--payload",
        r#"{"name": "lamctl"}"#,
    ])
    .env_remove("AWS_ACCESS_KEY_ID")
    .env_remove("AWS_SECRET_ACCESS_KEY")
    .run_tty(Tty::StdoutAndStderr);
    out.success();
    let shown = strip_ansi(&out.stderr);
    assert!(shown.ends_with("}\n"), "{shown:?}");
    assert!(shown.contains(r#""statusCode": 200"#), "{shown:?}");

    // --output json: the same object as a cloud invoke.
    let out = lamctl([
        "invoke",
        "--local",
        "--dir",
        &format!("{REPO}/examples/hello-python"),
        "--output",
        "json",
        "--tail",
    ])
    .run();
    out.success();
    let v = out.json();
    assert_eq!(
        (v["status_code"].as_i64(), v["executed_version"].as_str()),
        (Some(200), Some("$LATEST"))
    );
    assert!(v["log_tail"].as_str().unwrap().contains("greeting world"));
    assert_eq!(v["payload"]["statusCode"], 200);
}

#[test]
fn invoke_local_function_error_is_exit_3_and_flags_are_checked() {
    let d = python_fn(
        "def handler(event, context):\n    raise ValueError('bad input: ' + event['k'])\n",
        "",
    );
    let out = invoke_local(&d, &["--payload", r#"{"k": "x"}"#]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(
        out.stderr.contains("error: ValueError: bad input: x"),
        "{}",
        out.stderr
    );
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["errorType"], "ValueError");

    // An event runs and is answered 202 with no payload; a dry run runs nothing.
    let ok = python_fn(
        "def handler(event, context):\n    print('ran', event)\n    return event\n",
        "",
    );
    let out = invoke_local(&ok, &["--async", "--output", "json"]);
    out.success();
    assert_eq!(out.json()["status_code"], 202);
    let out = invoke_local(&ok, &["--invocation-type", "dry-run", "--output", "json"]);
    out.success();
    assert_eq!(out.json()["status_code"], 204);

    // Several payloads, in order, one instance.
    let out = invoke_local(&ok, &["--ndjson", "--parallel", "2"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = lamctl(["invoke", "--local", "--dir", &dir_arg(&ok), "--ndjson"])
        .stdin("{\"n\": 1}\n{\"n\": 2}\n")
        .run();
    out.success();
    let lines: Vec<serde_json::Value> = out
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        (
            lines[0]["payload"]["n"].as_i64(),
            lines[1]["payload"]["n"].as_i64()
        ),
        (Some(1), Some(2))
    );

    // Local-only flags without --local, and cloud-only ones with it: exit 2, no call.
    let sink = Sink::start();
    lamctl([
        "invoke",
        "f",
        "--dir",
        "x",
        "--region",
        REGION,
        "--endpoint-url",
        &sink.endpoint,
    ])
    .run()
    .fails(2, "describe a local run");
    invoke_local(&ok, &["--qualifier", "live"]).fails(2, "a local function has only $LATEST");
    let out = invoke_local(&ok, &["--stream", "--payload", r#"{"streamed": 1}"#]);
    out.success();
    assert_eq!(out.json()["streamed"], 1);
    invoke_local(&ok, &["other", "--function", "t"])
        .fails(2, "NAME 'other' and --function 't' differ");
    assert_eq!(sink.connections(), 0);
}

#[test]
fn lamctl_invoke_against_lamctl_serve_matches_the_cloud() {
    let d = python_fn(
        "def handler(event, context):\n    print('hi from', context.function_name)\n    if event.get('fail'):\n        raise RuntimeError('asked to fail')\n    return {'echo': event}\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    let ep = format!("http://127.0.0.1:{}", s.port);
    let out = lamctl([
        "invoke",
        "t",
        "--endpoint-url",
        &ep,
        "--region",
        REGION,
        "--tail",
        "--payload",
        r#"{"a": 1}"#,
    ])
    .run();
    out.success();
    assert_eq!(out.stdout(), r#"{"echo": {"a": 1}}"#);
    assert!(
        out.stderr.contains("hi from t") && out.stderr.contains("REPORT RequestId: "),
        "{}",
        out.stderr
    );

    let out = lamctl([
        "invoke",
        "t",
        "--endpoint-url",
        &ep,
        "--region",
        REGION,
        "--payload",
        r#"{"fail": true}"#,
        "--output",
        "json",
        "--tail",
    ])
    .run();
    assert_eq!(out.code, 3, "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["function_error"], "Unhandled");
    assert_eq!(v["payload"]["errorType"], "RuntimeError");
    assert!(
        v["log_tail"].as_str().unwrap().contains("asked to fail"),
        "{v}"
    );

    let out = lamctl(["invoke", "nope", "--endpoint-url", &ep, "--region", REGION]).run();
    out.fails(1, "nope");
}

/// An interpreter of another version than the runtime's: one warning line,
/// and the function still runs. (A `python3.12` on PATH that is Python 3.11.)
#[test]
fn a_different_interpreter_version_is_one_warning() {
    let bin = tempfile::tempdir().unwrap();
    let real = venv_bin().join("python3");
    let fake = bin.path().join("python3.12");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\nexec {} \"$@\"\n", real.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let d = python_fn("def handler(e, c):\n    return 'ran'\n", "");
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap()
    );
    let out = lamctl(["invoke", "--local", "--dir", &dir_arg(&d)])
        .env("PATH", &path)
        .run();
    out.success();
    assert_eq!(out.stdout().trim(), "\"ran\"");
    let warnings: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(
        warnings,
        [format!(
            "warning: python3.12 requested, but {} is Python 3.11: the function runs under Python 3.11 here",
            fake.display()
        )
        .as_str()],
        "{}",
        out.stderr
    );
    // The same version: no warning.
    std::fs::write(
        d.path().join("lamctl.toml"),
        "name = \"t\"\nruntime = \"python3.11\"\nhandler = \"app.handler\"\n",
    )
    .unwrap();
    let out = lamctl(["invoke", "--local", "--dir", &dir_arg(&d)])
        .env("PATH", format!("{}:{path}", venv_bin().display()))
        .run();
    out.success();
    assert!(!out.stderr.contains("warning:"), "{}", out.stderr);
}
