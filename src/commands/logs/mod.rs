//! `lamctl logs [NAME]`: a function's CloudWatch log events for a time
//! window, every event once and in order; `-f` follows new ones through
//! CloudWatch Live Tail, or by polling FilterLogEvents where Live Tail is
//! not offered. Decisions are written down in docs/logs.md.
//!
//! The story: resolve the log group (and the versions a qualifier stands
//! for), then read the window ([`read`]), one invocation ([`request`]) or
//! follow ([`follow`]), printing each batch as it is known ([`print`]).

mod follow;
pub mod many;
mod print;
mod read;
mod request;
mod seen;

use std::time::Duration;

pub use print::Format;
pub use read::Event;

use self::print::Printer;
use self::read::{Group, Reader, StreamSelect};
use super::Ctx;
use crate::aws::AwsContext;
use crate::error::Result;
use crate::lambda::{self, names::Qualifier};
use crate::timewin::{self, Clock};

/// What `lamctl logs` reads and how it prints it, checked before any AWS
/// call (the CLI layer fills it from the flags and lamctl.toml).
#[derive(Debug, Clone)]
pub struct LogsSettings {
    pub source: Source,
    /// Start of the window, milliseconds since the epoch.
    pub since: i64,
    /// End of the window; `None`: now, or open while following.
    pub until: Option<i64>,
    /// A CloudWatch filter pattern, passed to the service as written.
    pub filter: Option<String>,
    /// Only this invocation's lines, START to REPORT.
    pub request_id: Option<String>,
    /// Only streams whose name starts with this (instead of a qualifier's).
    pub stream_prefix: Option<String>,
    /// Keep printing new events.
    pub follow: Option<Follow>,
    pub format: Format,
}

/// Where the events are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A log group named as is (no Lambda call); a version narrows it to
    /// that version's streams.
    Group {
        name: String,
        version: Option<String>,
    },
    /// A function's own log group; a qualifier narrows it to what that
    /// version, or the versions an alias routes to, ran.
    Function {
        name: String,
        qualifier: Option<Qualifier>,
    },
}

/// How to follow new events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    /// Stop following after this long.
    pub stop_after: Option<Duration>,
    /// Poll FilterLogEvents instead of trying Live Tail.
    pub poll: bool,
    /// How often to poll (doubled while throttled).
    pub interval: Duration,
}

pub async fn run(ctx: &Ctx<'_>, s: &LogsSettings) -> Result<()> {
    let clock = Clock::local();

    // Resolve: the log group, and the streams a qualifier stands for.
    let aws = ctx.aws().await?;
    let client = aws.logs().await;
    let group = resolve_group(ctx, &aws, &s.source).await?;
    let streams = resolve_streams(ctx, &aws, s).await?;
    ctx.ui.detail(format!(
        "log group {} ({}), from {}{}",
        group.name,
        group.origin,
        clock.format_with_zone(s.since),
        match s.until {
            Some(u) => format!(" to {}", clock.format_with_zone(u)),
            None if s.follow.is_some() => ", following".to_string(),
            None => " to now".to_string(),
        }
    ));
    let reader = Reader {
        aws: &aws,
        client: &client,
        group: &group,
        filter: s.filter.as_deref(),
        streams,
    };
    let mut printer = Printer::new(ctx.ui, s.format, clock);

    // Act and report: each batch is printed (and flushed) as soon as it is known.
    if let Some(id) = &s.request_id {
        let follow = s.follow.as_ref();
        return request::run(ctx, &reader, &mut printer, follow, id, s.since, s.until).await;
    }
    match &s.follow {
        None => {
            let events = reader.read(s.since, s.until).await?;
            ctx.ui.detail(format!("{} events", events.len()));
            printer.print(&events)
        }
        Some(f) => follow::run(ctx, &reader, &mut printer, f, s.since, s.until).await,
    }
}

/// The group named, or the function's own (its LoggingConfig's when
/// custom, else `/aws/lambda/NAME`), and where it came from.
async fn resolve_group(ctx: &Ctx<'_>, aws: &AwsContext, source: &Source) -> Result<Group> {
    let name = match source {
        Source::Group { name, .. } => {
            return Ok(Group {
                name: name.clone(),
                origin: "from --log-group".into(),
                of_function: false,
            });
        }
        Source::Function { name, .. } => name,
    };
    let g = lambda::logs::log_group(&aws.lambda().await, aws, name).await?;
    ctx.ui.detail(format!(
        "function {}: log format {}",
        g.function, g.log_format
    ));
    let origin = if g.custom {
        format!("the LoggingConfig of function {}", g.function)
    } else {
        format!("the default of function {}", g.function)
    };
    Ok(Group {
        name: g.name,
        origin,
        of_function: true,
    })
}

/// Which streams are read: the prefix given, or those of the versions the
/// qualifier stands for (an alias one, or two while traffic is shifted).
async fn resolve_streams(
    ctx: &Ctx<'_>,
    aws: &AwsContext,
    s: &LogsSettings,
) -> Result<StreamSelect> {
    if let Some(p) = &s.stream_prefix {
        return Ok(StreamSelect::Prefix(p.clone()));
    }
    let versions = match &s.source {
        Source::Group { version: None, .. }
        | Source::Function {
            qualifier: None, ..
        } => {
            return Ok(StreamSelect::All);
        }
        Source::Group {
            version: Some(v), ..
        }
        | Source::Function {
            qualifier: Some(Qualifier::Version(v)),
            ..
        } => vec![v.clone()],
        Source::Function {
            name,
            qualifier: Some(Qualifier::Alias(alias)),
        } => {
            let a = lambda::alias::require(&aws.lambda().await, aws, name, alias).await?;
            let versions = a.versions();
            ctx.ui.detail(format!(
                "alias {alias} points at version {}",
                versions.join(" and ")
            ));
            versions
        }
    };
    Ok(StreamSelect::Versions(versions))
}

/// A duration for messages, to the millisecond.
fn secs(d: Duration) -> String {
    timewin::format_duration(Duration::from_millis(d.as_millis() as u64))
}
