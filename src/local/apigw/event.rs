//! The event API Gateway hands a Lambda proxy integration: payload format
//! 2.0 (HTTP API) and 1.0 (REST API proxy integration, or an HTTP API's
//! 1.0), with the fields and shapes of the developer guide's samples
//! (src/events/samples/apigateway-v1.json and -v2.json).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};

use super::route::Matched;
use super::{Flavor, FrontDoor};
use crate::lambda::config::api::PayloadFormat;
use crate::local::def::LOCAL_ACCOUNT;
use crate::local::url_event::{clf_time, is_text};

/// One request, as received.
pub struct Request<'a> {
    pub method: &'a str,
    /// The whole path as sent (percent-encoded, with the stage).
    pub raw_path: &'a str,
    /// The path under the stage, as sent.
    pub stage_path: &'a str,
    /// Without `?`.
    pub raw_query: &'a str,
    /// In arrival order, names as sent.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub source_ip: &'a str,
    /// The port the request arrived on (`x-forwarded-port`).
    pub port: u16,
    pub route: &'a Matched,
    pub ids: &'a Ids,
    pub time_epoch_ms: i64,
}

/// The ids API Gateway gives a request (its own, not the Lambda request
/// id the function runs with, as in the cloud).
pub struct Ids {
    /// The API's id (10 characters, as the service's).
    pub api_id: String,
    /// `requestContext.requestId`: a UUID for a REST API, 16 characters for an HTTP API.
    pub request_id: String,
    /// A REST API's `extendedRequestId`.
    pub extended: String,
    /// The `x-amzn-trace-id` header's value (the `Root=` of `full_trace`).
    pub trace: String,
    /// The invocation's whole trace header, as the runtime gets it.
    pub full_trace: String,
}

/// The event for `r` behind `door`.
pub fn event(door: &FrontDoor, r: &Request<'_>) -> Value {
    match door.format() {
        PayloadFormat::V2 => v2(door, r),
        PayloadFormat::V1 => v1(door, r),
    }
}

fn v2(door: &FrontDoor, r: &Request<'_>) -> Value {
    let mut headers = Map::new();
    let mut cookies: Vec<String> = Vec::new();
    for (name, value) in &with_forwarded(door, r) {
        let name = name.to_ascii_lowercase();
        if name == "cookie" {
            cookies.extend(
                value
                    .split(';')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string),
            );
            continue;
        }
        match headers.get_mut(&name) {
            Some(Value::String(s)) => {
                s.push(',');
                s.push_str(value);
            }
            _ => {
                headers.insert(name, json!(value));
            }
        }
    }
    let header = |n: &str| headers.get(n).and_then(Value::as_str).map(str::to_string);
    // An HTTP API hands the function the path decoded, stage and all.
    let path = decode(r.raw_path);
    let mut e = Map::new();
    e.insert("version".into(), json!("2.0"));
    e.insert("routeKey".into(), json!(r.route.key));
    e.insert("rawPath".into(), json!(path));
    e.insert("rawQueryString".into(), json!(r.raw_query));
    if !cookies.is_empty() {
        e.insert("cookies".into(), json!(cookies));
    }
    let (binary, body) = body(door, r, header("content-type").as_deref());
    e.insert("headers".into(), Value::Object(headers.clone()));
    if !r.raw_query.is_empty() {
        let mut q = Map::new();
        for (k, v) in form_urlencoded::parse(r.raw_query.as_bytes()) {
            match q.get_mut(k.as_ref()) {
                Some(Value::String(s)) => {
                    s.push(',');
                    s.push_str(&v);
                }
                _ => {
                    q.insert(k.into_owned(), json!(v));
                }
            }
        }
        e.insert("queryStringParameters".into(), Value::Object(q));
    }
    e.insert(
        "requestContext".into(),
        json!({
            "accountId": LOCAL_ACCOUNT,
            "apiId": r.ids.api_id,
            "domainName": header("host").unwrap_or_else(|| "localhost".into()),
            "domainPrefix": r.ids.api_id,
            "http": {
                "method": r.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": r.source_ip,
                "userAgent": header("user-agent").unwrap_or_default(),
            },
            "requestId": r.ids.request_id,
            "routeKey": r.route.key,
            "stage": door.stage,
            "time": clf_time(r.time_epoch_ms),
            "timeEpoch": r.time_epoch_ms,
        }),
    );
    if let Some(b) = body {
        e.insert("body".into(), json!(b));
    }
    if !r.route.params.is_empty() {
        e.insert("pathParameters".into(), params(door, r));
    }
    e.insert("isBase64Encoded".into(), json!(binary));
    if !door.stage_variables.is_empty() {
        e.insert("stageVariables".into(), json!(door.stage_variables));
    }
    Value::Object(e)
}

