//! `-f`: Live Tail first (so nothing written from then on is missed), then
//! the window, then Live Tail's events; polling FilterLogEvents where Live
//! Tail is not offered (backing off while throttled). Every event once:
//! see [`Seen`].

use std::collections::HashSet;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::types::{LiveTailSessionLogEvent, StartLiveTailResponseStream};

use super::print::Printer;
use super::read::{Event, Reader, sort_events};
use super::seen::Seen;
use super::{Ctx, Follow, multi, secs};
use crate::aws::Service;
use crate::aws::live_tail::{self, LiveTailStream, NotStarted};
use crate::error::Result;
use crate::timewin;

/// How long before the newest event a poll looks again, for events that
/// arrive late; they are de-duplicated by event id.
const LOOKBACK_MS: i64 = 5_000;
/// A Live Tail session that ends sooner than this is not a real one (an
/// emulator answers with one snapshot): follow by polling instead.
const SHORT_SESSION: Duration = Duration::from_secs(60);
/// Throttled polls back off up to this (or the interval asked, if longer).
const MAX_POLL_INTERVAL: Duration = Duration::from_secs(30);

/// When following stops: after `--follow-for`, or at `--until`, whichever
/// comes first; `None`: never (Ctrl-C).
pub(super) fn deadline(f: &Follow, until: Option<i64>) -> Option<Duration> {
    deadline_at(f, until, timewin::now_ms())
}

