//! `lamctl deploy` against moto, with a recording proxy in between so each
//! test can count the calls lamctl made; state is read back through the SDK.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::harness::*;

/// A function directory with a lamctl.toml, a role in moto, and a proxy.
struct Fixture {
    dir: tempfile::TempDir,
    name: String,
    role: String,
    proxy: Proxy,
}

impl Fixture {
    fn new() -> Fixture {
        let name = unique("dep");
        let role = create_role(&name);
        let dir = python_function_dir(&name, &role);
        Fixture {
            dir,
            name,
            role,
            proxy: Proxy::moto(),
        }
    }

    /// `lamctl deploy ARGS` in the fixture directory, through the proxy.
    fn deploy(&self, args: &[&str]) -> Out {
        self.deploy_env(args, &[])
    }

    fn deploy_env(&self, args: &[&str], env: &[(&str, &str)]) -> Out {
        let mut all = vec![
            "deploy",
            "--endpoint-url",
            &self.proxy.endpoint,
            "--region",
            REGION,
        ];
        all.extend_from_slice(args);
        let mut l = lamctl(&all).dir(self.dir.path());
        for (k, v) in env {
            l = l.env(k, v);
        }
        l.run()
    }

    fn touch_code(&self, text: &str) {
        std::fs::write(
            self.dir.path().join("app.py"),
            format!("def handler(event, context):\n    return {text:?}\n"),
        )
        .unwrap();
    }

    fn calls(&self, method: &str, suffix: &str) -> usize {
        let name = self.name.clone();
        self.proxy.count(|r| {
            r.method == method
                && r.path
                    .split('?')
                    .next()
                    .unwrap()
                    .ends_with(&format!("{name}{suffix}"))
        })
    }

