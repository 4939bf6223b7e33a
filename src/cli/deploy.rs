//! `lamctl deploy`'s flags, and their conversion (over lamctl.toml) into
//! the plain, validated settings the deploy runs on.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::config::{self as project, FunctionSpec, Project};
pub use super::config::{InvokeMode, UrlAuth};
use super::package::PackFlags;
use crate::commands::deploy::Settings;
use crate::error::{Error, Result};
use crate::lambda::concurrency::Concurrency;
use crate::lambda::config::Definition;
use crate::lambda::config::value::{
    AliasName, CorsHeader, CorsMaxAge, CorsMethod, CorsOrigin, KeepVersions,
    ProvisionedConcurrency, ReservedConcurrency, S3Bucket, S3Key,
};
use crate::lambda::limits;
use crate::lambda::plan::Desired;
use crate::lambda::url::{self, Cors, UrlFields, UrlWant};
use crate::package::PackageOptions;

mod definition;
pub mod watch;
use definition::{definition, unset};

#[derive(Debug, Args, Clone, Default)]
pub struct DeployArgs {
    /// The directory to deploy [default: `source` in lamctl.toml, else .]; in a workspace, the
    /// members to deploy (function names or member directories)
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// More members to deploy (in a workspace, or with a workspace's lamctl.toml in -c)
    #[arg(value_name = "MEMBER", hide = true)]
    pub members: Vec<String>,

    #[command(flatten)]
    pub many: super::workspace::flags::ManyFlags,

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
    pub s3_bucket: Option<S3Bucket>,

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
    pub s3_key: Option<S3Key>,

    /// Publish a version of exactly what was deployed [lamctl.toml: deploy.publish]
    #[arg(long, conflicts_with = "no_publish", help_heading = "Versions")]
    pub publish: bool,

    /// Do not publish, whatever lamctl.toml says (and move no alias)
    #[arg(long, conflicts_with_all = ["alias", "canary"], help_heading = "Versions")]
    pub no_publish: bool,

    /// Create or move this alias to the new version (implies --publish) [lamctl.toml: deploy.alias]
    #[arg(long, value_name = "NAME", help_heading = "Versions", add = super::complete::aliases())]
    pub alias: Option<AliasName>,

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
    pub keep_versions: Option<KeepVersions>,

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
    pub concurrency: Option<ReservedConcurrency>,

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
    pub provisioned: Option<ProvisionedConcurrency>,

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

    /// Keep running: on each save, package the changed function(s) again and update their code
    /// only (no publish, no configuration), tailing their logs on stdout; Ctrl-C stops
    #[arg(long, help_heading = "Watch")]
    pub watch: bool,

    /// With --watch: do not tail the functions' logs
    #[arg(long, requires = "watch", help_heading = "Watch")]
    pub no_logs: bool,
}

/// A setting `--unset` removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Unset {
    /// Remove every layer
    Layers,
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

/// A function URL's CORS flags, shared by `deploy` and `url`: one
/// definition, one reading over lamctl.toml, one check of the limits.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Function URL CORS")]
pub struct CorsFlags {
    /// An allowed CORS origin (repeatable)
    #[arg(long, value_name = "ORIGIN")]
    pub cors_origin: Vec<CorsOrigin>,

    /// An allowed CORS method (repeatable)
    #[arg(long, value_name = "METHOD")]
    pub cors_method: Vec<CorsMethod>,

    /// An allowed CORS header (repeatable)
    #[arg(long, value_name = "HEADER")]
    pub cors_header: Vec<CorsHeader>,

