//! Each action says what it does, as the dry run prints it: the words sit
//! beside [`Action::apply`](super::apply) so the two cannot drift apart.

use super::{Action, Republished};
use crate::lambda::config::{FieldChange, NONE};
use crate::lambda::url::{UrlAuth, UrlConfig};
use crate::lambda::write::CodeSource;
use crate::output::bytes;

/// A value as the plan shows it: an empty one is `(none)`.
fn shown(v: &str) -> &str {
    if v.is_empty() { NONE } else { v }
}

/// `field: from -> to` (a side never set is `(unset)`).
fn change(c: &FieldChange) -> String {
    format!(
        "{}: {} -> {}",
        c.field,
        c.from.as_deref().map_or("(unset)", shown),
        shown(&c.to)
    )
}

/// `tag KEY = VALUE`; an empty value (Lambda allows it) is `""`.
fn tag(k: &str, v: &str) -> String {
    match v.is_empty() {
        true => format!("tag {k} = \"\""),
        false => format!("tag {k} = {v}"),
    }
}

fn through(source: &CodeSource) -> String {
    match source {
        CodeSource::S3 { bucket, key } => format!(" through s3://{bucket}/{key}"),
        CodeSource::Zip(_) => String::new(),
    }
}

fn url_kind(c: &UrlConfig) -> &'static str {
    match c.auth {
        UrlAuth::None => "public: auth none",
        UrlAuth::AwsIam => "auth aws-iam",
    }
}

/// `delete version 2`, `delete versions 3, 2`, `none to delete`.
fn deletes(v: &[String]) -> String {
    match v {
        [] => "none to delete".into(),
        [one] => format!("delete version {one}"),
        _ => format!("delete versions {}", v.join(", ")),
    }
}

impl Action {
    /// Whether the action makes a call that changes something: the plan
    /// also lists what stays (shown, no call). A plan with none of these
    /// changes nothing (`deploy --all` leaves such a member untouched).
    pub fn writes(&self) -> bool {
        use crate::lambda::triggers::{esm, schedule};
        match self {
            Action::ConfigurationUnchanged
            | Action::CodeUnchanged { .. }
            | Action::ZipInS3 { .. }
            | Action::WaitReady { .. }
            | Action::RolePermissionsNeeded { .. }
            | Action::EventSourceMapping(esm::Step::NotManaged { .. })
            | Action::Schedule(schedule::Step::NotManaged { .. }) => false,
            Action::PruneVersions {
                delete,
                if_republished,
                ..
            } => !delete.is_empty() || if_republished.is_some(),
            _ => true,
        }
    }

