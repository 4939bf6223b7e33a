//! Workspaces (docs/workspace.md): `deploy --all` acts only on the members
//! that changed, converges under throttling, stops before any call on a
//! bad member file, and members inherit and override the defaults (read
//! back through the SDK).

use std::path::Path;

use crate::day2::json::conform;
use crate::harness::*;

/// A workspace of `n` Python members below `functions/`, each named
/// `{prefix}-NN`, with shared defaults (role, runtime, handler, memory 256,
/// timeout 5, tags team=core and tier=shared).
pub(crate) fn workspace(prefix: &str, n: usize, role: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("lamctl.toml"),
        format!(
            "[workspace]\nmembers = [\"functions/*\"]\n\n[workspace.defaults]\nruntime = \"python3.12\"\n\
             handler = \"app.handler\"\nrole = \"{role}\"\nmemory = 256\ntimeout = 5\n\n\
             [workspace.defaults.tags]\nteam = \"core\"\ntier = \"shared\"\n"
        ),
    )
    .unwrap();
    for i in 0..n {
        let dir = d.path().join(format!("functions/f{i:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("app.py"),
            format!("def handler(event, context):\n    return {i}\n"),
        )
        .unwrap();
        std::fs::write(
            dir.join("lamctl.toml"),
            format!("name = \"{prefix}-{i:02}\"\n"),
        )
        .unwrap();
    }
    d
}

pub(crate) fn deploy_all(root: &Path, endpoint: &str, extra: &[&str]) -> Out {
    let mut args = vec![
        "deploy",
        "--all",
        "-o",
        "json",
        "--endpoint-url",
        endpoint,
        "--region",
        REGION,
    ];
    args.extend_from_slice(extra);
    lamctl(&args).dir(root).run()
}

