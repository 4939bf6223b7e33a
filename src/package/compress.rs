//! A worker's half of packaging: read one file whole, deflate it, and frame
//! the result as a zip local entry for the writer; or, on a cache hit, take
//! the entry's compressed data from the cache instead.
//!
//! libdeflate compresses a whole buffer at once, about 1.5 times as fast as
//! zlib for a smaller output (docs/benchmarks.md), so files up to
//! `IN_MEMORY_MAX` are read whole, with buffers each worker reuses. A
//! bigger file is streamed in fixed 1 MiB chunks deflated on every core
//! (`chunked`), whatever its size. A file whose sample does not shrink is
//! stored without deflating it (`sample`): read whole up to `BIG_MAX`,
//! streamed by the writer beyond.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::cache::{self, Cache, Key, Rec};
use super::chunked::{Spill, chunked_file};
use super::sample::{incompressible, sample_file};
use super::{
    BIG_MAX, CHUNKED_MAX, Entry, IN_MEMORY_MAX, Kind, file_mode, is_precompressed,
    more_than_its_size,
};
use crate::error::{Error, Result};

/// libdeflate level 7 for files under `LARGE`, 6 for larger ones: on the
/// benchmark trees level 6 costs the least output per CPU second saved on
/// the larger files (1.9-2.2 ms per KB given up, against 0.8-1.3 on the
/// smaller ones), and with it every tree's archive stays smaller than
/// Info-ZIP's (at 6 for every file the node tree's would be about 0.3%
/// larger). docs/benchmarks.md has the figures.
const LEVEL: i32 = 7;
const LARGE_LEVEL: i32 = 6;
/// Files at least this big are deflated at `LARGE_LEVEL`.
const LARGE: usize = 256 * 1024;
/// Buffers a worker keeps from file to file are at most this big.
const KEEP_BUFFER: usize = 1024 * 1024;
/// Everything that decides an entry's compressed bytes besides its content
/// and whether its name is a compressed format: part of every cache key.
/// Made from the constants themselves, so that changing one (a level, a
/// codec, a size) changes every key and no cached entry of the old kind is
/// served.
pub(super) fn params() -> String {
    format!(
        "libdeflate-{LEVEL}, from {LARGE} B {LARGE_LEVEL}; big: {}; sample: {}",
        super::chunked::params(),
        super::sample::params()
    )
}

/// What a worker hands to the writer: a local file header and the entry's
/// data, in `bytes` and then, for a big file, in `spill` (its deflate
/// stream, which is never held in memory).
pub(super) struct Framed {
    pub bytes: Vec<u8>,
    pub spill: Option<Spill>,
    pub mode: u32,
    pub stored: bool,
    /// With a cache: the content's key and where the data is (the offset
    /// is filled in by the writer).
    pub rec: Option<(Key, Rec)>,
    /// Whether the data came from the cache.
    pub hit: bool,
}

impl Framed {
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 + self.spill.as_ref().map_or(0, |s| s.len)
    }

    /// The bytes it holds in memory, for the pipeline's window.
    pub fn held(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// The frame as one stream, for the zip crate's stream reader.
    pub fn reader(&self) -> impl Read + '_ {
        let spill: Box<dyn Read + '_> = match &self.spill {
            Some(s) => Box::new(s.reader()),
            None => Box::new(std::io::empty()),
        };
        self.bytes.as_slice().chain(spill)
    }
}

/// A worker's compressors and the buffers it reuses from file to file.
pub(super) struct Deflater {
    compressor: libdeflater::Compressor,
    /// At `LARGE_LEVEL`, for files from `LARGE` bytes.
    large: libdeflater::Compressor,
    /// The fastest level, for the incompressibility sample.
    sampler: libdeflater::Compressor,
    /// Room for the local header, then the file's content.
    input: Vec<u8>,
    /// Deflate output of small files, sized to libdeflate's bound.
    scratch: Vec<u8>,
    /// Threads a big file's chunks are spread over.
    threads: usize,
    /// The zip's temporary file: big files' spills go beside it.
    spill_base: PathBuf,
}

