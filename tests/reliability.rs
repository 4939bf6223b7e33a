//! Reliability and security, proven (docs/reliability.md): each injected
//! fault absorbed or reported in one line, timeouts that name the endpoint,
//! non-AWS answers shown by HTTP status, credentials never printed, temporary
//! files owner-only and removed, SIGTERM handled like Ctrl-C.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::harness::*;

const AKID: &str = "AKIAZZSECRETMARKER01";
const SECRET: &str = "SecretMarker/0123456789abcdefghijklmnopqrstuv";
const TOKEN: &str = "SessionTokenMarker0123456789+abcdefghijklmnop==";

/// A function directory with a lamctl.toml and a role in moto.
fn function_dir(name: &str) -> tempfile::TempDir {
    python_function_dir(name, &create_role(name))
}

fn deploy_via(dir: &Path, endpoint: &str, extra: &[&str]) -> Out {
    let mut args = vec!["deploy", "--endpoint-url", endpoint, "--region", REGION];
    args.extend_from_slice(extra);
    lamctl(&args).dir(dir).run()
}

fn memory_of(name: &str) -> Option<i32> {
    let name = name.to_string();
    rt().block_on(async move {
        aws_sdk_lambda::Client::new(&sdk().await)
            .get_function_configuration()
            .function_name(name)
            .send()
            .await
            .unwrap()
            .memory_size()
    })
}

#[test]
fn each_fault_once_is_absorbed_by_a_retry() {
    let name = unique("rel-fault");
    let dir = function_dir(&name);
    deploy_via(dir.path(), &moto().endpoint, &[]).success();
    let proxy = Proxy::moto();
    // The configuration update is the call that matters: each fault hits it
    // once and the deploy still converges.
    let mut memory = 128;
    for fault in Fault::ALL {
        if fault == Fault::Timeout {
            continue;
        }
        memory += 64;
        let n = name.clone();
        proxy.fault(
            move |r| r.method == "PUT" && r.path.ends_with(&format!("{n}/configuration")),
            fault,
            Some(1),
        );
        let m = memory.to_string();
        deploy_via(dir.path(), &proxy.endpoint, &["--memory", &m]).success();
        assert_eq!(memory_of(&name), Some(memory), "{fault:?}");
    }
    let counts = proxy.fault_counts();
    assert_eq!(counts.len(), Fault::ALL.len() - 1, "{counts:?}");
}

#[test]
fn persistent_faults_fail_in_one_line_naming_status_and_endpoint() {
    let name = unique("rel-persist");
    let dir = function_dir(&name);
    deploy_via(dir.path(), &moto().endpoint, &[]).success();
    for (fault, needle) in [
        (Fault::Html502, "answered HTTP 502 without an AWS error"),
        (Fault::Http503, "ServiceUnavailableException"),
        (Fault::TooManyRequests, "TooManyRequestsException"),
        (Fault::Reset, "cannot reach Lambda endpoint"),
    ] {
        let proxy = Proxy::moto();
        let n = name.clone();
        proxy.fault(
            move |r| r.method == "PUT" && r.path.ends_with(&format!("{n}/configuration")),
            fault,
            None,
        );
        let out = deploy_via(dir.path(), &proxy.endpoint, &["--memory", "1024"]);
        out.fails(1, needle);
        assert!(
            out.stderr.contains(&proxy.endpoint) || fault != Fault::Html502,
            "{}",
            out.stderr
        );
        assert!(!out.stderr.contains("UnknownError"), "{}", out.stderr);
        // The SDK tried three times before giving up.
        let n = name.clone();
        assert_eq!(
            proxy.count(|r| r.method == "PUT" && r.path.ends_with(&format!("{n}/configuration"))),
            3,
            "{fault:?}"
        );
    }
}

