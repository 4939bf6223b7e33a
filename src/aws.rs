//! Shared AWS configuration: profile, region and endpoint resolved with one
//! precedence rule (flag > environment > lamctl.toml > AWS profile files),
//! each value remembering where it came from, and SDK clients built from it
//! only when a command asks for one.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::os_shim_internal::{Env, Fs};
use serde::Serialize;
use tokio::sync::OnceCell;

use crate::cli::GlobalArgs;
use crate::error::{Error, Result, chain};
use crate::project::AwsFileSettings;

/// The AWS services lamctl talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Lambda,
    S3,
    Logs,
    Iam,
    Sts,
}

impl Service {
    pub const ALL: [Service; 5] = [
        Service::Lambda,
        Service::S3,
        Service::Logs,
        Service::Iam,
        Service::Sts,
    ];

    /// The suffix of its `AWS_ENDPOINT_URL_<SERVICE>` variable (the SDKs' service ids).
    pub fn env_suffix(self) -> &'static str {
        match self {
            Service::Lambda => "LAMBDA",
            Service::S3 => "S3",
            Service::Logs => "CLOUDWATCH_LOGS",
            Service::Iam => "IAM",
            Service::Sts => "STS",
        }
    }

    fn display_name(self) -> &'static str {
        match self {
            Service::Lambda => "Lambda",
            Service::S3 => "S3",
            Service::Logs => "CloudWatch Logs",
            Service::Iam => "IAM",
            Service::Sts => "STS",
        }
    }

    fn host_prefix(self) -> &'static str {
        match self {
            Service::Lambda => "lambda",
            Service::S3 => "s3",
            Service::Logs => "logs",
            Service::Iam => "iam",
            Service::Sts => "sts",
        }
    }
}

/// Where a resolved setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Flag,
    Env,
    #[serde(rename = "lamctl.toml")]
    ConfigFile,
    Profile,
    Default,
}

/// A resolved value and where it came from (`detail` names the flag,
/// variable or file, so a user can see exactly what to change).
#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub value: String,
    pub source: Origin,
    pub from: String,
}

