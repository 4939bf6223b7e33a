//! Big compressible files: deflated in chunks on every core and joined into
//! one deflate stream (docs/packaging.md). Read back byte-exact by Python's
//! zipfile and `unzip -t`, the same bytes on every run, cached or not.

use std::path::Path;

use super::{package, write};

/// CSV-like lines that vary (so the chunks' streams differ), `n` bytes.
fn table(n: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 100);
    let mut x = seed;
    while out.len() < n {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let city = ["berlin", "paris", "lisbon", "oslo", "lima"][(x >> 61) as usize % 5];
        out.extend_from_slice(
            format!(
                "{},{city},{}.{:02},{:x}\n",
                x >> 40,
                x % 997,
                x % 100,
                x >> 20
            )
            .as_bytes(),
        );
    }
    out.truncate(n);
    out
}

/// Each entry's name, compression method and SHA-256, as Python reads them.
fn digests(zip: &Path) -> Vec<(String, u32, String)> {
    let script = r#"
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    print(json.dumps([[i.filename, i.compress_type, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]))
"#;
    let o = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(zip)
        .output()
        .expect("python3");
    assert!(
        o.status.success(),
        "zipfile failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

#[test]
fn big_files_deflated_in_chunks_unzip_byte_exact_and_the_same_every_run() {
    const MIB: usize = 1024 * 1024;
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    // Sizes around the 1 MiB chunk boundaries, and one over the 32 MiB a
    // file used to have to stay under to be deflated on every core.
    let files = [
        ("a/exact.csv", table(5 * MIB, 1)),
        ("a/one-more.csv", table(5 * MIB + 1, 2)),
        ("b/one-less.csv", table(6 * MIB - 1, 3)),
        ("c/large.csv", table(33 * MIB + 12_345, 4)),
        (
            "handler.py",
            b"def handler(event, context):\n    return 1\n".to_vec(),
        ),
    ];
    for (name, data) in &files {
        write(&src, name, data);
    }
    let cold = |name: &str| {
        let zip = t.path().join(name);
        package(&src, &zip, &["--no-cache"]).success();
        std::fs::read(zip).unwrap()
    };
    let one = cold("1.zip");
    let two = cold("2.zip");
    assert!(one == two, "the same bytes on every run");

    let read = digests(&t.path().join("1.zip"));
    let mut want: Vec<(String, u32, String)> = files
        .iter()
        .map(|(n, d)| {
            // The short handler does not shrink: stored.
            let method = if n.ends_with(".csv") { 8 } else { 0 };
            (n.to_string(), method, sha256_hex(d))
        })
        .collect();
    want.sort();
    assert_eq!(read, want, "deflated, byte-exact");
    assert!(
        one.len() < files.iter().map(|(_, d)| d.len()).sum::<usize>() / 2,
        "the big files shrink"
    );
    let o = std::process::Command::new("unzip")
        .arg("-tq")
        .arg(t.path().join("1.zip"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));

    // Through the cache: filled, then reused with one small file changed;
    // each is what a cold run of the same tree writes.
    let cache = t.path().join("cache");
    let warm = |name: &str| {
        let zip = t.path().join(name);
        crate::harness::lamctl([
            "package".as_ref(),
            src.as_os_str(),
            "--out".as_ref(),
            zip.as_os_str(),
        ])
        .env("LAMCTL_CACHE_DIR", &cache)
        .run()
        .success();
        std::fs::read(zip).unwrap()
    };
    assert!(warm("3.zip") == one, "a run that fills the cache");
    write(
        &src,
        "handler.py",
        b"def handler(event, context):\n    return 2\n",
    );
    let changed = warm("4.zip");
    assert!(changed == cold("5.zip"), "a run from the cache");
    write(&src, "a/exact.csv", &table(5 * MIB, 5));
    assert!(warm("6.zip") == cold("7.zip"), "a big file changed");
}
