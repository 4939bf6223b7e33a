//! Stat fingerprints: git's fast path, with its racy-timestamp rule, so an
//! unchanged file's content key is taken from the last index without
//! reading the file.
//!
//! Why that cannot serve stale data: the kernel sets a file's ctime to the
//! current time on every change to its content (and on every chmod, link,
//! rename or utime), and no user process can set it. So a file whose
//! (device, inode, size, mtime, ctime, mode) equals the one recorded, and
//! whose ctime was already older than the recording run's start by more
//! than the timestamp granularity, has had no change since a moment before
//! it was read and hashed. A change inside the same timestamp tick as the
//! recorded ctime is possible only while that tick is "racy" (within the
//! margin of the run's start), and such a file is hashed again.

use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::time::{SystemTime, UNIX_EPOCH};

/// How much older than a run's start a file's mtime and ctime must be for
/// its fingerprint to be trusted: covers second-granularity filesystems
/// (ext3, HFS+, most network ones report seconds or better) and the
/// kernel's coarse clock, which lags the real time by up to a tick.
pub(super) const RACY_MARGIN_NS: i64 = 2_000_000_000;

/// What identifies a file's state without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stat {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub mode: u32,
}

/// Bytes of one serialised `Stat`.
pub(super) const STAT_LEN: usize = 8 * 5 + 4;

impl Stat {
    pub fn of(m: &Metadata) -> Stat {
        Stat {
            dev: m.dev(),
            ino: m.ino(),
            size: m.size(),
            mtime_ns: ns(m.mtime(), m.mtime_nsec()),
            ctime_ns: ns(m.ctime(), m.ctime_nsec()),
            mode: m.mode(),
        }
    }

    /// Whether this state had settled (no change can still share its
    /// timestamps) `margin_ns` before `start_ns`, the start of the run that
    /// recorded it (`RACY_MARGIN_NS`, or more: `cache::UPLOAD_SETTLE`).
    pub fn settled_before(&self, start_ns: i64, margin_ns: i64) -> bool {
        let limit = start_ns.saturating_sub(margin_ns);
        self.mtime_ns < limit && self.ctime_ns < limit
    }

    pub fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.dev.to_le_bytes());
        out.extend_from_slice(&self.ino.to_le_bytes());
        out.extend_from_slice(&self.size.to_le_bytes());
        out.extend_from_slice(&self.mtime_ns.to_le_bytes());
        out.extend_from_slice(&self.ctime_ns.to_le_bytes());
        out.extend_from_slice(&self.mode.to_le_bytes());
    }

    pub fn read(b: &[u8]) -> Option<Stat> {
        let u = |i: usize| Some(u64::from_le_bytes(b.get(i..i + 8)?.try_into().ok()?));
        Some(Stat {
            dev: u(0)?,
            ino: u(8)?,
            size: u(16)?,
            mtime_ns: u(24)? as i64,
            ctime_ns: u(32)? as i64,
            mode: u32::from_le_bytes(b.get(40..44)?.try_into().ok()?),
        })
    }
}

fn ns(secs: i64, nsec: i64) -> i64 {
    secs.saturating_mul(1_000_000_000).saturating_add(nsec)
}

/// The current time in nanoseconds since the epoch, as file times are.
pub(super) fn now_ns() -> i64 {
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_nanos()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_nanos()).unwrap_or(i64::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_reads_back_and_is_racy_within_the_margin() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("f");
        std::fs::write(&p, b"x").unwrap();
        let s = Stat::of(&std::fs::metadata(&p).unwrap());
        let mut b = Vec::new();
        s.write(&mut b);
        assert_eq!(b.len(), STAT_LEN);
        assert_eq!(Stat::read(&b), Some(s));
        // Just written: racy for a run that starts now, settled for one that
        // starts after the margin.
        assert!(!s.settled_before(now_ns(), RACY_MARGIN_NS));
        let then = s.ctime_ns.max(s.mtime_ns);
        assert!(s.settled_before(then + RACY_MARGIN_NS + 1, RACY_MARGIN_NS));
        assert!(!s.settled_before(then + RACY_MARGIN_NS + 1, 60_000_000_000));
    }
}
