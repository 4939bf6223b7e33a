//! The content cache: the compressed entries of earlier packages, so an
//! unchanged tree re-packages by one verified copy, a slightly changed one
//! by splicing the last zip (`super::splice`), and any other recompresses
//! only the files whose content changed.
//!
//! Layout under the cache directory (`package-1/`):
//! - `zips/SHA256.zip`: a zip lamctl wrote, named by its own SHA-256;
//! - `trees/ID.idx`: for one packaged directory (ID: a hash of its path),
//!   the index of its last package (`index`).
//!
//! Never stale: a key is the BLAKE3 hash of the file's bytes (salted with
//! lamctl's version and the compression parameters), never a size or a
//! time, so the data served for a key is exactly what compressing those
//! bytes gives. A file is read for its key unless its stat fingerprint is
//! the one recorded with the key and had settled before that run started
//! (`super::stat`: the kernel's ctime and the racy-timestamp rule). Never
//! corrupt: the index carries its own hash, every reused entry's compressed
//! data its CRC-32, and a whole reused or spliced zip is checked against
//! the BLAKE3 hashes of its 1 MiB blocks; anything that fails is ignored
//! and compressed afresh. Files are written under a temporary name and
//! renamed, so a reader never sees half of one.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::digest::{Hash, State, has_blocks};
use super::{Entry, Kind, compress, file_mode, is_precompressed};

mod files;
mod index;
use crate::error::{Error, Result};
use files::Temp;
use index::Head;
pub(super) use index::{Ent, Place};

/// Where the cache lives and how big it may grow: plain settings the CLI
/// layer fills from `LAMCTL_CACHE_DIR`, `XDG_CACHE_HOME` and `HOME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSettings {
    pub dir: PathBuf,
    pub max_bytes: u64,
    /// Hash every file, trusting no fingerprint (`LAMCTL_CACHE_VERIFY`).
    pub verify: bool,
    /// How long before the recording run started a file's mtime and ctime
    /// must have been still for its recorded key to be trusted (the racy
    /// margin, `super::stat`): [`SETTLE`], or [`UPLOAD_SETTLE`] for what is
    /// uploaded.
    pub settle: Duration,
}

/// The racy margin for `package`: timestamp granularity and clock lag.
pub const SETTLE: Duration = Duration::from_nanos(super::stat::RACY_MARGIN_NS as u64);
/// The racy margin for `deploy`: also covers a write through a shared
/// mmap, which changes a page without touching the timestamps while the
/// page stays dirty (the kernel writes dirty pages back after 30 s by
/// default, and the next write after that sets them again).
pub const UPLOAD_SETTLE: Duration = Duration::from_secs(60);

/// The cache's default bound: least recently used packages go beyond it.
pub const DEFAULT_MAX_BYTES: u64 = 1024 * 1024 * 1024;

/// The BLAKE3 hash of a file's content (salted), or of a whole manifest.
pub(super) type Key = [u8; 32];

/// Where one file's compressed data is in a cached zip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rec {
    /// Offset of the data (after the local header) in the zip.
    pub offset: u64,
    /// Length of the data (compressed, or stored).
    pub len: u64,
    /// The file's size and CRC-32.
    pub size: u64,
    pub crc32: u32,
    /// CRC-32 of the data as it sits in the zip: checked before reuse.
    pub data_crc: u32,
    pub stored: bool,
}

const SUBDIR: &str = "package-1";

/// A hasher already fed with what every key depends on besides content:
/// lamctl's version and the compression parameters.
static SALTED: LazyLock<blake3::Hasher> = LazyLock::new(|| {
    let mut h = blake3::Hasher::new();
    h.update(
        format!(
            "lamctl {} package cache 1; {}\0",
            env!("CARGO_PKG_VERSION"),
            compress::params()
        )
        .as_bytes(),
    );
    h
});

/// The key of a file's content; `by_name` is whether its name marks a
/// compressed format (that, too, decides how it is stored).
pub(super) fn key_of(data: &[u8], by_name: bool) -> Key {
    let mut h = file_hasher(by_name);
    h.update(data);
    h.finalize().into()
}

/// The hasher a file's content is fed to for its key.
pub(super) fn file_hasher(by_name: bool) -> blake3::Hasher {
    let mut h = SALTED.clone();
    h.update(&[b'F', by_name as u8]);
    h
}

