//! The runtime process: starting it in its own process group with its
//! output piped into the log, noticing when it ends, and stopping it.

use std::os::fd::OwnedFd;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::unix::pipe;

use super::{Function, Proc, SHUTDOWN_GRACE};
use crate::error::{Error, Result};
use crate::local::api::Event;
use crate::local::cgroup::Cgroup;
use crate::local::log::spawn_reader;
use crate::local::report;
use crate::local::{launch, reaper};

impl Function {
    /// Notice a runtime that died while idle, so the next invocation starts
    /// a new one instead of being handed to a dead process.
    pub(super) fn note_exit(&mut self) {
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

    /// Wait up to `limit` for the current runtime process to end.
    pub(super) async fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
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
    pub(super) fn reap(&mut self) {
        if let Some(p) = self.proc.take() {
            launch::kill_group(p.pid, libc::SIGKILL);
            if let Some(c) = &p.cgroup {
                c.kill();
            }
            reaper::reap_group(p.pid);
            reaper::forget(p.pid);
            self.log.sync();
            p.reader.abort();
        }
    }

    /// Start the runtime process, writing INIT_START (a new sandbox).
    pub(super) fn spawn(&mut self) -> Result<()> {
        self.log
            .line(&report::init_start(&self.def.runtime, &self.def.region));
        self.spawn_quiet()
    }

    /// Start the runtime process without INIT_START: an init retried
    /// within an invocation runs in the same sandbox.
    pub(super) fn spawn_quiet(&mut self) -> Result<()> {
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
            .envs(launch::environment(
                &self.def,
                self.addr,
                self.launcher.runtime_dir.as_deref(),
            ))
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(writer2);
        let cgroup = Cgroup::create();
        let procs_fd = cgroup.as_ref().map(Cgroup::procs_fd);
        // SAFETY: getpid has no preconditions and cannot fail.
        #[cfg(target_os = "linux")]
        let parent = unsafe { libc::getpid() };
        // SAFETY: the closure runs in the forked child before exec, and
        // makes only async-signal-safe calls (setpgid, write to a
        // descriptor opened before the fork; on Linux prctl, getppid, _exit).
        unsafe {
            cmd.pre_exec(move || {
                // Its own process group, so a timeout or Ctrl-C reaches every
                // process the function started, and the terminal's Ctrl-C
                // reaches lamctl only.
                if libc::setpgid(0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // Its own cgroup where there is one, before it can start
                // anything: "0" moves the writer. A failure leaves it in
                // lamctl's cgroup, covered by the group and the subreaper.
                if let Some(fd) = procs_fd {
                    libc::write(fd, b"0".as_ptr().cast(), 1);
                }
                // Backstop: die with lamctl even if lamctl is SIGKILLed
                // (Linux only; elsewhere the group's guardian does it).
                #[cfg(target_os = "linux")]
                {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    if libc::getppid() != parent {
                        libc::_exit(1);
                    }
                }
                Ok(())
            });
        }
        let spawned = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| Error::failed(format!("cannot start {}: {e}", program.display())))?;
        // Our copies of the write end must close, or EOF never comes.
        drop(cmd);
        let pid = child.id().map(|p| p as i32).unwrap_or(0);
        reaper::register(pid, cgroup.as_ref());
        if let Some(c) = &cgroup {
            tracing::debug!("runtime process {pid} in cgroup {}", c.dir().display());
        }
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
            cgroup,
        });
        Ok(())
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        if let Some(p) = &self.proc
            && p.exited.is_none()
        {
            // No async here: SIGTERM, poll the leader briefly, then SIGKILL
            // (the cgroup, if any, is killed and removed when it drops).
            launch::kill_group(p.pid, libc::SIGTERM);
            if let Some(c) = &p.cgroup {
                c.signal(libc::SIGTERM);
            }
            let until = Instant::now() + SHUTDOWN_GRACE;
            while Instant::now() < until && launch::leader_running(p.pid) {
                std::thread::sleep(Duration::from_millis(5));
            }
            launch::kill_group(p.pid, libc::SIGKILL);
            self.log.sync();
        }
        if let Some(p) = &self.proc {
            reaper::forget(p.pid);
        }
        if let Some(p) = &self.proc {
            p.reader.abort();
        }
        self.server.abort();
    }
}
