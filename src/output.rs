//! Rendering: results to stdout as text or JSON, everything else to stderr.
//!
//! A command returns a value that is both `Serialize` (for `--output json`)
//! and `Display` (for people); only this module writes to the streams.

use std::fmt::Display;
use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::cli::{ColorChoice, GlobalArgs, OutputFormat};
use crate::error::{Error, Result, stdout_error};

#[derive(Debug, Clone)]
pub struct Ui {
    pub format: OutputFormat,
    pub quiet: bool,
    pub verbose: u8,
    /// Colour on stderr.
    pub color: bool,
    pub stderr_tty: bool,
    pub stdout_tty: bool,
}

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
pub const HINT: Style = AnsiColor::Cyan.on_default();
pub const DIM: Style = Style::new().dimmed();
pub const BOLD: Style = Style::new().bold();
pub const GOOD: Style = AnsiColor::Green.on_default();

impl Ui {
    pub fn new(g: &GlobalArgs) -> Self {
        let stderr_tty = std::io::stderr().is_terminal();
        Ui {
            format: g.output,
            quiet: g.quiet,
            verbose: g.verbose,
            color: use_color(
                g.color,
                stderr_tty,
                std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            ),
            stderr_tty,
            stdout_tty: std::io::stdout().is_terminal(),
        }
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
            let mut s = serde_json::to_string_pretty(value)
                .map_err(|e| Error::failed(format!("cannot render JSON: {e}")))?;
            s.push('\n');
            s
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
            one_line(&err.to_string())
        );
        if let Some(h) = err.hint() {
            let _ = writeln!(out, "{} {}", self.paint(HINT, "hint:"), one_line(h));
        }
    }
}

/// Write bytes to stdout and flush, a closed pipe becoming `BrokenPipe`.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).map_err(stdout_error)?;
    out.flush().map_err(stdout_error)
}

fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
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
    fn byte_units() {
        assert_eq!(bytes(12), "12 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(250 * 1024 * 1024), "250.0 MiB");
    }
}
