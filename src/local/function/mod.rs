//! A function running locally: one runtime process at a time (restarted
//! after a crash, a timeout or an init failure), fed one invocation at a
//! time through the Runtime API, with the cloud's log lines around it.
//! `init` handles the init phase and its failures; `process` starts,
//! watches and stops the runtime process.

mod init;
mod invocation;
mod process;

use std::net::SocketAddr;
use std::process::ExitStatus;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use hyper::body::Bytes;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::api::{self, Answer, Event, Invocation, Shared, StreamPart};
use super::def::LocalDef;
use super::launch::{self, Launcher};
use super::log::{LogBuf, LogSink};
use super::report::{self, Report, Status};
use crate::error::{Error, Result};
use crate::lambda::invoke::InvokeOutcome;
use crate::lambda::limits::SYNC_PAYLOAD_BYTES;

/// How long a runtime gets between SIGTERM and SIGKILL when lamctl stops it.
pub const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// One invocation's input.
#[derive(Debug, Clone, Default)]
pub struct InvokeRequest {
    /// The event, as bytes (normally JSON).
    pub payload: Vec<u8>,
    /// The client context as JSON text (the Invoke API's X-Amz-Client-Context
    /// header is this, base64-encoded). Passed on as Lambda-Runtime-Client-Context.
    pub client_context: Option<String>,
    /// A Cognito identity as JSON text, passed on as Lambda-Runtime-Cognito-Identity.
    pub cognito_identity: Option<String>,
    /// Fill `log_tail` (the Invoke API's `LogType: Tail`).
    pub tail: bool,
    /// Receives a streamed response's parts as the runtime sends them (a
    /// function URL in `RESPONSE_STREAM` mode); the outcome's payload
    /// still holds the whole body.
    pub stream: Option<mpsc::UnboundedSender<StreamPart>>,
    /// The invocation's request id when the caller has already answered
    /// with it (an `Event`'s 202, a function URL's `x-amzn-RequestId`);
    /// else a fresh one.
    pub request_id: Option<String>,
    /// The X-Ray trace header when the caller has already shown it (a
    /// function URL event's `x-amzn-trace-id`); else a fresh one.
    pub trace_id: Option<String>,
}

/// One invocation's result: what a cloud invoke returns (always 200 and
/// `$LATEST`; `Unhandled` when the handler failed, timed out, crashed or
/// its init failed; the log tail, with `tail`, is the last 4 KB of this
/// invocation's log, START to REPORT), and the whole log.
#[derive(Debug, Clone)]
pub struct LocalOutcome {
    pub outcome: InvokeOutcome,
    /// Everything logged since the previous invocation: INIT_START and the
    /// init phase's output on a cold start, then START … REPORT.
    pub log: String,
}

struct Proc {
    pid: i32,
    generation: u64,
    spawned: Instant,
    /// How long init took, once the runtime first asked for work.
    init: Option<Duration>,
    /// It has answered an invocation (so the next REPORT has no Init Duration).
    warm: bool,
    exited: Option<ExitStatus>,
    max_rss: u64,
    reader: JoinHandle<()>,
    /// Its own cgroup, where the machine allows one (removed with it).
    cgroup: Option<super::cgroup::Cgroup>,
}

/// A locally running function. Dropping it stops the runtime (SIGTERM, a
/// short grace, SIGKILL to its process group).
pub struct Function {
    def: LocalDef,
    launcher: Launcher,
    shared: Arc<Shared>,
    log: Arc<LogBuf>,
    events_tx: mpsc::UnboundedSender<Event>,
    events: mpsc::UnboundedReceiver<Event>,
    addr: SocketAddr,
    server: JoinHandle<()>,
    proc: Option<Proc>,
}

enum InitEnd {
    Error {
        body: Bytes,
        error_type: Option<String>,
        at: Instant,
    },
    Exited(ExitStatus),
    Timeout,
}

enum End {
    Answer(Answer, Instant),
    Exited(ExitStatus),
    Timeout,
    OutOfMemory,
}

/// Whether the runtime is ready for the invocation.
enum Ready {
    /// START is already in the log at this offset when a retried init
    /// wrote it.
    Yes { start_written: Option<usize> },
    /// The init failed twice: this is the invocation's outcome.
    Failed(Box<LocalOutcome>),
}

