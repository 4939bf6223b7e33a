//! `lamctl deploy`'s flags, and their conversion (over lamctl.toml) into
//! the plain, validated settings the deploy runs on.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::config::{self as project, FunctionSpec, Project};
use super::package::PackFlags;
use crate::commands::deploy::Settings;
use crate::error::{Error, Result};
use crate::lambda::concurrency::Concurrency;
use crate::lambda::config::{self as def, Definition};
use crate::lambda::plan::Desired;
use crate::lambda::url::{self, Cors, UrlFields, UrlWant};
use crate::lambda::{limits, names};
use crate::package::PackageOptions;

#[derive(Debug, Args, Clone, Default)]
pub struct DeployArgs {
    /// The directory to deploy [default: `source` in lamctl.toml, else .]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    #[command(flatten)]
    pub spec: FunctionSpec,

    #[command(flatten, next_help_heading = "Package")]
    pub pack: PackFlags,

    /// Create (or reuse) lamctl's execution role for a new function with no role given
    /// (AWSLambdaBasicExecutionRole, --policy, --allow); an existing function keeps its role
    /// [lamctl.toml: deploy.create_role]
    #[arg(
        long,
        conflicts_with = "role",
        help_heading = "Role (with --create-role)"
    )]
    pub create_role: bool,

    /// Upload the code even when its CodeSha256 equals the deployed one
    #[arg(long, help_heading = "Deploy")]
    pub force: bool,

    /// The variables given (lamctl.toml's and --env/--env-file) are the whole set: others are
    /// removed
    #[arg(long, help_heading = "Deploy")]
    pub env_replace: bool,

    /// The tags given (lamctl.toml's and --tag) are the whole set: others are removed
    #[arg(long, help_heading = "Deploy")]
    pub tag_replace: bool,

    /// Remove a setting from the function (repeatable)
    #[arg(long, value_enum, value_name = "SETTING", help_heading = "Deploy")]
    pub unset: Vec<Unset>,

    /// Upload the zip through this S3 bucket (needed over 50 MB) [lamctl.toml: deploy.s3_bucket]
    #[arg(
        long,
        value_name = "BUCKET",
        conflicts_with = "no_s3_bucket",
        help_heading = "Deploy"
    )]
    pub s3_bucket: Option<String>,

    /// Upload the zip directly, whatever lamctl.toml says
    #[arg(long, help_heading = "Deploy")]
    pub no_s3_bucket: bool,

    /// The S3 key [default: lamctl/FUNCTION/SHA256HEX.zip] [lamctl.toml: deploy.s3_key]
    #[arg(
        long,
        value_name = "KEY",
        conflicts_with = "no_s3_bucket",
        help_heading = "Deploy"
    )]
    pub s3_key: Option<String>,

    /// Publish a version of exactly what was deployed [lamctl.toml: deploy.publish]
    #[arg(long, conflicts_with = "no_publish", help_heading = "Versions")]
    pub publish: bool,

    /// Do not publish, whatever lamctl.toml says (and move no alias)
    #[arg(long, conflicts_with_all = ["alias", "canary"], help_heading = "Versions")]
    pub no_publish: bool,

    /// Create or move this alias to the new version (implies --publish) [lamctl.toml: deploy.alias]
    #[arg(long, value_name = "NAME", help_heading = "Versions")]
    pub alias: Option<String>,

    /// Move no alias, whatever lamctl.toml says
    #[arg(long, conflicts_with_all = ["alias", "canary"], help_heading = "Versions")]
    pub no_alias: bool,

    /// Keep the alias on its current version and route PERCENT of traffic to the new one
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent, help_heading = "Versions")]
    pub canary: Option<f64>,

    /// Delete versions older than the newest N, never one an alias uses (with or without
    /// --publish) [lamctl.toml: deploy.keep_versions]
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "no_keep_versions",
        help_heading = "Versions"
    )]
    pub keep_versions: Option<u32>,

    /// Delete no versions, whatever lamctl.toml says
    #[arg(long, help_heading = "Versions")]
    pub no_keep_versions: bool,

    /// Set reserved concurrency [lamctl.toml: deploy.concurrency]
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "no_concurrency",
        help_heading = "Concurrency"
    )]
    pub concurrency: Option<i32>,

    /// Remove reserved concurrency
    #[arg(long, help_heading = "Concurrency")]
    pub no_concurrency: bool,

    /// Set provisioned concurrency on the alias and wait until it is ready [lamctl.toml: deploy.provisioned]
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "no_provisioned",
        help_heading = "Concurrency"
    )]
    pub provisioned: Option<i32>,

    /// Leave provisioned concurrency alone, whatever lamctl.toml says
    #[arg(long, help_heading = "Concurrency")]
    pub no_provisioned: bool,

    /// Create or update the function URL [lamctl.toml: [deploy.url]]
    #[arg(long, conflicts_with = "no_url", help_heading = "Function URL")]
    pub url: bool,

    /// Remove the function URL and its public permissions
    #[arg(long, help_heading = "Function URL")]
    pub no_url: bool,

    /// Who may call the URL [default: as deployed; aws-iam for a new URL]
    #[arg(long, value_enum, value_name = "AUTH", help_heading = "Function URL")]
    pub url_auth: Option<UrlAuth>,

    #[command(flatten)]
    pub cors: CorsFlags,

    /// How the URL returns responses [default: as deployed; buffered for a new URL]
    #[arg(long, value_enum, value_name = "MODE", help_heading = "Function URL")]
    pub invoke_mode: Option<InvokeMode>,

    /// Read the deployed state and print the plan; change nothing
    #[arg(long, help_heading = "Deploy")]
    pub dry_run: bool,
}

