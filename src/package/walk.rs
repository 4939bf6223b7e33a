//! Finding what to package: the walk of the tree (on every core), the
//! ignore rules and the symlink policy.

use std::collections::HashSet;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};

use super::stat::Stat;
use super::{
    DEFAULT_EXCLUDES, Entry, IGNORE_FILE, Kind, NEVER_INCLUDED, Observer, PackageOptions,
    SECRET_EXCLUDES,
};
use crate::error::{Error, Result};

/// The ignore rules; `secrets`: with the env-file excludes (packaging),
/// or without (`serve --watch`, where a changed env file must count).
pub(super) fn matcher(root: &Path, opts: &PackageOptions, secrets: bool) -> Result<Gitignore> {
    let mut b = GitignoreBuilder::new(root);
    let bad = |what: &str, e: ignore::Error| {
        Error::usage(format!("invalid pattern in {what}: {e}"))
            .with_hint("patterns use .gitignore syntax")
    };
    for p in DEFAULT_EXCLUDES {
        b.add_line(None, p).map_err(|e| bad("the defaults", e))?;
    }
    if secrets {
        for p in SECRET_EXCLUDES
            .iter()
            .map(|s| s.to_string())
            .chain(env_file_lines(root, opts))
        {
            b.add_line(None, &p).map_err(|e| bad("env_file", e))?;
        }
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

/// The `env_file`s inside `root`, as anchored patterns (`/conf/prod.env`);
/// one outside the tree is never packaged anyway.
fn env_file_lines(root: &Path, opts: &PackageOptions) -> Vec<String> {
    let Ok(root) = root.canonicalize() else {
        return Vec::new();
    };
    opts.env_files
        .iter()
        .filter_map(|f| f.canonicalize().ok())
        .filter_map(|f| {
            let rel = f.strip_prefix(&root).ok()?.to_str()?.to_string();
            // Escape what gitignore syntax would read as a pattern.
            let mut line = String::from("/");
            for c in rel.chars() {
                if matches!(c, '*' | '?' | '[' | ']' | '!' | '#' | '\\') {
                    line.push('\\');
                }
                line.push(c);
            }
            Some(line)
        })
        .collect()
}

/// What marks a file as a secret (dotenv files, `env_file`): packaged
/// only when an include puts it back, and then with a warning.
fn secrets(root: &Path, opts: &PackageOptions) -> Result<Gitignore> {
    let mut b = GitignoreBuilder::new(root);
    for p in SECRET_EXCLUDES
        .iter()
        .map(|s| s.to_string())
        .chain(env_file_lines(root, opts))
    {
        b.add_line(None, &p)
            .map_err(|e| Error::usage(format!("invalid env_file pattern: {e}")))?;
    }
    b.build()
        .map_err(|e| Error::usage(format!("invalid env_file pattern: {e}")))
}

/// Walk the tree on every core, apply the ignore rules and the symlink
/// policy, and return the entries sorted by name. Notes and errors are
/// sorted by name too, so what is shown does not depend on the threads.
pub(super) fn collect(
    root: &Path,
    opts: &PackageOptions,
    obs: &dyn Observer,
) -> Result<Vec<Entry>> {
    let ig = Arc::new(matcher(root, opts, true)?);
    // Only a whitelist (an include, a `!` pattern) can put an env file
    // back: without one the per-file check is skipped (the hot path).
    let secrets = match ig.num_whitelists() {
        0 => None,
        _ => Some(secrets(root, opts)?),
    };
    let has_includes = !opts.includes.is_empty();
    // An earlier output inside the tree must not be packaged into the next one.
    let output_name = output_inside(root, &opts.output);

    let mut walker = ignore::WalkBuilder::new(root);
    walker
        .standard_filters(false)
        .follow_links(!opts.keep_symlinks)
        .threads(super::threads(opts));
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

    let found = Mutex::new(Found::default());
    let visit = Visit {
        root,
        opts,
        ig: &ig,
        secrets: secrets.as_ref(),
        has_includes,
        output_name: output_name.as_deref(),
    };
    walker.build_parallel().run(|| {
        let visit = &visit;
        // Each thread keeps what it finds and adds it to the rest once,
        // when it is done (`Mine::drop`), rather than taking a lock per file.
        let mut mine = Mine {
            found: Found::default(),
            into: &found,
        };
        let mut last_parent: Option<PathBuf> = None;
        Box::new(move |item| {
            let r = item
                .map_err(|e| {
                    let key = e_path(&e).map(Path::to_path_buf).unwrap_or_default();
                    (key, walk_error(e, visit.root))
                })
                .and_then(|e| {
                    visit
                        .one(&e, &mut mine.found, &mut last_parent)
                        .map_err(|err| (e.path().to_path_buf(), err))
                });
            match r {
                Ok(()) => ignore::WalkState::Continue,
                // Skip, not Quit: the walk goes on, so every error is found
                // and the first by name is reported whichever thread was
                // first (two loops used to race for the message).
                Err(e) => {
                    mine.found.errors.push(e);
                    ignore::WalkState::Skip
                }
            }
        })
    });
    let mut found = found.into_inner().expect("walk lock");
    if let Some((_, e)) = found.errors.into_iter().min_by(|a, b| a.0.cmp(&b.0)) {
        return Err(e);
    }
    found.notes.sort();
    for (_, warn, msg) in found.notes {
        if warn {
            obs.warn(&msg);
        } else {
            obs.detail(&msg);
        }
    }
    let mut entries = found.entries;
    for (rel, name) in found.dirs {
        if !found.nonempty.contains(&rel) {
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

/// What the walk found, from every thread.
#[derive(Default)]
struct Found {
    entries: Vec<Entry>,
    dirs: Vec<(PathBuf, String)>,
    /// Directories with something packaged (or left out only by policy).
    nonempty: HashSet<PathBuf>,
    /// (name, is a warning, message)
    notes: Vec<(String, bool, String)>,
    errors: Vec<(PathBuf, Error)>,
}

impl Found {
    fn merge(&mut self, other: Found) {
        self.entries.extend(other.entries);
        self.dirs.extend(other.dirs);
        self.nonempty.extend(other.nonempty);
        self.notes.extend(other.notes);
        self.errors.extend(other.errors);
    }
}

/// One walk thread's findings, added to everyone's when it is dropped.
struct Mine<'a> {
    found: Found,
    into: &'a Mutex<Found>,
}

impl Drop for Mine<'_> {
    fn drop(&mut self) {
        let found = std::mem::take(&mut self.found);
        if let Ok(mut all) = self.into.lock() {
            all.merge(found);
        }
    }
}

/// What one walk thread needs to judge an entry.
struct Visit<'a> {
    root: &'a Path,
    opts: &'a PackageOptions,
    ig: &'a Gitignore,
    /// The env-file rules, when a whitelist could put such a file back.
    secrets: Option<&'a Gitignore>,
    has_includes: bool,
    output_name: Option<&'a str>,
}

impl Visit<'_> {
    fn one(
        &self,
        e: &ignore::DirEntry,
        found: &mut Found,
        last_parent: &mut Option<PathBuf>,
    ) -> Result<()> {
        let (root, opts) = (self.root, self.opts);
        let rel = match e.path().strip_prefix(root) {
            Ok(r) if !r.as_os_str().is_empty() => r.to_path_buf(),
            _ => return Ok(()),
        };
        let name = zip_name(&rel)?;
        let ft = e.file_type().ok_or_else(|| {
            Error::failed(format!("cannot read the type of {}", e.path().display()))
        })?;
        let is_dir = ft.is_dir();
        // Without includes every directory reached passed `filter_entry`, so
        // only the entry's own match can leave it out.
        let ignored = if self.has_includes {
            self.ig.matched_path_or_any_parents(&rel, is_dir)
        } else {
            self.ig.matched(&rel, is_dir)
        };
        let follows = e.path_is_symlink() && !opts.keep_symlinks;
        if ignored.is_ignore() || self.output_name == Some(name.as_str()) {
            // With includes the walker still enters an ignored directory,
            // so a link to one is judged all the same.
            if follows && is_dir && self.has_includes {
                self.followed(e, &name, found)?;
            }
            return Ok(());
        }
        if follows {
            self.followed(e, &name, found)?;
        }
        // A directory's entries come together: one insert for them.
        if let Some(parent) = rel.parent()
            && last_parent.as_deref() != Some(parent)
        {
            found.nonempty.insert(parent.to_path_buf());
            *last_parent = Some(parent.to_path_buf());
        }
        if is_dir {
            found.dirs.push((rel, name));
            return Ok(());
        }
        if ft.is_symlink() {
            // Only with --keep-symlinks: stored as a link.
            let target = std::fs::read_link(e.path()).map_err(|err| Error::io(e.path(), err))?;
            let resolved = e.path().parent().unwrap_or(root).join(&target);
            let inside = normalize(&resolved).starts_with(root);
            if !inside || target.is_absolute() {
                let msg = format!(
                    "left out symlink {name} -> {}: it points outside {} (follow links to include its content)",
                    target.display(),
                    opts.root.display()
                );
                found.notes.push((name, true, msg));
                return Ok(());
            }
            let target = target
                .to_str()
                .ok_or_else(|| non_utf8(e.path()))?
                .replace('\\', "/");
            found.entries.push(Entry {
                name,
                path: e.path().to_path_buf(),
                kind: Kind::Symlink { target },
                stat: None,
            });
        } else if ft.is_file() {
            if self
                .secrets
                .is_some_and(|s| s.matched_path_or_any_parents(&rel, false).is_ignore())
            {
                let msg = format!(
                    "packaging {name}: an env file (it may hold secrets), put back by an include pattern"
                );
                found.notes.push((name.clone(), true, msg));
            }
            let meta = e
                .metadata()
                .map_err(|err| Error::io(e.path(), io::Error::other(err.to_string())))?;
            let executable = meta.permissions().mode() & 0o111 != 0;
            found.entries.push(Entry {
                name,
                path: e.path().to_path_buf(),
                kind: Kind::File {
                    size: meta.len(),
                    executable,
                },
                stat: Some(Stat::of(&meta)),
            });
        } else {
            let msg = format!("left out {name}: not a regular file, directory or link");
            found.notes.push((name, true, msg));
        }
        Ok(())
    }
}

/// Where a followed link must never lead: the kernel's pseudo-files, whose
/// sizes lie (`/proc/self/environ` says 0 and holds this process's
/// credentials) and the machine's devices.
const SPECIAL_ROOTS: [&str; 3] = ["/proc", "/sys", "/dev"];

/// Whether `p` (absolute, normalised) lies under one of [`SPECIAL_ROOTS`].
pub(super) fn is_special(p: &Path) -> bool {
    SPECIAL_ROOTS.iter().any(|r| p.starts_with(r))
}

/// Links are resolved at most this deep (the kernel's own limit is 40).
const MAX_HOPS: usize = 40;

impl Visit<'_> {
    /// Judge a link the walker follows (to a file or a directory): every hop
    /// of its chain, and its canonical end, must stay out of `/proc`, `/sys`
    /// and `/dev` (unless inside the tree itself); one that leaves the tree
    /// is followed with a warning. Only links pay for this: an ordinary
    /// file costs no extra system call.
    fn followed(&self, e: &ignore::DirEntry, name: &str, found: &mut Found) -> Result<()> {
        let root = self.root;
        let refuse = |to: &Path| {
            Error::usage(format!(
                "refusing to follow link {} -> {}: it leads into {}, whose files are not packaged",
                crate::output::escape(name),
                crate::output::escape(&to.display().to_string()),
                SPECIAL_ROOTS
                    .iter()
                    .find(|r| to.starts_with(r))
                    .copied()
                    .unwrap_or("/proc")
            ))
            .with_hint("remove the link or leave it out with --exclude")
        };
        // A link that ends inside the tree costs one call, as before.
        let target = std::fs::canonicalize(e.path());
        if target.as_ref().is_ok_and(|t| t.starts_with(root)) {
            return Ok(());
        }
        // Hop by hop: a link to a link into /proc is refused even if the
        // last hop would land elsewhere (or nowhere: `/proc/self/fd/0`).
        let mut cur = e.path().to_path_buf();
        for _ in 0..MAX_HOPS {
            match std::fs::symlink_metadata(&cur) {
                Ok(m) if m.file_type().is_symlink() => {}
                _ => break,
            }
            let to = std::fs::read_link(&cur).map_err(|err| Error::io(&cur, err))?;
            let base = match cur.parent() {
                Some(p) => std::fs::canonicalize(p).map_err(|err| Error::io(p, err))?,
                None => PathBuf::from("/"),
            };
            let next = normalize(&base.join(to));
            if is_special(&next) && !next.starts_with(root) {
                return Err(refuse(&next));
            }
            cur = next;
        }
        let target = target.map_err(|err| Error::io(e.path(), err))?;
        if is_special(&target) {
            return Err(refuse(&target));
        }
        // Loud, not only at -v: content from outside the tree goes to Lambda.
        let msg = format!(
            "following {} -> {}: it points outside {}, and its content is packaged",
            crate::output::escape(name),
            crate::output::escape(&target.display().to_string()),
            crate::output::escape(&self.opts.root.display().to_string())
        );
        found.notes.push((name.to_string(), true, msg));
        Ok(())
    }
}

/// The path an error is about, if it names one.
fn e_path(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        // A loop names its link as the child (the key that orders errors).
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            e_path(err)
        }
        _ => None,
    }
}

/// Lexical normalisation of `a/b/../c` (no filesystem access).
pub(super) fn normalize(p: &Path) -> PathBuf {
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
    if let Some(p) = e_path(&e)
        && std::fs::metadata(p).err().and_then(|io| io.raw_os_error()) == Some(libc::ELOOP)
    {
        return Error::usage(format!(
            "symlink loop: {} points to itself (through links)",
            p.strip_prefix(root).unwrap_or(p).display()
        ))
        .with_hint("remove or exclude the link with --exclude");
    }
    let io = e.io_error().map(|io| io.kind());
    match (e_path(&e), io) {
        (Some(p), Some(io::ErrorKind::NotFound)) => Error::usage(format!(
            "{} is a broken symlink",
            p.strip_prefix(root).unwrap_or(p).display()
        ))
        .with_hint("exclude it with --exclude, or store links as links with --keep-symlinks"),
        (Some(p), _) => Error::io(p, io::Error::other(e.to_string())),
        (None, _) => Error::failed(format!("cannot read {}: {e}", root.display())),
    }
}
