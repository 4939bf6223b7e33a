//! `lamctl list`'s flags.

use clap::Args;

use crate::commands::list::Settings;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  lamctl list
  lamctl list --prefix orders-
  lamctl list --output json | jq -r '.functions[].name'")]
pub struct ListArgs {
    /// Only functions whose name starts with this
    #[arg(long, value_name = "PREFIX")]
    pub prefix: Option<String>,
}

impl ListArgs {
    pub fn settings(&self) -> Settings {
        Settings {
            prefix: self.prefix.clone(),
        }
    }
}
