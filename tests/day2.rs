//! The day-2 commands against moto: list, info, versions (and prune),
//! alias, rollback, url, concurrency, diff, init (and --download against a
//! fake GetFunction), delete; state is read back through the SDK. Bad names
//! must never reach the endpoint.

use std::path::Path;

use crate::harness::*;

mod cases;
pub(crate) mod json;
mod json_more;

/// A function directory with lamctl.toml, deployed once to moto.
struct Fn {
    dir: tempfile::TempDir,
    name: String,
}

impl Fn {
    fn new(prefix: &str) -> Fn {
        let name = unique(prefix);
        let role = create_role(&name);
        let dir = python_function_dir(&name, &role);
        let f = Fn { dir, name };
        f.code("v0");
        f.run(&["deploy"]).success();
        f
    }

    fn code(&self, text: &str) {
        std::fs::write(
            self.dir.path().join("app.py"),
            format!("def handler(event, context):\n    return {text:?}\n"),
        )
        .unwrap();
    }

    /// `lamctl ARGS` in the function's directory, against moto.
    fn run(&self, args: &[&str]) -> Out {
        lamctl(args).moto().dir(self.dir.path()).run()
    }

    /// Publish versions 1..=n, each with different code.
    fn publish(&self, n: u32) {
        for i in 1..=n {
            self.code(&format!("v{i}"));
            self.run(&["deploy", "--publish"]).success();
        }
    }
}

fn alias_of(function: &str, alias: &str) -> Option<(String, Vec<(String, f64)>)> {
    let (f, a) = (function.to_string(), alias.to_string());
    lambda(async move |l| {
        let out = l.get_alias().function_name(f).name(a).send().await.ok()?;
        let mut w: Vec<(String, f64)> = out
            .routing_config()
            .and_then(|r| r.additional_version_weights())
            .map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect())
            .unwrap_or_default();
        w.sort_by(|a, b| a.0.cmp(&b.0));
        Some((out.function_version().unwrap_or_default().to_string(), w))
    })
}

fn exists(function: &str) -> bool {
    let f = function.to_string();
    lambda(async move |l| l.get_function().function_name(f).send().await.is_ok())
}

fn create_alias(function: &str, alias: &str, version: &str) {
    let (f, a, v) = (function.to_string(), alias.to_string(), version.to_string());
    lambda(async move |l| {
        l.create_alias()
            .function_name(f)
            .name(a)
            .function_version(v)
            .send()
            .await
            .unwrap()
    });
}

// ---------------------------------------------------------------- list

