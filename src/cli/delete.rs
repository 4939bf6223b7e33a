//! `lamctl delete`'s flags.

use clap::Args;

use super::complete;
use super::config::Project;
use crate::commands::delete::Settings;
use crate::error::Result;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  lamctl delete hello                        # asks first
  lamctl delete hello --yes                  # in a script (required without a terminal)
  lamctl delete hello --qualifier 3 --yes    # one published version
  lamctl delete hello --yes --with-role      # and the role `deploy --create-role` made")]
pub struct DeleteArgs {
    /// The function [default: `name` in lamctl.toml]
    #[arg(value_name = "NAME", add = complete::functions())]
    pub name: Option<String>,

    /// Do not ask; required when stdin or stderr is not a terminal
    #[arg(short, long)]
    pub yes: bool,

    /// Delete only this published version
    #[arg(long, value_name = "VERSION", add = complete::versions())]
    pub qualifier: Option<String>,

    /// Delete the function's execution role too, when lamctl created it (its tag proves it)
    #[arg(long, conflicts_with = "qualifier")]
    pub with_role: bool,
}

impl DeleteArgs {
    pub fn settings(&self, project: Option<&Project>) -> Result<Settings> {
        Ok(Settings {
            function: super::target::function(self.name.as_deref(), project)?,
            version: self
                .qualifier
                .as_deref()
                .map(|v| super::target::version("--qualifier", v))
                .transpose()?,
            yes: self.yes,
            with_role: self.with_role,
        })
    }
}
