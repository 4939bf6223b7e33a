//! Each action applies itself through the Lambda core, with a progress note
//! on stderr. Nothing is decided here that the plan did not say, except
//! what waits for a value only a run learns (the version published, the
//! role created); those are picked among the outcomes the plan named.

use aws_sdk_lambda::Client;

use super::{Action, Plan, RoleRef};
use crate::aws::AwsContext;
use crate::error::{Error, Result};
use crate::lambda::alias::{self, AliasState};
use crate::lambda::triggers::api::{ApiCtx, ApiRun, ApiStep};
use crate::lambda::triggers::{esm, schedule};
use crate::lambda::{concurrency, extras, role, url, versions, wait_ready_shown, write};
use crate::output::Ui;
use crate::s3upload::{self, Uploaded};

/// What a run learnt while executing.
#[derive(Debug, Default)]
pub struct Run {
    pub arn: String,
    pub s3_upload: Option<Uploaded>,
    pub version: Option<String>,
    pub alias: Option<AliasMoved>,
    pub deleted_versions: Vec<String>,
    /// The function URL after the run (the deployed one when unchanged).
    pub url: Option<String>,
    /// lamctl's HTTP API after the run.
    pub api: Option<ApiRun>,
    /// The ARN of the role this run created.
    created_role: Option<String>,
}

/// Where the alias routes after the run, and whether that changed.
#[derive(Debug)]
pub struct AliasMoved {
    pub to: AliasState,
    pub changed: bool,
}

/// What every action needs to apply itself.
pub struct Target<'a> {
    pub client: &'a Client,
    pub aws: &'a AwsContext,
    pub ui: &'a Ui,
    pub plan: &'a Plan,
}

impl Plan {
    /// Apply the plan's actions in order.
    pub async fn execute(&self, client: &Client, aws: &AwsContext, ui: &Ui) -> Result<Run> {
        let t = Target {
            client,
            aws,
            ui,
            plan: self,
        };
        let mut run = Run {
            arn: self.arn.clone().unwrap_or_default(),
            url: self.deployed_url.clone(),
            api: self.api.clone(),
            ..Default::default()
        };
        for action in &self.actions {
            action.apply(&t, &mut run).await?;
        }
        Ok(run)
    }
}

impl Run {
    fn role_arn(&self, r: &RoleRef) -> Result<String> {
        match r {
            RoleRef::Arn(a) => Ok(a.clone()),
            RoleRef::Created(n) => self
                .created_role
                .clone()
                .ok_or_else(|| Error::failed(format!("role {n} was not created before its use"))),
        }
    }

    /// The version `PublishVersion` returned; the plan puts it first.
    fn published(&self) -> Result<&str> {
        self.version
            .as_deref()
            .ok_or_else(|| Error::failed("no version was published before its use"))
    }
}

