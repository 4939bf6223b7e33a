//! `lamctl info`'s flags.

use clap::Args;

use super::complete;
use super::config::Project;
use crate::commands::info::Settings;
use crate::error::Result;

#[derive(Debug, Args, Clone)]
#[command(after_help = "Examples:
  lamctl info
  lamctl info hello --show-values
  lamctl info hello --output json | jq .aliases")]
pub struct InfoArgs {
    /// The function [default: `name` in lamctl.toml]; in a workspace, the members to show as a
    /// table
    #[arg(value_name = "NAME", add = complete::functions())]
    pub name: Option<String>,

    /// More members to show (in a workspace)
    #[arg(value_name = "MEMBER", hide = true)]
    pub members: Vec<String>,

    #[command(flatten)]
    pub all: super::workspace::flags::AllFlags,

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
