//! `lamctl alias`'s flags.

use clap::Args;

use super::complete;
use super::config::Project;
use crate::commands::alias::{Change, Settings};
use crate::error::{Error, Result};
use crate::lambda::alias::weight;

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
    /// [NAME] ALIAS: the function [default: `name` in lamctl.toml] and the alias
    #[arg(
        value_names = ["NAME", "ALIAS"],
        num_args = 1..=2,
        required = true,
        add = complete::function_then_alias()
    )]
    pub target: Vec<String>,

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
        let (name, alias) = match self.target.as_slice() {
            [alias] => (None, alias),
            [name, alias] => (Some(name.as_str()), alias),
            _ => return Err(Error::usage("give [NAME] ALIAS")),
        };
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
        if let (Some(v), Some((v2, _))) = (&self.version, &self.weight)
            && v == v2
        {
            return Err(Error::usage(format!(
                "--weight {v2}=…: the alias already points at version {v}"
            )));
        }
        Ok(Settings {
            function,
            alias,
            change,
        })
    }
}
