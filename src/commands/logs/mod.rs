//! `lamctl logs [NAME]`: a function's CloudWatch log events for a time
//! window, every event once and in order; `-f` follows new ones through
//! CloudWatch Live Tail, or by polling FilterLogEvents where Live Tail is
//! not offered. Decisions are written down in docs/logs.md.
//!
//! The story: resolve the log group (and the versions a qualifier stands
//! for), then read the window ([`read`]), one invocation ([`request`]) or
//! follow ([`follow`]), printing each batch as it is known ([`print`]).

mod follow;
mod multi;
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
    /// Several functions (`logs A B`, `logs --all`): each read as
    /// `Function` is, one stream merged by timestamp, each line naming its
    /// function. The names are checked, in parallel, before anything prints.
    Functions {
        names: Vec<String>,
        qualifier: Option<Qualifier>,
    },
}

impl Source {
    /// What is read, one source per log group, each with the function
    /// label its lines carry (none when there is one source).
    fn each(&self) -> Vec<(Option<String>, Source)> {
        match self {
            Source::Functions { names, qualifier } => names
                .iter()
                .map(|n| {
                    let one = Source::Function {
                        name: n.clone(),
                        qualifier: qualifier.clone(),
                    };
                    (Some(n.clone()), one)
                })
                .collect(),
            one => vec![(None, one.clone())],
        }
    }
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

    // Resolve: each log group, and the streams a qualifier stands for; every
    // function is checked (in parallel) before anything is printed.
    let aws = ctx.aws().await?;
    let client = aws.logs().await;
    let sources = s.source.each();
    let resolved = multi::bounded(
        sources
            .iter()
            .map(|(_, src)| async {
                let group = resolve_group(ctx, &aws, src).await?;
                let streams = resolve_streams(ctx, &aws, src, s.stream_prefix.as_deref()).await?;
                Ok::<_, crate::error::Error>((group, streams))
            })
            .collect(),
        multi::PARALLEL,
    )
    .await
    .into_iter()
    .collect::<Result<Vec<_>>>()?;
    let window = format!(
        "from {}{}",
        clock.format_with_zone(s.since),
        match s.until {
            Some(u) => format!(" to {}", clock.format_with_zone(u)),
            None if s.follow.is_some() => ", following".to_string(),
            None => " to now".to_string(),
        }
    );
    for ((label, _), (group, _)) in sources.iter().zip(&resolved) {
        match label {
            None => ctx.ui.detail(format!(
                "log group {} ({}), {window}",
                group.name, group.origin
            )),
            Some(f) => ctx
                .ui
                .detail(format!("function {f}: log group {}, {window}", group.name)),
        }
    }
    let readers: Vec<Reader> = sources
        .iter()
        .zip(resolved)
        .map(|((label, _), (group, streams))| Reader {
            aws: &aws,
            client: &client,
            group,
            function: label.clone(),
            filter: s.filter.as_deref(),
            streams,
        })
        .collect();
    let mut printer = Printer::new(ctx.ui, s.format, clock);
    printer.label_width(sources.iter().filter_map(|(l, _)| l.as_deref()));

    // Act and report: each batch is printed (and flushed) as soon as it is known.
    if let Some(id) = &s.request_id {
        let follow = s.follow.as_ref();
        return request::run(ctx, &readers, &mut printer, follow, id, s.since, s.until).await;
    }
    match &s.follow {
        None => {
            let mut missing = Vec::new();
            let events = multi::read_all(&readers, s.since, s.until, &mut missing).await?;
            multi::note_missing(ctx, &readers, missing, &mut Default::default());
            ctx.ui.detail(format!("{} events", events.len()));
            printer.print(&events)
        }
        Some(f) => follow::run(ctx, &readers, &mut printer, f, s.since, s.until).await,
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
        Source::Functions { .. } => unreachable!("split by Source::each"),
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
    source: &Source,
    stream_prefix: Option<&str>,
) -> Result<StreamSelect> {
    if let Some(p) = stream_prefix {
        return Ok(StreamSelect::Prefix(p.to_string()));
    }
    let versions = match source {
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
        Source::Functions { .. } => unreachable!("split by Source::each"),
    };
    Ok(StreamSelect::Versions(versions))
}

/// A duration for messages, to the millisecond.
fn secs(d: Duration) -> String {
    timewin::format_duration(Duration::from_millis(d.as_millis() as u64))
}
