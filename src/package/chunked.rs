//! Big files on every core: a file is cut into 1 MiB chunks at fixed
//! offsets, deflated independently and concatenated, pigz-style, into one
//! deflate stream that depends only on the bytes (docs/packaging.md).

use std::fs::File;

use super::Entry;
use super::cache::{self, Key};
use crate::error::{Error, Result};

/// Big files are cut into chunks of this size, each deflated on its own.
const CHUNK: usize = 1024 * 1024;
/// zlib-rs level for the chunks: Info-ZIP's own default level. Level 7 made
/// the big files about 0.1% smaller for about 17% more CPU on the node tree;
/// at 6 every benchmark tree's archive stays smaller than Info-ZIP's, since
/// files up to 4 MiB get libdeflate's level 7 (docs/benchmarks.md).
const CHUNK_LEVEL: u32 = 6;

/// Deflate a big file on `threads` threads, pigz-style: fixed 1 MiB chunks,
/// each deflated independently (a fresh compressor), every chunk but the
/// last ending in a full flush (a byte-aligned empty stored block, no final
/// bit) and the last one finishing the stream. Their concatenation is one
/// valid deflate stream that depends only on the bytes, whatever the thread
/// count. Returns the chunks' output, or `None` when it does not shrink.
pub(super) fn chunked(data: &[u8], threads: usize) -> Option<Vec<Vec<u8>>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let chunks: Vec<&[u8]> = data.chunks(CHUNK).collect();
    let outs: Vec<Mutex<Vec<u8>>> = chunks.iter().map(|_| Mutex::new(Vec::new())).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(chunk) = chunks.get(i) else { break };
            let out = deflate_chunk(chunk, i + 1 == chunks.len());
            *outs[i].lock().expect("chunk lock") = out;
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads.min(chunks.len()) {
            s.spawn(work);
        }
        work();
    });
    let outs: Vec<Vec<u8>> = outs
        .into_iter()
        .map(|o| o.into_inner().expect("chunk lock"))
        .collect();
    let total: usize = outs.iter().map(Vec::len).sum();
    (total < data.len()).then_some(outs)
}

/// `chunked` straight from the file, so a big file is never held whole:
/// this thread reads the chunks in order (taking the CRC-32 and, with a
/// cache, the key of exactly the bytes read) while `threads` others deflate
/// them. `None` when the result does not shrink (the file is then stored).
#[allow(clippy::type_complexity)]
pub(super) fn chunked_file(
    entry: &Entry,
    size: u64,
    threads: usize,
    keyed: bool,
) -> Result<Option<(Vec<Vec<u8>>, u32, Option<Key>)>> {
    use std::os::unix::fs::FileExt;
    use std::sync::Mutex;
    use std::sync::mpsc::sync_channel;
    let file = File::open(&entry.path).map_err(|e| Error::io(&entry.path, e))?;
    let n = size.div_ceil(CHUNK as u64) as usize;
    let outs: Vec<Mutex<Vec<u8>>> = (0..n).map(|_| Mutex::new(Vec::new())).collect();
    let mut crc = crc32fast::Hasher::new();
    let mut key = keyed.then(|| cache::file_hasher(false));
    let (to, from) = sync_channel::<(usize, Vec<u8>)>(threads);
    let from = Mutex::new(from);
    std::thread::scope(|s| -> Result<()> {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let job = from.lock().expect("chunk queue").recv();
                    let Ok((i, data)) = job else { break };
                    *outs[i].lock().expect("chunk lock") = deflate_chunk(&data, i + 1 == n);
                }
            });
        }
        let to = to;
        for i in 0..n {
            let at = (i * CHUNK) as u64;
            let mut buf = vec![0u8; (size - at).min(CHUNK as u64) as usize];
            file.read_exact_at(&mut buf, at)
                .map_err(|e| Error::io(&entry.path, e))?;
            crc.update(&buf);
            if let Some(k) = &mut key {
                k.update(&buf);
            }
            if to.send((i, buf)).is_err() {
                break;
            }
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
    let outs: Vec<Vec<u8>> = outs
        .into_iter()
        .map(|o| o.into_inner().expect("chunk lock"))
        .collect();
    let total: usize = outs.iter().map(Vec::len).sum();
    let key = key.map(|k| *k.finalize().as_bytes());
    Ok((total < size as usize).then_some((outs, crc.finalize(), key)))
}

fn deflate_chunk(chunk: &[u8], last: bool) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    let mut c = Compress::new(Compression::new(CHUNK_LEVEL), false);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Full
    };
    // flate2 initialises the spare room it is given, so it is kept near
    // what deflate needs (most chunks halve) rather than the worst case,
    // and given back at the end: a big file's output is then only its size.
    let mut out = Vec::with_capacity(chunk.len() / 2 + 1024);
    loop {
        let read = c.total_in() as usize;
        let status = c
            .compress_vec(&chunk[read..], &mut out, flush)
            .expect("deflating from memory into memory does not fail");
        let flushed = c.total_in() as usize == chunk.len() && out.len() < out.capacity();
        match status {
            Status::StreamEnd => break,
            _ if !last && flushed => break,
            _ => out.reserve(chunk.len() / 4 + 1024),
        }
    }
    out.shrink_to_fit();
    out
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

    #[test]
    fn chunks_make_one_stream_whatever_the_thread_count() {
        let data =
            b"export function handler(event) { return event.items.length; }\n".repeat(60_000);
        assert!(
            data.len() > 3 * CHUNK,
            "several chunks and a short last one"
        );
        let one = chunked(&data, 1).unwrap().concat();
        assert_eq!(
            one,
            chunked(&data, 3).unwrap().concat(),
            "the same bytes on 1 or 3 threads"
        );
        let mut back = Vec::new();
        flate2::read::DeflateDecoder::new(&one[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
        // Read from the file chunk by chunk: the same stream, CRC and key.
        let t = tempfile::tempdir().unwrap();
        let e = entry(t.path(), "big.js", &data);
        let (chunks, crc, key) = chunked_file(&e, data.len() as u64, 2, true)
            .unwrap()
            .unwrap();
        assert_eq!(chunks.concat(), one);
        assert_eq!(crc, crc32fast::hash(&data));
        assert_eq!(key, Some(cache::key_of(&data, false)));
        assert!(
            chunked(&noise(3 * CHUNK), 2).is_none(),
            "noise does not shrink"
        );
    }
}
