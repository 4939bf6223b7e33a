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
    assert_eq!(d.layers.as_ref().map(Vec::len), Some(1));
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

#[test]
fn deployed_settings_are_read_back_and_defaults_left_unnamed() {
    use aws_sdk_lambda::types::{
        ApplicationLogLevel, DeadLetterConfig, FileSystemConfig, SnapStartApplyOn,
        SnapStartResponse, SystemLogLevel as SdkSystemLogLevel, TracingConfigResponse, TracingMode,
        VpcConfigResponse,
    };
    let cfg = FunctionConfiguration::builder()
        .runtime(Runtime::Python312)
        .handler("app.handler")
        .vpc_config(
            VpcConfigResponse::builder()
                .subnet_ids("subnet-2")
                .subnet_ids("subnet-1")
                .security_group_ids("sg-1")
                .build(),
        )
        .tracing_config(
            TracingConfigResponse::builder()
                .mode(TracingMode::Active)
                .build(),
        )
        .snap_start(
            SnapStartResponse::builder()
                .apply_on(SnapStartApplyOn::PublishedVersions)
                .build(),
        )
        .logging_config(
            LoggingConfig::builder()
                .log_format(SdkLogFormat::Json)
                .application_log_level(ApplicationLogLevel::Warn)
                .system_log_level(SdkSystemLogLevel::Info)
                .build(),
        )
        .dead_letter_config(
            DeadLetterConfig::builder()
                .target_arn("arn:aws:sqs:us-east-1:1:q")
                .build(),
        )
        .kms_key_arn("arn:aws:kms:us-east-1:1:key/k")
        .file_system_configs(
            FileSystemConfig::builder()
                .arn("arn:aws:elasticfilesystem:us-east-1:1:access-point/fsap-1")
                .local_mount_path("/mnt/data")
                .build()
                .unwrap(),
        )
        .build();
    let d = from_deployed(&cfg, &BTreeMap::new());
    let vpc = d.vpc.as_ref().expect("a VPC");
    assert_eq!(vpc.subnets, ["subnet-1", "subnet-2"]);
    assert_eq!(vpc.ipv6_dual_stack, None, "false is the default: unnamed");
    assert_eq!(d.tracing, Some(Tracing::Active));
    assert_eq!(d.snap_start, Some(SnapStart::PublishedVersions));
    assert_eq!(d.application_log_level, Some(AppLogLevel::Warn));
    assert_eq!(d.system_log_level, Some(SystemLogLevel::Info));
    assert_eq!(
        d.dead_letter_arn.as_deref(),
        Some("arn:aws:sqs:us-east-1:1:q")
    );
    assert_eq!(
        d.kms_key_arn.as_deref(),
        Some("arn:aws:kms:us-east-1:1:key/k")
    );
    assert_eq!(d.file_systems.as_ref().map(Vec::len), Some(1));
    assert!(
        changes(&d, None, &cfg).is_empty(),
        "{:?}",
        changes(&d, None, &cfg)
    );
    // Nothing set: nothing named.
    let bare = from_deployed(&deployed(), &BTreeMap::new());
    assert!(bare.vpc.is_none() && bare.tracing.is_none() && bare.snap_start.is_none());
    assert!(bare.dead_letter_arn.is_none() && bare.kms_key_arn.is_none());
    assert!(bare.file_systems.is_none());
}
