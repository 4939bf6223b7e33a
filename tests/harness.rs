#![allow(dead_code)]
//! Shared test harness: one moto server per test binary, the real lamctl
//! binary run in an isolated environment, and small HTTP helpers.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

/// The moto server shared by every test in this binary.
pub struct Moto {
    pub endpoint: String,
}

/// Start moto once (on a free 127.0.0.1 port, Lambda in its no-Docker
/// mode). It is killed when the test process exits. Never skips: if moto
/// is missing the test fails and says how to install it.
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(|| {
        let exe = moto_server_path();
        let port = free_port();
        let (tx, rx) = std::sync::mpsc::channel();
        // moto dies with the thread that started it (PR_SET_PDEATHSIG), so
        // that thread lives as long as the test process.
        std::thread::spawn(move || {
            let mut cmd = Command::new(&exe);
            // AWS-managed IAM policies (AWSLambdaBasicExecutionRole) exist
            // in real IAM; moto loads them only when asked.
            cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            #[cfg(target_os = "linux")]
            unsafe {
                use std::os::unix::process::CommandExt;
                cmd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    Ok(())
                });
            }
            let child = cmd.spawn();
            let _ = tx.send(child.as_ref().map(|_| ()).map_err(|e| format!("{e}")));
            let _keep = child;
            loop {
                std::thread::park();
            }
        });
        rx.recv().expect("moto thread").unwrap_or_else(|e| {
            panic!(
                "cannot start {}: {e}; run scripts/test, which installs moto",
                moto_server_path().display()
            )
        });
        let endpoint = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok((200, _)) = http("GET", &format!("{endpoint}/moto-api/"), b"") {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer on {endpoint} within 60s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let (status, body) = http(
            "POST",
            &format!("{endpoint}/moto-api/config"),
            br#"{"lambda": {"use_docker": false}}"#,
        )
        .expect("configure moto");
        let body = String::from_utf8_lossy(&body);
        assert!(
            (200..300).contains(&status) && body.contains(r#""lambda": {"use_docker": false}"#),
            "moto config: {status} {body}"
        );
        Moto { endpoint }
    })
}

fn moto_server_path() -> PathBuf {
    if let Some(p) = std::env::var_os("LAMCTL_MOTO_SERVER") {
        return PathBuf::from(p);
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    if local.exists() {
        return local;
    }
    panic!(
        "moto_server not found at {} and LAMCTL_MOTO_SERVER is not set: run scripts/test, which installs it",
        local.display()
    );
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A minimal HTTP/1.1 exchange (Connection: close) for talking to moto's
/// control API; the SDK is used for everything AWS.
pub fn http(method: &str, url: &str, body: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
    let rest = url.strip_prefix("http://").expect("http url");
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    let mut s = TcpStream::connect(host)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    s.write_all(body)?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp)?;
    let text = String::from_utf8_lossy(&resp);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other("bad HTTP response"))?;
    let body_at = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(resp.len(), |i| i + 4);
    Ok((status, resp[body_at..].to_vec()))
}

/// A TCP endpoint that counts connections and answers 500: proof that a
/// bad-input run made no AWS call.
pub struct Sink {
    pub endpoint: String,
    connections: Arc<AtomicUsize>,
}

impl Sink {
    pub fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let c = Arc::clone(&connections);
        std::thread::spawn(move || {
            for s in listener.incoming() {
                let Ok(mut s) = s else { continue };
                c.fetch_add(1, Ordering::SeqCst);
                let _ = s.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            }
        });
        Sink {
            endpoint,
            connections,
        }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// The result of one lamctl run.
#[derive(Debug)]
pub struct Out {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Out {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                self.stdout(),
                self.stderr
            )
        })
    }

    #[track_caller]
    pub fn success(&self) -> &Self {
        assert_eq!(
            self.code,
            0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout(),
            self.stderr
        );
        self
    }

    /// The same run with colour and other escape sequences (CSI) removed
    /// from stderr, to check the text of coloured output.
    pub fn plain(&self) -> Out {
        Out {
            code: self.code,
            stdout: self.stdout.clone(),
            stderr: strip_ansi(&self.stderr),
        }
    }

    /// A clean failure: the exit code, `error: …` naming `needle`, at most a
    /// `hint: …` line after it, no panic and no Debug dump.
    #[track_caller]
    pub fn fails(&self, code: i32, needle: &str) -> &Self {
        assert_eq!(
            self.code,
            code,
            "exit code\nstdout: {}\nstderr: {}",
            self.stdout(),
            self.stderr
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        let err_at = lines
            .iter()
            .position(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("no `error:` line in stderr: {}", self.stderr));
        let rest = &lines[err_at + 1..];
        assert!(
            rest.len() <= 1 && rest.iter().all(|l| l.starts_with("hint: ")),
            "more than error + hint: {}",
            self.stderr
        );
        assert!(
            lines[err_at].contains(needle),
            "error line does not mention {needle:?}: {}",
            self.stderr
        );
        for bad in [
            "panicked",
            "RUST_BACKTRACE",
            "Error {",
            "Some(",
            "source:",
            "DispatchFailure",
            "ServiceError",
        ] {
            assert!(
                !self.stderr.contains(bad),
                "stderr contains {bad:?}: {}",
                self.stderr
            );
        }
        self
    }
}

