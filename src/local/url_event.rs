//! The function URL's two translations: an HTTP request into the event a
//! function URL hands the function (payload format 2.0), and the
//! function's result back into an HTTP response, as the service does both;
//! and the URL's CORS answers.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value, json};

use crate::lambda::url::Cors;

/// What the event is built from.
pub struct HttpRequest<'a> {
    pub method: &'a str,
    /// The path as sent (still percent-encoded).
    pub raw_path: &'a str,
    /// The query string as sent, without `?`.
    pub raw_query: &'a str,
    /// Headers in arrival order, names as sent.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub source_ip: &'a str,
    /// `accountId`: `anonymous` for an `auth = none` URL, as in the service.
    pub account_id: &'a str,
    /// The URL's id (the host name's first label in the cloud).
    pub url_id: &'a str,
    pub request_id: &'a str,
    /// Milliseconds since the epoch.
    pub time_epoch_ms: i64,
}

/// The payload format 2.0 event.
pub fn event(r: &HttpRequest<'_>) -> Value {
    let mut headers: Map<String, Value> = Map::new();
    let mut cookies: Vec<String> = Vec::new();
    for (name, value) in r.headers {
        let name = name.to_ascii_lowercase();
        if name == "cookie" {
            // The service moves cookies out of the headers into `cookies`.
            cookies.extend(
                value
                    .split(';')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string),
            );
            continue;
        }
        join(&mut headers, name, value);
    }
    let header = |n: &str| headers.get(n).and_then(Value::as_str).map(str::to_string);
    let user_agent = header("user-agent").unwrap_or_default();
    let domain = header("host").unwrap_or_else(|| "localhost".into());
    let content_type = header("content-type");

    let mut e = Map::new();
    e.insert("version".into(), json!("2.0"));
    e.insert("routeKey".into(), json!("$default"));
    e.insert("rawPath".into(), json!(r.raw_path));
    e.insert("rawQueryString".into(), json!(r.raw_query));
    if !cookies.is_empty() {
        e.insert("cookies".into(), json!(cookies));
    }
    e.insert("headers".into(), Value::Object(headers));
    if !r.raw_query.is_empty() {
        let mut q = Map::new();
        for (k, v) in form_urlencoded::parse(r.raw_query.as_bytes()) {
            join(&mut q, k.into_owned(), &v);
        }
        e.insert("queryStringParameters".into(), Value::Object(q));
    }
    let path = percent_encoding::percent_decode_str(r.raw_path)
        .decode_utf8_lossy()
        .into_owned();
    e.insert(
        "requestContext".into(),
        json!({
            "accountId": r.account_id,
            "apiId": r.url_id,
            "domainName": domain,
            "domainPrefix": r.url_id,
            "http": {
                "method": r.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": r.source_ip,
                "userAgent": user_agent,
            },
            "requestId": r.request_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": clf_time(r.time_epoch_ms),
            "timeEpoch": r.time_epoch_ms,
        }),
    );
    let text = !r.body.is_empty()
        && is_text(content_type.as_deref())
        && std::str::from_utf8(r.body).is_ok();
    if !r.body.is_empty() {
        let body = if text {
            String::from_utf8_lossy(r.body).into_owned()
        } else {
            BASE64.encode(r.body)
        };
        e.insert("body".into(), json!(body));
    }
    e.insert("isBase64Encoded".into(), json!(!r.body.is_empty() && !text));
    Value::Object(e)
}

/// The headers the service's front end adds to every function URL
/// request: `x-forwarded-for` (the client's address, appended to one the
/// client sent), `x-forwarded-proto` and `x-forwarded-port` (here plain
/// HTTP on the local port), and `x-amzn-trace-id` (the `Root=` of the
/// invocation's trace header, the one the runtime gets).
pub fn forwarded_headers(
    headers: &mut Vec<(String, String)>,
    client_ip: &str,
    port: u16,
    trace: &str,
) {
    let ours = [
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-port",
        "x-amzn-trace-id",
    ];
    let sent_for: Vec<String> = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("x-forwarded-for"))
        .map(|(_, v)| v.clone())
        .collect();
    headers.retain(|(k, _)| !ours.iter().any(|o| k.eq_ignore_ascii_case(o)));
    let mut chain = sent_for;
    chain.push(client_ip.to_string());
    let root = trace.split(';').next().unwrap_or(trace);
    headers.push(("x-forwarded-for".into(), chain.join(", ")));
    headers.push(("x-forwarded-proto".into(), "http".into()));
    headers.push(("x-forwarded-port".into(), port.to_string()));
    headers.push(("x-amzn-trace-id".into(), root.to_string()));
}