impl Setting {
    fn new(value: impl Into<String>, source: Origin, from: impl Into<String>) -> Self {
        Setting {
            value: value.into(),
            source,
            from: from.into(),
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (from {})", self.value, self.from)
    }
}

/// Reads environment variables; a seam so the resolution can be unit tested.
pub trait EnvSource {
    fn var(&self, name: &str) -> Option<String>;
}

pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl<const N: usize> EnvSource for [(&str, &str); N] {
    fn var(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
    }
}

/// The AWS settings every AWS-calling command uses. Resolving it reads
/// files only; the SDK config (credential chain) is loaded on first use.
pub struct AwsContext {
    pub profile: Setting,
    pub region: Setting,
    /// The endpoint for every service (flag, `AWS_ENDPOINT_URL`, file, profile).
    pub endpoint: Option<Setting>,
    /// Per-service `AWS_ENDPOINT_URL_<SERVICE>` overrides (a flag beats them).
    pub service_endpoints: BTreeMap<Service, Setting>,
    pub config_files: Vec<PathBuf>,
    connect_timeout: Duration,
    read_timeout: Duration,
    sdk: OnceCell<SdkConfig>,
}

impl AwsContext {
    /// Resolve profile, region and endpoint. Fails with exit 2 for an
    /// unknown profile, an invalid region or endpoint, or no region at all.
    pub async fn resolve(
        global: &GlobalArgs,
        file: Option<(&AwsFileSettings, &std::path::Path)>,
        env: &dyn EnvSource,
    ) -> Result<Self> {
        let file_label = |p: &std::path::Path| p.display().to_string();

        // Profile: flag > AWS_PROFILE > lamctl.toml > "default".
        let profile = if let Some(p) = &global.profile {
            Setting::new(p, Origin::Flag, "--profile")
        } else if let Some(p) = env.var("AWS_PROFILE") {
            Setting::new(p, Origin::Env, "AWS_PROFILE")
        } else if let Some((f, path)) = file.filter(|(f, _)| f.profile.is_some()) {
            Setting::new(
                f.profile.clone().unwrap_or_default(),
                Origin::ConfigFile,
                file_label(path),
            )
        } else {
            Setting::new("default", Origin::Default, "default")
        };
        if profile.value.trim().is_empty() {
            return Err(Error::usage(format!(
                "the profile name from {} is empty",
                profile.from
            )));
        }

        let config_files = profile_file_paths(env);
        let profiles = load_profiles(env, &profile.value).await?;
        let selected = profiles.get_profile(&profile.value);
        if selected.is_none() && profile.source != Origin::Default {
            let files: Vec<String> = config_files
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            let mut known: Vec<&str> = profiles.profiles().collect();
            known.sort();
            let known = if known.is_empty() {
                "no profiles are defined there".to_string()
            } else {
                format!("known profiles: {}", known.join(", "))
            };
            return Err(Error::usage(format!(
                "profile '{}' (from {}) not found in {}",
                profile.value,
                profile.from,
                files.join(" or ")
            ))
            .with_hint(known));
        }
        let profile_label = format!("profile '{}' in the AWS config file", profile.value);

        // Region: flag > AWS_REGION > AWS_DEFAULT_REGION > lamctl.toml > profile.
        let region = if let Some(r) = &global.region {
            Setting::new(r, Origin::Flag, "--region")
        } else if let Some(r) = env.var("AWS_REGION") {
            Setting::new(r, Origin::Env, "AWS_REGION")
        } else if let Some(r) = env.var("AWS_DEFAULT_REGION") {
            Setting::new(r, Origin::Env, "AWS_DEFAULT_REGION")
        } else if let Some((f, path)) = file.filter(|(f, _)| f.region.is_some()) {
            Setting::new(
                f.region.clone().unwrap_or_default(),
                Origin::ConfigFile,
                file_label(path),
            )
        } else if let Some(r) = selected.and_then(|p| p.get("region")) {
            Setting::new(r, Origin::Profile, profile_label.clone())
        } else {
            return Err(Error::usage("no AWS region is set").with_hint(
                "pass --region REGION, set AWS_REGION, or put `region = \"...\"` under [aws] in lamctl.toml (or in your AWS profile)",
            ));
        };
        validate_region(&region)?;

        // Endpoint: flag > AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL > lamctl.toml > profile.
        let endpoint = if let Some(u) = &global.endpoint_url {
            Some(Setting::new(u, Origin::Flag, "--endpoint-url"))
        } else if let Some(u) = env.var("AWS_ENDPOINT_URL") {
            Some(Setting::new(u, Origin::Env, "AWS_ENDPOINT_URL"))
        } else if let Some((f, path)) = file.filter(|(f, _)| f.endpoint_url.is_some()) {
            Some(Setting::new(
                f.endpoint_url.clone().unwrap_or_default(),
                Origin::ConfigFile,
                file_label(path),
            ))
        } else {
            selected
                .and_then(|p| p.get("endpoint_url"))
                .map(|u| Setting::new(u, Origin::Profile, profile_label.clone()))
        };
        if let Some(e) = &endpoint {
            validate_endpoint(e)?;
        }
        let mut service_endpoints = BTreeMap::new();
        if global.endpoint_url.is_none() {
            for s in Service::ALL {
                let var = format!("AWS_ENDPOINT_URL_{}", s.env_suffix());
                if let Some(u) = env.var(&var) {
                    let setting = Setting::new(u, Origin::Env, var);
                    validate_endpoint(&setting)?;
                    service_endpoints.insert(s, setting);
                }
            }
        }

        tracing::info!("profile {profile}");
        tracing::info!("region {region}");
        match (&endpoint, service_endpoints.is_empty()) {
            (Some(e), _) => tracing::info!("endpoint {e}"),
            (None, true) => tracing::info!("endpoint: AWS default for the region"),
            (None, false) => {}
        }
        for (s, e) in &service_endpoints {
            tracing::info!("endpoint for {}: {e}", s.display_name());
        }
        Ok(AwsContext {
            profile,
            region,
            endpoint,
            service_endpoints,
            config_files,
            connect_timeout: global.connect_timeout,
            read_timeout: global.read_timeout,
            sdk: OnceCell::new(),
        })
    }

    /// The endpoint a service's calls go to, if not AWS's own.
    pub fn endpoint_for(&self, service: Service) -> Option<&Setting> {
        self.service_endpoints
            .get(&service)
            .or(self.endpoint.as_ref())
    }

    /// A name for the endpoint in messages: the URL, or AWS's host for the region.
    pub fn endpoint_label(&self, service: Service) -> String {
        match self.endpoint_for(service) {
            Some(s) => s.value.clone(),
            None if service == Service::Iam => "https://iam.amazonaws.com".into(),
            None => format!(
                "https://{}.{}.amazonaws.com",
                service.host_prefix(),
                self.region.value
            ),
        }
    }