/// A setting `--unset` removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Unset {
    /// Take the function out of its VPC
    Vpc,
    /// Unmount its EFS file systems
    FileSystems,
    /// Remove the dead-letter target
    DeadLetter,
    /// Encrypt the environment with Lambda's default key again
    KmsKey,
    /// Remove the code signing config
    CodeSigningConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UrlAuth {
    None,
    AwsIam,
}

/// A function URL's CORS flags, shared by `deploy` and `url`: one
/// definition, one reading over lamctl.toml, one check of the limits.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Function URL CORS")]
pub struct CorsFlags {
    /// An allowed CORS origin (repeatable)
    #[arg(long, value_name = "ORIGIN")]
    pub cors_origin: Vec<String>,

    /// An allowed CORS method (repeatable)
    #[arg(long, value_name = "METHOD")]
    pub cors_method: Vec<String>,

    /// An allowed CORS header (repeatable)
    #[arg(long, value_name = "HEADER")]
    pub cors_header: Vec<String>,

    /// How long browsers may cache the CORS preflight, in seconds
    #[arg(long, value_name = "SECONDS")]
    pub cors_max_age: Option<i32>,

    /// Allow credentials (cookies) in CORS requests
    #[arg(long)]
    pub cors_credentials: bool,
}

impl CorsFlags {
    /// Whether any CORS flag was given.
    pub fn given(&self) -> bool {
        !self.cors_origin.is_empty()
            || !self.cors_method.is_empty()
            || !self.cors_header.is_empty()
            || self.cors_max_age.is_some()
            || self.cors_credentials
    }

    /// The flags over `[deploy.url]`'s values: a flag's list replaces the
    /// file's; the max age is checked against Lambda's limit, naming
    /// whichever gave it.
    pub fn over(&self, f: &project::UrlSettings) -> Result<Cors> {
        let pick = |flag: &Vec<String>, file: &Vec<String>| {
            if flag.is_empty() {
                file.clone()
            } else {
                flag.clone()
            }
        };
        let max_age = match (self.cors_max_age, f.cors_max_age) {
            (Some(m), _) => Some(("--cors-max-age", m)),
            (None, Some(m)) => Some(("deploy.url.cors_max_age", m)),
            (None, None) => None,
        };
        if let Some((culprit, m)) = max_age {
            limits::CORS_MAX_AGE
                .check(m)
                .map_err(|e| Error::usage(format!("{culprit}: {e}")))?;
        }
        Ok(Cors {
            origins: pick(&self.cors_origin, &f.cors_origins),
            methods: pick(&self.cors_method, &f.cors_methods)
                .into_iter()
                .map(|m| m.to_uppercase())
                .collect(),
            headers: pick(&self.cors_header, &f.cors_headers),
            max_age: max_age.map(|(_, m)| m),
            credentials: self.cors_credentials || f.cors_credentials.unwrap_or(false),
        })
    }
}