    fn mutations(&self) -> Vec<String> {
        self.proxy
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET" && r.method != "HEAD")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }
}

fn get_alias(function: &str, alias: &str) -> aws_sdk_lambda::operation::get_alias::GetAliasOutput {
    let (function, alias) = (function.to_string(), alias.to_string());
    lambda(async move |l| {
        l.get_alias()
            .function_name(function)
            .name(alias)
            .send()
            .await
            .unwrap()
    })
}

fn config(name: &str) -> aws_sdk_lambda::types::FunctionConfiguration {
    let name = name.to_string();
    lambda(async move |c| {
        c.get_function()
            .function_name(name)
            .send()
            .await
            .unwrap()
            .configuration
            .unwrap()
    })
}

#[test]
fn create_then_update_code_then_config_then_nothing() {
    let f = Fixture::new();
    let out = f.deploy(&["--output", "json"]);
    out.success();
    let v = out.json();
    assert_eq!(v["created"], true);
    assert_eq!(v["code"], "uploaded");
    let c = config(&f.name);
    assert_eq!(c.runtime().unwrap().as_str(), "python3.12");
    assert_eq!(c.handler(), Some("app.handler"));
    assert_eq!(c.role(), Some(f.role.as_str()));
    assert_eq!(c.memory_size(), Some(128));
    assert_eq!(c.timeout(), Some(3));
    assert_eq!(
        c.environment()
            .unwrap()
            .variables()
            .unwrap()
            .get("STAGE")
            .map(String::as_str),
        Some("test")
    );
    assert_eq!(
        c.code_sha256(),
        v["code_sha256"].as_str(),
        "deployed code is the package"
    );
    let arn = c.function_arn().unwrap().to_string();
    let tags = lambda(async move |l| {
        l.list_tags()
            .resource(arn)
            .send()
            .await
            .unwrap()
            .tags
            .unwrap_or_default()
    });
    assert_eq!(tags.get("team").map(String::as_str), Some("core"));

    // Code change: one UpdateFunctionCode, no configuration update.
    f.proxy.clear();
    f.touch_code("v2");
    let out = f.deploy(&["--output", "json"]);
    out.success();
    assert_eq!(f.calls("PUT", "/code"), 1);
    assert_eq!(f.calls("PUT", "/configuration"), 0);
    assert_eq!(
        config(&f.name).code_sha256(),
        out.json()["code_sha256"].as_str()
    );

    // Configuration change only.
    f.proxy.clear();
    let out = f.deploy(&[
        "--memory",
        "256",
        "--timeout",
        "10",
        "--env",
        "EXTRA=1",
        "--output",
        "json",
    ]);
    out.success();
    assert_eq!(f.calls("PUT", "/configuration"), 1);
    assert_eq!(f.calls("PUT", "/code"), 0);
    assert_eq!(
        out.json()["config_changed"],
        serde_json::json!(["memory", "timeout", "environment.EXTRA"])
    );
    let c = config(&f.name);
    assert_eq!((c.memory_size(), c.timeout()), (Some(256), Some(10)));
    let vars = c.environment().unwrap().variables().unwrap();
    assert_eq!(
        (
            vars.get("STAGE").map(String::as_str),
            vars.get("EXTRA").map(String::as_str)
        ),
        (Some("test"), Some("1"))
    );
    assert!(
        !out.stderr.contains("EXTRA=1") && !out.stdout().contains("\"1\""),
        "environment values are never printed"
    );

    // Unchanged: no update of code or configuration at all.
    f.proxy.clear();
    let out = f.deploy(&["--memory", "256", "--timeout", "10", "--env", "EXTRA=1"]);
    out.success();
    assert!(out.stderr.contains("code unchanged"), "{}", out.stderr);
    assert_eq!(
        f.mutations(),
        Vec::<String>::new(),
        "an unchanged redeploy changes nothing"
    );

    // --force uploads anyway.
    f.proxy.clear();
    f.deploy(&[
        "--memory",
        "256",
        "--timeout",
        "10",
        "--env",
        "EXTRA=1",
        "--force",
    ])
    .success();
    assert_eq!(f.calls("PUT", "/code"), 1);
    assert_eq!(f.calls("PUT", "/configuration"), 0);
}

#[test]
fn tags_are_converged() {
    let f = Fixture::new();
    f.deploy(&[]).success();
    f.deploy(&["--tag", "team=edge", "--tag", "cost=42"])
        .success();
    let arn = config(&f.name).function_arn().unwrap().to_string();
    let a = arn.clone();
    let tags: BTreeMap<String, String> = lambda(async move |l| {
        l.list_tags()
            .resource(a)
            .send()
            .await
            .unwrap()
            .tags
            .unwrap_or_default()
    })
    .into_iter()
    .collect();
    assert_eq!(
        tags,
        BTreeMap::from([("cost".into(), "42".into()), ("team".into(), "edge".into())])
    );
}

#[test]
fn dry_run_changes_nothing() {
    let f = Fixture::new();
    f.deploy(&[]).success();
    let before = format!("{:?}", config(&f.name));
    f.touch_code("changed");
    f.proxy.clear();
    let out = f.deploy(&[
        "--dry-run",
        "--memory",
        "512",
        "--env",
        "SECRET=hunter2",
        "--alias",
        "live",
        "--concurrency",
        "3",
        "--url",
        "--url-auth",
        "none",
    ]);
    out.success();
    let plan = out.stdout();
    assert!(plan.contains("memory: 128 -> 512"), "{plan}");
    assert!(
        plan.contains("environment.SECRET: (unset) -> (set)"),
        "{plan}"
    );
    assert!(
        !plan.contains("hunter2") && !out.stderr.contains("hunter2"),
        "values masked: {plan}"
    );
    assert!(
        plan.contains("upload code")
            && plan.contains("alias live")
            && plan.contains("reserved concurrency 3")
            && plan.contains("public"),
        "{plan}"
    );
    assert_eq!(f.mutations(), Vec::<String>::new());
    assert_eq!(format!("{:?}", config(&f.name)), before, "state identical");

    let json = f.deploy(&["--dry-run", "--output", "json", "--memory", "512"]);
    json.success();
    let v = json.json();
    assert_eq!(
        v["config_changes"],
        serde_json::json!([{"field": "memory", "from": "128", "to": "512"}])
    );
    assert_eq!(v["code"], "upload");
    let deployed_sha = config(&f.name).code_sha256().map(String::from);
    assert_eq!(v["deployed_code_sha256"].as_str(), deployed_sha.as_deref());
    assert_ne!(v["code_sha256"].as_str(), deployed_sha.as_deref());
    // The plan lists the very actions a real run would take, in order.
    let actions: Vec<&str> = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["wait_ready", "update_configuration", "update_code"]
    );
    assert_eq!(v["actions"][1]["changes"], v["config_changes"]);
    assert_eq!(v["actions"][2]["code_sha256"], v["code_sha256"]);

