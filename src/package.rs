//! Deterministic, parallel, streaming zips and Lambda's CodeSha256.
//!
//! The same directory content always gives the same bytes: entries sorted
//! by path, a fixed timestamp, permissions normalised to 0644/0755, no extra
//! fields. Files are compressed on all cores with libdeflate (`compress`)
//! and appended in order by one writer (`pipeline`) within a bounded window,
//! so memory stays small whatever the tree; files over 32 MiB are streamed
//! by the writer itself through the zip crate's own deflate. With a cache
//! (`cache`), an unchanged tree's zip is a verified copy of the last one,
//! and a changed tree recompresses only the files that changed.

mod cache;
mod chunked;
mod compress;
mod digest;
mod join;
mod output;
mod pipeline;
mod sample;
mod shown;
mod splice;
mod stat;
mod tracked;
mod walk;
pub mod watch;

#[doc(hidden)]
pub use cache::fuzz_index;
pub use cache::{CacheSettings, DEFAULT_MAX_BYTES, SETTLE, UPLOAD_SETTLE};
pub use output::check_output;
pub use shown::{package_shown, summary};

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use ignore::gitignore::Gitignore;
use serde::Serialize;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime};

use crate::error::{Error, Result};
use crate::lambda::limits::UNZIPPED_BYTES;

/// The ignore file read from the packaged directory's root.
pub const IGNORE_FILE: &str = ".lamctlignore";

/// Left out unless `--include` puts them back (VCS metadata is never packaged).
const DEFAULT_EXCLUDES: &[&str] = &["/.lamctl/", "/lamctl.toml", "/.lamctlignore", ".DS_Store"];
/// Dotenv files hold secrets: left out at any depth, like the files named by
/// `env_file` ([`PackageOptions::env_files`]); a warning when put back.
const SECRET_EXCLUDES: &[&str] = &[".env*"];
const NEVER_INCLUDED: &[&str] = &[".git", ".hg", ".svn"];

/// Extensions whose content is already compressed: stored, not deflated again.
const STORED_EXTENSIONS: &[&str] = &[
    "zip", "jar", "war", "whl", "egg", "gz", "tgz", "bz2", "xz", "lz", "lzma", "zst", "7z", "rar",
    "br", "png", "jpg", "jpeg", "gif", "webp", "avif", "heic", "mp3", "mp4", "m4a", "aac", "ogg",
    "opus", "webm", "mov", "woff", "woff2", "pdf",
];

/// Files at most this big are compressed by workers with buffers they reuse.
const IN_MEMORY_MAX: u64 = 4 * 1024 * 1024;
/// A bigger file is deflated in chunks, streamed (`chunked`). One whose
/// sample does not shrink is stored: read whole by a worker up to this
/// size, one such file at a time; streamed through the writer beyond it.
const BIG_MAX: u64 = 32 * 1024 * 1024;
/// Workers deflate files up to this size in chunks: their local headers
/// have 32-bit sizes. Bigger ones (and big already-compressed ones) are
/// streamed through the writer, with ZIP64 headers when they need them.
const CHUNKED_MAX: u64 = u32::MAX as u64 - 1024;
/// zlib-rs level for the files the writer deflates (over `CHUNKED_MAX`, or
/// whose chunks did not shrink): at 7 its output is closest to libdeflate's.
const STREAM_LEVEL: i64 = 7;

#[derive(Debug, Clone)]
pub struct PackageOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    /// gitignore-style patterns to leave out, after `.lamctlignore`.
    pub excludes: Vec<String>,
    /// gitignore-style patterns to put back in, even when ignored.
    pub includes: Vec<String>,
    /// The dotenv files the function's environment is read from
    /// (`env_file`): never packaged unless an include puts them back.
    pub env_files: Vec<PathBuf>,
    pub keep_symlinks: bool,
    /// Fail when the unzipped size is over Lambda's 250 MB.
    pub size_check: bool,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// The content cache; `None` with `--no-cache`.
    pub cache: Option<CacheSettings>,
}

impl PackageOptions {
    /// For a package that is uploaded (deploy): the cache trusts a file's
    /// recorded key only after the longer `UPLOAD_SETTLE` (docs/packaging.md).
    pub fn for_upload(mut self) -> Self {
        if let Some(c) = &mut self.cache {
            c.settle = c.settle.max(UPLOAD_SETTLE);
        }
        self
    }
}

