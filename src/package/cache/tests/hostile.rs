//! The cache among hostile files: links in place of its directories,
//! FIFOs and devices in place of its files, files that are not its own,
//! temporary files of killed runs; and the upload margin.

use std::os::unix::fs::symlink;
use std::sync::mpsc;
use std::time::Duration;

use super::super::super::stat::Stat;
use super::*;

fn summary() -> ZipSummary {
    ZipSummary {
        sha: Sha256::digest(b"zip bytes").into(),
        marks: Vec::new(),
        blocks: vec![*blake3::hash(b"zip bytes").as_bytes()],
        size: 9,
        stored: 0,
    }
}

/// A cache under `t` with one stored package: (settings, root, index, zip).
fn stored(t: &Path) -> (CacheSettings, PathBuf, PathBuf, PathBuf) {
    fs::create_dir_all(t).unwrap();
    let settings = CacheSettings {
        dir: t.join("cache"),
        max_bytes: DEFAULT_MAX_BYTES,
        verify: false,
        settle: SETTLE,
    };
    let root = t.join("src");
    let zip = t.join("out.zip");
    fs::write(&zip, b"zip bytes").unwrap();
    let stat = Stat {
        dev: 1,
        ino: 2,
        size: 4,
        mtime_ns: 3,
        ctime_ns: 3,
        mode: 0o100644,
    };
    let entries = [file_entry(&t.join("a.txt"), stat)];
    let c = Cache::open(&settings, &root);
    let files = Files {
        start_ns: 7,
        entries: &entries,
        keys: &[[2; 32]],
    };
    c.store(&[1; 32], &zip, summary(), &[Place::default()], &files)
        .unwrap();
    let zip_path = settings
        .dir
        .join("package-1/zips")
        .join(format!("{}.zip", hex::encode(summary().sha)));
    assert!(Cache::open(&settings, &root).prev.is_some());
    (settings, root, c.index.clone(), zip_path)
}

/// `Cache::open` on another thread, within a few seconds (a FIFO used to
/// block it for ever), and whether it found an earlier package.
fn opens_quickly(settings: &CacheSettings, root: &Path) -> bool {
    let (tx, rx) = mpsc::channel();
    let (s, r) = (settings.clone(), root.to_path_buf());
    std::thread::spawn(move || {
        let _ = tx.send(Cache::open(&s, &r).prev.is_some());
    });
    rx.recv_timeout(Duration::from_secs(5))
        .expect("Cache::open returns within 5 s")
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path that lives across the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn a_fifo_or_a_device_in_place_of_a_cache_file_is_ignored() {
    let t = tempfile::tempdir().unwrap();
    let (settings, root, index, zip) = stored(t.path());
    let good = t.path().join("good.idx");
    fs::copy(&index, &good).unwrap();
    // The index a FIFO (first: on the old code this case fails by timing
    // out, before the /dev/zero one, which would eat memory).
    fs::remove_file(&index).unwrap();
    mkfifo(&index);
    assert!(!opens_quickly(&settings, &root));
    // A link to /dev/zero.
    fs::remove_file(&index).unwrap();
    symlink("/dev/zero", &index).unwrap();
    assert!(!opens_quickly(&settings, &root));
    // A link to a good index: not followed.
    fs::remove_file(&index).unwrap();
    symlink(&good, &index).unwrap();
    assert!(!opens_quickly(&settings, &root));
    // The good index back; its zip a FIFO, a link to /dev/zero, another size.
    fs::remove_file(&index).unwrap();
    fs::copy(&good, &index).unwrap();
    assert!(opens_quickly(&settings, &root));
    fs::remove_file(&zip).unwrap();
    mkfifo(&zip);
    assert!(!opens_quickly(&settings, &root));
    fs::remove_file(&zip).unwrap();
    symlink("/dev/zero", &zip).unwrap();
    assert!(!opens_quickly(&settings, &root));
    fs::remove_file(&zip).unwrap();
    fs::write(&zip, b"zip bytes and more").unwrap();
    assert!(!opens_quickly(&settings, &root));
}

/// `zips/`, `trees/` or `package-1/` a link to a directory of other files:
/// trimming deleted them. The cache now neither reads nor writes through a
/// link, and trims only its own names and this user's regular files.
#[test]
fn trimming_never_follows_a_link_nor_deletes_what_is_not_the_caches() {
    for linked in ["package-1/zips", "package-1/trees", "package-1"] {
        let t = tempfile::tempdir().unwrap();
        let (mut settings, root, _, _) = stored(t.path());
        let victim = t.path().join("victim");
        let real = settings.dir.join(linked);
        fs::rename(&real, &victim).unwrap();
        symlink(&victim, &real).unwrap();
        let before = fs::read_dir(&victim).unwrap().count();
        assert!(before > 0);
        settings.max_bytes = 0;
        let c = Cache::open(&settings, &root);
        assert!(c.prev.is_none(), "{linked}: not read through the link");
        let entries = [file_entry(
            &t.path().join("a.txt"),
            Stat::of(&fs::metadata(t.path()).unwrap()),
        )];
        let files = Files {
            start_ns: 0,
            entries: &entries,
            keys: &[[2; 32]],
        };
        let mut sum = summary();
        sum.sha = [9; 32];
        let r = c.store(
            &[1; 32],
            &t.path().join("out.zip"),
            sum,
            &[Place::default()],
            &files,
        );
        assert!(r.is_err(), "{linked}: not written through the link");
        assert_eq!(fs::read_dir(&victim).unwrap().count(), before, "{linked}");
    }
    // In the cache's own directories: only its names, its user's regular files.
    let t = tempfile::tempdir().unwrap();
    let (settings, _, _, _) = stored(t.path());
    let zips = settings.dir.join("package-1/zips");
    let foreign = [
        zips.join("notes.txt"),
        zips.join(format!("{}.zip", "c".repeat(64))),
    ];
    fs::write(&foreign[0], b"mine").unwrap();
    fs::write(&foreign[1], b"someone else's").unwrap();
    // Someone else's file under the cache's name (only root can make one;
    // as another user the file is the test's own, and is trimmed).
    // SAFETY: geteuid has no preconditions.
    let root_user = unsafe { libc::geteuid() } == 0;
    if root_user {
        std::os::unix::fs::chown(&foreign[1], Some(65534), None).unwrap();
    }
    let outside = t.path().join("keep.zip");
    fs::write(&outside, b"x").unwrap();
    symlink(&outside, zips.join(format!("{}.zip", "d".repeat(64)))).unwrap();
    files::evict(&settings.dir.join("package-1"), 0).unwrap();
    assert!(foreign[0].exists() && outside.exists());
    assert_eq!(foreign[1].exists(), root_user);
    assert_eq!(
        fs::read_dir(settings.dir.join("package-1/trees"))
            .unwrap()
            .count(),
        0
    );
}

#[test]
fn temporary_files_of_gone_runs_are_swept_at_start_and_only_those() {
    let t = tempfile::tempdir().unwrap();
    let (settings, root, _, _) = stored(t.path());
    let zips = settings.dir.join("package-1/zips");
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let gone = child.id();
    child.wait().unwrap();
    let age = |p: &Path, secs: u64| {
        File::options()
            .append(true)
            .open(p)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(secs))
            .unwrap();
    };
    let dead = zips.join(format!(".tmp-{gone}-0"));
    let live = zips.join(format!(".tmp-{}-999", std::process::id()));
    let fresh = zips.join(format!(".tmp-{gone}-1"));
    let other = zips.join(".tmp-notes");
    for p in [&dead, &live, &fresh, &other] {
        fs::write(p, b"partial").unwrap();
    }
    for p in [&dead, &live, &other] {
        age(p, 120);
    }
    let _ = Cache::open(&settings, &root);
    assert!(!dead.exists(), "a gone run's old temporary file is swept");
    assert!(live.exists(), "a running process's is kept");
    assert!(fresh.exists(), "a just-written one is kept");
    assert!(other.exists(), "a name the cache does not write is kept");
    // Whatever its pid, one over an hour old goes.
    age(&live, 7200);
    let _ = Cache::open(&settings, &root);
    assert!(!live.exists());
}