    // Nothing changed: configuration, code, alias, concurrency, URL.
    assert_eq!(f.mutations(), Vec::<String>::new());
    assert_eq!(format!("{:?}", config(&f.name)), before, "state identical");
    let name = f.name.clone();
    let (alias_missing, reserved, url_missing) = lambda(async move |l| {
        let alias = l.get_alias().function_name(&name).name("live").send().await;
        let reserved = l
            .get_function_concurrency()
            .function_name(&name)
            .send()
            .await
            .unwrap()
            .reserved_concurrent_executions();
        let url = l
            .get_function_url_config()
            .function_name(&name)
            .send()
            .await;
        (
            alias.err().and_then(|e| {
                e.into_service_error()
                    .is_resource_not_found_exception()
                    .then_some(())
            }),
            reserved,
            url.err().and_then(|e| {
                e.into_service_error()
                    .is_resource_not_found_exception()
                    .then_some(())
            }),
        )
    });
    assert_eq!(alias_missing, Some(()), "no alias was created");
    assert_eq!(reserved, None, "no concurrency was reserved");
    assert_eq!(url_missing, Some(()), "no URL was created");
}

/// A canary's share is shown as asked (7%), not as the float 0.07 times
/// 100 (7.000000000000001).
#[test]
fn a_canary_is_shown_as_the_percentage_asked_for() {
    let f = Fixture::new();
    f.deploy(&["--alias", "live"]).success();
    f.touch_code("v2");
    let out = f.deploy(&["--alias", "live", "--canary", "7"]);
    out.success();
    assert!(
        out.stderr.contains("with 7% of traffic to "),
        "{}",
        out.stderr
    );
    assert!(out.stdout().contains(" (7% to "), "{}", out.stdout());
}

#[test]
fn publish_alias_canary_and_keep_versions() {
    let f = Fixture::new();
    let out = f.deploy(&["--alias", "live", "--output", "json"]);
    out.success();
    let v1 = out.json()["version"].as_str().unwrap().to_string();

    // Canary: the alias stays on v1 and routes 10% to the new version.
    f.touch_code("v2");
    let out = f.deploy(&["--alias", "live", "--canary", "10", "--output", "json"]);
    out.success();
    let v2 = out.json()["version"].as_str().unwrap().to_string();
    assert_ne!(v1, v2);
    let alias = get_alias(&f.name, "live");
    assert_eq!(alias.function_version(), Some(v1.as_str()));
    let weights = alias
        .routing_config()
        .unwrap()
        .additional_version_weights()
        .unwrap();
    assert_eq!(weights.get(&v2), Some(&0.1));

    // A stable alias keeps v1 alive through pruning.
    let (name, v1c) = (f.name.clone(), v1.clone());
    lambda(async move |l| {
        l.create_alias()
            .function_name(name)
            .name("stable")
            .function_version(v1c)
            .send()
            .await
            .unwrap()
    });

    // Promote: the alias moves to the newest version and the weights go.
    f.touch_code("v3");
    let out = f.deploy(&[
        "--alias",
        "live",
        "--keep-versions",
        "1",
        "--output",
        "json",
    ]);
    out.success();
    let v = out.json();
    let v3 = v["version"].as_str().unwrap().to_string();
    let alias = get_alias(&f.name, "live");
    assert_eq!(alias.function_version(), Some(v3.as_str()));
    assert!(
        alias
            .routing_config()
            .and_then(|r| r.additional_version_weights())
            .is_none_or(|w| w.is_empty())
    );
    assert_eq!(v["deleted_versions"], serde_json::json!([v2]));

    let versions = published_versions(&f.name);
    assert!(versions.contains(&v1), "aliased v1 survives: {versions:?}");
    assert!(versions.contains(&v3));
    assert!(!versions.contains(&v2), "{versions:?}");
}

