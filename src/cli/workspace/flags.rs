//! The workspace flags (`--all`, `--jobs`, `--fail-fast`/`--keep-going`)
//! and the conversion of a command's flags, over each member's merged
//! lamctl.toml, into the plain per-member settings the commands run on.

use std::collections::BTreeMap;
use std::path::Path;

use clap::Args;

use super::{Member, Workspace};
use crate::cli::GlobalArgs;
use crate::cli::config::Project;
use crate::cli::deploy::DeployArgs;
use crate::cli::diff::DiffArgs;
use crate::cli::info::InfoArgs;
use crate::cli::package::PackageArgs;
use crate::commands::deploy::many::ManySettings;
use crate::commands::workspace::{self, Pool};
use crate::commands::{diff, info, package};
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
        return one_dir("deploy", &args.members);
    };
    refuse_one_function(args.spec.name.is_some(), args.pack.out.is_some())?;
    if args.s3_key.is_some() {
        return Err(Error::usage(
            "--s3-key names one function's value; a workspace run has several",
        )
        .with_hint("leave it out: each member's zip gets its own content-addressed key"));
    }
    let single = DeployArgs {
        dir: None,
        members: Vec::new(),
        ..args.clone()
    };
    Ok(Some(ManySettings {
        members: plain(members, global, |p| single.settings(Some(p)))?,
        pool: Pool {
            jobs: args.many.all.jobs(),
            fail_fast: args.many.fail_fast,
        },
        dry_run: args.dry_run,
    }))
}

/// Members as the commands take them: label, function, AWS overrides and
/// the command's own settings (errors name the member's file).
fn plain<S>(
    members: Vec<Member>,
    global: &GlobalArgs,
    settings: impl Fn(&Project) -> Result<S>,
) -> Result<Vec<workspace::Member<S>>> {
    members
        .into_iter()
        .map(|m| {
            Ok(workspace::Member {
                function: m.function().to_string(),
                aws: global.aws(Some(&m.project)),
                settings: settings(&m.project).map_err(|e| {
                    let msg = format!("{}: {e}", m.project.path.display());
                    e.with_message(msg)
                })?,
                label: m.label,
            })
        })
        .collect()
}

/// `diff --all` / `diff NAME…`: each member's diff settings.
pub fn diff(
    args: &DiffArgs,
    global: &GlobalArgs,
    ws: Option<&Workspace>,
) -> Result<Option<diff::many::ManySettings>> {
    let names = positional(args.dir.as_deref(), &args.members);
    let Some(members) = selection(&args.all, &names, ws, "diff")? else {
        return one_dir("diff", &args.members);
    };
    refuse_one_function(args.spec.name.is_some(), args.pack.out.is_some())?;
    let single = DiffArgs {
        dir: None,
        members: Vec::new(),
        ..args.clone()
    };
    Ok(Some(diff::many::ManySettings {
        members: plain(members, global, |p| single.settings(Some(p)))?,
        pool: pool(&args.all),
        exit_code: args.exit_code,
    }))
}

/// `package --all` / `package NAME…`: each member's packaging options.
pub fn package(
    args: &PackageArgs,
    global: &GlobalArgs,
    ws: Option<&Workspace>,
) -> Result<Option<package::many::ManySettings>> {
    let names = positional(args.dir.as_deref(), &args.members);
    let Some(members) = selection(&args.all, &names, ws, "package")? else {
        return one_dir("package", &args.members);
    };
    refuse_one_function(false, args.pack.out.is_some())?;
    Ok(Some(package::many::ManySettings {
        members: plain(members, global, |p| {
            crate::cli::package::options(None, &args.pack, Some(p))
        })?,
        pool: pool(&args.all),
    }))
}

/// `info --all` / `info NAME…`: the members' functions, as a table.
pub fn info(
    args: &InfoArgs,
    global: &GlobalArgs,
    ws: Option<&Workspace>,
) -> Result<Option<info::many::ManySettings>> {
    let names: Vec<String> = args.name.iter().chain(&args.members).cloned().collect();
    let Some(members) = selection(&args.all, &names, ws, "info")? else {
        return one_dir("info", &args.members);
    };
    if args.show_values {
        return Err(
            Error::usage("--show-values shows one function's environment")
                .with_hint("run lamctl info NAME --show-values for one member"),
        );
    }
    Ok(Some(info::many::ManySettings {
        members: plain(members, global, |_| Ok(()))?,
        pool: pool(&args.all),
    }))
}

/// `list` in a workspace: which function is which member's.
pub fn list_members(ws: Option<&Workspace>) -> Result<BTreeMap<String, String>> {
    let Some(ws) = ws else {
        return Ok(BTreeMap::new());
    };
    Ok(ws
        .load(&[])?
        .into_iter()
        .map(|m| (m.function().to_string(), m.label))
        .collect())
}

fn pool(flags: &AllFlags) -> Pool {
    Pool {
        jobs: flags.jobs(),
        fail_fast: false,
    }
}

/// Not a workspace run: more than one positional is an error.
fn one_dir<T>(command: &str, rest: &[String]) -> Result<Option<T>> {
    if !rest.is_empty() {
        return Err(Error::usage(format!("{command} takes one DIR or NAME"))
            .with_hint("member names need a workspace (lamctl.toml with [workspace]) or --all"));
    }
    Ok(None)
}

/// Flags that name one function's value make no sense for several.
fn refuse_one_function(function: bool, out: bool) -> Result<()> {
    for (given, flag) in [(function, "--function"), (out, "--out")] {
        if given {
            return Err(Error::usage(format!(
                "{flag} names one function's value; a workspace run has several"
            ))
            .with_hint("set it in each member's lamctl.toml"));
        }
    }
    Ok(())
}

/// The positional arguments as member names (`DIR` first).
fn positional(dir: Option<&Path>, rest: &[String]) -> Vec<String> {
    dir.map(|d| d.to_string_lossy().into_owned())
        .into_iter()
        .chain(rest.iter().cloned())
        .collect()
}