/// The keys of `entries[i]` for each `i` in `todo`, into `out`, reading the
/// files on `threads` threads. Directories get a zero key; a link the key
/// of its target.
fn hash_keys(entries: &[Entry], todo: &[usize], out: &mut [Key], threads: usize) -> Result<()> {
    let next = AtomicUsize::new(0);
    let found: Mutex<Vec<(usize, Key)>> = Mutex::new(Vec::with_capacity(todo.len()));
    let work = || -> Result<()> {
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let Some(&i) = todo.get(next.fetch_add(1, Ordering::Relaxed)) else {
                return Ok(());
            };
            let e = &entries[i];
            let key = match &e.kind {
                Kind::File { .. } => {
                    file_key(e, &mut buf).map_err(|err| Error::io(&e.path, err))?
                }
                Kind::Symlink { target } => {
                    let mut h = SALTED.clone();
                    h.update(b"L");
                    h.update(target.as_bytes());
                    h.finalize().into()
                }
                Kind::EmptyDir => [0; 32],
            };
            found.lock().expect("keys lock").push((i, key));
        }
    };
    let threads = threads.clamp(1, todo.len().max(1));
    std::thread::scope(|s| {
        let others: Vec<_> = (1..threads).map(|_| s.spawn(work)).collect();
        let mine = work();
        others
            .into_iter()
            .map(|h| h.join().expect("a key thread panicked"))
            .chain([mine])
            .collect::<Result<()>>()
    })?;
    for (i, key) in found.into_inner().expect("keys lock") {
        out[i] = key;
    }
    Ok(())
}