/// `s` without CSI escape sequences (`ESC [ … final-byte`).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in @..=~.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A lamctl run being set up: real binary, cleared environment, throwaway
/// credentials, AWS config files pointing into a temp home.
pub struct Lamctl {
    cmd: Command,
    stdin: Option<Vec<u8>>,
    pub home: tempfile::TempDir,
}

pub fn lamctl<I, S>(args: I) -> Lamctl
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lamctl"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", home.path().join("aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("aws-credentials"),
        )
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // Never the real package cache: each run gets its own, unless a
        // test points runs at a shared one.
        .env("LAMCTL_CACHE_DIR", home.path().join("cache"))
        .current_dir(home.path());
    Lamctl {
        cmd,
        stdin: None,
        home,
    }
}

impl Lamctl {
    pub fn env(mut self, k: &str, v: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.env(k, v);
        self
    }

    pub fn env_remove(mut self, k: &str) -> Self {
        self.cmd.env_remove(k);
        self
    }

    /// Run with RLIMIT_FSIZE at `bytes` (SIGXFSZ ignored): a write past it
    /// fails with EFBIG, as on a full disk.
    pub fn file_size_limit(mut self, bytes: u64) -> Self {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec, only async-signal-safe calls
        // (signal, setrlimit) on this process's own state.
        unsafe {
            self.cmd.pre_exec(move || {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let lim = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: bytes,
                };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        self
    }

    pub fn dir(mut self, d: impl AsRef<Path>) -> Self {
        self.cmd.current_dir(d);
        self
    }

    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(data.into());
        self
    }

    /// Point at the shared moto with a region, through flags.
    pub fn moto(mut self) -> Self {
        self.cmd
            .args(["--endpoint-url", &moto().endpoint, "--region", REGION]);
        self
    }

    pub fn aws_config(self, text: &str) -> Self {
        std::fs::write(self.home.path().join("aws-config"), text).unwrap();
        self
    }

    pub fn aws_credentials(self, text: &str) -> Self {
        std::fs::write(self.home.path().join("aws-credentials"), text).unwrap();
        self
    }

    /// Run with stdout a pipe whose reader is already gone, as in
    /// `lamctl … | head -c0`: every write to stdout fails with EPIPE.
    pub fn run_closed_stdout(mut self) -> Out {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = self
            .cmd
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .expect("run lamctl");
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: Vec::new(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    /// Start it without waiting (stdout and stderr piped), e.g. to send a signal.
    pub fn spawn(mut self) -> (std::process::Child, tempfile::TempDir) {
        self.cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null());
        (self.cmd.spawn().expect("run lamctl"), self.home)
    }

    pub fn run(mut self) -> Out {
        self.cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        self.cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        let mut child = self.cmd.spawn().expect("run lamctl");
        if let Some(data) = self.stdin.take() {
            let mut w = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = w.write_all(&data);
            });
        }
        let o = child.wait_with_output().expect("wait for lamctl");
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: o.stdout,
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Which of lamctl's streams a pseudo-terminal stands in for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tty {
    /// stderr on the terminal, stdout a pipe (`lamctl … | jq` at a shell).
    Stderr,
    /// Both on the terminal (`lamctl …` at a shell).
    StdoutAndStderr,
    /// stdin, stdout and stderr on the terminal: `stdin` data is typed
    /// into it (a prompt's answer).
    All,
}

impl Lamctl {
    /// Run as at an interactive shell, with stderr (and, with
    /// `Tty::StdoutAndStderr`, stdout) on a pseudo-terminal: what colour and
    /// progress depend on. `Out::stderr` is what the terminal showed, with
    /// the terminal's "\r\n" as "\n"; `Out::stdout` is what went to the pipe
    /// (empty when stdout was the terminal). TERM is xterm-256color unless
    /// the test set it. The test fails if lamctl runs for over 60 s.
    pub fn run_tty(self, tty: Tty) -> Out {
        use std::os::fd::AsRawFd;

        let Lamctl {
            mut cmd,
            stdin,
            home: _home,
        } = self;
        let (master, slave) = openpty();
        if !cmd.get_envs().any(|(k, _)| k == "TERM") {
            cmd.env("TERM", "xterm-256color");
        }
        cmd.stderr(Stdio::from(slave.try_clone().expect("dup pty")));
        cmd.stdout(match tty {
            Tty::Stderr => Stdio::piped(),
            Tty::StdoutAndStderr | Tty::All => Stdio::from(slave.try_clone().expect("dup pty")),
        });
        cmd.stdin(match (tty, stdin.is_some()) {
            (Tty::All, _) => Stdio::from(slave.try_clone().expect("dup pty")),
            (_, true) => Stdio::piped(),
            (_, false) => Stdio::null(),
        });
        let mut child = cmd.spawn().expect("run lamctl");
        // The Command keeps its copies of the terminal's fds: close them and
        // ours, so the master reads EOF (EIO) once lamctl is gone.
        drop(cmd);
        drop(slave);
        match (tty, stdin) {
            (Tty::All, Some(data)) => {
                // Typed at the terminal: the line discipline hands it to
                // lamctl's stdin (and echoes it).
                let mut w = std::fs::File::from(master.try_clone().expect("dup pty"));
                let _ = w.write_all(&data);
            }
            (_, Some(data)) => {
                let mut w = child.stdin.take().unwrap();
                std::thread::spawn(move || {
                    let _ = w.write_all(&data);
                });
            }
            (_, None) => {}
        }
        let piped = child.stdout.take().map(|mut out| {
            std::thread::spawn(move || {
                let mut v = Vec::new();
                let _ = out.read_to_end(&mut v);
                v
            })
        });

        let deadline = Instant::now() + Duration::from_secs(60);
        let mut master = std::fs::File::from(master);
        let mut shown = Vec::new();
        let mut buf = [0u8; 4096];
        let mut status = None;
        loop {
            if status.is_none() && Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "lamctl on a terminal ran for over 60 s; it showed: {}",
                    String::from_utf8_lossy(&shown)
                );
            }
            let mut pfd = libc::pollfd {
                fd: master.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            };
            if unsafe { libc::poll(&mut pfd, 1, 100) } > 0 {
                match master.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        shown.extend_from_slice(&buf[..n]);
                        continue;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    // EIO: every copy of the terminal's slave side is closed.
                    Err(_) => break,
                }
            }
            // Quiet for 100 ms after lamctl exited: all it wrote has been
            // read. (A child of another test that inherited the slave fd in
            // the moment before it was marked close-on-exec would otherwise
            // keep the terminal open.)
            if status.is_some() {
                break;
            }
            status = child.try_wait().expect("wait for lamctl");
        }
        let status = match status {
            Some(s) => s,
            None => wait_until(&mut child, deadline),
        };
        Out {
            code: status.code().unwrap_or(-1),
            stdout: piped.map(|t| t.join().unwrap()).unwrap_or_default(),
            stderr: String::from_utf8_lossy(&shown).replace("\r\n", "\n"),
        }
    }
}

