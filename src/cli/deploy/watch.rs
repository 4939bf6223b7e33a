//! `deploy --watch`: the flags that do not go with it (anything that
//! publishes, moves an alias, changes the configuration, or prints a
//! document on stdout, where the log tail goes), refused before any AWS
//! call; the members it watches, read as a deploy reads them (and read
//! again when a lamctl.toml changes); and the log tail's settings.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::DeployArgs;
use crate::aws::AwsOverrides;
use crate::cli::config::{DEFAULT_FILE, Project};
use crate::cli::workspace::{Workspace, flags};
use crate::cli::{GlobalArgs, OutputArg};
use crate::commands::deploy::watch::{Reload, WatchSettings, Watched};
use crate::commands::logs::{Follow, Format, LogsSettings, Source};
use crate::commands::workspace::Member;
use crate::error::{Error, Result};
use crate::timewin;

/// The tail polls FilterLogEvents at most this often per function…
const TAIL_INTERVAL: Duration = Duration::from_secs(1);
/// …and at most this many calls a second over all functions (the quota
/// is 25 a second per account and region, shared with other readers).
const TAIL_CALLS_PER_SECOND: u32 = 5;

/// What `deploy --watch` runs: the watch, and the log tail (its AWS
/// settings and what it follows) unless `--no-logs`.
pub struct WatchRun {
    pub watch: WatchSettings,
    pub tail: Option<(AwsOverrides, LogsSettings)>,
}

/// `deploy --watch`'s settings, checked before any AWS call.
pub fn settings(args: &DeployArgs, global: &GlobalArgs) -> Result<WatchRun> {
    refuse(args, global)?;
    let members = load(args, global)?;
    let (tail, untailed) = match args.no_logs {
        true => (None, Vec::new()),
        false => {
            let (aws, logs, untailed) = tail(&members);
            (Some((aws, logs)), untailed)
        }
    };
    let jobs = args
        .many
        .all
        .jobs
        .map_or(crate::commands::workspace::DEFAULT_JOBS, usize::from);
    let (args, global) = (args.clone(), global.clone());
    let reload: Reload = Arc::new(move || load(&args, &global));
    Ok(WatchRun {
        watch: WatchSettings {
            members,
            jobs,
            reload,
            untailed,
        },
        tail,
    })
}

/// The members, as `deploy` (one function) or `deploy --all` / `deploy
/// NAME…` (a workspace) reads them, each with the lamctl.toml files it is
/// read from.
fn load(args: &DeployArgs, global: &GlobalArgs) -> Result<Vec<Member<Watched>>> {
    let explicit = global.config.as_deref();
    let ws = Workspace::discover(explicit)?;
    if let Some(many) = flags::deploy(args, global, ws.as_ref())? {
        let root = ws.as_ref().map_or(Path::new("."), |w| w.root.as_path());
        let root_file = ws.as_ref().and_then(|w| w.file.clone());
        return Ok(many
            .members
            .into_iter()
            .map(|m| {
                let own = root.join(&m.label).join(DEFAULT_FILE);
                Member {
                    settings: Watched {
                        deploy: m.settings,
                        configs: std::iter::once(own).chain(root_file.clone()).collect(),
                    },
                    label: m.label,
                    function: m.function,
                    aws: m.aws,
                }
            })
            .collect());
    }
    let project = match ws {
        Some(_) => None,
        None => Project::discover(explicit)?,
    };
    let deploy = args.settings(project.as_ref())?;
    let function = deploy.desired.name.clone();
    Ok(vec![Member {
        label: function.clone(),
        function,
        aws: global.aws(project.as_ref()),
        settings: Watched {
            deploy,
            configs: project
                .map(|p| p.path)
                .into_iter()
                .collect::<Vec<PathBuf>>(),
        },
    }])
}

/// The log tail: every watched function's group from now on, followed by
/// polling (a function that has not logged yet is no error), each line
/// naming its function. One AWS context: members with other AWS settings
/// than the first (profile, region, endpoint) are not tailed, and returned.
fn tail(members: &[Member<Watched>]) -> (AwsOverrides, LogsSettings, Vec<String>) {
    let aws = members.first().map(|m| m.aws.clone()).unwrap_or_default();
    let (names, untailed): (Vec<_>, Vec<_>) =
        members.iter().partition(|m| same_account(&m.aws, &aws));
    let names: Vec<String> = names.into_iter().map(|m| m.function.clone()).collect();
    let untailed = untailed.into_iter().map(|m| m.function.clone()).collect();
    let n = u32::try_from(names.len()).unwrap_or(u32::MAX);
    let interval = TAIL_INTERVAL.max(Duration::from_secs(1) * n / TAIL_CALLS_PER_SECOND);
    let settings = LogsSettings {
        source: Source::Functions {
            names,
            qualifier: None,
        },
        since: timewin::now_ms(),
        until: None,
        filter: None,
        request_id: None,
        stream_prefix: None,
        follow: Some(Follow {
            stop_after: None,
            poll: true,
            interval,
        }),
        format: Format::Short,
    };
    (aws, settings, untailed)
}