#[test]
fn reserved_concurrency_set_and_removed() {
    let f = Fixture::new();
    f.deploy(&["--concurrency", "5"]).success();
    let get = || reserved_concurrency(&f.name);
    assert_eq!(get(), Some(5));
    f.proxy.clear();
    f.deploy(&["--concurrency", "5"]).success();
    assert_eq!(
        f.mutations(),
        Vec::<String>::new(),
        "unchanged concurrency is not set again"
    );
    f.deploy(&["--no-concurrency"]).success();
    assert_eq!(get(), None);
}

/// The statement ids of the function's resource policy: none only when it
/// has no policy (ResourceNotFoundException); any other failure is a bug.
fn policy_sids(name: &str) -> Vec<String> {
    let name = name.to_string();
    lambda(
        async move |l| match l.get_policy().function_name(name).send().await {
            Ok(p) => {
                let v: serde_json::Value = serde_json::from_str(p.policy().unwrap()).unwrap();
                v["Statement"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["Sid"].as_str().unwrap().to_string())
                    .collect()
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Vec::new()
            }
            Err(e) => panic!("GetPolicy failed: {e:?}"),
        },
    )
}

#[test]
fn function_url_created_updated_and_removed() {
    let f = Fixture::new();
    let out = f.deploy(&[
        "--url",
        "--url-auth",
        "none",
        "--cors-origin",
        "https://a.example",
        "--output",
        "json",
    ]);
    out.success();
    let url = out.json()["url"].as_str().unwrap().to_string();
    assert!(url.starts_with("https://"), "{url}");
    assert!(out.stderr.contains("is public"), "{}", out.stderr);
    let mut sids = policy_sids(&f.name);
    sids.sort();
    assert_eq!(
        sids,
        ["lamctl-url-public-invoke", "lamctl-url-public-invoke-url"]
    );

    // Idempotent: a re-run adds no duplicate statement.
    f.deploy(&[
        "--url",
        "--url-auth",
        "none",
        "--cors-origin",
        "https://a.example",
    ])
    .success();
    assert_eq!(policy_sids(&f.name).len(), 2);

    // Update CORS, then switch to IAM auth: the public permissions go.
    f.deploy(&[
        "--url",
        "--url-auth",
        "none",
        "--cors-origin",
        "https://b.example",
        "--cors-method",
        "get",
    ])
    .success();
    let name = f.name.clone();
    let cfg = lambda(async move |l| {
        l.get_function_url_config()
            .function_name(name)
            .send()
            .await
            .unwrap()
    });
    let cors = cfg.cors().unwrap();
    assert_eq!(cors.allow_origins(), ["https://b.example"]);
    assert_eq!(cors.allow_methods(), ["GET"]);
    // `--url` alone keeps what is deployed (issue 22): still public.
    f.deploy(&["--url"]).success();
    assert_eq!(policy_sids(&f.name).len(), 2);
    f.deploy(&["--url", "--url-auth", "aws-iam"]).success();
    let name = f.name.clone();
    let cfg = lambda(async move |l| {
        l.get_function_url_config()
            .function_name(name)
            .send()
            .await
            .unwrap()
    });
    assert_eq!(cfg.auth_type().as_str(), "AWS_IAM");
    assert!(policy_sids(&f.name).is_empty());

    f.deploy(&["--url", "--url-auth", "none"]).success();
    f.deploy(&["--no-url"]).success();
    let name = f.name.clone();
    let gone = lambda(async move |l| {
        l.get_function_url_config()
            .function_name(name)
            .send()
            .await
            .is_err()
    });
    assert!(gone, "URL removed");
    assert!(
        policy_sids(&f.name).is_empty(),
        "public permissions removed"
    );
}

