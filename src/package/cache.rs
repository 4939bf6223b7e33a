//! The content cache: the compressed entries of earlier packages, so an
//! unchanged tree re-packages by one verified copy and a changed one
//! recompresses only the files whose content changed.
//!
//! Layout under the cache directory (`package-1/`):
//! - `zips/SHA256.zip`: a zip lamctl wrote, named by its own SHA-256;
//! - `trees/ID.idx`: for one packaged directory (ID: a hash of its path),
//!   the manifest of its last package and, for every file, the key of its
//!   content and where that content's compressed data sits in the zip.
//!
//! Never stale: a key is the BLAKE3 hash of the file's bytes (salted with
//! lamctl's version and the compression parameters), never a size or a
//! time, so the data served for a key is exactly what compressing those
//! bytes gives. A file is read for its key unless its stat fingerprint is
//! the one recorded with the key and had settled before that run started
//! (`super::stat`: the kernel's ctime and the racy-timestamp rule). Never corrupt: the index carries its own hash, every
//! reused entry's compressed data its CRC-32, and a whole reused zip is
//! checked against the SHA-256 in its name; anything that fails is ignored
//! and compressed afresh. Files are written under a temporary name and
//! renamed, so a reader never sees half of one.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::stat::{STAT_LEN, Stat};
use super::{Entry, Kind, compress, file_mode, is_precompressed};
use crate::error::{Error, Result};

/// Where the cache lives and how big it may grow: plain settings the CLI
/// layer fills from `LAMCTL_CACHE_DIR`, `XDG_CACHE_HOME` and `HOME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSettings {
    pub dir: PathBuf,
    pub max_bytes: u64,
    /// Hash every file, trusting no fingerprint (`LAMCTL_CACHE_VERIFY`).
    pub verify: bool,
}

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
const MAGIC: &[u8; 8] = b"LMCIDX02";
const REC_LEN: usize = 32 + 8 + 8 + 8 + 4 + 4 + 1;

