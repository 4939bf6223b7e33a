//! The function settings beyond the basics: VPC, tracing, SnapStart, log
//! levels, dead-letter target, KMS key, EFS, runtime management, recursive
//! loop detection and code signing; as plain values, their diff against
//! the deployed configuration, and their SDK shapes.

use aws_sdk_lambda::types::{
    DeadLetterConfig, FileSystemConfig, FunctionConfiguration, SnapStart as SdkSnapStart,
    SnapStartApplyOn, TracingConfig, TracingMode, VpcConfig,
};
use serde::Serialize;

use super::FieldChange;
use crate::error::{Error, Result};

/// Each setting's values as Lambda spells them.
macro_rules! api_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
        pub enum $name { $(#[serde(rename = $s)] $v),+ }
        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $($name::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some($name::$v),)+ _ => None }
            }
        }
    };
}

api_enum!(
    /// TracingConfig.Mode.
    Tracing { Active = "Active", PassThrough = "PassThrough" }
);
api_enum!(
    /// SnapStart.ApplyOn.
    SnapStart { PublishedVersions = "PublishedVersions", None = "None" }
);
api_enum!(
    /// LoggingConfig.ApplicationLogLevel.
    AppLogLevel { Trace = "TRACE", Debug = "DEBUG", Info = "INFO", Warn = "WARN", Error = "ERROR", Fatal = "FATAL" }
);
api_enum!(
    /// LoggingConfig.SystemLogLevel.
    SystemLogLevel { Debug = "DEBUG", Info = "INFO", Warn = "WARN" }
);
api_enum!(
    /// PutRuntimeManagementConfig's UpdateRuntimeOn.
    RuntimeUpdate { Auto = "Auto", FunctionUpdate = "FunctionUpdate", Manual = "Manual" }
);
api_enum!(
    /// PutFunctionRecursionConfig's RecursiveLoop.
    RecursiveLoop { Allow = "Allow", Terminate = "Terminate" }
);

/// VpcConfig: the function's subnets and security groups.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Vpc {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    pub ipv6_dual_stack: Option<bool>,
}

/// One FileSystemConfigs entry: an EFS access point and its mount path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSystem {
    pub arn: String,
    pub mount_path: String,
}

/// PutRuntimeManagementConfig's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuntimeManagement {
    pub update: RuntimeUpdate,
    /// With `Manual` only.
    pub version_arn: Option<String>,
}

/// How a removed (or never set) setting is shown.
pub const NONE: &str = "(none)";

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

/// The differences in the settings UpdateFunctionConfiguration carries
/// (a setting the definition does not name is never a change).
pub(super) fn changes(def: &super::Definition, cfg: &FunctionConfiguration) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut cmp = |field: &str, want: Option<String>, have: Option<String>| {
        if let Some(w) = want
            && Some(&w) != have.as_ref()
        {
            out.push(FieldChange {
                field: field.into(),
                from: have,
                to: w,
            });
        }
    };
    // Removals are shown as "(none)" and compare equal to nothing deployed.
    let shown = |v: Vec<String>| (!v.is_empty()).then(|| v.join(", "));
    let none = |v: Option<String>| v.unwrap_or_else(|| NONE.to_string());
    let vpc = cfg.vpc_config();
    if let Some(want) = &def.vpc {
        let have_subnets = vpc.map(|v| sorted(v.subnet_ids())).unwrap_or_default();
        let have_groups = vpc
            .map(|v| sorted(v.security_group_ids()))
            .unwrap_or_default();
        cmp(
            "subnets",
            Some(none(shown(sorted(&want.subnets)))),
            Some(none(shown(have_subnets))),
        );
        cmp(
            "security_groups",
            Some(none(shown(sorted(&want.security_groups)))),
            Some(none(shown(have_groups))),
        );
        cmp(
            "ipv6_dual_stack",
            want.ipv6_dual_stack.map(|b| b.to_string()),
            Some(
                vpc.and_then(|v| v.ipv6_allowed_for_dual_stack())
                    .unwrap_or(false)
                    .to_string(),
            ),
        );
    }
    cmp(
        "tracing",
        def.tracing.map(|t| t.as_str().into()),
        Some(
            cfg.tracing_config()
                .and_then(|t| t.mode())
                .map_or("PassThrough", |m| m.as_str())
                .to_string(),
        ),
    );
    cmp(
        "snap_start",
        def.snap_start.map(|s| s.as_str().into()),
        Some(
            cfg.snap_start()
                .and_then(|s| s.apply_on())
                .map_or("None", |a| a.as_str())
                .to_string(),
        ),
    );
    let logging = cfg.logging_config();
    cmp(
        "application_log_level",
        def.application_log_level.map(|l| l.as_str().into()),
        logging
            .and_then(|l| l.application_log_level())
            .map(|l| l.as_str().into()),
    );
    cmp(
        "system_log_level",
        def.system_log_level.map(|l| l.as_str().into()),
        logging
            .and_then(|l| l.system_log_level())
            .map(|l| l.as_str().into()),
    );
    let removable = |v: Option<&str>| none(v.filter(|a| !a.is_empty()).map(String::from));
    cmp(
        "dead_letter_arn",
        def.dead_letter_arn.as_deref().map(|a| removable(Some(a))),
        Some(removable(
            cfg.dead_letter_config().and_then(|d| d.target_arn()),
        )),
    );
    cmp(
        "kms_key_arn",
        def.kms_key_arn.as_deref().map(|a| removable(Some(a))),
        Some(removable(cfg.kms_key_arn())),
    );
    if let Some(want) = &def.file_systems {
        let show = |arn: &str, path: &str| format!("{arn}={path}");
        let have: Vec<String> = cfg
            .file_system_configs()
            .iter()
            .map(|f| show(f.arn(), f.local_mount_path()))
            .collect();
        let want: Vec<String> = want.iter().map(|f| show(&f.arn, &f.mount_path)).collect();
        cmp(
            "file_systems",
            Some(none(shown(want))),
            Some(none(shown(have))),
        );
    }
    out
}

