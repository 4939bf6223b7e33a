//! Soak: seeded, randomised `lamctl deploy` runs through a proxy that
//! injects a fault into about 20% of the requests (5xx, throttling,
//! conflicts, an HTML 502, resets, answers past the timeout). Every run
//! must succeed or fail with one clear error line; then one plain re-run
//! (no faults) must converge to exactly the desired state, read back
//! through the SDK. `LAMCTL_SOAK_RUNS` (default 15 here; scripts/soak runs
//! 100) and `LAMCTL_SOAK_SEED` choose the set; figures go to stderr and, with
//! `LAMCTL_SOAK_REPORT=FILE`, to a file (docs/reliability.md quotes them);
//! `LAMCTL_SOAK_SHOW=1` prints each failed run's last lines.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::harness::*;

const RATE: f64 = 0.2;
/// Functions deployed over and over (runs go round them), so most runs
/// update rather than create.
const FUNCTIONS: usize = 8;

#[derive(Debug, Clone)]
enum Release {
    None,
    Publish,
    Alias,
    Canary(u8),
}

/// The state one run asks for.
#[derive(Debug, Clone)]
struct Desired {
    code: String,
    memory: i32,
    timeout: i32,
    description: String,
    env: String,
    release: Release,
    concurrency: Option<i32>,
    /// None: no URL; Some(public).
    url: Option<bool>,
    allow: Vec<&'static str>,
}

impl Desired {
    fn random(rng: &mut Rng, first: bool) -> Desired {
        let pick = |rng: &mut Rng, xs: &[&str]| xs[rng.below(xs.len())].to_string();
        let release = match rng.below(4) {
            0 => Release::None,
            1 => Release::Publish,
            2 => Release::Alias,
            // A canary needs an alias to shift from; the first run makes one.
            _ if first => Release::Alias,
            _ => Release::Canary([10u8, 25, 50][rng.below(3)]),
        };
        let actions = ["s3:GetObject", "dynamodb:PutItem", "sqs:SendMessage"];
        // A non-empty set: no --allow at all leaves the policy alone.
        let mut allow: Vec<&str> = actions
            .iter()
            .copied()
            .filter(|_| rng.chance(0.5))
            .collect();
        if allow.is_empty() {
            allow.push(actions[rng.below(actions.len())]);
        }
        Desired {
            code: pick(rng, &["one", "two", "three"]),
            memory: [128, 256, 512][rng.below(3)],
            timeout: [3, 10, 30][rng.below(3)],
            description: pick(rng, &["soak a", "soak b"]),
            env: pick(rng, &["red", "green", "blue"]),
            release,
            concurrency: rng.chance(0.5).then(|| [5, 10][rng.below(2)]),
            url: rng.chance(0.6).then(|| rng.chance(0.5)),
            allow,
        }
    }

    fn args(&self) -> Vec<String> {
        let mut a: Vec<String> = vec![
            "--memory".into(),
            self.memory.to_string(),
            "--timeout".into(),
            self.timeout.to_string(),
            "--description".into(),
            self.description.clone(),
            "--env".into(),
            format!("SOAK={}", self.env),
            "--env-replace".into(),
            "--create-role".into(),
        ];
        for action in &self.allow {
            a.extend(["--allow".into(), action.to_string()]);
        }
        match self.release {
            Release::None => a.push("--no-publish".into()),
            Release::Publish => a.push("--publish".into()),
            Release::Alias => a.extend(["--alias".into(), "live".into()]),
            Release::Canary(p) => a.extend([
                "--alias".into(),
                "live".into(),
                "--canary".into(),
                p.to_string(),
            ]),
        }
        match self.concurrency {
            Some(n) => a.extend(["--concurrency".into(), n.to_string()]),
            None => a.push("--no-concurrency".into()),
        }
        match self.url {
            Some(public) => a.extend([
                "--url".into(),
                "--url-auth".into(),
                if public { "none" } else { "aws-iam" }.into(),
            ]),
            None => a.push("--no-url".into()),
        }
        a
    }

    fn qualifier(&self) -> Option<&'static str> {
        match self.release {
            Release::Alias | Release::Canary(_) => Some("live"),
            _ => None,
        }
    }
}

#[derive(Default, Debug)]
struct Figures {
    runs: usize,
    succeeded: usize,
    failed: usize,
    failures: BTreeMap<String, usize>,
    faults: BTreeMap<Fault, usize>,
    absorbed: usize,
    requests: usize,
    converged: usize,
}

fn deploy(dir: &std::path::Path, endpoint: &str, args: &[String]) -> Out {
    let mut all: Vec<String> = vec![
        "deploy".into(),
        "--endpoint-url".into(),
        endpoint.into(),
        "--region".into(),
        REGION.into(),
        // Bounds each call: an answer held past it is a timeout.
        "--read-timeout".into(),
        "3s".into(),
        "--output".into(),
        "json".into(),
    ];
    all.extend(args.iter().cloned());
    lamctl(&all).dir(dir).run()
}