/// The request's own checks: the payload's size, the context headers.
fn check_request(req: &InvokeRequest) -> Result<()> {
    if req.payload.len() > SYNC_PAYLOAD_BYTES {
        return Err(Error::usage(format!(
            "the payload is {} bytes, over Lambda's limit of {SYNC_PAYLOAD_BYTES} bytes for a synchronous invoke",
            req.payload.len()
        )));
    }
    for (what, v) in [
        ("client context", &req.client_context),
        ("cognito identity", &req.cognito_identity),
    ] {
        if let Some(v) = v
            && (serde_json::from_str::<serde_json::Value>(v).is_err()
                || !v.bytes().all(|b| (0x20..0x7f).contains(&b)))
        {
            return Err(Error::usage(format!(
                "the {what} must be JSON on one line of printable ASCII"
            )));
        }
    }
    Ok(())
}

/// How often a running invocation's memory is measured.
const MEMORY_SAMPLE: Duration = Duration::from_millis(50);

impl Function {
    /// Check the definition, start the Runtime API server and the runtime
    /// process (its init runs in the background; the first `invoke` waits
    /// for it). The log is only collected.
    pub async fn start(def: LocalDef) -> Result<Function> {
        Function::start_with_sink(def, None).await
    }

    /// Like [`Function::start`], also handing each piece of the log to
    /// `sink` as it is written (`serve` prints it live).
    pub async fn start_with_sink(def: LocalDef, sink: Option<LogSink>) -> Result<Function> {
        super::reaper::become_subreaper();
        let launcher = launch::launcher(&def).await?;
        let log = LogBuf::new(sink);
        let (events_tx, events) = mpsc::unbounded_channel();
        let shared = Shared::new(events_tx.clone(), Arc::clone(&log));
        let (addr, server) = api::serve(Arc::clone(&shared))
            .await
            .map_err(|e| Error::failed(format!("cannot start the Runtime API server: {e}")))?;
        let mut f = Function {
            def,
            launcher,
            shared,
            log,
            events_tx,
            events,
            addr,
            server,
            proc: None,
        };
        f.spawn()?;
        Ok(f)
    }

    pub fn def(&self) -> &LocalDef {
        &self.def
    }

    /// The Runtime API's `host:port` (the runtime's AWS_LAMBDA_RUNTIME_API).
    pub fn runtime_api(&self) -> SocketAddr {
        self.addr
    }

    /// The runtime process's id (also its process group id), while it runs.
    pub fn pid(&self) -> Option<i32> {
        self.proc
            .as_ref()
            .filter(|p| p.exited.is_none())
            .map(|p| p.pid)
    }

    /// Replace the definition and start a fresh runtime process (the old
    /// one is stopped first). Used by `serve --watch`.
    pub async fn restart(&mut self, def: LocalDef) -> Result<()> {
        let launcher = launch::launcher(&def).await?;
        self.stop().await;
        self.log.take();
        self.def = def;
        self.launcher = launcher;
        self.spawn()
    }

    /// Stop the runtime: SIGTERM, a short grace, then SIGKILL to its
    /// process group. The function can still be invoked (it starts again).
    pub async fn stop(&mut self) {
        let Some((pid, exited)) = self.proc.as_ref().map(|p| (p.pid, p.exited)) else {
            return;
        };
        if exited.is_none() {
            launch::kill_group(pid, libc::SIGTERM);
            if let Some(c) = self.proc.as_ref().and_then(|p| p.cgroup.as_ref()) {
                c.signal(libc::SIGTERM);
            }
            if self.wait_exit(SHUTDOWN_GRACE).await.is_none() {
                launch::kill_group(pid, libc::SIGKILL);
                self.wait_exit(Duration::from_secs(2)).await;
            }
        }
        self.reap();
    }

