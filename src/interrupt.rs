//! Ctrl-C for commands that must clean up (abort an S3 multipart upload,
//! stop a local function): `main` notices the signal ([`stop_signal`]),
//! tells them through `interrupted()`, and waits briefly for them while a
//! `CleanupGuard` lives. SIGINT, SIGTERM and SIGHUP (the terminal closed)
//! are one class: each cleans up first, and only the exit code differs.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

use crate::error::Error;

static SIGNAL: LazyLock<watch::Sender<bool>> = LazyLock::new(|| watch::channel(false).0);
static GUARDS: AtomicUsize = AtomicUsize::new(0);

/// Resolves when SIGINT, SIGTERM or SIGHUP arrives, with the error that
/// ends the command (exit 130, 143 or 129). A signal whose handler cannot
/// be installed is simply not waited for.
pub async fn stop_signal() -> Error {
    async fn one(kind: SignalKind) {
        match signal(kind) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    }
    tokio::select! {
        _ = one(SignalKind::interrupt()) => Error::Interrupted,
        _ = one(SignalKind::terminate()) => Error::Terminated,
        _ = one(SignalKind::hangup()) => Error::HungUp,
    }
}

/// Called by `main` when SIGINT, SIGTERM or SIGHUP arrives.
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
