//! Event source mappings (`[[event_source]]`) converged by `lamctl deploy`
//! against moto: created tagged as lamctl's, changed, removed from the
//! file, a foreign mapping left alone; read back through the SDK, with the
//! proxy counting the calls lamctl made.

use crate::harness::*;

/// A function deployed from a directory with a lamctl.toml, behind a
/// counting proxy (shared with tests/triggers_schedule.rs).
pub(crate) struct Fixture {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) name: String,
    pub(crate) role: String,
    pub(crate) base: String,
    pub(crate) proxy: Proxy,
}

impl Fixture {
    fn new() -> Fixture {
        Fixture::named("esm")
    }

    pub(crate) fn named(prefix: &str) -> Fixture {
        let name = unique(prefix);
        let role = create_role(&name);
        let dir = python_function_dir(&name, &role);
        let base = std::fs::read_to_string(dir.path().join("lamctl.toml")).unwrap();
        Fixture {
            dir,
            name,
            role,
            base,
            proxy: Proxy::moto(),
        }
    }

    /// lamctl.toml: the function and `tables` after it.
    pub(crate) fn file(&self, tables: &str) {
        std::fs::write(
            self.dir.path().join("lamctl.toml"),
            format!("{}\n{tables}", self.base),
        )
        .unwrap();
    }

    pub(crate) fn run(&self, args: &[&str]) -> Out {
        let mut all = vec![
            args[0],
            "--endpoint-url",
            &self.proxy.endpoint,
            "--region",
            REGION,
        ];
        all.extend_from_slice(&args[1..]);
        lamctl(&all).dir(self.dir.path()).run()
    }

    /// The requests that change something.
    fn writes(&self) -> Vec<String> {
        self.proxy
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET" && r.method != "HEAD")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    fn esm_writes(&self, method: &str) -> usize {
        self.proxy
            .count(|r| r.method == method && r.path.contains("/event-source-mappings"))
    }
}

fn table(arn: &str, more: &str) -> String {
    format!("[[event_source]]\narn = \"{arn}\"\n{more}\n")
}

/// The mapping from `source`: (batch size, lamctl's tag present).
fn mapping(function: &str, source: &str) -> Option<(i32, bool)> {
    event_source_mappings(function)
        .into_iter()
        .find(|(m, _)| m.event_source_arn() == Some(source))
        .map(|(m, tags)| {
            (
                m.batch_size().unwrap(),
                tags.get("lamctl:function").map(String::as_str) == Some(function),
            )
        })
}

