//! What `deploy --all` asks of the account (docs/workspace.md, "Shared
//! reads" and "Waits"), counted through the proxy: one listing of the
//! mappings and schedules for the run, one GetFunction a member when Lambda
//! answers an update as done, and looks until it is done when it does not.

use crate::harness::*;
use crate::workspace::{deploy_all, is_write, statuses, workspace};

/// The calls a proxy saw, as `METHOD PATH`.
fn calls(proxy: &Proxy) -> Vec<String> {
    let all = proxy.requests().into_iter();
    all.map(|r| format!("{} {}", r.method, r.path)).collect()
}

/// A GET of the function itself (GetFunction), not of its policy, code…
fn get_function_of(r: &Request, name: &str) -> bool {
    r.method == "GET"
        && r.path
            .split('?')
            .next()
            .unwrap()
            .ends_with(&format!("/functions/{name}"))
}

#[test]
fn deploy_all_reads_the_account_once_and_waits_only_when_lambda_says_so() {
    let prefix = unique("wsreads");
    let role = create_role(&prefix);
    let ws = workspace(&prefix, 6, &role);
    // One member's mapping, found through the run's one listing.
    let queue = sqs_queue(&format!("{prefix}-q"));
    let f02 = ws.path().join("functions/f02/lamctl.toml");
    let text = std::fs::read_to_string(&f02).unwrap();
    std::fs::write(
        &f02,
        format!("{text}\n[[event_source]]\narn = \"{queue}\"\n"),
    )
    .unwrap();
    deploy_all(ws.path(), &moto().endpoint, &[]).success();
    assert_eq!(event_source_mappings(&format!("{prefix}-02")).len(), 1);

    for i in [1, 4] {
        let app = ws.path().join(format!("functions/f{i:02}/app.py"));
        std::fs::write(
            &app,
            format!("def handler(event, context):\n    return 'v2-{i}'\n"),
        )
        .unwrap();
    }
    let proxy = Proxy::moto();
    let out = deploy_all(ws.path(), &proxy.endpoint, &[]);
    out.success();
    let doc = out.json();
    for (f, s) in statuses(&doc) {
        let changed = f.ends_with("-01") || f.ends_with("-04");
        assert_eq!(
            s,
            if changed { "updated" } else { "unchanged" },
            "{f}: {doc}"
        );
    }
    let listed = |p: &str| proxy.count(|r| r.method == "GET" && r.path.starts_with(p));
    // The account's mappings and schedules: one listing for the run.
    assert_eq!(listed("/2015-03-31/event-source-mappings"), 1);
    assert_eq!(listed("/schedules"), 1);
    // One GetFunction a member (its read): moto answers an update as done
    // and the read found every function ready, so nothing is polled.
    for i in 0..6 {
        let n = format!("{prefix}-{i:02}");
        assert_eq!(
            proxy.count(|r| get_function_of(r, &n)),
            1,
            "{n}: {:?}",
            calls(&proxy)
        );
    }
    let writes: Vec<String> = proxy
        .requests()
        .into_iter()
        .filter(is_write)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert!(
        writes
            .iter()
            .all(|w| w.starts_with("PUT ") && w.ends_with("/code")),
        "{writes:?}"
    );
    assert_eq!(event_source_mappings(&format!("{prefix}-02")).len(), 1);
}

#[test]
fn a_member_lambda_says_is_still_updating_is_waited_for() {
    let prefix = unique("wswait");
    let role = create_role(&prefix);
    let ws = workspace(&prefix, 2, &role);
    deploy_all(ws.path(), &moto().endpoint, &[]).success();
    let name = format!("{prefix}-00");
    let c = lambda({
        let n = name.clone();
        async move |l| l.get_function().function_name(n).send().await.unwrap()
    });
    let cfg = c.configuration().unwrap();
    std::fs::write(
        ws.path().join("functions/f00/app.py"),
        "def handler(event, context):\n    return 'v2'\n",
    )
    .unwrap();
    // The read and the first look see an update in progress; the code
    // update is answered as in progress, as Lambda answers it.
    let updating = serde_json::json!({
        "FunctionName": name, "FunctionArn": cfg.function_arn(), "Runtime": "python3.12",
        "Handler": "app.handler", "Role": role, "MemorySize": 256, "Timeout": 5,
        "CodeSha256": cfg.code_sha256(), "State": "Active", "LastUpdateStatus": "InProgress"
    });
    let body = serde_json::json!({
        "Configuration": updating,
        "Code": {"RepositoryType": "S3", "Location": "https://example.invalid"},
        "Tags": {"team": "core", "tier": "shared"}
    });
    let proxy = Proxy::moto();
    let n = name.clone();
    proxy.inject(
        move |r| get_function_of(r, &n),
        Canned::new(200, body.to_string()).header("Content-Type", "application/json"),
        Some(2),
    );
    let n = name.clone();
    proxy.inject(
        move |r| r.method == "PUT" && r.path.ends_with(&format!("/functions/{n}/code")),
        Canned::new(200, updating.to_string()).header("Content-Type", "application/json"),
        Some(1),
    );
    let out = deploy_all(ws.path(), &proxy.endpoint, &[]);
    out.success();
    assert_eq!(
        statuses(&out.json())[0],
        (name.clone(), "updated".to_string())
    );
    // The read, two looks before the update (in progress, then done), one
    // after it (done).
    let gets = proxy.count(|r| get_function_of(r, &name));
    assert_eq!(gets, 4, "{:?}", calls(&proxy));
    assert_eq!(
        proxy.count(|r| r.method == "PUT" && r.path.ends_with("/code")),
        1
    );
}
