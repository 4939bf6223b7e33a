//! Printing events on stdout: one JSON object per line, or text in a
//! format; each batch flushed before lamctl waits for anything else.

use std::fmt::Write;

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
    buf: String,
    /// The widest function name, when events of several are printed
    /// (each text line starts with its function's).
    prefix_width: usize,
}

impl Printer {
    pub fn new(ui: &Ui, format: Format, clock: Clock) -> Self {
        Printer {
            json: ui.json(),
            format,
            clock,
            // Colour follows stdout here (the log lines are the result).
            paint: ui.for_stdout(),
            buf: String::new(),
            prefix_width: 0,
        }
    }

    /// Start each text line (short and detailed formats) with its event's
    /// function, padded to the widest of `names`, in a colour of its own.
    pub fn prefixed(mut self, names: &[String]) -> Self {
        self.prefix_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        self
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
        if self.format == Format::Raw {
            // As stored, so JSON-format lines can go straight into jq.
            self.buf.push_str(e.message.trim_end_matches(['\n', '\r']));
            self.buf.push('\n');
            return Ok(());
        }
        let l = logfmt::render(&e.message);
        let p = &self.paint;
        if let Some(f) = e.function.as_deref().filter(|_| self.prefix_width > 0) {
            let padded = format!("{:w$}", output::escape(f), w = self.prefix_width);
            let _ = write!(self.buf, "{} ", p.paint(colour_of(f), padded));
        }
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

/// A function's colour: the same name always gets the same one.
fn colour_of(name: &str) -> anstyle::Style {
    use anstyle::AnsiColor::*;
    const COLOURS: [anstyle::AnsiColor; 6] = [Cyan, Magenta, Yellow, Green, Blue, BrightRed];
    let h = name
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b.into()));
    COLOURS[h as usize % COLOURS.len()].on_default()
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
}
