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
use crate::lambda::{limits, names};

mod position;
mod settings;

use position::{key_at, line_col};
pub use settings::*;

pub const DEFAULT_FILE: &str = "lamctl.toml";

/// The function's definition: the whole of `lamctl.toml`, and the flags
/// that override its top-level keys (the tables have no flags of their own
/// here; the commands that use them add theirs).
#[derive(Debug, Clone, Default, Args, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    /// The function's name [lamctl.toml: name]
    #[arg(long = "function", value_name = "NAME", help_heading = "Function", add = super::complete::functions())]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    /// Runtime identifier, e.g. python3.12, nodejs20.x, provided.al2023 [lamctl.toml: runtime]
    #[arg(long, value_name = "RUNTIME", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,

    /// Handler, e.g. app.handler [lamctl.toml: handler]
    #[arg(long, value_name = "HANDLER", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,

    /// Execution role ARN [lamctl.toml: role]
    #[arg(long, value_name = "ARN", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,

    /// Memory in MB, 128-10240 [lamctl.toml: memory]
    #[arg(long, value_name = "MB", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<i32>,

    /// Timeout in seconds, 1-900 [lamctl.toml: timeout]
    #[arg(long, value_name = "SECONDS", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,

    /// Instruction set [lamctl.toml: architecture]
    #[arg(long, value_enum, value_name = "ARCH", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,

    /// Description [lamctl.toml: description]
    #[arg(long, value_name = "TEXT", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    /// Environment variable, repeatable; overrides the entry of the same key (lamctl.toml's, or
    /// the deployed one), others stay unless --env-replace
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_key_value, help_heading = "Function")]
    #[serde(
        default,
        rename = "environment",
        deserialize_with = "de_map",
        serialize_with = "ser_map",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub environment: Vec<(String, String)>,

    /// A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]
    #[arg(long = "env-file", value_name = "FILE", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_file: Option<PathBuf>,

    /// Layer ARN, repeatable; replaces the file's list [lamctl.toml: layers]
    #[arg(long = "layer", value_name = "ARN", help_heading = "Function")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<String>,

    /// Tag, repeatable; overrides the entry of the same key (lamctl.toml's, or the deployed one),
    /// others stay unless --tag-replace
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_key_value, help_heading = "Function")]
    #[serde(
        default,
        rename = "tags",
        deserialize_with = "de_map",
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
    pub ephemeral_storage: Option<i32>,

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
    pub log_group: Option<String>,

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
    pub policies: Option<Vec<String>>,

    /// Allow ACTION (on RESOURCE, default *) in lamctl's inline policy, repeatable; the whole set
    /// [lamctl.toml: [[allow]] actions, resources]
    #[arg(long = "allow", value_name = "ACTION[=RESOURCE]", value_parser = settings::parse_allow, help_heading = "Role (with --create-role)")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow: Option<Vec<Allow>>,

    /// VPC subnet id, repeatable, up to 16 [lamctl.toml: subnets]
    #[arg(long = "subnet", value_name = "ID", help_heading = "Network")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<String>,

    /// VPC security group id, repeatable, up to 5 [lamctl.toml: security_groups]
    #[arg(long = "security-group", value_name = "ID", help_heading = "Network")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,

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
    pub dead_letter_arn: Option<String>,

    /// KMS key ARN that encrypts the environment variables [lamctl.toml: kms_key_arn]
    #[arg(long, value_name = "ARN", help_heading = "Runtime and security")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,

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
    pub runtime_version_arn: Option<String>,

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
    pub code_signing_config: Option<String>,

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
    pub alias: Option<String>,
    pub keep_versions: Option<u32>,
    /// Create (or reuse) lamctl's execution role, as --create-role.
    pub create_role: Option<bool>,
    pub concurrency: Option<i32>,
    pub provisioned: Option<i32>,
    pub s3_bucket: Option<String>,
    pub s3_key: Option<String>,
    pub url: Option<UrlSettings>,
}

