//! The local runtime as a user tries it (issue 23's found gaps): empty
//! bodies, one request id per invocation, clients that go away, multi-line
//! records on a terminal, `--raw` bytes (InvokeWithResponseStream: local_stream.rs), the
//! function URL's forwarded headers, a spinner for an endpoint that never
//! answers, serve's JSON line and hint, the README's AWS CLI line, and
//! `--dir`'s lamctl.toml.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::local::*;

/// Wait until serve's stderr holds `needle`.
#[track_caller]
pub(crate) fn wait_stderr(s: &Serve, needle: &str, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let e = s.stderr();
        if e.contains(needle) {
            return e;
        }
        assert!(Instant::now() < deadline, "no {needle:?} in:\n{e}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// The AWS CLI (or boto3) from the test venv, with no AWS configuration
/// but the variables the README shows.
fn aws_cli(home: &std::path::Path) -> Command {
    let mut c = Command::new(venv_bin().join("aws"));
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home);
    c
}

pub(crate) fn boto3(script: &str) -> serde_json::Value {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(venv_bin().join("python"))
        .args(["-c", script])
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

// 1 ----------------------------------------------------------------------

#[test]
fn an_empty_body_is_the_event_empty_object() {
    let d = python_fn(
        "def handler(event, context):\n    return {'event': event}\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    let r = s.invoke("t", b"", &[]);
    assert_eq!(r.status, 200, "{}", s.stderr());
    assert!(r.header("x-amz-function-error").is_none(), "{r:?}");
    assert_eq!(r.json(), serde_json::json!({"event": {}}));

    // The exact command serve's banner suggests, with no payload at all.
    let home = tempfile::tempdir().unwrap();
    let out = aws_cli(home.path())
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "local")
        .env("AWS_SECRET_ACCESS_KEY", "local")
        .args(["lambda", "invoke", "--endpoint-url", &s.url()])
        .args(["--function-name", "t", "--log-type", "Tail", "out.json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(home.path().join("out.json")).unwrap();
    assert_eq!(written, r#"{"event": {}}"#);

    // `invoke --local` with empty bytes: the same `{}`.
    let out = invoke_local(&d, &["--raw", "--payload", ""]);
    out.success();
    assert_eq!(out.json(), serde_json::json!({"event": {}}));
}

// 2 ----------------------------------------------------------------------

#[test]
fn an_events_202_names_the_request_id_it_runs_with() {
    let d = python_fn(
        "import os\ndef handler(event, context):\n    path = os.path.join(os.environ['LAMBDA_TASK_ROOT'], 'ran-' + context.aws_request_id)\n    open(path, 'w').write(os.environ['_X_AMZN_TRACE_ID'])\n    return {}\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    let r = s.invoke("t", b"{}", &[("X-Amz-Invocation-Type", "Event")]);
    assert_eq!(r.status, 202, "{r:?}");
    let id = request_id(&r);
    let log = wait_stderr(
        &s,
        &format!("REPORT RequestId: {id}\t"),
        Duration::from_secs(20),
    );
    assert!(
        log.contains(&format!("START RequestId: {id} Version: $LATEST")),
        "{log}"
    );
    assert!(log.contains(&format!("END RequestId: {id}\n")), "{log}");
    assert!(d.path().join(format!("ran-{id}")).exists(), "{log}");

    // A synchronous one: the header, the context and the log agree too.
    let r = s.invoke_tail("t", "{}");
    let id = request_id(&r);
    check_frame(&r.tail(), &id);
    assert!(d.path().join(format!("ran-{id}")).exists());
}

/// Items 2 and 8: a function URL event's ids are the invocation's, and it
/// carries the headers the service's front end adds.
#[test]
fn serve_url_events_carry_the_invocations_ids_and_forwarded_headers() {
    let d = python_fn(
        "import json, os\ndef handler(event, context):\n    return {'statusCode': 200, 'body': json.dumps({'event': event, 'request_id': context.aws_request_id, 'trace': os.environ.get('_X_AMZN_TRACE_ID')})}\n",
        "",
    );
    let s = serve(&["--url", "--dir", &dir_arg(&d)]);
    let mut traces = Vec::new();
    for sent in [None, Some("10.1.2.3")] {
        let headers: Vec<(&str, &str)> = match sent {
            Some(ip) => vec![
                ("X-Forwarded-For", ip),
                ("X-Forwarded-Proto", "gopher"),
                (
                    "X-Amzn-Trace-Id",
                    "Root=1-00000000-000000000000000000000000",
                ),
            ],
            None => vec![],
        };
        let r = request(s.port, "GET", "/ids", b"", &headers);
        assert_eq!(r.status, 200, "{r:?}\n{}", s.stderr());
        let v = r.json();
        let rid = request_id(&r);
        assert_eq!(v["request_id"], rid.as_str(), "{v}");
        assert_eq!(
            v["event"]["requestContext"]["requestId"],
            rid.as_str(),
            "{v}"
        );
        let h = &v["event"]["headers"];
        let want_for = match sent {
            Some(ip) => format!("{ip}, 127.0.0.1"),
            None => "127.0.0.1".into(),
        };
        assert_eq!(h["x-forwarded-for"], want_for.as_str(), "{h}");
        assert_eq!(h["x-forwarded-proto"], "http", "{h}");
        assert_eq!(h["x-forwarded-port"], s.port.to_string().as_str(), "{h}");
        let header_trace = h["x-amzn-trace-id"].as_str().unwrap().to_string();
        assert!(header_trace.starts_with("Root=1-"), "{h}");
        assert!(!header_trace.contains(';'), "{h}");
        let runtime_trace = v["trace"].as_str().unwrap();
        assert!(
            runtime_trace.starts_with(&format!("{header_trace};")),
            "{header_trace} vs {runtime_trace}"
        );
        wait_stderr(
            &s,
            &format!("REPORT RequestId: {rid}\t"),
            Duration::from_secs(10),
        );
        traces.push(header_trace);
    }
    assert_ne!(traces[0], traces[1], "one trace id per invocation");
}

// 3 ----------------------------------------------------------------------

#[test]
fn a_client_that_disconnects_leaves_the_invocation_to_finish() {
    let d = python_fn(
        "import time\ndef handler(event, context):\n    time.sleep(event.get('sleep', 0))\n    print('finished', event.get('sleep', 0))\n    return 'done'\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d), "--concurrency", "1"]);
    // Warm it up.
    s.invoke_tail("t", "{}");
    let body = br#"{"sleep": 1.5}"#;
    let mut conn = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    write!(
        conn,
        "POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .unwrap();
    conn.write_all(body).unwrap();
    wait_stderr(&s, "START RequestId", Duration::from_secs(10));
    // Wait for the second START, then hang up mid-invocation.
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.stderr().matches("START RequestId").count() < 2 {
        assert!(Instant::now() < deadline, "{}", s.stderr());
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(conn);
    wait_stderr(&s, "finished 1.5", Duration::from_secs(10));
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.stderr().matches("REPORT RequestId").count() < 2 {
        assert!(
            Instant::now() < deadline,
            "no END/REPORT after the hang-up:\n{}",
            s.stderr()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        s.stderr().matches("END RequestId").count(),
        2,
        "{}",
        s.stderr()
    );

    // The instance is still warm: no new init, no wait.
    let started = Instant::now();
    let r = s.invoke_tail("t", "{}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let report = report_line(&r.tail(), &request_id(&r));
    assert!(!report.contains("Init Duration"), "{report}");
    assert_eq!(
        s.stderr().matches("INIT_START").count(),
        1,
        "{}",
        s.stderr()
    );
}

// 4 ----------------------------------------------------------------------

#[test]
fn multi_line_records_read_as_lines_on_a_terminal_and_stay_exact_in_a_pipe() {
    let d = python_fn(
        "def handler(event, context):\n    raise ValueError('boom')\n",
        "",
    );
    let args = ["invoke", "--local", "--dir", &dir_arg(&d), "--tail"];
    let tty = lamctl(args)
        .env_remove("AWS_ACCESS_KEY_ID")
        .run_tty(Tty::Stderr);
    assert_eq!(tty.code, 3, "{}", tty.stderr);
    let shown = strip_ansi(&tty.stderr);
    assert!(
        shown.contains("[ERROR] ValueError: boom\n    Traceback (most recent call last):\n"),
        "{shown:?}"
    );
    assert!(!shown.contains('\r'), "{shown:?}");

    let piped = lamctl(args).env_remove("AWS_ACCESS_KEY_ID").run();
    assert_eq!(piped.code, 3, "{}", piped.stderr);
    assert!(
        piped
            .stderr
            .contains("[ERROR] ValueError: boom\rTraceback (most recent call last):\r"),
        "{:?}",
        piped.stderr
    );
}

/// `serve`'s live log on a terminal: the function prints a `\r`-joined
/// record at init, then (a second later) stops serve with SIGTERM, so the
/// terminal run ends on its own.
#[test]
fn serve_shows_multi_line_records_as_lines_on_a_terminal() {
    let d = python_fn(
        r#"import os, signal, threading
def stop_lamctl():
    pid = os.getppid()
    while pid > 1:
        if open(f"/proc/{pid}/comm").read().strip() == "lamctl":
            os.kill(pid, signal.SIGTERM)
            return
        pid = int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
print("record one\rrecord two\rrecord three", flush=True)
threading.Timer(1.0, stop_lamctl).start()
def handler(event, context):
    return 1
"#,
        "",
    );
    let out = lamctl(["serve", "--port", "0", "--dir", &dir_arg(&d)]).run_tty(Tty::Stderr);
    assert_eq!(out.code, 143, "{}", out.stderr);
    let shown = strip_ansi(&out.stderr);
    assert!(
        shown.contains("record one\n    record two\n    record three\n"),
        "{shown:?}"
    );
}

// 7 ----------------------------------------------------------------------

#[test]
fn invoke_local_refuses_raw_bytes_that_are_not_json_as_serve_does() {
    let d = python_fn(
        "import os\nopen(os.path.join(os.environ['LAMBDA_TASK_ROOT'], 'loaded'), 'w').close()\ndef handler(event, context):\n    open(os.path.join(os.environ['LAMBDA_TASK_ROOT'], 'ran'), 'w').close()\n    return event\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d)]);
    let r = s.invoke("t", b"not json", &[]);
    assert_eq!(r.status, 400);
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("InvalidRequestContentException")
    );
    let message = r.json()["message"].as_str().unwrap().to_string();
    drop(s);
    let _ = std::fs::remove_file(d.path().join("loaded"));

    let out = invoke_local(&d, &["--raw", "--payload", "not json"]);
    out.fails(1, "InvalidRequestContentException");
    assert!(
        out.stderr.contains(&message),
        "{} lacks {message}",
        out.stderr
    );
    assert!(out.stdout.is_empty());
    assert!(!d.path().join("ran").exists());
    assert!(
        !d.path().join("loaded").exists(),
        "the function was started"
    );
}

// 9 ----------------------------------------------------------------------

#[test]
fn a_silent_endpoint_shows_a_spinner_naming_the_call() {
    let d = python_fn("def handler(event, context):\n    return 1\n", "");
    let ep = silent_endpoint();
    let started = Instant::now();
    let out = lamctl([
        "deploy",
        "--endpoint-url",
        &ep,
        "--region",
        REGION,
        "--read-timeout",
        "3s",
    ])
    .dir(d.path())
    .run_tty(Tty::Stderr);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(started.elapsed() < Duration::from_secs(30));
    let shown = strip_ansi(&out.stderr);
    let spinner = shown
        .lines()
        .flat_map(|l| l.split('\r'))
        .find(|l| l.contains("waiting for "))
        .unwrap_or_else(|| panic!("no spinner in {shown:?}"));
    // It names the operation and the service it waits on (deploy's first call).
    assert!(
        spinner.contains("waiting for GetFunction (Lambda)"),
        "{spinner}"
    );

    // Not in a pipe.
    let out = lamctl([
        "info",
        "f",
        "--endpoint-url",
        &ep,
        "--region",
        REGION,
        "--read-timeout",
        "2s",
    ])
    .run();
    assert_eq!(out.code, 1);
    assert!(!out.stderr.contains("waiting for"), "{}", out.stderr);
}

// 10 ---------------------------------------------------------------------

#[test]
fn serve_json_is_one_line_and_the_url_hint_names_no_404_path() {
    let d = python_fn("def handler(event, context):\n    return 1\n", "");
    let (mut cmd, home) = serve_cmd(&["--dir", &dir_arg(&d), "--output", "json"], None);
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: the first line was {line:?}"));
    assert!(v["port"].as_u64().unwrap() > 0, "{v}");
    assert_eq!(v["function"], "t");
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let _ = child.wait();
    drop(home);

    // The walkthrough's example routes by path: the hint's URL must not be a 404.
    let s = serve(&[
        "--url",
        "--dir",
        &repo("examples/translate-python").to_string_lossy(),
    ]);
    let log = wait_stderr(&s, "try: curl", Duration::from_secs(10));
    let hint = log.lines().find(|l| l.contains("try: curl")).unwrap();
    let url = hint.split('\'').nth(1).expect("a quoted URL");
    let path = url.strip_prefix(&s.url()).expect("the served URL");
    if !path.contains('<') {
        let r = request(
            s.port,
            "GET",
            if path.is_empty() { "/" } else { path },
            b"",
            &[],
        );
        assert_ne!(r.status, 404, "the hint {hint:?} leads to a 404");
    }
}

// 11 ---------------------------------------------------------------------

#[test]
fn the_readmes_aws_cli_line_works_with_no_aws_configuration() {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("aws lambda invoke --endpoint-url"))
        .expect("the README's aws lambda invoke line");
    // The variables it shows, on the line before, and the command (with its continuation).
    let exports = lines[..at]
        .iter()
        .rev()
        .find(|l| l.starts_with("export "))
        .expect("the README shows the variables the AWS CLI needs");
    let mut command = String::new();
    for l in &lines[at..] {
        command.push_str(l.trim_end_matches('\\'));
        if !l.ends_with('\\') {
            break;
        }
    }
    let s = serve(&["--dir", &repo("examples/hello-python").to_string_lossy()]);
    let command = command.replace("127.0.0.1:3001", &format!("127.0.0.1:{}", s.port));
    let home = tempfile::tempdir().unwrap();
    let script = format!("{exports}\n{command}\n");
    let out = Command::new("sh")
        .args(["-c", &script])
        .env_clear()
        .env(
            "PATH",
            format!(
                "{}:{}",
                venv_bin().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(home.path().join("out.json")).unwrap();
    assert!(written.contains("hello, ada"), "{written}");

    // Without the variables the same line fails: they are what it needs.
    let out = Command::new("sh")
        .args(["-c", &command])
        .env_clear()
        .env("PATH", format!("{}:/usr/bin:/bin", venv_bin().display()))
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn dir_reads_that_folders_lamctl_toml_and_its_source() {
    let d = tempfile::tempdir().unwrap();
    std::fs::create_dir(d.path().join("code")).unwrap();
    std::fs::write(
        d.path().join("code/app.py"),
        "import os\ndef handler(event, context):\n    return {'root': os.environ['LAMBDA_TASK_ROOT'], 'name': context.function_name}\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        "name = \"sourced\"\nruntime = \"python3.12\"\nhandler = \"app.handler\"\nsource = \"code\"\n",
    )
    .unwrap();
    let out = invoke_local(&d, &[]);
    out.success();
    let v = out.json();
    assert_eq!(v["name"], "sourced", "{v}");
    let root = std::fs::canonicalize(d.path().join("code")).unwrap();
    assert_eq!(
        std::fs::canonicalize(v["root"].as_str().unwrap()).unwrap(),
        root,
        "{v}"
    );
}
