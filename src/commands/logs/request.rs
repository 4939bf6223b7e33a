//! `--request-id`: one invocation, the lines of its log stream from START
//! to REPORT (an execution environment runs one invocation at a time);
//! with `-f`, polled until its REPORT line arrives.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::follow::deadline;
use super::multi::{PARALLEL, bounded, merge};
use super::print::Printer;
use super::read::{Event, Reader};
use super::seen::id_key;
use super::{Ctx, Follow, secs};
use crate::error::Result;
use crate::logfmt::{self, Marker};
use crate::timewin;

pub(super) async fn run(
    ctx: &Ctx<'_>,
    readers: &[Reader<'_>],
    printer: &mut Printer,
    follow: Option<&Follow>,
    id: &str,
    since: i64,
    until: Option<i64>,
) -> Result<()> {
    let started = Instant::now();
    let (interval, deadline) = match follow {
        Some(f) => (f.interval, deadline(f, until)),
        None => (Duration::ZERO, None),
    };
    if follow.is_some() {
        ctx.ui.detail(format!(
            "following request {id} by polling FilterLogEvents every {} until its REPORT line",
            secs(interval)
        ));
    }
    let mut printed: HashSet<String> = HashSet::new();
    loop {
        let last = follow.is_none() || deadline.is_some_and(|d| started.elapsed() >= d);
        // With several functions the id is looked for in each group (it
        // is one function's); their lines merged as any others are.
        let found = bounded(
            readers
                .iter()
                .map(|r| invocation(ctx, r, id, since, until))
                .collect(),
            PARALLEL,
        )
        .await;
        let (mut events, mut complete) = (Vec::new(), false);
        for got in found {
            match got {
                Ok((e, c)) => {
                    events.extend(e);
                    complete |= c;
                }
                // One of several that never logged has no lines of it.
                Err(e) if readers.len() > 1 && e.is_not_found() => {}
                Err(e) => return Err(e),
            }
        }
        let fresh: Vec<Event> = merge(events)
            .into_iter()
            .filter(|e| id_key(e).is_none_or(|i| printed.insert(i)))
            .collect();
        printer.print(&fresh)?;
        if last || complete {
            if printed.is_empty() {
                let groups = match readers {
                    [one] => one.group.name.clone(),
                    _ => format!("the log groups of {} functions", readers.len()),
                };
                ctx.ui.note(format!(
                    "no log events of request {id} in {groups} in this window (widen it with --since)"
                ));
            }
            return Ok(());
        }
        // At the deadline, one last look, then stop.
        let wait = match deadline {
            Some(d) => interval.min(d.saturating_sub(started.elapsed())),
            None => interval,
        };
        tokio::time::sleep(wait).await;
    }
}

/// The invocation's events so far, and whether its REPORT line is among them.
async fn invocation(
    ctx: &Ctx<'_>,
    reader: &Reader<'_>,
    id: &str,
    since: i64,
    until: Option<i64>,
) -> Result<(Vec<Event>, bool)> {
    // Find its lines: every one carries the id (text START/END/REPORT and
    // runtime lines, JSON "requestId").
    let to = until.unwrap_or_else(timewin::now_ms);
    let prefixes = reader.streams.prefixes(since, to);
    let quoted = format!("\"{id}\"");
    let mentions: Vec<Event> = reader
        .fetch(&prefixes, None, since, until, Some(&quoted))
        .await?
        .into_iter()
        .filter(|e| e.message.contains(id))
        .collect();
    let is =
        |e: &Event, m: Marker| logfmt::marker(&e.message).is_some_and(|(k, i)| k == m && i == id);
    let Some(first) = mentions
        .iter()
        .find(|e| is(e, Marker::Start))
        .or_else(|| mentions.first())
        .cloned()
    else {
        return Ok((Vec::new(), false));
    };
    if !is(&first, Marker::Start) {
        ctx.ui.detail(format!(
            "the START line of {id} is before the window; showing from its first line in it"
        ));
    }
    let report = mentions
        .iter()
        .find(|e| {
            e.stream == first.stream && is(e, Marker::Report) && e.timestamp >= first.timestamp
        })
        .cloned();

    // Everything in its stream between the two.
    let end = report.as_ref().map(|r| r.timestamp).or(until);
    let all = reader
        .fetch(&[None], Some(&first.stream), first.timestamp, end, None)
        .await?;
    let mut slice = between(&all, &first, report.as_ref(), id);
    let complete = report.is_some();
    if let Some(f) = reader.filter {
        // Narrow the invocation's lines with the user's pattern, server-side.
        let keep: HashSet<Option<String>> = reader
            .fetch(&[None], Some(&first.stream), first.timestamp, end, Some(f))
            .await?
            .into_iter()
            .map(|e| e.event_id)
            .collect();
        slice.retain(|e| keep.contains(&e.event_id));
    }
    Ok((slice, complete))
}

/// The lines of one stream from `first` to `report`, or up to the next
/// invocation's START when it never reported.
fn between(all: &[Event], first: &Event, report: Option<&Event>, id: &str) -> Vec<Event> {
    let from = all
        .iter()
        .position(|e| e.event_id == first.event_id)
        .unwrap_or(0);
    let mut slice = Vec::new();
    for e in &all[from..] {
        if slice.is_empty()
            || !matches!(logfmt::marker(&e.message), Some((Marker::Start, ref other)) if other != id)
        {
            slice.push(e.clone());
        } else {
            break; // The next invocation began and this one never reported.
        }
        if report.is_some_and(|r| r.event_id == e.event_id) {
            break;
        }
    }
    slice
}

#[cfg(test)]
mod tests {
    use super::super::read::ev;
    use super::*;

    #[test]
    fn an_invocation_is_its_start_to_its_report() {
        let all = vec![
            ev(1, 1, "1", "earlier line"),
            ev(2, 2, "2", "START RequestId: a Version: 1\n"),
            ev(3, 3, "3", "print without the id"),
            ev(4, 4, "4", "END RequestId: a\n"),
            ev(5, 5, "5", "REPORT RequestId: a\tDuration: 1 ms\n"),
            ev(6, 6, "6", "START RequestId: b Version: 1\n"),
        ];
        let got = between(&all, &all[1], Some(&all[4]), "a");
        let ids: Vec<_> = got.iter().map(|e| e.event_id.as_deref().unwrap()).collect();
        assert_eq!(ids, ["2", "3", "4", "5"]);
    }

    #[test]
    fn an_unreported_invocation_ends_at_the_next_start() {
        let all = vec![
            ev(2, 2, "2", "START RequestId: a Version: 1\n"),
            ev(3, 3, "3", "still running"),
            ev(6, 6, "6", "START RequestId: b Version: 1\n"),
            ev(7, 7, "7", "b's line"),
        ];
        let got = between(&all, &all[0], None, "a");
        let ids: Vec<_> = got.iter().map(|e| e.event_id.as_deref().unwrap()).collect();
        assert_eq!(ids, ["2", "3"]);
    }
}