impl Deflater {
    pub fn new(threads: usize, spill_base: &Path) -> Self {
        let level = libdeflater::CompressionLvl::new(LEVEL).expect("a valid libdeflate level");
        let fast = libdeflater::CompressionLvl::new(1).expect("a valid libdeflate level");
        Deflater {
            compressor: libdeflater::Compressor::new(level),
            large: libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(LARGE_LEVEL).expect("a valid libdeflate level"),
            ),
            sampler: libdeflater::Compressor::new(fast),
            input: Vec::new(),
            scratch: Vec::new(),
            threads: threads.max(1),
            spill_base: spill_base.to_path_buf(),
        }
    }

    /// Frame one file that `handles` accepted: from the cache when `known`
    /// holds its key and the cache has it, else read and deflated. `None`
    /// for a file over `BIG_MAX` that is not deflated: the writer streams it.
    pub fn prepare(
        &mut self,
        entry: &Entry,
        known: Option<(&Cache, &Key)>,
    ) -> Result<Option<Framed>> {
        let Kind::File { executable, size } = entry.kind else {
            unreachable!("only files are compressed by workers");
        };
        if let Some((cache, key)) = known
            && let Some(f) = from_cache(entry, cache, key)
        {
            return Ok(Some(f));
        }
        let big = size > IN_MEMORY_MAX;
        let head = header_len(&entry.name);
        if big
            && !is_precompressed(&entry.name)
            && !sample_file(&entry.path, size).map_err(|e| Error::io(&entry.path, e))?
            && let Some(c) =
                chunked_file(entry, size, self.threads, known.is_some(), &self.spill_base)?
        {
            let header = Header {
                name: &entry.name,
                crc32: c.crc,
                size: size as usize,
                compressed: c.spill.len as usize,
            };
            let mut bytes = vec![0; head];
            header.write(&mut bytes);
            let rec = c.key.map(|(key, data_crc)| {
                let rec = Rec {
                    offset: 0,
                    len: c.spill.len,
                    size,
                    crc32: c.crc,
                    data_crc,
                    stored: false,
                };
                (key, rec)
            });
            return Ok(Some(Framed {
                bytes,
                spill: Some(c.spill),
                mode: file_mode(executable),
                stored: false,
                rec,
                hit: false,
            }));
        }
        if big && size > BIG_MAX {
            return Ok(None);
        }
        self.input.clear();
        self.input.resize(head, 0);
        self.input.reserve(size as usize + 1);
        File::open(&entry.path)
            .and_then(|f| f.take(size + 1).read_to_end(&mut self.input))
            .map_err(|e| Error::io(&entry.path, e))?;
        let len = self.input.len() - head;
        if len as u64 > size {
            return Err(more_than_its_size(&entry.path, size));
        }
        let by_name = is_precompressed(&entry.name);
        // The key is taken from the very bytes compressed, so a file that
        // changed since the keys were taken is never cached under its old key.
        let key = known.map(|_| cache::key_of(&self.input[head..], by_name));
        let crc = libdeflater::crc32(&self.input[head..]);
        let mut header = Header {
            name: &entry.name,
            crc32: crc,
            size: len,
            compressed: len,
        };
        // A big file here is one whose sample (or chunks) did not shrink.
        let compressible =
            len > 0 && !big && !by_name && !incompressible(&mut self.sampler, &self.input[head..]);
        let bytes = if !compressible {
            None
        } else {
            let c = if len >= LARGE {
                &mut self.large
            } else {
                &mut self.compressor
            };
            let bound = c.deflate_compress_bound(len);
            if self.scratch.len() < bound {
                self.scratch.resize(bound, 0);
            }
            let n = deflate(c, &self.input[head..], &mut self.scratch);
            n.map(|n| {
                header.compressed = n;
                let mut out = Vec::with_capacity(head + n);
                out.resize(head, 0);
                header.write(&mut out);
                out.extend_from_slice(&self.scratch[..n]);
                out
            })
        };
        let stored = bytes.is_none();
        let bytes = bytes.unwrap_or_else(|| {
            // Stored: the input buffer already has the room for the header.
            let mut input = std::mem::take(&mut self.input);
            header.write(&mut input[..head]);
            input
        });
        // Buffers grown for a file over 1 MiB are given back (they are
        // their own mappings), so what a worker keeps stays small.
        if self.input.capacity() > KEEP_BUFFER {
            self.input = Vec::new();
        }
        if self.scratch.len() > KEEP_BUFFER {
            self.scratch = Vec::new();
        }
        let rec = key.map(|key| {
            let mut data_crc = crc32fast::Hasher::new();
            data_crc.update(&bytes[head..]);
            let rec = Rec {
                offset: 0,
                len: header.compressed as u64,
                size: len as u64,
                crc32: crc,
                data_crc: data_crc.finalize(),
                stored,
            };
            (key, rec)
        });
        Ok(Some(Framed {
            bytes,
            spill: None,
            mode: file_mode(executable),
            stored,
            rec,
            hit: false,
        }))
    }
}

