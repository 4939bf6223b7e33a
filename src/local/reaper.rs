//! No process left behind. Every runtime process leads its own process
//! group; lamctl keeps a list of the live groups and kills them all when it
//! stops for any reason it can see (the end of a command, SIGINT,
//! SIGTERM), and becomes a child subreaper so that descendants which left
//! the group (a double fork, `setsid`) are re-parented to lamctl and killed
//! with it. For the one reason it cannot see, SIGKILL, each group has a
//! guardian: a small forked process blocked on a pipe whose only writer is
//! lamctl. When lamctl dies, however it dies, the pipe closes and the
//! guardian kills the group. Where each group also has a cgroup of its own
//! ([`super::cgroup`]), the guardian and [`stop_all`] kill that too, which
//! reaches the processes that left the group even after a SIGKILL.
//!
//! The subreaper and the list of a process's children (`/proc`) are Linux's
//! own. Elsewhere lamctl is no subreaper: a descendant that left its group
//! is re-parented to init, not to lamctl, and only the groups are killed
//! (docs/architecture.md, "Platforms").

use std::collections::HashMap;
use std::ffi::CString;
use std::os::fd::{FromRawFd, OwnedFd};
use std::sync::{LazyLock, Mutex, Once};
use std::time::{Duration, Instant};

/// Live groups: pgid -> the guardian's pid and lamctl's end of its pipe.
static GROUPS: LazyLock<Mutex<HashMap<i32, Guard>>> = LazyLock::new(Default::default);

struct Guard {
    pid: i32,
    _pipe: OwnedFd,
    /// The group's cgroup's `cgroup.kill` and directory, if it has one.
    cgroup: Option<(CString, CString)>,
}

static SUBREAPER: Once = Once::new();

/// Make lamctl the reaper of its orphaned descendants (once). Elsewhere
/// than on Linux this only records that a function ran ([`stop_all`]).
pub fn become_subreaper() {
    SUBREAPER.call_once(|| {
        // SAFETY: prctl(PR_SET_CHILD_SUBREAPER) takes integers only and touches no memory of ours.
        #[cfg(target_os = "linux")]
        unsafe {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        }
    });
}

/// Watch the group `pgid` (and its cgroup): it is killed when lamctl
/// exits, even by SIGKILL.
pub fn register(pgid: i32, cgroup: Option<&super::cgroup::Cgroup>) {
    if pgid <= 0 {
        return;
    }
    let guard = spawn_guardian(pgid, cgroup.and_then(|c| c.paths()));
    if let Some(g) = guard {
        groups().insert(pgid, g);
    }
}

/// The group has been stopped and waited for: its guardian is no longer
/// needed (and must not kill a later group that reuses the id).
pub fn forget(pgid: i32) {
    let g = groups().remove(&pgid);
    if let Some(g) = g {
        // SAFETY: kill and waitpid take integers (a null status pointer is allowed); g.pid is the guardian lamctl forked and has not reaped, so the pid is not reused.
        unsafe {
            libc::kill(g.pid, libc::SIGKILL);
            libc::waitpid(g.pid, std::ptr::null_mut(), 0);
        }
    }
}

/// Stop everything lamctl started: SIGTERM to every live group and to
/// every re-parented orphan, a short grace, then SIGKILL. Called once the
/// command has ended, whatever ended it.
pub fn stop_all(grace: Duration) {
    // Only a command that ran a function has anything of its own to stop.
    if !SUBREAPER.is_completed() {
        return;
    }
    let pgids: Vec<i32> = groups().keys().copied().collect();
    let cgroups: Vec<CString> = groups()
        .values()
        .filter_map(|g| g.cgroup.as_ref().map(|(kill, _)| kill.clone()))
        .collect();
    let orphans = children();
    if pgids.is_empty() && orphans.is_empty() {
        return;
    }
    for &g in &pgids {
        // SAFETY: kill(2) takes integers only and touches no memory.
        unsafe { libc::kill(-g, libc::SIGTERM) };
    }
    for &p in &orphans {
        // SAFETY: kill(2) takes integers only and touches no memory.
        unsafe { libc::kill(p, libc::SIGTERM) };
    }
    let until = Instant::now() + grace;
    while Instant::now() < until
        && (pgids.iter().any(|g| group_alive(*g)) || children().iter().any(|p| alive(*p)))
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    for &g in &pgids {
        // SAFETY: kill(2) takes integers only and touches no memory.
        unsafe { libc::kill(-g, libc::SIGKILL) };
        forget(g);
    }
    for k in &cgroups {
        use std::os::unix::ffi::OsStrExt;
        let _ = std::fs::write(std::ffi::OsStr::from_bytes(k.as_bytes()), "1");
    }
    for p in children() {
        // SAFETY: kill and waitpid take integers (a null status pointer is allowed, WNOHANG never blocks).
        unsafe {
            libc::kill(p, libc::SIGKILL);
            libc::waitpid(p, std::ptr::null_mut(), libc::WNOHANG);
        }
    }
}

