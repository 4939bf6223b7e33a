//! What a deploy prints: the plan (`--dry-run`), or the summary of what a
//! run did. Both as text for people and as JSON with stable keys.

use std::fmt;

use serde::Serialize;

use super::act::Done;
use crate::error::Result;
use crate::lambda::alias;
use crate::lambda::concurrency::Concurrency;
use crate::lambda::plan::{Action, CodeAction, Desired, Plan};
use crate::lambda::url::{UrlAuth, UrlConfig, UrlWant};
use crate::output::{Ui, bytes};
use crate::s3upload::Uploaded;

/// The plan as `--dry-run` prints it.
#[derive(Serialize)]
#[serde(transparent)]
pub struct DryRun<'a>(pub &'a Plan);

/// Warn about a public URL, then print the summary.
pub fn finish(ui: &Ui, want: &Desired, plan: &Plan, done: Done) -> Result<()> {
    let url = match &want.url {
        Some(UrlWant::Attach(config)) => {
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
        concurrency: match want.concurrency {
            Some(Concurrency::Set(n)) => Some(n),
            _ => None,
        },
        provisioned: want.provisioned.filter(|_| want.alias.is_some()),
        url,
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
            if self.created { "created" } else { "updated" }
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
        Ok(())
    }
}

fn url_kind(c: &UrlConfig) -> &'static str {
    match c.auth {
        UrlAuth::None => "public: auth none",
        UrlAuth::AwsIam => "auth aws-iam",
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
        let through = plan
            .s3
            .as_ref()
            .map(|s| format!(" through {s}"))
            .unwrap_or_default();
        for action in &plan.actions {
            match action {
                Action::CreateRole { role } => writeln!(f, "  create execution role {role}")?,
                Action::TrackRolePolicies { .. } | Action::UntrackRolePolicies { .. } => {}
                Action::AttachRolePolicy { role, policy } => {
                    writeln!(f, "  attach {policy} to {role}")?
                }
                Action::DetachRolePolicy { role, policy } => {
                    writeln!(f, "  detach {policy} from {role} (lamctl attached it)")?
                }
                Action::PutRolePolicy {
                    role,
                    name,
                    document,
                } => {
                    writeln!(f, "  write inline policy {name} of {role}:")?;
                    for st in document["Statement"].as_array().into_iter().flatten() {
                        let list = |v: &serde_json::Value| {
                            v.as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(|x| x.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        writeln!(
                            f,
                            "    allow {} on {}",
                            list(&st["Action"]),
                            list(&st["Resource"])
                        )?;
                    }
                }
                Action::DeleteRolePolicy { role, name } => {
                    writeln!(f, "  delete inline policy {name} of {role}")?
                }
                Action::UploadZip {
                    size, bucket, key, ..
                } => writeln!(
                    f,
                    "  upload the zip ({}) to s3://{bucket}/{key}",
                    bytes(*size)
                )?,
                Action::CreateFunction {
                    code_sha256,
                    tags,
                    settings,
                    ..
                } => {
                    writeln!(f, "  create the function")?;
                    for c in settings {
                        writeln!(f, "    {}: {}", c.field, c.to)?;
                    }
                    for (k, v) in tags {
                        writeln!(f, "  tag {k} = {v}")?;
                    }
                    writeln!(f, "  upload code (CodeSha256 {code_sha256}){through}")?;
                }
                Action::WaitReady | Action::WaitProvisionedConcurrency { .. } => {}
                Action::ConfigurationUnchanged => writeln!(f, "  configuration unchanged")?,
                Action::UpdateConfiguration { changes, .. } => {
                    writeln!(f, "  update configuration:")?;
                    for c in changes {
                        writeln!(
                            f,
                            "    {}: {} -> {}",
                            c.field,
                            c.from.as_deref().unwrap_or("(unset)"),
                            c.to
                        )?;
                    }
                }
                Action::CodeUnchanged { code_sha256 } => {
                    writeln!(f, "  code unchanged (CodeSha256 {code_sha256})")?
                }
                Action::UpdateCode {
                    code_sha256,
                    deployed_code_sha256,
                    ..
                } => writeln!(
                    f,
                    "  upload code (CodeSha256 {code_sha256}{}){through}",
                    deployed_code_sha256
                        .as_ref()
                        .map(|d| format!(", deployed {d}"))
                        .unwrap_or_default()
                )?,
                Action::PutRuntimeManagement { config } => writeln!(
                    f,
                    "  runtime updates: {}{}",
                    config.update.as_str(),
                    config
                        .version_arn
                        .as_ref()
                        .map(|a| format!(" ({a})"))
                        .unwrap_or_default()
                )?,
                Action::PutRecursiveLoop { recursive_loop } => {
                    writeln!(f, "  recursive loop detection: {}", recursive_loop.as_str())?
                }
                Action::PutCodeSigningConfig { arn } => {
                    writeln!(f, "  code signing config: {arn}")?
                }
                Action::DeleteCodeSigningConfig => writeln!(f, "  remove the code signing config")?,
                Action::Tag { tags, .. } => {
                    for (k, v) in tags {
                        writeln!(f, "  tag {k} = {v}")?;
                    }
                }
                Action::Untag { keys, .. } => {
                    for k in keys {
                        writeln!(f, "  remove tag {k}")?;
                    }
                }
                Action::PublishVersion { .. } => writeln!(f, "  publish a version")?,
                Action::PointAlias {
                    alias,
                    deployed,
                    canary_percent,
                } => match (deployed, canary_percent) {
                    (None, _) => writeln!(f, "  create alias {alias} -> the new version")?,
                    (Some(_), Some(p)) => writeln!(
                        f,
                        "  alias {alias}: keep its version, route {p}% to the new version"
                    )?,
                    (Some(_), None) => writeln!(f, "  alias {alias} -> the new version")?,
                },
                Action::PruneVersions { keep, .. } => writeln!(
                    f,
                    "  keep the newest {keep} versions (and every aliased one)"
                )?,
                Action::SetReservedConcurrency { concurrency } => {
                    writeln!(f, "  reserved concurrency {concurrency}")?
                }
                Action::RemoveReservedConcurrency => writeln!(f, "  remove reserved concurrency")?,
                Action::SetProvisionedConcurrency { alias, concurrency } => {
                    writeln!(f, "  provisioned concurrency {concurrency} on {alias}")?
                }
                Action::CreateUrl { config, .. } => {
                    writeln!(f, "  create the function URL ({})", url_kind(config))?
                }
                Action::UpdateUrl { config, .. } => {
                    writeln!(f, "  update the function URL ({})", url_kind(config))?
                }
                Action::DeleteUrl { .. } => writeln!(f, "  remove the function URL")?,
                Action::AddPublicPermission { permission, .. } => {
                    writeln!(f, "  allow public invoke ({})", permission.sid())?
                }
                Action::RemovePermission { sid, .. } => writeln!(f, "  remove permission {sid}")?,
            }
        }
        Ok(())
    }
}
