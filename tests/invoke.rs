//! `lamctl invoke`: payload sources byte for byte, invocation types and
//! qualifiers against moto (its no-Docker Lambda echoes the payload); the
//! log tail, function errors, throttling and response streams through a
//! proxy or fake server that answers in Lambda's real wire format; bad
//! input that must never reach the endpoint.

use std::io::{BufRead, Read, Write};
use std::net::TcpListener;
use std::sync::OnceLock;
use std::time::Duration;

use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::harness::*;

/// A tiny Python function zip (moto stores it; its no-Docker backend never runs it).
fn function_zip() -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    z.start_file("app.py", zip::write::SimpleFileOptions::default())
        .unwrap();
    z.write_all(b"def handler(event, context):\n    return event\n")
        .unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

/// Create a role and a function in moto through the SDK.
fn create_function(name: &str) {
    rt().block_on(async {
        let conf = sdk().await;
        let role = create_role_async(name).await;
        aws_sdk_lambda::Client::new(&conf)
            .create_function()
            .function_name(name)
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .handler("app.handler")
            .role(role)
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(function_zip()))
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
}

/// One function shared by the tests that only invoke it.
fn shared_function() -> &'static str {
    static NAME: OnceLock<String> = OnceLock::new();
    NAME.get_or_init(|| {
        let name = unique("invoke");
        create_function(&name);
        name
    })
}

/// lamctl pointed at `endpoint` (a proxy, fake server or sink).
fn at(endpoint: &str, args: &[&str]) -> Lamctl {
    let mut all = vec!["--endpoint-url", endpoint, "--region", REGION];
    all.extend_from_slice(args);
    lamctl(all)
}

fn is_invoke(r: &Request) -> bool {
    r.method == "POST" && r.path.contains("/invocations")
}

#[test]
fn payload_sources_round_trip_byte_exact() {
    let f = shared_function();
    let proxy = Proxy::moto();
    let inline = "{ \"k\" : 1,\t\"s\": \"é ünïcode\" }";
    let out = at(&proxy.endpoint, &["invoke", f, "--payload", inline]).run();
    out.success();
    assert_eq!(out.stdout, inline.as_bytes());

    let t = tempfile::tempdir().unwrap();
    let file_payload = b"{\n  \"from\": \"file\",\n  \"n\": [1, 2, 3]\n}\n".to_vec();
    let path = t.path().join("event.json");
    std::fs::write(&path, &file_payload).unwrap();
    let arg = format!("@{}", path.display());
    let out = at(&proxy.endpoint, &["invoke", f, "--payload", &arg]).run();
    out.success();
    assert_eq!(out.stdout, file_payload);

    let dash = b"[\"from\", \"dash\"]".to_vec();
    let out = at(&proxy.endpoint, &["invoke", f, "--payload", "-"])
        .stdin(dash.clone())
        .run();
    out.success();
    assert_eq!(out.stdout, dash);

    let piped = b"{\"from\":\"pipe\"}\n".to_vec();
    let out = at(&proxy.endpoint, &["invoke", f])
        .stdin(piped.clone())
        .run();
    out.success();
    assert_eq!(out.stdout, piped);

    // stdin is /dev/null (as in CI): no payload means {}.
    let out = at(&proxy.endpoint, &["invoke", f]).run();
    out.success();
    assert_eq!(out.stdout, b"{}");

    let raw = b"not json at all \x01".to_vec();
    let out = at(&proxy.endpoint, &["invoke", f, "--raw", "--payload", "-"])
        .stdin(raw.clone())
        .run();
    out.success();
    assert_eq!(out.stdout, raw);

    // What reached Lambda is exactly what was given, in order.
    let bodies: Vec<Vec<u8>> = proxy
        .requests()
        .into_iter()
        .filter(is_invoke)
        .map(|r| r.body)
        .collect();
    assert_eq!(
        bodies,
        vec![
            inline.as_bytes().to_vec(),
            file_payload,
            dash,
            piped,
            b"{}".to_vec(),
            raw
        ]
    );
    assert!(
        proxy
            .requests()
            .iter()
            .filter(|r| is_invoke(r))
            .all(|r| r.path.contains(&format!("/functions/{f}/invocations")))
    );
}