/// A pseudo-terminal (80x24): (master, slave), both close-on-exec so only
/// the child that is given the slave holds it.
fn openpty() -> (std::os::fd::OwnedFd, std::os::fd::OwnedFd) {
    use std::os::fd::FromRawFd;

    let (mut master, mut slave) = (-1, -1);
    let size = libc::winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            // *const on Linux, *mut on macOS: a pointer openpty only reads.
            (&raw const size).cast_mut(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    for fd in [master, slave] {
        let rc = unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
        assert_eq!(rc, 0, "fcntl: {}", std::io::Error::last_os_error());
    }
    unsafe {
        (
            std::os::fd::OwnedFd::from_raw_fd(master),
            std::os::fd::OwnedFd::from_raw_fd(slave),
        )
    }
}

/// Wait for a child that closed its output, failing the test (and killing
/// it) past the deadline.
fn wait_until(child: &mut std::process::Child, deadline: Instant) -> std::process::ExitStatus {
    loop {
        if let Some(s) = child.try_wait().expect("wait for lamctl") {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("lamctl closed its terminal but did not exit within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// An SDK config aimed at moto, for checking state independently of lamctl.
pub async fn sdk() -> aws_config::SdkConfig {
    let creds = aws_credential_types::Credentials::new("testing", "testing", None, None, "tests");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(lamctl::aws::https::client())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(&moto().endpoint)
        .credentials_provider(creds)
        .load()
        .await
}

pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The trust policy of a Lambda execution role.
pub const LAMBDA_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// Create the execution role `name` in moto; its ARN.
pub async fn create_role_async(name: &str) -> String {
    aws_sdk_iam::Client::new(&sdk().await)
        .create_role()
        .role_name(name)
        .assume_role_policy_document(LAMBDA_TRUST)
        .send()
        .await
        .unwrap()
        .role()
        .unwrap()
        .arn()
        .to_string()
}

pub fn create_role(name: &str) -> String {
    rt().block_on(create_role_async(name))
}

/// A Python function directory: `app.py` returning its event, and a
/// lamctl.toml naming the function, its role and a few settings.
pub fn python_function_dir(name: &str, role: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "def handler(event, context):\n    return event\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("lamctl.toml"),
        format!(
            "name = \"{name}\"\nruntime = \"python3.12\"\nhandler = \"app.handler\"\nrole = \"{role}\"\nmemory = 128\ntimeout = 3\n\n[environment]\nSTAGE = \"test\"\n\n[tags]\nteam = \"core\"\n"
        ),
    )
    .unwrap();
    dir
}

/// `f` with a Lambda client for moto, run to completion.
pub fn lambda<T>(f: impl AsyncFnOnce(aws_sdk_lambda::Client) -> T) -> T {
    rt().block_on(async { f(aws_sdk_lambda::Client::new(&sdk().await)).await })
}

/// `f` with an IAM client for moto, run to completion.
pub fn iam<T>(f: impl AsyncFnOnce(aws_sdk_iam::Client) -> T) -> T {
    rt().block_on(async { f(aws_sdk_iam::Client::new(&sdk().await)).await })
}

/// The function's published versions (not `$LATEST`), oldest first.
pub fn published_versions(function: &str) -> Vec<String> {
    let f = function.to_string();
    lambda(async move |l| {
        let mut v: Vec<String> = l
            .list_versions_by_function()
            .function_name(f)
            .send()
            .await
            .unwrap()
            .versions()
            .iter()
            .filter_map(|v| v.version().map(String::from))
            .filter(|v| v != "$LATEST")
            .collect();
        v.sort_by_key(|s| s.parse::<u64>().unwrap());
        v
    })
}

/// The function's reserved concurrency, as read back from moto.
pub fn reserved_concurrency(function: &str) -> Option<i32> {
    let f = function.to_string();
    lambda(async move |l| {
        l.get_function_concurrency()
            .function_name(f)
            .send()
            .await
            .unwrap()
            .reserved_concurrent_executions()
    })
}

/// The managed policies attached to a role, sorted.
pub fn attached_policies(role: &str) -> Vec<String> {
    let role = role.to_string();
    let mut v: Vec<String> = iam(async move |c| {
        c.list_attached_role_policies()
            .role_name(role)
            .send()
            .await
            .unwrap()
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(String::from))
            .collect()
    });
    v.sort();
    v
}

/// lamctl's inline policy document (`lamctl-allow`) on a role, if any.
pub fn inline_policy(role: &str) -> Option<serde_json::Value> {
    let role = role.to_string();
    iam(async move |c| {
        let out = c
            .get_role_policy()
            .role_name(role)
            .policy_name("lamctl-allow")
            .send()
            .await
            .ok()?;
        let text = percent_encoding::percent_decode_str(out.policy_document())
            .decode_utf8()
            .unwrap()
            .to_string();
        Some(serde_json::from_str(&text).unwrap())
    })
}

/// A unique name per test so tests can share one moto.
pub fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// One HTTP request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The AWS JSON/query operation name when the protocol puts it in a
    /// header (X-Amz-Target: Logs_20140328.FilterLogEvents -> FilterLogEvents).
    pub fn target(&self) -> Option<&str> {
        self.header("x-amz-target")
            .map(|t| t.rsplit('.').next().unwrap_or(t))
    }
}

/// A canned HTTP response.
#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Canned {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Canned {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }

    /// An AWS REST-JSON style error: status, x-amzn-ErrorType and a message.
    pub fn aws_error(status: u16, code: &str, message: &str) -> Self {
        Canned::new(
            status,
            format!(r#"{{"__type":"{code}","message":"{message}","Message":"{message}"}}"#),
        )
        .header("Content-Type", "application/json")
        .header("x-amzn-ErrorType", code)
    }
}

type Matcher = Box<dyn Fn(&Request) -> bool + Send>;

struct Rule {
    matches: Matcher,
    response: Canned,
    /// How many more times it applies (None: always).
    remaining: Option<usize>,
}

/// A recording, fault-injecting HTTP proxy between lamctl and moto (or,
/// with no upstream, a fake server that answers only injected responses
/// and 500 otherwise). Every request is recorded, so a test can count the
/// calls lamctl made, and a rule can answer a matching request instead of
/// the upstream: an update in progress, throttling, a function error.
pub struct Proxy {
    pub endpoint: String,
    log: Arc<std::sync::Mutex<Vec<Request>>>,
    rules: Arc<std::sync::Mutex<Vec<Rule>>>,
    delays: Arc<std::sync::Mutex<Vec<(Matcher, Duration)>>>,
    faults: Arc<std::sync::Mutex<Faults>>,
}

impl Proxy {
    /// In front of the shared moto.
    pub fn moto() -> Proxy {
        Proxy::start(Some(moto().endpoint.clone()))
    }

    pub fn start(upstream: Option<String>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(std::sync::Mutex::new(Vec::new()));
        let rules: Arc<std::sync::Mutex<Vec<Rule>>> = Arc::new(std::sync::Mutex::new(Vec::new()));
        let delays: Arc<std::sync::Mutex<Vec<(Matcher, Duration)>>> =
            Arc::new(std::sync::Mutex::new(Vec::new()));
        let faults = Arc::new(std::sync::Mutex::new(Faults::default()));
        let (l, r, d, f) = (
            Arc::clone(&log),
            Arc::clone(&rules),
            Arc::clone(&delays),
            Arc::clone(&faults),
        );
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (l, r, d, f, up) = (
                    Arc::clone(&l),
                    Arc::clone(&r),
                    Arc::clone(&d),
                    Arc::clone(&f),
                    upstream.clone(),
                );
                std::thread::spawn(move || serve_conn(conn, &l, &r, &d, &f, up.as_deref()));
            }
        });
        Proxy {
            endpoint,
            log,
            rules,
            delays,
            faults,
        }
    }

    /// Answer requests matching `matches` with `fault`, `times` times (None:
    /// always); the newest matching rule wins, before any `inject` rule.
    pub fn fault(
        &self,
        matches: impl Fn(&Request) -> bool + Send + 'static,
        fault: Fault,
        times: Option<usize>,
    ) {
        self.faults.lock().unwrap().rules.push(FaultRule {
            matches: Box::new(matches),
            fault,
            remaining: times,
        });
    }

    /// Seeded random faults: each request matching `matches` gets one of
    /// `kinds` with probability `rate` (the same sequence for the same seed
    /// and the same requests). `rate` 0 turns it off.
    pub fn random_faults(
        &self,
        seed: u64,
        rate: f64,
        kinds: &[Fault],
        matches: impl Fn(&Request) -> bool + Send + 'static,
    ) {
        let mut f = self.faults.lock().unwrap();
        f.random = (rate > 0.0).then(|| RandomFaults {
            rng: Rng::new(seed),
            rate,
            kinds: kinds.to_vec(),
            matches: Box::new(matches),
        });
    }

    /// How many faults of each kind were injected so far.
    pub fn fault_counts(&self) -> std::collections::BTreeMap<Fault, usize> {
        self.faults.lock().unwrap().counts.clone()
    }

    /// How long a `Fault::Timeout` holds a request before closing it.
    pub fn set_timeout_hold(&self, hold: Duration) {
        self.faults.lock().unwrap().hold = Some(hold);
    }

    /// Hold matching requests for `delay` before answering them.
    pub fn delay(&self, matches: impl Fn(&Request) -> bool + Send + 'static, delay: Duration) {
        self.delays.lock().unwrap().push((Box::new(matches), delay));
    }

    /// Answer requests matching `matches` with `response`, `times` times
    /// (None: always). The newest matching rule wins.
    pub fn inject(
        &self,
        matches: impl Fn(&Request) -> bool + Send + 'static,
        response: Canned,
        times: Option<usize>,
    ) {
        self.rules.lock().unwrap().push(Rule {
            matches: Box::new(matches),
            response,
            remaining: times,
        });
    }

    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }

    pub fn count(&self, pred: impl Fn(&Request) -> bool) -> usize {
        self.log.lock().unwrap().iter().filter(|r| pred(r)).count()
    }

    pub fn clear(&self) {
        self.log.lock().unwrap().clear();
    }
}