#[test]
fn create_role_creates_a_basic_execution_role() {
    let f = Fixture::new();
    let toml = std::fs::read_to_string(f.dir.path().join("lamctl.toml")).unwrap();
    let without_role: String = toml
        .lines()
        .filter(|l| !l.starts_with("role"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(f.dir.path().join("lamctl.toml"), without_role).unwrap();
    f.deploy(&[])
        .fails(2, "needs --role ARN (or `role` in lamctl.toml)");
    f.deploy(&["--create-role"]).success();
    let role_name = format!("lamctl-{}-exec", f.name);
    let c = config(&f.name);
    assert!(
        c.role().unwrap().ends_with(&format!("role/{role_name}")),
        "{:?}",
        c.role()
    );
    let policies = attached_policies(&role_name);
    assert_eq!(
        policies,
        ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
    );
    // A second run reuses the role.
    f.deploy(&["--create-role"]).success();
}

fn big_incompressible(dir: &Path, mb: usize) {
    std::fs::write(dir.join("model.gz"), pseudo_random(mb * 1024 * 1024)).unwrap();
}

fn create_bucket(name: &str) {
    let name = name.to_string();
    rt().block_on(async {
        let conf = aws_sdk_s3::config::Builder::from(&sdk().await)
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
            .create_bucket()
            .bucket(name)
            .send()
            .await
            .unwrap();
    });
}

fn s3_state(bucket: &str) -> (Vec<String>, usize) {
    let bucket = bucket.to_string();
    rt().block_on(async {
        let conf = aws_sdk_s3::config::Builder::from(&sdk().await)
            .force_path_style(true)
            .build();
        let s3 = aws_sdk_s3::Client::from_conf(conf);
        let keys = s3
            .list_objects_v2()
            .bucket(&bucket)
            .send()
            .await
            .unwrap()
            .contents()
            .iter()
            .filter_map(|o| o.key().map(String::from))
            .collect();
        let uploads = s3
            .list_multipart_uploads()
            .bucket(&bucket)
            .send()
            .await
            .unwrap()
            .uploads()
            .len();
        (keys, uploads)
    })
}

#[test]
fn big_package_goes_through_s3_multipart() {
    let f = Fixture::new();
    let bucket = unique("bkt").to_lowercase();
    create_bucket(&bucket);
    big_incompressible(f.dir.path(), 10);
    // Without a bucket, a zip over the limit that must go up is bad input
    // (found after reading what is deployed: nothing is changed).
    let out = f.deploy_env(&[], &[("LAMCTL_DIRECT_UPLOAD_LIMIT", "1000000")]);
    out.fails(2, "over the 976.6 KiB limit for a direct upload");
    assert_eq!(f.mutations(), Vec::<String>::new());

    let out = f.deploy_env(
        &["--s3-bucket", &bucket, "--output", "json"],
        &[("LAMCTL_DIRECT_UPLOAD_LIMIT", "1000000")],
    );
    out.success();
    let v = out.json();
    let sha_hex = hex::encode(
        base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            v["code_sha256"].as_str().unwrap(),
        )
        .unwrap(),
    );
    let key = format!("lamctl/{}/{sha_hex}.zip", f.name);
    assert_eq!(v["s3"], format!("s3://{bucket}/{key}"));
    assert_eq!(v["s3_upload"], "uploaded in 2 parts");
    assert_eq!(
        f.proxy
            .count(|r| r.method == "POST" && r.path.contains("?uploads")),
        1,
        "multipart used"
    );
    assert_eq!(
        f.proxy
            .count(|r| r.method == "PUT" && r.path.contains("partNumber=")),
        2
    );
    let (keys, uploads) = s3_state(&bucket);
    assert_eq!((keys, uploads), (vec![key.clone()], 0));
    assert_eq!(
        config(&f.name).code_sha256(),
        v["code_sha256"].as_str(),
        "function code points at the object"
    );

    // Forced redeploy: the object is already there, nothing is uploaded again.
    f.proxy.clear();
    let out = f.deploy_env(
        &["--s3-bucket", &bucket, "--force", "--output", "json"],
        &[("LAMCTL_DIRECT_UPLOAD_LIMIT", "1000000")],
    );
    out.success();
    assert_eq!(out.json()["s3_upload"], "already there");
    assert_eq!(
        f.proxy
            .count(|r| r.method == "PUT" && r.path.contains(&bucket)),
        0
    );
}

#[test]
fn failed_or_interrupted_upload_leaves_no_multipart_upload() {
    let f = Fixture::new();
    let bucket = unique("bkt").to_lowercase();
    create_bucket(&bucket);
    big_incompressible(f.dir.path(), 20);

    // Every part fails: exit 1 and the upload is aborted.
    f.proxy.inject(
        |r| r.method == "PUT" && r.path.contains("partNumber=2"),
        Canned::new(
            500,
            "<Error><Code>InternalError</Code><Message>boom</Message></Error>",
        )
        .header("Content-Type", "application/xml"),
        None,
    );
    let out = f.deploy_env(
        &["--s3-bucket", &bucket],
        &[("LAMCTL_DIRECT_UPLOAD_LIMIT", "1000000")],
    );
    out.fails(1, "UploadPart 2 failed");
    assert_eq!(
        f.proxy
            .count(|r| r.method == "DELETE" && r.path.contains("uploadId=")),
        1,
        "aborted"
    );
    assert_eq!(s3_state(&bucket), (vec![], 0));

    // SIGINT (Ctrl-C) or SIGTERM (CI's `timeout`) in the middle of the
    // parts: exit 130/143 and the upload is aborted.
    for (sig, exit) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let slow = Proxy::moto();
        slow.delay(
            |r| r.method == "PUT" && r.path.contains("partNumber="),
            Duration::from_secs(3),
        );
        let (child, _home) = lamctl([
            "deploy",
            "--endpoint-url",
            &slow.endpoint,
            "--region",
            REGION,
            "--s3-bucket",
            &bucket,
        ])
        .env("LAMCTL_DIRECT_UPLOAD_LIMIT", "1000000")
        .dir(f.dir.path())
        .spawn();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while slow.count(|r| r.path.contains("partNumber=")) == 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "no part upload started"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        unsafe { libc::kill(child.id() as i32, sig) };
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(exit), "{stderr}");
        assert_eq!(
            slow.count(|r| r.method == "DELETE" && r.path.contains("uploadId=")),
            1,
            "aborted on signal {sig}"
        );
        // ListMultipartUploads through the SDK: nothing left behind.
        assert_eq!(s3_state(&bucket), (vec![], 0));
    }
}