#[test]
fn event_is_202_and_dry_run_is_204() {
    let f = shared_function();
    let proxy = Proxy::moto();
    for args in [
        vec!["invoke", f, "--async", "--output", "json"],
        vec![
            "invoke",
            f,
            "--invocation-type",
            "event",
            "--output",
            "json",
        ],
    ] {
        let out = at(&proxy.endpoint, &args).run();
        out.success();
        assert_eq!(out.json()["status_code"], 202, "{args:?}");
        assert!(out.stderr.contains("queued"), "{}", out.stderr);
    }
    let out = at(
        &proxy.endpoint,
        &[
            "invoke",
            f,
            "--invocation-type",
            "dry-run",
            "--output",
            "json",
        ],
    )
    .run();
    out.success();
    assert_eq!(out.json()["status_code"], 204);
    let types: Vec<String> = proxy
        .requests()
        .iter()
        .filter(|r| is_invoke(r))
        .map(|r| r.header("x-amz-invocation-type").unwrap_or("").to_string())
        .collect();
    assert_eq!(types, ["Event", "Event", "DryRun"]);
}

#[test]
fn qualifier_reaches_the_alias() {
    let name = unique("invoke-alias");
    create_function(&name);
    let version = rt().block_on(async {
        let lambda = aws_sdk_lambda::Client::new(&sdk().await);
        let v = lambda
            .publish_version()
            .function_name(&name)
            .send()
            .await
            .unwrap();
        let version = v.version().unwrap().to_string();
        lambda
            .create_alias()
            .function_name(&name)
            .name("live")
            .function_version(&version)
            .send()
            .await
            .unwrap();
        let alias = lambda
            .get_alias()
            .function_name(&name)
            .name("live")
            .send()
            .await
            .unwrap();
        assert_eq!(alias.function_version(), Some(version.as_str()));
        version
    });
    let proxy = Proxy::moto();
    let out = at(
        &proxy.endpoint,
        &[
            "invoke",
            &name,
            "--qualifier",
            "live",
            "--payload",
            r#"{"q":1}"#,
        ],
    )
    .run();
    out.success();
    assert_eq!(out.stdout, br#"{"q":1}"#);
    let out = at(&proxy.endpoint, &["invoke", &name, "--qualifier", &version]).run();
    out.success();
    let paths: Vec<String> = proxy
        .requests()
        .into_iter()
        .filter(is_invoke)
        .map(|r| r.path)
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths[0].contains(&format!("/functions/{name}/invocations"))
            && paths[0].contains("Qualifier=live"),
        "{paths:?}"
    );
    assert!(
        paths[1].contains(&format!("Qualifier={version}")),
        "{paths:?}"
    );
}

#[test]
fn missing_function_is_exit_1_naming_it_and_the_region() {
    let name = unique("invoke-missing");
    // Moto has no such function (checked through the SDK) ...
    rt().block_on(async {
        let lambda = aws_sdk_lambda::Client::new(&sdk().await);
        assert!(
            lambda
                .get_function()
                .function_name(&name)
                .send()
                .await
                .is_err()
        );
    });
    // ... but its no-Docker backend echoes any invoke, so Lambda's own 404
    // is injected in front of it, in the wire format Lambda uses.
    let proxy = Proxy::moto();
    let n = name.clone();
    proxy.inject(
        move |r| is_invoke(r) && r.path.contains(&format!("/functions/{n}/")),
        Canned::new(
            404,
            format!(
                r#"{{"Type":"User","message":"Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"}}"#
            ),
        )
        .header("Content-Type", "application/json")
        .header("x-amzn-ErrorType", "ResourceNotFoundException"),
        None,
    );
    let out = at(&proxy.endpoint, &["invoke", &name]).run();
    out.fails(1, &format!("function '{name}' not found in {REGION}"));
    assert!(out.stdout.is_empty());

    let out = at(&proxy.endpoint, &["invoke", &name, "--qualifier", "live"]).run();
    out.fails(1, &format!("function '{name}:live' not found in {REGION}"));
}

