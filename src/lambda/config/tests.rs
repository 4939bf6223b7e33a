//! The definition's diff and mappings.

use super::*;
use aws_sdk_lambda::types::EnvironmentResponse;

fn deployed() -> FunctionConfiguration {
    FunctionConfiguration::builder()
        .runtime(Runtime::Python312)
        .handler("app.handler")
        .role("arn:aws:iam::1:role/r")
        .memory_size(128)
        .timeout(3)
        .environment(
            EnvironmentResponse::builder()
                .variables("A", "1")
                .variables("B", "2")
                .build(),
        )
        .build()
}

#[test]
fn only_named_fields_that_differ_are_changes_and_values_are_masked() {
    let def = Definition {
        runtime: Some("python3.12".into()),
        memory: Some(256),
        timeout: Some(3),
        architecture: Some(Architecture::X86_64),
        environment: Some(BTreeMap::from([
            ("A".into(), "1".into()),
            ("B".into(), "secret".into()),
            ("C".into(), "3".into()),
        ])),
        ..Default::default()
    };
    let c = changes(&def, Some("arn:aws:iam::1:role/r"), &deployed());
    let fields: Vec<(&str, Option<&str>, &str)> = c
        .iter()
        .map(|c| (c.field.as_str(), c.from.as_deref(), c.to.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("memory", Some("128"), "256"),
            ("environment.B", Some("(hidden)"), "(changed)"),
            ("environment.C", None, "(set)"),
        ]
    );
    let none = Definition {
        environment: Some(BTreeMap::new()),
        ..Default::default()
    };
    let c = changes(&none, None, &deployed());
    assert_eq!(c.len(), 2, "both variables removed: {c:?}");
    assert!(c.iter().all(|c| c.to == "(removed)"));
}

#[test]
fn a_deployed_function_read_back_has_no_changes() {
    let cfg = deployed();
    let tags = BTreeMap::from([
        ("team".to_string(), "core".to_string()),
        ("aws:cloudformation:stack-name".into(), "s".into()),
    ]);
    let def = from_deployed(&cfg, &tags);
    assert_eq!(def.memory, Some(128));
    assert_eq!(def.tags.len(), 1, "aws: tags are Lambda's own");
    assert!(changes(&def, def.role.as_deref(), &cfg).is_empty());
    // Shown values.
    let mut other = def.clone();
    other.environment = Some(BTreeMap::from([("A".into(), "9".into())]));
    let c = changes_shown(&other, None, &cfg, true);
    assert_eq!(c[0].from.as_deref(), Some("1"));
    assert_eq!(c[0].to, "9");
    assert_eq!(c[1].from.as_deref(), Some("2"));
}

#[test]
fn every_deployed_field_is_read_back() {
    use aws_sdk_lambda::types::{EphemeralStorage, Layer};
    let cfg = FunctionConfiguration::builder()
        .runtime(Runtime::Nodejs20x)
        .handler("index.handler")
        .role("arn:aws:iam::1:role/r")
        .memory_size(1024)
        .timeout(60)
        .description("d")
        .architectures(SdkArchitecture::Arm64)
        .ephemeral_storage(EphemeralStorage::builder().size(2048).build().unwrap())
        .logging_config(
            LoggingConfig::builder()
                .log_format(SdkLogFormat::Json)
                .log_group("/g")
                .build(),
        )
        .layers(
            Layer::builder()
                .arn("arn:aws:lambda:us-east-1:1:layer:l:2")
                .build(),
        )
        .environment(EnvironmentResponse::builder().variables("K", "v").build())
        .build();
    let d = from_deployed(&cfg, &BTreeMap::new());
    assert_eq!(d.runtime.as_deref(), Some("nodejs20.x"));
    assert_eq!(d.architecture, Some(Architecture::Arm64));
    assert_eq!(d.ephemeral_storage, Some(2048));
    assert_eq!(d.log_format, Some(LogFormat::Json));
    assert_eq!(d.log_group.as_deref(), Some("/g"));
    assert_eq!(d.layers.len(), 1);
    assert_eq!(d.description.as_deref(), Some("d"));
    assert!(changes(&d, d.role.as_deref(), &cfg).is_empty());
}

#[test]
fn tags_converge_but_aws_tags_stay() {
    let have = BTreeMap::from([
        ("team".to_string(), "core".to_string()),
        ("old".into(), "x".into()),
        ("aws:cloudformation:stack-name".into(), "s".into()),
    ]);
    let want = BTreeMap::from([("team".to_string(), "edge".to_string())]);
    let (set, removed) = tag_changes(&want, &have);
    assert_eq!(set, want);
    assert_eq!(removed, ["old"]);
    assert_eq!(
        tag_changes(&BTreeMap::new(), &have),
        (BTreeMap::new(), vec![])
    );
}
