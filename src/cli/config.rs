//! `lamctl.toml`: the function definition and its precedence.
//!
//! One struct, [`FunctionSpec`], is both the file's shape and the clap flags
//! that override it, so a field cannot exist in one and not the other.
//! Flags win over the file; the file wins over defaults.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::lambda::config::api::Api;
use crate::lambda::config::s3::S3Trigger;
use crate::lambda::config::value::{
    AliasName, CodeSigningConfigArn, CorsHeader, CorsMaxAge, CorsMethod, CorsOrigin, DeadLetterArn,
    Description, EphemeralStorage, FunctionName, Handler, KeepVersions, KmsKeyArn, LayerArn,
    LogGroup, Memory, PolicyArn, ProvisionedConcurrency, ReservedConcurrency, RoleArn, Runtime,
    RuntimeVersionArn, S3Bucket, S3Key, SecurityGroupId, SubnetId, Timeout,
};
use crate::lambda::triggers::esm::{self, EventSource};
use crate::lambda::triggers::schedule::{self, Schedule};
use crate::lambda::{limits, names};

pub(super) mod file;
#[macro_use]
mod merge;
mod position;
mod settings;

use merge::Merge;
use position::{key_at, key_in_span, line_col};
pub use settings::*;

pub const DEFAULT_FILE: &str = "lamctl.toml";