fn log_tail(text: &str) -> String {
    BASE64.encode(text.as_bytes())
}

const TAIL: &str = "START RequestId: 7f1c Version: $LATEST\n\
                    2024-05-01T10:00:00.000Z\t7f1c\tINFO\thello from the function\n\
                    [ERROR] 2024-05-01T10:00:00.001Z\t7f1c\tsomething went wrong\n\
                    END RequestId: 7f1c\n\
                    REPORT RequestId: 7f1c\tDuration: 1.23 ms\tBilled Duration: 2 ms\n";

/// A fake Lambda answering every Invoke with `canned`.
fn fake_lambda(canned: Canned) -> Proxy {
    let proxy = Proxy::start(None);
    proxy.inject(is_invoke, canned, None);
    proxy
}

#[test]
fn tail_is_decoded_on_stderr_and_coloured_only_when_asked() {
    let body = r#"{"ok": true}"#;
    let proxy = fake_lambda(
        Canned::new(200, body)
            .header("Content-Type", "application/json")
            .header("X-Amz-Log-Result", &log_tail(TAIL))
            .header("X-Amz-Executed-Version", "7")
            .header("x-amzn-RequestId", "7f1c"),
    );
    let out = at(&proxy.endpoint, &["invoke", "hello", "--tail"]).run();
    out.success();
    assert_eq!(out.stdout, body.as_bytes());
    assert_eq!(out.stderr, TAIL, "the decoded tail, nothing else");
    assert!(!out.stderr.contains('\x1b'));
    assert_eq!(
        proxy.requests()[0].header("x-amz-log-type"),
        Some("Tail"),
        "--tail asks for the tail"
    );

    let out = at(
        &proxy.endpoint,
        &["invoke", "hello", "--tail", "--color", "always"],
    )
    .run();
    out.success();
    let dim = "\x1b[2m";
    assert!(
        out.stderr
            .contains(&format!("{dim}START RequestId: 7f1c Version: $LATEST")),
        "{:?}",
        out.stderr
    );
    assert!(out.stderr.contains(&format!("{dim}REPORT RequestId: 7f1c")));
    let error_line = out
        .stderr
        .lines()
        .find(|l| l.contains("something went wrong"))
        .unwrap();
    assert!(
        error_line.starts_with("\x1b[1m\x1b[31m") || error_line.starts_with("\x1b[31m"),
        "{error_line:?}"
    );
    let info_line = out
        .stderr
        .lines()
        .find(|l| l.contains("hello from"))
        .unwrap();
    assert!(!info_line.contains('\x1b'), "{info_line:?}");

    let out = at(
        &proxy.endpoint,
        &["invoke", "hello", "--tail", "--output", "json"],
    )
    .run();
    out.success();
    let v = out.json();
    assert_eq!(v["status_code"], 200);
    assert_eq!(v["executed_version"], "7");
    assert_eq!(v["request_id"], "7f1c");
    assert_eq!(v["function_error"], serde_json::Value::Null);
    assert_eq!(v["payload"], serde_json::json!({"ok": true}));
    assert_eq!(v["log_tail"], TAIL);

    // Without --tail, no log is asked for and none is shown.
    proxy.clear();
    let out = at(&proxy.endpoint, &["invoke", "hello"]).run();
    out.success();
    assert_eq!(out.stderr, "");
    assert_eq!(proxy.requests()[0].header("x-amz-log-type"), None);
}

