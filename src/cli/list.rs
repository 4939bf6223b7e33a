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
    #[arg(long, value_name = "PREFIX", value_parser = name_prefix)]
    pub prefix: Option<String>,
}

/// A prefix of a function name has a name's characters (else nothing
/// could match it).
fn name_prefix(s: &str) -> Result<String, String> {
    crate::lambda::names::function_name(s)
        .map(|()| s.to_string())
        .map_err(|_| format!("'{s}' cannot start a function name: use letters, digits, - or _"))
}

impl ListArgs {
    pub fn settings(&self) -> Settings {
        Settings {
            prefix: self.prefix.clone(),
            members: Default::default(),
        }
    }
}
