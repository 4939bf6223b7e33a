use super::*;

const Q: &str = "arn:aws:sqs:us-east-1:123456789012:orders";
const S: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/k";

fn source(text: &str) -> Result<EventSource, String> {
    #[derive(Deserialize)]
    struct F {
        event_source: Vec<EventSource>,
    }
    toml::from_str::<F>(text)
        .map(|f| f.event_source[0].clone())
        .map_err(|e| e.message().to_string())
}

fn mapping(s: &EventSource, managed: bool) -> Mapping {
    Mapping {
        uuid: format!("u-{managed}"),
        arn: "arn".into(),
        source: s.arn.clone(),
        config: s.config(),
        starting_position: s.starting_position(),
        starting_timestamp: None,
        state: Some("Enabled".into()),
        managed,
    }
}

#[test]
fn a_table_is_checked_against_its_source_kind() {
    let q = source(&format!(
        "[[event_source]]\narn = \"{Q}\"\nbatch_size = 20\nbatching_window = \"5s\"\nmaximum_concurrency = 5\nfilters = ['{{\"body\": {{\"a\": [1]}}}}']\n"
    ))
    .unwrap();
    assert_eq!(q.kind, SourceKind::Sqs { fifo: false });
    assert_eq!(q.config().batching_window, 5);
    assert_eq!(q.starting_position(), None);
    let k = source(&format!("[[event_source]]\narn = \"{S}\"\n")).unwrap();
    assert_eq!(k.config().batch_size, 100);
    assert_eq!(k.starting_position(), Some(StartingPosition::Latest));
    for (bad, key) in [
        (
            format!("arn = \"{Q}\"\nstarting_position = \"LATEST\""),
            "starting_position",
        ),
        (format!("arn = \"{Q}\"\nbatch_size = 20"), "batch_size"),
        (format!("arn = \"{Q}.fifo\"\nbatch_size = 11"), "batch_size"),
        (format!("arn = \"{S}\"\nbatch_size = 10001"), "batch_size"),
        (
            format!("arn = \"{S}\"\nmaximum_concurrency = 5"),
            "maximum_concurrency",
        ),
        (
            format!("arn = \"{Q}\"\nmaximum_concurrency = 1"),
            "maximum_concurrency",
        ),
        (
            format!("arn = \"{Q}\"\nbatching_window = \"301s\""),
            "batching_window",
        ),
        (
            format!("arn = \"{Q}\"\nbatching_window = \"soon\""),
            "batching_window",
        ),
        (format!("arn = \"{Q}\"\nfilters = ['{{']"), "filters"),
        (
            format!("arn = \"{S}\"\nstarting_position = \"AT_TIMESTAMP\""),
            "starting_position",
        ),
        ("arn = \"queue\"".to_string(), "arn"),
    ] {
        let e = source(&format!("[[event_source]]\n{bad}\n")).unwrap_err();
        assert!(e.starts_with(key), "{bad}: {e}");
    }
    let at = source(&format!(
        "[[event_source]]\narn = \"{S}\"\nstarting_position = \"AT_TIMESTAMP\"\nstarting_timestamp = \"2024-05-01T12:00:00Z\"\n"
    ))
    .unwrap();
    assert_eq!(
        at.starting_timestamp.as_deref(),
        Some("2024-05-01T12:00:00Z")
    );
    assert!(validate(&[q.clone(), q.clone()]).is_err());
}

#[test]
fn the_planner_converges_only_lamctls_mappings() {
    let q = source(&format!(
        "[[event_source]]\narn = \"{Q}\"\nbatch_size = 5\n"
    ))
    .unwrap();
    let k = source(&format!("[[event_source]]\narn = \"{S}\"\n")).unwrap();
    // Unset: nothing deployed, created.
    assert!(matches!(
        plan(std::slice::from_ref(&q), &[])[..],
        [Step::Create { .. }]
    ));
    // Unchanged: no step.
    assert!(plan(std::slice::from_ref(&q), &[mapping(&q, true)]).is_empty());
    // Changed: one update with the old and new settings.
    let mut old = mapping(&q, true);
    old.config.batch_size = 9;
    match &plan(std::slice::from_ref(&q), std::slice::from_ref(&old))[..] {
        [Step::Update { from, to, .. }] => assert_eq!((from.batch_size, to.batch_size), (9, 5)),
        other => panic!("{other:?}"),
    }
    // Removed from the file: lamctl's deleted, a foreign one left alone.
    let steps = plan(&[], &[mapping(&q, true), mapping(&k, false)]);
    assert!(matches!(&steps[..], [Step::Delete { source, .. }] if source == Q));
    // Listed but someone else's: not managed, no second mapping.
    assert!(matches!(
        plan(std::slice::from_ref(&q), &[mapping(&q, false)])[..],
        [Step::NotManaged { .. }]
    ));
    // init writes back what reads as the same mapping.
    let back = mapping(&q, true).as_event_source().unwrap();
    assert_eq!(back.config(), q.config());
    let statements = poller_statements(&[q, k]);
    assert_eq!(statements.len(), 3);
    assert_eq!(statements[2].resources, vec!["*".to_string()]);
}
