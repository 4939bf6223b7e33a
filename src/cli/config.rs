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

pub const DEFAULT_FILE: &str = "lamctl.toml";

/// The function's definition: the whole of `lamctl.toml`, and the flags
/// that override its top-level keys (the tables have no flags of their own
/// here; the commands that use them add theirs).
#[derive(Debug, Clone, Default, Args, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FunctionSpec {
    /// The function's name [lamctl.toml: name]
    #[arg(long = "function", value_name = "NAME")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,

    /// Runtime identifier, e.g. python3.12, nodejs20.x, provided.al2023 [lamctl.toml: runtime]
    #[arg(long, value_name = "RUNTIME")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,

    /// Handler, e.g. app.handler [lamctl.toml: handler]
    #[arg(long, value_name = "HANDLER")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,

    /// Execution role ARN [lamctl.toml: role]
    #[arg(long, value_name = "ARN")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,

    /// Memory in MB, 128-10240 [lamctl.toml: memory]
    #[arg(long, value_name = "MB")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<i32>,

    /// Timeout in seconds, 1-900 [lamctl.toml: timeout]
    #[arg(long, value_name = "SECONDS")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,

    /// Instruction set [lamctl.toml: architecture]
    #[arg(long, value_enum, value_name = "ARCH")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,

    /// Description [lamctl.toml: description]
    #[arg(long, value_name = "TEXT")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,

    /// Environment variable, repeatable; overrides the file's [environment] entry of the same key
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    #[serde(
        default,
        rename = "environment",
        deserialize_with = "de_map",
        serialize_with = "ser_map",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub environment: Vec<(String, String)>,

    /// A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]
    #[arg(long = "env-file", value_name = "FILE")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_file: Option<PathBuf>,

    /// Layer ARN, repeatable; replaces the file's list [lamctl.toml: layers]
    #[arg(long = "layer", value_name = "ARN")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layers: Vec<String>,

    /// Tag, repeatable; overrides the file's [tags] entry of the same key
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    #[serde(
        default,
        rename = "tags",
        deserialize_with = "de_map",
        serialize_with = "ser_map",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub tags: Vec<(String, String)>,

    /// Ephemeral /tmp storage in MB, 512-10240 [lamctl.toml: ephemeral_storage]
    #[arg(long = "ephemeral-storage", value_name = "MB")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ephemeral_storage: Option<i32>,

    /// Log format [lamctl.toml: log_format]
    #[arg(long = "log-format", value_enum, value_name = "FORMAT")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_format: Option<LogFormat>,

    /// Custom CloudWatch log group [lamctl.toml: log_group]
    #[arg(long = "log-group", value_name = "NAME")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group: Option<String>,

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
                    return Err(Error::usage(format!(
                        "config file {} does not exist",
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
        Error::usage(format!(
            "{}{at}: {}",
            path.display(),
            e.message().trim().replace('\n', " ")
        ))
        .with_hint("the keys lamctl.toml accepts are listed in docs/configuration.md")
    })?;
    let label = path.display().to_string();
    file.validate(&label)?;
    Ok(file)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl FunctionSpec {
    /// `self` over `base`: set fields of `self` win, maps merge by key.
    pub fn over(&self, base: &FunctionSpec) -> FunctionSpec {
        fn merge(base: &[(String, String)], top: &[(String, String)]) -> Vec<(String, String)> {
            let mut m: BTreeMap<String, String> = base.iter().cloned().collect();
            m.extend(top.iter().cloned());
            m.into_iter().collect()
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
mod tests {
    use super::*;

    fn p(text: &str) -> Result<ProjectFile> {
        parse(text, Path::new("lamctl.toml"))
    }

    #[test]
    fn full_file_parses() {
        let f = p(r#"
name = "hello"
runtime = "python3.12"
handler = "app.handler"
memory = 256
timeout = 10
architecture = "arm64"
source = "src"
layers = ["arn:aws:lambda:us-east-1:123456789012:layer:x:1"]

[environment]
STAGE = "dev"

[tags]
team = "core"

[aws]
region = "eu-west-1"

[package]
exclude = ["*.pyc"]

[deploy]
publish = true
alias = "live"

[deploy.url]
auth = "none"
cors_origins = ["*"]
"#)
        .unwrap();
        assert_eq!(f.name.as_deref(), Some("hello"));
        assert_eq!(f.architecture, Some(Architecture::Arm64));
        assert_eq!(f.environment, vec![("STAGE".into(), "dev".into())]);
        assert_eq!(f.aws.region.as_deref(), Some("eu-west-1"));
        assert_eq!(f.deploy.alias.as_deref(), Some("live"));
        assert_eq!(f.deploy.url.unwrap().cors_origins, vec!["*".to_string()]);
        assert_eq!(f.source, Some(PathBuf::from("src")));
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = p("name = \"x\"\n\nmemroy = 128\n").unwrap_err();
        let s = e.to_string();
        assert_eq!(e.code(), 2);
        assert!(
            s.starts_with("lamctl.toml:3:1: unknown field `memroy`"),
            "{s}"
        );

        let e = p("[deploy]\nalias = \"a\"\npublsh = true\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("lamctl.toml:3:1: unknown field `publsh`"),
            "{e}"
        );
    }

    #[test]
    fn out_of_range_values_are_usage_errors() {
        for (text, needle) in [
            ("memory = 64", "memory 64 MB"),
            ("timeout = 901", "timeout 901 s"),
            ("runtime = \"pyhton3.12\"", "unknown runtime 'pyhton3.12'"),
            ("name = \"has space\"", "invalid function name"),
            ("architecture = \"mips\"", "unknown variant `mips`"),
            (
                "[environment]\n1BAD = \"x\"",
                "invalid environment variable name '1BAD'",
            ),
        ] {
            let e = p(text).unwrap_err();
            assert_eq!(e.code(), 2, "{text}");
            assert!(e.to_string().contains(needle), "{text}: {e}");
        }
    }

    #[test]
    fn flags_win_over_file_and_maps_merge() {
        let file = FunctionSpec {
            name: Some("file".into()),
            memory: Some(128),
            environment: vec![("A".into(), "1".into()), ("B".into(), "2".into())],
            layers: vec!["l1".into()],
            ..Default::default()
        };
        let flags = FunctionSpec {
            memory: Some(512),
            environment: vec![("B".into(), "flag".into())],
            ..Default::default()
        };
        let m = flags.over(&file);
        assert_eq!(m.name.as_deref(), Some("file"));
        assert_eq!(m.memory, Some(512));
        assert_eq!(
            m.environment,
            vec![("A".into(), "1".into()), ("B".into(), "flag".into())]
        );
        assert_eq!(m.layers, vec!["l1".to_string()]);
    }

    #[test]
    fn key_value_parser() {
        assert_eq!(
            parse_key_value("A=b=c").unwrap(),
            ("A".into(), "b=c".into())
        );
        assert!(parse_key_value("novalue").is_err());
        assert!(parse_key_value("=x").is_err());
    }
}
