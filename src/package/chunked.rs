//! Big files on every core: a file is cut into 1 MiB chunks at fixed
//! offsets, each deflated by libdeflate on its own and joined into one
//! deflate stream (`join::unfinish`) that depends only on the bytes
//! (docs/packaging.md). The file is streamed: read chunk by chunk, and the
//! output spilled in order to an unlinked file beside the zip, so neither
//! the file nor its deflated data is ever held whole.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Entry;
use super::cache::{self, Key};
use super::join::unfinish;
use crate::error::{Error, Result};

/// Big files are cut into chunks of this size, each deflated on its own.
/// Each restart of the 32 KiB dictionary costs a little: on the benchmark's
/// CSV and JSONL files 1 MiB chunks are 0.15-0.3% larger than 4 MiB ones
/// and 0.3-0.8% smaller than 256 KiB ones (docs/benchmarks.md).
pub(super) const CHUNK: usize = 1024 * 1024;
/// How a chunk is deflated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Codec {
    /// libdeflate at this level, made joinable by `unfinish` (a walk of
    /// its blocks).
    Libdeflate(i32),
    /// zlib-rs at this level, ending in a full flush: joinable as it is.
    Zlib(u32),
}

/// The chunks of data files (CSV, JSONL, shared libraries, anything not in
/// `SOURCE`). On the benchmark's CSV and JSONL files libdeflate's level 5
/// deflates at about a third of Info-ZIP's CPU time to an output 3.7%
/// smaller; level 6 costs 25-35% more CPU for 1.1-2.2% less (0.6-1.0 ms of
/// one core per KB saved), which would put the JSONL tree at Info-ZIP's
/// 0.30x on two cores. zlib-rs's level 6 is slower and larger.
const CHUNK_CODEC: Codec = Codec::Libdeflate(5);
/// The chunks of JavaScript and TypeScript sources. On the node tree's
/// 6-12 MB bundles libdeflate's levels 5 and 6 come out 5% and 2% larger
/// than zlib's 6 (Info-ZIP's), which would make the zip larger than
/// Info-ZIP's; its level 7 is as small as zlib-rs's 6 but takes 10% more
/// CPU, and the block walk 12-15% more on top. zlib-rs's 6 needs no walk.
/// Measured in docs/benchmarks.md.
const SOURCE_CODEC: Codec = Codec::Zlib(6);
/// Extensions (lower case) of the sources deflated with `SOURCE_CODEC`.
const SOURCE: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "map"];

/// What decides a big file's deflate stream (part of the cache's keys).
pub(super) fn params() -> String {
    format!("{CHUNK_CODEC:?}, {SOURCE:?} {SOURCE_CODEC:?}, in {CHUNK} B chunks joined")
}

/// The chunks' codec for a file of this name.
fn codec_for(name: &str) -> Codec {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext {
        Some(e) if !e.contains('/') && SOURCE.contains(&e.as_str()) => SOURCE_CODEC,
        _ => CHUNK_CODEC,
    }
}
/// Chunks read but not yet spilled, per compressing thread: bounds memory.
const IN_FLIGHT_PER_THREAD: usize = 3;

/// A big file's deflate stream, spilled to an unlinked file.
pub(super) struct Chunked {
    pub spill: Spill,
    /// The file's CRC-32, of exactly the bytes deflated.
    pub crc: u32,
    /// With a cache: the content key of those bytes, and the CRC-32 of the
    /// deflated data.
    pub key: Option<(Key, u32)>,
}

/// Data written once, in order, to a file that has no name, then read back.
pub(super) struct Spill {
    file: File,
    pub len: u64,
}

static SPILLS: AtomicU64 = AtomicU64::new(0);

