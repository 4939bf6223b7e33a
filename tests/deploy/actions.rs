//! Issue 22: each deploy action describes and applies itself, so the dry run
//! says what the run does. Each test failed on the code before its fix;
//! state is read back through the SDK, and what moto drops is checked in
//! the request lamctl sent.

use super::*;

const LIMIT: (&str, &str) = ("LAMCTL_DIRECT_UPLOAD_LIMIT", "1000000");

/// The JSON body of the last request `method` sent to a path ending in `suffix`.
fn last_body(f: &Fixture, method: &str, suffix: &str) -> serde_json::Value {
    let r = f
        .proxy
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.method == method && r.path.split('?').next().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no {method} …{suffix}"));
    serde_json::from_slice(&r.body).unwrap()
}

fn s3_client() -> aws_sdk_s3::Client {
    rt().block_on(async {
        let conf = aws_sdk_s3::config::Builder::from(&sdk().await)
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    })
}

/// The object's size and `lamctl-sha256` metadata.
fn head(bucket: &str, key: &str) -> (i64, Option<String>) {
    let s3 = s3_client();
    rt().block_on(async {
        let h = s3
            .head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .unwrap();
        let sha = h.metadata().and_then(|m| m.get("lamctl-sha256")).cloned();
        (h.content_length().unwrap(), sha)
    })
}

fn url_config(
    name: &str,
) -> aws_sdk_lambda::operation::get_function_url_config::GetFunctionUrlConfigOutput {
    let name = name.to_string();
    lambda(async move |l| {
        l.get_function_url_config()
            .function_name(name)
            .send()
            .await
            .unwrap()
    })
}

