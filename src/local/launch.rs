//! Starting a runtime process: which program runs (the package's
//! `bootstrap`, or an interpreter with lamctl's embedded runtime client),
//! in which directory, with which environment, in its own process group.

use std::ffi::OsString;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use super::def::{LocalDef, RuntimeClient, RuntimeKind};
use super::report;
use crate::error::{Error, Result};

const PYTHON_SHIM: &str = include_str!("shims/runtime.py");
const NODE_SHIM: &str = include_str!("shims/runtime.js");

/// The program and arguments that run the function's runtime client.
#[derive(Debug, Clone)]
pub struct Launcher {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// LAMBDA_RUNTIME_DIR: where the runtime client's files are (managed runtimes).
    pub runtime_dir: Option<PathBuf>,
}

/// Python runs with `-B`: no bytecode is written into the task root (the
/// cloud's /var/task is read-only, so it gets none either), and `serve
/// --watch` never runs a module whose cached bytecode survived a same-size
/// edit within the same second (the cache checks whole-second mtimes). An
/// option rather than PYTHONDONTWRITEBYTECODE, which the function would see.
///
/// Runs the embedded Python client from LAMBDA_RUNTIME_DIR under its real
/// file name, so its frames are recognised (and left out of stack traces)
/// as awslambdaric's `/var/runtime/bootstrap.py` frames are; `-c` keeps the
/// task root (the working directory) first on sys.path, as in the cloud.
const PYTHON_LOADER: &str = "import os\np = os.path.join(os.environ['LAMBDA_RUNTIME_DIR'], 'bootstrap.py')\nexec(compile(open(p, encoding='utf-8').read(), p, 'exec'))\n";

/// The embedded clients as files in a directory of their own (created
/// once per lamctl build, under the user's cache directory).
fn runtime_dir() -> Result<PathBuf> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(PYTHON_SHIM);
    h.update(NODE_SHIM);
    let id = hex::encode(&h.finalize()[..6]);
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join("lamctl").join(format!("runtime-{id}"));
    for (name, text) in [("bootstrap.py", PYTHON_SHIM), ("runtime.js", NODE_SHIM)] {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
            continue;
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        // Written aside and renamed: a concurrent lamctl never reads half a file.
        let tmp = dir.join(format!(".{name}.{}", std::process::id()));
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    }
    Ok(dir)
}

/// Find what runs `def` and check it can: the interpreter on PATH, the
/// `bootstrap` file's format, awslambdaric's presence. Bad code or a
/// missing interpreter is reported before anything starts.
pub async fn launcher(def: &LocalDef) -> Result<Launcher> {
    match def.kind {
        RuntimeKind::Provided => {
            let program = def.task_root.join("bootstrap");
            check_bootstrap(&program)?;
            Ok(Launcher {
                program,
                args: Vec::new(),
                runtime_dir: None,
            })
        }
        RuntimeKind::Python => {
            let program = python(&def.runtime)?;
            match def.client {
                RuntimeClient::Embedded => Ok(Launcher {
                    program,
                    args: vec!["-B".into(), "-c".into(), PYTHON_LOADER.into()],
                    runtime_dir: Some(runtime_dir()?),
                }),
                RuntimeClient::Official => {
                    let ok = tokio::process::Command::new(&program)
                        .args(["-c", "import awslambdaric"])
                        .env_clear()
                        .envs(passthrough())
                        .stdin(std::process::Stdio::null())
                        .stdout(std::process::Stdio::null())
                        .stderr(std::process::Stdio::null())
                        .status()
                        .await
                        .is_ok_and(|s| s.success());
                    if !ok {
                        return Err(Error::failed(format!(
                            "awslambdaric is not importable by {}",
                            program.display()
                        ))
                        .with_hint(
                            "install it (`python3 -m pip install awslambdaric`) or leave out --runtime-client official",
                        ));
                    }
                    Ok(Launcher {
                        program,
                        args: vec![
                            "-B".into(),
                            "-m".into(),
                            "awslambdaric".into(),
                            def.handler.clone().into(),
                        ],
                        runtime_dir: Some(runtime_dir()?),
                    })
                }
            }
        }
        RuntimeKind::Node => {
            let program = on_path("node").ok_or_else(|| {
                Error::failed(format!(
                    "`node` is not on PATH; {} functions need Node.js",
                    def.runtime
                ))
                .with_hint("install Node.js, or put its bin directory on PATH")
            })?;
            let dir = runtime_dir()?;
            if def.client == RuntimeClient::Official {
                // AWS's client's own command (npm's aws-lambda-ric), run by that node.
                let ric = on_path("aws-lambda-ric").ok_or_else(|| {
                    Error::failed("`aws-lambda-ric` (AWS's Node.js runtime client) is not on PATH")
                        .with_hint("install it (`npm install -g aws-lambda-ric`) or leave out --runtime-client official")
                })?;
                return Ok(Launcher {
                    program,
                    args: vec![ric.into(), def.handler.clone().into()],
                    runtime_dir: Some(dir),
                });
            }
            Ok(Launcher {
                program,
                args: vec![dir.join("runtime.js").into()],
                runtime_dir: Some(dir),
            })
        }
    }
}

