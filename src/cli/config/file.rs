//! Reading lamctl.toml: only a regular file, of bounded size, in UTF-8;
//! and TOML's messages made safe to print (no value echoed, no Rust type
//! named).

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};
use crate::lambda::limits::CONFIG_FILE_BYTES;

const HINT: &str = "-c/--config names a lamctl.toml; leave it out to use ./lamctl.toml";

/// The text of the file at `path`. A FIFO, a device or a directory is
/// refused by what it is (reading one would block or never end); so is a
/// file over [`CONFIG_FILE_BYTES`] or one that is not UTF-8 (exit 2).
pub(super) fn read(path: &Path) -> Result<String> {
    let bytes = read_regular(path, "config file", "-c/--config", HINT)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = std::str::from_utf8(&e.as_bytes()[..at]).unwrap_or_default();
        let line = text.matches('\n').count() + 1;
        Error::usage(format!(
            "{}:{line}: not UTF-8 text (byte {})",
            path.display(),
            at + 1
        ))
        .with_hint("save lamctl.toml as UTF-8")
    })
}

/// The bytes of a small input file (`what`, given by `culprit`: lamctl.toml,
/// an env file): a regular file of at most [`CONFIG_FILE_BYTES`], else a
/// usage error that says what it is.
pub(in crate::cli) fn read_regular(
    path: &Path,
    what: &str,
    culprit: &str,
    hint: &str,
) -> Result<Vec<u8>> {
    let usage = |is: String| {
        Error::usage(format!("{what} {} {is} ({culprit})", path.display())).with_hint(hint)
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(usage("does not exist".into()));
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    if !meta.is_file() {
        return Err(usage(format!("is {}, not a regular file", kind(&meta))));
    }
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    // Bounded even if the file grows between the check and the read.
    let mut bytes = Vec::new();
    f.take(CONFIG_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if meta.len() > CONFIG_FILE_BYTES || bytes.len() as u64 > CONFIG_FILE_BYTES {
        return Err(usage(format!("is over {CONFIG_FILE_BYTES} bytes")));
    }
    Ok(bytes)
}

/// What a file system entry that is not a regular file is.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// TOML's (serde's) message without the value it quotes and without a
/// Rust type's name: `invalid type: integer `12345`, expected a string`
/// becomes `expected a string, found an integer` (the value may be a
/// secret: an environment variable's).
pub(super) fn quiet(message: &str) -> String {
    let m = message.trim().replace('\n', " ");
    let rest = m
        .strip_prefix("invalid type: ")
        .or_else(|| m.strip_prefix("invalid value: "));
    let m = match rest.and_then(|r| r.split_once(", expected ")) {
        Some((found, expected)) => {
            // `integer `5``, `string "x"`, `floating point `1.5``: the kind only.
            let kind = found
                .split(['`', '"'])
                .next()
                .unwrap_or(found)
                .trim()
                .to_string();
            let article = match kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                true => "an",
                false => "a",
            };
            format!("expected {expected}, found {article} {kind}")
        }
        None => m,
    };
    rust_types(&m)
}

/// Rust's primitive types as words.
fn rust_types(m: &str) -> String {
    let words = [
        ("i8", "a whole number"),
        ("i16", "a whole number"),
        ("i32", "a whole number"),
        ("i64", "a whole number"),
        ("u8", "a whole number, 0 or more"),
        ("u16", "a whole number, 0 or more"),
        ("u32", "a whole number, 0 or more"),
        ("u64", "a whole number, 0 or more"),
        ("usize", "a whole number, 0 or more"),
        ("f64", "a number"),
        ("a boolean", "true or false"),
    ];
    let mut out = m.to_string();
    for (t, w) in words {
        for end in ["", ",", ")"] {
            let pat = format!("expected {t}{end}");
            if out.ends_with(&pat) || out.contains(&format!("{pat} ")) {
                out = out.replace(&pat, &format!("expected {w}{end}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_no_value_and_no_rust_type() {
        assert_eq!(
            quiet("invalid type: integer `123456789012345`, expected a string"),
            "expected a string, found an integer"
        );
        assert_eq!(
            quiet("invalid type: string \"hunter2\", expected i32"),
            "expected a whole number, found a string"
        );
        assert_eq!(
            quiet("invalid type: string \"yes\", expected a boolean"),
            "expected true or false, found a string"
        );
        assert_eq!(quiet("unknown field `x`"), "unknown field `x`");
    }

    #[test]
    fn special_files_are_named_and_refused() {
        let e = read(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains("a character device"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path()).unwrap_err();
        assert!(e.to_string().contains("a directory"), "{e}");
        let p = dir.path().join("bad.toml");
        std::fs::write(&p, b"name = \"a\"\nx = \"\xff\"\n").unwrap();
        let e = read(&p).unwrap_err();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains("bad.toml:2: not UTF-8"), "{e}");
    }
}
