//! A function's result back into an HTTP response, as API Gateway maps
//! each payload format ("Lambda function response format", HTTP API
//! developer guide; "Output format of a Lambda function for proxy
//! integration", REST API developer guide), and the gateway's own answers.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use super::{Flavor, FrontDoor};
use crate::lambda::config::api::PayloadFormat;
use crate::local::url_event::HttpResponse;

/// The response for a function's successful result (`payload`); `None`
/// when the result is malformed for the format (the caller answers
/// [`failed`]). `accept` is the request's Accept header (a REST API turns
/// a base64 body back into bytes only for a binary media type).
pub fn map(door: &FrontDoor, payload: &[u8], accept: Option<&str>) -> Option<HttpResponse> {
    let value: Value = serde_json::from_slice(payload).ok()?;
    match door.format() {
        PayloadFormat::V2 => v2(value),
        PayloadFormat::V1 => v1(door, value, accept),
    }
}

/// 2.0: a result without `statusCode` is a 200 `application/json` whose
/// body is the result (a string's text, anything else its JSON); with
/// one, `statusCode`, `headers`, `cookies`, `body`, `isBase64Encoded`.
fn v2(value: Value) -> Option<HttpResponse> {
    let doc = match value {
        Value::Object(o) if o.contains_key("statusCode") => o,
        Value::String(s) => return Some(json_response(200, s.into_bytes())),
        other => return Some(json_response(200, other.to_string().into_bytes())),
    };
    let status = status(&doc)?;
    let mut headers = single_headers(&doc)?;
    if let Some(c) = doc.get("cookies") {
        for c in c.as_array()? {
            headers.push(("set-cookie".into(), c.as_str()?.to_string()));
        }
    }
    let body = body(&doc, true)?;
    Some(finish(status, headers, body))
}

/// 1.0: `statusCode` is required; `headers` (one value each),
/// `multiValueHeaders` (lists; they win over `headers` for the same
/// name), `body` (a string), `isBase64Encoded` (a boolean).
fn v1(door: &FrontDoor, value: Value, accept: Option<&str>) -> Option<HttpResponse> {
    let Value::Object(doc) = value else {
        return None;
    };
    let status = status(&doc)?;
    let mut headers = single_headers(&doc)?;
    match doc.get("multiValueHeaders") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, vs) in m {
                let k = k.to_ascii_lowercase();
                headers.retain(|(n, _)| *n != k);
                for v in vs.as_array()? {
                    headers.push((k.clone(), text(v)?));
                }
            }
        }
        Some(_) => return None,
    }
    // A REST API decodes a base64 body only for a binary media type (the
    // request's Accept, or the response's type); otherwise the client
    // gets the base64 text, as from the service.
    let decode = match door.flavor {
        Flavor::Http => true,
        Flavor::Rest => {
            let ct = headers
                .iter()
                .find(|(k, _)| k == "content-type")
                .map(|(_, v)| v.as_str());
            let first_accept = accept.and_then(|a| a.split(',').next());
            door.is_binary(first_accept) || door.is_binary(ct)
        }
    };
    let body = body(&doc, decode)?;
    Some(finish(status, headers, body))
}

fn status(doc: &Map<String, Value>) -> Option<u16> {
    let s = match doc.get("statusCode")? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }?;
    (100..=599).contains(&s).then_some(s as u16)
}

fn single_headers(doc: &Map<String, Value>) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    match doc.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) => {
            for (k, v) in h {
                if !v.is_null() {
                    out.push((k.to_ascii_lowercase(), text(v)?));
                }
            }
        }
        Some(_) => return None,
    }
    Some(out)
}

/// A header value: text, or a number or boolean written as text.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        _ => None,
    }
}

fn body(doc: &Map<String, Value>, decode: bool) -> Option<Vec<u8>> {
    let base64 = match doc.get("isBase64Encoded") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return None,
    };
    match doc.get("body") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(Value::String(s)) if base64 && decode => BASE64.decode(s).ok(),
        Some(Value::String(s)) => Some(s.clone().into_bytes()),
        Some(_) => None,
    }
}

