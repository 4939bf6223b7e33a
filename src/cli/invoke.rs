//! `lamctl invoke`'s flags, and their conversion into the command's plain
//! settings (with `--local`, the local function's input).

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::GlobalArgs;
use super::config::Project;
use crate::commands::invoke::{InvokeSettings, SavedEvent};
use crate::error::{Error, Result};
use crate::lambda::invoke::InvocationType;
use crate::local::LocalInput;

#[derive(Debug, Args, Clone, Default)]
pub struct InvokeArgs {
    /// Function name, ARN or partial ARN [default: `name` in lamctl.toml]
    #[arg(value_name = "NAME", add = super::complete::functions())]
    pub name: Option<String>,

    /// The event: inline JSON, @FILE, or - for standard input [default: standard input when it
    /// is not a terminal, else {}]
    #[arg(short, long, value_name = "JSON|@FILE|-", allow_hyphen_values = true)]
    pub payload: Option<String>,

    /// Send a saved test event: events/NAME.json beside lamctl.toml (`lamctl event save` writes
    /// one; --shared: the function's shareable console event)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["payload", "ndjson"])]
    pub event: Option<String>,

    /// With --event: the function's shareable test event (the Lambda console's, in the
    /// EventBridge schema registry) instead of events/NAME.json
    #[arg(long, requires = "event")]
    pub shared: bool,

    /// Send the payload bytes as they are, without checking that they are JSON
    #[arg(long)]
    pub raw: bool,

    /// How Lambda runs the function [default: request-response]
    #[arg(long, value_enum, value_name = "TYPE")]
    pub invocation_type: Option<InvocationTypeArg>,

    /// Queue the event and return at once (short for --invocation-type event)
    #[arg(long = "async", conflicts_with = "invocation_type")]
    pub is_async: bool,

    /// Invoke this version or alias instead of $LATEST
    #[arg(long, value_name = "VERSION|ALIAS", add = super::complete::qualifiers())]
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

    /// Write the response payload to FILE instead of stdout (no short flag: -o is --output)
    #[arg(long, value_name = "FILE")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum InvocationTypeArg {
    /// Wait for the function and return its response (synchronous)
    #[default]
    RequestResponse,
    /// Queue the event; Lambda answers 202 at once (asynchronous)
    Event,
    /// Check the parameters and permissions without running the function (204)
    DryRun,
}

impl InvokeArgs {
    /// The command's settings: NAME defaults to `name` in lamctl.toml
    /// (`project`); with `--local`, the local function's input (its
    /// lamctl.toml read here). Flags that mean nothing together fail here.
    pub fn settings(
        &self,
        global: &GlobalArgs,
        project: Option<&Project>,
    ) -> Result<InvokeSettings> {
        let local = if self.local {
            Some(self.local_input(global)?)
        } else {
            if self.local_def.is_set() {
                return Err(Error::usage(
                    "--dir, --function, --runtime, --handler, --timeout, --memory, --env, --env-file and --runtime-client describe a local run",
                )
                .with_hint("add --local to run the function here, or use `lamctl deploy` to change the deployed one"));
            }
            None
        };
        let invocation_type = if self.is_async {
            InvocationType::Event
        } else {
            match self.invocation_type.unwrap_or_default() {
                InvocationTypeArg::RequestResponse => InvocationType::RequestResponse,
                InvocationTypeArg::Event => InvocationType::Event,
                InvocationTypeArg::DryRun => InvocationType::DryRun,
            }
        };
        let event = self.saved_event(project, local.as_ref())?;
        Ok(InvokeSettings {
            event,
            function: self
                .name
                .clone()
                .or_else(|| Project::default_function(project).map(String::from)),
            payload: self.payload.clone(),
            raw: self.raw,
            invocation_type,
            qualifier: self.qualifier.clone(),
            client_context: self.client_context.clone(),
            tail: self.tail,
            pretty: self.pretty,
            out: self.out.clone(),
            ndjson: self.ndjson,
            parallel: self.parallel,
            stream: self.stream,
            local,
        })
    }

    /// `--event NAME`: the file beside the function's lamctl.toml (with
    /// `--local`, the one its definition was read from), or `--shared`.
    fn saved_event(
        &self,
        project: Option<&Project>,
        local: Option<&LocalInput>,
    ) -> Result<Option<SavedEvent>> {
        let Some(name) = &self.event else {
            return Ok(None);
        };
        let dir = match local {
            Some(l) => match &l.config {
                Some(c) => c
                    .parent()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default(),
                None => self.local_def.dir.clone().unwrap_or_default(),
            },
            None => super::event::project_dir(project, None),
        };
        let dir = if dir.as_os_str().is_empty() {
            ".".into()
        } else {
            dir
        };
        let folder = crate::events::store::folder(&dir);
        crate::events::store::check_name("--event", name, &folder)?;
        Ok(Some(SavedEvent {
            name: name.clone(),
            shared: self.shared,
            folder,
        }))
    }

    /// `--local`: what a local function cannot do, then its input.
    fn local_input(&self, global: &GlobalArgs) -> Result<LocalInput> {
        if self.qualifier.is_some() {
            return Err(
                Error::usage("--qualifier: a local function has only $LATEST").with_hint(
                    "leave out --qualifier, or invoke the deployed version without --local",
                ),
            );
        }
        // NAME and --function both name the local function; they must agree.
        let mut local = self.local_def.clone();
        match (&self.name, &local.def.name) {
            (Some(a), Some(b)) if a != b => {
                return Err(
                    Error::usage(format!("NAME '{a}' and --function '{b}' differ"))
                        .with_hint("give the function's name once"),
                );
            }
            (Some(a), None) => {
                let name = crate::lambda::config::value::FunctionName::new(a.as_str());
                local.def.name = Some(name.map_err(Error::usage)?);
            }
            _ => {}
        }
        local.input(global)
    }
}
