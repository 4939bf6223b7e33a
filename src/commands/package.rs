//! `lamctl package [DIR] [--out FILE]`: zip a directory deterministically and
//! print the CodeSha256 Lambda will report for it.

use std::fmt;

use serde::Serialize;

pub mod many;

use super::Ctx;
use crate::error::Result;
use crate::lambda::limits::{DIRECT_UPLOAD_BYTES, DIRECT_UPLOAD_TEXT};
use crate::output::{bytes, write_stdout};
use crate::package::{PackageOptions, PackageReport, package_shown, summary};

/// What `package` prints: the path on stdout in text mode, the rest on stderr.
#[derive(Debug, Serialize)]
pub struct Packaged {
    #[serde(flatten)]
    pub report: PackageReport,
}

impl fmt::Display for Packaged {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.report.path.display())
    }
}

pub async fn run(ctx: &Ctx<'_>, opts: &PackageOptions) -> Result<()> {
    let report = package_shown(ctx.ui, opts.clone()).await?;
    if !ctx.ui.json() {
        ctx.ui.note(summary(ctx.ui, &report));
    }
    if report.size > DIRECT_UPLOAD_BYTES {
        ctx.ui.warn(format!(
            "the zip is {}, over {}: `lamctl deploy` will upload it through S3",
            bytes(report.size),
            DIRECT_UPLOAD_TEXT
        ));
    }
    if ctx.ui.json() {
        ctx.ui.result(&Packaged { report })
    } else {
        write_stdout(format!("{}\n", report.path.display()).as_bytes())
    }
}
