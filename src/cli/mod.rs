//! The input layer ("low args"): every clap type, and `lamctl.toml` (one
//! struct is both a file table and flags). Nothing outside `src/cli/`,
//! `lib.rs` and `main.rs` imports this module; it hands the layers below
//! plain settings structs that they own (`AwsOverrides`, `UiSettings`, …).

pub mod alias;
pub mod complete;
pub mod concurrency;
pub mod config;
pub mod delete;
pub mod deploy;
pub mod diff;
pub mod env;
pub mod errors;
pub mod event;
pub mod info;
pub mod init;
pub mod invoke;
pub mod list;
pub mod logs;
pub mod package;
pub mod rollback;
pub mod serve;
pub mod target;
pub mod url;
pub mod versions;
pub mod workspace;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use crate::aws::{AwsOverrides, FileAws};
use crate::output::{ColorChoice, OutputFormat, UiSettings};
use crate::timewin::parse_duration;

#[derive(Debug, Parser)]
#[command(
    name = "lamctl",
    version,
    about = "Package, deploy, invoke and read the logs of AWS Lambda functions",
    long_about = "lamctl takes an AWS Lambda function through its whole life from a terminal or a CI \
                  script: package a directory, deploy it, invoke it and read its logs; then see what \
                  is deployed, compare it with what you have, go back a version and clean up.\n\n\
                  Results go to stdout; progress, log tails, warnings and errors go to stderr. \
                  Exit codes: 0 success, 1 the operation failed, 2 bad usage or input (no AWS call \
                  was made), 3 the invoked function reported an error, 4 `diff --exit-code` found \
                  differences, 130 interrupted (143 terminated).",
    after_help = "Examples:
  lamctl deploy --publish --alias live
  lamctl invoke hello --tail
  lamctl diff --exit-code
  lamctl rollback",
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Zip a directory deterministically and print its CodeSha256
    #[command(after_help = "Examples:
  lamctl package
  lamctl package src --out build/hello.zip
  lamctl package --exclude 'tests/' --output json | jq -r .code_sha256")]
    Package(package::PackageArgs),
    /// Package and create or update the function; publish, alias, concurrency, function URL
    #[command(after_help = "Examples:
  lamctl deploy
  lamctl deploy --dry-run
  lamctl deploy --publish --alias live --keep-versions 5
  lamctl deploy --alias live --canary 10
  lamctl deploy --all --watch")]
    Deploy(Box<deploy::DeployArgs>),
    /// Invoke a function: its response on stdout, its log tail (--tail) on stderr, exit 3 when it
    /// reports an error
    #[command(after_help = "Examples:
  lamctl invoke hello --payload '{\"name\": \"Ada\"}'
  lamctl invoke hello --tail
  lamctl invoke hello --qualifier live < event.json
  lamctl invoke --local")]
    Invoke(invoke::InvokeArgs),
    /// Sample events as AWS documents them (list, generate), and saved test events (save) for
    /// `invoke --event NAME`
    Event(event::EventArgs),
    /// Print a function's log events for a time window; -f follows new ones
    #[command(after_help = "Examples:
  lamctl logs hello
  lamctl logs hello -f
  lamctl logs hello --since 1h --filter ERROR
  lamctl logs hello -o json | jq .message     # one JSON object per line (NDJSON)")]
    Logs(logs::LogsArgs),
    /// List the region's functions: runtime, memory, timeout, last modified, code size
    List(list::ListArgs),
    /// Show a deployed function: configuration, state, code, aliases, concurrency, URL, log group
    Info(info::InfoArgs),
    /// Compare the local definition and package with the deployed function (--exit-code: exit 4
    /// on differences)
    Diff(Box<diff::DiffArgs>),
    /// List published versions and the aliases on each; --prune deletes old unaliased ones
    Versions(versions::VersionsArgs),
    /// Show, create, move, weight (canary) or delete an alias
    Alias(alias::AliasArgs),
    /// Move an alias back to the version before the one it points at (or --to VERSION)
    Rollback(rollback::RollbackArgs),
    /// Show, create, change or delete the function URL
    Url(url::UrlArgs),
    /// Show or change reserved and provisioned concurrency
    Concurrency(concurrency::ConcurrencyArgs),
    /// Write lamctl.toml from a deployed function (--download: and its code)
    Init(init::InitArgs),
    /// Delete a function (or one published version); asks first on a terminal
    Delete(delete::DeleteArgs),
    /// Run the function on this machine (no Docker) behind the Lambda Invoke API, or a function URL
    #[command(after_help = "Examples:
  lamctl serve
  lamctl serve --url --port 3000            # curl 'http://127.0.0.1:3000/translate?input_text=hi'
  lamctl serve --port 9000 --watch --concurrency 8
  lamctl serve --dir src --runtime python3.12 --handler app.handler")]
    Serve(serve::ServeArgs),
    /// Show the resolved profile, region, endpoint and AWS identity, and where each came from
    #[command(after_help = "Examples:
  lamctl whoami
  lamctl whoami --profile prod --output json")]
    Whoami(WhoamiArgs),
    /// Print the shell completion script (function names, aliases and versions complete on TAB)
    #[command(after_help = "Examples:
  source <(lamctl completions bash)          # in ~/.bashrc
  lamctl completions zsh > ~/.zfunc/_lamctl
  lamctl completions fish > ~/.config/fish/completions/lamctl.fish")]
    Completions(CompletionsArgs),
    /// Print the man page (roff) to stdout
    #[command(after_help = "Examples:
  lamctl man | man -l -
  lamctl man > /usr/local/share/man/man1/lamctl.1")]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct WhoamiArgs {}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate for
    #[arg(value_enum)]
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {}

