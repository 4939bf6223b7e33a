//! `lamctl rollback`'s flags.

use clap::Args;

use super::complete;
use super::config::Project;
use crate::commands::rollback::Settings;
use crate::error::Result;

/// The alias a rollback moves when neither --alias nor lamctl.toml names one.
pub const DEFAULT_ALIAS: &str = "live";

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  lamctl rollback                            # move lamctl.toml's alias (else live) back one
  lamctl rollback hello --alias prod
  lamctl rollback hello --to 12")]
pub struct RollbackArgs {
    /// The function [default: `name` in lamctl.toml]
    #[arg(value_name = "NAME", add = complete::functions())]
    pub name: Option<String>,

    /// The alias to move [default: deploy.alias in lamctl.toml, else live]
    #[arg(long, value_name = "ALIAS", add = complete::aliases())]
    pub alias: Option<String>,

    /// The version to move it to [default: the version before the one it points at]
    #[arg(long, value_name = "VERSION", add = complete::versions())]
    pub to: Option<String>,
}

impl RollbackArgs {
    pub fn settings(&self, project: Option<&Project>) -> Result<Settings> {
        let alias = self
            .alias
            .clone()
            .or_else(|| project.and_then(|p| p.file.deploy.alias.clone().map(String::from)))
            .unwrap_or_else(|| DEFAULT_ALIAS.to_string());
        Ok(Settings {
            function: super::target::function(self.name.as_deref(), project)?,
            alias: super::target::alias("--alias", &alias)?,
            to: self
                .to
                .as_deref()
                .map(|v| super::target::version("--to", v))
                .transpose()?,
        })
    }
}