#[test]
fn mappings_are_created_changed_removed_and_foreign_ones_left_alone() {
    let f = Fixture::new();
    let queue = sqs_queue(&unique("q"));
    let stream = kinesis_stream(&unique("k"));
    let foreign_source = dynamodb_stream(&unique("t"));
    f.file(&format!(
        "{}{}",
        table(
            &queue,
            "batch_size = 5\nreport_batch_item_failures = true\nmaximum_concurrency = 5\nfilters = ['{\"body\": {\"kind\": [\"order\"]}}']"
        ),
        table(&stream, "starting_position = \"TRIM_HORIZON\"")
    ));

    // The dry run names both mappings and changes nothing.
    let dry = f.run(&["deploy", "--dry-run"]);
    dry.success();
    let out = dry.stdout();
    assert!(
        out.contains(&format!("create the event source mapping from {queue}")),
        "{out}"
    );
    assert!(
        out.contains(&format!("create the event source mapping from {stream}")),
        "{out}"
    );
    assert!(f.writes().is_empty(), "{:?}", f.writes());

    // The real run does the same: two mappings, tagged as lamctl's.
    f.run(&["deploy"]).success();
    assert_eq!(f.esm_writes("POST"), 2);
    assert_eq!(mapping(&f.name, &queue), Some((5, true)));
    assert_eq!(mapping(&f.name, &stream), Some((100, true)));
    let (q, _) = event_source_mappings(&f.name)
        .into_iter()
        .find(|(m, _)| m.event_source_arn() == Some(&queue))
        .unwrap();
    assert_eq!(
        q.scaling_config().and_then(|s| s.maximum_concurrency()),
        Some(5)
    );
    assert_eq!(q.function_response_types().len(), 1);
    assert_eq!(q.filter_criteria().unwrap().filters().len(), 1);

    // Someone else's mapping of the same function.
    let (name, src) = (f.name.clone(), foreign_source.clone());
    lambda(async move |l| {
        l.create_event_source_mapping()
            .function_name(name)
            .event_source_arn(src)
            .starting_position(aws_sdk_lambda::types::EventSourcePosition::Latest)
            .send()
            .await
            .unwrap()
    });

    // An unchanged re-run writes nothing.
    f.proxy.clear();
    f.run(&["deploy"]).success();
    assert!(f.writes().is_empty(), "{:?}", f.writes());

    // A changed batch size: one update, read back.
    f.file(&format!(
        "{}{}",
        table(
            &queue,
            "batch_size = 7\nreport_batch_item_failures = true\nmaximum_concurrency = 5\nfilters = ['{\"body\": {\"kind\": [\"order\"]}}']"
        ),
        table(&stream, "starting_position = \"TRIM_HORIZON\"")
    ));
    f.proxy.clear();
    let dry = f.run(&["deploy", "--dry-run"]);
    assert!(
        dry.stdout().contains("batch_size: 5 -> 7"),
        "{}",
        dry.stdout()
    );
    f.run(&["deploy"]).success();
    assert_eq!(f.esm_writes("PUT"), 1);
    assert_eq!(mapping(&f.name, &queue), Some((7, true)));

    // The stream removed from the file: lamctl's mapping deleted, the
    // foreign one untouched.
    f.file(&table(
        &queue,
        "batch_size = 7\nreport_batch_item_failures = true\nmaximum_concurrency = 5\nfilters = ['{\"body\": {\"kind\": [\"order\"]}}']",
    ));
    f.proxy.clear();
    f.run(&["deploy"]).success();
    assert_eq!(f.esm_writes("DELETE"), 1);
    assert_eq!(mapping(&f.name, &stream), None);
    assert_eq!(mapping(&f.name, &foreign_source), Some((100, false)));
    assert_eq!(mapping(&f.name, &queue), Some((7, true)));
}

#[test]
fn a_listed_source_someone_else_mapped_is_left_alone() {
    let f = Fixture::new();
    f.run(&["deploy"]).success();
    let queue = sqs_queue(&unique("q"));
    let (name, src) = (f.name.clone(), queue.clone());
    lambda(async move |l| {
        l.create_event_source_mapping()
            .function_name(name)
            .event_source_arn(src)
            .batch_size(3)
            .send()
            .await
            .unwrap()
    });
    f.file(&table(&queue, "batch_size = 9"));
    f.proxy.clear();
    let out = f.run(&["deploy"]);
    out.success();
    assert!(
        out.stderr.contains("was not created by lamctl"),
        "{}",
        out.stderr
    );
    assert_eq!(f.esm_writes("POST") + f.esm_writes("PUT"), 0);
    assert_eq!(event_source_mappings(&f.name).len(), 1);
    assert_eq!(mapping(&f.name, &queue), Some((3, false)));
}

