//! The Invoke API's request reader (`lamctl serve`): method, path and
//! query, headers and body as a client may send them.
//! Input: `METHOD TARGET\nName: value\n…\n\nBODY`.
#![no_main]

use hyper::Method;
use lamctl::lambda::invoke::InvocationType;
use lamctl::local::invoke_api::{check_payload, read_call};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let first = lines.next().unwrap_or("");
    let (method, target) = first.split_once(' ').unwrap_or((first, "/"));
    let Ok(method) = Method::from_bytes(method.as_bytes()) else {
        return;
    };
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let header = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
    };
    if let Ok(call) = read_call(&method, path, query, &header, "f", "us-east-1") {
        let _ = check_payload(call.kind, body);
    }
    let _ = check_payload(InvocationType::RequestResponse, body);
});