/// The entry from the cache, framed under this entry's name and mode;
/// `None` (so it is compressed afresh) when the cache lacks it or its data
/// fails its CRC.
fn from_cache(entry: &Entry, cache: &Cache, key: &Key) -> Option<Framed> {
    let Kind::File { executable, .. } = entry.kind else {
        return None;
    };
    let rec = cache.lookup(key)?;
    let head = header_len(&entry.name);
    let mut bytes = cache.read(&rec, head)?;
    let size = usize::try_from(rec.size).ok()?;
    Header {
        name: &entry.name,
        crc32: rec.crc32,
        size,
        compressed: bytes.len() - head,
    }
    .write(&mut bytes[..head]);
    Some(Framed {
        bytes,
        spill: None,
        mode: file_mode(executable),
        stored: rec.stored,
        rec: Some((*key, rec)),
        hit: true,
    })
}

/// Deflate `data` into `out`; `None` when that does not make it smaller,
/// so it is stored (as Info-ZIP does). `out` has libdeflate's full bound,
/// which keeps it on its fast path.
fn deflate(c: &mut libdeflater::Compressor, data: &[u8], out: &mut [u8]) -> Option<usize> {
    let n = c.deflate_compress(data, out).ok()?;
    (n < data.len()).then_some(n)
}

/// Whether a worker reads and compresses this entry (links, directories
/// and the biggest files are written by the writer itself).
pub(super) fn handles(entry: &Entry) -> bool {
    matches!(entry.kind, Kind::File { size, .. }
        if size <= IN_MEMORY_MAX || (size <= CHUNKED_MAX && !is_precompressed(&entry.name)))
}

fn header_len(name: &str) -> usize {
    30 + name.len()
}

/// The zip crate (9.4) can append already-compressed data only as a raw
/// copy of an entry read from another zip, and its stream reader takes a
/// local file header followed by the data (APPNOTE 4.3.7). So a worker
/// frames its output as one; the writer copies it through the zip crate,
/// which writes the archive's own headers and central directory.
struct Header<'a> {
    name: &'a str,
    crc32: u32,
    size: usize,
    /// Equal to `size` when stored: deflate output is kept only if smaller.
    compressed: usize,
}

impl Header<'_> {
    fn write(&self, out: &mut [u8]) {
        const SIGNATURE: u32 = 0x0403_4b50;
        // Read back as "version made by": 3 is Unix, so the mode is kept.
        const UNIX_V20: u16 = (3 << 8) | 20;
        const UTF8_NAME: u16 = 1 << 11;
        const JAN_1_1980: u16 = (1 << 5) | 1;
        let flags = if self.name.is_ascii() { 0 } else { UTF8_NAME };
        let method: u16 = if self.compressed < self.size { 8 } else { 0 };
        let u32_of = |n: usize| u32::try_from(n).expect("framed files are under 4 GiB");
        let name_len = u16::try_from(self.name.len()).expect("zip names are under 64 KiB");
        let mut w = Cursor(out);
        w.put(&SIGNATURE.to_le_bytes());
        w.put(&UNIX_V20.to_le_bytes());
        w.put(&flags.to_le_bytes());
        w.put(&method.to_le_bytes());
        w.put(&0u16.to_le_bytes());
        w.put(&JAN_1_1980.to_le_bytes());
        w.put(&self.crc32.to_le_bytes());
        w.put(&u32_of(self.compressed).to_le_bytes());
        w.put(&u32_of(self.size).to_le_bytes());
        w.put(&name_len.to_le_bytes());
        w.put(&0u16.to_le_bytes());
        w.put(self.name.as_bytes());
        debug_assert!(w.0.is_empty(), "header room matches header_len");
    }
}

struct Cursor<'a>(&'a mut [u8]);

