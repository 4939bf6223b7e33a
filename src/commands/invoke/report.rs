//! Rendering outcomes: the log tail on stderr (platform lines dimmed,
//! error lines highlighted), the payload on stdout, in --out or inside the
//! `--output json` document, and exit 3 with the function's own error
//! type and message when it failed.

use std::io::Write;

use serde::{Serialize, Serializer};

use super::pretty::pretty_json;
use super::request::InvokeRequest;
use crate::error::{Error, Result, stdout_error};
use crate::lambda::invoke::{Invocation, InvocationType, InvokeOutcome};
use crate::lambda::limits::LOG_TAIL_BYTES;
use crate::logfmt::platform;
use crate::output::{DIM, ERROR, HINT, Ui, bytes, json, write_stdout};

/// Render one outcome: log tail on stderr, payload on stdout (or --out, or
/// inside the JSON document), then exit 3 when the function failed.
pub fn report(ui: &Ui, req: &InvokeRequest, outcome: &InvokeOutcome) -> Result<()> {
    let inv = &req.invocation;
    if inv.tail
        && let Some(tail) = &outcome.log_tail
    {
        print_tail(ui, inv, outcome.request_id.as_deref(), tail);
    }
    ui.detail(format!(
        "status {}, executed version {}, request id {}",
        outcome.status_code,
        outcome.executed_version.as_deref().unwrap_or("-"),
        outcome.request_id.as_deref().unwrap_or("-")
    ));

    if !outcome.streamed
        && let Some(path) = &req.out
    {
        let data = if req.pretty {
            pretty_json(&outcome.payload).unwrap_or_else(|| outcome.payload.clone())
        } else {
            outcome.payload.clone()
        };
        std::fs::write(path, &data).map_err(|e| Error::io(path, e))?;
        if !ui.json() {
            ui.note(format!(
                "wrote the response ({}) to {}",
                bytes(data.len() as u64),
                path.display()
            ));
        }
    }
    if ui.json() {
        let doc = OutcomeJson::new(None, inv, outcome);
        write_stdout(json(&doc, true)?.as_bytes())?;
    } else if req.out.is_none() && !outcome.streamed {
        write_payload(ui, req.pretty, &outcome.payload)?;
    }

    let rid = outcome
        .request_id
        .as_deref()
        .map(|r| format!(", request id {r}"))
        .unwrap_or_default();
    match inv.invocation_type {
        InvocationType::Event => ui.note(format!(
            "queued {} for asynchronous invocation (status {}{rid})",
            inv.label(),
            outcome.status_code
        )),
        InvocationType::DryRun => ui.note(format!(
            "dry run: {} can be invoked (status {})",
            inv.label(),
            outcome.status_code
        )),
        InvocationType::RequestResponse => {}
    }

    match &outcome.function_error {
        Some(kind) => {
            let failure = FunctionFailure::parse(kind, outcome.error_doc());
            let mut err = std::io::stderr().lock();
            for line in &failure.stack {
                let _ = writeln!(err, "{}", ui.paint(DIM, line));
            }
            Err(Error::Function {
                error_type: failure.error_type,
                message: failure.message,
            })
        }
        None => Ok(()),
    }
}

/// The payload on stdout: byte for byte, or pretty-printed with --pretty or
/// (when it is JSON) on a terminal.
fn write_payload(ui: &Ui, pretty: bool, payload: &[u8]) -> Result<()> {
    if (pretty || ui.stdout_tty)
        && let Some(p) = pretty_json(payload)
    {
        return write_stdout(&p);
    }
    if ui.stdout_tty && payload.last().is_some_and(|&b| b != b'\n') {
        let mut out = std::io::stdout().lock();
        out.write_all(payload).map_err(stdout_error)?;
        out.write_all(b"\n").map_err(stdout_error)?;
        return out.flush().map_err(stdout_error);
    }
    write_stdout(payload)
}

/// The decoded tail on stderr; START/END/REPORT dimmed and error lines
/// highlighted when colour is on; a note when Lambda cut it.
pub fn print_tail(ui: &Ui, inv: &Invocation, request_id: Option<&str>, tail: &str) {
    print_log(ui, tail);
    let mut err = std::io::stderr().lock();
    if tail.len() >= LOG_TAIL_BYTES {
        let more = match request_id {
            Some(id) => format!("lamctl logs {} --request-id {id}", inv.function),
            None => format!("lamctl logs {}", inv.function),
        };
        let _ = writeln!(
            err,
            "{} the log tail was cut to Lambda's last 4 KB; see the whole log with `{more}`",
            ui.paint(HINT, "note:")
        );
    }
}

/// Log lines on stderr, platform lines dimmed and error lines highlighted.
pub fn print_log(ui: &Ui, text: &str) {
    let mut err = std::io::stderr().lock();
    // On a terminal a record's `\r`-joined lines are shown as lines.
    let text = match ui.stderr_tty {
        true => crate::logfmt::for_terminal(text),
        false => text.into(),
    };
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let shown = if platform(line).is_some() {
            ui.paint(DIM, line)
        } else if is_error_line(line) {
            ui.paint(ERROR, line)
        } else {
            line.to_string()
        };
        let _ = writeln!(err, "{shown}");
    }
}

fn is_error_line(line: &str) -> bool {
    [
        "ERROR",
        "Traceback",
        "Task timed out",
        "Exception",
        "Error:",
    ]
    .iter()
    .any(|p| line.contains(p))
}

