//! `lamctl package`: determinism, what goes in, symlinks, limits, bad input,
//! archives read back by an independent reader (Python's zipfile), and the
//! CodeSha256 checked against what moto reports after CreateFunction.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

use crate::harness::*;

fn write(root: &Path, rel: &str, data: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, data).unwrap();
}

/// A small function tree: code, a nested package, an executable bootstrap.
fn sample(root: &Path, reverse: bool) {
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        (
            "app.py",
            b"def handler(event, context):\n    return event\n".repeat(20),
        ),
        ("lib/util/__init__.py", b"".to_vec()),
        (
            "lib/util/strings.py",
            b"def up(s):\n    return s.upper()\n".repeat(50),
        ),
        (
            "data/config.json",
            br#"{"stage": "dev", "retries": 3}"#.to_vec(),
        ),
        ("data/logo.png", vec![0x89, b'P', b'N', b'G', 1, 2, 3, 4]),
        ("bootstrap", b"#!/bin/sh\nexec python3 app.py\n".to_vec()),
    ];
    if reverse {
        files.reverse();
    }
    for (rel, data) in &files {
        write(root, rel, data);
    }
    std::fs::set_permissions(
        root.join("bootstrap"),
        std::fs::Permissions::from_mode(0o775),
    )
    .unwrap();
}

fn package(dir: &Path, out: &Path, extra: &[&str]) -> Out {
    let mut args = vec![
        "package".to_string(),
        dir.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--output".into(),
        "json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    lamctl(args).run()
}

/// Entries as Python's zipfile sees them: (name, unix mode, content).
fn read_zip(path: &Path) -> Vec<(String, u32, Vec<u8>)> {
    let script = r#"
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    out = [[i.filename, i.external_attr >> 16, z.read(i).hex(), i.date_time[0], len(i.extra)] for i in z.infolist()]
print(json.dumps(out))
"#;
    let o = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3");
    assert!(
        o.status.success(),
        "zipfile failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Vec<(String, u32, String, u32, usize)> = serde_json::from_slice(&o.stdout).unwrap();
    v.into_iter()
        .map(|(n, m, hexdata, year, extra)| {
            assert_eq!(year, 1980, "{n}: fixed timestamp");
            assert_eq!(extra, 0, "{n}: no extra fields");
            (n, m, hex::decode(hexdata).unwrap())
        })
        .collect()
}

fn names(path: &Path) -> Vec<String> {
    read_zip(path).into_iter().map(|(n, _, _)| n).collect()
}

#[test]
fn archive_reads_back_with_modes_and_contents() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    sample(&src, false);
    let out = package(&src, &t.path().join("f.zip"), &[]);
    out.success();
    let v = out.json();
    assert_eq!(v["files"], 6);
    let entries = read_zip(&t.path().join("f.zip"));
    let names: Vec<&str> = entries.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "app.py",
            "bootstrap",
            "data/config.json",
            "data/logo.png",
            "lib/util/__init__.py",
            "lib/util/strings.py"
        ]
    );
    for (name, mode, data) in &entries {
        assert!(
            !name.starts_with('/') && !name.split('/').any(|c| c == ".." || c == "."),
            "unsafe name {name}"
        );
        assert_eq!(
            data,
            &std::fs::read(src.join(name)).unwrap(),
            "{name} content"
        );
        let want = if name == "bootstrap" {
            0o100755
        } else {
            0o100644
        };
        assert_eq!(*mode, want, "{name} mode {mode:o}");
    }
    assert_eq!(
        v["size"].as_u64().unwrap(),
        std::fs::metadata(t.path().join("f.zip")).unwrap().len()
    );
    let digest = sha2_b64(&std::fs::read(t.path().join("f.zip")).unwrap());
    assert_eq!(v["code_sha256"], digest);
    // unzip agrees the archive is sound.
    let o = std::process::Command::new("unzip")
        .args(["-tq"])
        .arg(t.path().join("f.zip"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

fn sha2_b64(data: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(data))
}

#[test]
fn output_is_deterministic() {
    let t = tempfile::tempdir().unwrap();
    let a = t.path().join("a");
    sample(&a, false);
    package(&a, &t.path().join("1.zip"), &[]).success();
    package(&a, &t.path().join("2.zip"), &[]).success();
    let first = std::fs::read(t.path().join("1.zip")).unwrap();
    assert_eq!(
        first,
        std::fs::read(t.path().join("2.zip")).unwrap(),
        "two runs"
    );

    // New mtimes on every file.
    for e in walk(&a) {
        let f = std::fs::File::options().write(true).open(&e).unwrap();
        f.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(86_400 * 400))
            .unwrap();
    }
    package(&a, &t.path().join("3.zip"), &[]).success();
    assert_eq!(
        first,
        std::fs::read(t.path().join("3.zip")).unwrap(),
        "after touching every file"
    );

    // The same content at another path, created in the opposite order.
    let b = t.path().join("elsewhere/deeper/b");
    sample(&b, true);
    package(&b, &t.path().join("4.zip"), &[]).success();
    assert_eq!(
        first,
        std::fs::read(t.path().join("4.zip")).unwrap(),
        "copy in another path, other creation order"
    );

    // Run from another working directory with a relative DIR.
    let out = lamctl(["package", "b", "--out", "../../5.zip"])
        .dir(t.path().join("elsewhere/deeper"))
        .run();
    out.success();
    assert_eq!(
        first,
        std::fs::read(t.path().join("5.zip")).unwrap(),
        "relative paths"
    );
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Compressible text of `n` bytes that differs from line to line.
fn text(n: usize, seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 64);
    let mut i = seed;
    while out.len() < n {
        i = i.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        out.extend_from_slice(
            format!("export const k{} = \"{}\";\n", i >> 50, i % 9973).as_bytes(),
        );
    }
    out.truncate(n);
    out
}

