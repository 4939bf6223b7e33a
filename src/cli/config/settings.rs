//! The value types of lamctl.toml's function settings that are more than a
//! string or a number (each is both a flag's value and a file's value),
//! and their validation against Lambda's formats and limits.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use crate::lambda::config::value::{EfsAccessPointArn, EfsMountPath};
use crate::lambda::{config as def, limits, names, role};

/// One `--allow ACTION[=RESOURCE]` or `[[allow]]` table: actions allowed on
/// resources (none given: every resource, `*`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    pub actions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
}

impl Allow {
    pub fn statement(&self) -> role::Statement {
        role::Statement {
            actions: self.actions.clone(),
            resources: if self.resources.is_empty() {
                vec!["*".into()]
            } else {
                self.resources.clone()
            },
        }
    }
}

/// `ACTION[=RESOURCE]`.
pub fn parse_allow(s: &str) -> Result<Allow, String> {
    let (action, resource) = match s.split_once('=') {
        Some((a, r)) => (a, Some(r)),
        None => (s, None),
    };
    names::iam_action(action)?;
    if let Some(r) = resource {
        names::iam_resource(r)?;
    }
    Ok(Allow {
        actions: vec![action.to_string()],
        resources: resource.map(|r| vec![r.to_string()]).unwrap_or_default(),
    })
}

/// One `--file-system ACCESS-POINT-ARN=/mnt/PATH` or `[[file_systems]]`
/// table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileSystem {
    pub arn: EfsAccessPointArn,
    pub mount_path: EfsMountPath,
}

/// `ARN=/mnt/PATH`.
pub fn parse_file_system(s: &str) -> Result<FileSystem, String> {
    let (arn, path) = s
        .split_once('=')
        .ok_or_else(|| format!("'{s}' is not ACCESS-POINT-ARN=/mnt/PATH"))?;
    Ok(FileSystem {
        arn: arn.parse()?,
        mount_path: path.parse()?,
    })
}

/// Who may call the function URL (`--url-auth`, `deploy.url.auth`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UrlAuth {
    None,
    AwsIam,
}

/// How the function URL returns responses (`--invoke-mode`,
/// `deploy.url.invoke_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvokeMode {
    Buffered,
    ResponseStream,
}

/// X-Ray tracing (TracingConfig.Mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tracing {
    /// Sample and trace requests (Active)
    Active,
    /// Trace only requests that arrive with a sampled trace header (PassThrough)
    PassThrough,
}

/// SnapStart (SnapStart.ApplyOn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SnapStart {
    /// Snapshot each published version (PublishedVersions)
    PublishedVersions,
    /// No SnapStart (None)
    None,
}

/// The application log level (LoggingConfig.ApplicationLogLevel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AppLogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

/// The system log level (LoggingConfig.SystemLogLevel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SystemLogLevel {
    Debug,
    Info,
    Warn,
}

/// Runtime management (PutRuntimeManagementConfig's UpdateRuntimeOn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuntimeUpdate {
    /// Lambda updates the runtime when it chooses (Auto)
    Auto,
    /// The runtime updates when the function is updated (FunctionUpdate)
    FunctionUpdate,
    /// Pinned to --runtime-version-arn (Manual)
    Manual,
}

/// Recursive loop detection (PutFunctionRecursionConfig's RecursiveLoop).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecursiveLoop {
    /// Let the function call itself in a loop
    Allow,
    /// Stop a recursive loop after about 16 calls
    Terminate,
}

/// The file's value and the core's name the same variants: one mapping
/// each way (deploy reads the file; `init` writes it).
macro_rules! same_variants {
    ($($t:ident { $($v:ident),+ $(,)? })+) => {$(
        impl From<$t> for def::$t {
            fn from(x: $t) -> Self {
                match x { $($t::$v => def::$t::$v),+ }
            }
        }
        impl From<def::$t> for $t {
            fn from(x: def::$t) -> Self {
                match x { $(def::$t::$v => $t::$v),+ }
            }
        }
    )+};
}

