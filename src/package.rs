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
mod output;
mod pipeline;
mod sample;
mod shown;
mod stat;
mod tracked;

pub use cache::{CacheSettings, DEFAULT_MAX_BYTES};
pub use shown::{package_shown, summary};

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Serialize;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime};

use crate::error::{Error, Result};
use crate::lambda::limits::UNZIPPED_BYTES;

/// The ignore file read from the packaged directory's root.
pub const IGNORE_FILE: &str = ".lamctlignore";

/// Left out unless `--include` puts them back (VCS metadata is never packaged).
const DEFAULT_EXCLUDES: &[&str] = &["/.lamctl/", "/lamctl.toml", "/.lamctlignore", ".DS_Store"];
const NEVER_INCLUDED: &[&str] = &[".git", ".hg", ".svn"];

/// Extensions whose content is already compressed: stored, not deflated again.
const STORED_EXTENSIONS: &[&str] = &[
    "zip", "jar", "war", "whl", "egg", "gz", "tgz", "bz2", "xz", "lz", "lzma", "zst", "7z", "rar",
    "br", "png", "jpg", "jpeg", "gif", "webp", "avif", "heic", "mp3", "mp4", "m4a", "aac", "ogg",
    "opus", "webm", "mov", "woff", "woff2", "pdf",
];

/// Files at most this big are compressed by workers with buffers they reuse.
const IN_MEMORY_MAX: u64 = 4 * 1024 * 1024;
/// Files up to this size are still read whole and compressed by a worker,
/// one such big file at a time so memory stays bounded; only bigger ones,
/// and already-compressed big ones, are streamed through the writer.
const BIG_MAX: u64 = 32 * 1024 * 1024;
/// zlib-rs level for the files the writer streams (over `BIG_MAX`): at 7 its
/// output is closest to libdeflate's level 7 used for all others.
const STREAM_LEVEL: i64 = 7;

#[derive(Debug, Clone)]
pub struct PackageOptions {
    pub root: PathBuf,
    pub output: PathBuf,
    /// gitignore-style patterns to leave out, after `.lamctlignore`.
    pub excludes: Vec<String>,
    /// gitignore-style patterns to put back in, even when ignored.
    pub includes: Vec<String>,
    pub keep_symlinks: bool,
    /// Fail when the unzipped size is over Lambda's 250 MB.
    pub size_check: bool,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// The content cache; `None` with `--no-cache`.
    pub cache: Option<CacheSettings>,
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
    // Before any file is stat'ed: the time fingerprints are judged against.
    let started = stat::now_ns();
    // Opened first: it checks the last zip on another core during the walk.
    let cache = opts.cache.as_ref().map(|s| cache::Cache::open(s, &root));
    let entries = collect(&root, opts, obs)?;
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
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator tuning; it is called before
    // the worker threads start.
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
    if !meta.is_dir() {
        return Err(
            Error::usage(format!("{} is not a directory", root.display()))
                .with_hint("lamctl package takes the directory to zip"),
        );
    }
    let canon = root.canonicalize().map_err(|e| Error::io(root, e))?;
    let mut rd = std::fs::read_dir(&canon).map_err(|e| Error::io(root, e))?;
    if rd.next().is_none() {
        return Err(Error::usage(format!(
            "directory {} is empty",
            root.display()
        )));
    }
    Ok(canon)
}

fn matcher(root: &Path, opts: &PackageOptions) -> Result<Gitignore> {
    let mut b = GitignoreBuilder::new(root);
    let bad = |what: &str, e: ignore::Error| {
        Error::usage(format!("invalid pattern in {what}: {e}"))
            .with_hint("patterns use .gitignore syntax")
    };
    for p in DEFAULT_EXCLUDES {
        b.add_line(None, p).map_err(|e| bad("the defaults", e))?;
    }
    let file = root.join(IGNORE_FILE);
    if file.is_file()
        && let Some(e) = b.add(&file)
    {
        return Err(bad(IGNORE_FILE, e));
    }
    for p in &opts.excludes {
        b.add_line(None, p).map_err(|e| bad("--exclude", e))?;
    }
    for p in &opts.includes {
        let line = format!("!{}", p.trim_start_matches('!'));
        b.add_line(None, &line).map_err(|e| bad("--include", e))?;
    }
    b.build().map_err(|e| bad("the ignore rules", e))
}

