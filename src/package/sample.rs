//! Incompressible data found early: a few slices at fixed fractions of a
//! file, deflated at the fastest level, decide whether the whole is worth
//! deflating (docs/packaging.md).

use std::fs::File;

/// Files at least this big are sampled before they are deflated.
const SAMPLE_MIN: usize = 512 * 1024;
const SAMPLES: usize = 4;
const SAMPLE_LEN: usize = 32 * 1024;

/// What decides the sampling (part of the cache's keys).
pub(super) fn params() -> String {
    format!("{SAMPLES}x{SAMPLE_LEN} B from {SAMPLE_MIN} B at libdeflate-1, stored under 63/64")
}

/// Whether `data` looks like it will not shrink: four 32 KiB slices at
/// fixed fractions of its length, deflated at the fastest level, save less
/// than 1/64 of their size. Decided from the content alone, so it is as
/// deterministic as the rest of the archive. Smaller files are deflated
/// outright: that costs less than being wrong about them.
pub(super) fn incompressible(sampler: &mut libdeflater::Compressor, data: &[u8]) -> bool {
    if data.len() < SAMPLE_MIN {
        return false;
    }
    let mut out = vec![0u8; sampler.deflate_compress_bound(SAMPLE_LEN)];
    let (mut took, mut made) = (0usize, 0usize);
    for at in sample_offsets(data.len()) {
        let slice = &data[at..at + SAMPLE_LEN];
        took += slice.len();
        made += sampler
            .deflate_compress(slice, &mut out)
            .unwrap_or(slice.len());
    }
    made * 64 >= took * 63
}

/// `incompressible` for a file too big to read whole (streamed by the
/// writer): its four samples are read from the file.
pub(super) fn sample_file(path: &std::path::Path, size: u64) -> std::io::Result<bool> {
    use std::os::unix::fs::FileExt;
    let Ok(len) = usize::try_from(size) else {
        return Ok(false);
    };
    if len < SAMPLE_MIN {
        return Ok(false);
    }
    // The same slices `incompressible` takes from a file read whole.
    let f = File::open(path)?;
    let mut sampler =
        libdeflater::Compressor::new(libdeflater::CompressionLvl::new(1).expect("a valid level"));
    let mut slice = vec![0u8; SAMPLE_LEN];
    let mut out = vec![0u8; sampler.deflate_compress_bound(SAMPLE_LEN)];
    let (mut took, mut made) = (0usize, 0usize);
    for at in sample_offsets(len) {
        f.read_exact_at(&mut slice, at as u64)?;
        took += SAMPLE_LEN;
        made += sampler
            .deflate_compress(&slice, &mut out)
            .unwrap_or(SAMPLE_LEN);
    }
    Ok(made * 64 >= took * 63)
}

fn sample_offsets(len: usize) -> impl Iterator<Item = usize> {
    (0..SAMPLES).map(move |k| k * (len - SAMPLE_LEN) / (SAMPLES - 1))
}

#[cfg(test)]
pub(super) fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_tells_noise_from_text_and_the_file_sample_agrees() {
        let t = tempfile::tempdir().unwrap();
        let mut sampler =
            libdeflater::Compressor::new(libdeflater::CompressionLvl::new(1).unwrap());
        let noise = noise(SAMPLE_MIN + 12_345);
        let text = b"SELECT id, name FROM users WHERE id = ?;\n".repeat(20_000);
        // Noise with text in the middle: the samples at a third and two
        // thirds shrink, so it is deflated.
        let mut mixed = noise.clone();
        mixed.extend_from_slice(&text);
        mixed.extend_from_slice(&noise);
        for (data, want) in [(&noise, true), (&text, false), (&mixed, false)] {
            assert_eq!(incompressible(&mut sampler, data), want);
            let p = t.path().join("f");
            std::fs::write(&p, data).unwrap();
            assert_eq!(sample_file(&p, data.len() as u64).unwrap(), want);
        }
        assert!(
            !incompressible(&mut sampler, &noise[..SAMPLE_MIN - 1]),
            "too small to sample"
        );
    }
}
