//! `lamctl deploy [DIR]`: package, then create or update the function's code
//! and configuration, wait until it is ready, and optionally publish a
//! version, move an alias (or shift a canary weight), prune old versions,
//! set concurrency and attach a function URL. Re-running converges: every
//! step compares the deployed state with the definition and changes only
//! what differs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::client::Waiters;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    AliasRoutingConfiguration, Architecture as SdkArch, Cors, Environment, EphemeralStorage,
    FunctionCode, FunctionConfiguration, FunctionUrlAuthType, InvokeMode as SdkInvokeMode,
    LogFormat as SdkLogFormat, LoggingConfig, ProvisionedConcurrencyStatusEnum, Runtime,
};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;

use super::Ctx;
use crate::aws::{AwsContext, Service};
use crate::cli::config::{self as project, Architecture, FunctionSpec, LogFormat};
use crate::cli::deploy::{DeployArgs, InvokeMode, UrlAuth};
use crate::error::{Error, Result};
use crate::lambda::{self, retry_conflict, wait_ready};
use crate::output::{Ui, bytes};
use crate::package::{DIRECT_UPLOAD_LIMIT, PackageReport};
use crate::package::{package_shown, summary as package_summary};
use crate::s3upload::{self, Uploaded};

/// Statement ids of the permissions a public URL needs.
const SID_URL: &str = "lamctl-url-public-invoke-url";
const SID_INVOKE: &str = "lamctl-url-public-invoke";
const BASIC_EXECUTION_POLICY: &str =
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/// Everything the deploy will do, resolved and validated before any AWS call.
#[derive(Debug, Clone)]
struct Settings {
    name: String,
    spec: FunctionSpec,
    environment: Option<Vec<(String, String)>>,
    create_role: bool,
    force: bool,
    s3_bucket: Option<String>,
    s3_key: Option<String>,
    publish: bool,
    alias: Option<String>,
    canary: Option<f64>,
    keep_versions: Option<u32>,
    concurrency: Option<Concurrency>,
    provisioned: Option<i32>,
    url: Option<UrlWant>,
    dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action", content = "value")]
enum Concurrency {
    Set(i32),
    Remove,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
enum UrlWant {
    Attach {
        auth: UrlAuth,
        invoke_mode: InvokeMode,
        cors: Option<CorsWant>,
    },
    Remove,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
struct CorsWant {
    origins: Vec<String>,
    methods: Vec<String>,
    headers: Vec<String>,
    max_age: Option<i32>,
    credentials: bool,
}

fn resolve(ctx: &Ctx<'_>, args: &DeployArgs) -> Result<Settings> {
    args.spec.validate("flags")?;
    let project = ctx.project.as_ref();
    let file = project.map(|p| p.file.clone()).unwrap_or_default();
    let spec = args.spec.over(&file);
    let d = &file.deploy;
    let name = spec.name.clone().ok_or_else(|| {
        Error::usage("no function name")
            .with_hint("pass --function NAME or set `name` in lamctl.toml")
    })?;
    let environment = crate::cli::env::environment(project, &args.spec)?;

    let alias = args.alias.clone().or_else(|| d.alias.clone());
    if let Some(a) = &alias {
        validate_alias(a)?;
    }
    let canary = args.canary;
    let provisioned = args.provisioned.or(d.provisioned);
    if provisioned.is_some() && alias.is_none() {
        return Err(
            Error::usage("--provisioned needs an alias to configure").with_hint("add --alias NAME")
        );
    }
    if let Some(n) = provisioned.filter(|n| *n < 1) {
        return Err(Error::usage(format!(
            "provisioned concurrency {n} must be at least 1"
        )));
    }
    let concurrency = if args.no_concurrency {
        Some(Concurrency::Remove)
    } else {
        args.concurrency.or(d.concurrency).map(Concurrency::Set)
    };
    if let Some(Concurrency::Set(n)) = concurrency
        && n < 0
    {
        return Err(Error::usage(format!(
            "reserved concurrency {n} must be 0 or more"
        )));
    }
    if args.keep_versions == Some(0) || d.keep_versions == Some(0) {
        return Err(Error::usage("--keep-versions must be at least 1"));
    }

    let url = url_want(args, d.url.as_ref())?;
    let role_in_file = file.role.is_some();
    if args.create_role && role_in_file {
        return Err(
            Error::usage("--create-role: lamctl.toml already names a role")
                .with_hint("remove `role` from lamctl.toml or leave out --create-role"),
        );
    }
    Ok(Settings {
        name,
        spec,
        environment,
        create_role: args.create_role,
        force: args.force,
        s3_bucket: args.s3_bucket.clone().or_else(|| d.s3_bucket.clone()),
        s3_key: args.s3_key.clone().or_else(|| d.s3_key.clone()),
        publish: args.publish || d.publish.unwrap_or(false) || alias.is_some(),
        alias,
        canary,
        keep_versions: args.keep_versions.or(d.keep_versions),
        concurrency,
        provisioned,
        url,
        dry_run: args.dry_run,
    })
}

fn validate_alias(a: &str) -> Result<()> {
    let ok = !a.is_empty()
        && a.len() <= 128
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !a.chars().all(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "invalid alias name '{a}': use letters, digits, - or _, not only digits"
        )))
    }
}