impl Cursor<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let (head, rest) = std::mem::take(&mut self.0).split_at_mut(bytes.len());
        head.copy_from_slice(bytes);
        self.0 = rest;
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn entry(dir: &std::path::Path, name: &str, data: &[u8]) -> Entry {
        let path = dir.join(name.replace('/', "_"));
        std::fs::write(&path, data).unwrap();
        Entry {
            name: name.into(),
            path,
            kind: Kind::File {
                size: data.len() as u64,
                executable: true,
            },
            stat: None,
        }
    }

    /// What the zip crate reads back from a frame: name, method, CRC-32,
    /// uncompressed size and the inflated content.
    fn read_back(f: &Framed) -> (String, zip::CompressionMethod, u32, u64, Vec<u8>) {
        let mut r = f.reader();
        let mut z = zip::read::read_zipfile_from_stream(&mut r)
            .unwrap()
            .expect("a local entry");
        let mut data = Vec::new();
        z.read_to_end(&mut data).unwrap();
        let meta = (
            z.name().unwrap().to_string(),
            z.compression(),
            z.crc32(),
            z.size(),
        );
        drop(z);
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty(), "the frame is exactly one entry");
        (meta.0, meta.1, meta.2, meta.3, data)
    }

    #[test]
    fn frames_read_back_through_the_zip_crate() {
        let t = tempfile::tempdir().unwrap();
        let mut d = Deflater::new(2, &t.path().join("out.zip.tmp"));
        let text = b"def handler(event, context):\n    return event\n".repeat(500);
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let noise: Vec<u8> = (0..70_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let big = b"const a = require('x');\n".repeat(250_000);
        let cases: [(&str, &[u8], zip::CompressionMethod); 5] = [
            ("app.py", &text, zip::CompressionMethod::Deflated),
            (
                "caf\u{e9}/noise.bin",
                &noise,
                zip::CompressionMethod::Stored,
            ),
            ("logo.png", &text, zip::CompressionMethod::Stored),
            ("empty", b"", zip::CompressionMethod::Stored),
            ("dist/big.js", &big, zip::CompressionMethod::Deflated),
        ];
        assert!(big.len() as u64 > IN_MEMORY_MAX, "covers the big-file path");
        for (name, data, method) in cases {
            let f = d
                .prepare(&entry(t.path(), name, data), None)
                .unwrap()
                .unwrap();
            let (n, m, crc, size, content) = read_back(&f);
            assert_eq!(n, name);
            assert_eq!(m, method, "{name}");
            assert_eq!(f.stored, method == zip::CompressionMethod::Stored);
            let mut want = flate2::Crc::new();
            want.update(data);
            assert_eq!(crc, want.sum(), "{name}");
            assert_eq!(size, data.len() as u64);
            assert_eq!(content, data, "{name}");
            assert_eq!(f.mode, 0o755);
        }
    }

    #[test]
    fn files_from_256_kib_are_deflated_at_the_large_level() {
        let t = tempfile::tempdir().unwrap();
        let mut d = Deflater::new(1, &t.path().join("out.zip.tmp"));
        // Text varied enough that levels 6 and 7 differ.
        let mut x: u64 = 7;
        let mut text = |n: usize| -> Vec<u8> {
            let mut out = Vec::with_capacity(n);
            while out.len() < n {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let w =
                    ["event", "ctx", "items", "value", "key", "map", "len"][(x >> 60) as usize % 7];
                out.extend_from_slice(
                    format!("{w}{} = {w}[{}];\n", x >> 56, (x >> 40) % 97).as_bytes(),
                );
            }
            out.truncate(n);
            out
        };
        for (size, level) in [
            (LARGE - 1, LEVEL),
            (LARGE, LARGE_LEVEL),
            (3 << 20, LARGE_LEVEL),
        ] {
            let data = text(size);
            let f = d
                .prepare(&entry(t.path(), "f.js", &data), None)
                .unwrap()
                .unwrap();
            let mut c =
                libdeflater::Compressor::new(libdeflater::CompressionLvl::new(level).unwrap());
            let mut want = vec![0; c.deflate_compress_bound(size)];
            let n = c.deflate_compress(&data, &mut want).unwrap();
            let head = header_len("f.js");
            assert!(
                f.bytes[head..] == want[..n],
                "{size} bytes are not deflated at level {level}"
            );
            let mut other = libdeflater::Compressor::new(
                libdeflater::CompressionLvl::new(LEVEL + LARGE_LEVEL - level).unwrap(),
            );
            let mut not = vec![0; other.deflate_compress_bound(size)];
            let m = other.deflate_compress(&data, &mut not).unwrap();
            assert!(
                not[..m] != want[..n],
                "the two levels agree on {size} bytes"
            );
        }
    }
}