/// `[deploy.url]`: the function URL.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct UrlSettings {
    pub auth: Option<String>,
    pub invoke_mode: Option<String>,
    #[serde(default)]
    pub cors_origins: Vec<String>,
    #[serde(default)]
    pub cors_methods: Vec<String>,
    #[serde(default)]
    pub cors_headers: Vec<String>,
    pub cors_max_age: Option<i32>,
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
        match explicit {
            Some(p) => {
                if !p.is_file() {
                    let what = if p.is_dir() {
                        "is a directory"
                    } else {
                        "does not exist"
                    };
                    return Err(Error::usage(format!(
                        "config file {} {what} (-c/--config)",
                        p.display()
                    ))
                    .with_hint(
                        "-c/--config names a lamctl.toml; leave it out to use ./lamctl.toml",
                    ));
                }
                Project::load(p).map(Some)
            }
            None => {
                let p = Path::new(DEFAULT_FILE);
                if p.is_file() {
                    Project::load(p).map(Some)
                } else {
                    Ok(None)
                }
            }
        }
    }

    pub fn load(path: &Path) -> Result<Project> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
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
        project.and_then(|p| p.file.name.as_deref())
    }

    /// `source` resolved against the file's directory.
    pub fn source_dir(&self) -> Option<PathBuf> {
        self.file.source.as_ref().map(|s| self.dir().join(s))
    }
}

/// Parse and validate the file's text; errors name the file and line.
pub fn parse(text: &str, path: &Path) -> Result<ProjectFile> {
    let file: ProjectFile = toml::from_str(text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let (line, col) = line_col(text, s.start);
                format!(":{line}:{col}")
            })
            .unwrap_or_default();
        // Name the key, not only the line: `memory: invalid type …`.
        let key = e
            .span()
            .and_then(|sp| key_at(text, sp.start))
            // (An unknown key's message names it already.)
            .filter(|k| {
                !e.message()
                    .contains(&format!("`{}`", k.rsplit('.').next().unwrap_or(k)))
            })
            .map(|k| format!(" {k}:"))
            .unwrap_or_default();
        Error::usage(format!(
            "{}{at}:{key} {}",
            path.display(),
            e.message().trim().replace('\n', " ")
        ))
        .with_hint("the keys lamctl.toml accepts are listed in docs/configuration.md")
    })?;
    let label = path.display().to_string();
    file.validate(&label)?;
    Ok(file)
}

impl FunctionSpec {
    /// `self` over `base`: set fields of `self` win, maps merge by key.
    pub fn over(&self, base: &FunctionSpec) -> FunctionSpec {
        fn merge(base: &[(String, String)], top: &[(String, String)]) -> Vec<(String, String)> {
            let mut m: BTreeMap<String, String> = base.iter().cloned().collect();
            m.extend(top.iter().cloned());
            m.into_iter().collect()
        }
        // A list given by flags replaces the file's.
        fn pick<T: Clone>(top: &[T], base: &[T]) -> Vec<T> {
            if top.is_empty() {
                base.to_vec()
            } else {
                top.to_vec()
            }
        }
        FunctionSpec {
            name: self.name.clone().or_else(|| base.name.clone()),
            runtime: self.runtime.clone().or_else(|| base.runtime.clone()),
            handler: self.handler.clone().or_else(|| base.handler.clone()),
            role: self.role.clone().or_else(|| base.role.clone()),
            memory: self.memory.or(base.memory),
            timeout: self.timeout.or(base.timeout),
            architecture: self.architecture.or(base.architecture),
            description: self
                .description
                .clone()
                .or_else(|| base.description.clone()),
            environment: merge(&base.environment, &self.environment),
            env_file: self.env_file.clone().or_else(|| base.env_file.clone()),
            layers: if self.layers.is_empty() {
                base.layers.clone()
            } else {
                self.layers.clone()
            },
            tags: merge(&base.tags, &self.tags),
            ephemeral_storage: self.ephemeral_storage.or(base.ephemeral_storage),
            log_format: self.log_format.or(base.log_format),
            log_group: self.log_group.clone().or_else(|| base.log_group.clone()),
            application_log_level: self.application_log_level.or(base.application_log_level),
            system_log_level: self.system_log_level.or(base.system_log_level),
            policies: self.policies.clone().or_else(|| base.policies.clone()),
            allow: self.allow.clone().or_else(|| base.allow.clone()),
            subnets: pick(&self.subnets, &base.subnets),
            security_groups: pick(&self.security_groups, &base.security_groups),
            ipv6_dual_stack: self.ipv6_dual_stack.or(base.ipv6_dual_stack),
            file_systems: pick(&self.file_systems, &base.file_systems),
            tracing: self.tracing.or(base.tracing),
            snap_start: self.snap_start.or(base.snap_start),
            dead_letter_arn: self
                .dead_letter_arn
                .clone()
                .or_else(|| base.dead_letter_arn.clone()),
            kms_key_arn: self
                .kms_key_arn
                .clone()
                .or_else(|| base.kms_key_arn.clone()),
            runtime_update: self.runtime_update.or(base.runtime_update),
            runtime_version_arn: self
                .runtime_version_arn
                .clone()
                .or_else(|| base.runtime_version_arn.clone()),
            recursive_loop: self.recursive_loop.or(base.recursive_loop),
            code_signing_config: self
                .code_signing_config
                .clone()
                .or_else(|| base.code_signing_config.clone()),
            source: self.source.clone().or_else(|| base.source.clone()),
            // Tables come from the file only.
            aws: base.aws.clone(),
            package: base.package.clone(),
            deploy: base.deploy.clone(),
        }
    }

