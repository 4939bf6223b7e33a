//! `lamctl logs`'s flags, and their conversion into the command's plain
//! settings: every mistake in them is reported there, before any AWS call.

use std::path::Path;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::config::Project;
use super::workspace::Workspace;
use crate::commands::logs::{Follow, Format, LogsSettings, Source};
use crate::error::{Error, Result};
use crate::lambda::names::{self, Qualifier};
use crate::output::OutputFormat;
use crate::timewin::{self, Clock, TimeArg, parse_duration, parse_time_arg};

/// How often `-f` polls when not told.
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Polling faster than this only earns throttling.
const MIN_POLL_INTERVAL: Duration = Duration::from_millis(10);

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The function(s) whose logs to read; several: one stream merged by time, each line
    /// prefixed with its function [default: `name` in lamctl.toml]
    #[arg(value_name = "NAME", conflicts_with = "log_group", add = super::complete::functions())]
    pub name: Vec<String>,

    /// Every member of the workspace (lamctl.toml's [workspace], else every lamctl.toml
    /// below ., honouring .gitignore)
    #[arg(long, conflicts_with_all = ["name", "log_group"])]
    pub all: bool,

    /// Read this log group instead of a function's (makes no Lambda call)
    #[arg(long, value_name = "GROUP")]
    pub log_group: Option<String>,

    /// Start of the window: a duration ago (30s, 5m, 2h, 1d) or a time (2024-05-01 12:00,
    /// RFC 3339); local time unless a zone is given
    #[arg(long, value_name = "TIME", default_value = "10m", value_parser = parse_time_arg)]
    pub since: TimeArg,

    /// End of the window, in the same forms as --since [default: now; with -f: open]
    #[arg(long, value_name = "TIME", value_parser = parse_time_arg)]
    pub until: Option<TimeArg>,

    /// Only events matching this CloudWatch filter pattern (passed through as written)
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,

    /// Only one invocation's lines, from its START to its REPORT line (with -f: until it reports)
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,

    /// Only log streams whose name starts with PREFIX
    #[arg(long, value_name = "PREFIX", conflicts_with = "qualifier")]
    pub stream_prefix: Option<String>,

    /// Only what this version ran (a number, $LATEST, or an alias of NAME)
    #[arg(long, value_name = "VERSION", add = super::complete::qualifiers())]
    pub qualifier: Option<String>,

    /// Keep printing new events as they arrive (Ctrl-C, --until or --follow-for ends it)
    #[arg(short, long)]
    pub follow: bool,

    /// With -f: stop following after this long (e.g. 30s, 5m)
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub follow_for: Option<Duration>,

    /// With -f: poll FilterLogEvents instead of using CloudWatch Live Tail
    #[arg(long)]
    pub poll: bool,

    /// With -f: how often to poll when not using Live Tail; doubles while throttled [default: 1s]
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub poll_interval: Option<Duration>,

    /// How each event is printed as text [default: short]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<LogFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Time and message
    Short,
    /// Time, log stream and message
    Detailed,
    /// The message only, exactly as logged
    Raw,
}

impl From<LogFormat> for Format {
    fn from(f: LogFormat) -> Format {
        match f {
            LogFormat::Short => Format::Short,
            LogFormat::Detailed => Format::Detailed,
            LogFormat::Raw => Format::Raw,
        }
    }
}

impl LogsArgs {
    /// Check the flags and resolve them, with lamctl.toml's `name` as the
    /// default function and the window against one "now", into the
    /// settings `lamctl logs` runs with.
    pub fn settings(
        &self,
        project: Option<&Project>,
        output: OutputFormat,
        workspace: Option<&Workspace>,
    ) -> Result<LogsSettings> {
        let default_name = Project::default_function(project);
        let all = if self.all {
            Some(all_functions(workspace)?)
        } else {
            None
        };
        self.settings_at(
            default_name,
            all,
            output,
            timewin::now_ms(),
            &Clock::local(),
        )
    }

