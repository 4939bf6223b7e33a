//! `lamctl logs A B` / `--all`: several functions' logs as one stream
//! merged by time, each line naming its function; -f over all of them
//! (polling against moto, Live Tail against injected answers).

use std::time::Duration;

use crate::harness::*;
use crate::logs::{Following, create_function, follow, frame, now_ms, seed};

fn group(f: &str) -> String {
    format!("/aws/lambda/{f}")
}

fn raw(out: &Out) -> Vec<String> {
    out.stdout().lines().map(String::from).collect()
}

/// Two functions whose names differ in length (so padding shows).
fn two() -> (String, String) {
    let (a, b) = (unique("mla"), unique("mlbbbbbb"));
    create_function(&a);
    create_function(&b);
    (a, b)
}

fn line(name: &str, width: usize, msg: &str) -> String {
    format!("{name:<width$} {msg}")
}

#[test]
fn two_functions_merge_by_time_prefixed_and_padded_and_json_names_each() {
    let (a, b) = two();
    let w = b.len();
    let t = now_ms() - 60_000;
    seed(
        &group(&a),
        "2026/01/01/[$LATEST]a",
        &[
            (t, "a1".into()),
            (t + 20, "a3".into()),
            (t + 30, "a-tie".into()),
        ],
    );
    seed(
        &group(&b),
        "2026/01/01/[$LATEST]b",
        &[
            (t + 10, "b2".into()),
            (t + 30, "b-tie".into()),
            (t + 40, "b5".into()),
        ],
    );
    // Given in either order: the same stream; a tie goes to the name first in order.
    for args in [[&b, &a], [&a, &b]] {
        let out = lamctl(["logs", args[0], args[1], "--format", "raw"])
            .moto()
            .run();
        out.success();
        assert_eq!(
            raw(&out),
            [
                line(&a, w, "a1"),
                line(&b, w, "b2"),
                line(&a, w, "a3"),
                line(&a, w, "a-tie"),
                line(&b, w, "b-tie"),
                line(&b, w, "b5"),
            ]
        );
    }
    // -o json: one object per line, each with its function.
    let out = lamctl(["logs", &a, &b, "-o", "json"]).moto().run();
    out.success();
    let got: Vec<(String, String)> = out
        .stdout()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["function"].as_str().unwrap().to_string(),
                v["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got[0], (a.clone(), "a1".to_string()));
    assert_eq!(got[1], (b.clone(), "b2".to_string()));
    assert_eq!(got.len(), 6);
    // One function alone reads as it always did: no prefix, no `function`.
    let out = lamctl(["logs", &a, "--format", "raw"]).moto().run();
    assert_eq!(raw(&out), ["a1", "a3", "a-tie"]);
    let out = lamctl(["logs", &a, "-o", "json"]).moto().run();
    assert!(!out.stdout().contains("\"function\""), "{}", out.stdout());
}

#[test]
fn a_missing_function_fails_before_anything_is_printed() {
    let (a, _) = two();
    seed(&group(&a), "s", &[(now_ms() - 1000, "a line".into())]);
    let out = lamctl(["logs", &a, "no-such-fn-mlogs", "--format", "raw"])
        .moto()
        .run();
    out.fails(
        1,
        &format!("function 'no-such-fn-mlogs' not found in {REGION}"),
    );
    assert_eq!(out.stdout(), "", "nothing printed");
}

#[test]
fn the_qualifier_and_filters_apply_to_each_function_and_one_without_logs_is_noted() {
    let (a, b) = two();
    let quiet = unique("mlquiet");
    create_function(&quiet);
    let t = now_ms() - 60_000;
    // Version 1 is what each function's alias `live` routes to.
    for f in [&a, &b] {
        seed(
            &group(f),
            "2026/01/01/[1]x",
            &[(t, format!("{f} v1 ERROR"))],
        );
        seed(
            &group(f),
            "2026/01/01/[$LATEST]y",
            &[(t + 1, format!("{f} latest ERROR"))],
        );
        seed(
            &group(f),
            "2026/01/01/[1]z",
            &[(t + 2, format!("{f} v1 quiet"))],
        );
    }
    let day = {
        let o = std::process::Command::new("date")
            .args(["-u", "-d", &format!("@{}", t / 1000), "+%Y/%m/%d"])
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    for f in [&a, &b] {
        seed(
            &group(f),
            &format!("{day}/[1]x"),
            &[(t + 3, format!("{f} live ERROR"))],
        );
    }
    let out = lamctl([
        "logs",
        &a,
        &b,
        &quiet,
        "--qualifier",
        "live",
        "--filter",
        "ERROR",
        "--format",
        "raw",
    ])
    .moto()
    .run();
    out.success();
    let w = b.len().max(quiet.len());
    assert_eq!(
        raw(&out),
        [
            line(&a, w, &format!("{a} live ERROR")),
            line(&b, w, &format!("{b} live ERROR"))
        ]
    );
    assert!(
        out.stderr.contains(&format!(
            "function {quiet}: log group /aws/lambda/{quiet} does not exist yet"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn follow_by_polling_merges_new_events_of_both() {
    let (a, b) = two();
    let w = b.len();
    let t = now_ms() - 60_000;
    seed(&group(&a), "s", &[(t, "a before".into())]);
    seed(&group(&b), "s", &[(t + 1, "b before".into())]);
    let f: Following = follow(
        &[
            "logs",
            &a,
            &b,
            "--format",
            "raw",
            "-f",
            "--poll",
            "--poll-interval",
            "300ms",
            "--follow-for",
            "10s",
        ],
        &moto().endpoint,
    );
    assert_eq!(
        f.next_within(Duration::from_secs(15)),
        Some(line(&a, w, "a before"))
    );
    assert_eq!(
        f.next_within(Duration::from_secs(5)),
        Some(line(&b, w, "b before"))
    );
    // New events, interleaved in time, b's written (and polled) first. They
    // are stamped 5 s ahead so that the reorder window holds b's until a's
    // are written, however slow the machine: it is what puts a's before b's.
    let now = now_ms() + 5_000;
    seed(
        &group(&b),
        "s",
        &[(now + 10, "b new 2".into()), (now + 30, "b new 4".into())],
    );
    assert_eq!(
        f.next_within(Duration::from_millis(1500)),
        None,
        "b's events are held back, though polled"
    );
    seed(
        &group(&a),
        "s",
        &[(now, "a new 1".into()), (now + 20, "a new 3".into())],
    );
    let (code, rest, stderr) = f.finish(Duration::from_secs(30));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        rest,
        [
            line(&a, w, "a new 1"),
            line(&b, w, "b new 2"),
            line(&a, w, "a new 3"),
            line(&b, w, "b new 4"),
        ]
    );
}

#[test]
fn live_tail_follows_both_groups_in_one_session() {
    let (a, b) = two();
    let w = b.len();
    let arn = |f: &str| format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{}", group(f));
    let now = now_ms();
    let proxy = Proxy::moto();
    let groups = serde_json::json!({"logGroups": [
        {"logGroupName": group(&a), "logGroupArn": arn(&a)},
        {"logGroupName": group(&b), "logGroupArn": arn(&b)},
    ]});
    proxy.inject(
        |r| r.target() == Some("DescribeLogGroups"),
        Canned::new(200, groups.to_string()).header("Content-Type", "application/x-amz-json-1.1"),
        None,
    );
    proxy.inject(
        |r| r.target() == Some("FilterLogEvents"),
        Canned::new(200, r#"{"events":[]}"#).header("Content-Type", "application/x-amz-json-1.1"),
        None,
    );
    let result = |ts: i64, msg: &str, g: &str| serde_json::json!({"logStreamName": "s", "logGroupIdentifier": g, "timestamp": ts, "ingestionTime": ts + 100, "message": msg});
    let mut body = frame(
        "sessionStart",
        &serde_json::json!({"requestId": "r", "sessionId": "s", "logGroupIdentifiers": [arn(&a), arn(&b)]}),
    );
    body.extend(frame(
        "sessionUpdate",
        &serde_json::json!({"sessionMetadata": {"sampled": false}, "sessionResults": [
            result(now + 20, "b live", &arn(&b)),
            result(now + 10, "a live", &arn(&a)),
            result(now + 20, "a same ms", &arn(&a)),
            result(now + 15, "another group", "arn:aws:logs:us-east-1:123456789012:log-group:/other"),
        ]}),
    ));
    proxy.inject(
        |r| r.target() == Some("StartLiveTail"),
        Canned::new(200, body).header("Content-Type", "application/vnd.amazon.eventstream"),
        Some(1),
    );
    let f = follow(
        &[
            "logs",
            &a,
            &b,
            "--format",
            "raw",
            "-f",
            "--follow-for",
            "3s",
            "-v",
        ],
        &proxy.endpoint,
    );
    let (code, rest, stderr) = f.finish(Duration::from_secs(30));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        rest,
        [
            line(&a, w, "a live"),
            line(&a, w, "a same ms"),
            line(&b, w, "b live"),
        ],
        "{stderr}"
    );
    let sessions: Vec<_> = proxy
        .requests()
        .into_iter()
        .filter(|r| r.target() == Some("StartLiveTail"))
        .collect();
    assert_eq!(sessions.len(), 1, "one session for both");
    let sent: serde_json::Value = serde_json::from_slice(&sessions[0].body).unwrap();
    assert_eq!(
        sent["logGroupIdentifiers"],
        serde_json::json!([arn(&a), arn(&b)])
    );
    assert!(sent.get("logStreamNamePrefixes").is_none(), "{sent}");
}

#[test]
fn all_reads_every_project_below_and_colours_names_on_a_terminal() {
    let (a, b) = two();
    let t = now_ms() - 60_000;
    seed(&group(&a), "s", &[(t, "from a".into())]);
    seed(&group(&b), "s", &[(t + 1, "from b".into())]);
    let root = tempfile::tempdir().unwrap();
    for (dir, name) in [
        ("fa", &a),
        ("nested/fb", &b),
        ("ignored", &"not-read".to_string()),
    ] {
        let d = root.path().join(dir);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("lamctl.toml"), format!("name = \"{name}\"\n")).unwrap();
    }
    std::fs::write(root.path().join(".gitignore"), "ignored/\n").unwrap();
    let w = b.len();
    let out = lamctl(["logs", "--all", "--format", "raw"])
        .moto()
        .dir(root.path())
        .run();
    out.success();
    assert_eq!(raw(&out), [line(&a, w, "from a"), line(&b, w, "from b")]);

    // On a terminal each name has its colour, the same on every run; plain with NO_COLOR.
    let tty = |no_color: bool| {
        let mut l = lamctl(["logs", "--all", "--format", "raw"])
            .moto()
            .dir(root.path());
        if no_color {
            l = l.env("NO_COLOR", "1");
        }
        l.run_tty(Tty::StdoutAndStderr).stderr
    };
    let shown = tty(false);
    let painted = |name: &str| {
        let at = shown.find(name).unwrap_or_else(|| panic!("{shown:?}"));
        let start = shown[..at]
            .rfind('\x1b')
            .unwrap_or_else(|| panic!("{shown:?}"));
        shown[start..at].to_string()
    };
    assert!(painted(&a).starts_with("\x1b["), "{shown:?}");
    assert_eq!(tty(false), shown, "stable colours");
    let plain = tty(true);
    assert!(!plain.contains('\x1b'), "{plain:?}");
    assert!(plain.contains(&line(&a, w, "from a")), "{plain:?}");
}

#[test]
fn a_request_id_is_found_in_whichever_function_ran_it() {
    let (a, b) = two();
    let w = b.len();
    let id = "66666666-6666-4666-8666-666666666666";
    let t = now_ms() - 60_000;
    seed(
        &group(&a),
        "s",
        &[(
            t,
            "START RequestId: 77777777-7777-4777-8777-777777777777 Version: $LATEST\n".into(),
        )],
    );
    seed(
        &group(&b),
        "s",
        &[
            (t + 1, format!("START RequestId: {id} Version: $LATEST\n")),
            (t + 2, "working\n".into()),
            (
                t + 3,
                format!("REPORT RequestId: {id}\tDuration: 1.00 ms\n"),
            ),
        ],
    );
    let out = lamctl(["logs", &a, &b, "--request-id", id, "--format", "raw"])
        .moto()
        .run();
    out.success();
    assert_eq!(
        raw(&out),
        [
            line(&b, w, &format!("START RequestId: {id} Version: $LATEST")),
            line(&b, w, "working"),
            line(&b, w, &format!("REPORT RequestId: {id}\tDuration: 1.00 ms")),
        ]
    );
}
