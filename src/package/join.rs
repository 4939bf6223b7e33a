//! Joining independently deflated chunks into one deflate stream.
//!
//! libdeflate compresses a whole buffer into a finished deflate stream: its
//! last block has the final bit (BFINAL) set and the stream ends in zero
//! padding to a byte boundary. Concatenated as they are, such streams would
//! end at the first chunk. `unfinish` walks the stream's blocks (headers and
//! Huffman symbols, no output is produced) to find the last block's header
//! and its end, clears that bit, and ends the stream byte-aligned with an
//! empty stored block, as zlib's sync flush does. The next chunk's stream
//! then follows on a byte boundary, and the concatenation inflates to the
//! chunks' bytes in order.

/// Make a finished raw deflate stream joinable: its last block no longer
/// final, and an empty stored block after it so it ends on a byte boundary.
/// `false` (the stream untouched) if it does not parse as one complete
/// stream with zero padding; the caller then deflates the chunk otherwise.
pub(super) fn unfinish(stream: &mut Vec<u8>) -> bool {
    let Some((last, end)) = last_block(stream) else {
        return false;
    };
    let total = stream.len() * 8;
    if end > total || total - end >= 8 {
        return false;
    }
    let pad = total - end;
    if pad > 0 && stream[stream.len() - 1] >> (8 - pad) != 0 {
        return false;
    }
    stream[last / 8] &= !(1 << (last % 8));
    // The zero padding after the last block serves as the stored block's
    // three header bits (not final, type 00) when there are at least three.
    if pad < 3 {
        stream.push(0);
    }
    // LEN 0, NLEN 0xffff: an empty stored block.
    stream.extend_from_slice(&[0, 0, 0xff, 0xff]);
    true
}

/// The bit offsets of the final block's header and of the end of that block.
fn last_block(data: &[u8]) -> Option<(usize, usize)> {
    let mut bits = Bits { data, pos: 0 };
    let total = data.len() * 8;
    let mut lit = Table::default();
    let mut dist = Table::default();
    loop {
        let header = bits.pos;
        let h = bits.take(3);
        match h >> 1 {
            0 => {
                bits.pos = bits.pos.div_ceil(8) * 8;
                let at = bits.pos / 8;
                let len = u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?);
                let nlen = u16::from_le_bytes(data.get(at + 2..at + 4)?.try_into().ok()?);
                if len != !nlen {
                    return None;
                }
                bits.pos += (4 + len as usize) * 8;
            }
            1 => {
                let mut lens = [0u8; 288];
                lens[..144].fill(8);
                lens[144..256].fill(9);
                lens[256..280].fill(7);
                lens[280..].fill(8);
                lit.build(&lens)?;
                dist.build(&[5; 30])?;
                symbols(&mut bits, &lit, &dist, total)?;
            }
            2 => {
                dynamic_tables(&mut bits, &mut lit, &mut dist)?;
                symbols(&mut bits, &lit, &dist, total)?;
            }
            _ => return None,
        }
        if bits.pos > total {
            return None;
        }
        if h & 1 == 1 {
            return Some((header, bits.pos));
        }
    }
}

const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Skip one block's symbols, through its end-of-block code. This is most
/// of the walk's time (about a tenth of deflating's), so the bits are kept
/// in a 64-bit buffer refilled a word at a time.
fn symbols(bits: &mut Bits, lit: &Table, dist: &Table, total: usize) -> Option<()> {
    let data = bits.data;
    // `buf` holds `cnt` bits that start at bit `pos`; its bytes come from
    // `data[next..]`.
    let mut buf = bits.peek();
    let mut cnt = 64 - (bits.pos % 8) as u32;
    let mut next = bits.pos / 8 + 8;
    let mut pos = bits.pos;
    loop {
        // One look holds a literal/length code, its extra bits, a distance
        // code and its extra bits: at most 15 + 5 + 15 + 13 = 48 bits.
        if cnt < 48 {
            let word = match data.get(next..next + 8) {
                Some(b) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
                None => {
                    let mut b = [0u8; 8];
                    let rest = data.get(next..).unwrap_or(&[]);
                    b[..rest.len()].copy_from_slice(rest);
                    u64::from_le_bytes(b)
                }
            };
            buf |= word << cnt;
            let take = (63 - cnt) / 8;
            next += take as usize;
            cnt += take * 8;
        }
        let (sym, mut used) = lit.decode(buf)?;
        if sym > 256 {
            used += u32::from(*LEN_EXTRA.get(sym as usize - 257)?);
            let (d, dl) = dist.decode(buf >> used)?;
            used += dl + u32::from(*DIST_EXTRA.get(usize::from(d))?);
        }
        buf >>= used;
        cnt -= used;
        pos += used as usize;
        if sym == 256 {
            bits.pos = pos;
            return Some(());
        }
        if pos > total {
            return None;
        }
    }
}

