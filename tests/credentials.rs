//! Profiles whose credentials come from somewhere other than the profile
//! files: `aws login` (a cached Sign-In token), `credential_process`, SSO
//! (a cached SSO token traded at the SSO portal). Each runs `lamctl whoami`
//! through the proxy in front of moto and checks the call was signed with
//! the profile's credentials, which lamctl never prints.

use crate::harness::*;

/// Run `whoami --profile PROFILE` through a proxy in front of moto, with no
/// credentials in the environment; the proxy's requests and the output.
fn whoami_with(profile: &str, config: &str, setup: impl FnOnce(&std::path::Path)) -> (Proxy, Out) {
    let proxy = Proxy::moto();
    let l = lamctl([
        "whoami",
        "--profile",
        profile,
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
    ])
    .env_remove("AWS_ACCESS_KEY_ID")
    .env_remove("AWS_SECRET_ACCESS_KEY")
    .aws_config(config);
    setup(l.home.path());
    let out = l.run();
    (proxy, out)
}

/// The access key id in the SigV4 Authorization header of each request.
fn signed_with(proxy: &Proxy) -> Vec<String> {
    proxy
        .requests()
        .iter()
        .filter_map(|r| {
            let auth = r.header("authorization")?;
            let cred = auth.split("Credential=").nth(1)?;
            Some(cred.split('/').next()?.to_string())
        })
        .collect()
}

fn security_tokens(proxy: &Proxy) -> Vec<String> {
    proxy
        .requests()
        .iter()
        .filter_map(|r| r.header("x-amz-security-token").map(str::to_string))
        .collect()
}

fn assert_not_shown(out: &Out, secrets: &[&str]) {
    for s in secrets {
        assert!(!out.stdout().contains(s), "stdout shows {s}");
        assert!(!out.stderr.contains(s), "stderr shows {s}");
    }
}

const LOGIN_ARN: &str = "arn:aws:iam::123456789012:user/Admin";

/// A token file as `aws login` writes it (the AWS SDKs' documented shape),
/// valid for `expires_at`.
fn login_token(expires_at: &str) -> String {
    serde_json::json!({
        "accessToken": {
            "accessKeyId": "ASIALOGINKEY0000001",
            "secretAccessKey": "login-secret-access-key",
            "sessionToken": "login-session-token",
            "accountId": "123456789012",
            "expiresAt": expires_at,
        },
        "tokenType": "aws_sigv4",
        "refreshToken": "login-refresh-token",
        "clientId": "arn:aws:signin:::devtools/same-device",
        "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFDZHUzOG1Pzq+6F0mjMlOSp1syN9LRPBuHMoCFXTcXhoAoGCCqGSM49\nAwEHoUQDQgAE9qhj+KtcdHj1kVgwxWWWw++tqoh7H7UHs7oXh8jBbgF47rrYGC+t\ndjiIaHK3dBvvdE7MGj5HsepzLm3Kj91bqA==\n-----END EC PRIVATE KEY-----\n",
    })
    .to_string()
}

/// Where the SDKs look for the token of a login session: the SHA-256 of the
/// session's ARN under ~/.aws/login/cache.
fn login_cache_file(home: &std::path::Path) -> std::path::PathBuf {
    use sha2::Digest;
    let name = hex::encode(sha2::Sha256::digest(LOGIN_ARN.as_bytes()));
    home.join(".aws/login/cache").join(format!("{name}.json"))
}

#[test]
fn aws_login_profile_signs_with_the_cached_session() {
    let config = format!("[profile signin]\nlogin_session = {LOGIN_ARN}\n");
    let (proxy, out) = whoami_with("signin", &config, |home| {
        let file = login_cache_file(home);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, login_token("2099-01-01T00:00:00Z")).unwrap();
    });
    out.success();
    let keys = signed_with(&proxy);
    assert!(!keys.is_empty(), "no signed request: {}", out.stderr);
    assert!(
        keys.iter().all(|k| k == "ASIALOGINKEY0000001"),
        "signed with {keys:?}"
    );
    assert!(
        security_tokens(&proxy)
            .iter()
            .all(|t| t == "login-session-token"),
        "session token"
    );
    assert_not_shown(
        &out,
        &[
            "ASIALOGINKEY0000001",
            "login-secret-access-key",
            "login-session-token",
        ],
    );
}

