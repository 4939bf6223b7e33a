//! Re-packaging a tree that changed a little, by splicing. A zip entry's
//! local header and data do not depend on where the entry sits, so the
//! new zip is the last zip's bytes for every run of entries that did not
//! change (copied by the kernel, `copy_file_range`), with the entries that
//! did written in between: the pipeline writes those into a small zip of
//! their own, whose entries are copied in the same way. Only the central
//! directory is built again, from both zips' records with their offsets
//! moved. The result is byte for byte what a cold run writes (tests prove
//! it); the SHA-256 is resumed from the last state kept before the first
//! byte that differs from the last zip.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::cache::{Cache, Ent, Key, Place, Prev, ZipSummary, kind_mode};
use super::digest::{Blocks, Hash, MARK, Sha, State};
use super::pipeline::{self, Written};
use super::{Entry, Observer, PackageOptions, PackageReport, file_count};
use crate::error::{Error, Result};

/// A run of the new zip's entries: the same as the last zip's entries in
/// `Old`, or new (`New`, indexes into this run's entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seg {
    Old(Range<usize>),
    New(Range<usize>),
}

/// The runs of this run's entries, matched by name with the last zip's
/// (both are sorted by name). An entry is old when its name, kind, mode
/// and content key are the ones recorded: then its bytes are too.
pub(super) fn plan(prev: &[Ent], entries: &[Entry], keys: &[Key]) -> Vec<Seg> {
    let mut segs: Vec<Seg> = Vec::new();
    let mut j = 0;
    for (i, e) in entries.iter().enumerate() {
        while prev.get(j).is_some_and(|p| p.name < e.name) {
            j += 1;
        }
        let named = prev.get(j).filter(|p| p.name == e.name);
        let same = named.is_some_and(|p| (p.kind, p.mode) == kind_mode(e) && p.key == keys[i]);
        if named.is_some() {
            j += 1;
        }
        match (segs.last_mut(), same) {
            (Some(Seg::Old(r)), true) if r.end == j - 1 => r.end = j,
            (_, true) => segs.push(Seg::Old(j - 1..j)),
            (Some(Seg::New(r)), false) => r.end = i + 1,
            (_, false) => segs.push(Seg::New(i..i + 1)),
        }
    }
    segs
}

/// Whether splicing is worth it: most of the tree is in old runs.
pub(super) fn worth_it(segs: &[Seg], entries: &[Entry], total: u64) -> bool {
    let new: u64 = segs
        .iter()
        .filter_map(|s| match s {
            Seg::New(r) => Some(entries[r.clone()].iter().map(Entry::size).sum::<u64>()),
            Seg::Old(_) => None,
        })
        .sum();
    segs.iter().any(|s| matches!(s, Seg::Old(_))) && new <= total / 2
}

/// The `-v` note on a splice.
pub(super) fn describe(segs: &[Seg], entries: usize) -> String {
    let (mut copied, mut runs) = (0, 0);
    for s in segs {
        if let Seg::Old(r) = s {
            copied += r.len();
            runs += 1;
        }
    }
    format!(
        "splice: {copied} of {entries} entries copied from the last zip in {runs} run{}, {} written",
        if runs == 1 { "" } else { "s" },
        entries - copied
    )
}

/// What the caller needs to write the splice.
pub(super) struct Job<'a> {
    pub prev: &'a Prev,
    pub cache: &'a Cache,
    pub entries: &'a [Entry],
    pub keys: &'a [Key],
    pub segs: &'a [Seg],
    pub opts: &'a PackageOptions,
    pub total: u64,
}

