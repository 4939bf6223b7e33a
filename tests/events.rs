//! `lamctl event`: sample events with the documented shapes, `--field`,
//! the CloudWatch Logs encoding; saved test events (`event save`,
//! `invoke --event`) on disk, locally and against moto; the console's
//! shareable events through a fake schema registry (moto 5.2.5 has no
//! schemas API) whose requests are asserted and whose writes are read back.

use std::io::Read;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use crate::day2::json::conform;
use crate::harness::*;

fn generate(args: &[&str]) -> Value {
    let mut all = vec!["event", "generate"];
    all.extend_from_slice(args);
    lamctl(&all).run().success().json()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

#[test]
fn every_source_has_its_documented_top_level_keys() {
    let http_v2 = [
        "body",
        "cookies",
        "headers",
        "isBase64Encoded",
        "pathParameters",
        "queryStringParameters",
        "rawPath",
        "rawQueryString",
        "requestContext",
        "routeKey",
        "stageVariables",
        "version",
    ];
    let rest = [
        "body",
        "headers",
        "httpMethod",
        "isBase64Encoded",
        "multiValueHeaders",
        "multiValueQueryStringParameters",
        "path",
        "pathParameters",
        "queryStringParameters",
        "requestContext",
        "resource",
        "stageVariables",
    ];
    let alb = [
        "body",
        "headers",
        "httpMethod",
        "isBase64Encoded",
        "path",
        "queryStringParameters",
        "requestContext",
    ];
    let schedule = [
        "account",
        "detail",
        "detail-type",
        "id",
        "region",
        "resources",
        "source",
        "time",
        "version",
    ];
    for s in ["sqs", "cloudwatch-logs", "apigateway-v2"] {
        conform(
            "event-generate",
            &lamctl(["event", "generate", s, "-o", "json"])
                .run()
                .success()
                .json(),
        );
    }
    for (source, want) in [
        ("apigateway-v1", &rest[..]),
        ("apigateway-rest", &rest[..]),
        ("apigateway-v2", &http_v2[..]),
        ("apigateway-http", &http_v2[..]),
        ("function-url", &http_v2[..]),
        ("alb", &alb[..]),
        ("schedule", &schedule[..]),
        ("cloudwatch-logs", &["awslogs"][..]),
    ] {
        let e = generate(&[source]);
        assert_eq!(keys(&e), want, "{source}");
    }
    for (source, event_source) in [
        ("sqs", "aws:sqs"),
        ("sns", "aws:sns"),
        ("s3-put", "aws:s3"),
        ("s3-delete", "aws:s3"),
        ("dynamodb", "aws:dynamodb"),
        ("kinesis", "aws:kinesis"),
    ] {
        let e = generate(&[source]);
        assert_eq!(keys(&e), ["Records"], "{source}");
        let r = &e["Records"][0];
        let got = r.get("eventSource").or_else(|| r.get("EventSource"));
        assert_eq!(got, Some(&json!(event_source)), "{source}");
    }
    assert_eq!(
        generate(&["s3-put"])["Records"][0]["eventName"],
        "ObjectCreated:Put"
    );
    assert_eq!(
        generate(&["s3-delete"])["Records"][0]["eventName"],
        "ObjectRemoved:Delete"
    );
    assert_eq!(generate(&["apigateway-v2"])["version"], "2.0");
    assert_eq!(generate(&["schedule"])["detail-type"], "Scheduled Event");
}

#[test]
fn the_api_gateway_samples_are_the_documented_ones() {
    // Fresh ids and times aside, the event is the stored page example,
    // whichever copy of it the repository keeps.
    for (source, file, fresh) in [
        (
            "apigateway-v1",
            "apigateway-v1.json",
            &["/requestContext/requestId"][..],
        ),
        (
            "apigateway-v2",
            "apigateway-v2.json",
            &[
                "/requestContext/requestId",
                "/requestContext/time",
                "/requestContext/timeEpoch",
            ][..],
        ),
    ] {
        let path = crate::local::repo(&format!("src/events/samples/{file}"));
        let mut stored: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let mut generated = generate(&[source]);
        for p in fresh {
            let (parent, key) = p.rsplit_once('/').unwrap();
            let was = generated.pointer(p).cloned();
            assert!(was.is_some(), "{source}: no {p}");
            assert_ne!(
                was,
                stored.pointer(p).cloned(),
                "{source}: {p} is not fresh"
            );
            for doc in [&mut stored, &mut generated] {
                if let Some(Value::Object(m)) = doc.pointer_mut(parent) {
                    m.remove(key);
                }
            }
        }
        assert_eq!(generated, stored, "{source}");
    }
    let v2 = generate(&["apigateway-v2"]);
    assert_eq!(v2["version"], "2.0");
    assert_eq!(
        v2["rawQueryString"],
        "parameter1=value1&parameter1=value2&parameter2=value"
    );
}

#[test]
fn fields_change_what_they_name() {
    let e = generate(&[
        "sqs",
        "--field",
        "body={\"id\": 7}",
        "--field",
        "queue-arn=arn:aws:sqs:eu-west-1:123456789012:orders",
    ]);
    for r in e["Records"].as_array().unwrap() {
        assert_eq!(r["body"], "{\"id\": 7}");
        assert_eq!(
            r["eventSourceARN"],
            "arn:aws:sqs:eu-west-1:123456789012:orders"
        );
        assert_eq!(r["awsRegion"], "eu-west-1");
    }
    let e = generate(&[
        "s3-put",
        "--field",
        "bucket=uploads",
        "--field",
        "key=photos/cat 1.jpg",
        "--field",
        "size=99",
    ]);
    let s3 = &e["Records"][0]["s3"];
    assert_eq!(s3["bucket"]["name"], "uploads");
    assert_eq!(s3["object"]["key"], "photos%2Fcat+1.jpg");
    assert_eq!(s3["object"]["size"], 99);
    let e = generate(&[
        "apigateway-v2",
        "--field",
        "method=get",
        "--field",
        "path=/translate",
        "--field",
        "query=input_text=hello",
    ]);
    assert_eq!(e["rawPath"], "/translate");
    assert_eq!(e["requestContext"]["http"]["method"], "GET");
    assert_eq!(e["queryStringParameters"], json!({"input_text": "hello"}));
    let e = generate(&["schedule", "--field", "time=2026-05-01T10:00:00Z"]);
    assert_eq!(e["time"], "2026-05-01T10:00:00Z");
    let e = generate(&["kinesis", "--field", "data=hello kinesis"]);
    let data = e["Records"][0]["kinesis"]["data"].as_str().unwrap();
    assert_eq!(BASE64.decode(data).unwrap(), b"hello kinesis");
    let e = generate(&["dynamodb", "--field", "keys={\"pk\": \"a\"}"]);
    assert_eq!(
        e["Records"][0]["dynamodb"]["Keys"],
        json!({"pk": {"S": "a"}})
    );
    // Fresh per run unless given.
    let a = generate(&["sns"]);
    let b = generate(&["sns"]);
    assert_ne!(
        a["Records"][0]["Sns"]["MessageId"],
        b["Records"][0]["Sns"]["MessageId"]
    );
}

#[test]
fn cloudwatch_logs_data_decodes_to_a_logs_document() {
    let e = generate(&[
        "cloudwatch-logs",
        "--field",
        "log-group=/aws/lambda/orders",
        "--field",
        "message=ERROR boom",
        "--field",
        "message=INFO fine",
    ]);
    let zipped = BASE64
        .decode(e["awslogs"]["data"].as_str().unwrap())
        .unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(zipped.as_slice())
        .read_to_string(&mut text)
        .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["messageType"], "DATA_MESSAGE");
    assert_eq!(doc["logGroup"], "/aws/lambda/orders");
    let events = doc["logEvents"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["message"], "ERROR boom");
    assert!(events[1]["timestamp"].as_i64().unwrap() > 1_700_000_000_000);
    assert_eq!(events[0]["id"].as_str().unwrap().len(), 56);
}

