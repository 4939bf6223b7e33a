//! `lamctl delete [NAME]`: delete a function (or one published version).
//! On a terminal it asks first; without one it needs --yes, and without
//! --yes it stops (exit 2) before any AWS call.

use std::fmt;
use std::io::{BufRead, IsTerminal, Write};

use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::lambda::{delete_function, get_function, not_found};

#[derive(Debug, Clone)]
pub struct Settings {
    pub function: String,
    /// Only this published version.
    pub version: Option<String>,
    pub yes: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    function: String,
    version: Option<String>,
    region: String,
    deleted: bool,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let name = set.function.as_str();
    let what = match &set.version {
        Some(v) => format!("version {v} of function '{name}'"),
        None => format!("function '{name}'"),
    };
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !set.yes && !terminal {
        return Err(Error::usage(format!(
            "not deleting {what}: there is no terminal to confirm on"
        ))
        .with_hint("pass --yes to delete without asking"));
    }

    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    if get_function(&client, &aws, name).await?.is_none() {
        return Err(not_found(&aws, name, None));
    }
    let deleted = set.yes || confirm(&format!("delete {what} in {}?", aws.region.value))?;
    if deleted {
        delete_function(&client, &aws, name, set.version.as_deref()).await?;
    }
    ctx.ui.result(&Report {
        function: name.to_string(),
        version: set.version.clone(),
        region: aws.region.value.clone(),
        deleted,
    })
}

/// Ask on stderr, read the answer from stdin; only y or yes agrees.
fn confirm(question: &str) -> Result<bool> {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question} [y/N] ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Error::failed(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.version {
            Some(v) => format!("version {v} of {}", self.function),
            None => self.function.clone(),
        };
        if self.deleted {
            writeln!(f, "deleted {what} in {}", self.region)
        } else {
            writeln!(f, "not deleted: {what}")
        }
    }
}
