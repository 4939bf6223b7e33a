//! `lamctl info --all` / `info NAME…` in a workspace: one row per member
//! (GetFunction each, several at once): a table, or one JSON document.

use std::fmt;

use serde::Serialize;

use crate::commands::Ctx;
use crate::commands::workspace::{self, Contexts, Member, Pool};
use crate::error::Result;
use crate::lambda::get_function;
use crate::output::{bytes, table};

#[derive(Debug, Clone)]
pub struct ManySettings {
    pub members: Vec<Member<()>>,
    pub pool: Pool,
}

/// One member's row (docs/json/info-all.schema.json).
#[derive(Debug, Default, Serialize)]
struct Row {
    member: String,
    function: String,
    region: Option<String>,
    deployed: bool,
    runtime: Option<String>,
    memory: Option<i32>,
    timeout: Option<i32>,
    state: Option<String>,
    last_update_status: Option<String>,
    last_modified: Option<String>,
    code_sha256: Option<String>,
    code_size: Option<i64>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct Many {
    members: Vec<Row>,
}

pub async fn run(ctx: &Ctx<'_>, set: &ManySettings) -> Result<()> {
    let contexts = Contexts::default();
    let results = workspace::each(set.members.len(), set.pool, |i| {
        let (m, contexts) = (&set.members[i], &contexts);
        async move {
            let aws = contexts.get(&m.aws).await?;
            let client = aws.lambda().await;
            let f = get_function(&client, &aws, &m.function).await?;
            Ok((aws.region.value.clone(), f))
        }
    })
    .await;
    let mut failed = 0;
    let members: Vec<Row> = set
        .members
        .iter()
        .zip(results)
        .map(|(m, r)| {
            let mut row = Row {
                member: m.label.clone(),
                function: m.function.clone(),
                ..Default::default()
            };
            let (value, error) = workspace::settled(r);
            if error.is_some() {
                failed += 1;
            }
            row.error = error;
            if let Some((region, f)) = value {
                row.region = Some(region);
                if let Some(c) = f.and_then(|f| f.configuration) {
                    row.deployed = true;
                    row.runtime = c.runtime().map(|r| r.as_str().to_string());
                    row.memory = c.memory_size();
                    row.timeout = c.timeout();
                    row.state = c.state().map(|s| s.as_str().to_string());
                    row.last_update_status = c.last_update_status().map(|s| s.as_str().to_string());
                    row.last_modified = c.last_modified().map(String::from);
                    row.code_sha256 = c.code_sha256().map(String::from);
                    row.code_size = Some(c.code_size());
                }
            }
            row
        })
        .collect();
    let total = members.len();
    ctx.ui.result(&Many { members })?;
    match failed {
        0 => Ok(()),
        n => Err(workspace::failed_members(n, total)),
    }
}

impl fmt::Display for Many {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dash = || "-".to_string();
        let mut rows = vec![
            [
                "MEMBER",
                "FUNCTION",
                "RUNTIME",
                "MEMORY",
                "TIMEOUT",
                "STATE",
                "LAST MODIFIED",
                "CODE SIZE",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for r in &self.members {
            let state = match (&r.error, r.deployed) {
                (Some(e), _) => format!("error: {e}"),
                (None, false) => "not deployed".to_string(),
                (None, true) => match (&r.state, &r.last_update_status) {
                    (Some(s), Some(u)) if u != "Successful" => format!("{s} ({u})"),
                    (Some(s), _) => s.clone(),
                    (None, _) => dash(),
                },
            };
            rows.push(vec![
                r.member.clone(),
                r.function.clone(),
                r.runtime.clone().unwrap_or_else(dash),
                r.memory.map_or_else(dash, |m| format!("{m} MB")),
                r.timeout.map_or_else(dash, |t| format!("{t} s")),
                state,
                r.last_modified.clone().unwrap_or_else(dash),
                r.code_size.map_or_else(dash, |s| bytes(s.max(0) as u64)),
            ]);
        }
        f.write_str(&table(&rows))
    }
}
