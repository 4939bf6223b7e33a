//! `lamctl alias [NAME] ALIAS`: show an alias, create or move it, shift a
//! share of its traffic to another version (a canary), or delete it —
//! through the core's alias functions, which deploy uses too.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::lambda::alias::{self, AliasState};
use crate::lambda::{require_function, versions};

#[derive(Debug, Clone)]
pub struct Settings {
    pub function: String,
    pub alias: String,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Show,
    /// Point at `version` (default: where it points now) with the extra
    /// version and its share (0-1), or no weights.
    Route {
        version: Option<String>,
        weight: Option<(String, f64)>,
    },
    Delete,
}

#[derive(Debug, Serialize)]
struct Report {
    function: String,
    /// `shown`, `created`, `updated`, `unchanged` or `deleted`.
    action: &'static str,
    alias: AliasState,
    /// Where it pointed before a change.
    #[serde(skip_serializing_if = "Option::is_none")]
    previous: Option<AliasState>,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let (name, a) = (set.function.as_str(), set.alias.as_str());
    let report = |action, alias, previous| Report {
        function: name.to_string(),
        action,
        alias,
        previous,
    };
    let r = match &set.change {
        Change::Show => report("shown", alias::require(&client, &aws, name, a).await?, None),
        Change::Delete => {
            let current = alias::require(&client, &aws, name, a).await?;
            alias::delete(&client, &aws, name, a).await?;
            report("deleted", current, None)
        }
        Change::Route { version, weight } => {
            let current = alias::get(&client, &aws, name, a).await?;
            if current.is_none() {
                require_function(&client, &aws, name).await?;
            }
            let version = match (version, &current) {
                (Some(v), _) => v.clone(),
                (None, Some(c)) => c.version.clone(),
                (None, None) => {
                    return Err(alias::require(&client, &aws, name, a)
                        .await
                        .err()
                        .unwrap_or_else(|| {
                            Error::usage("--weight needs an alias that exists, or --version")
                        }));
                }
            };
            let to = AliasState {
                name: a.to_string(),
                version,
                weights: weight.iter().cloned().collect::<BTreeMap<_, _>>(),
            };
            // Before any write: a weight on the alias's own version, or on
            // an alias of $LATEST, is refused here rather than half-done.
            alias::check_route(&to).map_err(|m| {
                Error::failed(m).with_hint(format!(
                    "`lamctl alias {name} {a}` shows where it points; --version moves it"
                ))
            })?;
            check_versions(&client, &aws, name, &to).await?;
            match &current {
                None => {
                    alias::create(&client, &aws, name, &to).await?;
                    report("created", to, None)
                }
                Some(c) if *c == to => report("unchanged", to, None),
                Some(c) => {
                    alias::update(&client, &aws, name, &to).await?;
                    report("updated", to, Some(c.clone()))
                }
            }
        }
    };
    ctx.ui.result(&r)
}

/// Every version the alias is to route to is published: a clear error
/// instead of Lambda's.
async fn check_versions(
    client: &aws_sdk_lambda::Client,
    aws: &crate::aws::AwsContext,
    name: &str,
    to: &AliasState,
) -> Result<()> {
    let published = versions::list(client, aws, name).await?;
    for v in to.versions() {
        versions::require_published(&published, name, &v)?;
    }
    Ok(())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let now = &self.alias;
        match (self.action, &self.previous) {
            ("updated", Some(p)) => writeln!(f, "updated {now} (was {})", p),
            ("shown", _) => writeln!(f, "{now}"),
            (action, _) => writeln!(f, "{action} {now}"),
        }
    }
}
