//! The bad-input catalogue: one table of wrong values across every
//! command. Each must exit with the expected code, say `error: …` on one
//! line (plus at most a `hint:`) naming the culprit — the flag or the
//! lamctl.toml key —, never panic or dump Debug output, and, because all of
//! it can be known locally, never reach the endpoint (the sink counts
//! connections). docs/reliability.md counts the cases by command.

use std::collections::BTreeMap;

use crate::harness::*;

mod actions;
mod apigw;
mod day2;
mod events;
mod fssec;
mod iosec;
mod localsec;
mod mlogs;
mod settings;
mod triggers_esm;
mod triggers_http;
mod watch;
mod workspace;

/// A complete, valid lamctl.toml: each case breaks one thing.
const GOOD_TOML: &str = "name = \"good\"\nruntime = \"python3.12\"\nhandler = \"app.handler\"\nrole = \"arn:aws:iam::123456789012:role/lamctl-test\"\n";

pub(super) struct Case {
    /// lamctl's arguments; `{dir}` is the case's directory.
    pub(super) args: Vec<String>,
    /// lamctl.toml in the directory (None: none).
    pub(super) toml: Option<String>,
    pub(super) code: i32,
    /// What the error line must name.
    needle: String,
}

pub(super) fn case(args: &[&str], code: i32, needle: &str) -> Case {
    Case {
        args: args.iter().map(|s| s.to_string()).collect(),
        toml: Some(GOOD_TOML.into()),
        code,
        needle: needle.into(),
    }
}

/// A deploy of the good function with `extra` flags.
pub(super) fn deploy(extra: &[&str], needle: &str) -> Case {
    let mut args = vec!["deploy"];
    args.extend_from_slice(extra);
    case(&args, 2, needle)
}

/// The good lamctl.toml with `line` added (at the top level unless it
/// starts a table).
pub(super) fn toml(line: &str, needle: &str) -> Case {
    // A key of the good file given again replaces it.
    let key = line.split([' ', '=']).next().unwrap_or("");
    let kept: String = GOOD_TOML
        .lines()
        .filter(|l| key.is_empty() || key.starts_with('[') || !l.starts_with(&format!("{key} ")))
        .map(|l| format!("{l}\n"))
        .collect();
    Case {
        args: vec!["deploy".into()],
        toml: Some(format!("{kept}{line}\n")),
        code: 2,
        needle: needle.into(),
    }
}

pub(super) fn long(n: usize) -> String {
    "x".repeat(n)
}

