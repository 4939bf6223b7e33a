//! Reading the event: inline JSON, `@FILE`, `-` or a pipe on standard
//! input; one document, or one per line with --ndjson; checked as JSON
//! (unless --raw) with the line and column of a mistake. Every read stops
//! one byte past its limit, so `@/dev/zero` or an endless pipe is refused
//! rather than read until memory runs out.

use std::path::PathBuf;

use tokio::io::AsyncReadExt;

use super::request::Payload;
use crate::error::{Error, Result};

/// The most bytes one read may bring, and how to name that limit.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimit {
    pub bytes: usize,
    /// Whose limit it is ("Lambda's", "lamctl's").
    pub whose: &'static str,
    pub name: &'static str,
}

/// The input bytes and a label naming where they came from. A UTF-8
/// byte-order mark at the start of a file or a pipe (Windows editors and
/// PowerShell write one) is dropped: JSON has none.
pub async fn read_input(payload: Option<&str>, limit: ReadLimit) -> Result<(String, Vec<u8>)> {
    // Room for a BOM, and one byte more to see that the limit is passed.
    let max = limit.bytes + BOM.len() + 1;
    let (label, mut data) = read_raw(payload, max).await?;
    if data.starts_with(BOM) {
        data.drain(..BOM.len());
    }
    if data.len() > limit.bytes {
        return Err(Error::usage(format!(
            "the payload ({label}) is over {} limit of {} bytes ({})",
            limit.whose, limit.bytes, limit.name
        ))
        .with_hint("send a reference to the data (for example an S3 key) instead of the data"));
    }
    Ok((label, data))
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

async fn read_raw(payload: Option<&str>, max: usize) -> Result<(String, Vec<u8>)> {
    use std::io::IsTerminal;
    match payload {
        Some("-") => Ok(("standard input".into(), read_stdin(max).await?)),
        Some(p) if p.starts_with('@') => {
            let path = PathBuf::from(&p[1..]);
            if path.as_os_str().is_empty() {
                return Err(Error::usage("--payload @ needs a file name after the @"));
            }
            let cannot = |e: std::io::Error| {
                Error::usage(format!(
                    "cannot read --payload file {}: {}",
                    path.display(),
                    crate::error::io_text(&e)
                ))
            };
            let mut data = Vec::new();
            tokio::fs::File::open(&path)
                .await
                .map_err(cannot)?
                .take(max as u64)
                .read_to_end(&mut data)
                .await
                .map_err(cannot)?;
            Ok((format!("--payload file {}", path.display()), data))
        }
        Some(inline) => Ok(("--payload".into(), inline.as_bytes().to_vec())),
        None if !std::io::stdin().is_terminal() => {
            let data = read_stdin(max).await?;
            // An empty pipe or /dev/null (CI) is "no payload", not a bad one.
            if data.iter().all(u8::is_ascii_whitespace) {
                Ok(("the default {}".into(), b"{}".to_vec()))
            } else {
                Ok(("standard input".into(), data))
            }
        }
        None => Ok(("the default {}".into(), b"{}".to_vec())),
    }
}

/// Read stdin, up to `max` bytes, on a blocking thread, so Ctrl-C still
/// interrupts.
async fn read_stdin(max: usize) -> Result<Vec<u8>> {
    use std::io::Read;
    tokio::task::spawn_blocking(move || {
        let mut data = Vec::new();
        std::io::stdin()
            .lock()
            .take(max as u64)
            .read_to_end(&mut data)
            .map(|_| data)
    })
    .await
    .map_err(|e| Error::failed(format!("reading standard input stopped: {e}")))?
    .map_err(|e| Error::usage(format!("cannot read standard input: {e}")))
}

/// --ndjson: one payload per non-blank line, each checked (unless --raw).
pub fn split_lines(label: &str, input: &[u8], raw: bool) -> Result<Vec<Payload>> {
    let mut out = Vec::new();
    for (i, line) in input.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if !raw {
            check_json(line).map_err(|(_, c, m)| {
                Error::usage(format!(
                    "line {} of {label} is not valid JSON: column {c}: {m}",
                    i + 1
                ))
                .with_hint(
                    "--ndjson takes one JSON document per line; --raw sends lines as they are",
                )
            })?;
        }
        out.push(Payload {
            line: Some(i + 1),
            bytes: line.to_vec(),
        });
    }
    if out.is_empty() {
        return Err(Error::usage(format!("--ndjson found no lines in {label}")));
    }
    Ok(out)
}

/// `Err((line, column, message))` when `data` is not one JSON document.
/// JSON is UTF-8 throughout (RFC 8259): bytes that are not, inside a
/// string too (which serde skips unchecked), are refused here, as the
/// service would refuse them.
pub fn check_json(data: &[u8]) -> std::result::Result<(), (usize, usize, String)> {
    if let Err(e) = std::str::from_utf8(data) {
        let at = e.valid_up_to();
        let line_start = data[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = data[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err((
            line,
            at - line_start + 1,
            format!("invalid UTF-8 (byte 0x{:02X})", data[at]),
        ));
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(data)
        .map(|_| ())
        .map_err(|e| json_error(&e))
}

pub fn json_error(e: &serde_json::Error) -> (usize, usize, String) {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
    (e.line(), e.column(), msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_have_line_and_column() {
        let (l, c, m) = check_json(b"{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!((l, c), (3, 7));
        assert_eq!(m, "expected `:`");
        // Not UTF-8, inside a string or outside one.
        let (l, c, m) = check_json(b"{\n \"a\": \"x\xFFy\"}").unwrap_err();
        assert_eq!((l, c, m.as_str()), (2, 9, "invalid UTF-8 (byte 0xFF)"));
        assert!(check_json(b"[\"\xC3\"]").is_err());
        assert!(check_json(b"\xEF\xBB").is_err());
        check_json("{\"a\": \"é\"}".as_bytes()).unwrap();
    }

    #[test]
    fn ndjson_lines_keep_their_numbers() {
        let p = split_lines("stdin", b"{\"a\":1}\r\n\n  \n[2]\n", false).unwrap();
        let lines: Vec<_> = p.iter().map(|p| (p.line, p.bytes.as_slice())).collect();
        assert_eq!(
            lines,
            vec![(Some(1), &b"{\"a\":1}"[..]), (Some(4), &b"[2]"[..])]
        );
        assert!(split_lines("stdin", b"\n\n", false).is_err());
        assert!(split_lines("stdin", b"not json\n", false).is_err());
        assert_eq!(split_lines("stdin", b"not json\n", true).unwrap().len(), 1);
    }
}
