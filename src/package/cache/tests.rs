//! The cache's index, eviction and fingerprint rule.

use super::super::stat::{RACY_MARGIN_NS, Stat};
use super::*;

fn rec(offset: u64) -> Rec {
    Rec {
        offset,
        len: 10,
        size: 20,
        crc32: 7,
        data_crc: 9,
        stored: false,
    }
}

#[test]
fn an_index_reads_back_and_any_flipped_byte_voids_it() {
    let t = tempfile::tempdir().unwrap();
    let settings = CacheSettings {
        dir: t.path().into(),
        max_bytes: DEFAULT_MAX_BYTES,
        verify: false,
        settle: SETTLE,
    };
    let root = t.path().join("src");
    let zip = t.path().join("out.zip");
    fs::write(&zip, b"zip bytes").unwrap();
    let sha: [u8; 32] = Sha256::digest(b"zip bytes").into();
    let c = Cache::open(&settings, &root);
    assert!(c.prev.is_none());
    let sum = ZipSummary {
        sha,
        marks: vec![[3; 8]],
        blocks: vec![*blake3::hash(b"zip bytes").as_bytes()],
        size: 9,
        stored: 1,
    };
    let stat = Stat {
        dev: 1,
        ino: 2,
        size: 20,
        mtime_ns: 3,
        ctime_ns: 4,
        mode: 0o100644,
    };
    let mut b = file_entry(&t.path().join("b"), stat);
    b.name = "b".into();
    let entries = [file_entry(&t.path().join("a.txt"), stat), b];
    let places = [
        Place {
            lho: 0,
            stored: false,
            rec: Some(rec(5)),
        },
        Place {
            lho: 40,
            stored: true,
            rec: Some(rec(50)),
        },
    ];
    c.store(
        &[1; 32],
        &zip,
        sum,
        &places,
        &Files {
            start_ns: 7,
            entries: &entries,
            keys: &[[2; 32], [3; 32]],
        },
    )
    .unwrap();
    let c = Cache::open(&settings, &root);
    assert_eq!(c.lookup(&[3; 32]), Some(rec(50)));
    assert_eq!(c.lookup(&[4; 32]), None);
    let prev = c.checked().expect("the zip passes its block check");
    assert_eq!(prev.head.marks, [[3; 8]]);
    assert_eq!(prev.head.start_ns, 7);
    let names: Vec<_> = prev
        .ents
        .iter()
        .map(|e| (e.name.as_str(), e.place))
        .collect();
    assert_eq!(names, [("a.txt", places[0]), ("b", places[1])]);
    assert_eq!(prev.ents[1].stat, Some(stat));
    let bytes = fs::read(&c.index).unwrap();
    for i in [0, 9, 40, 100, bytes.len() / 2, bytes.len() - 1] {
        let mut bad = bytes.clone();
        bad[i] ^= 1;
        assert!(index::parse(&bad).is_none(), "flipped byte {i}");
    }
    assert!(index::parse(&bytes[..bytes.len() - 1]).is_none());
    // The fuzzer's entry: the body between salt and hash, sealed again.
    assert_eq!(fuzz_index(&bytes[40..bytes.len() - 32]), Some(2));
    assert_eq!(fuzz_index(&bytes[40..bytes.len() - 33]), None);
    // A zip that no longer has its blocks is not used, and is removed.
    fs::write(&zip, b"zip bytez").unwrap();
    let c = Cache::open(&settings, &root);
    assert!(c.checked().is_none());
    assert!(
        !t.path()
            .join("package-1/zips")
            .join(format!("{}.zip", hex::encode(sha)))
            .exists()
    );
}