fn deadline_at(f: &Follow, until: Option<i64>, now_ms: i64) -> Option<Duration> {
    let to_until = until.map(|u| Duration::from_millis(u.saturating_sub(now_ms).max(0) as u64));
    match (f.stop_after, to_until) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

pub(super) async fn run(
    ctx: &Ctx<'_>,
    readers: &[Reader<'_>],
    printer: &mut Printer,
    follow: &Follow,
    since: i64,
    until: Option<i64>,
) -> Result<()> {
    let started = Instant::now();
    let deadline = deadline(follow, until);
    let mut f = Follower {
        readers,
        since,
        until,
        seen: Seen::default(),
        floor: since,
        live_tail: false,
        hold_ms: if readers.len() > 1 {
            follow.interval.as_millis() as i64
        } else {
            0
        },
        pending: Vec::new(),
        noted: HashSet::new(),
    };
    if until.is_some_and(|u| u <= timewin::now_ms()) {
        ctx.ui.detail("--until is in the past: nothing to follow");
        f.poll(ctx, printer).await?;
        return f.release(printer, Vec::new(), true);
    }

    // Live Tail first (so nothing written from now on is missed), then the window.
    let mut session = if follow.poll {
        ctx.ui
            .detail("following by polling FilterLogEvents (--poll)");
        None
    } else {
        start_live_tail(ctx, readers, since, until).await?
    };
    f.live_tail = session.is_some();
    f.poll(ctx, printer).await?;

    let mut interval = follow.interval;
    let mut sampled_warned = false;
    loop {
        let remaining = deadline.map(|d| d.saturating_sub(started.elapsed()));
        if remaining.is_some_and(|r| r.is_zero()) {
            break;
        }
        let stop = tokio::time::sleep(remaining.unwrap_or(Duration::from_secs(86_400 * 365)));
        tokio::pin!(stop);
        match session.as_mut() {
            Some(live) => {
                let next = tokio::select! {
                    r = live.stream.recv() => r,
                    _ = &mut stop => break,
                };
                match next {
                    Ok(Some(StartLiveTailResponseStream::SessionUpdate(u))) => {
                        if u.session_metadata().is_some_and(|m| m.sampled()) && !sampled_warned {
                            sampled_warned = true;
                            ctx.ui.warn("Live Tail is sampling this log group (over 500 events a second): some events are not shown; --poll shows every one");
                        }
                        let fresh: Vec<Event> = live
                            .scope
                            .events(u.session_results())
                            .into_iter()
                            .filter(|e| f.seen.admit_live(e))
                            .collect();
                        f.release(printer, fresh, false)?;
                    }
                    Ok(Some(_)) => {}
                    end => {
                        let lasted = live.started.elapsed();
                        match end {
                            Err(e) => ctx.ui.detail(format!(
                                "the Live Tail session ended after {}: {}",
                                secs(lasted),
                                crate::error::chain(&e)
                            )),
                            _ => ctx.ui.detail(format!(
                                "the Live Tail session ended after {}",
                                secs(lasted)
                            )),
                        }
                        if lasted < SHORT_SESSION {
                            ctx.ui.detail(format!(
                                "following by polling FilterLogEvents every {}",
                                secs(interval)
                            ));
                            session = None;
                        } else {
                            // AWS ends sessions after 3 hours: start another,
                            // then fill the gap from FilterLogEvents.
                            session = start_live_tail(ctx, readers, since, until).await?;
                        }
                        f.live_tail = session.is_some();
                        f.poll(ctx, printer).await?;
                    }
                }
            }
            None => {
                tokio::select! {
                    _ = tokio::time::sleep(interval) => {}
                    _ = &mut stop => break,
                }
                match f.poll(ctx, printer).await {
                    Ok(()) => interval = follow.interval,
                    Err(e) if e.is_throttling() => {
                        interval = (interval * 2).min(MAX_POLL_INTERVAL.max(follow.interval));
                        ctx.ui.detail(format!(
                            "FilterLogEvents is throttled: polling every {}",
                            secs(interval)
                        ));
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    // At --until, one last pass for events that arrived late; --follow-for just stops.
    if until.is_some_and(|u| u <= timewin::now_ms()) {
        f.poll(ctx, printer).await?;
    }
    f.release(printer, Vec::new(), true)?;
    ctx.ui.detail("stopped following");
    Ok(())
}

struct Follower<'r, 'a> {
    readers: &'r [Reader<'a>],
    since: i64,
    until: Option<i64>,
    seen: Seen,
    /// Where the next poll starts: only moves forward.
    floor: i64,
    /// A Live Tail session is running.
    live_tail: bool,
    /// Polling several groups: how long an event is held back so that an
    /// older event of another function, returned by a later poll, still
    /// prints before it (one poll interval); 0 with one group.
    hold_ms: i64,
    /// Admitted, not yet printed (held back), in merge order.
    pending: Vec<Event>,
    /// Functions already said to have no log group yet.
    noted: HashSet<String>,
}

impl Follower<'_, '_> {
    /// One FilterLogEvents pass from the floor; prints what is new.
    async fn poll(&mut self, ctx: &Ctx<'_>, printer: &mut Printer) -> Result<()> {
        let mut missing = Vec::new();
        let events = multi::read_all(self.readers, self.floor, self.until, &mut missing).await?;
        multi::note_missing(ctx, self.readers, missing, &mut self.noted);
        let fresh: Vec<Event> = events
            .into_iter()
            .filter(|e| self.seen.admit_polled(e))
            .collect();
        self.release(printer, fresh, false)?;
        if let Some(newest) = self.seen.newest {
            let f = newest.min(timewin::now_ms()) - LOOKBACK_MS;
            self.floor = self.floor.max(f).max(self.since);
            self.seen.prune(self.floor, self.live_tail);
        }
        Ok(())
    }
}

impl Follower<'_, '_> {
    /// Print `fresh`, or with several groups polled, what of it and of the
    /// held events is older than the reorder window (`all`: everything).
    fn release(&mut self, printer: &mut Printer, fresh: Vec<Event>, all: bool) -> Result<()> {
        if self.hold_ms == 0 && self.pending.is_empty() {
            return printer.print(&fresh);
        }
        self.pending.extend(fresh);
        self.pending = multi::merge(std::mem::take(&mut self.pending));
        let cut = if all || self.live_tail {
            i64::MAX
        } else {
            timewin::now_ms() - self.hold_ms
        };
        let n = self.pending.partition_point(|e| e.timestamp <= cut);
        let out: Vec<Event> = self.pending.drain(..n).collect();
        printer.print(&out)
    }
}

struct LiveSession {
    stream: LiveTailStream,
    scope: LiveScope,
    started: Instant,
}

/// Which of a Live Tail session's events belong to what is followed.
struct LiveScope {
    groups: Vec<LiveGroup>,
    since: i64,
    until: Option<i64>,
}

/// One group of a session.
struct LiveGroup {
    /// By ARN (as Live Tail names it) and by name.
    arn: String,
    name: String,
    /// The label its lines carry when several functions are followed.
    function: Option<String>,
    /// Empty: every stream.
    prefixes: Vec<String>,
}

impl LiveScope {
    /// One update's events that are in scope, in merge order.
    fn events(&self, results: &[LiveTailSessionLogEvent]) -> Vec<Event> {
        let mut events: Vec<Event> = results
            .iter()
            .filter_map(|e| {
                // Emulators may send other groups' events (or none named).
                let g = match e.log_group_identifier() {
                    Some(id) => self.groups.iter().find(|g| g.arn == id || g.name == id),
                    None => self.groups.first().filter(|_| self.groups.len() == 1),
                }?;
                let ev = Event {
                    function: g.function.clone(),
                    timestamp: e.timestamp().unwrap_or_default(),
                    ingestion_time: e.ingestion_time().unwrap_or_default(),
                    stream: e.log_stream_name().unwrap_or_default().to_string(),
                    event_id: None,
                    message: e.message().unwrap_or_default().to_string(),
                };
                let keep = (g.prefixes.is_empty()
                    || g.prefixes.iter().any(|p| ev.stream.starts_with(p.as_str())))
                    && ev.timestamp >= self.since
                    && self.until.is_none_or(|u| ev.timestamp <= u);
                keep.then_some(ev)
            })
            .collect();
        sort_events(&mut events);
        multi::merge(events)
    }
}

/// Start one Live Tail session of every group, or say why not (with -v)
/// and return None so the caller polls. With one group, a group that does
/// not exist is an error; with several, a reason to poll (which reads the
/// others meanwhile).
async fn start_live_tail(
    ctx: &Ctx<'_>,
    readers: &[Reader<'_>],
    since: i64,
    until: Option<i64>,
) -> Result<Option<LiveSession>> {
    // More groups than one session takes: polling, rather than several
    // sessions (AWS allows 15 at once per account, shared with the console).
    if readers.len() > live_tail::MAX_LOG_GROUPS {
        ctx.ui.detail(format!(
            "Live Tail takes at most {} log groups in a session; following {} by polling FilterLogEvents",
            live_tail::MAX_LOG_GROUPS,
            readers.len()
        ));
        return Ok(None);
    }
    let arns = multi::bounded(
        readers.iter().map(|r| r.group_arn()).collect(),
        multi::PARALLEL,
    )
    .await;
    let now = timewin::now_ms();
    let mut groups = Vec::new();
    for (r, arn) in readers.iter().zip(arns) {
        let arn = match arn {
            Ok(Some(a)) => a,
            Ok(None) if readers.len() == 1 => return Err(r.group_not_found()),
            Ok(None) => {
                ctx.ui.detail(format!(
                    "log group {} does not exist yet; following by polling FilterLogEvents",
                    r.group.name
                ));
                return Ok(None);
            }
            Err(e) => {
                ctx.ui.detail(format!(
                    "cannot use Live Tail ({e}); following by polling FilterLogEvents"
                ));
                return Ok(None);
            }
        };
        groups.push(LiveGroup {
            arn,
            name: r.group.name.clone(),
            function: r.function.clone(),
            prefixes: r.streams.live_tail_prefixes(now),
        });
    }
    // AWS takes stream prefixes only with one log group: with several,
    // every stream is tailed and each group's are picked here.
    let prefixes = match groups.as_slice() {
        [one] => one.prefixes.clone(),
        _ => Vec::new(),
    };
    let arns: Vec<String> = groups.iter().map(|g| g.arn.clone()).collect();
    let first = &readers[0];
    let started = Instant::now();
    match live_tail::start(first.aws, first.client, &arns, &prefixes, first.filter).await {
        Ok(stream) => {
            ctx.ui.detail(format!(
                "following with CloudWatch Live Tail ({})",
                first.aws.endpoint_label(Service::Logs)
            ));
            Ok(Some(LiveSession {
                stream,
                scope: LiveScope {
                    groups,
                    since,
                    until,
                },
                started,
            }))
        }
        Err(NotStarted::Unavailable(e)) => {
            ctx.ui.detail(format!(
                "Live Tail is not available ({e}); following by polling FilterLogEvents"
            ));
            Ok(None)
        }
        Err(NotStarted::TimedOut) => {
            ctx.ui
                .detail("Live Tail did not start in time; following by polling FilterLogEvents");
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn follow(stop_after: Option<Duration>) -> Follow {
        Follow {
            stop_after,
            poll: false,
            interval: Duration::from_secs(1),
        }
    }

    #[test]
    fn following_stops_at_follow_for_or_until_whichever_is_first() {
        let now = 1_000_000;
        let s = Duration::from_secs;
        assert_eq!(deadline_at(&follow(None), None, now), None);
        assert_eq!(deadline_at(&follow(Some(s(5))), None, now), Some(s(5)));
        assert_eq!(
            deadline_at(&follow(None), Some(now + 3_000), now),
            Some(s(3))
        );
        assert_eq!(
            deadline_at(&follow(Some(s(5))), Some(now + 3_000), now),
            Some(s(3))
        );
        assert_eq!(
            deadline_at(&follow(Some(s(2))), Some(now + 3_000), now),
            Some(s(2))
        );
        // --until in the past: stop at once.
        assert_eq!(
            deadline_at(&follow(None), Some(now - 3_000), now),
            Some(Duration::ZERO)
        );
    }

    fn live(group: &str, stream: &str, ts: i64, msg: &str) -> LiveTailSessionLogEvent {
        LiveTailSessionLogEvent::builder()
            .log_group_identifier(group)
            .log_stream_name(stream)
            .timestamp(ts)
            .ingestion_time(ts + 1)
            .message(msg)
            .build()
    }

    #[test]
    fn live_tail_events_are_kept_to_the_group_streams_and_window() {
        let arn = "arn:aws:logs:us-east-1:123456789012:log-group:/g";
        let group = |prefixes: Vec<String>| LiveGroup {
            arn: arn.into(),
            name: "/g".into(),
            function: None,
            prefixes,
        };
        let scope = LiveScope {
            groups: vec![group(vec!["2024/05/01/[3]".into()])],
            since: 100,
            until: Some(200),
        };
        let got = scope.events(&[
            live(arn, "2024/05/01/[3]a", 150, "second"),
            live("/g", "2024/05/01/[3]a", 120, "first (group by name)"),
            live("/other", "2024/05/01/[3]a", 130, "another group"),
            live(arn, "2024/05/01/[4]a", 140, "another version"),
            live(arn, "2024/05/01/[3]a", 99, "before the window"),
            live(arn, "2024/05/01/[3]a", 201, "after the window"),
        ]);
        let m: Vec<&str> = got.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(m, ["first (group by name)", "second"]);
        assert!(got.iter().all(|e| e.event_id.is_none()));

        let all = LiveScope {
            groups: vec![group(Vec::new())],
            until: None,
            ..scope
        };
        assert_eq!(
            all.events(&[live(arn, "x", 10_000, "any stream, open end")])
                .len(),
            1
        );
    }
}
