//! A local function's definition, resolved and checked: the input layer
//! reads `--dir`, the definition flags, lamctl.toml and the env files into
//! a plain [`LocalInput`]; [`LocalDef::resolve`] checks it and finds (when
//! that needs no question) the user's AWS region and credentials. Nothing
//! here needs an AWS account.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::aws::{AwsContext, AwsOverrides, Origin, ProcessEnv};
use crate::error::{Error, Result};
use crate::lambda::limits;
use crate::output::Ui;

/// The region the function sees when none is configured anywhere.
pub const DEFAULT_REGION: &str = "us-east-1";

/// Which runtime client runs a Python handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RuntimeClient {
    /// lamctl's own small runtime client (standard library only).
    #[default]
    Embedded,
    /// AWS's official client: Python's awslambdaric, Node's aws-lambda-ric.
    Official,
}

/// A local function as the input layer read it: flags already over
/// lamctl.toml, the environment already layered; not yet checked.
#[derive(Debug, Clone, Default)]
pub struct LocalInput {
    /// The code directory: `--dir`, else lamctl.toml's `source` (against
    /// the file's directory); `.` when neither says.
    pub dir: Option<PathBuf>,
    /// The lamctl.toml the definition was read from, if any.
    pub config: Option<PathBuf>,
    pub name: Option<String>,
    pub runtime: Option<String>,
    pub handler: Option<String>,
    pub timeout: Option<i32>,
    pub memory: Option<i32>,
    pub log_group: Option<String>,
    /// lamctl.toml asks for Lambda's JSON log format.
    pub json_logs: bool,
    /// The function's own variables, in precedence order already applied.
    pub environment: Vec<(String, String)>,
    pub client: RuntimeClient,
    /// Where the function's region and credentials come from: the same
    /// precedence as every AWS command.
    pub aws: AwsOverrides,
    /// lamctl.toml's `[package]` exclude and include patterns: what
    /// packaging (and so `serve --watch`) leaves out of the directory.
    pub exclude: Vec<String>,
    pub include: Vec<String>,
}

/// The language family lamctl knows how to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeKind {
    Python,
    Node,
    Provided,
}

impl RuntimeKind {
    pub fn of(runtime: &str) -> Option<RuntimeKind> {
        if runtime.starts_with("python3.") {
            Some(RuntimeKind::Python)
        } else if runtime.starts_with("nodejs") {
            Some(RuntimeKind::Node)
        } else if runtime == "provided" || runtime.starts_with("provided.") {
            Some(RuntimeKind::Provided)
        } else {
            None
        }
    }
}

/// Credentials handed to the function as AWS_ACCESS_KEY_ID & co. Debug
/// never shows them.
#[derive(Clone)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials(** redacted **)")
    }
}

/// Everything needed to run one function locally, resolved and checked.
#[derive(Debug, Clone)]
pub struct LocalDef {
    pub name: String,
    pub runtime: String,
    pub kind: RuntimeKind,
    pub handler: String,
    /// Absolute path of the code directory (LAMBDA_TASK_ROOT, the working directory).
    pub task_root: PathBuf,
    pub memory_mb: i32,
    pub timeout: Duration,
    /// The function's own variables, in precedence order already applied.
    pub environment: Vec<(String, String)>,
    pub region: String,
    pub log_group: String,
    pub client: RuntimeClient,
    pub credentials: Option<Credentials>,
    /// The lamctl.toml the definition was read from, if any.
    pub config: Option<PathBuf>,
    /// What packaging leaves out of the task root besides its defaults and
    /// `.lamctlignore` (lamctl.toml's `[package]` patterns).
    pub exclude: Vec<String>,
    pub include: Vec<String>,
}

impl LocalDef {
    /// What `serve --watch` watches: the task root by packaging's rules,
    /// and the lamctl.toml the definition was read from.
    pub fn watch_spec(&self) -> crate::package::watch::WatchSpec {
        crate::package::watch::WatchSpec {
            root: self.task_root.clone(),
            configs: self.config.iter().cloned().collect(),
            exclude: self.exclude.clone(),
            include: self.include.clone(),
            output: None,
        }
    }

    /// Check the input and fill in the defaults: the task root is the
    /// input's directory, else `.`; the name defaults to the directory's.
    /// Bad input is a usage error (exit 2); no network is used.
    pub async fn resolve(input: &LocalInput, ui: &Ui) -> Result<LocalDef> {
        let root = input.dir.clone().unwrap_or_else(|| PathBuf::from("."));
        if !root.is_dir() {
            return Err(Error::usage(format!(
                "the function's directory {} does not exist",
                root.display()
            ))
            .with_hint("pass --dir DIR, or set `source` in lamctl.toml"));
        }
        let task_root = root.canonicalize().map_err(|e| Error::io(&root, e))?;
        let from = input
            .config
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "flags".into());

