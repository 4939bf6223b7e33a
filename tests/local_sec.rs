//! The local runtime on a shared machine, and inputs with no end: the
//! Runtime API answers only lamctl's own account; `serve --token` guards
//! the Invoke API and the function URL; every body and payload is read up
//! to its limit and no further; the Event queue is bounded; a payload that
//! is not UTF-8 never reaches the network.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::local::*;

/// A function that writes its AWS_LAMBDA_RUNTIME_API to ADDR_FILE at init
/// and echoes its event (with the headers of a URL event).
const ADDR_WRITER: &str = r#"
import os
with open(os.environ["ADDR_FILE"] + ".tmp", "w") as f:
    f.write(os.environ["AWS_LAMBDA_RUNTIME_API"])
os.rename(os.environ["ADDR_FILE"] + ".tmp", os.environ["ADDR_FILE"])
def handler(event, context):
    return event
"#;

/// The uid the tests borrow for "another account".
const NOBODY: u32 = 65534;

fn wait_file(path: &std::path::Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(t) = std::fs::read_to_string(path) {
            return t;
        }
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One HTTP request to `addr` made by a process of another account; its
/// status, or "timeout" when no answer came within 3 s.
fn as_nobody(addr: &str, method: &str, path: &str) -> String {
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "this test acts as another account (uid {NOBODY}): run it as root, as CI does"
    );
    let script = format!(
        r#"
import socket, sys
s = socket.create_connection(("{host}", {port}), timeout=3)
s.sendall(b"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}")
try:
    head = s.recv(64).decode()
    print(head.split()[1])
except socket.timeout:
    print("timeout")
"#,
        host = addr.split(':').next().unwrap(),
        port = addr.rsplit(':').next().unwrap(),
    );
    let out = Command::new("/usr/bin/python3")
        .args(["-c", &script])
        .uid(NOBODY)
        .gid(NOBODY)
        .current_dir("/")
        .env_clear()
        .output()
        .expect("python3 as nobody");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_runtime_api_refuses_another_account() {
    let d = python_fn(ADDR_WRITER, "");
    let addr_file = d.path().join("addr");
    let env = format!("ADDR_FILE={}", addr_file.display());
    let s = serve(&["--dir", &dir_arg(&d), "--env", &env]);
    let addr = wait_file(&addr_file);
    // Another account polls for the next event: refused at once (it used
    // to wait for, and take, the next caller's event).
    assert_eq!(
        as_nobody(&addr, "GET", "/2018-06-01/runtime/invocation/next"),
        "403"
    );
    // The neighbours: forging an answer, failing the init.
    assert_eq!(
        as_nobody(&addr, "POST", "/2018-06-01/runtime/invocation/x/response"),
        "403"
    );
    assert_eq!(
        as_nobody(&addr, "POST", "/2018-06-01/runtime/init/error"),
        "403"
    );
    assert_eq!(as_nobody(&addr, "GET", "/anything"), "403");
    // The function itself (lamctl's account) is served as before.
    let r = s.invoke_tail("t", r#"{"mine":1}"#);
    assert_eq!(r.json(), serde_json::json!({"mine": 1}));
    assert!(!s.stderr().contains("Runtime.Restarted"), "{}", s.stderr());
}

#[test]
fn serve_token_guards_the_invoke_api() {
    let d = python_fn(ADDR_WRITER, "");
    let addr_file = d.path().join("addr");
    let env = format!("ADDR_FILE={}", addr_file.display());
    let token = "tok-3f9a1c";
    let (mut cmd, _home) = serve_cmd(&["--dir", &dir_arg(&d), "--env", &env], None);
    cmd.env("LAMCTL_SERVE_TOKEN", token);
    let s = serve_from(cmd, _home);
    let body = br#"{"k":1}"#;
    let r = s.invoke("t", body, &[]);
    assert_eq!(r.status, 401, "{r:?}");
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("MissingAuthenticationTokenException")
    );
    let r = s.invoke("t", body, &[("Authorization", "Bearer tok-3f9a1")]);
    assert_eq!(r.status, 403, "{r:?}");
    let r = s.invoke("t", body, &[("Authorization", "Basic dG9rLTNmOWExYw==")]);
    assert_eq!(r.status, 401, "{r:?}");
    let r = s.invoke("t", body, &[("Authorization", &format!("Bearer {token}"))]);
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.json(), serde_json::json!({"k": 1}));
    // The AWS CLI signs with the token as its access key id.
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("out.json");
    let cli = |key: &str| {
        Command::new(venv_bin().join("aws"))
            .args(["lambda", "invoke", "--endpoint-url", &s.url()])
            .args(["--function-name", "t", "--region", "us-east-1"])
            .args(["--payload", "{}"])
            .arg(&out_file)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir.path())
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", "anything")
            .env("AWS_MAX_ATTEMPTS", "1")
            .output()
            .unwrap()
    };
    let ok = cli(token);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let bad = cli("AKIDNOTTHETOKEN");
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("UnrecognizedClientException"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    // The token is never shown.
    assert!(!s.stderr().contains(token), "{}", s.stderr());
}

