//! A function running locally: one runtime process at a time (restarted
//! after a crash, a timeout or an init failure), fed one invocation at a
//! time through the Runtime API, with the cloud's log lines around it.

use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use hyper::body::Bytes;
use serde::Serialize;
use tokio::net::unix::pipe;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::api::{self, Answer, Event, Invocation, Shared};
use super::def::LocalDef;
use super::launch::{self, Launcher};
use super::log::{LogBuf, LogSink, spawn_reader};
use super::report::{self, Report, Status};
use crate::error::{Error, Result};

/// The largest request payload of a synchronous invoke (the service's figure).
pub const MAX_REQUEST_BYTES: usize = 6_291_456;
/// How long the init phase may last, as in the cloud.
pub const INIT_TIMEOUT: Duration = Duration::from_secs(10);
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
}

/// One invocation's result, shaped like the cloud's Invoke response.
#[derive(Debug, Clone, Serialize)]
pub struct LocalOutcome {
    /// Always 200 for a synchronous invoke, as in the cloud (even on a function error).
    pub status_code: i32,
    /// `$LATEST`.
    pub executed_version: Option<String>,
    pub request_id: Option<String>,
    /// `Unhandled` when the function failed (handler error, timeout, crash, init error).
    pub function_error: Option<String>,
    /// The runtime's response or error body, verbatim.
    #[serde(skip)]
    pub payload: Vec<u8>,
    /// With `tail`: the last 4 KB of this invocation's log (START to
    /// REPORT), starting on a UTF-8 boundary. Plain text, not base64.
    pub log_tail: Option<String>,
    /// Everything logged since the previous invocation: INIT_START and the
    /// init phase's output on a cold start, then START … REPORT.
    #[serde(skip)]
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
}

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
            if self.wait_exit(SHUTDOWN_GRACE).await.is_none() {
                launch::kill_group(pid, libc::SIGKILL);
                self.wait_exit(Duration::from_secs(2)).await;
            }
        }
        self.reap();
    }

    /// Run one invocation, starting the runtime first if it is not running.
    pub async fn invoke(&mut self, req: InvokeRequest) -> Result<LocalOutcome> {
        if req.payload.len() > MAX_REQUEST_BYTES {
            return Err(Error::usage(format!(
                "the payload is {} bytes, over Lambda's limit of {MAX_REQUEST_BYTES} bytes for a synchronous invoke",
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
        self.note_exit();
        if self.proc.as_ref().is_none_or(|p| p.exited.is_some()) {
            self.reap();
            self.spawn()?;
        }
        let id = report::request_id();
        if self.proc.as_ref().is_some_and(|p| p.init.is_none())
            && let Err(end) = self.wait_init().await
        {
            return Ok(self.failed_init(&id, end, req.tail).await);
        }

        let timeout = self.def.timeout;
        let deadline = Instant::now() + timeout;
        let deadline_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as u64
            + timeout.as_millis() as u64;
        self.shared.submit(Invocation {
            id: id.clone(),
            payload: Bytes::from(req.payload),
            deadline_ms,
            arn: self.def.arn(),
            trace_id: report::trace_id(),
            client_context: req.client_context,
            cognito_identity: req.cognito_identity,
        });
        let generation = self.generation();
        let mut started: Option<(Instant, usize)> = None;
        let end = loop {
            tokio::select! {
                ev = self.events.recv() => match ev {
                    Some(Event::Dispatched { id: d, at, log_offset }) if d == id => {
                        started = Some((at, log_offset));
                    }
                    Some(Event::Answer { id: a, answer, at }) if a == id => break End::Answer(answer, at),
                    Some(Event::Exited { generation: g, status }) if g == generation => {
                        if let Some(p) = self.proc.as_mut() {
                            p.exited = Some(status);
                        }
                        break End::Exited(status);
                    }
                    Some(_) => {}
                    None => return Err(Error::failed("the local runtime's supervisor stopped")),
                },
                _ = tokio::time::sleep_until(deadline.into()) => break End::Timeout,
            }
        };

        let pid = self.proc.as_ref().map_or(0, |p| p.pid);
        let rss_live = launch::peak_rss(pid);
        let (status, function_error, payload, finished) = match end {
            End::Answer(Answer::Response(body), at) => (Status::Success, None, body.to_vec(), at),
            End::Answer(Answer::Error(body), at) => {
                (Status::Success, Some("Unhandled"), body.to_vec(), at)
            }
            End::Answer(Answer::TooLarge, at) => {
                let body = serde_json::json!({
                    "errorMessage": format!("Response payload size exceeded maximum allowed payload size ({} bytes).", api::MAX_RESPONSE_BYTES),
                    "errorType": "Function.ResponseSizeTooLarge",
                });
                (
                    Status::Success,
                    Some("Unhandled"),
                    body.to_string().into_bytes(),
                    at,
                )
            }
            End::Exited(exit) => {
                self.shared.withdraw(&id);
                let now = Instant::now();
                self.ensure_started(&id, &mut started);
                let message = format!(
                    "RequestId: {id} Error: Runtime exited with error: {}",
                    launch::describe_exit(&exit)
                );
                self.log.line(&format!("{message}\nRuntime.ExitError\n"));
                let body =
                    serde_json::json!({"errorType": "Runtime.ExitError", "errorMessage": message});
                (
                    Status::Error("Runtime.ExitError".into()),
                    Some("Unhandled"),
                    body.to_string().into_bytes(),
                    now,
                )
            }
            End::Timeout => {
                launch::kill_group(pid, libc::SIGKILL);
                let now = Instant::now();
                self.wait_exit(Duration::from_secs(2)).await;
                self.shared.withdraw(&id);
                self.ensure_started(&id, &mut started);
                self.log.line(&report::timeout_line(&id, timeout));
                let body = serde_json::json!({
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": format!("RequestId: {id} Error: Task timed out after {:.2} seconds", timeout.as_secs_f64()),
                });
                (
                    Status::Timeout,
                    Some("Unhandled"),
                    body.to_string().into_bytes(),
                    now,
                )
            }
        };
        let (start_at, start_offset) = started.unwrap_or((finished, 0));
        let duration = finished.saturating_duration_since(start_at);
        Ok(self.close(
            &id,
            start_offset,
            duration,
            status,
            function_error,
            payload,
            rss_live,
            req.tail,
        ))
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
                let rss = if p.exited.is_some() {
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
        if self.proc.as_ref().is_some_and(|p| p.exited.is_some()) {
            self.reap();
        }
        LocalOutcome {
            status_code: 200,
            executed_version: Some("$LATEST".into()),
            request_id: Some(id.to_string()),
            function_error: function_error.map(str::to_string),
            payload,
            log_tail: tail.then(|| String::from_utf8_lossy(report::tail(section)).into_owned()),
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

    async fn wait_init(&mut self) -> std::result::Result<(), InitEnd> {
        let generation = self.generation();
        let spawned = self.proc.as_ref().map_or_else(Instant::now, |p| p.spawned);
        let limit = spawned + INIT_TIMEOUT;
        loop {
            tokio::select! {
                ev = self.events.recv() => match ev {
                    Some(Event::Next { generation: g, at }) if g == generation => {
                        if let Some(p) = self.proc.as_mut() {
                            p.init = Some(at.saturating_duration_since(p.spawned));
                        }
                        return Ok(());
                    }
                    Some(Event::InitError { generation: g, body, error_type, at }) if g == generation => {
                        return Err(InitEnd::Error { body, error_type, at });
                    }
                    Some(Event::Exited { generation: g, status }) if g == generation => {
                        if let Some(p) = self.proc.as_mut() {
                            p.exited = Some(status);
                        }
                        return Err(InitEnd::Exited(status));
                    }
                    Some(_) => {}
                    None => return Err(InitEnd::Timeout),
                },
                _ = tokio::time::sleep_until(limit.into()) => return Err(InitEnd::Timeout),
            }
        }
    }

    /// The outcome of an invocation whose runtime never finished its init.
    async fn failed_init(&mut self, id: &str, end: InitEnd, tail: bool) -> LocalOutcome {
        let (pid, spawned) = self
            .proc
            .as_ref()
            .map_or((0, Instant::now()), |p| (p.pid, p.spawned));
        let rss_live = launch::peak_rss(pid);
        let (init, error_type, payload, init_status) = match end {
            InitEnd::Error {
                body,
                error_type,
                at,
            } => {
                // The runtime normally exits after reporting; give it a moment.
                if self.wait_exit(Duration::from_secs(1)).await.is_none() {
                    launch::kill_group(pid, libc::SIGKILL);
                    self.wait_exit(Duration::from_secs(2)).await;
                }
                let t = error_type
                    .or_else(|| {
                        serde_json::from_slice::<serde_json::Value>(&body)
                            .ok()
                            .and_then(|v| v["errorType"].as_str().map(str::to_string))
                    })
                    .unwrap_or_else(|| "Runtime.Unknown".into());
                (
                    at.saturating_duration_since(spawned),
                    t,
                    body.to_vec(),
                    None,
                )
            }
            InitEnd::Exited(exit) => {
                let message = format!(
                    "RequestId: {id} Error: Runtime exited with error: {}",
                    launch::describe_exit(&exit)
                );
                let body =
                    serde_json::json!({"errorType": "Runtime.ExitError", "errorMessage": message});
                (
                    spawned.elapsed(),
                    "Runtime.ExitError".to_string(),
                    body.to_string().into_bytes(),
                    Some(message),
                )
            }
            InitEnd::Timeout => {
                launch::kill_group(pid, libc::SIGKILL);
                self.wait_exit(Duration::from_secs(2)).await;
                let body = serde_json::json!({
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": format!("RequestId: {id} Error: INIT timed out after {:.2} seconds", INIT_TIMEOUT.as_secs_f64()),
                });
                (
                    INIT_TIMEOUT,
                    "Sandbox.Timedout".to_string(),
                    body.to_string().into_bytes(),
                    None,
                )
            }
        };
        if error_type == "Sandbox.Timedout" {
            self.log.line(&format!(
                "INIT_REPORT Init Duration: {:.2} ms\tPhase: init\tStatus: timeout\n",
                report::ms(init)
            ));
        } else {
            self.log.line(&report::init_report_error(init, &error_type));
        }
        let start_offset = self.log.line(&report::start(id));
        if let Some(m) = init_status {
            self.log.line(&format!("{m}\nRuntime.ExitError\n"));
        }
        if let Some(p) = self.proc.as_mut() {
            p.init = Some(init);
            if p.exited.is_none() {
                // Killed above but not yet reaped: it is gone all the same.
                p.exited = Some(std::os::unix::process::ExitStatusExt::from_raw(
                    libc::SIGKILL,
                ));
            }
        }
        self.close(
            id,
            start_offset,
            Duration::ZERO,
            Status::Error(error_type),
            Some("Unhandled"),
            payload,
            rss_live,
            tail,
        )
    }

    /// Notice a runtime that died while idle, so the next invocation starts
    /// a new one instead of being handed to a dead process.
    fn note_exit(&mut self) {
        let generation = self.generation();
        let mut kept = Vec::new();
        while let Ok(ev) = self.events.try_recv() {
            match ev {
                Event::Exited {
                    generation: g,
                    status,
                } if g == generation => {
                    if let Some(p) = self.proc.as_mut() {
                        p.exited = Some(status);
                    }
                }
                // Init ended (or failed) while nobody was waiting: keep it for wait_init.
                Event::Next { generation: g, .. } | Event::InitError { generation: g, .. }
                    if g == generation =>
                {
                    kept.push(ev)
                }
                _ => {}
            }
        }
        if !kept.is_empty() {
            // Re-queue in order; the sender lives as long as self.
            for ev in kept {
                let _ = self.events_tx.send(ev);
            }
        }
    }

    fn generation(&self) -> u64 {
        self.proc.as_ref().map_or(0, |p| p.generation)
    }

    /// Wait up to `limit` for the current runtime process to end.
    async fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let generation = self.generation();
        if let Some(s) = self.proc.as_ref().and_then(|p| p.exited) {
            return Some(s);
        }
        let until = tokio::time::Instant::now() + limit;
        loop {
            tokio::select! {
                ev = self.events.recv() => match ev {
                    Some(Event::Exited { generation: g, status }) if g == generation => {
                        if let Some(p) = self.proc.as_mut() {
                            p.exited = Some(status);
                        }
                        return Some(status);
                    }
                    Some(_) => {}
                    None => return None,
                },
                _ = tokio::time::sleep_until(until) => return None,
            }
        }
    }

    /// Forget the ended process: kill anything left in its group, read the
    /// rest of its output.
    fn reap(&mut self) {
        if let Some(p) = self.proc.take() {
            launch::kill_group(p.pid, libc::SIGKILL);
            self.log.sync();
            p.reader.abort();
        }
    }

    fn spawn(&mut self) -> Result<()> {
        let generation = self.shared.new_generation();
        let program = &self.launcher.program;
        let (reader, writer) = std::io::pipe().map_err(|e| {
            Error::failed(format!(
                "cannot create a pipe for the function's output: {e}"
            ))
        })?;
        let writer2 = writer.try_clone().map_err(|e| {
            Error::failed(format!(
                "cannot create a pipe for the function's output: {e}"
            ))
        })?;
        let mut cmd = tokio::process::Command::new(program);
        cmd.args(&self.launcher.args)
            .current_dir(&self.def.task_root)
            .env_clear()
            .envs(launch::environment(&self.def, self.addr))
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(writer2);
        let parent = unsafe { libc::getpid() };
        unsafe {
            cmd.pre_exec(move || {
                // Its own process group, so a timeout or Ctrl-C reaches every
                // process the function started, and the terminal's Ctrl-C
                // reaches lamctl only.
                if libc::setpgid(0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // Backstop: die with lamctl even if lamctl is SIGKILLed.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                if libc::getppid() != parent {
                    libc::_exit(1);
                }
                Ok(())
            });
        }
        self.log
            .line(&report::init_start(&self.def.runtime, &self.def.region));
        let spawned = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| Error::failed(format!("cannot start {}: {e}", program.display())))?;
        // Our copies of the write end must close, or EOF never comes.
        drop(cmd);
        let pid = child.id().map(|p| p as i32).unwrap_or(0);
        let pipe = pipe::Receiver::from_owned_fd(OwnedFd::from(reader))
            .map(Arc::new)
            .map_err(|e| Error::failed(format!("cannot read the function's output: {e}")))?;
        self.log.attach(Arc::clone(&pipe));
        let reader = spawn_reader(Arc::clone(&self.log), pipe);
        let tx = self.events_tx.clone();
        tokio::spawn(async move {
            if let Ok(status) = child.wait().await {
                let _ = tx.send(Event::Exited { generation, status });
            }
        });
        tracing::debug!("started {} (pid {pid})", program.display());
        self.proc = Some(Proc {
            pid,
            generation,
            spawned,
            init: None,
            warm: false,
            exited: None,
            max_rss: 0,
            reader,
        });
        Ok(())
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        if let Some(p) = &self.proc
            && p.exited.is_none()
        {
            // No async here: SIGTERM, poll the leader briefly, then SIGKILL.
            launch::kill_group(p.pid, libc::SIGTERM);
            let until = Instant::now() + SHUTDOWN_GRACE;
            while Instant::now() < until && launch::leader_running(p.pid) {
                std::thread::sleep(Duration::from_millis(5));
            }
            launch::kill_group(p.pid, libc::SIGKILL);
            self.log.sync();
        }
        if let Some(p) = &self.proc {
            p.reader.abort();
        }
        self.server.abort();
    }
}
