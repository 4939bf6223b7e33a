//! `lamctl url`'s flags (the auth and invoke-mode values are deploy's).

use clap::Args;

use super::complete;
use super::config::Project;
use super::deploy::{InvokeMode, UrlAuth};
use crate::commands::url::{Change, Settings};
use crate::error::{Error, Result};
use crate::lambda::limits;
use crate::lambda::url::Cors;

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

    /// An allowed CORS origin (repeatable; any CORS flag replaces the whole CORS setting)
    #[arg(long, value_name = "ORIGIN")]
    pub cors_origin: Vec<String>,

    /// An allowed CORS method (repeatable)
    #[arg(long, value_name = "METHOD")]
    pub cors_method: Vec<String>,

    /// An allowed CORS header (repeatable)
    #[arg(long, value_name = "HEADER")]
    pub cors_header: Vec<String>,

    /// How long browsers may cache the CORS preflight, in seconds
    #[arg(long, value_name = "SECONDS")]
    pub cors_max_age: Option<i32>,

    /// Allow credentials (cookies) in CORS requests
    #[arg(long)]
    pub cors_credentials: bool,

    /// Delete the URL and lamctl's public permissions
    #[arg(long, conflicts_with_all = ["auth", "invoke_mode", "cors_origin", "cors_method", "cors_header", "cors_max_age", "cors_credentials"])]
    pub delete: bool,
}

impl UrlArgs {
    pub fn settings(&self, project: Option<&Project>) -> Result<Settings> {
        let function = super::target::function(self.name.as_deref(), project)?;
        let qualifier = match (&self.qualifier, &self.name) {
            (Some(q), _) => Some(q.clone()),
            (None, None) => project.and_then(|p| p.file.deploy.alias.clone()),
            (None, Some(_)) => None,
        };
        let qualifier = qualifier
            .map(|q| super::target::alias("--qualifier", &q))
            .transpose()?;
        let cors_given = !self.cors_origin.is_empty()
            || !self.cors_method.is_empty()
            || !self.cors_header.is_empty()
            || self.cors_max_age.is_some()
            || self.cors_credentials;
        if let Some(m) = self.cors_max_age {
            limits::CORS_MAX_AGE
                .check(m)
                .map_err(|e| Error::usage(format!("--cors-max-age: {e}")))?;
        }
        let change = if self.delete {
            Change::Delete
        } else if cors_given || self.auth.is_some() || self.invoke_mode.is_some() {
            Change::Set {
                auth: self.auth.map(Into::into),
                invoke_mode: self.invoke_mode.map(Into::into),
                cors: cors_given.then(|| Cors {
                    origins: self.cors_origin.clone(),
                    methods: self.cors_method.iter().map(|m| m.to_uppercase()).collect(),
                    headers: self.cors_header.clone(),
                    max_age: self.cors_max_age,
                    credentials: self.cors_credentials,
                }),
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
