//! `lamctl deploy`'s flags.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::config::FunctionSpec;
use super::package::PackFlags;

#[derive(Debug, Args, Clone, Default)]
pub struct DeployArgs {
    /// The directory to deploy [default: `source` in lamctl.toml, else .]
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    #[command(flatten)]
    pub spec: FunctionSpec,

    #[command(flatten)]
    pub pack: PackFlags,

    /// Create (or reuse) a basic execution role with AWSLambdaBasicExecutionRole when no role is given
    #[arg(long, conflicts_with = "role", help_heading = "Deploy")]
    pub create_role: bool,

    /// Upload the code even when its CodeSha256 equals the deployed one
    #[arg(long, help_heading = "Deploy")]
    pub force: bool,

    /// Upload the zip through this S3 bucket (automatic over 50 MB) [lamctl.toml: deploy.s3_bucket]
    #[arg(long, value_name = "BUCKET", help_heading = "Deploy")]
    pub s3_bucket: Option<String>,

    /// The S3 key [default: lamctl/FUNCTION/SHA256HEX.zip] [lamctl.toml: deploy.s3_key]
    #[arg(
        long,
        value_name = "KEY",
        requires = "s3_bucket",
        help_heading = "Deploy"
    )]
    pub s3_key: Option<String>,

    /// Publish a version of exactly what was deployed [lamctl.toml: deploy.publish]
    #[arg(long, help_heading = "Versions")]
    pub publish: bool,

    /// Create or move this alias to the new version (implies --publish) [lamctl.toml: deploy.alias]
    #[arg(long, value_name = "NAME", help_heading = "Versions")]
    pub alias: Option<String>,

    /// Keep the alias on its current version and route PERCENT of traffic to the new one
    #[arg(long, value_name = "PERCENT", requires = "alias", value_parser = parse_percent, help_heading = "Versions")]
    pub canary: Option<f64>,

    /// Delete versions older than the newest N, never one an alias uses [lamctl.toml: deploy.keep_versions]
    #[arg(long, value_name = "N", help_heading = "Versions")]
    pub keep_versions: Option<u32>,

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
    #[arg(long, value_name = "N", help_heading = "Concurrency")]
    pub provisioned: Option<i32>,

    /// Create or update the function URL [lamctl.toml: [deploy.url]]
    #[arg(long, conflicts_with = "no_url", help_heading = "Function URL")]
    pub url: bool,

    /// Remove the function URL and its public permissions
    #[arg(long, help_heading = "Function URL")]
    pub no_url: bool,

    /// Who may call the URL [default: aws-iam]
    #[arg(long, value_enum, value_name = "AUTH", help_heading = "Function URL")]
    pub url_auth: Option<UrlAuth>,

    /// An allowed CORS origin (repeatable)
    #[arg(long, value_name = "ORIGIN", help_heading = "Function URL")]
    pub cors_origin: Vec<String>,

    /// An allowed CORS method (repeatable)
    #[arg(long, value_name = "METHOD", help_heading = "Function URL")]
    pub cors_method: Vec<String>,

    /// An allowed CORS header (repeatable)
    #[arg(long, value_name = "HEADER", help_heading = "Function URL")]
    pub cors_header: Vec<String>,

    /// How long browsers may cache the CORS preflight, in seconds
    #[arg(long, value_name = "SECONDS", help_heading = "Function URL")]
    pub cors_max_age: Option<i32>,

    /// Allow credentials (cookies) in CORS requests
    #[arg(long, help_heading = "Function URL")]
    pub cors_credentials: bool,

    /// How the URL returns responses [default: buffered]
    #[arg(long, value_enum, value_name = "MODE", help_heading = "Function URL")]
    pub invoke_mode: Option<InvokeMode>,

    /// Read the deployed state and print the plan; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UrlAuth {
    None,
    AwsIam,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvokeMode {
    Buffered,
    ResponseStream,
}

fn parse_percent(s: &str) -> std::result::Result<f64, String> {
    match s.trim_end_matches('%').parse::<f64>() {
        Ok(p) if p > 0.0 && p < 100.0 => Ok(p),
        _ => Err(format!(
            "'{s}' is not a percentage between 0 and 100 (exclusive)"
        )),
    }
}