    /// Run one invocation, starting the runtime first if it is not running.
    pub async fn invoke(&mut self, req: InvokeRequest) -> Result<LocalOutcome> {
        check_request(&req)?;
        self.note_exit();
        if self.proc.as_ref().is_none_or(|p| p.exited.is_some()) {
            self.reap();
            self.spawn()?;
        }
        let id = req.request_id.clone().unwrap_or_else(report::request_id);
        let early_start = match self.ready(&id, req.tail).await? {
            Ready::Yes { start_written } => start_written,
            Ready::Failed(outcome) => return Ok(*outcome),
        };
        let timeout = self.def.timeout;
        let deadline = Instant::now() + timeout;
        let deadline_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as u64
            + timeout.as_millis() as u64;
        // The service hands the function `{}` when the request had no body.
        let payload = match req.payload.is_empty() {
            true => Bytes::from_static(b"{}"),
            false => Bytes::from(req.payload),
        };
        self.shared.submit(Invocation {
            id: id.clone(),
            payload,
            deadline_ms,
            arn: self.def.arn(),
            trace_id: req.trace_id.unwrap_or_else(report::trace_id),
            client_context: req.client_context,
            cognito_identity: req.cognito_identity,
            stream: req.stream,
            start_written: early_start,
        });
        let waited = self.wait_end(&id, deadline).await?;
        let mut started = waited.started;
        let settled = self.settle(&id, waited.end, &mut started).await;
        let (start_at, start_offset) = started.unwrap_or((settled.finished, 0));
        let duration = settled.finished.saturating_duration_since(start_at);
        Ok(self.close(
            &id,
            start_offset,
            duration,
            settled.status,
            settled.function_error,
            settled.payload,
            waited.rss,
            req.tail,
        ))
    }

    /// Wait for the init phase of the current process. As the service
    /// does, a failed init is reported, then tried once more within the
    /// invocation, whose log (and tail) so shows the init's output.
    async fn ready(&mut self, id: &str, tail: bool) -> Result<Ready> {
        if self.proc.as_ref().is_none_or(|p| p.init.is_some()) {
            return Ok(Ready::Yes {
                start_written: None,
            });
        }
        let Err(end) = self.wait_init().await else {
            return Ok(Ready::Yes {
                start_written: None,
            });
        };
        let failure = self.init_failure(id, end).await;
        self.init_report(&failure, "init");
        let start_offset = self.log.line(&report::start(id));
        self.reap();
        self.spawn_quiet()?;
        match self.wait_init().await {
            Ok(()) => Ok(Ready::Yes {
                start_written: Some(start_offset),
            }),
            Err(end) => {
                let failure = self.init_failure(id, end).await;
                Ok(Ready::Failed(Box::new(self.failed_init(
                    id,
                    failure,
                    start_offset,
                    tail,
                ))))
            }
        }
    }

    /// END and REPORT, then the outcome; the process is cleaned up if it ended.
    #[allow(clippy::too_many_arguments)]
    fn close(
        &mut self,
        id: &str,
        start_offset: usize,
        duration: Duration,
        status: Status,
        function_error: Option<&str>,
        payload: Vec<u8>,
        rss_live: u64,
        tail: bool,
    ) -> LocalOutcome {
        let (init, max_rss) = match self.proc.as_mut() {
            Some(p) => {
                let init = if p.warm { None } else { p.init };
                p.warm = true;
                // After an exit /proc has nothing left; what lamctl has
                // waited for is only a fallback (it counts lamctl's own
                // forks, the guardians, too).
                let rss = if p.exited.is_some() && rss_live == 0 && p.max_rss == 0 {
                    launch::waited_children_max_rss()
                } else {
                    rss_live
                };
                p.max_rss = p.max_rss.max(rss).max(rss_live);
                (init, p.max_rss)
            }
            None => (None, launch::waited_children_max_rss()),
        };
        self.log.line(&report::end(id));
        self.log.line(&report::report(&Report {
            request_id: id,
            duration,
            init,
            memory_mb: self.def.memory_mb,
            max_memory_bytes: max_rss,
            status,
        }));
        let log = self.log.take();
        let section = log.get(start_offset..).unwrap_or(&log);
        // Processes the function left behind that have ended since.
        super::reaper::reap_zombies();
        if self.proc.as_ref().is_some_and(|p| p.exited.is_some()) {
            self.reap();
        }
        LocalOutcome {
            outcome: InvokeOutcome {
                status_code: 200,
                executed_version: Some("$LATEST".into()),
                request_id: Some(id.to_string()),
                function_error: function_error.map(str::to_string),
                payload,
                log_tail: tail.then(|| String::from_utf8_lossy(report::tail(section)).into_owned()),
                ..Default::default()
            },
            log: String::from_utf8_lossy(&log).into_owned(),
        }
    }

    /// Write START if the runtime never received the event.
    fn ensure_started(&self, id: &str, started: &mut Option<(Instant, usize)>) {
        if started.is_none() {
            let off = self.log.line(&report::start(id));
            *started = Some((Instant::now(), off));
        }
    }

    fn generation(&self) -> u64 {
        self.proc.as_ref().map_or(0, |p| p.generation)
    }
}