#[test]
fn list_shows_every_source_with_its_fields() {
    let out = lamctl(["event", "list"]).run();
    out.success();
    let text = out.stdout();
    for s in [
        "apigateway-v1",
        "sqs",
        "cloudwatch-logs",
        "queue-arn",
        "alb",
    ] {
        assert!(text.contains(s), "{s} missing:\n{text}");
    }
    let doc = lamctl(["event", "list", "-o", "json"])
        .run()
        .success()
        .json();
    conform("event-list", &doc);
    insta::assert_snapshot!(
        "event-list-json",
        serde_json::to_string_pretty(&doc).unwrap()
    );
    let list = doc.as_array().unwrap();
    assert!(list.len() >= 12);
    let sqs = list.iter().find(|s| s["name"] == "sqs").unwrap();
    assert!(
        sqs["documented_at"]
            .as_str()
            .unwrap()
            .starts_with("https://docs.aws.amazon.com/")
    );
    assert_eq!(sqs["fields"][0]["name"], "body");
}

/// A Python handler that answers with the fields a test reads.
const READS_FIELDS: &str = r#"
def handler(event, context):
    r = event['Records'][0]
    if r.get('eventSource') == 'aws:sqs':
        return {'body': r['body'], 'queue': r['eventSourceARN']}
    return {'bucket': r['s3']['bucket']['name'], 'key': r['s3']['object']['key']}
