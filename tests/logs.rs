//! `lamctl logs`: windows, ordering, pagination, request ids, stream
//! selection, formats, follow (polling against moto, Live Tail against a
//! fake server), and bad input. Events are seeded through the SDK.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::types::InputLogEvent;

use crate::harness::*;

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

const MIN: i64 = 60_000;

async fn logs_client() -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::new(&sdk().await)
}

/// Create the group (if new) and the stream (if new), then put the events
/// (sorted, in batches PutLogEvents accepts).
pub(crate) fn seed(group: &str, stream: &str, events: &[(i64, String)]) {
    rt().block_on(async {
        let c = logs_client().await;
        let _ = c.create_log_group().log_group_name(group).send().await;
        let _ = c
            .create_log_stream()
            .log_group_name(group)
            .log_stream_name(stream)
            .send()
            .await;
        let mut evs: Vec<&(i64, String)> = events.iter().collect();
        evs.sort_by_key(|e| e.0);
        for chunk in evs.chunks(5_000) {
            c.put_log_events()
                .log_group_name(group)
                .log_stream_name(stream)
                .set_log_events(Some(
                    chunk
                        .iter()
                        .map(|(t, m)| {
                            InputLogEvent::builder()
                                .timestamp(*t)
                                .message(m.as_str())
                                .build()
                                .unwrap()
                        })
                        .collect(),
                ))
                .send()
                .await
                .unwrap();
        }
    });
}

fn ev(t: i64, m: &str) -> (i64, String) {
    (t, m.to_string())
}

fn lines(out: &Out) -> Vec<String> {
    out.stdout().lines().map(String::from).collect()
}

/// The message part of `short` lines: `YYYY-MM-DD HH:MM:SS.mmm message`.
fn messages(out: &Out) -> Vec<String> {
    lines(out)
        .iter()
        .map(|l| l.splitn(3, ' ').nth(2).unwrap_or_default().to_string())
        .collect()
}

