//! One file per command: its flags on top, then `run`, reading top to
//! bottom as the user's story: resolve, check, act, report.

pub mod completions;
pub mod deploy;
pub mod invoke;
pub mod logs;
pub mod man;
pub mod package;
pub mod serve;
pub mod whoami;

use crate::aws::{AwsContext, ProcessEnv};
use crate::cli::{Cli, Command, GlobalArgs};
use crate::error::Result;
use crate::output::Ui;
use crate::project::Project;

/// What every command gets: the global flags, the renderer and lamctl.toml.
pub struct Ctx<'a> {
    pub global: &'a GlobalArgs,
    pub ui: &'a Ui,
    pub project: Option<Project>,
}

impl Ctx<'_> {
    /// Resolve the AWS settings (no network); only AWS commands call this.
    pub async fn aws(&self) -> Result<AwsContext> {
        let file = self
            .project
            .as_ref()
            .map(|p| (&p.file.aws, p.path.as_path()));
        AwsContext::resolve(self.global, file, &ProcessEnv).await
    }
}

pub async fn run(cli: Cli, ui: &Ui) -> Result<()> {
    // Generators need no config file; everything else reads lamctl.toml first
    // so a broken file is reported before any work.
    match &cli.command {
        Command::Completions(args) => return completions::run(args),
        Command::Man(args) => return man::run(args),
        _ => {}
    }
    let ctx = Ctx {
        global: &cli.global,
        ui,
        project: Project::discover(cli.global.config.as_deref())?,
    };
    match &cli.command {
        Command::Whoami(args) => whoami::run(&ctx, args).await,
        Command::Package(args) => package::run(&ctx, args).await,
        Command::Deploy(args) => deploy::run(&ctx, args).await,
        Command::Serve(args) => serve::run(&ctx, args).await,
        Command::Logs(args) => logs::run(&ctx, args).await,
        Command::Invoke(args) => invoke::run(&ctx, args).await,
        Command::Completions(_) | Command::Man(_) => unreachable!("handled above"),
    }
}
