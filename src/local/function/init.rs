//! The init phase: waiting for the runtime's first `/next`, and the
//! outcome of an invocation whose runtime never finished its init.

use std::time::{Duration, Instant};

use super::{Function, InitEnd, LocalOutcome};
use crate::lambda::limits::INIT_PHASE;
use crate::local::api::Event;
use crate::local::launch;
use crate::local::report::{self, Status};

impl Function {
    pub(super) async fn wait_init(&mut self) -> std::result::Result<(), InitEnd> {
        let generation = self.generation();
        let spawned = self.proc.as_ref().map_or_else(Instant::now, |p| p.spawned);
        let limit = spawned + INIT_PHASE;
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

    /// How an init attempt failed, once its process is gone.
    pub(super) async fn init_failure(&mut self, id: &str, end: InitEnd) -> InitFailure {
        let (pid, spawned) = self
            .proc
            .as_ref()
            .map_or((0, Instant::now()), |p| (p.pid, p.spawned));
        let rss = launch::peak_rss(pid);
        let (init, error_type, payload, exit_message) = match end {
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
                let message = format!("RequestId: {id} Error: {}", launch::exit_message(&exit));
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
                    "errorMessage": format!("RequestId: {id} Error: INIT timed out after {:.2} seconds", INIT_PHASE.as_secs_f64()),
                });
                (
                    INIT_PHASE,
                    "Sandbox.Timedout".to_string(),
                    body.to_string().into_bytes(),
                    None,
                )
            }
        };
        if let Some(p) = self.proc.as_mut() {
            p.init = Some(init);
            if p.exited.is_none() {
                // Killed above but not yet reaped: it is gone all the same.
                p.exited = Some(std::os::unix::process::ExitStatusExt::from_raw(
                    libc::SIGKILL,
                ));
            }
        }
        InitFailure {
            init,
            error_type,
            payload,
            exit_message,
            rss,
        }
    }

    /// `INIT_REPORT … Phase: init|invoke …` for a failed attempt.
    pub(super) fn init_report(&self, f: &InitFailure, phase: &str) {
        let status = if f.error_type == "Sandbox.Timedout" {
            "Status: timeout".to_string()
        } else {
            format!("Status: error\tError Type: {}", f.error_type)
        };
        self.log.line(&format!(
            "INIT_REPORT Init Duration: {:.2} ms\tPhase: {phase}\t{status}\n",
            report::ms(f.init)
        ));
    }

    /// The outcome of an invocation whose runtime failed its init again
    /// within the invocation (START was written at `start_offset`).
    pub(super) fn failed_init(
        &mut self,
        id: &str,
        f: InitFailure,
        start_offset: usize,
        tail: bool,
    ) -> LocalOutcome {
        self.init_report(&f, "invoke");
        if let Some(m) = &f.exit_message {
            self.log.line(&format!("{m}\nRuntime.ExitError\n"));
        }
        self.close(
            id,
            start_offset,
            f.init,
            Status::Error(f.error_type),
            Some("Unhandled"),
            f.payload,
            f.rss,
            tail,
        )
    }
}

/// A failed init attempt.
pub(super) struct InitFailure {
    init: Duration,
    error_type: String,
    payload: Vec<u8>,
    /// The platform's line when the runtime exited (Runtime.ExitError).
    exit_message: Option<String>,
    rss: u64,
}
