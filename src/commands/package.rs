//! `lamctl package [DIR] [-o FILE]`: zip a directory deterministically and
//! print the CodeSha256 Lambda will report for it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use clap::Args;
use indicatif::ProgressBar;
use serde::Serialize;

use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::output::{Ui, bytes, write_stdout};
use crate::package::{self, DIRECT_UPLOAD_LIMIT, PackageOptions, PackageReport};
use crate::progress;

#[derive(Debug, Args, Clone, Default)]
pub struct PackageArgs {
    /// The directory to zip [default: `source` in lamctl.toml, else .]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    #[command(flatten)]
    pub pack: PackFlags,
}

/// The packaging flags, shared with `deploy`.
#[derive(Debug, Args, Clone, Default)]
pub struct PackFlags {
    /// Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .]
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Leave out paths matching this gitignore-style glob (repeatable; after .lamctlignore)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Put back paths matching this glob even when excluded (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,

    /// Store symbolic links as links instead of following them
    #[arg(long)]
    pub keep_symlinks: bool,

    /// Do not fail when the unzipped size is over Lambda's 250 MB limit
    #[arg(long)]
    pub no_size_check: bool,
}

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

pub async fn run(ctx: &Ctx<'_>, args: &PackageArgs) -> Result<()> {
    let report = build(ctx, args.dir.as_deref(), &args.pack).await?;
    if !ctx.ui.json() {
        ctx.ui.note(summary(ctx.ui, &report));
    }
    if report.size > DIRECT_UPLOAD_LIMIT {
        ctx.ui.warn(format!(
            "the zip is {}, over the 50 MB limit for a direct upload: `lamctl deploy` will upload it through S3",
            bytes(report.size)
        ));
    }
    if ctx.ui.json() {
        ctx.ui.result(&Packaged { report })
    } else {
        write_stdout(format!("{}\n", report.path.display()).as_bytes())
    }
}

/// Resolve DIR and the output path, then package (on a blocking thread).
pub async fn build(ctx: &Ctx<'_>, dir: Option<&Path>, flags: &PackFlags) -> Result<PackageReport> {
    let project = ctx.project.as_ref();
    let root = match dir {
        Some(d) => d.to_path_buf(),
        None => project
            .and_then(|p| p.source_dir())
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    let settings = project.map(|p| p.file.package.clone()).unwrap_or_default();
    let output = match &flags.out {
        Some(o) => o.clone(),
        None => {
            let base = project.map(|p| p.dir().to_path_buf()).unwrap_or_default();
            let name = project
                .and_then(|p| p.file.name.clone())
                .or_else(|| {
                    root.canonicalize()
                        .ok()
                        .and_then(|r| r.file_name().map(|n| n.to_string_lossy().into_owned()))
                })
                .unwrap_or_else(|| "package".into());
            base.join(".lamctl").join(format!("{name}.zip"))
        }
    };
    if output.is_dir() {
        return Err(
            Error::usage(format!("output {} is a directory", output.display()))
                .with_hint("-o/--out takes the zip's file name"),
        );
    }
    let opts = PackageOptions {
        root,
        output,
        excludes: settings
            .exclude
            .iter()
            .chain(&flags.exclude)
            .cloned()
            .collect(),
        includes: settings
            .include
            .iter()
            .chain(&flags.include)
            .cloned()
            .collect(),
        keep_symlinks: flags.keep_symlinks || settings.keep_symlinks,
        size_check: !flags.no_size_check,
        threads: 0,
    };
    let ui = ctx.ui.clone();
    tokio::task::spawn_blocking(move || {
        let obs = UiObserver {
            ui: &ui,
            bar: Mutex::new(None),
        };
        let r = package::package(&opts, &obs);
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
        ui.paint(crate::output::BOLD, &r.code_sha256)
    )
}

struct UiObserver<'a> {
    ui: &'a Ui,
    bar: Mutex<Option<ProgressBar>>,
}

impl package::Observer for UiObserver<'_> {
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