"#;

fn python_dir(code: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("app.py"), code).unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        "name = \"ev\"\nruntime = \"python3.12\"\nhandler = \"app.handler\"\ntimeout = 5\n",
    )
    .unwrap();
    d
}

#[test]
fn generated_sqs_and_s3_events_reach_a_local_handler() {
    let d = python_dir(READS_FIELDS);
    lamctl([
        "event",
        "save",
        "order",
        "--from",
        "sqs",
        "--field",
        "body=order 42",
    ])
    .dir(d.path())
    .run()
    .success();
    lamctl([
        "event",
        "save",
        "upload",
        "--from",
        "s3-put",
        "--field",
        "bucket=uploads",
        "--field",
        "key=a b.txt",
    ])
    .dir(d.path())
    .run()
    .success();
    let out = lamctl(["invoke", "--local", "--event", "order"])
        .dir(d.path())
        .run();
    assert_eq!(
        out.success().json(),
        json!({"body": "order 42", "queue": "arn:aws:sqs:us-east-2:123456789012:my-queue"})
    );
    let out = lamctl(["invoke", "--local", "--event", "upload"])
        .dir(d.path())
        .run();
    assert_eq!(
        out.success().json(),
        json!({"bucket": "uploads", "key": "a+b.txt"})
    );
}

