//! The cache's own files, and only those: its directories must be real
//! directories of this user (never a link), its files are opened without
//! following links and must be regular files of a bounded size, and
//! trimming deletes only names the cache writes, owned by this user.
//! Temporary files are removed on every failure path, and those a killed
//! run left are swept.

use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

/// The biggest index read: about 200 bytes an entry, so over a million
/// entries; anything bigger is not one lamctl wrote.
pub(super) const MAX_INDEX: u64 = 256 * 1024 * 1024;
/// Directory entries looked at by one sweep of one directory.
const SWEEP_MAX: usize = 4096;
/// A temporary file of a process that is gone is stale after this long
/// (its name holds the pid); any temporary file after `TEMP_MAX_AGE`.
const TEMP_DEAD_AGE: Duration = Duration::from_secs(60);
const TEMP_MAX_AGE: Duration = Duration::from_secs(3600);

fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

fn not_ours(p: &Path) -> io::Error {
    io::Error::other(format!(
        "{} is not a directory of this user's cache (a link, or someone else's)",
        p.display()
    ))
}

/// Whether `dir` is usable: missing (it is created when needed), or a real
/// directory (not a link to one) owned by this user.
pub(super) fn usable_dir(dir: &Path) -> bool {
    match fs::symlink_metadata(dir) {
        Ok(m) => m.is_dir() && m.uid() == euid(),
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    }
}

/// `dir` (inside the cache) made if missing, private, and checked to be a
/// real directory of this user; its parent must exist.
pub(super) fn own_dir(dir: &Path) -> io::Result<()> {
    match fs::DirBuilder::new().mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    if usable_dir(dir) {
        Ok(())
    } else {
        Err(not_ours(dir))
    }
}

/// A cache file opened for reading: never through a link (`O_NOFOLLOW`),
/// never blocking on a FIFO (`O_NONBLOCK`), and only a regular file. A
/// FIFO, a device or a link to one (`/dev/zero`) is no cache file.
pub(super) fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    let f = File::options()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    let m = f.metadata()?;
    if !m.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    Ok((f, m.len()))
}

/// A whole cache file of at most `max` bytes, and the file.
pub(super) fn read_regular(path: &Path, max: u64) -> io::Result<(File, Vec<u8>)> {
    let (f, len) = open_regular(path)?;
    if len > max {
        return Err(io::Error::other("too big"));
    }
    let mut buf = Vec::with_capacity(len as usize);
    // Not past the size seen: a file that grows meanwhile is not read on.
    (&f).take(len).read_to_end(&mut buf)?;
    Ok((f, buf))
}

/// A temporary file's path in a cache directory, removed when dropped
/// unless it was renamed into place.
pub(super) struct Temp(Option<PathBuf>);

