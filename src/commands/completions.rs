//! `lamctl completions SHELL`: completion scripts generated from the clap
//! definition, so they always know every flag.

use clap_complete::Shell;

use crate::error::Result;
use crate::output::write_stdout;

pub fn run(shell: Shell, cli: clap::Command) -> Result<()> {
    write_stdout(&render(shell, cli))
}

/// The script for one shell (also what `completions/` holds).
pub fn render(shell: Shell, mut cli: clap::Command) -> Vec<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cli, "lamctl", &mut buf);
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