/// Every AWS-calling command, against an endpoint that answers only an
/// HTML 502 page: the HTTP status and the endpoint, never "UnknownError".
#[test]
fn non_aws_answers_show_status_and_endpoint() {
    let proxy = Proxy::start(None);
    proxy.fault(|_| true, Fault::Html502, None);
    let dir = function_dir(&unique("rel-html"));
    let ep = proxy.endpoint.clone();
    let runs: Vec<Vec<&str>> = vec![
        vec!["whoami"],
        vec!["invoke", "f"],
        vec!["logs", "f", "--since", "5m"],
        vec!["deploy"],
    ];
    for args in runs {
        let mut all = args.clone();
        all.extend(["--endpoint-url", &ep, "--region", REGION]);
        let out = lamctl(&all).dir(dir.path()).run();
        out.fails(1, "HTTP 502");
        let line = out
            .stderr
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap();
        assert!(line.contains(&ep), "{args:?}: {line}");
        for bad in ["UnknownError", "no message", "<html"] {
            assert!(!out.stderr.contains(bad), "{args:?}: {}", out.stderr);
        }
    }
}

/// An endpoint that accepts and never answers: each command fails within
/// the configured --read-timeout (plus start-up), naming the endpoint. (A
/// synchronous invoke waits as long as a function may run, 15 min 15 s, by
/// design — docs/invoke.md — so the asynchronous one stands for invoke.)
#[test]
fn silent_endpoint_fails_within_the_read_timeout() {
    let ep = silent_endpoint();
    let dir = function_dir(&unique("rel-silent"));
    let runs: Vec<Vec<&str>> = vec![
        vec!["whoami"],
        vec!["invoke", "f", "--async"],
        vec!["logs", "f", "--since", "5m"],
        vec!["deploy"],
    ];
    for args in runs {
        let mut all = args.clone();
        all.extend([
            "--endpoint-url",
            &ep,
            "--region",
            REGION,
            "--read-timeout",
            "1s",
        ]);
        let started = Instant::now();
        let out = lamctl(&all).dir(dir.path()).run();
        let took = started.elapsed();
        out.fails(1, &ep);
        assert!(
            out.stderr.contains("did not answer"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(out.stderr.contains("within 1s"), "{args:?}: {}", out.stderr);
        // Generous: the bound is the timeout, not minutes.
        assert!(took < Duration::from_secs(15), "{args:?} took {took:?}");
    }
}

/// Every command with -vvv and recognisable credentials (access key id,
/// secret key, session token): none of them appears in stdout or stderr.
#[test]
fn credentials_never_printed_even_at_vvv() {
    let name = unique("rel-secret");
    let dir = function_dir(&name);
    deploy_via(dir.path(), &moto().endpoint, &[]).success();
    let ep = moto().endpoint.clone();
    let runs: Vec<Vec<&str>> = vec![
        vec!["whoami"],
        vec!["package"],
        vec!["deploy", "--dry-run"],
        vec!["deploy", "--memory", "256"],
        vec!["invoke", &name, "--payload", "{\"a\":1}"],
        vec!["logs", &name, "--since", "5m"],
        // Failures print errors (and the SDK its debug lines) too.
        vec!["invoke", "no-such-function"],
        vec!["completions", "bash"],
        vec!["man"],
    ];
    let mut checked = 0;
    for args in &runs {
        let mut all = args.clone();
        all.extend(["-vvv", "--endpoint-url", &ep, "--region", REGION]);
        let out = lamctl(&all)
            .env("AWS_ACCESS_KEY_ID", AKID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_SESSION_TOKEN", TOKEN)
            .dir(dir.path())
            .run();
        let stdout = out.stdout();
        for secret in [AKID, SECRET, TOKEN] {
            assert!(
                !out.stderr.contains(secret) && !stdout.contains(secret),
                "{args:?} printed {secret}"
            );
        }
        if !["completions", "man", "package"].contains(&args[0]) {
            assert!(
                out.stderr.contains("DEBUG"),
                "{args:?}: -vvv printed no debug"
            );
        }
        checked += 1;
    }
    // The same from a profile in the credentials file (not the environment).
    let out = lamctl(["whoami", "-vvv", "--endpoint-url", &ep, "--region", REGION])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .aws_credentials(&format!(
            "[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
        ))
        .run();
    out.success();
    for secret in [AKID, SECRET, TOKEN] {
        assert!(!out.stderr.contains(secret), "profile: printed {secret}");
    }
    assert_eq!(checked, runs.len());

    // Environment values: masked in the dry run's plan, in info and diff,
    // unless --show-values.
    let value = "TopSecretValue42";
    let env = format!("STAGE={value}");
    for args in [
        vec!["deploy", "--dry-run", "--env", &env],
        vec!["deploy", "--dry-run", "--env", &env, "--output", "json"],
        vec!["diff", "--env", &env],
    ] {
        let mut all = args.clone();
        all.extend(["--endpoint-url", &ep, "--region", REGION]);
        let out = lamctl(&all).dir(dir.path()).run();
        assert!(
            !out.stdout().contains(value) && !out.stderr.contains(value),
            "{args:?} showed the value: {}{}",
            out.stdout(),
            out.stderr
        );
    }
    let out = lamctl([
        "diff",
        "--env",
        &env,
        "--show-values",
        "--endpoint-url",
        &ep,
        "--region",
        REGION,
    ])
    .dir(dir.path())
    .run();
    assert!(
        out.stdout().contains(value),
        "--show-values: {}",
        out.stdout()
    );
}

/// `serve` with -vvv and credentials: nothing leaks either (it stops on SIGTERM, 143).
#[test]
fn serve_prints_no_credentials_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("app.py"),
        "def handler(event, context):\n    return event\n",
    )
    .unwrap();
    let port = free_port().to_string();
    let (mut child, _home) = lamctl([
        "serve",
        "-vvv",
        "--port",
        &port,
        "--function",
        "t",
        "--runtime",
        "python3.12",
        "--handler",
        "app.handler",
    ])
    .env("AWS_ACCESS_KEY_ID", AKID)
    .env("AWS_SECRET_ACCESS_KEY", SECRET)
    .env("AWS_SESSION_TOKEN", TOKEN)
    .dir(dir.path())
    .spawn();
    let url = format!("http://127.0.0.1:{port}/2015-03-31/functions/t/invocations");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok((200, body)) = http("POST", &url, b"{\"x\":1}") {
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(v, serde_json::json!({"x": 1}));
            break;
        }
        assert!(Instant::now() < deadline, "serve did not answer");
        std::thread::sleep(Duration::from_millis(100));
    }
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(143), "{stderr}");
    for secret in [AKID, SECRET, TOKEN] {
        assert!(!stderr.contains(secret), "serve printed {secret}");
    }
}