impl From<UrlAuth> for url::UrlAuth {
    fn from(a: UrlAuth) -> Self {
        match a {
            UrlAuth::None => url::UrlAuth::None,
            UrlAuth::AwsIam => url::UrlAuth::AwsIam,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InvokeMode {
    Buffered,
    ResponseStream,
}

impl From<InvokeMode> for url::InvokeMode {
    fn from(m: InvokeMode) -> Self {
        match m {
            InvokeMode::Buffered => url::InvokeMode::Buffered,
            InvokeMode::ResponseStream => url::InvokeMode::ResponseStream,
        }
    }
}

fn parse_percent(s: &str) -> std::result::Result<f64, String> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(p) if p > 0.0 && p < 100.0 => Ok(p),
        _ => Err(format!(
            "'{s}' is not a percentage between 0 and 100 (exclusive)"
        )),
    }
}

impl DeployArgs {
    /// Everything `lamctl deploy` needs, checked before any AWS call.
    pub fn settings(&self, project: Option<&Project>) -> Result<Settings> {
        Ok(Settings {
            desired: self.desired(project)?,
            package: self.package_options(project)?,
            dry_run: self.dry_run,
        })
    }

    /// The deploy's settings: flags over lamctl.toml, validated before any
    /// work (bad input is a usage error).
    pub fn desired(&self, project: Option<&Project>) -> Result<Desired> {
        self.spec.validate("flags")?;
        let file = project.map(|p| p.file.clone()).unwrap_or_default();
        let spec = self.spec.over(&file);
        let d = &file.deploy;
        if let Some(b) = self.s3_bucket.as_ref().or(d.s3_bucket.as_ref()) {
            names::s3_bucket(b)
                .map_err(|e| Error::usage(format!("{e} (--s3-bucket / deploy.s3_bucket)")))?;
        }
        let name = spec.name.clone().ok_or_else(|| {
            Error::usage("no function name")
                .with_hint("pass --function NAME or set `name` in lamctl.toml")
        })?;
        // lamctl.toml describes the function: variables (and tags) it
        // defines are the whole set. Flags alone are added to what is
        // deployed; --env-replace / --tag-replace make them the whole set.
        let environment = super::env::environment(project, &self.spec)?;
        let file_env = !file.environment.is_empty() || file.env_file.is_some();
        let environment = match (environment, self.env_replace) {
            (None, true) => Some(Vec::new()),
            (e, _) => e,
        };
        let env_merge = !file_env && !self.env_replace;
        let tags_merge = file.tags.is_empty() && !self.tag_replace;

        let alias = match self.no_alias || self.no_publish {
            true => None,
            false => self.alias.clone().or_else(|| d.alias.clone()),
        };
        if let Some(a) = &alias {
            names::alias(a).map_err(Error::usage)?;
        }
        if self.canary.is_some() && alias.is_none() {
            return Err(Error::usage("--canary needs an alias to shift traffic on")
                .with_hint("add --alias NAME (or [deploy] alias in lamctl.toml)"));
        }
        let provisioned = match self.no_provisioned {
            true => None,
            false => self.provisioned.or(d.provisioned),
        };
        if provisioned.is_some() && alias.is_none() {
            return Err(Error::usage("--provisioned needs an alias to configure")
                .with_hint("add --alias NAME"));
        }
        if let Some(n) = provisioned.filter(|n| *n < 1) {
            return Err(Error::usage(format!(
                "provisioned concurrency {n} must be at least 1"
            )));
        }
        let concurrency = if self.no_concurrency {
            Some(Concurrency::Remove)
        } else {
            self.concurrency.or(d.concurrency).map(Concurrency::Set)
        };
        if let Some(Concurrency::Set(n)) = concurrency
            && n < 0
        {
            return Err(Error::usage(format!(
                "reserved concurrency {n} must be 0 or more (--concurrency / deploy.concurrency)"
            )));
        }
        if self.keep_versions == Some(0) || d.keep_versions == Some(0) {
            return Err(Error::usage("--keep-versions must be at least 1"));
        }

        let url = self.url_want(d.url.as_ref())?;
        let create_role = self.create_role || d.create_role.unwrap_or(false);
        if create_role && spec.role.is_some() {
            let (what, hint) = match self.create_role {
                true => (
                    "--create-role: lamctl.toml already names a role",
                    "remove `role` from lamctl.toml or leave out --create-role",
                ),
                false => (
                    "[deploy] create_role and a role are both given",
                    "give either a role or create_role = true",
                ),
            };
            return Err(Error::usage(what).with_hint(hint));
        }
        let iam = spec.policies.is_some() || spec.allow.is_some();
        if iam && spec.role.is_some() {
            return Err(Error::usage(
                "--policy and --allow (policies, [[allow]]) change only the role lamctl creates, \
                 and a role was given",
            )
            .with_hint(
                "attach policies to your role in IAM, or leave out the role and pass --create-role",
            ));
        }
        if iam && !create_role {
            return Err(Error::usage(
                "--policy and --allow (policies, [[allow]]) change the role lamctl creates",
            )
            .with_hint("add --create-role (or [deploy] create_role = true in lamctl.toml)"));
        }
        let mut definition = definition(&spec, environment);
        unset(&mut definition, &self.unset)?;
        definition.env_merge = env_merge;
        definition.tags_merge = tags_merge;
        if self.tag_replace && definition.tags.is_empty() {
            return Err(Error::usage("--tag-replace needs the tags to keep")
                .with_hint("give them with --tag KEY=VALUE or [tags] in lamctl.toml"));
        }
        let s3_bucket = match self.no_s3_bucket {
            true => None,
            false => self.s3_bucket.clone().or_else(|| d.s3_bucket.clone()),
        };
        // A key with no bucket to put it in would be ignored (the file's key
        // is switched off with its bucket by --no-s3-bucket).
        if s3_bucket.is_none() && !self.no_s3_bucket {
            let key = match (&self.s3_key, &d.s3_key) {
                (Some(_), _) => Some("--s3-key"),
                (None, Some(_)) => Some("lamctl.toml: deploy.s3_key"),
                (None, None) => None,
            };
            if let Some(key) = key {
                return Err(Error::usage(format!("{key} names a key but no bucket is given"))
                    .with_hint("give the bucket with --s3-bucket BUCKET (or [deploy] s3_bucket in lamctl.toml)"));
            }
        }
        let publish = !self.no_publish && (self.publish || d.publish.unwrap_or(false));
        Ok(Desired {
            name,
            definition,
            create_role,
            policies: spec.policies.clone(),
            allow: spec
                .allow
                .as_ref()
                .map(|a| a.iter().map(project::Allow::statement).collect()),
            force: self.force,
            s3_bucket,
            s3_key: self.s3_key.clone().or_else(|| d.s3_key.clone()),
            publish: publish || alias.is_some(),
            alias,
            canary: self.canary,
            keep_versions: match self.no_keep_versions {
                true => None,
                false => self.keep_versions.or(d.keep_versions),
            },
            concurrency,
            provisioned,
            url,
        })
    }

