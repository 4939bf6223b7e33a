//! Progress bars and spinners on stderr, only when stderr is a terminal and
//! the user did not ask for quiet: CI logs and pipes never see them.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, WeakProgressBar};

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
    shown(&pb);
    pb
}

/// A spinner for a step of unknown length ("waiting for the function…").
pub fn spinner(ui: &Ui, message: &str) -> ProgressBar {
    if !enabled(ui) {
        return ProgressBar::hidden();
    }
    let pb = visible_spinner(message);
    shown(&pb);
    pb
}

fn visible_spinner(message: &str) -> ProgressBar {
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("static template"),
    );
    pb.set_message(message.to_string());
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// Whether AWS calls get a spinner of their own (set once, from the
/// command line's terminal and quiet settings).
static CALLS: AtomicBool = AtomicBool::new(false);

/// The bars and spinners on screen, so a call's spinner never draws over one.
static SHOWN: Mutex<Vec<WeakProgressBar>> = Mutex::new(Vec::new());

/// How long a call runs before its spinner shows: a fast call never flickers.
pub const CALL_GRACE: Duration = Duration::from_millis(400);

/// Show a spinner for every AWS call that takes longer than [`CALL_GRACE`]
/// (the SDK clients' interceptor asks [`call`]), when `ui` shows progress.
pub fn show_calls(ui: &Ui) {
    CALLS.store(enabled(ui), Ordering::Relaxed);
}

fn shown(pb: &ProgressBar) {
    let mut s = SHOWN.lock().unwrap_or_else(|p| p.into_inner());
    s.retain(|w| w.upgrade().is_some_and(|b| !b.is_finished()));
    s.push(pb.downgrade());
}

fn busy() -> bool {
    let s = SHOWN.lock().unwrap_or_else(|p| p.into_inner());
    s.iter()
        .any(|w| w.upgrade().is_some_and(|b| !b.is_finished()))
}

/// A call's spinner ("waiting for GetFunction (Lambda)"): shown once the
/// call has run for [`CALL_GRACE`], unless another bar or spinner already
/// says what lamctl waits for; cleared when the call ends (or is dropped).
#[derive(Debug)]
pub struct CallSpinner {
    bar: Arc<Mutex<Option<ProgressBar>>>,
    done: Arc<AtomicBool>,
}

/// The spinner of one call named `message`, when calls get one.
pub fn call(message: String) -> Option<CallSpinner> {
    if !CALLS.load(Ordering::Relaxed) {
        return None;
    }
    let handle = tokio::runtime::Handle::try_current().ok()?;
    let spinner = CallSpinner {
        bar: Arc::new(Mutex::new(None)),
        done: Arc::new(AtomicBool::new(false)),
    };
    let (bar, done) = (Arc::clone(&spinner.bar), Arc::clone(&spinner.done));
    handle.spawn(async move {
        tokio::time::sleep(CALL_GRACE).await;
        let mut slot = bar.lock().unwrap_or_else(|p| p.into_inner());
        if !done.load(Ordering::SeqCst) && !busy() {
            *slot = Some(visible_spinner(&message));
        }
    });
    Some(spinner)
}

impl Drop for CallSpinner {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        let mut slot = self.bar.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(b) = slot.take() {
            b.finish_and_clear();
        }
    }
}
