//! Workers compress files in parallel; one writer appends them to the zip
//! in entry order. At most one big file is held whole at a time, and it
//! counts with the output waiting for the writer against `WINDOW_BYTES`, so
//! memory stays small whatever the tree.
//!
//! A big file takes long, and everything after it waits for it. So a free
//! worker starts the next big file early, once the files before it are
//! about as big as it is: the other worker reaches it as it finishes, and
//! little output piles up behind it. A big file that would wait for another
//! is passed over and taken by the next free worker, so no core idles.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::rc::Rc;
use std::sync::{Condvar, Mutex};

use zip::write::FullFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::cache::{Cache, Key, Place, ZipSummary, file_hasher};
use super::compress::{Deflater, Framed, handles};
use super::sample::sample_file;
use super::tracked::Tracked;
use super::{
    BIG_MAX, Entry, IN_MEMORY_MAX, Kind, Observer, PackageOptions, PackageReport, file_mode,
    is_precompressed, more_than_its_size, options,
};
use crate::error::{Error, Result};

/// Bytes held for the writer: its waiting output, plus the big file being
/// compressed. Workers take no small file while this much is held.
const WINDOW_BYTES: u64 = 32 * 1024 * 1024;

/// What a worker hands to the writer.
enum Prepared {
    Framed(Framed),
    /// The writer handles it itself (biggest files, links, directories).
    Inline,
}

struct Shared {
    state: Mutex<Window>,
    /// The big files' indexes, in order.
    bigs: Vec<usize>,
    /// `before[i]`: the size of the files before entry `i`.
    before: Vec<u64>,
    /// The writer waits here for its next entry.
    ready: Condvar,
    /// Workers wait here for room in the window.
    room: Condvar,
}

struct Window {
    /// The next entry no worker has looked at yet.
    next: usize,
    /// Big files passed over while another big file was being compressed.
    deferred: VecDeque<usize>,
    /// Big files started before their turn.
    early: BTreeSet<usize>,
    /// In `bigs`, the first that may not have been started.
    next_big: usize,
    /// The next entry the writer writes.
    written: usize,
    done: BTreeMap<usize, Result<Prepared>>,
    /// Output waiting for the writer, plus the big file in flight.
    held: u64,
    big_busy: bool,
    writer_waiting: bool,
    workers_waiting: usize,
    cancelled: bool,
}

impl Shared {
    fn new(entries: &[Entry]) -> Self {
        Shared {
            state: Mutex::new(Window {
                next: 0,
                deferred: VecDeque::new(),
                early: BTreeSet::new(),
                next_big: 0,
                written: 0,
                done: BTreeMap::new(),
                held: 0,
                big_busy: false,
                writer_waiting: false,
                workers_waiting: 0,
                cancelled: false,
            }),
            ready: Condvar::new(),
            room: Condvar::new(),
            bigs: (0..entries.len())
                .filter(|&i| is_big(&entries[i]))
                .collect(),
            before: entries
                .iter()
                .scan(0, |sum, e| {
                    let b = *sum;
                    *sum += e.size();
                    Some(b)
                })
                .collect(),
        }
    }
}

fn is_big(entry: &Entry) -> bool {
    entry.size() > IN_MEMORY_MAX && handles(entry)
}

/// What a big file in flight may hold in memory: all of it when it is read
/// whole to be stored (up to `BIG_MAX`); a bigger one is streamed, its
/// chunks in flight far fewer than `BIG_MAX` bytes.
fn big_held(entry: &Entry) -> u64 {
    entry.size().min(BIG_MAX)
}

/// With a cache: the cache, and every entry's content key.
pub(super) type Known<'a> = Option<(&'a Cache, &'a [Key])>;

/// What the writer learnt for the cache: where each entry is in the new
/// zip (and its data, when that is known).
pub(super) struct Written {
    pub report: PackageReport,
    /// One per entry.
    pub places: Vec<Place>,
    /// Whether every file written had the content its key was taken from
    /// (a file that changed while it was packaged breaks that, and then
    /// the manifest does not describe the zip).
    pub consistent: bool,
    /// What the cache keeps of the zip (with a cache).
    pub summary: Option<ZipSummary>,
}

