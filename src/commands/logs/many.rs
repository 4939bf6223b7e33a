//! `lamctl logs A B …` / `logs --all` (a workspace's members): the
//! functions' windows read at once and merged into one stream in time
//! order, each text line starting with its function's name (coloured on a
//! terminal), each JSON line carrying `function`. `-f` follows them all by
//! polling FilterLogEvents, each pass's events merged in time order (Live
//! Tail over several groups is not used yet: docs/workspace.md).

use std::time::{Duration, Instant};

use super::follow::{Follower, MAX_POLL_INTERVAL, deadline};
use super::print::Printer;
use super::read::{Event, Group, Reader, StreamSelect, sort_events};
use super::{LogsSettings, Source, resolve_group, secs};
use crate::commands::Ctx;
use crate::commands::workspace::{self, Pool};
use crate::error::Result;
use crate::timewin::Clock;

#[derive(Debug, Clone)]
pub struct ManyLogs {
    pub functions: Vec<String>,
    /// The window, filter, follow and format (its source is the first
    /// function's).
    pub base: LogsSettings,
}

pub async fn run(ctx: &Ctx<'_>, m: &ManyLogs) -> Result<()> {
    let s = &m.base;
    let aws = ctx.aws().await?;
    let client = aws.logs().await;
    let pool = Pool {
        jobs: workspace::DEFAULT_JOBS,
        fail_fast: false,
    };
    let aws = &aws;
    // Each function's log group; one without (never run) is warned about
    // and left out, unless none has one.
    let found = workspace::each(m.functions.len(), pool, |i| async move {
        let source = Source::Function {
            name: m.functions[i].clone(),
            qualifier: None,
        };
        resolve_group(ctx, aws, &source).await
    })
    .await;
    let mut groups: Vec<(String, Group)> = Vec::new();
    let mut first_error = None;
    for (f, r) in m.functions.iter().zip(found) {
        match r {
            Some(Ok(g)) => groups.push((f.clone(), g)),
            Some(Err(e)) => {
                ctx.ui.warn(format!("{f}: {e}"));
                first_error.get_or_insert(e);
            }
            None => {}
        }
    }
    if groups.is_empty()
        && let Some(e) = first_error
    {
        return Err(e);
    }
    let readers: Vec<(String, Reader)> = groups
        .iter()
        .map(|(f, g)| {
            let r = Reader {
                aws,
                client: &client,
                group: g,
                filter: s.filter.as_deref(),
                streams: StreamSelect::All,
            };
            (f.clone(), r)
        })
        .collect();
    let mut printer = Printer::new(ctx.ui, s.format, Clock::local()).prefixed(&m.functions);
    let mut followers: Vec<(String, Follower)> = readers
        .iter()
        .map(|(f, r)| (f.clone(), Follower::polling(r, s.since, s.until)))
        .collect();

    let started = Instant::now();
    let stop = s.follow.as_ref().and_then(|f| deadline(f, s.until));
    let mut interval = s.follow.as_ref().map(|f| f.interval);
    loop {
        match pass(ctx, &mut followers, &mut printer).await {
            Ok(()) => interval = s.follow.as_ref().map(|f| f.interval),
            Err(e) if e.is_throttling() && s.follow.is_some() => {
                interval = interval.map(|i| (i * 2).min(MAX_POLL_INTERVAL.max(i)));
                ctx.ui.detail(format!(
                    "FilterLogEvents is throttled: polling every {}",
                    secs(interval.unwrap_or_default())
                ));
            }
            Err(e) => return Err(e),
        }
        let Some(wait) = interval else {
            return Ok(());
        };
        let left = stop.map(|d| d.saturating_sub(started.elapsed()));
        if left.is_some_and(|l| l.is_zero()) {
            return Ok(());
        }
        tokio::time::sleep(
            left.map_or(wait, |l| l.min(wait))
                .max(Duration::from_millis(1)),
        )
        .await;
    }
}

/// One pass over every function: what is new, merged in time order.
async fn pass(
    ctx: &Ctx<'_>,
    followers: &mut [(String, Follower<'_, '_>)],
    printer: &mut Printer,
) -> Result<()> {
    let mut events: Vec<Event> = Vec::new();
    for (f, follower) in followers.iter_mut() {
        events.extend(follower.fresh().await?.into_iter().map(|mut e| {
            e.function = Some(f.clone());
            e
        }));
    }
    sort_events(&mut events);
    ctx.ui.detail(format!("{} events", events.len()));
    printer.print(&events)
}