/// One line when the interpreter that would run `def` is another version
/// than its runtime (`python3.12` requested, Python 3.11 found): the code
/// still runs, but what works here may not work in the cloud.
pub async fn version_warning(def: &LocalDef) -> Option<String> {
    let (program, want, probe): (PathBuf, String, &[&str]) = match def.kind {
        RuntimeKind::Python => (
            python(&def.runtime).ok()?,
            def.runtime.trim_start_matches("python").to_string(),
            &["-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        ),
        RuntimeKind::Node => (
            on_path("node")?,
            def.runtime
                .trim_start_matches("nodejs")
                .trim_end_matches(".x")
                .to_string(),
            &["-e", "console.log(process.versions.node.split('.')[0])"],
        ),
        RuntimeKind::Provided => return None,
    };
    let out = tokio::process::Command::new(&program)
        .args(probe)
        .env_clear()
        .envs(passthrough())
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .await
        .ok()?;
    let found = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // `nodejs` (no version) and odd outputs are not compared.
    if found.is_empty() || want.is_empty() || found == want {
        return None;
    }
    let lang = if def.kind == RuntimeKind::Python {
        "Python"
    } else {
        "Node.js"
    };
    Some(format!(
        "{} requested, but {} is {lang} {found}: the function runs under {lang} {found} here",
        def.runtime,
        program.display()
    ))
}

/// `python3.12` for a python3.12 function when that exact interpreter is on
/// PATH, else `python3`. pyenv's shims are skipped for the exact name: a
/// shim exists for every installed version but fails unless it is selected.
fn python(runtime: &str) -> Result<PathBuf> {
    let exact = on_path_filtered(runtime, |dir| {
        !dir.to_string_lossy().contains("/.pyenv/shims")
    });
    exact.or_else(|| on_path("python3")).ok_or_else(|| {
        Error::failed(format!("neither {runtime} nor python3 is on PATH"))
            .with_hint("install Python 3, or put its bin directory on PATH")
    })
}

fn on_path(name: &str) -> Option<PathBuf> {
    on_path_filtered(name, |_| true)
}

fn on_path_filtered(name: &str, keep: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|d| keep(d))
        .map(|d| d.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// A custom runtime's `bootstrap` must be an executable for this OS and
/// CPU: an ELF file for Linux and this architecture, or a script with `#!`.
pub fn check_bootstrap(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|_| {
        Error::usage(format!("{} does not exist", path.display())).with_hint(
            "a provided.* function's directory holds an executable named `bootstrap` (build it first)",
        )
    })?;
    if !meta.is_file() {
        return Err(Error::usage(format!("{} is not a file", path.display())));
    }
    let mut head = [0u8; 20];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| Error::io(path, e))?;
    let head = &head[..n];
    let host = std::env::consts::ARCH;
    let what = if head.starts_with(b"#!") {
        None
    } else if head.len() >= 20 && head.starts_with(b"\x7fELF") {
        let machine = u16::from_le_bytes([head[18], head[19]]);
        let arch = match machine {
            62 => "x86_64",
            183 => "aarch64",
            3 => "x86",
            40 => "arm",
            _ => "another CPU",
        };
        // EI_OSABI 0 (System V) and 3 (GNU/Linux) run on Linux.
        let linux = matches!(head[7], 0 | 3);
        if !linux {
            Some("an ELF executable for another operating system".to_string())
        } else if arch != host || head[4] != 2 {
            Some(format!("an ELF executable for {arch}"))
        } else {
            None
        }
    } else if head.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
        || head.starts_with(&[0xca, 0xfe, 0xba, 0xbe])
    {
        Some("a macOS (Mach-O) executable".into())
    } else if head.starts_with(b"MZ") {
        Some("a Windows executable".into())
    } else {
        Some("neither an executable nor a script starting with #!".into())
    };
    if let Some(what) = what {
        return Err(Error::usage(format!(
            "{} is {what}, not an executable for linux/{host}",
            path.display()
        ))
        .with_hint(format!(
            "build the bootstrap for this machine to run it locally (e.g. cargo build --release, target {host}-unknown-linux-gnu)"
        )));
    }
    if meta.permissions().mode() & 0o111 == 0 {
        return Err(
            Error::usage(format!("{} is not executable", path.display()))
                .with_hint(format!("chmod +x {}", path.display())),
        );
    }
    Ok(())
}

/// The user's variables a local interpreter may need to start (pyenv and
/// version managers find their files through them). Nothing else of
/// lamctl's environment reaches the function.
fn passthrough() -> Vec<(String, OsString)> {
    ["PATH", "HOME", "PYENV_ROOT", "PYENV_VERSION"]
        .iter()
        .filter_map(|k| std::env::var_os(k).map(|v| (k.to_string(), v)))
        .collect()
}

/// The function's environment: a cleared one with the Lambda variables,
/// the function's own variables and the resolved credentials.
pub fn environment(
    def: &LocalDef,
    api: SocketAddr,
    runtime_dir: Option<&Path>,
) -> Vec<(String, OsString)> {
    let mut env: Vec<(String, OsString)> = passthrough();
    let mut set = |k: &str, v: OsString| {
        env.retain(|(x, _)| x != k);
        env.push((k.to_string(), v));
    };
    for (k, v) in &def.environment {
        set(k, v.into());
    }
    let root = def.task_root.as_os_str().to_os_string();
    let lambda: [(&str, OsString); 13] = [
        ("_HANDLER", def.handler.clone().into()),
        ("LAMBDA_TASK_ROOT", root.clone()),
        ("AWS_LAMBDA_FUNCTION_NAME", def.name.clone().into()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
        (
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
            def.memory_mb.to_string().into(),
        ),
        ("AWS_LAMBDA_LOG_GROUP_NAME", def.log_group.clone().into()),
        (
            "AWS_LAMBDA_LOG_STREAM_NAME",
            report::log_stream_name().into(),
        ),
        ("AWS_LAMBDA_RUNTIME_API", api.to_string().into()),
        ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand".into()),
        ("AWS_REGION", def.region.clone().into()),
        ("AWS_DEFAULT_REGION", def.region.clone().into()),
        ("TZ", ":UTC".into()),
        ("LANG", "en_US.UTF-8".into()),
    ];
    for (k, v) in lambda {
        set(k, v);
    }
    if let Some(d) = runtime_dir {
        set("LAMBDA_RUNTIME_DIR", d.as_os_str().to_os_string());
    }
    match def.kind {
        RuntimeKind::Python => {
            set(
                "AWS_EXECUTION_ENV",
                format!("AWS_Lambda_{}", def.runtime).into(),
            );
            set("PYTHONUNBUFFERED", "1".into());
            set("PYTHONPATH", root);
        }
        RuntimeKind::Node => {
            set(
                "AWS_EXECUTION_ENV",
                format!("AWS_Lambda_{}", def.runtime).into(),
            );
            set("NODE_PATH", root);
        }
        RuntimeKind::Provided => {}
    }
    if let Some(c) = &def.credentials {
        set("AWS_ACCESS_KEY_ID", c.access_key_id.clone().into());
        set("AWS_SECRET_ACCESS_KEY", c.secret_access_key.clone().into());
        if let Some(t) = &c.session_token {
            set("AWS_SESSION_TOKEN", t.clone().into());
        }
    }
    env
}

/// Peak resident memory of the runtime process and its descendants, in
/// bytes (VmHWM of each, from /proc). Without /proc: 0, and the REPORT
/// line falls back to [`waited_children_max_rss`] once the process exits.
#[cfg(not(target_os = "linux"))]
pub fn peak_rss(_pid: i32) -> u64 {
    0
}

#[cfg(target_os = "linux")]
pub fn peak_rss(pid: i32) -> u64 {
    let mut total = 0;
    let mut stack = vec![pid];
    let mut seen = 0;
    while let Some(p) = stack.pop() {
        seen += 1;
        if seen > 4096 {
            break;
        }
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{p}/status")) {
            total += status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                .unwrap_or(0)
                * 1024;
        }
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) {
            for t in tasks.flatten() {
                if let Ok(children) = std::fs::read_to_string(t.path().join("children")) {
                    stack.extend(
                        children
                            .split_whitespace()
                            .filter_map(|c| c.parse::<i32>().ok()),
                    );
                }
            }
        }
    }
    total
}