/// Compress and write `entries` into `file`, then digest it.
pub(super) fn write(
    entries: &[Entry],
    opts: &PackageOptions,
    total: u64,
    obs: &dyn Observer,
    file: File,
    tmp: &Path,
    known: Known<'_>,
) -> Result<Written> {
    let threads = super::threads(opts);
    let files = super::file_count(entries);
    obs.start(files, total);

    let shared = Shared::new(entries);
    std::thread::scope(|scope| -> Result<Written> {
        for _ in 0..threads {
            scope.spawn(|| worker(entries, &shared, threads, known, tmp));
        }
        let mut w = Writer::new(file, tmp, obs, known, entries.len());
        let run = (|| -> Result<()> {
            for (i, e) in entries.iter().enumerate() {
                if crate::interrupt::triggered() {
                    return Err(Error::Interrupted);
                }
                match take(&shared, i)? {
                    Prepared::Framed(f) => w.framed(i, e, f)?,
                    Prepared::Inline => w.inline(i, e)?,
                }
            }
            Ok(())
        })();
        if let Err(e) = run {
            // Explicitly abandoned: the zip's Drop then finalises into nothing.
            w.abandon.set(true);
            let mut st = shared.state.lock().expect("package window lock");
            st.cancelled = true;
            shared.room.notify_all();
            return Err(e);
        }
        w.finish(opts, total, files)
    })
}

/// The writer's side: the zip, and what it learns for the report and the
/// cache as entries go in.
struct Writer<'a> {
    zip: ZipWriter<Tracked>,
    /// Bytes written so far (the next local header's offset).
    pos: Rc<Cell<u64>>,
    /// Set when the run fails: the zip is dropped without a last write.
    abandon: Rc<Cell<bool>>,
    tmp: &'a Path,
    obs: &'a dyn Observer,
    known: Known<'a>,
    stored: u64,
    cached: u64,
    places: Vec<Place>,
    consistent: bool,
}

impl<'a> Writer<'a> {
    fn new(file: File, tmp: &'a Path, obs: &'a dyn Observer, known: Known<'a>, n: usize) -> Self {
        // A seekable file lets the zip crate write sizes into the local
        // headers (no 16-byte data descriptor per entry).
        let pos = Rc::new(Cell::new(0));
        let abandon = Rc::new(Cell::new(false));
        Writer {
            zip: ZipWriter::new(Tracked::new(
                file,
                Rc::clone(&pos),
                known.is_some(),
                Rc::clone(&abandon),
            )),
            pos,
            abandon,
            tmp,
            obs,
            known,
            stored: 0,
            cached: 0,
            places: Vec::with_capacity(n),
            consistent: true,
        }
    }

    fn zip_err(&self, name: &str, e: zip::result::ZipError) -> Error {
        match e {
            zip::result::ZipError::Io(io) => Error::io(self.tmp, io),
            other => Error::failed(format!("cannot add {name} to the zip: {other}")),
        }
    }

    /// An entry a worker framed: copied as it is.
    fn framed(&mut self, i: usize, e: &Entry, f: Framed) -> Result<()> {
        let lho = self.pos.get();
        if f.stored && e.size() > 0 {
            self.stored += 1;
        }
        self.cached += f.hit as u64;
        let before = self.pos.get();
        let mut data = f.reader();
        let entry = zip::read::read_zipfile_from_stream(&mut data)
            .and_then(|entry| {
                entry.ok_or(zip::result::ZipError::InvalidArchive(
                    "a framed entry without a local header".into(),
                ))
            })
            .map_err(|err| self.zip_err(&e.name, err))?;
        self.zip
            .raw_copy_file_touch(entry, DateTime::default(), Some(f.mode))
            .map_err(|err| self.zip_err(&e.name, err))?;
        // The zip crate copies the frame's header (no extra fields) and
        // data as they are; the data's offset is recorded only when the
        // length written proves it.
        if let (Some((key, _)), Some((_, keys))) = (&f.rec, self.known) {
            self.consistent &= *key == keys[i];
        }
        let end = self.pos.get();
        let rec = f
            .rec
            .filter(|_| end - before == f.len())
            .map(|(_, mut rec)| {
                rec.offset = end - rec.len;
                rec
            });
        self.places.push(Place {
            lho,
            stored: f.stored && e.size() > 0,
            rec,
        });
        self.obs.advance(e.size());
        Ok(())
    }

