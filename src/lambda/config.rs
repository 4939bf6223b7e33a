//! A function's definition as plain values, how it differs from the
//! deployed configuration, and the SDK inputs built from it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use aws_sdk_lambda::operation::create_function::builders::CreateFunctionFluentBuilder;
use aws_sdk_lambda::operation::update_function_configuration::builders::UpdateFunctionConfigurationFluentBuilder;
use aws_sdk_lambda::types::{
    Architecture as SdkArchitecture, Environment, EphemeralStorage, FunctionConfiguration,
    LogFormat as SdkLogFormat, LoggingConfig, Runtime,
};
use serde::Serialize;

use crate::error::{Error, Result};

pub mod api;
pub mod s3;
mod settings;
pub mod value;
pub use settings::{
    AppLogLevel, FileSystem, NONE, RecursiveLoop, RuntimeManagement, RuntimeUpdate, SnapStart,
    SystemLogLevel, Tracing, Vpc,
};

/// What the function should look like; `None` (or empty) leaves the
/// deployed value alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Definition {
    pub runtime: Option<String>,
    pub handler: Option<String>,
    /// The execution role's ARN.
    pub role: Option<String>,
    pub memory: Option<i32>,
    pub timeout: Option<i32>,
    pub description: Option<String>,
    pub architecture: Option<Architecture>,
    pub ephemeral_storage: Option<i32>,
    pub log_format: Option<LogFormat>,
    pub log_group: Option<String>,
    /// Layer ARNs; `None` leaves the deployed layers alone, `Some` is the
    /// whole set (empty removes them all).
    pub layers: Option<Vec<String>>,
    /// Tags; empty leaves the deployed tags alone.
    pub tags: BTreeMap<String, String>,
    /// `tags` are added to the deployed ones (an entry of the same key
    /// overrides) instead of being the whole set.
    pub tags_merge: bool,
    /// `None` leaves the deployed variables alone; `Some` replaces them all
    /// (or, with `env_merge`, is added to them).
    pub environment: Option<BTreeMap<String, String>>,
    /// `environment` is added to the deployed variables (an entry of the
    /// same key overrides) instead of being the whole set.
    pub env_merge: bool,
    /// `Some` with no subnets: take the function out of its VPC.
    pub vpc: Option<Vpc>,
    pub tracing: Option<Tracing>,
    pub snap_start: Option<SnapStart>,
    /// Log levels (Lambda accepts them with the JSON log format only).
    pub application_log_level: Option<AppLogLevel>,
    pub system_log_level: Option<SystemLogLevel>,
    /// An SQS queue or SNS topic for failed asynchronous events; `""`
    /// removes it (Lambda's own convention).
    pub dead_letter_arn: Option<String>,
    /// `""` goes back to Lambda's default key (Lambda's own convention).
    pub kms_key_arn: Option<String>,
    /// EFS mounts; `None` leaves the deployed ones alone, empty removes them.
    pub file_systems: Option<Vec<FileSystem>>,
    /// Set through PutRuntimeManagementConfig, not the configuration.
    pub runtime_management: Option<RuntimeManagement>,
    /// Set through PutFunctionRecursionConfig.
    pub recursive_loop: Option<RecursiveLoop>,
    /// Given to CreateFunction; on an existing function set through
    /// PutFunctionCodeSigningConfig (`""`: DeleteFunctionCodeSigningConfig).
    pub code_signing_config: Option<String>,
}