function_spec! {
/// The function's definition: the whole of `lamctl.toml`, and the flags
/// that override its top-level keys (the tables have no flags of their own
/// here; the commands that use them add theirs). Every value has its
/// checked type (`lambda::config::value`), so a wrong one fails while it
/// is read, naming the flag or the key; [`FunctionSpec::over`] merges
/// field by field by each field's type ([`Merge`]).
#[derive(Debug, Clone, Default, Args, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    /// The function's name [lamctl.toml: name]
    #[arg(long = "function", value_name = "NAME", help_heading = "Function", add = super::complete::functions())]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<FunctionName>,

    /// Runtime identifier, e.g. python3.12, nodejs20.x, provided.al2023 [lamctl.toml: runtime]
    #[arg(long, value_name = "RUNTIME", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,

    /// Handler, e.g. app.handler [lamctl.toml: handler]
    #[arg(long, value_name = "HANDLER", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<Handler>,

    /// Execution role ARN [lamctl.toml: role]
    #[arg(long, value_name = "ARN", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<RoleArn>,

    /// Memory in MB, 128-10240 [lamctl.toml: memory]
    #[arg(long, value_name = "MB", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<Memory>,

    /// Timeout in seconds, 1-900 [lamctl.toml: timeout]
    #[arg(long, value_name = "SECONDS", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Timeout>,

    /// Instruction set [lamctl.toml: architecture]
    #[arg(long, value_enum, value_name = "ARCH", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,

    /// Description [lamctl.toml: description]
    #[arg(long, value_name = "TEXT", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Description>,

    /// Environment variable, repeatable; overrides the entry of the same key (lamctl.toml's, or
    /// the deployed one), others stay unless --env-replace
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env, help_heading = "Function")]
    #[serde(
        default,
        rename = "environment",
        deserialize_with = "de_env",
        serialize_with = "ser_map",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub environment: Vec<(String, String)>,

    /// A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]
    #[arg(long = "env-file", value_name = "FILE", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_file: Option<PathBuf>,

    /// Layer version ARN, repeatable; the whole set, replacing the file's list (`layers = []`
    /// or --unset layers: none) [lamctl.toml: layers]
    #[arg(long = "layer", value_name = "ARN", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<Vec<LayerArn>>,

    /// Tag, repeatable; overrides the entry of the same key (lamctl.toml's, or the deployed one),
    /// others stay unless --tag-replace
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag, help_heading = "Function")]
    #[serde(
        default,
        rename = "tags",
        deserialize_with = "de_tags",
        serialize_with = "ser_map",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<(String, String)>,

    /// Ephemeral /tmp storage in MB, 512-10240 [lamctl.toml: ephemeral_storage]
    #[arg(
        long = "ephemeral-storage",
        value_name = "MB",
        help_heading = "Function"
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage: Option<EphemeralStorage>,

    /// Log format [lamctl.toml: log_format]
    #[arg(
        long = "log-format",
        value_enum,
        value_name = "FORMAT",
        help_heading = "Logging"
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,

    /// Custom CloudWatch log group [lamctl.toml: log_group]
    #[arg(long = "log-group", value_name = "NAME", help_heading = "Logging")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group: Option<LogGroup>,

    /// Application log level (needs --log-format json) [lamctl.toml: application_log_level]
    #[arg(long, value_enum, value_name = "LEVEL", help_heading = "Logging")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_log_level: Option<AppLogLevel>,

    /// System (platform) log level (needs --log-format json) [lamctl.toml: system_log_level]
    #[arg(long, value_enum, value_name = "LEVEL", help_heading = "Logging")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_log_level: Option<SystemLogLevel>,

    /// Managed policy for the role lamctl creates, repeatable; with AWSLambdaBasicExecutionRole
    /// the whole set lamctl attaches [lamctl.toml: policies]
    #[arg(
        long = "policy",
        value_name = "ARN",
        help_heading = "Role (with --create-role)"
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<PolicyArn>>,

    /// Allow ACTION (on RESOURCE, default *) in lamctl's inline policy, repeatable; the whole set
    /// [lamctl.toml: [[allow]] actions, resources]
    #[arg(long = "allow", value_name = "ACTION[=RESOURCE]", value_parser = settings::parse_allow, help_heading = "Role (with --create-role)")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow: Option<Vec<Allow>>,

    /// VPC subnet id, repeatable, up to 16 [lamctl.toml: subnets]
    #[arg(long = "subnet", value_name = "ID", help_heading = "Network")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<SubnetId>,

    /// VPC security group id, repeatable, up to 5 [lamctl.toml: security_groups]
    #[arg(long = "security-group", value_name = "ID", help_heading = "Network")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<SecurityGroupId>,

    /// Allow IPv6 traffic in dual-stack subnets [lamctl.toml: ipv6_dual_stack]
    #[arg(long, value_name = "BOOL", help_heading = "Network")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_dual_stack: Option<bool>,

    /// An EFS access point mounted at /mnt/PATH (one per function; needs a VPC)
    /// [lamctl.toml: [[file_systems]] arn, mount_path]
    #[arg(long = "file-system", value_name = "ARN=/mnt/PATH", value_parser = settings::parse_file_system, help_heading = "Network")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub file_systems: Vec<FileSystem>,

    /// X-Ray tracing [lamctl.toml: tracing]
    #[arg(
        long,
        value_enum,
        value_name = "MODE",
        help_heading = "Runtime and security"
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracing: Option<Tracing>,

    /// SnapStart [lamctl.toml: snap_start]
    #[arg(
        long,
        value_enum,
        value_name = "APPLY_ON",
        help_heading = "Runtime and security"
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snap_start: Option<SnapStart>,

    /// SQS queue or SNS topic ARN for failed asynchronous events [lamctl.toml: dead_letter_arn]
    #[arg(long, value_name = "ARN", help_heading = "Runtime and security")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter_arn: Option<DeadLetterArn>,

    /// KMS key ARN that encrypts the environment variables [lamctl.toml: kms_key_arn]
    #[arg(long, value_name = "ARN", help_heading = "Runtime and security")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<KmsKeyArn>,

    /// When the runtime is updated [lamctl.toml: runtime_update]
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        help_heading = "Runtime and security"
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_update: Option<RuntimeUpdate>,

    /// The runtime version to pin (with --runtime-update manual) [lamctl.toml: runtime_version_arn]
    #[arg(long, value_name = "ARN", help_heading = "Runtime and security")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_version_arn: Option<RuntimeVersionArn>,

    /// Recursive loop detection [lamctl.toml: recursive_loop]
    #[arg(
        long,
        value_enum,
        value_name = "ACTION",
        help_heading = "Runtime and security"
    )]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recursive_loop: Option<RecursiveLoop>,

    /// Code signing configuration ARN [lamctl.toml: code_signing_config]
    #[arg(long, value_name = "ARN", help_heading = "Runtime and security")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_signing_config: Option<CodeSigningConfigArn>,

    /// The directory that is packaged, relative to the file.
    #[arg(skip)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<PathBuf>,

    #[arg(skip)]
    #[serde(default)]
    pub aws: AwsFileSettings,

    #[arg(skip)]
    #[serde(default)]
    pub package: PackageSettings,

    #[arg(skip)]
    #[serde(default)]
    pub deploy: DeploySettings,

    /// `[api]`: API Gateway in front of the function (deploy, serve --api).
    #[arg(skip)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<Api>,

    /// `[[event_source]]`: SQS queues and DynamoDB/Kinesis streams Lambda
    /// polls for the function (deploy converges them; docs/triggers.md).
    #[arg(skip)]
    #[serde(default, rename = "event_source", skip_serializing_if = "Vec::is_empty")]
    pub event_sources: Vec<EventSource>,

    /// `[[schedule]]`: EventBridge Scheduler schedules that invoke the
    /// function (deploy converges them; docs/triggers.md).
    #[arg(skip)]
    #[serde(default, rename = "schedule", skip_serializing_if = "Vec::is_empty")]
    pub schedules: Vec<Schedule>,
    /// `[[s3]]`: bucket notifications that start the function (deploy).
    #[arg(skip)]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub s3: Vec<S3Trigger>,
}
}