/// Compression method of each entry, as Python's zipfile reads it.
fn methods(path: &Path) -> Vec<(String, u32)> {
    let script = "import json, sys, zipfile\nprint(json.dumps([[i.filename, i.compress_type] for i in zipfile.ZipFile(sys.argv[1]).infolist()]))";
    let o = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn every_size_path_reads_back_and_hashes() {
    // Files small and big (held whole, one at a time, started early or
    // passed over), incompressible ones stored, and one over 32 MiB that the
    // writer streams itself (so the digest is taken by reading back).
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    let mib = 1024 * 1024;
    for i in 0..300 {
        write(
            &src,
            &format!("a/lib{i:03}.js"),
            &text(2000 + 97 * i, i as u64),
        );
    }
    write(&src, "b/big1.js", &text(6 * mib, 1));
    write(&src, "b/big2.js", &text(5 * mib, 2));
    write(&src, "b/noise.bin", &pseudo_random(5 * mib));
    write(&src, "c/huge.txt", &text(34 * mib, 3));
    write(&src, "c/small-noise.dat", &pseudo_random(70_000));
    write(&src, "d/empty", b"");
    let zip = t.path().join("f.zip");
    let out = package(&src, &zip, &[]);
    out.success();
    let v = out.json();
    assert_eq!(v["files"], 306);
    assert_eq!(v["stored"], 2, "the two incompressible files");
    let bytes = std::fs::read(&zip).unwrap();
    assert_eq!(v["code_sha256"], sha2_b64(&bytes));
    assert_eq!(v["size"].as_u64().unwrap(), bytes.len() as u64);
    assert!(
        bytes.len() < 25 * mib,
        "text is deflated: {} bytes",
        bytes.len()
    );

    for (name, _, data) in read_zip(&zip) {
        assert_eq!(data, std::fs::read(src.join(&name)).unwrap(), "{name}");
    }
    let stored: Vec<String> = methods(&zip)
        .into_iter()
        .filter(|(_, m)| *m == 0)
        .map(|(n, _)| n)
        .collect();
    assert_eq!(stored, ["b/noise.bin", "c/small-noise.dat", "d/empty"]);

    package(&src, &t.path().join("again.zip"), &[]).success();
    assert_eq!(
        bytes,
        std::fs::read(t.path().join("again.zip")).unwrap(),
        "byte-identical"
    );
}

#[test]
fn ctrl_c_while_packaging_leaves_no_partial_zip() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    // 96 MiB that deflate cannot shrink, streamed by the writer: seconds of
    // work. A 1 MiB block repeated is as incompressible (deflate looks back
    // 32 KiB only) and quick to make.
    let block = pseudo_random(1024 * 1024);
    let mut data = Vec::with_capacity(96 * block.len());
    for _ in 0..96 {
        data.extend_from_slice(&block);
    }
    write(&src, "model.bin", &data);
    let out_dir = t.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let zip = out_dir.join("f.zip");
    let (child, _home) = lamctl([
        "package",
        src.to_str().unwrap(),
        "--out",
        zip.to_str().unwrap(),
    ])
    .spawn();
    // Wait until the writer has started, then interrupt it.
    let started = std::time::Instant::now();
    while std::fs::read_dir(&out_dir).unwrap().next().is_none() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "packaging never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    std::thread::sleep(std::time::Duration::from_millis(100));
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert_eq!(stderr.trim(), "error: interrupted");
    let left: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn code_sha256_matches_what_moto_reports() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    sample(&src, false);
    let zip = t.path().join("f.zip");
    let out = package(&src, &zip, &[]);
    out.success();
    let ours = out.json()["code_sha256"].as_str().unwrap().to_string();
    let name = unique("pkgsha");
    let reported = rt().block_on(async {
        let conf = sdk().await;
        let role = create_role_async(&name).await;
        let lambda = aws_sdk_lambda::Client::new(&conf);
        let code = aws_sdk_lambda::types::FunctionCode::builder()
            .zip_file(aws_sdk_lambda::primitives::Blob::new(
                std::fs::read(&zip).unwrap(),
            ))
            .build();
        let f = lambda
            .create_function()
            .function_name(&name)
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .handler("app.handler")
            .role(role)
            .code(code)
            .send()
            .await
            .unwrap();
        let got = lambda
            .get_function()
            .function_name(&name)
            .send()
            .await
            .unwrap();
        assert_eq!(got.configuration().unwrap().code_sha256(), f.code_sha256());
        f.code_sha256().unwrap().to_string()
    });
    assert_eq!(ours, reported);
}

