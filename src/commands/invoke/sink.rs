//! `--stream`: where the response goes as it arrives (stdout or --out),
//! with a copy kept for `--output json`.

use std::io::Write;
use std::path::PathBuf;

use super::request::InvokeRequest;
use crate::error::{Error, Result};
use crate::output::{Ui, write_stdout};

/// Where a streamed payload goes as it arrives: stdout or --out; with
/// --output json a copy is also kept for the one JSON document.
pub struct PayloadSink {
    dest: Dest,
    keep: Option<Vec<u8>>,
}

enum Dest {
    /// Only kept (--output json without --out).
    Nowhere,
    Stdout {
        tty: bool,
        last: Option<u8>,
    },
    File {
        path: PathBuf,
        file: Option<std::fs::File>,
    },
}

impl PayloadSink {
    pub fn for_stream(ui: &Ui, req: &InvokeRequest) -> PayloadSink {
        let dest = match (&req.out, ui.json()) {
            (Some(path), _) => Dest::File {
                path: path.clone(),
                file: None,
            },
            (None, true) => Dest::Nowhere,
            (None, false) => Dest::Stdout {
                tty: ui.stdout_tty,
                last: None,
            },
        };
        PayloadSink {
            dest,
            keep: ui.json().then(Vec::new),
        }
    }

    /// True when the payload went to stdout or --out as it arrived.
    pub fn delivers(&self) -> bool {
        !matches!(self.dest, Dest::Nowhere)
    }

    pub fn write(&mut self, chunk: &[u8]) -> Result<()> {
        if let Some(k) = &mut self.keep {
            k.extend_from_slice(chunk);
        }
        match &mut self.dest {
            Dest::Nowhere => Ok(()),
            Dest::Stdout { last, .. } => {
                if let Some(b) = chunk.last() {
                    *last = Some(*b);
                }
                write_stdout(chunk)
            }
            Dest::File { path, file } => {
                if file.is_none() {
                    *file = Some(std::fs::File::create(&*path).map_err(|e| Error::io(&*path, e))?);
                }
                let f = file.as_mut().expect("opened above");
                f.write_all(chunk).map_err(|e| Error::io(&*path, e))
            }
        }
    }

    /// Close off: create an empty --out file for an empty response, end a
    /// terminal's output with a newline.
    pub fn finish(&mut self) -> Result<()> {
        match &mut self.dest {
            Dest::Stdout { tty: true, last } if last.is_some_and(|b| b != b'\n') => {
                write_stdout(b"\n")
            }
            Dest::File { path, file } => {
                let f = match file.take() {
                    Some(f) => f,
                    None => std::fs::File::create(&*path).map_err(|e| Error::io(&*path, e))?,
                };
                f.sync_all().map_err(|e| Error::io(&*path, e))
            }
            _ => Ok(()),
        }
    }

    pub fn take_kept(&mut self) -> Vec<u8> {
        self.keep.take().unwrap_or_default()
    }
}