impl Action {
    /// Take this step (what [`Action::describe`] says), noting it on stderr.
    pub async fn apply(&self, t: &Target<'_>, run: &mut Run) -> Result<()> {
        let (client, aws, ui) = (t.client, t.aws, t.ui);
        let name = t.plan.function.as_str();
        let def = &t.plan.definition;
        match self {
            Action::CreateRole { role } => {
                ui.note(format!("creating execution role {role}"));
                run.created_role = Some(role::create(aws, role, name).await?);
            }
            Action::TrackRolePolicies { role, tags } => role::track(aws, role, tags).await?,
            Action::AttachRolePolicy { role, policy } => {
                ui.note(format!("attaching {policy} to {role}"));
                role::attach_policy(aws, role, policy).await?;
            }
            Action::DetachRolePolicy { role, policy } => {
                ui.note(format!("detaching {policy} from {role}"));
                role::detach_policy(aws, role, policy).await?;
            }
            Action::UntrackRolePolicies { role, keys } => role::untrack(aws, role, keys).await?,
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
                sha256,
                bucket,
                key,
                content_addressed,
            } => {
                let object = s3upload::Object {
                    bucket,
                    key,
                    sha256,
                    content_addressed: *content_addressed,
                };
                run.s3_upload = Some(s3upload::upload(aws, ui, zip, *size, &object).await?);
            }
            Action::ZipInS3 { bucket, key } => {
                ui.note(format!(
                    "s3://{bucket}/{key} already holds this zip: not uploaded again"
                ));
                run.s3_upload = Some(Uploaded::AlreadyThere);
            }
            Action::CreateFunction { role, source, .. } => {
                ui.note(format!("creating function {name} in {}", t.plan.region));
                let role = run.role_arn(role)?;
                run.arn = write::create_function(client, aws, ui, name, def, &role, source).await?;
            }
            // Ready when read moments ago: a change that meets an update
            // begun since is retried (`retry_conflict`).
            Action::WaitReady { ready: true } => {}
            Action::WaitReady { ready: false } => {
                let what = "waiting for the function to be ready";
                wait_ready_shown(client, aws, ui, name, what).await?;
            }
            Action::ConfigurationUnchanged => ui.note("configuration unchanged"),
            Action::UpdateConfiguration {
                changes,
                role,
                logging,
            } => {
                let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
                ui.note(format!("updating configuration: {}", fields.join(", ")));
                let role = role.as_ref().map(|r| run.role_arn(r)).transpose()?;
                let (role, logging) = (role.as_deref(), logging.as_ref());
                write::update_configuration(client, aws, ui, name, def, role, logging).await?;
            }
            Action::CodeUnchanged { .. } => ui.note("code unchanged"),
            Action::UpdateCode {
                source,
                architecture,
                force,
                ..
            } => {
                ui.note(match force {
                    true => "uploading code (--force)",
                    false => "uploading code",
                });
                write::update_code(client, aws, ui, name, source, *architecture).await?;
            }
            Action::PutRuntimeManagement { config } => {
                let update = config.update.as_str();
                ui.note(format!("setting runtime updates to {update}"));
                extras::put_runtime_management(client, aws, name, config).await?;
            }
            Action::PutRecursiveLoop { recursive_loop } => {
                let value = recursive_loop.as_str();
                ui.note(format!("setting recursive loop detection to {value}"));
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
                run.version = Some(version);
            }
            Action::PointAlias {
                alias,
                deployed,
                canary_percent,
            } => {
                let version = run.published()?.to_string();
                let moved =
                    point_alias(t, alias, deployed.as_ref(), &version, *canary_percent).await?;
                run.alias = Some(moved);
            }
            Action::PruneVersions {
                delete,
                if_republished,
                ..
            } => {
                let doomed = match (run.version.as_deref(), if_republished) {
                    (Some(v), Some(r)) if v == r.version => &r.delete,
                    // Lambda returns the newest version or a new one; any
                    // other answer is not what was planned: prune nothing.
                    (Some(v), _) if delete.iter().any(|d| d == v) => {
                        ui.warn(format!(
                            "PublishVersion returned version {v}, which was planned for deletion: no version pruned"
                        ));
                        return Ok(());
                    }
                    _ => delete,
                };
                let deleted = versions::prune(client, aws, name, doomed).await?;
                if !deleted.is_empty() {
                    ui.note(format!("deleted old versions: {}", deleted.join(", ")));
                }
                run.deleted_versions = deleted;
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
                let q = qualifier.as_deref();
                run.url = Some(url::create(client, aws, name, q, config).await?);
            }
            Action::UpdateUrl {
                qualifier,
                from,
                config,
            } => {
                let fields: Vec<String> =
                    from.changes(config).into_iter().map(|c| c.field).collect();
                ui.note(format!("updating the function URL: {}", fields.join(", ")));
                let q = qualifier.as_deref();
                run.url = Some(url::update(client, aws, name, q, config).await?);
            }
            Action::DeleteUrl { qualifier } => {
                ui.note("removing the function URL");
                url::delete(client, aws, name, qualifier.as_deref()).await?;
                run.url = None;
            }
            Action::AddPublicPermission {
                qualifier,
                permission,
            } => {
                let q = qualifier.as_deref();
                url::add_public(client, aws, name, q, *permission).await?;
            }
            Action::RemovePermission { qualifier, sid } => {
                let q = qualifier.as_deref();
                url::remove_permission(client, aws, name, q, sid).await?;
            }
            Action::EventSourceMapping(step) => esm::apply(step, client, aws, ui, name).await?,
            Action::Schedule(step) => schedule::apply(step, aws, ui, name, &run.arn).await?,
            Action::RolePermissionsNeeded { .. } => {
                for line in self.describe() {
                    ui.warn(line.trim_start());
                }
            }
            Action::Api { step } => {
                let c = ApiCtx {
                    aws,
                    lambda: client,
                    ui,
                    function: name,
                    function_arn: &run.arn,
                    region: &t.plan.region,
                };
                let mut api = run.api.take();
                let done = step.apply(&c, &mut api).await;
                run.api = match step {
                    ApiStep::DeleteApi { .. } => None,
                    _ => api,
                };
                if let (Some(a), Some(w)) = (&mut run.api, &t.plan.api_stage) {
                    a.stage = w.clone();
                }
                done?;
            }
            Action::S3 { step } => step.apply(aws, client, ui, name, &run.arn).await?,
        }
        Ok(())
    }
}

/// Create the alias on `version`, or route it as [`alias::route`] says;
/// an alias already routed so is left alone.
async fn point_alias(
    t: &Target<'_>,
    name: &str,
    deployed: Option<&AliasState>,
    version: &str,
    canary_percent: Option<f64>,
) -> Result<AliasMoved> {
    let (client, aws, ui, function) = (t.client, t.aws, t.ui, t.plan.function.as_str());
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
    if !changed {
        ui.note(format!("alias {name} already at {}", to.version));
        return Ok(AliasMoved { to, changed });
    }
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
    Ok(AliasMoved { to, changed })
}
