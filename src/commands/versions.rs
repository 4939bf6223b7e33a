//! `lamctl versions [NAME]`: the published versions with the aliases on
//! each; `--prune --keep N` deletes the oldest beyond N that no alias
//! routes traffic to, through the same prune as `deploy --keep-versions`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::Ctx;
use crate::error::Result;
use crate::lambda::alias;
use crate::lambda::require_function;
use crate::lambda::versions::{self, VersionInfo};
use crate::output::table;

#[derive(Debug, Clone)]
pub struct Settings {
    pub function: String,
    pub prune: Option<Prune>,
}

#[derive(Debug, Clone, Copy)]
pub struct Prune {
    pub keep: u32,
    pub dry_run: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    function: String,
    versions: Vec<Version>,
    /// With --prune: the versions deleted (or, with --dry-run, that would be).
    #[serde(skip_serializing_if = "Option::is_none")]
    pruned: Option<Vec<String>>,
    dry_run: bool,
}

#[derive(Debug, Serialize)]
struct Version {
    #[serde(flatten)]
    info: VersionInfo,
    /// Aliases routing traffic to it (with a weight when it is a canary).
    aliases: Vec<String>,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let name = set.function.as_str();
    // ListVersionsByFunction of a missing function is an empty list: check.
    require_function(&client, &aws, name).await?;
    let (listed, aliases) = tokio::try_join!(
        versions::list_detailed(&client, &aws, name),
        alias::list(&client, &aws, name)
    )?;

    let mut pruned = None;
    if let Some(p) = set.prune {
        let numbers: Vec<u64> = listed.iter().map(|v| v.version).collect();
        let spared = alias::aliased_versions(&aliases);
        let doomed = versions::to_prune(&numbers, p.keep, &spared);
        pruned = Some(match p.dry_run {
            true => doomed,
            false => versions::prune(&client, &aws, name, &doomed).await?,
        });
    }

    let mut on: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in &aliases {
        on.entry(a.version.clone())
            .or_default()
            .push(a.name.clone());
        for (v, w) in &a.weights {
            on.entry(v.clone())
                .or_default()
                .push(format!("{} ({}%)", a.name, alias::percent(*w)));
        }
    }
    let kept = |v: &VersionInfo| {
        set.prune.is_none_or(|p| p.dry_run)
            || !pruned
                .as_ref()
                .is_some_and(|d| d.contains(&v.version.to_string()))
    };
    let report = Report {
        function: name.to_string(),
        versions: listed
            .into_iter()
            .filter(kept)
            .map(|info| Version {
                aliases: on.remove(&info.version.to_string()).unwrap_or_default(),
                info,
            })
            .collect(),
        pruned,
        dry_run: set.prune.is_some_and(|p| p.dry_run),
    };
    ctx.ui.result(&report)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.pruned {
            let verb = if self.dry_run {
                "would delete"
            } else {
                "deleted"
            };
            match p.as_slice() {
                [] => writeln!(f, "nothing to prune")?,
                p => writeln!(f, "{verb} versions: {}", p.join(", "))?,
            }
            if self.dry_run {
                writeln!(f)?;
            } else {
                return Ok(());
            }
        }
        if self.versions.is_empty() {
            return writeln!(f, "{} has no published versions", self.function);
        }
        let mut rows = vec![
            [
                "VERSION",
                "LAST MODIFIED",
                "CODE SHA256",
                "ALIASES",
                "DESCRIPTION",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for v in &self.versions {
            rows.push(vec![
                v.info.version.to_string(),
                v.info.last_modified.clone().unwrap_or_default(),
                v.info.code_sha256.clone().unwrap_or_default(),
                v.aliases.join(", "),
                v.info.description.clone(),
            ]);
        }
        f.write_str(&table(&rows))
    }
}
