//! Rendering: results to stdout as text or JSON, everything else to stderr.
//!
//! A command returns a value that is both `Serialize` (for `--output json`)
//! and `Display` (for people); only this module writes to the streams.

use std::fmt::Display;
use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::error::{Error, Result, stdout_error};

/// The format of the result on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

/// When to colour stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// What the user asked of the output (the CLI layer fills it).
#[derive(Debug, Clone, Default)]
pub struct UiSettings {
    pub format: OutputFormat,
    pub quiet: bool,
    pub verbose: u8,
    pub color: ColorChoice,
}

#[derive(Debug, Clone)]
pub struct Ui {
    pub format: OutputFormat,
    pub quiet: bool,
    pub verbose: u8,
    /// Colour on stderr.
    pub color: bool,
    pub stderr_tty: bool,
    pub stdout_tty: bool,
    /// What the user chose (`--color`), for painting another stream.
    pub color_choice: ColorChoice,
}

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
pub const HINT: Style = AnsiColor::Cyan.on_default();
pub const DIM: Style = Style::new().dimmed();
pub const BOLD: Style = Style::new().bold();
pub const GOOD: Style = AnsiColor::Green.on_default();

impl Ui {
    pub fn new(g: &UiSettings) -> Self {
        let stderr_tty = std::io::stderr().is_terminal();
        Ui {
            format: g.format,
            quiet: g.quiet,
            verbose: g.verbose,
            color: use_color(g.color, stderr_tty, no_color_env()),
            stderr_tty,
            stdout_tty: std::io::stdout().is_terminal(),
            color_choice: g.color,
        }
    }

    /// A copy that colours by stdout's terminal instead of stderr's, for
    /// results that are themselves coloured text (log lines).
    pub fn for_stdout(&self) -> Ui {
        let mut ui = self.clone();
        ui.color = use_color(self.color_choice, self.stdout_tty, no_color_env());
        ui
    }

    pub fn json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// `s` styled when colour is on.
    pub fn paint(&self, style: Style, s: impl Display) -> String {
        if self.color {
            format!("{style}{s}{style:#}")
        } else {
            s.to_string()
        }
    }

    /// Print a command's result on stdout: JSON (one document) or text.
    pub fn result<T: Serialize + Display>(&self, value: &T) -> Result<()> {
        let text = if self.json() {
            json(value, true)?
        } else {
            let mut s = value.to_string();
            if !s.is_empty() && !s.ends_with('\n') {
                s.push('\n');
            }
            s
        };
        write_stdout(text.as_bytes())
    }

    /// A progress note on stderr ("uploading …"), silenced by -q.
    pub fn note(&self, msg: impl Display) {
        if !self.quiet {
            eprintln!("{msg}");
        }
    }

    /// A detail shown with -v.
    pub fn detail(&self, msg: impl Display) {
        if self.verbose > 0 && !self.quiet {
            eprintln!("{}", self.paint(DIM, msg));
        }
    }

    pub fn warn(&self, msg: impl Display) {
        if !self.quiet {
            let msg = escape_lines(&crate::redact::redact(&msg.to_string()));
            eprintln!("{} {msg}", self.paint(WARN, "warning:"));
        }
    }

    /// The one place errors are printed: `error: …` and an optional `hint: …`.
    pub fn error(&self, err: &Error) {
        let mut out = std::io::stderr().lock();
        let _ = writeln!(
            out,
            "{} {}",
            self.paint(ERROR, "error:"),
            one_line(&crate::redact::redact(&err.to_string()))
        );
        if let Some(h) = err.hint() {
            let h = crate::redact::redact(h);
            let _ = writeln!(out, "{} {}", self.paint(HINT, "hint:"), one_line(&h));
        }
    }
}

/// The one JSON renderer: a document (pretty) or a line (compact), ending
/// in a newline.
pub fn json<T: Serialize + ?Sized>(value: &T, pretty: bool) -> Result<String> {
    let text = if pretty {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    let mut text = text.map_err(|e| Error::failed(format!("cannot render JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

/// Write bytes to stdout and flush, a closed pipe becoming `BrokenPipe`.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).map_err(stdout_error)?;
    out.flush().map_err(stdout_error)
}

fn one_line(s: &str) -> String {
    let line = s
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    escape(&line).into_owned()
}

/// `s` with every control character (C0, DEL, C1: a terminal escape
/// sequence, a carriage return that hides what precedes it, a newline that
/// forges a second `error:` line) shown as an escape (`\x1b`, `\n`,
/// `\u{9b}`), so a file name or a value from a tree or a service cannot
/// drive the terminal. The one helper for names and user strings shown
/// on stderr and in text tables.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    use std::fmt::Write as _;
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`escape`] on each line of a multi-line note (its newlines kept).
fn escape_lines(s: &str) -> String {
    s.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

pub fn use_color(choice: ColorChoice, tty: bool, no_color: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            tty && !no_color && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Rows as text columns (the first row a header), padded to the widest
/// cell, two spaces apart, no trailing blanks.
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| escape(s).chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, cell)| format!("{:<w$}", escape(cell), w = width[i]))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// Human-readable byte counts: `1.5 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_rules() {
        assert!(use_color(ColorChoice::Always, false, true));
        assert!(!use_color(ColorChoice::Never, true, false));
        assert!(!use_color(ColorChoice::Auto, true, true));
        assert!(!use_color(ColorChoice::Auto, false, false));
    }

    #[test]
    fn tables_pad_columns() {
        let t = table(&[
            vec!["NAME".into(), "SIZE".into()],
            vec!["a-long-name".into(), "1".into()],
        ]);
        assert_eq!(t, "NAME         SIZE\na-long-name  1\n");
    }

    #[test]
    fn byte_units() {
        assert_eq!(bytes(12), "12 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(250 * 1024 * 1024), "250.0 MiB");
    }
}
