//! Several functions at once: their groups read in parallel (bounded),
//! their events merged into one stream by timestamp; ties by function
//! name, then in the order each group's read returned them.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use super::Ctx;
use super::read::{Event, Reader};
use crate::error::Result;

/// Calls in flight at once when reading several groups or resolving
/// several functions: enough to overlap latency, well under the
/// CloudWatch Logs and Lambda request rates (FilterLogEvents: 25/s).
pub(super) const PARALLEL: usize = 4;

/// Run `futs` on this task, at most `limit` at a time; the outputs in the
/// order of `futs`.
pub(super) async fn bounded<F: Future>(futs: Vec<F>, limit: usize) -> Vec<F::Output> {
    let n = futs.len();
    let mut waiting = futs.into_iter().map(Box::pin).enumerate();
    let mut running: Vec<(usize, Pin<Box<F>>)> = Vec::new();
    let mut out: Vec<Option<F::Output>> = (0..n).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        loop {
            while running.len() < limit.max(1) {
                match waiting.next() {
                    Some(f) => running.push(f),
                    None => break,
                }
            }
            if running.is_empty() {
                return Poll::Ready(());
            }
            let mut done = false;
            let mut i = 0;
            while i < running.len() {
                if let Poll::Ready(v) = running[i].1.as_mut().poll(cx) {
                    let (at, _) = running.swap_remove(i);
                    out[at] = Some(v);
                    done = true;
                } else {
                    i += 1;
                }
            }
            if !done {
                return Poll::Pending;
            }
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

/// One stream: each function's events (already in its own order) merged
/// by timestamp, then function name, then that order.
pub(super) fn merge(mut events: Vec<Event>) -> Vec<Event> {
    // A stable sort keeps each function's own order among equal keys.
    events.sort_by(|a, b| (a.timestamp, &a.function).cmp(&(b.timestamp, &b.function)));
    events
}

/// Read every reader's window (one function each) and merge them. With
/// several functions, one whose log group does not exist yet (it never
/// logged) reads as empty and is named in `missing`, so that the others'
/// lines still show; with one, that is the error it always was.
pub(super) async fn read_all(
    readers: &[Reader<'_>],
    start: i64,
    end: Option<i64>,
    missing: &mut Vec<String>,
) -> Result<Vec<Event>> {
    // One function named alone: a missing group is the error it always
    // was; a labelled one (`logs --all`, `deploy --watch`'s tail) is noted.
    if let [one] = readers
        && one.function.is_none()
    {
        return one.read(start, end).await;
    }
    let reads = bounded(
        readers.iter().map(|r| r.read(start, end)).collect(),
        PARALLEL,
    )
    .await;
    let mut all = Vec::new();
    for (r, got) in readers.iter().zip(reads) {
        match got {
            Ok(events) => all.extend(events),
            Err(e) if e.is_not_found() => missing.push(r.function.clone().unwrap_or_default()),
            Err(e) => return Err(e),
        }
    }
    Ok(merge(all))
}

/// Say once per function that its log group does not exist yet.
pub(super) fn note_missing(
    ctx: &Ctx<'_>,
    readers: &[Reader<'_>],
    missing: Vec<String>,
    noted: &mut std::collections::HashSet<String>,
) {
    for f in missing {
        if noted.insert(f.clone())
            && let Some(r) = readers
                .iter()
                .find(|r| r.function.as_deref() == Some(f.as_str()))
        {
            ctx.ui.note(format!(
                "function {f}: log group {} does not exist yet (it has not logged); reading the others",
                r.group.name
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::read::ev;
    use super::*;

    fn of(f: &str, ts: i64, msg: &str) -> Event {
        let mut e = ev(ts, ts, "1", msg);
        e.function = Some(f.into());
        e
    }

    #[test]
    fn merged_by_time_then_function_then_each_functions_order() {
        let got = merge(vec![
            of("b", 1, "b1"),
            of("b", 3, "b3 first"),
            of("b", 3, "b3 second"),
            of("a", 2, "a2"),
            of("a", 3, "a3"),
        ]);
        let m: Vec<&str> = got.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(m, ["b1", "a2", "a3", "b3 first", "b3 second"]);
    }

    #[tokio::test]
    async fn bounded_keeps_the_order_and_the_limit() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let now = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let futs: Vec<_> = (0..10u64)
            .map(|i| {
                let (now, most) = (&now, &most);
                async move {
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(n, Ordering::SeqCst);
                    tokio::time::sleep(std::time::Duration::from_millis(10 - i)).await;
                    now.fetch_sub(1, Ordering::SeqCst);
                    i
                }
            })
            .collect();
        assert_eq!(bounded(futs, 3).await, (0..10).collect::<Vec<_>>());
        assert_eq!(most.load(Ordering::SeqCst), 3);
    }
}