/// A hasher already fed with what every key depends on besides content:
/// lamctl's version and the compression parameters.
static SALTED: LazyLock<blake3::Hasher> = LazyLock::new(|| {
    let mut h = blake3::Hasher::new();
    h.update(
        format!(
            "lamctl {} package cache 1; {}\0",
            env!("CARGO_PKG_VERSION"),
            compress::PARAMS
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
    let mut f = File::open(&e.path)?;
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
        let (kind, mode) = match e.kind {
            Kind::File { executable, .. } => (b'F', file_mode(executable)),
            Kind::Symlink { .. } => (b'L', 0o777),
            Kind::EmptyDir => (b'D', 0o755),
        };
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
    prev: Option<Prev>,
    /// Whether the last zip still has the BLAKE3 its index holds: checked
    /// on a thread of its own from `open`, while the tree is walked (one
    /// core), so a reuse does not wait for it.
    check: Mutex<Option<std::thread::JoinHandle<bool>>>,
}

/// The directory's last package, as its index describes it.
struct Prev {
    manifest: Key,
    zip_sha: [u8; 32],
    zip_blake: [u8; 32],
    zip_path: PathBuf,
    zip: File,
    size: u64,
    stored: u64,
    recs: HashMap<Key, Rec>,
    /// When the run that wrote the index started (ns since the epoch).
    start_ns: i64,
    /// Each file's fingerprint when that run read it, and its key.
    files: HashMap<String, (Stat, Key)>,
}

/// A finished zip: its SHA-256, size and stored entries.
pub(super) struct ZipSummary {
    pub sha: [u8; 32],
    pub blake: [u8; 32],
    pub size: u64,
    pub stored: u64,
}

impl Cache {
    /// The cache for the directory `root` (canonical). A missing, unreadable
    /// or corrupt index is simply no earlier package.
    pub fn open(settings: &CacheSettings, root: &Path) -> Cache {
        let dir = settings.dir.join(SUBDIR);
        let id = hex::encode(&Sha256::digest(root.as_os_str().as_encoded_bytes())[..16]);
        let index = dir.join("trees").join(format!("{id}.idx"));
        let prev = fs::read(&index)
            .ok()
            .and_then(|bytes| parse(&bytes))
            .and_then(|(head, recs, files)| {
                let zip_path = dir
                    .join("zips")
                    .join(format!("{}.zip", hex::encode(head.zip_sha)));
                let zip = File::open(&zip_path).ok()?;
                // Recently used: eviction goes by modification time.
                let now = SystemTime::now();
                let _ = zip.set_modified(now);
                let _ = File::options()
                    .append(true)
                    .open(&index)
                    .and_then(|f| f.set_modified(now));
                Some(Prev {
                    manifest: head.manifest,
                    zip_sha: head.zip_sha,
                    zip_blake: head.zip_blake,
                    zip_path,
                    zip,
                    size: head.size,
                    stored: head.stored,
                    recs,
                    start_ns: head.start_ns,
                    files,
                })
            });
        let check = prev.as_ref().and_then(|p| {
            let zip = p.zip.try_clone().ok()?;
            let (blake, size) = (p.zip_blake, p.size);
            Some(std::thread::spawn(move || has_blake(&zip, &blake, size)))
        });
        Cache {
            dir,
            max_bytes: settings.max_bytes,
            index,
            verify: settings.verify,
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
        for (i, e) in entries.iter().enumerate() {
            if matches!(e.kind, Kind::EmptyDir) {
                continue;
            }
            let recorded = known.zip(e.stat).and_then(|(p, now)| {
                let (then, key) = p.files.get(&e.name)?;
                (*then == now && now.settled_before(p.start_ns)).then_some(*key)
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

    /// With the manifest unchanged, the earlier zip, checked against the
    /// BLAKE3 its index holds, then linked (or copied) to `out`. `None` when
    /// there is none or it fails the check (then it is removed).
    pub fn reuse(&self, manifest: &Key, out: &Path) -> Option<ZipSummary> {
        let prev = self.prev.as_ref().filter(|p| p.manifest == *manifest)?;
        let check = self.check.lock().expect("cache check lock").take();
        let whole = match check {
            Some(h) => h.join().unwrap_or(false),
            None => has_blake(&prev.zip, &prev.zip_blake, prev.size),
        };
        if !whole {
            let _ = fs::remove_file(&prev.zip_path);
            return None;
        }
        let at = prev.size;
        // Linked, like the zip was kept: lamctl never writes into it.
        let _ = fs::remove_file(out);
        if fs::hard_link(&prev.zip_path, out).is_err() {
            let mut to = File::create(out).ok()?;
            io::copy(&mut &prev.zip, &mut to).ok()?;
        }
        Some(ZipSummary {
            sha: prev.zip_sha,
            blake: prev.zip_blake,
            size: at,
            stored: prev.stored,
        })
    }

    /// Keep the zip just written at `zip` (not yet renamed into place) and
    /// its index for the next run, then evict down to the bound.
    pub fn store(
        &self,
        manifest: &Key,
        zip: &Path,
        sum: &ZipSummary,
        recs: &[(Key, Rec)],
        files: &Files<'_>,
    ) -> io::Result<()> {
        let zips = self.dir.join("zips");
        let trees = self.dir.join("trees");
        fs::create_dir_all(&zips)?;
        fs::create_dir_all(&trees)?;
        let name = zips.join(format!("{}.zip", hex::encode(sum.sha)));
        if !name.exists() {
            // A hard link costs nothing; lamctl never writes into an
            // existing zip (it renames a new one over it), so the cached
            // copy keeps its content. A copy when they are on other devices.
            let tmp = temp_name(&zips);
            if fs::hard_link(zip, &tmp).is_err() {
                fs::copy(zip, &tmp)?;
            }
            rename_or_remove(&tmp, &name)?;
        }
        self.write_index(
            manifest,
            sum,
            recs.iter().map(|(k, r)| (k, r)),
            recs.len(),
            files,
        )?;
        evict(&self.dir, self.max_bytes)
    }

    /// With the manifest unchanged but some files read again (their
    /// fingerprints were racy or changed): the same index, with this run's
    /// fingerprints, so the next run need not read them.
    pub fn refresh(&self, files: &Files<'_>) -> io::Result<()> {
        let Some(p) = &self.prev else { return Ok(()) };
        let sum = ZipSummary {
            sha: p.zip_sha,
            blake: p.zip_blake,
            size: p.size,
            stored: p.stored,
        };
        self.write_index(&p.manifest, &sum, p.recs.iter(), p.recs.len(), files)
    }

    fn write_index<'a>(
        &self,
        manifest: &Key,
        sum: &ZipSummary,
        recs: impl Iterator<Item = (&'a Key, &'a Rec)>,
        n: usize,
        files: &Files<'_>,
    ) -> io::Result<()> {
        let trees = self.dir.join("trees");
        fs::create_dir_all(&trees)?;
        let mut bytes = Vec::with_capacity(8 + 32 * 3 + 24 + n * REC_LEN + 32);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(&salt_id());
        bytes.extend_from_slice(manifest);
        bytes.extend_from_slice(&sum.sha);
        bytes.extend_from_slice(&sum.blake);
        bytes.extend_from_slice(&sum.size.to_le_bytes());
        bytes.extend_from_slice(&sum.stored.to_le_bytes());
        bytes.extend_from_slice(&(n as u64).to_le_bytes());
        for (k, r) in recs {
            bytes.extend_from_slice(k);
            bytes.extend_from_slice(&r.offset.to_le_bytes());
            bytes.extend_from_slice(&r.len.to_le_bytes());
            bytes.extend_from_slice(&r.size.to_le_bytes());
            bytes.extend_from_slice(&r.crc32.to_le_bytes());
            bytes.extend_from_slice(&r.data_crc.to_le_bytes());
            bytes.push(r.stored as u8);
        }
        bytes.extend_from_slice(&files.start_ns.to_le_bytes());
        let listed: Vec<_> = files
            .entries
            .iter()
            .zip(files.keys)
            .filter_map(|(e, k)| Some((e, e.stat?, k)))
            .collect();
        bytes.extend_from_slice(&(listed.len() as u64).to_le_bytes());
        for (e, st, k) in listed {
            bytes.extend_from_slice(&(e.name.len() as u32).to_le_bytes());
            bytes.extend_from_slice(e.name.as_bytes());
            st.write(&mut bytes);
            bytes.extend_from_slice(k);
        }
        let check = blake3::hash(&bytes);
        bytes.extend_from_slice(check.as_bytes());
        let tmp = temp_name(&trees);
        fs::write(&tmp, &bytes)?;
        rename_or_remove(&tmp, &self.index)
    }
}

/// What the index records of this run's files: each one's fingerprint from
/// the walk and its key, and when the run started.
pub(super) struct Files<'a> {
    pub start_ns: i64,
    pub entries: &'a [Entry],
    pub keys: &'a [Key],
}

/// Whether `zip` is `size` bytes with the BLAKE3 hash `blake`.
fn has_blake(zip: &File, blake: &[u8; 32], size: u64) -> bool {
    let mut h = blake3::Hasher::new();
    let mut buf = vec![0u8; 1024 * 1024];
    let mut at = 0u64;
    loop {
        let n = match zip.read_at(&mut buf, at) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        h.update(&buf[..n]);
        at += n as u64;
    }
    at == size && h.finalize().as_bytes() == blake
}

fn salt_id() -> Key {
    SALTED.finalize().into()
}

/// An index's fields besides its records.
struct Head {
    manifest: Key,
    zip_sha: [u8; 32],
    zip_blake: [u8; 32],
    size: u64,
    stored: u64,
    start_ns: i64,
}

type Parsed = (Head, HashMap<Key, Rec>, HashMap<String, (Stat, Key)>);

/// An index's content, if it is whole (its SHA-256 matches) and was
/// written by this version with these parameters.
fn parse(bytes: &[u8]) -> Option<Parsed> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
    if blake3::hash(body).as_bytes() != sum {
        return None;
    }
    let mut r = Reader(body);
    if r.take(8)? != MAGIC || r.take(32)? != salt_id() {
        return None;
    }
    let manifest: Key = r.take(32)?.try_into().ok()?;
    let zip_sha: [u8; 32] = r.take(32)?.try_into().ok()?;
    let zip_blake: [u8; 32] = r.take(32)?.try_into().ok()?;
    let size = r.u64()?;
    let stored = r.u64()?;
    let n = usize::try_from(r.u64()?).ok()?;
    if r.0.len() < n.checked_mul(REC_LEN)? {
        return None;
    }
    let mut recs = HashMap::with_capacity(n);
    for _ in 0..n {
        let key: Key = r.take(32)?.try_into().ok()?;
        let rec = Rec {
            offset: r.u64()?,
            len: r.u64()?,
            size: r.u64()?,
            crc32: r.u32()?,
            data_crc: r.u32()?,
            stored: r.take(1)?[0] != 0,
        };
        recs.insert(key, rec);
    }
    let start_ns = r.u64()? as i64;
    let count = usize::try_from(r.u64()?).ok()?;
    let mut files = HashMap::with_capacity(count.min(r.0.len()));
    for _ in 0..count {
        let len = r.u32()? as usize;
        let name = std::str::from_utf8(r.take(len)?).ok()?.to_owned();
        let stat = Stat::read(r.take(STAT_LEN)?)?;
        let key: Key = r.take(32)?.try_into().ok()?;
        files.insert(name, (stat, key));
    }
    if !r.0.is_empty() {
        return None;
    }
    let head = Head {
        manifest,
        zip_sha,
        zip_blake,
        size,
        stored,
        start_ns,
    };
    Some((head, recs, files))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
}

fn temp_name(dir: &Path) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    dir.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

fn rename_or_remove(tmp: &Path, to: &Path) -> io::Result<()> {
    fs::rename(tmp, to).inspect_err(|_| {
        let _ = fs::remove_file(tmp);
    })
}

/// Remove the least recently used files until the cache is within
/// `max_bytes`; temporary files left by a killed run go after an hour.
fn evict(dir: &Path, max_bytes: u64) -> io::Result<()> {
    let now = SystemTime::now();
    let mut files = Vec::new();
    for sub in ["zips", "trees"] {
        for e in fs::read_dir(dir.join(sub))? {
            let e = e?;
            let Ok(meta) = e.metadata() else { continue };
            let mtime = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
            if e.file_name().as_encoded_bytes().starts_with(b".tmp-") {
                if now.duration_since(mtime).unwrap_or_default() > Duration::from_secs(3600) {
                    let _ = fs::remove_file(e.path());
                }
                continue;
            }
            files.push((mtime, meta.len(), e.path()));
        }
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
mod tests;
