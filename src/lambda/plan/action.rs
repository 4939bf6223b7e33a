//! The steps of a deploy plan, in the order they run.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::super::alias::AliasState;
use super::super::config::{Architecture, FieldChange, Logging, RecursiveLoop, RuntimeManagement};
use super::super::role::Statement;
use super::super::triggers::api::ApiStep;
use super::super::triggers::esm::{self};
use super::super::triggers::s3::S3Step;
use super::super::triggers::schedule::{self};
use super::super::url::{PublicPermission, UrlConfig};
use super::super::write::CodeSource;
use super::RoleRef;

/// One step of a deploy, in the order they run. "The published version"
/// is the one `PublishVersion` returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Action {
    /// Create lamctl's execution role.
    CreateRole {
        role: String,
    },
    /// Record managed policies as attached by lamctl (role tags, key ->
    /// policy ARN), before attaching them.
    TrackRolePolicies {
        role: String,
        tags: BTreeMap<String, String>,
    },
    /// Attach a managed policy to lamctl's role.
    AttachRolePolicy {
        role: String,
        policy: String,
    },
    /// Detach a managed policy lamctl attached and the definition no longer
    /// lists.
    DetachRolePolicy {
        role: String,
        policy: String,
    },
    /// Forget detached policies (remove their tracking tags).
    UntrackRolePolicies {
        role: String,
        keys: Vec<String>,
    },
    /// Write lamctl's inline policy (the whole document).
    PutRolePolicy {
        role: String,
        name: String,
        document: serde_json::Value,
    },
    /// Delete lamctl's inline policy (an empty set was given).
    DeleteRolePolicy {
        role: String,
        name: String,
    },
    /// Upload the package to S3 (the object under the key is not this zip).
    UploadZip {
        zip: PathBuf,
        size: u64,
        /// The zip's SHA-256 in hex.
        sha256: String,
        bucket: String,
        key: String,
        /// The key is `lamctl/FUNCTION/SHA256.zip`: it names the content.
        content_addressed: bool,
    },
    /// The object under the key is already this zip (its `lamctl-sha256`
    /// metadata says so, or the key is the content-addressed default and
    /// the size matches): not uploaded again (shown, no call).
    ZipInS3 {
        bucket: String,
        key: String,
    },
    /// Create the function with its definition and tags; wait until active.
    CreateFunction {
        role: RoleRef,
        source: CodeSource,
        code_sha256: String,
        tags: BTreeMap<String, String>,
        /// The settings the definition gives the new function (shown).
        settings: Vec<FieldChange>,
    },
    /// Wait until the function is ready for a change (no call if `ready` when read).
    WaitReady {
        #[serde(skip)]
        ready: bool,
    },
    /// Nothing in the configuration changes (shown, no call).
    ConfigurationUnchanged,
    /// Update the configuration (`role` only when it changes); wait.
    UpdateConfiguration {
        changes: Vec<FieldChange>,
        role: Option<RoleRef>,
        logging: Option<Logging>,
    },
    /// The deployed code is the package (shown, no call).
    CodeUnchanged {
        code_sha256: String,
    },
    /// Upload the code (and set the architecture); wait.
    UpdateCode {
        source: CodeSource,
        code_sha256: String,
        deployed_code_sha256: Option<String>,
        architecture: Option<Architecture>,
        force: bool,
    },
    /// PutRuntimeManagementConfig.
    PutRuntimeManagement {
        config: RuntimeManagement,
    },
    /// PutFunctionRecursionConfig.
    PutRecursiveLoop {
        recursive_loop: RecursiveLoop,
    },
    /// PutFunctionCodeSigningConfig (a function that exists).
    PutCodeSigningConfig {
        arn: String,
    },
    /// DeleteFunctionCodeSigningConfig (`--unset code-signing-config`).
    DeleteCodeSigningConfig,
    Tag {
        resource: String,
        tags: BTreeMap<String, String>,
    },
    Untag {
        resource: String,
        keys: Vec<String>,
    },
    /// Publish a version of exactly this code; wait until it is active.
    PublishVersion {
        code_sha256: String,
    },
    /// Create the alias on the published version, or move it there (or
    /// route the canary's share to it): `deployed` is the alias now.
    PointAlias {
        alias: String,
        deployed: Option<AliasState>,
        canary_percent: Option<f64>,
    },
    /// Delete the versions beyond the newest `keep`, counting the published
    /// one and sparing every version an alias routes to after this deploy:
    /// `delete`, newest first, when no version is published or a new one
    /// is; `if_republished` when publishing may return the newest version
    /// unchanged (nothing changed since it was published).
    PruneVersions {
        keep: u32,
        delete: Vec<String>,
        if_republished: Option<Republished>,
    },
    SetReservedConcurrency {
        concurrency: i32,
    },
    RemoveReservedConcurrency,
    SetProvisionedConcurrency {
        alias: String,
        concurrency: i32,
    },
    /// Wait until the alias's provisioned concurrency is ready.
    WaitProvisionedConcurrency {
        alias: String,
    },
    CreateUrl {
        qualifier: Option<String>,
        config: UrlConfig,
    },
    /// Update the URL from `from` (deployed) to `config`.
    UpdateUrl {
        qualifier: Option<String>,
        from: UrlConfig,
        config: UrlConfig,
    },
    DeleteUrl {
        qualifier: Option<String>,
    },
    /// Add one of the statements a public URL needs.
    AddPublicPermission {
        qualifier: Option<String>,
        permission: PublicPermission,
    },
    RemovePermission {
        qualifier: Option<String>,
        sid: String,
    },
    /// Create, update or delete an event source mapping (or leave one that
    /// is not lamctl's alone).
    EventSourceMapping(esm::Step),
    /// Create, update or delete a schedule (or lamctl's role for them).
    Schedule(schedule::Step),
    /// The function's role is not lamctl's: what it needs, shown as a
    /// warning (no call).
    RolePermissionsNeeded {
        role: String,
        statements: Vec<Statement>,
    },
    /// A step on lamctl's HTTP API (`[api]`).
    Api {
        step: ApiStep,
    },
    /// A step on a bucket's notifications (`[[s3]]`).
    S3 {
        step: S3Step,
    },
}

/// The prune when PublishVersion returns `version`, the newest deployed
/// one, instead of a new version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Republished {
    pub version: String,
    pub delete: Vec<String>,
}