/// Repeated keys are joined with commas, as the service joins them.
fn join(map: &mut Map<String, Value>, key: String, value: &str) {
    match map.get_mut(&key) {
        Some(Value::String(s)) => {
            s.push(',');
            s.push_str(value);
        }
        _ => {
            map.insert(key, json!(value));
        }
    }
}

/// Bodies of these types reach the function as text; anything else (or
/// no type with a body that is not UTF-8) is base64.
pub(crate) fn is_text(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else {
        return true;
    };
    let ct = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    ct.starts_with("text/")
        || ct.ends_with("/json")
        || ct.ends_with("+json")
        || ct.ends_with("/xml")
        || ct.ends_with("+xml")
        || ct.ends_with("/javascript")
        || ct.ends_with("/yaml")
        || ct == "application/x-www-form-urlencoded"
        || ct == "application/graphql"
}

/// `12/Mar/2020:19:03:58 +0000` (the common log format's time).
pub(crate) fn clf_time(epoch_ms: i64) -> String {
    jiff::Timestamp::from_millisecond(epoch_ms)
        .map(|t| t.strftime("%d/%b/%Y:%H:%M:%S +0000").to_string())
        .unwrap_or_default()
}

/// The HTTP answer to a function's result.
#[derive(Debug, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A result with `statusCode` is a response document (`headers`, `cookies`
/// as Set-Cookie, `body` base64-decoded when `isBase64Encoded`); anything
/// else (an object, string, number, …) is a 200 `application/json` with
/// the result's JSON text as the body. A malformed document is a 502.
pub fn response(payload: &[u8]) -> HttpResponse {
    let as_json = |status: u16, body: Vec<u8>| HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body,
    };
    let doc = match serde_json::from_slice::<Value>(payload) {
        Ok(Value::Object(o)) if o.contains_key("statusCode") => o,
        _ => return as_json(200, payload.to_vec()),
    };
    let status = match &doc["statusCode"] {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
    .filter(|s| (100..=599).contains(s));
    let Some(status) = status else {
        return bad_gateway();
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(Value::Object(h)) = doc.get("headers") {
        for (k, v) in h {
            let v = match v {
                Value::String(s) => s.clone(),
                Value::Null => continue,
                other => other.to_string(),
            };
            headers.push((k.to_ascii_lowercase(), v));
        }
    }
    if !headers.iter().any(|(k, _)| k == "content-type") {
        headers.push(("content-type".into(), "application/json".into()));
    }
    if let Some(Value::Array(c)) = doc.get("cookies") {
        for c in c.iter().filter_map(Value::as_str) {
            headers.push(("set-cookie".into(), c.to_string()));
        }
    }
    let body = match doc.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) if doc.get("isBase64Encoded") == Some(&Value::Bool(true)) => {
            match BASE64.decode(s) {
                Ok(b) => b,
                Err(_) => return bad_gateway(),
            }
        }
        Some(Value::String(s)) => s.clone().into_bytes(),
        Some(other) => other.to_string().into_bytes(),
    };
    HttpResponse {
        status: status as u16,
        headers,
        body,
    }
}

/// What the service answers when the function failed or its answer cannot
/// be turned into a response.
pub fn bad_gateway() -> HttpResponse {
    HttpResponse {
        status: 502,
        headers: vec![("content-type".into(), "application/json".into())],
        body: br#"{"Message":"Internal Server Error"}"#.to_vec(),
    }
}