#[test]
fn the_pollers_permissions_go_into_lamctls_role_or_are_asked_for() {
    // lamctl's role: the statements join lamctl-allow, shown in the dry run.
    let f = Fixture::new();
    let queue = sqs_queue(&unique("q"));
    let base = f.base.replace(&format!("role = \"{}\"\n", f.role), "");
    std::fs::write(
        f.dir.path().join("lamctl.toml"),
        format!(
            "{base}\n[deploy]\ncreate_role = true\n\n{}",
            table(&queue, "")
        ),
    )
    .unwrap();
    let dry = f.run(&["deploy", "--dry-run"]);
    dry.success();
    assert!(
        dry.stdout().contains("sqs:ReceiveMessage"),
        "{}",
        dry.stdout()
    );
    f.run(&["deploy"]).success();
    let role = format!("lamctl-{}-exec", f.name);
    let doc = inline_policy(&role).expect("lamctl-allow written");
    let text = doc.to_string();
    assert!(
        text.contains("sqs:ReceiveMessage") && text.contains(&queue),
        "{text}"
    );
    assert_eq!(mapping(&f.name, &queue), Some((10, true)));

    // The user's role: not changed, the needs are a warning.
    let g = Fixture::new();
    let queue = sqs_queue(&unique("q"));
    g.file(&table(&queue, ""));
    let out = g.run(&["deploy"]);
    out.success();
    assert!(out.stderr.contains("is not lamctl's"), "{}", out.stderr);
    assert!(out.stderr.contains("sqs:DeleteMessage"), "{}", out.stderr);
    assert_eq!(inline_policy(&g.name), None);
}

#[test]
fn info_init_diff_and_delete_know_lamctls_mappings_from_others() {
    let f = Fixture::new();
    let queue = sqs_queue(&unique("q"));
    let foreign = sqs_queue(&unique("q"));
    f.file(&table(
        &queue,
        "batch_size = 4\nbatching_window = \"2s\"\nreport_batch_item_failures = true",
    ));
    f.run(&["deploy"]).success();
    let (name, src) = (f.name.clone(), foreign.clone());
    lambda(async move |l| {
        l.create_event_source_mapping()
            .function_name(name)
            .event_source_arn(src)
            .send()
            .await
            .unwrap()
    });

    // info: managed and not managed.
    let info = f.run(&["info", &f.name, "--output", "json"]);
    let doc = info.success().json();
    let sources = doc["event_sources"].as_array().unwrap();
    let managed = |arn: &str| {
        sources
            .iter()
            .find(|s| s["source"] == arn)
            .map(|s| s["managed"].as_bool().unwrap())
    };
    assert_eq!(
        (managed(&queue), managed(&foreign)),
        (Some(true), Some(false))
    );
    let text = f.run(&["info", &f.name]).success().stdout();
    assert!(
        text.contains(&format!("{foreign} (batch 10, ")) && text.contains("not managed"),
        "{text}"
    );

    // init writes lamctl's mapping back (not the other); diff is clean.
    let there = tempfile::tempdir().unwrap();
    let file = there.path().join("lamctl.toml");
    let p = file.to_str().unwrap();
    f.run(&["init", &f.name, "-c", p]).success();
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("[[event_source]]") && written.contains(&queue),
        "{written}"
    );
    assert!(!written.contains(&foreign), "{written}");
    let diff = lamctl([
        "diff",
        "--exit-code",
        "--endpoint-url",
        &f.proxy.endpoint,
        "--region",
        REGION,
    ])
    .dir(there.path())
    .run();
    diff.success();
    // And a change in the file is a difference.
    std::fs::write(&file, written.replace("batch_size = 4", "batch_size = 6")).unwrap();
    let diff = lamctl([
        "diff",
        "--exit-code",
        "--endpoint-url",
        &f.proxy.endpoint,
        "--region",
        REGION,
    ])
    .dir(there.path())
    .run();
    assert_eq!(diff.code, 4, "{}", diff.stderr);
    assert!(
        diff.stdout()
            .contains(&format!("event_source.{queue}.batch_size")),
        "{}",
        diff.stdout()
    );

    // delete removes lamctl's mapping, never the other.
    f.run(&["delete", &f.name, "--yes"]).success();
    let (name, q, o) = (f.name.clone(), queue.clone(), foreign.clone());
    let left: Vec<String> = lambda(async move |l| {
        l.list_event_source_mappings()
            .send()
            .await
            .unwrap()
            .event_source_mappings()
            .iter()
            .filter(|m| {
                m.function_arn()
                    .is_some_and(|a| a.ends_with(&format!(":{name}")))
            })
            .filter_map(|m| m.event_source_arn().map(String::from))
            .collect()
    });
    assert!(!left.contains(&q), "{left:?}");
    assert!(left.contains(&o), "{left:?}");
}