fn serve_conn(
    mut conn: TcpStream,
    log: &std::sync::Mutex<Vec<Request>>,
    rules: &std::sync::Mutex<Vec<Rule>>,
    delays: &std::sync::Mutex<Vec<(Matcher, Duration)>>,
    faults: &std::sync::Mutex<Faults>,
    upstream: Option<&str>,
) {
    let _ = conn.set_nodelay(true);
    let mut reader = std::io::BufReader::new(conn.try_clone().unwrap());
    while let Some(req) = read_request(&mut reader) {
        log.lock().unwrap().push(req.clone());
        let (fault, hold) = {
            let mut f = faults.lock().unwrap();
            (f.pick(&req), f.hold)
        };
        // A fault answers instead of the upstream: the request never
        // reaches moto, so a retry of it is safe, as with a real 5xx.
        match fault {
            Some(Fault::Reset) => {
                reset(&conn);
                return;
            }
            Some(Fault::Timeout) => {
                std::thread::sleep(hold.unwrap_or(Duration::from_secs(5)));
                return;
            }
            Some(f) => {
                if write_response(&mut conn, &f.response(&req)).is_err() {
                    return;
                }
                continue;
            }
            None => {}
        }
        let pause = delays
            .lock()
            .unwrap()
            .iter()
            .find(|(m, _)| m(&req))
            .map(|(_, d)| *d);
        if let Some(d) = pause {
            std::thread::sleep(d);
        }
        let canned = {
            let mut rules = rules.lock().unwrap();
            let hit = rules
                .iter_mut()
                .rev()
                .find(|r| r.remaining != Some(0) && (r.matches)(&req));
            hit.map(|r| {
                if let Some(n) = r.remaining.as_mut() {
                    *n -= 1;
                }
                r.response.clone()
            })
        };
        let resp = match (canned, upstream) {
            (Some(c), _) => c,
            (None, Some(up)) => {
                forward(up, &req).unwrap_or_else(|e| Canned::new(502, format!("proxy: {e}")))
            }
            (None, None) => Canned::new(500, "no canned response for this request"),
        };
        if write_response(&mut conn, &resp).is_err() {
            return;
        }
    }
}