#[test]
fn serve_token_guards_the_function_url() {
    let d = python_fn(ADDR_WRITER, "");
    let addr_file = d.path().join("addr");
    let env = format!("ADDR_FILE={}", addr_file.display());
    let token = "url-token-77";
    let s = serve(&[
        "--url",
        "--dir",
        &dir_arg(&d),
        "--env",
        &env,
        "--token",
        token,
    ]);
    let get = |headers: &[(&str, &str)]| request(s.port, "GET", "/p", b"", headers);
    assert_eq!(get(&[]).status, 401);
    assert_eq!(get(&[("Authorization", "Bearer nope")]).status, 403);
    let bearer = format!("Bearer {token}");
    let r = get(&[("Authorization", &bearer)]);
    assert_eq!(r.status, 200, "{r:?}");
    // The event the function saw has no Authorization header: the token
    // is lamctl's, not the function's.
    let event = r.json();
    assert_eq!(event["rawPath"], "/p");
    assert!(event["headers"].get("authorization").is_none(), "{event}");
    assert!(!s.stderr().contains(token), "{}", s.stderr());
}

#[test]
fn serve_token_is_checked_before_anything_starts() {
    for (token, needle) in [("", "is empty"), ("two words", "printable ASCII")] {
        let out = lamctl([
            "serve",
            "--port",
            "0",
            "--runtime",
            "python3.12",
            "--token",
            token,
        ])
        .run();
        out.fails(2, "--token");
        assert!(out.stderr.contains(needle), "{}", out.stderr);
    }
}

/// A body that declares more than it sends is answered 413 once the limit
/// is passed, without waiting for (or keeping) the rest.
#[test]
fn serve_reads_a_body_only_up_to_its_limit() {
    let d = python_fn("def handler(e, c):\n    return e\n", "");
    for (args, path, headers, limit) in [
        (
            vec![],
            "/2015-03-31/functions/t/invocations",
            "",
            6 * 1024 * 1024,
        ),
        (
            vec![],
            "/2015-03-31/functions/t/invocations",
            "X-Amz-Invocation-Type: Event\r\n",
            1024 * 1024,
        ),
        (vec!["--url"], "/big", "", 6 * 1024 * 1024),
    ] {
        let mut a = args.clone();
        let dir = dir_arg(&d);
        a.extend(["--dir", &dir]);
        let s = serve(&a);
        let mut c = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
        c.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        // 1 GB announced; limit + 64 KB sent.
        write!(
            c,
            "POST {path} HTTP/1.1\r\nHost: x\r\n{headers}Content-Length: 1073741824\r\n\r\n"
        )
        .unwrap();
        let chunk = vec![b' '; 64 * 1024];
        let mut sent = 0;
        while sent <= limit + chunk.len() {
            if c.write_all(&chunk).is_err() {
                break;
            }
            sent += chunk.len();
        }
        let mut head = [0u8; 12];
        c.read_exact(&mut head)
            .unwrap_or_else(|e| panic!("{path} {headers}: no answer ({e}): {}", s.stderr()));
        assert_eq!(&head[9..12], b"413", "{path} {headers}");
    }
}

/// More Event invocations than the queue holds: the rest get 429.
#[test]
fn the_event_queue_is_bounded() {
    let d = python_fn(
        "import time\ndef handler(e, c):\n    time.sleep(4)\n    return e\n",
        "",
    );
    let s = serve(&["--dir", &dir_arg(&d), "--concurrency", "1"]);
    let mut statuses = Vec::new();
    for _ in 0..110 {
        let r = s.invoke("t", b"{}", &[("X-Amz-Invocation-Type", "Event")]);
        statuses.push(r.status);
        if r.status == 429 {
            assert_eq!(
                r.header("x-amzn-errortype"),
                Some("TooManyRequestsException")
            );
        }
    }
    let accepted = statuses.iter().filter(|s| **s == 202).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(accepted >= 100 && refused >= 9, "{statuses:?}");
    assert_eq!(accepted + refused, 110, "{statuses:?}");
}

#[test]
fn serve_refuses_a_body_that_is_not_utf8() {
    let d = python_fn("def handler(e, c):\n    return e\n", "");
    let s = serve(&["--dir", &dir_arg(&d)]);
    for body in [&b"{\"a\":\"\xff\"}"[..], b"[\"\xc3\"]", b"\"\xed\xa0\x80\""] {
        let r = s.invoke("t", body, &[]);
        assert_eq!(r.status, 400, "{r:?}");
        assert_eq!(
            r.header("x-amzn-errortype"),
            Some("InvalidRequestContentException")
        );
    }
}

