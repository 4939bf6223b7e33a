use std::io::Read;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use super::*;

fn field(k: &str, v: &str) -> (String, String) {
    (k.into(), v.into())
}

#[test]
fn every_sample_is_json_and_generates() {
    for s in SOURCES {
        assert!(
            s.sample().is_object(),
            "{}: sample is not a JSON object",
            s.name
        );
        let e = s.generate(&[]).unwrap();
        assert!(e.is_object(), "{}", s.name);
        assert!(
            s.cite.contains("https://") || s.cite.contains("aws-sam-cli"),
            "{}",
            s.name
        );
    }
}

#[test]
fn names_and_aliases_are_unique() {
    let mut all: Vec<&str> = SOURCES
        .iter()
        .flat_map(|s| std::iter::once(s.name).chain(s.aliases.iter().copied()))
        .collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n);
}

#[test]
fn fresh_values_change_and_given_values_win() {
    let s = source("sqs").unwrap();
    let a = s.generate(&[]).unwrap();
    let b = s.generate(&[]).unwrap();
    assert_ne!(a["Records"][0]["messageId"], b["Records"][0]["messageId"]);
    assert_ne!(
        a["Records"][0]["messageId"],
        s.sample()["Records"][0]["messageId"]
    );
    let t = source("schedule")
        .unwrap()
        .generate(&[field("time", "2026-01-02T03:04:05Z")])
        .unwrap();
    assert_eq!(t["time"], "2026-01-02T03:04:05Z");
}

#[test]
fn sqs_body_keeps_its_md5() {
    let e = source("sqs")
        .unwrap()
        .generate(&[field("body", "Test message.")])
        .unwrap();
    // The documented sample's own pair.
    assert_eq!(
        e["Records"][1]["md5OfBody"],
        "e4e68fb7bd0e697a0ae8f1bb342846b3"
    );
    let e = source("sqs")
        .unwrap()
        .generate(&[field("body", "hi")])
        .unwrap();
    assert_eq!(e["Records"][0]["body"], "hi");
    assert_eq!(
        e["Records"][0]["md5OfBody"],
        "49f68a5c8493ec2c0bf489821c21fc3b"
    );
}

#[test]
fn http_fields_land_in_both_formats() {
    let q = [
        field("path", "/orders/42"),
        field("method", "put"),
        field("query", "a=1&a=2&b=x%20y"),
    ];
    let v2 = source("apigateway-http").unwrap().generate(&q).unwrap();
    assert_eq!(v2["rawPath"], "/orders/42");
    assert_eq!(v2["requestContext"]["http"]["method"], "PUT");
    assert_eq!(v2["rawQueryString"], "a=1&a=2&b=x%20y");
    assert_eq!(v2["queryStringParameters"], json!({"a": "1,2", "b": "x y"}));
    let v1 = source("apigateway-rest").unwrap().generate(&q).unwrap();
    assert_eq!(v1["path"], "/orders/42");
    if source("apigateway-v1").unwrap().sample()["pathParameters"]["proxy"].is_string() {
        assert_eq!(v1["pathParameters"]["proxy"], "orders/42");
    }
    assert_eq!(
        v1["multiValueQueryStringParameters"]["a"],
        json!(["1", "2"])
    );
    assert_eq!(v1["queryStringParameters"]["a"], "2");
    assert!(
        source("alb")
            .unwrap()
            .generate(&[field("path", "nope")])
            .is_err()
    );
}

#[test]
fn s3_key_is_url_encoded_and_size_is_a_number() {
    let e = source("s3")
        .unwrap()
        .generate(&[
            field("bucket", "my-bucket"),
            field("key", "a dir/b.txt"),
            field("size", "7"),
        ])
        .unwrap();
    let o = &e["Records"][0]["s3"];
    assert_eq!(o["bucket"]["arn"], "arn:aws:s3:::my-bucket");
    assert_eq!(o["object"]["key"], "a+dir%2Fb.txt");
    assert_eq!(o["object"]["size"], 7);
    assert!(
        source("s3-delete")
            .unwrap()
            .generate(&[field("size", "7")])
            .is_err()
    );
}

#[test]
fn dynamodb_plain_json_becomes_attribute_values() {
    let e = source("dynamodb")
        .unwrap()
        .generate(&[
            field("keys", r#"{"Id": 7}"#),
            field("new-image", r#"{"Id": {"N": "7"}, "ok": true}"#),
        ])
        .unwrap();
    assert_eq!(
        e["Records"][0]["dynamodb"]["Keys"],
        json!({"Id": {"N": "7"}})
    );
    assert!(
        e["Records"][2]["dynamodb"].get("NewImage").is_none(),
        "a REMOVE has none"
    );
    assert_eq!(
        e["Records"][1]["dynamodb"]["NewImage"],
        json!({"Id": {"N": "7"}, "ok": {"BOOL": true}})
    );
}

fn decode_logs(e: &Value) -> Value {
    let zipped = BASE64
        .decode(e["awslogs"]["data"].as_str().unwrap())
        .unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(zipped.as_slice())
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn logs_data_is_gzip_base64_of_the_messages() {
    let e = source("logs")
        .unwrap()
        .generate(&[
            field("log-group", "/aws/lambda/x"),
            field("message", "one"),
            field("message", "two"),
        ])
        .unwrap();
    let doc = decode_logs(&e);
    assert_eq!(doc["logGroup"], "/aws/lambda/x");
    assert_eq!(doc["messageType"], "DATA_MESSAGE");
    let msgs: Vec<_> = doc["logEvents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["message"].clone())
        .collect();
    assert_eq!(msgs, vec![json!("one"), json!("two")]);
}

#[test]
fn kinesis_data_is_base64_encoded() {
    let e = source("kinesis")
        .unwrap()
        .generate(&[field("data", "hello")])
        .unwrap();
    assert_eq!(e["Records"][1]["kinesis"]["data"], "aGVsbG8=");
}

#[test]
fn unknown_sources_and_fields_name_the_valid_ones() {
    let Err(e) = source("sqs-fifo") else {
        panic!("sqs-fifo found")
    };
    assert_eq!(e.code(), 2);
    assert!(e.hint().unwrap().contains("apigateway-v1"));
    let e = source("sqs")
        .unwrap()
        .generate(&[field("bucket", "x")])
        .unwrap_err();
    assert!(e.to_string().contains("bucket"), "{e}");
    assert!(e.hint().unwrap().contains("queue-arn"));
}

#[test]
fn event_names_follow_the_console() {
    for ok in ["MyEvent", "a.b-c_d", "x", "1234567890123456789012345"] {
        event_name(ok).unwrap();
    }
    for bad in [
        "",
        ".",
        "..",
        "a/b",
        "with space",
        "12345678901234567890123456",
        "é",
    ] {
        assert!(event_name(bad).is_err(), "{bad}");
    }
}

#[test]
fn shared_schema_keeps_other_events() {
    let mut s = SharedSchema::parse(
        r#"{"openapi":"3.0.0","components":{"examples":{"old":{"value":{"a":1}}}}}"#,
    )
    .unwrap();
    s.put("new", json!({"b": 2}));
    assert_eq!(s.names(), vec!["new".to_string(), "old".to_string()]);
    assert_eq!(s.get("old"), Some(&json!({"a": 1})));
    let back = SharedSchema::parse(&s.content()).unwrap();
    assert_eq!(back.get("new"), Some(&json!({"b": 2})));
    assert!(SharedSchema::parse("{}").is_err());
    assert_eq!(shared_schema_name("hello"), "_hello-schema");
}
