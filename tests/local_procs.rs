//! No process left behind: SIGINT, SIGTERM and SIGKILL to `lamctl invoke
//! --local` and `lamctl serve` while a function runs; neither the function
//! nor a grandchild it started may survive. Also the live log of
//! `invoke --local --tail`, and the memory limit.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::local::*;

/// A handler that starts a grandchild `sleep` (in its group) and one in a
/// session of its own (out of the group), writes their pids and its own,
/// then sleeps.
const SPAWNER: &str = r#"
import os, subprocess, time
def handler(event, context):
    a = subprocess.Popen(["sleep", "300"])
    b = subprocess.Popen(["sleep", "301"], start_new_session=True)
    path = os.environ["PIDS_FILE"]
    with open(path + ".tmp", "w") as f:
        f.write("%d %d %d" % (os.getpid(), a.pid, b.pid))
    os.rename(path + ".tmp", path)
    time.sleep(300)
"#;

fn cgroup_of(pid: i32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/cgroup"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("0::").map(str::to_string))
        .unwrap_or_default()
}

/// Whether a cgroup v2 directory can be made beside this process's own.
fn cgroup_v2_writable() -> bool {
    let Ok(info) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return false;
    };
    let Some(mount) = info.lines().find_map(|l| {
        let (head, tail) = l.split_once(" - ")?;
        (tail.split_whitespace().next() == Some("cgroup2"))
            .then(|| head.split_whitespace().nth(4).map(str::to_string))
            .flatten()
    }) else {
        return false;
    };
    let own = cgroup_of(std::process::id() as i32);
    let probe = Path::new(&mount)
        .join(own.trim_start_matches('/'))
        .join(format!("lamctl-probe-{}", std::process::id()));
    let ok = std::fs::create_dir(&probe).is_ok();
    let _ = std::fs::remove_dir(&probe);
    ok
}

fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(s) => !matches!(
            s.rsplit_once(')')
                .and_then(|(_, r)| r.trim_start().chars().next()),
            Some('Z' | 'X') | None
        ),
        Err(_) => false,
    }
}

