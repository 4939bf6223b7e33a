//! A cgroup of its own for each runtime process, where the machine lets
//! lamctl make one (cgroup v2 mounted, and lamctl's own cgroup writable:
//! root, or a delegated subtree such as systemd's `user@.service`). Every
//! process the function starts stays in it whatever it does (`setsid`, a
//! double fork), so `cgroup.kill` ends them all, even after lamctl itself
//! was SIGKILLed (the guardian writes it). Where no cgroup can be made,
//! the process group, the subreaper and the guardian do what they can
//! (docs/local.md, "No process left behind").

use std::ffi::CString;
use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

/// One runtime process's cgroup; removed when dropped (after a kill).
#[derive(Debug)]
pub struct Cgroup {
    dir: PathBuf,
    /// `cgroup.procs`, opened before the fork: the child writes "0" to it
    /// to move itself in before it runs the runtime.
    procs: File,
}

static NEXT: AtomicU64 = AtomicU64::new(0);

impl Cgroup {
    /// A new, empty cgroup under lamctl's own, or None where that is not
    /// possible here.
    pub fn create() -> Option<Cgroup> {
        #[cfg(target_os = "linux")]
        {
            let base = own_dir()?;
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir = base.join(format!("lamctl-{}-{n}", std::process::id()));
            std::fs::create_dir(&dir).ok()?;
            match std::fs::OpenOptions::new()
                .write(true)
                .open(dir.join("cgroup.procs"))
            {
                Ok(procs) => Some(Cgroup { dir, procs }),
                Err(_) => {
                    let _ = std::fs::remove_dir(&dir);
                    None
                }
            }
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = &NEXT;
            None
        }
    }

    /// The descriptor a forked child writes "0" to, to join the cgroup.
    pub fn procs_fd(&self) -> i32 {
        self.procs.as_raw_fd()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The paths of `cgroup.kill` and of the directory, for the guardian
    /// (which may only make async-signal-safe calls after its fork, so it
    /// gets them ready-made).
    pub fn paths(&self) -> Option<(CString, CString)> {
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).ok();
        Some((c(&self.dir.join("cgroup.kill"))?, c(&self.dir)?))
    }

    /// The processes in it now.
    pub fn pids(&self) -> Vec<i32> {
        std::fs::read_to_string(self.dir.join("cgroup.procs"))
            .map(|t| {
                t.split_whitespace()
                    .filter_map(|p| p.parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Send `signal` to every process in it.
    pub fn signal(&self, signal: i32) {
        for p in self.pids() {
            // SAFETY: kill has no memory-safety preconditions.
            unsafe { libc::kill(p, signal) };
        }
    }

    /// SIGKILL everything in it: `cgroup.kill` (Linux 5.14+), else each
    /// process it lists.
    pub fn kill(&self) {
        if std::fs::write(self.dir.join("cgroup.kill"), "1").is_err() {
            self.signal(libc::SIGKILL);
        }
    }

    /// Kill what is left, reap what lamctl inherited, and remove the
    /// directory once it is empty (up to a second; a cgroup that stays busy
    /// is left for the system to remove).
    pub fn remove(&self) {
        let until = Instant::now() + Duration::from_secs(1);
        loop {
            self.kill();
            super::reaper::reap_zombies();
            if std::fs::remove_dir(&self.dir).is_ok() || Instant::now() > until {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        if self.dir.exists() {
            self.remove();
        }
    }
}

/// lamctl's own cgroup directory in the cgroup v2 hierarchy, if mounted.
#[cfg(target_os = "linux")]
fn own_dir() -> Option<PathBuf> {
    let cgroups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let own = cgroups.lines().find_map(|l| l.strip_prefix("0::"))?;
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    let mount = mount_point(&mounts)?;
    let dir = Path::new(&mount).join(own.trim_start_matches('/'));
    dir.is_dir().then_some(dir)
}

/// The mount point of the cgroup2 file system in a mountinfo table (the
/// fifth field; the type follows the " - " separator).
#[cfg(target_os = "linux")]
fn mount_point(mountinfo: &str) -> Option<String> {
    mountinfo.lines().find_map(|l| {
        let (head, tail) = l.split_once(" - ")?;
        (tail.split_whitespace().next() == Some("cgroup2"))
            .then(|| head.split_whitespace().nth(4).map(str::to_string))
            .flatten()
    })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_cgroup2_mount_is_found() {
        let info = "30 23 0:26 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n35 23 0:31 / /sys/fs/cgroup/unified rw,relatime shared:14 - cgroup2 cgroup2 rw\n";
        assert_eq!(mount_point(info).as_deref(), Some("/sys/fs/cgroup/unified"));
        assert_eq!(mount_point("1 2 0:1 / / rw - ext4 /dev/sda rw\n"), None);
    }
}
