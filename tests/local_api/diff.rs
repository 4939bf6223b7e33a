//! The API Gateway event differential: the event `serve --api` builds for
//! the developer guide's sample request, against the guide's samples.
//!
//! The samples are copied verbatim from the API Gateway developer guide:
//! v2: "Working with AWS Lambda proxy integrations for HTTP APIs", payload
//!     format 2.0, https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
//! v1: "Input format of a Lambda function for proxy integration" (REST),
//!     https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format
//! (the guide's source, github.com/awsdocs/amazon-api-gateway-developer-guide,
//! doc_source/ at commit 781597d7e2e5375258f6029786877eb8b435dd0f).
//!
//! The sample request is sent to `serve --api`, and the event the function
//! receives is compared with the sample: every key at every level, and each
//! value's JSON type; for maps (headers, parameters, variables) the sample's
//! entries and their types; then the values that depend on the request.

use serde_json::{Value, json};

use super::{ECHO_PY, echoed};
use crate::local::*;

/// What a local event may differ in, and why.
enum Allowed {
    /// The key is not in the local event.
    Absent(&'static str),
    /// The value has this other JSON type locally.
    Kind(&'static str, &'static str),
}

const MAPS: &[&str] = &[
    "/headers",
    "/multiValueHeaders",
    "/queryStringParameters",
    "/multiValueQueryStringParameters",
    "/pathParameters",
    "/stageVariables",
];

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Compare `local` with `sample` under `at`; count the fields, collect the differences.
fn compare(
    sample: &Value,
    local: Option<&Value>,
    at: &str,
    allowed: &[(&str, Allowed)],
    n: &mut usize,
    diffs: &mut Vec<String>,
) {
    *n += 1;
    if let Some((_, a)) = allowed.iter().find(|(p, _)| *p == at) {
        match (a, local) {
            (Allowed::Absent(_), None) => {}
            (Allowed::Kind(k, _), Some(l)) if kind(l) == *k => {}
            _ => diffs.push(format!("{at}: not what the exception says")),
        }
        return;
    }
    let Some(local) = local else {
        diffs.push(format!("{at}: missing"));
        return;
    };
    if kind(sample) != kind(local) {
        diffs.push(format!(
            "{at}: {} in the sample, {} here",
            kind(sample),
            kind(local)
        ));
        return;
    }
    match (sample, local) {
        (Value::Object(s), Value::Object(l)) if MAPS.contains(&at) => {
            let entry = s.values().next().map(kind);
            for (k, v) in l {
                if Some(kind(v)) != entry {
                    diffs.push(format!(
                        "{at}/{k}: {} here, {entry:?} in the sample",
                        kind(v)
                    ));
                }
            }
            for k in s.keys() {
                if !l.contains_key(k) {
                    diffs.push(format!("{at}/{k}: missing"));
                }
            }
        }
        (Value::Object(s), Value::Object(l)) => {
            for (k, v) in s {
                compare(v, l.get(k), &format!("{at}/{k}"), allowed, n, diffs);
            }
            for k in l.keys().filter(|k| !s.contains_key(*k)) {
                diffs.push(format!("{at}/{k}: not in the sample"));
            }
        }
        (Value::Array(s), Value::Array(l)) => {
            let entry = s.first().map(kind);
            if l.iter().any(|v| Some(kind(v)) != entry) {
                diffs.push(format!("{at}: entries of another type"));
            }
        }
        _ => {}
    }
}

fn differential(
    version: &str,
    sample: &Value,
    local: &Value,
    allowed: &[(&str, Allowed)],
    same: &[&str],
) {
    let (mut n, mut diffs) = (0, Vec::new());
    compare(sample, Some(local), "", allowed, &mut n, &mut diffs);
    for p in same {
        n += 1;
        if sample.pointer(p) != local.pointer(p) {
            diffs.push(format!(
                "{p}: {:?} in the sample, {:?} here",
                sample.pointer(p),
                local.pointer(p)
            ));
        }
    }
    println!(
        "API Gateway event differential ({version}): {n} fields, {} differ",
        diffs.len()
    );
    for (at, a) in allowed {
        let why = match a {
            Allowed::Absent(why) => format!("absent: {why}"),
            Allowed::Kind(k, why) => format!("{k}: {why}"),
        };
        println!("  {at}: {why}");
    }
    assert!(
        diffs.is_empty(),
        "{version}:\n{}\nlocal event: {local:#}",
        diffs.join("\n")
    );
}

fn sample(name: &str) -> Value {
    let text = std::fs::read_to_string(repo(&format!("src/events/samples/{name}"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The sample's request: its method, path, query, headers, cookies and body.
fn sample_request(s: &Serve, method: &str, body: &str) -> Value {
    let r = request(
        s.port,
        method,
        "/my/path?parameter1=value1&parameter1=value2&parameter2=value",
        body.as_bytes(),
        &[
            ("header1", "value1"),
            ("header2", "value1"),
            ("header2", "value2"),
            ("Content-Type", "text/plain"),
        ],
    );
    echoed(&r).0
}

#[test]
fn serve_api_events_match_the_developer_guides_samples() {
    // 2.0: the sample's stage variables, a route with its path parameter's name.
    let d = python_fn(
        ECHO_PY,
        "[api]\nstage_variables = { stageVariable1 = \"value1\", stageVariable2 = \"value2\" }\n\
         [[api.route]]\nmethod = \"POST\"\npath = \"/my/{parameter1}\"\n",
    );
    let s = serve(&["--api", "--dir", &dir_arg(&d)]);
    let local = {
        let r = request(
            s.port,
            "POST",
            "/my/path?parameter1=value1&parameter1=value2&parameter2=value",
            b"Hello from Lambda",
            &[
                ("header1", "value1"),
                ("header2", "value1"),
                ("header2", "value2"),
                ("Cookie", "cookie1; cookie2"),
                ("Content-Type", "text/plain"),
            ],
        );
        echoed(&r).0
    };
    let v2 = sample("apigateway-v2.json");
    assert_eq!(local["headers"]["header1"], "value1");
    assert_eq!(local["headers"]["header2"], "value1,value2");
    differential(
        "payload format 2.0",
        &v2,
        &local,
        &[
            (
                "/requestContext/authentication",
                Allowed::Absent("mutual TLS only"),
            ),
            (
                "/requestContext/authorizer",
                Allowed::Absent("only with an authorizer"),
            ),
        ],
        &[
            "/version",
            "/rawPath",
            "/rawQueryString",
            "/cookies",
            "/queryStringParameters",
            "/body",
            "/isBase64Encoded",
            "/stageVariables",
            "/requestContext/http/method",
            "/requestContext/http/path",
            "/requestContext/http/protocol",
            "/requestContext/stage",
        ],
    );
    assert_eq!(local["pathParameters"], json!({"parameter1": "path"}));
    assert_eq!(local["routeKey"], "POST /my/{parameter1}");
    drop(s);

    // 1.0, a REST API: the sample's route `/my/path`, no stage variables.
    let d = python_fn(
        ECHO_PY,
        "[[api.route]]\nmethod = \"GET\"\npath = \"/my/path\"\n",
    );
    let s = serve(&["--api", "rest", "--dir", &dir_arg(&d)]);
    let mut local = sample_request(&s, "GET", "Hello from Lambda!");
    let v1 = sample("apigateway-v1.json");
    assert_eq!(
        local["multiValueHeaders"]["header2"],
        json!(["value1", "value2"])
    );
    assert_eq!(local["headers"]["header2"], "value2");
    // A REST API takes a repeated parameter's last value (as it takes a
    // repeated header's last, which the sample shows); the sample's
    // `parameter1` is the first, so that one value is not compared.
    assert_eq!(local["queryStringParameters"]["parameter1"], "value2");
    local["queryStringParameters"]["parameter1"] = json!("value1");
    differential(
        "payload format 1.0, REST",
        &v1,
        &local,
        &[
            (
                "/requestContext/identity/clientCert",
                Allowed::Kind("null", "mutual TLS only"),
            ),
            (
                "/requestContext/resourceId",
                Allowed::Kind("string", "a REST API's resource has an id"),
            ),
        ],
        &[
            "/resource",
            "/path",
            "/httpMethod",
            "/queryStringParameters",
            "/multiValueQueryStringParameters",
            "/pathParameters",
            "/stageVariables",
            "/body",
            "/isBase64Encoded",
            "/requestContext/httpMethod",
            "/requestContext/path",
            "/requestContext/protocol",
            "/requestContext/resourcePath",
            "/requestContext/stage",
        ],
    );
}
