//! Hostile files and archives: `init --download` archives that try to climb
//! out through links, corrupt or lie about their sizes; `--out` on special
//! files. Each refused one leaves nothing behind.

use std::io::Write;
use std::os::unix::fs::{FileTypeExt, symlink};
use std::path::Path;

use crate::day2::init_download_in;
use crate::harness::*;

enum E<'a> {
    File(&'a str, &'a [u8]),
    Link(&'a str, &'a str),
    Dir(&'a str),
}

fn zip_of(entries: &[E]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for e in entries {
        match e {
            E::File(name, data) => {
                z.start_file(*name, opts).unwrap();
                z.write_all(data).unwrap();
            }
            E::Link(name, target) => z.add_symlink(*name, *target, opts).unwrap(),
            E::Dir(name) => z.add_directory(*name, opts).unwrap(),
        }
    }
    z.finish().unwrap();
    buf.into_inner()
}

/// Every path under `dir`, relative, sorted (links not followed).
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().display().to_string());
            if std::fs::symlink_metadata(&p).unwrap().is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The archive is refused with `needle`, and `here` is as it was: no
/// lamctl.toml, no src/, no temporary directory, nothing above.
fn refused(entries: &[E], needle: &str) {
    let top = tempfile::tempdir().unwrap();
    let here = top.path().join("a/b");
    std::fs::create_dir_all(&here).unwrap();
    let out = init_download_in(&here, zip_of(entries), &[]);
    out.fails(1, needle);
    assert_eq!(tree(top.path()), ["a", "a/b"], "{needle}: nothing written");
}

#[test]
fn init_download_refuses_files_written_through_chained_links() {
    // The archive: each link's text stays inside, but `d/up/esc` is
    // made through `d/up` (src itself) and points one above it, so the file
    // landed beside src.
    refused(
        &[
            E::File("app.py", b"x"),
            E::Link("d/up", ".."),
            E::Link("d/up/esc", ".."),
            E::File("d/up/esc/evil.py", b"x"),
        ],
        "written through 'd/up'",
    );
    // Three links deep, file first in the archive.
    refused(
        &[
            E::File("d/up/esc/esc2/evil.py", b"x"),
            E::Link("d/up", ".."),
            E::Link("d/up/esc", ".."),
            E::Link("d/up/esc/esc2", ".."),
        ],
        "in the archive twice",
    );
    // A link whose text stays inside but climbs through another link made
    // later in the archive: sub/a -> ../x, then out -> sub/a/../.. is two
    // above src.
    refused(
        &[
            E::Dir("x/"),
            E::Link("out", "sub/a/../.."),
            E::Link("sub/a", "../x"),
        ],
        "link 'out' points outside",
    );
    // A link under a file's name, and a file under a file.
    refused(
        &[E::File("a", b"x"), E::File("a/b.py", b"x")],
        "written through 'a'",
    );
    refused(
        &[E::File("app.py", b"x"), E::Link("./app.py", "lib")],
        "in the archive twice",
    );
}

#[test]
fn init_download_force_never_writes_through_a_link_already_in_src() {
    let top = tempfile::tempdir().unwrap();
    let outside = top.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let src = top.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("keep.py"), "x").unwrap();
    symlink(&outside, src.join("lib")).unwrap();
    let cases: [(&[E], &str); 2] = [
        (&[E::File("lib/evil.py", b"x")], "which is not a directory"),
        (
            &[E::Link("up", "lib/..")],
            "would resolve through a link already in",
        ),
    ];
    for (entries, needle) in cases {
        let out = init_download_in(top.path(), zip_of(entries), &["--force"]);
        out.fails(1, needle);
        assert_eq!(tree(&outside), Vec::<String>::new(), "{needle}");
        assert_eq!(tree(&src), ["keep.py", "lib"], "{needle}");
    }
    // A good archive merges, replacing a file and leaving the rest.
    let out = init_download_in(
        top.path(),
        zip_of(&[E::File("keep.py", b"new"), E::File("pkg/m.py", b"m")]),
        &["--force"],
    );
    out.success();
    assert_eq!(tree(&src), ["keep.py", "lib", "pkg", "pkg/m.py"]);
    assert_eq!(std::fs::read(src.join("keep.py")).unwrap(), b"new");
    assert_eq!(tree(&outside), Vec::<String>::new());
}

/// The zip with a byte of the stored `data` flipped (its CRC then fails).
fn damage(mut zip: Vec<u8>, data: &[u8]) -> Vec<u8> {
    let at = zip.windows(data.len()).position(|w| w == data).unwrap();
    zip[at] ^= 0xff;
    zip
}

