//! `lamctl init`'s flags, and the lamctl.toml it writes: the deployed
//! function's definition in the file's own schema ([`FunctionSpec`]).

use std::path::{Path, PathBuf};

use clap::Args;

use super::complete;
use super::config::{self as project, DEFAULT_FILE, FunctionSpec};
use crate::commands::init::Settings;
use crate::error::{Error, Result};
use crate::lambda::config::value::{
    CodeSigningConfigArn, DeadLetterArn, Description, EfsAccessPointArn, EfsMountPath,
    EphemeralStorage, FunctionName, Handler, KmsKeyArn, LayerArn, LogGroup, Memory, RoleArn,
    Runtime, RuntimeVersionArn, SecurityGroupId, SubnetId, Timeout,
};
use crate::lambda::config::{self as def, Definition};

/// Where `--download` unpacks the code, relative to lamctl.toml.
pub const SOURCE_DIR: &str = "src";

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  lamctl init hello                          # lamctl.toml from the deployed function
  lamctl init hello --download               # and its code, unpacked into ./src
  lamctl init hello --force -c other/lamctl.toml")]
pub struct InitArgs {
    /// The deployed function
    #[arg(value_name = "NAME", add = complete::functions())]
    pub name: String,

    /// Also fetch the deployed code and unpack it into src/ beside lamctl.toml
    #[arg(long)]
    pub download: bool,

    /// Overwrite an existing lamctl.toml (and unpack over a non-empty src/)
    #[arg(long)]
    pub force: bool,
}

impl InitArgs {
    /// `config` is the global -c FILE: the file to write.
    pub fn settings(&self, config: Option<&Path>) -> Result<Settings> {
        let function = super::target::function(Some(&self.name), None)?;
        let path = config.map_or_else(|| PathBuf::from(DEFAULT_FILE), Path::to_path_buf);
        let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
        Ok(Settings {
            function,
            source: self.download.then(|| dir.join(SOURCE_DIR)),
            path,
            force: self.force,
            render,
        })
    }
}

