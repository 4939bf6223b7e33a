//! `lamctl diff`'s flags: deploy's definition and packaging flags, resolved
//! through deploy's own conversion, so diff compares exactly what a deploy
//! would deploy.

use std::path::PathBuf;

use clap::Args;

use super::config::{FunctionSpec, Project};
use super::deploy::DeployArgs;
use super::package::PackFlags;
use crate::commands::diff::Settings;
use crate::error::Result;
use crate::lambda::triggers::Declared;

#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  lamctl diff                                # what a deploy from here would change
  lamctl diff --exit-code                    # in CI: exit 4 when the function drifted
  lamctl diff --memory 512 --show-values")]
pub struct DiffArgs {
    /// The directory a deploy would package [default: `source` in lamctl.toml, else .]; in a
    /// workspace, the members to compare
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// More members to compare (in a workspace)
    #[arg(value_name = "MEMBER", hide = true)]
    pub members: Vec<String>,

    #[command(flatten)]
    pub all: super::workspace::flags::AllFlags,

    #[command(flatten)]
    pub spec: FunctionSpec,

    #[command(flatten)]
    pub pack: PackFlags,

    /// Exit 4 when there are differences (0 when there are none)
    #[arg(long)]
    pub exit_code: bool,

    /// Show environment variable values instead of masking them
    #[arg(long)]
    pub show_values: bool,
}

impl DiffArgs {
    pub fn settings(&self, project: Option<&Project>) -> Result<Settings> {
        let deploy = DeployArgs {
            dir: self.dir.clone(),
            spec: self.spec.clone(),
            pack: self.pack.clone(),
            ..Default::default()
        };
        let desired = deploy.desired(project)?;
        let triggers = desired.triggers.then(|| Declared {
            api: desired.api.clone(),
            s3: desired.s3.clone(),
        });
        Ok(Settings {
            function: desired.name,
            definition: desired.definition,
            event_sources: desired.event_sources,
            schedules: desired.schedules,
            package: deploy.package_options(project)?,
            exit_code: self.exit_code,
            show_values: self.show_values,
            triggers,
        })
    }
}
