//! The deploy plan: given what is deployed (a snapshot read once) and what
//! is wanted, the exact list of actions that makes one into the other.
//! `lamctl deploy --dry-run` prints the plan; a real run executes the very
//! same actions in order. Values only known while executing (the number of
//! the version published, the ARN of a role created) are referred to
//! symbolically, and the actions that depend on them carry the deployed
//! state they compare against.

mod action;
mod after;
mod apply;
mod describe;
mod read;
mod role;
#[cfg(test)]
mod tests;
mod triggers;

pub use action::{Action, Republished};
pub use apply::{AliasMoved, Run, Target};
pub use read::AccountReads;
pub use triggers::trigger_actions;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use aws_sdk_lambda::types::FunctionConfiguration;
use serde::Serialize;

use super::alias::AliasState;
use super::concurrency::Concurrency;
use super::config::api::Api;
use super::config::s3::S3Trigger;
use super::config::{self, Definition, FieldChange};
use super::extras::Extras;
use super::role::{RoleState, Statement};
use super::triggers::api::{ApiDeployed, ApiRun};
use super::triggers::esm::{EventSource, Mapping};
use super::triggers::policy::Grant;
use super::triggers::s3::BucketState;
use super::triggers::schedule::{self, Schedule};
use super::url::{UrlState, UrlTarget, UrlWant};
use super::write::CodeSource;
use crate::error::{Error, Result};

/// What the deploy should leave in place: the definition and what to do
/// after the code is there.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Desired {
    pub name: String,
    pub definition: Definition,
    /// Create (or reuse) lamctl's execution role when the definition names
    /// no role.
    pub create_role: bool,
    /// Managed policies for lamctl's role besides the basic execution one;
    /// `None` leaves the attached ones alone, `Some` is the whole set.
    pub policies: Option<Vec<String>>,
    /// lamctl's inline policy on its role; `None` leaves it alone, `Some`
    /// is the whole set (empty: no inline policy).
    pub allow: Option<Vec<Statement>>,
    /// Upload the code even when its CodeSha256 is the deployed one.
    pub force: bool,
    /// Upload the package through this bucket (and key).
    pub s3_bucket: Option<String>,
    pub s3_key: Option<String>,
    pub publish: bool,
    pub alias: Option<String>,
    /// Route this percentage of the alias's traffic to the new version.
    pub canary: Option<f64>,
    pub keep_versions: Option<u32>,
    pub concurrency: Option<Concurrency>,
    /// Provisioned concurrency on the alias.
    pub provisioned: Option<i32>,
    /// The function URL (on the alias when there is one).
    pub url: Option<UrlWant>,
    /// Event source mappings: `Some` is the whole set lamctl manages (the
    /// file's `[[event_source]]` tables), `None` leaves them alone.
    pub event_sources: Option<Vec<EventSource>>,
    /// Schedules: `Some` is the whole set (the file's `[[schedule]]`
    /// tables), `None` leaves them alone.
    pub schedules: Option<Vec<Schedule>>,
    /// lamctl.toml says what starts the function (docs/triggers.md): its
    /// trigger tables are the whole set. Without a file, triggers are left
    /// alone.
    pub triggers: bool,
    /// `[api]`: the HTTP API.
    pub api: Option<Api>,
    /// `[[s3]]`: bucket notifications.
    pub s3: Vec<S3Trigger>,
}

/// The package to deploy.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The CodeSha256 (base64) Lambda will report.
    pub sha256: String,
    /// The same hash in hex: the content-addressed S3 key and the uploaded
    /// object's `lamctl-sha256` metadata.
    pub sha256_hex: String,
    pub zip: PathBuf,
    pub size: u64,
    /// `(bucket, key)` when the package goes through S3.
    pub s3: Option<(String, String)>,
}

impl Code {
    /// The S3 key is `lamctl/FUNCTION/SHA256.zip`: it names the content.
    pub fn content_addressed(&self, function: &str) -> bool {
        self.s3
            .as_ref()
            .is_some_and(|(_, key)| *key == super::write::s3_key_for(function, &self.sha256_hex))
    }
}