/// One clear failure: exit 1, one `error:` line (+ at most a hint), no panic, no Debug dump.
#[track_caller]
fn assert_clear_failure(out: &Out, run: usize) -> String {
    assert_eq!(out.code, 1, "run {run}: exit code\n{}", out.stderr);
    let errors: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "run {run}: {}", out.stderr);
    for bad in ["panicked", "Error {", "Some(", "UnknownError", "no message"] {
        assert!(
            !out.stderr.contains(bad),
            "run {run}: {bad}: {}",
            out.stderr
        );
    }
    let err_at = out
        .stderr
        .lines()
        .position(|l| l.starts_with("error: "))
        .unwrap();
    let rest: Vec<&str> = out.stderr.lines().skip(err_at + 1).collect();
    assert!(
        rest.len() <= 1 && rest.iter().all(|l| l.starts_with("hint: ")),
        "run {run}: {}",
        out.stderr
    );
    // Group failures by what failed (the operation), not the whole text.
    errors[0]
        .trim_start_matches("error: ")
        .split([':', '('])
        .next()
        .unwrap_or("")
        .chars()
        .take(70)
        .collect()
}

#[test]
fn soak_deploy_under_faults_converges() {
    let runs: usize = std::env::var("LAMCTL_SOAK_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15);
    let seed: u64 = std::env::var("LAMCTL_SOAK_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let started = Instant::now();
    let proxy = Proxy::moto();
    proxy.set_timeout_hold(Duration::from_secs(4));
    let prefix = unique("soak");
    let dirs: Vec<tempfile::TempDir> = (0..FUNCTIONS)
        .map(|i| {
            let d = tempfile::tempdir().unwrap();
            std::fs::write(
                d.path().join("lamctl.toml"),
                format!(
                    "name = \"{prefix}-{i}\"\nruntime = \"python3.12\"\nhandler = \"app.handler\"\n"
                ),
            )
            .unwrap();
            d
        })
        .collect();
    let mut rng = Rng::new(seed);
    let mut fig = Figures::default();
    // Timeouts cost seconds each: a smaller share than the quick faults.
    let kinds = [
        Fault::Http500,
        Fault::Http503,
        Fault::Throttling,
        Fault::TooManyRequests,
        Fault::Conflict,
        Fault::Html502,
        Fault::Reset,
        Fault::Http500,
        Fault::Http503,
        Fault::Throttling,
        Fault::TooManyRequests,
        Fault::Conflict,
        Fault::Html502,
        Fault::Reset,
        Fault::Timeout,
    ];
    for run in 0..runs {
        let f = run % FUNCTIONS;
        let name = format!("{prefix}-{f}");
        let dir = dirs[f].path();
        let want = Desired::random(&mut rng, run < FUNCTIONS);
        std::fs::write(
            dir.join("app.py"),
            format!("def handler(event, context):\n    return {:?}\n", want.code),
        )
        .unwrap();
        let args = want.args();

        // The faulty run.
        let before = proxy.fault_counts();
        proxy.clear();
        proxy.random_faults(seed.wrapping_add(run as u64), RATE, &kinds, |_| true);
        let out = deploy(dir, &proxy.endpoint, &args);
        proxy.random_faults(0, 0.0, &[], |_| false);
        fig.requests += proxy.requests().len();
        let after = proxy.fault_counts();
        let injected: usize = after.values().sum::<usize>() - before.values().sum::<usize>();
        fig.runs += 1;
        if out.code == 0 {
            fig.succeeded += 1;
            fig.absorbed += injected;
        } else {
            fig.failed += 1;
            *fig.failures
                .entry(assert_clear_failure(&out, run))
                .or_default() += 1;
            if std::env::var_os("LAMCTL_SOAK_SHOW").is_some() {
                eprintln!(
                    "run {run}: {}",
                    out.stderr
                        .lines()
                        .rev()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" | ")
                );
            }
        }

        // One plain re-run converges, and the SDK agrees.
        let out = deploy(dir, &moto().endpoint, &args);
        assert_eq!(
            out.code, 0,
            "run {run}: re-run did not converge\nargs: {args:?}\n{}",
            out.stderr
        );
        check(&name, &want, run);
        fig.converged += 1;
    }
    fig.faults = proxy.fault_counts();
    let total: usize = fig.faults.values().sum();
    let mut report = format!(
        "soak: seed {seed}, {} runs in {:.0}s: {} succeeded, {} failed with one error line, {} converged on a plain re-run\n\
         requests {} (faulty runs), faults injected {total} ({:.1}%), absorbed by retries in succeeding runs {}\n",
        fig.runs,
        started.elapsed().as_secs_f64(),
        fig.succeeded,
        fig.failed,
        fig.converged,
        fig.requests,
        100.0 * total as f64 / fig.requests.max(1) as f64,
        fig.absorbed,
    );
    for (k, n) in &fig.faults {
        report.push_str(&format!("  fault {}: {n}\n", k.name()));
    }
    for (k, n) in &fig.failures {
        report.push_str(&format!("  failure \"{k}\": {n}\n"));
    }
    eprint!("{report}");
    if let Ok(path) = std::env::var("LAMCTL_SOAK_REPORT") {
        std::fs::write(path, &report).unwrap();
    }
    assert_eq!(fig.converged, runs);
    assert!(total > 0, "no fault was injected");
}

/// The deployed state, read through the SDK, is exactly `want`.
fn check(name: &str, want: &Desired, run: usize) {
    let (name, want) = (name.to_string(), want.clone());
    rt().block_on(async move {
        let sdk = sdk().await;
        let l = aws_sdk_lambda::Client::new(&sdk);
        let iam = aws_sdk_iam::Client::new(&sdk);
        let c = l
            .get_function()
            .function_name(&name)
            .send()
            .await
            .unwrap()
            .configuration
            .unwrap();
        let ctx = format!("run {run} {want:?}");
        assert_eq!(c.memory_size(), Some(want.memory), "{ctx}");
        assert_eq!(c.timeout(), Some(want.timeout), "{ctx}");
        assert_eq!(c.description(), Some(want.description.as_str()), "{ctx}");
        let env = c
            .environment()
            .and_then(|e| e.variables())
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            env,
            [("SOAK".to_string(), want.env.clone())].into(),
            "{ctx}"
        );
        let sha = c.code_sha256().unwrap().to_string();

        // Reserved concurrency.
        let reserved = l
            .get_function_concurrency()
            .function_name(&name)
            .send()
            .await
            .unwrap()
            .reserved_concurrent_executions();
        assert_eq!(reserved, want.concurrency, "{ctx}");

        // Publish / alias / canary: the newest version holds this code.
        if !matches!(want.release, Release::None) {
            let versions = l
                .list_versions_by_function()
                .function_name(&name)
                .send()
                .await
                .unwrap();
            let newest = versions
                .versions()
                .iter()
                .filter(|v| v.version() != Some("$LATEST"))
                .max_by_key(|v| v.version().unwrap().parse::<u64>().unwrap())
                .expect("a published version");
            assert_eq!(newest.code_sha256(), Some(sha.as_str()), "{ctx}");
            let newest = newest.version().unwrap().to_string();
            if let Some(alias) = want.qualifier() {
                let a = l
                    .get_alias()
                    .function_name(&name)
                    .name(alias)
                    .send()
                    .await
                    .unwrap();
                let weights = a
                    .routing_config()
                    .and_then(|r| r.additional_version_weights())
                    .cloned()
                    .unwrap_or_default();
                match want.release {
                    Release::Canary(p) if a.function_version() != Some(newest.as_str()) => {
                        assert_eq!(
                            weights,
                            [(newest.clone(), p as f64 / 100.0)].into(),
                            "{ctx}"
                        );
                    }
                    _ => {
                        assert_eq!(a.function_version(), Some(newest.as_str()), "{ctx}");
                        assert!(weights.is_empty(), "{ctx}: {weights:?}");
                    }
                }
            }
        }

        // The function URL where this run put it (on the alias with --alias).
        let mut get = l.get_function_url_config().function_name(&name);
        if let Some(q) = want.qualifier() {
            get = get.qualifier(q);
        }
        match (get.send().await, want.url) {
            (Ok(u), Some(public)) => {
                let auth = u.auth_type().as_str().to_string();
                assert_eq!(auth, if public { "NONE" } else { "AWS_IAM" }, "{ctx}");
            }
            (Err(e), None) => assert!(
                e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()),
                "{ctx}: {e:?}"
            ),
            (got, _) => panic!("{ctx}: url {:?}", got.map(|u| u.function_url().to_string())),
        }

        // lamctl's role: the inline policy holds exactly the allowed actions.
        let role = format!("lamctl-{name}-exec");
        let doc = iam
            .get_role_policy()
            .role_name(&role)
            .policy_name("lamctl-allow")
            .send()
            .await;
        let doc = doc.unwrap();
        let text = urlish_decode(doc.policy_document());
        for action in ["s3:GetObject", "dynamodb:PutItem", "sqs:SendMessage"] {
            assert_eq!(
                text.contains(action),
                want.allow.contains(&action),
                "{ctx}: {action} in {text}"
            );
        }
    });
}

/// IAM returns policy documents percent-encoded.
fn urlish_decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