#[test]
fn ignore_file_exclude_include_and_defaults() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    sample(&src, false);
    write(&src, "tests/test_app.py", b"x");
    write(&src, "notes.md", b"x");
    write(&src, "lib/util/strings.pyc", b"x");
    write(&src, ".git/HEAD", b"ref: refs/heads/main\n");
    write(&src, "sub/.git/config", b"x");
    write(&src, "lamctl.toml", b"name = \"f\"\n");
    write(
        &src,
        ".lamctlignore",
        b"# comments and gitignore syntax\ntests/\n*.pyc\n*.md\n",
    );
    let zip = t.path().join("f.zip");
    package(&src, &zip, &["--exclude", "data/*.json"]).success();
    let n = names(&zip);
    for gone in [
        "tests/test_app.py",
        "notes.md",
        "lib/util/strings.pyc",
        ".git/HEAD",
        "sub/.git/config",
        "lamctl.toml",
        ".lamctlignore",
        "data/config.json",
    ] {
        assert!(
            !n.iter().any(|x| x == gone),
            "{gone} should be left out: {n:?}"
        );
    }
    assert!(n.iter().any(|x| x == "app.py") && n.iter().any(|x| x == "data/logo.png"));

    // --include puts back what an ignore rule (even on a parent) left out; never .git.
    package(
        &src,
        &zip,
        &[
            "--include",
            "tests/test_app.py",
            "--include",
            "README*",
            "--include",
            ".git/HEAD",
        ],
    )
    .success();
    let n = names(&zip);
    assert!(n.iter().any(|x| x == "tests/test_app.py"), "{n:?}");
    assert!(!n.iter().any(|x| x.starts_with(".git/")), "{n:?}");

    // An earlier output inside the tree is not packaged into the next one.
    let inside = src.join("out.zip");
    package(&src, &inside, &[]).success();
    package(&src, &inside, &[]).success();
    assert!(!names(&inside).iter().any(|x| x == "out.zip"));

    // Everything excluded is bad input.
    package(&src, &zip, &["--exclude", "*"]).fails(2, "nothing to package");
    package(&src, &zip, &["--exclude", "{unclosed"]).fails(2, "invalid pattern in --exclude");
}