    /// What this step does, one line and its details (indented by two
    /// spaces); none for the steps that only wait or keep records.
    pub fn describe(&self) -> Vec<String> {
        let detail = |s: String| format!("  {s}");
        match self {
            Action::CreateRole { role } => vec![format!("create execution role {role}")],
            Action::TrackRolePolicies { .. } | Action::UntrackRolePolicies { .. } => vec![],
            Action::AttachRolePolicy { role, policy } => vec![format!("attach {policy} to {role}")],
            Action::DetachRolePolicy { role, policy } => {
                vec![format!("detach {policy} from {role} (lamctl attached it)")]
            }
            Action::PutRolePolicy {
                role,
                name,
                document,
            } => {
                let list = |v: &serde_json::Value| {
                    let items: Vec<&str> = v
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| x.as_str())
                        .collect();
                    items.join(", ")
                };
                let statements = document["Statement"].as_array().into_iter().flatten();
                std::iter::once(format!("write inline policy {name} of {role}:"))
                    .chain(statements.map(|st| {
                        detail(format!(
                            "allow {} on {}",
                            list(&st["Action"]),
                            list(&st["Resource"])
                        ))
                    }))
                    .collect()
            }
            Action::DeleteRolePolicy { role, name } => {
                vec![format!("delete inline policy {name} of {role}")]
            }
            Action::UploadZip {
                size, bucket, key, ..
            } => vec![format!(
                "upload the zip ({}) to s3://{bucket}/{key}",
                bytes(*size)
            )],
            Action::ZipInS3 { bucket, key } => vec![format!(
                "s3://{bucket}/{key} already holds this zip: not uploaded again"
            )],
            Action::CreateFunction {
                source,
                code_sha256,
                tags,
                settings,
                ..
            } => {
                let mut out = vec!["create the function".to_string()];
                out.extend(
                    settings
                        .iter()
                        .map(|c| detail(format!("{}: {}", c.field, shown(&c.to)))),
                );
                out.extend(tags.iter().map(|(k, v)| tag(k, v)));
                out.push(format!(
                    "upload code (CodeSha256 {code_sha256}){}",
                    through(source)
                ));
                out
            }
            Action::WaitReady { .. } | Action::WaitProvisionedConcurrency { .. } => vec![],
            Action::ConfigurationUnchanged => vec!["configuration unchanged".into()],
            Action::UpdateConfiguration { changes, .. } => {
                std::iter::once("update configuration:".to_string())
                    .chain(changes.iter().map(|c| detail(change(c))))
                    .collect()
            }
            Action::CodeUnchanged { code_sha256 } => {
                vec![format!("code unchanged (CodeSha256 {code_sha256})")]
            }
            Action::UpdateCode {
                source,
                code_sha256,
                deployed_code_sha256,
                force,
                ..
            } => vec![format!(
                "upload code (CodeSha256 {code_sha256}{}){}{}",
                deployed_code_sha256
                    .as_ref()
                    .map(|d| format!(", deployed {d}"))
                    .unwrap_or_default(),
                through(source),
                if *force { " (--force)" } else { "" }
            )],
            Action::PutRuntimeManagement { config } => vec![format!(
                "runtime updates: {}{}",
                config.update.as_str(),
                config
                    .version_arn
                    .as_ref()
                    .map(|a| format!(" ({a})"))
                    .unwrap_or_default()
            )],
            Action::PutRecursiveLoop { recursive_loop } => {
                vec![format!(
                    "recursive loop detection: {}",
                    recursive_loop.as_str()
                )]
            }
            Action::PutCodeSigningConfig { arn } => vec![format!("code signing config: {arn}")],
            Action::DeleteCodeSigningConfig => vec!["remove the code signing config".into()],
            Action::Tag { tags, .. } => tags.iter().map(|(k, v)| tag(k, v)).collect(),
            Action::Untag { keys, .. } => keys.iter().map(|k| format!("remove tag {k}")).collect(),
            Action::PublishVersion { .. } => vec!["publish a version".into()],
            Action::PointAlias {
                alias,
                deployed,
                canary_percent,
            } => vec![match (deployed, canary_percent) {
                (None, _) => format!("create alias {alias} -> the new version"),
                (Some(d), Some(p)) => format!(
                    "alias {alias}: keep its version, route {p}% to the new version (its version: {})",
                    d.version
                ),
                (Some(d), None) => format!("alias {alias} -> the new version (from {})", d.version),
            }],
            Action::PruneVersions {
                keep,
                delete,
                if_republished,
            } => {
                let head = format!(
                    "keep the newest {keep} versions (and every aliased one): {}",
                    deletes(delete)
                );
                match if_republished {
                    Some(Republished { version, delete: d }) if d != delete => vec![
                        head,
                        detail(format!(
                            "if publishing returns version {version} (nothing changed since it): {}",
                            deletes(d)
                        )),
                    ],
                    _ => vec![head],
                }
            }
            Action::SetReservedConcurrency { concurrency } => {
                vec![format!("reserved concurrency {concurrency}")]
            }
            Action::RemoveReservedConcurrency => vec!["remove reserved concurrency".into()],
            Action::SetProvisionedConcurrency { alias, concurrency } => {
                vec![format!("provisioned concurrency {concurrency} on {alias}")]
            }
            Action::CreateUrl { config, .. } => {
                // Each setting besides Lambda's defaults (auth is said above).
                let set = UrlConfig::lambda_default().changes(config);
                std::iter::once(format!("create the function URL ({})", url_kind(config)))
                    .chain(
                        set.iter()
                            .filter(|c| c.field != "auth")
                            .map(|c| detail(format!("{}: {}", c.field, c.to))),
                    )
                    .collect()
            }
            Action::UpdateUrl { from, config, .. } => {
                std::iter::once(format!("update the function URL ({}):", url_kind(config)))
                    .chain(from.changes(config).iter().map(|c| detail(change(c))))
                    .collect()
            }
            Action::DeleteUrl { .. } => vec!["remove the function URL".into()],
            Action::AddPublicPermission { permission, .. } => {
                vec![format!("allow public invoke ({})", permission.sid())]
            }
            Action::RemovePermission { sid, .. } => vec![format!("remove permission {sid}")],
            Action::EventSourceMapping(step) => step.describe(),
            Action::Schedule(step) => step.describe(),
            Action::RolePermissionsNeeded { role, statements } => std::iter::once(format!(
                "role {role} is not lamctl's: give it these permissions for the event sources"
            ))
            .chain(statements.iter().map(|s| {
                detail(format!(
                    "{} on {}",
                    s.actions.join(", "),
                    s.resources.join(", ")
                ))
            }))
            .collect(),
            Action::Api { step } => step.describe(),
            Action::S3 { step } => step.describe(),
        }
    }
}
