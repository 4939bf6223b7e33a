//! Printing events on stdout: one JSON object per line, or text in a
//! format; each batch flushed before lamctl waits for anything else.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::read::Event;
use crate::error::Result;
use crate::logfmt;
use crate::output::{self, Ui, write_stdout};
use crate::timewin::Clock;

/// How each event reads as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// Time and message.
    #[default]
    Short,
    /// Time, log stream and message.
    Detailed,
    /// The message only, exactly as logged.
    Raw,
}

pub(super) struct Printer {
    json: bool,
    format: Format,
    clock: Clock,
    /// Paints stdout (a terminal, or --color always).
    paint: Ui,
    /// With several functions: each line starts with its function's name,
    /// padded to the longest.
    label_width: usize,
    buf: String,
}

/// The colours function names are painted in: a stable one per name (not
/// red nor the dim/bold the levels and times use).
const LABEL_COLOURS: [AnsiColor; 6] = [
    AnsiColor::Cyan,
    AnsiColor::Green,
    AnsiColor::Yellow,
    AnsiColor::Blue,
    AnsiColor::Magenta,
    AnsiColor::BrightCyan,
];

/// A function's colour: FNV-1a of its name, so it is the same on every run
/// and machine.
fn label_colour(name: &str) -> Style {
    let h = name.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    LABEL_COLOURS[h as usize % LABEL_COLOURS.len()].on_default()
}

impl Printer {
    pub fn new(ui: &Ui, format: Format, clock: Clock) -> Self {
        Printer {
            json: ui.json(),
            format,
            clock,
            // Colour follows stdout here (the log lines are the result).
            paint: ui.for_stdout(),
            label_width: 0,
            buf: String::new(),
        }
    }

    /// Prefix text lines with their function, padded to the longest of
    /// `names` (none given: no prefix).
    pub fn label_width<'n>(&mut self, names: impl Iterator<Item = &'n str>) {
        self.label_width = names.map(|n| n.chars().count()).max().unwrap_or(0);
    }

    /// Print a batch and flush it before lamctl waits for anything else.
    pub fn print(&mut self, events: &[Event]) -> Result<()> {
        for e in events {
            self.line(e)?;
            if self.buf.len() >= 64 * 1024 {
                self.flush()?;
            }
        }
        self.flush()
    }

    fn flush(&mut self) -> Result<()> {
        if !self.buf.is_empty() {
            write_stdout(self.buf.as_bytes())?;
            self.buf.clear();
        }
        Ok(())
    }

    fn line(&mut self, e: &Event) -> Result<()> {
        if self.json {
            self.buf.push_str(&output::json(e, false)?);
            return Ok(());
        }
        if self.label_width > 0
            && let Some(f) = &e.function
        {
            let padded = format!("{f:<w$}", w = self.label_width);
            let _ = write!(self.buf, "{} ", self.paint.paint(label_colour(f), padded));
        }
        if self.format == Format::Raw {
            // As stored, so JSON-format lines can go straight into jq.
            self.buf.push_str(e.message.trim_end_matches(['\n', '\r']));
            self.buf.push('\n');
            return Ok(());
        }
        let l = logfmt::render(&e.message);
        let p = &self.paint;
        let _ = write!(
            self.buf,
            "{} ",
            p.paint(output::DIM, self.clock.format(e.timestamp))
        );
        if self.format == Format::Detailed {
            let _ = write!(self.buf, "{} ", p.paint(output::HINT, &e.stream));
        }
        if let Some(level) = &l.level {
            let style = match level.as_str() {
                "ERROR" | "FATAL" | "CRITICAL" => output::ERROR,
                "WARN" | "WARNING" => output::WARN,
                _ => output::BOLD,
            };
            let _ = write!(self.buf, "{} ", p.paint(style, level));
        }
        if l.platform {
            self.buf.push_str(&p.paint(output::DIM, &l.text));
        } else {
            self.buf.push_str(&l.text);
        }
        self.buf.push('\n');
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::read::ev;
    use super::*;
    use crate::output::{ColorChoice, OutputFormat};

    fn printer(json: bool, format: Format) -> Printer {
        let ui = Ui {
            format: if json {
                OutputFormat::Json
            } else {
                OutputFormat::Text
            },
            quiet: false,
            verbose: 0,
            color: false,
            stderr_tty: false,
            stdout_tty: false,
            color_choice: ColorChoice::Never,
        };
        Printer::new(&ui, format, Clock::in_zone(jiff::tz::TimeZone::UTC))
    }

    fn render(json: bool, format: Format, e: &Event) -> String {
        let mut p = printer(json, format);
        p.line(e).unwrap();
        p.buf
    }

    #[test]
    fn each_format_reads_as_documented() {
        let noon = 1_714_564_800_123; // 2024-05-01 12:00:00.123 UTC
        let mut e = ev(
            noon,
            noon + 5,
            "42",
            "{\"level\":\"warn\",\"message\":\"disk\"}\n",
        );
        e.stream = "2024/05/01/[1]abc".into();
        assert_eq!(
            render(false, Format::Short, &e),
            "2024-05-01 12:00:00.123 WARN disk\n"
        );
        assert_eq!(
            render(false, Format::Detailed, &e),
            "2024-05-01 12:00:00.123 2024/05/01/[1]abc WARN disk\n"
        );
        assert_eq!(
            render(false, Format::Raw, &e),
            "{\"level\":\"warn\",\"message\":\"disk\"}\n"
        );
    }

    #[test]
    fn json_is_one_compact_object_per_line_with_the_message_unchanged() {
        let e = ev(1, 2, "3", "hello\n");
        let line = render(true, Format::Short, &e);
        assert_eq!(line.matches('\n').count(), 1, "{line}");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "timestamp": 1, "ingestion_time": 2, "stream": "s",
                "event_id": "3", "message": "hello\n"
            })
        );
    }

    #[test]
    fn several_functions_prefix_each_line_padded_and_json_names_it() {
        let mut e = ev(1_714_564_800_000, 1, "3", "hi\n");
        e.function = Some("ab".into());
        let mut p = printer(false, Format::Short);
        p.label_width(["ab", "longer"].into_iter());
        p.line(&e).unwrap();
        assert_eq!(p.buf, "ab     2024-05-01 12:00:00.000 hi\n");
        let mut p = printer(false, Format::Raw);
        p.label_width(["ab", "abc"].into_iter());
        p.line(&e).unwrap();
        assert_eq!(p.buf, "ab  hi\n");
        let v: serde_json::Value = serde_json::from_str(&render(true, Format::Short, &e)).unwrap();
        assert_eq!(v["function"], "ab");
        // The same name has the same colour every time; names differ.
        assert_eq!(label_colour("orders"), label_colour("orders"));
        let colours: std::collections::HashSet<String> = ["a", "b", "c", "d", "e", "f"]
            .iter()
            .map(|n| format!("{:?}", label_colour(n)))
            .collect();
        assert!(colours.len() > 1);
    }
}