#[test]
fn aws_login_profile_without_its_token_fails_without_a_call() {
    let config = format!("[profile signin]\nlogin_session = {LOGIN_ARN}\n");
    let proxy = Proxy::moto();
    let l = lamctl([
        "whoami",
        "--profile",
        "signin",
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
        "-vv",
    ])
    .env_remove("AWS_ACCESS_KEY_ID")
    .env_remove("AWS_SECRET_ACCESS_KEY")
    .aws_config(&config);
    let token = login_cache_file(l.home.path());
    let out = l.run();
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("`aws login`"), "{}", out.stderr);
    // The provider looked for the session's token file: the feature is
    // built in (without it the profile "requires credentials-login").
    assert!(
        out.stderr.contains(&token.display().to_string()),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("credentials-login"), "{}", out.stderr);
    assert!(signed_with(&proxy).is_empty());
}

#[test]
fn credential_process_profile_signs_with_what_the_process_prints() {
    let config_for = |home: &std::path::Path| {
        format!(
            "[profile proc]\ncredential_process = {}\n",
            home.join("creds.sh").display()
        )
    };
    let proxy = Proxy::moto();
    let l = lamctl([
        "whoami",
        "--profile",
        "proc",
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
    ])
    .env_remove("AWS_ACCESS_KEY_ID")
    .env_remove("AWS_SECRET_ACCESS_KEY");
    let home = l.home.path().to_path_buf();
    let script = home.join("creds.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROCESSKEY00001\", \"SecretAccessKey\": \"process-secret\", \"SessionToken\": \"process-token\"}'\n",
    )
    .unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let out = l.aws_config(&config_for(&home)).run();
    out.success();
    let keys = signed_with(&proxy);
    assert!(!keys.is_empty(), "no signed request: {}", out.stderr);
    assert!(
        keys.iter().all(|k| k == "AKIAPROCESSKEY00001"),
        "signed with {keys:?}"
    );
    assert!(security_tokens(&proxy).iter().all(|t| t == "process-token"));
    assert_not_shown(
        &out,
        &["AKIAPROCESSKEY00001", "process-secret", "process-token"],
    );
}

#[test]
fn sso_profile_trades_the_cached_token_at_the_portal() {
    let start_url = "https://lamctl-test.awsapps.com/start";
    let proxy = Proxy::moto();
    proxy.inject(
        |r| r.method == "GET" && r.path.starts_with("/federation/credentials"),
        Canned::new(
            200,
            r#"{"roleCredentials": {"accessKeyId": "ASIASSOKEY000000001", "secretAccessKey": "sso-secret", "sessionToken": "sso-token", "expiration": 4102444800000}}"#,
        )
        .header("content-type", "application/json"),
        None,
    );
    let l = lamctl([
        "whoami",
        "--profile",
        "sso",
        "--region",
        REGION,
        "--endpoint-url",
        &proxy.endpoint,
    ])
    .env_remove("AWS_ACCESS_KEY_ID")
    .env_remove("AWS_SECRET_ACCESS_KEY")
    // The portal (GetRoleCredentials) is the proxy's canned answer.
    .env("AWS_ENDPOINT_URL_SSO", &proxy.endpoint)
    .aws_config(&format!(
        "[profile sso]\nsso_start_url = {start_url}\nsso_region = {REGION}\nsso_account_id = 123456789012\nsso_role_name = Dev\n"
    ));
    // The cache file is named by the SHA-1 of the start URL.
    let sha1 = std::process::Command::new("sha1sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(start_url.as_bytes())?;
            c.wait_with_output()
        })
        .expect("sha1sum");
    let name = String::from_utf8(sha1.stdout).unwrap();
    let name = name.split_whitespace().next().unwrap();
    let cache = l.home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join(format!("{name}.json")),
        format!(r#"{{"accessToken": "sso-bearer", "expiresAt": "2099-01-01T00:00:00Z", "region": "{REGION}", "startUrl": "{start_url}"}}"#),
    )
    .unwrap();
    let out = l.run();
    out.success();
    let portal = proxy.count(|r| {
        r.path.starts_with("/federation/credentials")
            && r.header("x-amz-sso_bearer_token") == Some("sso-bearer")
    });
    assert_eq!(portal, 1, "{:?}", proxy.requests());
    let keys = signed_with(&proxy);
    assert!(!keys.is_empty(), "no signed request: {}", out.stderr);
    assert!(
        keys.iter().all(|k| k == "ASIASSOKEY000000001"),
        "signed with {keys:?}"
    );
    assert!(security_tokens(&proxy).iter().all(|t| t == "sso-token"));
    assert_not_shown(
        &out,
        &[
            "ASIASSOKEY000000001",
            "sso-secret",
            "sso-token",
            "sso-bearer",
        ],
    );
}