pub(super) fn vpc(def: &super::Definition) -> Option<VpcConfig> {
    def.vpc.as_ref().map(|v| {
        VpcConfig::builder()
            .set_subnet_ids(Some(v.subnets.clone()))
            .set_security_group_ids(Some(v.security_groups.clone()))
            .set_ipv6_allowed_for_dual_stack(v.ipv6_dual_stack)
            .build()
    })
}

pub(super) fn tracing(def: &super::Definition) -> Option<TracingConfig> {
    def.tracing.map(|t| {
        TracingConfig::builder()
            .mode(TracingMode::from(t.as_str()))
            .build()
    })
}

pub(super) fn snap_start(def: &super::Definition) -> Option<SdkSnapStart> {
    def.snap_start.map(|s| {
        SdkSnapStart::builder()
            .apply_on(SnapStartApplyOn::from(s.as_str()))
            .build()
    })
}

pub(super) fn dead_letter(def: &super::Definition) -> Option<DeadLetterConfig> {
    def.dead_letter_arn
        .as_ref()
        .map(|a| DeadLetterConfig::builder().target_arn(a).build())
}

pub(super) fn file_systems(def: &super::Definition) -> Result<Option<Vec<FileSystemConfig>>> {
    let Some(want) = &def.file_systems else {
        return Ok(None);
    };
    want.iter()
        .map(|f| {
            FileSystemConfig::builder()
                .arn(&f.arn)
                .local_mount_path(&f.mount_path)
                .build()
                .map_err(|e| Error::usage(e.to_string()))
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// The settings as deployed, as a definition would name them: what
/// `lamctl init` writes. Defaults (no VPC, PassThrough, no SnapStart, no
/// DLQ, Lambda's own key, no EFS) are left unnamed, so the file stays
/// short and [`changes`] of it against the same configuration is empty.
pub(super) fn from_deployed(cfg: &FunctionConfiguration, def: &mut super::Definition) {
    let some = |v: Option<&str>| v.filter(|s| !s.is_empty()).map(String::from);
    def.vpc = cfg
        .vpc_config()
        .filter(|v| !v.subnet_ids().is_empty())
        .map(|v| Vpc {
            subnets: sorted(v.subnet_ids()),
            security_groups: sorted(v.security_group_ids()),
            ipv6_dual_stack: v.ipv6_allowed_for_dual_stack().filter(|b| *b),
        });
    def.tracing = cfg
        .tracing_config()
        .and_then(|t| t.mode())
        .filter(|m| **m == TracingMode::Active)
        .map(|_| Tracing::Active);
    def.snap_start = cfg
        .snap_start()
        .and_then(|s| s.apply_on())
        .filter(|a| **a == SnapStartApplyOn::PublishedVersions)
        .map(|_| SnapStart::PublishedVersions);
    let logging = cfg.logging_config();
    def.application_log_level = logging
        .and_then(|l| l.application_log_level())
        .and_then(|l| AppLogLevel::parse(l.as_str()));
    def.system_log_level = logging
        .and_then(|l| l.system_log_level())
        .and_then(|l| SystemLogLevel::parse(l.as_str()));
    def.dead_letter_arn = some(cfg.dead_letter_config().and_then(|d| d.target_arn()));
    def.kms_key_arn = some(cfg.kms_key_arn());
    let file_systems: Vec<FileSystem> = cfg
        .file_system_configs()
        .iter()
        .map(|f| FileSystem {
            arn: f.arn().to_string(),
            mount_path: f.local_mount_path().to_string(),
        })
        .collect();
    def.file_systems = (!file_systems.is_empty()).then_some(file_systems);
}
