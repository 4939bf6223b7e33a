//! Executing a deploy plan: its actions in order, each through the Lambda
//! core, with a progress note on stderr. Nothing is decided here that the
//! plan did not say, except what waits for a value only a run learns (the
//! version published, the role created).

use aws_sdk_lambda::Client;

use crate::aws::AwsContext;
use crate::error::{Error, Result};
use crate::lambda::alias::{self, AliasState};
use crate::lambda::plan::{Action, Plan, RoleRef};
use crate::lambda::{concurrency, extras, role, url, versions, wait_ready_shown, write};
use crate::output::{Ui, bytes};
use crate::s3upload::{self, Uploaded};

/// What a run learnt while executing.
#[derive(Debug, Default)]
pub struct Done {
    pub arn: String,
    pub s3_upload: Option<Uploaded>,
    pub version: Option<String>,
    pub alias: Option<AliasMoved>,
    pub deleted_versions: Vec<String>,
    /// The function URL after the run (the deployed one when unchanged).
    pub url: Option<String>,
}

/// Where the alias routes after the run, and whether that changed.
#[derive(Debug)]
pub struct AliasMoved {
    pub to: AliasState,
    pub changed: bool,
}

pub async fn execute(client: &Client, aws: &AwsContext, ui: &Ui, plan: &Plan) -> Result<Done> {
    let name = plan.function.as_str();
    let def = &plan.definition;
    let mut done = Done {
        arn: plan.arn.clone().unwrap_or_default(),
        url: plan.deployed_url.clone(),
        ..Default::default()
    };
    let mut created_role: Option<String> = None;
    let role_arn = |r: &RoleRef, created: &Option<String>| -> Result<String> {
        match r {
            RoleRef::Arn(a) => Ok(a.clone()),
            RoleRef::Created(n) => created
                .clone()
                .ok_or_else(|| Error::failed(format!("role {n} was not created before its use"))),
        }
    };
    for action in &plan.actions {
        match action {
            Action::CreateRole { role } => {
                ui.note(format!("creating execution role {role}"));
                created_role = Some(role::create(aws, role, name).await?);
            }
            Action::TrackRolePolicies { role, tags } => {
                role::track(aws, role, tags).await?;
            }
            Action::AttachRolePolicy { role, policy } => {
                ui.note(format!("attaching {policy} to {role}"));
                role::attach_policy(aws, role, policy).await?;
            }
            Action::DetachRolePolicy { role, policy } => {
                ui.note(format!("detaching {policy} from {role}"));
                role::detach_policy(aws, role, policy).await?;
            }
            Action::UntrackRolePolicies { role, keys } => {
                role::untrack(aws, role, keys).await?;
            }
            Action::PutRolePolicy {
                role,
                name,
                document,
            } => {
                ui.note(format!("writing inline policy {name} of {role}"));
                role::put_inline(aws, role, document).await?;
            }
            Action::DeleteRolePolicy { role, name } => {
                ui.note(format!("deleting inline policy {name} of {role}"));
                role::delete_inline(aws, role).await?;
            }
            Action::UploadZip {
                zip,
                size,
                bucket,
                key,
            } => {
                ui.note(format!("uploading {} to s3://{bucket}/{key}", bytes(*size)));
                let up = s3upload::upload(aws, ui, zip, bucket, key).await?;
                if up == Uploaded::AlreadyThere {
                    ui.note("the object is already in S3 with the same size: not uploaded again");
                }
                done.s3_upload = Some(up);
            }
            Action::CreateFunction { role, source, .. } => {
                ui.note(format!("creating function {name} in {}", plan.region));
                let role = role_arn(role, &created_role)?;
                done.arn =
                    write::create_function(client, aws, ui, name, def, &role, source).await?;
            }
            Action::WaitReady => {
                wait_ready_shown(
                    client,
                    aws,
                    ui,
                    name,
                    "waiting for the function to be ready",
                )
                .await?;
            }
            Action::ConfigurationUnchanged => ui.note("configuration unchanged"),
            Action::UpdateConfiguration {
                changes,
                role,
                logging,
            } => {
                let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
                ui.note(format!("updating configuration: {}", fields.join(", ")));
                let role = role
                    .as_ref()
                    .map(|r| role_arn(r, &created_role))
                    .transpose()?;
                write::update_configuration(
                    client,
                    aws,
                    name,
                    def,
                    role.as_deref(),
                    logging.as_ref(),
                )
                .await?;
            }
            Action::CodeUnchanged { .. } => ui.note("code unchanged"),
            Action::UpdateCode {
                source,
                architecture,
                force,
                ..
            } => {
                ui.note(if *force {
                    "uploading code (--force)"
                } else {
                    "uploading code"
                });
                write::update_code(client, aws, ui, name, source, *architecture).await?;
            }
            Action::PutRuntimeManagement { config } => {
                ui.note(format!(
                    "setting runtime updates to {}",
                    config.update.as_str()
                ));
                extras::put_runtime_management(client, aws, name, config).await?;
            }
            Action::PutRecursiveLoop { recursive_loop } => {
                ui.note(format!(
                    "setting recursive loop detection to {}",
                    recursive_loop.as_str()
                ));
                extras::put_recursive_loop(client, aws, name, *recursive_loop).await?;
            }
            Action::PutCodeSigningConfig { arn } => {
                ui.note(format!("setting code signing config {arn}"));
                extras::put_code_signing_config(client, aws, name, arn).await?;
            }
            Action::DeleteCodeSigningConfig => {
                ui.note("removing the code signing config");
                extras::delete_code_signing_config(client, aws, name).await?;
            }
            Action::Tag { resource, tags } => {
                let keys: Vec<&str> = tags.keys().map(String::as_str).collect();
                ui.note(format!("tagging: {}", keys.join(", ")));
                write::tag(client, aws, resource, tags).await?;
            }
            Action::Untag { resource, keys } => {
                ui.note(format!("removing tags: {}", keys.join(", ")));
                write::untag(client, aws, resource, keys).await?;
            }
            Action::PublishVersion { code_sha256 } => {
                let version = versions::publish(client, aws, name, code_sha256).await?;
                ui.note(format!("published version {version}"));
                done.version = Some(version);
            }
            Action::PointAlias {
                alias,
                deployed,
                canary_percent,
            } => {
                let version = published(&done)?;
                let moved = point_alias(
                    client,
                    aws,
                    ui,
                    name,
                    alias,
                    deployed.as_ref(),
                    &version,
                    *canary_percent,
                )
                .await?;
                done.alias = Some(moved);
            }
            Action::PruneVersions {
                keep,
                versions: existing,
                aliases,
            } => {
                let mut spared =
                    alias::aliased_versions(&aliases_after(aliases, done.alias.as_ref()));
                let mut all = existing.clone();
                if let Some(v) = &done.version {
                    all.extend(v.parse::<u64>().ok());
                    spared.insert(v.clone());
                }
                let doomed = versions::to_prune(&all, *keep, &spared);
                let doomed = versions::prune(client, aws, name, &doomed).await?;
                if !doomed.is_empty() {
                    ui.note(format!("deleted old versions: {}", doomed.join(", ")));
                }
                done.deleted_versions = doomed;
            }
            Action::SetReservedConcurrency { concurrency: n } => {
                ui.note(format!("setting reserved concurrency to {n}"));
                concurrency::set_reserved(client, aws, name, *n).await?;
            }
            Action::RemoveReservedConcurrency => {
                ui.note("removing reserved concurrency");
                concurrency::remove_reserved(client, aws, name).await?;
            }
            Action::SetProvisionedConcurrency {
                alias,
                concurrency: n,
            } => {
                ui.note(format!("setting provisioned concurrency of {alias} to {n}"));
                concurrency::set_provisioned(client, aws, name, alias, *n).await?;
            }
            Action::WaitProvisionedConcurrency { alias } => {
                concurrency::wait_provisioned(client, aws, ui, name, alias).await?;
            }
            Action::CreateUrl { qualifier, config } => {
                ui.note("creating the function URL");
                let u = url::create(client, aws, name, qualifier.as_deref(), config).await?;
                done.url = Some(u);
            }
            Action::UpdateUrl { qualifier, config } => {
                ui.note("updating the function URL");
                let u = url::update(client, aws, name, qualifier.as_deref(), config).await?;
                done.url = Some(u);
            }
            Action::DeleteUrl { qualifier } => {
                ui.note("removing the function URL");
                url::delete(client, aws, name, qualifier.as_deref()).await?;
                done.url = None;
            }
            Action::AddPublicPermission {
                qualifier,
                permission,
            } => {
                url::add_public(client, aws, name, qualifier.as_deref(), *permission).await?;
            }
            Action::RemovePermission { qualifier, sid } => {
                url::remove_permission(client, aws, name, qualifier.as_deref(), sid).await?;
            }
        }
    }
    Ok(done)
}

