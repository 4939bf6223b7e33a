//! A zip's digests, kept so they can be resumed part way: the SHA-256
//! state after every `MARK` bytes (its CodeSha256 goes on from there) and
//! the BLAKE3 hash of every `MARK`-byte block (what the cache checks a
//! zip against). A new zip that begins with the same bytes as the last one
//! is hashed only from the block where they part.

use sha2::block_api::compress256;

/// Bytes between two kept states: a multiple of the 64-byte block.
pub(super) const MARK: u64 = 1 << 20;

/// The eight words of SHA-256's state.
pub(super) type State = [u32; 8];

const IV: State = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

#[derive(Clone)]
pub(super) struct Sha {
    state: State,
    /// Bytes compressed into `state` (whole blocks).
    done: u64,
    buf: [u8; 64],
    held: usize,
    /// `marks[k]`: the state after `(k + 1) * MARK` bytes.
    marks: Vec<State>,
}

impl Sha {
    pub fn new() -> Self {
        Sha::resume(Vec::new())
    }

    /// Carry on from the state after `marks.len() * MARK` bytes.
    pub fn resume(marks: Vec<State>) -> Self {
        Sha {
            state: marks.last().copied().unwrap_or(IV),
            done: marks.len() as u64 * MARK,
            buf: [0; 64],
            held: 0,
            marks,
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.held > 0 || data.len() < 64 {
                let take = (64 - self.held).min(data.len());
                self.buf[self.held..self.held + take].copy_from_slice(&data[..take]);
                self.held += take;
                data = &data[take..];
                if self.held == 64 {
                    let block = self.buf;
                    self.blocks(&block);
                    self.held = 0;
                }
                continue;
            }
            let to_mark = (MARK - self.done % MARK) as usize;
            let whole = (data.len() / 64 * 64).min(to_mark);
            let (blocks, rest) = data.split_at(whole);
            self.blocks(blocks);
            data = rest;
        }
    }

    /// Whole blocks that do not cross a mark.
    fn blocks(&mut self, data: &[u8]) {
        let (blocks, _) = data.as_chunks::<64>();
        compress256(&mut self.state, blocks);
        self.done += data.len() as u64;
        if self.done.is_multiple_of(MARK) {
            self.marks.push(self.state);
        }
    }

    /// The digest, and the states kept on the way.
    pub fn finish(mut self) -> ([u8; 32], Vec<State>) {
        let bits = (self.done + self.held as u64) * 8;
        let marks = std::mem::take(&mut self.marks);
        let mut tail = [0u8; 128];
        tail[..self.held].copy_from_slice(&self.buf[..self.held]);
        tail[self.held] = 0x80;
        let len = if self.held < 56 { 64 } else { 128 };
        tail[len - 8..len].copy_from_slice(&bits.to_be_bytes());
        let (blocks, _) = tail[..len].as_chunks::<64>();
        compress256(&mut self.state, blocks);
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(self.state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        (out, marks)
    }
}

/// The BLAKE3 hash of every `MARK`-byte block (the last may be shorter).
#[derive(Clone)]
pub(super) struct Blocks {
    hasher: blake3::Hasher,
    in_block: u64,
    done: Vec<Hash>,
}

/// A block's BLAKE3 hash.
pub(super) type Hash = [u8; 32];

impl Blocks {
    /// Carry on after the blocks `done`, all whole.
    pub fn resume(done: Vec<Hash>) -> Self {
        Blocks {
            hasher: blake3::Hasher::new(),
            in_block: 0,
            done,
        }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let take = (MARK - self.in_block).min(data.len() as u64) as usize;
            self.hasher.update(&data[..take]);
            self.in_block += take as u64;
            data = &data[take..];
            if self.in_block == MARK {
                self.done.push(*self.hasher.finalize().as_bytes());
                self.hasher.reset();
                self.in_block = 0;
            }
        }
    }

    pub fn finish(mut self) -> Vec<Hash> {
        if self.in_block > 0 {
            self.done.push(*self.hasher.finalize().as_bytes());
        }
        self.done
    }
}

/// Whether the `size` bytes of `zip` have these block hashes.
pub(super) fn has_blocks(zip: &std::fs::File, blocks: &[Hash], size: u64) -> bool {
    use std::os::unix::fs::FileExt;
    if blocks.len() as u64 != size.div_ceil(MARK) {
        return false;
    }
    let mut buf = vec![0u8; MARK as usize];
    for (k, want) in blocks.iter().enumerate() {
        let at = k as u64 * MARK;
        let n = (size - at).min(MARK) as usize;
        if zip.read_exact_at(&mut buf[..n], at).is_err()
            || blake3::hash(&buf[..n]).as_bytes() != want
        {
            return false;
        }
    }
    // Nothing after the last block.
    zip.read_at(&mut buf[..1], size).is_ok_and(|n| n == 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[test]
    fn agrees_with_sha2_at_every_length_and_split() {
        for n in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000] {
            let d = data(n);
            for split in [0, n / 3, n] {
                let mut s = Sha::new();
                s.update(&d[..split]);
                s.update(&d[split..]);
                assert_eq!(
                    s.finish().0,
                    <[u8; 32]>::from(Sha256::digest(&d)),
                    "{n}/{split}"
                );
            }
        }
    }

    #[test]
    fn blocks_resume_and_check() {
        let d = data(2 * MARK as usize + 5);
        let mut b = Blocks::resume(Vec::new());
        for piece in d.chunks(77_777) {
            b.update(piece);
        }
        let all = b.finish();
        assert_eq!(all.len(), 3);
        assert_eq!(all[2], *blake3::hash(&d[2 * MARK as usize..]).as_bytes());
        let mut again = Blocks::resume(all[..1].to_vec());
        again.update(&d[MARK as usize..]);
        assert_eq!(again.finish(), all);

        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("z");
        std::fs::write(&path, &d).unwrap();
        let f = std::fs::File::open(&path).unwrap();
        assert!(has_blocks(&f, &all, d.len() as u64));
        assert!(!has_blocks(&f, &all[..2], d.len() as u64));
        let mut bad = d.clone();
        bad[MARK as usize + 3] ^= 1;
        std::fs::write(&path, &bad).unwrap();
        let f = std::fs::File::open(&path).unwrap();
        assert!(!has_blocks(&f, &all, d.len() as u64));
        std::fs::write(&path, [d.as_slice(), b"x"].concat()).unwrap();
        let f = std::fs::File::open(&path).unwrap();
        assert!(!has_blocks(&f, &all, d.len() as u64), "a longer file");
    }

    #[test]
    fn resumes_from_a_mark() {
        let d = data(3 * MARK as usize + 777);
        let mut whole = Sha::new();
        for piece in d.chunks(100_003) {
            whole.update(piece);
        }
        let (digest, marks) = whole.finish();
        assert_eq!(digest, <[u8; 32]>::from(Sha256::digest(&d)));
        assert_eq!(marks.len(), 3);
        for k in 0..=3 {
            let mut s = Sha::resume(marks[..k].to_vec());
            s.update(&d[k * MARK as usize..]);
            let (again, again_marks) = s.finish();
            assert_eq!(again, digest, "from mark {k}");
            assert_eq!(again_marks, marks);
        }
    }
}