/// The largest RSS of any child lamctl has waited for (the runtime after
/// it exited, when /proc no longer has it).
pub fn waited_children_max_rss() -> u64 {
    // SAFETY: rusage is a plain C struct of integers; all zeros is a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: ru is a live, writable rusage that getrusage fills.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut ru) } == 0 {
        // Kilobytes, except on Apple's systems (bytes).
        let unit = if cfg!(target_vendor = "apple") {
            1
        } else {
            1024
        };
        (ru.ru_maxrss.max(0) as u64) * unit
    } else {
        0
    }
}

/// What the platform says about a runtime that exited on its own: exit
/// status 0 is "without providing a reason".
pub fn exit_message(status: &std::process::ExitStatus) -> String {
    if status.code() == Some(0) {
        "Runtime exited without providing a reason".into()
    } else {
        format!("Runtime exited with error: {}", describe_exit(status))
    }
}

/// `exit status 1`, `signal: killed`: how the cloud words a runtime's exit.
pub fn describe_exit(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    if let Some(c) = status.code() {
        return format!("exit status {c}");
    }
    match status.signal() {
        Some(libc::SIGKILL) => "signal: killed".into(),
        Some(libc::SIGSEGV) => "signal: segmentation fault".into(),
        Some(libc::SIGABRT) => "signal: aborted".into(),
        Some(libc::SIGTERM) => "signal: terminated".into(),
        Some(libc::SIGBUS) => "signal: bus error".into(),
        Some(libc::SIGILL) => "signal: illegal instruction".into(),
        Some(libc::SIGFPE) => "signal: floating point exception".into(),
        Some(libc::SIGINT) => "signal: interrupt".into(),
        Some(s) => format!("signal: {s}"),
        None => "exit status unknown".into(),
    }
}

