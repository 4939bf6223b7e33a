//! `lamctl package`'s flags (the packaging ones shared with deploy).

use std::path::{Path, PathBuf};

use clap::Args;

use super::config::Project;
use crate::error::{Error, Result};
use crate::package::PackageOptions;

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
    /// Where to write the zip [default: .lamctl/NAME.zip beside lamctl.toml, else in .] (no short
    /// flag: -o is --output)
    #[arg(long, value_name = "FILE")]
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

impl PackageArgs {
    pub fn settings(&self, project: Option<&Project>) -> Result<PackageOptions> {
        options(self.dir.as_deref(), &self.pack, project)
    }
}

/// Resolve DIR, the output path and the patterns: flags over lamctl.toml.
pub fn options(
    dir: Option<&Path>,
    flags: &PackFlags,
    project: Option<&Project>,
) -> Result<PackageOptions> {
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
            let name = Project::default_function(project)
                .map(String::from)
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
            Error::usage(format!("--out {} is a directory", output.display()))
                .with_hint("-o/--out takes the zip's file name"),
        );
    }
    Ok(PackageOptions {
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
    })
}
