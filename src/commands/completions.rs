//! `lamctl completions SHELL`: completion scripts generated from the clap
//! definition, so they always know every flag.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Result;
use crate::output::write_stdout;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate for
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: &CompletionsArgs) -> Result<()> {
    write_stdout(&render(args.shell))
}

/// The script for one shell (also what `completions/` holds).
pub fn render(shell: Shell) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "lamctl", &mut buf);
    buf
}

/// The file name each shell's loader looks for.
pub fn file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "lamctl.bash",
        Shell::Zsh => "_lamctl",
        Shell::Fish => "lamctl.fish",
        Shell::PowerShell => "_lamctl.ps1",
        Shell::Elvish => "lamctl.elv",
        _ => "lamctl.completion",
    }
}