fn read_head(r: &mut impl std::io::BufRead) -> Option<(String, Vec<(String, String)>)> {
    let mut first = String::new();
    if r.read_line(&mut first).ok()? == 0 {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Some((first.trim_end().to_string(), headers))
}

fn read_body(
    r: &mut impl std::io::BufRead,
    headers: &[(String, String)],
    until_eof: bool,
) -> Option<Vec<u8>> {
    let get = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.clone())
    };
    if get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        let mut body = Vec::new();
        loop {
            let mut size = String::new();
            r.read_line(&mut size).ok()?;
            let n = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            if n == 0 {
                let mut end = String::new();
                r.read_line(&mut end).ok()?;
                return Some(body);
            }
            let mut chunk = vec![0; n + 2];
            r.read_exact(&mut chunk).ok()?;
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(len) = get("content-length").and_then(|v| v.parse::<usize>().ok()) {
        let mut body = vec![0; len];
        r.read_exact(&mut body).ok()?;
        Some(body)
    } else if until_eof {
        let mut body = Vec::new();
        r.read_to_end(&mut body).ok()?;
        Some(body)
    } else {
        Some(Vec::new())
    }
}

fn read_request(r: &mut impl std::io::BufRead) -> Option<Request> {
    let (first, headers) = read_head(r)?;
    let mut parts = first.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let body = read_body(r, &headers, false)?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn forward(upstream: &str, req: &Request) -> std::io::Result<Canned> {
    let host = upstream.strip_prefix("http://").unwrap_or(upstream);
    let mut s = TcpStream::connect(host)?;
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method, req.path);
    for (k, v) in &req.headers {
        let k_l = k.to_ascii_lowercase();
        if k_l == "connection" || k_l == "transfer-encoding" || k_l == "content-length" {
            continue;
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        req.body.len()
    ));
    s.write_all(head.as_bytes())?;
    s.write_all(&req.body)?;
    let mut r = std::io::BufReader::new(s);
    let (status_line, headers) =
        read_head(&mut r).ok_or_else(|| std::io::Error::other("no response head"))?;
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(502);
    // A HEAD response announces a length but has no body: keep its header.
    let head_request = req.method == "HEAD";
    let body = if head_request {
        Vec::new()
    } else {
        read_body(&mut r, &headers, true)
            .ok_or_else(|| std::io::Error::other("bad response body"))?
    };
    let dropped: &[&str] = if head_request {
        &["connection", "transfer-encoding"]
    } else {
        &["connection", "transfer-encoding", "content-length"]
    };
    let headers = headers
        .into_iter()
        .filter(|(k, _)| !dropped.contains(&k.to_ascii_lowercase().as_str()))
        .collect();
    Ok(Canned {
        status,
        headers,
        body,
    })
}

