//! `lamctl invoke`'s flags.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use serde::Serialize;

#[derive(Debug, Args, Clone, Default)]
pub struct InvokeArgs {
    /// Function name, ARN or partial ARN [default: `name` in lamctl.toml]
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// The event: inline JSON, @FILE, or - for standard input [default: standard input when it
    /// is not a terminal, else {}]
    #[arg(short, long, value_name = "JSON|@FILE|-", allow_hyphen_values = true)]
    pub payload: Option<String>,

    /// Send the payload bytes as they are, without checking that they are JSON
    #[arg(long)]
    pub raw: bool,

    /// How Lambda runs the function [default: request-response]
    #[arg(long, value_enum, value_name = "TYPE")]
    pub invocation_type: Option<InvocationType>,

    /// Queue the event and return at once (short for --invocation-type event)
    #[arg(long = "async", conflicts_with = "invocation_type")]
    pub is_async: bool,

    /// Invoke this version or alias instead of $LATEST
    #[arg(long, value_name = "VERSION|ALIAS")]
    pub qualifier: Option<String>,

    /// A JSON object the function sees as its client context (synchronous invocations only)
    #[arg(long, value_name = "JSON")]
    pub client_context: Option<String>,

    /// Print the function's log tail (Lambda's last 4 KB) to stderr
    #[arg(short, long)]
    pub tail: bool,

    /// Pretty-print a JSON response (the default when stdout is a terminal)
    #[arg(long)]
    pub pretty: bool,

    /// Write the response payload to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Invoke once per line of the input (newline-delimited JSON) and print one JSON result line
    /// per invocation, in input order
    #[arg(long, conflicts_with_all = ["out", "pretty", "stream"])]
    pub ndjson: bool,

    /// With --ndjson: how many invocations run at once [default: 1]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=100))]
    pub parallel: Option<u16>,

    /// Use InvokeWithResponseStream and write the response as it arrives (for functions that
    /// stream their response)
    #[arg(long, conflicts_with = "pretty")]
    pub stream: bool,

    /// Run the function on this machine (no Docker, no AWS account) with the same output and
    /// exit codes as a cloud invoke
    #[arg(long)]
    pub local: bool,

    /// With --local: where the function and its definition come from
    #[command(flatten, next_help_heading = "Local function (with --local)")]
    pub local_def: super::serve::LocalArgs,
}

/// How Lambda runs the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum InvocationType {
    /// Wait for the function and return its response (synchronous)
    #[default]
    RequestResponse,
    /// Queue the event; Lambda answers 202 at once (asynchronous)
    Event,
    /// Check the parameters and permissions without running the function (204)
    DryRun,
}
