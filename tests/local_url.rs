//! `lamctl serve --url`: the function behind a local function URL, called
//! with curl and Python's urllib; the event it receives, the responses it
//! maps back, CORS, response streaming, and concurrent warm instances.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::local::*;

/// The walkthrough's example: GET /translate?input_text=...
fn translate_dir() -> String {
    repo("examples/translate-python")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn serve_url_answers_the_walkthroughs_request_through_curl_and_urllib() {
    let s = serve(&["--url", "--dir", &translate_dir()]);
    let url = format!("{}/translate?input_text=hello%20world", s.url());

    let out = Command::new("curl")
        .args(["-sS", "-i", &url])
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(
        text.to_ascii_lowercase()
            .contains("content-type: application/json\r\n"),
        "{text}"
    );
    assert!(
        text.ends_with(r#"{"input_text": "hello world", "translated_text": "bonjour monde"}"#),
        "{text}"
    );

    let py = format!(
        "import urllib.request, json\nr = urllib.request.urlopen({url:?})\nprint(r.status, json.loads(r.read())['translated_text'])"
    );
    let out = Command::new(venv_bin().join("python"))
        .args(["-c", &py])
        .output()
        .expect("run python");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "200 bonjour monde\n",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Another path reaches the same function (it answers 404 itself).
    let r = request(s.port, "GET", "/other", b"", &[]);
    assert_eq!(r.status, 404);
    // The log: one cold start, then warm invocations, as with the Invoke API.
    // (The REPORT line follows the response, so the last may still be on
    // its way.)
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.stderr().matches("\nREPORT RequestId: ").count() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let err = s.stderr();
    assert_eq!(err.matches("INIT_START").count(), 1, "{err}");
    assert_eq!(err.matches("\nREPORT RequestId: ").count(), 3, "{err}");
}

#[test]
fn serve_url_hands_the_function_a_payload_2_0_event() {
    let d = python_fn(
        "import json\ndef handler(event, context):\n    return {'statusCode': 200, 'body': json.dumps(event)}\n",
        "[deploy.url]\nauth = \"none\"\n",
    );
    let s = serve(&["--url", "--dir", &dir_arg(&d)]);
    let r = request(
        s.port,
        "POST",
        "/a%20b/c?x=1&x=2&y=%C3%A9",
        b"\x00\x01binary",
        &[
            ("Content-Type", "application/octet-stream"),
            ("User-Agent", "test-agent/1"),
            ("X-Multi", "one"),
            ("X-Multi", "two"),
            ("Cookie", "a=1; b=2"),
        ],
    );
    assert_eq!(r.status, 200, "{r:?}");
    let e = r.json();
    assert_eq!(e["version"], "2.0");
    assert_eq!(e["routeKey"], "$default");
    assert_eq!(e["rawPath"], "/a%20b/c");
    assert_eq!(e["rawQueryString"], "x=1&x=2&y=%C3%A9");
    assert_eq!(e["queryStringParameters"]["x"], "1,2");
    assert_eq!(e["queryStringParameters"]["y"], "é");
    assert_eq!(e["headers"]["x-multi"], "one,two");
    assert_eq!(e["headers"]["user-agent"], "test-agent/1");
    assert_eq!(e["cookies"], serde_json::json!(["a=1", "b=2"]));
    assert_eq!(e["isBase64Encoded"], true);
    assert_eq!(e["body"], "AAFiaW5hcnk=");
    let c = &e["requestContext"];
    assert_eq!(c["http"]["method"], "POST");
    assert_eq!(c["http"]["path"], "/a b/c");
    assert_eq!(c["http"]["sourceIp"], "127.0.0.1");
    assert_eq!(c["http"]["userAgent"], "test-agent/1");
    assert_eq!(c["domainName"], format!("127.0.0.1:{}", s.port));
    assert_eq!(c["stage"], "$default");
    assert_eq!(c["accountId"], "anonymous");
    assert_eq!(c["apiId"].as_str().unwrap().len(), 32);
    assert_eq!(c["requestId"].as_str(), r.header("x-amzn-requestid"));
    let epoch = c["timeEpoch"].as_i64().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    assert!((now - epoch).abs() < 60_000, "{epoch} vs {now}");
    assert!(c["time"].as_str().unwrap().ends_with(" +0000"));

    // A JSON body is text.
    let r = request(
        s.port,
        "PUT",
        "/",
        br#"{"k":"v"}"#,
        &[("Content-Type", "application/json")],
    );
    let e = r.json();
    assert_eq!(e["body"], r#"{"k":"v"}"#);
    assert_eq!(e["isBase64Encoded"], false);
    assert!(e.get("queryStringParameters").is_none());
}

#[test]
fn serve_url_maps_results_back_as_function_urls_do() {
    let d = python_fn(
        r#"
import base64
def handler(event, context):
    kind = event["rawPath"][1:]
    if kind == "full":
        return {"statusCode": 201, "headers": {"X-Custom": "yes", "Content-Type": "text/plain"},
                "cookies": ["s=1; Path=/", "t=2"], "body": "created"}
    if kind == "binary":
        return {"statusCode": 200, "headers": {"Content-Type": "image/png"},
                "body": base64.b64encode(b"\x89PNG\x00").decode(), "isBase64Encoded": True}
    if kind == "object":
        return {"message": "no status code"}
    if kind == "string":
        return "just text"
    if kind == "number":
        return 42
    if kind == "fail":
        raise ValueError("boom")
"#,
        "",
    );
    let s = serve(&["--url", "--dir", &dir_arg(&d)]);
    let r = request(s.port, "GET", "/full", b"", &[]);
    assert_eq!(r.status, 201);
    assert_eq!(r.body, b"created");
    assert_eq!(r.header("x-custom"), Some("yes"));
    assert_eq!(r.header("content-type"), Some("text/plain"));
    let cookies: Vec<_> = r
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(cookies, ["s=1; Path=/", "t=2"]);

    let r = request(s.port, "GET", "/binary", b"", &[]);
    assert_eq!((r.status, r.body.as_slice()), (200, &b"\x89PNG\x00"[..]));
    assert_eq!(r.header("content-type"), Some("image/png"));

    for (path, body) in [
        ("/object", r#"{"message": "no status code"}"#),
        ("/string", r#""just text""#),
        ("/number", "42"),
    ] {
        let r = request(s.port, "GET", path, b"", &[]);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some("application/json"), "{path}");
        assert_eq!(String::from_utf8_lossy(&r.body), body, "{path}");
    }
    let r = request(s.port, "GET", "/fail", b"", &[]);
    assert_eq!(r.status, 502, "{r:?}");
    // The function's error is in the log, as in CloudWatch.
    assert!(
        s.stderr().contains("[ERROR] ValueError: boom"),
        "{}",
        s.stderr()
    );
}

#[test]
fn serve_url_applies_cors_from_lamctl_toml_with_preflight() {
    let d = python_fn(
        "def handler(event, context):\n    return {'statusCode': 200, 'headers': {'Access-Control-Allow-Origin': 'https://evil.example'}, 'body': 'ok'}\n",
        "[deploy.url]\nauth = \"none\"\ncors_origins = [\"https://app.example\"]\ncors_methods = [\"GET\", \"post\"]\ncors_headers = [\"x-token\"]\ncors_max_age = 300\ncors_credentials = true\n",
    );
    let s = serve(&["--url", "--dir", &dir_arg(&d)]);
    let pre = request(
        s.port,
        "OPTIONS",
        "/anything",
        b"",
        &[
            ("Origin", "https://app.example"),
            ("Access-Control-Request-Method", "POST"),
        ],
    );
    assert_eq!(pre.status, 200);
    assert_eq!(
        pre.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    assert_eq!(
        pre.header("access-control-allow-methods"),
        Some("GET, POST")
    );
    assert_eq!(pre.header("access-control-allow-headers"), Some("x-token"));
    assert_eq!(pre.header("access-control-max-age"), Some("300"));
    assert_eq!(pre.header("access-control-allow-credentials"), Some("true"));
    // The preflight never reached the function.
    assert!(!s.stderr().contains("START RequestId"), "{}", s.stderr());

    let r = request(
        s.port,
        "GET",
        "/",
        b"",
        &[("Origin", "https://app.example")],
    );
    assert_eq!(r.body, b"ok");
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://app.example")
    );
    // Another origin gets no CORS headers, not even the function's own.
    let r = request(
        s.port,
        "GET",
        "/",
        b"",
        &[("Origin", "https://other.example")],
    );
    assert_eq!(r.header("access-control-allow-origin"), None);
}

/// A custom runtime that streams its answer (prelude, a first chunk, then
/// a second one only once `go` exists): the client must see the first
/// chunk while the function is still running.
#[test]
fn serve_url_response_stream_sends_the_body_as_it_is_written() {
    let d = tempfile::tempdir().unwrap();
    let go = d.path().join("go");
    let bootstrap = format!(
        r#"#!{python}
import http.client, json, os, time
api = os.environ["AWS_LAMBDA_RUNTIME_API"]
while True:
    c = http.client.HTTPConnection(api)
    c.request("GET", "/2018-06-01/runtime/invocation/next")
    r = c.getresponse(); r.read()
    rid = r.getheader("Lambda-Runtime-Aws-Request-Id")
    def body():
        yield json.dumps({{"statusCode": 207, "headers": {{"content-type": "text/plain"}}, "cookies": ["c=1"]}}).encode() + b"\0" * 8
        yield b"first chunk\n"
        while not os.path.exists({go:?}):
            time.sleep(0.05)
        yield b"second chunk\n"
    c.request("POST", "/2018-06-01/runtime/invocation/%s/response" % rid, body=body(),
              headers={{"Lambda-Runtime-Function-Response-Mode": "streaming",
                       "Content-Type": "application/vnd.awslambda.http-integration-response"}},
              encode_chunked=True)
    c.getresponse().read()
"#,
        python = venv_bin().join("python").display(),
        go = go.to_string_lossy(),
    );
    let b = d.path().join("bootstrap");
    std::fs::write(&b, bootstrap).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        "name = \"s\"\nruntime = \"provided.al2023\"\ntimeout = 20\n[deploy.url]\nauth = \"none\"\ninvoke_mode = \"response-stream\"\n",
    )
    .unwrap();
    let s = serve(&["--url", "--dir", &dir_arg(&d)]);
    let (seen, mut reader) = until_first_chunk(&s, "/stream");
    assert!(seen.starts_with("HTTP/1.1 207 "), "{seen}");
    let lower = seen.to_ascii_lowercase();
    assert!(lower.contains("content-type: text/plain"), "{seen}");
    assert!(lower.contains("set-cookie: c=1"), "{seen}");
    assert!(lower.contains("transfer-encoding: chunked"), "{seen}");
    assert!(!seen.contains("second chunk"));
    // Only now may the function write the rest.
    std::fs::write(&go, "").unwrap();
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("second chunk\n"), "{rest}");
}

/// 20 calls at once, each waiting until all 20 have started: they can only
/// all return if 20 instances ran them at the same time.
#[test]
fn serve_runs_concurrent_requests_in_warm_instances() {
    let d = tempfile::tempdir().unwrap();
    let code = format!(
        r#"
import os, time
def handler(event, context):
    d = {dir:?}
    open(os.path.join(d, context.aws_request_id), "w").close()
    until = time.time() + 30
    while len([f for f in os.listdir(d)]) < {n} and time.time() < until:
        time.sleep(0.02)
    return {{"together": len(os.listdir(d)), "pid": os.getpid()}}
"#,
        dir = d.path().to_string_lossy(),
        n = 20
    );
    let f = python_fn(&code, "");
    let s = Arc::new(serve(&[
        "--timeout",
        "60",
        "--url",
        "--dir",
        &dir_arg(&f),
        "--concurrency",
        "20",
    ]));
    let started = Instant::now();
    let threads: Vec<_> = (0..20)
        .map(|_| {
            let s = Arc::clone(&s);
            std::thread::spawn(move || request(s.port, "GET", "/", b"", &[]).json())
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let elapsed = started.elapsed();
    let mut pids: Vec<_> = results.iter().map(|r| r["pid"].as_i64().unwrap()).collect();
    pids.sort();
    pids.dedup();
    assert_eq!(pids.len(), 20, "{results:?}");
    for r in &results {
        assert_eq!(r["together"], 20, "{results:?}\n{}", s.stderr());
    }
    eprintln!("20 concurrent calls in 20 instances took {elapsed:?}");
    // Exactly one INIT_START per instance.
    assert_eq!(s.stderr().matches("INIT_START").count(), 20);

    // The Invoke API uses the same pool; the default is 4 instances: 4
    // calls waiting for each other complete, and a fifth instance never starts.
    let d2 = tempfile::tempdir().unwrap();
    let code = code
        .replace(
            &d.path().to_string_lossy().to_string(),
            &d2.path().to_string_lossy(),
        )
        .replace("< 20", "< 4");
    let f = python_fn(&code, "");
    let s = Arc::new(serve(&["--timeout", "60", "--dir", &dir_arg(&f)]));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let s = Arc::clone(&s);
            std::thread::spawn(move || s.invoke("t", b"{}", &[]).json())
        })
        .collect();
    let mut pids: Vec<_> = threads
        .into_iter()
        .map(|t| t.join().unwrap()["pid"].as_i64().unwrap())
        .collect();
    pids.sort();
    pids.dedup();
    assert_eq!(pids.len(), 4, "{}", s.stderr());
}

#[test]
fn serve_url_flags_are_checked() {
    lamctl(["serve", "--url", "--concurrency", "0", "--dir", "."])
        .run()
        .fails(2, "--concurrency");
    let d = python_fn(
        "def handler(e, c):\n    return 1\n",
        "[deploy.url]\ninvoke_mode = \"sideways\"\n",
    );
    lamctl(["serve", "--url", "--dir", &dir_arg(&d)])
        .run()
        .fails(2, "invoke_mode");
}

/// Node.js response streaming (`awslambda.streamifyResponse`,
/// `HttpResponseStream.from`) through a RESPONSE_STREAM URL: the first
/// write reaches the client before the handler writes the second.
#[test]
fn serve_url_streams_a_node_response_stream_handler() {
    let d = tempfile::tempdir().unwrap();
    let go = d.path().join("go");
    std::fs::write(
        d.path().join("index.mjs"),
        format!(
            r#"import fs from "fs";
export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {{
  responseStream = awslambda.HttpResponseStream.from(responseStream, {{ statusCode: 201, headers: {{ "content-type": "text/plain", "x-from": "node" }} }});
  responseStream.write("first chunk\n");
  while (!fs.existsSync({go:?})) await new Promise((r) => setTimeout(r, 20));
  responseStream.write("second chunk\n");
  responseStream.end();
}});
"#,
            go = go.to_string_lossy()
        ),
    )
    .unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        "name = \"ns\"\nruntime = \"nodejs20.x\"\nhandler = \"index.handler\"\ntimeout = 20\n[deploy.url]\nauth = \"none\"\ninvoke_mode = \"response-stream\"\n",
    )
    .unwrap();
    let s = serve(&["--url", "--dir", &dir_arg(&d)]);
    let (seen, mut reader) = until_first_chunk(&s, "/");
    assert!(seen.starts_with("HTTP/1.1 201 "), "{seen}");
    assert!(seen.to_ascii_lowercase().contains("x-from: node"), "{seen}");
    assert!(!seen.contains("second chunk"));
    std::fs::write(&go, "").unwrap();
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("second chunk\n"), "{rest}");
    // The invocation ended normally.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !s.stderr().contains("REPORT RequestId") {
        assert!(Instant::now() < deadline, "{}", s.stderr());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!s.stderr().contains("Status: error"), "{}", s.stderr());
}

/// GET `path` from the served function URL and read the streamed response
/// up to the line with "first chunk": what was read, and the rest to come.
fn until_first_chunk(s: &Serve, path: &str) -> (String, BufReader<TcpStream>) {
    let mut conn = TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    conn.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .unwrap();
    let mut reader = BufReader::new(conn);
    let mut seen = String::new();
    while !seen.contains("first chunk") {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "the stream ended before its first chunk: {seen}\n{}",
            s.stderr()
        );
        seen.push_str(&line);
    }
    (seen, reader)
}
