//! `lamctl info`'s flags.

use clap::Args;

use super::complete;
use super::config::Project;
use crate::commands::info::Settings;
use crate::error::Result;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  lamctl info
  lamctl info hello --show-values
  lamctl info hello --output json | jq .aliases")]
pub struct InfoArgs {
    /// The function [default: `name` in lamctl.toml]
    #[arg(value_name = "NAME", add = complete::functions())]
    pub name: Option<String>,

    /// Show environment variable values, not only their names
    #[arg(long)]
    pub show_values: bool,
}

impl InfoArgs {
    pub fn settings(&self, project: Option<&Project>) -> Result<Settings> {
        Ok(Settings {
            function: super::target::function(self.name.as_deref(), project)?,
            show_values: self.show_values,
        })
    }
}
