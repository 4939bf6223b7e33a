//! `lamctl concurrency`'s flags.

use clap::Args;

use super::complete;
use super::config::Project;
use crate::commands::concurrency::{Provisioned, Settings};
use crate::error::{Error, Result};
use crate::lambda::concurrency::Concurrency;
use crate::lambda::config::value::{ProvisionedConcurrency, ReservedConcurrency};

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  lamctl concurrency                         # show reserved and provisioned concurrency
  lamctl concurrency hello 50                # reserve 50
  lamctl concurrency hello --delete          # remove the reservation
  lamctl concurrency hello --provisioned 5 --qualifier live")]
pub struct ConcurrencyArgs {
    /// The function [default: `name` in lamctl.toml]
    #[arg(value_name = "NAME", add = complete::functions())]
    pub name: Option<String>,

    /// Reserved concurrency to set (0 stops every invocation)
    #[arg(value_name = "N")]
    pub reserved: Option<i32>,

    /// Remove the reserved concurrency
    #[arg(long, conflicts_with = "reserved")]
    pub delete: bool,

    /// Provisioned concurrency to set on --qualifier; waits until it is ready
    #[arg(long, value_name = "N", requires = "qualifier")]
    pub provisioned: Option<i32>,

    /// Remove the provisioned concurrency of --qualifier
    #[arg(long, requires = "qualifier", conflicts_with = "provisioned")]
    pub delete_provisioned: bool,

    /// The alias or version whose provisioned concurrency is shown or changed
    #[arg(long, value_name = "QUALIFIER", add = complete::qualifiers())]
    pub qualifier: Option<String>,
}

impl ConcurrencyArgs {
    pub fn settings(&self, project: Option<&Project>) -> Result<Settings> {
        // `lamctl concurrency 50` with the function from lamctl.toml: a
        // number alone is N, not NAME (a function name may be digits, but
        // rarely; pass both to be explicit).
        let (name, reserved) = match (&self.name, self.reserved) {
            (Some(n), None)
                if n.parse::<i32>().is_ok() && Project::default_function(project).is_some() =>
            {
                (None, n.parse::<i32>().ok())
            }
            (n, r) => (n.as_deref(), r),
        };
        let function = super::target::function(name, project)?;
        // The rules deploy's flags and [deploy] apply (`lambda/limits.rs`).
        if let Some(n) = reserved {
            ReservedConcurrency::new(n).map_err(Error::usage)?;
        }
        if let Some(n) = self.provisioned {
            ProvisionedConcurrency::new(n)
                .map_err(|e| Error::usage(e).with_hint("--delete-provisioned removes it"))?;
        }
        let qualifier = match &self.qualifier {
            Some(q) => Some(
                crate::lambda::names::qualifier(q)
                    .map(|_| q.clone())
                    .map_err(|e| Error::usage(format!("--qualifier: {e}")))?,
            ),
            None => None,
        };
        if qualifier.as_deref() == Some("$LATEST") {
            return Err(Error::usage(
                "--qualifier: provisioned concurrency needs an alias or a published version, not $LATEST",
            ));
        }
        Ok(Settings {
            function,
            reserved: match (reserved, self.delete) {
                (Some(n), _) => Some(Concurrency::Set(n)),
                (None, true) => Some(Concurrency::Remove),
                (None, false) => None,
            },
            provisioned: match (self.provisioned, self.delete_provisioned) {
                (Some(n), _) => Some(Provisioned::Set(n)),
                (None, true) => Some(Provisioned::Remove),
                (None, false) => None,
            },
            qualifier,
        })
    }
}