    /// `all`: the functions `--all` found.
    fn settings_at(
        &self,
        default_name: Option<&str>,
        all: Option<Vec<String>>,
        output: OutputFormat,
        now: i64,
        clock: &Clock,
    ) -> Result<LogsSettings> {
        let since = self.since.resolve(now);
        let until = self.until.as_ref().map(|u| u.resolve(now));
        // A window that starts in the future shows nothing (or, with -f,
        // waits silently): almost always a wrong date or zone.
        if since > now + 60_000 {
            return Err(Error::usage(format!(
                "--since {} is in the future",
                clock.format_with_zone(since)
            ))
            .with_hint(
                "check the date and its time zone; durations such as 2h count back from now",
            ));
        }
        if let Some(u) = until
            && u < since
        {
            return Err(Error::usage(format!(
                "--until ({}) is before --since ({})",
                clock.format_with_zone(u),
                clock.format_with_zone(since)
            ))
            .with_hint("--until is the end of the window; relative values count back from now"));
        }
        if self.format.is_some() && output == OutputFormat::Json {
            return Err(Error::usage("--format applies to text output")
                .with_hint("--output json prints every field of each event, one object per line"));
        }
        if !self.follow {
            for (set, flag) in [
                (self.follow_for.is_some(), "--follow-for"),
                (self.poll, "--poll"),
                (self.poll_interval.is_some(), "--poll-interval"),
            ] {
                if set {
                    return Err(
                        Error::usage(format!("{flag} only applies with -f/--follow"))
                            .with_hint(format!("add -f to follow new events, or leave out {flag}")),
                    );
                }
            }
        }
        let interval = self.poll_interval.unwrap_or(DEFAULT_POLL_INTERVAL);
        if interval < MIN_POLL_INTERVAL {
            return Err(Error::usage("--poll-interval must be at least 10ms"));
        }
        if let Some(id) = &self.request_id
            && (id.is_empty() || id.contains(|c: char| c.is_whitespace() || c == '"'))
        {
            return Err(Error::usage(format!("'{id}' is not a request id"))
                .with_hint("request ids look like 6e3c6d04-5a54-4c2d-9d3b-0f2c1f6f1c11"));
        }
        if self.stream_prefix.as_deref() == Some("") {
            return Err(Error::usage("--stream-prefix is empty"));
        }
        // A log group as given, or a function: named, else lamctl.toml's.
        let mut source = match &self.log_group {
            Some(g) if g.trim().is_empty() => return Err(Error::usage("--log-group is empty")),
            Some(g) if names::log_group(g).is_err() => {
                let e = names::log_group(g).unwrap_err();
                return Err(Error::usage(format!("{e} (--log-group)")));
            }
            Some(g) => Source::Group {
                name: g.clone(),
                version: None,
            },
            None if all.is_some() || self.name.len() > 1 => {
                // Several (or --all, even of one): each line names its function.
                let mut list: Vec<String> = Vec::new();
                for n in all.as_ref().unwrap_or(&self.name) {
                    names::function_name(n).map_err(Error::usage)?;
                    if !list.contains(n) {
                        list.push(n.clone());
                    }
                }
                if list.is_empty() {
                    return Err(Error::usage(
                        "--all found no lamctl.toml here or in the directories below",
                    )
                    .with_hint("run it from the repository's root, or name the functions"));
                }
                Source::Functions {
                    names: list,
                    qualifier: None,
                }
            }
            None => {
                let name = self.name.first().map(String::as_str).or(default_name).ok_or_else(|| {
                    Error::usage("no function given").with_hint(
                        "name one (lamctl logs NAME), set `name` in lamctl.toml, or pass --log-group GROUP",
                    )
                })?;
                names::function_name(name).map_err(Error::usage)?;
                Source::Function {
                    name: name.to_string(),
                    qualifier: None,
                }
            }
        };
        if let Some(q) = &self.qualifier {
            match (&mut source, names::qualifier(q).map_err(Error::usage)?) {
                (Source::Function { qualifier, .. } | Source::Functions { qualifier, .. }, q) => {
                    *qualifier = Some(q)
                }
                (Source::Group { version, .. }, Qualifier::Version(v)) => *version = Some(v),
                (Source::Group { .. }, Qualifier::Alias(a)) => {
                    return Err(Error::usage(format!(
                        "--qualifier '{a}' is an alias, which needs a function to resolve"
                    ))
                    .with_hint(
                        "name the function instead of --log-group, or give a version number",
                    ));
                }
            }
        }
        Ok(LogsSettings {
            source,
            since,
            until,
            filter: self.filter.clone(),
            request_id: self.request_id.clone(),
            stream_prefix: self.stream_prefix.clone(),
            follow: self.follow.then_some(Follow {
                stop_after: self.follow_for,
                poll: self.poll,
                interval,
            }),
            format: self.format.map(Format::from).unwrap_or_default(),
        })
    }
}

