//! `lamctl rollback [NAME]`: move an alias back. Without --to it goes to
//! the newest published version older than the one it points at — unless
//! a canary is in progress, which is rolled back by cancelling it: the
//! alias stays on its own (stable) version and the weights are cleared.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::lambda::alias::{self, AliasState};
use crate::lambda::versions;

#[derive(Debug, Clone)]
pub struct Settings {
    pub function: String,
    pub alias: String,
    pub to: Option<String>,
}

#[derive(Debug, Serialize)]
struct Report {
    function: String,
    from: AliasState,
    to: AliasState,
    /// A canary's weights were cleared.
    canary_cancelled: bool,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let (name, a) = (set.function.as_str(), set.alias.as_str());
    let current = alias::require(&client, &aws, name, a).await?;
    let published = versions::list(&client, &aws, name).await?;
    let canary = !current.weights.is_empty();

    let target = match &set.to {
        Some(v) => {
            versions::require_published(&published, name, v)?;
            v.clone()
        }
        None if canary => current.version.clone(),
        None => versions::previous(&published, &current.version)
            .map(|v| v.to_string())
            .ok_or_else(|| {
                Error::failed(format!(
                    "alias {a} of '{name}' points at version {}: there is no earlier version to roll back to",
                    current.version
                ))
                .with_hint(format!("`lamctl versions {name}` lists the published ones"))
            })?,
    };
    let to = AliasState {
        name: a.to_string(),
        version: target,
        weights: BTreeMap::new(),
    };
    if to != current {
        alias::update(&client, &aws, name, &to).await?;
    }
    ctx.ui.result(&Report {
        function: name.to_string(),
        canary_cancelled: canary,
        from: current,
        to,
    })
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            return writeln!(f, "{} already points at {}", self.to.name, self.to.version);
        }
        // `--to` may name a newer version: say which way the alias moved.
        let newer = matches!(
            (self.from.version.parse::<u64>(), self.to.version.parse::<u64>()),
            (Ok(from), Ok(to)) if to > from
        );
        let verb = if newer {
            "rolled forward"
        } else {
            "rolled back"
        };
        write!(f, "{verb} {} (was {})", self.to, self.from)?;
        if self.canary_cancelled {
            write!(f, "; canary cancelled")?;
        }
        writeln!(f)
    }
}