#[test]
fn symlinks_followed_kept_outside_and_loops() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    sample(&src, false);
    write(&t.path().join("outside"), "shared.py", b"SHARED = 1\n");
    symlink("app.py", src.join("alias.py")).unwrap();
    symlink("lib", src.join("lib2")).unwrap();
    symlink(t.path().join("outside/shared.py"), src.join("shared.py")).unwrap();
    let zip = t.path().join("f.zip");

    // Followed by default: real files, including the outside one (said with -v).
    let out = lamctl([
        "package",
        src.to_str().unwrap(),
        "--out",
        zip.to_str().unwrap(),
        "-v",
    ])
    .run();
    out.success();
    assert!(
        out.stderr.contains("following shared.py ->") && out.stderr.contains("outside"),
        "{}",
        out.stderr
    );
    let entries = read_zip(&zip);
    let get = |n: &str| {
        entries
            .iter()
            .find(|(x, _, _)| x == n)
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    assert_eq!(
        get("alias.py").2,
        std::fs::read(src.join("app.py")).unwrap()
    );
    assert_eq!(get("alias.py").1, 0o100644);
    assert_eq!(
        get("lib2/util/strings.py").2,
        std::fs::read(src.join("lib/util/strings.py")).unwrap()
    );
    assert_eq!(get("shared.py").2, b"SHARED = 1\n");

    // --keep-symlinks: links stored as links; one leaving DIR is left out with a warning.
    let out = package(&src, &zip, &["--keep-symlinks"]);
    out.success();
    assert!(
        out.stderr.contains("left out symlink shared.py"),
        "{}",
        out.stderr
    );
    let entries = read_zip(&zip);
    let alias = entries.iter().find(|(n, _, _)| n == "alias.py").unwrap();
    assert_eq!(alias.1 & 0o170000, 0o120000, "stored as a link");
    assert_eq!(alias.2, b"app.py");
    assert!(
        entries
            .iter()
            .any(|(n, m, _)| n == "lib2" && m & 0o170000 == 0o120000)
    );
    assert!(
        !entries
            .iter()
            .any(|(n, _, _)| n == "shared.py" || n.starts_with("lib2/"))
    );

    // A loop is a clear error when following, fine when keeping links.
    symlink("..", src.join("lib/up")).unwrap();
    package(&src, &zip, &[]).fails(2, "symlink loop: lib/up");
    package(&src, &zip, &["--keep-symlinks"]).success();
    std::fs::remove_file(src.join("lib/up")).unwrap();

    symlink("missing.py", src.join("dangling.py")).unwrap();
    package(&src, &zip, &[]).fails(2, "dangling.py is a broken symlink");
}

#[test]
fn zip64_with_more_than_65535_entries() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("many");
    for d in 0..66 {
        let dir = src.join(format!("d{d:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        for f in 0..1000 {
            std::fs::write(dir.join(format!("f{f:04}.txt")), b"").unwrap();
        }
    }
    let zip = t.path().join("many.zip");
    let out = package(&src, &zip, &[]);
    out.success();
    assert_eq!(out.json()["files"], 66_000);
    let o = std::process::Command::new("python3")
        .args(["-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(len(z.infolist()), z.infolist()[-1].filename)"])
        .arg(&zip)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        "66000 d65/f0999.txt"
    );
}

#[test]
fn unzipped_size_limit_and_override() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    sample(&src, false);
    // Sparse: 270 MB of zeros that take no disk.
    let big = src.join("vendor/blobs/zeros.bin");
    std::fs::create_dir_all(big.parent().unwrap()).unwrap();
    std::fs::File::create(&big)
        .unwrap()
        .set_len(270_000_000)
        .unwrap();
    let zip = t.path().join("f.zip");
    let out = package(&src, &zip, &[]);
    out.fails(2, "over Lambda's 250 MB limit");
    assert!(
        out.stderr
            .contains("largest directories: vendor/ 257.5 MiB, vendor/blobs/ 257.5 MiB"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("--no-size-check"), "{}", out.stderr);
    assert!(!zip.exists(), "no zip written on failure");

    let out = package(&src, &zip, &["--no-size-check"]);
    out.success();
    assert_eq!(
        out.json()["uncompressed_size"].as_u64().unwrap(),
        dir_size(&src)
    );
}

fn dir_size(p: &Path) -> u64 {
    walk(p)
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum()
}

#[test]
fn over_50_mb_warns_about_s3() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    // Pseudo-random bytes in an already-compressed format are stored as they are.
    let data = pseudo_random(53 * 1024 * 1024);
    write(&src, "model.gz", &data);
    let zip = t.path().join("f.zip");
    let out = lamctl([
        "package",
        src.to_str().unwrap(),
        "--out",
        zip.to_str().unwrap(),
    ])
    .run();
    out.success();
    assert_eq!(
        out.stdout().trim(),
        zip.display().to_string(),
        "stdout is the path only"
    );
    assert!(
        out.stderr.contains("warning: the zip is") && out.stderr.contains("through S3"),
        "{}",
        out.stderr
    );
    assert_eq!(read_zip(&zip)[0].2.len(), data.len());
}

