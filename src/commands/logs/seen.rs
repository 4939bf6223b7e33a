//! De-duplication while following: no event is printed twice across polls
//! (event ids) nor across Live Tail, which sends no ids, and
//! FilterLogEvents (matched by content, counting duplicates).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use super::read::Event;

/// What has been printed.
#[derive(Default)]
pub(super) struct Seen {
    /// Event id -> timestamp.
    ids: HashMap<String, i64>,
    /// Content keys of events printed from FilterLogEvents, for Live Tail:
    /// key -> (how many, timestamp).
    polled: HashMap<u64, (u32, i64)>,
    /// Content keys of events printed from Live Tail, for FilterLogEvents.
    live: HashMap<u64, (u32, i64)>,
    /// The newest timestamp printed.
    pub newest: Option<i64>,
}

/// Two events with the same stream, times and message are the same event
/// seen twice (one through each API), unless each API sent it twice.
fn content_key(e: &Event) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        &e.function,
        &e.stream,
        e.timestamp,
        e.ingestion_time,
        &e.message,
    )
        .hash(&mut h);
    h.finish()
}

/// An event id is unique within its log group only: with several
/// functions it is kept with the function's name (which has no `/`).
pub(super) fn id_key(e: &Event) -> Option<String> {
    let id = e.event_id.as_ref()?;
    Some(match &e.function {
        Some(f) => format!("{f}/{id}"),
        None => id.clone(),
    })
}

/// Consume one occurrence of `k`; false when there is none left.
fn take(map: &mut HashMap<u64, (u32, i64)>, k: u64) -> bool {
    match map.get_mut(&k) {
        Some((n, _)) if *n > 0 => {
            *n -= 1;
            if *n == 0 {
                map.remove(&k);
            }
            true
        }
        _ => false,
    }
}

fn bump(map: &mut HashMap<u64, (u32, i64)>, k: u64, ts: i64) {
    map.entry(k).or_insert((0, ts)).0 += 1;
}

impl Seen {
    /// Whether an event FilterLogEvents returned is new (and remember it).
    pub fn admit_polled(&mut self, e: &Event) -> bool {
        if let Some(id) = id_key(e) {
            if self.ids.contains_key(&id) {
                return false;
            }
            self.ids.insert(id, e.timestamp);
        }
        let k = content_key(e);
        if take(&mut self.live, k) {
            return false;
        }
        bump(&mut self.polled, k, e.timestamp);
        self.saw(e.timestamp);
        true
    }

    /// Whether an event Live Tail sent is new (and remember it).
    pub fn admit_live(&mut self, e: &Event) -> bool {
        let k = content_key(e);
        if take(&mut self.polled, k) {
            return false;
        }
        bump(&mut self.live, k, e.timestamp);
        self.saw(e.timestamp);
        true
    }

    fn saw(&mut self, ts: i64) {
        self.newest = Some(self.newest.map_or(ts, |n| n.max(ts)));
    }

    /// Forget what a poll starting at `floor` can no longer return. While
    /// a Live Tail session runs, keep what polls printed: Live Tail may
    /// still send it (late arrivals; an emulator's snapshot of old events).
    pub fn prune(&mut self, floor: i64, live_tail: bool) {
        self.ids.retain(|_, ts| *ts >= floor);
        if !live_tail {
            self.polled.retain(|_, (_, ts)| *ts >= floor);
        }
        self.live.retain(|_, (_, ts)| *ts >= floor);
    }
}

#[cfg(test)]
mod tests {
    use super::super::read::ev;
    use super::*;

    #[test]
    fn seen_dedupes_across_polls_and_live_tail() {
        let mut s = Seen::default();
        let a = ev(1000, 1001, "1", "a");
        assert!(s.admit_polled(&a));
        assert!(!s.admit_polled(&a), "same id twice");
        // Two identical lines with different ids are two events.
        let b1 = ev(2000, 2001, "2", "same");
        let b2 = ev(2000, 2001, "3", "same");
        assert!(s.admit_polled(&b1) && s.admit_polled(&b2));
        // Live Tail's copy of a polled event (no id) is not printed again.
        let mut live_a = a.clone();
        live_a.event_id = None;
        assert!(!s.admit_live(&live_a));
        // A Live Tail event later seen by a poll is not printed again either.
        let mut c = ev(3000, 3001, "4", "c");
        c.event_id = None;
        assert!(s.admit_live(&c));
        c.event_id = Some("4".into());
        assert!(!s.admit_polled(&c));
        s.prune(2500, false);
        assert!(!s.ids.contains_key("1") && s.ids.contains_key("4"));
        assert_eq!(s.newest, Some(3000));
    }

    #[test]
    fn live_tail_duplicates_are_counted() {
        let mut s = Seen::default();
        // The same line logged twice: two polled events, two Live Tail copies.
        let p1 = ev(1000, 1001, "1", "tick");
        let p2 = ev(1000, 1001, "2", "tick");
        assert!(s.admit_polled(&p1) && s.admit_polled(&p2));
        let mut live = p1.clone();
        live.event_id = None;
        assert!(!s.admit_live(&live), "first copy matches a polled one");
        assert!(!s.admit_live(&live), "second copy matches the other");
        assert!(s.admit_live(&live), "a third is a new event");
    }

    #[test]
    fn pruning_keeps_polled_content_while_live_tail_runs() {
        let mut s = Seen::default();
        let old = ev(1000, 1001, "1", "old");
        assert!(s.admit_polled(&old));
        s.prune(5000, true);
        let mut live_old = old.clone();
        live_old.event_id = None;
        // Live Tail may still send it: it is still recognised.
        assert!(!s.admit_live(&live_old));

        let mut s = Seen::default();
        assert!(s.admit_polled(&old));
        s.prune(5000, false);
        // Without Live Tail it is forgotten once the floor passes it.
        assert!(s.ids.is_empty() && s.polled.is_empty());
    }
}
