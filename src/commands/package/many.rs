//! `lamctl package --all` / `package NAME…` in a workspace: every member's
//! zip (a few at once: each packager uses every core), one result listing
//! them. A member that fails to package is reported; the run exits 1.

use std::fmt;

use serde::Serialize;

use crate::commands::Ctx;
use crate::commands::workspace::{self, Member, Pool};
use crate::error::{Error, Result};
use crate::package::{PackageOptions, PackageReport, package};

#[derive(Debug, Clone)]
pub struct ManySettings {
    pub members: Vec<Member<PackageOptions>>,
    pub pool: Pool,
}

#[derive(Debug, Serialize)]
struct Outcome {
    member: String,
    function: String,
    /// The package (as `lamctl package -o json` prints it); null on failure.
    package: Option<PackageReport>,
    error: Option<String>,
}

/// docs/json/package-all.schema.json
#[derive(Debug, Serialize)]
struct Many {
    members: Vec<Outcome>,
}

pub async fn run(ctx: &Ctx<'_>, set: &ManySettings) -> Result<()> {
    let pool = Pool {
        jobs: set
            .pool
            .jobs
            .min(std::thread::available_parallelism().map_or(2, |n| n.get())),
        ..set.pool
    };
    let results = workspace::each(set.members.len(), pool, |i| {
        let opts = set.members[i].settings.clone();
        async move {
            tokio::task::spawn_blocking(move || package(&opts, &()))
                .await
                .map_err(|e| Error::failed(format!("packaging stopped: {e}")))?
        }
    })
    .await;
    let members: Vec<Outcome> = set
        .members
        .iter()
        .zip(results)
        .map(|(m, r)| {
            let (package, error) = workspace::settled(r);
            Outcome {
                member: m.label.clone(),
                function: m.function.clone(),
                package,
                error,
            }
        })
        .collect();
    let failed = members.iter().filter(|o| o.error.is_some()).count();
    let total = members.len();
    ctx.ui.result(&Many { members })?;
    match failed {
        0 => Ok(()),
        n => Err(workspace::failed_members(n, total)),
    }
}

impl fmt::Display for Many {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for o in &self.members {
            match (&o.package, &o.error) {
                (Some(p), _) => writeln!(f, "{}", p.path.display())?,
                (None, Some(e)) => writeln!(f, "{}: failed: {e}", o.member)?,
                (None, None) => {}
            }
        }
        Ok(())
    }
}
