//! Issue 22's day-2 cases: each test failed before its fix.

use super::{Fn, alias_of, create_alias, exists};
use crate::harness::*;

// ---------------------------------------------------------------- delete

#[test]
fn delete_refuses_a_version_an_alias_routes_to_naming_the_alias() {
    let f = Fn::new("dla");
    f.publish(3);
    create_alias(&f.name, "live", "2");
    f.run(&["alias", "live", "--weight", "3=10"]).success();
    for v in ["2", "3"] {
        f.run(&["delete", "--qualifier", v, "--yes"]).fails(
            1,
            &format!("not deleting version {v} of '{}': alias live", f.name),
        );
    }
    assert_eq!(published_versions(&f.name), ["1", "2", "3"]);
    // A version no alias routes to goes, as before.
    f.run(&["delete", "--qualifier", "1", "--yes"]).success();
    assert_eq!(published_versions(&f.name), ["2", "3"]);
}

fn role_exists(role: &str) -> bool {
    let r = role.to_string();
    iam(async move |i| i.get_role().role_name(r).send().await.is_ok())
}

#[test]
fn delete_with_role_removes_only_a_role_lamctl_created() {
    // A role the harness made: lamctl cannot prove it is its own.
    let f = Fn::new("dwr");
    let theirs = f.name.clone();
    f.run(&["delete", "--yes", "--with-role"])
        .fails(1, &format!("lamctl cannot prove it created role {theirs}"));
    assert!(exists(&f.name), "refused before anything changed");
    assert!(role_exists(&theirs));
    // Without the flag the function goes and the role is said to remain.
    let out = f.run(&["delete", "--yes"]);
    out.success();
    assert!(
        out.stderr
            .contains(&format!("the execution role {theirs} remains")),
        "{}",
        out.stderr
    );
    assert!(!exists(&f.name) && role_exists(&theirs));

    // A role `deploy --create-role` made, with a policy and an inline policy.
    let g = Fn::new("dwc");
    let toml = std::fs::read_to_string(g.dir.path().join("lamctl.toml")).unwrap();
    let without_role: String = toml
        .lines()
        .filter(|l| !l.starts_with("role"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(g.dir.path().join("lamctl.toml"), without_role).unwrap();
    lamctl(["delete", "--yes"])
        .moto()
        .dir(g.dir.path())
        .run()
        .success();
    g.run(&[
        "deploy",
        "--create-role",
        "--policy",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "--allow",
        "translate:TranslateText",
    ])
    .success();
    let ours = format!("lamctl-{}-exec", g.name);
    assert_eq!(attached_policies(&ours).len(), 2);
    assert!(inline_policy(&ours).is_some());
    let out = g.run(&["delete", "--yes", "--with-role", "--output", "json"]);
    out.success();
    assert_eq!(out.json()["role"], ours.as_str());
    assert_eq!(out.json()["role_deleted"], true);
    assert!(!exists(&g.name));
    assert!(!role_exists(&ours), "the role is gone");
}

// ---------------------------------------------------------------- alias

#[test]
fn alias_weights_on_its_own_version_or_on_latest_are_refused_before_any_write() {
    let f = Fn::new("awt");
    f.publish(2);
    create_alias(&f.name, "live", "1");
    f.run(&["alias", "live", "--weight", "1=10"])
        .fails(1, "alias live already points at version 1");
    assert_eq!(
        alias_of(&f.name, "live").unwrap(),
        ("1".to_string(), vec![])
    );

    create_alias(&f.name, "edge", "$LATEST");
    f.run(&["alias", "edge", "--weight", "2=10"])
        .fails(1, "alias edge points at $LATEST");
    assert_eq!(
        alias_of(&f.name, "edge").unwrap(),
        ("$LATEST".to_string(), vec![])
    );
    // A weight on another published version is still a canary.
    f.run(&["alias", "live", "--weight", "2=10"]).success();
    assert_eq!(
        alias_of(&f.name, "live").unwrap(),
        ("1".to_string(), vec![("2".to_string(), 0.1)])
    );
}

#[test]
fn alias_flags_that_lambda_would_refuse_exit_2_without_a_call() {
    let sink = Sink::start();
    for (args, needle) in [
        (
            vec![
                "alias",
                "fn",
                "live",
                "--version",
                "$LATEST",
                "--weight",
                "2=10",
            ],
            "$LATEST",
        ),
        (
            vec!["alias", "fn", "live", "--version", "3", "--weight", "3=10"],
            "already points at version 3",
        ),
        (vec!["alias"], "ALIAS is required"),
        (vec!["alias", "live"], "no function for alias 'live'"),
    ] {
        let mut all = args.clone();
        all.extend(["--endpoint-url", &sink.endpoint, "--region", REGION]);
        lamctl(&all)
            .dir(tempfile::tempdir().unwrap().path())
            .run()
            .fails(2, needle);
    }
    assert_eq!(sink.connections(), 0, "bad input reached the endpoint");
}

// ---------------------------------------------------------------- texts

#[test]
fn rollback_to_a_newer_version_says_rolled_forward() {
    let f = Fn::new("rbf");
    f.publish(3);
    create_alias(&f.name, "live", "1");
    let out = f.run(&["rollback", "--to", "3"]);
    out.success();
    assert!(
        out.stdout()
            .contains("rolled forward live -> 3 (was live -> 1)"),
        "{}",
        out.stdout()
    );
    let out = f.run(&["rollback", "--to", "2"]);
    out.success();
    assert!(
        out.stdout().contains("rolled back live -> 2"),
        "{}",
        out.stdout()
    );
}

#[test]
fn list_with_a_prefix_that_matches_nothing_says_so() {
    let prefix = unique("nomatch");
    let out = lamctl(["list", "--prefix", &prefix]).moto().run();
    out.success();
    assert_eq!(
        out.stdout().trim(),
        format!("no function in {REGION} matches the prefix '{prefix}'")
    );
}

#[test]
fn versions_are_strings_in_every_json_document() {
    let f = Fn::new("vst");
    f.publish(2);
    let out = f.run(&["versions", "--output", "json"]);
    out.success();
    assert_eq!(out.json()["versions"][0]["version"], "1");
    let dry = f.run(&[
        "versions",
        "--prune",
        "--keep",
        "1",
        "--dry-run",
        "-o",
        "json",
    ]);
    assert_eq!(dry.json()["pruned"], serde_json::json!(["1"]));
    assert_eq!(dry.json()["versions"][1]["version"], "2");
}

// ---------------------------------------------------------------- package

fn zip_names(path: &str) -> Vec<String> {
    let a = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut v: Vec<String> = a.file_names().map(|n| n.unwrap().to_string()).collect();
    v.sort();
    v
}

#[test]
fn env_files_are_never_packaged_unless_an_include_puts_them_back_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("app.py"), "def handler(e, c):\n    return e\n").unwrap();
    std::fs::write(d.join(".env"), "TOKEN=secret\n").unwrap();
    std::fs::write(d.join(".env.local"), "TOKEN=secret\n").unwrap();
    std::fs::create_dir(d.join("conf")).unwrap();
    std::fs::write(d.join("conf/prod.vars"), "TOKEN=secret\n").unwrap();
    std::fs::write(d.join("conf/other.vars"), "X=1\n").unwrap();
    std::fs::write(
        d.join("lamctl.toml"),
        "name = \"envy\"\nruntime = \"python3.12\"\nhandler = \"app.handler\"\nenv_file = \"conf/prod.vars\"\n",
    )
    .unwrap();
    let out = lamctl(["package", "--output", "json"]).dir(d).run();
    out.success();
    let path = out.json()["path"].as_str().unwrap().to_string();
    let path = d.join(path).to_string_lossy().into_owned();
    assert_eq!(zip_names(&path), ["app.py", "conf/other.vars"]);
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);

    let out = lamctl([
        "package",
        "--include",
        ".env",
        "--include",
        "conf/prod.vars",
    ])
    .dir(d)
    .run();
    out.success();
    let names = zip_names(&path);
    assert!(names.contains(&".env".to_string()), "{names:?}");
    assert!(names.contains(&"conf/prod.vars".to_string()), "{names:?}");
    assert!(!names.contains(&".env.local".to_string()), "{names:?}");
    for f in [".env", "conf/prod.vars"] {
        assert!(
            out.stderr
                .contains(&format!("packaging {f}: an env file (it may hold secrets)")),
            "{f}: {}",
            out.stderr
        );
    }
}