fn write_response(conn: &mut TcpStream, c: &Canned) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} X\r\n", c.status);
    for (k, v) in &c.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !c
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", c.body.len()));
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes())?;
    conn.write_all(&c.body)?;
    conn.flush()
}

/// An endpoint that accepts connections and never answers (they are held
/// open for the life of the test process).
pub fn silent_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let ep = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in listener.incoming().take(16).flatten() {
            held.push(c);
        }
        std::thread::park();
    });
    ep
}

/// `n` pseudo-random (incompressible) bytes, the same on every run.
pub fn pseudo_random(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// A kind of failure the proxy can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fault {
    /// 500 InternalFailure / InternalError.
    Http500,
    /// 503 ServiceUnavailable.
    Http503,
    /// 429 ThrottlingException.
    Throttling,
    /// 429 TooManyRequestsException (Lambda's throttling code).
    TooManyRequests,
    /// 409 ResourceConflictException (an update in progress).
    Conflict,
    /// A 502 HTML page, as a load balancer or corporate proxy sends.
    Html502,
    /// The connection reset (RST) without an answer.
    Reset,
    /// No answer until past the client's timeout, then the connection closed.
    Timeout,
}

impl Fault {
    pub const ALL: [Fault; 8] = [
        Fault::Http500,
        Fault::Http503,
        Fault::Throttling,
        Fault::TooManyRequests,
        Fault::Conflict,
        Fault::Html502,
        Fault::Reset,
        Fault::Timeout,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Fault::Http500 => "500",
            Fault::Http503 => "503",
            Fault::Throttling => "429 ThrottlingException",
            Fault::TooManyRequests => "429 TooManyRequestsException",
            Fault::Conflict => "409 ResourceConflictException",
            Fault::Html502 => "502 HTML",
            Fault::Reset => "connection reset",
            Fault::Timeout => "no answer (timeout)",
        }
    }

    /// Whether the service could answer `req` this way: Lambda answers
    /// "an update is in progress" only to a change of a function.
    fn fits(self, req: &Request) -> bool {
        match self {
            Fault::Conflict => {
                req.method != "GET" && req.method != "HEAD" && req.path.starts_with("/20")
            }
            _ => true,
        }
    }

    /// The answer, in the request's protocol: JSON for Lambda/Logs
    /// (REST-JSON, X-Amz-Target), query XML for IAM/STS, XML for S3.
    fn response(self, req: &Request) -> Canned {
        let (status, code, message) = match self {
            Fault::Http500 => (500, "ServiceException", "injected internal failure"),
            Fault::Http503 => (
                503,
                "ServiceUnavailableException",
                "injected unavailability",
            ),
            Fault::Throttling => (429, "ThrottlingException", "Rate exceeded"),
            Fault::TooManyRequests => (429, "TooManyRequestsException", "Rate exceeded"),
            Fault::Conflict => (
                409,
                "ResourceConflictException",
                "The operation cannot be performed at this time. An update is in progress for resource",
            ),
            Fault::Html502 => {
                return Canned::new(
                    502,
                    "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>",
                )
                .header("Content-Type", "text/html");
            }
            Fault::Reset | Fault::Timeout => unreachable!("no response for {self:?}"),
        };
        let query = req
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
        let json = req.target().is_some()
            || req.path.starts_with("/20")
            || !query
                && req
                    .header("content-type")
                    .is_some_and(|t| t.contains("json"));
        if json {
            Canned::aws_error(status, code, message)
        } else if query {
            let code = if code == "ThrottlingException" {
                "Throttling"
            } else {
                code
            };
            Canned::new(
                status,
                format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>x</RequestId></ErrorResponse>"),
            )
            .header("Content-Type", "text/xml")
        } else {
            let code = match code {
                "ServiceException" => "InternalError",
                "ServiceUnavailableException" => "ServiceUnavailable",
                "TooManyRequestsException" | "ThrottlingException" => "SlowDown",
                c => c,
            };
            Canned::new(
                status,
                format!("<Error><Code>{code}</Code><Message>{message}</Message></Error>"),
            )
            .header("Content-Type", "application/xml")
        }
    }
}

