//! The index of one packaged directory: its last zip (SHA-256, size, and
//! every `digest::MARK`-byte block's SHA-256 state and BLAKE3) and, in the
//! zip's order, every entry: its name, kind, mode and content key, where its
//! local header starts, where its compressed data is, and the fingerprint
//! its file had when it was read. The last 32 bytes are the BLAKE3 hash of
//! the rest: an index that fails it is no index.

use super::super::digest::{Hash, State};
use super::super::stat::{STAT_LEN, Stat};
use super::{Key, Rec, salt_id};

const MAGIC: &[u8; 8] = b"LMCIDX03";

/// One entry of a cached zip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in super::super) struct Ent {
    pub name: String,
    /// `F`ile, `L`ink or `D`irectory, and the mode the zip records.
    pub kind: u8,
    pub mode: u32,
    pub key: Key,
    pub stat: Option<Stat>,
    pub place: Place,
}

/// Where an entry sits in its zip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(in super::super) struct Place {
    /// Offset of its local header.
    pub lho: u64,
    /// A non-empty file stored, not deflated.
    pub stored: bool,
    /// Its compressed data, when the writer could tell where it is.
    pub rec: Option<Rec>,
}

/// An index's fields besides its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in super::super) struct Head {
    pub manifest: Key,
    pub zip_sha: [u8; 32],
    pub size: u64,
    pub stored: u64,
    /// When the run that wrote the index started (ns since the epoch).
    pub start_ns: i64,
    pub marks: Vec<State>,
    pub blocks: Vec<Hash>,
}

/// An entry as `encode` takes it: borrowed from this run's entries.
pub(in super::super) struct EntRef<'a> {
    pub name: &'a str,
    pub kind: u8,
    pub mode: u32,
    pub key: &'a Key,
    pub stat: Option<Stat>,
    pub place: Place,
}

pub(super) fn encode<'a>(head: &Head, ents: impl ExactSizeIterator<Item = EntRef<'a>>) -> Vec<u8> {
    let mut b = Vec::with_capacity(256 + head.marks.len() * 32 + ents.len() * 180);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&salt_id());
    b.extend_from_slice(&head.manifest);
    b.extend_from_slice(&head.zip_sha);
    b.extend_from_slice(&head.size.to_le_bytes());
    b.extend_from_slice(&head.stored.to_le_bytes());
    b.extend_from_slice(&head.start_ns.to_le_bytes());
    b.extend_from_slice(&(head.marks.len() as u64).to_le_bytes());
    for m in &head.marks {
        for w in m {
            b.extend_from_slice(&w.to_le_bytes());
        }
    }
    b.extend_from_slice(&(head.blocks.len() as u64).to_le_bytes());
    for h in &head.blocks {
        b.extend_from_slice(h);
    }
    b.extend_from_slice(&(ents.len() as u64).to_le_bytes());
    for e in ents {
        b.extend_from_slice(&(e.name.len() as u32).to_le_bytes());
        b.extend_from_slice(e.name.as_bytes());
        b.push(e.kind);
        b.extend_from_slice(&e.mode.to_le_bytes());
        b.extend_from_slice(e.key);
        b.extend_from_slice(&e.place.lho.to_le_bytes());
        b.push(e.place.stored as u8);
        match e.stat {
            Some(st) => {
                b.push(1);
                st.write(&mut b);
            }
            None => b.push(0),
        }
        match e.place.rec {
            Some(r) => {
                b.push(1);
                b.extend_from_slice(&r.offset.to_le_bytes());
                b.extend_from_slice(&r.len.to_le_bytes());
                b.extend_from_slice(&r.size.to_le_bytes());
                b.extend_from_slice(&r.crc32.to_le_bytes());
                b.extend_from_slice(&r.data_crc.to_le_bytes());
                b.push(r.stored as u8);
            }
            None => b.push(0),
        }
    }
    let check = blake3::hash(&b);
    b.extend_from_slice(check.as_bytes());
    b
}

/// An index's content, if it is whole (its BLAKE3 matches) and was
/// written by this version with these parameters.
pub(super) fn parse(bytes: &[u8]) -> Option<(Head, Vec<Ent>)> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
    if blake3::hash(body).as_bytes() != sum {
        return None;
    }
    let mut r = Reader(body);
    if r.take(8)? != MAGIC || r.take(32)? != salt_id() {
        return None;
    }
    let manifest = r.key()?;
    let zip_sha = r.key()?;
    let size = r.u64()?;
    let stored = r.u64()?;
    let start_ns = r.u64()? as i64;
    let n = usize::try_from(r.u64()?).ok()?;
    if r.0.len() < n.checked_mul(32)? {
        return None;
    }
    let marks = (0..n)
        .map(|_| {
            let mut s = [0u32; 8];
            for w in &mut s {
                *w = r.u32()?;
            }
            Some(s)
        })
        .collect::<Option<Vec<_>>>()?;
    let n = usize::try_from(r.u64()?).ok()?;
    if r.0.len() < n.checked_mul(32)? {
        return None;
    }
    let blocks = (0..n).map(|_| r.key()).collect::<Option<Vec<_>>>()?;
    let count = usize::try_from(r.u64()?).ok()?;
    let mut ents = Vec::with_capacity(count.min(r.0.len() / 50));
    for _ in 0..count {
        let len = r.u32()? as usize;
        let name = std::str::from_utf8(r.take(len)?).ok()?.to_owned();
        let kind = r.take(1)?[0];
        let mode = r.u32()?;
        let key = r.key()?;
        let lho = r.u64()?;
        let stored = r.flag()?;
        let stat = if r.flag()? {
            Some(Stat::read(r.take(STAT_LEN)?)?)
        } else {
            None
        };
        let rec = if r.flag()? {
            Some(Rec {
                offset: r.u64()?,
                len: r.u64()?,
                size: r.u64()?,
                crc32: r.u32()?,
                data_crc: r.u32()?,
                stored: r.flag()?,
            })
        } else {
            None
        };
        ents.push(Ent {
            name,
            kind,
            mode,
            key,
            stat,
            place: Place { lho, stored, rec },
        });
    }
    if !r.0.is_empty() {
        return None;
    }
    let head = Head {
        manifest,
        zip_sha,
        size,
        stored,
        start_ns,
        marks,
        blocks,
    };
    Some((head, ents))
}

/// `body` (an index after its magic and salt, without its hash) sealed as
/// this version would and parsed: what the fuzzer feeds, so its inputs get
/// past the hash to the parser. The number of entries read.
pub(super) fn parse_sealed(body: &[u8]) -> Option<usize> {
    let mut b = Vec::with_capacity(body.len() + 72);
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&salt_id());
    b.extend_from_slice(body);
    let check = blake3::hash(&b);
    b.extend_from_slice(check.as_bytes());
    parse(&b).map(|(_, ents)| ents.len())
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }
    fn key(&mut self) -> Option<[u8; 32]> {
        self.take(32)?.try_into().ok()
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn flag(&mut self) -> Option<bool> {
        match self.take(1)?[0] {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}