#[test]
fn a_cut_tail_says_how_to_read_the_rest() {
    let mut text = String::from("...ut line from before\n");
    while text.len() < 4096 - 60 {
        text.push_str("2024-05-01T10:00:00.000Z\tabc\tINFO\tlots of output\n");
    }
    text.push_str("END RequestId: abc\n");
    text.push_str(&"x".repeat(4096 - text.len() - 1));
    text.push('\n');
    assert_eq!(text.len(), 4096);
    let proxy = fake_lambda(
        Canned::new(200, "null")
            .header("X-Amz-Log-Result", &log_tail(&text))
            .header("x-amzn-RequestId", "abc"),
    );
    let out = at(&proxy.endpoint, &["invoke", "chatty", "--tail"]).run();
    out.success();
    assert!(out.stderr.starts_with(&text), "{}", out.stderr);
    let note = out.stderr.lines().last().unwrap();
    assert!(note.contains("cut to Lambda's last 4 KB"), "{note}");
    assert!(
        note.contains("`lamctl logs chatty --request-id abc`"),
        "{note}"
    );

    // Just under the cap: no note.
    let short = &text[..4000];
    let proxy = fake_lambda(Canned::new(200, "null").header("X-Amz-Log-Result", &log_tail(short)));
    let out = at(&proxy.endpoint, &["invoke", "chatty", "--tail"]).run();
    out.success();
    assert!(!out.stderr.contains("cut to"), "{}", out.stderr);
}

const ERROR_DOC: &str = r#"{"errorType":"ValueError","errorMessage":"bad value for k","stackTrace":["  File \"/var/task/app.py\", line 3, in handler\n    raise ValueError(\"bad value for k\")\n"],"requestId":"e1"}"#;

#[test]
fn function_error_is_exit_3_with_type_message_and_stack() {
    let proxy = fake_lambda(
        Canned::new(200, ERROR_DOC)
            .header("Content-Type", "application/json")
            .header("X-Amz-Function-Error", "Unhandled")
            .header("X-Amz-Executed-Version", "$LATEST")
            .header("x-amzn-RequestId", "e1"),
    );
    let out = at(&proxy.endpoint, &["invoke", "broken"]).run();
    out.fails(3, "ValueError: bad value for k");
    assert!(
        out.stderr.contains("error: ValueError: bad value for k"),
        "{}",
        out.stderr
    );
    let stack_at = out
        .stderr
        .find("  File \"/var/task/app.py\", line 3, in handler\n    raise ValueError(\"bad value for k\")\n")
        .expect("stack trace lines on stderr");
    assert!(stack_at < out.stderr.find("error:").unwrap());
    // The error document is still the payload, for scripts that read it.
    assert_eq!(out.stdout, ERROR_DOC.as_bytes());

    // --out still gets the error document; the exit code is still 3.
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("err.json");
    let out = at(
        &proxy.endpoint,
        &["invoke", "broken", "--out", file.to_str().unwrap()],
    )
    .run();
    out.fails(3, "ValueError: bad value for k");
    assert_eq!(std::fs::read(&file).unwrap(), ERROR_DOC.as_bytes());

    let out = at(&proxy.endpoint, &["invoke", "broken", "--output", "json"]).run();
    assert_eq!(out.code, 3);
    let v = out.json();
    assert_eq!(v["function_error"], "Unhandled");
    assert_eq!(v["payload"]["errorType"], "ValueError");

    // A timeout: no errorType, the header's value names the kind.
    let proxy = fake_lambda(
        Canned::new(
            200,
            r#"{"errorMessage":"2024-05-01T10:00:03.000Z e2 Task timed out after 3.00 seconds"}"#,
        )
        .header("X-Amz-Function-Error", "Unhandled"),
    );
    at(&proxy.endpoint, &["invoke", "slow"]).run().fails(
        3,
        "Unhandled: 2024-05-01T10:00:03.000Z e2 Task timed out after 3.00 seconds",
    );
}

#[test]
fn throttling_is_exit_1_and_says_so() {
    let proxy = fake_lambda(Canned::aws_error(
        429,
        "TooManyRequestsException",
        "Rate Exceeded.",
    ));
    let out = at(&proxy.endpoint, &["invoke", "busy"]).run();
    out.fails(1, "throttled");
    assert!(out.stderr.contains("busy") && out.stderr.contains(REGION));
    assert!(proxy.count(is_invoke) >= 1);
}

