//! `deploy --watch`'s one rule about time, with no files and no AWS: one
//! round of updates at a time; members that change while a round runs wait
//! for exactly one more round after it, however many saves there were.
//! (A burst of saves is already one change when it reaches this: the
//! watcher waits until the files are quiet, `package::watch`.)

use std::collections::BTreeSet;

/// The rounds of a watch: what runs and what waits.
#[derive(Debug, Default)]
pub struct Rounds {
    running: bool,
    /// Changed while a round ran: the next round's members.
    next: BTreeSet<usize>,
}

impl Rounds {
    /// `members` changed: the round to start now, or `None` when one is
    /// running (they join the one more round after it) or none changed.
    pub fn changed(&mut self, members: BTreeSet<usize>) -> Option<BTreeSet<usize>> {
        if members.is_empty() {
            return None;
        }
        if self.running {
            self.next.extend(members);
            return None;
        }
        self.running = true;
        Some(members)
    }

    /// The running round ended: the one more round (every member that
    /// changed meanwhile), if any changed.
    pub fn finished(&mut self) -> Option<BTreeSet<usize>> {
        self.running = false;
        let next = std::mem::take(&mut self.next);
        self.changed(next)
    }

    pub fn running(&self) -> bool {
        self.running
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[usize]) -> BTreeSet<usize> {
        v.iter().copied().collect()
    }

    #[test]
    fn a_change_when_idle_starts_a_round_at_once() {
        let mut r = Rounds::default();
        assert_eq!(r.changed(set(&[0])), Some(set(&[0])));
        assert!(r.running());
        assert_eq!(r.finished(), None);
        assert!(!r.running());
        assert_eq!(r.changed(set(&[])), None);
        assert!(!r.running());
    }

    #[test]
    fn changes_during_a_round_make_exactly_one_more() {
        let mut r = Rounds::default();
        assert_eq!(r.changed(set(&[0])), Some(set(&[0])));
        // Three saves while it runs, on two members.
        assert_eq!(r.changed(set(&[0])), None);
        assert_eq!(r.changed(set(&[1])), None);
        assert_eq!(r.changed(set(&[0, 1])), None);
        // One more round, with both; then nothing.
        assert_eq!(r.finished(), Some(set(&[0, 1])));
        assert!(r.running());
        assert_eq!(r.finished(), None);
        assert_eq!(r.finished(), None);
    }

    #[test]
    fn a_change_during_the_one_more_round_makes_another() {
        let mut r = Rounds::default();
        r.changed(set(&[2]));
        r.changed(set(&[2]));
        assert_eq!(r.finished(), Some(set(&[2])));
        assert_eq!(r.changed(set(&[3])), None);
        assert_eq!(r.finished(), Some(set(&[3])));
        assert_eq!(r.finished(), None);
    }
}