/// What was packaged.
#[derive(Debug, Clone, Serialize)]
pub struct PackageReport {
    pub path: PathBuf,
    /// Base64 SHA-256 of the zip: what Lambda reports as CodeSha256.
    pub code_sha256: String,
    /// The same digest in hex (the content-addressed S3 key uses it).
    pub sha256_hex: String,
    /// Size of the zip in bytes.
    pub size: u64,
    /// Sum of the packaged files' sizes.
    pub uncompressed_size: u64,
    /// Files and symbolic links in the zip (directories not counted).
    pub files: u64,
    /// Entries stored without compression (already-compressed formats).
    pub stored: u64,
    /// Files whose compressed data came from the cache (all of them when
    /// the whole zip was reused).
    pub cached: u64,
}

impl PackageReport {
    /// The report on the zip at `path` whose SHA-256 is `sha`.
    fn new(
        path: PathBuf,
        sha: &[u8; 32],
        size: u64,
        uncompressed_size: u64,
        files: u64,
        stored: u64,
        cached: u64,
    ) -> Self {
        use base64::Engine;
        PackageReport {
            path,
            code_sha256: base64::engine::general_purpose::STANDARD.encode(sha),
            sha256_hex: hex::encode(sha),
            size,
            uncompressed_size,
            files,
            stored,
            cached,
        }
    }
}

/// Hooks for the command: verbose notes and progress.
pub trait Observer: Sync {
    /// A detail shown with -v (a followed link that leaves the directory).
    fn detail(&self, _msg: &str) {}
    /// A warning (a special file skipped).
    fn warn(&self, _msg: &str) {}
    /// Called once before writing with the total bytes to compress.
    fn start(&self, _files: u64, _bytes: u64) {}
    fn advance(&self, _bytes: u64) {}
}

impl Observer for () {}

#[derive(Debug, Clone)]
enum Kind {
    File { size: u64, executable: bool },
    Symlink { target: String },
    EmptyDir,
}

#[derive(Debug, Clone)]
struct Entry {
    /// Forward-slash path inside the zip (directories end with '/').
    name: String,
    path: PathBuf,
    kind: Kind,
    /// A file's fingerprint, from the walk's stat (the cache's fast path).
    stat: Option<stat::Stat>,
}

/// Package `opts.root` into `opts.output`.
pub fn package(opts: &PackageOptions, obs: &dyn Observer) -> Result<PackageReport> {
    limit_malloc_arenas();
    let root = check_root(&opts.root)?;
    check_output(&opts.output)?;
    // Before any file is stat'ed: the time fingerprints are judged against.
    let started = stat::now_ns();
    // Opened first: it checks the last zip on another core during the walk.
    let cache = opts.cache.as_ref().map(|s| cache::Cache::open(s, &root));
    let entries = walk::collect(&root, opts, obs)?;
    if !entries.iter().any(|e| !matches!(e.kind, Kind::EmptyDir)) {
        return Err(Error::usage(format!(
            "nothing to package in {}: every file is excluded",
            opts.root.display()
        ))
        .with_hint(format!("check {IGNORE_FILE} and --exclude/--include")));
    }
    let uncompressed: u64 = entries.iter().map(|e| e.size()).sum();
    if opts.size_check && uncompressed > UNZIPPED_BYTES {
        return Err(too_big(&entries, uncompressed));
    }
    output::write_zip(&entries, opts, uncompressed, obs, started, cache)
}

/// Worker threads: as asked, else one per core.
fn threads(opts: &PackageOptions) -> usize {
    if opts.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        opts.threads
    }
}

/// Files and links in the zip (directories not counted).
fn file_count(entries: &[Entry]) -> u64 {
    entries
        .iter()
        .filter(|e| !matches!(e.kind, Kind::EmptyDir))
        .count() as u64
}