fn finish(status: u16, mut headers: Vec<(String, String)>, body: Vec<u8>) -> HttpResponse {
    if !headers.iter().any(|(k, _)| k == "content-type") {
        headers.push(("content-type".into(), "application/json".into()));
    }
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn json_response(status: u16, body: Vec<u8>) -> HttpResponse {
    finish(status, Vec::new(), body)
}

/// The gateway's answer when the function failed or its result is
/// malformed: an HTTP API's 500, a REST API's 502.
pub fn failed(flavor: Flavor) -> HttpResponse {
    match flavor {
        Flavor::Http => message(500, r#"{"message":"Internal Server Error"}"#, None),
        Flavor::Rest => message(
            502,
            r#"{"message": "Internal server error"}"#,
            Some("InternalServerErrorException"),
        ),
    }
}

/// No route (or not under the stage): an HTTP API's 404; a REST API
/// answers 403 Missing Authentication Token.
pub fn not_found(flavor: Flavor) -> HttpResponse {
    match flavor {
        Flavor::Http => message(404, r#"{"message":"Not Found"}"#, None),
        Flavor::Rest => message(
            403,
            r#"{"message":"Missing Authentication Token"}"#,
            Some("MissingAuthenticationTokenException"),
        ),
    }
}

/// The gateway's own answer with a `{"message": …}` body.
pub fn message(status: u16, body: &str, error_type: Option<&str>) -> HttpResponse {
    let mut headers = vec![("content-type".into(), "application/json".into())];
    if let Some(t) = error_type {
        headers.push(("x-amzn-errortype".into(), t.into()));
    }
    HttpResponse {
        status,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda::config::api::Api;

    fn door(flavor: Flavor, format: Option<&str>, binary: &[&str]) -> FrontDoor {
        let mut toml = String::new();
        if let Some(f) = format {
            toml.push_str(&format!("payload_format = \"{f}\"\n"));
        }
        toml.push_str(&format!("binary_media_types = {binary:?}\n"));
        let api: Api = toml::from_str(&toml).unwrap();
        FrontDoor::new(flavor, Some(&api)).unwrap()
    }

    #[test]
    fn v2_infers_a_response_from_any_json() {
        let d = door(Flavor::Http, None, &[]);
        let r = map(&d, br#""Hello from Lambda!""#, None).unwrap();
        assert_eq!(
            (r.status, r.body.as_slice()),
            (200, &b"Hello from Lambda!"[..])
        );
        let r = map(&d, br#"{ "message": "Hello from Lambda!" }"#, None).unwrap();
        assert_eq!(r.body, br#"{"message":"Hello from Lambda!"}"#);
        assert_eq!(
            r.headers,
            vec![("content-type".into(), "application/json".into())]
        );
        let r = map(
            &d,
            br#"{"statusCode":201,"headers":{"X-A":"1"},"cookies":["a=1","b=2"],"body":"AP8=","isBase64Encoded":true}"#,
            None,
        )
        .unwrap();
        assert_eq!(r.status, 201);
        assert_eq!(r.body, b"\x00\xff");
        assert_eq!(
            r.headers.iter().filter(|(k, _)| k == "set-cookie").count(),
            2
        );
        assert!(map(&d, b"not json", None).is_none());
        assert!(map(&d, br#"{"statusCode":"abc"}"#, None).is_none());
    }

    #[test]
    fn v1_requires_its_document() {
        let d = door(Flavor::Rest, None, &["image/png"]);
        let r = map(
            &d,
            br#"{"statusCode":200,"headers":{"X-A":"1","X-B":"single"},"multiValueHeaders":{"X-B":["1","2"]},"body":"hi"}"#,
            None,
        )
        .unwrap();
        assert_eq!(r.body, b"hi");
        assert!(r.headers.contains(&("x-a".into(), "1".into())));
        let b: Vec<_> = r.headers.iter().filter(|(k, _)| k == "x-b").collect();
        assert_eq!(b.len(), 2);
        for bad in [
            &br#""text""#[..],
            br#"{"body":"no status"}"#,
            br#"{"statusCode":200,"body":{"an":"object"}}"#,
            br#"{"statusCode":200,"headers":{"a":["list"]}}"#,
            br#"{"statusCode":200,"multiValueHeaders":{"a":"text"}}"#,
            br#"{"statusCode":200,"isBase64Encoded":"yes"}"#,
            b"[]",
        ] {
            assert!(
                map(&d, bad, None).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        // Base64 back to bytes only for a binary media type.
        let png = br#"{"statusCode":200,"headers":{"Content-Type":"image/png"},"body":"AP8=","isBase64Encoded":true}"#;
        assert_eq!(map(&d, png, None).unwrap().body, b"\x00\xff");
        let other = br#"{"statusCode":200,"body":"AP8=","isBase64Encoded":true}"#;
        assert_eq!(map(&d, other, None).unwrap().body, b"AP8=");
        assert_eq!(map(&d, other, Some("image/png")).unwrap().body, b"\x00\xff");
        // An HTTP API's 1.0 always decodes.
        let h = door(Flavor::Http, Some("1.0"), &[]);
        assert_eq!(map(&h, other, None).unwrap().body, b"\x00\xff");
    }

    #[test]
    fn the_gateways_own_answers() {
        assert_eq!(failed(Flavor::Http).status, 500);
        assert_eq!(failed(Flavor::Rest).status, 502);
        assert_eq!(
            failed(Flavor::Rest).body,
            br#"{"message": "Internal server error"}"#
        );
        assert_eq!(not_found(Flavor::Http).body, br#"{"message":"Not Found"}"#);
        assert_eq!(not_found(Flavor::Rest).status, 403);
    }
}
