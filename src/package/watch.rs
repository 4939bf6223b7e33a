//! Noticing edits to what would be packaged (`serve --watch`, `deploy
//! --watch`): the operating system's file events (`notify`), debounced so
//! that a save or a build writing many files is one change. What packaging
//! leaves out (its default excludes, `.lamctlignore`, `[package]`
//! exclude/include) is ignored, and so are files that change on their own
//! (bytecode caches, editors' swap files); a definition's lamctl.toml
//! always counts, as a change of its own kind. One watcher serves several
//! directories (a workspace's members) and says which of them changed.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use notify::event::{CreateKind, EventKind, MetadataKind, ModifyKind, RemoveKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use tokio::sync::mpsc;
use tokio::time::Instant;

use self::settle::Settle;
use super::IgnoreRules;
use crate::error::{Error, Result};

mod settle;

/// How long the files must stay quiet before a change counts.
const SETTLE: Duration = Duration::from_millis(300);
/// At most this many directories are watched (each costs an inotify watch).
const MAX_DIRS: usize = 8192;
/// File events queued between the OS's thread and the watcher; when full,
/// events are dropped and every directory counts as changed (a rescan).
const QUEUE: usize = 4096;

/// One watched definition: its directory, the lamctl.toml files it is
/// read from (a workspace member's and the root's), its packaging
/// patterns, and the zip packaging writes (whose writes are not edits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchSpec {
    pub root: PathBuf,
    pub configs: Vec<PathBuf>,
    pub exclude: Vec<String>,
    pub include: Vec<String>,
    pub output: Option<PathBuf>,
}

/// Which specs changed (by index): their files, or their lamctl.toml.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changed {
    pub code: BTreeSet<usize>,
    pub config: BTreeSet<usize>,
}

impl Changed {
    pub fn is_empty(&self) -> bool {
        self.code.is_empty() && self.config.is_empty()
    }

    /// Every spec touched, for either reason.
    pub fn all(&self) -> BTreeSet<usize> {
        self.code.union(&self.config).copied().collect()
    }
}

/// What a change to one path is to one spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Code,
    Config,
}

/// Which changed paths count for one spec.
struct Filter {
    /// The directory (canonical).
    root: PathBuf,
    /// Its lamctl.toml files (canonical).
    configs: Vec<PathBuf>,
    /// The zip's directory (canonical) and name.
    output: Option<(PathBuf, String)>,
    rules: IgnoreRules,
}

impl Filter {
    fn new(spec: &WatchSpec) -> Result<Filter> {
        let root = spec
            .root
            .canonicalize()
            .map_err(|e| Error::io(&spec.root, e))?;
        Ok(Filter {
            rules: IgnoreRules::new(&root, &spec.exclude, &spec.include)?,
            root,
            configs: spec
                .configs
                .iter()
                .filter_map(|c| c.canonicalize().ok())
                .collect(),
            output: spec.output.as_deref().and_then(|o| {
                let dir = match o.parent() {
                    Some(d) if !d.as_os_str().is_empty() => d,
                    _ => Path::new("."),
                };
                Some((
                    dir.canonicalize().ok()?,
                    o.file_name()?.to_string_lossy().into_owned(),
                ))
            }),
        })
    }

    /// What a change to `path` is to this spec, if it counts.
    fn counts(&self, path: &Path, is_dir: bool) -> Option<Kind> {
        if self.configs.iter().any(|c| c == path) {
            return Some(Kind::Config);
        }
        if let (Some((dir, zip)), Some(name)) = (&self.output, path.file_name())
            && path.parent() == Some(dir.as_path())
            && super::output::is_output(zip, &name.to_string_lossy())
        {
            return None;
        }
        let rel = path.strip_prefix(&self.root).ok()?;
        if rel.as_os_str().is_empty() {
            // The directory itself was removed or renamed.
            return Some(Kind::Code);
        }
        let ignored = rel.iter().any(|c| is_noise(&c.to_string_lossy()))
            || self.rules.is_ignored(rel, is_dir);
        (!ignored).then_some(Kind::Code)
    }

    /// Whether the watcher need not look inside the directory `path`.
    fn prunes(&self, path: &Path) -> bool {
        match path.strip_prefix(&self.root) {
            Ok(rel) if rel.as_os_str().is_empty() => false,
            Ok(rel) => {
                rel.file_name()
                    .is_some_and(|n| is_noise(&n.to_string_lossy()))
                    || self.rules.prunes(rel)
            }
            Err(_) => true,
        }
    }
}