pub(crate) fn statuses(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["function"].as_str().unwrap().to_string(),
                m["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub(crate) fn is_write(r: &Request) -> bool {
    r.method != "GET" && r.method != "HEAD"
}

#[test]
fn deploy_all_touches_only_the_members_that_changed() {
    let prefix = unique("ws12");
    let role = create_role(&prefix);
    let ws = workspace(&prefix, 12, &role);
    let first = deploy_all(ws.path(), &moto().endpoint, &[]);
    first.success();
    let doc = first.json();
    conform("deploy-all", &doc);
    assert_eq!(doc["total"], 12);
    assert!(statuses(&doc).iter().all(|(_, s)| s == "created"), "{doc}");

    // Three members change; a re-run through the counting proxy writes
    // to those three only.
    let changed = [1, 6, 11];
    for i in changed {
        let app = ws.path().join(format!("functions/f{i:02}/app.py"));
        std::fs::write(
            &app,
            format!("def handler(event, context):\n    return 'v2-{i}'\n"),
        )
        .unwrap();
    }
    let proxy = Proxy::moto();
    let out = deploy_all(ws.path(), &proxy.endpoint, &["--jobs", "4"]);
    out.success();
    let doc = out.json();
    conform("deploy-all", &doc);
    let names: Vec<String> = changed.iter().map(|i| format!("{prefix}-{i:02}")).collect();
    for (f, s) in statuses(&doc) {
        let want = if names.contains(&f) {
            "updated"
        } else {
            "unchanged"
        };
        assert_eq!(s, want, "{f}: {doc}");
    }
    assert_eq!(doc["changed"], 3);
    assert_eq!(doc["unchanged"], 9);
    let writes: Vec<Request> = proxy.requests().into_iter().filter(is_write).collect();
    assert!(!writes.is_empty());
    for w in &writes {
        assert!(
            names
                .iter()
                .any(|n| w.path.contains(&format!("/functions/{n}/"))),
            "a write for an unchanged member: {} {}",
            w.method,
            w.path
        );
    }
    for n in &names {
        assert!(
            writes
                .iter()
                .any(|w| w.path.contains(&format!("/functions/{n}/code"))),
            "no code update for {n}"
        );
    }

    // Nothing changed: no write call at all.
    proxy.clear();
    deploy_all(ws.path(), &proxy.endpoint, &[]).success();
    assert_eq!(proxy.count(is_write), 0, "{:?}", proxy.requests());
}

#[test]
fn throttling_on_30_percent_of_calls_still_converges() {
    let prefix = unique("wsthr");
    let role = create_role(&prefix);
    let ws = workspace(&prefix, 12, &role);
    let proxy = Proxy::moto();
    proxy.random_faults(
        33,
        0.3,
        &[Fault::Throttling, Fault::TooManyRequests],
        |_| true,
    );
    let out = deploy_all(ws.path(), &proxy.endpoint, &[]);
    out.success();
    let doc = out.json();
    assert_eq!(doc["failed"], 0, "{doc}");
    assert!(statuses(&doc).iter().all(|(_, s)| s == "created"), "{doc}");
    let injected: usize = proxy.fault_counts().values().sum();
    assert!(injected >= 3, "too few throttles injected: {injected}");
    // Every function is really there.
    for i in 0..12 {
        let n = format!("{prefix}-{i:02}");
        let found = lambda(async |l| l.get_function().function_name(n).send().await.is_ok());
        assert!(found);
    }
}

#[test]
fn a_bad_member_file_stops_the_run_before_any_call() {
    let prefix = unique("wsbad");
    let role = create_role(&prefix);
    let ws = workspace(&prefix, 4, &role);
    let bad = ws.path().join("functions/f02/lamctl.toml");
    std::fs::write(&bad, format!("name = \"{prefix}-02\"\nmemory = 64\n")).unwrap();
    let proxy = Proxy::moto();
    let out = deploy_all(ws.path(), &proxy.endpoint, &[]);
    out.fails(2, "functions/f02/lamctl.toml:2");
    assert!(out.stderr.contains("memory"), "{}", out.stderr);
    assert_eq!(
        proxy.requests().len(),
        0,
        "an AWS call before the check ended"
    );
}

#[test]
fn a_member_whose_deploy_fails_fails_alone() {
    let prefix = unique("wsone");
    let role = create_role(&prefix);
    let ws = workspace(&prefix, 4, &role);
    // Lambda refuses every call about one member: that member fails, the
    // others are deployed.
    let proxy = Proxy::moto();
    let denied = format!("/functions/{prefix}-01");
    proxy.inject(
        move |r| r.path.contains(&denied),
        Canned::aws_error(403, "AccessDeniedException", "not allowed here"),
        None,
    );
    let out = deploy_all(ws.path(), &proxy.endpoint, &[]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc = out.json();
    conform("deploy-all", &doc);
    for (f, s) in statuses(&doc) {
        let want = if f.ends_with("-01") {
            "failed"
        } else {
            "created"
        };
        assert_eq!(s, want, "{f}: {doc}");
    }
    assert!(
        out.stderr.contains("1 of 4 members failed"),
        "{}",
        out.stderr
    );
    let m = &doc["members"][1];
    assert_eq!(m["error_code"], 1, "{m}");
    assert!(m["error"].as_str().unwrap().contains("AccessDenied"), "{m}");

    // --fail-fast with one job: nothing starts after the failure.
    let out = deploy_all(
        ws.path(),
        &proxy.endpoint,
        &["--fail-fast", "--jobs", "1", "--memory", "512"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let got: Vec<String> = statuses(&out.json()).into_iter().map(|(_, s)| s).collect();
    assert_eq!(got, ["updated", "failed", "skipped", "skipped"]);
}

#[test]
fn members_inherit_the_defaults_and_override_them() {
    let prefix = unique("wsdef");
    let role = create_role(&prefix);
    let ws = workspace(&prefix, 2, &role);
    std::fs::write(
        ws.path().join("functions/f01/lamctl.toml"),
        format!("name = \"{prefix}-01\"\nmemory = 1024\n\n[tags]\ntier = \"edge\"\n"),
    )
    .unwrap();
    // Flags go over both; members are chosen by name or directory.
    let n0 = format!("{prefix}-00");
    let out = lamctl([
        "deploy",
        &n0,
        "functions/f01",
        "--timeout",
        "9",
        "--endpoint-url",
        &moto().endpoint,
        "--region",
        REGION,
    ])
    .dir(ws.path())
    .run();
    out.success();
    let read = |n: String| {
        lambda(async move |l| {
            let f = l.get_function().function_name(n).send().await.unwrap();
            let c = f.configuration().unwrap().clone();
            let mut tags: Vec<(String, String)> = f.tags().unwrap().clone().into_iter().collect();
            tags.sort();
            (
                c.memory_size(),
                c.timeout(),
                c.runtime().map(|r| r.as_str().to_string()),
                tags,
            )
        })
    };
    let (mem, timeout, runtime, tags) = read(n0.clone());
    assert_eq!((mem, timeout), (Some(256), Some(9)));
    assert_eq!(runtime.as_deref(), Some("python3.12"));
    let tag = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert!(
        tags.contains(&tag("team", "core")) && tags.contains(&tag("tier", "shared")),
        "{tags:?}"
    );
    let (mem, timeout, _, tags) = read(format!("{prefix}-01"));
    assert_eq!((mem, timeout), (Some(1024), Some(9)));
    assert!(
        tags.contains(&tag("team", "core")) && tags.contains(&tag("tier", "edge")),
        "{tags:?}"
    );
    // A plain-text run: a table of members, on stdout.
    let out = lamctl([
        "deploy",
        "--all",
        "--timeout",
        "9",
        "--endpoint-url",
        &moto().endpoint,
        "--region",
        REGION,
    ])
    .dir(ws.path())
    .run();
    out.success();
    let text = out.stdout();
    assert!(
        text.contains("functions/f01") && text.contains("unchanged"),
        "{text}"
    );
    assert!(
        text.contains("2 members: 0 changed, 2 unchanged, 0 failed"),
        "{text}"
    );
    // Not a terminal (CI): one plain line per member on stderr, no progress.
    for m in ["functions/f00  unchanged", "functions/f01  unchanged"] {
        assert!(out.stderr.lines().any(|l| l == m), "{m}: {}", out.stderr);
    }
    assert!(!out.stderr.contains("packaging"), "{}", out.stderr);

    // On a terminal: the live table (a line per member, redrawn), then the
    // result on stdout.
    let out = lamctl([
        "deploy",
        "--all",
        "--memory",
        "384",
        "--endpoint-url",
        &moto().endpoint,
        "--region",
        REGION,
    ])
    .dir(ws.path())
    .run_tty(Tty::Stderr);
    out.success();
    let screen = strip_ansi(&out.stderr);
    for m in ["functions/f00", "functions/f01"] {
        assert!(screen.contains(m), "{screen}");
    }
    assert!(screen.contains("done updated"), "{screen}");
    assert!(
        out.stdout().contains("2 members: 2 changed"),
        "{}",
        out.stdout()
    );
}

fn run_in(root: &Path, args: &[&str]) -> Out {
    let mut a = args.to_vec();
    a.extend(["--endpoint-url", &moto().endpoint, "--region", REGION]);
    lamctl(&a).dir(root).run()
}

#[test]
fn diff_package_list_and_info_over_the_members() {
    let prefix = unique("wsday");
    let role = create_role(&prefix);
    let ws = workspace(&prefix, 3, &role);
    run_in(ws.path(), &["deploy", "f00", "f01"]).success();
    // f01 drifts from its file; f02 is not deployed at all.
    std::fs::write(
        ws.path().join("functions/f01/lamctl.toml"),
        format!("name = \"{prefix}-01\"\nmemory = 512\n"),
    )
    .unwrap();

    let out = run_in(
        ws.path(),
        &["diff", "f00", "f01", "--exit-code", "-o", "json"],
    );
    assert_eq!(out.code, 4, "{}", out.stderr);
    let doc = out.json();
    conform("diff-all", &doc);
    assert_eq!(doc["differ"], 1, "{doc}");
    assert_eq!(doc["members"][0]["diff"]["differs"], false);
    assert_eq!(doc["members"][1]["diff"]["changes"][0]["field"], "memory");
    // Not deployed: that member fails alone (exit 1), the others compared.
    let out = run_in(ws.path(), &["diff", "--all", "-o", "json"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let doc = out.json();
    conform("diff-all", &doc);
    assert_eq!(doc["failed"], 1, "{doc}");
    assert!(
        doc["members"][2]["error"]
            .as_str()
            .unwrap()
            .contains("not found"),
        "{doc}"
    );

    let out = run_in(ws.path(), &["package", "--all", "-o", "json"]);
    out.success();
    let doc = out.json();
    conform("package-all", &doc);
    for (i, m) in doc["members"].as_array().unwrap().iter().enumerate() {
        let zip = m["package"]["path"].as_str().unwrap();
        assert!(
            zip.contains(&format!("functions/f{i:02}/.lamctl/")),
            "{zip}"
        );
        assert!(
            Path::new(zip).is_file() || ws.path().join(zip).is_file(),
            "{zip}"
        );
    }

    let out = run_in(ws.path(), &["list", "--prefix", &prefix, "-o", "json"]);
    out.success();
    let doc = out.json();
    conform("list", &doc);
    let members = doc["workspace_members"].as_object().unwrap();
    assert_eq!(members.len(), 2, "{doc}");
    assert_eq!(members[&format!("{prefix}-01")], "functions/f01");
    assert_eq!(
        doc["not_deployed"],
        serde_json::json!([format!("{prefix}-02")])
    );
    let text = run_in(ws.path(), &["list", "--prefix", &prefix]).stdout();
    assert!(
        text.contains("MEMBER") && text.contains("functions/f00"),
        "{text}"
    );

    let out = run_in(ws.path(), &["info", "--all", "-o", "json"]);
    out.success();
    let doc = out.json();
    conform("info-all", &doc);
    let deployed: Vec<bool> = doc["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["deployed"].as_bool().unwrap())
        .collect();
    assert_eq!(deployed, [true, true, false]);
    assert_eq!(doc["members"][0]["memory"], 256);
    let text = run_in(ws.path(), &["info", "--all"]).stdout();
    assert!(
        text.starts_with("MEMBER") && text.contains("not deployed"),
        "{text}"
    );
}

#[test]
fn logs_of_several_functions_are_merged_in_time_order() {
    use crate::logs::{now_ms, seed};
    let prefix = unique("wslog");
    let role = create_role(&prefix);
    let ws = workspace(&prefix, 3, &role);
    run_in(ws.path(), &["deploy", "--all"]).success();
    let t = now_ms() - 60_000;
    let names: Vec<String> = (0..3).map(|i| format!("{prefix}-{i:02}")).collect();
    // Interleaved: function i logs at t + i, t + 3 + i, t + 6 + i (seconds).
    for (i, n) in names.iter().enumerate() {
        let events: Vec<(i64, String)> = (0..3)
            .map(|k| {
                let at = (3 * k + i) as i64;
                (t + at * 1000, format!("line {at}"))
            })
            .collect();
        seed(
            &format!("/aws/lambda/{n}"),
            "2024/01/01/[$LATEST]abc",
            &events,
        );
    }
    let out = run_in(ws.path(), &["logs", "--all", "--since", "5m", "-o", "json"]);
    out.success();
    let lines: Vec<serde_json::Value> = out
        .stdout()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 9, "{}", out.stdout());
    for (at, l) in lines.iter().enumerate() {
        assert_eq!(l["message"], format!("line {at}"), "{}", out.stdout());
        assert_eq!(l["function"], names[at % 3].as_str());
        conform("logs", l);
    }
    // By name, from anywhere (no workspace needed); text lines start with
    // the function, padded, coloured when asked.
    let out = lamctl([
        "logs",
        &names[2],
        &names[0],
        "--since",
        "5m",
        "--color",
        "always",
        "--endpoint-url",
        &moto().endpoint,
        "--region",
        REGION,
    ])
    .run();
    out.success();
    let text = out.stdout();
    let plain: Vec<String> = strip_ansi(&text).lines().map(String::from).collect();
    assert_eq!(plain.len(), 6, "{text}");
    let order: Vec<&str> = plain.iter().map(|l| l.split(' ').next().unwrap()).collect();
    let (a, c) = (names[0].as_str(), names[2].as_str());
    assert_eq!(order, [a, c, a, c, a, c], "{text}");
    assert!(
        plain[0].ends_with("line 0") && plain[5].ends_with("line 8"),
        "{text}"
    );
    assert!(
        text.starts_with('\u{1b}'),
        "the prefix is coloured: {text:?}"
    );

    // -f follows them all: events written while following come out merged.
    // --poll: moto's StartLiveTail replays stored events; the Live Tail
    // merge has its own fake-server test (tests/logs_multi.rs).
    let mut args: Vec<String> = ["logs", "--all", "-f", "--poll", "--follow-for", "5s"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(["--since", "5m", "--poll-interval", "200ms", "-o", "json"].map(String::from));
    args.extend([
        "--endpoint-url".into(),
        moto().endpoint.clone(),
        "--region".into(),
        REGION.into(),
    ]);
    let (child, _home) = lamctl(&args).dir(ws.path()).spawn();
    std::thread::sleep(std::time::Duration::from_millis(2000));
    let t2 = now_ms();
    seed(
        &format!("/aws/lambda/{}", names[0]),
        "2024/01/01/[$LATEST]def",
        &[(t2, "late 0".into())],
    );
    seed(
        &format!("/aws/lambda/{}", names[1]),
        "2024/01/01/[$LATEST]def",
        &[(t2 + 1, "late 1".into())],
    );
    let o = child.wait_with_output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["message"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(got.len(), 11, "{got:?}");
    assert_eq!(got[9..], ["late 0", "late 1"], "{got:?}");
}