/// lamctl.toml for `name` with the definition `d`; `source` is written when
/// the code was downloaded.
pub fn render(name: &str, d: &Definition, download: bool) -> Result<String> {
    let fail = |e: &dyn std::fmt::Display| Error::failed(format!("cannot render lamctl.toml: {e}"));
    // The deployed values pass the same checks a written file will.
    fn checked<T, V: Clone>(
        v: &Option<V>,
        new: impl Fn(V) -> std::result::Result<T, String>,
    ) -> Result<Option<T>> {
        v.clone()
            .map(new)
            .transpose()
            .map_err(|e| Error::failed(format!("cannot render lamctl.toml: {e}")))
    }
    fn all<T>(
        v: impl Iterator<Item = String>,
        new: impl Fn(String) -> std::result::Result<T, String>,
    ) -> Result<Vec<T>> {
        v.map(|x| new(x).map_err(|e| Error::failed(format!("cannot render lamctl.toml: {e}"))))
            .collect()
    }
    let spec = FunctionSpec {
        name: Some(FunctionName::new(name).map_err(|e| fail(&e))?),
        runtime: checked(&d.runtime, Runtime::new)?,
        handler: checked(&d.handler, Handler::new)?,
        role: checked(&d.role, RoleArn::new)?,
        memory: checked(&d.memory, Memory::new)?,
        timeout: checked(&d.timeout, Timeout::new)?,
        architecture: d.architecture.map(|a| match a {
            def::Architecture::X86_64 => project::Architecture::X86_64,
            def::Architecture::Arm64 => project::Architecture::Arm64,
        }),
        description: checked(&d.description, Description::new)?,
        environment: d
            .environment
            .clone()
            .unwrap_or_default()
            .into_iter()
            .collect(),
        layers: d
            .layers
            .iter()
            .flatten()
            .map(|l| LayerArn::new(l.as_str()).map_err(|e| fail(&e)))
            .collect::<Result<Vec<_>>>()
            .map(|l| Some(l).filter(|l| !l.is_empty()))?,
        tags: d.tags.clone().into_iter().collect(),
        ephemeral_storage: checked(&d.ephemeral_storage, EphemeralStorage::new)?,
        log_format: d.log_format.map(|f| match f {
            def::LogFormat::Text => project::LogFormat::Text,
            def::LogFormat::Json => project::LogFormat::Json,
        }),
        log_group: checked(&d.log_group, LogGroup::new)?,
        application_log_level: d.application_log_level.map(Into::into),
        system_log_level: d.system_log_level.map(Into::into),
        subnets: all(d.vpc.iter().flat_map(|v| v.subnets.clone()), SubnetId::new)?,
        security_groups: all(
            d.vpc.iter().flat_map(|v| v.security_groups.clone()),
            SecurityGroupId::new,
        )?,
        ipv6_dual_stack: d.vpc.as_ref().and_then(|v| v.ipv6_dual_stack),
        file_systems: d
            .file_systems
            .iter()
            .flatten()
            .map(|f| {
                Ok(project::FileSystem {
                    arn: EfsAccessPointArn::new(f.arn.as_str()).map_err(|e| fail(&e))?,
                    mount_path: EfsMountPath::new(f.mount_path.as_str()).map_err(|e| fail(&e))?,
                })
            })
            .collect::<Result<_>>()?,
        tracing: d.tracing.map(Into::into),
        snap_start: d.snap_start.map(Into::into),
        dead_letter_arn: checked(&d.dead_letter_arn, DeadLetterArn::new)?,
        kms_key_arn: checked(&d.kms_key_arn, KmsKeyArn::new)?,
        runtime_update: d.runtime_management.as_ref().map(|r| r.update.into()),
        runtime_version_arn: checked(
            &d.runtime_management
                .as_ref()
                .and_then(|r| r.version_arn.clone()),
            RuntimeVersionArn::new,
        )?,
        recursive_loop: d.recursive_loop.map(Into::into),
        code_signing_config: checked(&d.code_signing_config, CodeSigningConfigArn::new)?,
        source: download.then(|| PathBuf::from(SOURCE_DIR)),
        ..Default::default()
    };
    let mut table = toml::Table::try_from(&spec).map_err(|e| fail(&e))?;
    // The file-only tables stay at their defaults: not written.
    for t in ["aws", "package", "deploy"] {
        table.remove(t);
    }
    // The name first; the rest in the table's (alphabetical) order.
    let name_line = table
        .remove("name")
        .map(|n| format!("name = {n}\n"))
        .unwrap_or_default();
    let body = toml::to_string(&table).map_err(|e| fail(&e))?;
    Ok(format!(
        "# Written by `lamctl init {name}` from the deployed function.\n\
         # Environment values are as deployed: keep secrets out of version control.\n\
         {name_line}{body}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of the definition survives render -> lamctl.toml ->
    /// deploy's conversion. The literal names every field (no `..`), so a
    /// field added to the definition fails to compile here until it is
    /// mapped both ways.
    #[test]
    fn every_definition_field_round_trips_through_deploys_conversion() {
        let d = Definition {
            runtime: Some("python3.12".into()),
            handler: Some("app.handler".into()),
            role: Some("arn:aws:iam::123456789012:role/r".into()),
            memory: Some(512),
            timeout: Some(30),
            description: Some("a \"quoted\" description".into()),
            architecture: Some(def::Architecture::Arm64),
            ephemeral_storage: Some(1024),
            log_format: Some(def::LogFormat::Json),
            log_group: Some("/custom/group".into()),
            layers: Some(vec![
                "arn:aws:lambda:us-east-1:123456789012:layer:x:1".into(),
            ]),
            tags: [("team".to_string(), "core".to_string())].into(),
            environment: Some([("A".to_string(), "1=2".to_string())].into()),
            env_merge: false,
            tags_merge: false,
            vpc: Some(def::Vpc {
                subnets: vec!["subnet-0123456789abcdef0".into()],
                security_groups: vec!["sg-0123456789abcdef0".into()],
                ipv6_dual_stack: Some(true),
            }),
            tracing: Some(def::Tracing::Active),
            snap_start: Some(def::SnapStart::PublishedVersions),
            application_log_level: Some(def::AppLogLevel::Warn),
            system_log_level: Some(def::SystemLogLevel::Info),
            dead_letter_arn: Some("arn:aws:sqs:us-east-1:123456789012:dlq".into()),
            kms_key_arn: Some(
                "arn:aws:kms:us-east-1:123456789012:key/0123abcd-0123-4567-89ab-0123456789ab"
                    .into(),
            ),
            file_systems: Some(vec![def::FileSystem {
                arn: "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0".into(),
                mount_path: "/mnt/data".into(),
            }]),
            runtime_management: Some(def::RuntimeManagement {
                update: def::RuntimeUpdate::Manual,
                version_arn: Some("arn:aws:lambda:us-east-1::runtime:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".into()),
            }),
            recursive_loop: Some(def::RecursiveLoop::Terminate),
            code_signing_config: Some(
                "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdef0"
                    .into(),
            ),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lamctl.toml");
        std::fs::write(&path, render("hello", &d, false).unwrap()).unwrap();
        let project = super::super::config::Project::load(&path).unwrap();
        let desired = super::super::deploy::DeployArgs::default()
            .desired(Some(&project))
            .unwrap();
        assert_eq!(desired.name, "hello");
        assert_eq!(desired.definition, d);
    }

    #[test]
    fn the_written_file_reads_back_as_the_same_definition() {
        let d = Definition {
            runtime: Some("python3.12".into()),
            memory: Some(256),
            architecture: Some(def::Architecture::Arm64),
            environment: Some([("A".to_string(), "1".to_string())].into()),
            tags: [("team".to_string(), "core".to_string())].into(),
            ..Default::default()
        };
        let text = render("hello", &d, true).unwrap();
        let f = project::parse(&text, Path::new("lamctl.toml")).unwrap();
        assert_eq!(f.name.as_ref().map(|n| n.as_str()), Some("hello"));
        assert_eq!(f.memory.map(|m| m.get()), Some(256));
        assert_eq!(f.architecture, Some(project::Architecture::Arm64));
        assert_eq!(f.environment, vec![("A".into(), "1".into())]);
        assert_eq!(f.source, Some(PathBuf::from("src")));
        // The empty tables are not written.
        assert!(!text.contains("[deploy]"), "{text}");
        assert!(text.lines().nth(2).unwrap() == "name = \"hello\"", "{text}");
    }
}
