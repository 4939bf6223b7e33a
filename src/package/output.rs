//! The zip on disk: written under a temporary name beside the output and
//! renamed into place, either as the last package reused whole from the
//! cache or through the pipeline (which then feeds the cache).

use std::fs::{File, Metadata};
use std::io;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use super::splice::{self, Job};
use super::{Entry, Observer, PackageOptions, PackageReport, cache, file_count, pipeline, threads};
use crate::error::{Error, Result};

/// The temporary names of an output called `name` start with this.
fn partial_prefix(name: &str) -> String {
    format!(".{name}.partial-")
}

/// Whether the file `name`, beside an output called `output_name`, is that
/// output or one being written (a watcher must not take packaging's own
/// writes for an edit).
pub(super) fn is_output(output_name: &str, name: &str) -> bool {
    name == output_name || name.starts_with(&partial_prefix(output_name))
}

pub(super) fn write_zip(
    entries: &[Entry],
    opts: &PackageOptions,
    total: u64,
    obs: &dyn Observer,
    started: i64,
    cache: Option<cache::Cache>,
) -> Result<PackageReport> {
    let output = &opts.output;
    if let Some(dir) = output.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let file_name = output
        .file_name()
        .ok_or_else(|| Error::usage(format!("output {} is not a file name", output.display())))?;
    let tmp = output.with_file_name(format!(
        "{}{}",
        partial_prefix(&file_name.to_string_lossy()),
        std::process::id()
    ));
    // Ctrl-C stops the writer at the next entry or chunk; main waits for
    // that, so the temporary file is removed, not left behind.
    let _cleanup = crate::interrupt::CleanupGuard::new();
    if crate::interrupt::triggered() {
        return Err(Error::Interrupted);
    }
    let create = || create_private(&tmp);
    let result = (|| {
        let (keys, read) = match &cache {
            Some(c) => {
                let (keys, read) = c.keys(entries, threads(opts))?;
                obs.detail(&format!(
                    "cache: {read} of {} files read for their keys",
                    file_count(entries)
                ));
                (Some(keys), read)
            }
            None => (None, 0),
        };
        let files = |keys| cache::Files {
            start_ns: started,
            entries,
            keys,
        };
        let manifest = keys.as_deref().map(|k| cache::manifest(entries, k));
        if let (Some(c), Some(m)) = (&cache, &manifest)
            && let Some(sum) = c.reuse(m, &tmp)
        {
            // The same manifest: the last zip, checked against its block hashes.
            if read > 0
                && let (Some(c), Some(k)) = (&cache, &keys)
                && let Err(e) = c.refresh(&files(k))
            {
                obs.detail(&format!("not cached: {e}"));
            }
            obs.start(file_count(entries), total);
            obs.advance(total);
            put_in_place(&tmp, output)?;
            return Ok(PackageReport::new(
                output.clone(),
                &sum.sha,
                sum.size,
                total,
                file_count(entries),
                sum.stored,
                file_count(entries),
            ));
        }
        // Most entries as they were: the last zip's bytes around the
        // changed ones (`splice`); else every entry through the pipeline.
        let spliced = match (&cache, &keys) {
            (Some(c), Some(k)) => {
                splice_if_worth_it(c, entries, k, opts, total, obs, &create, &tmp)?
            }
            _ => None,
        };
        let written = match spliced {
            Some(w) => w,
            None => {
                let known = cache.as_ref().zip(keys.as_deref());
                pipeline::write(entries, opts, total, obs, create()?, &tmp, known)?
            }
        };
        if let (Some(c), Some(m), Some(k)) = (&cache, &manifest, &keys)
            && written.consistent
            && let Some(sum) = written.summary
        {
            // A cache that cannot be written only makes the next run slower.
            if let Err(e) = c.store(m, &tmp, sum, &written.places, &files(k)) {
                obs.detail(&format!("not cached: {e}"));
            }
        }
        put_in_place(&tmp, output)?;
        Ok(written.report)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `--out` names a new file or a regular file to replace, nothing else.
/// The zip is renamed over the path, so whatever is there is replaced, not
/// written into: a device (`/dev/null`), a named pipe or a socket would be
/// deleted and a directory cannot be. A symbolic link is refused too, even
/// to a regular file: the rename would replace the link and leave its
/// target as it was, which is not what a user who names a link expects.
pub fn check_output(output: &Path) -> Result<()> {
    match std::fs::symlink_metadata(output) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(m) => Err(Error::usage(format!(
            "--out {} is {}",
            output.display(),
            what(&m)
        ))
        .with_hint(if m.file_type().is_symlink() {
            "name the link's target itself, or remove the link; -o/--out takes the zip's file name"
        } else {
            "-o/--out takes the zip's file name: a new file, or a regular file to replace"
        })),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        // A parent that is not a directory, or not readable: said where the
        // zip is written, with the path.
        Err(_) => Ok(()),
    }
}

fn what(m: &Metadata) -> &'static str {
    let t = m.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_symlink() {
        "a symbolic link"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else {
        "not a regular file"
    }
}

/// A new file only its owner can read: the zip holds the function's code
/// (and whatever configuration files were packaged with it). Always a new
/// inode: whatever had the name (a stale temporary file of a run with the
/// same pid, or a link planted there) is removed first, and the file is
/// created exclusively, never through a link.
pub(super) fn create_private(path: &Path) -> Result<File> {
    let _ = std::fs::remove_file(path);
    File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(|e| Error::io(path, e))
}

/// The spliced zip, when the last one is whole and most entries are as
/// they were in it.
#[allow(clippy::too_many_arguments)]
fn splice_if_worth_it(
    cache: &cache::Cache,
    entries: &[Entry],
    keys: &[cache::Key],
    opts: &PackageOptions,
    total: u64,
    obs: &dyn Observer,
    create: &dyn Fn() -> Result<File>,
    tmp: &Path,
) -> Result<Option<pipeline::Written>> {
    let Some(prev) = cache.checked() else {
        return Ok(None);
    };
    let segs = splice::plan(&prev.ents, entries, keys);
    if !splice::worth_it(&segs, entries, total) {
        return Ok(None);
    }
    let job = Job {
        prev,
        cache,
        entries,
        keys,
        segs: &segs,
        opts,
        total,
    };
    let file = create()?;
    let written = splice::write(&job, obs, &file, tmp)?;
    match &written {
        Some(_) => obs.detail(&splice::describe(&segs, entries.len())),
        None => obs.detail("cache: the last zip is not as its index says; packaging every entry"),
    }
    Ok(written)
}

/// Move the finished zip from `tmp` to `output`. Over an existing file the
/// two names are exchanged and the old file removed after: a rename over a
/// file makes ext4 allocate and start writing the new one at once (its
/// `auto_da_alloc` guard), which for a big zip costs more than the whole
/// re-package of a tree with one change. Either way `output` is always a
/// whole zip, the old one or the new.
fn put_in_place(tmp: &Path, output: &Path) -> Result<()> {
    // Again, just before: the path may have changed since it was checked.
    check_output(output)?;
    swap_in(tmp, output).map_err(|e| Error::io(output, e))
}

fn swap_in(tmp: &Path, output: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if std::fs::symlink_metadata(output).is_ok_and(|m| m.is_file()) {
        use std::os::unix::ffi::OsStrExt;
        let from = std::ffi::CString::new(tmp.as_os_str().as_bytes())?;
        let to = std::ffi::CString::new(output.as_os_str().as_bytes())?;
        // SAFETY: two NUL-terminated paths that live across the call.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return std::fs::remove_file(tmp);
        }
        // Not supported there (some filesystems): the plain rename.
    }
    std::fs::rename(tmp, output)
}