/// What the account holds now, read once before planning. Only what the
/// desired state names is read; the rest stays empty.
#[derive(Debug, Clone, Default)]
pub struct Deployed {
    /// `None`: the function does not exist.
    pub function: Option<FunctionState>,
    /// The ARN of lamctl's execution role, when `--create-role` and it exists.
    pub role: Option<String>,
    /// lamctl's execution role's policies, when `--create-role` and it exists.
    pub role_state: Option<RoleState>,
    /// The alias to move.
    pub alias: Option<AliasState>,
    /// Every alias and published version (when pruning).
    pub aliases: Vec<AliasState>,
    pub versions: Vec<u64>,
    pub reserved: Option<i32>,
    /// Provisioned concurrency requested on the alias.
    pub provisioned: Option<i32>,
    pub url: Option<UrlState>,
    /// Statement ids of the resource policy of the URL's qualifier.
    pub policy_sids: BTreeSet<String>,
    /// The settings kept outside the configuration that the definition names.
    pub extras: Extras,
    /// The object under the package's S3 key is already this zip.
    pub zip_in_s3: bool,
    /// The function's event source mappings (when the desired state names
    /// a set of them).
    pub mappings: Vec<Mapping>,
    /// The schedules that target the function (when the desired state
    /// names a set of them), and lamctl's role Scheduler assumes.
    pub schedules: Vec<schedule::Deployed>,
    pub scheduler_role: Option<String>,
    /// The function's (unqualified) resource policy, when triggers are managed.
    pub grants: Vec<Grant>,
    /// lamctl's HTTP API and the same-named ones it does not manage.
    pub api: ApiDeployed,
    /// The buckets lamctl.toml or lamctl's grants name.
    pub buckets: BTreeMap<String, BucketState>,
}

#[derive(Debug, Clone)]
pub struct FunctionState {
    pub config: FunctionConfiguration,
    pub tags: BTreeMap<String, String>,
}

/// A role an action uses.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RoleRef {
    /// A role that exists: its ARN.
    Arn(String),
    /// The role this plan creates (by name); its ARN is known once created.
    Created(String),
}

impl RoleRef {
    /// As the plan shows it.
    pub fn shown(&self) -> String {
        match self {
            RoleRef::Arn(a) => a.clone(),
            RoleRef::Created(n) => format!("(created) {n}"),
        }
    }
}

/// Whether the code is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeAction {
    Unchanged,
    Upload,
}

/// What a deploy does: a summary of the differences and the actions.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub function: String,
    pub region: String,
    pub create: bool,
    /// The deployed function's ARN (a new one's is known once created).
    pub arn: Option<String>,
    pub config_changes: Vec<FieldChange>,
    pub tags_set: BTreeMap<String, String>,
    pub tags_removed: Vec<String>,
    pub code: CodeAction,
    pub code_sha256: String,
    pub deployed_code_sha256: Option<String>,
    /// `s3://bucket/key` when the code goes through S3.
    pub s3: Option<String>,
    pub publish: bool,
    pub alias: Option<String>,
    pub canary_percent: Option<f64>,
    pub keep_versions: Option<u32>,
    pub concurrency: Option<Concurrency>,
    pub provisioned: Option<i32>,
    /// The function URL this deploy leaves (fields not given as deployed).
    pub url: Option<UrlTarget>,
    /// The function URL as deployed.
    pub deployed_url: Option<String>,
    /// lamctl's HTTP API as deployed (its invoke URL when unchanged).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<ApiRun>,
    /// The stage `[api]` wants (the invoke URL's path).
    #[serde(skip)]
    pub api_stage: Option<String>,
    pub actions: Vec<Action>,
    /// The definition the actions apply, merged with what is deployed
    /// (never shown: it holds the environment's values).
    #[serde(skip)]
    pub definition: Definition,
}