/// A function's error document: `{"errorType", "errorMessage", "stackTrace"}`.
#[derive(Debug, PartialEq)]
pub struct FunctionFailure {
    pub error_type: String,
    pub message: String,
    pub stack: Vec<String>,
}

impl FunctionFailure {
    /// Read what the runtimes send; fall back to the X-Amz-Function-Error
    /// value and the raw document.
    pub fn parse(kind: &str, doc: &[u8]) -> FunctionFailure {
        let value: Option<serde_json::Value> = serde_json::from_slice(doc).ok();
        let obj = value.as_ref().and_then(|v| v.as_object());
        let field = |k: &str| {
            obj.and_then(|o| o.get(k))
                .and_then(|v| v.as_str())
                .filter(|s| !s.trim().is_empty())
                .map(String::from)
        };
        let error_type = field("errorType").unwrap_or_else(|| kind.to_string());
        let message = field("errorMessage")
            .or_else(|| value.as_ref().and_then(|v| v.as_str()).map(String::from))
            .or_else(|| {
                let text = String::from_utf8_lossy(doc).trim().to_string();
                (!text.is_empty() && obj.is_none()).then(|| {
                    let mut t: String = text.chars().take(300).collect();
                    if t.len() < text.len() {
                        t.push('…');
                    }
                    t
                })
            })
            .unwrap_or_else(|| "the function reported an error".to_string());
        let mut stack = Vec::new();
        // Node and Python send "stackTrace"; some streaming runtimes "trace".
        let frames = obj.and_then(|o| o.get("stackTrace").or_else(|| o.get("trace")));
        if let Some(serde_json::Value::Array(frames)) = frames {
            for f in frames {
                let text = match f {
                    serde_json::Value::String(s) => s.clone(),
                    // Older Python runtimes: [file, line, function, code].
                    serde_json::Value::Array(parts) => parts
                        .iter()
                        .map(|p| p.as_str().map_or_else(|| p.to_string(), String::from))
                        .collect::<Vec<_>>()
                        .join(" "),
                    other => other.to_string(),
                };
                stack.extend(
                    text.lines()
                        .map(|l| l.trim_end().to_string())
                        .filter(|l| !l.is_empty()),
                );
            }
        }
        FunctionFailure {
            error_type,
            message,
            stack,
        }
    }
}

/// The `--output json` document (and, with `line`, one --ndjson line).
#[derive(Debug, Serialize)]
pub struct OutcomeJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub status_code: i32,
    pub executed_version: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub function_error: Option<&'a str>,
    pub payload: PayloadJson<'a>,
    pub log_tail: Option<&'a str>,
}

impl<'a> OutcomeJson<'a> {
    pub fn new(line: Option<usize>, inv: &Invocation, o: &'a InvokeOutcome) -> Self {
        OutcomeJson {
            line,
            status_code: o.status_code,
            executed_version: o.executed_version.as_deref(),
            request_id: o.request_id.as_deref(),
            function_error: o.function_error.as_deref(),
            payload: PayloadJson(&o.payload),
            log_tail: o.log_tail.as_deref().filter(|_| inv.tail),
        }
    }
}

/// A payload inside JSON: the JSON itself (verbatim, numbers and key order
/// kept) when it is JSON, else a string; null when empty.
#[derive(Debug)]
pub struct PayloadJson<'a>(pub &'a [u8]);

impl Serialize for PayloadJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0.iter().all(u8::is_ascii_whitespace) {
            return s.serialize_none();
        }
        if let Ok(text) = std::str::from_utf8(self.0)
            && let Ok(raw) = serde_json::from_str::<&serde_json::value::RawValue>(text)
        {
            return raw.serialize(s);
        }
        s.serialize_str(&String::from_utf8_lossy(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_documents() {
        let f = FunctionFailure::parse(
            "Unhandled",
            br#"{"errorType":"ValueError","errorMessage":"bad k","stackTrace":["  File \"/var/task/app.py\", line 3, in handler\n    raise ValueError(\"bad k\")\n"]}"#,
        );
        assert_eq!(f.error_type, "ValueError");
        assert_eq!(f.message, "bad k");
        assert_eq!(
            f.stack,
            vec![
                "  File \"/var/task/app.py\", line 3, in handler",
                "    raise ValueError(\"bad k\")"
            ]
        );
        let f = FunctionFailure::parse(
            "Unhandled",
            br#"{"errorMessage":"2024-01-01T00:00:00Z 1 Task timed out after 3.00 seconds"}"#,
        );
        assert_eq!(f.error_type, "Unhandled");
        assert!(f.message.contains("Task timed out"));
        let f = FunctionFailure::parse("Handled", b"not json");
        assert_eq!(
            (f.error_type.as_str(), f.message.as_str()),
            ("Handled", "not json")
        );
        let f = FunctionFailure::parse("Unhandled", b"");
        assert_eq!(f.message, "the function reported an error");
    }

    #[test]
    fn payload_json_is_verbatim_string_or_null() {
        let s = |b: &[u8]| serde_json::to_string(&PayloadJson(b)).unwrap();
        assert_eq!(
            s(br#"{"z":1,"a":12345678901234567890123}"#),
            r#"{"z":1,"a":12345678901234567890123}"#
        );
        assert_eq!(s(b"plain text"), r#""plain text""#);
        assert_eq!(s(b""), "null");
    }
}