struct FaultRule {
    matches: Matcher,
    fault: Fault,
    remaining: Option<usize>,
}

struct RandomFaults {
    rng: Rng,
    rate: f64,
    kinds: Vec<Fault>,
    matches: Matcher,
}

#[derive(Default)]
struct Faults {
    rules: Vec<FaultRule>,
    random: Option<RandomFaults>,
    counts: std::collections::BTreeMap<Fault, usize>,
    hold: Option<Duration>,
}

impl Faults {
    fn pick(&mut self, req: &Request) -> Option<Fault> {
        let ruled = self
            .rules
            .iter_mut()
            .rev()
            .find(|r| r.remaining != Some(0) && (r.matches)(req))
            .map(|r| {
                if let Some(n) = r.remaining.as_mut() {
                    *n -= 1;
                }
                r.fault
            });
        let fault = ruled.or_else(|| {
            let r = self.random.as_mut()?;
            if !(r.matches)(req) || r.rng.unit() >= r.rate {
                return None;
            }
            let fits: Vec<Fault> = r.kinds.iter().copied().filter(|k| k.fits(req)).collect();
            (!fits.is_empty()).then(|| fits[r.rng.below(fits.len())])
        })?;
        *self.counts.entry(fault).or_default() += 1;
        Some(fault)
    }
}