fn url_want(args: &DeployArgs, file: Option<&project::UrlSettings>) -> Result<Option<UrlWant>> {
    let cors_flags = !args.cors_origin.is_empty()
        || !args.cors_method.is_empty()
        || !args.cors_header.is_empty()
        || args.cors_max_age.is_some()
        || args.cors_credentials;
    if args.no_url {
        return Ok(Some(UrlWant::Remove));
    }
    let wanted = args.url || file.is_some();
    if !wanted {
        if cors_flags || args.url_auth.is_some() || args.invoke_mode.is_some() {
            return Err(Error::usage(
                "--url-auth, --invoke-mode and --cors-* configure the function URL",
            )
            .with_hint("add --url (or a [deploy.url] table in lamctl.toml)"));
        }
        return Ok(None);
    }
    let f = file.cloned().unwrap_or_default();
    let parse_file_enum =
        |v: &Option<String>, key: &str, allowed: &[&str]| -> Result<Option<String>> {
            match v {
                Some(s) if !allowed.contains(&s.as_str()) => Err(Error::usage(format!(
                    "lamctl.toml: deploy.url.{key} = '{s}' is not one of {}",
                    allowed.join(", ")
                ))),
                other => Ok(other.clone()),
            }
        };
    let auth = match (
        args.url_auth,
        parse_file_enum(&f.auth, "auth", &["none", "aws-iam"])?.as_deref(),
    ) {
        (Some(a), _) => a,
        (None, Some("none")) => UrlAuth::None,
        _ => UrlAuth::AwsIam,
    };
    let invoke_mode = match (
        args.invoke_mode,
        parse_file_enum(
            &f.invoke_mode,
            "invoke_mode",
            &["buffered", "response-stream"],
        )?
        .as_deref(),
    ) {
        (Some(m), _) => m,
        (None, Some("response-stream")) => InvokeMode::ResponseStream,
        _ => InvokeMode::Buffered,
    };
    let pick = |flag: &Vec<String>, file: &Vec<String>| {
        if flag.is_empty() {
            file.clone()
        } else {
            flag.clone()
        }
    };
    let cors = CorsWant {
        origins: pick(&args.cors_origin, &f.cors_origins),
        methods: pick(&args.cors_method, &f.cors_methods)
            .into_iter()
            .map(|m| m.to_uppercase())
            .collect(),
        headers: pick(&args.cors_header, &f.cors_headers),
        max_age: args.cors_max_age.or(f.cors_max_age),
        credentials: args.cors_credentials || f.cors_credentials.unwrap_or(false),
    };
    if let Some(m) = cors.max_age.filter(|m| !(0..=86400).contains(m)) {
        return Err(Error::usage(format!(
            "CORS max age {m} is outside 0-86400 seconds"
        )));
    }
    let cors = (cors != CorsWant::default()).then_some(cors);
    Ok(Some(UrlWant::Attach {
        auth,
        invoke_mode,
        cors,
    }))
}

// ---------------------------------------------------------------- the plan