/// Wait (up to a second) until nothing is left of the group `pgid`,
/// reaping its members that were re-parented to lamctl (the subreaper)
/// and have died: a zombie still counts as a member of its group.
pub fn reap_group(pgid: i32) {
    let until = Instant::now() + Duration::from_secs(1);
    loop {
        reap_zombies();
        if !group_alive(pgid) || Instant::now() > until {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Reap the dead orphans lamctl inherited as subreaper. Only zombies
/// outside lamctl's own process group, and not a runtime process: those
/// are tokio's children, whose exit status tokio collects itself.
pub fn reap_zombies() {
    // Without a subreaper lamctl inherits no orphans: tokio reaps its own
    // children and `forget` the guardians.
    #[cfg(target_os = "linux")]
    reap_inherited();
}

#[cfg(target_os = "linux")]
fn reap_inherited() {
    // SAFETY: getpgrp takes no argument and cannot fail.
    let own = unsafe { libc::getpgrp() };
    let leaders: Vec<i32> = groups().keys().copied().collect();
    for p in children() {
        if leaders.contains(&p) {
            continue;
        }
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let mut f = rest.split_whitespace();
        let state = f.next();
        let pgrp: i32 = f.nth(1).and_then(|v| v.parse().ok()).unwrap_or(own);
        if state == Some("Z") && pgrp != own {
            // SAFETY: waitpid with a null status pointer is allowed and only reaps an already-dead child of ours (WNOHANG).
            unsafe { libc::waitpid(p, std::ptr::null_mut(), libc::WNOHANG) };
        }
    }
}

fn groups() -> std::sync::MutexGuard<'static, HashMap<i32, Guard>> {
    GROUPS.lock().unwrap_or_else(|p| p.into_inner())
}

/// lamctl's own children (runtime processes, guardians and re-parented
/// orphans), guardians excepted. Linux lists them in `/proc`; elsewhere
/// none are listed: there are no re-parented orphans to find, and the
/// runtime processes are reached through their groups.
#[cfg(not(target_os = "linux"))]
fn children() -> Vec<i32> {
    Vec::new()
}

#[cfg(target_os = "linux")]
fn children() -> Vec<i32> {
    let guardians: Vec<i32> = groups().values().map(|g| g.pid).collect();
    let mut out = Vec::new();
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for t in tasks.flatten() {
            if let Ok(c) = std::fs::read_to_string(t.path().join("children")) {
                out.extend(c.split_whitespace().filter_map(|p| p.parse::<i32>().ok()));
            }
        }
    }
    out.retain(|p| !guardians.contains(p));
    out
}

fn alive(pid: i32) -> bool {
    super::launch::leader_running(pid)
}

fn group_alive(pgid: i32) -> bool {
    // SAFETY: kill(-pgid, 0) only checks the group exists; integers only.
    unsafe { libc::kill(-pgid, 0) == 0 }
}

/// Fork the guardian of `pgid`. After a fork in a multi-threaded process
/// the child may only make async-signal-safe calls: it does (signal, close,
/// read, kill, open, write, rmdir, nanosleep, _exit).
fn spawn_guardian(pgid: i32, cgroup: Option<(CString, CString)>) -> Option<Guard> {
    let (read, write) = cloexec_pipe()?;
    // The descriptors the child closes (all but `read`), bounded where
    // there is no close_range: asked before the fork (sysconf may allocate).
    #[cfg(not(target_os = "linux"))]
    // SAFETY: sysconf takes an integer and touches no memory of ours.
    let open_max = match unsafe { libc::sysconf(libc::_SC_OPEN_MAX) } {
        n if n > 0 => n.min(65_536) as i32,
        _ => 1024,
    };
    // SAFETY: fork in a multi-threaded process: the child below makes only async-signal-safe calls before _exit.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        // SAFETY: read and write are the two descriptors pipe2 just gave us, closed once.
        unsafe {
            libc::close(read);
            libc::close(write);
        }
        return None;
    }
    if pid == 0 {
        // SAFETY: the child makes only async-signal-safe calls (signal, close, close_range, read, errno, kill, open, write, rmdir, nanosleep, _exit) on buffers on its stack and CStrings allocated before the fork (its own copy of our memory), and never returns.
        unsafe {
            // Only lamctl's death matters: the terminal's Ctrl-C and a
            // SIGTERM sent to lamctl's group are lamctl's to handle.
            libc::signal(libc::SIGINT, libc::SIG_IGN);
            libc::signal(libc::SIGTERM, libc::SIG_IGN);
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
            libc::close(write);
            // Drop every other descriptor inherited from lamctl (other
            // guardians' pipes among them), where the kernel allows it.
            #[cfg(target_os = "linux")]
            {
                if read > 3 {
                    libc::syscall(libc::SYS_close_range, 3u32, (read - 1) as u32, 0u32);
                }
                libc::syscall(libc::SYS_close_range, (read + 1) as u32, u32::MAX, 0u32);
            }
            #[cfg(not(target_os = "linux"))]
            for fd in (3..open_max).filter(|&fd| fd != read) {
                libc::close(fd);
            }
            let mut b = [0u8; 1];
            loop {
                let n = libc::read(read, b.as_mut_ptr().cast(), 1);
                // errno, read without allocating (async-signal-safe).
                if n < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                    continue;
                }
                break;
            }
            libc::kill(-pgid, libc::SIGKILL);
            if let Some((kill, dir)) = &cgroup {
                let fd = libc::open(kill.as_ptr(), libc::O_WRONLY);
                if fd >= 0 {
                    libc::write(fd, b"1".as_ptr().cast(), 1);
                    libc::close(fd);
                }
                // Remove it once its processes are gone (up to a second).
                let pause = libc::timespec {
                    tv_sec: 0,
                    tv_nsec: 5_000_000,
                };
                for _ in 0..200 {
                    if libc::rmdir(dir.as_ptr()) == 0 {
                        break;
                    }
                    libc::nanosleep(&pause, std::ptr::null_mut());
                }
            }
            libc::_exit(0);
        }
    }
    // SAFETY: read is our end of the pipe2 pair, closed once here (the child has its own copy).
    unsafe { libc::close(read) };
    Some(Guard {
        pid,
        // SAFETY: write is an open descriptor from pipe2 that nothing else owns or closes.
        _pipe: unsafe { OwnedFd::from_raw_fd(write) },
        cgroup,
    })
}

/// A pipe whose two ends close on exec, so no runtime process inherits the
/// write end (which would keep the guardian waiting after lamctl died).
#[cfg(target_os = "linux")]
fn cloexec_pipe() -> Option<(i32, i32)> {
    let mut fds = [0i32; 2];
    // SAFETY: fds is a live array of two ints, which pipe2 fills.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return None;
    }
    Some((fds[0], fds[1]))
}

/// Without pipe2 (macOS): pipe, then FD_CLOEXEC on each end. A process
/// another thread spawns between the two calls may inherit the write end;
/// that only delays its guardian until that process exits too.
#[cfg(not(target_os = "linux"))]
fn cloexec_pipe() -> Option<(i32, i32)> {
    let mut fds = [0i32; 2];
    // SAFETY: fds is a live array of two ints, which pipe fills.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return None;
    }
    for fd in fds {
        // SAFETY: fd is a descriptor pipe just returned; fcntl takes integers only.
        unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    }
    Some((fds[0], fds[1]))
}