impl Definition {
    /// The definition with its merges done against what is deployed: the
    /// environment and tags become whole sets (deployed entries kept, the
    /// definition's of the same key winning), so the diff and the update
    /// input need no further thought. Nothing deployed: unchanged.
    pub fn resolved(
        &self,
        cfg: Option<&FunctionConfiguration>,
        tags: Option<&BTreeMap<String, String>>,
    ) -> Definition {
        let mut def = self.clone();
        if let (true, Some(want), Some(cfg)) = (self.env_merge, &self.environment, cfg) {
            let mut all = deployed_environment(cfg);
            all.extend(want.clone());
            def.environment = Some(all);
        }
        if let (true, false, Some(have)) = (self.tags_merge, self.tags.is_empty(), tags) {
            let mut all: BTreeMap<String, String> = have
                .iter()
                .filter(|(k, _)| !k.starts_with("aws:"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            all.extend(self.tags.clone());
            def.tags = all;
        }
        def.env_merge = false;
        def.tags_merge = false;
        // A removal (`--unset`) is kept only for what is deployed, so the
        // update sends (and the plan shows) no removal of a setting the
        // function does not have, and a new function gets none.
        let some = |v: Option<&str>| v.is_some_and(|a| !a.is_empty());
        let vpc = cfg.and_then(|c| c.vpc_config());
        if !vpc.is_some_and(|v| !v.subnet_ids().is_empty() || !v.security_group_ids().is_empty()) {
            def.vpc = def.vpc.filter(|v| !v.subnets.is_empty());
        }
        if cfg.is_none_or(|c| c.file_system_configs().is_empty()) {
            def.file_systems = def.file_systems.filter(|f| !f.is_empty());
        }
        if cfg.is_none_or(|c| c.layers().is_empty()) {
            def.layers = def.layers.filter(|l| !l.is_empty());
        }
        let deployed = [
            some(cfg.and_then(|c| c.dead_letter_config()?.target_arn())),
            some(cfg.and_then(|c| c.kms_key_arn())),
            // Read apart (GetFunctionCodeSigningConfig): the plan compares it.
            cfg.is_some(),
        ];
        let removable = [
            &mut def.dead_letter_arn,
            &mut def.kms_key_arn,
            &mut def.code_signing_config,
        ];
        for (v, deployed) in removable.into_iter().zip(deployed) {
            if !deployed {
                *v = v.take().filter(|a| !a.is_empty());
            }
        }
        def
    }
}

/// The deployed environment variables.
pub fn deployed_environment(cfg: &FunctionConfiguration) -> BTreeMap<String, String> {
    cfg.environment()
        .and_then(|e| e.variables())
        .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Architecture {
    #[serde(rename = "x86_64")]
    X86_64,
    #[serde(rename = "arm64")]
    Arm64,
}

impl Architecture {
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        }
    }

    pub(crate) fn sdk(self) -> SdkArchitecture {
        match self {
            Architecture::X86_64 => SdkArchitecture::X8664,
            Architecture::Arm64 => SdkArchitecture::Arm64,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl LogFormat {
    /// As Lambda spells it (`JSON`, `Text`).
    pub fn as_str(self) -> &'static str {
        match self {
            LogFormat::Json => "JSON",
            LogFormat::Text => "Text",
        }
    }
}

/// One setting that differs from the deployed one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    pub field: String,
    /// The deployed value (environment values are masked).
    pub from: Option<String>,
    pub to: String,
}

/// The architecture a configuration runs on (Lambda's default is x86_64).
pub fn deployed_architecture(cfg: &FunctionConfiguration) -> &str {
    cfg.architectures().first().map_or("x86_64", |a| a.as_str())
}

/// Whether the definition asks for another architecture than the deployed
/// one (which only UpdateFunctionCode can change).
pub fn architecture_changes(def: &Definition, cfg: &FunctionConfiguration) -> bool {
    def.architecture
        .is_some_and(|a| deployed_architecture(cfg) != a.as_str())
}

/// Compare the definition with the deployed configuration, field by field.
/// `role` is the role the function should have, as shown to the user.
/// Environment values are masked.
pub fn changes(
    def: &Definition,
    role: Option<&str>,
    cfg: &FunctionConfiguration,
) -> Vec<FieldChange> {
    changes_shown(def, role, cfg, false)
}

/// [`changes`], with environment values shown when `show_values`
/// (`lamctl diff --show-values`).
pub fn changes_shown(
    def: &Definition,
    role: Option<&str>,
    cfg: &FunctionConfiguration,
    show_values: bool,
) -> Vec<FieldChange> {
    fn s(v: impl fmt::Display) -> String {
        v.to_string()
    }
    let mut out = Vec::new();
    let mut cmp = |field: &str, want: Option<String>, have: Option<String>| {
        if let Some(w) = want
            && Some(&w) != have.as_ref()
        {
            out.push(FieldChange {
                field: field.to_string(),
                from: have,
                to: w,
            });
        }
    };
    let logging = cfg.logging_config();
    cmp(
        "runtime",
        def.runtime.clone(),
        cfg.runtime().map(|r| r.as_str().to_string()),
    );
    cmp(
        "handler",
        def.handler.clone(),
        cfg.handler().map(String::from),
    );
    cmp("role", role.map(String::from), cfg.role().map(String::from));
    cmp("memory", def.memory.map(s), cfg.memory_size().map(s));
    cmp("timeout", def.timeout.map(s), cfg.timeout().map(s));
    cmp(
        "description",
        def.description.clone(),
        Some(cfg.description().unwrap_or_default().to_string()),
    );
    cmp(
        "architecture",
        def.architecture.map(|a| a.as_str().to_string()),
        Some(deployed_architecture(cfg).to_string()),
    );
    cmp(
        "ephemeral_storage",
        def.ephemeral_storage.map(s),
        cfg.ephemeral_storage().map(|e| s(e.size())),
    );
    cmp(
        "log_format",
        def.log_format.map(|f| f.as_str().to_string()),
        logging
            .and_then(|l| l.log_format())
            .map(|f| f.as_str().to_string()),
    );
    cmp(
        "log_group",
        def.log_group.clone(),
        logging.and_then(|l| l.log_group()).map(String::from),
    );
    if let Some(want) = &def.layers {
        let have: Vec<String> = cfg
            .layers()
            .iter()
            .filter_map(|l| l.arn().map(String::from))
            .collect();
        if have != *want {
            let list = |l: &[String]| match l.is_empty() {
                true => "(none)".to_string(),
                false => l.join(", "),
            };
            out.push(FieldChange {
                field: "layers".into(),
                from: Some(list(&have)),
                to: list(want),
            });
        }
    }
    if let Some(want) = &def.environment {
        let have = deployed_environment(cfg);
        // Values are shown only when asked for: they are often secrets.
        let shown = |v: &String, masked: &str| match show_values {
            true => v.clone(),
            false => masked.to_string(),
        };
        for k in want.keys().chain(have.keys()).collect::<BTreeSet<_>>() {
            let (from, to) = match (have.get(k), want.get(k)) {
                (Some(a), Some(b)) if a == b => continue,
                (None, Some(b)) => (None, shown(b, "(set)")),
                (Some(a), Some(b)) => (Some(shown(a, "(hidden)")), shown(b, "(changed)")),
                (Some(a), None) => (Some(shown(a, "(hidden)")), "(removed)".to_string()),
                (None, None) => continue,
            };
            out.push(FieldChange {
                field: format!("environment.{k}"),
                from,
                to,
            });
        }
    }
    out.extend(settings::changes(def, cfg));
    out
}

/// The definition that describes a deployed function exactly: what
/// `lamctl init` writes, so that [`changes`] of it against the same
/// configuration is empty. Lambda's own `aws:` tags are left out.
pub fn from_deployed(cfg: &FunctionConfiguration, tags: &BTreeMap<String, String>) -> Definition {
    let logging = cfg.logging_config();
    let environment: BTreeMap<String, String> = cfg
        .environment()
        .and_then(|e| e.variables())
        .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let mut def = Definition {
        runtime: cfg.runtime().map(|r| r.as_str().to_string()),
        handler: cfg.handler().map(String::from),
        role: cfg.role().map(String::from),
        memory: cfg.memory_size(),
        timeout: cfg.timeout(),
        description: cfg
            .description()
            .filter(|d| !d.is_empty())
            .map(String::from),
        architecture: match deployed_architecture(cfg) {
            "arm64" => Some(Architecture::Arm64),
            _ => Some(Architecture::X86_64),
        },
        ephemeral_storage: cfg.ephemeral_storage().map(|e| e.size()),
        log_format: logging.and_then(|l| match l.log_format() {
            Some(SdkLogFormat::Json) => Some(LogFormat::Json),
            Some(SdkLogFormat::Text) => Some(LogFormat::Text),
            _ => None,
        }),
        log_group: logging.and_then(|l| l.log_group()).map(String::from),
        layers: Some(
            cfg.layers()
                .iter()
                .filter_map(|l| l.arn().map(String::from))
                .collect::<Vec<_>>(),
        )
        .filter(|l| !l.is_empty()),
        tags: tags
            .iter()
            .filter(|(k, _)| !k.starts_with("aws:"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        environment: (!environment.is_empty()).then_some(environment),
        ..Definition::default()
    };
    settings::from_deployed(cfg, &mut def);
    def
}

/// The tags to set and the keys to remove so the deployed tags (`have`)
/// become the definition's; Lambda's own `aws:` tags are never removed.
/// No tags in the definition leaves the deployed ones alone.
pub fn tag_changes(
    want: &BTreeMap<String, String>,
    have: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, Vec<String>) {
    if want.is_empty() {
        return (BTreeMap::new(), Vec::new());
    }
    let set = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let removed = have
        .keys()
        .filter(|k| !want.contains_key(*k) && !k.starts_with("aws:"))
        .cloned()
        .collect();
    (set, removed)
}

// ------------------------------------------------------------ SDK inputs

/// The definition as CreateFunction's input: everything but the name, the
/// role and the code.
pub(crate) fn create_input(
    b: CreateFunctionFluentBuilder,
    def: &Definition,
) -> Result<CreateFunctionFluentBuilder> {
    Ok(
        b.runtime(Runtime::from(def.runtime.as_deref().unwrap_or_default()))
            .handler(def.handler.clone().unwrap_or_default())
            .set_memory_size(def.memory)
            .set_timeout(def.timeout)
            .set_description(def.description.clone())
            .set_environment(environment(def))
            .set_layers(layers(def))
            .set_tags((!def.tags.is_empty()).then(|| def.tags.clone().into_iter().collect()))
            .set_architectures(def.architecture.map(|a| vec![a.sdk()]))
            .set_ephemeral_storage(ephemeral_storage(def)?)
            .set_logging_config(logging(def, None).map(|l| l.sdk()))
            .set_vpc_config(settings::vpc(def))
            .set_tracing_config(settings::tracing(def))
            .set_snap_start(settings::snap_start(def))
            .set_dead_letter_config(settings::dead_letter(def))
            .set_kms_key_arn(def.kms_key_arn.clone())
            .set_file_system_configs(settings::file_systems(def)?)
            .set_code_signing_config_arn(def.code_signing_config.clone()),
    )
}

/// The definition as UpdateFunctionConfiguration's input: `role` only when
/// it changes, `logging` as [`logging`] merged it with the deployed one.
/// (The architecture goes with the code, the tags through TagResource.)
pub(crate) fn update_input(
    b: UpdateFunctionConfigurationFluentBuilder,
    def: &Definition,
    role: Option<&str>,
    logging: Option<&Logging>,
) -> Result<UpdateFunctionConfigurationFluentBuilder> {
    Ok(b.set_runtime(def.runtime.as_deref().map(Runtime::from))
        .set_handler(def.handler.clone())
        .set_role(role.map(String::from))
        .set_memory_size(def.memory)
        .set_timeout(def.timeout)
        .set_description(def.description.clone())
        .set_environment(environment(def))
        .set_layers(layers(def))
        .set_ephemeral_storage(ephemeral_storage(def)?)
        .set_logging_config(logging.map(Logging::sdk))
        .set_vpc_config(settings::vpc(def))
        .set_tracing_config(settings::tracing(def))
        .set_snap_start(settings::snap_start(def))
        .set_dead_letter_config(settings::dead_letter(def))
        .set_kms_key_arn(def.kms_key_arn.clone())
        .set_file_system_configs(settings::file_systems(def)?))
}

fn environment(def: &Definition) -> Option<Environment> {
    def.environment.as_ref().map(|e| {
        Environment::builder()
            .set_variables(Some(e.clone().into_iter().collect()))
            .build()
    })
}

fn ephemeral_storage(def: &Definition) -> Result<Option<EphemeralStorage>> {
    def.ephemeral_storage
        .map(|s| EphemeralStorage::builder().size(s).build())
        .transpose()
        .map_err(|e| Error::usage(e.to_string()))
}

fn layers(def: &Definition) -> Option<Vec<String>> {
    def.layers.clone()
}

/// The logging configuration to send: the definition's format, group and
/// levels, the deployed ones where it names none (an update replaces the
/// whole LoggingConfig).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Logging {
    pub format: Option<LogFormat>,
    pub group: Option<String>,
    pub application_level: Option<AppLogLevel>,
    pub system_level: Option<SystemLogLevel>,
}

/// The logging to send for `def` over `deployed`; `None` when the
/// definition names none of format, group and levels.
pub fn logging(def: &Definition, deployed: Option<&FunctionConfiguration>) -> Option<Logging> {
    if def.log_format.is_none()
        && def.log_group.is_none()
        && def.application_log_level.is_none()
        && def.system_log_level.is_none()
    {
        return None;
    }
    let current = deployed.and_then(|c| c.logging_config());
    let format = def
        .log_format
        .or_else(|| match current.and_then(|l| l.log_format()) {
            Some(SdkLogFormat::Json) => Some(LogFormat::Json),
            Some(SdkLogFormat::Text) => Some(LogFormat::Text),
            _ => None,
        });
    // Levels exist only with the JSON format: text drops the deployed ones.
    let json = format == Some(LogFormat::Json);
    let level = |want: Option<&'static str>, have: Option<&str>| -> Option<String> {
        want.map(String::from)
            .or_else(|| have.map(String::from))
            .filter(|_| json)
    };
    let application_level = level(
        def.application_log_level.map(AppLogLevel::as_str),
        current
            .and_then(|l| l.application_log_level())
            .map(|l| l.as_str()),
    )
    .and_then(|l| AppLogLevel::parse(&l));
    let system_level = level(
        def.system_log_level.map(SystemLogLevel::as_str),
        current
            .and_then(|l| l.system_log_level())
            .map(|l| l.as_str()),
    )
    .and_then(|l| SystemLogLevel::parse(&l));
    Some(Logging {
        application_level,
        system_level,
        format,
        group: def
            .log_group
            .clone()
            .or_else(|| current.and_then(|l| l.log_group()).map(String::from)),
    })
}

impl Logging {
    fn sdk(&self) -> LoggingConfig {
        LoggingConfig::builder()
            .set_log_format(self.format.map(|f| match f {
                LogFormat::Json => SdkLogFormat::Json,
                LogFormat::Text => SdkLogFormat::Text,
            }))
            .set_log_group(self.group.clone())
            .set_application_log_level(
                self.application_level
                    .map(|l| aws_sdk_lambda::types::ApplicationLogLevel::from(l.as_str())),
            )
            .set_system_log_level(
                self.system_level
                    .map(|l| aws_sdk_lambda::types::SystemLogLevel::from(l.as_str())),
            )
            .build()
    }
}

#[cfg(test)]
mod tests;
