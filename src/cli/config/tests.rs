//! lamctl.toml's parsing, validation and precedence.

use super::*;
use crate::lambda::config::value::{LayerArn, Memory, SubnetId};

fn p(text: &str) -> Result<ProjectFile> {
    parse(text, Path::new("lamctl.toml"))
}

#[test]
fn full_file_parses() {
    let f = p(r#"
name = "hello"
runtime = "python3.12"
handler = "app.handler"
memory = 256
timeout = 10
architecture = "arm64"
source = "src"
layers = ["arn:aws:lambda:us-east-1:123456789012:layer:x:1"]

[environment]
STAGE = "dev"

[tags]
team = "core"

[aws]
region = "eu-west-1"

[package]
exclude = ["*.pyc"]

[deploy]
publish = true
alias = "live"

[deploy.url]
auth = "none"
cors_origins = ["*"]
"#)
    .unwrap();
    assert_eq!(f.name.as_deref(), Some("hello"));
    assert_eq!(f.architecture, Some(Architecture::Arm64));
    assert_eq!(f.environment, vec![("STAGE".into(), "dev".into())]);
    assert_eq!(f.aws.region.as_deref(), Some("eu-west-1"));
    assert_eq!(f.deploy.alias.as_deref(), Some("live"));
    assert_eq!(f.deploy.url.unwrap().cors_origins, vec!["*".to_string()]);
    assert_eq!(f.source, Some(PathBuf::from("src")));
}

#[test]
fn a_tables_own_check_names_the_key_and_its_line_in_the_failing_table() {
    let q = "arn:aws:sqs:us-east-1:123456789012:q";
    let text = format!(
        "name = \"x\"\n[[event_source]]\narn = \"{q}\"\nbatch_size = 5\n[[event_source]]\narn = \"{q}2\"\nbatch_size = 5\nstarting_position = \"LATEST\"\n[tags]\na = \"b\"\n"
    );
    let s = p(&text).unwrap_err().to_string();
    // Line 8 is `starting_position` in the second table.
    assert!(s.starts_with("lamctl.toml:8:1: starting_position: "), "{s}");
    let s = p("[[schedule]]\nexpression = \"rate(1 day)\"\ntimezone = \"Mars/Base\"\n")
        .unwrap_err()
        .to_string();
    assert!(s.starts_with("lamctl.toml:3:1: timezone: "), "{s}");
}

#[test]
fn unknown_key_names_key_and_line() {
    let e = p("name = \"x\"\n\nmemroy = 128\n").unwrap_err();
    let s = e.to_string();
    assert_eq!(e.code(), 2);
    assert!(
        s.starts_with("lamctl.toml:3:1: unknown field `memroy`"),
        "{s}"
    );

    let e = p("[deploy]\nalias = \"a\"\npublsh = true\n").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("lamctl.toml:3:1: unknown field `publsh`"),
        "{e}"
    );
}