fn file_key(e: &Entry, buf: &mut [u8]) -> io::Result<Key> {
    let mut h = file_hasher(is_precompressed(&e.name));
    // Bounded by the walk's size (`more_than_its_size`): the writer refuses
    // a file that reads more, so the key need not read past it.
    let mut f = File::open(&e.path)?.take(e.size() + 1);
    loop {
        match f.read(buf) {
            Ok(0) => return Ok(h.finalize().into()),
            Ok(n) => {
                h.update(&buf[..n]);
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}

/// The whole package in one key: every entry's name, kind, mode and
/// content key, in order. Equal manifests give byte-identical zips.
pub(super) fn manifest(entries: &[Entry], keys: &[Key]) -> Key {
    let mut h = SALTED.clone();
    for (e, k) in entries.iter().zip(keys) {
        let (kind, mode) = kind_mode(e);
        h.update(e.name.as_bytes());
        h.update(&[0, kind]);
        h.update(&mode.to_le_bytes());
        h.update(k);
    }
    h.finalize().into()
}

/// One packaged directory's view of the cache.
pub(super) struct Cache {
    dir: PathBuf,
    max_bytes: u64,
    /// The index file of this directory.
    index: PathBuf,
    verify: bool,
    settle_ns: i64,
    /// Whether the cache's directories are real directories of this user
    /// (missing ones are made when written): else it is neither read nor
    /// written.
    usable: bool,
    prev: Option<Prev>,
    /// Whether the last zip still has the block hashes its index holds: checked
    /// on a thread of its own from `open`, while the tree is walked (one
    /// core), so a reuse does not wait for it.
    check: Mutex<Check>,
}

enum Check {
    Running(std::thread::JoinHandle<bool>),
    Done(bool),
}

/// The directory's last package, as its index describes it.
pub(super) struct Prev {
    pub head: Head,
    zip_path: PathBuf,
    pub zip: File,
    /// Its entries in order.
    pub ents: Vec<Ent>,
    /// Where each content's compressed data is.
    recs: HashMap<Key, Rec>,
}

impl Prev {
    fn summary(&self) -> ZipSummary {
        ZipSummary {
            sha: self.head.zip_sha,
            marks: self.head.marks.clone(),
            blocks: self.head.blocks.clone(),
            size: self.head.size,
            stored: self.head.stored,
        }
    }
}

/// A finished zip: its SHA-256 (and the states kept on the way), its
/// blocks' BLAKE3 hashes, size and stored entries.
pub(super) struct ZipSummary {
    pub sha: [u8; 32],
    pub marks: Vec<State>,
    pub blocks: Vec<Hash>,
    pub size: u64,
    pub stored: u64,
}

/// What the zip records of an entry besides its name and content: its kind
/// (`F`ile, `L`ink, `D`irectory) and mode.
pub(super) fn kind_mode(e: &Entry) -> (u8, u32) {
    match e.kind {
        Kind::File { executable, .. } => (b'F', file_mode(executable)),
        Kind::Symlink { .. } => (b'L', 0o777),
        Kind::EmptyDir => (b'D', 0o755),
    }
}

impl Cache {
    /// The cache for the directory `root` (canonical). A missing, unreadable
    /// or corrupt index is simply no earlier package.
    pub fn open(settings: &CacheSettings, root: &Path) -> Cache {
        let dir = settings.dir.join(SUBDIR);
        let id = hex::encode(&Sha256::digest(root.as_os_str().as_encoded_bytes())[..16]);
        let index = dir.join("trees").join(format!("{id}.idx"));
        // Three lstats: never through a link, never someone else's files.
        let usable = [dir.clone(), dir.join("zips"), dir.join("trees")]
            .iter()
            .all(|d| files::usable_dir(d));
        if usable {
            files::sweep(&dir);
        }
        let prev = files::read_regular(&index, files::MAX_INDEX)
            .ok()
            .filter(|_| usable)
            .and_then(|(idx, bytes)| Some((idx, index::parse(&bytes)?)))
            .and_then(|(idx, (head, ents))| {
                let zip_path = dir
                    .join("zips")
                    .join(format!("{}.zip", hex::encode(head.zip_sha)));
                let (zip, len) = files::open_regular(&zip_path).ok()?;
                if len != head.size {
                    return None;
                }
                // Recently used: eviction goes by modification time.
                let now = SystemTime::now();
                let _ = zip.set_modified(now);
                let _ = idx.set_modified(now);
                let recs = ents
                    .iter()
                    .filter_map(|e| Some((e.key, e.place.rec?)))
                    .collect();
                Some(Prev {
                    head,
                    zip_path,
                    zip,
                    ents,
                    recs,
                })
            });
        let check = match prev.as_ref().and_then(|p| {
            let zip = p.zip.try_clone().ok()?;
            let (blocks, size) = (p.head.blocks.clone(), p.head.size);
            Some(std::thread::spawn(move || has_blocks(&zip, &blocks, size)))
        }) {
            Some(h) => Check::Running(h),
            None => Check::Done(false),
        };
        Cache {
            dir,
            max_bytes: settings.max_bytes,
            index,
            verify: settings.verify,
            settle_ns: i64::try_from(settings.settle.as_nanos()).unwrap_or(i64::MAX),
            usable,
            prev,
            check: Mutex::new(check),
        }
    }

    /// Every entry's key, and how many files were read for it. A file whose
    /// fingerprint is the one the last index recorded, and had settled
    /// before that run started (`Stat::settled_before`), keeps its recorded
    /// key unread; every other file is read and hashed.
    pub fn keys(&self, entries: &[Entry], threads: usize) -> Result<(Vec<Key>, usize)> {
        let known = self.prev.as_ref().filter(|_| !self.verify);
        let mut out = vec![[0; 32]; entries.len()];
        let mut todo = Vec::new();
        // Both lists are sorted by name: one pass matches them.
        let mut j = 0;
        for (i, e) in entries.iter().enumerate() {
            if matches!(e.kind, Kind::EmptyDir) {
                continue;
            }
            let recorded = known.and_then(|p| {
                while p.ents.get(j).is_some_and(|x| x.name < e.name) {
                    j += 1;
                }
                let then = p.ents.get(j).filter(|x| x.name == e.name)?;
                let now = e.stat?;
                (then.stat == Some(now) && now.settled_before(p.head.start_ns, self.settle_ns))
                    .then_some(then.key)
            });
            match recorded {
                Some(key) => out[i] = key,
                None => todo.push(i),
            }
        }
        hash_keys(entries, &todo, &mut out, threads)?;
        Ok((out, todo.len()))
    }

    pub fn lookup(&self, key: &Key) -> Option<Rec> {
        self.prev.as_ref()?.recs.get(key).copied()
    }

    /// `head` zero bytes then the entry's data, if it passes its CRC.
    pub fn read(&self, rec: &Rec, head: usize) -> Option<Vec<u8>> {
        let prev = self.prev.as_ref()?;
        let mut buf = vec![0u8; head + usize::try_from(rec.len).ok()?];
        prev.zip.read_exact_at(&mut buf[head..], rec.offset).ok()?;
        (crc32fast::hash(&buf[head..]) == rec.data_crc).then_some(buf)
    }

    /// The last package, once its zip has passed its block check (a zip
    /// that fails it is removed).
    pub fn checked(&self) -> Option<&Prev> {
        let prev = self.prev.as_ref()?;
        let mut check = self.check.lock().expect("cache check lock");
        let ok = match std::mem::replace(&mut *check, Check::Done(false)) {
            Check::Running(h) => h.join().unwrap_or(false),
            Check::Done(ok) => ok,
        };
        *check = Check::Done(ok);
        if !ok {
            let _ = fs::remove_file(&prev.zip_path);
        }
        ok.then_some(prev)
    }

    /// With the manifest unchanged, the earlier zip, checked, then linked
    /// (or copied) to `out`. `None` when there is none or it fails the check.
    pub fn reuse(&self, manifest: &Key, out: &Path) -> Option<ZipSummary> {
        self.prev
            .as_ref()
            .filter(|p| p.head.manifest == *manifest)?;
        let prev = self.checked()?;
        // Linked, like the zip was kept: lamctl never writes into it.
        let _ = fs::remove_file(out);
        if fs::hard_link(&prev.zip_path, out).is_err() {
            let mut to = super::output::create_private(out).ok()?;
            io::copy(&mut &prev.zip, &mut to).ok()?;
        }
        Some(prev.summary())
    }

    /// Keep the zip just written at `zip` (not yet renamed into place) and
    /// its index for the next run, then evict down to the bound. `places`
    /// goes with `files.entries`.
    pub fn store(
        &self,
        manifest: &Key,
        zip: &Path,
        sum: ZipSummary,
        places: &[Place],
        files: &Files<'_>,
    ) -> io::Result<()> {
        let zips = self.own_dir("zips")?;
        let name = zips.join(format!("{}.zip", hex::encode(sum.sha)));
        if fs::symlink_metadata(&name).is_err() {
            // A hard link costs nothing; lamctl never writes into an
            // existing zip (it renames a new one over it), so the cached
            // copy keeps its content. A copy when they are on other devices.
            let tmp = Temp::new(&zips);
            if fs::hard_link(zip, tmp.path()).is_err() {
                fs::copy(zip, tmp.path())?;
                fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o600))?;
            }
            tmp.rename(&name)?;
        }
        self.write_index(manifest, sum, places.iter().copied(), files)?;
        files::evict(&self.dir, self.max_bytes)
    }

    /// With the manifest unchanged but some files read again (their
    /// fingerprints were racy or changed): the same index, with this run's
    /// fingerprints, so the next run need not read them.
    pub fn refresh(&self, files: &Files<'_>) -> io::Result<()> {
        let Some(p) = &self.prev else { return Ok(()) };
        self.write_index(
            &p.head.manifest,
            p.summary(),
            p.ents.iter().map(|e| e.place),
            files,
        )
    }

    fn write_index(
        &self,
        manifest: &Key,
        sum: ZipSummary,
        places: impl ExactSizeIterator<Item = Place>,
        files: &Files<'_>,
    ) -> io::Result<()> {
        let trees = self.own_dir("trees")?;
        let head = Head {
            manifest: *manifest,
            zip_sha: sum.sha,
            size: sum.size,
            stored: sum.stored,
            start_ns: files.start_ns,
            marks: sum.marks,
            blocks: sum.blocks,
        };
        let ents = files
            .entries
            .iter()
            .zip(files.keys)
            .zip(places)
            .map(|((e, key), place)| {
                let (kind, mode) = kind_mode(e);
                index::EntRef {
                    name: &e.name,
                    kind,
                    mode,
                    key,
                    stat: e.stat,
                    place,
                }
            });
        let bytes = index::encode(&head, ents);
        let tmp = Temp::new(&trees);
        super::output::create_private(tmp.path())
            .map_err(|e| io::Error::other(e.to_string()))?
            .write_all(&bytes)?;
        tmp.rename(&self.index)
    }

    /// The cache's subdirectory `sub`, made if missing and checked to be a
    /// real directory of this user, as is the cache's own directory.
    fn own_dir(&self, sub: &str) -> io::Result<PathBuf> {
        if !self.usable {
            return Err(io::Error::other(format!(
                "{} is not a directory of this user's cache (a link, or someone else's)",
                self.dir.display()
            )));
        }
        if let Some(root) = self.dir.parent() {
            // The configured location itself may be a link (to another disk).
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(root)?;
        }
        files::own_dir(&self.dir)?;
        let d = self.dir.join(sub);
        files::own_dir(&d)?;
        Ok(d)
    }
}

/// What the index records of this run's entries: each one's fingerprint
/// from the walk and its key, and when the run started.
pub(super) struct Files<'a> {
    pub start_ns: i64,
    pub entries: &'a [Entry],
    pub keys: &'a [Key],
}

/// The index parser on fuzzer input (`fuzz/`): `body` sealed with this
/// version's magic, salt and hash, then parsed; the entries read.
pub fn fuzz_index(body: &[u8]) -> Option<usize> {
    index::parse_sealed(body)
}

fn salt_id() -> Key {
    SALTED.finalize().into()
}

#[cfg(test)]
mod tests;
