//! Packaging with a progress bar on stderr, and the one-line summary.

use std::sync::Mutex;

use indicatif::ProgressBar;

use super::{Observer, PackageOptions, PackageReport, package};
use crate::error::{Error, Result};
use crate::output::{BOLD, Ui, bytes};
use crate::progress;

/// Package on a blocking thread, showing a bar for big trees.
pub async fn package_shown(ui: &Ui, opts: PackageOptions) -> Result<PackageReport> {
    let ui = ui.clone();
    tokio::task::spawn_blocking(move || {
        let obs = UiObserver {
            ui: &ui,
            bar: Mutex::new(None),
        };
        let r = package(&opts, &obs);
        if let Some(b) = obs.bar.lock().ok().and_then(|mut b| b.take()) {
            b.finish_and_clear();
        }
        r
    })
    .await
    .map_err(|e| Error::failed(format!("packaging stopped: {e}")))?
}

/// `packaged N files, SIZE (SIZE unzipped), CodeSha256 …` for stderr.
pub fn summary(ui: &Ui, r: &PackageReport) -> String {
    format!(
        "packaged {} file{}, {} ({} unzipped), CodeSha256 {}",
        r.files,
        if r.files == 1 { "" } else { "s" },
        bytes(r.size),
        bytes(r.uncompressed_size),
        ui.paint(BOLD, &r.code_sha256)
    )
}

struct UiObserver<'a> {
    ui: &'a Ui,
    bar: Mutex<Option<ProgressBar>>,
}

impl Observer for UiObserver<'_> {
    fn detail(&self, msg: &str) {
        self.ui.detail(msg);
    }
    fn warn(&self, msg: &str) {
        self.ui.warn(msg);
    }
    fn start(&self, files: u64, total: u64) {
        // Small trees finish before a bar would be readable.
        if files >= 1000 || total >= 20 * 1024 * 1024 {
            *self.bar.lock().expect("bar lock") =
                Some(progress::bar(self.ui, total, "zipping", true));
        }
    }
    fn advance(&self, n: u64) {
        if let Some(b) = self.bar.lock().expect("bar lock").as_ref() {
            b.inc(n);
        }
    }
}
