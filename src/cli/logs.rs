//! `lamctl logs`'s flags.

use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::timewin::{TimeArg, parse_duration, parse_time_arg};

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The function whose logs to read [default: `name` in lamctl.toml]
    #[arg(value_name = "NAME", conflicts_with = "log_group")]
    pub name: Option<String>,

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
    #[arg(long, value_name = "VERSION")]
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
