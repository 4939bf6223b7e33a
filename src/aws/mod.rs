//! Shared AWS configuration: profile, region and endpoint resolved with one
//! precedence rule (flag > environment > lamctl.toml > AWS profile files),
//! each value remembering where it came from, and SDK clients built from it
//! only when a command asks for one.

mod answer;
mod download;
mod error;
pub mod https;
pub mod live_tail;
mod registered;
mod resolve;
mod waiting;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use serde::Serialize;
use tokio::sync::OnceCell;

/// The AWS services lamctl talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Lambda,
    S3,
    Logs,
    Iam,
    Sts,
    /// The EventBridge schema registry (the console's shareable test events).
    Schemas,
    Scheduler,
    ApiGateway,
}

impl Service {
    pub const ALL: [Service; 8] = [
        Service::Lambda,
        Service::S3,
        Service::Logs,
        Service::Iam,
        Service::Sts,
        Service::Schemas,
        Service::Scheduler,
        Service::ApiGateway,
    ];

    /// The suffix of its `AWS_ENDPOINT_URL_<SERVICE>` variable (the SDKs' service ids).
    pub fn env_suffix(self) -> &'static str {
        match self {
            Service::Lambda => "LAMBDA",
            Service::S3 => "S3",
            Service::Logs => "CLOUDWATCH_LOGS",
            Service::Iam => "IAM",
            Service::Sts => "STS",
            Service::Schemas => "SCHEMAS",
            Service::Scheduler => "SCHEDULER",
            Service::ApiGateway => "APIGATEWAYV2",
        }
    }

    fn display_name(self) -> &'static str {
        match self {
            Service::Lambda => "Lambda",
            Service::S3 => "S3",
            Service::Logs => "CloudWatch Logs",
            Service::Iam => "IAM",
            Service::Sts => "STS",
            Service::Schemas => "EventBridge Schemas",
            Service::Scheduler => "EventBridge Scheduler",
            Service::ApiGateway => "API Gateway",
        }
    }

    fn host_prefix(self) -> &'static str {
        match self {
            Service::Lambda => "lambda",
            Service::S3 => "s3",
            Service::Logs => "logs",
            Service::Iam => "iam",
            Service::Sts => "sts",
            Service::Schemas => "schemas",
            Service::Scheduler => "scheduler",
            Service::ApiGateway => "apigateway",
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

/// What the user asked for, before resolution: the global flags and
/// lamctl.toml's `[aws]` table, as plain values (the CLI layer fills it).
#[derive(Debug, Clone, Default)]
pub struct AwsOverrides {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// lamctl.toml's `[aws]` table, with the file's path for messages.
    pub file: Option<FileAws>,
}

/// lamctl.toml's `[aws]` table: below flags and environment in precedence.
#[derive(Debug, Clone, Default)]
pub struct FileAws {
    pub path: PathBuf,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
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
    /// Many calls at once (a workspace run): adaptive retries.
    many: bool,
    sdk: OnceCell<SdkConfig>,
}

/// Attempts per call in a workspace run: at a 30% throttle rate the chance
/// that all fail is 0.3^10, about 6 in a million.
pub const MANY_ATTEMPTS: u32 = 10;

impl AwsContext {
    /// For a run of many calls at once (`deploy --all`): the SDK's adaptive
    /// retry mode, whose client-side rate limiter is shared by every client
    /// of a service in the process (the SDK keeps it per retry partition),
    /// so one throttled call slows every member's calls; and more attempts,
    /// so throttling delays a member and does not fail it. Set before the
    /// first client is built.
    pub fn shared_throttle(mut self) -> Self {
        self.many = true;
        self
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
                    .http_client(https::client())
                    .region(Region::new(self.region.value.clone()))
                    .timeout_config(timeouts);
                if self.many {
                    loader = loader.retry_config(
                        aws_config::retry::RetryConfig::adaptive()
                            .with_max_attempts(MANY_ATTEMPTS)
                            .with_max_backoff(Duration::from_secs(5)),
                    );
                }
                if self.profile.source != Origin::Default {
                    loader = loader.profile_name(&self.profile.value);
                }
                let sdk = loader.load().await;
                match sdk.credentials_provider() {
                    Some(chain) => sdk
                        .to_builder()
                        .credentials_provider(
                            aws_credential_types::provider::SharedCredentialsProvider::new(
                                registered::Registering(chain),
                            ),
                        )
                        .build(),
                    None => sdk,
                }
            })
            .await
    }

    pub async fn lambda(&self) -> aws_sdk_lambda::Client {
        self.lambda_with_timeout(None).await
    }

    /// A Lambda client whose attempts may last `attempt` (an invoke waits
    /// as long as the function runs, up to 15 minutes).
    pub async fn lambda_with_timeout(&self, attempt: Option<Duration>) -> aws_sdk_lambda::Client {
        let mut b = aws_sdk_lambda::config::Builder::from(self.sdk_config().await)
            .interceptor(answer::LambdaAnswers)
            .interceptor(answer::BoundedAnswers)
            .interceptor(waiting::ShownCalls);
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
        let mut b = aws_sdk_s3::config::Builder::from(self.sdk_config().await)
            .interceptor(answer::BoundedAnswers)
            .interceptor(waiting::ShownCalls);
        if let Some(e) = self.endpoint_for(Service::S3) {
            // Emulators and custom endpoints rarely serve virtual-hosted buckets.
            b = b.endpoint_url(&e.value).force_path_style(true);
        }
        aws_sdk_s3::Client::from_conf(b.build())
    }

    pub async fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        let mut b = aws_sdk_cloudwatchlogs::config::Builder::from(self.sdk_config().await)
            .interceptor(answer::BoundedAnswers)
            .interceptor(waiting::ShownCalls);
        if let Some(e) = self.endpoint_for(Service::Logs) {
            b = b.endpoint_url(&e.value);
        }
        aws_sdk_cloudwatchlogs::Client::from_conf(b.build())
    }

    pub async fn iam(&self) -> aws_sdk_iam::Client {
        let mut b = aws_sdk_iam::config::Builder::from(self.sdk_config().await)
            .interceptor(answer::BoundedAnswers)
            .interceptor(waiting::ShownCalls);
        if let Some(e) = self.endpoint_for(Service::Iam) {
            b = b.endpoint_url(&e.value);
        }
        aws_sdk_iam::Client::from_conf(b.build())
    }

    pub async fn sts(&self) -> aws_sdk_sts::Client {
        let mut b = aws_sdk_sts::config::Builder::from(self.sdk_config().await)
            .interceptor(answer::BoundedAnswers)
            .interceptor(waiting::ShownCalls);
        if let Some(e) = self.endpoint_for(Service::Sts) {
            b = b.endpoint_url(&e.value);
        }
        aws_sdk_sts::Client::from_conf(b.build())
    }

    pub async fn schemas(&self) -> aws_sdk_schemas::Client {
        let mut b = aws_sdk_schemas::config::Builder::from(self.sdk_config().await)
            .interceptor(answer::BoundedAnswers)
            .interceptor(waiting::ShownCalls);
        if let Some(e) = self.endpoint_for(Service::Schemas) {
            b = b.endpoint_url(&e.value);
        }
        aws_sdk_schemas::Client::from_conf(b.build())
    }

    /// EventBridge Scheduler (`[[schedule]]`).
    pub async fn scheduler(&self) -> aws_sdk_scheduler::Client {
        let mut b = aws_sdk_scheduler::config::Builder::from(self.sdk_config().await)
            .interceptor(answer::BoundedAnswers)
            .interceptor(waiting::ShownCalls);
        if let Some(e) = self.endpoint_for(Service::Scheduler) {
            b = b.endpoint_url(&e.value);
        }
        aws_sdk_scheduler::Client::from_conf(b.build())
    }

    /// API Gateway v2 (HTTP APIs), for `[api]`.
    pub async fn apigateway(&self) -> aws_sdk_apigatewayv2::Client {
        let mut b = aws_sdk_apigatewayv2::config::Builder::from(self.sdk_config().await)
            .interceptor(answer::BoundedAnswers)
            .interceptor(waiting::ShownCalls);
        if let Some(e) = self.endpoint_for(Service::ApiGateway) {
            b = b.endpoint_url(&e.value);
        }
        aws_sdk_apigatewayv2::Client::from_conf(b.build())
    }
}
