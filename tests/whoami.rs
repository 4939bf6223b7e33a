//! `lamctl whoami` against moto, and the precedence of profile, region and
//! endpoint: flag > environment > lamctl.toml > AWS profile files.

use crate::harness::*;

fn source(v: &serde_json::Value, key: &str) -> (String, String, String) {
    let s = &v[key];
    (
        s["value"].as_str().unwrap_or_default().to_string(),
        s["source"].as_str().unwrap_or_default().to_string(),
        s["from"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn whoami_reports_moto_account_and_sources() {
    let out = lamctl(["whoami", "--output", "json"]).moto().run();
    out.success();
    let v = out.json();
    assert_eq!(v["account"], ACCOUNT);
    assert!(
        v["arn"]
            .as_str()
            .unwrap()
            .starts_with(&format!("arn:aws:sts::{ACCOUNT}:"))
    );
    assert_eq!(
        source(&v, "region"),
        (REGION.into(), "flag".into(), "--region".into())
    );
    assert_eq!(
        source(&v, "endpoint"),
        (
            moto().endpoint.clone(),
            "flag".into(),
            "--endpoint-url".into()
        )
    );
    assert_eq!(
        source(&v, "profile"),
        ("default".into(), "default".into(), "default".into())
    );

    let text = lamctl(["whoami"]).moto().run();
    text.success();
    assert!(
        text.stdout().contains(&format!("account   {ACCOUNT}")),
        "{}",
        text.stdout()
    );
    assert!(
        text.stdout()
            .contains("region    us-east-1 (from --region)"),
        "{}",
        text.stdout()
    );
}

#[test]
fn region_precedence_table() {
    let config = "[default]\nregion = eu-north-1\n";
    let toml = "[aws]\nregion = \"ap-south-1\"\n";
    // (flag, AWS_REGION, AWS_DEFAULT_REGION, lamctl.toml, expected value, expected source)
    type Case<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        bool,
        &'a str,
        &'a str,
    );
    let cases: &[Case] = &[
        (
            Some("us-west-2"),
            Some("eu-west-1"),
            Some("ca-central-1"),
            true,
            "us-west-2",
            "flag",
        ),
        (
            None,
            Some("eu-west-1"),
            Some("ca-central-1"),
            true,
            "eu-west-1",
            "env",
        ),
        (
            None,
            None,
            Some("ca-central-1"),
            true,
            "ca-central-1",
            "env",
        ),
        (None, None, None, true, "ap-south-1", "lamctl.toml"),
        (None, None, None, false, "eu-north-1", "profile"),
    ];
    for (flag, env, default_env, with_toml, want, want_source) in cases {
        let mut cmd = vec!["whoami", "--output", "json", "--endpoint-url"];
        let ep = moto().endpoint.clone();
        cmd.push(&ep);
        if let Some(r) = flag {
            cmd.extend(["--region", r]);
        }
        let mut l = lamctl(&cmd).aws_config(config);
        if let Some(r) = env {
            l = l.env("AWS_REGION", r);
        }
        if let Some(r) = default_env {
            l = l.env("AWS_DEFAULT_REGION", r);
        }
        if *with_toml {
            std::fs::write(l.home.path().join("lamctl.toml"), toml).unwrap();
        }
        let out = l.run();
        out.success();
        let (value, src, _) = source(&out.json(), "region");
        assert_eq!(
            (value.as_str(), src.as_str()),
            (*want, *want_source),
            "case {flag:?} {env:?} {default_env:?} toml={with_toml}"
        );
    }
}

#[test]
fn profile_precedence_and_profile_settings() {
    let ep = moto().endpoint.clone();
    let config = format!(
        "[profile fromenv]\nregion = eu-west-1\n\n[profile fromflag]\nregion = eu-west-2\nendpoint_url = {ep}\n\n[profile fromtoml]\nregion = eu-west-3\nendpoint_url = {ep}\n"
    );
    // The profile in lamctl.toml is used when neither flag nor env names one.
    let l = lamctl(["whoami", "--output", "json"]).aws_config(&config);
    std::fs::write(
        l.home.path().join("lamctl.toml"),
        "[aws]\nprofile = \"fromtoml\"\n",
    )
    .unwrap();
    let out = l.run();
    out.success();
    let v = out.json();
    assert_eq!(source(&v, "profile").0, "fromtoml");
    assert_eq!(source(&v, "profile").1, "lamctl.toml");
    assert_eq!(
        source(&v, "region"),
        (
            "eu-west-3".into(),
            "profile".into(),
            "profile 'fromtoml' in the AWS config file".into()
        )
    );
    assert_eq!(source(&v, "endpoint").1, "profile");
    assert_eq!(v["account"], ACCOUNT);

    // AWS_PROFILE beats lamctl.toml; --profile beats AWS_PROFILE.
    let l = lamctl(["whoami", "--output", "json", "--endpoint-url", &ep])
        .aws_config(&config)
        .env("AWS_PROFILE", "fromenv");
    std::fs::write(
        l.home.path().join("lamctl.toml"),
        "[aws]\nprofile = \"fromtoml\"\n",
    )
    .unwrap();
    let v = l.run().json();
    assert_eq!(
        source(&v, "profile"),
        ("fromenv".into(), "env".into(), "AWS_PROFILE".into())
    );
    assert_eq!(source(&v, "region").0, "eu-west-1");

    let out = lamctl(["whoami", "--output", "json", "--profile", "fromflag"])
        .aws_config(&config)
        .env("AWS_PROFILE", "fromenv")
        .run();
    out.success();
    let v = out.json();
    assert_eq!(
        source(&v, "profile"),
        ("fromflag".into(), "flag".into(), "--profile".into())
    );
    assert_eq!(source(&v, "region").0, "eu-west-2");
    assert_eq!(source(&v, "endpoint").1, "profile");
}

#[test]
fn endpoint_precedence_flag_env_service_env_toml() {
    let ep = moto().endpoint.clone();
    let sink = Sink::start();
    // --endpoint-url beats every environment variable.
    let out = lamctl([
        "whoami",
        "--output",
        "json",
        "--region",
        REGION,
        "--endpoint-url",
        &ep,
    ])
    .env("AWS_ENDPOINT_URL", &sink.endpoint)
    .env("AWS_ENDPOINT_URL_STS", &sink.endpoint)
    .run();
    out.success();
    assert_eq!(source(&out.json(), "endpoint").1, "flag");
    assert_eq!(sink.connections(), 0);

    // AWS_ENDPOINT_URL_STS beats AWS_ENDPOINT_URL for STS.
    let out = lamctl(["whoami", "--output", "json", "--region", REGION])
        .env("AWS_ENDPOINT_URL", &sink.endpoint)
        .env("AWS_ENDPOINT_URL_STS", &ep)
        .run();
    out.success();
    let v = out.json();
    assert_eq!(
        v["service_endpoints"]["sts"]["from"],
        "AWS_ENDPOINT_URL_STS"
    );
    assert_eq!(
        source(&v, "endpoint"),
        (
            sink.endpoint.clone(),
            "env".into(),
            "AWS_ENDPOINT_URL".into()
        )
    );

    // AWS_ENDPOINT_URL beats lamctl.toml, which beats the profile.
    let l = lamctl(["whoami", "--output", "json", "--region", REGION])
        .env("AWS_ENDPOINT_URL", &ep)
        .aws_config(&format!("[default]\nendpoint_url = {}\n", sink.endpoint));
    std::fs::write(
        l.home.path().join("lamctl.toml"),
        format!("[aws]\nendpoint_url = \"{}\"\n", sink.endpoint),
    )
    .unwrap();
    let out = l.run();
    out.success();
    assert_eq!(source(&out.json(), "endpoint").1, "env");

    let l = lamctl(["whoami", "--output", "json", "--region", REGION])
        .aws_config(&format!("[default]\nendpoint_url = {}\n", sink.endpoint));
    std::fs::write(
        l.home.path().join("lamctl.toml"),
        format!("[aws]\nendpoint_url = \"{ep}\"\n"),
    )
    .unwrap();
    let out = l.run();
    out.success();
    assert_eq!(source(&out.json(), "endpoint").1, "lamctl.toml");
    assert_eq!(
        sink.connections(),
        0,
        "no call went to the lower-precedence endpoints"
    );
}

#[test]
fn credentials_from_the_profile_file() {
    let out = lamctl(["whoami", "--output", "json", "--profile", "ci"])
        .moto()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .aws_credentials("[ci]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = secret\n")
        .run();
    out.success();
    assert_eq!(out.json()["account"], ACCOUNT);
    assert!(
        !out.stderr.contains("secret") && !out.stdout().contains("secret"),
        "credentials printed"
    );
}

#[test]
fn no_region_anywhere_is_exit_2_with_three_ways() {
    let sink = Sink::start();
    let out = lamctl(["whoami", "--endpoint-url", &sink.endpoint]).run();
    out.fails(2, "no AWS region");
    assert!(
        out.stderr.contains("--region")
            && out.stderr.contains("AWS_REGION")
            && out.stderr.contains("lamctl.toml"),
        "{}",
        out.stderr
    );
    assert_eq!(sink.connections(), 0);
}

#[test]
fn unknown_profile_names_profile_and_files() {
    let sink = Sink::start();
    let l = lamctl([
        "whoami",
        "--region",
        REGION,
        "--endpoint-url",
        &sink.endpoint,
        "--profile",
        "nosuch",
    ])
    .aws_config("[profile dev]\nregion = eu-west-1\n");
    let config = l.home.path().join("aws-config");
    let out = l.run();
    out.fails(2, "profile 'nosuch'");
    assert!(
        out.stderr.contains(&config.display().to_string()),
        "names the config file: {}",
        out.stderr
    );
    assert!(out.stderr.contains("known profiles: dev"), "{}", out.stderr);
    assert_eq!(sink.connections(), 0);

    let out = lamctl(["whoami", "--region", REGION])
        .env("AWS_PROFILE", "ghost")
        .run();
    out.fails(2, "profile 'ghost' (from AWS_PROFILE)");
}

#[test]
fn no_credentials_is_exit_1_without_debug_dump() {
    let out = lamctl(["whoami"])
        .moto()
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .run();
    out.fails(1, "no AWS credentials found for profile 'default'");
}

#[test]
fn unreachable_and_silent_endpoints_are_named() {
    let port = free_port();
    let ep = format!("http://127.0.0.1:{port}");
    let out = lamctl(["whoami", "--region", REGION, "--endpoint-url", &ep]).run();
    out.fails(1, &ep);

    // A server that accepts and never answers cannot hang the CLI.
    let ep = silent_endpoint();
    let start = std::time::Instant::now();
    let out = lamctl([
        "whoami",
        "--region",
        REGION,
        "--endpoint-url",
        &ep,
        "--read-timeout",
        "1s",
    ])
    .run();
    out.fails(
        1,
        &format!("{ep} did not answer GetCallerIdentity within 1s"),
    );
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn bad_region_endpoint_and_config_file_are_exit_2() {
    let sink = Sink::start();
    lamctl([
        "whoami",
        "--region",
        "Mars 1",
        "--endpoint-url",
        &sink.endpoint,
    ])
    .run()
    .fails(2, "'Mars 1' (from --region) is not an AWS region");
    lamctl([
        "whoami",
        "--region",
        REGION,
        "--endpoint-url",
        "localhost:4566",
    ])
    .run()
    .fails(
        2,
        "'localhost:4566' (from --endpoint-url) is not an endpoint URL",
    );
    lamctl([
        "whoami",
        "--region",
        REGION,
        "--endpoint-url",
        &sink.endpoint,
        "-c",
        "missing.toml",
    ])
    .run()
    .fails(2, "config file missing.toml does not exist");

    let l = lamctl([
        "whoami",
        "--region",
        REGION,
        "--endpoint-url",
        &sink.endpoint,
    ]);
    std::fs::write(
        l.home.path().join("lamctl.toml"),
        "name = \"f\"\nregoin = \"x\"\n",
    )
    .unwrap();
    l.run().fails(2, "lamctl.toml:2:1: unknown field `regoin`");
    assert_eq!(sink.connections(), 0);
}

#[test]
fn proxy_records_calls_and_injects_errors() {
    let proxy = Proxy::moto();
    let out = lamctl([
        "whoami",
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
    ])
    .run();
    out.success();
    assert_eq!(
        proxy.count(|r| r.method == "POST"
            && String::from_utf8_lossy(&r.body).contains("Action=GetCallerIdentity")),
        1
    );

    // An injected service error surfaces as one line naming the code, exit 1.
    proxy.inject(
        |r| String::from_utf8_lossy(&r.body).contains("GetCallerIdentity"),
        Canned::new(403, "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>1</RequestId></ErrorResponse>")
            .header("Content-Type", "text/xml"),
        Some(1),
    );
    let out = lamctl([
        "whoami",
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
    ])
    .run();
    out.fails(1, "GetCallerIdentity failed in us-east-1: ExpiredToken: The security token included in the request is expired");
    assert!(
        out.stderr
            .contains("hint: the credentials of profile 'default' have expired"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_non_aws_error_body_names_the_status_and_endpoint() {
    // A proxy's HTML error page is no AWS error document: the user must see
    // the HTTP status and who answered, never "UnknownError: no message".
    let proxy = Proxy::moto();
    proxy.inject(
        |r| String::from_utf8_lossy(&r.body).contains("GetCallerIdentity"),
        Canned::new(502, "<html><body><h1>502 Bad Gateway</h1></body></html>")
            .header("Content-Type", "text/html"),
        None,
    );
    let out = lamctl([
        "whoami",
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
    ])
    .run();
    out.fails(
        1,
        &format!(
            "GetCallerIdentity failed in us-east-1: STS endpoint {} answered HTTP 502",
            proxy.endpoint
        ),
    );
    assert!(!out.stderr.contains("UnknownError"), "{}", out.stderr);
}