#[test]
fn list_shows_the_regions_functions_in_text_and_json() {
    let prefix = unique("lst");
    let a = Fn::new(&format!("{prefix}-a"));
    let b = Fn::new(&format!("{prefix}-b"));
    let out = a.run(&["list", "--prefix", &prefix, "--output", "json"]);
    out.success();
    let names: Vec<String> = out.json()["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, vec![a.name.clone(), b.name.clone()]);
    assert_eq!(out.json()["functions"][0]["memory"], 128);
    assert_eq!(out.json()["functions"][0]["runtime"], "python3.12");

    let out = a.run(&["list", "--prefix", &prefix]);
    out.success();
    let text = out.stdout();
    assert!(text.starts_with("NAME"), "{text}");
    assert!(text.contains(&a.name) && text.contains(&b.name), "{text}");
    assert!(
        text.contains("python3.12") && text.contains("128 MB"),
        "{text}"
    );
}

// ---------------------------------------------------------------- info

#[test]
fn info_shows_configuration_aliases_concurrency_and_env_names_only() {
    let f = Fn::new("inf");
    f.run(&["deploy", "--alias", "live", "--concurrency", "5"])
        .success();
    let out = f.run(&["info", "--output", "json"]);
    out.success();
    let j = out.json();
    assert_eq!(j["name"], f.name.as_str());
    assert_eq!(j["memory"], 128);
    assert_eq!(j["environment"], serde_json::json!(["STAGE"]));
    assert_eq!(j["aliases"][0]["name"], "live");
    assert_eq!(j["aliases"][0]["version"], "1");
    assert_eq!(j["reserved_concurrency"], 5);
    assert_eq!(j["log_group"], format!("/aws/lambda/{}", f.name));
    assert_eq!(j["tags"]["team"], "core");
    assert!(j["code_sha256"].as_str().unwrap().ends_with('='));
    assert!(j["role"].as_str().unwrap().contains(":role/"));

    let text = f.run(&["info"]);
    text.success();
    let t = text.stdout();
    assert!(
        t.contains("STAGE") && !t.contains("test"),
        "values hidden: {t}"
    );
    assert!(t.contains("live -> 1"), "{t}");
    let shown = f.run(&["info", "--show-values", "--output", "json"]);
    assert_eq!(shown.json()["environment"]["STAGE"], "test");

    // A function that does not exist: the one not-found error.
    f.run(&["info", "no-such-fn-x"])
        .fails(1, "function 'no-such-fn-x' not found in us-east-1");
}

// ---------------------------------------------------------------- versions

#[test]
fn versions_lists_aliases_and_prune_never_deletes_an_aliased_version() {
    let f = Fn::new("ver");
    f.publish(4);
    create_alias(&f.name, "old", "1");
    create_alias(&f.name, "live", "4");

    let out = f.run(&["versions", "--output", "json"]);
    out.success();
    let v = out.json();
    assert_eq!(v["versions"].as_array().unwrap().len(), 4);
    assert_eq!(v["versions"][0]["version"], "1");
    assert_eq!(v["versions"][0]["aliases"], serde_json::json!(["old"]));
    assert_eq!(v["versions"][3]["aliases"], serde_json::json!(["live"]));

    let dry = f.run(&[
        "versions",
        "--prune",
        "--keep",
        "1",
        "--dry-run",
        "--output",
        "json",
    ]);
    dry.success();
    assert_eq!(dry.json()["pruned"], serde_json::json!(["3", "2"]));
    assert_eq!(
        published_versions(&f.name),
        ["1", "2", "3", "4"],
        "dry run deleted"
    );

    let out = f.run(&["versions", "--prune", "--keep", "1"]);
    out.success();
    assert!(
        out.stdout().contains("deleted versions: 3, 2"),
        "{}",
        out.stdout()
    );
    assert_eq!(
        published_versions(&f.name),
        ["1", "4"],
        "aliased 1 and newest 4 stay"
    );

    f.run(&["versions", "--prune", "--keep", "0"])
        .fails(2, "--keep must be at least 1");
}

// ---------------------------------------------------------------- alias

#[test]
fn alias_creates_moves_weights_shows_and_deletes() {
    let f = Fn::new("ali");
    f.publish(3);
    let out = f.run(&["alias", "staging", "--version", "1", "--output", "json"]);
    out.success();
    assert_eq!(out.json()["action"], "created");
    assert_eq!(alias_of(&f.name, "staging").unwrap().0, "1");

    let out = f.run(&["alias", &f.name, "staging", "--version", "2"]);
    out.success();
    assert!(
        out.stdout()
            .contains("updated staging -> 2 (was staging -> 1)"),
        "{}",
        out.stdout()
    );
    assert_eq!(alias_of(&f.name, "staging").unwrap().0, "2");

    f.run(&["alias", "staging", "--weight", "3=10"]).success();
    assert_eq!(
        alias_of(&f.name, "staging").unwrap(),
        ("2".to_string(), vec![("3".to_string(), 0.1)])
    );
    let shown = f.run(&["alias", "staging"]);
    shown.success();
    assert_eq!(shown.stdout().trim(), "staging -> 2 (10% to 3)");

    f.run(&["alias", "staging", "--version", "9"])
        .fails(1, "version 9 of");
    f.run(&["alias", "staging", "--delete"]).success();
    assert!(alias_of(&f.name, "staging").is_none());
    f.run(&["alias", "staging"])
        .fails(1, "alias 'staging' of function");
}

// ---------------------------------------------------------------- rollback

#[test]
fn rollback_goes_one_version_back_or_to_a_version() {
    let f = Fn::new("rbk");
    f.publish(3);
    create_alias(&f.name, "live", "3");
    let out = f.run(&["rollback", "--output", "json"]);
    out.success();
    assert_eq!(out.json()["to"]["version"], "2");
    assert_eq!(alias_of(&f.name, "live").unwrap().0, "2");
    f.run(&["rollback", "--to", "3"]).success();
    assert_eq!(alias_of(&f.name, "live").unwrap().0, "3");
    f.run(&["rollback", "--to", "7"]).fails(1, "version 7 of");
}

#[test]
fn rollback_without_an_earlier_version_is_a_clear_error() {
    let f = Fn::new("rb1");
    f.publish(1);
    create_alias(&f.name, "prod", "1");
    f.run(&["rollback", &f.name, "--alias", "prod"]).fails(
        1,
        "points at version 1: there is no earlier version to roll back to",
    );
    assert_eq!(alias_of(&f.name, "prod").unwrap().0, "1", "unchanged");
    f.run(&["rollback", "--alias", "nope"])
        .fails(1, "alias 'nope' of function");
}

#[test]
fn rollback_cancels_a_canary() {
    let f = Fn::new("rbc");
    f.publish(3);
    create_alias(&f.name, "live", "2");
    f.run(&["deploy", "--alias", "live", "--canary", "10"])
        .success();
    let (v, w) = alias_of(&f.name, "live").unwrap();
    assert_eq!((v.as_str(), w.len()), ("2", 1), "a canary is in progress");
    let out = f.run(&["rollback"]);
    out.success();
    assert!(
        out.stdout().contains("canary cancelled"),
        "{}",
        out.stdout()
    );
    assert_eq!(
        alias_of(&f.name, "live").unwrap(),
        ("2".to_string(), vec![])
    );
}

// ---------------------------------------------------------------- url, concurrency

#[test]
fn url_is_created_public_shown_and_deleted() {
    let f = Fn::new("url");
    let out = f.run(&[
        "url",
        "--auth",
        "none",
        "--cors-origin",
        "https://example.com",
        "--output",
        "json",
    ]);
    out.success();
    let j = out.json();
    assert!(j["url"]["url"].as_str().unwrap().starts_with("http"), "{j}");
    assert!(j["changes"].as_array().unwrap().len() >= 2, "{j}");
    let name = f.name.clone();
    let (auth, origins, policy) = lambda(async move |l| {
        let c = l
            .get_function_url_config()
            .function_name(&name)
            .send()
            .await
            .unwrap();
        let p = l.get_policy().function_name(&name).send().await.unwrap();
        (
            c.auth_type().as_str().to_string(),
            c.cors()
                .map(|c| c.allow_origins().to_vec())
                .unwrap_or_default(),
            p.policy().unwrap_or_default().to_string(),
        )
    });
    assert_eq!(auth, "NONE");
    assert_eq!(origins, ["https://example.com"]);
    assert!(policy.contains("lamctl-url-public-invoke-url"), "{policy}");

    let shown = f.run(&["url"]);
    shown.success();
    assert!(
        shown.stdout().contains("none (public)"),
        "{}",
        shown.stdout()
    );
    f.run(&["url", "--delete"]).success();
    let name = f.name.clone();
    assert!(lambda(async move |l| l
        .get_function_url_config()
        .function_name(name)
        .send()
        .await
        .is_err()));
    assert!(f.run(&["url"]).stdout().contains("has no function URL"));
}

#[test]
fn concurrency_is_set_shown_and_removed() {
    let f = Fn::new("cnc");
    let out = f.run(&["concurrency", "7", "--output", "json"]);
    out.success();
    assert_eq!(out.json()["reserved"], 7);
    assert_eq!(reserved_concurrency(&f.name), Some(7));
    let shown = f.run(&["concurrency", &f.name]);
    assert!(
        shown.stdout().contains("reserved concurrency  7"),
        "{}",
        shown.stdout()
    );
    f.run(&["concurrency", "--delete"]).success();
    assert_eq!(reserved_concurrency(&f.name), None);
    f.run(&["concurrency", "-1"])
        .fails(2, "unexpected argument '-1'");
}

#[test]
fn provisioned_concurrency_is_set_and_waited_for() {
    // moto has no provisioned-concurrency routes: a proxy answers them as
    // Lambda does (not configured, then accepted, then READY).
    let f = Fn::new("pcc");
    f.publish(1);
    create_alias(&f.name, "live", "1");
    let proxy = Proxy::moto();
    let pc = |r: &Request| r.path.contains("/provisioned-concurrency");
    proxy.inject(
        move |r| r.method == "GET" && pc(r),
        Canned::new(
            200,
            r#"{"RequestedProvisionedConcurrentExecutions":3,"AvailableProvisionedConcurrentExecutions":3,"AllocatedProvisionedConcurrentExecutions":3,"Status":"READY"}"#,
        )
        .header("Content-Type", "application/json"),
        None,
    );
    proxy.inject(
        move |r| r.method == "PUT" && pc(r),
        Canned::new(
            202,
            r#"{"RequestedProvisionedConcurrentExecutions":3,"Status":"IN_PROGRESS"}"#,
        )
        .header("Content-Type", "application/json"),
        None,
    );
    proxy.inject(
        move |r| r.method == "GET" && pc(r),
        Canned::aws_error(
            404,
            "ProvisionedConcurrencyConfigNotFoundException",
            "No Provisioned Concurrency Config found for this function",
        ),
        Some(1),
    );
    let out = lamctl([
        "concurrency",
        "--provisioned",
        "3",
        "--qualifier",
        "live",
        "--output",
        "json",
        "--endpoint-url",
        &proxy.endpoint,
        "--region",
        REGION,
    ])
    .dir(f.dir.path())
    .run();
    out.success();
    assert_eq!(out.json()["provisioned"], 3);
    let puts: Vec<Request> = proxy
        .requests()
        .into_iter()
        .filter(|r| r.method == "PUT" && pc(r))
        .collect();
    assert_eq!(puts.len(), 1);
    assert!(puts[0].path.contains("Qualifier=live"), "{}", puts[0].path);
    let body: serde_json::Value = serde_json::from_slice(&puts[0].body).unwrap();
    assert_eq!(body["ProvisionedConcurrentExecutions"], 3);
    assert!(
        proxy.count(|r| r.method == "GET" && pc(r)) >= 2,
        "read before, then waited until READY"
    );
}

// ---------------------------------------------------------------- diff

#[test]
fn diff_reports_nothing_then_a_console_memory_change_with_exit_4() {
    let f = Fn::new("dif");
    let out = f.run(&["diff", "--exit-code"]);
    out.success();
    assert!(out.stdout().contains("no differences"), "{}", out.stdout());

    let name = f.name.clone();
    lambda(async move |l| {
        l.update_function_configuration()
            .function_name(name)
            .memory_size(256)
            .send()
            .await
            .unwrap()
    });
    let out = f.run(&["diff", "--exit-code"]);
    assert_eq!(out.code, 4, "{}{}", out.stdout(), out.stderr);
    assert!(
        out.stdout().contains("memory  256 -> 128"),
        "{}",
        out.stdout()
    );
    assert!(
        !out.stderr.contains("error:"),
        "no error line: {}",
        out.stderr
    );
    let j = f.run(&["diff", "--output", "json"]);
    j.success();
    assert_eq!(j.json()["changes"][0]["field"], "memory");
    assert_eq!(j.json()["changes"][0]["from"], "256");
    assert_eq!(j.json()["differs"], true);
    // Without --exit-code differences are a result, not a failure.
}

#[test]
fn diff_sees_a_code_change_and_masks_environment_values() {
    let f = Fn::new("dfc");
    f.code("changed");
    let out = f.run(&["diff", "--exit-code", "--output", "json"]);
    assert_eq!(out.code, 4);
    let j = out.json();
    assert_eq!(j["code"]["differs"], true);
    assert_eq!(j["changes"], serde_json::json!([]));
    f.code("v0");

    let name = f.name.clone();
    lambda(async move |l| {
        let env = aws_sdk_lambda::types::Environment::builder()
            .variables("STAGE", "prod-secret")
            .build();
        l.update_function_configuration()
            .function_name(name)
            .environment(env)
            .send()
            .await
            .unwrap()
    });
    let out = f.run(&["diff", "--exit-code"]);
    assert_eq!(out.code, 4);
    let t = out.stdout();
    assert!(
        t.contains("environment.STAGE  (hidden) -> (changed)"),
        "{t}"
    );
    assert!(
        !t.contains("prod-secret") && !t.contains("test"),
        "masked: {t}"
    );
    let out = f.run(&["diff", "--show-values"]);
    assert!(
        out.stdout().contains("prod-secret -> test"),
        "{}",
        out.stdout()
    );
    // Flags override the file exactly as in deploy.
    let out = f.run(&["diff", "--env", "STAGE=prod-secret", "--exit-code"]);
    out.success();
}

/// Flags alone merge into what is deployed, in diff as in deploy: with no
/// [tags] or [environment] table in lamctl.toml, `diff --tag` / `--env`
/// reports only the entries they change (it reported every other deployed
/// tag and variable as removed, and --exit-code 4 with no drift).
#[test]
fn diff_merges_tag_and_env_flags_with_the_deployed_ones_as_deploy_does() {
    let f = Fn::new("dfm");
    f.run(&["deploy", "--tag", "owner=ops", "--env", "EXTRA=1"])
        .success();
    let path = f.dir.path().join("lamctl.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    let top = toml.split("\n[").next().unwrap().to_string();
    std::fs::write(&path, format!("{top}\n")).unwrap();
    for flags in [
        vec!["--tag", "team=core"],
        vec!["--env", "STAGE=test"],
        vec!["--tag", "owner=ops", "--env", "EXTRA=1"],
    ] {
        let mut args = vec!["diff", "--exit-code"];
        args.extend_from_slice(&flags);
        let out = f.run(&args);
        assert_eq!(out.code, 0, "{flags:?}: {}{}", out.stdout(), out.stderr);
    }
    let out = f.run(&[
        "diff",
        "--exit-code",
        "--tag",
        "owner=dev",
        "--env",
        "NEW=1",
    ]);
    assert_eq!(out.code, 4, "{}{}", out.stdout(), out.stderr);
    let t = out.stdout();
    assert!(t.contains("tags.owner") && t.contains("ops -> dev"), "{t}");
    assert!(t.contains("environment.NEW"), "{t}");
    assert!(!t.contains("(removed)"), "{t}");
    // What diff showed is what deploy does.
    f.run(&["deploy", "--tag", "owner=dev", "--env", "NEW=1"])
        .success();
    f.run(&["diff", "--exit-code"]).success();
    let out = f.run(&["info", "--output", "json"]);
    let j = out.json();
    assert_eq!(j["tags"]["team"], "core", "{j}");
}

// ---------------------------------------------------------------- init

#[test]
fn init_writes_a_file_that_diff_finds_identical() {
    let f = Fn::new("ini");
    let here = tempfile::tempdir().unwrap();
    let init = |args: &[&str]| {
        let mut all = vec!["init", f.name.as_str()];
        all.extend_from_slice(args);
        lamctl(&all).moto().dir(here.path()).run()
    };
    init(&[]).success();
    let text = std::fs::read_to_string(here.path().join("lamctl.toml")).unwrap();
    assert!(text.contains(&format!("name = \"{}\"", f.name)), "{text}");
    assert!(
        text.contains("memory = 128") && text.contains("STAGE = \"test\""),
        "{text}"
    );
    std::fs::copy(f.dir.path().join("app.py"), here.path().join("app.py")).unwrap();
    let out = lamctl(["diff", "--exit-code"])
        .moto()
        .dir(here.path())
        .run();
    assert_eq!(out.code, 0, "round trip: {}{}", out.stdout(), out.stderr);

    init(&[]).fails(2, "lamctl.toml already exists");
    let out = init(&["--force", "--output", "json"]);
    out.success();
    assert_eq!(out.json()["function"], f.name.as_str());
    assert_eq!(out.json()["path"], "lamctl.toml");
}

/// `init` promises a clean `diff`; right after it there is no code yet
/// (`diff` failed with "nothing to package"): the configuration is
/// compared, and the report says the code was not.
#[test]
fn diff_right_after_init_compares_the_configuration_only() {
    let f = Fn::new("dai");
    let here = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| lamctl(args).moto().dir(here.path()).run();
    run(&["init", &f.name]).success();
    let out = run(&["diff", "--exit-code"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout(), out.stderr);
    assert!(
        out.stdout()
            .contains("no configuration differences (code not compared"),
        "{}",
        out.stdout()
    );
    assert!(out.stderr.contains("code not compared"), "{}", out.stderr);
    let j = run(&["diff", "--output", "json"]);
    j.success();
    assert_eq!(j.json()["code"]["compared"], false);
    assert_eq!(j.json()["differs"], false);
    // Configuration drift is still found.
    let out = run(&["diff", "--exit-code", "--memory", "256"]);
    assert_eq!(out.code, 4, "{}{}", out.stdout(), out.stderr);
}

/// A fake Lambda whose GetFunction points at a zip it also serves.
pub(crate) fn fake_get_function(name: &str, zip: Vec<u8>) -> Proxy {
    let proxy = Proxy::start(None);
    let code_url = format!("{}/code/{name}.zip", proxy.endpoint);
    let body = serde_json::json!({
        "Configuration": {
            "FunctionName": name,
            "Runtime": "python3.12",
            "Handler": "app.handler",
            "Role": format!("arn:aws:iam::{ACCOUNT}:role/r"),
            "MemorySize": 256,
            "Timeout": 10,
            "CodeSha256": "x",
            "State": "Active",
            "LastUpdateStatus": "Successful",
        },
        "Code": {"RepositoryType": "S3", "Location": code_url},
        "Tags": {},
    })
    .to_string();
    let fn_path = format!("/2015-03-31/functions/{name}");
    proxy.inject(
        move |r| r.path.starts_with(&fn_path),
        Canned::new(200, body).header("Content-Type", "application/json"),
        None,
    );
    proxy.inject(
        |r| r.path.starts_with("/code/"),
        Canned::new(200, zip),
        None,
    );
    // The faked function has no event source mappings and no schedules.
    for (prefix, body) in [
        (
            "/2015-03-31/event-source-mappings",
            r#"{"EventSourceMappings": []}"#,
        ),
        ("/schedules", r#"{"Schedules": []}"#),
    ] {
        proxy.inject(
            move |r| r.path.starts_with(prefix),
            Canned::new(200, body).header("Content-Type", "application/json"),
            None,
        );
    }
    // init reads the triggers too: no policy, no HTTP API.
    proxy.inject(
        |r| r.path.ends_with("/policy"),
        Canned::aws_error(404, "ResourceNotFoundException", "no policy"),
        None,
    );
    proxy.inject(
        |r| r.path.starts_with("/v2/apis"),
        Canned::new(200, "{\"items\": []}").header("Content-Type", "application/json"),
        None,
    );
    proxy
}

fn zip_of(entries: &[(&str, Option<&str>)]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    for (name, link) in entries {
        match link {
            Some(target) => z.add_symlink(*name, *target, opts).unwrap(),
            None => {
                z.start_file(*name, opts).unwrap();
                z.write_all(b"print('hi')\n").unwrap();
            }
        }
    }
    z.finish().unwrap();
    buf.into_inner()
}

/// `lamctl init NAME --download EXTRA…` in `here`, against a faked
/// GetFunction whose code is `zip` (moto's code location cannot be fetched).
pub(crate) fn init_download_in(here: &Path, zip: Vec<u8>, extra: &[&str]) -> Out {
    init_download_named(here, &unique("dl"), zip, extra)
}

/// [`init_download_in`] for a function of a given name.
pub(crate) fn init_download_named(here: &Path, name: &str, zip: Vec<u8>, extra: &[&str]) -> Out {
    let proxy = fake_get_function(name, zip);
    let mut args = vec![
        "init",
        name,
        "--download",
        "--endpoint-url",
        &proxy.endpoint,
        "--region",
        REGION,
    ];
    args.extend_from_slice(extra);
    lamctl(args).dir(here).run()
}

fn init_download(zip: Vec<u8>) -> (Out, tempfile::TempDir) {
    let here = tempfile::tempdir().unwrap();
    (init_download_in(here.path(), zip, &[]), here)
}

#[test]
fn init_download_unpacks_the_code_into_src() {
    let (out, here) = init_download(zip_of(&[
        ("app.py", None),
        ("lib/util.py", None),
        ("lib/link.py", Some("util.py")),
    ]));
    out.success();
    let src = here.path().join("src");
    assert!(src.join("app.py").is_file() && src.join("lib/util.py").is_file());
    assert_eq!(
        std::fs::read_link(src.join("lib/link.py")).unwrap(),
        Path::new("util.py")
    );
    let text = std::fs::read_to_string(here.path().join("lamctl.toml")).unwrap();
    assert!(
        text.contains("source = \"src\"") && text.contains("memory = 256"),
        "{text}"
    );
}

#[test]
fn init_download_refuses_entries_that_land_outside() {
    for (entries, needle) in [
        (
            vec![("app.py", None), ("../evil.py", None)],
            "entry '../evil.py' would land outside",
        ),
        (
            vec![("app.py", None), ("/tmp/lamctl-abs-evil.py", None)],
            "would land outside",
        ),
        (
            vec![("app.py", None), ("out", Some("../../etc"))],
            "link 'out' points outside",
        ),
        (
            vec![("app.py", None), ("abs", Some("/etc/passwd"))],
            "link 'abs' points outside",
        ),
    ] {
        let (out, here) = init_download(zip_of(&entries));
        out.fails(1, needle);
        assert!(
            !here.path().join("lamctl.toml").exists(),
            "{needle}: no file written"
        );
        assert!(
            !here.path().join("src").exists(),
            "{needle}: nothing unpacked"
        );
        assert!(!here.path().join("evil.py").exists());
    }
    assert!(!Path::new("/tmp/lamctl-abs-evil.py").exists());
}

// ---------------------------------------------------------------- delete

#[test]
fn delete_without_yes_and_no_terminal_refuses_and_changes_nothing() {
    let f = Fn::new("del");
    f.run(&["delete"])
        .fails(2, "there is no terminal to confirm on");
    assert!(exists(&f.name));
    let out = f.run(&["delete", "--yes", "--output", "json"]);
    out.success();
    assert_eq!(out.json()["deleted"], true);
    assert!(!exists(&f.name));
    f.run(&["delete", "--yes"])
        .fails(1, "not found in us-east-1");
}

#[test]
fn delete_asks_on_a_terminal() {
    let f = Fn::new("dlt");
    let out = lamctl(["delete"])
        .moto()
        .dir(f.dir.path())
        .stdin("n\n")
        .run_tty(Tty::All);
    out.success();
    assert!(
        out.stderr
            .contains(&format!("delete function '{}' in us-east-1? [y/N]", f.name)),
        "{}",
        out.stderr
    );
    assert!(exists(&f.name), "answered no");
    let out = lamctl(["delete"])
        .moto()
        .dir(f.dir.path())
        .stdin("y\n")
        .run_tty(Tty::All);
    out.success();
    assert!(!exists(&f.name), "answered yes");
}

#[test]
fn delete_one_version() {
    let f = Fn::new("dlv");
    f.publish(2);
    f.run(&["delete", "--qualifier", "1", "--yes"]).success();
    assert_eq!(published_versions(&f.name), ["2"]);
    assert!(exists(&f.name));
}

// ---------------------------------------------------------------- bad input

#[test]
fn bad_names_exit_2_without_any_call() {
    let sink = Sink::start();
    for args in [
        vec!["info", "bad name!"],
        vec!["versions", "a:b:c:d"],
        vec!["alias", "fn", "12"],
        vec!["alias", "fn", "live", "--version", "x"],
        vec!["alias", "fn", "live", "--weight", "2=150"],
        vec!["rollback", "fn", "--alias", "bad alias"],
        vec!["rollback", "fn", "--to", "latest"],
        vec!["url", "fn:live"],
        vec!["url", "fn", "--cors-max-age", "999999"],
        vec![
            "concurrency",
            "fn",
            "--provisioned",
            "0",
            "--qualifier",
            "live",
        ],
        vec!["delete", "bad/name", "--yes"],
        vec!["delete", "fn", "--qualifier", "live", "--yes"],
        vec!["init", "bad name"],
        vec!["info"],
        vec!["versions", "fn", "--prune", "--keep", "0"],
    ] {
        let mut all = args.clone();
        all.extend(["--endpoint-url", &sink.endpoint, "--region", REGION]);
        let out = lamctl(&all).run();
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("error: "),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(sink.connections(), 0, "bad input reached the endpoint");
}

// ---------------------------------------------------------------- completion

#[test]
fn bash_completion_offers_the_functions_moto_holds() {
    let prefix = unique("cmp");
    let a = Fn::new(&format!("{prefix}-a"));
    let b = Fn::new(&format!("{prefix}-b"));
    let script = lamctl(["completions", "bash"]).run();
    script.success();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("lamctl.bash"), &script.stdout).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_lamctl")).parent().unwrap();
    let endpoint = &moto().endpoint;
    // As bash does on TAB after `lamctl info --endpoint-url … PREFIX`.
    let words = format!("lamctl info --endpoint-url {endpoint} --region {REGION} {prefix}");
    let cword = words.split(' ').count() - 1;
    let complete = |words: &str, cword: usize| {
        let probe = format!(
            "source lamctl.bash\n\
             COMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_LINE=\"{words}\"\nCOMP_POINT=${{#COMP_LINE}}\nCOMP_TYPE=9\n\
             _clap_complete_lamctl lamctl \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\""
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(probe)
            .current_dir(home.path())
            .env_clear()
            .env(
                "PATH",
                format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
            )
            .env("HOME", home.path())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "TAB prints nothing: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let got = complete(&words, cword);
    let mut names: Vec<&str> = got
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    names.sort();
    assert_eq!(names, [a.name.as_str(), b.name.as_str()], "{got}");
    // The answer was cached under the user's cache directory.
    let cached = std::fs::read_dir(home.path().join(".cache/lamctl"))
        .unwrap()
        .count();
    assert_eq!(cached, 1);

    // Aliases of the function on the line.
    create_alias(&a.name, "live", "$LATEST");
    let words = format!(
        "lamctl rollback {} --endpoint-url {endpoint} --region {REGION} --alias l",
        a.name
    );
    let got = complete(&words, words.split(' ').count() - 1);
    assert_eq!(got.trim(), "live");

    // An endpoint that never answers: no candidates and no error (the
    // completer gives up after its budget).
    let silent = silent_endpoint();
    let words = format!("lamctl info --endpoint-url {silent} --region {REGION} x");
    let got = complete(&words, words.split(' ').count() - 1);
    assert_eq!(got.trim(), "");
}

/// Run `script` in `shell` (`bash`, `zsh`, `fish`) as the user's shell
/// would, with lamctl on PATH and throwaway credentials; its stdout.
fn in_shell(shell: &str, script: &str, home: &Path) -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_lamctl")).parent().unwrap();
    let out = std::process::Command::new(shell)
        .arg("-c")
        .arg(script)
        .current_dir(home)
        .env_clear()
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env("HOME", home)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap_or_else(|e| panic!("{shell}: {e} (scripts/test-deps installs it)"));
    assert!(
        out.status.success(),
        "{shell}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{shell} printed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn sorted_lines(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .lines()
        .map(|l| l.split(['\t', ':']).next().unwrap().trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    v.sort();
    v
}

#[test]
fn zsh_and_fish_completion_offer_the_functions_moto_holds() {
    let prefix = unique("czf");
    let a = Fn::new(&format!("{prefix}-a"));
    let b = Fn::new(&format!("{prefix}-b"));
    let want = vec![a.name.clone(), b.name.clone()];
    let home = tempfile::tempdir().unwrap();
    for shell in ["zsh", "fish"] {
        let script = lamctl(["completions", shell]).run();
        script.success();
        std::fs::write(home.path().join(format!("lamctl.{shell}")), &script.stdout).unwrap();
    }
    let endpoint = &moto().endpoint;
    let line = format!("lamctl info --endpoint-url {endpoint} --region {REGION} {prefix}");

    // zsh: the registered function, with zsh's completion-system calls it
    // makes (compdef, _describe) standing in for the interactive widgets.
    let zsh = format!(
        "compdef() {{ :; }}\n\
         _describe() {{ print -l -- ${{(P)3}}; }}\n\
         source ./lamctl.zsh\n\
         words=({line})\nCURRENT=${{#words}}\n\
         _clap_dynamic_completer_lamctl"
    );
    assert_eq!(
        sorted_lines(&in_shell("zsh", &zsh, home.path())),
        want,
        "zsh"
    );

    // fish: `complete -C` completes a command line as TAB would.
    let fish = format!("source ./lamctl.fish; complete -C '{line}'");
    assert_eq!(
        sorted_lines(&in_shell("fish", &fish, home.path())),
        want,
        "fish"
    );
}
