//! The zip's output file: buffered, its position tracked, its digests
//! taken on a thread of their own.

use std::cell::Cell;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::rc::Rc;

use super::digest::{Blocks, Hash, Sha, State};

/// The output file, buffered, with the digests taken as it is written, on
/// a thread of their own: with most entries from the cache the writer is
/// the bottleneck, and hashing every byte twice (SHA-256 for CodeSha256,
/// BLAKE3 for the cache) would double its work.
///
/// The zip crate asks for the stream position around every entry; through
/// a plain `BufWriter` each ask is a flush and an lseek, two system calls
/// per file. Here the position is tracked instead. Only a real seek (to
/// patch the header of a file streamed by the writer) drops the running
/// digests, which are then taken by reading the finished file back.
pub(super) struct Tracked {
    file: File,
    buf: Vec<u8>,
    /// Shared with the writer, which records where entries' data lands.
    pos: Rc<Cell<u64>>,
    digester: Option<Digester>,
    /// Whether the cache wants the zip's BLAKE3 too.
    blake: bool,
    /// Set once a write failed (a full disk) or the writer abandoned the
    /// zip: later writes are discarded, so the zip crate's `Drop`, which
    /// finalises an unfinished archive and prints a Debug line to stderr
    /// when that fails, has nothing to fail on. The file is removed anyway.
    discard: Rc<Cell<bool>>,
}

const OUT_BUFFER: usize = 256 * 1024;

/// The digest thread: full buffers go to it, and come back to be reused.
struct Digester {
    to: std::sync::mpsc::SyncSender<Vec<u8>>,
    back: std::sync::mpsc::Receiver<Vec<u8>>,
    done: std::thread::JoinHandle<Digests>,
}

impl Digester {
    fn start(blake: bool) -> Self {
        let (to, from) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
        let (give_back, back) = std::sync::mpsc::channel();
        let done = std::thread::spawn(move || {
            let mut d = Digests::new(blake);
            for mut b in from {
                d.update(&b);
                b.clear();
                let _ = give_back.send(b);
            }
            d
        });
        Digester { to, back, done }
    }
}

/// The zip's SHA-256 (its CodeSha256, with the states the cache keeps to
/// resume it) and, for the cache, its blocks' BLAKE3 hashes: what a reused
/// zip is checked against, at several times SHA-256's speed.
struct Digests {
    sha: Sha,
    blocks: Option<Blocks>,
}

/// A finished zip's digests and length.
pub(super) struct Sums {
    pub sha: [u8; 32],
    pub marks: Vec<State>,
    /// With a cache.
    pub blocks: Option<Vec<Hash>>,
    pub len: u64,
}

impl Digests {
    fn new(blake: bool) -> Self {
        Digests {
            sha: Sha::new(),
            blocks: blake.then(|| Blocks::resume(Vec::new())),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        self.sha.update(bytes);
        if let Some(b) = &mut self.blocks {
            b.update(bytes);
        }
    }

    fn finish(self, len: u64) -> Sums {
        let (sha, marks) = self.sha.finish();
        Sums {
            sha,
            marks,
            blocks: self.blocks.map(Blocks::finish),
            len,
        }
    }
}

impl Tracked {
    pub fn new(file: File, pos: Rc<Cell<u64>>, blake: bool, discard: Rc<Cell<bool>>) -> Self {
        Tracked {
            file,
            buf: Vec::with_capacity(OUT_BUFFER),
            pos,
            digester: Some(Digester::start(blake)),
            blake,
            discard,
        }
    }

    /// Write out the buffer and hand it to the digest thread.
    fn drain(&mut self) -> io::Result<()> {
        if self.discard.get() {
            self.buf.clear();
            return Ok(());
        }
        if self.buf.is_empty() {
            return Ok(());
        }
        if let Err(e) = self.file.write_all(&self.buf) {
            self.discard.set(true);
            self.buf.clear();
            return Err(e);
        }
        match &self.digester {
            Some(d) => {
                let next = d
                    .back
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(OUT_BUFFER));
                let full = std::mem::replace(&mut self.buf, next);
                if d.to.send(full).is_err() {
                    self.digester = None;
                }
            }
            None => self.buf.clear(),
        }
        Ok(())
    }

    /// Flush and return the digests and length of the whole file.
    pub fn finish(mut self) -> io::Result<Sums> {
        if self.discard.get() {
            return Err(io::Error::other(
                "the zip was abandoned after a failed write",
            ));
        }
        self.drain()?;
        if let Some(Digester { to, done, .. }) = self.digester.take() {
            drop(to);
            let d = done
                .join()
                .map_err(|_| io::Error::other("the digest thread panicked"))?;
            return Ok(d.finish(self.pos.get()));
        }
        let mut file = self.file;
        file.seek(SeekFrom::Start(0))?;
        let mut hasher = Digests::new(self.blake);
        let mut buf = vec![0u8; 1024 * 1024];
        let mut len = 0u64;
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            len += n as u64;
        }
        Ok(hasher.finish(len))
    }
}

impl Write for Tracked {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= OUT_BUFFER {
            self.drain()?;
        }
        self.pos.set(self.pos.get() + data.len() as u64);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.drain()
    }
}

impl Seek for Tracked {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        if to == SeekFrom::Current(0) || self.discard.get() {
            return Ok(self.pos.get());
        }
        self.drain()?;
        // The digests now need the file read back.
        self.digester = None;
        self.pos.set(self.file.seek(to)?);
        Ok(self.pos.get())
    }

    fn stream_position(&mut self) -> io::Result<u64> {
        Ok(self.pos.get())
    }
}