/// glibc gives each thread its own heap, and buffers of varying size freed
/// on one thread and allocated on another leave them fragmented: peak memory
/// then grows with the run's length. Two arenas keep it near the live data.
/// A fixed mmap threshold keeps every buffer over 1 MiB in its own mapping
/// (glibc would otherwise raise the threshold after the first big free):
/// returned to the system when freed, and zero pages until written.
fn limit_malloc_arenas() {
    // It runs after the async runtime's threads exist, and those that have
    // allocated keep the arenas they have: M_ARENA_MAX stops new arenas, so
    // the packaging threads started after this share the existing ones.
    // The allocator's one thread-unsafe step, its first-use set-up, happened
    // before any thread was started (the process allocated long before).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: glibc's mallopt takes the arena lock, so threads allocating
    // meanwhile are safe, its set-up is long done (above), and it touches no
    // memory of ours.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}

impl Entry {
    fn size(&self) -> u64 {
        match self.kind {
            Kind::File { size, .. } => size,
            _ => 0,
        }
    }
}

fn check_root(root: &Path) -> Result<PathBuf> {
    let meta = std::fs::metadata(root).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            Error::usage(format!("directory {} does not exist", root.display()))
        } else {
            Error::io(root, e)
        }
    })?;
    let canon = root.canonicalize().map_err(|e| Error::io(root, e))?;
    // The kernel's pseudo-files report sizes they do not hold and carry
    // this process's secrets: never a tree to package.
    if walk::is_special(&canon) {
        return Err(Error::usage(format!(
            "{} is under {}: lamctl does not package the kernel's or the devices' files",
            crate::output::escape(&root.display().to_string()),
            canon.display()
        ))
        .with_hint("lamctl package takes the directory of your function's code"));
    }
    if !meta.is_dir() {
        return Err(
            Error::usage(format!("{} is not a directory", root.display()))
                .with_hint("lamctl package takes the directory to zip"),
        );
    }
    let mut rd = std::fs::read_dir(&canon).map_err(|e| Error::io(root, e))?;
    if rd.next().is_none() {
        return Err(Error::usage(format!(
            "directory {} is empty",
            root.display()
        )));
    }
    Ok(canon)
}

/// A file that read more bytes than the size the walk's metadata gave: a
/// pseudo-file (`/proc`, `/sys`, a FUSE or network file whose size lies:
/// `/proc/self/environ` says 0 bytes and holds credentials) or one that grew
/// while it was packaged. Every read for packaging is bounded by that size
/// plus one byte, so such a file is refused rather than read without end.
fn more_than_its_size(path: &Path, size: u64) -> Error {
    Error::failed(format!(
        "{} read more than the {size} bytes its metadata gave: it is not a regular file (a /proc or /sys file?) or it grew while it was being packaged",
        crate::output::escape(&path.display().to_string())
    ))
    .with_hint("leave it out with --exclude, or package again once it stops changing")
}

fn too_big(entries: &[Entry], total: u64) -> Error {
    // Sum sizes per directory at every depth, then show the biggest.
    let mut dirs: BTreeMap<&str, u64> = BTreeMap::new();
    for e in entries {
        let mut end = 0;
        while let Some(i) = e.name[end..].find('/') {
            end += i;
            *dirs.entry(&e.name[..end]).or_default() += e.size();
            end += 1;
        }
    }
    let mut biggest: Vec<(&str, u64)> = dirs.into_iter().collect();
    biggest.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let list: Vec<String> = biggest
        .iter()
        .take(5)
        .map(|(d, s)| format!("{d}/ {}", crate::output::bytes(*s)))
        .collect();
    let largest = if list.is_empty() {
        String::new()
    } else {
        format!("; largest directories: {}", list.join(", "))
    };
    Error::usage(format!(
        "unzipped size {} is over Lambda's 250 MB limit ({} bytes){largest}",
        crate::output::bytes(total),
        UNZIPPED_BYTES
    ))
    .with_hint("exclude what the function does not need (--exclude or .lamctlignore), move dependencies to a layer or a container image, or pass --no-size-check")
}

fn is_precompressed(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        STORED_EXTENSIONS
            .iter()
            .any(|s| ext.eq_ignore_ascii_case(s))
    })
}

fn options(method: CompressionMethod, mode: u32) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(method)
        .compression_level((method == CompressionMethod::Deflated).then_some(STREAM_LEVEL))
        .last_modified_time(DateTime::default())
        .unix_permissions(mode)
}

fn file_mode(executable: bool) -> u32 {
    if executable { 0o755 } else { 0o644 }
}