/// Plan the deploy of `code` and `want` over `deployed`: pure, no call.
/// Fails (bad usage) when a function that does not exist cannot be created
/// from the definition.
pub fn plan(want: &Desired, deployed: &Deployed, code: &Code, region: &str) -> Result<Plan> {
    let function = deployed.function.as_ref();
    let resolved = Desired {
        definition: want
            .definition
            .resolved(function.map(|f| &f.config), function.map(|f| &f.tags)),
        ..want.clone()
    };
    let want = &resolved;
    let def = &want.definition;
    if function.is_none() {
        creatable(want, region)?;
    }
    let mut actions = Vec::new();

    let role = role::plan_role(want, deployed, &mut actions)?;

    let deployed_sha = function
        .and_then(|f| f.config.code_sha256())
        .map(String::from);
    let upload = match function {
        None => true,
        Some(f) => {
            want.force
                || config::architecture_changes(def, &f.config)
                || deployed_sha.as_deref() != Some(code.sha256.as_str())
        }
    };
    let source = match &code.s3 {
        Some((bucket, key)) => CodeSource::S3 {
            bucket: bucket.clone(),
            key: key.clone(),
        },
        None => CodeSource::Zip(code.zip.clone()),
    };
    if let (true, Some((bucket, key))) = (upload, &code.s3) {
        actions.push(match deployed.zip_in_s3 {
            true => Action::ZipInS3 {
                bucket: bucket.clone(),
                key: key.clone(),
            },
            false => Action::UploadZip {
                zip: code.zip.clone(),
                size: code.size,
                sha256: code.sha256_hex.clone(),
                bucket: bucket.clone(),
                key: key.clone(),
                content_addressed: code.content_addressed(&want.name),
            },
        });
    }

    let (mut config_changes, tags_set, tags_removed) = match function {
        None => {
            let role = role.ok_or_else(|| Error::usage("creating a function needs a role"))?;
            let nothing = FunctionConfiguration::builder().build();
            let settings = config::changes(def, None, &nothing)
                .into_iter()
                .filter(|c| !(c.field == "architecture" && c.to == "x86_64"))
                .collect();
            actions.push(Action::CreateFunction {
                role,
                source,
                code_sha256: code.sha256.clone(),
                tags: def.tags.clone(),
                settings,
            });
            (Vec::new(), def.tags.clone(), Vec::new())
        }
        Some(f) => plan_update(want, f, role, upload.then_some(source), code, &mut actions),
    };

    let extra = after::plan_extras(def, deployed, function.is_some(), &mut actions);
    if function.is_some() {
        config_changes.extend(extra);
    }
    after::plan_versions(want, deployed, code, &mut actions);
    after::plan_concurrency(want, deployed, &mut actions);
    after::plan_url(want, deployed, &mut actions);
    triggers::plan_triggers(want, deployed, region, &mut actions);
    triggers::plan_sources_and_schedules(want, deployed, &mut actions);

    Ok(Plan {
        function: want.name.clone(),
        region: region.to_string(),
        create: function.is_none(),
        arn: function.and_then(|f| f.config.function_arn().map(String::from)),
        config_changes,
        tags_set,
        tags_removed,
        code: if upload {
            CodeAction::Upload
        } else {
            CodeAction::Unchanged
        },
        code_sha256: code.sha256.clone(),
        deployed_code_sha256: deployed_sha,
        s3: code.s3.as_ref().map(|(b, k)| format!("s3://{b}/{k}")),
        publish: want.publish,
        alias: want.alias.clone(),
        canary_percent: want.canary,
        keep_versions: want.keep_versions,
        concurrency: want.concurrency,
        provisioned: want.provisioned,
        url: want.url.as_ref().map(|u| u.over(deployed.url.as_ref())),
        deployed_url: deployed.url.as_ref().map(|u| u.url.clone()),
        api: triggers::deployed_api(want, deployed),
        api_stage: want.api.as_ref().map(|a| a.stage().to_string()),
        actions,
        definition: def.clone(),
    })
}

/// An existing function: wait until it is ready, then update what differs
/// (configuration, code, tags). Returns the changes and the tags to set and
/// remove. `upload` is where the code comes from when it is uploaded.
fn plan_update(
    want: &Desired,
    f: &FunctionState,
    role: Option<RoleRef>,
    upload: Option<CodeSource>,
    code: &Code,
    actions: &mut Vec<Action>,
) -> (Vec<FieldChange>, BTreeMap<String, String>, Vec<String>) {
    let def = &want.definition;
    let ready = super::Readiness::of_config(&f.config) == super::Readiness::Ready;
    actions.push(Action::WaitReady { ready });
    let changes = config::changes(def, role.as_ref().map(RoleRef::shown).as_deref(), &f.config);
    // The architecture changes with the code, not the configuration.
    if changes.iter().all(|c| c.field == "architecture") {
        actions.push(Action::ConfigurationUnchanged);
    } else {
        actions.push(Action::UpdateConfiguration {
            changes: changes.clone(),
            role: role.filter(|_| changes.iter().any(|c| c.field == "role")),
            logging: config::logging(def, Some(&f.config)),
        });
    }
    actions.push(match upload {
        Some(source) => Action::UpdateCode {
            source,
            code_sha256: code.sha256.clone(),
            deployed_code_sha256: f.config.code_sha256().map(String::from),
            architecture: def.architecture,
            force: want.force,
        },
        None => Action::CodeUnchanged {
            code_sha256: code.sha256.clone(),
        },
    });
    let (set, removed) = config::tag_changes(&def.tags, &f.tags);
    let arn = f.config.function_arn().unwrap_or_default();
    if !set.is_empty() {
        actions.push(Action::Tag {
            resource: arn.to_string(),
            tags: set.clone(),
        });
    }
    if !removed.is_empty() {
        actions.push(Action::Untag {
            resource: arn.to_string(),
            keys: removed.clone(),
        });
    }
    (changes, set, removed)
}

/// A function that does not exist needs a runtime, a handler and a role.
fn creatable(want: &Desired, region: &str) -> Result<()> {
    let def = &want.definition;
    let name = &want.name;
    for (flag, key, given) in [
        ("--runtime", "runtime", def.runtime.is_some()),
        ("--handler", "handler", def.handler.is_some()),
    ] {
        if !given {
            return Err(Error::usage(format!(
                "function '{name}' does not exist in {region} and creating it needs {flag} (or `{key}` in lamctl.toml)"
            )));
        }
    }
    if def.role.is_none() && !want.create_role {
        return Err(Error::usage(format!(
            "function '{name}' does not exist in {region} and creating it needs --role ARN (or `role` in lamctl.toml)"
        ))
        .with_hint("or pass --create-role to create a basic execution role"));
    }
    Ok(())
}