impl Temp {
    pub fn new(dir: &Path) -> Temp {
        static N: AtomicUsize = AtomicUsize::new(0);
        Temp(Some(dir.join(format!(
            ".tmp-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ))))
    }

    pub fn path(&self) -> &Path {
        self.0.as_deref().expect("a temporary file not yet renamed")
    }

    /// Rename into place (removed if that fails).
    pub fn rename(mut self, to: &Path) -> io::Result<()> {
        let from = self.0.take().expect("a temporary file not yet renamed");
        fs::rename(&from, to).inspect_err(|_| {
            let _ = fs::remove_file(&from);
        })
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if let Some(p) = &self.0 {
            let _ = fs::remove_file(p);
        }
    }
}

/// What a name in `zips/` or `trees/` is.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Name {
    /// A zip or an index, by the cache's own naming.
    Kept,
    /// A temporary file, with the pid of the run that made it.
    Temp(u32),
    /// Not the cache's: never touched.
    Other,
}

pub(super) fn classify(sub: &str, name: &[u8]) -> Name {
    let hex = |s: &[u8], n: usize| {
        s.len() == n
            && s.iter()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
    };
    if let Some(rest) = name.strip_prefix(b".tmp-") {
        let mut parts = rest.splitn(2, |&c| c == b'-');
        let pid = parts
            .next()
            .and_then(|p| std::str::from_utf8(p).ok()?.parse().ok());
        let n_ok = parts
            .next()
            .is_some_and(|n| !n.is_empty() && n.iter().all(u8::is_ascii_digit));
        return match pid {
            Some(pid) if n_ok => Name::Temp(pid),
            _ => Name::Other,
        };
    }
    let kept = match sub {
        "zips" => name.strip_suffix(b".zip").is_some_and(|s| hex(s, 64)),
        "trees" => name.strip_suffix(b".idx").is_some_and(|s| hex(s, 32)),
        _ => false,
    };
    if kept { Name::Kept } else { Name::Other }
}

fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// One of the cache's files in `zips/` or `trees/`, not a temporary one:
/// (modified, size, path).
type Kept = (SystemTime, u64, PathBuf);

/// Walk `sub` of the cache directory: remove the stale temporary files and
/// list the kept ones. Only this user's regular files with the cache's
/// names are considered (`DirEntry::metadata` does not follow links); at
/// most `SWEEP_MAX` entries are looked at.
fn scan(dir: &Path, sub: &str, kept: Option<&mut Vec<Kept>>) -> io::Result<()> {
    let path = dir.join(sub);
    if !usable_dir(&path) {
        return Err(not_ours(&path));
    }
    let rd = match fs::read_dir(&path) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let now = SystemTime::now();
    let me = euid();
    let mut kept = kept;
    for e in rd.take(SWEEP_MAX) {
        let e = e?;
        let name = classify(sub, e.file_name().as_encoded_bytes());
        if name == Name::Other {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        if !meta.is_file() || meta.uid() != me {
            continue;
        }
        let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let age = now.duration_since(mtime).unwrap_or_default();
        match name {
            Name::Temp(pid) => {
                let dead = pid != std::process::id() && !alive(pid);
                if age > TEMP_MAX_AGE || (dead && age > TEMP_DEAD_AGE) {
                    let _ = fs::remove_file(e.path());
                }
            }
            Name::Kept => {
                if let Some(k) = kept.as_deref_mut() {
                    k.push((mtime, meta.len(), e.path()));
                }
            }
            Name::Other => {}
        }
    }
    Ok(())
}

/// Remove the temporary files killed runs left (at the start of a run).
pub(super) fn sweep(dir: &Path) {
    for sub in ["zips", "trees"] {
        let _ = scan(dir, sub, None);
    }
}

/// Remove the least recently used of the cache's files until it is within
/// `max_bytes`, and stale temporary files.
pub(super) fn evict(dir: &Path, max_bytes: u64) -> io::Result<()> {
    let mut files = Vec::new();
    for sub in ["zips", "trees"] {
        scan(dir, sub, Some(&mut files))?;
    }
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    files.sort();
    for (_, len, path) in files {
        if total <= max_bytes {
            break;
        }
        if fs::remove_file(&path).is_ok() {
            total -= len;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_caches_own_names_are_its_files() {
        let zip = format!("{}.zip", "ab".repeat(32));
        let idx = format!("{}.idx", "0f".repeat(16));
        assert_eq!(classify("zips", zip.as_bytes()), Name::Kept);
        assert_eq!(classify("trees", idx.as_bytes()), Name::Kept);
        assert_eq!(classify("trees", zip.as_bytes()), Name::Other);
        assert_eq!(classify("zips", b"notes.zip"), Name::Other);
        assert_eq!(
            classify("zips", format!("{}.zip", "AB".repeat(32)).as_bytes()),
            Name::Other
        );
        assert_eq!(classify("zips", b".tmp-42-7"), Name::Temp(42));
        assert_eq!(classify("zips", b".tmp-42-"), Name::Other);
        assert_eq!(classify("zips", b".tmp-x-1"), Name::Other);
        assert_eq!(classify("zips", b".bashrc"), Name::Other);
    }
}