#[test]
fn conflict_is_waited_out_and_failed_update_quotes_reason() {
    let f = Fixture::new();
    f.deploy(&[]).success();
    let name = f.name.clone();
    f.proxy.inject(
        move |r| r.method == "PUT" && r.path.ends_with(&format!("{name}/configuration")),
        Canned::aws_error(
            409,
            "ResourceConflictException",
            "The operation cannot be performed at this time. An update is in progress for resource",
        ),
        Some(1),
    );
    let out = f.deploy(&["--memory", "512"]);
    out.success();
    assert!(
        !out.stderr.contains("ResourceConflictException"),
        "{}",
        out.stderr
    );
    assert_eq!(f.calls("PUT", "/configuration"), 2, "retried once");
    assert_eq!(config(&f.name).memory_size(), Some(512));

    // A Failed last update is an error quoting Lambda's reason.
    let c = config(&f.name);
    let body = serde_json::json!({
        "Configuration": {
            "FunctionName": f.name, "FunctionArn": c.function_arn(), "Runtime": "python3.12", "Handler": "app.handler",
            "Role": f.role, "MemorySize": 512, "Timeout": 3, "CodeSha256": c.code_sha256(), "State": "Active",
            "LastUpdateStatus": "Failed", "LastUpdateStatusReason": "The layer arn:aws:lambda:us-east-1:1:layer:x:1 is too large",
            "LastUpdateStatusReasonCode": "InvalidConfiguration"
        },
        "Code": {"RepositoryType": "S3", "Location": "https://example.invalid"}
    });
    let name = f.name.clone();
    f.proxy.inject(
        move |r| {
            r.method == "GET"
                && r.path
                    .split('?')
                    .next()
                    .unwrap()
                    .ends_with(&format!("functions/{name}"))
        },
        Canned::new(200, body.to_string()).header("Content-Type", "application/json"),
        None,
    );
    f.deploy(&["--memory", "1024"])
        .fails(1, "the last update of function");
    let out = f.deploy(&["--memory", "1024"]);
    assert!(
        out.stderr.contains("is too large"),
        "quotes the reason: {}",
        out.stderr
    );
}

