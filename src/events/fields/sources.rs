//! The event sources that are not HTTP requests: queues, topics, buckets,
//! schedules, streams and log subscriptions.

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::super::Field;
use super::{Fresh, last, set, set_each, text};

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

pub(in crate::events) static SQS: &[Field] = &[
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

pub(in crate::events) fn fresh_sqs(d: &mut Value, f: &Fresh) {
    set_each(d, "/Records", "messageId", |_| json!(Fresh::uuid()));
    let ms = f.ms();
    set(
        d,
        "/Records/*/attributes/SentTimestamp",
        json!(ms.to_string()),
    );
    set(
        d,
        "/Records/*/attributes/ApproximateFirstReceiveTimestamp",
        json!((ms + 2).to_string()),
    );
}

pub(in crate::events) static SNS: &[Field] = &[
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

pub(in crate::events) fn fresh_sns(d: &mut Value, f: &Fresh) {
    set_each(d, "/Records", "Sns/MessageId", |_| json!(Fresh::uuid()));
    set(d, "/Records/*/Sns/Timestamp", json!(f.iso_ms()));
}

fn s3_bucket(d: &mut Value, v: &[String]) -> Result<(), String> {
    let b = last(v);
    crate::lambda::names::s3_bucket(b)?;
    set(d, "/Records/*/s3/bucket/name", json!(b));
    set(
        d,
        "/Records/*/s3/bucket/arn",
        json!(format!("arn:aws:s3:::{b}")),
    );
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

pub(in crate::events) static S3_PUT: &[Field] = &[
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

pub(in crate::events) static S3_DELETE: &[Field] = &[
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

pub(in crate::events) fn fresh_s3(d: &mut Value, f: &Fresh) {
    set(d, "/Records/*/eventTime", json!(f.iso_ms()));
    let id = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    set(
        d,
        "/Records/*/responseElements/x-amz-request-id",
        json!(&id[..16]),
    );
}

pub(in crate::events) static SCHEDULE: &[Field] = &[
    Field {
        name: "time",
        about: "when the rule fired, RFC 3339 (e.g. 2026-01-02T03:04:05Z)",
        set: |d, v| {
            let t: Timestamp = last(v).parse().map_err(|_| {
                format!(
                    "'{}' is not an RFC 3339 time (e.g. 2026-01-02T03:04:05Z)",
                    last(v)
                )
            })?;
            set(
                d,
                "/time",
                json!(t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
            );
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
            set(
                d,
                "/account",
                json!(arn.split(':').nth(4).unwrap_or_default()),
            );
            Ok(())
        },
    },
];

pub(in crate::events) fn fresh_schedule(d: &mut Value, f: &Fresh) {
    set(d, "/id", json!(Fresh::uuid()));
    set(
        d,
        "/time",
        json!(f.now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
    );
}

// ---- Streams -----------------------------------------------------------------

/// DynamoDB's attribute values: a JSON object already in that form
/// (`{"Id": {"N": "101"}}`) is kept; plain JSON (`{"Id": 101}`) is
/// converted.
fn attribute_map(text: &str) -> Result<Value, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not a JSON object: {e}"))?;
    let Value::Object(map) = v else {
        return Err("not a JSON object (e.g. {\"Id\": {\"N\": \"101\"}} or {\"Id\": 101})".into());
    };
    Ok(Value::Object(
        map.into_iter()
            .map(|(k, v)| {
                let av = if is_attribute_value(&v) {
                    v
                } else {
                    to_attribute_value(&v)
                };
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
        Value::Array(items) => {
            json!({"L": items.iter().map(to_attribute_value).collect::<Vec<_>>()})
        }
        Value::Object(m) => {
            json!({"M": m.iter().map(|(k, v)| (k.clone(), to_attribute_value(v))).collect::<Map<_, _>>()})
        }
    }
}

pub(in crate::events) static DYNAMODB: &[Field] = &[
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
        about: "the item after the change as JSON, plain or typed (dynamodb.NewImage of the records that have one)",
        set: |d, v| {
            let image = attribute_map(last(v))?;
            // Only the records that carry one (not a REMOVE).
            if let Some(Value::Array(records)) = d.get_mut("Records") {
                for r in records {
                    if let Some(slot) = r.pointer_mut("/dynamodb/NewImage") {
                        *slot = image.clone();
                    }
                }
            }
            Ok(())
        },
    },
];

pub(in crate::events) fn fresh_dynamodb(d: &mut Value, f: &Fresh) {
    set_each(d, "/Records", "eventID", |_| {
        json!(uuid::Uuid::new_v4().simple().to_string())
    });
    set(
        d,
        "/Records/*/dynamodb/ApproximateCreationDateTime",
        json!(f.now.as_second()),
    );
}

pub(in crate::events) static KINESIS: &[Field] = &[
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

pub(in crate::events) fn fresh_kinesis(d: &mut Value, f: &Fresh) {
    let secs = f.ms() as f64 / 1000.0;
    set_each(d, "/Records", "kinesis/approximateArrivalTimestamp", |i| {
        json!(secs + i as f64 / 1000.0)
    });
}

// ---- CloudWatch Logs -------------------------------------------------------------

pub(in crate::events) fn logs_unwrap(event: Value) -> Result<Value, String> {
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

pub(in crate::events) fn logs_wrap(doc: Value) -> Result<Value, String> {
    let text = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).map_err(|e| e.to_string())?;
    let zipped = gz.finish().map_err(|e| e.to_string())?;
    Ok(json!({"awslogs": {"data": BASE64.encode(zipped)}}))
}

pub(in crate::events) static LOGS: &[Field] = &[
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

pub(in crate::events) fn fresh_logs(d: &mut Value, f: &Fresh) {
    let ms = f.ms();
    set_each(d, "/logEvents", "timestamp", |i| json!(ms + i as i64));
    set_each(d, "/logEvents", "id", |i| json!(event_id(ms + i as i64, i)));
}
