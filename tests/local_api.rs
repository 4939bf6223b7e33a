//! `lamctl serve --api [http|rest]`: the function behind a local API
//! Gateway, called as a browser or curl would: routes and stages, the
//! payload format 2.0 and 1.0 events, each format's response mapping, the
//! token, the walkthrough's request; and the event differential against
//! the developer guide's documented samples (src/events/samples/).

use std::process::Command;

use serde_json::{Value, json};

use crate::local::*;

/// A Python function that answers with its event and its Lambda request id.
pub(super) const ECHO_PY: &str = "import json\ndef handler(event, context):\n    return {'statusCode': 200, 'headers': {'content-type': 'application/json'}, 'body': json.dumps({'event': event, 'lambda_id': context.aws_request_id})}\n";

const ECHO_JS: &str = "exports.handler = async (event, context) => ({statusCode: 200, headers: {'content-type': 'application/json'}, body: JSON.stringify({event, lambda_id: context.awsRequestId})});\n";

/// A Node.js function with `[api]` settings in its lamctl.toml.
fn node_api_fn(code: &str, toml_extra: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("index.js"), code).unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        format!("name = \"n\"\nruntime = \"nodejs20.x\"\nhandler = \"index.handler\"\ntimeout = 5\n{toml_extra}"),
    )
    .unwrap();
    d
}

/// The event an echo function received, and its Lambda request id.
pub(super) fn echoed(r: &Resp) -> (Value, String) {
    assert_eq!(r.status, 200, "{r:?}");
    let v = r.json();
    (
        v["event"].clone(),
        v["lambda_id"].as_str().unwrap().to_string(),
    )
}

fn get(s: &Serve, path: &str) -> Resp {
    request(s.port, "GET", path, b"", &[])
}