#[test]
fn long_running_functions_are_not_cut_by_the_read_timeout() {
    // A server that answers an Invoke after 3 s; --read-timeout is 1 s.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            std::thread::spawn(move || {
                let mut r = std::io::BufReader::new(conn.try_clone().unwrap());
                let mut len = 0;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; len];
                let _ = r.read_exact(&mut body);
                std::thread::sleep(Duration::from_secs(3));
                let mut w = conn;
                let _ = write!(
                    w,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 6\r\nConnection: close\r\n\r\n\"done\""
                );
            });
        }
    });
    let out = at(&endpoint, &["invoke", "slow", "--read-timeout", "1s"]).run();
    out.success();
    assert_eq!(out.stdout, b"\"done\"");
    // An asynchronous invoke does not wait for the function: the normal timeout applies.
    at(
        &endpoint,
        &["invoke", "slow", "--async", "--read-timeout", "1s"],
    )
    .run()
    .fails(1, "did not answer Invoke within 1s");
}

fn event(kind: &str, content_type: &str, payload: &[u8]) -> Vec<u8> {
    let s = |v: &str| HeaderValue::String(v.to_string().into());
    let msg = Message::new(payload.to_vec())
        .add_header(Header::new(":message-type", s("event")))
        .add_header(Header::new(":event-type", s(kind)))
        .add_header(Header::new(":content-type", s(content_type)));
    let mut buf = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&msg, &mut buf).unwrap();
    buf
}

fn chunk(data: &[u8]) -> Vec<u8> {
    event("PayloadChunk", "application/octet-stream", data)
}

fn complete(doc: &serde_json::Value) -> Vec<u8> {
    event(
        "InvokeComplete",
        "application/json",
        doc.to_string().as_bytes(),
    )
}

fn fake_stream(body: Vec<u8>) -> Proxy {
    let proxy = Proxy::start(None);
    proxy.inject(
        |r| r.path.contains("/response-streaming-invocations"),
        Canned::new(200, body)
            .header("Content-Type", "application/vnd.amazon.eventstream")
            .header("X-Amz-Executed-Version", "3")
            .header("x-amzn-RequestId", "s1"),
        None,
    );
    proxy
}

#[test]
fn stream_writes_chunks_and_reads_invoke_complete() {
    let mut body = chunk(b"hello, ");
    body.extend(chunk(b"streamed "));
    body.extend(chunk(b"world\n"));
    body.extend(complete(
        &serde_json::json!({ "LogResult": log_tail(TAIL) }),
    ));
    let proxy = fake_stream(body);
    let out = at(
        &proxy.endpoint,
        &[
            "invoke",
            "streamer",
            "--stream",
            "--tail",
            "--payload",
            r#"{"n":3}"#,
        ],
    )
    .run();
    out.success();
    assert_eq!(out.stdout, b"hello, streamed world\n");
    assert_eq!(out.stderr, TAIL);
    let reqs = proxy.requests();
    assert_eq!(reqs.len(), 1);
    assert!(
        reqs[0]
            .path
            .contains("/functions/streamer/response-streaming-invocations")
    );
    assert_eq!(reqs[0].body, br#"{"n":3}"#);
    assert_eq!(reqs[0].header("x-amz-log-type"), Some("Tail"));

    let out = at(
        &proxy.endpoint,
        &["invoke", "streamer", "--stream", "--output", "json"],
    )
    .run();
    out.success();
    let v = out.json();
    assert_eq!(v["payload"], "hello, streamed world\n");
    assert_eq!(v["executed_version"], "3");
    assert_eq!(v["request_id"], "s1");

    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("out.txt");
    let out = at(
        &proxy.endpoint,
        &[
            "invoke",
            "streamer",
            "--stream",
            "--out",
            file.to_str().unwrap(),
        ],
    )
    .run();
    out.success();
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), b"hello, streamed world\n");
}

#[test]
fn stream_function_error_is_exit_3() {
    let details = serde_json::json!({
        "errorType": "Error",
        "errorMessage": "boom",
        "stackTrace": ["Error: boom", "    at handler (/var/task/index.mjs:3:9)"],
    });
    let mut body = chunk(b"partial ");
    body.extend(complete(&serde_json::json!({
        "ErrorCode": "Unhandled",
        "ErrorDetails": details.to_string(),
    })));
    let proxy = fake_stream(body);
    let out = at(&proxy.endpoint, &["invoke", "streamer", "--stream"]).run();
    out.fails(3, "Error: boom");
    assert_eq!(out.stdout, b"partial ");
    assert!(
        out.stderr
            .contains("Error: boom\n    at handler (/var/task/index.mjs:3:9)\n"),
        "{}",
        out.stderr
    );

    // A stream that ends without InvokeComplete may be cut: exit 1.
    let proxy = fake_stream(chunk(b"half"));
    at(&proxy.endpoint, &["invoke", "streamer", "--stream"])
        .run()
        .fails(1, "ended before Lambda said it was complete");
}

