//! `lamctl alias`'s flags.

use clap::Args;

use super::complete;
use super::config::Project;
use crate::commands::alias::{Change, Settings};
use crate::error::{Error, Result};
use crate::lambda::alias::{AliasState, check_route, weight};

#[derive(Debug, Args)]
// `--version` is the version to point at here, not lamctl's own.
#[command(
    disable_version_flag = true,
    override_usage = "lamctl alias [OPTIONS] [NAME] <ALIAS>"
)]
#[command(after_help = "Examples:
  lamctl alias live                          # show where `live` points
  lamctl alias hello live --version 7        # create it, or move it to 7
  lamctl alias hello live --weight 8=10      # send 10% of live's traffic to version 8
  lamctl alias hello staging --delete")]
pub struct AliasArgs {
    /// The function [default: `name` in lamctl.toml]; given alone, the value is the ALIAS
    #[arg(value_name = "NAME", add = complete::function_then_alias())]
    pub first: Option<String>,

    /// The alias (required; `lamctl alias ALIAS` takes the function from lamctl.toml)
    #[arg(value_name = "ALIAS", add = complete::aliases())]
    pub second: Option<String>,

    /// Point the alias at this version (creates the alias when missing; clears weights unless
    /// --weight is given)
    #[arg(id = "to_version", long = "version", value_name = "VERSION", add = complete::versions())]
    pub version: Option<String>,

    /// Route PERCENT of the alias's traffic to version V2 (a canary); the alias keeps its version
    #[arg(long, value_name = "V2=PERCENT", value_parser = parse_weight)]
    pub weight: Option<(String, f64)>,

    /// Delete the alias
    #[arg(long, conflicts_with_all = ["to_version", "weight"])]
    pub delete: bool,
}

fn parse_weight(s: &str) -> std::result::Result<(String, f64), String> {
    let (v, p) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}' is not V2=PERCENT"))?;
    let p = p.trim_end_matches('%');
    match (v.parse::<u64>(), p.parse::<f64>()) {
        (Ok(n), Ok(p)) if n > 0 && p > 0.0 && p < 100.0 => Ok((v.to_string(), p)),
        _ => Err(format!(
            "'{s}' is not V2=PERCENT (a published version and a percentage between 0 and 100, exclusive)"
        )),
    }
}

impl AliasArgs {
    pub fn settings(&self, project: Option<&Project>) -> Result<Settings> {
        // Both values are optional to clap, so that each wrong shape gets
        // one clear error here rather than clap's `<NAME> [ALIAS]...`.
        let usage = "usage: lamctl alias [OPTIONS] [NAME] <ALIAS> (see 'lamctl alias --help')";
        let (name, alias) = match (&self.first, &self.second) {
            (Some(alias), None) => (None, alias),
            (Some(name), Some(alias)) => (Some(name.as_str()), alias),
            _ => return Err(Error::usage("ALIAS is required").with_hint(usage)),
        };
        if name.is_none() && Project::default_function(project).is_none() {
            return Err(Error::usage(format!(
                "no function for alias '{alias}': lamctl.toml names none"
            ))
            .with_hint("give NAME ALIAS, or set `name` in lamctl.toml"));
        }
        let function = super::target::function(name, project)?;
        let alias = super::target::alias("ALIAS", alias)?;
        let version = match &self.version {
            Some(v) if v == "$LATEST" => Some(v.clone()),
            Some(v) => Some(super::target::version("--version", v)?),
            None => None,
        };
        let change = if self.delete {
            Change::Delete
        } else if version.is_some() || self.weight.is_some() {
            Change::Route {
                version,
                weight: self.weight.as_ref().map(|(v, p)| (v.clone(), weight(*p))),
            }
        } else {
            Change::Show
        };
        // When the flags alone show a route Lambda refuses, no call is made.
        if let Change::Route {
            version: Some(v),
            weight: Some((v2, w)),
        } = &change
        {
            let to = AliasState {
                name: alias.clone(),
                version: v.clone(),
                weights: [(v2.clone(), *w)].into(),
            };
            check_route(&to).map_err(Error::usage)?;
        }
        Ok(Settings {
            function,
            alias,
            change,
        })
    }
}
