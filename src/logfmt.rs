//! Reading Lambda's log lines: which lines open and close an invocation
//! (text and JSON log formats), and how a line reads in text output
//! (JSON-format lines become `LEVEL message`).

use serde_json::{Map, Value};

/// The platform lines that bound one invocation in a log stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Start,
    End,
    Report,
}

/// A line the Lambda platform (not the function) writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    InitStart,
    InitReport,
    Start,
    End,
    Report,
}

/// The one platform-line detector, for log tails, log events and the
/// local runtime alike: which platform line `message` is, and its request
/// id when it has one, in the text format (`START RequestId: ID Version: 1`,
/// `INIT_START Runtime Version: …`) or the JSON format
/// (`{"type":"platform.start","record":{"requestId":"ID",…}}`).
pub fn platform(message: &str) -> Option<(Platform, Option<String>)> {
    let m = message.trim_start();
    for (word, kind) in [
        ("START RequestId: ", Platform::Start),
        ("END RequestId: ", Platform::End),
        ("REPORT RequestId: ", Platform::Report),
    ] {
        if let Some(rest) = m.strip_prefix(word) {
            let id = rest.split_whitespace().next().unwrap_or_default();
            return Some((kind, Some(id.to_string())));
        }
    }
    for (word, kind) in [
        ("INIT_START ", Platform::InitStart),
        ("INIT_REPORT ", Platform::InitReport),
    ] {
        if m.starts_with(word) {
            return Some((kind, None));
        }
    }
    if m.starts_with('{') && m.contains("\"platform.") {
        let v: Value = serde_json::from_str(m).ok()?;
        let kind = match v.get("type")?.as_str()? {
            "platform.initStart" => Platform::InitStart,
            "platform.initReport" => Platform::InitReport,
            "platform.start" => Platform::Start,
            "platform.runtimeDone" => Platform::End,
            "platform.report" => Platform::Report,
            _ => return None,
        };
        let id = v
            .get("record")
            .and_then(|r| r.get("requestId"))
            .and_then(Value::as_str)
            .map(String::from);
        return Some((kind, id));
    }
    None
}

/// Which per-request platform line `message` is (START, END, REPORT) and
/// for which request id.
pub fn marker(message: &str) -> Option<(Marker, String)> {
    let (kind, id) = platform(message)?;
    let kind = match kind {
        Platform::Start => Marker::Start,
        Platform::End => Marker::End,
        Platform::Report => Marker::Report,
        Platform::InitStart | Platform::InitReport => return None,
    };
    Some((kind, id?))
}

/// A message as text output shows it: an optional level and the text.
#[derive(Debug, PartialEq)]
pub struct Line {
    pub level: Option<String>,
    pub text: String,
    /// START/END/REPORT and other platform lines (shown dimmed on a terminal).
    pub platform: bool,
}

/// Render one message for text output. Lambda's JSON log format
/// (`{"timestamp","level","message","requestId",…}`) becomes level and
/// message; its platform records read like their text-format twins.
pub fn render(message: &str) -> Line {
    let text = message.trim_end_matches(['\n', '\r']);
    if text.starts_with('{')
        && text.ends_with('}')
        && let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(text)
        && let Some(line) = render_json(&obj)
    {
        return line;
    }
    let platform = marker(text).is_some() || text.starts_with("INIT_START ");
    Line {
        level: None,
        text: text.to_string(),
        platform,
    }
}

fn render_json(obj: &Map<String, Value>) -> Option<Line> {
    if let (Some(Value::String(kind)), Some(record)) = (obj.get("type"), obj.get("record"))
        && kind.starts_with("platform.")
    {
        return Some(Line {
            level: None,
            text: platform_text(kind, record),
            platform: true,
        });
    }
    let message = obj.get("message")?;
    let text = match message {
        Value::String(s) => s.trim_end_matches(['\n', '\r']).to_string(),
        other => other.to_string(),
    };
    let level = obj
        .get("level")
        .and_then(Value::as_str)
        .map(|l| l.to_ascii_uppercase());
    Some(Line {
        level,
        text,
        platform: false,
    })
}