#[test]
fn saved_event_round_trips_through_the_bundled_example_and_moto() {
    // Local: the bundled Python example, its folder's events/.
    let ex = tempfile::tempdir().unwrap();
    for f in ["app.py", "lamctl.toml"] {
        std::fs::copy(
            crate::local::repo(&format!("examples/hello-python/{f}")),
            ex.path().join(f),
        )
        .unwrap();
    }
    let dir = ex.path().to_str().unwrap();
    let out = lamctl([
        "event",
        "save",
        "ada",
        "--payload",
        "{\"name\": \"Ada\"}",
        "--dir",
        dir,
        "-o",
        "json",
    ])
    .run();
    let doc = out.success().json();
    conform("event-save", &doc);
    assert_eq!(doc["name"], "ada");
    assert_eq!(doc["bytes"], 15);
    let written = std::fs::read_to_string(ex.path().join("events/ada.json")).unwrap();
    assert_eq!(written, "{\"name\": \"Ada\"}");
    let out = lamctl(["invoke", "--local", "--dir", dir, "--event", "ada"]).run();
    assert_eq!(
        out.success().json()["body"],
        "{\"message\": \"hello, Ada\"}"
    );

    // Cloud: a function deployed to moto (whose no-Docker Lambda echoes).
    let name = unique("events");
    let role = create_role(&name);
    let project = python_function_dir(&name, &role);
    lamctl(["deploy"])
        .dir(project.path())
        .moto()
        .run()
        .success();
    lamctl([
        "event",
        "save",
        "big-order",
        "--from",
        "sqs",
        "--field",
        "body=cloud",
    ])
    .dir(project.path())
    .run()
    .success();
    let saved: Value = serde_json::from_slice(
        &std::fs::read(project.path().join("events/big-order.json")).unwrap(),
    )
    .unwrap();
    let out = lamctl(["invoke", "--event", "big-order"])
        .dir(project.path())
        .moto()
        .run();
    assert_eq!(out.success().json(), saved);
    assert_eq!(saved["Records"][0]["body"], "cloud");
}

#[test]
fn save_replaces_only_a_regular_file_and_only_with_force() {
    let d = tempfile::tempdir().unwrap();
    let save = |name: &str, extra: &[&str]| {
        let mut args = vec!["event", "save", name, "--payload", "{\"v\": 2}"];
        args.extend_from_slice(extra);
        lamctl(&args).dir(d.path()).run()
    };
    save("one", &[]).success();
    save("one", &[]).fails(2, "exists");
    assert_eq!(
        std::fs::read_to_string(d.path().join("events/one.json")).unwrap(),
        "{\"v\": 2}"
    );
    std::fs::write(d.path().join("events/one.json"), "{}").unwrap();
    save("one", &["--force"]).success();
    assert_eq!(
        std::fs::read_to_string(d.path().join("events/one.json")).unwrap(),
        "{\"v\": 2}"
    );

    // A link is never written through, even with --force.
    let target = d.path().join("elsewhere.json");
    std::fs::write(&target, "keep").unwrap();
    std::os::unix::fs::symlink(&target, d.path().join("events/link.json")).unwrap();
    save("link", &["--force"]).fails(2, "not a regular file");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    std::fs::create_dir(d.path().join("events/dir.json")).unwrap();
    save("dir", &["--force"]).fails(2, "not a regular file");

    // Nor is a linked events/ folder.
    let other = tempfile::tempdir().unwrap();
    let linked = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(other.path(), linked.path().join("events")).unwrap();
    lamctl(["event", "save", "x", "--payload", "{}"])
        .dir(linked.path())
        .run()
        .fails(2, "not a directory");
    assert!(std::fs::read_dir(other.path()).unwrap().next().is_none());

    // invoke --event names the saved ones when the name is missing.
    lamctl(["invoke", "--local", "--event", "nope"])
        .dir(d.path())
        .run()
        .fails(2, "no saved event");
    let out = lamctl(["invoke", "--local", "--event", "nope"])
        .dir(d.path())
        .run();
    assert!(
        out.stderr.contains("hint: saved in events: one"),
        "{}",
        out.stderr
    );
}

// ------------------------------------------------- shared (schema registry)

fn is(method: &str, path: &str) -> impl Fn(&Request) -> bool + Send + 'static {
    let (method, path) = (method.to_string(), path.to_string());
    move |r: &Request| r.method == method && r.path.split('?').next() == Some(path.as_str())
}

const REGISTRY: &str = "/v1/registries/name/lambda-testevent-schemas";
const SCHEMA: &str = "/v1/registries/name/lambda-testevent-schemas/schemas/name/_ev-schema";

fn not_found() -> Canned {
    Canned::aws_error(404, "NotFoundException", "not found")
}

fn content_of(r: &Request) -> Value {
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["Type"], "OpenApi3");
    serde_json::from_str(body["Content"].as_str().unwrap()).unwrap()
}

