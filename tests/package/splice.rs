//! A changed tree re-packaged from the last zip (`src/package/splice.rs`):
//! the runs of unchanged entries copied, the changed ones written between
//! them, the central directory rebuilt, the SHA-256 resumed. Every result
//! must be byte for byte the cold `--no-cache` zip of the same tree, with
//! the CodeSha256 of its bytes.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use super::*;

/// Package `src` with the cache and `-v`; whether it was spliced.
fn spliced(src: &Path, out: &Path, cache: &Path) -> (serde_json::Value, bool) {
    let o = cached_verbose(src, out, cache);
    (o.json(), o.stderr.contains("splice: "))
}

/// The cached zip at `name` is the cold one of the same tree, and its
/// CodeSha256 is its bytes'.
fn same_as_cold(src: &Path, dir: &Path, name: &str, v: &serde_json::Value) {
    let cold = dir.join(format!("{name}.cold.zip"));
    package(src, &cold, &["--no-cache"]).success();
    let (got, want) = (
        std::fs::read(dir.join(name)).unwrap(),
        std::fs::read(&cold).unwrap(),
    );
    assert!(
        got == want,
        "{name}: the spliced zip differs from the cold one"
    );
    assert_eq!(v["code_sha256"], sha2_b64(&got), "{name}");
    assert_eq!(v["size"], got.len() as u64, "{name}");
}

#[test]
fn a_changed_tree_is_spliced_byte_for_byte() {
    let t = tempfile::tempdir().unwrap();
    let (src, cache) = (t.path().join("src"), t.path().join("cache"));
    node_like(&src);
    // Entries past the first MiB of the zip, so the resumed SHA-256 starts
    // from a kept state, not from the beginning.
    for i in 0..40 {
        write(
            &src,
            &format!("zz/late{i:02}.js"),
            &text(3000 + i, 500 + i as u64),
        );
    }
    let files = cached(&src, &t.path().join("0.zip"), &cache, &[])["files"]
        .as_u64()
        .unwrap();

    type Edit = Box<dyn Fn(&Path)>;
    let edits: Vec<(&str, Edit, u64)> = vec![
        // (what, the edit, files the cache cannot give)
        (
            "the first entry",
            Box::new(|s| write(s, "bootstrap", b"#!/bin/sh\nexec node main.js\n")),
            1,
        ),
        (
            "a middle entry",
            Box::new(|s| write(s, "node_modules/pkg3/lib/m10.js", &text(777, 7))),
            1,
        ),
        (
            "the last entry",
            Box::new(|s| write(s, "zz/late39.js", &text(100, 1))),
            1,
        ),
        (
            "an entry after the first MiB",
            Box::new(|s| write(s, "zz/late05.js", &text(5000, 2))),
            1,
        ),
        (
            "two far apart",
            Box::new(|s| {
                write(s, "index.js", b"exports.handler = async () => 1;\n");
                write(s, "zz/late20.js", &text(10, 3));
            }),
            2,
        ),
        (
            "a new file between two",
            Box::new(|s| write(s, "node_modules/pkg2/lib/new.js", &text(4000, 4))),
            1,
        ),
        (
            "a removed file",
            Box::new(|s| std::fs::remove_file(s.join("node_modules/pkg4/lib/m11.js")).unwrap()),
            0,
        ),
        (
            "the last entries removed",
            Box::new(|s| {
                for i in 30..40 {
                    std::fs::remove_file(s.join(format!("zz/late{i:02}.js"))).unwrap();
                }
            }),
            0,
        ),
        (
            "a mode change",
            Box::new(|s| {
                let p = s.join("index.js");
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            }),
            0,
        ),
        (
            "a rename (the content is in the cache)",
            Box::new(|s| std::fs::rename(s.join("zz/late10.js"), s.join("zz/late10b.js")).unwrap()),
            0,
        ),
        (
            "a new empty directory",
            Box::new(|s| std::fs::create_dir_all(s.join("node_modules/pkg0/empty")).unwrap()),
            0,
        ),
    ];
    let mut files = files;
    for (n, (what, edit, fresh)) in edits.iter().enumerate() {
        edit(&src);
        let name = format!("{n}.zip");
        let (v, was_spliced) = spliced(&src, &t.path().join(&name), &cache);
        assert!(was_spliced, "{what}: not spliced");
        let now = v["files"].as_u64().unwrap();
        assert_eq!(v["cached"], now - fresh, "{what}: {v}");
        same_as_cold(&src, t.path(), &name, &v);
        files = now;
    }
    assert!(files > 150);
    let unzip = std::process::Command::new("unzip")
        .arg("-tq")
        .arg(t.path().join(format!("{}.zip", edits.len() - 1)))
        .output()
        .unwrap();
    assert!(
        unzip.status.success(),
        "{}",
        String::from_utf8_lossy(&unzip.stdout)
    );

    // The cache is its owner's alone: it holds the function's code.
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for d in ["package-1/zips", "package-1/trees"] {
        assert_eq!(mode(&cache.join(d)), 0o700, "{d}");
    }
    assert_eq!(mode(&only_file(&cache, "idx")), 0o600);
    for z in walk(&cache.join("package-1/zips")) {
        assert_eq!(mode(&z), 0o600, "{}", z.display());
    }

    // Most of the tree changed: every entry through the pipeline instead.
    write(&src, "node_modules/big/dist/bundle.js", &text(6 << 20, 5));
    let (v, was_spliced) = spliced(&src, &t.path().join("big.zip"), &cache);
    assert!(!was_spliced, "a change to most of the bytes is not spliced");
    same_as_cold(&src, t.path(), "big.zip", &v);
}

#[test]
fn a_damaged_last_zip_is_never_spliced() {
    let t = tempfile::tempdir().unwrap();
    let (src, cache) = (t.path().join("src"), t.path().join("cache"));
    node_like(&src);
    cached(&src, &t.path().join("0.zip"), &cache, &[]);
    // One byte of an unchanged entry, well away from the edit.
    let cached_zip = only_file(&cache, "zip");
    let at = {
        let mut a = zip::ZipArchive::new(std::fs::File::open(&cached_zip).unwrap()).unwrap();
        let e = a.by_name("model/weights.bin").unwrap();
        e.data_start().unwrap() + 1000
    };
    flip_byte(&cached_zip, at);
    write(&src, "index.js", b"exports.handler = async () => 2;\n");
    let (v, was_spliced) = spliced(&src, &t.path().join("1.zip"), &cache);
    assert!(!was_spliced);
    // The damaged entry fails its CRC and is compressed again.
    assert_eq!(v["cached"], v["files"].as_u64().unwrap() - 2);
    same_as_cold(&src, t.path(), "1.zip", &v);
    // The next change splices from the good zip that run left.
    write(&src, "index.js", b"exports.handler = async () => 3;\n");
    let (v, was_spliced) = spliced(&src, &t.path().join("2.zip"), &cache);
    assert!(was_spliced);
    same_as_cold(&src, t.path(), "2.zip", &v);
}
