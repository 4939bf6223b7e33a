//! What `--field` sets in each sample, and the values made fresh per run.
//! Paths are JSON pointers where `*` stands for every element of an array
//! (every record of a batch).

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::Field;

/// Values that differ per run.
pub(super) struct Fresh {
    now: Timestamp,
}

impl Fresh {
    pub(super) fn now() -> Self {
        Fresh {
            now: Timestamp::now(),
        }
    }
    fn uuid() -> String {
        uuid::Uuid::new_v4().to_string()
    }
    fn ms(&self) -> i64 {
        self.now.as_millisecond()
    }
    /// `2019-01-02T12:45:07.000Z` (SNS, S3).
    fn iso_ms(&self) -> String {
        self.now.strftime("%Y-%m-%dT%H:%M:%S.%3fZ").to_string()
    }
    /// `12/Mar/2020:19:03:58 +0000` (API Gateway, function URLs).
    fn clf(&self) -> String {
        self.now.strftime("%d/%b/%Y:%H:%M:%S +0000").to_string()
    }
}

/// Set `value` at every place `path` reaches. The last key is created in
/// an object that exists; nothing else is.
fn set(doc: &mut Value, path: &str, value: Value) {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    set_at(doc, &parts, &value);
}

fn set_at(doc: &mut Value, parts: &[&str], value: &Value) {
    match parts {
        [] => {}
        ["*", rest @ ..] => {
            if let Value::Array(items) = doc {
                for item in items {
                    set_at(item, rest, value);
                }
            }
        }
        [last] => {
            if let Value::Object(map) = doc {
                map.insert((*last).to_string(), value.clone());
            }
        }
        [key, rest @ ..] => {
            if let Some(next) = doc.get_mut(*key) {
                set_at(next, rest, value);
            }
        }
    }
}

/// Like `set`, a value computed per place (a fresh id per record).
fn set_each(doc: &mut Value, array: &str, key_path: &str, make: impl Fn(usize) -> Value) {
    let parts: Vec<&str> = key_path.split('/').collect();
    if let Some(Value::Array(items)) = doc.pointer_mut(array) {
        for (i, item) in items.iter_mut().enumerate() {
            set_at(item, &parts, &make(i));
        }
    }
}

fn last(values: &[String]) -> &str {
    values.last().map(String::as_str).unwrap_or_default()
}

fn text(paths: &'static [&'static str]) -> impl Fn(&mut Value, &[String]) {
    move |doc, values| {
        for p in paths {
            set(doc, p, json!(last(values)));
        }
    }
}

// ---- HTTP-shaped events --------------------------------------------------

fn http_path(values: &[String]) -> Result<String, String> {
    let p = last(values);
    if p.starts_with('/') {
        Ok(p.to_string())
    } else {
        Err(format!("'{p}' is not a path: start it with /"))
    }
}

fn http_method(values: &[String]) -> Result<String, String> {
    let m = last(values).to_ascii_uppercase();
    if !m.is_empty() && m.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(m)
    } else {
        Err(format!("'{}' is not an HTTP method (e.g. GET, POST)", last(values)))
    }
}

