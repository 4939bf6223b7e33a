//! `lamctl list`: the region's functions, every page.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::Ctx;
use crate::error::Result;
use crate::lambda::{FunctionSummary, list_functions};
use crate::output::{bytes, table};

#[derive(Debug, Clone)]
pub struct Settings {
    pub prefix: Option<String>,
    /// In a workspace: each member's function and its directory.
    pub members: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
struct Listing {
    region: String,
    /// The `--prefix` the names were filtered by.
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
    functions: Vec<FunctionSummary>,
    /// In a workspace: the deployed functions that are members (name ->
    /// the member's directory); absent outside one.
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_members: Option<BTreeMap<String, String>>,
    /// In a workspace: members whose function is not deployed (in this
    /// region, under the prefix).
    #[serde(skip_serializing_if = "Option::is_none")]
    not_deployed: Option<Vec<String>>,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let functions = list_functions(&client, &aws, set.prefix.as_deref()).await?;
    let in_ws = !set.members.is_empty();
    let deployed: BTreeMap<String, String> = functions
        .iter()
        .filter_map(|f| {
            set.members
                .get(&f.name)
                .map(|m| (f.name.clone(), m.clone()))
        })
        .collect();
    let prefix = set.prefix.as_deref().unwrap_or_default();
    let missing: Vec<String> = set
        .members
        .keys()
        .filter(|n| n.starts_with(prefix) && !deployed.contains_key(*n))
        .cloned()
        .collect();
    ctx.ui.result(&Listing {
        region: aws.region.value.clone(),
        prefix: set.prefix.clone(),
        functions,
        workspace_members: in_ws.then_some(deployed),
        not_deployed: in_ws.then_some(missing),
    })
}

impl fmt::Display for Listing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.functions.is_empty() {
            return match &self.prefix {
                Some(p) => writeln!(f, "no function in {} matches the prefix '{p}'", self.region),
                None => writeln!(f, "no functions in {}", self.region),
            };
        }
        let dash = || "-".to_string();
        let mut rows = vec![
            [
                "NAME",
                "RUNTIME",
                "MEMORY",
                "TIMEOUT",
                "LAST MODIFIED",
                "CODE SIZE",
                "MEMBER",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for s in &self.functions {
            rows.push(vec![
                s.name.clone(),
                s.runtime.clone().unwrap_or_else(dash),
                s.memory.map_or_else(dash, |m| format!("{m} MB")),
                s.timeout.map_or_else(dash, |t| format!("{t} s")),
                s.last_modified.clone().unwrap_or_else(dash),
                bytes(s.code_size.max(0) as u64),
                self.workspace_members
                    .as_ref()
                    .and_then(|m| m.get(&s.name).cloned())
                    .unwrap_or_default(),
            ]);
        }
        if self.workspace_members.is_none() {
            rows.iter_mut().for_each(|r| {
                r.pop();
            });
        }
        f.write_str(&table(&rows))?;
        if let Some(missing) = self.not_deployed.as_ref().filter(|m| !m.is_empty()) {
            writeln!(f, "members not deployed: {}", missing.join(", "))?;
        }
        Ok(())
    }
}