#[test]
fn out_of_range_values_are_usage_errors() {
    for (text, needle) in [
        ("memory = 64", "memory 64 MB"),
        ("timeout = 901", "timeout 901 s"),
        ("runtime = \"pyhton3.12\"", "unknown runtime 'pyhton3.12'"),
        ("name = \"has space\"", "invalid function name"),
        ("architecture = \"mips\"", "unknown variant `mips`"),
        (
            "[environment]\n1BAD = \"x\"",
            "invalid environment variable name '1BAD'",
        ),
    ] {
        let e = p(text).unwrap_err();
        assert_eq!(e.code(), 2, "{text}");
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
}

#[test]
fn flags_win_over_file_and_maps_merge() {
    let layer = |v: u32| {
        format!("arn:aws:lambda:us-east-1:123456789012:layer:x:{v}")
            .parse::<LayerArn>()
            .unwrap()
    };
    let file = FunctionSpec {
        name: Some("file".parse().unwrap()),
        memory: Some("128".parse().unwrap()),
        environment: vec![("A".into(), "1".into()), ("B".into(), "2".into())],
        layers: Some(vec![layer(1)]),
        ..Default::default()
    };
    let flags = FunctionSpec {
        memory: Some("512".parse().unwrap()),
        environment: vec![("B".into(), "flag".into())],
        ..Default::default()
    };
    let m = flags.over(&file);
    assert_eq!(m.name.as_deref(), Some("file"));
    assert_eq!(m.memory.map(Memory::get), Some(512));
    assert_eq!(
        m.environment,
        vec![("A".into(), "1".into()), ("B".into(), "flag".into())]
    );
    assert_eq!(m.layers, Some(vec![layer(1)]));
    // A flag's list is the whole set; the file's empty list is too.
    let flags = FunctionSpec {
        layers: Some(vec![layer(2)]),
        ..Default::default()
    };
    assert_eq!(flags.over(&file).layers, Some(vec![layer(2)]));
    let empty = p("layers = []").unwrap();
    assert_eq!(FunctionSpec::default().over(&empty).layers, Some(vec![]));
}

#[test]
fn values_are_checked_as_they_are_read_and_never_echoed() {
    for (text, needle) in [
        (
            "timeout = \"3\"",
            "lamctl.toml:1:11: timeout: expected a whole number of seconds, 1-900, found a string",
        ),
        (
            "memory = 64",
            "lamctl.toml:1:10: memory: memory 64 MB is outside 128-10240",
        ),
        (
            "layers = [\"arn:aws:lambda:us-east-1:123456789012:layer:x:0\"]",
            "lamctl.toml:1:10: layers: invalid layer",
        ),
        ("[tags]\n\"a{b}\" = \"1\"", "has '{'"),
        (
            "[deploy]\nconcurrency = -1",
            "lamctl.toml:2:15: deploy.concurrency: reserved concurrency -1 must be 0 or more",
        ),
        (
            "[deploy]\nprovisioned = 0",
            "deploy.provisioned: provisioned concurrency 0 must be at least 1",
        ),
        (
            "[deploy]\nkeep_versions = 0",
            "deploy.keep_versions: keep versions 0 must be at least 1",
        ),
        (
            "[deploy.url]\nauth = \"open\"",
            "deploy.url.auth: unknown variant",
        ),
    ] {
        let e = p(text).unwrap_err();
        assert_eq!(e.code(), 2, "{text}");
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
    for text in [
        "name = \"f\"\n[environment]\nTOKEN = 123456789012345",
        "name = 123456789012345",
        "memory = \"123456789012345\"",
    ] {
        let e = p(text).unwrap_err().to_string();
        assert!(!e.contains("123456789012345"), "{text}: {e}");
        assert!(!e.contains("i32"), "{text}: {e}");
    }
}

#[test]
fn key_value_parser() {
    assert_eq!(
        parse_key_value("A=b=c").unwrap(),
        ("A".into(), "b=c".into())
    );
    assert!(parse_key_value("novalue").is_err());
    assert!(parse_key_value("=x").is_err());
}

#[test]
fn role_and_zip_settings_parse_and_are_checked() {
    let f = p(r#"
policies = ["arn:aws:iam::aws:policy/TranslateReadOnly"]
subnets = ["subnet-0123456789abcdef0"]
security_groups = ["sg-0123456789abcdef0"]
ipv6_dual_stack = true
tracing = "pass-through"
snap_start = "published-versions"
log_format = "json"
application_log_level = "warn"
runtime_update = "function-update"
recursive_loop = "allow"
file_systems = [{ arn = "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0", mount_path = "/mnt/data" }]

[[allow]]
actions = ["dynamodb:PutItem", "dynamodb:GetItem"]
resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/t"]

[[allow]]
actions = ["translate:TranslateText"]

[deploy]
create_role = true
"#)
    .unwrap();
    assert_eq!(f.tracing, Some(Tracing::PassThrough));
    assert_eq!(f.runtime_update, Some(RuntimeUpdate::FunctionUpdate));
    let allow = f.allow.unwrap();
    assert_eq!(allow.len(), 2);
    assert_eq!(allow[1].statement().resources, ["*"]);
    assert_eq!(f.deploy.create_role, Some(true));
    assert_eq!(f.file_systems[0].mount_path.as_str(), "/mnt/data");
    // An empty list is given (the whole set: none), absent is not.
    assert_eq!(p("policies = []").unwrap().policies, Some(vec![]));
    assert_eq!(p("").unwrap().policies, None);
    for (text, needle) in [
        ("tracing = \"on\"", "unknown variant `on`"),
        ("[[allow]]\nactions = []", "needs at least one action"),
        ("[[allow]]\nactions = [\"s3 Get\"]", "invalid IAM action"),
        (
            "system_log_level = \"warn\"",
            "log levels need the JSON log format",
        ),
        ("kms_key_arn = \"k\"", "invalid KMS key ARN 'k'"),
    ] {
        let e = p(text).unwrap_err();
        assert_eq!(e.code(), 2, "{text}");
        assert!(e.to_string().contains(needle), "{text}: {e}");
    }
}

#[test]
fn flag_lists_replace_file_lists_and_options_fall_back() {
    let (subnet_a, subnet_b) = ("subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb");
    let (sg, policy) = (
        "sg-0123456789abcdef0",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    );
    let file = FunctionSpec {
        subnets: vec![subnet_a.parse().unwrap()],
        security_groups: vec![sg.parse().unwrap()],
        policies: Some(vec![policy.parse().unwrap()]),
        tracing: Some(Tracing::Active),
        ..Default::default()
    };
    let flags = FunctionSpec {
        subnets: vec![subnet_b.parse().unwrap()],
        ..Default::default()
    };
    let m = flags.over(&file);
    let strings = |v: &[_]| {
        v.iter()
            .map(|s: &SubnetId| s.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(strings(&m.subnets), [subnet_b]);
    assert_eq!(m.security_groups[0].as_str(), sg);
    assert_eq!(m.policies.unwrap()[0].as_str(), policy);
    assert_eq!(m.tracing, Some(Tracing::Active));
}