#[track_caller]
fn assert_gone(pids: &[i32], what: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while pids.iter().any(|p| alive(*p)) {
        if Instant::now() > deadline {
            let left: Vec<_> = pids.iter().filter(|p| alive(**p)).collect();
            for p in &left {
                unsafe { libc::kill(**p, libc::SIGKILL) };
            }
            panic!("{what}: processes {left:?} still run 5 s later");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_pids(file: &Path, child: &mut Child) -> Vec<i32> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(t) = std::fs::read_to_string(file) {
            return t.split_whitespace().map(|p| p.parse().unwrap()).collect();
        }
        if let Some(s) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("lamctl exited ({s}) before the function ran: {err}");
        }
        assert!(Instant::now() < deadline, "the function never ran");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_exit(child: &mut Child) -> Option<i32> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        assert!(Instant::now() < deadline, "lamctl did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn no_process_is_left_behind_after_sigint_sigterm_or_sigkill() {
    let d = python_fn(SPAWNER, "");
    for command in ["invoke", "serve"] {
        for (sig, code) in [
            (libc::SIGINT, Some(130)),
            (libc::SIGTERM, Some(143)),
            (libc::SIGHUP, Some(129)),
            (libc::SIGKILL, None),
        ] {
            let what = format!("{command} with signal {sig}");
            let pids_file = d.path().join(format!("pids-{command}-{sig}"));
            let env = format!("PIDS_FILE={}", pids_file.display());
            let dir = dir_arg(&d);
            let args: Vec<&str> = match command {
                "invoke" => vec![
                    "invoke",
                    "--local",
                    "--timeout",
                    "600",
                    "--dir",
                    &dir,
                    "--env",
                    &env,
                ],
                _ => vec![
                    "serve",
                    "--port",
                    "0",
                    "--timeout",
                    "600",
                    "--dir",
                    &dir,
                    "--env",
                    &env,
                ],
            };
            let (mut child, _home) = lamctl(args).spawn();
            let mut serve_call = None;
            if command == "serve" {
                let mut line = String::new();
                let mut out = child.stdout.take().unwrap();
                let mut b = [0u8; 1];
                while out.read(&mut b).unwrap() == 1 && b[0] != b'\n' {
                    line.push(b[0] as char);
                }
                let port: u16 = line.trim().parse().expect("serve's port");
                serve_call = Some(std::thread::spawn(move || {
                    // The answer never comes: lamctl is stopped first.
                    let _ = std::net::TcpStream::connect(("127.0.0.1", port)).and_then(|mut s| {
                        use std::io::Write;
                        s.write_all(b"POST /2015-03-31/functions/t/invocations HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")?;
                        let mut sink = Vec::new();
                        s.read_to_end(&mut sink)
                    });
                }));
            }
            let pids = wait_pids(&pids_file, &mut child);
            assert!(pids.iter().all(|p| alive(*p)), "{what}: {pids:?}");
            // Where this test may make a cgroup, lamctl may too, and the
            // function (and the grandchild that left its group) is in one.
            let in_cgroup = cgroup_of(pids[2]).contains("/lamctl-");
            assert_eq!(
                in_cgroup,
                cgroup_v2_writable(),
                "{what}: {}",
                cgroup_of(pids[2])
            );
            if in_cgroup {
                assert_eq!(cgroup_of(pids[0]), cgroup_of(pids[2]), "{what}");
            }
            unsafe { libc::kill(child.id() as i32, sig) };
            let got = wait_exit(&mut child);
            if sig == libc::SIGKILL {
                // The guardian kills the function's group (the function and
                // its in-group grandchild), and its cgroup where it has one:
                // then even the process that left the group (its own
                // session) is gone; without one, nothing can find it once
                // lamctl is gone.
                if in_cgroup {
                    assert_gone(&pids, &what);
                } else {
                    assert_gone(&pids[..2], &what);
                    unsafe { libc::kill(pids[2], libc::SIGKILL) };
                }
            } else {
                assert_eq!(got, code, "{what}");
                assert_gone(&pids, &what);
            }
            if let Some(t) = serve_call {
                t.join().unwrap();
            }
        }
    }
}

/// `invoke --local --tail` shows each line as the function writes it: the
/// function's second line waits for a file the test creates only after it
/// has read the first line from lamctl's stderr.
#[test]
fn invoke_local_tail_streams_the_log_as_it_is_written() {
    let d = python_fn(
        r#"
import os, time
def handler(event, context):
    print("first line")
    until = time.time() + 20
    while not os.path.exists(os.environ["GO"]) and time.time() < until:
        time.sleep(0.02)
    print("second line")
    return "done"
"#,
        "",
    );
    let go = d.path().join("go");
    let dir = dir_arg(&d);
    let env = format!("GO={}", go.display());
    let (mut child, _home) = lamctl([
        "invoke",
        "--local",
        "--tail",
        "--timeout",
        "30",
        "--dir",
        &dir,
        "--env",
        &env,
    ])
    .spawn();
    let mut err = child.stderr.take().unwrap();
    let mut seen = Vec::new();
    let mut b = [0u8; 256];
    let started = Instant::now();
    while !String::from_utf8_lossy(&seen).contains("first line\n") {
        let n = err.read(&mut b).unwrap();
        assert!(n > 0, "stderr ended: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&b[..n]);
    }
    assert!(started.elapsed() < Duration::from_secs(15));
    assert!(!String::from_utf8_lossy(&seen).contains("second line"));
    std::fs::write(&go, "").unwrap();
    err.read_to_end(&mut seen).unwrap();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert!(child.wait().unwrap().success());
    let seen = strip_ansi(&String::from_utf8_lossy(&seen));
    assert_eq!(out.trim_end(), "\"done\"");
    // Each line once, in order, framed by START … REPORT.
    assert_eq!(seen.matches("first line").count(), 1, "{seen}");
    assert_eq!(seen.matches("second line").count(), 1, "{seen}");
    let (s, f, e, r) = (
        seen.find("START RequestId").unwrap(),
        seen.find("first line").unwrap(),
        seen.find("END RequestId").unwrap(),
        seen.find("REPORT RequestId").unwrap(),
    );
    assert!(s < f && f < e && e < r, "{seen}");
}

/// Over its memory: the service's Runtime.OutOfMemory and REPORT status.
#[test]
fn a_function_over_its_memory_is_reported_out_of_memory() {
    let d = python_fn(
        "import time\ndef handler(event, context):\n    b = bytearray(300 * 1024 * 1024)\n    for i in range(0, len(b), 4096):\n        b[i] = 1\n    time.sleep(0.5)\n    return len(b)\n",
        "memory = 128\n",
    );
    let out = invoke_local(&d, &["--tail", "--timeout", "30"]);
    out.fails(3, "Runtime.OutOfMemory");
    let err = strip_ansi(&out.stderr);
    let report = err
        .lines()
        .find(|l| l.starts_with("REPORT RequestId:"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        report.ends_with("Status: error\tError Type: Runtime.OutOfMemory"),
        "{report}"
    );
    assert!(
        report.contains("\tMemory Size: 128 MB\tMax Memory Used: "),
        "{report}"
    );
    let used = number_after(report, "Max Memory Used: ");
    assert!(used > 128, "{report}");
    // Within its memory the same function succeeds.
    let d2 = python_fn(
        "def handler(event, context):\n    b = bytearray(20 * 1024 * 1024)\n    return len(b)\n",
        "memory = 256\n",
    );
    invoke_local(&d2, &[]).success();
    let _ = Command::new("true").status();
}

/// A failed init phase is reported, then the init runs once more within the
/// invocation: one INIT_REPORT per attempt, and the module's output (from
/// the second attempt) in the invocation's log tail.
#[test]
fn a_failed_init_is_retried_within_the_invocation() {
    let d = python_fn(
        "print('module level output')\nraise RuntimeError('init failed')\ndef handler(e, c):\n    return 1\n",
        "",
    );
    let out = invoke_local(&d, &["--output", "json", "--tail"]);
    assert_eq!(out.code, 3, "{}", out.stderr);
    let v = out.json();
    let tail = v["log_tail"].as_str().unwrap();
    assert!(tail.starts_with("START RequestId: "), "{tail}");
    assert!(tail.contains("\nmodule level output\n"), "{tail}");
    let reports: Vec<&str> = tail
        .lines()
        .filter(|l| l.starts_with("INIT_REPORT"))
        .collect();
    assert_eq!(reports.len(), 1, "{tail}");
    assert!(
        reports[0].ends_with("\tPhase: invoke\tStatus: error\tError Type: RuntimeError"),
        "{tail}"
    );
    assert!(
        tail.lines()
            .any(|l| l.starts_with("REPORT ")
                && l.ends_with("Status: error\tError Type: RuntimeError")),
        "{tail}"
    );
    assert_eq!(v["payload"]["errorType"], "RuntimeError");
    // The whole log (live on stderr with text output) has both attempts.
    let out = invoke_local(&d, &["--tail"]);
    let err = strip_ansi(&out.stderr);
    assert_eq!(err.matches("module level output").count(), 2, "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("INIT_START ")).count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("\tPhase: init\tStatus: error\tError Type: RuntimeError"),
        "{err}"
    );
    assert!(
        err.contains("\tPhase: invoke\tStatus: error\tError Type: RuntimeError"),
        "{err}"
    );
}