    pub fn read_timeout(&self) -> Duration {
        self.read_timeout
    }

    async fn sdk_config(&self) -> &SdkConfig {
        self.sdk
            .get_or_init(|| async {
                // The whole call, retries included, is bounded by the read
                // timeout, so "did not answer within N" means N.
                let timeouts = TimeoutConfig::builder()
                    .connect_timeout(self.connect_timeout)
                    .read_timeout(self.read_timeout)
                    .operation_attempt_timeout(self.read_timeout)
                    .operation_timeout(self.read_timeout)
                    .build();
                let mut loader = aws_config::defaults(BehaviorVersion::latest())
                    .region(Region::new(self.region.value.clone()))
                    .timeout_config(timeouts);
                if self.profile.source != Origin::Default {
                    loader = loader.profile_name(&self.profile.value);
                }
                loader.load().await
            })
            .await
    }

    pub async fn lambda(&self) -> aws_sdk_lambda::Client {
        self.lambda_with_timeout(None).await
    }

    /// A Lambda client whose attempts may last `attempt` (an invoke waits
    /// as long as the function runs, up to 15 minutes).
    pub async fn lambda_with_timeout(&self, attempt: Option<Duration>) -> aws_sdk_lambda::Client {
        let mut b = aws_sdk_lambda::config::Builder::from(self.sdk_config().await);
        if let Some(e) = self.endpoint_for(Service::Lambda) {
            b = b.endpoint_url(&e.value);
        }
        if let Some(t) = attempt {
            b = b.timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(self.connect_timeout)
                    .read_timeout(t)
                    .operation_attempt_timeout(t)
                    .operation_timeout(t)
                    .build(),
            );
        }
        aws_sdk_lambda::Client::from_conf(b.build())
    }

    pub async fn s3(&self) -> aws_sdk_s3::Client {
        let mut b = aws_sdk_s3::config::Builder::from(self.sdk_config().await);
        if let Some(e) = self.endpoint_for(Service::S3) {
            // Emulators and custom endpoints rarely serve virtual-hosted buckets.
            b = b.endpoint_url(&e.value).force_path_style(true);
        }
        aws_sdk_s3::Client::from_conf(b.build())
    }