#[test]
fn serve_api_answers_the_walkthroughs_request_as_api_gateway_would() {
    let dir = repo("examples/translate-python");
    let s = serve(&["--api", "--dir", dir.to_str().unwrap()]);
    let out = Command::new("curl")
        .args([
            "-sS",
            "-i",
            &format!("{}/translate?input_text=hello", s.url()),
        ])
        .output()
        .expect("run curl");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(
        text.to_ascii_lowercase().contains("\r\napigw-requestid: "),
        "{text}"
    );
    assert!(
        text.ends_with(r#"{"input_text": "hello", "translated_text": "bonjour"}"#),
        "{text}"
    );
    // No [[api.route]]: one `ANY /{proxy+}`, and the banner says so; `/`
    // matches no route, so the gateway answers without invoking.
    let err = s.stderr();
    assert!(
        err.contains("an HTTP API (payload format 2.0), stage $default, routes: ANY /{proxy+} (no [[api.route]] in lamctl.toml)"),
        "{err}"
    );
    let r = get(&s, "/");
    assert_eq!(
        (r.status, r.body.as_slice()),
        (404, &br#"{"message":"Not Found"}"#[..])
    );
    // The function's own 404 for another path goes through as it is.
    let r = get(&s, "/other");
    assert_eq!(
        (r.status, r.body.as_slice()),
        (404, &br#"{"error": "not found"}"#[..])
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        s.stderr().matches("\nREPORT RequestId: ").count(),
        2,
        "{}",
        s.stderr()
    );
}

#[test]
fn serve_api_routes_requests_as_api_gateway_does() {
    let d = python_fn(
        ECHO_PY,
        "[api]\nstage = \"prod\"\nstage_variables = { env = \"dev\" }\nbinary_media_types = [\"image/png\"]\n\
         [[api.route]]\nmethod = \"GET\"\npath = \"/pets/{id}\"\n\
         [[api.route]]\nmethod = \"GET\"\npath = \"/pets/dog\"\n\
         [[api.route]]\nmethod = \"ANY\"\npath = \"/pets/{proxy+}\"\n\
         [[api.route]]\nmethod = \"POST\"\npath = \"/items\"\n",
    );
    let s = serve(&["--api", "http", "--dir", &dir_arg(&d)]);
    assert!(
        s.stderr()
            .contains("routes: GET /pets/{id}, GET /pets/dog, ANY /pets/{proxy+}, POST /items")
    );
    assert!(
        s.stderr()
            .contains(&format!("try: curl -i '{}/prod/pets/dog'", s.url())),
        "{}",
        s.stderr()
    );

    let r = request(
        s.port,
        "GET",
        "/prod/pets/a%20b?x=1&x=2&y=%C3%A9",
        b"",
        &[
            ("X-Multi", "one"),
            ("X-Multi", "two"),
            ("Cookie", "a=1; b=2"),
            ("User-Agent", "t/1"),
        ],
    );
    let (e, lambda_id) = echoed(&r);
    assert_eq!(e["version"], "2.0");
    assert_eq!(e["routeKey"], "GET /pets/{id}");
    assert_eq!(e["pathParameters"], json!({"id": "a b"}));
    assert_eq!(e["stageVariables"], json!({"env": "dev"}));
    assert_eq!(e["rawPath"], "/prod/pets/a b");
    assert_eq!(e["rawQueryString"], "x=1&x=2&y=%C3%A9");
    assert_eq!(e["queryStringParameters"], json!({"x": "1,2", "y": "é"}));
    assert_eq!(e["headers"]["x-multi"], "one,two");
    assert_eq!(e["headers"]["x-forwarded-for"], "127.0.0.1");
    assert_eq!(e["headers"]["x-forwarded-proto"], "http");
    assert_eq!(e["headers"]["x-forwarded-port"], s.port.to_string());
    assert!(
        e["headers"]["x-amzn-trace-id"]
            .as_str()
            .unwrap()
            .starts_with("Root=1-")
    );
    assert!(e["headers"].get("cookie").is_none());
    assert_eq!(e["cookies"], json!(["a=1", "b=2"]));
    let c = &e["requestContext"];
    assert_eq!(c["stage"], "prod");
    assert_eq!(c["routeKey"], "GET /pets/{id}");
    assert_eq!(c["http"]["path"], "/prod/pets/a b");
    assert_eq!(c["http"]["userAgent"], "t/1");
    assert_eq!(c["apiId"].as_str().unwrap().len(), 10);
    // API Gateway's request id is its own (the response's apigw-requestid),
    // not the Lambda request id the function runs with.
    assert_eq!(c["requestId"].as_str(), r.header("apigw-requestid"));
    assert_eq!(c["requestId"].as_str().unwrap().len(), 16);
    assert_ne!(c["requestId"].as_str().unwrap(), lambda_id);

    // A literal beats a parameter; the greedy route takes what is left, any method.
    assert_eq!(
        echoed(&get(&s, "/prod/pets/dog")).0["routeKey"],
        "GET /pets/dog"
    );
    assert!(
        echoed(&get(&s, "/prod/pets/dog"))
            .0
            .get("pathParameters")
            .is_none()
    );
    let (e, _) = echoed(&request(s.port, "DELETE", "/prod/pets/a/b", b"", &[]));
    assert_eq!(e["routeKey"], "ANY /pets/{proxy+}");
    assert_eq!(e["pathParameters"], json!({"proxy": "a/b"}));
    // A binary media type's body is base64; other text is not.
    let (e, _) = echoed(&request(
        s.port,
        "POST",
        "/prod/items",
        b"\x89PNG",
        &[("Content-Type", "image/png")],
    ));
    assert_eq!(
        (e["isBase64Encoded"].clone(), e["body"].clone()),
        (json!(true), json!("iVBORw=="))
    );
    let (e, _) = echoed(&request(
        s.port,
        "POST",
        "/prod/items",
        b"{\"a\":1}",
        &[("Content-Type", "application/json")],
    ));
    assert_eq!(
        (e["isBase64Encoded"].clone(), e["body"].clone()),
        (json!(false), json!("{\"a\":1}"))
    );
    // Outside the stage, a method without a route, no route: Not Found.
    for (m, p) in [
        ("GET", "/pets/7"),
        ("GET", "/prod/items"),
        ("GET", "/prod/cats"),
        ("GET", "/prod"),
    ] {
        let r = request(s.port, m, p, b"", &[]);
        assert_eq!(
            (r.status, r.body.as_slice()),
            (404, &br#"{"message":"Not Found"}"#[..]),
            "{m} {p}"
        );
    }
}

#[test]
fn serve_api_rest_hands_a_node_function_payload_1_0_events() {
    let d = node_api_fn(
        ECHO_JS,
        "[api]\nstage = \"dev\"\nbinary_media_types = [\"application/octet-stream\"]\n\
         [[api.route]]\nmethod = \"ANY\"\npath = \"/files/{name}\"\n",
    );
    let s = serve(&["--api", "rest", "--dir", &dir_arg(&d)]);
    assert!(
        s.stderr()
            .contains("a REST API (Lambda proxy integration, payload format 1.0), stage dev")
    );
    let r = request(
        s.port,
        "PUT",
        "/dev/files/a%20b?x=1&x=2&y=z",
        b"\x00\x01",
        &[
            ("X-Multi", "one"),
            ("X-Multi", "two"),
            ("Content-Type", "application/octet-stream"),
        ],
    );
    let (e, lambda_id) = echoed(&r);
    assert!(e.get("version").is_none(), "{e}");
    assert_eq!(e["resource"], "/files/{name}");
    // `path` is under the stage; the context's has it. Both as sent.
    assert_eq!(e["path"], "/files/a%20b");
    assert_eq!(e["requestContext"]["path"], "/dev/files/a%20b");
    assert_eq!(e["pathParameters"], json!({"name": "a%20b"}));
    assert_eq!(e["httpMethod"], "PUT");
    assert_eq!(e["headers"]["x-multi"], "two");
    assert_eq!(e["multiValueHeaders"]["x-multi"], json!(["one", "two"]));
    assert_eq!(e["queryStringParameters"], json!({"x": "2", "y": "z"}));
    assert_eq!(
        e["multiValueQueryStringParameters"],
        json!({"x": ["1", "2"], "y": ["z"]})
    );
    assert_eq!(e["stageVariables"], Value::Null);
    assert_eq!(
        (e["isBase64Encoded"].clone(), e["body"].clone()),
        (json!(true), json!("AAE="))
    );
    let c = &e["requestContext"];
    assert_eq!(c["stage"], "dev");
    assert_eq!(c["resourcePath"], "/files/{name}");
    assert_eq!(c["httpMethod"], "PUT");
    assert_eq!(c["identity"]["sourceIp"], "127.0.0.1");
    assert_eq!(c["requestId"].as_str(), r.header("x-amzn-requestid"));
    assert_eq!(c["extendedRequestId"].as_str(), r.header("x-amz-apigw-id"));
    assert_ne!(c["requestId"].as_str().unwrap(), lambda_id);
    assert!(c["requestTimeEpoch"].is_i64());
    // No query, no body: null, as a REST API sends them.
    let (e, _) = echoed(&get(&s, "/dev/files/x"));
    for k in [
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "body",
    ] {
        assert_eq!(e[k], Value::Null, "{k}");
    }
    assert_eq!(e["isBase64Encoded"], false);
    // No route: a REST API's 403 Missing Authentication Token.
    let r = get(&s, "/dev/other");
    assert_eq!(r.status, 403);
    assert_eq!(r.json(), json!({"message": "Missing Authentication Token"}));
    assert_eq!(
        r.header("x-amzn-errortype"),
        Some("MissingAuthenticationTokenException")
    );
}

#[test]
fn serve_api_http_with_payload_format_1_0() {
    let d = python_fn(
        ECHO_PY,
        "[api]\npayload_format = \"1.0\"\n[[api.route]]\nmethod = \"GET\"\npath = \"/items/{id}\"\n",
    );
    let s = serve(&["--api", "http", "--dir", &dir_arg(&d)]);
    assert!(
        s.stderr().contains("an HTTP API (payload format 1.0)"),
        "{}",
        s.stderr()
    );
    let r = request(
        s.port,
        "GET",
        "/items/a%20b?x=1&x=2",
        b"",
        &[("X-Multi", "one"), ("X-Multi", "two")],
    );
    let (e, _) = echoed(&r);
    assert_eq!(e["version"], "1.0");
    assert_eq!(e["resource"], "/items/{id}");
    // An HTTP API decodes the path and its parameters, in 1.0 too.
    assert_eq!(e["path"], "/items/a b");
    assert_eq!(e["pathParameters"], json!({"id": "a b"}));
    assert_eq!(e["multiValueHeaders"]["x-multi"], json!(["one", "two"]));
    assert_eq!(e["multiValueQueryStringParameters"]["x"], json!(["1", "2"]));
    assert_eq!(e["requestContext"]["resourceId"], Value::Null);
    assert_eq!(
        e["requestContext"]["requestId"].as_str(),
        r.header("apigw-requestid")
    );
    // The HTTP API's answers, whatever the format.
    let r = request(s.port, "GET", "/nothing", b"", &[]);
    assert_eq!(
        (r.status, r.body.as_slice()),
        (404, &br#"{"message":"Not Found"}"#[..])
    );
}

/// A function whose result depends on the path it was called on.
const RESULTS_PY: &str = r#"
import json
def handler(event, context):
    path = event.get('rawPath') or event.get('path')
    if path.endswith('/plain'):
        return "Hello from Lambda!"
    if path.endswith('/object'):
        return {"message": "hi"}
    if path.endswith('/doc'):
        return {"statusCode": 201, "headers": {"X-One": "1"}, "multiValueHeaders": {"X-Two": ["a", "b"]},
                "cookies": ["c1=1", "c2=2"], "body": "made"}
    if path.endswith('/base64'):
        return {"statusCode": 200, "headers": {"Content-Type": "application/octet-stream"}, "body": "AP8=", "isBase64Encoded": True}
    if path.endswith('/bad-status'):
        return {"statusCode": "teapot", "body": "x"}
    if path.endswith('/object-body'):
        return {"statusCode": 200, "body": {"not": "a string"}}
    raise ValueError("boom")
"#;

#[test]
fn serve_api_maps_results_as_each_payload_format_does() {
    let d = python_fn(
        RESULTS_PY,
        "[api]\nbinary_media_types = [\"application/octet-stream\"]\n",
    );
    let http = serve(&["--api", "--dir", &dir_arg(&d)]);
    let r = get(&http, "/plain");
    assert_eq!(
        (r.status, r.body.as_slice()),
        (200, &b"Hello from Lambda!"[..])
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(get(&http, "/object").json(), json!({"message": "hi"}));
    let r = get(&http, "/doc");
    assert_eq!((r.status, r.body.as_slice()), (201, &b"made"[..]));
    let cookies: Vec<&str> = r
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(cookies, ["c1=1", "c2=2"]);
    assert_eq!(r.header("x-one"), Some("1"));
    // 2.0 has no multiValueHeaders: they are not sent.
    assert_eq!(r.header("x-two"), None);
    assert_eq!(get(&http, "/base64").body, b"\x00\xff");
    for p in ["/bad-status", "/error"] {
        let r = get(&http, p);
        assert_eq!(
            (r.status, r.body.as_slice()),
            (500, &br#"{"message":"Internal Server Error"}"#[..]),
            "{p}"
        );
    }
    assert!(
        http.stderr().contains("ValueError"),
        "the function's error is in the log"
    );

    let rest = serve(&["--api", "rest", "--dir", &dir_arg(&d)]);
    let r = get(&rest, "/doc");
    assert_eq!((r.status, r.body.as_slice()), (201, &b"made"[..]));
    assert_eq!(r.header("x-one"), Some("1"));
    let two: Vec<&str> = r
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("x-two"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(two, ["a", "b"]);
    assert_eq!(r.header("set-cookie"), None, "1.0 has no cookies field");
    // The base64 body of a binary media type is turned back into bytes.
    assert_eq!(get(&rest, "/base64").body, b"\x00\xff");
    // Not a 1.0 response document, or a function error: 502.
    for p in ["/plain", "/object", "/bad-status", "/object-body", "/error"] {
        let r = get(&rest, p);
        assert_eq!(r.status, 502, "{p}: {r:?}");
        assert_eq!(r.body, br#"{"message": "Internal server error"}"#, "{p}");
        assert_eq!(
            r.header("x-amzn-errortype"),
            Some("InternalServerErrorException")
        );
    }
}

#[test]
fn serve_api_needs_the_token_and_keeps_it_from_the_function() {
    let d = python_fn(ECHO_PY, "");
    let (mut cmd, home) = serve_cmd(&["--api", "--dir", &dir_arg(&d)], None);
    cmd.env("LAMCTL_SERVE_TOKEN", "s3cret-token");
    let s = serve_from(cmd, home);
    let r = get(&s, "/x");
    assert_eq!(
        (r.status, r.json()),
        (401, json!({"message": "Unauthorized"}))
    );
    let r = request(
        s.port,
        "GET",
        "/x",
        b"",
        &[("Authorization", "Bearer other")],
    );
    assert_eq!((r.status, r.json()), (403, json!({"message": "Forbidden"})));
    let r = request(
        s.port,
        "GET",
        "/x",
        b"",
        &[("Authorization", "Bearer s3cret-token")],
    );
    let (e, _) = echoed(&r);
    assert!(e["headers"].get("authorization").is_none(), "{e}");
    assert!(!s.stderr().contains("s3cret-token"));
}

mod diff;
