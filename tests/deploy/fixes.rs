//! Regression tests for what a new user tripped over (issue 13): each one
//! fails on the code before the fix.

use super::*;

impl Fixture {
    /// Rewrite lamctl.toml without the lines starting with any of `keys`,
    /// and with `extra` appended.
    pub(super) fn edit_toml(&self, drop: &[&str], extra: &str) {
        let path = self.dir.path().join("lamctl.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let mut out = String::new();
        let mut skip_table = false;
        for line in text.lines() {
            if line.starts_with('[') {
                skip_table = drop.contains(&line);
            }
            if skip_table || drop.iter().any(|k| line.starts_with(k)) {
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
        out.push_str(extra);
        std::fs::write(path, out).unwrap();
    }

    fn versions(&self) -> Vec<String> {
        published_versions(&self.name)
    }

    fn env(&self) -> BTreeMap<String, String> {
        config(&self.name)
            .environment()
            .and_then(|e| e.variables())
            .map(|v| v.clone().into_iter().collect())
            .unwrap_or_default()
    }

    fn tags(&self) -> BTreeMap<String, String> {
        let arn = config(&self.name).function_arn().unwrap().to_string();
        lambda(async move |l| {
            l.list_tags()
                .resource(arn)
                .send()
                .await
                .unwrap()
                .tags
                .unwrap_or_default()
                .into_iter()
                .collect()
        })
    }

    fn iam_calls(&self, action: &str) -> usize {
        let needle = format!("Action={action}&");
        self.proxy
            .count(|r| String::from_utf8_lossy(&r.body).contains(&needle))
    }
}

#[test]
fn create_role_keeps_the_role_of_a_function_that_exists() {
    let f = Fixture::new();
    f.deploy(&[]).success();
    f.edit_toml(&["role"], "");
    f.proxy.clear();
    f.deploy(&["--create-role", "--memory", "256"]).success();
    let c = config(&f.name);
    assert_eq!(c.role(), Some(f.role.as_str()), "the deployed role is kept");
    assert_eq!(c.memory_size(), Some(256));
    assert_eq!(f.iam_calls("CreateRole"), 0, "no role was created");
}

#[test]
fn keep_versions_prunes_without_publishing() {
    let f = Fixture::new();
    for v in ["v1", "v2", "v3"] {
        f.touch_code(v);
        f.deploy(&["--publish"]).success();
    }
    assert_eq!(f.versions().len(), 3);
    let out = f.deploy(&["--keep-versions", "1", "--output", "json"]);
    out.success();
    assert_eq!(f.versions(), ["3"]);
    assert_eq!(
        out.json()["deleted_versions"],
        serde_json::json!(["2", "1"])
    );
    assert_eq!(out.json()["version"], serde_json::Value::Null);
}

#[test]
fn canary_uses_the_alias_from_lamctl_toml() {
    let f = Fixture::new();
    f.edit_toml(&[], "\n[deploy]\nalias = \"live\"\n");
    f.deploy(&[]).success();
    f.touch_code("v2");
    f.deploy(&["--canary", "10"]).success();
    let alias = get_alias(&f.name, "live");
    assert_eq!(alias.function_version(), Some("1"));
    let weights = alias
        .routing_config()
        .unwrap()
        .additional_version_weights()
        .unwrap();
    assert_eq!(weights.get("2"), Some(&0.1));
    // Without an alias anywhere: a usage error, no call.
    f.edit_toml(&["[deploy]"], "");
    f.proxy.clear();
    f.deploy(&["--canary", "10"])
        .fails(2, "--canary needs an alias");
    assert_eq!(f.proxy.requests().len(), 0);
}

#[test]
fn dash_o_is_the_output_format() {
    let f = Fixture::new();
    let out = f.deploy(&["-o", "json"]);
    out.success();
    assert_eq!(out.json()["function"], f.name.as_str());
    assert!(!f.dir.path().join("json").exists(), "no zip named json");
    let bad = f.deploy(&["-o", "out.zip"]);
    bad.fails(2, "invalid value 'out.zip' for '--output <OUTPUT>'");
    assert!(
        bad.stderr.contains("a file to write is --out FILE"),
        "{}",
        bad.stderr
    );
    let zip = f.dir.path().join("out.zip");
    f.deploy(&["--out", zip.to_str().unwrap()]).success();
    assert!(zip.is_file());
}

#[test]
fn env_and_tag_flags_merge_unless_replace_is_asked() {
    let f = Fixture::new();
    // The file defines no variables or tags: flags add to what is deployed.
    f.edit_toml(&["[environment]", "[tags]"], "");
    f.deploy(&[
        "--env",
        "A=1",
        "--env",
        "B=2",
        "--tag",
        "team=core",
        "--tag",
        "x=1",
    ])
    .success();
    f.deploy(&["--env", "DEBUG=1", "--env", "B=3", "--tag", "team=edge"])
        .success();
    assert_eq!(
        f.env(),
        BTreeMap::from([
            ("A".into(), "1".into()),
            ("B".into(), "3".into()),
            ("DEBUG".into(), "1".into())
        ])
    );
    assert_eq!(
        f.tags(),
        BTreeMap::from([("team".into(), "edge".into()), ("x".into(), "1".into())])
    );
    // The whole set, when asked.
    f.deploy(&[
        "--env-replace",
        "--env",
        "ONLY=1",
        "--tag-replace",
        "--tag",
        "t=1",
    ])
    .success();
    assert_eq!(f.env(), BTreeMap::from([("ONLY".into(), "1".into())]));
    assert_eq!(f.tags(), BTreeMap::from([("t".into(), "1".into())]));
    // lamctl.toml's [environment] describes the function: the whole set.
    f.edit_toml(&[], "\n[environment]\nSTAGE = \"prod\"\n");
    f.deploy(&["--env", "DEBUG=1"]).success();
    assert_eq!(
        f.env(),
        BTreeMap::from([
            ("DEBUG".into(), "1".into()),
            ("STAGE".into(), "prod".into())
        ])
    );
}

#[test]
fn config_only_change_of_a_big_zip_needs_no_bucket() {
    let f = Fixture::new();
    f.deploy(&[]).success();
    let small = [("LAMCTL_DIRECT_UPLOAD_LIMIT", "10")];
    f.deploy_env(&["--memory", "256"], &small).success();
    assert_eq!(config(&f.name).memory_size(), Some(256));
    f.touch_code("v2");
    f.deploy_env(&[], &small)
        .fails(2, "over the 10 B limit for a direct upload");
}

#[test]
fn file_settings_can_be_switched_off_from_the_command_line() {
    let f = Fixture::new();
    f.edit_toml(
        &[],
        "\n[deploy]\npublish = true\nalias = \"live\"\nkeep_versions = 1\n",
    );
    f.deploy(&[]).success();
    assert_eq!(f.versions(), ["1"]);
    f.touch_code("v2");
    let out = f.deploy(&["--no-publish", "--no-keep-versions", "--output", "json"]);
    out.success();
    assert_eq!(f.versions(), ["1"], "nothing published or pruned");
    assert_eq!(out.json()["version"], serde_json::Value::Null);
    assert_eq!(get_alias(&f.name, "live").function_version(), Some("1"));
    f.touch_code("v3");
    f.deploy(&["--no-alias"]).success();
    // Published (file) and pruned to 1 (file); 1 stays: `live` uses it.
    assert_eq!(f.versions(), ["1", "2"]);
    assert_eq!(get_alias(&f.name, "live").function_version(), Some("1"));
}

#[test]
fn summary_and_json_say_the_same_word_and_keep_every_key() {
    let f = Fixture::new();
    let out = f.deploy(&["-o", "json"]);
    out.success();
    let v = out.json();
    assert_eq!(v["code"], "uploaded");
    for key in [
        "s3_upload",
        "s3",
        "version",
        "alias",
        "concurrency",
        "provisioned",
        "url",
    ] {
        assert_eq!(v.get(key), Some(&serde_json::Value::Null), "{key}");
    }
    f.touch_code("v2");
    let out = f.deploy(&[]);
    out.success();
    assert!(
        out.stdout().contains("code      uploaded,"),
        "{}",
        out.stdout()
    );
}
