//! `lamctl package`'s flags (the packaging ones shared with deploy).

use std::path::{Path, PathBuf};

use clap::Args;

use super::config::Project;
use crate::error::{Error, Result};
use crate::package::{CacheSettings, DEFAULT_MAX_BYTES, PackageOptions};

#[derive(Debug, Args, Clone, Default)]
pub struct PackageArgs {
    /// The directory to zip [default: `source` in lamctl.toml, else .]; in a workspace, the
    /// members to package
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// More members to package (in a workspace)
    #[arg(value_name = "MEMBER", hide = true)]
    pub members: Vec<String>,

    #[command(flatten)]
    pub all: super::workspace::flags::AllFlags,

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

    /// Compress everything afresh: neither read nor write the package cache
    /// (LAMCTL_CACHE_DIR, default ~/.cache/lamctl)
    #[arg(long)]
    pub no_cache: bool,
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
    crate::package::check_output(&output)?;
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
        // The file the environment (secrets) is read from is never packaged.
        env_files: project
            .and_then(|p| p.file.env_file.as_ref().map(|f| p.dir().join(f)))
            .into_iter()
            .collect(),
        keep_symlinks: flags.keep_symlinks || settings.keep_symlinks,
        size_check: !flags.no_size_check,
        threads: 0,
        cache: if flags.no_cache { None } else { cache()? },
    })
}

/// The package cache: `LAMCTL_CACHE_DIR`, else `$XDG_CACHE_HOME/lamctl`,
/// else `~/.cache/lamctl` (none without a home); `LAMCTL_CACHE_MAX_MB`
/// bounds its size; `LAMCTL_CACHE_VERIFY` reads every file.
fn cache() -> Result<Option<CacheSettings>> {
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let dir = var("LAMCTL_CACHE_DIR")
        .or_else(|| {
            var("XDG_CACHE_HOME")
                .filter(|d| d.is_absolute())
                .map(|d| d.join("lamctl"))
        })
        .or_else(|| var("HOME").map(|h| h.join(".cache").join("lamctl")));
    let max_bytes = match std::env::var("LAMCTL_CACHE_MAX_MB") {
        Ok(v) if !v.is_empty() => v
            .parse::<u64>()
            .ok()
            .and_then(|mb| mb.checked_mul(1024 * 1024))
            .ok_or_else(|| {
                Error::usage(format!(
                    "LAMCTL_CACHE_MAX_MB={v} is not a number of megabytes"
                ))
                .with_hint("for example LAMCTL_CACHE_MAX_MB=2048; 0 keeps nothing")
            })?,
        _ => DEFAULT_MAX_BYTES,
    };
    // Any value but empty or 0: hash every file, trusting no fingerprint.
    let verify = std::env::var_os("LAMCTL_CACHE_VERIFY").is_some_and(|v| !v.is_empty() && v != "0");
    Ok(dir.map(|dir| CacheSettings {
        dir,
        max_bytes,
        verify,
        settle: crate::package::SETTLE,
    }))
}