/// The functions `logs --all` reads: the workspace's members, or (no
/// workspace file) every lamctl.toml below the current directory, found
/// and read as `deploy --all` finds them (`cli/workspace.rs`).
pub fn all_functions(workspace: Option<&Workspace>) -> Result<Vec<String>> {
    let implicit;
    let ws = match workspace {
        Some(ws) => ws,
        None => {
            implicit = Workspace::implicit(Path::new("."));
            &implicit
        }
    };
    Ok(ws
        .load(&[])?
        .iter()
        .map(|m| m.function().to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cmd {
        #[command(flatten)]
        args: LogsArgs,
    }

    const NOW: i64 = 1_714_564_800_000;

    fn settings(
        argv: &[&str],
        default_name: Option<&str>,
        output: OutputFormat,
    ) -> Result<LogsSettings> {
        let args = Cmd::try_parse_from(std::iter::once("logs").chain(argv.iter().copied()))
            .unwrap()
            .args;
        args.settings_at(
            default_name,
            None,
            output,
            NOW,
            &Clock::in_zone(jiff::tz::TimeZone::UTC),
        )
    }

    fn ok(argv: &[&str]) -> LogsSettings {
        settings(argv, None, OutputFormat::Text).unwrap()
    }

    fn usage(argv: &[&str]) -> String {
        match settings(argv, None, OutputFormat::Text) {
            Err(e @ Error::Usage { .. }) => e.to_string(),
            other => panic!("{argv:?}: {other:?}"),
        }
    }

    #[test]
    fn defaults_window_and_format() {
        let s = ok(&["f"]);
        assert_eq!(
            s.source,
            Source::Function {
                name: "f".into(),
                qualifier: None
            }
        );
        assert_eq!((s.since, s.until), (NOW - 600_000, None));
        assert_eq!(s.format, Format::Short);
        assert!(s.follow.is_none() && s.request_id.is_none());
        let s = ok(&["f", "--since", "5m", "--until", "1m", "--format", "raw"]);
        assert_eq!((s.since, s.until), (NOW - 300_000, Some(NOW - 60_000)));
        assert_eq!(s.format, Format::Raw);
    }

    #[test]
    fn the_function_name_comes_from_lamctl_toml_unless_given() {
        let from_file = |argv: &[&str]| {
            settings(argv, Some("from-file"), OutputFormat::Text)
                .unwrap()
                .source
        };
        assert_eq!(
            from_file(&[]),
            Source::Function {
                name: "from-file".into(),
                qualifier: None
            }
        );
        assert_eq!(
            from_file(&["given"]),
            Source::Function {
                name: "given".into(),
                qualifier: None
            }
        );
        // --log-group makes the file's name irrelevant.
        assert_eq!(
            from_file(&["--log-group", "/g"]),
            Source::Group {
                name: "/g".into(),
                version: None
            }
        );
        assert!(usage(&[]).contains("no function given"));
    }

    #[test]
    fn several_names_are_several_functions_one_is_as_before() {
        assert_eq!(
            ok(&["a", "b", "a", "--qualifier", "live"]).source,
            Source::Functions {
                names: vec!["a".into(), "b".into()],
                qualifier: Some(Qualifier::Alias("live".into()))
            }
        );
        assert!(matches!(ok(&["a"]).source, Source::Function { .. }));
        assert!(usage(&["a", "not a name"]).contains("invalid function name"));
    }

    #[test]
    fn a_qualifier_is_a_version_or_an_alias_of_a_function() {
        let q = |argv: &[&str]| ok(argv).source;
        assert_eq!(
            q(&["f", "--qualifier", "live"]),
            Source::Function {
                name: "f".into(),
                qualifier: Some(Qualifier::Alias("live".into()))
            }
        );
        assert_eq!(
            q(&["--log-group", "/g", "--qualifier", "$LATEST"]),
            Source::Group {
                name: "/g".into(),
                version: Some("$LATEST".into())
            }
        );
        assert!(usage(&["--log-group", "/g", "--qualifier", "live"]).contains("needs a function"));
        assert!(usage(&["f", "--qualifier", "a.b"]).contains("invalid qualifier 'a.b'"));
    }

    #[test]
    fn follow_settings_only_with_follow() {
        let s = ok(&["f", "-f"]);
        assert_eq!(
            s.follow,
            Some(Follow {
                stop_after: None,
                poll: false,
                interval: DEFAULT_POLL_INTERVAL
            })
        );
        let s = ok(&[
            "f",
            "-f",
            "--poll",
            "--poll-interval",
            "250ms",
            "--follow-for",
            "1m",
        ]);
        assert_eq!(
            s.follow,
            Some(Follow {
                stop_after: Some(Duration::from_secs(60)),
                poll: true,
                interval: Duration::from_millis(250)
            })
        );
        assert!(usage(&["f", "--poll"]).contains("--poll only applies with -f/--follow"));
        assert!(usage(&["f", "-f", "--poll-interval", "5ms"]).contains("at least 10ms"));
    }

    #[test]
    fn bad_values_are_usage_errors() {
        assert!(usage(&["f", "--since", "1m", "--until", "5m"]).contains("is before --since"));
        assert!(usage(&["not a name"]).contains("invalid function name"));
        assert!(usage(&["f", "--request-id", "a\"b"]).contains("is not a request id"));
        assert!(usage(&["f", "--stream-prefix", ""]).contains("--stream-prefix is empty"));
        assert!(usage(&["--log-group", " "]).contains("--log-group is empty"));
        let json = settings(&["f", "--format", "short"], None, OutputFormat::Json);
        assert!(
            json.unwrap_err()
                .to_string()
                .contains("--format applies to text output")
        );
    }
}

#[cfg(test)]
mod several {
    use super::*;

    #[test]
    fn all_reads_the_name_of_each_lamctl_toml_below_honouring_gitignore() {
        let d = tempfile::tempdir().unwrap();
        let put = |rel: &str, text: &str| {
            let p = d.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        put("lamctl.toml", "name = \"fn-root\"\n");
        put("b/lamctl.toml", "name = \"fn-b\"\n");
        put("a/lamctl.toml", "name = \"fn-a\"\n");
        put("deep/c/lamctl.toml", "name = \"fn-c\"\n");
        put("build/lamctl.toml", "name = \"ignored\"\n");
        put(".gitignore", "build/\n");
        // With no workspace file, every lamctl.toml at or below the
        // directory is a member (path order), as deploy --all finds them.
        let ws = Workspace::implicit(d.path());
        let got = all_functions(Some(&ws)).unwrap();
        assert_eq!(got, ["fn-a", "fn-b", "fn-c", "fn-root"]);
        // A member without `name` is its directory's function.
        put("e/lamctl.toml", "runtime = \"python3.12\"\n");
        let got = all_functions(Some(&ws)).unwrap();
        assert_eq!(got, ["fn-a", "fn-b", "fn-c", "e", "fn-root"]);
    }
}