pub type ProjectFile = FunctionSpec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Serialize)]
pub enum Architecture {
    #[serde(rename = "x86_64")]
    #[value(name = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    #[value(name = "arm64")]
    Arm64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// `[aws]`: where calls go, below flags and environment in precedence.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AwsFileSettings {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// `[package]`: what goes into the zip.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PackageSettings {
    /// gitignore-style globs to leave out (added to .lamctlignore).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// gitignore-style globs to put back in even when ignored.
    #[serde(default)]
    pub include: Vec<String>,
    /// Store symbolic links as links instead of following them.
    #[serde(default)]
    pub keep_symlinks: bool,
}

/// `[deploy]`: what `lamctl deploy` does after the code is in place.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeploySettings {
    pub publish: Option<bool>,
    pub alias: Option<AliasName>,
    pub keep_versions: Option<KeepVersions>,
    /// Create (or reuse) lamctl's execution role, as --create-role.
    pub create_role: Option<bool>,
    pub concurrency: Option<ReservedConcurrency>,
    pub provisioned: Option<ProvisionedConcurrency>,
    pub s3_bucket: Option<S3Bucket>,
    pub s3_key: Option<S3Key>,
    pub url: Option<UrlSettings>,
}

/// `[deploy.url]`: the function URL.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UrlSettings {
    pub auth: Option<UrlAuth>,
    pub invoke_mode: Option<InvokeMode>,
    #[serde(default)]
    pub cors_origins: Vec<CorsOrigin>,
    #[serde(default)]
    pub cors_methods: Vec<CorsMethod>,
    #[serde(default)]
    pub cors_headers: Vec<CorsHeader>,
    pub cors_max_age: Option<CorsMaxAge>,
    pub cors_credentials: Option<bool>,
}

/// A loaded `lamctl.toml` and where it is.
#[derive(Debug, Clone)]
pub struct Project {
    pub path: PathBuf,
    pub file: ProjectFile,
}

impl Project {
    /// `-c FILE` must exist; without it `./lamctl.toml` is read when present.
    pub fn discover(explicit: Option<&Path>) -> Result<Option<Project>> {
        Project::find(explicit, None)
    }

    /// The one way to find lamctl.toml: `-c FILE` (which must be a regular
    /// file), else `DIR/lamctl.toml` when a directory is given and has one,
    /// else `./lamctl.toml` when present.
    pub fn find(explicit: Option<&Path>, dir: Option<&Path>) -> Result<Option<Project>> {
        if let Some(p) = explicit {
            return Project::load(p).map(Some);
        }
        let candidates = dir.map(|d| d.join(DEFAULT_FILE)).into_iter();
        for p in candidates.chain([PathBuf::from(DEFAULT_FILE)]) {
            if std::fs::symlink_metadata(&p).is_ok() {
                return Project::load(&p).map(Some);
            }
        }
        Ok(None)
    }

    /// Read and check the file at `path` (`-c`, or a found lamctl.toml).
    pub fn load(path: &Path) -> Result<Project> {
        let text = file::read(path)?;
        if super::workspace::is_workspace(&text) {
            return Err(Error::usage(format!(
                "{} is a workspace root ([workspace]), not a function",
                path.display()
            ))
            .with_hint("give member names or --all, or -c a member's lamctl.toml"));
        }
        let file = parse(&text, path)?;
        Ok(Project {
            path: path.to_path_buf(),
            file,
        })
    }

