//! `serve --watch`: notice edits to a local function's files, from the
//! operating system's file events (`notify`), debounced so that a save or
//! a build writing many files is one change. What packaging leaves out
//! (its default excludes, `.lamctlignore`, `[package]` exclude/include)
//! is ignored, and so are files that change on their own (bytecode caches,
//! editors' swap files); the function's lamctl.toml always counts.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::{CreateKind, EventKind, MetadataKind, ModifyKind, RemoveKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::def::LocalDef;
use crate::error::{Error, Result};
use crate::package::IgnoreRules;

/// How long the files must stay quiet before a change counts.
const SETTLE: Duration = Duration::from_millis(300);
/// At most this many directories are watched (each costs an inotify watch).
const MAX_DIRS: usize = 8192;

/// Which changed paths count for one definition.
struct Filter {
    /// The task root (canonical).
    root: PathBuf,
    /// The function's lamctl.toml (canonical), if any.
    config: Option<PathBuf>,
    rules: IgnoreRules,
}

impl Filter {
    fn new(def: &LocalDef) -> Result<Filter> {
        Ok(Filter {
            rules: IgnoreRules::new(&def.task_root, &def.exclude, &def.include)?,
            root: def.task_root.clone(),
            config: def.config.as_ref().and_then(|c| c.canonicalize().ok()),
        })
    }