/// A payload file with a UTF-8 byte-order mark (as Windows editors write
/// it) is sent without it.
#[test]
fn payload_with_a_byte_order_mark_is_sent_without_it() {
    let proxy = Proxy::start(None);
    proxy.inject(
        |r| r.path.contains("/invocations"),
        Canned::new(200, "{}")
            .header("Content-Type", "application/json")
            .header("X-Amz-Executed-Version", "$LATEST"),
        None,
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("event.json");
    std::fs::write(&file, b"\xEF\xBB\xBF{\"a\": 1}\n").unwrap();
    let payload = format!("@{}", file.display());
    lamctl([
        "invoke",
        "f",
        "--payload",
        &payload,
        "--endpoint-url",
        &proxy.endpoint,
        "--region",
        REGION,
    ])
    .run()
    .success();
    let sent = proxy
        .requests()
        .into_iter()
        .find(|r| r.path.contains("/invocations"))
        .expect("an Invoke");
    assert_eq!(sent.body, b"{\"a\": 1}\n");
}

/// The zip is written owner-only (0600) under a temporary name, and that
/// temporary file is gone after success, failure and SIGTERM (exit 143).
#[test]
fn zips_are_owner_only_and_temporaries_removed_on_every_exit() {
    use std::os::unix::fs::PermissionsExt;

    let t = tempfile::tempdir().unwrap();
    let src = t.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("app.py"), "x = 1\n").unwrap();
    let out_dir = t.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let zip = out_dir.join("f.zip");
    let (s, z) = (src.to_str().unwrap(), zip.to_str().unwrap());
    lamctl(["package", s, "--out", z]).run().success();
    let mode = std::fs::metadata(&zip).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "zip mode {mode:o}");
    let names = |d: &Path| -> Vec<String> {
        std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names(&out_dir), vec!["f.zip"]);

    // Failure while writing (a file unreadable to us): nothing left behind.
    std::fs::remove_file(&zip).unwrap();
    let locked = src.join("locked.bin");
    std::fs::write(&locked, "secret").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = lamctl(["package", s, "--out", z]).run();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o600)).unwrap();
    // (root reads any file: then the package simply succeeds.)
    if out.code != 0 {
        out.fails(1, "locked.bin");
        assert!(names(&out_dir).is_empty(), "left: {:?}", names(&out_dir));
    }
    std::fs::remove_file(&locked).unwrap();
    let _ = std::fs::remove_file(&zip);

    // SIGTERM in the middle of writing a big zip: exit 143, nothing left.
    let block = pseudo_random(1024 * 1024);
    let mut data = Vec::with_capacity(96 * block.len());
    for _ in 0..96 {
        data.extend_from_slice(&block);
    }
    std::fs::write(src.join("model.bin"), &data).unwrap();
    let (child, _home) = lamctl(["package", s, "--out", z]).spawn();
    let started = Instant::now();
    let partial = loop {
        if let Some(p) = std::fs::read_dir(&out_dir).unwrap().next() {
            break p.unwrap().path();
        }
        assert!(started.elapsed() < Duration::from_secs(30), "never started");
        std::thread::sleep(Duration::from_millis(5));
    };
    if let Ok(m) = std::fs::metadata(&partial) {
        assert_eq!(m.permissions().mode() & 0o777, 0o600, "partial zip mode");
    }
    std::thread::sleep(Duration::from_millis(100));
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{stderr}");
    assert_eq!(stderr.trim(), "error: terminated");
    assert!(names(&out_dir).is_empty(), "left: {:?}", names(&out_dir));
}

