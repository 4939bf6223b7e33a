//! Unpacking a downloaded deployment package into a directory, refusing
//! anything that would land outside it:
//! - a name that climbs out (`../`, zip-slip) or is absolute;
//! - an entry under a path that the archive makes a symbolic link (or a
//!   file): `d/up -> ..` then `d/up/esc/x` would write through the link.
//!   Checked against every entry of the archive, whatever their order;
//! - a link whose target leaves the directory, or passes through a link
//!   (the archive's, or one already in the directory) on its way, since
//!   only then does its text say where it resolves;
//! - more than `MAX_ENTRIES` entries, or more than Lambda's unzipped size
//!   in all (counted as the bytes are read, not as the archive claims).
//!
//! The whole archive is written into a new directory beside the target and
//! moved into place only when every entry was read whole, so a refused or
//! corrupt archive leaves nothing behind.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs;
use std::io::{self, Cursor, Read};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::lambda::limits::UNZIPPED_BYTES;

/// Entries one archive may have: far more than any function's tree, and a
/// bound on the files and directories a hostile one can make.
pub const MAX_ENTRIES: usize = 100_000;
/// The longest link target read (Linux's PATH_MAX).
const MAX_LINK: u64 = 4096;

/// What an entry (or a directory implied by one) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Is {
    Dir,
    File,
    Link,
}

/// One checked entry, in the archive's order.
enum Entry {
    Dir(PathBuf),
    File {
        path: PathBuf,
        index: usize,
        size: u64,
        mode: Option<u32>,
    },
    Link {
        path: PathBuf,
        target: String,
    },
}

impl Entry {
    fn path(&self) -> &Path {
        match self {
            Entry::Dir(p) | Entry::File { path: p, .. } | Entry::Link { path: p, .. } => p,
        }
    }
}

fn bad(why: impl std::fmt::Display) -> Error {
    Error::failed(format!("the downloaded code cannot be unpacked: {why}"))
        .with_hint("nothing was written")
}

/// Unpack `zip` into `dir` (created if missing; merged into when it has
/// files, `--force`); returns the number of files and links written.
pub fn unpack(zip: &[u8], dir: &Path) -> Result<u64> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(zip)).map_err(|e| bad(format!("not a zip: {e}")))?;
    let entries = check(&mut archive)?;
    let merge = fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if merge {
        check_existing(&entries, dir)?;
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let tmp = parent.join(format!(
        ".{}.unpack-{}",
        dir.file_name()
            .unwrap_or(OsStr::new("src"))
            .to_string_lossy(),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&tmp);
    fs::DirBuilder::new()
        .mode(0o755)
        .create(&tmp)
        .map_err(|e| Error::io(&tmp, e))?;
    let done = write_all(&mut archive, &entries, &tmp).and_then(|n| {
        if merge {
            move_into(&entries, &tmp, dir)?;
        } else {
            // Over a missing or empty directory: one rename.
            fs::rename(&tmp, dir).map_err(|e| Error::io(dir, e))?;
        }
        Ok(n)
    });
    let _ = fs::remove_dir_all(&tmp);
    done
}

/// The checks of `unpack` without writing anything: every entry's name,
/// kind and link target, and every file's data read under the limits (for
/// the fuzzer, which reaches the unpacker through this and `unpack`).
/// Returns the number of files and links.
pub fn verify(zip: &[u8]) -> Result<u64> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(zip)).map_err(|e| bad(format!("not a zip: {e}")))?;
    let entries = check(&mut archive)?;
    let mut total = 0;
    let mut n = 0;
    for e in &entries {
        if let Entry::File {
            path, index, size, ..
        } = e
        {
            total += read_entry(&mut archive, *index, path, *size, total, &mut io::sink())?;
        }
        n += !matches!(e, Entry::Dir(_)) as u64;
    }
    Ok(n)
}

/// Copy entry `index`'s data to `out`: no more than the entry says it
/// holds, nor than is left of the limit after `total` bytes, so a bomb
/// stops at the limit, not at the disk's end. Returns the bytes copied.
fn read_entry<R: Read + io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    index: usize,
    path: &Path,
    size: u64,
    total: u64,
    out: &mut dyn io::Write,
) -> Result<u64> {
    let mut f = archive.by_index(index).map_err(bad)?;
    let room = UNZIPPED_BYTES.saturating_sub(total);
    let n = io::copy(&mut f.by_ref().take(room.min(size) + 1), out)
        .map_err(|e| bad(format!("{}: {e}", path.display())))?;
    if n > size {
        return Err(if n > room {
            too_big()
        } else {
            bad(format!("entry '{}' is bigger than it says", path.display()))
        });
    }
    Ok(n)
}

