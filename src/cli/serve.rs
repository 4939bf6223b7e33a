//! `lamctl serve`'s flags, and the local function flags it shares with `invoke --local`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::config::parse_key_value;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on, on 127.0.0.1; 0 picks a free one (the port is printed on stdout)
    #[arg(long, value_name = "PORT", default_value_t = 3001)]
    pub port: u16,

    /// Restart the function when a file in its directory (or its lamctl.toml) changes
    #[arg(long)]
    pub watch: bool,

    #[command(flatten)]
    pub local: LocalArgs,
}

/// The flags shared by every command that runs a function locally
/// (`lamctl serve`, `lamctl invoke --local`).
#[derive(Debug, Args, Clone, Default)]
pub struct LocalArgs {
    /// The function's code directory (its task root) [default: `source` in lamctl.toml, else .]
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    #[command(flatten)]
    pub def: DefinitionFlags,

    /// Which runtime client runs a Python handler: lamctl's embedded one, or
    /// AWS's `awslambdaric` (must be importable by the python3 on PATH)
    #[arg(long, value_enum, value_name = "CLIENT", default_value_t = RuntimeClient::Embedded)]
    pub runtime_client: RuntimeClient,
}

/// The subset of the definition flags that mean something on this machine
/// (a role, tags or layers would be accepted and ignored, so they are not here).
#[derive(Debug, Args, Clone, Default)]
pub struct DefinitionFlags {
    /// The function's name [lamctl.toml: name; default: the directory's name]
    #[arg(id = "function", long = "function", value_name = "NAME")]
    pub name: Option<String>,

    /// Runtime: python3.x, nodejs*, provided.al2023 or provided.al2 [lamctl.toml: runtime]
    #[arg(long, value_name = "RUNTIME")]
    pub runtime: Option<String>,

    /// Handler, e.g. app.handler [lamctl.toml: handler]
    #[arg(long, value_name = "HANDLER")]
    pub handler: Option<String>,

    /// Timeout in seconds, 1-900 [lamctl.toml: timeout; default: 3]
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<i32>,

    /// Memory in MB, 128-10240, as reported to the function [lamctl.toml: memory; default: 128]
    #[arg(long, value_name = "MB")]
    pub memory: Option<i32>,

    /// Environment variable, repeatable; overrides the file's [environment] entry of the same key
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub environment: Vec<(String, String)>,

    /// A dotenv file of environment variables (KEY=VALUE lines) [lamctl.toml: env_file]
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum RuntimeClient {
    /// lamctl's own small runtime client (standard library only)
    #[default]
    Embedded,
    /// AWS's official client: Python's awslambdaric
    Official,
}
