//! `lamctl deploy [DIR]`: package, then create or update the function's code
//! and configuration, wait until it is ready, and optionally publish a
//! version, move an alias (or shift a canary weight), prune old versions,
//! set concurrency and attach a function URL.
//!
//! The story: package (no AWS call yet), read what is deployed once, plan
//! (the Lambda core compares and lists the actions), then either print the
//! plan (`--dry-run`) or execute exactly its actions, and report. Re-running
//! converges: the plan changes only what differs.

pub mod many;
mod report;
pub mod watch;

use super::Ctx;
use crate::error::{Error, Result};
use crate::lambda::limits::DIRECT_UPLOAD_BYTES;
use crate::lambda::plan::{self, Code, Deployed, Desired};
use crate::lambda::write::s3_key_for;
use crate::output::bytes;
use crate::package::{PackageOptions, PackageReport, package_shown, summary};

/// Everything the deploy needs, resolved and validated before any work.
#[derive(Debug, Clone)]
pub struct Settings {
    pub desired: Desired,
    pub package: PackageOptions,
    /// Print the plan; change nothing.
    pub dry_run: bool,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let ui = ctx.ui;
    let want = &set.desired;

    // Package first: still no AWS call, so a bad tree fails fast, and so
    // does a zip too big for the upload it certainly needs.
    let package = package_shown(ui, set.package.clone().for_upload()).await?;
    ui.note(summary(ui, &package));
    let code = code(want, &package);
    if want.force {
        direct_upload_fits(true, &code)?;
    }

    // Read what is deployed, once, and plan against it.
    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let reads = plan::AccountReads::default();
    let deployed = Deployed::read(&client, &aws, want, &code, &reads).await?;
    let plan = plan::plan(want, &deployed, &code, &aws.region.value)?;
    direct_upload_fits(plan.code == plan::CodeAction::Upload, &code)?;
    if set.dry_run {
        return ui.result(&report::DryRun(&plan));
    }

    let run = plan.execute(&client, &aws, ui).await?;
    report::finish(ui, &plan, run)
}

/// The package as the plan deploys it: through S3 when a bucket is given,
/// directly otherwise.
fn code(want: &Desired, package: &PackageReport) -> Code {
    let s3 = want.s3_bucket.as_ref().map(|bucket| {
        (
            bucket.clone(),
            want.s3_key
                .clone()
                .unwrap_or_else(|| s3_key_for(&want.name, &package.sha256_hex)),
        )
    });
    Code {
        sha256: package.code_sha256.clone(),
        sha256_hex: package.sha256_hex.clone(),
        zip: package.path.clone(),
        size: package.size,
        s3,
    }
}

/// A zip over Lambda's direct-upload limit needs a bucket, but only when
/// it is uploaded: a configuration-only change sends no code. `--force`
/// always uploads, so that is known before any AWS call.
fn direct_upload_fits(upload: bool, code: &Code) -> Result<()> {
    let limit = direct_upload_limit();
    if upload && code.s3.is_none() && code.size > limit {
        return Err(Error::usage(format!(
            "the zip is {}, over the {} limit for a direct upload",
            bytes(code.size),
            bytes(limit)
        ))
        .with_hint("give a bucket to upload through with --s3-bucket BUCKET (or [deploy] s3_bucket in lamctl.toml)"));
    }
    Ok(())
}

/// Lambda's direct-upload limit; `LAMCTL_DIRECT_UPLOAD_LIMIT` (bytes)
/// lowers it, so tests can exercise the S3 path with a small zip.
fn direct_upload_limit() -> u64 {
    std::env::var("LAMCTL_DIRECT_UPLOAD_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DIRECT_UPLOAD_BYTES)
}
