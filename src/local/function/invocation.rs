//! One invocation after it was handed to the runtime: waiting for how it
//! ends (an answer, the process's exit, the timeout, the memory limit),
//! and what each ending means for the log and the outcome.

use std::time::{Duration, Instant};

use super::{End, Function, MEMORY_SAMPLE};
use crate::error::{Error, Result};
use crate::lambda::limits::SYNC_RESPONSE_BYTES;
use crate::local::api::{Answer, Event};
use crate::local::launch;
use crate::local::report::{self, Status};

/// How the wait for an invocation ended.
pub(super) struct Waited {
    pub end: End,
    /// When the runtime received the event, and where START is in the log.
    pub started: Option<(Instant, usize)>,
    /// The peak memory of the process tree seen while it ran.
    pub rss: u64,
}

/// An ended invocation, as the log and the outcome tell it.
pub(super) struct Settled {
    pub status: Status,
    pub function_error: Option<&'static str>,
    pub payload: Vec<u8>,
    pub finished: Instant,
}

impl Function {
    /// Wait until the invocation `id` ends, sampling the memory of the
    /// process tree (the sandbox's limit) as it runs.
    pub(super) async fn wait_end(&mut self, id: &str, deadline: Instant) -> Result<Waited> {
        let generation = self.generation();
        let mut started: Option<(Instant, usize)> = None;
        let pid = self.proc.as_ref().map_or(0, |p| p.pid);
        let limit = self.def.memory_mb.max(0) as u64 * 1024 * 1024;
        let mut sample = tokio::time::interval(MEMORY_SAMPLE);
        let mut sampled = 0u64;
        let end = loop {
            tokio::select! {
                _ = sample.tick() => {
                    sampled = sampled.max(launch::peak_rss(pid));
                    if sampled > limit {
                        break End::OutOfMemory;
                    }
                },
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
        let rss = launch::peak_rss(pid).max(sampled);
        // Over the limit between two samples counts too (VmHWM is a peak).
        let end = match end {
            End::Answer(..) | End::Exited(_) if rss > limit => End::OutOfMemory,
            e => e,
        };
        Ok(Waited { end, started, rss })
    }

    /// What the ending means: the status for REPORT, the function error,
    /// the payload; a runtime that crashed, ran out of memory or timed out
    /// is killed, and its error lines are logged.
    pub(super) async fn settle(
        &mut self,
        id: &str,
        end: End,
        started: &mut Option<(Instant, usize)>,
    ) -> Settled {
        let pid = self.proc.as_ref().map_or(0, |p| p.pid);
        let settled = |status, function_error, payload: String, finished| Settled {
            status,
            function_error,
            payload: payload.into_bytes(),
            finished,
        };
        match end {
            End::Answer(Answer::Response(body), at) => Settled {
                status: Status::Success,
                function_error: None,
                payload: body.to_vec(),
                finished: at,
            },
            End::Answer(Answer::Error(body), at) => Settled {
                status: Status::Success,
                function_error: Some("Unhandled"),
                payload: body.to_vec(),
                finished: at,
            },
            End::Answer(Answer::TooLarge, at) => {
                let body = serde_json::json!({
                    "errorMessage": format!("Response payload size exceeded maximum allowed payload size ({SYNC_RESPONSE_BYTES} bytes)."),
                    "errorType": "Function.ResponseSizeTooLarge",
                });
                settled(Status::Success, Some("Unhandled"), body.to_string(), at)
            }
            End::Exited(exit) => {
                self.shared.withdraw(id);
                let now = Instant::now();
                self.ensure_started(id, started);
                let message = format!("RequestId: {id} Error: {}", launch::exit_message(&exit));
                self.log.line(&format!("{message}\nRuntime.ExitError\n"));
                let body =
                    serde_json::json!({"errorType": "Runtime.ExitError", "errorMessage": message});
                settled(
                    Status::Error("Runtime.ExitError".into()),
                    Some("Unhandled"),
                    body.to_string(),
                    now,
                )
            }
            End::OutOfMemory => {
                launch::kill_group(pid, libc::SIGKILL);
                let now = Instant::now();
                self.wait_exit(Duration::from_secs(2)).await;
                self.shared.withdraw(id);
                self.ensure_started(id, started);
                let message =
                    format!("RequestId: {id} Error: Runtime exited with error: signal: killed");
                self.log.line(&format!("{message}\nRuntime.OutOfMemory\n"));
                let body = serde_json::json!({"errorType": "Runtime.OutOfMemory", "errorMessage": message});
                settled(
                    Status::Error("Runtime.OutOfMemory".into()),
                    Some("Unhandled"),
                    body.to_string(),
                    now,
                )
            }
            End::Timeout => {
                launch::kill_group(pid, libc::SIGKILL);
                let now = Instant::now();
                self.wait_exit(Duration::from_secs(2)).await;
                self.shared.withdraw(id);
                self.ensure_started(id, started);
                let timeout = self.def.timeout;
                self.log.line(&report::timeout_line(id, timeout));
                let body = serde_json::json!({
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": format!("RequestId: {id} Error: Task timed out after {:.2} seconds", timeout.as_secs_f64()),
                });
                settled(Status::Timeout, Some("Unhandled"), body.to_string(), now)
            }
        }
    }
}