#[derive(Debug, Clone, Serialize)]
struct FieldChange {
    field: String,
    /// The deployed value (environment values are masked).
    from: Option<String>,
    to: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
enum CodeAction {
    Unchanged,
    Upload,
}

/// What a deploy does (the `--dry-run` output, and the basis of a real run).
#[derive(Debug, Clone, Serialize)]
struct Plan {
    function: String,
    region: String,
    create: bool,
    config_changes: Vec<FieldChange>,
    tags_set: BTreeMap<String, String>,
    tags_removed: Vec<String>,
    code: CodeAction,
    code_sha256: String,
    deployed_code_sha256: Option<String>,
    /// `s3://bucket/key` when the code goes through S3.
    s3: Option<String>,
    publish: bool,
    alias: Option<String>,
    canary_percent: Option<f64>,
    keep_versions: Option<u32>,
    concurrency: Option<Concurrency>,
    provisioned: Option<i32>,
    url: Option<UrlWant>,
    dry_run: bool,
}

/// What the account holds now, read once.
struct Deployed {
    config: FunctionConfiguration,
    tags: BTreeMap<String, String>,
}

fn s(v: impl fmt::Display) -> String {
    v.to_string()
}

/// Compare the definition with the deployed configuration, field by field.
fn config_changes(
    set: &Settings,
    role: Option<&str>,
    cfg: Option<&FunctionConfiguration>,
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let spec = &set.spec;
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
    cmp(
        "runtime",
        spec.runtime.clone(),
        cfg.and_then(|c| c.runtime())
            .map(|r| r.as_str().to_string()),
    );
    cmp(
        "handler",
        spec.handler.clone(),
        cfg.and_then(|c| c.handler()).map(String::from),
    );
    cmp(
        "role",
        role.map(String::from),
        cfg.and_then(|c| c.role()).map(String::from),
    );
    cmp(
        "memory",
        spec.memory.map(s),
        cfg.and_then(|c| c.memory_size()).map(s),
    );
    cmp(
        "timeout",
        spec.timeout.map(s),
        cfg.and_then(|c| c.timeout()).map(s),
    );
    cmp(
        "description",
        spec.description.clone(),
        cfg.map(|c| c.description().unwrap_or_default().to_string()),
    );
    cmp(
        "architecture",
        spec.architecture.map(|a| a.as_str().to_string()),
        cfg.map(|c| {
            c.architectures()
                .first()
                .map_or("x86_64".to_string(), |a| a.as_str().to_string())
        }),
    );
    cmp(
        "ephemeral_storage",
        spec.ephemeral_storage.map(s),
        cfg.and_then(|c| c.ephemeral_storage()).map(|e| s(e.size())),
    );
    cmp(
        "log_format",
        spec.log_format
            .map(|f| if f == LogFormat::Json { "JSON" } else { "Text" }.to_string()),
        cfg.and_then(|c| c.logging_config())
            .and_then(|l| l.log_format())
            .map(|f| f.as_str().to_string()),
    );
    cmp(
        "log_group",
        spec.log_group.clone(),
        cfg.and_then(|c| c.logging_config())
            .and_then(|l| l.log_group())
            .map(String::from),
    );
    if !spec.layers.is_empty() {
        let have: Vec<String> = cfg
            .map(|c| {
                c.layers()
                    .iter()
                    .filter_map(|l| l.arn().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if have != spec.layers {
            out.push(FieldChange {
                field: "layers".into(),
                from: cfg.map(|_| have.join(", ")),
                to: spec.layers.join(", "),
            });
        }
    }
    if let Some(env) = &set.environment {
        let have: BTreeMap<String, String> = cfg
            .and_then(|c| c.environment())
            .and_then(|e| e.variables())
            .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let want: BTreeMap<String, String> = env.iter().cloned().collect();
        // Values are never shown: they are often secrets.
        for k in want.keys().chain(have.keys()).collect::<BTreeSet<_>>() {
            match (have.get(k), want.get(k)) {
                (Some(a), Some(b)) if a == b => {}
                (None, Some(_)) => out.push(FieldChange {
                    field: format!("environment.{k}"),
                    from: None,
                    to: "(set)".into(),
                }),
                (Some(_), Some(_)) => out.push(FieldChange {
                    field: format!("environment.{k}"),
                    from: Some("(hidden)".into()),
                    to: "(changed)".into(),
                }),
                (Some(_), None) => out.push(FieldChange {
                    field: format!("environment.{k}"),
                    from: Some("(hidden)".into()),
                    to: "(removed)".into(),
                }),
                (None, None) => {}
            }
        }
    }
    out
}

// ------------------------------------------------------------------- run

pub async fn run(ctx: &Ctx<'_>, args: &DeployArgs) -> Result<()> {
    let ui = ctx.ui;
    let set = resolve(ctx, args)?;

    // Package first: still no AWS call, so a bad tree fails fast.
    let opts = crate::cli::package::options(args.dir.as_deref(), &args.pack, ctx.project.as_ref())?;
    let report = package_shown(ui, opts).await?;
    ui.note(package_summary(ui, &report));
    let limit = direct_upload_limit();
    let s3 = match (&set.s3_bucket, report.size > limit) {
        (Some(bucket), _) => Some((
            bucket.clone(),
            set.s3_key
                .clone()
                .unwrap_or_else(|| format!("lamctl/{}/{}.zip", set.name, report.sha256_hex)),
        )),
        (None, true) => {
            return Err(Error::usage(format!(
                "the zip is {}, over the {} limit for a direct upload",
                bytes(report.size),
                bytes(limit)
            ))
            .with_hint("give a bucket to upload through with --s3-bucket BUCKET (or [deploy] s3_bucket in lamctl.toml)"));
        }
        (None, false) => None,
    };

    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let deployed = read_deployed(&client, &aws, &set.name).await?;
    if deployed.is_none() {
        for (flag, key, v) in [
            ("--runtime", "runtime", set.spec.runtime.is_some()),
            ("--handler", "handler", set.spec.handler.is_some()),
        ] {
            if !v {
                return Err(Error::usage(format!(
                    "function '{}' does not exist in {} and creating it needs {flag} (or `{key}` in lamctl.toml)",
                    set.name, aws.region.value
                )));
            }
        }
        if set.spec.role.is_none() && !set.create_role {
            return Err(Error::usage(format!(
                "function '{}' does not exist in {} and creating it needs --role ARN (or `role` in lamctl.toml)",
                set.name, aws.region.value
            ))
            .with_hint("or pass --create-role to create a basic execution role"));
        }
    }
    let role_name = role_name(&set.name);
    let planned_role = match (&set.spec.role, set.create_role) {
        (Some(r), _) => Some(r.clone()),
        (None, true) => Some(format!("(created) {role_name}")),
        (None, false) => None,
    };
    let cfg = deployed.as_ref().map(|d| &d.config);
    let mut plan = make_plan(
        &set,
        &aws,
        &report,
        s3.as_ref(),
        cfg,
        deployed.as_ref().map(|d| &d.tags),
        planned_role.as_deref(),
    );

    if set.dry_run {
        return ui.result(&plan);
    }

    // The role is created (or reused) before the comparison that uses its ARN.
    let role = match (&set.spec.role, set.create_role) {
        (Some(r), _) => Some(r.clone()),
        (None, true) => Some(ensure_role(&aws, ui, &role_name).await?),
        (None, false) => None,
    };
    plan.config_changes = config_changes(&set, role.as_deref(), cfg);

    let mut summary = Summary::new(&plan);
    // Upload to S3 only when the code is actually going to change.
    let code_source = match (&plan.code, &s3) {
        (CodeAction::Upload, Some((bucket, key))) => {
            ui.note(format!(
                "uploading {} to s3://{bucket}/{key}",
                bytes(report.size)
            ));
            let up = s3upload::upload(&aws, ui, &report.path, bucket, key).await?;
            summary.s3_upload = Some(match up {
                Uploaded::AlreadyThere => "already there".to_string(),
                Uploaded::Single => "uploaded".to_string(),
                Uploaded::Multipart { parts } => format!("uploaded in {parts} parts"),
            });
            if up == Uploaded::AlreadyThere {
                ui.note("the object is already in S3 with the same size: not uploaded again");
            }
            CodeSource::S3(bucket.clone(), key.clone())
        }
        _ => CodeSource::Zip(report.path.clone()),
    };

    let arn = if deployed.is_none() {
        create(&client, &aws, ui, &set, role.as_deref(), &code_source).await?
    } else {
        update(&client, &aws, ui, &set, &plan, &code_source).await?
    };
    summary.arn = arn.clone();
    sync_tags(&client, &aws, ui, &arn, &plan).await?;

    if set.publish {
        let version = publish(&client, &aws, ui, &set.name, &report).await?;
        summary.version = Some(version.clone());
        if let Some(alias) = &set.alias {
            summary.alias = Some(move_alias(&client, &aws, ui, &set, alias, &version).await?);
        }
        if let Some(keep) = set.keep_versions {
            summary.deleted_versions =
                prune_versions(&client, &aws, ui, &set.name, keep, &version).await?;
        }
    }
    if let Some(c) = set.concurrency {
        summary.concurrency = set_concurrency(&client, &aws, ui, &set.name, c).await?;
    }
    if let (Some(n), Some(alias)) = (set.provisioned, &set.alias) {
        set_provisioned(&client, &aws, ui, &set.name, alias, n).await?;
        summary.provisioned = Some(n);
    }
    if let Some(u) = &set.url {
        summary.url = sync_url(&client, &aws, ui, &set.name, set.alias.as_deref(), u).await?;
    }
    ui.result(&summary)
}

/// Lambda's direct-upload limit; `LAMCTL_DIRECT_UPLOAD_LIMIT` (bytes)
/// lowers it, so tests can exercise the S3 path with a small zip.
fn direct_upload_limit() -> u64 {
    std::env::var("LAMCTL_DIRECT_UPLOAD_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DIRECT_UPLOAD_LIMIT)
}

fn role_name(function: &str) -> String {
    let mut n = format!("lamctl-{function}-exec");
    n.truncate(64);
    n
}

async fn read_deployed(client: &Client, aws: &AwsContext, name: &str) -> Result<Option<Deployed>> {
    let Some(f) = lambda::get_function(client, aws, name).await? else {
        return Ok(None);
    };
    let config = f
        .configuration
        .unwrap_or_else(|| FunctionConfiguration::builder().build());
    let tags = f.tags.unwrap_or_default().into_iter().collect();
    Ok(Some(Deployed { config, tags }))
}

fn make_plan(
    set: &Settings,
    aws: &AwsContext,
    report: &PackageReport,
    s3: Option<&(String, String)>,
    cfg: Option<&FunctionConfiguration>,
    tags: Option<&BTreeMap<String, String>>,
    role: Option<&str>,
) -> Plan {
    let deployed_sha = cfg.and_then(|c| c.code_sha256()).map(String::from);
    let arch_change = set.spec.architecture.is_some_and(|a| {
        cfg.is_some_and(|c| {
            c.architectures().first().map_or("x86_64", |x| x.as_str()) != a.as_str()
        })
    });
    let code = if cfg.is_none()
        || set.force
        || arch_change
        || deployed_sha.as_deref() != Some(report.code_sha256.as_str())
    {
        CodeAction::Upload
    } else {
        CodeAction::Unchanged
    };
    let (tags_set, tags_removed) = if set.spec.tags.is_empty() {
        (BTreeMap::new(), Vec::new())
    } else {
        let want: BTreeMap<String, String> = set.spec.tags.iter().cloned().collect();
        let have = tags.cloned().unwrap_or_default();
        let add = want
            .iter()
            .filter(|(k, v)| have.get(*k) != Some(v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let remove = have
            .keys()
            .filter(|k| !want.contains_key(*k) && !k.starts_with("aws:"))
            .cloned()
            .collect();
        (add, remove)
    };
    Plan {
        function: set.name.clone(),
        region: aws.region.value.clone(),
        create: cfg.is_none(),
        config_changes: if cfg.is_none() {
            Vec::new()
        } else {
            config_changes(set, role, cfg)
        },
        tags_set,
        tags_removed: if cfg.is_none() {
            Vec::new()
        } else {
            tags_removed
        },
        code,
        code_sha256: report.code_sha256.clone(),
        deployed_code_sha256: deployed_sha,
        s3: s3.map(|(b, k)| format!("s3://{b}/{k}")),
        publish: set.publish,
        alias: set.alias.clone(),
        canary_percent: set.canary,
        keep_versions: set.keep_versions,
        concurrency: set.concurrency,
        provisioned: set.provisioned,
        url: set.url.clone(),
        dry_run: true,
    }
}

enum CodeSource {
    Zip(PathBuf),
    S3(String, String),
}

impl CodeSource {
    async fn function_code(&self) -> Result<FunctionCode> {
        let b = match self {
            CodeSource::Zip(p) => {
                let data = tokio::fs::read(p).await.map_err(|e| Error::io(p, e))?;
                FunctionCode::builder().zip_file(Blob::new(data))
            }
            CodeSource::S3(bucket, key) => FunctionCode::builder().s3_bucket(bucket).s3_key(key),
        };
        Ok(b.build())
    }
}

fn sdk_arch(a: Architecture) -> SdkArch {
    match a {
        Architecture::X86_64 => SdkArch::X8664,
        Architecture::Arm64 => SdkArch::Arm64,
    }
}

fn logging_config(
    spec: &FunctionSpec,
    cfg: Option<&FunctionConfiguration>,
) -> Option<LoggingConfig> {
    if spec.log_format.is_none() && spec.log_group.is_none() {
        return None;
    }
    let current = cfg.and_then(|c| c.logging_config());
    let format = match spec.log_format {
        Some(LogFormat::Json) => Some(SdkLogFormat::Json),
        Some(LogFormat::Text) => Some(SdkLogFormat::Text),
        None => current.and_then(|l| l.log_format()).cloned(),
    };
    let group = spec
        .log_group
        .clone()
        .or_else(|| current.and_then(|l| l.log_group()).map(String::from));
    Some(
        LoggingConfig::builder()
            .set_log_format(format)
            .set_log_group(group)
            .build(),
    )
}

async fn ensure_role(aws: &AwsContext, ui: &Ui, name: &str) -> Result<String> {
    let iam = aws.iam().await;
    let arn = match iam.get_role().role_name(name).send().await {
        Ok(r) => r.role().map(|r| r.arn().to_string()),
        Err(e) if e.code() == Some("NoSuchEntity") => None,
        Err(e) => return Err(aws.error(Service::Iam, "GetRole", e)),
    };
    let arn = match arn {
        Some(a) => a,
        None => {
            ui.note(format!("creating execution role {name}"));
            let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
            let r = iam
                .create_role()
                .role_name(name)
                .assume_role_policy_document(trust)
                .description("Execution role created by lamctl deploy --create-role")
                .send()
                .await
                .map_err(|e| aws.error(Service::Iam, "CreateRole", e))?;
            r.role()
                .map(|r| r.arn().to_string())
                .ok_or_else(|| Error::failed("CreateRole returned no role"))?
        }
    };
    // Attaching an attached policy is a no-op, so this also repairs a role
    // a failed earlier run created without it.
    iam.attach_role_policy()
        .role_name(name)
        .policy_arn(BASIC_EXECUTION_POLICY)
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "AttachRolePolicy", e))?;
    Ok(arn)
}

async fn create(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    set: &Settings,
    role: Option<&str>,
    code: &CodeSource,
) -> Result<String> {
    let spec = &set.spec;
    ui.note(format!(
        "creating function {} in {}",
        set.name, aws.region.value
    ));
    let role = role.ok_or_else(|| Error::usage("creating a function needs a role"))?;
    let env = set.environment.as_ref().map(|e| {
        Environment::builder()
            .set_variables(Some(e.iter().cloned().collect()))
            .build()
    });
    let tags: Option<std::collections::HashMap<String, String>> =
        (!spec.tags.is_empty()).then(|| spec.tags.iter().cloned().collect());
    let function_code = code.function_code().await?;
    let start = std::time::Instant::now();
    let out = loop {
        let r = client
            .create_function()
            .function_name(&set.name)
            .runtime(Runtime::from(spec.runtime.as_deref().unwrap_or_default()))
            .handler(spec.handler.clone().unwrap_or_default())
            .role(role)
            .code(function_code.clone())
            .set_memory_size(spec.memory)
            .set_timeout(spec.timeout)
            .set_description(spec.description.clone())
            .set_environment(env.clone())
            .set_layers((!spec.layers.is_empty()).then(|| spec.layers.clone()))
            .set_tags(tags.clone())
            .set_architectures(spec.architecture.map(|a| vec![sdk_arch(a)]))
            .set_ephemeral_storage(
                spec.ephemeral_storage
                    .map(|s| EphemeralStorage::builder().size(s).build())
                    .transpose()
                    .map_err(|e| Error::usage(e.to_string()))?,
            )
            .set_logging_config(logging_config(spec, None))
            .publish(false)
            .send()
            .await;
        match r {
            Ok(out) => break out,
            // A new role takes seconds to reach Lambda; that is not a failure.
            Err(e)
                if e.code() == Some("InvalidParameterValueException")
                    && e.message().is_some_and(|m| m.contains("cannot be assumed"))
                    && start.elapsed() < Duration::from_secs(90) =>
            {
                tracing::info!("the role is not assumable yet; retrying");
                tokio::time::sleep(Duration::from_secs(3)).await;
            }
            Err(e) if e.code() == Some("ResourceConflictException") => {
                return Err(Error::failed(format!(
                    "function '{}' was created by someone else while lamctl was deploying it",
                    set.name
                ))
                .with_hint("run lamctl deploy again: it will update the function"));
            }
            Err(e) => return Err(aws.error(Service::Lambda, "CreateFunction", e)),
        }
    };
    let spinner = crate::progress::spinner(ui, "waiting for the function to become active");
    let waited = wait_ready(client, aws, &set.name).await;
    spinner.finish_and_clear();
    waited?;
    Ok(out.function_arn().unwrap_or_default().to_string())
}

async fn update(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    set: &Settings,
    plan: &Plan,
    code: &CodeSource,
) -> Result<String> {
    let name = &set.name;
    let spinner = crate::progress::spinner(ui, "waiting for the function to be ready");
    let waited = wait_ready(client, aws, name).await;
    spinner.finish_and_clear();
    waited?;
    let current = read_deployed(client, aws, name)
        .await?
        .ok_or_else(|| lambda::not_found(aws, name, None))?;
    let cfg = &current.config;

    let arch_only = plan
        .config_changes
        .iter()
        .all(|c| c.field == "architecture");
    if plan.config_changes.is_empty() || arch_only {
        ui.note("configuration unchanged");
    } else {
        let fields: Vec<&str> = plan
            .config_changes
            .iter()
            .map(|c| c.field.as_str())
            .collect();
        ui.note(format!("updating configuration: {}", fields.join(", ")));
        let spec = &set.spec;
        let env = set.environment.as_ref().map(|e| {
            Environment::builder()
                .set_variables(Some(e.iter().cloned().collect()))
                .build()
        });
        let role = plan
            .config_changes
            .iter()
            .find(|c| c.field == "role")
            .map(|c| c.to.clone());
        let storage = spec
            .ephemeral_storage
            .map(|s| EphemeralStorage::builder().size(s).build())
            .transpose()
            .map_err(|e| Error::usage(e.to_string()))?;
        retry_conflict(client, aws, name, "UpdateFunctionConfiguration", || {
            client
                .update_function_configuration()
                .function_name(name)
                .set_runtime(spec.runtime.as_deref().map(Runtime::from))
                .set_handler(spec.handler.clone())
                .set_role(role.clone())
                .set_memory_size(spec.memory)
                .set_timeout(spec.timeout)
                .set_description(spec.description.clone())
                .set_environment(env.clone())
                .set_layers((!spec.layers.is_empty()).then(|| spec.layers.clone()))
                .set_ephemeral_storage(storage.clone())
                .set_logging_config(logging_config(spec, Some(cfg)))
                .send()
        })
        .await?;
        wait_ready(client, aws, name).await?;
    }

    match plan.code {
        CodeAction::Unchanged => ui.note("code unchanged"),
        CodeAction::Upload => {
            ui.note(if set.force {
                "uploading code (--force)"
            } else {
                "uploading code"
            });
            let (zip, bucket, key) = match code {
                CodeSource::Zip(p) => (
                    Some(Blob::new(
                        tokio::fs::read(p).await.map_err(|e| Error::io(p, e))?,
                    )),
                    None,
                    None,
                ),
                CodeSource::S3(b, k) => (None, Some(b.clone()), Some(k.clone())),
            };
            let arch = set.spec.architecture.map(|a| vec![sdk_arch(a)]);
            retry_conflict(client, aws, name, "UpdateFunctionCode", || {
                client
                    .update_function_code()
                    .function_name(name)
                    .set_zip_file(zip.clone())
                    .set_s3_bucket(bucket.clone())
                    .set_s3_key(key.clone())
                    .set_architectures(arch.clone())
                    .send()
            })
            .await?;
            let spinner = crate::progress::spinner(ui, "waiting for the update to finish");
            let waited = wait_ready(client, aws, name).await;
            spinner.finish_and_clear();
            waited?;
        }
    }
    Ok(cfg.function_arn().unwrap_or_default().to_string())
}

async fn sync_tags(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    arn: &str,
    plan: &Plan,
) -> Result<()> {
    if plan.create {
        return Ok(());
    }
    if !plan.tags_set.is_empty() {
        ui.note(format!(
            "tagging: {}",
            plan.tags_set.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
        let tags = plan.tags_set.clone().into_iter().collect();
        client
            .tag_resource()
            .resource(arn)
            .set_tags(Some(tags))
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "TagResource", e))?;
    }
    if !plan.tags_removed.is_empty() {
        ui.note(format!("removing tags: {}", plan.tags_removed.join(", ")));
        client
            .untag_resource()
            .resource(arn)
            .set_tag_keys(Some(plan.tags_removed.clone()))
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "UntagResource", e))?;
    }
    Ok(())
}

/// Publish a version guarded by the CodeSha256 we deployed and the current
/// RevisionId, so the version is exactly what this run left in place.
async fn publish(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    name: &str,
    report: &PackageReport,
) -> Result<String> {
    let current = read_deployed(client, aws, name)
        .await?
        .ok_or_else(|| lambda::not_found(aws, name, None))?;
    let revision = current.config.revision_id().map(String::from);
    let out = retry_conflict(client, aws, name, "PublishVersion", || {
        client
            .publish_version()
            .function_name(name)
            .code_sha256(&report.code_sha256)
            .set_revision_id(revision.clone())
            .send()
    })
    .await?;
    let version = out.version().unwrap_or_default().to_string();
    client
        .wait_until_published_version_active()
        .function_name(name)
        .qualifier(&version)
        .wait(lambda::limits::READY_TIMEOUT)
        .await
        .map_err(|e| {
            Error::failed(format!(
                "version {version} of '{name}' did not become active: {}",
                crate::error::chain(&e)
            ))
        })?;
    ui.note(format!("published version {version}"));
    Ok(version)
}

#[derive(Debug, Clone, Serialize)]
struct AliasResult {
    name: String,
    version: String,
    /// The canary: the new version and its share of traffic (0-1).
    #[serde(skip_serializing_if = "Option::is_none")]
    canary_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    canary_weight: Option<f64>,
    changed: bool,
}

async fn move_alias(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    set: &Settings,
    alias: &str,
    version: &str,
) -> Result<AliasResult> {
    let name = &set.name;
    let existing = match client
        .get_alias()
        .function_name(name)
        .name(alias)
        .send()
        .await
    {
        Ok(a) => Some(a),
        Err(e) if e.code() == Some("ResourceNotFoundException") => None,
        Err(e) => return Err(aws.error(Service::Lambda, "GetAlias", e)),
    };
    let Some(existing) = existing else {
        if set.canary.is_some() {
            ui.note(format!(
                "alias {alias} does not exist yet: pointing it at version {version} (no canary)"
            ));
        } else {
            ui.note(format!("creating alias {alias} -> {version}"));
        }
        retry_conflict(client, aws, name, "CreateAlias", || {
            client
                .create_alias()
                .function_name(name)
                .name(alias)
                .function_version(version)
                .send()
        })
        .await?;
        return Ok(AliasResult {
            name: alias.into(),
            version: version.into(),
            canary_version: None,
            canary_weight: None,
            changed: true,
        });
    };
    let current = existing.function_version().unwrap_or_default().to_string();
    let current_weights: BTreeMap<String, f64> = existing
        .routing_config()
        .and_then(|r| r.additional_version_weights())
        .map(|w| w.iter().map(|(k, v)| (k.clone(), *v)).collect())
        .unwrap_or_default();
    let (target, weights) = match set.canary {
        Some(pct) if current != version => {
            let w = (pct / 100.0 * 1e6).round() / 1e6;
            (current.clone(), BTreeMap::from([(version.to_string(), w)]))
        }
        _ => (version.to_string(), BTreeMap::new()),
    };
    let changed = target != current || weights != current_weights;
    if changed {
        match weights.iter().next() {
            Some((v, w)) => ui.note(format!(
                "alias {alias}: {target} with {}% of traffic to {v}",
                w * 100.0
            )),
            None => ui.note(format!("moving alias {alias} {current} -> {target}")),
        }
        let routing = AliasRoutingConfiguration::builder()
            .set_additional_version_weights(Some(weights.clone().into_iter().collect()))
            .build();
        retry_conflict(client, aws, name, "UpdateAlias", || {
            client
                .update_alias()
                .function_name(name)
                .name(alias)
                .function_version(&target)
                .routing_config(routing.clone())
                .send()
        })
        .await?;
    } else {
        ui.note(format!("alias {alias} already at {target}"));
    }
    let canary = weights.into_iter().next();
    Ok(AliasResult {
        name: alias.into(),
        version: target,
        canary_version: canary.as_ref().map(|(v, _)| v.clone()),
        canary_weight: canary.map(|(_, w)| w),
        changed,
    })
}

/// Delete numbered versions beyond the newest `keep`, sparing any version an
/// alias points to or routes traffic to, and the one just published.
async fn prune_versions(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    name: &str,
    keep: u32,
    just: &str,
) -> Result<Vec<String>> {
    let mut versions: Vec<u64> = Vec::new();
    let mut pages = client
        .list_versions_by_function()
        .function_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| aws.error(Service::Lambda, "ListVersionsByFunction", e))?;
        versions.extend(
            page.versions()
                .iter()
                .filter_map(|v| v.version()?.parse::<u64>().ok()),
        );
    }
    let mut protected: BTreeSet<String> = BTreeSet::from([just.to_string()]);
    let mut pages = client
        .list_aliases()
        .function_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| aws.error(Service::Lambda, "ListAliases", e))?;
        for a in page.aliases() {
            protected.extend(a.function_version().map(String::from));
            if let Some(w) = a
                .routing_config()
                .and_then(|r| r.additional_version_weights())
            {
                protected.extend(w.keys().cloned());
            }
        }
    }
    versions.sort_unstable_by(|a, b| b.cmp(a));
    let mut deleted = Vec::new();
    for v in versions.into_iter().skip(keep as usize) {
        let v = v.to_string();
        if protected.contains(&v) {
            continue;
        }
        retry_conflict(client, aws, name, "DeleteFunction", || {
            client
                .delete_function()
                .function_name(name)
                .qualifier(&v)
                .send()
        })
        .await?;
        deleted.push(v);
    }
    if !deleted.is_empty() {
        ui.note(format!("deleted old versions: {}", deleted.join(", ")));
    }
    Ok(deleted)
}

