use super::*;

fn schedules(text: &str) -> Result<Vec<Schedule>, String> {
    #[derive(Deserialize)]
    struct F {
        schedule: Vec<Schedule>,
    }
    toml::from_str::<F>(text)
        .map(|f| f.schedule)
        .map_err(|e| e.message().to_string())
}

fn deployed(w: &Wanted, managed: bool) -> Deployed {
    Deployed {
        name: w.name.clone(),
        group: GROUP.into(),
        config: w.config.clone(),
        managed,
    }
}

#[test]
fn a_table_is_checked_and_named() {
    let s = schedules(
        "[[schedule]]\nexpression = \"rate(5 minutes)\"\n[[schedule]]\nname = \"nightly\"\nexpression = \"cron(0 2 * * ? *)\"\ntimezone = \"Europe/Paris\"\npayload = '{\"job\": 1}'\n",
    )
    .unwrap();
    let w = wanted("f", &s);
    assert_eq!(w[0].name, "f-1");
    assert_eq!(w[0].config.timezone, "UTC");
    assert_eq!(w[0].config.payload, "{}");
    assert_eq!(w[1].name, "nightly");
    assert_eq!(derived_name(&"x".repeat(64), 12).len(), 64);
    for (bad, key) in [
        ("expression = \"every day\"", "expression"),
        (
            "expression = \"rate(5 minutes)\"\ntimezone = \"Mars/Base\"",
            "timezone",
        ),
        ("expression = \"rate(5 minutes)\"\npayload = '{'", "payload"),
        ("expression = \"rate(5 minutes)\"\nname = \"a b\"", "name"),
    ] {
        let e = schedules(&format!("[[schedule]]\n{bad}\n")).unwrap_err();
        assert!(e.starts_with(key), "{bad}: {e}");
    }
    let twice = schedules(
        "[[schedule]]\nname = \"a\"\nexpression = \"rate(1 day)\"\n[[schedule]]\nname = \"a\"\nexpression = \"rate(2 days)\"\n",
    )
    .unwrap();
    assert!(validate(&twice).is_err());
}

#[test]
fn the_planner_converges_only_lamctls_schedules() {
    let s = schedules("[[schedule]]\nexpression = \"rate(5 minutes)\"\n").unwrap();
    let w = wanted("f", &s);
    // Unset: the role and the schedule are created.
    assert!(matches!(
        &plan(&w, &[], None, "r")[..],
        [Step::CreateRole { .. }, Step::Create { .. }]
    ));
    // Unchanged: nothing.
    assert!(plan(&w, &[deployed(&w[0], true)], Some("arn"), "r").is_empty());
    // Changed: an update.
    let mut old = deployed(&w[0], true);
    old.config.expression = "rate(1 hour)".into();
    assert!(matches!(
        &plan(&w, &[old], Some("arn"), "r")[..],
        [Step::Update { .. }]
    ));
    // Removed: lamctl's deleted; someone else's of the same name left.
    assert!(matches!(
        &plan(&[], &[deployed(&w[0], true)], Some("arn"), "r")[..],
        [Step::Delete { .. }]
    ));
    assert!(plan(&[], &[deployed(&w[0], false)], Some("arn"), "r").is_empty());
    assert!(matches!(
        &plan(&w, &[deployed(&w[0], false)], Some("arn"), "r")[..],
        [Step::NotManaged { .. }]
    ));
    // init writes back what reads as the same schedule.
    let back = deployed(&w[0], true).as_schedule("f", 1);
    assert_eq!(wanted("f", &[back]), w);
}
