//! The merged function spec as the core's plain definition, and `--unset`.

use super::Unset;
use crate::cli::config::{self as project, FunctionSpec};
use crate::error::{Error, Result};
use crate::lambda::config::value::{EphemeralStorage, Memory, Timeout};
use crate::lambda::config::{self as def, Definition};

/// `--unset SETTING`: the definition's value that removes it. Giving the
/// setting too (flag or lamctl.toml) is a contradiction.
pub(super) fn unset(def: &mut Definition, settings: &[Unset]) -> Result<()> {
    for s in settings {
        let (given, name) = match s {
            Unset::Layers => (def.layers.is_some(), "layers (--layer, layers)"),
            Unset::Vpc => (def.vpc.is_some(), "vpc (--subnet, subnets)"),
            Unset::FileSystems => (
                def.file_systems.is_some(),
                "file-systems (--file-system, file_systems)",
            ),
            Unset::DeadLetter => (
                def.dead_letter_arn.is_some(),
                "dead-letter (--dead-letter-arn, dead_letter_arn)",
            ),
            Unset::KmsKey => (
                def.kms_key_arn.is_some(),
                "kms-key (--kms-key-arn, kms_key_arn)",
            ),
            Unset::CodeSigningConfig => (
                def.code_signing_config.is_some(),
                "code-signing-config (--code-signing-config, code_signing_config)",
            ),
        };
        if given {
            return Err(
                Error::usage(format!("--unset {name} is also given a value"))
                    .with_hint("leave out either --unset or the setting"),
            );
        }
        match s {
            Unset::Layers => def.layers = Some(Vec::new()),
            Unset::Vpc => def.vpc = Some(def::Vpc::default()),
            Unset::FileSystems => def.file_systems = Some(Vec::new()),
            Unset::DeadLetter => def.dead_letter_arn = Some(String::new()),
            Unset::KmsKey => def.kms_key_arn = Some(String::new()),
            Unset::CodeSigningConfig => def.code_signing_config = Some(String::new()),
        }
    }
    Ok(())
}

/// The merged function spec as the core's plain definition.
pub(super) fn definition(
    spec: &FunctionSpec,
    environment: Option<Vec<(String, String)>>,
) -> Definition {
    Definition {
        runtime: spec.runtime.clone().map(String::from),
        handler: spec.handler.clone().map(String::from),
        role: spec.role.clone().map(String::from),
        memory: spec.memory.map(Memory::get),
        timeout: spec.timeout.map(Timeout::get),
        description: spec.description.clone().map(String::from),
        architecture: spec.architecture.map(|a| match a {
            project::Architecture::X86_64 => def::Architecture::X86_64,
            project::Architecture::Arm64 => def::Architecture::Arm64,
        }),
        ephemeral_storage: spec.ephemeral_storage.map(EphemeralStorage::get),
        log_format: spec.log_format.map(|f| match f {
            project::LogFormat::Text => def::LogFormat::Text,
            project::LogFormat::Json => def::LogFormat::Json,
        }),
        log_group: spec.log_group.clone().map(String::from),
        layers: spec
            .layers
            .as_ref()
            .map(|l| l.iter().cloned().map(String::from).collect()),
        tags: spec.tags.iter().cloned().collect(),
        environment: environment.map(|e| e.into_iter().collect()),
        vpc: (!spec.subnets.is_empty()).then(|| def::Vpc {
            subnets: spec.subnets.iter().map(|s| s.to_string()).collect(),
            security_groups: spec.security_groups.iter().map(|s| s.to_string()).collect(),
            ipv6_dual_stack: spec.ipv6_dual_stack,
        }),
        tracing: spec.tracing.map(Into::into),
        snap_start: spec.snap_start.map(Into::into),
        application_log_level: spec.application_log_level.map(Into::into),
        system_log_level: spec.system_log_level.map(Into::into),
        dead_letter_arn: spec.dead_letter_arn.clone().map(String::from),
        kms_key_arn: spec.kms_key_arn.clone().map(String::from),
        file_systems: (!spec.file_systems.is_empty()).then(|| {
            spec.file_systems
                .iter()
                .map(|f| def::FileSystem {
                    arn: f.arn.to_string(),
                    mount_path: f.mount_path.to_string(),
                })
                .collect()
        }),
        runtime_management: spec.runtime_update.map(|u| def::RuntimeManagement {
            update: u.into(),
            version_arn: spec.runtime_version_arn.clone().map(String::from),
        }),
        recursive_loop: spec.recursive_loop.map(Into::into),
        code_signing_config: spec.code_signing_config.clone().map(String::from),
        ..Default::default()
    }
}