#[test]
fn client_context_is_base64_json_on_the_wire() {
    let f = shared_function();
    let proxy = Proxy::moto();
    let ctx = r#"{"custom": {"tenant": "t1"}}"#;
    at(&proxy.endpoint, &["invoke", f, "--client-context", ctx])
        .run()
        .success();
    let sent = proxy.requests().into_iter().find(is_invoke).unwrap();
    let header = sent.header("x-amz-client-context").unwrap();
    assert_eq!(BASE64.decode(header).unwrap(), ctx.as_bytes());
}

#[test]
fn out_file_pretty_and_json_output() {
    let f = shared_function();
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("resp.json");
    let payload = r#"{"b":1.50,"a":[1,{"z":null}]}"#;
    let out = lamctl([
        "invoke",
        f,
        "--payload",
        payload,
        "--out",
        file.to_str().unwrap(),
    ])
    .moto()
    .run();
    out.success();
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), payload.as_bytes());

    let out = lamctl(["invoke", f, "--payload", payload, "--pretty"])
        .moto()
        .run();
    out.success();
    assert_eq!(
        out.stdout(),
        "{\n  \"b\": 1.50,\n  \"a\": [\n    1,\n    {\n      \"z\": null\n    }\n  ]\n}\n"
    );

    let out = lamctl(["invoke", f, "--payload", payload, "--output", "json"])
        .moto()
        .run();
    out.success();
    let v = out.json();
    assert_eq!(v["status_code"], 200);
    assert_eq!(v["payload"]["a"][1], serde_json::json!({"z": null}));
    assert!(v["request_id"].as_str().is_some_and(|s| !s.is_empty()));
    for key in ["executed_version", "function_error", "log_tail"] {
        assert!(v.as_object().unwrap().contains_key(key), "{key}");
    }
    // Numbers as the function wrote them.
    assert!(out.stdout().contains("1.50"), "{}", out.stdout());
}

#[test]
fn name_comes_from_lamctl_toml() {
    let f = shared_function();
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("lamctl.toml"), format!("name = \"{f}\"\n")).unwrap();
    let proxy = Proxy::moto();
    let out = at(&proxy.endpoint, &["invoke", "--payload", "[1]"])
        .dir(t.path())
        .run();
    out.success();
    assert_eq!(out.stdout, b"[1]");
    assert_eq!(
        proxy.count(|r| is_invoke(r) && r.path.contains(&format!("/functions/{f}/"))),
        1
    );
}

