//! `lamctl delete [NAME]`: delete a function (or one published version).
//! On a terminal it asks first; without one it needs --yes, and without
//! --yes it stops (exit 2) before any AWS call. A version an alias routes
//! traffic to is refused, naming the alias (as `versions --prune` spares
//! it); `--with-role` deletes the execution role too, only when its tag
//! proves lamctl created it for this function.

use std::fmt;
use std::io::{BufRead, IsTerminal, Write};

use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::lambda::triggers::{esm, schedule};
use crate::lambda::{alias, delete_function, require_function, role, triggers};

#[derive(Debug, Clone)]
pub struct Settings {
    pub function: String,
    /// Only this published version.
    pub version: Option<String>,
    pub yes: bool,
    /// Delete the function's execution role too (lamctl's own only).
    pub with_role: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    function: String,
    version: Option<String>,
    region: String,
    deleted: bool,
    /// The function's execution role (by name), when the function was the target.
    role: Option<String>,
    /// The role was deleted too (--with-role).
    role_deleted: bool,
    /// The sources of the event source mappings lamctl had created for the
    /// function, deleted with it (others are left).
    event_sources_deleted: Vec<String>,
    /// The schedules lamctl had created for the function, deleted with it
    /// (and lamctl's scheduler role).
    schedules_deleted: Vec<String>,
    /// What lamctl created around the function and removed with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    triggers_removed: Vec<String>,
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
    let function = require_function(&client, &aws, name).await?;
    if let Some(v) = &set.version {
        refuse_aliased(&client, &aws, name, v).await?;
    }
    // The role by name (its ARN's last segment; a path may precede it).
    let role = match &set.version {
        Some(_) => None,
        None => function
            .config
            .role()
            .and_then(|arn| arn.rsplit('/').next())
            .map(String::from),
    };
    if set.with_role
        && let Some(r) = &role
    {
        prove_lamctls(&aws, name, r).await?;
    }

    let deleted = set.yes || confirm(&format!("delete {what} in {}?", aws.region.value))?;
    let mut role_deleted = false;
    let mut event_sources_deleted = Vec::new();
    let mut schedules_deleted = Vec::new();
    let mut triggers_removed = Vec::new();
    if deleted {
        if set.version.is_none() {
            event_sources_deleted = delete_mappings(ctx, &client, &aws, name).await?;
            let arn = function.config.function_arn().unwrap_or_default();
            schedules_deleted = delete_schedules(ctx, &aws, name, arn).await?;
            triggers_removed = triggers::remove_all(&client, &aws, ctx.ui, name).await?;
        }
        delete_function(&client, &aws, name, set.version.as_deref()).await?;
        if let (true, Some(r)) = (set.with_role, &role) {
            ctx.ui.note(format!("deleting execution role {r}"));
            role::delete(&aws, r).await?;
            role_deleted = true;
        } else if let Some(r) = &role {
            ctx.ui.note(format!(
                "the execution role {r} remains (`--with-role` deletes a role lamctl created)"
            ));
        }
    }
    ctx.ui.result(&Report {
        function: name.to_string(),
        version: set.version.clone(),
        region: aws.region.value.clone(),
        deleted,
        role,
        role_deleted,
        event_sources_deleted,
        schedules_deleted,
        triggers_removed,
    })
}

/// lamctl's schedules for the function and its scheduler role; others are
/// named and left. A caller not allowed to list schedules has none of
/// lamctl's (a deploy would have needed the right to create them).
async fn delete_schedules(
    ctx: &Ctx<'_>,
    aws: &crate::aws::AwsContext,
    name: &str,
    arn: &str,
) -> Result<Vec<String>> {
    let client = aws.scheduler().await;
    let found = match schedule::read(&client, aws, name, arn).await {
        Err(e) if e.aws_code() == Some("AccessDeniedException") => return Ok(Vec::new()),
        r => r?,
    };
    let mut deleted = Vec::new();
    for s in found {
        match s.managed {
            true => {
                ctx.ui.note(format!("deleting the schedule {}", s.name));
                schedule::delete(&client, aws, &s.name, &s.group).await?;
                deleted.push(s.name);
            }
            false => ctx.ui.note(format!(
                "the schedule {} remains: lamctl did not create it",
                s.name
            )),
        }
    }
    let role = crate::lambda::names::scheduler_role_name_for(name);
    if schedule::delete_role(aws, &role, name).await? {
        ctx.ui
            .note(format!("deleted role {role} (EventBridge Scheduler's)"));
    }
    Ok(deleted)
}

/// The function's mappings go first (Lambda keeps a mapping whose function
/// is gone): lamctl's deleted, the others named and left.
async fn delete_mappings(
    ctx: &Ctx<'_>,
    client: &aws_sdk_lambda::Client,
    aws: &crate::aws::AwsContext,
    name: &str,
) -> Result<Vec<String>> {
    let mut deleted = Vec::new();
    for m in esm::read(client, aws, name).await? {
        match m.managed {
            true => {
                ctx.ui.note(format!(
                    "deleting the event source mapping from {}",
                    m.source
                ));
                esm::delete(client, aws, &m.uuid).await?;
                deleted.push(m.source);
            }
            false => ctx.ui.note(format!(
                "the event source mapping {} from {} remains: lamctl did not create it",
                m.uuid, m.source
            )),
        }
    }
    Ok(deleted)
}

/// Lambda refuses to delete a version an alias routes traffic to; say
/// which alias before trying.
async fn refuse_aliased(
    client: &aws_sdk_lambda::Client,
    aws: &crate::aws::AwsContext,
    name: &str,
    version: &str,
) -> Result<()> {
    let aliases = alias::list(client, aws, name).await?;
    let on = alias::aliases_on(&aliases, version);
    if on.is_empty() {
        return Ok(());
    }
    Err(Error::failed(format!(
        "not deleting version {version} of '{name}': alias {} routes traffic to it",
        on.join(", ")
    ))
    .with_hint(format!(
        "move the alias first (`lamctl alias {name} {} --version N`)",
        on[0]
    )))
}

/// `--with-role` deletes only a role whose tag says lamctl created it for
/// this function; any other is refused, by name, before anything changes.
async fn prove_lamctls(aws: &crate::aws::AwsContext, function: &str, r: &str) -> Result<()> {
    let owner = role::owner(aws, r).await?;
    if owner.as_deref() == Some(function) {
        return Ok(());
    }
    Err(Error::failed(format!(
        "not deleting function '{function}': --with-role, but lamctl cannot prove it created role {r} (no {}={function} tag)",
        role::OWNER_TAG
    ))
    .with_hint("leave out --with-role to delete the function and keep the role"))
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
        if !self.deleted {
            return writeln!(f, "not deleted: {what}");
        }
        writeln!(f, "deleted {what} in {}", self.region)?;
        match (&self.role, self.role_deleted) {
            (Some(r), true) => writeln!(f, "deleted execution role {r}"),
            _ => Ok(()),
        }
    }
}