fn catalogue() -> Vec<Case> {
    let many = |flag: &str, n: usize, value: &dyn Fn(usize) -> String| -> Vec<String> {
        (0..n).flat_map(|i| [flag.to_string(), value(i)]).collect()
    };
    let with = |mut c: Case, extra: Vec<String>| {
        c.args.extend(extra);
        c
    };
    let big_env = format!("BIG={}", long(4100));
    let desc = long(257);
    let handler = format!("app.{}", long(130));
    let tag_key = format!("{}=v", long(129));
    let tag_value = format!("k={}", long(257));
    let log_group = long(513);
    let fn65 = long(65);
    let context = format!("{{\"custom\":\"{}\"}}", long(4000));
    let mut v = vec![
        // --- global flags, profiles, regions, endpoints, timeouts, config file
        case(&["whoami", "--output", "yaml"], 2, "--output"),
        case(&["whoami", "--color", "sometimes"], 2, "--color"),
        case(&["whoami", "--region", "not_a_region!"], 2, "--region"),
        case(&["whoami", "--region", "us-east-1 "], 2, "--region"),
        case(
            &["whoami", "--endpoint-url", "ftp://127.0.0.1:9"],
            2,
            "--endpoint-url",
        ),
        case(
            &["whoami", "--endpoint-url", "not a url"],
            2,
            "--endpoint-url",
        ),
        case(
            &["whoami", "--profile", "no-such-profile"],
            2,
            "no-such-profile",
        ),
        case(&["whoami", "--profile", ""], 2, "--profile"),
        case(&["whoami", "--read-timeout", "0s"], 2, "--read-timeout"),
        case(&["whoami", "--read-timeout", "soon"], 2, "--read-timeout"),
        case(&["whoami", "--connect-timeout=-1s"], 2, "--connect-timeout"),
        case(&["whoami", "-c", "{dir}"], 2, "is a directory"),
        case(&["whoami", "-c", "{dir}/missing.toml"], 2, "missing.toml"),
        case(&["whoami", "--no-such-flag"], 2, "--no-such-flag"),
        toml("memory = \"big\"", "memory"),
        toml("memroy = 128", "memroy"),
        toml("timeout = 3.5", "timeout"),
        toml("name = ", "lamctl.toml"),
        toml("[aws]\nregion = 5", "region"),
        toml("[aws]\nregion = \"us east 1\"", "region"),
        toml("[environment]\nCOUNT = 1", "environment"),
        toml("[deploy]\npublish = \"yes\"", "publish"),
        toml("[deploy]\nalias = 5", "alias"),
        toml("layers = \"arn\"", "layers"),
        // --- package: directories and files
        case(&["package", "{dir}/missing"], 2, "missing"),
        case(&["package", "{aux}/app.py"], 2, "app.py"),
        case(&["package", "--out", "{dir}"], 2, "--out"),
        case(&["package", "--out", "{aux}/app.py/x.zip"], 1, "app.py"),
        case(&["package", "-c", "{aux}/app.py"], 2, "app.py"),
        case(&["package", "{aux}/empty"], 2, "empty"),
        case(&["package", "{aux}/selfloop"], 2, "loop points to itself"),
        // --- deploy: every field against Lambda's documented limits and formats
        deploy(&["--memory", "64"], "memory"),
        deploy(&["--memory", "10241"], "memory"),
        deploy(&["--memory", "lots"], "--memory"),
        deploy(&["--timeout", "0"], "timeout"),
        deploy(&["--timeout", "901"], "timeout"),
        deploy(&["--ephemeral-storage", "511"], "ephemeral storage"),
        deploy(&["--ephemeral-storage", "10241"], "ephemeral storage"),
        deploy(&["--role", "my-role"], "role"),
        deploy(&["--role", "arn:aws:iam::123:role/x"], "role"),
        deploy(&["--role", "arn:aws:s3:::bucket"], "role"),
        deploy(&["--handler", ""], "handler"),
        deploy(&["--handler", "app handler"], "handler"),
        deploy(&["--handler", &handler], "handler"),
        deploy(&["--description", &desc], "description"),
        deploy(&["--runtime", "python2"], "runtime"),
        deploy(&["--architecture", "sparc"], "--architecture"),
        deploy(&["--function", "bad name!"], "function name"),
        deploy(&["--function", &fn65], "function name"),
        deploy(&["--env", "=x"], "--env"),
        deploy(&["--env", "1BAD=x"], "1BAD"),
        deploy(&["--env", "AWS_REGION=x"], "AWS_REGION"),
        deploy(&["--env", "_HANDLER=x"], "_HANDLER"),
        deploy(&["--env", &big_env], "environment"),
        deploy(&["--env-file", "{dir}"], "--env-file"),
        deploy(&["--env-file", "{dir}/missing.env"], "--env-file"),
        deploy(&["--env-file", "{aux}/broken.env"], "broken.env"),
        deploy(&["--layer", "not-an-arn"], "layer"),
        with(
            deploy(&[], "layers"),
            many("--layer", 6, &|i| {
                format!("arn:aws:lambda:us-east-1:123456789012:layer:l{i}:1")
            }),
        ),
        deploy(&["--tag", "aws:owner=me"], "aws:"),
        deploy(&["--tag", &tag_key], "tag"),
        deploy(&["--tag", &tag_value], "tag"),
        deploy(&["--tag", "=v"], "--tag"),
        with(
            deploy(&[], "tags"),
            many("--tag", 51, &|i| format!("k{i}=v")),
        ),
        deploy(&["--subnet", "subnet"], "subnet"),
        deploy(
            &["--subnet", "subnet-0123456789abcdef0"],
            "--security-group",
        ),
        deploy(&["--security-group", "group"], "security group"),
        deploy(&["--file-system", "arn:aws:s3:::x=/mnt/x"], "--file-system"),
        deploy(&["--dead-letter-arn", "arn:aws:s3:::x"], "dead-letter"),
        deploy(&["--kms-key-arn", "key"], "kms"),
        deploy(&["--runtime-update", "manual"], "--runtime-version-arn"),
        deploy(&["--code-signing-config", "csc"], "code signing"),
        deploy(&["--log-group", "bad group!"], "log group"),
        deploy(&["--log-group", &log_group], "log group"),
        deploy(&["--log-format", "yaml"], "--log-format"),
        deploy(
            &["--application-log-level", "loud"],
            "--application-log-level",
        ),
        deploy(&["--canary", "150", "--alias", "live"], "--canary"),
        deploy(&["--canary", "10"], "--canary"),
        deploy(&["--alias", "123"], "alias"),
        deploy(&["--alias", "bad alias"], "alias"),
        deploy(&["--concurrency=-1"], "--concurrency"),
        deploy(&["--provisioned", "5"], "--provisioned"),
        deploy(&["--cors-max-age", "90000", "--url"], "--cors-max-age"),
        deploy(&["--url-auth", "open", "--url"], "--url-auth"),
        deploy(&["--publish", "--no-publish"], "--publish"),
        deploy(&["--s3-bucket", "Bad_Bucket"], "--s3-bucket"),
        deploy(&["--policy", "ReadOnly", "--create-role"], "policy"),
        deploy(&["--allow", "notanaction", "--create-role"], "allow"),
        deploy(&["--allow", "s3:GetObject"], "--allow"),
        deploy(&["{dir}/missing"], "missing"),
        deploy(&["--keep-versions", "0", "--publish"], "--keep-versions"),
        toml("memory = 64", "memory"),
        toml("timeout = \"3\"", "timeout"),
        toml(&format!("description = \"{desc}\""), "description"),
        toml("handler = \"a b\"", "handler"),
        toml("[tags]\n\"aws:x\" = \"1\"", "aws:"),
        toml(
            "[environment]\nAWS_LAMBDA_FUNCTION_NAME = \"x\"",
            "AWS_LAMBDA_FUNCTION_NAME",
        ),
        // --- invoke: names, payloads, qualifiers, client context
        case(&["invoke", "bad name!"], 2, "function"),
        case(&["invoke", "good", "--payload", "{bad"], 2, "--payload"),
        case(
            &["invoke", "good", "--payload", "@{dir}/missing.json"],
            2,
            "missing.json",
        ),
        case(&["invoke", "good", "--payload", "@{dir}"], 2, "--payload"),
        case(&["invoke", "good", "--qualifier", "bad q!"], 2, "qualifier"),
        case(
            &["invoke", "good", "--client-context", "{bad"],
            2,
            "--client-context",
        ),
        case(
            &["invoke", "good", "--client-context", &context],
            2,
            "--client-context",
        ),
        case(
            &["invoke", "good", "--invocation-type", "Sometimes"],
            2,
            "--invocation-type",
        ),
        case(
            &["invoke", "good", "--parallel", "0", "--ndjson"],
            2,
            "--parallel",
        ),
        case(
            &["invoke", "good", "--payload", "@{aux}/big.json"],
            2,
            "payload",
        ),
        // --- logs: times, time zones, durations
        case(&["logs", "good", "--since", "yesterday-ish"], 2, "--since"),
        case(
            &["logs", "good", "--since", "2026-01-01T00:00[Europe/Pariss]"],
            2,
            "Europe/Pariss",
        ),
        case(
            &["logs", "good", "--since", "2999-01-01T00:00Z"],
            2,
            "--since",
        ),
        case(
            &["logs", "good", "--since", "1h", "--until", "2h"],
            2,
            "--until",
        ),
        case(
            &["logs", "good", "--follow", "--follow-for", "abc"],
            2,
            "--follow-for",
        ),
        case(
            &["logs", "good", "-f", "--poll", "--poll-interval", "0s"],
            2,
            "--poll-interval",
        ),
        case(&["logs", "good", "--format", "xml"], 2, "--format"),
        case(&["logs", "good", "--qualifier", "bad!"], 2, "qualifier"),
        case(&["logs", "bad name!"], 2, "function"),
        case(&["logs", "--log-group", "bad group!"], 2, "log group"),
        // --- serve and the local runtime
        case(&["serve", "--port", "70000"], 2, "--port"),
        case(&["serve", "--dir", "{dir}/missing"], 2, "missing"),
        case(&["serve", "--runtime", "cobol"], 2, "runtime"),
        case(&["serve", "--memory", "1"], 2, "memory"),
        case(&["serve", "--concurrency", "0"], 2, "--concurrency"),
        case(
            &["serve", "--url", "--concurrency", "many"],
            2,
            "--concurrency",
        ),
        case(
            &["serve", "--url", "--env", "AWS_REGION=x"],
            2,
            "AWS_REGION",
        ),
        case(
            &["invoke", "--local", "good", "--timeout", "0"],
            2,
            "timeout",
        ),
        // --- day-2 commands
        case(&["list", "--prefix", "bad prefix!"], 2, "--prefix"),
        case(&["info", "bad name!"], 2, "function"),
        case(
            &["info", "good", "--show-values", "--show-values"],
            2,
            "--show-values",
        ),
        case(&["diff", "--memory", "64"], 2, "memory"),
        case(&["diff", "--role", "my-role"], 2, "role"),
        case(&["diff", "{dir}/missing"], 2, "missing"),
        case(&["diff", "--env-file", "{dir}"], 2, "--env-file"),
        case(&["versions", "bad name!"], 2, "function"),
        case(&["versions", "good", "--prune", "--keep", "0"], 2, "--keep"),
        case(&["versions", "good", "--keep", "2"], 2, "--prune"),
        case(&["alias", "good", "123"], 2, "alias"),
        case(
            &["alias", "good", "live", "--weight", "3=150"],
            2,
            "--weight",
        ),
        case(&["alias", "good", "live", "--weight", "x"], 2, "--weight"),
        case(&["rollback", "good", "--alias", "bad alias"], 2, "alias"),
        case(
            &["rollback", "good", "--alias", "live", "--to", "v1"],
            2,
            "--to",
        ),
        case(&["url", "good", "--auth", "open"], 2, "--auth"),
        case(&["url", "good", "--qualifier", "bad q!"], 2, "qualifier"),
        case(
            &["url", "good", "--auth", "none", "--cors-max-age", "90000"],
            2,
            "--cors-max-age",
        ),
        case(&["concurrency", "good", "many"], 2, "N"),
        case(
            &["concurrency", "good", "--provisioned", "5"],
            2,
            "--qualifier",
        ),
        case(&["init", "bad name!"], 2, "function"),
        case(&["init", "good"], 2, "lamctl.toml"),
        case(&["delete", "bad name!"], 2, "function"),
        case(&["delete", "good"], 2, "not deleting function 'good'"),
        case(
            &["delete", "good", "--qualifier", "$LATEST", "--yes"],
            2,
            "$LATEST",
        ),
        // --- generators
        case(&["completions", "tcsh"], 2, "tcsh"),
    ];
    v.extend(settings::cases());
    v.extend(day2::cases());
    v.extend(actions::cases());
    v.extend(localsec::cases());
    v.extend(iosec::cases());
    v.extend(fssec::cases());
    v.extend(apigw::cases());
    v.extend(events::cases());
    v.extend(triggers_esm::cases());
    v.extend(workspace::cases());
    v.extend(mlogs::cases());
    v.extend(triggers_http::cases());
    v.extend(watch::cases());
    v
}