/// What packaging leaves out of a directory (the default excludes,
/// `.lamctlignore`, excludes and includes, VCS directories), for other
/// layers to ask: `serve --watch` ignores changes to the same files — all
/// but the env files, which the local run reads.
pub struct IgnoreRules {
    ig: Gitignore,
    has_includes: bool,
}

impl IgnoreRules {
    /// The rules for `root` (canonical), with gitignore-style `excludes`
    /// and `includes` as in [`PackageOptions`].
    pub fn new(root: &Path, excludes: &[String], includes: &[String]) -> Result<IgnoreRules> {
        let opts = PackageOptions {
            root: root.to_path_buf(),
            output: PathBuf::new(),
            excludes: excludes.to_vec(),
            includes: includes.to_vec(),
            env_files: Vec::new(),
            keep_symlinks: false,
            size_check: false,
            threads: 0,
            cache: None,
        };
        Ok(IgnoreRules {
            // The local run reads the env file: a change to it counts.
            ig: walk::matcher(root, &opts, false)?,
            has_includes: !includes.is_empty(),
        })
    }

    /// Whether the file or directory `rel` (relative to the root) is left out.
    pub fn is_ignored(&self, rel: &Path, is_dir: bool) -> bool {
        // VCS directories are left out at any depth (a file named .git is not).
        let dirs = if is_dir { Some(rel) } else { rel.parent() };
        dirs.is_some_and(|d| d.iter().any(|c| NEVER_INCLUDED.iter().any(|v| c == *v)))
            || self.ig.matched_path_or_any_parents(rel, is_dir).is_ignore()
    }

    /// Whether nothing below the directory `rel` is packaged, so a walk
    /// need not enter it (with includes, anything below may be put back).
    pub fn prunes(&self, rel: &Path) -> bool {
        rel.file_name()
            .is_some_and(|n| NEVER_INCLUDED.iter().any(|v| n == *v))
            || (!self.has_includes && self.ig.matched_path_or_any_parents(rel, true).is_ignore())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precompressed_extensions() {
        assert!(is_precompressed("a/b/lib.JAR"));
        assert!(is_precompressed("x.png"));
        assert!(!is_precompressed("app.py"));
        assert!(!is_precompressed("Makefile"));
    }

    #[cfg(target_os = "linux")]
    fn claimed(path: &Path, size: u64) -> Entry {
        Entry {
            name: "f.bin".into(),
            path: path.to_path_buf(),
            kind: Kind::File {
                size,
                executable: false,
            },
            stat: None,
        }
    }

    // /proc is Linux's.
    #[cfg(target_os = "linux")]
    #[test]
    fn reads_are_bounded_by_the_size_the_walk_saw() {
        let more = |r: Result<_>| match r {
            Err(e) => e.to_string().contains("read more than the"),
            Ok(_) => false,
        };
        // /proc/self/environ says 0 bytes and holds this process's environment.
        let environ = Path::new("/proc/self/environ");
        let size = std::fs::metadata(environ).unwrap().len();
        assert_eq!(size, 0);
        let t = tempfile::tempdir().unwrap();
        let base = t.path().join("out.zip.tmp");
        let mut d = compress::Deflater::new(1, &base);
        assert!(more(d.prepare(&claimed(environ, size), None).map(|_| ())));
        // Neighbours: a file that grew after the walk, in memory and chunked.
        let small = t.path().join("small");
        std::fs::write(&small, b"0123456789").unwrap();
        assert!(more(d.prepare(&claimed(&small, 5), None).map(|_| ())));
        assert!(d.prepare(&claimed(&small, 10), None).is_ok());
        let big = t.path().join("big");
        let text = b"lamctl packages text ".repeat(300_000);
        std::fs::write(&big, &text).unwrap();
        let claimed_size = IN_MEMORY_MAX + 1;
        assert!((text.len() as u64) > claimed_size);
        assert!(more(
            chunked::chunked_file(&claimed(&big, claimed_size), claimed_size, 1, false, &base)
                .map(|_| ())
        ));
        let whole = text.len() as u64;
        assert!(chunked::chunked_file(&claimed(&big, whole), whole, 1, false, &base).is_ok());
    }

    #[test]
    fn normalize_parent_components() {
        assert_eq!(
            walk::normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }
}