/// Write the spliced zip into `out` (at `tmp`). `Ok(None)` when the zips
/// are not as their indexes say, or the result would need zip64: then the
/// caller packages the usual way.
pub(super) fn write(
    job: &Job<'_>,
    obs: &dyn Observer,
    out: &File,
    tmp: &Path,
) -> Result<Option<Written>> {
    let io_err = |e: io::Error| Error::io(tmp, e);
    let prev = job.prev;
    let Some(old) = Central::read(&prev.zip, prev.head.size) else {
        return Ok(None);
    };
    let names: Vec<_> = prev
        .ents
        .iter()
        .map(|e| (e.name.as_str(), e.place.lho))
        .collect();
    if !old.agrees(&names) {
        return Ok(None);
    }
    obs.start(file_count(job.entries), job.total);

    // The changed entries, as a zip of their own.
    let fresh: Vec<usize> = job
        .segs
        .iter()
        .filter_map(|s| match s {
            Seg::New(r) => Some(r.clone()),
            Seg::Old(_) => None,
        })
        .flatten()
        .collect();
    let mini = Mini::write(job, &fresh, obs, tmp)?;
    let (mini_written, mini_central) = match &mini {
        Some((m, w)) => {
            let Some(c) = Central::read(&m.file, w.report.size) else {
                return Ok(None);
            };
            let names: Vec<_> = fresh
                .iter()
                .zip(&w.places)
                .map(|(&i, p)| (job.entries[i].name.as_str(), p.lho))
                .collect();
            if !c.agrees(&names) {
                return Ok(None);
            }
            (Some(w), Some(c))
        }
        None => (None, None),
    };

    // Where every run goes, and the new central directory.
    let mut pieces = Vec::with_capacity(job.segs.len());
    let mut places = Vec::with_capacity(job.entries.len());
    let mut central = Vec::with_capacity(old.bytes.len() + 4096);
    let mut pos = 0u64;
    let mut cached = 0u64;
    let mut next_fresh = 0;
    for seg in job.segs {
        let (from, records, src, lhos): (&File, _, &Central, Vec<Place>) = match seg {
            Seg::Old(r) => {
                let files = prev.ents[r.clone()].iter().filter(|e| e.kind == b'F');
                cached += files.count() as u64;
                (
                    &prev.zip,
                    r.clone(),
                    &old,
                    prev.ents[r.clone()].iter().map(|e| e.place).collect(),
                )
            }
            Seg::New(r) => {
                let (Some((m, _)), Some(w), Some(c)) = (&mini, mini_written, &mini_central) else {
                    return Ok(None);
                };
                let k = next_fresh..next_fresh + r.len();
                next_fresh = k.end;
                (&m.file, k.clone(), c, w.places[k].to_vec())
            }
        };
        let start = lhos[0].lho;
        let end = src
            .records
            .get(records.end)
            .map_or(src.start, |_| src.lho(records.end));
        pieces.push(Piece {
            from,
            at: start,
            len: end - start,
            to: pos,
        });
        for (k, p) in records.zip(lhos) {
            let moved = |at: u64| at - start + pos;
            let rec = &src.bytes[src.records[k].clone()];
            let lho = moved(p.lho);
            central.extend_from_slice(&rec[..42]);
            central.extend_from_slice(&u32::try_from(lho).unwrap_or(u32::MAX).to_le_bytes());
            central.extend_from_slice(&rec[46..]);
            places.push(Place {
                lho,
                stored: p.stored,
                rec: p.rec.map(|mut r| {
                    r.offset = moved(r.offset);
                    r
                }),
            });
        }
        pos += end - start;
    }
    let count = job.entries.len();
    // Beyond these the zip crate writes zip64 records: left to it.
    if count >= 0xFFFF || pos + central.len() as u64 >= u64::from(u32::MAX) {
        return Ok(None);
    }
    let cd_start = pos;
    central.extend_from_slice(&eocd(count, central.len() as u64, cd_start));
    let size = cd_start + central.len() as u64;

    // The digests from the last kept state before the first changed byte,
    // read from the two zips on a thread of its own while the kernel copies.
    let same_head = match job.segs.first() {
        Some(Seg::Old(r)) if r.start == 0 => {
            prev.ents.get(r.end).map_or(old.start, |e| e.place.lho)
        }
        _ => 0,
    };
    let kept = ((same_head / MARK) as usize).min(prev.head.marks.len());
    let (sha, marks, blocks) = std::thread::scope(|s| {
        let digests = s.spawn(|| {
            digests(
                &pieces,
                &central,
                prev.head.marks[..kept].to_vec(),
                prev.head.blocks[..kept].to_vec(),
            )
        });
        // One thread: two writers into one file only contend for its lock.
        let copied = pieces
            .iter()
            .try_for_each(|p| copy_range(p.from, p.at, out, p.to, p.len))
            .and_then(|()| out.write_all_at(&central, cd_start));
        let sums = digests
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the digest thread panicked")));
        copied.and(sums)
    })
    .map_err(io_err)?;
    obs.advance(job.total - fresh.iter().map(|&i| job.entries[i].size()).sum::<u64>());
    let stored = places.iter().filter(|p| p.stored).count() as u64;
    let report = PackageReport::new(
        job.opts.output.clone(),
        &sha,
        size,
        job.total,
        file_count(job.entries),
        stored,
        cached + mini_written.map_or(0, |w| w.report.cached),
    );
    Ok(Some(Written {
        report,
        places,
        consistent: mini_written.is_none_or(|w| w.consistent),
        summary: Some(ZipSummary {
            sha,
            marks,
            blocks,
            size,
            stored,
        }),
    }))
}

