//! `lamctl serve`'s flags, the local function flags it shares with
//! `invoke --local`, and their conversion into the local layer's plain
//! input (flags over lamctl.toml, read fresh each time).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::GlobalArgs;
use super::config::{FunctionSpec, LogFormat, Project, parse_env};
use super::deploy::DeployArgs;
use crate::commands::serve::{Reload, ServeSettings};
use crate::error::{Error, Result};
use crate::lambda::config::value::{FunctionName, Handler, Memory, Runtime, Timeout};
use crate::lambda::url::UrlWant;
use crate::local::apigw::{Flavor, FrontDoor};
use crate::local::auth::Token;
use crate::local::pool::DEFAULT_CONCURRENCY;
use crate::local::{LocalInput, RuntimeClient};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on, on 127.0.0.1; 0 picks a free one (the port is printed on stdout)
    /// [default: 3001, with --url or --api 3000]
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,

    /// Serve the function as a function URL: every HTTP request on any path becomes a
    /// function URL event (payload format 2.0), with [deploy.url]'s CORS and invoke mode
    #[arg(long, conflicts_with = "api")]
    pub url: bool,

    /// Serve the function behind a local API Gateway with [api]'s routes and stage: an HTTP API
    /// (payload format 2.0, or [api] payload_format) or, with `rest`, a REST API's Lambda proxy
    /// integration (payload format 1.0); without [[api.route]], one `ANY /{proxy+}` route
    #[arg(long, value_enum, value_name = "KIND", num_args = 0..=1, default_missing_value = "http")]
    pub api: Option<ApiKind>,

    /// How many warm instances may run invocations at once
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY as u16, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Restart the function when a file in its directory (or its lamctl.toml) changes
    #[arg(long)]
    pub watch: bool,

    /// Answer only requests that carry this token (`Authorization: Bearer TOKEN`, or TOKEN as
    /// the SigV4 access key id for the AWS CLI and SDKs); 401/403 otherwise. Prefer the
    /// environment variable: a flag's value is visible to every user in the process list
    #[arg(
        long,
        value_name = "TOKEN",
        env = "LAMCTL_SERVE_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,

    #[command(flatten)]
    pub local: LocalArgs,
}

/// The flags shared by every command that runs a function locally
/// (`lamctl serve`, `lamctl invoke --local`).
#[derive(Debug, Args, Clone, Default)]
pub struct LocalArgs {
    /// The function's directory: DIR/lamctl.toml is read and the code is its `source`, else DIR
    /// [default: `source` in lamctl.toml, else .]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    #[command(flatten)]
    pub def: DefinitionFlags,

    /// Which runtime client runs a Python or Node.js handler: lamctl's embedded one, or
    /// AWS's own (`awslambdaric` importable by the python3 on PATH; `aws-lambda-ric` on PATH)
    #[arg(long, value_enum, value_name = "CLIENT", default_value_t = RuntimeClientArg::Embedded)]
    pub runtime_client: RuntimeClientArg,
}

/// The subset of the definition flags that mean something on this machine
/// (a role, tags or layers would be accepted and ignored, so they are not here).
#[derive(Debug, Args, Clone, Default)]
pub struct DefinitionFlags {
    /// The function's name [lamctl.toml: name; default: the directory's name]
    #[arg(id = "function", long = "function", value_name = "NAME")]
    pub name: Option<FunctionName>,

    /// Runtime: python3.x, nodejs*, provided.al2023 or provided.al2 [lamctl.toml: runtime]
    #[arg(long, value_name = "RUNTIME")]
    pub runtime: Option<Runtime>,

    /// Handler, e.g. app.handler [lamctl.toml: handler]
    #[arg(long, value_name = "HANDLER")]
    pub handler: Option<Handler>,

    /// Timeout in seconds, 1-900 [lamctl.toml: timeout; default: 3]
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<Timeout>,

    /// Memory in MB, 128-10240, as reported to the function [lamctl.toml: memory; default: 128]
    #[arg(long, value_name = "MB")]
    pub memory: Option<Memory>,

    /// Environment variable, repeatable; overrides the file's [environment] entry of the same key
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env)]
    pub environment: Vec<(String, String)>,

    /// A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Option<PathBuf>,
}

/// Which API Gateway `serve --api` stands in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ApiKind {
    /// An HTTP API (payload format 2.0 unless [api] payload_format = "1.0")
    Http,
    /// A REST API with a Lambda proxy integration (payload format 1.0)
    Rest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum RuntimeClientArg {
    /// lamctl's own small runtime client (standard library only)
    #[default]
    Embedded,
    /// AWS's official client: Python's awslambdaric, Node's aws-lambda-ric
    Official,
}

