//! Saved test events on disk: `events/NAME.json` beside lamctl.toml, as the
//! console's "Test" button keeps them per function. A write replaces a
//! regular file or nothing (docs/reliability.md): never a link, a
//! directory or a device, and never through a linked `events` folder.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use super::event_name;
use crate::error::{Error, Result};
use crate::lambda::limits::SYNC_PAYLOAD_BYTES;

/// The folder saved events live in, under the project directory.
pub const FOLDER: &str = "events";

/// `DIR/events` (`events` for the current directory, as messages show it).
pub fn folder(project_dir: &Path) -> PathBuf {
    if project_dir == Path::new(".") || project_dir.as_os_str().is_empty() {
        PathBuf::from(FOLDER)
    } else {
        project_dir.join(FOLDER)
    }
}

/// The names saved in `folder` (`NAME.json` files with a valid name),
/// sorted.
pub fn list(folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        // Regular files only: a link or a directory is not a saved event.
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".json")?;
            event_name(stem).ok()?;
            Some(stem.to_string())
        })
        .collect();
    names.sort();
    names
}

fn listing_hint(folder: &Path) -> String {
    let saved = list(folder);
    if saved.is_empty() {
        format!(
            "{} has no saved events; save one with `lamctl event save NAME`",
            folder.display()
        )
    } else {
        format!("saved in {}: {}", folder.display(), saved.join(", "))
    }
}

/// A name the console would take, or a usage error listing the saved ones.
pub fn check_name(flag: &str, name: &str, folder: &Path) -> Result<()> {
    event_name(name)
        .map_err(|e| Error::usage(format!("{flag}: {e}")).with_hint(listing_hint(folder)))
}

/// The path of saved event `name`, which must exist as a file (a FIFO or
/// a directory would be read forever or not at all).
pub fn existing(flag: &str, name: &str, folder: &Path) -> Result<PathBuf> {
    check_name(flag, name, folder)?;
    let path = folder.join(format!("{name}.json"));
    match std::fs::metadata(&path) {
        Ok(m) if m.is_file() => Ok(path),
        Ok(_) => Err(Error::usage(format!(
            "{flag} {name}: {} is not a regular file",
            path.display()
        ))),
        Err(_) => Err(
            Error::usage(format!("{flag} {name}: no saved event {}", path.display()))
                .with_hint(listing_hint(folder)),
        ),
    }
}

/// Read at most the invoke payload limit (plus one byte, to tell).
pub fn read_bounded(mut r: impl Read, label: &str) -> Result<Vec<u8>> {
    let mut data = Vec::new();
    r.by_ref()
        .take(SYNC_PAYLOAD_BYTES as u64 + 1)
        .read_to_end(&mut data)
        .map_err(|e| {
            Error::usage(format!(
                "cannot read {label}: {}",
                crate::error::io_text(&e)
            ))
        })?;
    check_event(&data, label)?;
    Ok(data)
}

/// One JSON document no bigger than a synchronous invoke's payload.
pub fn check_event(data: &[u8], label: &str) -> Result<serde_json::Value> {
    if data.len() > SYNC_PAYLOAD_BYTES {
        return Err(Error::usage(format!(
            "{label} is over Lambda's limit of {SYNC_PAYLOAD_BYTES} bytes for an invoke payload"
        ))
        .with_hint("a test event is an invoke payload: at most 6 MB"));
    }
    serde_json::from_slice(data).map_err(|e| {
        Error::usage(format!(
            "{label} is not valid JSON: line {}, column {}: {}",
            e.line(),
            e.column(),
            short(&e)
        ))
        .with_hint("a test event is one JSON document")
    })
}

fn short(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
}

/// Write `bytes` as saved event `name` in `folder` (made if missing). An
/// existing event is replaced only with `force`; anything that is not a
/// regular file is never replaced. Returns the path written.
pub fn write(folder: &Path, name: &str, bytes: &[u8], force: bool) -> Result<PathBuf> {
    check_name("NAME", name, folder)?;
    match std::fs::symlink_metadata(folder) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Error::usage(format!(
                "{} is not a directory (a link or a file)",
                folder.display()
            ))
            .with_hint("saved events go in a real events/ folder beside lamctl.toml"));
        }
        Err(_) => std::fs::create_dir_all(folder).map_err(|e| Error::io(folder, e))?,
    }
    let path = folder.join(format!("{name}.json"));
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.is_file() && !force => {
            return Err(Error::usage(format!("{} exists", path.display()))
                .with_hint("add --force to replace it"));
        }
        Ok(m) if !m.is_file() => {
            return Err(Error::usage(format!(
                "{} is not a regular file (a link, a directory or a device); not replaced",
                path.display()
            ))
            .with_hint("remove it, or save under another NAME"));
        }
        _ => {}
    }
    // A whole file or none: a temporary beside it, then a rename (which
    // replaces a link itself, never its target, should one appear meanwhile).
    let tmp = folder.join(format!(".{name}.json.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(&path, e));
    }
    Ok(path)
}
