//! The `--output json` documents of init, serve and logs (NDJSON: each
//! line), run for real: a snapshot (insta) with what changes from run to
//! run redacted, and each checked against its schema in docs/json/.

use std::io::Read;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::json::{conform, redact};
use super::{Fn, init_download_named, zip_of};
use crate::harness::*;
use crate::logs::{now_ms, seed};

fn snapshot(snap: &str, v: &Value) {
    insta::assert_snapshot!(
        format!("json-{snap}"),
        serde_json::to_string_pretty(v).unwrap()
    );
}

/// `out`'s stdout as one JSON document, checked against NAME's schema,
/// then redacted (the directory `here`, `subs`).
fn document(name: &str, out: &Out, here: &std::path::Path, subs: &[(&str, &str)]) -> Value {
    out.success();
    let mut v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{name}: {e}: {}", out.stdout()));
    conform(name, &v);
    let dir = here.canonicalize().unwrap();
    let mut all = vec![
        (dir.to_str().unwrap(), "[DIR]"),
        (here.to_str().unwrap(), "[DIR]"),
    ];
    all.extend_from_slice(subs);
    redact(&mut v, &all);
    v
}

#[test]
fn init_json_document_matches_its_schema_and_snapshot() {
    let f = Fn::new("jin");
    let here = tempfile::tempdir().unwrap();
    let out = lamctl(["init", &f.name, "--output", "json"])
        .moto()
        .dir(here.path())
        .run();
    let v = document("init", &out, here.path(), &[(&f.name, "[FN]")]);
    assert!(here.path().join("lamctl.toml").is_file());
    snapshot("init", &v);

    // --download fills in source and files (GetFunction faked: moto's
    // code location cannot be fetched).
    let name = unique("jdl");
    let here = tempfile::tempdir().unwrap();
    let zip = zip_of(&[("app.py", None), ("lib/util.py", None)]);
    let out = init_download_named(here.path(), &name, zip, &["--output", "json"]);
    let v = document("init", &out, here.path(), &[(&name, "[FN]")]);
    assert_eq!(v["files"], 2, "{v}");
    snapshot("init-download", &v);
}

#[test]
fn serve_json_document_matches_its_schema_and_snapshot() {
    let (mut cmd, _home) = crate::local::serve_cmd(
        &["--dir", "examples/hello-python", "--output", "json"],
        None,
    );
    let mut child = cmd.spawn().expect("run lamctl serve");
    let mut stdout = child.stdout.take().unwrap();
    // The document is printed once the port is bound and serve keeps
    // running: read exactly one JSON value, never to the end.
    let first = serde_json::Deserializer::from_reader(&mut stdout)
        .into_iter::<Value>()
        .next();
    // SAFETY: kill(2) on the pid of a child we spawned and have not yet
    // waited for, so the pid cannot have been reused.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let mut v = match first {
        Some(Ok(v)) => v,
        other => panic!("serve printed no JSON document: {other:?}\nstderr: {err}"),
    };
    assert_eq!(rest.trim(), "", "serve prints one document on stdout");
    conform("serve", &v);
    let port = v["port"].as_u64().unwrap();
    assert_eq!(v["url"], format!("http://127.0.0.1:{port}"));
    v["port"] = Value::from("[PORT]");
    redact(&mut v, &[(&port.to_string(), "[PORT]")]);
    snapshot("serve", &v);
}

#[test]
fn logs_json_lines_match_the_schema_and_snapshot() {
    let f = Fn::new("jlg");
    let group = format!("/aws/lambda/{}", f.name);
    let stream = "2026/01/01/[$LATEST]0123456789abcdef";
    let t = now_ms() - 60_000;
    let events = [
        (t, "START RequestId: r1\n".to_string()),
        (t + 5, "hello \"json\"\tline\n".to_string()),
    ];
    // (moto may have created the group with the function: seed keeps it.)
    seed(&group, stream, &events);

    let out = f.run(&["logs", &f.name, "--output", "json"]);
    out.success();
    let text = out.stdout();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), events.len(), "one object per line: {text}");
    let mut docs = Vec::new();
    for line in lines {
        let mut v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        conform("logs", &v);
        // Times relative to the first event; the rest varies per run.
        v["timestamp"] = Value::from(v["timestamp"].as_i64().unwrap() - t);
        v["ingestion_time"] = Value::from("[MS]");
        v["event_id"] = Value::from("[EVENT-ID]");
        docs.push(v);
    }
    snapshot("logs", &Value::Array(docs));

    // Several functions: each line also names its function.
    let other = unique("jlg2");
    crate::logs::create_function(&other);
    seed(
        &format!("/aws/lambda/{other}"),
        stream,
        &[(t + 1, "other\n".into())],
    );
    let out = f.run(&["logs", &f.name, &other, "--output", "json"]);
    out.success();
    let text = out.stdout();
    let functions: Vec<String> = text
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap();
            conform("logs", &v);
            v["function"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(functions, [f.name.clone(), other, f.name.clone()], "{text}");
}