impl ServeArgs {
    pub fn settings(&self, global: &GlobalArgs) -> Result<ServeSettings> {
        let local = self.local.input(global)?;
        let watch = self.watch.then(|| {
            let (args, global) = (self.local.clone(), global.clone());
            Box::new(move || args.input(&global)) as Reload
        });
        let url = if self.url {
            let (_, project) = self.local.project(global)?;
            let file = project.as_ref().and_then(|p| p.file.deploy.url.as_ref());
            let want = DeployArgs {
                url: true,
                ..Default::default()
            }
            .url_want(file)?;
            match want {
                Some(UrlWant::Attach(fields)) => Some(fields.over(None)),
                _ => None,
            }
        } else {
            None
        };
        let api = match self.api {
            Some(kind) => {
                let (_, project) = self.local.project(global)?;
                let file = project.as_ref().and_then(|p| p.file.api.as_ref());
                let flavor = match kind {
                    ApiKind::Http => Flavor::Http,
                    ApiKind::Rest => Flavor::Rest,
                };
                Some(FrontDoor::new(flavor, file).map_err(|why| {
                    let at = project
                        .as_ref()
                        .map(|p| format!("{}: ", p.path.display()))
                        .unwrap_or_default();
                    Error::usage(format!("{at}{why}"))
                })?)
            }
            None => None,
        };
        let token = self
            .token
            .as_deref()
            .map(|t| {
                Token::new(t)
                    .map_err(|why| Error::usage(format!("--token (or LAMCTL_SERVE_TOKEN) {why}")))
            })
            .transpose()?;
        Ok(ServeSettings {
            token,
            port: self.port.unwrap_or(if self.url || api.is_some() {
                3000
            } else {
                3001
            }),
            local,
            watch,
            url,
            api,
            concurrency: usize::from(self.concurrency),
        })
    }
}

impl LocalArgs {
    /// Whether any of these flags was given (they mean nothing without a local run).
    pub fn is_set(&self) -> bool {
        let d = &self.def;
        self.dir.is_some()
            || d.name.is_some()
            || d.runtime.is_some()
            || d.handler.is_some()
            || d.timeout.is_some()
            || d.memory.is_some()
            || !d.environment.is_empty()
            || d.env_file.is_some()
            || self.runtime_client != RuntimeClientArg::Embedded
    }

    /// The local function's input: flags over `-c FILE`, else
    /// `DIR/lamctl.toml`, else `./lamctl.toml`; the directory is `--dir`
    /// (DIR/lamctl.toml's `source` when it has one), else the file's
    /// `source`. The file is read here each time (not the
    /// one read at start), so `serve --watch` sees edits.
    pub fn input(&self, global: &GlobalArgs) -> Result<LocalInput> {
        let flags = self.def.to_spec();
        flags.validate("flags")?;
        let dir = self.dir.as_deref();
        let (config, project) = self.project(global)?;
        let file = project.as_ref().map(|p| p.file.clone()).unwrap_or_default();
        let spec = flags.over(&file);
        // The same layering as deploy: file env_file < [environment] <
        // --env-file < --env, reserved names refused.
        let environment = super::env::environment(project.as_ref(), &flags)?.unwrap_or_default();
        // `--dir DIR` with DIR/lamctl.toml: that file's `source` (relative
        // to DIR) is the code, as `lamctl deploy DIR` packages it.
        let own_file = |p: &Project| dir.is_some_and(|d| p.dir() == d);
        Ok(LocalInput {
            dir: match (dir, project.as_ref()) {
                (Some(_), Some(p)) if own_file(p) => p.source_dir().or(dir.map(Path::to_path_buf)),
                (Some(d), _) => Some(d.to_path_buf()),
                (None, p) => p.and_then(|p| p.source_dir()),
            },
            config,
            name: spec.name.map(String::from),
            runtime: spec.runtime.map(String::from),
            handler: spec.handler.map(String::from),
            timeout: spec.timeout.map(Timeout::get),
            memory: spec.memory.map(Memory::get),
            log_group: spec.log_group.map(String::from),
            json_logs: file.log_format == Some(LogFormat::Json),
            environment,
            client: match self.runtime_client {
                RuntimeClientArg::Embedded => RuntimeClient::Embedded,
                RuntimeClientArg::Official => RuntimeClient::Official,
            },
            aws: global.aws(project.as_ref()),
            exclude: file.package.exclude.clone(),
            include: file.package.include.clone(),
        })
    }
}

impl LocalArgs {
    /// The function's lamctl.toml: `-c FILE`, else `DIR/lamctl.toml`, else
    /// `./lamctl.toml`; read fresh each time.
    fn project(&self, global: &GlobalArgs) -> Result<(Option<PathBuf>, Option<Project>)> {
        let dir = self.dir.as_deref();
        if let Some(d) = dir
            && !d.is_dir()
        {
            return Err(Error::usage(format!(
                "--dir {} is not a directory",
                d.display()
            )));
        }
        let project = Project::find(global.config.as_deref(), dir)?;
        let config = project.as_ref().map(|p| p.path.clone());
        Ok((config, project))
    }
}

impl DefinitionFlags {
    pub fn to_spec(&self) -> FunctionSpec {
        FunctionSpec {
            name: self.name.clone(),
            runtime: self.runtime.clone(),
            handler: self.handler.clone(),
            timeout: self.timeout,
            memory: self.memory,
            environment: self.environment.clone(),
            env_file: self.env_file.clone(),
            ..Default::default()
        }
    }
}
