//! Every zip-function setting: what moto stores is read back through the
//! SDK; what moto drops (DeadLetterConfig, FileSystemConfigs, SnapStart,
//! LoggingConfig) or has no operation for (runtime management, recursion,
//! code signing on an existing function) is checked in the request lamctl
//! sent, through the recording proxy (those operations answered by it).

use super::*;

const SUBNET_A: &str = "subnet-0123456789abcdef0";
const SUBNET_B: &str = "subnet-0fedcba9876543210";
const SG: &str = "sg-0123456789abcdef0";
const KMS: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const DLQ: &str = "arn:aws:sqs:us-east-1:123456789012:failed-events";
const EFS: &str =
    "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0";
const RUNTIME: &str = "arn:aws:lambda:us-east-1::runtime:0b3d2a1c9e8f7a6b";
const CSC: &str = "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdef0";
const CSC2: &str =
    "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0aaaaaaaaaaaaaaaa";

/// The JSON body of the last request `method` sent to a path ending in `suffix`.
fn body(f: &Fixture, method: &str, suffix: &str) -> Option<serde_json::Value> {
    f.proxy
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == method && r.path.split('?').next().unwrap().ends_with(suffix))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
}

/// Answer the operations moto lacks as Lambda would, for this function.
fn answer_missing_operations(f: &Fixture) {
    let suffix = |s: &str| {
        let want = format!("/functions/{}/{s}", f.name);
        move |r: &Request| r.path.split('?').next().unwrap().ends_with(&want)
    };
    let json = |b: &str| Canned::new(200, b.to_string()).header("Content-Type", "application/json");
    let rm = suffix("runtime-management-config");
    f.proxy.inject(
        move |r| rm(r),
        json(&format!(
            r#"{{"UpdateRuntimeOn":"Manual","RuntimeVersionArn":"{RUNTIME}","FunctionArn":"x"}}"#
        )),
        None,
    );
    let rc = suffix("recursion-config");
    f.proxy.inject(
        move |r| rc(r),
        json(r#"{"RecursiveLoop":"Terminate"}"#),
        None,
    );
    let cs = suffix("code-signing-config");
    let name = f.name.clone();
    f.proxy.inject(
        move |r| r.method == "PUT" && cs(r),
        json(&format!(
            r#"{{"CodeSigningConfigArn":"{CSC2}","FunctionName":"{name}"}}"#
        )),
        None,
    );
}

fn all_settings() -> Vec<String> {
    [
        "--subnet",
        SUBNET_A,
        "--subnet",
        SUBNET_B,
        "--security-group",
        SG,
        "--ipv6-dual-stack",
        "true",
        "--tracing",
        "active",
        "--snap-start",
        "published-versions",
        "--log-format",
        "json",
        "--application-log-level",
        "debug",
        "--system-log-level",
        "warn",
        "--dead-letter-arn",
        DLQ,
        "--kms-key-arn",
        KMS,
        "--file-system",
        &format!("{EFS}=/mnt/data"),
        "--runtime-update",
        "manual",
        "--runtime-version-arn",
        RUNTIME,
        "--recursive-loop",
        "terminate",
        "--code-signing-config",
        CSC,
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn every_zip_setting_reaches_the_function_and_unnamed_ones_survive() {
    let f = Fixture::new();
    answer_missing_operations(&f);
    let args = all_settings();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    // The dry run of the new function shows every setting.
    let plan = f.deploy(&[&args[..], &["--dry-run"]].concat());
    plan.success();
    for line in [
        format!("    subnets: {SUBNET_A}, {SUBNET_B}"),
        format!("    security_groups: {SG}"),
        "    ipv6_dual_stack: true".into(),
        "    tracing: Active".into(),
        "    snap_start: PublishedVersions".into(),
        "    application_log_level: DEBUG".into(),
        "    system_log_level: WARN".into(),
        format!("    dead_letter_arn: {DLQ}"),
        format!("    kms_key_arn: {KMS}"),
        format!("    file_systems: {EFS}=/mnt/data"),
        format!("  runtime updates: Manual ({RUNTIME})"),
        "  recursive loop detection: Terminate".into(),
    ] {
        assert!(
            plan.stdout().contains(&format!("{line}\n")),
            "{line:?} in\n{}",
            plan.stdout()
        );
    }

    f.deploy(&args).success();
    // What moto stores, read back.
    let c = config(&f.name);
    let vpc = c.vpc_config().unwrap();
    assert_eq!(vpc.subnet_ids(), [SUBNET_A, SUBNET_B]);
    assert_eq!(vpc.security_group_ids(), [SG]);
    assert_eq!(vpc.ipv6_allowed_for_dual_stack(), Some(true));
    assert_eq!(
        c.tracing_config().unwrap().mode().unwrap().as_str(),
        "Active"
    );
    assert_eq!(c.kms_key_arn(), Some(KMS));
    let name = f.name.clone();
    let csc = lambda(async move |l| {
        l.get_function_code_signing_config()
            .function_name(name)
            .send()
            .await
            .unwrap()
            .code_signing_config_arn()
            .to_string()
    });
    assert_eq!(csc, CSC);
    // What moto drops, in the request.
    let create = body(&f, "POST", "/functions").unwrap();
    assert_eq!(
        create["DeadLetterConfig"],
        serde_json::json!({"TargetArn": DLQ})
    );
    assert_eq!(
        create["FileSystemConfigs"],
        serde_json::json!([{"Arn": EFS, "LocalMountPath": "/mnt/data"}])
    );
    assert_eq!(
        create["SnapStart"],
        serde_json::json!({"ApplyOn": "PublishedVersions"})
    );
    assert_eq!(
        create["LoggingConfig"],
        serde_json::json!({"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG", "SystemLogLevel": "WARN"})
    );
    assert_eq!(
        body(&f, "PUT", "/runtime-management-config").unwrap(),
        serde_json::json!({"UpdateRuntimeOn": "Manual", "RuntimeVersionArn": RUNTIME})
    );
    assert_eq!(
        body(&f, "PUT", "/recursion-config").unwrap(),
        serde_json::json!({"RecursiveLoop": "Terminate"})
    );

    // The same settings again: runtime management and recursion read as
    // set, so no Put; code signing is read and equal.
    f.proxy.clear();
    f.deploy(&[
        "--subnet",
        SUBNET_B,
        "--subnet",
        SUBNET_A,
        "--security-group",
        SG,
        "--ipv6-dual-stack",
        "true",
        "--tracing",
        "active",
        "--kms-key-arn",
        KMS,
        "--runtime-update",
        "manual",
        "--runtime-version-arn",
        RUNTIME,
        "--recursive-loop",
        "terminate",
        "--code-signing-config",
        CSC,
    ])
    .success();
    assert_eq!(f.mutations(), Vec::<String>::new(), "nothing differs");

    // An update naming only memory sends only the definition's fields: the
    // VPC, tracing and KMS key (not named) and everything lamctl does not
    // manage (durable config, tenancy, capacity provider…) are not reset.
    f.proxy.clear();
    f.deploy(&["--memory", "256"]).success();
    let update = body(&f, "PUT", "/configuration").unwrap();
    let keys: Vec<&str> = update
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["Environment", "Handler", "MemorySize", "Runtime", "Timeout"]
    );
    let c = config(&f.name);
    assert_eq!(c.memory_size(), Some(256));
    assert_eq!(c.vpc_config().unwrap().subnet_ids(), [SUBNET_A, SUBNET_B]);
    assert_eq!(
        c.tracing_config().unwrap().mode().unwrap().as_str(),
        "Active"
    );
    assert_eq!(c.kms_key_arn(), Some(KMS));

    // Changes to an existing function: shown by the dry run, then sent.
    let change = [
        "--subnet",
        SUBNET_A,
        "--security-group",
        SG,
        "--tracing",
        "pass-through",
        "--code-signing-config",
        CSC2,
        "--recursive-loop",
        "allow",
        "--runtime-update",
        "auto",
    ];
    let plan = f.deploy(&[&change[..], &["--dry-run"]].concat());
    plan.success();
    for line in [
        format!("    subnets: {SUBNET_A}, {SUBNET_B} -> {SUBNET_A}"),
        "    tracing: Active -> PassThrough".into(),
        format!("  code signing config: {CSC2}"),
        "  recursive loop detection: Allow".into(),
        "  runtime updates: Auto".into(),
    ] {
        assert!(
            plan.stdout().contains(&format!("{line}\n")),
            "{line:?} in\n{}",
            plan.stdout()
        );
    }
    f.proxy.clear();
    f.deploy(&change).success();
    let update = body(&f, "PUT", "/configuration").unwrap();
    assert_eq!(
        update["TracingConfig"],
        serde_json::json!({"Mode": "PassThrough"})
    );
    assert_eq!(
        update["VpcConfig"],
        serde_json::json!({"SubnetIds": [SUBNET_A], "SecurityGroupIds": [SG]})
    );
    assert_eq!(
        config(&f.name).vpc_config().unwrap().subnet_ids(),
        [SUBNET_A]
    );
    assert_eq!(
        body(&f, "PUT", "/code-signing-config").unwrap(),
        serde_json::json!({"CodeSigningConfigArn": CSC2})
    );
    assert_eq!(
        body(&f, "PUT", "/recursion-config").unwrap(),
        serde_json::json!({"RecursiveLoop": "Allow"})
    );
    assert_eq!(
        body(&f, "PUT", "/runtime-management-config").unwrap(),
        serde_json::json!({"UpdateRuntimeOn": "Auto"})
    );

    // --unset removes: out of the VPC, the default key, no code signing.
    let cs = format!("/functions/{}/code-signing-config", f.name);
    f.proxy.inject(
        move |r| r.method == "DELETE" && r.path.split('?').next().unwrap().ends_with(&cs),
        Canned::new(204, ""),
        None,
    );
    f.proxy.clear();
    let out = f.deploy(&[
        "--unset",
        "vpc",
        "--unset",
        "kms-key",
        "--unset",
        "code-signing-config",
        "-o",
        "json",
    ]);
    out.success();
    assert_eq!(
        out.json()["config_changed"],
        serde_json::json!([
            "subnets",
            "security_groups",
            "kms_key_arn",
            "code_signing_config"
        ])
    );
    let update = body(&f, "PUT", "/configuration").unwrap();
    assert_eq!(
        update["VpcConfig"],
        serde_json::json!({"SubnetIds": [], "SecurityGroupIds": []})
    );
    assert_eq!(update["KMSKeyArn"], "");
    assert!(
        config(&f.name)
            .vpc_config()
            .is_none_or(|v| v.subnet_ids().is_empty())
    );
    assert_eq!(f.calls("DELETE", "/code-signing-config"), 1);
    f.deploy(&[
        "--unset",
        "vpc",
        "--subnet",
        SUBNET_A,
        "--security-group",
        SG,
    ])
    .fails(2, "--unset vpc (--subnet, subnets) is also given a value");
}

#[test]
fn settings_are_validated_before_any_call() {
    let f = Fixture::new();
    let many: Vec<String> = (0..17)
        .flat_map(|i| ["--subnet".to_string(), format!("subnet-{i:08x}")])
        .collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let efs = format!("{EFS}=/mnt/data");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            [&many[..], &["--security-group", SG]].concat(),
            "17 subnets given",
        ),
        (
            vec!["--subnet", "subnet-xyz", "--security-group", SG],
            "invalid subnet id",
        ),
        (vec!["--subnet", SUBNET_A], "needs both subnets"),
        (
            vec!["--subnet", SUBNET_A, "--security-group", "sg-1"],
            "invalid security group id",
        ),
        (
            vec!["--application-log-level", "debug"],
            "log levels need the JSON log format",
        ),
        (
            vec!["--runtime-update", "manual"],
            "needs --runtime-version-arn",
        ),
        (
            vec!["--runtime-version-arn", RUNTIME],
            "only used with --runtime-update manual",
        ),
        (vec!["--kms-key-arn", "alias/x"], "invalid KMS key ARN"),
        (
            vec!["--dead-letter-arn", "arn:aws:s3:::b"],
            "invalid dead-letter target",
        ),
        (
            vec!["--code-signing-config", "csc-1"],
            "invalid code signing config ARN",
        ),
        (vec!["--file-system", &efs], "reached through a VPC"),
        (
            vec!["--file-system", "x=/mnt/a"],
            "invalid EFS access point ARN",
        ),
        (
            vec!["--tracing", "on"],
            "invalid value 'on' for '--tracing <MODE>'",
        ),
    ];
    for (args, needle) in cases {
        f.deploy(&args).fails(2, needle);
    }
    // From lamctl.toml, the same rules, naming the file.
    let path = f.dir.path().join("lamctl.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!("file_systems = [{{ arn = \"{EFS}\", mount_path = \"/data\" }}]\n{toml}"),
    )
    .unwrap();
    f.deploy(&[]).fails(2, "invalid EFS mount path '/data'");
    assert_eq!(f.proxy.requests().len(), 0);
}

/// A layer version published in moto (moto refuses a function whose layer
/// it does not hold).
pub(super) fn publish_layer(f: &Fixture) -> String {
    let zip = std::fs::read(package_dir(f.dir.path())).unwrap();
    lambda(async move |l| {
        l.publish_layer_version()
            .layer_name(unique("layer"))
            .content(
                aws_sdk_lambda::types::LayerVersionContentInput::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(zip))
                    .build(),
            )
            .send()
            .await
            .unwrap()
            .layer_version_arn()
            .unwrap()
            .to_string()
    })
}

fn deployed_layers(name: &str) -> Vec<String> {
    config(name)
        .layers()
        .iter()
        .filter_map(|l| l.arn().map(String::from))
        .collect()
}

/// Layers are a whole set: `layers = []` in lamctl.toml and `--unset
/// layers` remove them (both were impossible: an empty list was "leave
/// alone", and nothing else removed a layer).
#[test]
fn an_empty_layer_list_or_unset_layers_removes_the_layers() {
    let f = Fixture::new();
    let layer = publish_layer(&f);
    f.deploy(&["--layer", &layer]).success();
    assert_eq!(deployed_layers(&f.name), [layer.as_str()]);
    // A deploy that does not mention layers leaves them alone.
    f.deploy(&[]).success();
    assert_eq!(deployed_layers(&f.name), [layer.as_str()]);

    let path = f.dir.path().join("lamctl.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("layers = []\n{toml}")).unwrap();
    let diff = lamctl(["diff", "--exit-code"])
        .moto()
        .dir(f.dir.path())
        .run();
    assert_eq!(diff.code, 4, "{}{}", diff.stdout(), diff.stderr);
    assert!(
        diff.stdout()
            .contains(&format!("layers  {layer} -> (none)")),
        "{}",
        diff.stdout()
    );
    f.deploy(&["--dry-run"]).success();
    assert_eq!(deployed_layers(&f.name), [layer.as_str()]);
    f.deploy(&[]).success();
    assert!(deployed_layers(&f.name).is_empty());

    std::fs::write(&path, &toml).unwrap();
    f.deploy(&["--layer", &layer]).success();
    assert_eq!(deployed_layers(&f.name), [layer.as_str()]);
    f.deploy(&["--unset", "layers"]).success();
    assert!(deployed_layers(&f.name).is_empty());
    f.deploy(&["--unset", "layers", "--layer", &layer])
        .fails(2, "--unset layers (--layer, layers) is also given a value");
}
