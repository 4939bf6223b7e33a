//! `lamctl list`: the region's functions, every page.

use std::fmt;

use serde::Serialize;

use super::Ctx;
use crate::error::Result;
use crate::lambda::{FunctionSummary, list_functions};
use crate::output::{bytes, table};

#[derive(Debug, Clone)]
pub struct Settings {
    pub prefix: Option<String>,
}

#[derive(Debug, Serialize)]
struct Listing {
    region: String,
    /// The `--prefix` the names were filtered by.
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
    functions: Vec<FunctionSummary>,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let functions = list_functions(&client, &aws, set.prefix.as_deref()).await?;
    ctx.ui.result(&Listing {
        region: aws.region.value.clone(),
        prefix: set.prefix.clone(),
        functions,
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
            ]);
        }
        f.write_str(&table(&rows))
    }
}
