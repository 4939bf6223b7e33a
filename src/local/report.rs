//! The platform's log lines (INIT_START, START, END, REPORT, …) in the
//! cloud's exact formats, the 4 KB log tail, and the ids Lambda hands out.

use std::time::{Duration, SystemTime};

use crate::lambda::limits::LOG_TAIL_BYTES;

/// `python3.12` -> `python:3.12`, `nodejs20.x` -> `nodejs:20`,
/// `provided.al2023` -> `provided:al2023`: the cloud's runtime-version names.
pub fn runtime_version(runtime: &str) -> String {
    if let Some(v) = runtime.strip_prefix("python") {
        format!("python:{v}")
    } else if let Some(v) = runtime.strip_prefix("nodejs") {
        format!("nodejs:{}", v.trim_end_matches(".x"))
    } else if let Some(v) = runtime.strip_prefix("provided.") {
        format!("provided:{v}")
    } else if runtime == "provided" {
        "provided:al1".into()
    } else {
        runtime.to_string()
    }
}

/// `INIT_START Runtime Version: …\tRuntime Version ARN: …`. Locally there
/// is no managed runtime build, so the version is `local`.
pub fn init_start(runtime: &str, region: &str) -> String {
    let v = runtime_version(runtime);
    format!(
        "INIT_START Runtime Version: {v}.local\tRuntime Version ARN: arn:aws:lambda:{region}::runtime:local\n"
    )
}

pub fn start(request_id: &str) -> String {
    format!("START RequestId: {request_id} Version: $LATEST\n")
}

pub fn end(request_id: &str) -> String {
    format!("END RequestId: {request_id}\n")
}

/// How an invocation ended, for the REPORT line's `Status` field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Success,
    Timeout,
    Error(String),
}

pub struct Report<'a> {
    pub request_id: &'a str,
    pub duration: Duration,
    pub init: Option<Duration>,
    pub memory_mb: i32,
    pub max_memory_bytes: u64,
    pub status: Status,
}

/// `REPORT RequestId: …\tDuration: 1.23 ms\tBilled Duration: 2 ms\t…`.
/// Billed duration is rounded up to the millisecond and, as the cloud has
/// billed since August 2025, includes the init phase of a cold start.
pub fn report(r: &Report<'_>) -> String {
    let billed = (ms(r.duration) + r.init.map_or(0.0, ms)).ceil().max(1.0) as u64;
    let used_mb = r.max_memory_bytes.div_ceil(1024 * 1024);
    let mut s = format!(
        "REPORT RequestId: {}\tDuration: {:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {} MB\tMax Memory Used: {used_mb} MB\t",
        r.request_id,
        ms(r.duration),
        r.memory_mb
    );
    if let Some(i) = r.init {
        s.push_str(&format!("Init Duration: {:.2} ms\t", ms(i)));
    }
    match &r.status {
        Status::Success => {}
        Status::Timeout => s.push_str("Status: timeout"),
        Status::Error(t) => s.push_str(&format!("Status: error\tError Type: {t}")),
    }
    s.push('\n');
    s
}

/// The line the platform writes when the timeout kills an invocation.
pub fn timeout_line(request_id: &str, timeout: Duration) -> String {
    format!(
        "{} {request_id} Task timed out after {:.2} seconds\n",
        format_args!("{:.3}", jiff::Timestamp::now()),
        timeout.as_secs_f64()
    )
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The last [`LOG_TAIL_BYTES`] of `log` (what `X-Amz-Log-Result`
/// carries), starting on a UTF-8 character boundary so the text never
/// begins with half a character.
pub fn tail(log: &[u8]) -> &[u8] {
    let mut start = log.len().saturating_sub(LOG_TAIL_BYTES);
    // Skip continuation bytes (10xxxxxx): at most 3 in valid UTF-8.
    let mut skipped = 0;
    while start < log.len() && skipped < 3 && (log[start] & 0xC0) == 0x80 {
        start += 1;
        skipped += 1;
    }
    &log[start..]
}

/// A version-4 UUID, the shape of Lambda's request ids.
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// An X-Ray trace header as the Runtime API hands it to the function.
pub fn trace_id() -> String {
    let b = *uuid::Uuid::new_v4().as_bytes();
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    format!(
        "Root=1-{secs:08x}-{};Parent={};Sampled=0",
        hex::encode(&b[..12]),
        hex::encode(&b[8..16])
    )
}

/// `2026/11/21/[$LATEST]<32 hex>`: the log stream name of a fresh sandbox.
pub fn log_stream_name() -> String {
    let date = jiff::Timestamp::now().strftime("%Y/%m/%d");
    format!("{date}/[$LATEST]{}", uuid::Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_lines_have_the_cloud_format() {
        let r = report(&Report {
            request_id: "abc",
            duration: Duration::from_micros(12_345),
            init: Some(Duration::from_micros(118_801)),
            memory_mb: 128,
            max_memory_bytes: 37 * 1024 * 1024 + 1,
            status: Status::Success,
        });
        assert_eq!(
            r,
            "REPORT RequestId: abc\tDuration: 12.35 ms\tBilled Duration: 132 ms\tMemory Size: 128 MB\tMax Memory Used: 38 MB\tInit Duration: 118.80 ms\t\n"
        );
        let r = report(&Report {
            request_id: "abc",
            duration: Duration::from_millis(3000),
            init: None,
            memory_mb: 256,
            max_memory_bytes: 1024 * 1024,
            status: Status::Timeout,
        });
        assert_eq!(
            r,
            "REPORT RequestId: abc\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 256 MB\tMax Memory Used: 1 MB\tStatus: timeout\n"
        );
        assert_eq!(start("x"), "START RequestId: x Version: $LATEST\n");
        assert_eq!(end("x"), "END RequestId: x\n");
        assert!(
            timeout_line("x", Duration::from_secs(3))
                .ends_with(" x Task timed out after 3.00 seconds\n")
        );
    }

    #[test]
    fn runtime_versions() {
        assert_eq!(runtime_version("python3.12"), "python:3.12");
        assert_eq!(runtime_version("nodejs20.x"), "nodejs:20");
        assert_eq!(runtime_version("provided.al2023"), "provided:al2023");
    }

    #[test]
    fn tail_is_cut_on_a_character_boundary() {
        // 'é' is 2 bytes, '€' is 3: every possible cut position.
        for pad in 0..3 {
            let mut log = "x".repeat(pad).into_bytes();
            log.extend("€".repeat(2000).as_bytes());
            let t = tail(&log);
            assert!(t.len() <= LOG_TAIL_BYTES && t.len() >= LOG_TAIL_BYTES - 2);
            assert!(std::str::from_utf8(t).is_ok(), "pad {pad}");
        }
        let log = "é".repeat(3000);
        let t = tail(log.as_bytes());
        assert_eq!(t.len(), LOG_TAIL_BYTES);
        assert!(std::str::from_utf8(t).is_ok());
        let log = format!("x{}", "é".repeat(2048));
        assert_eq!(tail(log.as_bytes()).len(), LOG_TAIL_BYTES);
        let short = b"short";
        assert_eq!(tail(short), short);
    }

    #[test]
    fn ids_have_lambda_shapes() {
        let id = request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_ne!(id, request_id());
        assert!(trace_id().starts_with("Root=1-"));
        assert!(log_stream_name().contains("/[$LATEST]"));
    }
}
