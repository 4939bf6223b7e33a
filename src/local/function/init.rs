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

    /// The outcome of an invocation whose runtime never finished its init.
    pub(super) async fn failed_init(&mut self, id: &str, end: InitEnd, tail: bool) -> LocalOutcome {
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
}