/// lamctl run with `stdin` as its standard input, ended after 20 s.
fn run_with_stdin(args: &[&str], stdin: Stdio) -> Out {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lamctl"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(home.path())
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("lamctl {args:?} still reading after 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    Out {
        code: o.status.code().unwrap_or(-1),
        stdout: o.stdout,
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

#[test]
fn endless_payloads_are_refused_while_reading() {
    let sink = Sink::start();
    let base = [
        "invoke",
        "f",
        "--region",
        REGION,
        "--endpoint-url",
        &sink.endpoint,
    ];
    let zero = || Stdio::from(std::fs::File::open("/dev/zero").unwrap());
    fn with<'a>(base: &[&'a str], extra: &[&'a str]) -> Vec<&'a str> {
        let mut v = base.to_vec();
        v.extend_from_slice(extra);
        v
    }
    let a = with(&base, &["--payload", "@/dev/zero"]);
    run_with_stdin(&a, Stdio::null()).fails(2, "--payload file /dev/zero");
    let a = with(&base, &["--payload", "-"]);
    run_with_stdin(&a, zero()).fails(2, "standard input");
    let a = with(&base, &[]);
    run_with_stdin(&a, zero()).fails(2, "standard input");
    let a = with(&base, &["--async", "--payload", "@/dev/zero"]);
    run_with_stdin(&a, Stdio::null()).fails(2, "1048576 bytes");
    let a = with(&base, &["--ndjson", "--payload", "@/dev/zero"]);
    run_with_stdin(&a, Stdio::null()).fails(2, "--ndjson");
    let a = with(&base, &["--raw", "--payload", "-"]);
    run_with_stdin(&a, zero()).fails(2, "standard input");
    assert_eq!(sink.connections(), 0);
}

#[test]
fn payloads_that_are_not_utf8_never_reach_the_network() {
    let sink = Sink::start();
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("bad.json");
    std::fs::write(&bad, b"{\"name\": \"caf\xe9\"}").unwrap();
    let lines = d.path().join("lines.ndjson");
    std::fs::write(&lines, b"{\"ok\":1}\n{\"bad\":\"\xff\"}\n").unwrap();
    let file_arg = format!("@{}", bad.display());
    let lines_arg = format!("@{}", lines.display());
    let run = |extra: &[&str], stdin: Option<&[u8]>| {
        let mut args = vec![
            "invoke",
            "f",
            "--region",
            REGION,
            "--endpoint-url",
            &sink.endpoint,
        ];
        args.extend_from_slice(extra);
        let mut l = lamctl(&args);
        if let Some(s) = stdin {
            l = l.stdin(s.to_vec());
        }
        l.run()
    };
    let out = run(&["--payload", &file_arg], None);
    out.fails(2, "--payload file");
    assert!(
        out.stderr.contains("invalid UTF-8 (byte 0xE9)"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("line 1, column 14"), "{}", out.stderr);
    run(&["--payload", "-"], Some(b"[\"\xc3\"]")).fails(2, "invalid UTF-8");
    run(&[], Some(b"\"\xed\xa0\x80\"")).fails(2, "invalid UTF-8");
    run(&["--ndjson", "--payload", &lines_arg], None).fails(2, "line 2 of --payload file");
    // The same with --local: refused before the function starts.
    std::fs::write(
        d.path().join("app.py"),
        "def handler(e, c):\n    return e\n",
    )
    .unwrap();
    let dir = d.path().display().to_string();
    let local = [
        "--local",
        "--dir",
        &dir,
        "--runtime",
        "python3.12",
        "--handler",
        "app.handler",
    ];
    let mut args = local.to_vec();
    args.extend(["--payload", &file_arg]);
    run(&args, None).fails(2, "invalid UTF-8");
    assert_eq!(sink.connections(), 0);
}

/// More synchronous requests at once than `serve` takes: the rest get 429
/// at once, before their bodies are read (the others wait their turn).
#[test]
fn synchronous_requests_in_flight_are_bounded() {
    let d = python_fn(
        "import time\ndef handler(e, c):\n    time.sleep(4)\n    return e\n",
        "",
    );
    let dir = dir_arg(&d);
    for (extra, path) in [
        (None, "/2015-03-31/functions/t/invocations"),
        (Some("--url"), "/any"),
    ] {
        let mut args = vec!["--dir", dir.as_str(), "--concurrency", "1"];
        args.extend(extra);
        let s = serve(&args);
        let port = s.port;
        let calls: Vec<_> = (0..110)
            .map(|_| {
                std::thread::spawn(move || {
                    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
                    c.set_read_timeout(Some(Duration::from_secs(3))).unwrap();
                    write!(
                        c,
                        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{{}}"
                    )
                    .unwrap();
                    let mut head = [0u8; 12];
                    match c.read_exact(&mut head) {
                        Ok(()) => String::from_utf8_lossy(&head[9..12]).into_owned(),
                        Err(_) => "waiting".to_string(),
                    }
                })
            })
            .collect();
        let got: Vec<String> = calls.into_iter().map(|t| t.join().unwrap()).collect();
        let refused = got.iter().filter(|g| *g == "429").count();
        let waiting = got.iter().filter(|g| *g == "waiting").count();
        assert!((9..=10).contains(&refused), "{path}: {got:?}");
        assert!(waiting >= 99, "{path}: {got:?}");
    }
}