/// The changed entries' own zip, in a temporary file beside the output.
struct Mini {
    file: File,
    path: PathBuf,
}

impl Drop for Mini {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Mini {
    fn write(
        job: &Job<'_>,
        fresh: &[usize],
        obs: &dyn Observer,
        tmp: &Path,
    ) -> Result<Option<(Mini, Written)>> {
        if fresh.is_empty() {
            return Ok(None);
        }
        let mut path = tmp.as_os_str().to_owned();
        path.push(".changed");
        let path = PathBuf::from(path);
        let file = super::output::create_private(&path)?;
        let mini = Mini {
            file: file.try_clone().map_err(|e| Error::io(&path, e))?,
            path,
        };
        let entries: Vec<Entry> = fresh.iter().map(|&i| job.entries[i].clone()).collect();
        let keys: Vec<Key> = fresh.iter().map(|&i| job.keys[i]).collect();
        let total = entries.iter().map(Entry::size).sum();
        let written = pipeline::write(
            &entries,
            job.opts,
            total,
            &NoStart(obs),
            file,
            &mini.path,
            Some((job.cache, &keys)),
        )?;
        Ok(Some((mini, written)))
    }
}

/// The observer, minus the second `start` a mini zip would report.
struct NoStart<'a>(&'a dyn Observer);

impl Observer for NoStart<'_> {
    fn detail(&self, msg: &str) {
        self.0.detail(msg)
    }
    fn warn(&self, msg: &str) {
        self.0.warn(msg)
    }
    fn advance(&self, bytes: u64) {
        self.0.advance(bytes)
    }
}

/// A zip's central directory: where it starts, its bytes and each
/// record's range in them.
struct Central {
    start: u64,
    bytes: Vec<u8>,
    records: Vec<Range<usize>>,
}

const EOCD_LEN: u64 = 22;

impl Central {
    /// The central directory of a zip of `size` bytes that ends in a plain
    /// end record (no comment, no zip64), as the zip crate writes it.
    fn read(zip: &File, size: u64) -> Option<Central> {
        let mut end = [0u8; EOCD_LEN as usize];
        zip.read_exact_at(&mut end, size.checked_sub(EOCD_LEN)?)
            .ok()?;
        let count = usize::from(u16::from_le_bytes([end[10], end[11]]));
        let len = u64::from(u32_at(&end, 12));
        let start = u64::from(u32_at(&end, 16));
        if end != eocd(count, len, start) || start + len + EOCD_LEN != size {
            return None;
        }
        let mut bytes = vec![0u8; usize::try_from(len).ok()?];
        zip.read_exact_at(&mut bytes, start).ok()?;
        let mut records = Vec::with_capacity(count);
        let mut at = 0;
        while at < bytes.len() {
            let head = bytes.get(at..at + 46)?;
            if u32_at(head, 0) != 0x0201_4b50 {
                return None;
            }
            let len = 46
                + usize::from(u16_at(head, 28))
                + usize::from(u16_at(head, 30))
                + usize::from(u16_at(head, 32));
            if u32_at(head, 42) == u32::MAX || at + len > bytes.len() {
                return None;
            }
            records.push(at..at + len);
            at += len;
        }
        (records.len() == count).then_some(Central {
            start,
            bytes,
            records,
        })
    }

    /// Whether the records are these entries' names at these offsets.
    fn agrees(&self, names: &[(&str, u64)]) -> bool {
        self.records.len() == names.len()
            && names.iter().zip(&self.records).all(|(&(name, lho), r)| {
                let rec = &self.bytes[r.clone()];
                u64::from(u32_at(rec, 42)) == lho
                    && rec.get(46..46 + name.len()) == Some(name.as_bytes())
                    && usize::from(u16_at(rec, 28)) == name.len()
            })
    }

    fn lho(&self, k: usize) -> u64 {
        u64::from(u32_at(&self.bytes[self.records[k].clone()], 42))
    }
}

/// The end of central directory record for `count` entries (no comment).
fn eocd(count: usize, len: u64, start: u64) -> [u8; EOCD_LEN as usize] {
    let mut b = [0u8; EOCD_LEN as usize];
    b[..4].copy_from_slice(&0x0605_4b50u32.to_le_bytes());
    let n = u16::try_from(count).unwrap_or(u16::MAX).to_le_bytes();
    b[8..10].copy_from_slice(&n);
    b[10..12].copy_from_slice(&n);
    b[12..16].copy_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
    b[16..20].copy_from_slice(&u32::try_from(start).unwrap_or(u32::MAX).to_le_bytes());
    b
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(b[at..at + 2].try_into().expect("2 bytes"))
}