#[test]
fn bad_input_is_named() {
    let t = tempfile::tempdir().unwrap();
    let zip = t.path().join("f.zip");
    package(&t.path().join("nope"), &zip, &[]).fails(2, "nope does not exist");
    write(t.path(), "file.txt", b"x");
    package(&t.path().join("file.txt"), &zip, &[]).fails(2, "file.txt is not a directory");
    std::fs::create_dir(t.path().join("empty")).unwrap();
    package(&t.path().join("empty"), &zip, &[]).fails(2, "empty is empty");

    // A non-UTF-8 name.
    let src = t.path().join("src");
    sample(&src, false);
    use std::os::unix::ffi::OsStrExt;
    let bad = src.join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
    std::fs::write(&bad, b"x").unwrap();
    package(&src, &zip, &[]).fails(2, "is not valid UTF-8");
    std::fs::remove_file(&bad).unwrap();

    // An unreadable file is exit 1 naming it. (As root every file reads: a
    // link to /proc/self/mem, which errors on read, is now refused before
    // any read, exit 2 naming it — tests/security_io.rs.)
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        symlink("/proc/self/mem", src.join("unreadable.bin")).unwrap();
    } else {
        write(&src, "unreadable.bin", b"x");
        std::fs::set_permissions(
            src.join("unreadable.bin"),
            std::fs::Permissions::from_mode(0o000),
        )
        .unwrap();
    }
    package(&src, &zip, &[]).fails(if root { 2 } else { 1 }, "unreadable.bin");
    assert!(!zip.exists());
    assert!(
        std::fs::read_dir(t.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("partial")),
        "no partial zip left"
    );
}

#[test]
fn source_and_package_settings_from_lamctl_toml() {
    let t = tempfile::tempdir().unwrap();
    sample(&t.path().join("fn"), false);
    write(
        t.path(),
        "lamctl.toml",
        b"name = \"hello\"\nsource = \"fn\"\n\n[package]\nexclude = [\"data/\"]\n",
    );
    let out = lamctl(["package", "--output", "json"]).dir(t.path()).run();
    out.success();
    let zip = t.path().join(".lamctl/hello.zip");
    assert_eq!(out.json()["path"], ".lamctl/hello.zip");
    let n = names(&zip);
    assert!(
        n.contains(&"app.py".to_string()) && !n.iter().any(|x| x.starts_with("data/")),
        "{n:?}"
    );
}

/// `package --output json` with the cache at `cache`.
fn cached(dir: &Path, out: &Path, cache: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "package".to_string(),
        dir.display().to_string(),
        "--out".into(),
        out.display().to_string(),
        "--output".into(),
        "json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let o = lamctl(args).env("LAMCTL_CACHE_DIR", cache).run();
    o.success();
    o.json()
}