    /// An entry the writer handles itself: the biggest files, links,
    /// directories.
    fn inline(&mut self, i: usize, e: &Entry) -> Result<()> {
        let lho = self.pos.get();
        let (stored, r) = match &e.kind {
            Kind::File { size, executable } => {
                let keep = is_precompressed(&e.name)
                    || sample_file(&e.path, *size).map_err(|err| Error::io(&e.path, err))?;
                (
                    keep && *size > 0,
                    self.stream(i, e, *size, *executable, keep),
                )
            }
            Kind::Symlink { target } => {
                let o = options(CompressionMethod::Stored, 0o777);
                let r = self.zip.add_symlink(e.name.as_str(), target.as_str(), o);
                (false, r.map_err(|err| self.zip_err(&e.name, err)))
            }
            Kind::EmptyDir => {
                let o = options(CompressionMethod::Stored, 0o755);
                let r = self.zip.add_directory(e.name.as_str(), o);
                (false, r.map_err(|err| self.zip_err(&e.name, err)))
            }
        };
        self.places.push(Place {
            lho,
            stored,
            rec: None,
        });
        r
    }

    /// A big file streamed through the zip crate's own deflate (or stored),
    /// its key taken on the way when there is a cache.
    fn stream(
        &mut self,
        i: usize,
        e: &Entry,
        size: u64,
        executable: bool,
        keep: bool,
    ) -> Result<()> {
        let method = if keep {
            self.stored += 1;
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let mut f = File::open(&e.path).map_err(|err| Error::io(&e.path, err))?;
        let o: FullFileOptions = options(method, file_mode(executable))
            .large_file(size >= u32::MAX as u64 - 1024)
            .into_full_options();
        self.zip
            .start_file(e.name.as_str(), o)
            .map_err(|err| self.zip_err(&e.name, err))?;
        let mut hasher = self.known.map(|_| file_hasher(is_precompressed(&e.name)));
        // Bounded by the size the walk saw (`more_than_its_size`).
        let read = copy_reporting(
            &mut (&mut f).take(size + 1),
            &mut self.zip,
            self.obs,
            hasher.as_mut(),
        )
        .map_err(|err| match err {
            CopyError::Read(io) => Error::io(&e.path, io),
            CopyError::Write(io) => Error::io(self.tmp, io),
            CopyError::Interrupted => Error::Interrupted,
        })?;
        if read > size {
            return Err(more_than_its_size(&e.path, size));
        }
        if let (Some(h), Some((_, keys))) = (hasher, self.known) {
            self.consistent &= *h.finalize().as_bytes() == keys[i];
        }
        Ok(())
    }

    /// The central directory, then the digests.
    fn finish(self, opts: &PackageOptions, total: u64, files: u64) -> Result<Written> {
        let tmp = self.tmp;
        let out = self.zip.finish().map_err(|err| match err {
            zip::result::ZipError::Io(io) => Error::io(tmp, io),
            other => Error::failed(format!(
                "cannot add the central directory to the zip: {other}"
            )),
        })?;
        // No fsync: the rename makes the zip appear whole, and a zip lost in
        // a power cut is simply built again.
        let sums = out.finish().map_err(|e| Error::io(tmp, e))?;
        let report = PackageReport::new(
            opts.output.clone(),
            &sums.sha,
            sums.len,
            total,
            files,
            self.stored,
            self.cached,
        );
        Ok(Written {
            report,
            places: self.places,
            consistent: self.consistent,
            summary: sums.blocks.map(|blocks| ZipSummary {
                sha: sums.sha,
                marks: sums.marks,
                blocks,
                size: sums.len,
                stored: self.stored,
            }),
        })
    }
}

/// The writer's wait for entry `i`.
fn take(shared: &Shared, i: usize) -> Result<Prepared> {
    let mut st = shared.state.lock().expect("package window lock");
    loop {
        if let Some(r) = st.done.remove(&i) {
            if let Ok(Prepared::Framed(f)) = &r {
                st.held -= f.held();
            }
            st.written = i + 1;
            if st.workers_waiting > 0 {
                shared.room.notify_all();
            }
            return r;
        }
        st.writer_waiting = true;
        st = shared.ready.wait(st).expect("package window lock");
        st.writer_waiting = false;
    }
}

fn worker(entries: &[Entry], shared: &Shared, threads: usize, known: Known<'_>, tmp: &Path) {
    let mut deflater = Deflater::new(threads, tmp);
    loop {
        let (i, big) = {
            let mut st = shared.state.lock().expect("package window lock");
            loop {
                if st.cancelled {
                    return;
                }
                if let Some(i) = pick(&mut st, shared, entries) {
                    break (i, is_big(&entries[i]));
                }
                // Out of work for now: whatever is ready goes out first.
                wake_writer(&st, shared, true);
                if st.next >= entries.len() && st.deferred.is_empty() {
                    return;
                }
                st.workers_waiting += 1;
                st = shared.room.wait(st).expect("package window lock");
                st.workers_waiting -= 1;
            }
        };
        let r = if handles(&entries[i]) {
            let known = known.map(|(cache, keys)| (cache, &keys[i]));
            let r = deflater.prepare(&entries[i], known);
            r.map(|f| f.map_or(Prepared::Inline, Prepared::Framed))
        } else {
            Ok(Prepared::Inline)
        };
        let mut st = shared.state.lock().expect("package window lock");
        if let Ok(Prepared::Framed(f)) = &r {
            st.held += f.held();
        }
        if big {
            st.held -= big_held(&entries[i]);
            st.big_busy = false;
            if st.workers_waiting > 0 {
                shared.room.notify_all();
            }
        }
        st.done.insert(i, r);
        wake_writer(&st, shared, false);
    }
}

/// Entries ready before the writer is woken: waking it for each would cost
/// a context switch per file on a busy core.
const WAKE_BATCH: usize = 64;

fn wake_writer(st: &Window, shared: &Shared, force: bool) {
    if st.writer_waiting
        && st.done.contains_key(&st.written)
        && (force || st.done.len() >= WAKE_BATCH || st.held >= WINDOW_BYTES / 2)
    {
        shared.ready.notify_one();
    }
}

/// The next entry for a free worker, if one may start now. A big file is
/// started only when no other is held: a deferred one first, then the next
/// one early if its turn is near; when its turn comes while another is held
/// it is passed over. Anything else starts only while less than
/// `WINDOW_BYTES` is held. The entry the writer waits for can always start,
/// so the pipeline never stalls.
fn pick(st: &mut Window, shared: &Shared, entries: &[Entry]) -> Option<usize> {
    if !st.big_busy {
        if let Some(i) = st.deferred.pop_front() {
            st.big_busy = true;
            st.held += big_held(&entries[i]);
            return Some(i);
        }
        while shared.bigs.get(st.next_big).is_some_and(|&k| k < st.next) {
            st.next_big += 1;
        }
        if let Some(&k) = shared.bigs.get(st.next_big) {
            let size = entries[k].size();
            if shared.before[k] - shared.before[st.next] <= size {
                st.next_big += 1;
                st.early.insert(k);
                st.big_busy = true;
                st.held += big_held(&entries[k]);
                return Some(k);
            }
        }
    }
    while st.next < entries.len() {
        let i = st.next;
        if st.early.remove(&i) {
            st.next += 1;
            continue;
        }
        if is_big(&entries[i]) {
            st.next += 1;
            if st.big_busy {
                st.deferred.push_back(i);
                continue;
            }
            st.big_busy = true;
            st.held += big_held(&entries[i]);
            return Some(i);
        }
        if st.held >= WINDOW_BYTES && i != st.written {
            return None;
        }
        st.next += 1;
        return Some(i);
    }
    None
}

enum CopyError {
    Read(io::Error),
    Write(io::Error),
    Interrupted,
}

fn copy_reporting(
    r: &mut impl Read,
    w: &mut impl Write,
    obs: &dyn Observer,
    mut hasher: Option<&mut blake3::Hasher>,
) -> std::result::Result<u64, CopyError> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut read = 0u64;
    loop {
        if crate::interrupt::triggered() {
            return Err(CopyError::Interrupted);
        }
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok(read),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        read += n as u64;
        w.write_all(&buf[..n]).map_err(CopyError::Write)?;
        if let Some(h) = hasher.as_deref_mut() {
            h.update(&buf[..n]);
        }
        obs.advance(n as u64);
    }
}

#[cfg(test)]
mod tests;