    /// What to package: DIR and the packaging flags over lamctl.toml.
    pub fn package_options(&self, project: Option<&Project>) -> Result<PackageOptions> {
        super::package::options(self.dir.as_deref(), &self.pack, project)
    }

    /// The function URL flags over `[deploy.url]`.
    pub(super) fn url_want(&self, file: Option<&project::UrlSettings>) -> Result<Option<UrlWant>> {
        let cors_flags = self.cors.given();
        if self.no_url {
            return Ok(Some(UrlWant::Remove));
        }
        if !self.url && file.is_none() {
            if cors_flags || self.url_auth.is_some() || self.invoke_mode.is_some() {
                return Err(Error::usage(
                    "--url-auth, --invoke-mode and --cors-* configure the function URL",
                )
                .with_hint("add --url (or a [deploy.url] table in lamctl.toml)"));
            }
            return Ok(None);
        }
        let f = file.cloned().unwrap_or_default();
        let file_auth = file_enum(&f.auth, "auth", &["none", "aws-iam"])?;
        // A field neither flag nor file gives keeps its deployed value.
        let auth = match (self.url_auth, file_auth.as_deref()) {
            (Some(a), _) => Some(a.into()),
            (None, Some("none")) => Some(url::UrlAuth::None),
            (None, Some(_)) => Some(url::UrlAuth::AwsIam),
            (None, None) => None,
        };
        let file_mode = file_enum(
            &f.invoke_mode,
            "invoke_mode",
            &["buffered", "response-stream"],
        )?;
        let invoke_mode = match (self.invoke_mode, file_mode.as_deref()) {
            (Some(m), _) => Some(m.into()),
            (None, Some("response-stream")) => Some(url::InvokeMode::ResponseStream),
            (None, Some(_)) => Some(url::InvokeMode::Buffered),
            (None, None) => None,
        };
        let cors = self.cors.over(&f)?;
        Ok(Some(UrlWant::Attach(UrlFields {
            auth,
            invoke_mode,
            cors: (cors != Cors::default()).then_some(cors),
        })))
    }
}

/// `--unset SETTING`: the definition's value that removes it. Giving the
/// setting too (flag or lamctl.toml) is a contradiction.
fn unset(def: &mut Definition, settings: &[Unset]) -> Result<()> {
    for s in settings {
        let (given, name) = match s {
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
            Unset::Vpc => def.vpc = Some(def::Vpc::default()),
            Unset::FileSystems => def.file_systems = Some(Vec::new()),
            Unset::DeadLetter => def.dead_letter_arn = Some(String::new()),
            Unset::KmsKey => def.kms_key_arn = Some(String::new()),
            Unset::CodeSigningConfig => def.code_signing_config = Some(String::new()),
        }
    }
    Ok(())
}

/// A `[deploy.url]` value that must be one of `allowed`.
fn file_enum(v: &Option<String>, key: &str, allowed: &[&str]) -> Result<Option<String>> {
    match v {
        Some(s) if !allowed.contains(&s.as_str()) => Err(Error::usage(format!(
            "lamctl.toml: deploy.url.{key} = '{s}' is not one of {}",
            allowed.join(", ")
        ))),
        other => Ok(other.clone()),
    }
}

/// The merged function spec as the core's plain definition.
fn definition(spec: &FunctionSpec, environment: Option<Vec<(String, String)>>) -> Definition {
    Definition {
        runtime: spec.runtime.clone(),
        handler: spec.handler.clone(),
        role: spec.role.clone(),
        memory: spec.memory,
        timeout: spec.timeout,
        description: spec.description.clone(),
        architecture: spec.architecture.map(|a| match a {
            project::Architecture::X86_64 => def::Architecture::X86_64,
            project::Architecture::Arm64 => def::Architecture::Arm64,
        }),
        ephemeral_storage: spec.ephemeral_storage,
        log_format: spec.log_format.map(|f| match f {
            project::LogFormat::Text => def::LogFormat::Text,
            project::LogFormat::Json => def::LogFormat::Json,
        }),
        log_group: spec.log_group.clone(),
        layers: spec.layers.clone(),
        tags: spec.tags.iter().cloned().collect(),
        environment: environment.map(|e| e.into_iter().collect()),
        vpc: (!spec.subnets.is_empty()).then(|| def::Vpc {
            subnets: spec.subnets.clone(),
            security_groups: spec.security_groups.clone(),
            ipv6_dual_stack: spec.ipv6_dual_stack,
        }),
        tracing: spec.tracing.map(Into::into),
        snap_start: spec.snap_start.map(Into::into),
        application_log_level: spec.application_log_level.map(Into::into),
        system_log_level: spec.system_log_level.map(Into::into),
        dead_letter_arn: spec.dead_letter_arn.clone(),
        kms_key_arn: spec.kms_key_arn.clone(),
        file_systems: (!spec.file_systems.is_empty()).then(|| {
            spec.file_systems
                .iter()
                .map(|f| def::FileSystem {
                    arn: f.arn.clone(),
                    mount_path: f.mount_path.clone(),
                })
                .collect()
        }),
        runtime_management: spec.runtime_update.map(|u| def::RuntimeManagement {
            update: u.into(),
            version_arn: spec.runtime_version_arn.clone(),
        }),
        recursive_loop: spec.recursive_loop.map(Into::into),
        code_signing_config: spec.code_signing_config.clone(),
        ..Default::default()
    }
}