async fn set_concurrency(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    name: &str,
    want: Concurrency,
) -> Result<Option<i32>> {
    let current = client
        .get_function_concurrency()
        .function_name(name)
        .send()
        .await
        .map_err(|e| aws.error(Service::Lambda, "GetFunctionConcurrency", e))?
        .reserved_concurrent_executions();
    match want {
        Concurrency::Set(n) if current != Some(n) => {
            ui.note(format!("setting reserved concurrency to {n}"));
            retry_conflict(client, aws, name, "PutFunctionConcurrency", || {
                client
                    .put_function_concurrency()
                    .function_name(name)
                    .reserved_concurrent_executions(n)
                    .send()
            })
            .await?;
            Ok(Some(n))
        }
        Concurrency::Set(n) => Ok(Some(n)),
        Concurrency::Remove if current.is_some() => {
            ui.note("removing reserved concurrency");
            retry_conflict(client, aws, name, "DeleteFunctionConcurrency", || {
                client
                    .delete_function_concurrency()
                    .function_name(name)
                    .send()
            })
            .await?;
            Ok(None)
        }
        Concurrency::Remove => Ok(None),
    }
}

async fn set_provisioned(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    name: &str,
    alias: &str,
    n: i32,
) -> Result<()> {
    let current = match client
        .get_provisioned_concurrency_config()
        .function_name(name)
        .qualifier(alias)
        .send()
        .await
    {
        Ok(c) => c.requested_provisioned_concurrent_executions(),
        Err(e) if e.code() == Some("ProvisionedConcurrencyConfigNotFoundException") => None,
        Err(e) => return Err(aws.error(Service::Lambda, "GetProvisionedConcurrencyConfig", e)),
    };
    if current != Some(n) {
        ui.note(format!("setting provisioned concurrency of {alias} to {n}"));
        retry_conflict(client, aws, name, "PutProvisionedConcurrencyConfig", || {
            client
                .put_provisioned_concurrency_config()
                .function_name(name)
                .qualifier(alias)
                .provisioned_concurrent_executions(n)
                .send()
        })
        .await?;
    }
    let spinner = crate::progress::spinner(ui, "waiting for provisioned concurrency");
    let start = std::time::Instant::now();
    let result = loop {
        let c = client
            .get_provisioned_concurrency_config()
            .function_name(name)
            .qualifier(alias)
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "GetProvisionedConcurrencyConfig", e))?;
        match c.status() {
            Some(ProvisionedConcurrencyStatusEnum::Ready) => break Ok(()),
            Some(ProvisionedConcurrencyStatusEnum::Failed) => {
                break Err(Error::failed(format!(
                    "provisioned concurrency of {name}:{alias} failed: {}",
                    c.status_reason().unwrap_or("no reason given")
                )));
            }
            _ if start.elapsed() > lambda::limits::READY_TIMEOUT => {
                break Err(Error::failed(format!(
                    "provisioned concurrency of {name}:{alias} is not ready after 15 minutes"
                )));
            }
            _ => tokio::time::sleep(Duration::from_secs(2)).await,
        }
    };
    spinner.finish_and_clear();
    result
}