fn platform_text(kind: &str, record: &Value) -> String {
    let s = |k: &str| record.get(k).and_then(Value::as_str).unwrap_or_default();
    let metric = |k: &str| {
        record
            .get("metrics")
            .and_then(|m| m.get(k))
            .map(|v| v.to_string())
    };
    let id = s("requestId");
    match kind {
        "platform.start" => {
            let mut t = format!("START RequestId: {id}");
            if !s("version").is_empty() {
                t.push_str(&format!(" Version: {}", s("version")));
            }
            t
        }
        "platform.runtimeDone" => {
            let status = s("status");
            if status.is_empty() || status == "success" {
                format!("END RequestId: {id}")
            } else {
                format!("END RequestId: {id} Status: {status}")
            }
        }
        "platform.report" => {
            let mut t = format!("REPORT RequestId: {id}");
            for (key, label, unit) in [
                ("durationMs", "Duration", "ms"),
                ("billedDurationMs", "Billed Duration", "ms"),
                ("memorySizeMB", "Memory Size", "MB"),
                ("maxMemoryUsedMB", "Max Memory Used", "MB"),
                ("initDurationMs", "Init Duration", "ms"),
            ] {
                if let Some(v) = metric(key) {
                    t.push_str(&format!("\t{label}: {v} {unit}"));
                }
            }
            t
        }
        other => format!("{other} {record}"),
    }
}

/// How continuation lines of a multi-line record are indented on a terminal.
pub const CONTINUATION: &str = "    ";

/// Log text as a terminal shows it. The runtimes keep a multi-line record
/// (a stack trace, a logged object) one record by joining its lines with
/// `\r`; written raw, each `\r` sends the cursor back and the next line
/// overwrites the last. CloudWatch's console shows such a record as lines,
/// the continuation lines indented: so does this. Only for a terminal:
/// piped or saved output keeps the bytes as they are.
pub fn for_terminal(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(at) = rest.find('\r') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if rest.starts_with('\n') {
            out.push('\r');
            continue;
        }
        out.push('\n');
        out.push_str(CONTINUATION);
    }
    out.push_str(rest);
    out.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_markers() {
        let id = "6e3c6d04-5a54-4c2d-9d3b-0f2c1f6f1c11";
        assert_eq!(
            marker(&format!("START RequestId: {id} Version: $LATEST\n")),
            Some((Marker::Start, id.into()))
        );
        assert_eq!(
            marker(&format!("END RequestId: {id}\n")),
            Some((Marker::End, id.into()))
        );
        assert_eq!(
            marker(&format!("REPORT RequestId: {id}\tDuration: 1.2 ms\n")),
            Some((Marker::Report, id.into()))
        );
        assert_eq!(
            marker(&format!("2024-05-01T12:00:00.000Z\t{id}\tINFO\thello\n")),
            None
        );
    }

    #[test]
    fn json_markers_and_rendering() {
        let start = r#"{"time":"2024-05-01T12:00:00.000Z","type":"platform.start","record":{"requestId":"abc","version":"$LATEST"}}"#;
        assert_eq!(marker(start), Some((Marker::Start, "abc".into())));
        assert_eq!(render(start).text, "START RequestId: abc Version: $LATEST");
        let report = r#"{"time":"t","type":"platform.report","record":{"requestId":"abc","metrics":{"durationMs":1.5,"billedDurationMs":2,"memorySizeMB":128,"maxMemoryUsedMB":40},"status":"success"}}"#;
        assert_eq!(marker(report), Some((Marker::Report, "abc".into())));
        assert_eq!(
            render(report).text,
            "REPORT RequestId: abc\tDuration: 1.5 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB"
        );
        let done = r#"{"time":"t","type":"platform.runtimeDone","record":{"requestId":"abc","status":"success"}}"#;
        assert_eq!(marker(done), Some((Marker::End, "abc".into())));

        let app = r#"{"timestamp":"2024-05-01T12:00:00Z","level":"WARN","message":"disk low","logger":"root","requestId":"abc"}"#;
        assert_eq!(
            render(app),
            Line {
                level: Some("WARN".into()),
                text: "disk low".into(),
                platform: false
            }
        );
        let err = r#"{"level":"ERROR","message":{"errorType":"KeyError","errorMessage":"'x'"}}"#;
        let l = render(err);
        assert_eq!(l.level.as_deref(), Some("ERROR"));
        assert!(l.text.contains("KeyError"), "{}", l.text);
    }

    #[test]
    fn other_lines_pass_through_without_trailing_newline() {
        assert_eq!(render("plain\n").text, "plain");
        assert_eq!(render("{not json}\n").text, "{not json}");
        assert_eq!(render(r#"{"a":1}"#).text, r#"{"a":1}"#);
        assert!(render("START RequestId: x Version: 1\n").platform);
    }

    #[test]
    fn records_joined_with_cr_read_as_indented_lines_on_a_terminal() {
        assert_eq!(for_terminal("plain\n"), "plain\n");
        assert_eq!(
            for_terminal("[ERROR] boom\rTraceback:\r  File x\n"),
            "[ERROR] boom\n    Traceback:\n      File x\n"
        );
        assert_eq!(for_terminal("a\r\nb\r"), "a\r\nb\n    ");
    }
}
