//! What `--field` sets in each sample, and the values made fresh per run.
//! Paths are JSON pointers where `*` stands for every element of an array
//! (every record of a batch).

use jiff::Timestamp;
use serde_json::{Map, Value, json};

use super::Field;

mod sources;
pub(super) use sources::*;

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
        Err(format!(
            "'{}' is not an HTTP method (e.g. GET, POST)",
            last(values)
        ))
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
        set(
            doc,
            "/multiValueQueryStringParameters",
            Value::Object(multi),
        );
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
        about: "the request path, e.g. /orders/42 (path; pathParameters.proxy and requestContext.path where the sample has them)",
        set: |d, v| {
            let p = http_path(v)?;
            set(d, "/path", json!(p));
            // A `/{proxy+}` resource's parameter, and the context's copy
            // of the path, where the sample has them.
            if d.pointer("/pathParameters/proxy").is_some() {
                set(d, "/pathParameters/proxy", json!(p.trim_start_matches('/')));
            }
            if d.pointer("/requestContext/path").is_some() {
                set(d, "/requestContext/path", json!(p));
            }
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
