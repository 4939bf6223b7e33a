//! clap's usage errors in lamctl's format: `error: …` and `hint: …`, exit 2.

use std::process::ExitCode;

use clap::error::ErrorKind;

use crate::error::Error;
use crate::output::{Ui, UiSettings};

/// Print a parse failure (or help, or the version) and return the exit code.
pub fn report(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        _ => {}
    }
    // Parsing failed, so --color is unknown: honour NO_COLOR and the terminal only.
    Ui::new(&UiSettings::default()).error(&usage_error(&e));
    ExitCode::from(2)
}

/// The error as one line and a hint.
fn usage_error(e: &clap::Error) -> Error {
    let text = e.render().to_string();
    // clap's message is its first paragraph (a line, sometimes followed by
    // indented detail such as the missing argument); tips and usage follow.
    let mut paragraphs = text.split("\n\n").map(str::trim).filter(|p| !p.is_empty());
    let message = paragraphs
        .next()
        .unwrap_or("invalid arguments")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error:")
        .trim()
        .to_string();
    let mut hints = Vec::new();
    let mut usage = None;
    for l in paragraphs.flat_map(str::lines).map(str::trim) {
        if let Some(u) = l.strip_prefix("Usage:") {
            usage = Some(u.trim().to_string());
        } else if let Some(t) = l.strip_prefix("tip:") {
            hints.push(t.trim().to_string());
        } else if l.starts_with('[') {
            hints.push(l.trim_matches(|c| c == '[' || c == ']').to_string());
        }
    }
    if let Some(u) = usage {
        let cmd: Vec<&str> = u
            .split_whitespace()
            .take_while(|w| !w.starts_with(['[', '<', '-']))
            .collect();
        hints.push(format!("usage: {u} (see '{} --help')", cmd.join(" ")));
    }
    let mut err = Error::usage(message);
    if !hints.is_empty() {
        err = err.with_hint(hints.join("; "));
    }
    err
}