/// Every entry's name, kind and link target, checked against all the others.
fn check<R: Read + io::Seek>(archive: &mut zip::ZipArchive<R>) -> Result<Vec<Entry>> {
    if archive.len() > MAX_ENTRIES {
        return Err(bad(format!(
            "it has {} entries, more than {MAX_ENTRIES}",
            archive.len()
        )));
    }
    let mut kinds: HashMap<PathBuf, Is> = HashMap::new();
    let mut entries = Vec::with_capacity(archive.len());
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(bad)?;
        let name = f.name().map_err(bad)?.into_owned();
        let path = inside(&name).ok_or_else(|| {
            bad(format!(
                "entry '{name}' would land outside the source directory"
            ))
        })?;
        let is = if f.is_symlink() {
            Is::Link
        } else if f.is_dir() {
            Is::Dir
        } else {
            Is::File
        };
        if path.as_os_str().is_empty() {
            if is == Is::Dir {
                continue;
            }
            return Err(bad(format!("entry '{name}' has no file name")));
        }
        // Every directory above the entry must be one: not a link, not a file.
        for a in path.ancestors().skip(1) {
            if a.as_os_str().is_empty() {
                break;
            }
            match kinds.get(a) {
                Some(Is::Dir) => break,
                Some(_) => {
                    return Err(bad(format!(
                        "entry '{name}' would be written through '{}', which the archive makes a link or a file",
                        a.display()
                    )));
                }
                None => {
                    kinds.insert(a.to_path_buf(), Is::Dir);
                }
            }
        }
        match kinds.get(&path) {
            Some(Is::Dir) if is == Is::Dir => continue,
            Some(_) => return Err(bad(format!("entry '{name}' is in the archive twice"))),
            None => {
                kinds.insert(path.clone(), is);
            }
        }
        declared = declared.saturating_add(f.size());
        if declared > UNZIPPED_BYTES {
            return Err(too_big());
        }
        entries.push(match is {
            Is::Dir => Entry::Dir(path),
            Is::File => Entry::File {
                path,
                index: i,
                size: f.size(),
                mode: f.unix_mode(),
            },
            Is::Link => {
                let mut target = String::new();
                f.by_ref()
                    .take(MAX_LINK + 1)
                    .read_to_string(&mut target)
                    .map_err(|e| bad(format!("link '{name}': {e}")))?;
                if target.len() as u64 > MAX_LINK || target.is_empty() {
                    return Err(bad(format!("link '{name}' has no valid target")));
                }
                Entry::Link { path, target }
            }
        });
    }
    // Links last, against the whole archive: a link made later can change
    // where an earlier target resolves.
    for e in &entries {
        if let Entry::Link { path, target } = e
            && !resolves_inside(path, target, |p| kinds.get(p) == Some(&Is::Link))
        {
            return Err(bad(format!(
                "link '{}' points outside the source directory ({target})",
                path.display()
            )));
        }
    }
    Ok(entries)
}

fn too_big() -> Error {
    bad(format!(
        "it unzips to more than {UNZIPPED_BYTES} bytes (Lambda's limit)"
    ))
}