/// A node-like tree: many small modules, a big minified bundle (deflated
/// in chunks on every core), an incompressible blob without a telling
/// extension (stored after its sample), an image, an executable.
fn node_like(root: &Path) {
    for i in 0..120 {
        write(
            root,
            &format!("node_modules/pkg{}/lib/m{i}.js", i % 7),
            &text(500 + 131 * i, i as u64),
        );
    }
    write(root, "node_modules/big/dist/bundle.js", &text(6 << 20, 99));
    write(root, "model/weights.bin", &pseudo_random(3 << 20));
    write(root, "public/logo.png", &pseudo_random(10_000));
    write(root, "index.js", b"exports.handler = async (e) => e;\n");
    write(root, "bootstrap", b"#!/bin/sh\nexec node index.js\n");
    std::fs::set_permissions(
        root.join("bootstrap"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("empty")).unwrap();
}

fn copy_tree(from: &Path, to: &Path, mtime: std::time::SystemTime) {
    for p in walk(from) {
        let dst = to.join(p.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
        std::fs::copy(&p, &dst).unwrap();
        std::fs::File::options()
            .append(true)
            .open(&dst)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
    }
    std::fs::create_dir_all(to.join("empty")).unwrap();
}

#[test]
fn the_cache_gives_byte_identical_zips_and_recompresses_only_what_changed() {
    let t = tempfile::tempdir().unwrap();
    let (src, cache) = (t.path().join("src"), t.path().join("cache"));
    node_like(&src);
    let zip = |n: &str| t.path().join(n);
    let cold = package(&src, &zip("cold.zip"), &["--no-cache"]);
    cold.success();
    let files = cold.json()["files"].as_u64().unwrap();
    assert_eq!(cold.json()["cached"], 0);
    let stored: Vec<String> = methods(&zip("cold.zip"))
        .into_iter()
        .filter(|(_, m)| *m == 0)
        .map(|(n, _)| n)
        .collect();
    // The sampled blob, the png by name, two files too small to shrink.
    assert_eq!(
        stored,
        [
            "bootstrap",
            "empty/",
            "index.js",
            "model/weights.bin",
            "public/logo.png"
        ]
    );
    assert_eq!(cold.json()["stored"], 4);
    let cold = std::fs::read(zip("cold.zip")).unwrap();
    for (name, _, data) in read_zip(&zip("cold.zip")) {
        if !name.ends_with('/') {
            assert_eq!(data, std::fs::read(src.join(&name)).unwrap(), "{name}");
        }
    }
    let unzip = std::process::Command::new("unzip")
        .args(["-tq"])
        .arg(zip("cold.zip"))
        .output()
        .expect("unzip");
    assert!(
        unzip.status.success(),
        "{}",
        String::from_utf8_lossy(&unzip.stdout)
    );

    // An empty cache, then a full one: the same bytes.
    assert_eq!(cached(&src, &zip("1.zip"), &cache, &[])["cached"], 0);
    assert_eq!(std::fs::read(zip("1.zip")).unwrap(), cold);
    let v = cached(&src, &zip("2.zip"), &cache, &[]);
    assert_eq!(v["cached"], files, "an unchanged tree is all cache");
    assert_eq!(std::fs::read(zip("2.zip")).unwrap(), cold);
    assert_eq!(v["code_sha256"], sha2_b64(&cold));

    // One small and one big file changed: only they are compressed afresh.
    write(&src, "node_modules/pkg3/lib/m3.js", &text(900, 1234));
    write(&src, "node_modules/big/dist/bundle.js", &text(6 << 20, 100));
    let v = cached(&src, &zip("3.zip"), &cache, &[]);
    assert_eq!(v["cached"], files - 2);
    package(&src, &zip("cold3.zip"), &["--no-cache"]).success();
    let cold3 = std::fs::read(zip("cold3.zip")).unwrap();
    assert_ne!(cold3, cold);
    assert_eq!(std::fs::read(zip("3.zip")).unwrap(), cold3);

    // A copy elsewhere with other mtimes: the same bytes, cold or cached.
    let copy = t.path().join("elsewhere/copy");
    let y2001 = std::time::UNIX_EPOCH + std::time::Duration::from_secs(978_307_200);
    copy_tree(&src, &copy, y2001);
    assert_eq!(cached(&copy, &zip("4.zip"), &cache, &[])["cached"], 0);
    assert_eq!(std::fs::read(zip("4.zip")).unwrap(), cold3);
    assert_eq!(cached(&copy, &zip("5.zip"), &cache, &[])["cached"], files);
    assert_eq!(std::fs::read(zip("5.zip")).unwrap(), cold3);
}

#[test]
fn an_edit_that_keeps_size_and_mtime_is_never_served_stale() {
    let t = tempfile::tempdir().unwrap();
    let (src, cache) = (t.path().join("src"), t.path().join("cache"));
    node_like(&src);
    let zip = |n: &str| t.path().join(n);
    cached(&src, &zip("1.zip"), &cache, &[]);
    let files = cached(&src, &zip("2.zip"), &cache, &[])["files"]
        .as_u64()
        .unwrap();

    // Same size, same mtime (set back), same second: only the bytes differ.
    let edit = |rel: &str, data: &[u8]| {
        let p = src.join(rel);
        let before = std::fs::metadata(&p).unwrap();
        assert_eq!(before.len(), data.len() as u64);
        std::fs::write(&p, data).unwrap();
        let f = std::fs::File::options().append(true).open(&p).unwrap();
        f.set_times(
            std::fs::FileTimes::new()
                .set_modified(before.modified().unwrap())
                .set_accessed(before.accessed().unwrap()),
        )
        .unwrap();
        let after = std::fs::metadata(&p).unwrap();
        assert_eq!(after.len(), before.len());
        assert_eq!(after.modified().unwrap(), before.modified().unwrap());
    };
    edit("index.js", b"exports.handler = async (e) => 1;\n");
    let mut bundle = std::fs::read(src.join("node_modules/big/dist/bundle.js")).unwrap();
    bundle[3 << 20] ^= 0x20;
    edit("node_modules/big/dist/bundle.js", &bundle);

    let v = cached(&src, &zip("3.zip"), &cache, &[]);
    assert_eq!(v["cached"], files - 2, "both edits are seen");
    let got = read_zip(&zip("3.zip"));
    let find = |n: &str| got.iter().find(|e| e.0 == n).unwrap().2.clone();
    assert_eq!(find("index.js"), b"exports.handler = async (e) => 1;\n");
    assert_eq!(find("node_modules/big/dist/bundle.js"), bundle);
    package(&src, &zip("cold.zip"), &["--no-cache"]).success();
    assert_eq!(
        std::fs::read(zip("3.zip")).unwrap(),
        std::fs::read(zip("cold.zip")).unwrap()
    );
}

/// `package -v --output json` with the cache at `cache`: the report, and
/// how many files were read for their keys (from the `-v` detail).
/// `package DIR --out OUT --output json -v` with the cache at `cache`;
/// it must succeed.
fn cached_verbose(dir: &Path, out: &Path, cache: &Path) -> Out {
    let o = lamctl([
        "package",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--output",
        "json",
        "-v",
    ])
    .env("LAMCTL_CACHE_DIR", cache)
    .run();
    o.success();
    o
}

fn cached_reads(dir: &Path, out: &Path, cache: &Path) -> (serde_json::Value, u64) {
    let o = cached_verbose(dir, out, cache);
    let read = o
        .stderr
        .split("cache: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no cache detail in {}", o.stderr));
    (o.json(), read)
}

/// The stat fast path: files that settled before the last package are not
/// read again, yet an edit that keeps size and mtime (set back) is still
/// caught, because the kernel moves the file's ctime; a file edited right
/// before a package stays racy and is read on the next run too.
#[test]
fn a_settled_tree_is_not_read_again_and_a_same_size_same_mtime_edit_is_caught() {
    let t = tempfile::tempdir().unwrap();
    let (src, cache) = (t.path().join("src"), t.path().join("cache"));
    node_like(&src);
    let zip = |n: &str| t.path().join(n);
    // Older than the racy margin (2 s) when the first package starts.
    std::thread::sleep(std::time::Duration::from_millis(2200));
    let (v, read) = cached_reads(&src, &zip("1.zip"), &cache);
    let files = v["files"].as_u64().unwrap();
    assert_eq!(read, files, "nothing recorded yet: every file is read");
    let (v, read) = cached_reads(&src, &zip("2.zip"), &cache);
    assert_eq!((read, v["cached"].as_u64().unwrap()), (0, files));
    package(&src, &zip("cold.zip"), &["--no-cache"]).success();
    assert_eq!(
        std::fs::read(zip("2.zip")).unwrap(),
        std::fs::read(zip("cold.zip")).unwrap()
    );

    // Same size, mtime set back: only the bytes (and the ctime) differ.
    let p = src.join("index.js");
    let before = std::fs::metadata(&p).unwrap();
    let data = b"exports.handler = async (e) => 2;\n";
    assert_eq!(before.len(), data.len() as u64);
    std::fs::write(&p, data).unwrap();
    std::fs::File::options()
        .append(true)
        .open(&p)
        .unwrap()
        .set_modified(before.modified().unwrap())
        .unwrap();
    assert_eq!(
        std::fs::metadata(&p).unwrap().modified().unwrap(),
        before.modified().unwrap()
    );
    let (v, read) = cached_reads(&src, &zip("3.zip"), &cache);
    assert_eq!((read, v["cached"].as_u64().unwrap()), (1, files - 1));
    let got = read_zip(&zip("3.zip"));
    assert_eq!(got.iter().find(|e| e.0 == "index.js").unwrap().2, data);
    package(&src, &zip("cold3.zip"), &["--no-cache"]).success();
    let cold3 = std::fs::read(zip("cold3.zip")).unwrap();
    assert_eq!(std::fs::read(zip("3.zip")).unwrap(), cold3);

    // index.js changed within the margin of that run: racy, read again
    // (and the zip reused whole).
    let (v, read) = cached_reads(&src, &zip("4.zip"), &cache);
    assert_eq!((read, v["cached"].as_u64().unwrap()), (1, files));
    assert_eq!(std::fs::read(zip("4.zip")).unwrap(), cold3);
}

/// The one file in `dir` with extension `ext`.
fn only_file(dir: &Path, ext: &str) -> PathBuf {
    let found: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

fn flip_byte(p: &Path, at: u64) {
    use std::os::unix::fs::FileExt;
    let f = std::fs::File::options()
        .read(true)
        .write(true)
        .open(p)
        .unwrap();
    let mut b = [0u8];
    f.read_exact_at(&mut b, at).unwrap();
    f.write_all_at(&[b[0] ^ 0x55], at).unwrap();
}

#[test]
fn a_corrupt_cache_is_detected_and_never_served() {
    let t = tempfile::tempdir().unwrap();
    let (src, cache) = (t.path().join("src"), t.path().join("cache"));
    node_like(&src);
    let zip = |n: &str| t.path().join(n);
    let v = package(&src, &zip("cold.zip"), &["--no-cache"]);
    v.success();
    let files = v.json()["files"].as_u64().unwrap();
    let cold = std::fs::read(zip("cold.zip")).unwrap();
    cached(&src, &zip("1.zip"), &cache, &[]);

    // A flipped byte inside one entry's compressed data: the whole zip
    // fails its SHA-256, that entry its CRC; it alone is compressed again.
    let cached_zip = only_file(&cache, "zip");
    let at = {
        let mut a = zip::ZipArchive::new(std::fs::File::open(&cached_zip).unwrap()).unwrap();
        let e = a.by_name("node_modules/big/dist/bundle.js").unwrap();
        e.data_start().unwrap() + e.compressed_size() / 2
    };
    flip_byte(&cached_zip, at);
    let v = cached(&src, &zip("2.zip"), &cache, &[]);
    assert_eq!(v["cached"], files - 1);
    assert_eq!(std::fs::read(zip("2.zip")).unwrap(), cold);
    assert_eq!(cached(&src, &zip("3.zip"), &cache, &[])["cached"], files);

    // A damaged index is no index.
    let idx = only_file(&cache, "idx");
    flip_byte(&idx, std::fs::metadata(&idx).unwrap().len() / 2);
    assert_eq!(cached(&src, &zip("4.zip"), &cache, &[])["cached"], 0);
    assert_eq!(std::fs::read(zip("4.zip")).unwrap(), cold);

    // A truncated zip: the entries past its end are compressed again.
    let cached_zip = only_file(&cache, "zip");
    let len = std::fs::metadata(&cached_zip).unwrap().len();
    std::fs::File::options()
        .write(true)
        .open(&cached_zip)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let v = cached(&src, &zip("5.zip"), &cache, &[]);
    assert!(v["cached"].as_u64().unwrap() < files);
    assert_eq!(std::fs::read(zip("5.zip")).unwrap(), cold);
}

#[test]
fn cache_location_no_cache_and_its_bound() {
    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    sample(&src, false);
    let out = t.path().join("f.zip");
    let args = [
        "package",
        src.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let indexes = |dir: &Path| -> usize {
        std::fs::read_dir(dir.join("package-1/trees")).map_or(0, |d| d.count())
    };

    // The default: ~/.cache/lamctl, or $XDG_CACHE_HOME/lamctl.
    let home = t.path().join("home");
    lamctl(args)
        .env_remove("LAMCTL_CACHE_DIR")
        .env("HOME", &home)
        .run()
        .success();
    assert_eq!(indexes(&home.join(".cache/lamctl")), 1);
    let xdg = t.path().join("xdg");
    lamctl(args)
        .env_remove("LAMCTL_CACHE_DIR")
        .env("XDG_CACHE_HOME", &xdg)
        .run()
        .success();
    assert_eq!(indexes(&xdg.join("lamctl")), 1);

    // --no-cache neither reads nor writes it.
    let dir = t.path().join("cache");
    let mut no_cache = args.to_vec();
    no_cache.push("--no-cache");
    lamctl(&no_cache)
        .env("LAMCTL_CACHE_DIR", &dir)
        .run()
        .success();
    assert!(!dir.exists());

    // The bound: with 0 MB nothing is kept.
    lamctl(args)
        .env("LAMCTL_CACHE_DIR", &dir)
        .env("LAMCTL_CACHE_MAX_MB", "0")
        .run()
        .success();
    assert_eq!(indexes(&dir), 0);
    assert_eq!(
        std::fs::read_dir(dir.join("package-1/zips"))
            .unwrap()
            .count(),
        0
    );
    lamctl(args)
        .env("LAMCTL_CACHE_MAX_MB", "lots")
        .run()
        .fails(2, "LAMCTL_CACHE_MAX_MB=lots is not a number of megabytes");
}

mod big;
mod splice;