#[test]
fn eviction_removes_the_least_recently_used_first() {
    let t = tempfile::tempdir().unwrap();
    for sub in ["zips", "trees"] {
        fs::create_dir_all(t.path().join(sub)).unwrap();
    }
    let old = SystemTime::now() - Duration::from_secs(100);
    let a_zip = format!("zips/{}.zip", "a".repeat(64));
    let a_idx = format!("trees/{}.idx", "a".repeat(32));
    let b_zip = format!("zips/{}.zip", "b".repeat(64));
    for (i, name) in [&a_zip, &a_idx, &b_zip].iter().enumerate() {
        let p = t.path().join(name);
        fs::write(&p, vec![0u8; 100]).unwrap();
        File::options()
            .append(true)
            .open(&p)
            .unwrap()
            .set_modified(old + Duration::from_secs(i as u64))
            .unwrap();
    }
    files::evict(t.path(), 150).unwrap();
    assert!(!t.path().join(a_zip).exists());
    assert!(!t.path().join(a_idx).exists());
    assert!(t.path().join(b_zip).exists());
}

/// A file entry for `path`, with the fingerprint `stat`.
fn file_entry(path: &Path, stat: Stat) -> Entry {
    Entry {
        name: "a.txt".into(),
        path: path.into(),
        kind: Kind::File {
            size: stat.size,
            executable: false,
        },
        stat: Some(stat),
    }
}

/// The racy rule: a fingerprint recorded within the margin of its run's
/// start is not trusted, even when it still matches exactly (an edit in
/// the same timestamp tick keeps mtime and ctime); one recorded well after
/// its file settled is, and then the file is not read.
#[test]
fn a_matching_fingerprint_is_trusted_only_when_it_had_settled() {
    let t = tempfile::tempdir().unwrap();
    let settings = CacheSettings {
        dir: t.path().join("cache"),
        max_bytes: DEFAULT_MAX_BYTES,
        verify: false,
        settle: SETTLE,
    };
    let root = t.path().join("src");
    let path = t.path().join("a.txt");
    let zip = t.path().join("out.zip");
    fs::write(&zip, b"zip bytes").unwrap();
    let sum = || ZipSummary {
        sha: Sha256::digest(b"zip bytes").into(),
        marks: Vec::new(),
        blocks: vec![[5; 32]],
        size: 9,
        stored: 0,
    };
    let start = super::super::stat::now_ns();
    let record = |ctime_ns: i64, verify: bool| {
        // Packaged with content "old!" and this fingerprint, in a run that
        // started at `start`; then edited to "new!" in the same tick (the
        // fingerprint the walk sees is the same).
        fs::write(&path, b"old!").unwrap();
        let stat = Stat {
            dev: 1,
            ino: 2,
            size: 4,
            mtime_ns: ctime_ns,
            ctime_ns,
            mode: 0o100644,
        };
        let entries = [file_entry(&path, stat)];
        // Recorded afresh, whatever an earlier call left.
        let fresh = CacheSettings {
            verify: true,
            ..settings.clone()
        };
        let c = Cache::open(&fresh, &root);
        let (keys, read) = c.keys(&entries, 2).unwrap();
        assert_eq!(read, 1);
        assert_eq!(keys[0], key_of(b"old!", false));
        let files = Files {
            start_ns: start,
            entries: &entries,
            keys: &keys,
        };
        c.store(&[1; 32], &zip, sum(), &[Place::default()], &files)
            .unwrap();
        fs::write(&path, b"new!").unwrap();
        let c = Cache::open(
            &CacheSettings {
                verify,
                ..settings.clone()
            },
            &root,
        );
        c.keys(&entries, 2).unwrap()
    };
    // Changed half a second before the run started: racy, read again.
    let (keys, read) = record(start - 500_000_000, false);
    assert_eq!((read, keys[0]), (1, key_of(b"new!", false)));
    // Changed just inside the margin: still racy.
    let (keys, read) = record(start - RACY_MARGIN_NS + 1, false);
    assert_eq!((read, keys[0]), (1, key_of(b"new!", false)));
    // Settled long before the run: the recorded key, the file unread (what
    // makes an unchanged tree cheap; the kernel's ctime is what rules out
    // an edit that keeps this fingerprint).
    let (keys, read) = record(start - 10 * RACY_MARGIN_NS, false);
    assert_eq!((read, keys[0]), (0, key_of(b"old!", false)));
    // LAMCTL_CACHE_VERIFY trusts no fingerprint.
    let (keys, read) = record(start - 10 * RACY_MARGIN_NS, true);
    assert_eq!((read, keys[0]), (1, key_of(b"new!", false)));
}

mod hostile;