// ---------------------------------------------------------------- completion

/// What bash offers on TAB at the end of `words` (the last word is the
/// one being completed).
fn bash_tab(words: &str) -> Vec<String> {
    let home = tempfile::tempdir().unwrap();
    let script = lamctl(["completions", "bash"]).run();
    script.success();
    std::fs::write(home.path().join("lamctl.bash"), &script.stdout).unwrap();
    let cword = words.split(' ').count() - 1;
    let probe = format!(
        "source lamctl.bash\n\
         COMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_LINE=\"{words}\"\nCOMP_POINT=${{#COMP_LINE}}\nCOMP_TYPE=9\n\
         _clap_complete_lamctl lamctl \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\""
    );
    // Values only: on an empty word clap offers the flags too.
    super::sorted_lines(&super::in_shell("bash", &probe, home.path()))
        .into_iter()
        .filter(|c| !c.starts_with('-'))
        .collect()
}

#[test]
fn alias_completes_the_functions_aliases_and_deploy_function_completes_names() {
    let prefix = unique("cal");
    let f = Fn::new(&format!("{prefix}-a"));
    create_alias(&f.name, "live", "$LATEST");
    create_alias(&f.name, "beta", "$LATEST");
    let endpoint = &moto().endpoint;
    let aws = format!("--endpoint-url {endpoint} --region {REGION}");
    // `lamctl alias NAME <TAB>`: NAME's aliases, not function names.
    let words = format!("lamctl alias {aws} {} ''", f.name);
    assert_eq!(bash_tab(&words), ["beta", "live"]);
    // `lamctl deploy --function <TAB>`: function names.
    let words = format!("lamctl deploy {aws} --function {prefix}");
    assert_eq!(bash_tab(&words), vec![f.name.clone()]);
    // `lamctl deploy --function F --alias <TAB>`: F's aliases.
    let words = format!("lamctl deploy {aws} --function {} --alias l", f.name);
    assert_eq!(bash_tab(&words), ["live"]);
}