    /// Check every value against Lambda's documented limits (the rules
    /// live in `lambda::names` and `lambda::limits`). `from` names where
    /// the values came from (a file, or "flags").
    pub fn validate(&self, from: &str) -> Result<()> {
        let usage = |e: String| Error::usage(format!("{e} (from {from})"));
        if let Some(n) = &self.name {
            names::function_name(n).map_err(usage)?;
        }
        for (v, range) in [
            (self.memory, &limits::MEMORY),
            (self.timeout, &limits::TIMEOUT),
            (self.ephemeral_storage, &limits::EPHEMERAL_STORAGE),
        ] {
            if let Some(v) = v {
                range
                    .check(v)
                    .map_err(|e| usage(e).with_hint(range.hint()))?;
            }
        }
        if let Some(r) = &self.runtime {
            names::runtime(r).map_err(|e| usage(e).with_hint(
                "use one of Lambda's runtime ids, e.g. python3.12, nodejs20.x, java21, provided.al2023",
            ))?;
        }
        for (k, _) in self.environment.iter() {
            names::env_key(k).map_err(usage)?;
        }
        // Lambda's documented formats and limits, so a dry run refuses
        // what the service would.
        if let Some(r) = &self.role {
            names::role_arn(r).map_err(usage)?;
        }
        if let Some(h) = &self.handler {
            names::handler(h).map_err(usage)?;
        }
        if let Some(d) = &self.description {
            names::description(d).map_err(usage)?;
        }
        names::environment_size(&self.environment).map_err(usage)?;
        if self.layers.len() > limits::LAYERS {
            return Err(usage(format!(
                "{} layers given (--layer / layers); Lambda allows at most {}",
                self.layers.len(),
                limits::LAYERS
            )));
        }
        for l in &self.layers {
            names::layer_arn(l).map_err(usage)?;
        }
        names::tags(&self.tags).map_err(usage)?;
        if let Some(g) = &self.log_group {
            names::log_group(g).map_err(usage)?;
        }
        settings::validate(self).map_err(usage)?;
        Ok(())
    }
}

/// `KEY=VALUE` for `--env` and `--tag`.
pub fn parse_key_value(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("'{s}' is not KEY=VALUE")),
    }
}

fn de_map<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<(String, String)>, D::Error> {
    let m: BTreeMap<String, String> = BTreeMap::deserialize(d)?;
    Ok(m.into_iter().collect())
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