/// Signal the whole process group led by `pgid`.
pub fn kill_group(pgid: i32, signal: i32) {
    if pgid > 0 {
        // SAFETY: kill(2) takes integers only and touches no memory.
        unsafe {
            libc::kill(-pgid, signal);
        }
    }
}

/// True while the leader has not exited (a zombie counts as exited).
#[cfg(target_os = "linux")]
pub fn leader_running(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            // The state follows the parenthesised command name.
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, r)| r.trim_start().chars().next());
            !matches!(state, Some('Z' | 'X') | None)
        }
        Err(_) => false,
    }
}

/// Without /proc: the leader (lamctl's child) exists and waitid does not
/// report it exited. WNOWAIT leaves the zombie for tokio to reap.
#[cfg(not(target_os = "linux"))]
pub fn leader_running(pid: i32) -> bool {
    // SAFETY: kill(pid, 0) only checks the process exists; integers only.
    if pid <= 0 || unsafe { libc::kill(pid, 0) } != 0 {
        return false;
    }
    // SAFETY: siginfo_t is a plain C struct; all zeros is a valid value.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: info is a live, writable siginfo_t that waitid fills; WNOHANG
    // never blocks and WNOWAIT reaps nothing.
    let r = unsafe {
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
        )
    };
    // SAFETY: waitid returned 0, so info holds either nothing (si_pid 0: not
    // exited) or the exited child.
    r != 0 || unsafe { info.si_pid() } == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bootstrap_formats_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bootstrap");
        std::fs::write(&p, b"\xcf\xfa\xed\xfe\x07\x00\x00\x01rest-of-mach-o-header").unwrap();
        let e = check_bootstrap(&p).unwrap_err();
        assert!(e.to_string().contains("macOS (Mach-O)"), "{e}");
        std::fs::write(&p, b"just text").unwrap();
        assert!(
            check_bootstrap(&p)
                .unwrap_err()
                .to_string()
                .contains("neither an executable")
        );
        // An ELF header for the other architecture.
        let other: u16 = if std::env::consts::ARCH == "x86_64" {
            183
        } else {
            62
        };
        let mut elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00".to_vec();
        elf.extend(other.to_le_bytes());
        std::fs::write(&p, &elf).unwrap();
        assert!(
            check_bootstrap(&p)
                .unwrap_err()
                .to_string()
                .contains("an ELF executable for")
        );
        std::fs::write(&p, b"#!/bin/sh\necho hi\n").unwrap();
        let e = check_bootstrap(&p).unwrap_err();
        assert!(e.to_string().contains("is not executable"), "{e}");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        check_bootstrap(&p).unwrap();
        // This test binary itself is a native executable.
        check_bootstrap(&std::env::current_exe().unwrap()).unwrap();
    }

    #[test]
    fn exits_are_worded_like_the_cloud() {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            describe_exit(&std::process::ExitStatus::from_raw(3 << 8)),
            "exit status 3"
        );
        assert_eq!(
            describe_exit(&std::process::ExitStatus::from_raw(9)),
            "signal: killed"
        );
    }
}
