//! Ctrl-C for commands that must clean up (abort an S3 multipart upload,
//! stop a local function): `main` notices the signal, tells them through
//! `interrupted()`, and waits briefly for them while a `CleanupGuard` lives.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::watch;

static SIGNAL: LazyLock<watch::Sender<bool>> = LazyLock::new(|| watch::channel(false).0);
static GUARDS: AtomicUsize = AtomicUsize::new(0);

/// Called by `main` when Ctrl-C or SIGTERM arrives.
pub fn trigger() {
    SIGNAL.send_replace(true);
}

/// Whether Ctrl-C has been pressed (for blocking code that polls).
pub fn triggered() -> bool {
    *SIGNAL.borrow()
}

/// Resolves once Ctrl-C has been pressed.
pub async fn interrupted() {
    let mut rx = SIGNAL.subscribe();
    let _ = rx.wait_for(|v| *v).await;
}

/// While one lives, `main` gives the command time to clean up after Ctrl-C.
pub struct CleanupGuard(());

impl CleanupGuard {
    pub fn new() -> Self {
        GUARDS.fetch_add(1, Ordering::SeqCst);
        CleanupGuard(())
    }
}

impl Default for CleanupGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for CleanupGuard {
    fn drop(&mut self) {
        GUARDS.fetch_sub(1, Ordering::SeqCst);
    }
}

pub fn cleanup_pending() -> bool {
    GUARDS.load(Ordering::SeqCst) > 0
}