fn v1(door: &FrontDoor, r: &Request<'_>) -> Value {
    let rest = door.flavor == Flavor::Rest;
    // A REST API keeps the names as sent; an HTTP API lower-cases them.
    let mut headers = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for (name, value) in &with_forwarded(door, r) {
        let name = if rest {
            name.clone()
        } else {
            name.to_ascii_lowercase()
        };
        headers.insert(name.clone(), json!(value));
        push(&mut multi, name, value);
    }
    let header = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_string)
    };
    let (mut query, mut query_multi) = (Map::new(), Map::new());
    for (k, v) in form_urlencoded::parse(r.raw_query.as_bytes()) {
        query.insert(k.to_string(), json!(v));
        push(&mut query_multi, k.into_owned(), &v);
    }
    let or_null = |m: Map<String, Value>| {
        if m.is_empty() {
            Value::Null
        } else {
            Value::Object(m)
        }
    };
    // A REST API's `path` is under the stage and as sent; its context's
    // `path` has the stage. An HTTP API's are the whole path, decoded.
    let (path, context_path) = if rest {
        (r.stage_path.to_string(), r.raw_path.to_string())
    } else {
        (decode(r.raw_path), decode(r.raw_path))
    };
    let (binary, body) = body(door, r, header("content-type").as_deref());
    let mut e = Map::new();
    if !rest {
        e.insert("version".into(), json!("1.0"));
    }
    e.insert("resource".into(), json!(r.route.path));
    e.insert("path".into(), json!(path));
    e.insert("httpMethod".into(), json!(r.method));
    e.insert("headers".into(), or_null(headers.clone()));
    e.insert("multiValueHeaders".into(), or_null(multi));
    e.insert("queryStringParameters".into(), or_null(query));
    e.insert(
        "multiValueQueryStringParameters".into(),
        or_null(query_multi),
    );
    e.insert(
        "requestContext".into(),
        json!({
            "accountId": LOCAL_ACCOUNT,
            "apiId": r.ids.api_id,
            "authorizer": { "claims": null, "scopes": null },
            "domainName": header("host").unwrap_or_else(|| "localhost".into()),
            "domainPrefix": r.ids.api_id,
            "extendedRequestId": r.ids.extended,
            "httpMethod": r.method,
            "identity": {
                "accessKey": null,
                "accountId": null,
                "caller": null,
                "cognitoAuthenticationProvider": null,
                "cognitoAuthenticationType": null,
                "cognitoIdentityId": null,
                "cognitoIdentityPoolId": null,
                "principalOrgId": null,
                "sourceIp": r.source_ip,
                "user": null,
                "userAgent": header("user-agent").unwrap_or_default(),
                "userArn": null,
                "clientCert": null,
            },
            "path": context_path,
            "protocol": "HTTP/1.1",
            "requestId": r.ids.request_id,
            "requestTime": clf_time(r.time_epoch_ms),
            "requestTimeEpoch": r.time_epoch_ms,
            "resourceId": if rest { json!(resource_id(&r.route.key)) } else { Value::Null },
            "resourcePath": r.route.path,
            "stage": door.stage,
        }),
    );
    e.insert(
        "pathParameters".into(),
        if r.route.params.is_empty() {
            Value::Null
        } else {
            params(door, r)
        },
    );
    e.insert(
        "stageVariables".into(),
        if door.stage_variables.is_empty() {
            Value::Null
        } else {
            json!(door.stage_variables)
        },
    );
    e.insert("body".into(), body.map_or(Value::Null, Value::String));
    e.insert("isBase64Encoded".into(), json!(binary));
    Value::Object(e)
}

/// The request's headers plus those API Gateway adds in front of the
/// function (`X-Forwarded-For` gets the caller's address appended).
fn with_forwarded(door: &FrontDoor, r: &Request<'_>) -> Vec<(String, String)> {
    let mut h: Vec<(String, String)> = r.headers.to_vec();
    let mut set = |name: &str, value: String, append: bool| match h
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
    {
        Some((_, v)) if append => *v = format!("{v}, {value}"),
        Some((_, v)) => *v = value,
        None => h.push((name.to_string(), value)),
    };
    let canonical = door.flavor == Flavor::Rest;
    let name = |n: &'static str| {
        if canonical {
            n.to_string()
        } else {
            n.to_ascii_lowercase()
        }
    };
    set(&name("X-Amzn-Trace-Id"), r.ids.trace.clone(), false);
    set(&name("X-Forwarded-For"), r.source_ip.to_string(), true);
    set(&name("X-Forwarded-Port"), r.port.to_string(), false);
    set(&name("X-Forwarded-Proto"), "http".to_string(), false);
    h
}

fn push(map: &mut Map<String, Value>, key: String, value: &str) {
    match map.get_mut(&key) {
        Some(Value::Array(a)) => a.push(json!(value)),
        _ => {
            map.insert(key, json!([value]));
        }
    }
}

/// Path parameters: an HTTP API decodes them; a REST API passes them as sent.
fn params(door: &FrontDoor, r: &Request<'_>) -> Value {
    let mut m = Map::new();
    for (k, v) in &r.route.params {
        let v = match door.flavor {
            Flavor::Http => decode(v),
            Flavor::Rest => v.clone(),
        };
        m.insert(k.clone(), json!(v));
    }
    Value::Object(m)
}

/// The body and whether it is base64: a binary media type's body always
/// is; an HTTP API also encodes what is not text (as a function URL does).
fn body(door: &FrontDoor, r: &Request<'_>, content_type: Option<&str>) -> (bool, Option<String>) {
    if r.body.is_empty() {
        return (false, None);
    }
    let binary = door.is_binary(content_type)
        || (door.flavor == Flavor::Http
            && !(is_text(content_type) && std::str::from_utf8(r.body).is_ok()));
    let text = if binary {
        BASE64.encode(r.body)
    } else {
        String::from_utf8_lossy(r.body).into_owned()
    };
    (binary, Some(text))
}

/// A REST API resource's id: 6 characters, stable per route.
fn resource_id(route_key: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(route_key.as_bytes())[..3])
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}
