//! lamctl: the whole life of an AWS Lambda function from a terminal or CI.
//!
//! `main` parses, sets up tracing on stderr, runs the command on a tokio
//! runtime, and maps the one error type to the exit codes in design.md.

pub mod aws;
pub mod cli;
pub mod commands;
pub mod error;
pub mod events;
pub mod interrupt;
pub mod lambda;
pub mod local;
pub mod logfmt;
pub mod output;
pub mod package;
pub mod progress;
pub mod redact;
pub mod s3upload;
pub mod timewin;

use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser};

use crate::cli::config::Project;
use crate::cli::{Cli, Command};
use crate::commands::Ctx;
use crate::error::{Error, Result};
use crate::output::Ui;

pub fn main() -> ExitCode {
    // A TAB in a shell (`LAMCTL_COMPLETE=bash lamctl -- WORDS…`): answer and exit.
    cli::complete::set_provider(commands::completions::candidates);
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(commands::completions::VAR)
        .complete();

    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return cli::errors::report(e),
    };
    let ui = Ui::new(&cli.global.ui());
    init_tracing(&ui);
    progress::show_calls(&ui);

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            ui.error(&Error::failed(format!(
                "cannot start the async runtime: {e}"
            )));
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        let command = run(cli, &ui);
        tokio::pin!(command);
        let stopped = tokio::select! {
            r = &mut command => return r,
            e = interrupt::stop_signal() => e,
        };
        interrupt::trigger();
        // A command cleaning up (aborting an upload) gets a bounded moment
        // to finish; a second Ctrl-C still ends it at once.
        if interrupt::cleanup_pending() {
            tokio::select! {
                _ = tokio::time::timeout(Duration::from_secs(20), &mut command) => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(stopped)
    });
    // Whatever ended the command, no function process it started outlives it.
    local::stop_all();
    // Don't wait for stray background work (an abandoned HTTP connection).
    runtime.shutdown_timeout(Duration::from_millis(200));

    match result {
        Ok(()) | Err(Error::BrokenPipe) => ExitCode::SUCCESS,
        // The differences are the result already on stdout: no error line.
        Err(e @ Error::Differences) => ExitCode::from(e.code()),
        Err(e) => {
            ui.error(&e);
            ExitCode::from(e.code())
        }
    }
}

/// Turn the parsed flags and lamctl.toml into each command's plain
/// settings, then run the command: the only place that sees both layers.
async fn run(cli: Cli, ui: &Ui) -> Result<()> {
    // Generators need no config file; everything else reads lamctl.toml first
    // so a broken file is reported before any work.
    match &cli.command {
        Command::Completions(args) => return commands::completions::run(args.shell),
        Command::Man(_) => return commands::man::run(Cli::command()),
        _ => {}
    }
    // init writes lamctl.toml: -c names the file to write, which need not
    // exist (or parse); one that does lends its [aws] table.
    if let Command::Init(args) = &cli.command {
        let existing = Project::discover(cli.global.config.as_deref())
            .ok()
            .flatten();
        let ctx = Ctx {
            ui,
            aws_overrides: cli.global.aws(existing.as_ref()),
        };
        let settings = args.settings(cli.global.config.as_deref())?;
        return commands::init::run(&ctx, &settings).await;
    }
    // A workspace root (`[workspace]`) is not a function: commands that act
    // on members read it; the others see no lamctl.toml.
    let workspace = cli::workspace::Workspace::discover(cli.global.config.as_deref())?;
    let project = match workspace {
        Some(_) => None,
        None => Project::discover(cli.global.config.as_deref())?,
    };
    let project = project.as_ref();
    let workspace = workspace.as_ref();
    let ctx = Ctx {
        ui,
        aws_overrides: cli.global.aws(project),
    };
    match &cli.command {
        Command::Whoami(_) => commands::whoami::run(&ctx).await,
        Command::Package(args) => {
            match cli::workspace::flags::package(args, &cli.global, workspace)? {
                Some(many) => commands::package::many::run(&ctx, &many).await,
                None => commands::package::run(&ctx, &args.settings(project)?).await,
            }
        }
        Command::Deploy(args) if args.watch => {
            let run = cli::deploy::watch::settings(args, &cli.global)?;
            let tail = async {
                match &run.tail {
                    Some((aws, logs)) => {
                        let ctx = Ctx {
                            ui,
                            aws_overrides: aws.clone(),
                        };
                        commands::logs::run(&ctx, logs).await
                    }
                    None => std::future::pending().await,
                }
            };
            commands::deploy::watch::run(&ctx, &run.watch, tail).await
        }
        Command::Deploy(args) => match cli::workspace::flags::deploy(args, &cli.global, workspace)?
        {
            Some(many) => commands::deploy::many::run(&ctx, &many).await,
            None => commands::deploy::run(&ctx, &args.settings(project)?).await,
        },
        Command::Invoke(args) => {
            let settings = args.settings(&cli.global, project)?;
            commands::invoke::run(&ctx, settings).await
        }
        Command::Event(args) => commands::event::run(&ctx, args.settings(&cli.global)?).await,
        Command::Logs(args) => {
            let settings = args.settings(project, ui.format, workspace)?;
            commands::logs::run(&ctx, &settings).await
        }
        Command::List(args) => {
            let mut settings = args.settings();
            settings.members = cli::workspace::flags::list_members(workspace)?;
            commands::list::run(&ctx, &settings).await
        }
        Command::Info(args) => match cli::workspace::flags::info(args, &cli.global, workspace)? {
            Some(many) => commands::info::many::run(&ctx, &many).await,
            None => commands::info::run(&ctx, &args.settings(project)?).await,
        },
        Command::Diff(args) => match cli::workspace::flags::diff(args, &cli.global, workspace)? {
            Some(many) => commands::diff::many::run(&ctx, &many).await,
            None => commands::diff::run(&ctx, &args.settings(project)?).await,
        },
        Command::Versions(args) => commands::versions::run(&ctx, &args.settings(project)?).await,
        Command::Alias(args) => commands::alias::run(&ctx, &args.settings(project)?).await,
        Command::Rollback(args) => commands::rollback::run(&ctx, &args.settings(project)?).await,
        Command::Url(args) => commands::url::run(&ctx, &args.settings(project)?).await,
        Command::Concurrency(args) => {
            commands::concurrency::run(&ctx, &args.settings(project)?).await
        }
        Command::Delete(args) => commands::delete::run(&ctx, &args.settings(project)?).await,
        Command::Serve(args) => commands::serve::run(&ctx, args.settings(&cli.global)?).await,
        Command::Completions(_) | Command::Man(_) | Command::Init(_) => Ok(()),
    }
}

fn init_tracing(ui: &Ui) {
    use tracing::level_filters::LevelFilter;
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;

    let filter = match (ui.quiet, ui.verbose) {
        (true, _) => Targets::new().with_default(LevelFilter::OFF),
        (_, 0) => Targets::new().with_target("lamctl", LevelFilter::WARN),
        (_, 1) => Targets::new().with_target("lamctl", LevelFilter::INFO),
        (_, 2) => Targets::new().with_target("lamctl", LevelFilter::DEBUG),
        _ => Targets::new()
            .with_default(LevelFilter::DEBUG)
            .with_target("lamctl", LevelFilter::TRACE),
    };
    let layer = tracing_subscriber::fmt::layer()
        // Credentials are masked in every line, the SDK's included.
        .with_writer(redact::Redacting)
        .with_ansi(ui.color)
        .with_target(ui.verbose >= 3)
        .without_time();
    let _ = tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init();
}