    /// The directory the file is in; relative paths in it are relative to this.
    pub fn dir(&self) -> &Path {
        // "" for a bare file name, so joined paths stay relative and tidy.
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// The function a command acts on when none is named: `name` in the file.
    pub fn default_function(project: Option<&Project>) -> Option<&str> {
        project.and_then(|p| p.file.name.as_ref().map(FunctionName::as_str))
    }

    /// `source` resolved against the file's directory.
    pub fn source_dir(&self) -> Option<PathBuf> {
        self.file.source.as_ref().map(|s| self.dir().join(s))
    }
}

/// Parse and validate the file's text; errors name the file, the line and
/// column, and the key, and never echo a value (it may be a secret).
pub fn parse(text: &str, path: &Path) -> Result<ProjectFile> {
    let file: ProjectFile = parse_as(text, path)?;
    let label = path.display().to_string();
    file.validate(&label)?;
    Ok(file)
}

/// The text of a lamctl.toml (regular, bounded, UTF-8: `config/file.rs`).
pub fn read_text(path: &Path) -> Result<String> {
    file::read(path)
}

/// Deserialize a lamctl.toml's text as `T` (a function, or a workspace
/// root); errors name the file, line, column and key, never a value.
pub fn parse_as<T: serde::de::DeserializeOwned>(text: &str, path: &Path) -> Result<T> {
    toml::from_str::<T>(text).map_err(|e| {
        let message = file::quiet(e.message());
        let alone =
            |table: &str| toml::from_str::<T>(table).is_err_and(|t| t.message() == e.message());
        let start = e.span().map(|s| key_in_span(text, s, &message, alone));
        let at = start
            .map(|s| {
                let (line, col) = line_col(text, s);
                format!(":{line}:{col}")
            })
            .unwrap_or_default();
        // Name the key, not only the line: `memory: expected …`.
        let key = start
            .and_then(|s| key_at(text, s))
            // (An unknown key's message names it already, and so does a
            // table's own check.)
            .filter(|k| {
                let last = k.rsplit('.').next().unwrap_or(k);
                !message.contains(&format!("`{last}`")) && !message.starts_with(&format!("{last}:"))
            })
            .map(|k| format!(" {k}:"))
            .unwrap_or_default();
        Error::usage(format!("{}{at}:{key} {message}", path.display()))
            .with_hint("the keys lamctl.toml accepts are listed in docs/configuration.md")
    })
}

impl FunctionSpec {
    /// The checks one value alone cannot make (each value was checked by
    /// its type as it was read): sizes of sets, and settings that need
    /// another. `from` names where the values came from (a file, or
    /// "flags").
    pub fn validate(&self, from: &str) -> Result<()> {
        let usage = |e: String| Error::usage(format!("{e} (from {from})"));
        names::environment_size(&self.environment).map_err(usage)?;
        let layers = self.layers.as_deref().unwrap_or_default();
        if layers.len() > limits::LAYERS {
            return Err(usage(format!(
                "{} layers given (--layer / layers); Lambda allows at most {}",
                layers.len(),
                limits::LAYERS
            )));
        }
        names::tags(&self.tags).map_err(usage)?;
        settings::validate(self).map_err(usage)?;
        if let Some(api) = &self.api {
            api.validate().map_err(usage)?;
        }
        esm::validate(&self.event_sources).map_err(usage)?;
        schedule::validate(&self.schedules).map_err(usage)?;
        for (i, t) in self.s3.iter().enumerate() {
            if self.s3[..i].contains(t) {
                return Err(usage(format!(
                    "[[s3]] for bucket {:?} is given twice",
                    t.bucket.as_str()
                )));
            }
        }
        Ok(())
    }
}

/// `KEY=VALUE` (the value may hold `=`).
pub fn parse_key_value(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        // No value is echoed: it may be a secret.
        Some(_) => Err("the key is empty: give KEY=VALUE".into()),
        None => Err("no '=': give KEY=VALUE".into()),
    }
}

/// `--env KEY=VALUE`: the key's format checked (the value never echoed).
pub fn parse_env(s: &str) -> std::result::Result<(String, String), String> {
    let (k, v) = parse_key_value(s)?;
    names::env_key(&k)?;
    Ok((k, v))
}

/// `--tag KEY=VALUE`: Lambda's rules for a tag.
pub fn parse_tag(s: &str) -> std::result::Result<(String, String), String> {
    let kv = parse_key_value(s)?;
    names::tags(std::slice::from_ref(&kv))?;
    Ok(kv)
}

fn de_map<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<(String, String)>, D::Error> {
    let m: BTreeMap<String, String> = BTreeMap::deserialize(d)?;
    Ok(m.into_iter().collect())
}

/// `[environment]`: keys checked as `--env`'s are.
fn de_env<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<(String, String)>, D::Error> {
    let m = de_map(d)?;
    for (k, _) in &m {
        names::env_key(k).map_err(serde::de::Error::custom)?;
    }
    Ok(m)
}

/// `[tags]`: checked as `--tag`'s are.
fn de_tags<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<(String, String)>, D::Error> {
    let m = de_map(d)?;
    names::tags(&m).map_err(serde::de::Error::custom)?;
    Ok(m)
}

fn ser_map<S: serde::Serializer>(
    v: &[(String, String)],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    let m: BTreeMap<&str, &str> = v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    m.serialize(s)
}

#[cfg(test)]
mod tests;