#[test]
fn shared_events_live_in_the_consoles_schema_registry() {
    let fake = Proxy::start(None);
    let at = |args: &[&str], d: &std::path::Path| {
        lamctl(args)
            .dir(d)
            .env("AWS_ENDPOINT_URL", &fake.endpoint)
            .env("AWS_REGION", REGION)
            .run()
    };
    let d = python_dir("def handler(event, context):\n    return event\n");

    // First event: no registry, no schema; both are created.
    fake.inject(is("GET", SCHEMA), not_found(), None);
    fake.inject(is("GET", REGISTRY), not_found(), None);
    fake.inject(
        is("POST", REGISTRY),
        Canned::new(201, "{}").header("Content-Type", "application/json"),
        None,
    );
    fake.inject(
        is("POST", SCHEMA),
        Canned::new(201, "{}").header("Content-Type", "application/json"),
        None,
    );
    at(
        &[
            "event",
            "save",
            "ada",
            "--shared",
            "--payload",
            "{\"name\": \"Ada\"}",
        ],
        d.path(),
    )
    .success();
    let created = fake
        .requests()
        .into_iter()
        .find(|r| is("POST", SCHEMA)(r))
        .expect("CreateSchema");
    let doc = content_of(&created);
    assert_eq!(
        doc["components"]["examples"]["ada"]["value"],
        json!({"name": "Ada"})
    );
    assert_eq!(
        doc["components"]["examples"]["ada"]["x-metadata"]["invocationType"],
        "RequestResponse"
    );
    assert_eq!(fake.count(is("POST", REGISTRY)), 1);
    assert!(!d.path().join("events").exists());

    // The registry now holds what was written: read it back.
    let schema =
        json!({"Content": doc.to_string(), "SchemaName": "_ev-schema", "Type": "OpenApi3"});
    fake.inject(
        is("GET", SCHEMA),
        Canned::new(200, schema.to_string()).header("Content-Type", "application/json"),
        None,
    );
    let out = at(
        &["invoke", "--local", "--event", "ada", "--shared"],
        d.path(),
    );
    assert_eq!(out.success().json(), json!({"name": "Ada"}));
    let out = at(&["event", "list", "--shared", "-o", "json"], d.path());
    let listed = out.success().json();
    conform("event-list-shared", &listed);
    assert_eq!(listed, json!({"function": "ev", "names": ["ada"]}));
    at(
        &["invoke", "--local", "--event", "bob", "--shared"],
        d.path(),
    )
    .fails(2, "no shared test event 'bob'");

    // A second event updates the schema and keeps the first; a name
    // already there needs --force.
    fake.clear();
    fake.inject(
        is("PUT", SCHEMA),
        Canned::new(200, "{}").header("Content-Type", "application/json"),
        None,
    );
    at(
        &["event", "save", "ada", "--shared", "--payload", "{}"],
        d.path(),
    )
    .fails(2, "already has a shared test event 'ada'");
    assert_eq!(fake.count(is("PUT", SCHEMA)), 0);
    let saved = at(
        &[
            "event", "save", "bob", "--shared", "--from", "sqs", "--field", "body=b", "-o", "json",
        ],
        d.path(),
    );
    let saved = saved.success().json();
    conform("event-save", &saved);
    assert_eq!(saved["schema"], "_ev-schema");
    assert_eq!(saved["registry"], "lambda-testevent-schemas");
    let updated = fake
        .requests()
        .into_iter()
        .find(|r| is("PUT", SCHEMA)(r))
        .expect("UpdateSchema");
    let doc = content_of(&updated);
    assert_eq!(
        doc["components"]["examples"]["ada"]["value"],
        json!({"name": "Ada"})
    );
    assert_eq!(
        doc["components"]["examples"]["bob"]["value"]["Records"][0]["body"],
        "b"
    );
    assert_eq!(fake.count(is("POST", REGISTRY)), 0);
}