/// Names that change on their own (bytecode caches, editors' swap files,
/// tools' caches) and so must not count as an edit.
fn is_noise(name: &str) -> bool {
    matches!(
        name,
        "__pycache__" | ".mypy_cache" | ".pytest_cache" | ".ruff_cache"
    ) || name.ends_with(".pyc")
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with('~')
        || name.starts_with(".#")
}

/// A running watch over one or more specs' files.
pub struct Watcher {
    watcher: RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    /// Set when the queue was full and events were dropped.
    overflowed: Arc<AtomicBool>,
    filters: Vec<Filter>,
    /// The directories watched so far (canonical), so a symlink loop is
    /// entered once.
    watched: HashSet<PathBuf>,
    /// Warned once that the tree is only partly watched.
    warned: bool,
    /// Seen, not yet returned: kept here so that [`Watcher::changed`] can be
    /// cancelled (in a `select!`) without losing a change.
    settle: Settle,
}

impl Watcher {
    /// Watch each spec's directory, and its lamctl.toml files wherever they are.
    pub fn new(specs: &[WatchSpec]) -> Result<Watcher> {
        let filters = specs.iter().map(Filter::new).collect::<Result<Vec<_>>>()?;
        let first = specs.first().map(|s| s.root.clone()).unwrap_or_default();
        let (tx, events) = mpsc::channel(QUEUE);
        let overflowed = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&overflowed);
        let watcher = notify::recommended_watcher(move |ev| {
            if let Err(mpsc::error::TrySendError::Full(_)) = tx.try_send(ev) {
                flag.store(true, Ordering::SeqCst);
            }
        })
        .map_err(|e| watch_error(&first, e))?;
        let mut w = Watcher {
            watcher,
            events,
            overflowed,
            filters,
            watched: HashSet::new(),
            warned: false,
            settle: Settle::new(SETTLE),
        };
        let roots: Vec<PathBuf> = w.filters.iter().map(|f| f.root.clone()).collect();
        for root in &roots {
            if w.watched.insert(root.clone()) {
                w.watcher
                    .watch(root, RecursiveMode::NonRecursive)
                    .map_err(|e| watch_error(root, e))?;
                w.watch_below(root);
            }
        }
        // Their directories, not the files: an editor replaces a file on save.
        let dirs: BTreeSet<PathBuf> = w
            .filters
            .iter()
            .flat_map(|f| f.configs.iter().filter_map(|c| c.parent()))
            .map(Path::to_path_buf)
            .collect();
        for dir in dirs {
            if !w.watched.contains(&dir) && !roots.iter().any(|r| dir.starts_with(r)) {
                w.watcher
                    .watch(&dir, RecursiveMode::NonRecursive)
                    .map_err(|e| watch_error(&dir, e))?;
            }
        }
        Ok(w)
    }

    /// Wait for the next change that counts, then until the files have
    /// been quiet for a moment; which specs changed. Cancel-safe: a change
    /// seen by a cancelled call is returned by the next one.
    pub async fn changed(&mut self) -> Changed {
        loop {
            let next = match self.settle.due() {
                None => self.events.recv().await,
                Some(at) => match tokio::time::timeout_at(at, self.events.recv()).await {
                    Ok(ev) => ev,
                    Err(_) => match self.settle.take(Instant::now()) {
                        Some(c) => return c,
                        None => continue,
                    },
                },
            };
            let Some(ev) = next else {
                // The OS watcher is gone: what was seen still counts.
                match self.settle.flush() {
                    Some(c) => return c,
                    None => return std::future::pending().await,
                }
            };
            let mut counted = self.note(&ev);
            if self.overflowed.swap(false, Ordering::SeqCst) {
                self.everything();
                counted = true;
            }
            if counted {
                self.settle.seen(Instant::now());
            }
        }
    }

    /// Every spec changed (events were lost).
    fn everything(&mut self) {
        self.settle.pending.code.extend(0..self.filters.len());
    }

    /// Record what one event changed; whether it counted. New directories
    /// are watched as they appear.
    fn note(&mut self, ev: &notify::Result<notify::Event>) -> bool {
        let ev = match ev {
            Ok(ev) => ev,
            Err(e) => {
                tracing::warn!("watching files: {e}");
                return false;
            }
        };
        // Events were lost (the kernel's queue overflowed): assume a change.
        if ev.need_rescan() {
            self.everything();
            return true;
        }
        let dir_event = match ev.kind {
            EventKind::Access(_)
            | EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => {
                return false;
            }
            EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder) => true,
            _ => false,
        };
        let mut counted = false;
        for path in &ev.paths {
            let is_dir = dir_event || path.is_dir();
            if is_dir
                && matches!(
                    ev.kind,
                    EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(_))
                )
                && !self.prunes(path)
            {
                self.watch_dir(path);
            }
            for (i, f) in self.filters.iter().enumerate() {
                match f.counts(path, is_dir) {
                    Some(Kind::Code) => self.settle.pending.code.insert(i),
                    Some(Kind::Config) => self.settle.pending.config.insert(i),
                    None => continue,
                };
                counted = true;
            }
        }
        counted
    }

    /// Whether no spec needs to look inside the directory `path`.
    fn prunes(&self, path: &Path) -> bool {
        self.filters.iter().all(|f| f.prunes(path))
    }

    /// Watch `dir` and every directory below it that is not pruned.
    fn watch_dir(&mut self, dir: &Path) {
        let Ok(canonical) = dir.canonicalize() else {
            return;
        };
        if !self.watched.insert(canonical) {
            return;
        }
        if self.watched.len() > MAX_DIRS {
            self.partly(dir, "too many directories");
            return;
        }
        if let Err(e) = self.watcher.watch(dir, RecursiveMode::NonRecursive) {
            self.partly(dir, &e.to_string());
            return;
        }
        self.watch_below(dir);
    }

    fn watch_below(&mut self, dir: &Path) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut subdirs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            // Follows symlinks, as packaging does by default.
            .filter(|p| p.is_dir() && !self.prunes(p))
            .collect();
        subdirs.sort();
        for d in subdirs {
            self.watch_dir(&d);
        }
    }

    fn partly(&mut self, dir: &Path, why: &str) {
        if !self.warned {
            self.warned = true;
            tracing::warn!(
                "changes in {} and below may go unseen ({why}); only part of the directory is watched",
                dir.display()
            );
        }
    }
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    Error::failed(format!("cannot watch {}: {e}", path.display())).with_hint(
        "leave out --watch, or raise the inotify limits (fs.inotify.max_user_watches, max_user_instances)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(root: &Path, config: Option<PathBuf>, exclude: &[&str], include: &[&str]) -> WatchSpec {
        WatchSpec {
            root: root.to_path_buf(),
            configs: config.into_iter().collect(),
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            include: include.iter().map(|s| s.to_string()).collect(),
            output: None,
        }
    }

    #[test]
    fn the_zip_packaging_writes_is_no_edit() {
        let d = tempfile::tempdir().unwrap();
        let mut s = spec(d.path(), None, &[], &[]);
        s.output = Some(d.path().join("app.zip"));
        let f = Filter::new(&s).unwrap();
        let root = d.path().canonicalize().unwrap();
        assert_eq!(f.counts(&root.join("app.zip"), false), None);
        assert_eq!(f.counts(&root.join(".app.zip.partial-42"), false), None);
        assert_eq!(f.counts(&root.join("other.zip"), false), Some(Kind::Code));
        assert_eq!(f.counts(&root.join("sub/app.zip"), false), Some(Kind::Code));
    }

    #[test]
    fn the_packaging_rules_decide_what_counts() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(".lamctlignore"), "*.log\nbuild/\n").unwrap();
        std::fs::write(d.path().join("lamctl.toml"), "").unwrap();
        let f = Filter::new(&spec(
            d.path(),
            Some(d.path().join("lamctl.toml")),
            &["tests/"],
            &["build/keep.py"],
        ))
        .unwrap();
        let root = d.path().canonicalize().unwrap();
        let counts =
            |rel: &str, is_dir: bool| f.counts(&root.join(rel), is_dir) == Some(Kind::Code);
        assert!(counts("app.py", false));
        assert!(counts("lib/util.py", false));
        assert!(counts(".env", false));
        // The file lamctl.toml: a default exclude of packaging, but the definition.
        assert_eq!(
            f.counts(&root.join("lamctl.toml"), false),
            Some(Kind::Config)
        );
        // .lamctlignore, [package] exclude, the defaults, VCS directories.
        assert!(!counts("debug.log", false));
        assert!(!counts("build/out.js", false));
        assert!(!counts("tests/test_app.py", false));
        assert!(!counts(".lamctl/t.zip", false));
        assert!(!counts(".DS_Store", false));
        assert!(!counts(".git/index", false));
        assert!(!counts("sub/.git", true));
        // [package] include puts a file back.
        assert!(counts("build/keep.py", false));
        // Caches and editors' files.
        assert!(!counts("__pycache__/app.cpython-312.pyc", false));
        assert!(!counts(".app.py.swp", false));
        assert!(!counts("app.py~", false));
        // Outside the directory.
        assert_eq!(f.counts(Path::new("/elsewhere/app.py"), false), None);
        // Pruning: with an include, an excluded directory is still entered.
        assert!(f.prunes(&root.join(".git")));
        assert!(f.prunes(&root.join("__pycache__")));
        assert!(!f.prunes(&root.join("build")));
        assert!(!f.prunes(&root));
    }

    #[test]
    fn without_includes_excluded_directories_are_not_entered() {
        let d = tempfile::tempdir().unwrap();
        let f = Filter::new(&spec(d.path(), None, &["node_modules/"], &[])).unwrap();
        let root = d.path().canonicalize().unwrap();
        assert!(f.prunes(&root.join("node_modules")));
        assert!(!f.prunes(&root.join("src")));
    }

    #[test]
    fn a_config_outside_the_directory_counts() {
        let d = tempfile::tempdir().unwrap();
        let code = d.path().join("code");
        std::fs::create_dir(&code).unwrap();
        std::fs::write(d.path().join("lamctl.toml"), "").unwrap();
        let f = Filter::new(&spec(&code, Some(d.path().join("lamctl.toml")), &[], &[])).unwrap();
        let base = d.path().canonicalize().unwrap();
        assert_eq!(
            f.counts(&base.join("lamctl.toml"), false),
            Some(Kind::Config)
        );
        assert_eq!(f.counts(&base.join("other.toml"), false), None);
    }

    async fn changed_within(w: &mut Watcher, limit: Duration) -> Option<Changed> {
        tokio::time::timeout(limit, w.changed()).await.ok()
    }

    #[tokio::test]
    async fn edits_are_seen_once_settled_and_ignored_files_are_not() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("app.py"), "v1").unwrap();
        std::fs::create_dir(d.path().join("__pycache__")).unwrap();
        let mut w = Watcher::new(&[spec(d.path(), None, &["*.tmp"], &[])]).unwrap();

        std::fs::write(d.path().join("scratch.tmp"), "x").unwrap();
        std::fs::write(d.path().join("__pycache__/app.pyc"), "x").unwrap();
        std::fs::read(d.path().join("app.py")).unwrap();
        assert!(
            changed_within(&mut w, Duration::from_millis(800))
                .await
                .is_none()
        );

        // Several writes in a row are one change.
        for i in 0..3 {
            std::fs::write(d.path().join("app.py"), format!("v{i}")).unwrap();
        }
        assert!(
            changed_within(&mut w, Duration::from_secs(5))
                .await
                .is_some()
        );
        assert!(
            changed_within(&mut w, Duration::from_millis(800))
                .await
                .is_none()
        );

        // A directory created after the start is watched too.
        std::fs::create_dir(d.path().join("lib")).unwrap();
        assert!(
            changed_within(&mut w, Duration::from_secs(5))
                .await
                .is_some()
        );
        std::fs::write(d.path().join("lib/util.py"), "x").unwrap();
        assert!(
            changed_within(&mut w, Duration::from_secs(5))
                .await
                .is_some()
        );
    }

    #[tokio::test]
    async fn several_directories_say_which_changed_and_a_cancelled_wait_loses_nothing() {
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (d.path().join("a"), d.path().join("b"));
        for dir in [&a, &b] {
            std::fs::create_dir(dir).unwrap();
            std::fs::write(dir.join("lamctl.toml"), "").unwrap();
        }
        let mut w = Watcher::new(&[
            spec(&a, Some(a.join("lamctl.toml")), &[], &[]),
            spec(&b, Some(b.join("lamctl.toml")), &[], &[]),
        ])
        .unwrap();
        std::fs::write(b.join("app.py"), "x").unwrap();
        // Cancelled while the change settles: the next call returns it.
        assert!(
            changed_within(&mut w, Duration::from_millis(150))
                .await
                .is_none()
        );
        let got = changed_within(&mut w, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(got.code, BTreeSet::from([1]));
        assert!(got.config.is_empty());

        std::fs::write(a.join("lamctl.toml"), "name = 'a'").unwrap();
        let got = changed_within(&mut w, Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(got.config, BTreeSet::from([0]));
        assert_eq!(got.all(), BTreeSet::from([0]));
    }
}