/// `len` bytes of `from` at `at` to `to` at `to_at`, in the kernel where it
/// can (std's `io::copy` uses `copy_file_range` between files).
fn copy_range(from: &File, at: u64, to: &File, to_at: u64, len: u64) -> io::Result<()> {
    let mut from = from;
    let mut to = to;
    from.seek(SeekFrom::Start(at))?;
    to.seek(SeekFrom::Start(to_at))?;
    let n = io::copy(&mut from.take(len), &mut to)?;
    if n != len {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the cached zip is shorter than its index says",
        ));
    }
    Ok(())
}

/// A run of bytes of the new zip: `len` bytes of `from` at `at`, to go at
/// `to`.
struct Piece<'a> {
    from: &'a File,
    at: u64,
    len: u64,
    to: u64,
}

/// The spliced zip's SHA-256 and block hashes, carried on from the `kept`
/// whole blocks before its first changed byte: the rest read from where
/// its runs come from, then its central directory.
fn digests(
    pieces: &[Piece<'_>],
    central: &[u8],
    marks: Vec<State>,
    blocks: Vec<Hash>,
) -> io::Result<([u8; 32], Vec<State>, Vec<Hash>)> {
    let from = marks.len() as u64 * MARK;
    let mut sha = Sha::resume(marks);
    let mut hashes = Blocks::resume(blocks);
    let mut buf = vec![0u8; 1 << 20];
    for p in pieces.iter().filter(|p| p.to + p.len > from) {
        let skip = from.saturating_sub(p.to);
        let mut at = p.at + skip;
        let end = p.at + p.len;
        while at < end {
            let n = (end - at).min(buf.len() as u64) as usize;
            p.from.read_exact_at(&mut buf[..n], at)?;
            sha.update(&buf[..n]);
            hashes.update(&buf[..n]);
            at += n as u64;
        }
    }
    let cd_start = pieces.last().map_or(0, |p| p.to + p.len);
    let central =
        &central[usize::try_from(from.saturating_sub(cd_start)).unwrap_or(central.len())..];
    sha.update(central);
    hashes.update(central);
    let (digest, marks) = sha.finish();
    Ok((digest, marks, hashes.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::Kind;

    fn entry(name: &str) -> Entry {
        Entry {
            name: name.into(),
            path: name.into(),
            kind: Kind::File {
                size: 10,
                executable: false,
            },
            stat: None,
        }
    }

    fn ent(name: &str, key: u8) -> Ent {
        Ent {
            name: name.into(),
            kind: b'F',
            mode: kind_mode(&entry(name)).1,
            key: [key; 32],
            stat: None,
            place: Place::default(),
        }
    }

    #[test]
    fn runs_follow_edits_additions_and_removals() {
        let prev = [
            ent("a", 1),
            ent("b", 2),
            ent("c", 3),
            ent("d", 4),
            ent("e", 5),
        ];
        // b edited, c removed, ca added, e unchanged.
        let entries: Vec<Entry> = ["a", "b", "ca", "d", "e"].map(entry).to_vec();
        let keys = [[1; 32], [9; 32], [7; 32], [4; 32], [5; 32]];
        assert_eq!(
            plan(&prev, &entries, &keys),
            [Seg::Old(0..1), Seg::New(1..3), Seg::Old(3..5)]
        );
        // Only a removal: two old runs either side of it.
        let entries: Vec<Entry> = ["a", "b", "d", "e"].map(entry).to_vec();
        let keys = [[1; 32], [2; 32], [4; 32], [5; 32]];
        assert_eq!(
            plan(&prev, &entries, &keys),
            [Seg::Old(0..2), Seg::Old(3..5)]
        );
        // A mode change is a change.
        let mut exe = entry("a");
        exe.kind = Kind::File {
            size: 10,
            executable: true,
        };
        let keys = [[1; 32]];
        assert_eq!(plan(&prev, &[exe], &keys), [Seg::New(0..1)]);
    }

    #[test]
    fn the_end_record_is_the_zip_crates() {
        let mut buf = io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        z.start_file("a", zip::write::SimpleFileOptions::default())
            .unwrap();
        z.finish().unwrap();
        let bytes = buf.into_inner();
        let end = &bytes[bytes.len() - 22..];
        let (len, start) = (u32_at(end, 12), u32_at(end, 16));
        assert_eq!(end, eocd(1, len.into(), start.into()));
    }
}