fn utc_day(ms: i64) -> String {
    let out = Command::new("date")
        .args(["-u", "-d", &format!("@{}", ms / 1000), "+%Y/%m/%d"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn rfc3339(ms: i64) -> String {
    let out = Command::new("date")
        .args([
            "-u",
            "-d",
            &format!("@{}", ms / 1000),
            "+%Y-%m-%dT%H:%M:%SZ",
        ])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

fn local(ms: i64, tz: &str, fmt: &str) -> String {
    let out = Command::new("date")
        .env("TZ", tz)
        .args(["-d", &format!("@{}", ms / 1000), fmt])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn windows_relative_and_absolute() {
    let g = unique("/test/window");
    let now = now_ms();
    seed(
        &g,
        "s",
        &[
            ev(now - 30 * MIN, "thirty"),
            ev(now - 8 * MIN, "eight"),
            ev(now - 3 * MIN, "three"),
            ev(now - MIN, "one"),
        ],
    );
    let run = |extra: &[&str]| {
        let mut a = vec!["logs", "--log-group", g.as_str()];
        a.extend_from_slice(extra);
        let out = lamctl(a).moto().run();
        out.success();
        messages(&out)
    };
    assert_eq!(run(&[]), ["eight", "three", "one"], "default is 10m");
    assert_eq!(run(&["--since", "5m"]), ["three", "one"]);
    assert_eq!(
        run(&["--since", "1h", "--until", "5m"]),
        ["thirty", "eight"]
    );
    assert_eq!(run(&["--since", "20m", "--until", "5m"]), ["eight"]);
    let from = rfc3339(now - 31 * MIN);
    let to = rfc3339(now - 29 * MIN);
    assert_eq!(run(&["--since", &from, "--until", &to]), ["thirty"]);

    // A time without a zone is local time (TZ), and so are the times shown.
    let tz = "Asia/Kolkata";
    let from = local(now - 31 * MIN, tz, "+%Y-%m-%d %H:%M:%S");
    let to = local(now - 29 * MIN, tz, "+%Y-%m-%d %H:%M");
    let out = lamctl(["logs", "--log-group", &g, "--since", &from, "--until", &to])
        .moto()
        .env("TZ", tz)
        .run();
    out.success();
    assert_eq!(messages(&out), ["thirty"]);
    let shown = local(now - 30 * MIN, tz, "+%Y-%m-%d %H:%M:%S");
    assert!(out.stdout().starts_with(&shown), "{}", out.stdout());

    // An empty window prints nothing and succeeds.
    assert!(run(&["--since", "40m", "--until", "35m"]).is_empty());
}

#[test]
fn bad_input_is_exit_2_without_any_aws_call() {
    let sink = Sink::start();
    let base = ["--endpoint-url", &sink.endpoint, "--region", REGION];
    let cases: &[(&[&str], &str)] = &[
        (
            &["logs", "f", "--since", "yesterday"],
            "'yesterday' is not a time",
        ),
        (
            &["logs", "f", "--until", "2024-13-45"],
            "'2024-13-45' is not a time",
        ),
        (&["logs", "f", "--since", "5m", "--until", "10m"], "--until"),
        (
            &[
                "logs",
                "f",
                "--since",
                "2024-05-02T00:00:00Z",
                "--until",
                "2024-05-01 12:00",
            ],
            "is before --since",
        ),
        (&["logs"], "no function given"),
        (
            &["logs", "not a name"],
            "invalid function name 'not a name'",
        ),
        (
            &["logs", "f", "--follow-for", "5s"],
            "--follow-for only applies with -f/--follow",
        ),
        (
            &["logs", "f", "--poll"],
            "--poll only applies with -f/--follow",
        ),
        (
            &["logs", "f", "--poll-interval", "2s"],
            "--poll-interval only applies with -f/--follow",
        ),
        (
            &["logs", "f", "--format", "raw", "--output", "json"],
            "--format applies to text output",
        ),
        (
            &["logs", "--log-group", "g", "--qualifier", "prod"],
            "needs a function",
        ),
        (
            &["logs", "f", "--qualifier", "1", "--stream-prefix", "x"],
            "cannot be used with",
        ),
        (&["logs", "f", "--log-group", "g"], "cannot be used with"),
        (&["logs", "f", "--request-id", "a b"], "is not a request id"),
        (
            &["logs", "f", "-f", "--poll-interval", "0s"],
            "--poll-interval",
        ),
    ];
    for (args, needle) in cases {
        let mut a: Vec<&str> = args.to_vec();
        a.extend_from_slice(&base);
        lamctl(a).run().fails(2, needle);
    }
    assert_eq!(sink.connections(), 0);
}

#[test]
fn streams_are_merged_in_time_order() {
    let g = unique("/test/merge");
    let t = now_ms() - 5 * MIN;
    seed(&g, "a", &[ev(t, "a0"), ev(t + 30, "a3"), ev(t + 60, "a6")]);
    seed(
        &g,
        "b",
        &[ev(t + 10, "b1"), ev(t + 40, "b4"), ev(t + 60, "b6")],
    );
    seed(&g, "c", &[ev(t + 20, "c2"), ev(t + 50, "c5")]);
    let out = lamctl(["logs", "--log-group", &g, "--format", "detailed"])
        .moto()
        .run();
    out.success();
    let got: Vec<(String, String)> = lines(&out)
        .iter()
        .map(|l| {
            let p: Vec<&str> = l.splitn(4, ' ').collect();
            (p[2].to_string(), p[3].to_string())
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("a", "a0"),
        ("b", "b1"),
        ("c", "c2"),
        ("a", "a3"),
        ("b", "b4"),
        ("c", "c5"),
        // Same millisecond: ingestion order (a was put first).
        ("a", "a6"),
        ("b", "b6"),
    ]
    .iter()
    .map(|(s, m)| (s.to_string(), m.to_string()))
    .collect();
    assert_eq!(got, want);

    let out = lamctl(["logs", "--log-group", &g, "--format", "raw"])
        .moto()
        .run();
    assert_eq!(lines(&out)[0], "a0");
}

#[test]
fn pagination_is_followed_to_the_last_page() {
    // moto answers at most 10,000 events a page.
    let g = unique("/test/pages");
    let t = now_ms() - 9 * MIN;
    let n = 25_000;
    let events: Vec<(i64, String)> = (0..n)
        .map(|i| (t + i / 50, format!("event {i:05}")))
        .collect();
    seed(&g, "s", &events);
    let proxy = Proxy::moto();
    let out = lamctl([
        "logs",
        "--log-group",
        &g,
        "--format",
        "raw",
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
    ])
    .run();
    out.success();
    let got = lines(&out);
    assert_eq!(got.len(), n as usize);
    for (i, l) in got.iter().enumerate() {
        assert_eq!(l, &format!("event {i:05}"));
    }
    let pages = proxy.count(|r| r.target() == Some("FilterLogEvents"));
    assert_eq!(pages, 3, "25,000 events in pages of 10,000");
    let with_token = proxy.count(|r| {
        r.target() == Some("FilterLogEvents")
            && String::from_utf8_lossy(&r.body).contains("nextToken")
    });
    assert_eq!(with_token, 2);
}

fn invocation(id: &str, t: i64, body: &[&str]) -> Vec<(i64, String)> {
    let mut v = vec![ev(t, &format!("START RequestId: {id} Version: $LATEST\n"))];
    for (i, b) in body.iter().enumerate() {
        v.push(ev(t + 1 + i as i64, b));
    }
    let e = t + 1 + body.len() as i64;
    v.push(ev(e, &format!("END RequestId: {id}\n")));
    v.push(ev(
        e,
        &format!("REPORT RequestId: {id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\n"),
    ));
    v
}

#[test]
fn request_id_prints_exactly_one_invocation() {
    let g = unique("/test/reqid");
    let t = now_ms() - 4 * MIN;
    let (r1, r2, r3) = (
        "11111111-1111-4111-8111-111111111111",
        "22222222-2222-4222-8222-222222222222",
        "33333333-3333-4333-8333-333333333333",
    );
    let mut a = invocation(
        r1,
        t,
        &[&format!("2024-05-01T12:00:00.000Z\t{r1}\tINFO\tfirst\n")],
    );
    a.extend(invocation(
        r2,
        t + 100,
        &[
            &format!("[INFO]\t2024-05-01T12:00:00.000Z\t{r2}\tsecond\n"),
            "a print() line without the id\n",
        ],
    ));
    seed(&g, "2024/05/01/[$LATEST]aaaa", &a);
    // Another environment, running at the same time.
    seed(
        &g,
        "2024/05/01/[$LATEST]bbbb",
        &invocation(r3, t + 101, &[&format!("x\t{r3}\tINFO\tthird\n")]),
    );
    let out = lamctl([
        "logs",
        "--log-group",
        &g,
        "--request-id",
        r2,
        "--format",
        "raw",
    ])
    .moto()
    .run();
    out.success();
    assert_eq!(
        lines(&out),
        [
            format!("START RequestId: {r2} Version: $LATEST"),
            format!("[INFO]\t2024-05-01T12:00:00.000Z\t{r2}\tsecond"),
            "a print() line without the id".to_string(),
            format!("END RequestId: {r2}"),
            format!(
                "REPORT RequestId: {r2}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB"
            ),
        ]
    );

    // JSON log format: platform records and app lines carry "requestId".
    let g2 = unique("/test/reqid-json");
    let j = |ty: &str, id: &str| {
        format!(
            r#"{{"time":"2024-05-01T12:00:00.000Z","type":"{ty}","record":{{"requestId":"{id}","version":"$LATEST","metrics":{{"durationMs":2.5}}}}}}"#
        )
    };
    let app = |id: &str, m: &str| {
        format!(
            r#"{{"timestamp":"2024-05-01T12:00:00Z","level":"INFO","message":"{m}","requestId":"{id}"}}"#
        )
    };
    seed(
        &g2,
        "s",
        &[
            ev(t, &j("platform.start", r1)),
            ev(t + 1, &app(r1, "one")),
            ev(t + 2, &j("platform.runtimeDone", r1)),
            ev(t + 2, &j("platform.report", r1)),
            ev(t + 3, &j("platform.start", r2)),
            ev(t + 4, &app(r2, "two")),
            ev(t + 5, &j("platform.runtimeDone", r2)),
            ev(t + 5, &j("platform.report", r2)),
        ],
    );
    let out = lamctl(["logs", "--log-group", &g2, "--request-id", r2])
        .moto()
        .run();
    out.success();
    assert_eq!(
        messages(&out),
        [
            format!("START RequestId: {r2} Version: $LATEST"),
            "INFO two".to_string(),
            format!("END RequestId: {r2}"),
            format!("REPORT RequestId: {r2}\tDuration: 2.5 ms"),
        ]
    );

    // An id with no lines in the window: nothing on stdout, a note on stderr.
    let out = lamctl([
        "logs",
        "--log-group",
        &g,
        "--request-id",
        "99999999-9999-4999-8999-999999999999",
    ])
    .moto()
    .run();
    out.success();
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("no log events of request"),
        "{}",
        out.stderr
    );
}

#[test]
fn qualifier_and_stream_prefix_select_streams() {
    let g = unique("/test/qual");
    let now = now_ms();
    let day = utc_day(now);
    let t = now - 2 * MIN;
    seed(&g, &format!("{day}/[$LATEST]aaaa"), &[ev(t, "latest")]);
    seed(&g, &format!("{day}/[3]bbbb"), &[ev(t + 1, "three")]);
    seed(&g, &format!("{day}/[3]cccc"), &[ev(t + 2, "three again")]);
    seed(&g, &format!("{day}/[31]dddd"), &[ev(t + 3, "thirty-one")]);
    seed(&g, "other/[3]eeee", &[ev(t + 4, "not lambda's name")]);
    let run = |extra: &[&str]| {
        let mut a = vec!["logs", "--log-group", g.as_str(), "--format", "raw"];
        a.extend_from_slice(extra);
        let out = lamctl(a).moto().run();
        out.success();
        lines(&out)
    };
    assert_eq!(run(&["--qualifier", "3"]), ["three", "three again"]);
    assert_eq!(run(&["--qualifier", "$LATEST"]), ["latest"]);
    let prefix = format!("{day}/[31]");
    assert_eq!(run(&["--stream-prefix", &prefix]), ["thirty-one"]);
    assert_eq!(run(&["--stream-prefix", "other/"]), ["not lambda's name"]);

    // The prefixes reach the service: one per day of the window, the day before included.
    let proxy = Proxy::moto();
    lamctl([
        "logs",
        "--log-group",
        &g,
        "--qualifier",
        "3",
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
    ])
    .run()
    .success();
    let sent: Vec<String> = proxy
        .requests()
        .iter()
        .filter(|r| r.target() == Some("FilterLogEvents"))
        .map(|r| {
            serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["logStreamNamePrefix"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let since = now - 10 * MIN;
    let mut days = vec![utc_day(since - 86_400_000), utc_day(since), utc_day(now)];
    days.dedup();
    let want: Vec<String> = days.iter().map(|d| format!("{d}/[3]")).collect();
    assert_eq!(sent, want);
}

#[test]
fn json_output_is_one_object_per_line() {
    let g = unique("/test/json");
    let t = now_ms() - MIN;
    seed(
        &g,
        "s1",
        &[ev(t, "hello\n"), ev(t + 5, "tab\tand \"quotes\"")],
    );
    let out = lamctl(["logs", "--log-group", &g, "--output", "json"])
        .moto()
        .run();
    out.success();
    let objs: Vec<serde_json::Value> = lines(&out)
        .iter()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(objs.len(), 2);
    assert_eq!(objs[0]["timestamp"], t);
    assert_eq!(objs[0]["stream"], "s1");
    assert_eq!(objs[0]["message"], "hello\n");
    assert!(objs[0]["ingestion_time"].as_i64().unwrap() >= t - 1000);
    assert!(objs[0]["event_id"].is_string());
    assert_eq!(objs[1]["message"], "tab\tand \"quotes\"");
}

#[test]
fn json_log_format_reads_as_level_and_message() {
    let g = unique("/test/jsonfmt");
    let t = now_ms() - MIN;
    let line = r#"{"timestamp":"2024-05-01T12:00:00Z","level":"ERROR","message":"boom","logger":"root","requestId":"abc"}"#;
    seed(&g, "s", &[ev(t, line), ev(t + 1, "plain text\n")]);
    let out = lamctl(["logs", "--log-group", &g]).moto().run();
    out.success();
    assert_eq!(messages(&out), ["ERROR boom", "plain text"]);
    assert!(!out.stdout().contains('\u{1b}'), "no colour when piped");
    let out = lamctl(["logs", "--log-group", &g, "--color", "always"])
        .moto()
        .run();
    assert!(out.stdout().contains("\u{1b}["), "--color always paints");
    // raw keeps the line as logged, for jq.
    let out = lamctl(["logs", "--log-group", &g, "--format", "raw"])
        .moto()
        .run();
    assert_eq!(lines(&out)[0], line);
}

pub(crate) fn create_function(name: &str) {
    rt().block_on(async {
        let conf = sdk().await;
        let role = create_role_async(name).await;
        let lambda = aws_sdk_lambda::Client::new(&conf);
        let mut zip = Vec::new();
        {
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(&mut zip));
            w.start_file("app.py", zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, b"def handler(e, c):\n    return e\n").unwrap();
            w.finish().unwrap();
        }
        lambda
            .create_function()
            .function_name(name)
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .handler("app.handler")
            .role(role)
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(zip))
                    .build(),
            )
            .logging_config(
                aws_sdk_lambda::types::LoggingConfig::builder()
                    .log_group(format!("/custom/{name}"))
                    .log_format(aws_sdk_lambda::types::LogFormat::Json)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let v = lambda
            .publish_version()
            .function_name(name)
            .send()
            .await
            .unwrap();
        lambda
            .create_alias()
            .function_name(name)
            .name("live")
            .function_version(v.version().unwrap())
            .send()
            .await
            .unwrap();
    });
}

#[test]
fn function_log_group_default_custom_and_missing() {
    let name = unique("logsfn");
    create_function(&name);
    let t = now_ms() - MIN;
    let day = utc_day(t);
    seed(
        &format!("/aws/lambda/{name}"),
        &format!("{day}/[1]x"),
        &[ev(t, "default group, version 1")],
    );
    seed(
        &format!("/aws/lambda/{name}"),
        &format!("{day}/[$LATEST]y"),
        &[ev(t + 1, "default group, latest")],
    );
    seed(&format!("/custom/{name}"), "s", &[ev(t, "custom group")]);

    // moto keeps no LoggingConfig: the default group.
    let out = lamctl(["logs", &name, "--format", "raw", "-v"])
        .moto()
        .run();
    out.success();
    assert_eq!(
        lines(&out),
        ["default group, version 1", "default group, latest"]
    );
    assert!(
        out.stderr.contains(&format!("/aws/lambda/{name}")),
        "{}",
        out.stderr
    );

    // An alias stands for its version.
    let out = lamctl(["logs", &name, "--format", "raw", "--qualifier", "live"])
        .moto()
        .run();
    out.success();
    assert_eq!(lines(&out), ["default group, version 1"]);
    lamctl(["logs", &name, "--qualifier", "nope"])
        .moto()
        .run()
        .fails(
            1,
            &format!("alias 'nope' of function '{name}' not found in {REGION}"),
        );

    // The name can come from lamctl.toml.
    let l = lamctl(["logs", "--format", "raw"]).moto();
    std::fs::write(
        l.home.path().join("lamctl.toml"),
        format!("name = \"{name}\"\n"),
    )
    .unwrap();
    let out = l.run();
    out.success();
    assert_eq!(lines(&out).len(), 2);

    // AWS reports the custom group in LoggingConfig (moto drops it, so the
    // proxy answers GetFunctionConfiguration as AWS does).
    let proxy = Proxy::moto();
    let body = format!(
        r#"{{"FunctionName":"{name}","FunctionArn":"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}","Runtime":"python3.12","LoggingConfig":{{"LogFormat":"JSON","LogGroup":"/custom/{name}","ApplicationLogLevel":"INFO","SystemLogLevel":"INFO"}}}}"#
    );
    proxy.inject(
        |r| r.method == "GET" && r.path.contains("/configuration"),
        Canned::new(200, body).header("Content-Type", "application/json"),
        None,
    );
    let out = lamctl([
        "logs",
        &name,
        "--format",
        "raw",
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
    ])
    .run();
    out.success();
    assert_eq!(lines(&out), ["custom group"]);

    // A function that does not exist, named with the region: exit 1.
    lamctl(["logs", "no-such-function-here"])
        .moto()
        .run()
        .fails(
            1,
            &format!("function 'no-such-function-here' not found in {REGION}"),
        );
    // A function that never logged: its group does not exist.
    let quiet = unique("quietfn");
    create_function(&quiet);
    let out = lamctl(["logs", &quiet]).moto().run();
    out.fails(
        1,
        &format!("log group '/aws/lambda/{quiet}' does not exist in {REGION}"),
    );
    assert!(out.stderr.contains("first invocation"), "{}", out.stderr);
    lamctl(["logs", "--log-group", "/no/such/group"])
        .moto()
        .run()
        .fails(1, "log group '/no/such/group' does not exist");
}

#[test]
fn simple_filters_against_moto_and_patterns_passed_verbatim() {
    let g = unique("/test/filter");
    let t = now_ms() - MIN;
    seed(
        &g,
        "s",
        &[
            ev(t, "INFO all good"),
            ev(t + 1, "ERROR disk full"),
            ev(t + 2, "WARN disk almost full"),
            ev(t + 3, "ERROR timeout talking to db"),
        ],
    );
    let run = |f: &str| {
        let out = lamctl(["logs", "--log-group", &g, "--format", "raw", "--filter", f])
            .moto()
            .run();
        out.success();
        lines(&out)
    };
    assert_eq!(
        run("ERROR"),
        ["ERROR disk full", "ERROR timeout talking to db"]
    );
    assert_eq!(run("\"disk almost\""), ["WARN disk almost full"]);

    let proxy = Proxy::moto();
    let pattern = r#"{ $.level = "ERROR" && $.duration > 100 }"#;
    lamctl([
        "logs",
        "--log-group",
        &g,
        "--filter",
        pattern,
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
    ])
    .run()
    .success();
    let bodies: Vec<serde_json::Value> = proxy
        .requests()
        .iter()
        .filter(|r| r.target() == Some("FilterLogEvents"))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), 1);
    assert_eq!(bodies[0]["filterPattern"], pattern);
    assert_eq!(bodies[0]["logGroupName"], g.as_str());
}

#[test]
fn head_closing_the_pipe_is_exit_0() {
    let g = unique("/test/pipe");
    let t = now_ms() - 2 * MIN;
    let events: Vec<(i64, String)> = (0..3000)
        .map(|i| (t + i, format!("line {i} {}", "x".repeat(80))))
        .collect();
    seed(&g, "s", &events);
    let exe = env!("CARGO_BIN_EXE_lamctl");
    let out = Command::new("bash")
        .args([
            "-c",
            &format!(
                "set -o pipefail; '{exe}' logs --log-group '{g}' --endpoint-url {} --region {REGION} | head -1",
                moto().endpoint
            ),
        ])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("line 0 "));
}

// ---------------------------------------------------------------- follow

/// A running `lamctl logs -f`, its stdout lines arriving on a channel with
/// the instant each was read.
pub(crate) struct Following {
    child: Child,
    lines: mpsc::Receiver<(Instant, String)>,
    stderr: std::thread::JoinHandle<String>,
}

pub(crate) fn follow(args: &[&str], endpoint: &str) -> Following {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lamctl"))
        .args(args)
        .args(["--endpoint-url", endpoint, "--region", REGION])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", std::env::temp_dir())
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for l in BufReader::new(stdout).lines() {
            let Ok(l) = l else { break };
            if tx.send((Instant::now(), l)).is_err() {
                break;
            }
        }
    });
    let mut stderr = child.stderr.take().unwrap();
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    Following {
        child,
        lines: rx,
        stderr,
    }
}

impl Following {
    /// The next line, waiting at most `within`.
    pub(crate) fn next_within(&self, within: Duration) -> Option<String> {
        self.lines.recv_timeout(within).ok().map(|(_, l)| l)
    }

    /// Wait for the process to end by itself (bounded), returning its code,
    /// the lines not yet read and stderr.
    pub(crate) fn finish(mut self, within: Duration) -> (i32, Vec<String>, String) {
        let deadline = Instant::now() + within;
        let code = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s.code().unwrap_or(-1);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("lamctl logs -f did not stop within {within:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let stderr = self.stderr.join().unwrap();
        let rest = self.lines.iter().map(|(_, l)| l).collect();
        (code, rest, stderr)
    }
}

#[test]
fn follow_by_polling_prints_each_new_event_once_within_two_intervals() {
    let g = unique("/test/follow");
    let t = now_ms() - MIN;
    seed(&g, "s", &[ev(t, "before")]);
    let interval = Duration::from_secs(1);
    let f = follow(
        &[
            "logs",
            "--log-group",
            &g,
            "--format",
            "raw",
            "-f",
            "--poll",
            "--poll-interval",
            "1s",
            "--follow-for",
            "15s",
            "-v",
        ],
        &moto().endpoint,
    );
    assert_eq!(
        f.next_within(Duration::from_secs(15)).as_deref(),
        Some("before")
    );
    let mut want = vec!["before".to_string()];
    for round in 0..3 {
        // Several events per round, in two streams, some in the same millisecond.
        let now = now_ms();
        let batch: Vec<(i64, String)> = (0..3)
            .map(|i| (now + i / 2, format!("r{round} e{i}")))
            .collect();
        seed(&g, "s", &batch);
        seed(&g, "s2", &[(now + 1, format!("r{round} other stream"))]);
        let put = Instant::now();
        let mut got = Vec::new();
        while got.len() < 4 {
            // "Within twice the poll interval" of being written, plus the call itself.
            let left = (interval * 2 + Duration::from_millis(500)).saturating_sub(put.elapsed());
            match f.next_within(left) {
                Some(l) => got.push(l),
                None => panic!("round {round}: only {got:?} within {:?}", interval * 2),
            }
        }
        // By time; at the same millisecond by ingestion (stream s was put first).
        let mut expect: Vec<String> = batch.iter().map(|(_, m)| m.clone()).collect();
        expect.push(format!("r{round} other stream"));
        assert_eq!(got, expect, "round {round}");
        want.extend(got);
    }
    let (code, rest, stderr) = f.finish(Duration::from_secs(30));
    assert_eq!(code, 0, "--follow-for ends it cleanly: {stderr}");
    assert!(rest.is_empty(), "each event exactly once; extra: {rest:?}");
    assert!(
        stderr.contains("following by polling FilterLogEvents (--poll)"),
        "{stderr}"
    );
}

#[test]
fn follow_without_poll_tries_live_tail_then_polls_and_until_ends_it() {
    let g = unique("/test/follow-lt");
    let t = now_ms() - MIN;
    // moto's Live Tail sends a snapshot of old events: printed once all the same.
    seed(&g, "s", &[ev(t - 7 * MIN, "long before"), ev(t, "before")]);
    let until = rfc3339(now_ms() + 6_000);
    let f = follow(
        &[
            "logs",
            "--log-group",
            &g,
            "--format",
            "raw",
            "-f",
            "--until",
            &until,
            "--poll-interval",
            "500ms",
            "-v",
        ],
        &moto().endpoint,
    );
    assert_eq!(
        f.next_within(Duration::from_secs(15)).as_deref(),
        Some("long before")
    );
    assert_eq!(
        f.next_within(Duration::from_secs(5)).as_deref(),
        Some("before")
    );
    seed(&g, "s", &[(now_ms(), "during".to_string())]);
    assert_eq!(
        f.next_within(Duration::from_secs(5)).as_deref(),
        Some("during")
    );
    let (code, rest, stderr) = f.finish(Duration::from_secs(20));
    assert_eq!(code, 0, "{stderr}");
    assert!(rest.is_empty(), "{rest:?}");
    // moto 5.2.5 serves StartLiveTail (without the host prefix) as one
    // snapshot; lamctl says so and polls.
    assert!(
        stderr.contains("following with CloudWatch Live Tail"),
        "{stderr}"
    );
    assert!(
        stderr.contains("following by polling FilterLogEvents"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_while_following_is_exit_130_with_output_flushed() {
    let g = unique("/test/follow-int");
    seed(&g, "s", &[ev(now_ms() - MIN, "already here")]);
    let f = follow(
        &["logs", "--log-group", &g, "-f", "--poll", "--format", "raw"],
        &moto().endpoint,
    );
    assert_eq!(
        f.next_within(Duration::from_secs(15)).as_deref(),
        Some("already here")
    );
    unsafe { libc::kill(f.child.id() as i32, libc::SIGINT) };
    let (code, rest, stderr) = f.finish(Duration::from_secs(10));
    assert_eq!(code, 130, "{stderr}");
    assert!(rest.is_empty());
    assert_eq!(stderr.trim(), "error: interrupted");
}

// ---------------------------------------------------------------- Live Tail (fake server)

pub(crate) fn frame(event_type: &str, body: &serde_json::Value) -> Vec<u8> {
    use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
    let msg = Message::new(serde_json::to_vec(body).unwrap())
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String("event".into()),
        ))
        .add_header(Header::new(
            ":event-type",
            HeaderValue::String(event_type.to_string().into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ));
    let mut out = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&msg, &mut out).unwrap();
    out
}

#[test]
fn live_tail_events_are_printed_from_the_event_stream() {
    let group = "/aws/lambda/fake";
    let arn = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}");
    let now = now_ms();
    let fake = Proxy::start(None);
    fake.inject(
        |r| r.target() == Some("DescribeLogGroups"),
        Canned::new(
            200,
            serde_json::json!({"logGroups": [{"logGroupName": group, "arn": format!("{arn}:*"), "logGroupArn": arn}]}).to_string(),
        )
        .header("Content-Type", "application/x-amz-json-1.1"),
        None,
    );
    // The window: one event that Live Tail will send again (not printed twice).
    fake.inject(
        |r| r.target() == Some("FilterLogEvents"),
        Canned::new(
            200,
            serde_json::json!({"events": [{"logStreamName": "s", "timestamp": now - 1000, "ingestionTime": now - 900, "message": "from the window\n", "eventId": "1"}]}).to_string(),
        )
        .header("Content-Type", "application/x-amz-json-1.1"),
        None,
    );
    let result = |ts: i64, msg: &str, g: &str| serde_json::json!({"logStreamName": "s", "logGroupIdentifier": g, "timestamp": ts, "ingestionTime": ts + 100, "message": msg});
    let mut body = frame(
        "sessionStart",
        &serde_json::json!({"requestId": "r", "sessionId": "s", "logGroupIdentifiers": [arn]}),
    );
    body.extend(frame(
        "sessionUpdate",
        &serde_json::json!({"sessionMetadata": {"sampled": false}, "sessionResults": [
            result(now - 1000, "from the window\n", &arn),
            result(now + 20, "live two", &arn),
            result(now + 10, r#"{"level":"WARN","message":"live one","requestId":"x"}"#, &arn),
            result(now + 30, "another group's event", "arn:aws:logs:us-east-1:123456789012:log-group:/other"),
        ]}),
    ));
    body.extend(frame(
        "sessionUpdate",
        &serde_json::json!({"sessionMetadata": {"sampled": true}, "sessionResults": [result(now + 40, "live three", &arn)]}),
    ));
    fake.inject(
        |r| r.target() == Some("StartLiveTail"),
        Canned::new(200, body).header("Content-Type", "application/vnd.amazon.eventstream"),
        Some(1),
    );
    let f = follow(
        &[
            "logs",
            "--log-group",
            group,
            "-f",
            "--follow-for",
            "3s",
            "-v",
        ],
        &fake.endpoint,
    );
    let (code, rest, stderr) = f.finish(Duration::from_secs(20));
    assert_eq!(code, 0, "{stderr}");
    let msgs: Vec<String> = rest
        .iter()
        .map(|l| l.splitn(3, ' ').nth(2).unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        msgs,
        ["from the window", "WARN live one", "live two", "live three"],
        "{stderr}"
    );
    assert!(
        stderr.contains("following with CloudWatch Live Tail"),
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: Live Tail is sampling"),
        "{stderr}"
    );
    // The request reached the custom endpoint (no `stream-` host) and named the group's ARN.
    let lt = fake
        .requests()
        .into_iter()
        .find(|r| r.target() == Some("StartLiveTail"))
        .expect("StartLiveTail was sent");
    let sent: serde_json::Value = serde_json::from_slice(&lt.body).unwrap();
    assert_eq!(sent["logGroupIdentifiers"][0], arn.as_str());
    assert!(
        lt.header("host")
            .is_some_and(|h| h.starts_with("127.0.0.1")),
        "{:?}",
        lt.header("host")
    );

    // An endpoint without Live Tail: lamctl says so with -v and polls.
    let fake = Proxy::start(None);
    fake.inject(
        |r| r.target() == Some("DescribeLogGroups"),
        Canned::new(
            200,
            serde_json::json!({"logGroups": [{"logGroupName": group, "logGroupArn": arn}]})
                .to_string(),
        )
        .header("Content-Type", "application/x-amz-json-1.1"),
        None,
    );
    fake.inject(
        |r| r.target() == Some("StartLiveTail"),
        Canned::aws_error(400, "UnknownOperationException", "not implemented"),
        None,
    );
    fake.inject(
        |r| r.target() == Some("FilterLogEvents"),
        Canned::new(200, r#"{"events":[]}"#).header("Content-Type", "application/x-amz-json-1.1"),
        None,
    );
    let f = follow(
        &[
            "logs",
            "--log-group",
            group,
            "-f",
            "--follow-for",
            "2s",
            "--poll-interval",
            "200ms",
            "-v",
        ],
        &fake.endpoint,
    );
    let (code, _, stderr) = f.finish(Duration::from_secs(20));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("Live Tail is not available"), "{stderr}");
    assert!(fake.count(|r| r.target() == Some("FilterLogEvents")) >= 3);
}

#[test]
fn polling_backs_off_while_throttled() {
    let g = unique("/test/throttle");
    seed(&g, "s", &[ev(now_ms() - MIN, "x")]);
    let proxy = Proxy::moto();
    // The first pass succeeds; then every poll is throttled (after the SDK's own retries).
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let s = seen.clone();
    proxy.inject(
        move |r| {
            r.target() == Some("FilterLogEvents")
                && s.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 1
        },
        Canned::aws_error(400, "ThrottlingException", "Rate exceeded"),
        None,
    );
    let f = follow(
        &[
            "logs",
            "--log-group",
            &g,
            "-f",
            "--poll",
            "--poll-interval",
            "100ms",
            "--follow-for",
            "10s",
            "-v",
        ],
        &proxy.endpoint,
    );
    let (code, _, stderr) = f.finish(Duration::from_secs(60));
    assert_eq!(code, 0, "throttling does not end the follow: {stderr}");
    assert!(
        stderr.contains("FilterLogEvents is throttled: polling every 200ms"),
        "{stderr}"
    );
    assert!(stderr.contains("polling every 400ms"), "{stderr}");
}

#[test]
fn following_a_request_id_ends_at_its_report_line() {
    let g = unique("/test/follow-req");
    let id = "44444444-4444-4444-8444-444444444444";
    let t = now_ms() - 2_000;
    seed(
        &g,
        "s",
        &[
            ev(t, &format!("START RequestId: {id} Version: $LATEST\n")),
            ev(t + 1, "working\n"),
        ],
    );
    let f = follow(
        &[
            "logs",
            "--log-group",
            &g,
            "--request-id",
            id,
            "-f",
            "--poll-interval",
            "300ms",
            "--follow-for",
            "60s",
            "--format",
            "raw",
        ],
        &moto().endpoint,
    );
    assert_eq!(
        f.next_within(Duration::from_secs(15)).as_deref(),
        Some(format!("START RequestId: {id} Version: $LATEST").as_str())
    );
    assert_eq!(
        f.next_within(Duration::from_secs(5)).as_deref(),
        Some("working")
    );
    let now = now_ms();
    seed(
        &g,
        "s",
        &[
            ev(now, "done\n"),
            ev(now + 1, &format!("END RequestId: {id}\n")),
            ev(
                now + 1,
                &format!("REPORT RequestId: {id}\tDuration: 3.00 ms\n"),
            ),
            // The environment's next invocation is not part of it.
            ev(
                now + 2,
                "START RequestId: 55555555-5555-4555-8555-555555555555 Version: $LATEST\n",
            ),
        ],
    );
    // Bounded well below --follow-for: it ends at the REPORT line.
    let (code, rest, stderr) = f.finish(Duration::from_secs(30));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        rest,
        [
            "done".to_string(),
            format!("END RequestId: {id}"),
            format!("REPORT RequestId: {id}\tDuration: 3.00 ms"),
        ]
    );
}