    /// How long browsers may cache the CORS preflight, in seconds
    #[arg(long, value_name = "SECONDS")]
    pub cors_max_age: Option<CorsMaxAge>,

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
    /// file's (each value was checked as it was read).
    pub fn over(&self, f: &project::UrlSettings) -> Result<Cors> {
        // A flag's list replaces the file's; at most `max` values.
        fn pick<T: std::ops::Deref<Target = str>>(
            flag: &[T],
            file: &[T],
            max: usize,
            what: &str,
        ) -> Result<Vec<String>> {
            let list = if flag.is_empty() { file } else { flag };
            if list.len() > max {
                return Err(Error::usage(format!(
                    "{} CORS {what} given (--cors-{} / deploy.url.cors_{what}); Lambda allows at most {max}",
                    list.len(),
                    what.trim_end_matches('s'),
                )));
            }
            Ok(list.iter().map(|v| v.to_string()).collect())
        }
        Ok(Cors {
            origins: pick(
                &self.cors_origin,
                &f.cors_origins,
                limits::CORS_ORIGINS,
                "origins",
            )?,
            methods: pick(
                &self.cors_method,
                &f.cors_methods,
                limits::CORS_METHODS,
                "methods",
            )?
            .into_iter()
            .map(|m| m.to_uppercase())
            .collect(),
            headers: pick(
                &self.cors_header,
                &f.cors_headers,
                limits::CORS_HEADERS,
                "headers",
            )?,
            max_age: self.cors_max_age.or(f.cors_max_age).map(CorsMaxAge::get),
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

    /// The deploy's settings: flags over lamctl.toml (the one resolution
    /// deploy, diff and `--dry-run` share), validated before any work (bad
    /// input is a usage error).
    pub fn desired(&self, project: Option<&Project>) -> Result<Desired> {
        self.spec.validate("flags")?;
        let file = project.map(|p| p.file.clone()).unwrap_or_default();
        let spec = self.spec.over(&file);
        let d = &file.deploy;
        let name = spec.name.clone().map(String::from).ok_or_else(|| {
            Error::usage("no function name")
                .with_hint("pass --function NAME or set `name` in lamctl.toml")
        })?;
        let definition = self.definition(project, &spec)?;
        let (publish, alias, keep_versions) = self.versions(d)?;
        let (concurrency, provisioned) = self.concurrency(d, alias.is_some())?;
        let url = self.url_want(d.url.as_ref())?;
        let create_role = self.create_role(&spec, d)?;
        let (s3_bucket, s3_key) = self.s3(d)?;
        Ok(Desired {
            name,
            definition,
            create_role,
            policies: spec
                .policies
                .as_ref()
                .map(|p| p.iter().map(|a| a.to_string()).collect()),
            allow: spec
                .allow
                .as_ref()
                .map(|a| a.iter().map(project::Allow::statement).collect()),
            force: self.force,
            s3_bucket,
            s3_key,
            publish: publish || alias.is_some(),
            alias,
            canary: self.canary,
            keep_versions,
            concurrency,
            provisioned,
            url,
            // lamctl.toml lists the whole set; with no file, none is named.
            event_sources: project.map(|p| p.file.event_sources.clone()),
            schedules: project.map(|p| p.file.schedules.clone()),
            // lamctl.toml says what starts the function; flags alone do not.
            triggers: project.is_some(),
            api: spec.api.clone(),
            s3: spec.s3.clone(),
        })
    }

    /// The definition: the merged spec, its environment (layered by
    /// `cli/env.rs`) and `--unset`, with the merge rules for what is
    /// deployed. lamctl.toml describes the function: variables (and tags)
    /// it defines are the whole set. Flags alone are added to what is
    /// deployed; --env-replace / --tag-replace make them the whole set.
    fn definition(&self, project: Option<&Project>, spec: &FunctionSpec) -> Result<Definition> {
        let file = project.map(|p| &p.file);
        let environment = super::env::environment(project, &self.spec)?;
        let file_env = file.is_some_and(|f| !f.environment.is_empty() || f.env_file.is_some());
        let environment = match (environment, self.env_replace) {
            (None, true) => Some(Vec::new()),
            (e, _) => e,
        };
        let mut definition = definition(spec, environment);
        unset(&mut definition, &self.unset)?;
        definition.env_merge = !file_env && !self.env_replace;
        definition.tags_merge = file.is_none_or(|f| f.tags.is_empty()) && !self.tag_replace;
        if self.tag_replace && definition.tags.is_empty() {
            return Err(Error::usage("--tag-replace needs the tags to keep")
                .with_hint("give them with --tag KEY=VALUE or [tags] in lamctl.toml"));
        }
        Ok(definition)
    }

    /// Publish, the alias to move and the versions to keep.
    fn versions(&self, d: &project::DeploySettings) -> Result<(bool, Option<String>, Option<u32>)> {
        let alias = match self.no_alias || self.no_publish {
            true => None,
            false => self.alias.clone().or_else(|| d.alias.clone()),
        }
        .map(String::from);
        if self.canary.is_some() && alias.is_none() {
            return Err(Error::usage("--canary needs an alias to shift traffic on")
                .with_hint("add --alias NAME (or [deploy] alias in lamctl.toml)"));
        }
        let publish = !self.no_publish && (self.publish || d.publish.unwrap_or(false));
        let keep = match self.no_keep_versions {
            true => None,
            false => self
                .keep_versions
                .or(d.keep_versions)
                .map(KeepVersions::get),
        };
        Ok((publish, alias, keep))
    }

    /// Reserved and provisioned concurrency (provisioned needs an alias).
    fn concurrency(
        &self,
        d: &project::DeploySettings,
        alias: bool,
    ) -> Result<(Option<Concurrency>, Option<i32>)> {
        let provisioned = match self.no_provisioned {
            true => None,
            false => self
                .provisioned
                .or(d.provisioned)
                .map(ProvisionedConcurrency::get),
        };
        if provisioned.is_some() && !alias {
            return Err(Error::usage("--provisioned needs an alias to configure")
                .with_hint("add --alias NAME"));
        }
        let reserved = match self.no_concurrency {
            true => Some(Concurrency::Remove),
            false => self
                .concurrency
                .or(d.concurrency)
                .map(|n| Concurrency::Set(n.get())),
        };
        Ok((reserved, provisioned))
    }

    /// The bucket and key big zips go through; a key needs a bucket.
    fn s3(&self, d: &project::DeploySettings) -> Result<(Option<String>, Option<String>)> {
        let bucket = match self.no_s3_bucket {
            true => None,
            false => self.s3_bucket.clone().or_else(|| d.s3_bucket.clone()),
        };
        // A key with no bucket to put it in would be ignored (the file's key
        // is switched off with its bucket by --no-s3-bucket).
        if bucket.is_none() && !self.no_s3_bucket {
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
        let key = self.s3_key.clone().or_else(|| d.s3_key.clone());
        Ok((bucket.map(String::from), key.map(String::from)))
    }

    /// Whether lamctl creates the role, and the role settings that need it.
    fn create_role(&self, spec: &FunctionSpec, d: &project::DeploySettings) -> Result<bool> {
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
        Ok(create_role)
    }

    /// What to package: DIR and the packaging flags over lamctl.toml.
    pub fn package_options(&self, project: Option<&Project>) -> Result<PackageOptions> {
        let mut opts = super::package::options(self.dir.as_deref(), &self.pack, project)?;
        opts.env_files.extend(self.spec.env_file.clone());
        Ok(opts)
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
        let auth = self.url_auth.or(f.auth).map(Into::into);
        let invoke_mode = self.invoke_mode.or(f.invoke_mode).map(Into::into);
        let cors = self.cors.over(&f)?;
        Ok(Some(UrlWant::Attach(UrlFields {
            auth,
            invoke_mode,
            cors: (cors != Cors::default()).then_some(cors),
        })))
    }
}