/// Walk the tree, apply the ignore rules and the symlink policy, and return
/// the entries sorted by name.
fn collect(root: &Path, opts: &PackageOptions, obs: &dyn Observer) -> Result<Vec<Entry>> {
    let ig = Arc::new(matcher(root, opts)?);
    let has_includes = !opts.includes.is_empty();
    // An earlier output inside the tree must not be packaged into the next one.
    let output_name = output_inside(root, &opts.output);

    let mut walker = ignore::WalkBuilder::new(root);
    walker
        .standard_filters(false)
        .follow_links(!opts.keep_symlinks)
        .sort_by_file_name(|a, b| a.cmp(b));
    {
        let ig = Arc::clone(&ig);
        let root = root.to_path_buf();
        walker.filter_entry(move |e| {
            let Ok(rel) = e.path().strip_prefix(&root) else {
                return true;
            };
            if rel.as_os_str().is_empty() {
                return true;
            }
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if is_dir
                && rel
                    .file_name()
                    .is_some_and(|n| NEVER_INCLUDED.iter().any(|v| n == *v))
            {
                return false;
            }
            // Without includes an ignored directory is pruned; with them we
            // must look inside, as an include may name a file below it.
            !(is_dir && !has_includes && ig.matched_path_or_any_parents(rel, true).is_ignore())
        });
    }

    let mut entries = Vec::new();
    let mut nonempty_dirs: std::collections::HashSet<PathBuf> = Default::default();
    let mut dirs: Vec<(PathBuf, String)> = Vec::new();
    for item in walker.build() {
        let e = item.map_err(|e| walk_error(e, root))?;
        let rel = match e.path().strip_prefix(root) {
            Ok(r) if !r.as_os_str().is_empty() => r.to_path_buf(),
            _ => continue,
        };
        let name = zip_name(&rel)?;
        let ft = e.file_type().ok_or_else(|| {
            Error::failed(format!("cannot read the type of {}", e.path().display()))
        })?;
        let is_dir = ft.is_dir();
        if ig.matched_path_or_any_parents(&rel, is_dir).is_ignore() {
            continue;
        }
        if output_name.as_deref() == Some(name.as_str()) {
            continue;
        }
        if let Some(parent) = rel.parent() {
            nonempty_dirs.insert(parent.to_path_buf());
        }
        if is_dir {
            dirs.push((rel, name));
            continue;
        }
        if e.path_is_symlink() && !opts.keep_symlinks {
            let target = std::fs::canonicalize(e.path()).map_err(|err| Error::io(e.path(), err))?;
            if !target.starts_with(root) {
                obs.detail(&format!(
                    "following {name} -> {} (outside {})",
                    target.display(),
                    opts.root.display()
                ));
            }
        }
        if ft.is_symlink() {
            // Only with --keep-symlinks: stored as a link.
            let target = std::fs::read_link(e.path()).map_err(|err| Error::io(e.path(), err))?;
            let resolved = e.path().parent().unwrap_or(root).join(&target);
            let inside = normalize(&resolved).starts_with(root);
            if !inside || target.is_absolute() {
                obs.warn(&format!(
                    "left out symlink {name} -> {}: it points outside {} (follow links to include its content)",
                    target.display(),
                    opts.root.display()
                ));
                continue;
            }
            let target = target
                .to_str()
                .ok_or_else(|| non_utf8(e.path()))?
                .replace('\\', "/");
            entries.push(Entry {
                name,
                path: e.path().to_path_buf(),
                kind: Kind::Symlink { target },
                stat: None,
            });
        } else if ft.is_file() {
            let meta = e
                .metadata()
                .map_err(|err| Error::io(e.path(), io::Error::other(err.to_string())))?;
            use std::os::unix::fs::PermissionsExt;
            let executable = meta.permissions().mode() & 0o111 != 0;
            entries.push(Entry {
                name,
                path: e.path().to_path_buf(),
                kind: Kind::File {
                    size: meta.len(),
                    executable,
                },
                stat: Some(stat::Stat::of(&meta)),
            });
        } else {
            obs.warn(&format!(
                "left out {name}: not a regular file, directory or link"
            ));
        }
    }
    for (rel, name) in dirs {
        if !nonempty_dirs.contains(&rel) {
            entries.push(Entry {
                name: format!("{name}/"),
                path: root.join(&rel),
                kind: Kind::EmptyDir,
                stat: None,
            });
        }
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// Lexical normalisation of `a/b/../c` (no filesystem access).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn output_inside(root: &Path, output: &Path) -> Option<String> {
    let abs = if output.is_absolute() {
        output.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(output)
    };
    let parent = abs.parent()?.canonicalize().ok()?;
    let full = parent.join(abs.file_name()?);
    full.strip_prefix(root).ok().and_then(|r| zip_name(r).ok())
}

fn zip_name(rel: &Path) -> Result<String> {
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            std::path::Component::Normal(s) => parts.push(s.to_str().ok_or_else(|| non_utf8(rel))?),
            _ => {
                return Err(Error::failed(format!(
                    "unexpected path component in {}",
                    rel.display()
                )));
            }
        }
    }
    Ok(parts.join("/"))
}