#[test]
fn a_temporary_file_is_removed_when_it_is_not_renamed() {
    let t = tempfile::tempdir().unwrap();
    let tmp = Temp::new(t.path());
    fs::write(tmp.path(), b"half").unwrap();
    let p = tmp.path().to_path_buf();
    drop(tmp);
    assert!(!p.exists());
    // Renamed onto a directory that is not empty: fails, and is removed.
    let tmp = Temp::new(t.path());
    fs::write(tmp.path(), b"half").unwrap();
    let p = tmp.path().to_path_buf();
    fs::create_dir_all(t.path().join("d/x")).unwrap();
    assert!(tmp.rename(&t.path().join("d")).is_err());
    assert!(!p.exists());
}

/// A write through a shared mmap changes a dirty page without touching the
/// timestamps: a fingerprint taken 10 s after the last timestamp change
/// may still hide a later write. `package`'s margin trusts it; deploy's
/// (`UPLOAD_SETTLE`) reads the file again.
#[test]
fn the_upload_margin_reads_files_changed_within_it() {
    let t = tempfile::tempdir().unwrap();
    let path = t.path().join("a.txt");
    let (mut settings, root, _, _) = stored(t.path());
    let start = super::super::super::stat::now_ns();
    fs::write(&path, b"old!").unwrap();
    let then = start - 10_000_000_000;
    let stat = Stat {
        dev: 1,
        ino: 2,
        size: 4,
        mtime_ns: then,
        ctime_ns: then,
        mode: 0o100644,
    };
    let entries = [file_entry(&path, stat)];
    let keys = [key_of(b"old!", false)];
    let files = Files {
        start_ns: start,
        entries: &entries,
        keys: &keys,
    };
    let zip = t.path().join("out.zip");
    Cache::open(&settings, &root)
        .store(&[1; 32], &zip, summary(), &[Place::default()], &files)
        .unwrap();
    fs::write(&path, b"new!").unwrap();
    let (k, read) = Cache::open(&settings, &root).keys(&entries, 1).unwrap();
    assert_eq!(
        (read, k[0]),
        (0, key_of(b"old!", false)),
        "package trusts it"
    );
    settings.settle = UPLOAD_SETTLE;
    let (k, read) = Cache::open(&settings, &root).keys(&entries, 1).unwrap();
    assert_eq!((read, k[0]), (1, key_of(b"new!", false)), "deploy reads it");
}