/// Create, update or remove the function URL and the permissions a public
/// URL needs; returns the URL.
async fn sync_url(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    name: &str,
    qualifier: Option<&str>,
    want: &UrlWant,
) -> Result<Option<String>> {
    let existing = match client
        .get_function_url_config()
        .function_name(name)
        .set_qualifier(qualifier.map(String::from))
        .send()
        .await
    {
        Ok(c) => Some(c),
        Err(e) if e.code() == Some("ResourceNotFoundException") => None,
        Err(e) => return Err(aws.error(Service::Lambda, "GetFunctionUrlConfig", e)),
    };
    let sids = policy_sids(client, aws, name, qualifier).await?;
    let UrlWant::Attach {
        auth,
        invoke_mode,
        cors,
    } = want
    else {
        if existing.is_some() {
            ui.note("removing the function URL");
            retry_conflict(client, aws, name, "DeleteFunctionUrlConfig", || {
                client
                    .delete_function_url_config()
                    .function_name(name)
                    .set_qualifier(qualifier.map(String::from))
                    .send()
            })
            .await?;
        }
        remove_public_permissions(client, aws, name, qualifier, &sids).await?;
        return Ok(None);
    };
    let auth_type = match auth {
        UrlAuth::None => FunctionUrlAuthType::None,
        UrlAuth::AwsIam => FunctionUrlAuthType::AwsIam,
    };
    let mode = match invoke_mode {
        InvokeMode::Buffered => SdkInvokeMode::Buffered,
        InvokeMode::ResponseStream => SdkInvokeMode::ResponseStream,
    };
    let cors_cfg = cors.as_ref().map(|c| {
        Cors::builder()
            .set_allow_origins(Some(c.origins.clone()))
            .set_allow_methods(Some(c.methods.clone()))
            .set_allow_headers(Some(c.headers.clone()))
            .set_max_age(c.max_age)
            .allow_credentials(c.credentials)
            .build()
    });
    let url = match existing {
        None => {
            ui.note("creating the function URL");
            let out = retry_conflict(client, aws, name, "CreateFunctionUrlConfig", || {
                client
                    .create_function_url_config()
                    .function_name(name)
                    .set_qualifier(qualifier.map(String::from))
                    .auth_type(auth_type.clone())
                    .invoke_mode(mode.clone())
                    .set_cors(cors_cfg.clone())
                    .send()
            })
            .await?;
            out.function_url().to_string()
        }
        Some(cur) => {
            let same_cors = normalize_cors(cur.cors()) == normalize_cors(cors_cfg.as_ref());
            let same_mode = cur.invoke_mode().unwrap_or(&SdkInvokeMode::Buffered) == &mode;
            if cur.auth_type() != &auth_type || !same_cors || !same_mode {
                ui.note("updating the function URL");
                retry_conflict(client, aws, name, "UpdateFunctionUrlConfig", || {
                    client
                        .update_function_url_config()
                        .function_name(name)
                        .set_qualifier(qualifier.map(String::from))
                        .auth_type(auth_type.clone())
                        .invoke_mode(mode.clone())
                        .cors(cors_cfg.clone().unwrap_or_else(|| Cors::builder().build()))
                        .send()
                })
                .await?;
            }
            cur.function_url().to_string()
        }
    };
    if *auth == UrlAuth::None {
        add_public_permissions(client, aws, name, qualifier, &sids).await?;
        ui.warn(format!(
            "the function URL {url} is public: anyone on the internet can invoke {name}"
        ));
    } else {
        remove_public_permissions(client, aws, name, qualifier, &sids).await?;
    }
    Ok(Some(url))
}