/// A query string's pairs, decoded, in order.
fn query_pairs(values: &[String]) -> (String, Vec<(String, String)>) {
    let raw = last(values).trim_start_matches('?').to_string();
    let pairs = form_urlencoded::parse(raw.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (raw, pairs)
}

/// Payload 1.0 (REST, ALB): single values (the last of a repeated name)
/// and, where the sample has them, multi-value lists.
fn query_v1(doc: &mut Value, values: &[String]) {
    let (_, pairs) = query_pairs(values);
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for (k, v) in pairs {
        single.insert(k.clone(), json!(v));
        match multi.get_mut(&k) {
            Some(Value::Array(list)) => list.push(json!(v)),
            _ => {
                multi.insert(k, json!([v]));
            }
        }
    }
    set(doc, "/queryStringParameters", Value::Object(single));
    if doc.get("multiValueQueryStringParameters").is_some() {
        set(doc, "/multiValueQueryStringParameters", Value::Object(multi));
    }
}

/// Payload 2.0: the raw string, and repeated names joined by commas.
fn query_v2(doc: &mut Value, values: &[String]) {
    let (raw, pairs) = query_pairs(values);
    let mut joined: Map<String, Value> = Map::new();
    for (k, v) in pairs {
        let next = match joined.get(&k).and_then(Value::as_str) {
            Some(prev) => format!("{prev},{v}"),
            None => v,
        };
        joined.insert(k, json!(next));
    }
    set(doc, "/rawQueryString", json!(raw));
    set(doc, "/queryStringParameters", Value::Object(joined));
}

pub(super) static APIGW_V1: &[Field] = &[
    Field {
        name: "path",
        about: "the request path, e.g. /orders/42 (path, and pathParameters.proxy of the sample's /{proxy+})",
        set: |d, v| {
            let p = http_path(v)?;
            set(d, "/path", json!(p));
            set(d, "/pathParameters/proxy", json!(p.trim_start_matches('/')));
            Ok(())
        },
    },
    Field {
        name: "method",
        about: "the HTTP method (httpMethod, requestContext.httpMethod)",
        set: |d, v| {
            let m = http_method(v)?;
            set(d, "/httpMethod", json!(m));
            set(d, "/requestContext/httpMethod", json!(m));
            Ok(())
        },
    },
    Field {
        name: "body",
        about: "the request body, as text",
        set: |d, v| {
            text(&["/body"])(d, v);
            Ok(())
        },
    },
    Field {
        name: "query",
        about: "the query string, e.g. a=1&b=2 (queryStringParameters, multiValueQueryStringParameters)",
        set: |d, v| {
            query_v1(d, v);
            Ok(())
        },
    },
];

pub(super) static HTTP_V2: &[Field] = &[
    Field {
        name: "path",
        about: "the request path, e.g. /orders/42 (rawPath, requestContext.http.path)",
        set: |d, v| {
            let p = http_path(v)?;
            set(d, "/rawPath", json!(p));
            set(d, "/requestContext/http/path", json!(p));
            Ok(())
        },
    },
    Field {
        name: "method",
        about: "the HTTP method (requestContext.http.method)",
        set: |d, v| {
            let m = http_method(v)?;
            set(d, "/requestContext/http/method", json!(m));
            Ok(())
        },
    },
    Field {
        name: "body",
        about: "the request body, as text",
        set: |d, v| {
            text(&["/body"])(d, v);
            Ok(())
        },
    },
    Field {
        name: "query",
        about: "the query string, e.g. a=1&b=2 (rawQueryString, queryStringParameters)",
        set: |d, v| {
            query_v2(d, v);
            Ok(())
        },
    },
];

pub(super) static ALB: &[Field] = &[
    Field {
        name: "path",
        about: "the request path, e.g. /orders/42",
        set: |d, v| {
            set(d, "/path", json!(http_path(v)?));
            Ok(())
        },
    },
    Field {
        name: "method",
        about: "the HTTP method (httpMethod)",
        set: |d, v| {
            set(d, "/httpMethod", json!(http_method(v)?));
            Ok(())
        },
    },
    Field {
        name: "body",
        about: "the request body, as text",
        set: |d, v| {
            text(&["/body"])(d, v);
            Ok(())
        },
    },
    Field {
        name: "query",
        about: "the query string, e.g. a=1&b=2 (queryStringParameters)",
        set: |d, v| {
            query_v1(d, v);
            Ok(())
        },
    },
];

pub(super) fn fresh_apigw_v1(d: &mut Value, _: &Fresh) {
    set(d, "/requestContext/requestId", json!(Fresh::uuid()));
}

pub(super) fn fresh_http_v2(d: &mut Value, f: &Fresh) {
    set(d, "/requestContext/requestId", json!(Fresh::uuid()));
    set(d, "/requestContext/time", json!(f.clf()));
    set(d, "/requestContext/timeEpoch", json!(f.ms()));
}

pub(super) fn fresh_alb(d: &mut Value, f: &Fresh) {
    let trace = format!(
        "Root=1-{:08x}-{}",
        f.now.as_second(),
        &uuid::Uuid::new_v4().simple().to_string()[..24]
    );
    set(d, "/headers/x-amzn-trace-id", json!(trace));
}

// ---- Queues, topics, buckets, schedules ------------------------------------

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`: the region, when the
/// ARN is of `service`.
fn arn_region(arn: &str, service: &str) -> Result<String, String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", p, s, region, account, resource]
            if !p.is_empty()
                && *s == service
                && !region.is_empty()
                && account.len() == 12
                && account.chars().all(|c| c.is_ascii_digit())
                && !resource.is_empty() =>
        {
            Ok((*region).to_string())
        }
        _ => Err(format!(
            "'{arn}' is not an {service} ARN (arn:aws:{service}:REGION:ACCOUNT:NAME)"
        )),
    }
}

pub(super) static SQS: &[Field] = &[
    Field {
        name: "body",
        about: "the message body, as text (md5OfBody follows it)",
        set: |d, v| {
            use md5::Digest;
            let body = last(v);
            set(d, "/Records/*/body", json!(body));
            let md5 = hex::encode(md5::Md5::digest(body.as_bytes()));
            set(d, "/Records/*/md5OfBody", json!(md5));
            Ok(())
        },
    },
    Field {
        name: "queue-arn",
        about: "the queue's ARN (eventSourceARN, awsRegion)",
        set: |d, v| {
            let region = arn_region(last(v), "sqs")?;
            set(d, "/Records/*/eventSourceARN", json!(last(v)));
            set(d, "/Records/*/awsRegion", json!(region));
            Ok(())
        },
    },
];

pub(super) fn fresh_sqs(d: &mut Value, f: &Fresh) {
    set_each(d, "/Records", "messageId", |_| json!(Fresh::uuid()));
    let ms = f.ms();
    set(d, "/Records/*/attributes/SentTimestamp", json!(ms.to_string()));
    set(
        d,
        "/Records/*/attributes/ApproximateFirstReceiveTimestamp",
        json!((ms + 2).to_string()),
    );
}

pub(super) static SNS: &[Field] = &[
    Field {
        name: "message",
        about: "the message, as text (Sns.Message)",
        set: |d, v| {
            text(&["/Records/*/Sns/Message"])(d, v);
            Ok(())
        },
    },
    Field {
        name: "subject",
        about: "the subject (Sns.Subject)",
        set: |d, v| {
            text(&["/Records/*/Sns/Subject"])(d, v);
            Ok(())
        },
    },
    Field {
        name: "topic-arn",
        about: "the topic's ARN (Sns.TopicArn)",
        set: |d, v| {
            arn_region(last(v), "sns")?;
            text(&["/Records/*/Sns/TopicArn"])(d, v);
            Ok(())
        },
    },
];

pub(super) fn fresh_sns(d: &mut Value, f: &Fresh) {
    set_each(d, "/Records", "Sns/MessageId", |_| json!(Fresh::uuid()));
    set(d, "/Records/*/Sns/Timestamp", json!(f.iso_ms()));
}

fn s3_bucket(d: &mut Value, v: &[String]) -> Result<(), String> {
    let b = last(v);
    crate::lambda::names::s3_bucket(b)?;
    set(d, "/Records/*/s3/bucket/name", json!(b));
    set(d, "/Records/*/s3/bucket/arn", json!(format!("arn:aws:s3:::{b}")));
    Ok(())
}

/// S3 notifications carry the key URL-encoded (a space as `+`).
fn s3_key(d: &mut Value, v: &[String]) -> Result<(), String> {
    let k = last(v);
    crate::lambda::names::s3_key(k)?;
    let encoded: String = form_urlencoded::byte_serialize(k.as_bytes()).collect();
    set(d, "/Records/*/s3/object/key", json!(encoded));
    Ok(())
}

pub(super) static S3_PUT: &[Field] = &[
    Field {
        name: "bucket",
        about: "the bucket's name (s3.bucket.name and .arn)",
        set: s3_bucket,
    },
    Field {
        name: "key",
        about: "the object key, as stored (the event carries it URL-encoded)",
        set: s3_key,
    },
    Field {
        name: "size",
        about: "the object's size in bytes",
        set: |d, v| {
            let n: u64 = last(v)
                .parse()
                .map_err(|_| format!("'{}' is not a size in bytes", last(v)))?;
            set(d, "/Records/*/s3/object/size", json!(n));
            Ok(())
        },
    },
];

pub(super) static S3_DELETE: &[Field] = &[
    Field {
        name: "bucket",
        about: "the bucket's name (s3.bucket.name and .arn)",
        set: s3_bucket,
    },
    Field {
        name: "key",
        about: "the object key, as stored (the event carries it URL-encoded)",
        set: s3_key,
    },
];

pub(super) fn fresh_s3(d: &mut Value, f: &Fresh) {
    set(d, "/Records/*/eventTime", json!(f.iso_ms()));
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    set(
        d,
        "/Records/*/responseElements/x-amz-request-id",
        json!(&id[..16]),
    );
}

pub(super) static SCHEDULE: &[Field] = &[
    Field {
        name: "time",
        about: "when the rule fired, RFC 3339 (e.g. 2026-01-02T03:04:05Z)",
        set: |d, v| {
            let t: Timestamp = last(v)
                .parse()
                .map_err(|_| format!("'{}' is not an RFC 3339 time (e.g. 2026-01-02T03:04:05Z)", last(v)))?;
            set(d, "/time", json!(t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()));
            Ok(())
        },
    },
    Field {
        name: "rule-arn",
        about: "the rule's ARN (resources, region, account)",
        set: |d, v| {
            let arn = last(v);
            let region = arn_region(arn, "events")?;
            set(d, "/resources", json!([arn]));
            set(d, "/region", json!(region));
            set(d, "/account", json!(arn.split(':').nth(4).unwrap_or_default()));
            Ok(())
        },
    },
];

pub(super) fn fresh_schedule(d: &mut Value, f: &Fresh) {
    set(d, "/id", json!(Fresh::uuid()));
    set(d, "/time", json!(f.now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()));
}

// ---- Streams -----------------------------------------------------------------

/// DynamoDB's attribute values: a JSON object already in that form
/// (`{"Id": {"N": "101"}}`) is kept; plain JSON (`{"Id": 101}`) is
/// converted.
fn attribute_map(text: &str) -> Result<Value, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("not a JSON object: {e}"))?;
    let Value::Object(map) = v else {
        return Err("not a JSON object (e.g. {\"Id\": {\"N\": \"101\"}} or {\"Id\": 101})".into());
    };
    Ok(Value::Object(
        map.into_iter()
            .map(|(k, v)| {
                let av = if is_attribute_value(&v) { v } else { to_attribute_value(&v) };
                (k, av)
            })
            .collect(),
    ))
}

fn is_attribute_value(v: &Value) -> bool {
    const TYPES: &[&str] = &["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];
    matches!(v, Value::Object(m) if m.len() == 1 && m.keys().all(|k| TYPES.contains(&k.as_str())))
}

fn to_attribute_value(v: &Value) -> Value {
    match v {
        Value::Null => json!({"NULL": true}),
        Value::Bool(b) => json!({ "BOOL": b }),
        Value::Number(n) => json!({"N": n.to_string()}),
        Value::String(s) => json!({ "S": s }),
        Value::Array(items) => json!({"L": items.iter().map(to_attribute_value).collect::<Vec<_>>()}),
        Value::Object(m) => json!({"M": m.iter().map(|(k, v)| (k.clone(), to_attribute_value(v))).collect::<Map<_, _>>()}),
    }
}

pub(super) static DYNAMODB: &[Field] = &[
    Field {
        name: "keys",
        about: "the item's key as JSON, plain ({\"Id\": 101}) or typed ({\"Id\": {\"N\": \"101\"}}) (dynamodb.Keys)",
        set: |d, v| {
            set(d, "/Records/*/dynamodb/Keys", attribute_map(last(v))?);
            Ok(())
        },
    },
    Field {
        name: "new-image",
        about: "the item after the change as JSON, plain or typed (dynamodb.NewImage)",
        set: |d, v| {
            set(d, "/Records/*/dynamodb/NewImage", attribute_map(last(v))?);
            Ok(())
        },
    },
];

pub(super) fn fresh_dynamodb(d: &mut Value, _: &Fresh) {
    set_each(d, "/Records", "eventID", |_| {
        json!(uuid::Uuid::new_v4().simple().to_string())
    });
}

pub(super) static KINESIS: &[Field] = &[
    Field {
        name: "data",
        about: "the record's data as text; it is base64-encoded for you (kinesis.data)",
        set: |d, v| {
            set(d, "/Records/*/kinesis/data", json!(BASE64.encode(last(v))));
            Ok(())
        },
    },
    Field {
        name: "partition-key",
        about: "the record's partition key (kinesis.partitionKey)",
        set: |d, v| {
            text(&["/Records/*/kinesis/partitionKey"])(d, v);
            Ok(())
        },
    },
    Field {
        name: "stream-arn",
        about: "the stream's ARN (eventSourceARN, awsRegion)",
        set: |d, v| {
            let region = arn_region(last(v), "kinesis")?;
            set(d, "/Records/*/eventSourceARN", json!(last(v)));
            set(d, "/Records/*/awsRegion", json!(region));
            Ok(())
        },
    },
];

pub(super) fn fresh_kinesis(d: &mut Value, f: &Fresh) {
    let secs = f.ms() as f64 / 1000.0;
    set_each(d, "/Records", "kinesis/approximateArrivalTimestamp", |i| {
        json!(secs + i as f64 / 1000.0)
    });
}

// ---- CloudWatch Logs -------------------------------------------------------------

pub(super) fn logs_unwrap(event: Value) -> Result<Value, String> {
    let data = event
        .pointer("/awslogs/data")
        .and_then(Value::as_str)
        .ok_or("no awslogs.data")?;
    let zipped = BASE64.decode(data).map_err(|e| e.to_string())?;
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(zipped.as_slice())
        .read_to_end(&mut text)
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&text).map_err(|e| e.to_string())
}

pub(super) fn logs_wrap(doc: Value) -> Result<Value, String> {
    let text = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).map_err(|e| e.to_string())?;
    let zipped = gz.finish().map_err(|e| e.to_string())?;
    Ok(json!({"awslogs": {"data": BASE64.encode(zipped)}}))
}

pub(super) static LOGS: &[Field] = &[
    Field {
        name: "log-group",
        about: "the log group's name (logGroup)",
        set: |d, v| {
            crate::lambda::names::log_group(last(v))?;
            text(&["/logGroup"])(d, v);
            Ok(())
        },
    },
    Field {
        name: "log-stream",
        about: "the log stream's name (logStream)",
        set: |d, v| {
            text(&["/logStream"])(d, v);
            Ok(())
        },
    },
    Field {
        name: "message",
        about: "a log event's message; give it once per event (logEvents)",
        set: |d, v| {
            let ms = d
                .pointer("/logEvents/0/timestamp")
                .and_then(Value::as_i64)
                .unwrap_or_default();
            let events: Vec<Value> = v
                .iter()
                .enumerate()
                .map(|(i, m)| json!({"id": event_id(ms + i as i64, i), "timestamp": ms + i as i64, "message": m}))
                .collect();
            set(d, "/logEvents", Value::Array(events));
            Ok(())
        },
    },
];

/// CloudWatch Logs event ids are 56-digit decimal strings.
fn event_id(ms: i64, i: usize) -> String {
    let tail = uuid::Uuid::new_v4().as_u128() % 10u128.pow(30);
    format!("{ms:0>13}{i:0>13}{tail:0>30}")
}

pub(super) fn fresh_logs(d: &mut Value, f: &Fresh) {
    let ms = f.ms();
    set_each(d, "/logEvents", "timestamp", |i| json!(ms + i as i64));
    set_each(d, "/logEvents", "id", |i| json!(event_id(ms + i as i64, i)));
}
