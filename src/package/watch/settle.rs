//! The debounce of a watch, with no files and no clock of its own: what
//! changed accumulates until the files have been quiet for a while, so a
//! burst of saves (a build writing many files) is one change.

use std::time::Duration;

use tokio::time::Instant;

use super::Changed;

/// What changed since the last [`Settle::take`], and when it may be taken.
#[derive(Debug)]
pub(super) struct Settle {
    /// How long the files must stay quiet.
    quiet: Duration,
    pub(super) pending: Changed,
    /// When the files will have been quiet long enough (none: nothing pending).
    due: Option<Instant>,
}

impl Settle {
    pub(super) fn new(quiet: Duration) -> Settle {
        Settle {
            quiet,
            pending: Changed::default(),
            due: None,
        }
    }

    /// A change that counts (already added to `pending`) was seen at `now`:
    /// the quiet period starts again.
    pub(super) fn seen(&mut self, now: Instant) {
        self.due = Some(now + self.quiet);
    }

    /// When what is pending may be taken, if anything is.
    pub(super) fn due(&self) -> Option<Instant> {
        self.due.filter(|_| !self.pending.is_empty())
    }

    /// Everything pending, once the files have been quiet at `now`.
    pub(super) fn take(&mut self, now: Instant) -> Option<Changed> {
        match self.due() {
            Some(at) if at <= now => {
                self.due = None;
                Some(std::mem::take(&mut self.pending))
            }
            _ => None,
        }
    }

    /// Everything pending, now (the event source is gone).
    pub(super) fn flush(&mut self) -> Option<Changed> {
        self.due = None;
        (!self.pending.is_empty()).then(|| std::mem::take(&mut self.pending))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    const Q: Duration = Duration::from_millis(300);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_burst_of_saves_is_one_change_once_quiet() {
        let t0 = Instant::now();
        let mut s = Settle::new(Q);
        assert_eq!(s.due(), None);
        // Saves at 0, 100 and 250 ms, two members.
        for (at, member) in [(0, 0), (100, 1), (250, 0)] {
            s.pending.code.insert(member);
            s.seen(t0 + ms(at));
        }
        assert_eq!(s.due(), Some(t0 + ms(550)));
        // Not quiet long enough after the last save.
        assert_eq!(s.take(t0 + ms(400)), None);
        let got = s.take(t0 + ms(550)).unwrap();
        assert_eq!(got.code, BTreeSet::from([0, 1]));
        // Taken once.
        assert_eq!(s.take(t0 + ms(2000)), None);
        assert_eq!(s.due(), None);
    }

    #[test]
    fn saves_further_apart_than_the_quiet_period_are_separate_changes() {
        let t0 = Instant::now();
        let mut s = Settle::new(Q);
        s.pending.code.insert(0);
        s.seen(t0);
        assert!(s.take(t0 + ms(300)).is_some());
        s.pending.config.insert(2);
        s.seen(t0 + ms(700));
        let got = s.take(t0 + ms(1000)).unwrap();
        assert_eq!(got.config, BTreeSet::from([2]));
        assert!(got.code.is_empty());
    }

    #[test]
    fn nothing_pending_is_never_due_and_a_flush_takes_what_is() {
        let mut s = Settle::new(Q);
        s.seen(Instant::now());
        assert_eq!(s.due(), None);
        assert_eq!(s.flush(), None);
        s.pending.code.insert(3);
        assert_eq!(s.flush().unwrap().code, BTreeSet::from([3]));
    }
}