#[test]
fn provisioned_concurrency_waits_until_ready() {
    let f = Fixture::new();
    // moto has no provisioned-concurrency routes: the proxy answers them.
    let pc = |status: &str| {
        Canned::new(200, serde_json::json!({"RequestedProvisionedConcurrentExecutions": 2, "AllocatedProvisionedConcurrentExecutions": 2, "Status": status}).to_string())
            .header("Content-Type", "application/json")
    };
    // The newest rule wins, so the sequence is injected last-first:
    // not found, then in progress, then ready.
    f.proxy.inject(
        |r| r.method == "GET" && r.path.contains("/provisioned-concurrency"),
        pc("READY"),
        None,
    );
    f.proxy.inject(
        |r| r.method == "GET" && r.path.contains("/provisioned-concurrency"),
        pc("IN_PROGRESS"),
        Some(1),
    );
    f.proxy.inject(
        |r| r.method == "PUT" && r.path.contains("/provisioned-concurrency"),
        pc("IN_PROGRESS"),
        None,
    );
    f.proxy.inject(
        |r| r.method == "GET" && r.path.contains("/provisioned-concurrency"),
        Canned::aws_error(
            404,
            "ProvisionedConcurrencyConfigNotFoundException",
            "No Provisioned Concurrency Config found for this function",
        ),
        Some(1),
    );
    let out = f.deploy(&["--alias", "live", "--provisioned", "2", "--output", "json"]);
    out.success();
    assert_eq!(out.json()["provisioned"], 2);
    let puts: Vec<Request> = f
        .proxy
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT" && r.path.contains("/provisioned-concurrency"))
        .collect();
    assert_eq!(puts.len(), 1);
    assert!(puts[0].path.contains("Qualifier=live"), "{}", puts[0].path);
    assert!(
        String::from_utf8_lossy(&puts[0].body).contains("\"ProvisionedConcurrentExecutions\":2")
    );
    assert!(
        f.proxy
            .count(|r| r.method == "GET" && r.path.contains("/provisioned-concurrency"))
            >= 3,
        "polled until READY"
    );

    f.proxy.inject(|r| r.method == "GET" && r.path.contains("/provisioned-concurrency"), Canned::new(200, r#"{"RequestedProvisionedConcurrentExecutions":3,"Status":"FAILED","StatusReason":"FUNCTION_ERROR_INIT_FAILURE"}"#).header("Content-Type", "application/json"), Some(2));
    f.deploy(&["--alias", "live", "--provisioned", "2"])
        .fails(1, "FUNCTION_ERROR_INIT_FAILURE");
}

#[test]
fn bad_input_is_exit_2_with_no_request() {
    let f = Fixture::new();
    std::fs::write(
        f.dir.path().join("bad.env"),
        "GOOD=1\nthis line is not an assignment\n",
    )
    .unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["--memory", "64"], "memory 64 MB is outside 128-10240"),
        (&["--timeout", "901"], "timeout 901 s is outside 1-900"),
        (
            &["--function", "bad name!"],
            "invalid function name 'bad name!'",
        ),
        // (An environment variable's value is never echoed.)
        (
            &["--env", "NOEQUALS"],
            "invalid value for '--env <KEY=VALUE>': no '='",
        ),
        (&["--tag", "=x"], "the key is empty: give KEY=VALUE"),
        (&["--runtime", "cobol9"], "unknown runtime 'cobol9'"),
        (&["--architecture", "mips"], "invalid value 'mips'"),
        (
            &["--env-file", "bad.env"],
            "env file bad.env line 2 does not parse",
        ),
        (
            &["--env-file", "missing.env"],
            "env file missing.env does not exist",
        ),
        (&["--env", "AWS_REGION=x"], "AWS_REGION is reserved"),
        (
            &["--canary", "150", "--alias", "a"],
            "'150' is not a percentage",
        ),
        (&["--provisioned", "2"], "--provisioned needs an alias"),
        (&["--cors-origin", "*"], "configure the function URL"),
        (&["--alias", "123"], "invalid alias name '123'"),
    ];
    for (args, needle) in cases {
        f.deploy(args).fails(2, needle);
    }
    assert_eq!(
        f.proxy.requests().len(),
        0,
        "no request reached the endpoint"
    );
}