fn non_utf8(p: &Path) -> Error {
    Error::usage(format!(
        "file name {} is not valid UTF-8",
        p.to_string_lossy()
    ))
    .with_hint("Lambda's runtimes expect UTF-8 names: rename the file or exclude it with --exclude")
}

fn walk_error(e: ignore::Error, root: &Path) -> Error {
    fn find_loop(e: &ignore::Error) -> Option<(&Path, &Path)> {
        match e {
            ignore::Error::Loop { ancestor, child } => Some((ancestor, child)),
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => find_loop(err),
            ignore::Error::Partial(errs) => errs.iter().find_map(find_loop),
            _ => None,
        }
    }
    fn find_path(e: &ignore::Error) -> Option<&Path> {
        match e {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                find_path(err)
            }
            _ => None,
        }
    }
    if let Some((ancestor, child)) = find_loop(&e) {
        let show = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
        return Error::usage(format!(
            "symlink loop: {} points back to its ancestor {}",
            show(child),
            show(ancestor)
        ))
        .with_hint(
            "exclude the link with --exclude, or store links as links with --keep-symlinks",
        );
    }
    // A link to itself (or a cycle of links): the kernel says ELOOP.
    // (The walker's error wraps it, so ask the file system again.)
    if let Some(p) = find_path(&e)
        && std::fs::metadata(p).err().and_then(|io| io.raw_os_error()) == Some(libc::ELOOP)
    {
        return Error::usage(format!(
            "symlink loop: {} points to itself (through links)",
            p.strip_prefix(root).unwrap_or(p).display()
        ))
        .with_hint("remove or exclude the link with --exclude");
    }
    let io = e.io_error().map(|io| io.kind());
    match (find_path(&e), io) {
        (Some(p), Some(io::ErrorKind::NotFound)) => Error::usage(format!(
            "{} is a broken symlink",
            p.strip_prefix(root).unwrap_or(p).display()
        ))
        .with_hint("exclude it with --exclude, or store links as links with --keep-symlinks"),
        (Some(p), _) => Error::io(p, io::Error::other(e.to_string())),
        (None, _) => Error::failed(format!("cannot read {}: {e}", root.display())),
    }
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
/// layers to ask: `serve --watch` ignores changes to the same files.
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
            keep_symlinks: false,
            size_check: false,
            threads: 0,
            cache: None,
        };
        Ok(IgnoreRules {
            ig: matcher(root, &opts)?,
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

    #[test]
    fn normalize_parent_components() {
        assert_eq!(
            normalize(Path::new("/a/b/../c/./d")),
            PathBuf::from("/a/c/d")
        );
    }
}
