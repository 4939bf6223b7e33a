//! Unpacking a downloaded deployment package into a directory, refusing
//! any entry that would land outside it: `../` in a name (zip-slip), an
//! absolute name, or a symbolic link that points out. The whole archive is
//! checked before anything is written, so a refused archive leaves no file.

use std::io::{Cursor, Read};
use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};
use crate::lambda::limits::UNZIPPED_BYTES;

/// One checked entry.
enum Entry {
    Dir(PathBuf),
    File { path: PathBuf, mode: Option<u32> },
    Link { path: PathBuf, target: String },
}

/// Unpack `zip` into `dir` (created if missing); returns the number of
/// files and links written.
pub fn unpack(zip: &[u8], dir: &Path) -> Result<u64> {
    let bad = |why: String| {
        Error::failed(format!("the downloaded code cannot be unpacked: {why}"))
            .with_hint("nothing was written")
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(zip)).map_err(|e| bad(format!("not a zip: {e}")))?;
    let mut entries = Vec::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).map_err(|e| bad(e.to_string()))?;
        let name = f.name().map_err(|e| bad(e.to_string()))?.into_owned();
        let path = inside(&name).ok_or_else(|| {
            bad(format!(
                "entry '{name}' would land outside the source directory"
            ))
        })?;
        total += f.size();
        if total > UNZIPPED_BYTES {
            return Err(bad(format!(
                "it unzips to more than {UNZIPPED_BYTES} bytes"
            )));
        }
        entries.push(if f.is_symlink() {
            let mut target = String::new();
            f.read_to_string(&mut target)
                .map_err(|e| bad(format!("link '{name}': {e}")))?;
            let resolved = path.parent().unwrap_or(Path::new("")).join(&target);
            if Path::new(&target).is_absolute() || inside(&resolved.to_string_lossy()).is_none() {
                return Err(bad(format!(
                    "link '{name}' points outside the source directory ({target})"
                )));
            }
            Entry::Link { path, target }
        } else if f.is_dir() {
            Entry::Dir(path)
        } else {
            Entry::File {
                path,
                mode: f.unix_mode(),
            }
        });
    }

    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = 0;
    for (i, entry) in entries.into_iter().enumerate() {
        match entry {
            Entry::Dir(p) => {
                let p = dir.join(p);
                std::fs::create_dir_all(&p).map_err(|e| Error::io(&p, e))?;
            }
            Entry::File { path, mode } => {
                let p = dir.join(path);
                make_parent(&p)?;
                let mut f = archive.by_index(i).map_err(|e| bad(e.to_string()))?;
                let mut data = Vec::with_capacity(f.size() as usize);
                f.read_to_end(&mut data)
                    .map_err(|e| bad(format!("{}: {e}", p.display())))?;
                std::fs::write(&p, data).map_err(|e| Error::io(&p, e))?;
                if let Some(m) = mode {
                    use std::os::unix::fs::PermissionsExt;
                    let perms = std::fs::Permissions::from_mode(m & 0o777);
                    std::fs::set_permissions(&p, perms).map_err(|e| Error::io(&p, e))?;
                }
                written += 1;
            }
            Entry::Link { path, target } => {
                let p = dir.join(path);
                make_parent(&p)?;
                std::os::unix::fs::symlink(&target, &p).map_err(|e| Error::io(&p, e))?;
                written += 1;
            }
        }
    }
    Ok(written)
}

fn make_parent(p: &Path) -> Result<()> {
    match p.parent() {
        Some(d) => std::fs::create_dir_all(d).map_err(|e| Error::io(d, e)),
        None => Ok(()),
    }
}

/// `name` as a path inside the directory, or `None` when it is absolute
/// (or has a drive or a root) or climbs out with `..`.
fn inside(name: &str) -> Option<PathBuf> {
    if name.starts_with('/') || name.starts_with('\\') || name.contains(':') {
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
}