/// Flags accepted by every command.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// AWS profile from the shared config files [env: AWS_PROFILE]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// AWS region [env: AWS_REGION, AWS_DEFAULT_REGION]
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Send every AWS call to this endpoint (an emulator such as moto or LocalStack)
    /// [env: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>]
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Format of the result on stdout (-o as in the AWS CLI; a zip or payload file is --out)
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = OutputArg::Text)]
    pub output: OutputArg,

    /// Print only the result and errors: no progress, no notes, no warnings
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// More detail on stderr: -v explains steps, -vv adds debug tracing, -vvv the SDK's own
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// When to colour stderr; NO_COLOR in the environment means never unless 'always'
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// The function definition file [default: ./lamctl.toml when present]
    #[arg(short = 'c', long = "config", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// How long to wait for a TCP connection to an AWS endpoint (e.g. 5s, 500ms)
    #[arg(long, global = true, value_name = "DURATION", value_parser = positive_duration, default_value = "10s")]
    pub connect_timeout: Duration,

    /// How long to wait for an AWS endpoint to answer one attempt of a call (e.g. 30s, 2m)
    #[arg(long, global = true, value_name = "DURATION", value_parser = positive_duration, default_value = "60s")]
    pub read_timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputArg {
    /// Human-readable text
    #[default]
    Text,
    /// One JSON document (stable keys) on stdout; `logs` prints one JSON object per event, one
    /// per line (NDJSON), so a follow streams
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorArg {
    /// Colour when stderr is a terminal and NO_COLOR is unset
    #[default]
    Auto,
    Always,
    Never,
}

impl GlobalArgs {
    /// The output settings the renderers use.
    pub fn ui(&self) -> UiSettings {
        UiSettings {
            format: match self.output {
                OutputArg::Text => OutputFormat::Text,
                OutputArg::Json => OutputFormat::Json,
            },
            quiet: self.quiet,
            verbose: self.verbose,
            color: match self.color {
                ColorArg::Auto => ColorChoice::Auto,
                ColorArg::Always => ColorChoice::Always,
                ColorArg::Never => ColorChoice::Never,
            },
        }
    }

    /// The AWS overrides: these flags and lamctl.toml's `[aws]` table.
    pub fn aws(&self, project: Option<&config::Project>) -> AwsOverrides {
        AwsOverrides {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            connect_timeout: self.connect_timeout,
            read_timeout: self.read_timeout,
            file: project.map(|p| FileAws {
                path: p.path.clone(),
                profile: p.file.aws.profile.clone(),
                region: p.file.aws.region.clone(),
                endpoint_url: p.file.aws.endpoint_url.clone(),
            }),
        }
    }
}

/// A timeout: at least `limits::MIN_CALL_TIMEOUT` (a shorter one fails
/// every call, with a message that blames the endpoint).
fn positive_duration(s: &str) -> std::result::Result<std::time::Duration, String> {
    use crate::lambda::limits::MIN_CALL_TIMEOUT;
    match parse_duration(s)? {
        d if d.is_zero() => Err(format!("'{s}' is zero; give a timeout above 0, e.g. 30s")),
        d if d < MIN_CALL_TIMEOUT => Err(format!(
            "'{s}' is too short; give at least {}ms, e.g. 30s",
            MIN_CALL_TIMEOUT.as_millis()
        )),
        d => Ok(d),
    }
}
