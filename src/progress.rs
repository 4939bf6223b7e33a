//! Progress bars and spinners on stderr, only when stderr is a terminal and
//! the user did not ask for quiet: CI logs and pipes never see them.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::Ui;

fn enabled(ui: &Ui) -> bool {
    ui.stderr_tty && !ui.quiet
}

/// A bar counting `len` units (files or bytes).
pub fn bar(ui: &Ui, len: u64, message: &str, bytes: bool) -> ProgressBar {
    if !enabled(ui) {
        return ProgressBar::hidden();
    }
    let template = if bytes {
        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}"
    } else {
        "{msg} [{bar:30}] {pos}/{len} {per_sec}"
    };
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template(template)
            .expect("static template")
            .progress_chars("=> "),
    );
    pb.set_message(message.to_string());
    pb
}

/// A spinner for a step of unknown length ("waiting for the function…").
pub fn spinner(ui: &Ui, message: &str) -> ProgressBar {
    if !enabled(ui) {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("static template"),
    );
    pb.set_message(message.to_string());
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}
