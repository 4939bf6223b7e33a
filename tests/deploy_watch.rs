//! `lamctl deploy --watch` (docs/workspace.md, "deploy --watch") against
//! moto, through the recording proxy: saves during an update make exactly
//! one more update, the last save is what is deployed (CodeSha256 read
//! back), only changed members are updated, configuration is never
//! applied, the logs are tailed on stdout, and Ctrl-C lets the update in
//! flight finish and exits 130.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Child;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::logs::{now_ms, seed};
use crate::workspace::workspace;

/// A running `lamctl deploy --watch`, its two streams collected.
struct Watching {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    _home: tempfile::TempDir,
}

impl Watching {
    fn start(dir: &Path, endpoint: &str, extra: &[&str]) -> Watching {
        let mut args = vec![
            "deploy",
            "--watch",
            "--endpoint-url",
            endpoint,
            "--region",
            REGION,
        ];
        args.extend_from_slice(extra);
        let (mut child, home) = lamctl(&args).dir(dir).spawn();
        let collect = |r: Box<dyn std::io::Read + Send>| {
            let buf = Arc::new(Mutex::new(String::new()));
            let sink = Arc::clone(&buf);
            std::thread::spawn(move || {
                for l in BufReader::new(r).lines() {
                    let Ok(l) = l else { break };
                    let mut s = sink.lock().unwrap();
                    s.push_str(&l);
                    s.push('\n');
                }
            });
            buf
        };
        Watching {
            stdout: collect(Box::new(child.stdout.take().unwrap())),
            stderr: collect(Box::new(child.stderr.take().unwrap())),
            child,
            _home: home,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Wait until stderr holds `needle` `n` times.
    fn wait_for(&mut self, needle: &str, n: usize, within: Duration) {
        let deadline = Instant::now() + within;
        while self.stderr().matches(needle).count() < n {
            if let Some(s) = self.child.try_wait().unwrap() {
                panic!(
                    "lamctl ended ({s}) before {needle:?} x{n}:\n{}",
                    self.stderr()
                );
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} x{n} within {within:?}:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait until stdout holds `needle`.
    fn wait_stdout(&mut self, needle: &str, within: Duration) {
        let deadline = Instant::now() + within;
        while !self.stdout().contains(needle) {
            assert!(
                Instant::now() < deadline,
                "no {needle:?} on stdout within {within:?}:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Send `sig`; its exit code (bounded wait).
    fn signal(&mut self, sig: i32) -> i32 {
        // SAFETY: kill(2) on the child this test started and has not reaped.
        unsafe { libc::kill(self.child.id() as i32, sig) };
        let deadline = Instant::now() + Duration::from_secs(40);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                // The collectors see EOF once the process is gone.
                std::thread::sleep(Duration::from_millis(200));
                return s.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("lamctl did not stop:\n{}", self.stderr());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// UpdateFunctionCode of `name` (`PUT /2015-03-31/functions/NAME/code`).
fn update_code(name: &str) -> impl Fn(&Request) -> bool + Send + 'static {
    let suffix = format!("/functions/{name}/code");
    move |r| r.method == "PUT" && r.path.split('?').next().unwrap().ends_with(&suffix)
}

/// Lambda calls that change something (not the log tail's reads).
fn lambda_writes(proxy: &Proxy) -> Vec<String> {
    proxy
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.method != "HEAD" && r.path.starts_with("/20"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn until(what: &str, within: Duration, ok: impl Fn() -> bool) {
    let deadline = Instant::now() + within;
    while !ok() {
        assert!(Instant::now() < deadline, "{what}: not within {within:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn write_code(dir: &Path, text: &str) {
    std::fs::write(
        dir.join("app.py"),
        format!("def handler(event, context):\n    return {text:?}\n"),
    )
    .unwrap();
}

/// The CodeSha256 of `dir` as packaged now (a zip elsewhere).
fn package_sha(dir: &Path) -> String {
    let out_dir = tempfile::tempdir().unwrap();
    let zip = out_dir.path().join("p.zip");
    let out = lamctl(["package", "-o", "json", "--out", zip.to_str().unwrap()])
        .dir(dir)
        .run();
    out.success();
    out.json()["code_sha256"].as_str().unwrap().to_string()
}

fn deployed(name: &str) -> aws_sdk_lambda::types::FunctionConfiguration {
    let name = name.to_string();
    lambda(async move |c| {
        c.get_function()
            .function_name(name)
            .send()
            .await
            .unwrap()
            .configuration
            .unwrap()
    })
}

/// A function deployed from a fresh directory (straight to moto).
fn deployed_function(prefix: &str) -> (String, tempfile::TempDir) {
    let name = unique(prefix);
    let role = create_role(&name);
    let dir = python_function_dir(&name, &role);
    lamctl(["deploy"]).moto().dir(dir.path()).run().success();
    (name, dir)
}

#[test]
fn saves_during_an_update_make_exactly_one_more_and_the_last_save_is_deployed() {
    let (name, dir) = deployed_function("watch1");
    let proxy = Proxy::moto();
    // Each code update is held, so that saves land while one is in flight.
    proxy.delay(update_code(&name), Duration::from_secs(4));
    let mut w = Watching::start(dir.path(), &proxy.endpoint, &["--no-logs"]);
    w.wait_for(
        &format!("{name}: code unchanged"),
        1,
        Duration::from_secs(30),
    );
    assert_eq!(proxy.count(update_code(&name)), 0, "{}", w.stderr());

    write_code(dir.path(), "v2");
    until("the first update", Duration::from_secs(15), || {
        proxy.count(update_code(&name)) == 1
    });
    // Three saves, each settled apart, while the update is held.
    for v in ["v3", "v4", "v5"] {
        write_code(dir.path(), v);
        std::thread::sleep(Duration::from_millis(600));
    }
    w.wait_for(&format!("{name}: code updated"), 2, Duration::from_secs(40));
    // Nothing more starts: exactly one more update, not one per save.
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(proxy.count(update_code(&name)), 2, "{}", w.stderr());
    // Only the code: no publish, no configuration, no alias.
    let writes = lambda_writes(&proxy);
    assert_eq!(writes.len(), 2, "{writes:?}");
    // The last save is what is deployed.
    assert_eq!(
        deployed(&name).code_sha256(),
        Some(package_sha(dir.path()).as_str())
    );
    // Ctrl-C with nothing in flight: a clean stop.
    assert_eq!(w.signal(libc::SIGINT), 130, "{}", w.stderr());
}

#[test]
fn ctrl_c_lets_the_update_in_flight_finish_and_exits_130() {
    let (name, dir) = deployed_function("watch2");
    let before = deployed(&name).code_sha256().map(String::from);
    let proxy = Proxy::moto();
    proxy.delay(update_code(&name), Duration::from_secs(3));
    let mut w = Watching::start(dir.path(), &proxy.endpoint, &["--no-logs"]);
    w.wait_for(
        &format!("{name}: code unchanged"),
        1,
        Duration::from_secs(30),
    );
    write_code(dir.path(), "v2");
    until("the update", Duration::from_secs(15), || {
        proxy.count(update_code(&name)) == 1
    });
    let signalled = Instant::now();
    assert_eq!(w.signal(libc::SIGINT), 130, "{}", w.stderr());
    // It waited for the held update (and its settling), then stopped.
    assert!(signalled.elapsed() >= Duration::from_secs(2));
    let err = w.stderr();
    let stopping = err.find("stopping once the update in flight has finished");
    let updated = err.find(&format!("{name}: code updated"));
    assert!(
        stopping.is_some() && updated.is_some() && stopping < updated,
        "{err}"
    );
    let now = deployed(&name);
    assert_ne!(now.code_sha256().map(String::from), before);
    assert_eq!(now.code_sha256(), Some(package_sha(dir.path()).as_str()));
    assert_eq!(
        now.last_update_status().map(|s| s.as_str()),
        Some("Successful")
    );
    // Nothing more was started after Ctrl-C.
    assert_eq!(proxy.count(update_code(&name)), 1);
}

#[test]
fn in_a_workspace_only_changed_members_are_updated_configuration_is_not_and_logs_are_tailed() {
    let prefix = unique("wsw");
    let role = create_role(&prefix);
    let ws = workspace(&prefix, 2, &role);
    lamctl(["deploy", "--all"])
        .moto()
        .dir(ws.path())
        .run()
        .success();
    let (f0, f1) = (format!("{prefix}-00"), format!("{prefix}-01"));
    let proxy = Proxy::moto();
    let mut w = Watching::start(ws.path(), &proxy.endpoint, &["--all"]);
    w.wait_for(": code unchanged", 2, Duration::from_secs(30));

    // The tail: a line logged by one function, on stdout, named.
    seed(
        &format!("/aws/lambda/{f1}"),
        "2026/01/01/[$LATEST]abc",
        &[(now_ms(), "hello from f01".into())],
    );
    w.wait_stdout("hello from f01", Duration::from_secs(20));
    let line = w
        .stdout()
        .lines()
        .find(|l| l.contains("hello from f01"))
        .unwrap()
        .to_string();
    assert!(line.starts_with(&f1), "{line}");
    assert!(!w.stderr().contains("hello from f01"));

    // A save in one member updates that member only.
    write_code(&ws.path().join("functions/f00"), "new");
    w.wait_for(&format!("{f0}: code updated"), 1, Duration::from_secs(30));
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(proxy.count(update_code(&f0)), 1, "{}", w.stderr());
    assert_eq!(proxy.count(update_code(&f1)), 0, "{}", w.stderr());
    assert_eq!(
        deployed(&f0).code_sha256(),
        Some(package_sha(&ws.path().join("functions/f00")).as_str())
    );

    // A configuration change is said, not applied.
    std::fs::write(
        ws.path().join("functions/f01/lamctl.toml"),
        format!("name = \"{f1}\"\nmemory = 512\n"),
    )
    .unwrap();
    w.wait_for(
        &format!("{f1}: configuration changed in lamctl.toml: not applied"),
        1,
        Duration::from_secs(30),
    );
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(deployed(&f1).memory_size(), Some(256));
    let writes = lambda_writes(&proxy);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(w.signal(libc::SIGINT), 130, "{}", w.stderr());
}

#[test]
fn one_function_is_tailed_before_it_has_logged_and_sigterm_still_exits_143() {
    let (name, dir) = deployed_function("watch3");
    let mut w = Watching::start(dir.path(), &moto().endpoint, &[]);
    w.wait_for(
        &format!("{name}: code unchanged"),
        1,
        Duration::from_secs(30),
    );
    // No log group yet: said once, and the tail goes on.
    w.wait_for("does not exist yet", 1, Duration::from_secs(20));
    seed(
        &format!("/aws/lambda/{name}"),
        "2026/01/01/[$LATEST]abc",
        &[(now_ms(), "first words".into())],
    );
    w.wait_stdout("first words", Duration::from_secs(20));
    assert!(!w.stderr().contains("log tail stopped"), "{}", w.stderr());
    assert_eq!(w.signal(libc::SIGTERM), 143, "{}", w.stderr());
}

#[test]
fn the_zip_written_into_the_directory_is_not_taken_for_a_save() {
    let (name, dir) = deployed_function("watch4");
    let mut w = Watching::start(
        dir.path(),
        &moto().endpoint,
        &["--no-logs", "--out", "app.zip"],
    );
    w.wait_for(
        &format!("{name}: code unchanged"),
        1,
        Duration::from_secs(30),
    );
    assert!(dir.path().join("app.zip").is_file());
    // Packaging's own write starts no round (else it would, again and again).
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        w.stderr().matches("code unchanged").count(),
        1,
        "{}",
        w.stderr()
    );
    assert_eq!(w.signal(libc::SIGINT), 130, "{}", w.stderr());
}