impl Spill {
    /// A new file beside `base` (the zip's temporary file), unlinked at
    /// once: it disappears with the process, whatever happens.
    fn create(base: &Path) -> io::Result<Self> {
        let mut name = OsString::from(base.as_os_str());
        name.push(format!(".chunks{}", SPILLS.fetch_add(1, Ordering::Relaxed)));
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&name)?;
        std::fs::remove_file(&name)?;
        Ok(Spill { file, len: 0 })
    }

    fn push(&mut self, data: &[u8]) -> io::Result<()> {
        self.file.write_all_at(data, self.len)?;
        self.len += data.len() as u64;
        Ok(())
    }

    pub fn reader(&self) -> impl Read + '_ {
        SpillReader { spill: self, at: 0 }
    }
}

struct SpillReader<'a> {
    spill: &'a Spill,
    at: u64,
}

impl Read for SpillReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = (self.spill.len - self.at).min(buf.len() as u64) as usize;
        let n = self.spill.file.read_at(&mut buf[..left], self.at)?;
        if n == 0 && left > 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// Deflate a big file on `threads` threads, chunk by chunk: this thread
/// reads the chunks in order (taking the CRC-32 and, when `keyed`, the
/// cache key of exactly the bytes read), the others deflate them, and this
/// thread spills their output in order beside `spill_base`. Every chunk but
/// the last is made joinable (`unfinish`); the concatenation is one deflate
/// stream that depends only on the bytes, whatever the thread count.
/// `None` when the result does not shrink (the file is then stored).
pub(super) fn chunked_file(
    entry: &Entry,
    size: u64,
    threads: usize,
    keyed: bool,
    spill_base: &Path,
) -> Result<Option<Chunked>> {
    use std::sync::Mutex;
    use std::sync::mpsc::{channel, sync_channel};
    let file = File::open(&entry.path).map_err(|e| Error::io(&entry.path, e))?;
    let n = size.div_ceil(CHUNK as u64) as usize;
    let threads = threads.clamp(1, n.max(1));
    let mut spill = Spill::create(spill_base).map_err(|e| Error::io(spill_base, e))?;
    let mut crc = crc32fast::Hasher::new();
    let mut key = keyed.then(|| cache::file_hasher(false));
    let mut data_crc = crc32fast::Hasher::new();
    let (to, from) = sync_channel::<(usize, Vec<u8>)>(threads);
    let from = Mutex::new(from);
    let (done_to, done) = channel::<(usize, Vec<u8>)>();
    let codec = codec_for(&entry.name);
    std::thread::scope(|s| -> Result<()> {
        for _ in 0..threads {
            let (from, done_to) = (&from, done_to.clone());
            s.spawn(move || {
                let mut d = ChunkDeflater::new(codec);
                loop {
                    let job = from.lock().expect("chunk queue").recv();
                    let Ok((i, data)) = job else { break };
                    if done_to.send((i, d.deflate(&data, i + 1 == n))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_to);
        let to = to;
        let mut pending = BTreeMap::new();
        let mut spilled = 0;
        // Spill the chunks that are next in order, waiting for one first
        // when `wait`.
        let mut drain = |pending: &mut BTreeMap<usize, Vec<u8>>, wait: bool| -> Result<usize> {
            if wait {
                let (i, out) = done.recv().expect("chunk threads outlive the queue");
                pending.insert(i, out);
            }
            while let Some(out) = pending.remove(&spilled) {
                spill.push(&out).map_err(|e| Error::io(spill_base, e))?;
                if keyed {
                    data_crc.update(&out);
                }
                spilled += 1;
            }
            Ok(spilled)
        };
        let mut ready = 0;
        for i in 0..n {
            if crate::interrupt::triggered() {
                return Err(Error::Interrupted);
            }
            while i - ready >= threads * IN_FLIGHT_PER_THREAD {
                ready = drain(&mut pending, true)?;
            }
            let at = (i * CHUNK) as u64;
            let mut buf = vec![0u8; (size - at).min(CHUNK as u64) as usize];
            file.read_exact_at(&mut buf, at)
                .map_err(|e| Error::io(&entry.path, e))?;
            crc.update(&buf);
            if let Some(k) = &mut key {
                k.update(&buf);
            }
            to.send((i, buf)).expect("chunk threads outlive the queue");
        }
        drop(to);
        while ready < n {
            ready = drain(&mut pending, true)?;
        }
        // Nothing past the size the walk saw (see `more_than_its_size`).
        let mut past = [0u8; 1];
        if file
            .read_at(&mut past, size)
            .map_err(|e| Error::io(&entry.path, e))?
            > 0
        {
            return Err(super::more_than_its_size(&entry.path, size));
        }
        Ok(())
    })?;
    let key = key.map(|k| (*k.finalize().as_bytes(), data_crc.finalize()));
    Ok((spill.len < size).then_some(Chunked {
        spill,
        crc: crc.finalize(),
        key,
    }))
}

/// A chunk thread's compressor and output buffer.
struct ChunkDeflater {
    codec: Codec,
    /// libdeflate's compressor, for `Codec::Libdeflate`.
    c: Option<libdeflater::Compressor>,
    out: Vec<u8>,
}

impl ChunkDeflater {
    fn new(codec: Codec) -> Self {
        let c = match codec {
            Codec::Libdeflate(level) => Some(libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(level).expect("a valid libdeflate level"),
            )),
            Codec::Zlib(_) => None,
        };
        ChunkDeflater {
            codec,
            c,
            out: Vec::new(),
        }
    }

    /// The chunk's deflate stream: finished for the last chunk, joinable
    /// for the others.
    fn deflate(&mut self, chunk: &[u8], last: bool) -> Vec<u8> {
        let level = match self.codec {
            Codec::Zlib(level) => return zlib_chunk(chunk, level, last),
            Codec::Libdeflate(level) => level,
        };
        let c = self.c.as_mut().expect("made with libdeflate's compressor");
        let bound = c.deflate_compress_bound(chunk.len());
        if self.out.len() < bound {
            self.out.resize(bound, 0);
        }
        let n = c
            .deflate_compress(chunk, &mut self.out)
            .expect("libdeflate's bound is enough room");
        // Room for the empty stored block `unfinish` adds.
        let mut s = Vec::with_capacity(n + 5);
        s.extend_from_slice(&self.out[..n]);
        if last || unfinish(&mut s) {
            s
        } else {
            // Should libdeflate's output ever fail to parse.
            zlib_chunk(chunk, level.clamp(1, 9) as u32, false)
        }
    }
}

/// A chunk deflated by zlib-rs: finished when `last`, else ending in a full
/// flush, which makes it joinable as it is.
fn zlib_chunk(chunk: &[u8], level: u32, last: bool) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    let mut c = Compress::new(Compression::new(level), false);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Full
    };
    let mut out = Vec::with_capacity(chunk.len() / 3 + 1024);
    loop {
        let read = c.total_in() as usize;
        let status = c
            .compress_vec(&chunk[read..], &mut out, flush)
            .expect("deflating from memory into memory does not fail");
        let done = if last {
            status == Status::StreamEnd
        } else {
            c.total_in() as usize == chunk.len() && out.len() < out.capacity()
        };
        if done {
            return out;
        }
        out.reserve(chunk.len() / 4 + 1024);
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::super::Kind;
    use super::super::sample::noise;
    use super::*;

    fn entry(dir: &std::path::Path, name: &str, data: &[u8]) -> Entry {
        let path = dir.join(name);
        std::fs::write(&path, data).unwrap();
        Entry {
            name: name.into(),
            path,
            kind: Kind::File {
                size: data.len() as u64,
                executable: false,
            },
            stat: None,
        }
    }

    fn stream(c: &Chunked) -> Vec<u8> {
        let mut out = Vec::new();
        c.spill.reader().read_to_end(&mut out).unwrap();
        out
    }

    /// Lines that vary, so that the chunks' streams differ.
    fn text(n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n + 100);
        let mut x: u64 = 3;
        while out.len() < n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            out.extend_from_slice(
                format!(
                    "{},{},order{},\"{}\"\n",
                    x >> 44,
                    x % 1000,
                    x >> 58,
                    x >> 33
                )
                .as_bytes(),
            );
        }
        out.truncate(n);
        out
    }

    #[test]
    fn sources_take_the_source_codec_and_data_the_chunk_codec() {
        assert_eq!(codec_for("dist/bundle.JS"), SOURCE_CODEC);
        assert_eq!(codec_for("lib/typescript.js"), SOURCE_CODEC);
        assert_eq!(codec_for("a.min.mjs"), SOURCE_CODEC);
        assert_eq!(codec_for("data/orders.csv"), CHUNK_CODEC);
        assert_eq!(codec_for("lib.js/blob"), CHUNK_CODEC);
        assert_eq!(codec_for("Makefile"), CHUNK_CODEC);
        // What the codec changes is the bytes, and both inflate back.
        let data = text(2 * CHUNK + 5);
        let t = tempfile::tempdir().unwrap();
        let base = t.path().join("out.zip.tmp");
        let mut streams = Vec::new();
        for (name, codec) in [("big.js", SOURCE_CODEC), ("big.csv", CHUNK_CODEC)] {
            let e = entry(t.path(), name, &data);
            let c = chunked_file(&e, data.len() as u64, 2, false, &base)
                .unwrap()
                .unwrap();
            let s = stream(&c);
            let mut d = ChunkDeflater::new(codec);
            let want = [
                d.deflate(&data[..CHUNK], false),
                d.deflate(&data[CHUNK..2 * CHUNK], false),
                d.deflate(&data[2 * CHUNK..], true),
            ]
            .concat();
            assert!(s == want, "{codec:?}");
            let mut back = Vec::new();
            flate2::read::DeflateDecoder::new(&s[..])
                .read_to_end(&mut back)
                .unwrap();
            assert!(back == data, "{codec:?} inflates back");
            streams.push(s);
        }
        assert!(streams[0] != streams[1], "the codecs differ on this text");
    }

    #[test]
    fn the_cache_keys_follow_the_codecs() {
        // A cached stream of another codec is never served for these bytes.
        let p = super::super::compress::params();
        assert!(p.contains(&format!("{SOURCE_CODEC:?}")), "{p}");
        assert!(p.contains(&format!("{CHUNK_CODEC:?}")), "{p}");
    }

    #[test]
    fn chunks_make_one_stream_whatever_the_thread_count() {
        let t = tempfile::tempdir().unwrap();
        let base = t.path().join("out.zip.tmp");
        for size in [CHUNK + 1, 3 * CHUNK - 1, 3 * CHUNK, 3 * CHUNK + 7] {
            let data = text(size);
            let e = entry(t.path(), "big.csv", &data);
            let one = chunked_file(&e, size as u64, 1, true, &base)
                .unwrap()
                .unwrap();
            let three = chunked_file(&e, size as u64, 3, true, &base)
                .unwrap()
                .unwrap();
            let s = stream(&one);
            assert!(s == stream(&three), "the same bytes on 1 or 3 threads");
            assert_eq!(one.spill.len, s.len() as u64);
            let mut back = Vec::new();
            flate2::read::DeflateDecoder::new(&s[..])
                .read_to_end(&mut back)
                .unwrap();
            assert!(back == data, "{size} bytes inflate back");
            assert_eq!(one.crc, crc32fast::hash(&data));
            let key = one.key.unwrap();
            assert_eq!(key.0, cache::key_of(&data, false));
            assert_eq!(key.1, crc32fast::hash(&s));
            assert_eq!(
                std::fs::read_dir(t.path()).unwrap().count(),
                1,
                "spill files have no name"
            );
        }
        let e = entry(t.path(), "noise.bin", &noise(3 * CHUNK));
        assert!(
            chunked_file(&e, 3 * CHUNK as u64, 2, false, &base)
                .unwrap()
                .is_none(),
            "noise does not shrink"
        );
    }
}