        let runtime = input.runtime.clone().ok_or_else(|| {
            Error::usage(format!("no runtime for the function in {}", task_root.display()))
                .with_hint("set `runtime` in lamctl.toml or pass --runtime (e.g. python3.12, nodejs20.x, provided.al2023)")
        })?;
        crate::lambda::names::runtime(&runtime).map_err(|e| {
            Error::usage(format!("{e} (from {from})")).with_hint(
                "use one of Lambda's runtime ids, e.g. python3.12, nodejs20.x, provided.al2023",
            )
        })?;
        let kind = RuntimeKind::of(&runtime).ok_or_else(|| {
            Error::usage(format!("runtime '{runtime}' cannot run locally (from {from})")).with_hint(
                "lamctl runs python3.x, nodejs* and provided.* (custom runtime) functions on this machine",
            )
        })?;
        let handler = match (&input.handler, kind) {
            (Some(h), _) => h.clone(),
            // A custom runtime's handler is free-form; the cloud requires one, any will do.
            (None, RuntimeKind::Provided) => "bootstrap".into(),
            (None, _) => {
                return Err(
                    Error::usage(format!("no handler for runtime {runtime}")).with_hint(
                        "set `handler` in lamctl.toml or pass --handler (e.g. app.handler)",
                    ),
                );
            }
        };
        if kind != RuntimeKind::Provided && !handler.contains('.') {
            return Err(Error::usage(format!(
                "handler '{handler}' is not MODULE.FUNCTION (from {from})"
            ))
            .with_hint("e.g. app.handler for a function `handler` in app.py or index.mjs"));
        }
        if input.client == RuntimeClient::Official && kind == RuntimeKind::Provided {
            return Err(Error::usage(format!(
                "--runtime-client official is for Python and Node.js functions; a {runtime} function brings its own client (bootstrap)"
            )));
        }
        if input.json_logs {
            ui.warn(
                "log_format = \"json\" is not reproduced locally: the local log is in the text format",
            );
        }
        let name = match &input.name {
            Some(n) => n.clone(),
            None => task_root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .filter(|n| crate::lambda::names::function_name(n).is_ok())
                .unwrap_or_else(|| "function".into()),
        };

        let (region, credentials) = aws_for_function(&input.aws, ui).await;
        let def = LocalDef {
            log_group: input
                .log_group
                .clone()
                .unwrap_or_else(|| format!("/aws/lambda/{name}")),
            name,
            runtime,
            kind,
            handler,
            task_root,
            memory_mb: input.memory.unwrap_or(limits::DEFAULT_MEMORY_MB),
            timeout: Duration::from_secs(input.timeout.unwrap_or(limits::DEFAULT_TIMEOUT_S) as u64),
            environment: input.environment.clone(),
            region,
            client: input.client,
            credentials,
            config: input.config.clone(),
            exclude: input.exclude.clone(),
            include: input.include.clone(),
        };
        if let Some(w) = super::launch::version_warning(&def).await {
            ui.warn(w);
        }
        Ok(def)
    }

    /// `arn:aws:lambda:REGION:000000000000:function:NAME` (no account locally).
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:lambda:{}:{}:function:{}",
            self.region, LOCAL_ACCOUNT, self.name
        )
    }
}

/// The account id in local ARNs: there is no account to ask.
pub const LOCAL_ACCOUNT: &str = "000000000000";

/// The region the function sees and the credentials it gets, when they can
/// be found locally: environment keys first, then the selected profile's
/// static keys, SSO or credential_process. Never the instance metadata
/// service (this is a laptop), never an error: a local run needs no account.
async fn aws_for_function(overrides: &AwsOverrides, ui: &Ui) -> (String, Option<Credentials>) {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    // Region: the same precedence as every other command, without failing.
    let resolved = AwsContext::resolve(overrides, &ProcessEnv).await;
    let (region, profile) = match &resolved {
        Ok(a) => (
            a.region.value.clone(),
            Some(a.profile.value.clone()).filter(|_| a.profile.source != Origin::Default),
        ),
        Err(_) => (DEFAULT_REGION.to_string(), None),
    };
    if let (Some(id), Some(secret)) = (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
        return (
            region,
            Some(Credentials {
                access_key_id: id,
                secret_access_key: secret,
                session_token: env("AWS_SESSION_TOKEN"),
            }),
        );
    }
    let Ok(aws) = resolved else {
        return (region, None);
    };
    let has_files = aws.config_files.iter().any(|p| p.is_file());
    if !has_files {
        return (region, None);
    }
    let creds = {
        use aws_credential_types::provider::ProvideCredentials;
        // The profile may need HTTPS (SSO, assume-role, login): lamctl's client.
        let conf = aws_config::provider_config::ProviderConfig::default()
            .with_http_client(crate::aws::https::client());
        let mut b = aws_config::profile::ProfileFileCredentialsProvider::builder().configure(&conf);
        if let Some(p) = &profile {
            b = b.profile_name(p);
        }
        let provider = b.build();
        tokio::time::timeout(Duration::from_secs(5), provider.provide_credentials()).await
    };
    match creds {
        Ok(Ok(c)) => (
            region,
            Some(Credentials {
                access_key_id: c.access_key_id().to_string(),
                secret_access_key: c.secret_access_key().to_string(),
                session_token: c.session_token().map(str::to_string),
            }),
        ),
        Ok(Err(e)) => {
            ui.detail(format!(
                "no AWS credentials for the function: {}",
                crate::error::chain(&e)
            ));
            (region, None)
        }
        Err(_) => {
            ui.warn("AWS credentials took over 5 s to resolve; the function runs without them");
            (region, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_kinds() {
        assert_eq!(RuntimeKind::of("python3.12"), Some(RuntimeKind::Python));
        assert_eq!(RuntimeKind::of("nodejs22.x"), Some(RuntimeKind::Node));
        assert_eq!(
            RuntimeKind::of("provided.al2023"),
            Some(RuntimeKind::Provided)
        );
        assert_eq!(RuntimeKind::of("java21"), None);
    }
}
