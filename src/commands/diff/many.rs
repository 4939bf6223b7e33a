//! `lamctl diff --all` / `diff NAME…` in a workspace: each member's diff,
//! several at once, in one result. With `--exit-code`, exit 4 when any
//! member differs; a member that cannot be compared (not deployed, an
//! AWS error) is reported and the run exits 1.

use std::fmt;

use serde::Serialize;

use super::{Report, Settings, against, local};
use crate::commands::Ctx;
use crate::commands::workspace::{self, Contexts, Member, Pool};
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct ManySettings {
    pub members: Vec<Member<Settings>>,
    pub pool: Pool,
    pub exit_code: bool,
}

#[derive(Debug, Serialize)]
struct Outcome {
    member: String,
    function: String,
    /// The member's diff (as `lamctl diff` prints it); null when it failed.
    diff: Option<Report>,
    error: Option<String>,
}

/// `diff --all --output json` (docs/json/diff-all.schema.json).
#[derive(Debug, Serialize)]
struct Many {
    total: usize,
    differ: usize,
    failed: usize,
    members: Vec<Outcome>,
}

pub async fn run(ctx: &Ctx<'_>, set: &ManySettings) -> Result<()> {
    let contexts = Contexts::default();
    let quiet = workspace::quiet(ctx.ui);
    let results = workspace::each(set.members.len(), set.pool, |i| {
        let (m, contexts, quiet) = (&set.members[i], &contexts, &quiet);
        async move {
            let package = local(quiet, &m.settings).await?;
            let aws = contexts.get(&m.aws).await?;
            against(&aws, &m.settings, package).await
        }
    })
    .await;
    let members: Vec<Outcome> = set
        .members
        .iter()
        .zip(results)
        .map(|(m, r)| {
            let (diff, error) = workspace::settled(r);
            Outcome {
                member: m.label.clone(),
                function: m.function.clone(),
                diff,
                error,
            }
        })
        .collect();
    let many = Many {
        total: members.len(),
        differ: members
            .iter()
            .filter(|o| o.diff.as_ref().is_some_and(|d| d.differs))
            .count(),
        failed: members.iter().filter(|o| o.error.is_some()).count(),
        members,
    };
    ctx.ui.result(&many)?;
    if many.failed > 0 {
        return Err(workspace::failed_members(many.failed, many.total));
    }
    if set.exit_code && many.differ > 0 {
        return Err(Error::Differences);
    }
    Ok(())
}

impl fmt::Display for Many {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for o in &self.members {
            match (&o.diff, &o.error) {
                (Some(d), _) => write!(f, "[{}] {d}", o.member)?,
                (None, Some(e)) => writeln!(f, "[{}] {}: failed: {e}", o.member, o.function)?,
                (None, None) => {}
            }
        }
        write!(
            f,
            "{} members: {} differ, {} failed",
            self.total, self.differ, self.failed
        )
    }
}