/// Close with RST: SO_LINGER on with a zero timeout, then close.
fn reset(conn: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    unsafe {
        libc::setsockopt(
            conn.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &linger as *const libc::linger as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    let _ = conn.shutdown(std::net::Shutdown::Read);
}

/// A small seeded generator (splitmix64): tests that pick at random pick
/// the same way for the same seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// In [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// In [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// The AWS CLI of the test virtualenv against moto: its JSON answer.
/// Used to make what lamctl reads from but the tests have no SDK crate
/// for (SQS queues, DynamoDB tables with streams, Kinesis streams).
pub fn aws_cli_moto(args: &[&str]) -> serde_json::Value {
    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/aws");
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(&bin)
        .args([
            "--endpoint-url",
            &moto().endpoint,
            "--region",
            REGION,
            "--output",
            "json",
        ])
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", home.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("none"))
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e} (scripts/test-deps installs it)", bin.display()));
    assert!(
        out.status.success(),
        "aws {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    match out.stdout.iter().all(u8::is_ascii_whitespace) {
        true => serde_json::Value::Null,
        false => serde_json::from_slice(&out.stdout).unwrap(),
    }
}

/// A new SQS queue in moto; its ARN.
pub fn sqs_queue(name: &str) -> String {
    aws_cli_moto(&["sqs", "create-queue", "--queue-name", name]);
    format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}")
}

/// A new DynamoDB table with a stream in moto; the stream's ARN.
pub fn dynamodb_stream(table: &str) -> String {
    let out = aws_cli_moto(&[
        "dynamodb",
        "create-table",
        "--table-name",
        table,
        "--attribute-definitions",
        "AttributeName=k,AttributeType=S",
        "--key-schema",
        "AttributeName=k,KeyType=HASH",
        "--billing-mode",
        "PAY_PER_REQUEST",
        "--stream-specification",
        "StreamEnabled=true,StreamViewType=NEW_IMAGE",
    ]);
    out["TableDescription"]["LatestStreamArn"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A new Kinesis stream in moto; its ARN.
pub fn kinesis_stream(name: &str) -> String {
    aws_cli_moto(&[
        "kinesis",
        "create-stream",
        "--stream-name",
        name,
        "--shard-count",
        "1",
    ]);
    format!("arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}")
}

/// The function's event source mappings as moto holds them, with each
/// one's tags.
pub fn event_source_mappings(
    function: &str,
) -> Vec<(
    aws_sdk_lambda::types::EventSourceMappingConfiguration,
    std::collections::HashMap<String, String>,
)> {
    let f = function.to_string();
    lambda(async move |l| {
        let list = l
            .list_event_source_mappings()
            .function_name(f)
            .send()
            .await
            .unwrap();
        let mut out = Vec::new();
        for m in list.event_source_mappings() {
            let tags = l
                .list_tags()
                .resource(m.event_source_mapping_arn().unwrap())
                .send()
                .await
                .unwrap()
                .tags
                .unwrap_or_default();
            out.push((m.clone(), tags));
        }
        out
    })
}

/// `f` with an API Gateway v2 client for moto, run to completion.
pub fn apigatewayv2<T>(f: impl AsyncFnOnce(aws_sdk_apigatewayv2::Client) -> T) -> T {
    rt().block_on(async { f(aws_sdk_apigatewayv2::Client::new(&sdk().await)).await })
}

/// `f` with an S3 client for moto (path-style), run to completion.
pub fn s3<T>(f: impl AsyncFnOnce(aws_sdk_s3::Client) -> T) -> T {
    rt().block_on(async {
        let conf = aws_sdk_s3::config::Builder::from(&sdk().await)
            .force_path_style(true)
            .build();
        f(aws_sdk_s3::Client::from_conf(conf)).await
    })
}
