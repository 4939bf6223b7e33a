//! The function's log: its stdout and stderr (one pipe, so their order is
//! kept) interleaved with the platform's lines, in one buffer. Every write
//! first drains the pipe, so a platform line never overtakes output the
//! function wrote before it.

use std::io::ErrorKind;
use std::sync::{Arc, Mutex};

use tokio::net::unix::pipe;

/// Receives each piece of the log as it is written (e.g. `serve` copies
/// it to stderr live).
pub type LogSink = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// `sink`, given only whole lines (the rest is kept until its newline).
pub fn line_sink(sink: LogSink) -> LogSink {
    let partial = Mutex::new(Vec::<u8>::new());
    Arc::new(move |bytes: &[u8]| {
        let mut p = partial.lock().unwrap_or_else(|e| e.into_inner());
        p.extend_from_slice(bytes);
        if let Some(end) = p.iter().rposition(|b| *b == b'\n') {
            let rest = p.split_off(end + 1);
            sink(&p);
            *p = rest;
        }
    })
}

pub struct LogBuf {
    inner: Mutex<Inner>,
}

struct Inner {
    buf: Vec<u8>,
    pipe: Option<Arc<pipe::Receiver>>,
    sink: Option<LogSink>,
}

impl LogBuf {
    pub fn new(sink: Option<LogSink>) -> Arc<LogBuf> {
        Arc::new(LogBuf {
            inner: Mutex::new(Inner {
                buf: Vec::new(),
                pipe: None,
                sink,
            }),
        })
    }

    /// Read from `pipe` from now on (a new runtime process).
    pub fn attach(&self, pipe: Arc<pipe::Receiver>) {
        let mut inner = self.lock();
        inner.drain();
        inner.pipe = Some(pipe);
    }

    /// Pull whatever the function has written to `pipe` so far. False at
    /// EOF, or when a newer process's pipe has replaced it.
    pub fn pump(&self, pipe: &Arc<pipe::Receiver>) -> bool {
        let mut inner = self.lock();
        if !inner.pipe.as_ref().is_some_and(|p| Arc::ptr_eq(p, pipe)) {
            return false;
        }
        inner.drain()
    }

    /// Append a platform line (starting on a fresh line), after draining
    /// the pipe; returns the offset at which it was written.
    pub fn line(&self, text: &str) -> usize {
        let mut inner = self.lock();
        inner.drain();
        if inner.buf.last().is_some_and(|b| *b != b'\n') {
            inner.push(b"\n");
        }
        let at = inner.buf.len();
        inner.push(text.as_bytes());
        at
    }

    /// Drain the pipe; the current length.
    pub fn sync(&self) -> usize {
        let mut inner = self.lock();
        inner.drain();
        inner.buf.len()
    }

    /// Everything written since the last take, emptying the buffer.
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.lock().buf)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Inner {
    fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
        if let Some(s) = &self.sink {
            s(bytes);
        }
    }

    /// Non-blocking reads until the pipe is empty; false at EOF.
    fn drain(&mut self) -> bool {
        let Some(pipe) = self.pipe.clone() else {
            return false;
        };
        let mut chunk = [0u8; 64 * 1024];
        loop {
            match pipe.try_read(&mut chunk) {
                Ok(0) => {
                    self.pipe = None;
                    return false;
                }
                Ok(n) => self.push(&chunk[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => {
                    self.pipe = None;
                    return false;
                }
            }
        }
    }
}

/// Keep reading a runtime's output into the log until its pipe closes.
pub fn spawn_reader(log: Arc<LogBuf>, pipe: Arc<pipe::Receiver>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if pipe.readable().await.is_err() {
                return;
            }
            if !log.pump(&pipe) {
                return;
            }
        }
    })
}