#[test]
fn bad_input_catalogue() {
    let sink = Sink::start();
    let cases = catalogue();
    // Files the cases point at, outside the function's directory.
    let aux = tempfile::tempdir().unwrap();
    let a = aux.path();
    std::fs::create_dir(a.join("empty")).unwrap();
    std::fs::create_dir(a.join("selfloop")).unwrap();
    std::os::unix::fs::symlink("loop", a.join("selfloop/loop")).unwrap();
    std::fs::write(a.join("app.py"), "x = 1\n").unwrap();
    iosec::fixtures(a);
    std::fs::write(
        a.join("broken.env"),
        "GOOD=1\nthis line has no equals sign\n",
    )
    .unwrap();
    std::fs::write(a.join("big.json"), vec![b' '; 7 * 1024 * 1024]).unwrap();
    std::fs::write(a.join("latin1.toml"), b"name = \"caf\xe9\"\n").unwrap();
    localsec::fixtures(a);
    // `{aux}/fifo`, a socket and links (the settings cases use the FIFO too).
    fssec::fixtures(a);
    workspace::fixtures(a);
    let aux_s = a.display().to_string();
    let mut by_command: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("app.py"), "def handler(e, c):\n    return e\n").unwrap();
        if let Some(t) = &c.toml {
            std::fs::write(d.join("lamctl.toml"), t).unwrap();
        }
        let dir_s = d.display().to_string();
        let mut args: Vec<String> = c
            .args
            .iter()
            .map(|a| a.replace("{dir}", &dir_s).replace("{aux}", &aux_s))
            .collect();
        if !args.iter().any(|a| a == "--endpoint-url") {
            args.extend(["--endpoint-url".into(), sink.endpoint.clone()]);
        }
        // (A case about the file's [aws] table must not be overridden by a flag.)
        let file_aws = c.toml.as_deref().is_some_and(|t| t.contains("[aws]"));
        if !file_aws && !args.iter().any(|a| a == "--region") {
            args.extend(["--region".into(), REGION.into()]);
        }
        let before = sink.connections();
        let out = lamctl(&args).dir(d).run();
        *by_command.entry(c.args[0].clone()).or_default() += 1;
        let problem = problem(&out, c.code, &c.needle);
        let reached = sink.connections() - before;
        if problem.is_some() || reached > 0 {
            failures.push(format!(
                "#{i} lamctl {}: exit {}, {reached} connection(s), wanted exit {} naming {:?}: {}\n{}",
                c.args
                    .iter()
                    .map(|a| if a.len() > 40 { format!("{}…", &a[..40]) } else { a.clone() })
                    .collect::<Vec<_>>()
                    .join(" "),
                out.code,
                c.code,
                c.needle,
                problem.unwrap_or_default(),
                out.stderr.trim_end()
            ));
        }
    }
    eprintln!("bad-input catalogue: {} cases: {by_command:?}", cases.len());
    assert!(cases.len() >= 200);
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// What is wrong with a run that should have failed cleanly, if anything:
/// the exit code, `error: …` naming `needle` as the last line but a hint,
/// no panic, no Debug output, nothing on stdout.
fn problem(out: &Out, code: i32, needle: &str) -> Option<String> {
    if out.code != code {
        return Some(format!("exit {}", out.code));
    }
    let lines: Vec<&str> = out.stderr.lines().collect();
    let Some(at) = lines.iter().position(|l| l.starts_with("error: ")) else {
        return Some("no error line".into());
    };
    let rest = &lines[at + 1..];
    if rest.len() > 1 || !rest.iter().all(|l| l.starts_with("hint: ")) {
        return Some("more than error + hint".into());
    }
    if !lines[at].contains(needle) {
        return Some(format!("error line does not name {needle:?}"));
    }
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "Error {",
        "Some(",
        "{ ",
        "\\\"",
        "os error",
        "source:",
    ] {
        if out.stderr.contains(bad) {
            return Some(format!("stderr contains {bad:?}"));
        }
    }
    if !out.stdout.is_empty() {
        return Some(format!("stdout: {}", out.stdout()));
    }
    None
}