fn policy_sids(name: &str) -> Vec<String> {
    let name = name.to_string();
    let policy = lambda(async move |l| {
        l.get_policy()
            .function_name(name)
            .send()
            .await
            .ok()
            .and_then(|p| p.policy)
    });
    let v: serde_json::Value =
        serde_json::from_str(&policy.unwrap_or_default()).unwrap_or_default();
    v["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["Sid"].as_str().map(String::from))
        .collect()
}

#[test]
fn a_custom_s3_key_holding_other_code_of_the_same_size_is_uploaded_again() {
    let f = Fixture::new();
    let bucket = unique("bkt").to_lowercase();
    create_bucket(&bucket);
    let args = ["--s3-bucket", &bucket, "--s3-key", "app.zip", "-o", "json"];
    f.touch_code("A");
    f.deploy(&args).success();
    let (size_a, sha_a) = head(&bucket, "app.zip");
    // One letter changed: the same size, other code.
    f.touch_code("B");
    let plan = f.deploy(&[&args[..4], &["--dry-run"]].concat());
    assert!(
        plan.stdout().contains("  upload the zip ("),
        "{}",
        plan.stdout()
    );
    let out = f.deploy(&args);
    out.success();
    let (size_b, sha_b) = head(&bucket, "app.zip");
    assert_eq!(size_a, size_b, "the test needs zips of the same size");
    // Lambda took its code from the object: it is the new package.
    assert_eq!(
        config(&f.name).code_sha256(),
        out.json()["code_sha256"].as_str()
    );
    assert_eq!(out.json()["s3_upload"], "uploaded");
    assert_ne!(sha_a, sha_b, "the object records its SHA-256");

    // The object is this zip (its recorded SHA-256): not uploaded again.
    f.proxy.clear();
    let out = f.deploy(&[&args[..], &["--force"]].concat());
    out.success();
    assert_eq!(out.json()["s3_upload"], "already there");
    assert!(
        !out.stderr.contains(&format!("to s3://{bucket}")),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("already holds this zip"),
        "{}",
        out.stderr
    );
    assert_eq!(
        f.proxy
            .count(|r| r.method == "PUT" && r.path.contains(&bucket)),
        0
    );
}

#[test]
fn a_content_addressed_object_is_not_uploaded_again_and_not_announced() {
    let f = Fixture::new();
    let bucket = unique("bkt").to_lowercase();
    create_bucket(&bucket);
    let args = ["--s3-bucket", &bucket, "-o", "json"];
    f.deploy(&args).success();
    f.touch_code("v2");
    f.deploy(&args).success();
    // Back to the first code: its object is still there.
    std::fs::write(
        f.dir.path().join("app.py"),
        "def handler(event, context):\n    return event\n",
    )
    .unwrap();
    let plan = f.deploy(&[&args[..2], &["--dry-run"]].concat());
    let text = plan.stdout();
    assert!(
        text.contains("already holds this zip: not uploaded again\n")
            && !text.contains("upload the zip"),
        "{text}"
    );
    f.proxy.clear();
    let out = f.deploy(&args);
    out.success();
    assert_eq!(out.json()["code"], "uploaded");
    assert_eq!(out.json()["s3_upload"], "already there");
    assert!(
        !out.stderr.contains(&format!("to s3://{bucket}")),
        "{}",
        out.stderr
    );
    assert_eq!(
        f.proxy
            .count(|r| r.method == "PUT" && r.path.contains(&bucket)),
        0
    );
    assert_eq!(
        config(&f.name).code_sha256(),
        out.json()["code_sha256"].as_str()
    );
}

#[test]
fn url_fields_not_given_keep_their_deployed_values() {
    let f = Fixture::new();
    f.deploy(&[
        "--url",
        "--url-auth",
        "none",
        "--invoke-mode",
        "response-stream",
    ])
    .success();
    assert_eq!(url_config(&f.name).auth_type().as_str(), "NONE");

    // Only CORS given: the plan says so and only so.
    let plan = f.deploy(&["--url", "--cors-origin", "https://a.example", "--dry-run"]);
    plan.success();
    let text = plan.stdout();
    assert!(
        text.contains("  update the function URL (public: auth none):\n    cors.origins: (none) -> https://a.example\n"),
        "{text}"
    );
    assert!(
        !text.contains("auth:") && !text.contains("invoke_mode:"),
        "{text}"
    );
    assert!(!text.contains("remove permission"), "{text}");

    f.proxy.clear();
    f.deploy(&["--url", "--cors-origin", "https://a.example"])
        .success();
    let u = url_config(&f.name);
    assert_eq!(u.auth_type().as_str(), "NONE", "auth kept");
    assert_eq!(u.cors().unwrap().allow_origins(), ["https://a.example"]);
    // moto drops InvokeMode on update: the request carries the deployed one.
    let sent = last_body(&f, "PUT", "/url");
    assert_eq!(sent["InvokeMode"], "RESPONSE_STREAM");
    assert_eq!(sent["AuthType"], "NONE");
    assert_eq!(policy_sids(&f.name).len(), 2, "the public permissions stay");
    // The auth given: changed, and said.
    let plan = f.deploy(&["--url", "--url-auth", "aws-iam", "--dry-run"]);
    assert!(
        plan.stdout().contains("    auth: none -> aws-iam\n"),
        "{}",
        plan.stdout()
    );
    f.deploy(&["--url", "--url-auth", "aws-iam"]).success();
    let u = url_config(&f.name);
    assert_eq!(u.auth_type().as_str(), "AWS_IAM");
    assert_eq!(
        u.cors().unwrap().allow_origins(),
        ["https://a.example"],
        "CORS kept"
    );
}

#[test]
fn unset_sends_only_the_removal_of_what_is_deployed() {
    let f = Fixture::new();
    f.deploy(&[]).success();
    let unset = [
        "--memory",
        "256",
        "--unset",
        "dead-letter",
        "--unset",
        "file-systems",
        "--unset",
        "kms-key",
        "--unset",
        "vpc",
    ];
    let plan = f.deploy(&[&unset[..], &["--dry-run", "-o", "json"]].concat());
    plan.success();
    assert_eq!(plan.json()["config_changes"].as_array().unwrap().len(), 1);
    assert_eq!(plan.json()["config_changes"][0]["field"], "memory");
    f.proxy.clear();
    f.deploy(&unset).success();
    let sent = last_body(&f, "PUT", "/configuration");
    for key in [
        "DeadLetterConfig",
        "FileSystemConfigs",
        "KMSKeyArn",
        "VpcConfig",
    ] {
        assert!(sent.get(key).is_none(), "{key} sent: {sent}");
    }
    assert_eq!(config(&f.name).memory_size(), Some(256));
    // Nothing else to change: no update at all.
    f.proxy.clear();
    let out = f.deploy(&unset);
    out.success();
    assert_eq!(f.mutations(), Vec::<String>::new());
    assert!(
        out.stdout()
            .contains(&format!("function  {} (unchanged)\n", f.name)),
        "{}",
        out.stdout()
    );
}

#[test]
fn the_keep_versions_dry_run_names_the_versions_it_deletes() {
    let f = Fixture::new();
    for (i, code) in ["v1", "v2", "v3", "v4"].iter().enumerate() {
        f.touch_code(code);
        let alias: &[&str] = if i == 0 {
            &["--alias", "live"]
        } else {
            &["--publish"]
        };
        f.deploy(alias).success();
    }
    assert_eq!(published_versions(&f.name), ["1", "2", "3", "4"]);
    let plan = f.deploy(&["--keep-versions", "2", "--dry-run"]);
    plan.success();
    assert!(
        plan.stdout()
            .contains("  keep the newest 2 versions (and every aliased one): delete version 2\n"),
        "{}",
        plan.stdout()
    );
    let json = f.deploy(&["--keep-versions", "2", "--dry-run", "-o", "json"]);
    let prune = json.json()["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "prune_versions")
        .cloned()
        .unwrap();
    assert_eq!(
        prune["delete"],
        serde_json::json!(["2"]),
        "strings, as the API"
    );
    // Publishing with nothing changed may return version 4: both outcomes named.
    let plan = f.deploy(&["--keep-versions", "2", "--publish", "--dry-run"]);
    assert!(
        plan.stdout().contains(
            "  keep the newest 2 versions (and every aliased one): delete versions 3, 2\n"
        ) && plan.stdout().contains(
            "    if publishing returns version 4 (nothing changed since it): delete version 2\n"
        ),
        "{}",
        plan.stdout()
    );
    let out = f.deploy(&["--keep-versions", "2", "--publish", "-o", "json"]);
    out.success();
    assert_eq!(out.json()["version"], "4");
    assert_eq!(out.json()["deleted_versions"], serde_json::json!(["2"]));
    assert_eq!(published_versions(&f.name), ["1", "3", "4"]);
}

#[test]
fn plan_lines_never_show_an_empty_side() {
    let f = Fixture::new();
    f.deploy(&[]).success();
    let layer = "arn:aws:lambda:us-east-1:123456789012:layer:deps:1";
    let plan = f.deploy(&[
        "--layer",
        layer,
        "--description",
        "about",
        "--tag",
        "empty=",
        "--dry-run",
    ]);
    plan.success();
    let text = plan.stdout();
    assert!(text.contains("  tag empty = \"\"\n"), "{text}");
    assert!(
        text.contains(&format!("    layers: (none) -> {layer}\n")),
        "{text}"
    );
    assert!(
        text.contains("    description: (none) -> about\n"),
        "{text}"
    );
    f.deploy(&["--description", "about"]).success();
    let plan = f.deploy(&["--description", "", "--dry-run"]);
    plan.success();
    let text = plan.stdout();
    assert!(
        text.contains("    description: about -> (none)\n"),
        "{text}"
    );
    for line in text.lines() {
        assert!(
            !line.contains(":  ->") && !line.ends_with("-> ") && !line.ends_with("->"),
            "an empty side in {line:?}"
        );
    }
}

#[test]
fn s3_key_without_a_bucket_and_a_certain_oversized_upload_are_refused_before_any_call() {
    let f = Fixture::new();
    f.deploy(&["--s3-key", "k.zip", "--no-s3-bucket"])
        .fails(2, "'--s3-key <KEY>' cannot be used with '--no-s3-bucket'");
    f.deploy(&["--s3-key", "k.zip"])
        .fails(2, "--s3-key names a key but no bucket is given");
    // The key with the bucket from lamctl.toml is fine.
    f.edit_toml(&[], "\n[deploy]\ns3_key = \"k.zip\"\n");
    f.deploy(&[]).fails(
        2,
        "lamctl.toml: deploy.s3_key names a key but no bucket is given",
    );
    // --no-s3-bucket switches the file's key off with its bucket.
    f.edit_toml(
        &["[deploy]", "s3_key"],
        "\n[deploy]\ns3_bucket = \"nowhere\"\ns3_key = \"k.zip\"\n",
    );
    // --force always uploads: a zip over the limit with no bucket is known
    // to be refused before any call.
    big_incompressible(f.dir.path(), 2);
    f.deploy_env(&["--force", "--no-s3-bucket"], &[LIMIT])
        .fails(2, "over the 976.6 KiB limit for a direct upload");
    assert_eq!(f.proxy.requests().len(), 0, "no AWS call");
}