#[test]
fn ndjson_in_order_one_line_per_invocation() {
    let f = shared_function();
    let input = "{\"i\":1}\n{\"i\":2}\n\n{\"i\":3}\r\n{\"i\":4}\n{\"i\":5}\n{\"i\":6}";
    for parallel in ["1", "3"] {
        let proxy = Proxy::moto();
        let out = at(
            &proxy.endpoint,
            &["invoke", f, "--ndjson", "--parallel", parallel],
        )
        .stdin(input)
        .run();
        out.success();
        let lines: Vec<serde_json::Value> = out
            .stdout()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let got: Vec<(i64, i64)> = lines
            .iter()
            .map(|v| {
                assert_eq!(v["status_code"], 200);
                (
                    v["line"].as_i64().unwrap(),
                    v["payload"]["i"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(got, [(1, 1), (2, 2), (4, 3), (5, 4), (6, 5), (7, 6)]);
        let mut sent: Vec<Vec<u8>> = proxy
            .requests()
            .into_iter()
            .filter(is_invoke)
            .map(|r| r.body)
            .collect();
        sent.sort();
        assert_eq!(sent.len(), 6, "--parallel {parallel}");
        assert_eq!(sent[2], b"{\"i\":3}", "\\r is not part of the payload");
    }
}

#[test]
fn ndjson_exit_3_when_any_function_failed() {
    let proxy = Proxy::moto();
    let f = shared_function();
    proxy.inject(
        |r| is_invoke(r) && r.body == br#"{"fail":true}"#,
        Canned::new(200, ERROR_DOC).header("X-Amz-Function-Error", "Unhandled"),
        None,
    );
    let input = "{\"ok\":1}\n{\"fail\":true}\n{\"ok\":3}\n";
    let out = at(
        &proxy.endpoint,
        &["invoke", f, "--ndjson", "--parallel", "2", "--payload", "-"],
    )
    .stdin(input)
    .run();
    out.fails(3, "ValueError: bad value for k (line 2; 1 of 3");
    let lines: Vec<serde_json::Value> = out
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["function_error"], serde_json::Value::Null);
    assert_eq!(lines[1]["function_error"], "Unhandled");
    assert_eq!(lines[1]["payload"]["errorMessage"], "bad value for k");
    assert_eq!(lines[2]["payload"]["ok"], 3);
}

#[test]
fn ndjson_call_failure_is_exit_1_and_the_rest_still_run() {
    let proxy = Proxy::moto();
    let f = shared_function();
    proxy.inject(
        |r| is_invoke(r) && r.body == br#"{"busy":true}"#,
        Canned::aws_error(429, "TooManyRequestsException", "Rate Exceeded."),
        None,
    );
    let input = "{\"busy\":true}\n{\"ok\":2}\n";
    let out = at(&proxy.endpoint, &["invoke", f, "--ndjson"])
        .stdin(input)
        .run();
    out.fails(
        1,
        "1 of 2 invocations failed; the first, line 1: Lambda throttled",
    );
    let lines: Vec<serde_json::Value> = out
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 1);
    assert!(lines[0]["error"].as_str().unwrap().contains("throttled"));
    assert_eq!(lines[1]["payload"], serde_json::json!({"ok": 2}));
}

#[test]
fn broken_pipe_on_stdout_is_exit_0() {
    let f = shared_function();
    let t = tempfile::tempdir().unwrap();
    let big = t.path().join("big.json");
    std::fs::write(&big, format!("{{\"data\":\"{}\"}}", "x".repeat(200_000))).unwrap();
    let big = format!("@{}", big.display());
    let out = at(&moto().endpoint, &["invoke", f, "--payload", &big]).run_closed_stdout();
    out.success();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn bad_input_is_exit_2_and_reaches_no_endpoint() {
    let sink = Sink::start();
    let t = tempfile::tempdir().unwrap();
    let bad_file = t.path().join("bad.json");
    std::fs::write(&bad_file, "{\n  \"a\": 1,\n  \"b\" 2\n}\n").unwrap();
    let bad_file_arg = format!("@{}", bad_file.display());
    let missing_arg = format!("@{}", t.path().join("nope.json").display());
    // One byte over each limit (a JSON string of 'a's).
    let big = |name: &str, len: usize| {
        let p = t.path().join(name);
        std::fs::write(&p, format!("\"{}\"", "a".repeat(len - 1))).unwrap();
        format!("@{}", p.display())
    };
    let big_async = big("async.json", 1024 * 1024);
    let big_sync = big("sync.json", 6 * 1024 * 1024);
    let no_dir = t.path().join("no/such/dir/out.json");
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (
            vec!["--payload", r#"{"a":"#],
            None,
            "not valid JSON: line 1, column 5",
        ),
        (
            vec!["--payload", &bad_file_arg],
            None,
            "is not valid JSON: line 3, column 7: expected `:`",
        ),
        (
            vec!["--payload", &missing_arg],
            None,
            "cannot read --payload file",
        ),
        (
            vec!["--payload", "-"],
            Some("{oops}"),
            "standard input) is not valid JSON",
        ),
        (vec![], Some("[1,"), "standard input) is not valid JSON"),
        (
            vec!["--payload", "-"],
            Some(""),
            "is not valid JSON: line 1, column 0",
        ),
        (
            vec!["--async", "--payload", &big_async],
            None,
            "over Lambda's limit of 1048576 bytes (1 MB for asynchronous invocations)",
        ),
        (
            vec!["--payload", &big_sync],
            None,
            "over Lambda's limit of 6291456 bytes (6 MB for synchronous invocations)",
        ),
        (
            vec!["--client-context", "{nope"],
            None,
            "--client-context is not valid JSON",
        ),
        (
            vec!["--client-context", "[1]"],
            None,
            "--client-context must be a JSON object",
        ),
        (
            vec!["--async", "--tail"],
            None,
            "--tail does not work with an asynchronous invocation",
        ),
        (
            vec!["--invocation-type", "event", "--client-context", "{}"],
            None,
            "--client-context does not work with an asynchronous invocation",
        ),
        (
            vec!["--async", "--stream"],
            None,
            "--stream does not work with an asynchronous invocation",
        ),
        (
            vec!["--qualifier", "not valid"],
            None,
            "invalid --qualifier 'not valid'",
        ),
        (
            vec!["--out", no_dir.to_str().unwrap()],
            None,
            "the directory of --out",
        ),
        (
            vec!["--out", t.path().to_str().unwrap()],
            None,
            "is a directory",
        ),
        (
            vec!["--pretty", "--output", "json"],
            None,
            "--pretty formats the payload on stdout",
        ),
        (
            vec!["--ndjson"],
            Some("{\"a\":1}\n{\"a\":\n"),
            "line 2 of standard input is not valid JSON: column 5: EOF while parsing",
        ),
        (
            vec!["--ndjson", "--payload", "-"],
            Some("\n\n"),
            "--ndjson found no lines",
        ),
        (vec!["--parallel", "2"], None, "--parallel needs --ndjson"),
        (vec!["--ndjson", "--parallel", "0"], None, "--parallel"),
        (vec!["--ndjson", "--stream"], None, "cannot be used with"),
        (
            vec!["--invocation-type", "sometimes"],
            None,
            "invalid value 'sometimes'",
        ),
        (
            vec!["--async", "--invocation-type", "dry-run"],
            None,
            "cannot be used with",
        ),
    ];
    for (extra, stdin, needle) in cases {
        let mut args = vec!["invoke", "fn"];
        args.extend(extra.iter());
        let mut cmd = at(&sink.endpoint, &args);
        if let Some(s) = stdin {
            cmd = cmd.stdin(s);
        }
        let out = cmd.run();
        assert_eq!(out.code, 2, "{extra:?}: {}", out.stderr);
        out.fails(2, needle);
        assert!(out.stdout.is_empty(), "{extra:?}");
    }
    at(&sink.endpoint, &["invoke", "bad name"])
        .run()
        .fails(2, "invalid function name 'bad name'");
    // No NAME and no lamctl.toml (the temp home has none).
    let out = at(&sink.endpoint, &["invoke"]).run();
    out.fails(2, "no function to invoke");
    assert!(out.stderr.contains("hint: pass its NAME"), "{}", out.stderr);
    assert_eq!(sink.connections(), 0, "bad input reached the endpoint");
}

#[test]
fn json_is_pretty_printed_when_stdout_is_a_terminal() {
    // `script` (util-linux) gives lamctl a pseudo-terminal as stdout.
    let name = shared_function();
    let cmd = format!(
        "'{}' invoke {name} --endpoint-url {} --region {REGION} --payload '{{\"a\":[1,2],\"b\":\"x\"}}'",
        env!("CARGO_BIN_EXE_lamctl"),
        moto().endpoint
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("TERM", "dumb")
        .output()
        .expect("script (util-linux)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    assert!(
        text.contains("{\n  \"a\": ["),
        "not pretty-printed on a terminal: {text:?}"
    );

    // The same call into a pipe: byte for byte.
    let piped = at(
        &moto().endpoint,
        &["invoke", name, "--payload", r#"{"a":[1,2],"b":"x"}"#],
    )
    .run();
    piped.success();
    assert_eq!(piped.stdout(), r#"{"a":[1,2],"b":"x"}"#);
}