/// A streamed response's prelude (`HttpResponseStream.from`): the JSON
/// before the 8 NUL bytes, as a response without its body.
pub fn prelude(json: &[u8]) -> HttpResponse {
    let mut r = response(json);
    if r.status == 502 && r.body.starts_with(b"{\"Message\"") {
        return r;
    }
    if serde_json::from_slice::<Value>(json)
        .ok()
        .is_some_and(|v| v.get("statusCode").is_none())
    {
        r.status = 200;
    }
    r.body.clear();
    r
}

/// CORS, when the URL has it.
pub fn origin_allowed(cors: &Cors, origin: &str) -> bool {
    cors.origins
        .iter()
        .any(|o| o == "*" || o.eq_ignore_ascii_case(origin))
}

/// The headers of the answer to a preflight request from `origin`.
pub fn preflight_headers(cors: &Cors, origin: &str) -> Vec<(String, String)> {
    if !origin_allowed(cors, origin) {
        return Vec::new();
    }
    let mut h = simple_headers(cors, origin);
    if !cors.methods.is_empty() {
        h.push((
            "access-control-allow-methods".into(),
            cors.methods.join(", "),
        ));
    }
    if !cors.headers.is_empty() {
        h.push((
            "access-control-allow-headers".into(),
            cors.headers.join(", "),
        ));
    }
    if let Some(age) = cors.max_age {
        h.push(("access-control-max-age".into(), age.to_string()));
    }
    h
}

