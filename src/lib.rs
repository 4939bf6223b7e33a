//! lamctl: the whole life of an AWS Lambda function from a terminal or CI.
//!
//! `main` parses, sets up tracing on stderr, runs the command on a tokio
//! runtime, and maps the one error type to the exit codes in design.md.

pub mod aws;
pub mod cli;
pub mod commands;
pub mod error;
pub mod interrupt;
pub mod lambda;
pub mod local;
pub mod logfmt;
pub mod output;
pub mod package;
pub mod progress;
pub mod project;
pub mod s3upload;
pub mod timewin;

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use clap::error::ErrorKind;

use crate::cli::Cli;
use crate::error::Error;
use crate::output::Ui;

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return clap_error(e),
    };
    let ui = Ui::new(&cli.global);
    init_tracing(&ui);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            ui.error(&Error::failed(format!(
                "cannot start the async runtime: {e}"
            )));
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        let command = commands::run(cli, &ui);
        tokio::pin!(command);
        tokio::select! {
            r = &mut command => r,
            _ = tokio::signal::ctrl_c() => {
                interrupt::trigger();
                // A command cleaning up (aborting an upload) gets a bounded
                // moment to finish; a second Ctrl-C still ends it at once.
                if interrupt::cleanup_pending() {
                    tokio::select! {
                        _ = tokio::time::timeout(Duration::from_secs(20), &mut command) => {}
                        _ = tokio::signal::ctrl_c() => {}
                    }
                }
                Err(Error::Interrupted)
            }
        }
    });
    // Don't wait for stray background work (an abandoned HTTP connection).
    runtime.shutdown_timeout(Duration::from_millis(200));

    match result {
        Ok(()) | Err(Error::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            ui.error(&e);
            ExitCode::from(e.code())
        }
    }
}

/// Clap's usage errors in our format: `error: …` and `hint: …`, exit 2.
/// Help and version go to stdout with exit 0.
fn clap_error(e: clap::Error) -> ExitCode {
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
    // Parsing failed, so the --color flag is unknown: honour NO_COLOR and the terminal only.
    let ui = Ui::new(&cli::GlobalArgs::default());
    ui.error(&err);
    ExitCode::from(2)
}

fn init_tracing(ui: &Ui) {
    use tracing::level_filters::LevelFilter;
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;

    let filter = match (ui.quiet, ui.verbose) {
        (true, _) => Targets::new().with_default(LevelFilter::OFF),
        (_, 0) => Targets::new().with_target("lamctl", LevelFilter::WARN),
        (_, 1) => Targets::new().with_target("lamctl", LevelFilter::INFO),
        (_, 2) => Targets::new().with_target("lamctl", LevelFilter::DEBUG),
        _ => Targets::new()
            .with_default(LevelFilter::DEBUG)
            .with_target("lamctl", LevelFilter::TRACE),
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(ui.color)
        .with_target(ui.verbose >= 3)
        .without_time();
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
}