/// SIGTERM (and SIGINT) while deploy waits for the update to settle: exit
/// 143 (130), and a plain re-run converges to the desired state.
#[test]
fn signal_during_deploys_wait_leaves_a_state_a_rerun_converges_from() {
    let name = unique("rel-wait");
    let dir = function_dir(&name);
    deploy_via(dir.path(), &moto().endpoint, &[]).success();
    for (sig, exit, memory) in [(libc::SIGTERM, 143, "384"), (libc::SIGINT, 130, "448")] {
        let proxy = Proxy::moto();
        // Every read after the update is slow: the wait is where the signal lands.
        proxy.delay(|r| r.method == "GET", Duration::from_millis(700));
        // Lambda answers the update as in progress (moto as done), so the
        // deploy waits: the signal lands there.
        let n = name.clone();
        let answer = serde_json::json!({"FunctionName": name, "State": "Active", "LastUpdateStatus": "InProgress"});
        proxy.inject(
            move |r| r.method == "PUT" && r.path.ends_with(&format!("{n}/configuration")),
            Canned::new(200, answer.to_string()).header("Content-Type", "application/json"),
            Some(1),
        );
        let (child, _home) = lamctl([
            "deploy",
            "--memory",
            memory,
            "--endpoint-url",
            &proxy.endpoint,
            "--region",
            REGION,
        ])
        .dir(dir.path())
        .spawn();
        let n = name.clone();
        let updated =
            move |r: &Request| r.method == "PUT" && r.path.ends_with(&format!("{n}/configuration"));
        let deadline = Instant::now() + Duration::from_secs(60);
        while proxy.count(&updated) == 0 {
            assert!(Instant::now() < deadline, "the update never started");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(300));
        unsafe { libc::kill(child.id() as i32, sig) };
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(exit), "{stderr}");
        // The plain re-run converges.
        deploy_via(dir.path(), &moto().endpoint, &["--memory", memory]).success();
        assert_eq!(memory_of(&name), Some(memory.parse().unwrap()));
        let again = deploy_via(
            dir.path(),
            &moto().endpoint,
            &["--memory", memory, "--output", "json"],
        );
        again.success();
    }
}
