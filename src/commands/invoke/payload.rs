//! Reading the event: inline JSON, `@FILE`, `-` or a pipe on standard
//! input; one document, or one per line with --ndjson; checked as JSON
//! (unless --raw) with the line and column of a mistake.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use super::request::Payload;
use crate::error::{Error, Result};

/// The input bytes and a label naming where they came from. A UTF-8
/// byte-order mark at the start of a file or a pipe (Windows editors and
/// PowerShell write one) is dropped: JSON has none.
pub async fn read_input(payload: Option<&str>) -> Result<(String, Vec<u8>)> {
    let (label, mut data) = read_raw(payload).await?;
    if data.starts_with(BOM) {
        data.drain(..BOM.len());
    }
    Ok((label, data))
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

async fn read_raw(payload: Option<&str>) -> Result<(String, Vec<u8>)> {
    match payload {
        Some("-") => Ok(("standard input".into(), read_stdin().await?)),
        Some(p) if p.starts_with('@') => {
            let path = PathBuf::from(&p[1..]);
            if path.as_os_str().is_empty() {
                return Err(Error::usage("--payload @ needs a file name after the @"));
            }
            let data = tokio::fs::read(&path).await.map_err(|e| {
                Error::usage(format!(
                    "cannot read --payload file {}: {}",
                    path.display(),
                    crate::error::io_text(&e)
                ))
            })?;
            Ok((format!("file {}", path.display()), data))
        }
        Some(inline) => Ok(("--payload".into(), inline.as_bytes().to_vec())),
        None if !std::io::stdin().is_terminal() => {
            let data = read_stdin().await?;
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

/// Read all of stdin on a blocking thread, so Ctrl-C still interrupts.
async fn read_stdin() -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(|| {
        let mut data = Vec::new();
        std::io::stdin().lock().read_to_end(&mut data).map(|_| data)
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
pub fn check_json(data: &[u8]) -> std::result::Result<(), (usize, usize, String)> {
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