same_variants! {
    Tracing { Active, PassThrough }
    SnapStart { PublishedVersions, None }
    AppLogLevel { Trace, Debug, Info, Warn, Error, Fatal }
    SystemLogLevel { Debug, Info, Warn }
    RuntimeUpdate { Auto, FunctionUpdate, Manual }
    RecursiveLoop { Allow, Terminate }
}

/// The checks of the settings above that one value alone cannot make:
/// counts, formats of values read from the file, and the settings that
/// need another (log levels need the JSON format, a manual runtime needs
/// its version). Messages name the flag and the key.
pub(super) fn validate(spec: &super::FunctionSpec) -> Result<(), String> {
    let count = |n: usize, max: usize, what: &str, flag: &str, key: &str| {
        if n > max {
            Err(format!(
                "{n} {what} given ({flag} / {key}); Lambda allows at most {max}"
            ))
        } else {
            Ok(())
        }
    };
    count(
        spec.subnets.len(),
        limits::VPC_SUBNETS,
        "subnets",
        "--subnet",
        "subnets",
    )?;
    count(
        spec.security_groups.len(),
        limits::VPC_SECURITY_GROUPS,
        "security groups",
        "--security-group",
        "security_groups",
    )?;
    count(
        spec.file_systems.len(),
        limits::EFS_CONFIGS,
        "file systems",
        "--file-system",
        "file_systems",
    )?;
    let vpc_given = !spec.subnets.is_empty() || !spec.security_groups.is_empty();
    if vpc_given && (spec.subnets.is_empty() || spec.security_groups.is_empty()) {
        return Err(
            "a VPC needs both subnets (--subnet) and security groups (--security-group)".into(),
        );
    }
    if spec.ipv6_dual_stack.is_some() && !vpc_given {
        return Err("--ipv6-dual-stack (ipv6_dual_stack) applies to a VPC: give --subnet and --security-group too".into());
    }
    if !spec.file_systems.is_empty() && !vpc_given {
        return Err(
            "an EFS file system is reached through a VPC: give --subnet and --security-group too"
                .into(),
        );
    }
    match (spec.runtime_update, &spec.runtime_version_arn) {
        (Some(RuntimeUpdate::Manual), None) => {
            return Err(
                "--runtime-update manual needs --runtime-version-arn ARN (runtime_version_arn)"
                    .into(),
            );
        }
        (Some(RuntimeUpdate::Manual), Some(_)) => {}
        (_, Some(_)) => {
            return Err("--runtime-version-arn (runtime_version_arn) is only used with --runtime-update manual".into());
        }
        _ => {}
    }
    let levels = spec.application_log_level.is_some() || spec.system_log_level.is_some();
    if levels && spec.log_format != Some(super::LogFormat::Json) {
        return Err(
            "log levels need the JSON log format: add --log-format json (log_format = \"json\")"
                .into(),
        );
    }
    if let Some(p) = &spec.policies {
        count(
            p.len() + 1,
            limits::ROLE_MANAGED_POLICIES,
            "managed policies (with AWSLambdaBasicExecutionRole)",
            "--policy",
            "policies",
        )?;
    }
    if let Some(allow) = &spec.allow {
        for a in allow {
            if a.actions.is_empty() {
                return Err("an [[allow]] table needs at least one action".into());
            }
            for x in &a.actions {
                names::iam_action(x)?;
            }
            for r in &a.resources {
                names::iam_resource(r)?;
            }
        }
        let statements: Vec<role::Statement> = allow.iter().map(Allow::statement).collect();
        let size = role::policy_document(&statements).to_string().len();
        if size > limits::ROLE_INLINE_POLICY_CHARS {
            return Err(format!(
                "the inline policy from --allow ([[allow]]) is {size} characters; IAM allows {}",
                limits::ROLE_INLINE_POLICY_CHARS
            ));
        }
    }
    Ok(())
}