/// A dynamic block's header: the code length code, then the literal/length
/// and distance codes' lengths (RFC 1951, 3.2.7).
fn dynamic_tables(bits: &mut Bits, lit: &mut Table, dist: &mut Table) -> Option<()> {
    const ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];
    let hlit = bits.take(5) as usize + 257;
    let hdist = bits.take(5) as usize + 1;
    let hclen = bits.take(4) as usize + 4;
    if hlit > 286 || hdist > 30 {
        return None;
    }
    let mut cl = [0u8; 19];
    for &k in &ORDER[..hclen] {
        cl[k] = bits.take(3) as u8;
    }
    let mut clt = Table::default();
    clt.build(&cl)?;
    let mut lens = [0u8; 286 + 30];
    let mut i = 0;
    while i < hlit + hdist {
        let (sym, used) = clt.decode(bits.peek())?;
        bits.pos += used as usize;
        let (value, times) = match sym {
            0..=15 => (sym as u8, 1),
            16 => (*lens.get(i.checked_sub(1)?)?, 3 + bits.take(2) as usize),
            17 => (0, 3 + bits.take(3) as usize),
            _ => (0, 11 + bits.take(7) as usize),
        };
        lens.get_mut(i..i + times)?.fill(value);
        i += times;
    }
    if i != hlit + hdist || lens[256] == 0 {
        return None;
    }
    lit.build(&lens[..hlit])?;
    dist.build(&lens[hlit..i])
}

/// A deflate stream's bits, least significant first.
struct Bits<'a> {
    data: &'a [u8],
    /// In bits.
    pos: usize,
}

impl Bits<'_> {
    /// The next 57 bits or more (zeros past the end).
    fn peek(&self) -> u64 {
        let at = self.pos / 8;
        let word = match self.data.get(at..at + 8) {
            Some(b) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
            None => {
                let mut b = [0u8; 8];
                let rest = self.data.get(at..).unwrap_or(&[]);
                b[..rest.len()].copy_from_slice(rest);
                u64::from_le_bytes(b)
            }
        };
        word >> (self.pos % 8)
    }

    fn take(&mut self, n: usize) -> u32 {
        let v = (self.peek() & ((1 << n) - 1)) as u32;
        self.pos += n;
        v
    }
}

/// Codes up to this long are found in one lookup; longer (rarer) ones by
/// a canonical decode. A full table for 15-bit codes would cost more to
/// fill, for every block, than the lookups it saves.
const PRIMARY: u32 = 10;

/// A canonical Huffman code as a lookup table indexed by the next `bits`
/// bits of the stream: each entry is the symbol << 4 | its code's length
/// (0 where no code of at most `PRIMARY` bits matches).
#[derive(Default)]
struct Table {
    bits: u32,
    entries: Vec<u16>,
    /// Codes per length, and the symbols in code order (RFC 1951's
    /// canonical order), for the codes longer than `PRIMARY`.
    count: [u16; 16],
    sorted: Vec<u16>,
}

impl Table {
    /// `None` for an over-subscribed code; incomplete codes are allowed
    /// (a block with one distance code has one).
    fn build(&mut self, lens: &[u8]) -> Option<()> {
        let mut count = [0u16; 16];
        for &l in lens {
            count[l as usize] += 1;
        }
        count[0] = 0;
        let mut left: i64 = 1;
        for &c in &count[1..] {
            left = left * 2 - i64::from(c);
            if left < 0 {
                return None;
            }
        }
        let max = (1..16).rev().find(|&l| count[l] > 0).unwrap_or(1) as u32;
        let mut next = [0u32; 16];
        let mut code = 0;
        for l in 1..16 {
            code = (code + u32::from(count[l - 1])) << 1;
            next[l] = code;
        }
        self.count = count;
        self.bits = max.min(PRIMARY);
        self.entries.clear();
        self.entries.resize(1 << self.bits, 0);
        let mut offs = [0usize; 16];
        for l in 1..16 {
            offs[l] = offs[l - 1] + usize::from(count[l - 1]);
        }
        self.sorted.clear();
        self.sorted.resize(offs[15] + usize::from(count[15]), 0);
        for (sym, &l) in lens.iter().enumerate() {
            if l == 0 {
                continue;
            }
            self.sorted[offs[l as usize]] = sym as u16;
            offs[l as usize] += 1;
            let c = next[l as usize];
            next[l as usize] += 1;
            if u32::from(l) > self.bits {
                continue;
            }
            let rev = (c.reverse_bits() >> (32 - u32::from(l))) as usize;
            let entry = ((sym as u16) << 4) | u16::from(l);
            for e in self.entries.iter_mut().skip(rev).step_by(1 << l) {
                *e = entry;
            }
        }
        Some(())
    }

