//! What a deploy prints: the plan (`--dry-run`), or the summary of what a
//! run did. Both as text for people and as JSON with stable keys.

use std::fmt;

use serde::Serialize;

use crate::error::Result;
use crate::lambda::alias;
use crate::lambda::concurrency::Concurrency;
use crate::lambda::plan::{Action, CodeAction, Plan, Run};
use crate::lambda::url::{UrlAuth, UrlTarget};
use crate::output::Ui;
use crate::s3upload::Uploaded;

/// The plan as `--dry-run` prints it.
#[derive(Serialize)]
#[serde(transparent)]
pub struct DryRun<'a>(pub &'a Plan);

/// Warn about a public URL, then print the summary.
pub fn finish(ui: &Ui, plan: &Plan, done: Run) -> Result<()> {
    let url = match &plan.url {
        Some(UrlTarget::Attach(config)) => {
            if config.auth == UrlAuth::None
                && let Some(u) = &done.url
            {
                ui.warn(format!(
                    "the function URL {u} is public: anyone on the internet can invoke {}",
                    plan.function
                ));
            }
            done.url.clone()
        }
        _ => None,
    };
    let canary = done
        .alias
        .as_ref()
        .and_then(|a| a.to.weights.iter().next().map(|(v, w)| (v.clone(), *w)));
    let summary = Summary {
        function: plan.function.clone(),
        region: plan.region.clone(),
        arn: done.arn,
        created: plan.create,
        function_changed: plan.create
            || !plan.config_changes.is_empty()
            || plan.code == CodeAction::Upload
            || !plan.tags_set.is_empty()
            || !plan.tags_removed.is_empty(),
        config_changed: plan
            .config_changes
            .iter()
            .map(|c| c.field.clone())
            .collect(),
        code: match plan.code {
            CodeAction::Unchanged => CodeDone::Unchanged,
            CodeAction::Upload => CodeDone::Uploaded,
        },
        code_sha256: plan.code_sha256.clone(),
        s3_upload: done.s3_upload.map(|u| match u {
            Uploaded::AlreadyThere => "already there".to_string(),
            Uploaded::Single => "uploaded".to_string(),
            Uploaded::Multipart { parts } => format!("uploaded in {parts} parts"),
        }),
        s3: plan.s3.clone(),
        version: done.version,
        alias: done.alias.map(|a| AliasResult {
            name: a.to.name,
            version: a.to.version,
            canary_version: canary.as_ref().map(|(v, _)| v.clone()),
            canary_weight: canary.map(|(_, w)| w),
            changed: a.changed,
        }),
        deleted_versions: done.deleted_versions,
        concurrency: match plan.concurrency {
            Some(Concurrency::Set(n)) => Some(n),
            _ => None,
        },
        provisioned: plan.provisioned.filter(|_| plan.alias.is_some()),
        url,
        api_url: done.api.as_ref().map(|a| a.url()),
    };
    ui.result(&summary)
}

/// The result of a deploy (stable keys for `--output json`).
#[derive(Debug, Serialize)]
struct Summary {
    function: String,
    region: String,
    arn: String,
    created: bool,
    /// The run changed the function itself (configuration, code or tags).
    #[serde(skip)]
    function_changed: bool,
    config_changed: Vec<String>,
    code: CodeDone,
    code_sha256: String,
    s3_upload: Option<String>,
    s3: Option<String>,
    version: Option<String>,
    alias: Option<AliasResult>,
    deleted_versions: Vec<String>,
    concurrency: Option<i32>,
    provisioned: Option<i32>,
    url: Option<String>,
    /// The HTTP API's invoke URL (`[api]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    api_url: Option<String>,
}

/// What happened to the code, in the same word as the text summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum CodeDone {
    Unchanged,
    Uploaded,
}

#[derive(Debug, Clone, Serialize)]
struct AliasResult {
    name: String,
    version: String,
    /// The canary: the new version and its share of traffic (0-1).
    canary_version: Option<String>,
    canary_weight: Option<f64>,
    changed: bool,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "function  {} ({})",
            self.function,
            match (self.created, self.function_changed) {
                (true, _) => "created",
                (false, true) => "updated",
                (false, false) => "unchanged",
            }
        )?;
        writeln!(f, "arn       {}", self.arn)?;
        let code = match self.code {
            CodeDone::Unchanged => "unchanged",
            CodeDone::Uploaded => "uploaded",
        };
        writeln!(f, "code      {code}, CodeSha256 {}", self.code_sha256)?;
        if let Some(s3) = &self.s3 {
            writeln!(
                f,
                "s3        {s3}{}",
                self.s3_upload
                    .as_ref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default()
            )?;
        }
        if !self.created {
            let changed = if self.config_changed.is_empty() {
                "unchanged".to_string()
            } else {
                self.config_changed.join(", ")
            };
            writeln!(f, "config    {changed}")?;
        }
        if let Some(v) = &self.version {
            writeln!(f, "version   {v}")?;
        }
        if let Some(a) = &self.alias {
            match (&a.canary_version, a.canary_weight) {
                (Some(cv), Some(w)) => writeln!(
                    f,
                    "alias     {} -> {} ({}% to {cv})",
                    a.name,
                    a.version,
                    alias::percent(w)
                )?,
                _ => writeln!(f, "alias     {} -> {}", a.name, a.version)?,
            }
        }
        if !self.deleted_versions.is_empty() {
            writeln!(f, "pruned    versions {}", self.deleted_versions.join(", "))?;
        }
        if let Some(c) = self.concurrency {
            writeln!(f, "reserved  {c}")?;
        }
        if let Some(p) = self.provisioned {
            writeln!(f, "provisioned {p}")?;
        }
        if let Some(u) = &self.url {
            writeln!(f, "url       {u}")?;
        }
        if let Some(u) = &self.api_url {
            writeln!(f, "api       {u}")?;
        }
        Ok(())
    }
}

impl fmt::Display for DryRun<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plan = self.0;
        writeln!(
            f,
            "plan for {} in {} (dry run: nothing changed)",
            plan.function, plan.region
        )?;
        for line in plan.actions.iter().flat_map(Action::describe) {
            writeln!(f, "  {line}")?;
        }
        Ok(())
    }
}
