//! `lamctl versions`'s flags.

use clap::Args;

use super::complete;
use super::config::Project;
use crate::commands::versions::{Prune, Settings};
use crate::error::{Error, Result};
use crate::lambda::limits;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  lamctl versions
  lamctl versions hello --prune --keep 5 --dry-run
  lamctl versions hello --prune --keep 5")]
pub struct VersionsArgs {
    /// The function [default: `name` in lamctl.toml]
    #[arg(value_name = "NAME", add = complete::functions())]
    pub name: Option<String>,

    /// Delete the oldest versions beyond --keep that no alias routes traffic to
    #[arg(long, requires = "keep")]
    pub prune: bool,

    /// How many of the newest versions --prune keeps (at least 1)
    #[arg(long, value_name = "N", requires = "prune")]
    pub keep: Option<u32>,

    /// With --prune: list what would be deleted; delete nothing
    #[arg(long, requires = "prune")]
    pub dry_run: bool,
}

impl VersionsArgs {
    pub fn settings(&self, project: Option<&Project>) -> Result<Settings> {
        let prune = match (self.prune, self.keep) {
            (true, Some(keep)) if keep < limits::KEEP_VERSIONS_MIN => {
                return Err(Error::usage(format!(
                    "--keep must be at least {}",
                    limits::KEEP_VERSIONS_MIN
                )));
            }
            (true, Some(keep)) => Some(Prune {
                keep,
                dry_run: self.dry_run,
            }),
            _ => None,
        };
        Ok(Settings {
            function: super::target::function(self.name.as_deref(), project)?,
            prune,
        })
    }
}