    pub async fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        let mut b = aws_sdk_cloudwatchlogs::config::Builder::from(self.sdk_config().await);
        if let Some(e) = self.endpoint_for(Service::Logs) {
            b = b.endpoint_url(&e.value);
        }
        aws_sdk_cloudwatchlogs::Client::from_conf(b.build())
    }

    pub async fn iam(&self) -> aws_sdk_iam::Client {
        let mut b = aws_sdk_iam::config::Builder::from(self.sdk_config().await);
        if let Some(e) = self.endpoint_for(Service::Iam) {
            b = b.endpoint_url(&e.value);
        }
        aws_sdk_iam::Client::from_conf(b.build())
    }

    pub async fn sts(&self) -> aws_sdk_sts::Client {
        let mut b = aws_sdk_sts::config::Builder::from(self.sdk_config().await);
        if let Some(e) = self.endpoint_for(Service::Sts) {
            b = b.endpoint_url(&e.value);
        }
        aws_sdk_sts::Client::from_conf(b.build())
    }

    /// Turn an SDK error into one line naming the operation, the endpoint
    /// and the cause, with a hint where we know what usually fixes it.
    pub fn error<E, R>(&self, service: Service, operation: &str, err: SdkError<E, R>) -> Error
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        let endpoint = self.endpoint_label(service);
        let name = service.display_name();
        match &err {
            SdkError::ServiceError(se) => {
                let e = se.err();
                let code = e.code().unwrap_or("UnknownError");
                let msg = e.message().unwrap_or("no message");
                let hint = match code {
                    "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => Some(format!(
                        "the credentials of profile '{}' have expired; refresh them (e.g. `aws sso login --profile {}`)",
                        self.profile.value, self.profile.value
                    )),
                    "InvalidClientTokenId"
                    | "UnrecognizedClientException"
                    | "SignatureDoesNotMatch" => Some(format!(
                        "the credentials found for profile '{}' are not valid in {}; check `lamctl whoami`",
                        self.profile.value, self.region.value
                    )),
                    "AccessDeniedException" | "AccessDenied" => Some(
                        "check the IAM permissions of the identity `lamctl whoami` shows"
                            .to_string(),
                    ),
                    "ThrottlingException" | "TooManyRequestsException" | "Throttling" => {
                        Some("AWS is throttling these calls; wait and run again".to_string())
                    }
                    _ => None,
                };
                Error::Aws {
                    message: format!("{operation} failed in {}: {code}: {msg}", self.region.value),
                    hint,
                }
            }
            SdkError::TimeoutError(_) => Error::Aws {
                message: format!(
                    "{name} endpoint {endpoint} did not answer {operation} within {}",
                    humantime::format_duration(self.read_timeout)
                ),
                hint: Some("check the endpoint and your network, or raise --read-timeout".into()),
            },
            SdkError::DispatchFailure(df) => {
                let detail = chain(&err);
                if is_credentials_error(&err) {
                    return self.no_credentials(&detail);
                }
                if df.is_timeout() {
                    Error::Aws {
                        message: format!(
                            "could not connect to {name} endpoint {endpoint} within {} ({operation})",
                            humantime::format_duration(self.connect_timeout)
                        ),
                        hint: Some(
                            "check the endpoint and your network, or raise --connect-timeout"
                                .into(),
                        ),
                    }
                } else {
                    Error::Aws {
                        message: format!(
                            "cannot reach {name} endpoint {endpoint} ({operation}): {}",
                            last_cause(&err)
                        ),
                        hint: self
                            .endpoint_for(service)
                            .map(|s| format!("the endpoint came from {}", s.from)),
                    }
                }
            }
            _ if is_credentials_error(&err) => self.no_credentials(&chain(&err)),
            SdkError::ResponseError(_) => Error::Aws {
                message: format!(
                    "{name} endpoint {endpoint} sent a response lamctl cannot read ({operation}): {}",
                    last_cause(&err)
                ),
                hint: None,
            },
            _ => Error::Aws {
                message: format!("{operation} failed: {}", chain(&err)),
                hint: None,
            },
        }
    }

    fn no_credentials(&self, detail: &str) -> Error {
        tracing::debug!("credential resolution failed: {detail}");
        Error::Aws {
            message: format!(
                "no AWS credentials found for profile '{}' (from {})",
                self.profile.value, self.profile.from
            ),
            hint: Some(
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run `aws configure` or `aws sso login`, or choose a profile with --profile".into(),
            ),
        }
    }
}

fn is_credentials_error(err: &(dyn StdError + 'static)) -> bool {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if e.is::<aws_credential_types::provider::error::CredentialsError>() {
            return true;
        }
        cur = e.source();
    }
    false
}