/// The headers added to an ordinary response to `origin` (the function's
/// own `access-control-*` headers are replaced, as the service does).
pub fn simple_headers(cors: &Cors, origin: &str) -> Vec<(String, String)> {
    if !origin_allowed(cors, origin) {
        return Vec::new();
    }
    let any = cors.origins.iter().any(|o| o == "*") && !cors.credentials;
    let mut h = vec![(
        "access-control-allow-origin".into(),
        if any { "*".into() } else { origin.to_string() },
    )];
    if cors.credentials {
        h.push(("access-control-allow-credentials".into(), "true".into()));
    }
    if !any {
        h.push(("vary".into(), "Origin".into()));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(
        method: &'a str,
        path: &'a str,
        query: &'a str,
        headers: &'a [(String, String)],
        body: &'a [u8],
    ) -> HttpRequest<'a> {
        HttpRequest {
            method,
            raw_path: path,
            raw_query: query,
            headers,
            body,
            source_ip: "127.0.0.1",
            account_id: "anonymous",
            url_id: "abc",
            request_id: "rid",
            time_epoch_ms: 1_583_348_638_390,
        }
    }

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_event_has_the_function_url_shape() {
        let headers = h(&[
            ("Host", "127.0.0.1:9000"),
            ("User-Agent", "curl/8"),
            ("X-Multi", "a"),
            ("x-multi", "b"),
            ("Cookie", "c1=1; c2=2"),
        ]);
        let e = event(&req(
            "GET",
            "/translate%20it",
            "input_text=hello%20world&x=1&x=2",
            &headers,
            b"",
        ));
        assert_eq!(e["version"], "2.0");
        assert_eq!(e["routeKey"], "$default");
        assert_eq!(e["rawPath"], "/translate%20it");
        assert_eq!(e["rawQueryString"], "input_text=hello%20world&x=1&x=2");
        assert_eq!(e["queryStringParameters"]["input_text"], "hello world");
        assert_eq!(e["queryStringParameters"]["x"], "1,2");
        assert_eq!(e["headers"]["x-multi"], "a,b");
        assert_eq!(e["headers"]["host"], "127.0.0.1:9000");
        assert!(e["headers"].get("cookie").is_none());
        assert_eq!(e["cookies"], json!(["c1=1", "c2=2"]));
        assert_eq!(e["isBase64Encoded"], false);
        assert!(e.get("body").is_none());
        let c = &e["requestContext"];
        assert_eq!(c["http"]["method"], "GET");
        assert_eq!(c["http"]["path"], "/translate it");
        assert_eq!(c["http"]["sourceIp"], "127.0.0.1");
        assert_eq!(c["http"]["userAgent"], "curl/8");
        assert_eq!(c["http"]["protocol"], "HTTP/1.1");
        assert_eq!(c["domainName"], "127.0.0.1:9000");
        assert_eq!(c["stage"], "$default");
        assert_eq!(c["accountId"], "anonymous");
        assert_eq!(c["apiId"], "abc");
        assert_eq!(c["requestId"], "rid");
        assert_eq!(c["time"], "04/Mar/2020:19:03:58 +0000");
        assert_eq!(c["timeEpoch"], 1_583_348_638_390i64);
        // No query string: no parameters at all.
        let e = event(&req("GET", "/", "", &[], b""));
        assert!(e.get("queryStringParameters").is_none());
        assert!(e.get("cookies").is_none());
    }

    #[test]
    fn binary_bodies_are_base64_and_text_is_not() {
        let json_ct = h(&[("content-type", "application/json; charset=utf-8")]);
        let e = event(&req("POST", "/", "", &json_ct, br#"{"a":1}"#));
        assert_eq!(e["body"], r#"{"a":1}"#);
        assert_eq!(e["isBase64Encoded"], false);
        let bin = h(&[("content-type", "application/octet-stream")]);
        let e = event(&req("POST", "/", "", &bin, b"\x00\xff"));
        assert_eq!(e["body"], "AP8=");
        assert_eq!(e["isBase64Encoded"], true);
        let png = h(&[("content-type", "image/png")]);
        let e = event(&req("POST", "/", "", &png, b"abc"));
        assert_eq!(e["isBase64Encoded"], true);
        // No type: text when it is UTF-8.
        assert_eq!(
            event(&req("POST", "/", "", &[], b"hi"))["isBase64Encoded"],
            false
        );
        assert_eq!(
            event(&req("POST", "/", "", &[], b"\xff"))["isBase64Encoded"],
            true
        );
    }

    #[test]
    fn results_map_to_responses_as_the_service_maps_them() {
        let r = response(
            br#"{"statusCode":201,"headers":{"X-A":"1","Content-Type":"text/plain"},"cookies":["a=1","b=2"],"body":"hi"}"#,
        );
        assert_eq!(r.status, 201);
        assert_eq!(r.body, b"hi");
        assert!(r.headers.contains(&("x-a".into(), "1".into())));
        assert!(
            r.headers
                .contains(&("content-type".into(), "text/plain".into()))
        );
        assert_eq!(
            r.headers.iter().filter(|(k, _)| k == "set-cookie").count(),
            2
        );
        let r = response(br#"{"statusCode":200,"body":"AP8=","isBase64Encoded":true}"#);
        assert_eq!(r.body, b"\x00\xff");
        assert!(
            r.headers
                .contains(&("content-type".into(), "application/json".into()))
        );
        // Without statusCode: 200, JSON, the result's text.
        for p in [&br#"{"a":1}"#[..], b"\"text\"", b"42", b"[1]", b"null"] {
            let r = response(p);
            assert_eq!((r.status, r.body.as_slice()), (200, p));
            assert_eq!(
                r.headers,
                vec![("content-type".into(), "application/json".into())]
            );
        }
        assert_eq!(response(br#"{"statusCode":"abc"}"#).status, 502);
        assert_eq!(response(br#"{"statusCode":"404"}"#).status, 404);
    }

    #[test]
    fn cors_answers() {
        let cors = Cors {
            origins: vec!["https://a.example".into()],
            methods: vec!["GET".into(), "POST".into()],
            headers: vec!["x-custom".into()],
            max_age: Some(60),
            credentials: true,
        };
        let p = preflight_headers(&cors, "https://a.example");
        assert!(p.contains(&(
            "access-control-allow-origin".into(),
            "https://a.example".into()
        )));
        assert!(p.contains(&("access-control-allow-methods".into(), "GET, POST".into())));
        assert!(p.contains(&("access-control-allow-headers".into(), "x-custom".into())));
        assert!(p.contains(&("access-control-max-age".into(), "60".into())));
        assert!(p.contains(&("access-control-allow-credentials".into(), "true".into())));
        assert!(preflight_headers(&cors, "https://b.example").is_empty());
        let any = Cors {
            origins: vec!["*".into()],
            ..Default::default()
        };
        assert_eq!(
            simple_headers(&any, "https://b.example"),
            vec![("access-control-allow-origin".into(), "*".into())]
        );
    }
}