#[test]
fn missing_definition_fields_name_flag_and_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), "x = 1\n").unwrap();
    let proxy = Proxy::moto();
    let name = unique("nodef");
    let out = lamctl([
        "deploy",
        "--endpoint-url",
        &proxy.endpoint,
        "--region",
        REGION,
        "--function",
        &name,
    ])
    .dir(dir.path())
    .run();
    out.fails(
        2,
        "creating it needs --runtime (or `runtime` in lamctl.toml)",
    );
    let out = lamctl([
        "deploy",
        "--endpoint-url",
        &proxy.endpoint,
        "--region",
        REGION,
    ])
    .dir(dir.path())
    .run();
    out.fails(2, "no function name");
    // Only the read that found the function missing was sent.
    assert!(
        proxy.requests().iter().all(|r| r.method == "GET"),
        "{:?}",
        proxy.requests().iter().map(|r| &r.path).collect::<Vec<_>>()
    );
}

#[test]
fn every_definition_field_reaches_the_function() {
    let f = Fixture::new();
    let layer = publish_layer(&f);
    std::fs::write(
        f.dir.path().join("prod.env"),
        "# deploy settings\nFROM_FILE=1\nQUOTED=\"a b\"\n",
    )
    .unwrap();
    let out = f.deploy(&[
        "--description",
        "made by lamctl",
        "--architecture",
        "arm64",
        "--ephemeral-storage",
        "1024",
        "--log-format",
        "json",
        "--log-group",
        "/custom/group",
        "--env-file",
        "prod.env",
        "--layer",
        &layer,
        "--output",
        "json",
    ]);
    out.success();
    let c = config(&f.name);
    assert_eq!(c.description(), Some("made by lamctl"));
    assert_eq!(
        c.architectures()
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>(),
        ["arm64"]
    );
    assert_eq!(c.ephemeral_storage().map(|e| e.size()), Some(1024));
    assert_eq!(
        c.layers()
            .iter()
            .filter_map(|l| l.arn())
            .collect::<Vec<_>>(),
        [layer.as_str()]
    );
    let vars = c.environment().unwrap().variables().unwrap();
    assert_eq!(vars.get("FROM_FILE").map(String::as_str), Some("1"));
    assert_eq!(vars.get("QUOTED").map(String::as_str), Some("a b"));
    assert_eq!(
        vars.get("STAGE").map(String::as_str),
        Some("test"),
        "lamctl.toml's [environment] is kept"
    );
    // moto drops LoggingConfig, so check what lamctl sent.
    let create = f
        .proxy
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/functions"))
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(
        body["LoggingConfig"],
        serde_json::json!({"LogFormat": "JSON", "LogGroup": "/custom/group"})
    );

    // A re-run with the same definition changes nothing.
    f.proxy.clear();
    f.deploy(&[
        "--description",
        "made by lamctl",
        "--architecture",
        "arm64",
        "--ephemeral-storage",
        "1024",
        "--env-file",
        "prod.env",
        "--layer",
        &layer,
    ])
    .success();
    assert_eq!(f.mutations(), Vec::<String>::new());
}

/// A zip of `dir` made by lamctl (used as layer content).
fn package_dir(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("layer.zip");
    lamctl([
        "package",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
    .run()
    .success();
    out
}

mod actions;
mod documents;
mod fixes;
mod role;
mod settings;
use settings::publish_layer;