/// The version `PublishVersion` returned; the plan puts it first.
fn published(done: &Done) -> Result<String> {
    done.version
        .clone()
        .ok_or_else(|| Error::failed("no version was published before its use"))
}

/// The aliases as this run leaves them: the moved one replaced (or added).
fn aliases_after(deployed: &[AliasState], moved: Option<&AliasMoved>) -> Vec<AliasState> {
    let mut out: Vec<AliasState> = deployed
        .iter()
        .filter(|a| moved.is_none_or(|m| m.to.name != a.name))
        .cloned()
        .collect();
    out.extend(moved.map(|m| m.to.clone()));
    out
}

/// Create the alias on `version`, or route it as [`alias::route`] says;
/// an alias already routed so is left alone.
#[allow(clippy::too_many_arguments)]
async fn point_alias(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    function: &str,
    name: &str,
    deployed: Option<&AliasState>,
    version: &str,
    canary_percent: Option<f64>,
) -> Result<AliasMoved> {
    let to = alias::route(name, deployed, version, canary_percent);
    let Some(current) = deployed else {
        if canary_percent.is_some() {
            ui.note(format!(
                "alias {name} does not exist yet: pointing it at version {version} (no canary)"
            ));
        } else {
            ui.note(format!("creating alias {name} -> {version}"));
        }
        alias::create(client, aws, function, &to).await?;
        return Ok(AliasMoved { to, changed: true });
    };
    let changed = to.version != current.version || to.weights != current.weights;
    if changed {
        match to.weights.iter().next() {
            Some((v, w)) => ui.note(format!(
                "alias {name}: {} with {}% of traffic to {v}",
                to.version,
                alias::percent(*w)
            )),
            None => ui.note(format!(
                "moving alias {name} {} -> {}",
                current.version, to.version
            )),
        }
        alias::update(client, aws, function, &to).await?;
    } else {
        ui.note(format!("alias {name} already at {}", to.version));
    }
    Ok(AliasMoved { to, changed })
}
