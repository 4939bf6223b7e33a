//! One file (or folder) per command, reading top to bottom as the user's
//! story: resolve, check, act (through the Lambda core), report. A command
//! takes plain settings, never clap types, and imports no other command.

pub mod alias;
pub mod completions;
pub mod concurrency;
pub mod delete;
pub mod deploy;
pub mod diff;
pub mod event;
pub mod info;
pub mod init;
pub mod invoke;
pub mod list;
pub mod logs;
pub mod man;
pub mod package;
pub mod rollback;
pub mod serve;
pub mod url;
pub mod versions;
pub mod whoami;
pub mod workspace;

use crate::aws::{AwsContext, AwsOverrides, ProcessEnv};
use crate::error::Result;
use crate::output::Ui;

/// What every command gets: the renderer and the AWS overrides.
pub struct Ctx<'a> {
    pub ui: &'a Ui,
    pub aws_overrides: AwsOverrides,
}

impl Ctx<'_> {
    /// Resolve the AWS settings (no network); only AWS commands call this.
    pub async fn aws(&self) -> Result<AwsContext> {
        AwsContext::resolve(&self.aws_overrides, &ProcessEnv).await
    }
}