/// Whether the link at `path` (relative to the directory) with `target`
/// stays inside: its text never climbs above the directory, and no
/// component before the last is a link (`is_link`), whose own target would
/// make the text say nothing about where it resolves. The last component
/// may be a link: that one is checked on its own.
fn resolves_inside(path: &Path, target: &str, is_link: impl Fn(&Path) -> bool) -> bool {
    if target.starts_with('/') || target.contains('\\') || target.contains('\0') {
        return false;
    }
    let mut cur = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let parts: Vec<Component> = Path::new(target).components().collect();
    for (k, c) in parts.iter().enumerate() {
        match c {
            Component::Normal(p) => {
                cur.push(p);
                if k + 1 < parts.len() && is_link(&cur) {
                    return false;
                }
            }
            Component::ParentDir => {
                if !cur.pop() {
                    return false;
                }
            }
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

/// With `--force` over a directory that has files: nothing may be written
/// through what is already there. Each entry's directories must be real
/// directories (or missing), a file or link may replace only a file or a
/// link (rename replaces the link itself, never its target), and a link
/// may not resolve through an existing link.
fn check_existing(entries: &[Entry], dir: &Path) -> Result<()> {
    let lstat = |p: &Path| fs::symlink_metadata(dir.join(p)).ok();
    for e in entries {
        let path = e.path();
        for a in path.ancestors().skip(1) {
            if a.as_os_str().is_empty() {
                break;
            }
            if lstat(a).is_some_and(|m| !m.is_dir()) {
                return Err(bad(format!(
                    "'{}' would be written through {}, which is not a directory",
                    path.display(),
                    dir.join(a).display()
                )));
            }
        }
        let here = lstat(path);
        let clash = match e {
            Entry::Dir(_) => here.as_ref().is_some_and(|m| !m.is_dir()),
            _ => here.as_ref().is_some_and(|m| m.is_dir()),
        };
        if clash {
            return Err(bad(format!(
                "'{}' is already in {} as something else",
                path.display(),
                dir.display()
            )));
        }
        if let Entry::Link { target, .. } = e {
            let linked = |p: &Path| lstat(p).is_some_and(|m| m.file_type().is_symlink());
            if !resolves_inside(path, target, |p| linked(p)) || linked(&target_path(path, target)) {
                return Err(bad(format!(
                    "link '{}' would resolve through a link already in {}",
                    path.display(),
                    dir.display()
                )));
            }
        }
    }
    Ok(())
}

/// Where a link's target text lands, relative to the directory.
fn target_path(path: &Path, target: &str) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new(""));
    inside(&parent.join(target).to_string_lossy()).unwrap_or_default()
}

/// Write every entry into `tmp` (a new, empty directory): directories and
/// files first, links last, reading each file's data under the limits.
fn write_all<R: Read + io::Seek>(
    archive: &mut zip::ZipArchive<R>,
    entries: &[Entry],
    tmp: &Path,
) -> Result<u64> {
    let mut total = 0u64;
    let mut written = 0;
    for e in entries {
        match e {
            Entry::Dir(p) => {
                let p = tmp.join(p);
                fs::create_dir_all(&p).map_err(|e| Error::io(&p, e))?;
            }
            Entry::File {
                path,
                index,
                size,
                mode,
            } => {
                let p = tmp.join(path);
                make_parent(&p)?;
                let perms = mode.map_or(0o644, |m| m & 0o777);
                let mut out = fs::File::options()
                    .write(true)
                    .create_new(true)
                    .mode(perms)
                    .open(&p)
                    .map_err(|e| Error::io(&p, e))?;
                total += read_entry(archive, *index, path, *size, total, &mut out)?;
                // The mode again: the umask may have taken bits off.
                fs::set_permissions(&p, fs::Permissions::from_mode(perms))
                    .map_err(|e| Error::io(&p, e))?;
                written += 1;
            }
            Entry::Link { .. } => {}
        }
    }
    for e in entries {
        if let Entry::Link { path, target } = e {
            let p = tmp.join(path);
            make_parent(&p)?;
            std::os::unix::fs::symlink(target, &p).map_err(|e| Error::io(&p, e))?;
            written += 1;
        }
    }
    Ok(written)
}

/// Move the unpacked entries from `tmp` into the existing `dir`.
fn move_into(entries: &[Entry], tmp: &Path, dir: &Path) -> Result<()> {
    let partial = |p: &Path, e: io::Error| {
        Error::io(p, e).with_hint(format!(
            "{} may hold part of the downloaded code",
            dir.display()
        ))
    };
    for e in entries {
        let to = dir.join(e.path());
        match e {
            Entry::Dir(_) => fs::create_dir_all(&to).map_err(|err| partial(&to, err))?,
            _ => {
                if let Some(d) = to.parent() {
                    fs::create_dir_all(d).map_err(|err| partial(d, err))?;
                }
                fs::rename(tmp.join(e.path()), &to).map_err(|err| partial(&to, err))?;
            }
        }
    }
    Ok(())
}

fn make_parent(p: &Path) -> Result<()> {
    match p.parent() {
        Some(d) => fs::create_dir_all(d).map_err(|e| Error::io(d, e)),
        None => Ok(()),
    }
}

/// `name` as a path inside the directory, or `None` when it is absolute
/// (or has a drive or a root) or climbs out with `..`.
fn inside(name: &str) -> Option<PathBuf> {
    if name.starts_with('/') || name.starts_with('\\') || name.contains(':') || name.contains('\0')
    {
        return None;
    }
    let mut out = PathBuf::new();
    for c in Path::new(&name.replace('\\', "/")).components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_climb_out_or_are_absolute_are_refused() {
        assert_eq!(inside("a/b.py"), Some(PathBuf::from("a/b.py")));
        assert_eq!(inside("a/../b.py"), Some(PathBuf::from("b.py")));
        assert_eq!(inside("../evil"), None);
        assert_eq!(inside("a/../../evil"), None);
        assert_eq!(inside("/etc/passwd"), None);
        assert_eq!(inside("C:/x"), None);
        assert_eq!(inside("..\\evil"), None);
    }

    #[test]
    fn a_link_target_may_not_pass_through_a_link() {
        let links = |p: &Path| p == Path::new("sub/a") || p == Path::new("l");
        assert!(resolves_inside(Path::new("x"), "sub/b", links));
        // The last component may be a link (checked on its own).
        assert!(resolves_inside(Path::new("x"), "sub/a", links));
        assert!(!resolves_inside(Path::new("x"), "sub/a/../..", links));
        assert!(!resolves_inside(Path::new("d/x"), "../l/y", links));
        assert!(!resolves_inside(Path::new("x"), "..", links));
        assert!(!resolves_inside(Path::new("x"), "/etc", links));
    }
}