    /// Whether a change to `path` should restart the function.
    fn counts(&self, path: &Path, is_dir: bool) -> bool {
        if self.config.as_deref() == Some(path) {
            return true;
        }
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        if rel.as_os_str().is_empty() {
            // The directory itself was removed or renamed.
            return true;
        }
        !(rel.iter().any(|c| is_noise(&c.to_string_lossy())) || self.rules.is_ignored(rel, is_dir))
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
/// tools' caches) and so must not restart the function.
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

/// A running watch over one definition's files.
pub struct Watcher {
    watcher: RecommendedWatcher,
    events: mpsc::UnboundedReceiver<notify::Result<notify::Event>>,
    filter: Filter,
    /// The directories watched so far (canonical), so a symlink loop is
    /// entered once.
    watched: HashSet<PathBuf>,
    /// Warned once that the tree is only partly watched.
    warned: bool,
}

impl Watcher {
    /// Watch `def`'s task root, and its lamctl.toml wherever it is.
    pub fn new(def: &LocalDef) -> Result<Watcher> {
        let filter = Filter::new(def)?;
        let (tx, events) = mpsc::unbounded_channel();
        let watcher = notify::recommended_watcher(move |ev| {
            let _ = tx.send(ev);
        })
        .map_err(|e| watch_error(&filter.root, e))?;
        let mut w = Watcher {
            watcher,
            events,
            filter,
            watched: HashSet::new(),
            warned: false,
        };
        let root = w.filter.root.clone();
        w.watcher
            .watch(&root, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(&root, e))?;
        w.watched.insert(root.clone());
        w.watch_below(&root);
        // Its directory, not the file: an editor replaces the file on save.
        if let Some(dir) = w.filter.config.as_ref().and_then(|c| c.parent())
            && !dir.starts_with(&root)
            && let Err(e) = w.watcher.watch(dir, RecursiveMode::NonRecursive)
        {
            return Err(watch_error(dir, e));
        }
        Ok(w)
    }

    /// Wait for the next change that counts, then until the files have
    /// been quiet for a moment.
    pub async fn changed(&mut self) {
        loop {
            match self.events.recv().await {
                Some(ev) if self.counts(&ev) => break,
                Some(_) => {}
                None => return std::future::pending().await,
            }
        }
        let mut quiet_from = Instant::now() + SETTLE;
        loop {
            match tokio::time::timeout_at(quiet_from, self.events.recv()).await {
                Ok(Some(ev)) => {
                    if self.counts(&ev) {
                        quiet_from = Instant::now() + SETTLE;
                    }
                }
                Ok(None) | Err(_) => return,
            }
        }
    }

    /// Whether one event is a change that counts; new directories are
    /// watched as they appear.
    fn counts(&mut self, ev: &notify::Result<notify::Event>) -> bool {
        let ev = match ev {
            Ok(ev) => ev,
            Err(e) => {
                tracing::warn!("watching {}: {e}", self.filter.root.display());
                return false;
            }
        };
        // Events were lost (the kernel's queue overflowed): assume a change.
        if ev.need_rescan() {
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
        let mut counts = false;
        for path in &ev.paths {
            let is_dir = dir_event || path.is_dir();
            if is_dir
                && matches!(
                    ev.kind,
                    EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(_))
                )
                && !self.filter.prunes(path)
            {
                self.watch_dir(path);
            }
            counts |= self.filter.counts(path, is_dir);
        }
        counts
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
            .filter(|p| p.is_dir() && !self.filter.prunes(p))
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
                "changes in {} and below may go unseen ({why}); only part of the function's directory is watched",
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
    use crate::local::def::{RuntimeClient, RuntimeKind};

    fn def(root: &Path, config: Option<PathBuf>, exclude: &[&str], include: &[&str]) -> LocalDef {
        LocalDef {
            name: "t".into(),
            runtime: "python3.12".into(),
            kind: RuntimeKind::Python,
            handler: "app.handler".into(),
            task_root: root.canonicalize().unwrap(),
            memory_mb: 128,
            timeout: Duration::from_secs(3),
            environment: Vec::new(),
            region: "us-east-1".into(),
            log_group: "/aws/lambda/t".into(),
            client: RuntimeClient::Embedded,
            credentials: None,
            config,
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
            include: include.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_packaging_rules_decide_what_counts() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(".lamctlignore"), "*.log\nbuild/\n").unwrap();
        std::fs::write(d.path().join("lamctl.toml"), "").unwrap();
        let f = Filter::new(&def(
            d.path(),
            Some(d.path().join("lamctl.toml")),
            &["tests/"],
            &["build/keep.py"],
        ))
        .unwrap();
        let root = d.path().canonicalize().unwrap();
        let counts = |rel: &str, is_dir: bool| f.counts(&root.join(rel), is_dir);
        assert!(counts("app.py", false));
        assert!(counts("lib/util.py", false));
        assert!(counts(".env", false));
        // The file lamctl.toml: a default exclude of packaging, but the definition.
        assert!(counts("lamctl.toml", false));
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
        assert!(!f.counts(Path::new("/elsewhere/app.py"), false));
        // Pruning: with an include, an excluded directory is still entered.
        assert!(f.prunes(&root.join(".git")));
        assert!(f.prunes(&root.join("__pycache__")));
        assert!(!f.prunes(&root.join("build")));
        assert!(!f.prunes(&root));
    }

    #[test]
    fn without_includes_excluded_directories_are_not_entered() {
        let d = tempfile::tempdir().unwrap();
        let f = Filter::new(&def(d.path(), None, &["node_modules/"], &[])).unwrap();
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
        let f = Filter::new(&def(&code, Some(d.path().join("lamctl.toml")), &[], &[])).unwrap();
        let base = d.path().canonicalize().unwrap();
        assert!(f.counts(&base.join("lamctl.toml"), false));
        assert!(!f.counts(&base.join("other.toml"), false));
    }

    async fn changed_within(w: &mut Watcher, limit: Duration) -> bool {
        tokio::time::timeout(limit, w.changed()).await.is_ok()
    }

    #[tokio::test]
    async fn edits_are_seen_once_settled_and_ignored_files_are_not() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("app.py"), "v1").unwrap();
        std::fs::create_dir(d.path().join("__pycache__")).unwrap();
        let mut w = Watcher::new(&def(d.path(), None, &["*.tmp"], &[])).unwrap();

        std::fs::write(d.path().join("scratch.tmp"), "x").unwrap();
        std::fs::write(d.path().join("__pycache__/app.pyc"), "x").unwrap();
        std::fs::read(d.path().join("app.py")).unwrap();
        assert!(!changed_within(&mut w, Duration::from_millis(800)).await);

        // Several writes in a row are one change.
        for i in 0..3 {
            std::fs::write(d.path().join("app.py"), format!("v{i}")).unwrap();
        }
        assert!(changed_within(&mut w, Duration::from_secs(5)).await);
        assert!(!changed_within(&mut w, Duration::from_millis(800)).await);

        // A directory created after the start is watched too.
        std::fs::create_dir(d.path().join("lib")).unwrap();
        assert!(changed_within(&mut w, Duration::from_secs(5)).await);
        std::fs::write(d.path().join("lib/util.py"), "x").unwrap();
        assert!(changed_within(&mut w, Duration::from_secs(5)).await);
    }
}