    /// The symbol and the length of its code at the start of `b`.
    fn decode(&self, b: u64) -> Option<(u16, u32)> {
        let e = self.entries[(b & ((1 << self.bits) - 1)) as usize];
        if e != 0 {
            return Some((e >> 4, u32::from(e & 15)));
        }
        self.slow(b)
    }

    /// Bit by bit, as zlib's puff.c does.
    fn slow(&self, b: u64) -> Option<(u16, u32)> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= ((b >> (len - 1)) & 1) as i32;
            let count = i32::from(self.count[len]);
            if code - count < first {
                let sym = *self.sorted.get((index + code - first) as usize)?;
                return Some((sym, len as u32));
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn deflate(level: i32, data: &[u8]) -> Vec<u8> {
        let mut c = libdeflater::Compressor::new(libdeflater::CompressionLvl::new(level).unwrap());
        let mut out = vec![0; c.deflate_compress_bound(data.len())];
        let n = c.deflate_compress(data, &mut out).unwrap();
        out.truncate(n);
        out
    }

    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut back = Vec::new();
        flate2::read::DeflateDecoder::new(stream)
            .read_to_end(&mut back)
            .unwrap();
        back
    }

    /// Text, noise and runs, so that stored, fixed and dynamic blocks all
    /// occur.
    fn mixed(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            match x % 5 {
                0 => out.extend((0..(x >> 8) % 3000).map(|i| (x >> (i % 56)) as u8)),
                1 => out.extend(std::iter::repeat_n(b'a', ((x >> 8) % 500) as usize)),
                _ => out.extend_from_slice(
                    format!("{{\"id\":{},\"name\":\"user{}\"}}\n", x >> 40, x % 977).as_bytes(),
                ),
            }
        }
        out.truncate(n);
        out
    }

    #[test]
    fn joined_chunks_inflate_to_the_original_bytes_around_chunk_boundaries() {
        const CHUNK: usize = 64 * 1024;
        for (size, seed) in [
            (1, 1),
            (CHUNK - 1, 2),
            (CHUNK, 3),
            (CHUNK + 1, 4),
            (3 * CHUNK - 1, 5),
            (3 * CHUNK, 6),
            (3 * CHUNK + 1, 7),
            (5 * CHUNK + 333, 8),
        ] {
            let data = mixed(size, seed);
            for level in [1, 6, 12] {
                let chunks: Vec<&[u8]> = data.chunks(CHUNK).collect();
                let mut joined = Vec::new();
                for (i, c) in chunks.iter().enumerate() {
                    let mut s = deflate(level, c);
                    if i + 1 < chunks.len() {
                        assert!(unfinish(&mut s), "{size} bytes at level {level}");
                    }
                    joined.extend_from_slice(&s);
                }
                assert!(inflate(&joined) == data, "{size} bytes at level {level}");
            }
        }
    }

    #[test]
    fn every_kind_of_block_is_walked() {
        // Noise deflates to stored blocks, a short text to a fixed block,
        // and a 1-byte chunk too; then the next chunk must still follow.
        let mut x: u64 = 42;
        let noise: Vec<u8> = (0..200_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        for first in [noise.as_slice(), b"hello", b"x", &mixed(100_000, 3)] {
            let tail = b"and the next chunk follows\n".repeat(10);
            let mut s = deflate(6, first);
            assert!(unfinish(&mut s));
            s.extend_from_slice(&deflate(6, &tail));
            assert_eq!(inflate(&s), [first, tail.as_slice()].concat());
        }
    }

    #[test]
    fn what_does_not_parse_is_left_alone() {
        let mut s = deflate(6, &mixed(50_000, 11));
        let good = s.clone();
        s.truncate(s.len() / 2);
        let cut = s.clone();
        assert!(!unfinish(&mut s));
        assert_eq!(s, cut, "untouched");
        let mut extra = [good.as_slice(), &[0x55]].concat();
        assert!(!unfinish(&mut extra), "bytes after the final block");
        let mut bad = vec![0xff; 64];
        assert!(!unfinish(&mut bad), "block type 3");
    }
}