/// The same profile, region and endpoint (wherever each file is).
fn same_account(a: &AwsOverrides, b: &AwsOverrides) -> bool {
    let file = |o: &AwsOverrides| {
        o.file
            .as_ref()
            .map(|f| (f.profile.clone(), f.region.clone(), f.endpoint_url.clone()))
    };
    (&a.profile, &a.region, &a.endpoint_url) == (&b.profile, &b.region, &b.endpoint_url)
        && file(a) == file(b)
}

/// Flags that publish, move an alias, change the configuration or print a
/// document: `--watch` updates code only, and stdout is the log tail.
fn refuse(args: &DeployArgs, global: &GlobalArgs) -> Result<()> {
    if global.output == OutputArg::Json {
        return Err(Error::usage(
            "--output json does not go with --watch: stdout carries the functions' logs",
        )
        .with_hint("leave out -o json (status lines are on stderr)"));
    }
    let given = [
        (args.dry_run, "--dry-run"),
        (args.publish, "--publish"),
        (args.no_publish, "--no-publish"),
        (args.alias.is_some(), "--alias"),
        (args.no_alias, "--no-alias"),
        (args.canary.is_some(), "--canary"),
        (args.keep_versions.is_some(), "--keep-versions"),
        (args.no_keep_versions, "--no-keep-versions"),
        (args.concurrency.is_some(), "--concurrency"),
        (args.no_concurrency, "--no-concurrency"),
        (args.provisioned.is_some(), "--provisioned"),
        (args.no_provisioned, "--no-provisioned"),
        (args.url, "--url"),
        (args.no_url, "--no-url"),
        (args.url_auth.is_some(), "--url-auth"),
        (args.invoke_mode.is_some(), "--invoke-mode"),
        (args.cors.given(), "--cors-*"),
        (args.create_role, "--create-role"),
        (args.force, "--force"),
        (args.env_replace, "--env-replace"),
        (args.tag_replace, "--tag-replace"),
        (!args.unset.is_empty(), "--unset"),
        (args.many.fail_fast, "--fail-fast"),
    ];
    if let Some((_, flag)) = given.iter().find(|(on, _)| *on) {
        return Err(not_with_watch(flag));
    }
    if let Some(flag) = configuration_flag(args) {
        return Err(not_with_watch(&flag));
    }
    Ok(())
}

fn not_with_watch(flag: &str) -> Error {
    Error::usage(format!(
        "{flag} does not go with --watch: it updates the code only (no version, alias or configuration)"
    ))
    .with_hint(format!(
        "run lamctl deploy {flag}… without --watch, or leave {flag} out"
    ))
}

/// The first function setting given as a flag (`--memory`, `--env`, …):
/// configuration, which a watch never changes. `--function` only names
/// the function.
fn configuration_flag(args: &DeployArgs) -> Option<String> {
    let mut spec = args.spec.clone();
    spec.name = None;
    let serde_json::Value::Object(fields) = serde_json::to_value(&spec).ok()? else {
        return None;
    };
    let cmd = DeployArgs::augment_args(clap::Command::new("deploy"));
    fields
        .iter()
        .filter(|(_, v)| match v {
            serde_json::Value::Null | serde_json::Value::Bool(false) => false,
            serde_json::Value::Array(a) => !a.is_empty(),
            serde_json::Value::Object(o) => !o.is_empty(),
            serde_json::Value::String(s) => !s.is_empty(),
            _ => true,
        })
        .find_map(|(key, _)| {
            let arg = cmd.get_arguments().find(|a| a.get_id() == key.as_str())?;
            Some(format!("--{}", arg.get_long()?))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_configuration_flag_is_found_by_its_name() {
        use crate::cli::Cli;
        use clap::Parser;
        let parse = |extra: &[&str]| {
            let mut argv = vec!["lamctl", "deploy", "--watch"];
            argv.extend_from_slice(extra);
            match Cli::try_parse_from(argv).unwrap().command {
                crate::cli::Command::Deploy(d) => *d,
                _ => unreachable!(),
            }
        };
        assert_eq!(configuration_flag(&parse(&["--function", "f"])), None);
        assert_eq!(
            configuration_flag(&parse(&["--memory", "256"])).as_deref(),
            Some("--memory")
        );
        assert_eq!(
            configuration_flag(&parse(&["--env", "A=1"])).as_deref(),
            Some("--env")
        );
        assert_eq!(
            configuration_flag(&parse(&[
                "--layer",
                "arn:aws:lambda:us-east-1:123456789012:layer:l:1"
            ]))
            .as_deref(),
            Some("--layer")
        );
    }
}