/// The zip with entry `name`'s uncompressed size replaced by `n` in its
/// local header and its central directory record.
fn lie(mut zip: Vec<u8>, name: &str, n: u32) -> Vec<u8> {
    let mut at = 0;
    while let Some(i) = zip[at..]
        .windows(name.len())
        .position(|w| w == name.as_bytes())
    {
        let i = at + i;
        let sig = &zip[i.saturating_sub(46)..i.saturating_sub(42)];
        let field = if sig == b"PK\x01\x02" {
            i - 46 + 24
        } else {
            assert_eq!(&zip[i - 30..i - 26], b"PK\x03\x04");
            i - 30 + 22
        };
        zip[field..field + 4].copy_from_slice(&n.to_le_bytes());
        at = i + 1;
    }
    zip
}

#[test]
fn init_download_writes_nothing_when_a_later_entry_is_corrupt_or_lies() {
    let big = vec![b'z'; 64 * 1024];
    let good = zip_of(&[E::File("app.py", b"print(1)\n"), E::File("last.bin", &big)]);
    let top = tempfile::tempdir().unwrap();
    // A damaged byte in the second entry: its CRC fails after app.py was
    // unpacked (the old code left src/app.py behind).
    let out = init_download_in(top.path(), damage(good.clone(), &big[..64]), &[]);
    out.fails(1, "cannot be unpacked");
    assert!(
        out.stderr.contains("hint: nothing was written"),
        "{}",
        out.stderr
    );
    assert_eq!(tree(top.path()), Vec::<String>::new());
    // An entry that says it holds 100 bytes and inflates to 8 MiB: read up to
    // what it says, then refused (a bomb stops at its claim or the limit).
    let deflated = {
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("app.py", opts).unwrap();
        z.write_all(b"print(1)\n").unwrap();
        z.start_file("bomb.bin", opts).unwrap();
        z.write_all(&vec![0u8; 8 << 20]).unwrap();
        z.finish().unwrap();
        buf.into_inner()
    };
    let out = init_download_in(top.path(), lie(deflated, "bomb.bin", 100), &[]);
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("cannot be unpacked"), "{}", out.stderr);
    assert_eq!(tree(top.path()), Vec::<String>::new());
}

#[test]
fn init_download_refuses_more_entries_than_the_bound() {
    let names: Vec<String> = (0..100_001).map(|i| format!("{i:x}")).collect();
    let entries: Vec<E> = names.iter().map(|n| E::File(n, b"")).collect();
    refused(&entries, "more than 100000");
}

fn mknod(path: &Path, mode: libc::mode_t, dev: libc::dev_t) -> bool {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path that lives across the call.
    unsafe { libc::mknod(c.as_ptr(), mode, dev) == 0 }
}

/// `--out` on a device node, a FIFO, a socket or a link: refused with exit
/// 2, and the file is still what it was. (The old code renamed the zip over
/// it: as root, `--out /dev/null` deleted the system's /dev/null.)
#[test]
fn package_out_never_replaces_a_special_file_or_a_link() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("app.py"), "x = 1\n").unwrap();
    let d = t.path();
    // A copy of /dev/null (needs root, as the harm does; CI runs as root).
    let null = d.join("null");
    let have_null = mknod(&null, libc::S_IFCHR | 0o666, libc::makedev(1, 3));
    assert!(mknod(&d.join("fifo"), libc::S_IFIFO | 0o600, 0));
    drop(std::os::unix::net::UnixListener::bind(d.join("sock")).unwrap());
    std::fs::write(d.join("target.zip"), "keep me").unwrap();
    symlink(d.join("target.zip"), d.join("to-file")).unwrap();
    symlink("/proc/self/fd/1", d.join("to-stdout")).unwrap();
    let mut cases = vec![
        ("fifo", "is a named pipe"),
        ("sock", "is a socket"),
        ("to-file", "is a symbolic link"),
        ("to-stdout", "is a symbolic link"),
    ];
    if have_null {
        cases.push(("null", "is a character device"));
    }
    for (name, needle) in cases {
        let p = d.join(name);
        let before = std::fs::symlink_metadata(&p).unwrap().file_type();
        let out = lamctl([
            "package".as_ref(),
            src.as_os_str(),
            "--out".as_ref(),
            p.as_os_str(),
            "--no-cache".as_ref(),
        ])
        .run();
        out.fails(2, needle);
        let after = std::fs::symlink_metadata(&p).unwrap().file_type();
        assert_eq!(before, after, "{name} is what it was");
    }
    assert_eq!(std::fs::read(d.join("target.zip")).unwrap(), b"keep me");
    if have_null {
        assert!(
            std::fs::symlink_metadata(&null)
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }
    // A regular file is replaced, and a new path is written.
    for name in ["target.zip", "new.zip"] {
        let p = d.join(name);
        lamctl([
            "package".as_ref(),
            src.as_os_str(),
            "--out".as_ref(),
            p.as_os_str(),
        ])
        .run()
        .success();
        assert!(std::fs::read(&p).unwrap().starts_with(b"PK"));
    }
}
