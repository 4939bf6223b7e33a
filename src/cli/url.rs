//! `lamctl url`'s flags (the auth and invoke-mode values are deploy's).

use clap::Args;

use super::complete;
use super::config::Project;
use super::config::UrlSettings;
use super::deploy::{CorsFlags, InvokeMode, UrlAuth};
use crate::commands::url::{Change, Settings};
use crate::error::Result;

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  lamctl url                                 # show the function URL
  lamctl url hello --auth none --cors-origin https://example.com
  lamctl url hello --qualifier live --auth aws-iam
  lamctl url hello --delete")]
pub struct UrlArgs {
    /// The function [default: `name` in lamctl.toml]
    #[arg(value_name = "NAME", add = complete::functions())]
    pub name: Option<String>,

    /// The alias the URL belongs to [default: deploy.alias in lamctl.toml when NAME is not given]
    #[arg(long, value_name = "ALIAS", add = complete::aliases())]
    pub qualifier: Option<String>,

    /// Who may call the URL (creates the URL when missing)
    #[arg(long, value_enum, value_name = "AUTH")]
    pub auth: Option<UrlAuth>,

    /// How the URL returns responses
    #[arg(long, value_enum, value_name = "MODE")]
    pub invoke_mode: Option<InvokeMode>,

    /// Any CORS flag replaces the URL's whole CORS setting
    #[command(flatten)]
    pub cors: CorsFlags,

    /// Delete the URL and lamctl's public permissions
    #[arg(long, conflicts_with_all = ["auth", "invoke_mode", "cors_origin", "cors_method", "cors_header", "cors_max_age", "cors_credentials"], help_heading = None)]
    pub delete: bool,
}

impl UrlArgs {
    pub fn settings(&self, project: Option<&Project>) -> Result<Settings> {
        let function = super::target::function(self.name.as_deref(), project)?;
        let qualifier = match (&self.qualifier, &self.name) {
            (Some(q), _) => Some(q.clone()),
            (None, None) => project.and_then(|p| p.file.deploy.alias.clone().map(String::from)),
            (None, Some(_)) => None,
        };
        let qualifier = qualifier
            .map(|q| super::target::alias("--qualifier", &q))
            .transpose()?;
        let cors_given = self.cors.given();
        let change = if self.delete {
            Change::Delete
        } else if cors_given || self.auth.is_some() || self.invoke_mode.is_some() {
            Change::Set {
                auth: self.auth.map(Into::into),
                invoke_mode: self.invoke_mode.map(Into::into),
                cors: cors_given
                    .then(|| self.cors.over(&UrlSettings::default()))
                    .transpose()?,
            }
        } else {
            Change::Show
        };
        Ok(Settings {
            function,
            qualifier,
            change,
        })
    }
}