type CorsKey = (Vec<String>, Vec<String>, Vec<String>, Option<i32>, bool);

fn normalize_cors(c: Option<&Cors>) -> CorsKey {
    let sorted = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v
    };
    match c {
        None => Default::default(),
        Some(c) => (
            sorted(c.allow_origins()),
            sorted(c.allow_methods()),
            sorted(c.allow_headers()),
            c.max_age(),
            c.allow_credentials().unwrap_or(false),
        ),
    }
}

async fn policy_sids(
    client: &Client,
    aws: &AwsContext,
    name: &str,
    qualifier: Option<&str>,
) -> Result<BTreeSet<String>> {
    let policy = match client
        .get_policy()
        .function_name(name)
        .set_qualifier(qualifier.map(String::from))
        .send()
        .await
    {
        Ok(p) => p.policy().unwrap_or_default().to_string(),
        Err(e) if e.code() == Some("ResourceNotFoundException") => return Ok(BTreeSet::new()),
        Err(e) => return Err(aws.error(Service::Lambda, "GetPolicy", e)),
    };
    let v: serde_json::Value = serde_json::from_str(&policy).unwrap_or_default();
    Ok(v["Statement"]
        .as_array()
        .map(|s| {
            s.iter()
                .filter_map(|st| st["Sid"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default())
}

async fn add_public_permissions(
    client: &Client,
    aws: &AwsContext,
    name: &str,
    qualifier: Option<&str>,
    sids: &BTreeSet<String>,
) -> Result<()> {
    if !sids.contains(SID_URL) {
        retry_conflict(client, aws, name, "AddPermission", || {
            client
                .add_permission()
                .function_name(name)
                .set_qualifier(qualifier.map(String::from))
                .statement_id(SID_URL)
                .action("lambda:InvokeFunctionUrl")
                .principal("*")
                .function_url_auth_type(FunctionUrlAuthType::None)
                .send()
        })
        .await?;
    }
    // Since 2025 a public URL also needs lambda:InvokeFunction, limited to
    // calls that come through the URL.
    if !sids.contains(SID_INVOKE) {
        retry_conflict(client, aws, name, "AddPermission", || {
            client
                .add_permission()
                .function_name(name)
                .set_qualifier(qualifier.map(String::from))
                .statement_id(SID_INVOKE)
                .action("lambda:InvokeFunction")
                .principal("*")
                .invoked_via_function_url(true)
                .send()
        })
        .await?;
    }
    Ok(())
}

async fn remove_public_permissions(
    client: &Client,
    aws: &AwsContext,
    name: &str,
    qualifier: Option<&str>,
    sids: &BTreeSet<String>,
) -> Result<()> {
    for sid in [SID_URL, SID_INVOKE] {
        if sids.contains(sid) {
            retry_conflict(client, aws, name, "RemovePermission", || {
                client
                    .remove_permission()
                    .function_name(name)
                    .set_qualifier(qualifier.map(String::from))
                    .statement_id(sid)
                    .send()
            })
            .await?;
        }
    }
    Ok(())
}

// --------------------------------------------------------------- reporting

/// The result of a deploy (stable keys for `--output json`).
#[derive(Debug, Serialize)]
struct Summary {
    function: String,
    region: String,
    arn: String,
    created: bool,
    config_changed: Vec<String>,
    code: CodeAction,
    code_sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    s3_upload: Option<String>,
    s3: Option<String>,
    version: Option<String>,
    alias: Option<AliasResult>,
    deleted_versions: Vec<String>,
    concurrency: Option<i32>,
    provisioned: Option<i32>,
    url: Option<String>,
}

impl Summary {
    fn new(plan: &Plan) -> Self {
        Summary {
            function: plan.function.clone(),
            region: plan.region.clone(),
            arn: String::new(),
            created: plan.create,
            config_changed: plan
                .config_changes
                .iter()
                .map(|c| c.field.clone())
                .collect(),
            code: plan.code.clone(),
            code_sha256: plan.code_sha256.clone(),
            s3_upload: None,
            s3: plan.s3.clone(),
            version: None,
            alias: None,
            deleted_versions: Vec::new(),
            concurrency: None,
            provisioned: None,
            url: None,
        }
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "function  {} ({})",
            self.function,
            if self.created { "created" } else { "updated" }
        )?;
        writeln!(f, "arn       {}", self.arn)?;
        let code = match self.code {
            CodeAction::Unchanged => "unchanged",
            CodeAction::Upload => "uploaded",
        };
        writeln!(f, "code      {code}, CodeSha256 {}", self.code_sha256)?;
        if let Some(s3) = &self.s3 {
            writeln!(
                f,
                "s3        {s3}{}",
                self.s3_upload
                    .as_ref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default()
            )?;
        }
        if !self.created {
            let changed = if self.config_changed.is_empty() {
                "unchanged".to_string()
            } else {
                self.config_changed.join(", ")
            };
            writeln!(f, "config    {changed}")?;
        }
        if let Some(v) = &self.version {
            writeln!(f, "version   {v}")?;
        }
        if let Some(a) = &self.alias {
            match (&a.canary_version, a.canary_weight) {
                (Some(cv), Some(w)) => writeln!(
                    f,
                    "alias     {} -> {} ({}% to {cv})",
                    a.name,
                    a.version,
                    w * 100.0
                )?,
                _ => writeln!(f, "alias     {} -> {}", a.name, a.version)?,
            }
        }
        if !self.deleted_versions.is_empty() {
            writeln!(f, "pruned    versions {}", self.deleted_versions.join(", "))?;
        }
        if let Some(c) = self.concurrency {
            writeln!(f, "reserved  {c}")?;
        }
        if let Some(p) = self.provisioned {
            writeln!(f, "provisioned {p}")?;
        }
        if let Some(u) = &self.url {
            writeln!(f, "url       {u}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "plan for {} in {} (dry run: nothing changed)",
            self.function, self.region
        )?;
        if self.create {
            writeln!(f, "  create the function")?;
        } else if self.config_changes.is_empty() {
            writeln!(f, "  configuration unchanged")?;
        } else {
            writeln!(f, "  update configuration:")?;
            for c in &self.config_changes {
                writeln!(
                    f,
                    "    {}: {} -> {}",
                    c.field,
                    c.from.as_deref().unwrap_or("(unset)"),
                    c.to
                )?;
            }
        }
        for (k, v) in &self.tags_set {
            writeln!(f, "  tag {k} = {v}")?;
        }
        for k in &self.tags_removed {
            writeln!(f, "  remove tag {k}")?;
        }
        match self.code {
            CodeAction::Unchanged => {
                writeln!(f, "  code unchanged (CodeSha256 {})", self.code_sha256)?
            }
            CodeAction::Upload => writeln!(
                f,
                "  upload code (CodeSha256 {}{}){}",
                self.code_sha256,
                self.deployed_code_sha256
                    .as_ref()
                    .map(|d| format!(", deployed {d}"))
                    .unwrap_or_default(),
                self.s3
                    .as_ref()
                    .map(|s| format!(" through {s}"))
                    .unwrap_or_default()
            )?,
        }
        if self.publish {
            writeln!(f, "  publish a version")?;
        }
        if let Some(a) = &self.alias {
            match self.canary_percent {
                Some(p) => writeln!(
                    f,
                    "  alias {a}: keep its version, route {p}% to the new version"
                )?,
                None => writeln!(f, "  alias {a} -> the new version")?,
            }
        }
        if let Some(k) = self.keep_versions {
            writeln!(f, "  keep the newest {k} versions (and every aliased one)")?;
        }
        match self.concurrency {
            Some(Concurrency::Set(n)) => writeln!(f, "  reserved concurrency {n}")?,
            Some(Concurrency::Remove) => writeln!(f, "  remove reserved concurrency")?,
            None => {}
        }
        if let Some(p) = self.provisioned {
            writeln!(
                f,
                "  provisioned concurrency {p} on {}",
                self.alias.as_deref().unwrap_or_default()
            )?;
        }
        match &self.url {
            Some(UrlWant::Attach { auth, .. }) => writeln!(
                f,
                "  function URL ({})",
                if *auth == UrlAuth::None {
                    "public: auth none"
                } else {
                    "auth aws-iam"
                }
            )?,
            Some(UrlWant::Remove) => writeln!(f, "  remove the function URL")?,
            None => {}
        }
        Ok(())
    }
}