/// The innermost cause ("Connection refused (os error 111)").
fn last_cause(err: &(dyn StdError + 'static)) -> String {
    let mut cur: &(dyn StdError + 'static) = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// The shared config and credentials files, as the SDK locates them.
fn profile_file_paths(env: &dyn EnvSource) -> Vec<PathBuf> {
    let home = env
        .var("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("~"));
    let config = env
        .var("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".aws").join("config"));
    let creds = env
        .var("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".aws").join("credentials"));
    vec![config, creds]
}

/// Parse the shared config files with the SDK's own parser.
async fn load_profiles(
    env: &dyn EnvSource,
    profile: &str,
) -> Result<aws_config::profile::ProfileSet> {
    let vars: Vec<(String, String)> = [
        "HOME",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_PROFILE",
    ]
    .iter()
    .filter_map(|k| env.var(k).map(|v| (k.to_string(), v)))
    .collect();
    let pairs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let sdk_env = Env::from_slice(&pairs);
    aws_config::profile::load(
        &Fs::real(),
        &sdk_env,
        &EnvConfigFiles::default(),
        Some(profile.to_string().into()),
    )
    .await
    .map_err(|e| Error::usage(format!("cannot read the AWS config files: {}", chain(&e))))
}

fn validate_region(r: &Setting) -> Result<()> {
    let ok = !r.value.is_empty()
        && r.value.len() <= 50
        && r.value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "'{}' (from {}) is not an AWS region",
            r.value, r.from
        ))
        .with_hint("regions look like us-east-1 or eu-west-2"))
    }
}

fn validate_endpoint(e: &Setting) -> Result<()> {
    let rest = e
        .value
        .strip_prefix("http://")
        .or_else(|| e.value.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.starts_with('/') && !host.contains(char::is_whitespace) => Ok(()),
        _ => Err(Error::usage(format!(
            "'{}' (from {}) is not an endpoint URL",
            e.value, e.from
        ))
        .with_hint("give a full URL such as http://127.0.0.1:5000 or https://lambda.eu-west-1.amazonaws.com")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global() -> GlobalArgs {
        GlobalArgs {
            connect_timeout: Duration::from_secs(1),
            read_timeout: Duration::from_secs(1),
            ..Default::default()
        }
    }

    fn write_config(dir: &std::path::Path, text: &str) -> String {
        let p = dir.join("config");
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    }

    #[tokio::test]
    async fn region_precedence_flag_env_file_profile() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = write_config(dir.path(), "[default]\nregion = eu-north-1\n");
        let creds = dir.path().join("none").display().to_string();
        let file = AwsFileSettings {
            region: Some("ap-south-1".into()),
            ..Default::default()
        };
        let path = std::path::Path::new("lamctl.toml");

        let mut g = global();
        g.region = Some("us-west-2".into());
        let env = [
            ("AWS_CONFIG_FILE", cfg.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
            ("AWS_REGION", "eu-west-1"),
        ];
        let c = AwsContext::resolve(&g, Some((&file, path)), &env)
            .await
            .unwrap();
        assert_eq!(
            (c.region.value.as_str(), c.region.source),
            ("us-west-2", Origin::Flag)
        );

        let c = AwsContext::resolve(&global(), Some((&file, path)), &env)
            .await
            .unwrap();
        assert_eq!(
            (c.region.value.as_str(), c.region.source),
            ("eu-west-1", Origin::Env)
        );

        let env = [
            ("AWS_CONFIG_FILE", cfg.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
            ("AWS_DEFAULT_REGION", "ca-central-1"),
        ];
        let c = AwsContext::resolve(&global(), Some((&file, path)), &env)
            .await
            .unwrap();
        assert_eq!(
            (c.region.value.as_str(), c.region.from.as_str()),
            ("ca-central-1", "AWS_DEFAULT_REGION")
        );

        let env = [
            ("AWS_CONFIG_FILE", cfg.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
        ];
        let c = AwsContext::resolve(&global(), Some((&file, path)), &env)
            .await
            .unwrap();
        assert_eq!(
            (c.region.value.as_str(), c.region.source),
            ("ap-south-1", Origin::ConfigFile)
        );

        let c = AwsContext::resolve(&global(), None, &env).await.unwrap();
        assert_eq!(
            (c.region.value.as_str(), c.region.source),
            ("eu-north-1", Origin::Profile)
        );
    }

    #[tokio::test]
    async fn service_endpoint_env_beats_global_env_but_not_flag() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config").display().to_string();
        let env = [
            ("AWS_CONFIG_FILE", cfg.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", cfg.as_str()),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:1"),
            ("AWS_ENDPOINT_URL_LAMBDA", "http://127.0.0.1:2"),
        ];
        let c = AwsContext::resolve(&global(), None, &env).await.unwrap();
        assert_eq!(
            c.endpoint_for(Service::Lambda).unwrap().value,
            "http://127.0.0.1:2"
        );
        assert_eq!(
            c.endpoint_for(Service::S3).unwrap().value,
            "http://127.0.0.1:1"
        );

        let mut g = global();
        g.endpoint_url = Some("http://127.0.0.1:3".into());
        let c = AwsContext::resolve(&g, None, &env).await.unwrap();
        assert_eq!(
            c.endpoint_for(Service::Lambda).unwrap().value,
            "http://127.0.0.1:3"
        );
    }

    #[tokio::test]
    async fn bad_region_and_endpoint_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = dir.path().join("config").display().to_string();
        let env = [
            ("AWS_CONFIG_FILE", cfg.as_str()),
            ("AWS_SHARED_CREDENTIALS_FILE", cfg.as_str()),
        ];
        let mut g = global();
        g.region = Some("US East".into());
        let e = AwsContext::resolve(&g, None, &env).await.err().unwrap();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains("'US East' (from --region)"), "{e}");

        let mut g = global();
        g.region = Some("us-east-1".into());
        g.endpoint_url = Some("localhost:5000".into());
        let e = AwsContext::resolve(&g, None, &env).await.err().unwrap();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains("--endpoint-url"), "{e}");
    }
}
