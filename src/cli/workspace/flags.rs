//! The workspace flags (`--all`, `--jobs`, `--fail-fast`/`--keep-going`)
//! and the conversion of a command's flags, over each member's merged
//! lamctl.toml, into the plain per-member settings the commands run on.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{Member, Workspace};
use crate::cli::GlobalArgs;
use crate::cli::deploy::DeployArgs;
use crate::commands::deploy::many::ManySettings;
use crate::commands::workspace::{self, Pool};
use crate::error::{Error, Result};

/// `--all` and `--jobs`: for every command that acts on a workspace.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Workspace")]
pub struct AllFlags {
    /// Every member of the workspace: lamctl.toml's [workspace] members, else every lamctl.toml
    /// below the current directory (honouring .gitignore)
    #[arg(long)]
    pub all: bool,

    /// How many members are worked on at once [default: 8, sized to Lambda's control-plane
    /// quota]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
}

/// `deploy`'s workspace flags.
#[derive(Debug, Args, Clone, Default)]
pub struct ManyFlags {
    #[command(flatten)]
    pub all: AllFlags,

    /// Start no further member once one fails (members in flight finish)
    #[arg(long, conflicts_with = "keep_going", help_heading = "Workspace")]
    pub fail_fast: bool,

    /// Deploy every member even when some fail (the default); exit 1 if any failed
    #[arg(long, help_heading = "Workspace")]
    pub keep_going: bool,
}

impl AllFlags {
    fn jobs(&self) -> usize {
        self.jobs.map_or(workspace::DEFAULT_JOBS, usize::from)
    }
}

/// The members a workspace command acts on: `--all`, or the names given
/// (in a workspace), or `None` for a single-function run. `names` are the
/// positional arguments.
pub fn selection(
    flags: &AllFlags,
    names: &[String],
    ws: Option<&Workspace>,
    command: &str,
) -> Result<Option<Vec<Member>>> {
    if flags.all && !names.is_empty() {
        return Err(Error::usage(format!(
            "{command} --all and member names ({}) both given",
            names.join(", ")
        ))
        .with_hint("give --all for every member, or the members' names"));
    }
    if !flags.all && flags.jobs.is_some() && ws.is_none() {
        return Err(Error::usage("--jobs needs several members")
            .with_hint("add --all, or run in a workspace (lamctl.toml with [workspace])"));
    }
    let ws_implicit;
    let ws = match (ws, flags.all) {
        (Some(ws), _) => ws,
        (None, true) => {
            ws_implicit = Workspace::implicit(Path::new("."));
            &ws_implicit
        }
        (None, false) => return Ok(None),
    };
    if !flags.all && names.is_empty() {
        return Err(Error::usage(format!(
            "{} is a workspace root: which members?",
            ws.describe()
        ))
        .with_hint(format!(
            "{command} --all for every member, or {command} NAME… (a function or a member's directory)"
        )));
    }
    ws.load(names).map(Some)
}

/// `deploy --all` / `deploy NAME…`: each member's settings as a single
/// deploy would read them (flags over the member's file over the
/// defaults), checked before any AWS call.
pub fn deploy(
    args: &DeployArgs,
    global: &GlobalArgs,
    ws: Option<&Workspace>,
) -> Result<Option<ManySettings>> {
    let names = positional(args.dir.as_deref(), &args.members);
    let Some(members) = selection(&args.many.all, &names, ws, "deploy")? else {
        if !args.members.is_empty() {
            return Err(Error::usage("deploy takes one DIR")
                .with_hint("member names need a workspace (lamctl.toml with [workspace]) or --all"));
        }
        return Ok(None);
    };
    for (given, flag) in [
        (args.spec.name.is_some(), "--function"),
        (args.pack.out.is_some(), "--out"),
        (args.s3_key.is_some(), "--s3-key"),
    ] {
        if given {
            return Err(Error::usage(format!(
                "{flag} names one function's value; a workspace deploy has several"
            ))
            .with_hint("set it in each member's lamctl.toml"));
        }
    }
    let single = DeployArgs {
        dir: None,
        members: Vec::new(),
        ..args.clone()
    };
    let members = members
        .into_iter()
        .map(|m| {
            Ok(workspace::Member {
                function: m.function().to_string(),
                aws: global.aws(Some(&m.project)),
                settings: single.settings(Some(&m.project)).map_err(|e| {
                    let msg = format!("{}: {e}", m.project.path.display());
                    e.with_message(msg)
                })?,
                label: m.label,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(ManySettings {
        members,
        pool: Pool {
            jobs: args.many.all.jobs(),
            fail_fast: args.many.fail_fast,
        },
        dry_run: args.dry_run,
    }))
}

/// The positional arguments as member names (`DIR` first).
fn positional(dir: Option<&Path>, rest: &[String]) -> Vec<String> {
    dir.map(|d| d.to_string_lossy().into_owned())
        .into_iter()
        .chain(rest.iter().cloned())
        .collect()
}

/// The member directories, for a caller that wants paths.
pub fn dirs(members: &[Member]) -> Vec<PathBuf> {
    members
        .iter()
        .map(|m| m.project.dir().to_path_buf())
        .collect()
}
