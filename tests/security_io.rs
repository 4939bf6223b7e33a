//! Issue 21, IO security: links into the kernel's pseudo-files, credentials
//! in error lines, hostile and broken endpoints, messages on a full disk,
//! names with terminal escapes, file modes. Each test names its neighbours.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use crate::harness::*;

/// A marker in lamctl's environment: if /proc/self/environ were packaged,
/// it would be in the zip.
const MARKER: &str = "LAMCTL_TEST_SECRET_MARKER_7f3a";

fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    std::fs::create_dir(t.path().join("src")).unwrap();
    std::fs::write(
        t.path().join("src/app.py"),
        "def handler(e, c):\n    return e\n",
    )
    .unwrap();
    t
}

fn package(src: &Path, zip: &Path, extra: &[&str]) -> Out {
    let mut args = vec![
        "package".to_string(),
        src.display().to_string(),
        "--out".into(),
        zip.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    lamctl(args).env(MARKER, "hunter2-credentials").run()
}

#[test]
fn links_into_proc_sys_and_dev_are_never_followed() {
    // (link name, target) — the case and its neighbours: absolute, a link to
    // a link, a relative link climbing with `..`, a link to a directory
    // under /proc, /sys, a device, /dev/stdin (itself a link into /proc).
    let up = "../".repeat(40);
    let cases: Vec<(&str, String, &str)> = vec![
        ("env", "/proc/self/environ".into(), "/proc"),
        ("hop", "hop2".into(), "/proc"),
        ("rel", format!("{up}proc/self/environ"), "/proc"),
        ("procdir", "/proc/self".into(), "/proc"),
        ("sysdir", "/sys/kernel".into(), "/sys"),
        ("zero", "/dev/zero".into(), "/dev"),
        ("stdin", "/dev/stdin".into(), "/dev"),
    ];
    for (name, target, root) in cases {
        let t = tree();
        let src = t.path().join("src");
        symlink(&target, src.join(name)).unwrap();
        if name == "hop" {
            // A link to a link inside the tree that leads into /proc.
            symlink("/proc/self/environ", src.join("hop2")).unwrap();
        }
        let zip = t.path().join("f.zip");
        let out = package(&src, &zip, &[]);
        out.fails(2, "refusing to follow link");
        assert!(out.stderr.contains(root), "{name}: {}", out.stderr);
        assert!(!zip.exists(), "{name}: a zip was written");
        assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
        // Left out by the user, the same link is no obstacle.
        let excluded = package(&src, &zip, &["--exclude", name, "--exclude", "hop2"]);
        excluded.success();
    }
}

#[test]
fn a_tree_under_proc_is_not_packaged() {
    let t = tempfile::tempdir().unwrap();
    let zip = t.path().join("f.zip");
    for root in ["/proc/self", "/sys/kernel"] {
        let out = package(Path::new(root), &zip, &[]);
        out.fails(2, root);
        assert!(!zip.exists());
    }
    // Through a link to it, too.
    symlink("/proc/self", t.path().join("me")).unwrap();
    package(&t.path().join("me"), &zip, &[]).fails(2, "/proc");
}

#[test]
fn links_out_of_the_tree_are_a_warning_without_verbose() {
    let t = tree();
    let src = t.path().join("src");
    std::fs::create_dir(t.path().join("shared")).unwrap();
    std::fs::write(t.path().join("shared/lib.py"), "X = 1\n").unwrap();
    symlink(t.path().join("shared/lib.py"), src.join("lib.py")).unwrap();
    // Neighbour: a link to a directory outside.
    symlink(t.path().join("shared"), src.join("shareddir")).unwrap();
    let out = package(&src, &t.path().join("f.zip"), &[]);
    out.success();
    for name in ["lib.py", "shareddir"] {
        assert!(
            out.stderr
                .lines()
                .any(|l| l.starts_with("warning: following ")
                    && l.contains(&format!("{name} ->"))
                    && l.contains("outside")),
            "{name}: {}",
            out.stderr
        );
    }
}

#[test]
fn the_zip_writer_never_prints_debug_on_a_full_disk() {
    let t = tree();
    let src = t.path().join("src");
    // Enough incompressible data that the zip outgrows the limit.
    std::fs::write(src.join("blob.bin"), pseudo_random(3 * 1024 * 1024)).unwrap();
    let zip = t.path().join("f.zip");
    let out = lamctl([
        "package",
        src.to_str().unwrap(),
        "--out",
        zip.to_str().unwrap(),
        "--no-cache",
    ])
    .file_size_limit(1024 * 1024)
    .run();
    out.fails(1, "f.zip");
    assert!(!out.stderr.contains("ZipWriter"), "{}", out.stderr);
    assert!(!out.stderr.contains("os error"), "{}", out.stderr);
    assert!(!zip.exists());
}

#[test]
fn file_names_with_terminal_escapes_are_shown_escaped() {
    let t = tree();
    let src = t.path().join("src");
    // A name that would clear the screen and a warning that names it.
    let evil = "evil\u{1b}[2J\u{1b}]0;pwned\u{7}\r.py";
    std::fs::write(t.path().join(evil), "X = 1\n").unwrap();
    symlink(t.path().join(evil), src.join(evil)).unwrap();
    let out = package(&src, &t.path().join("f.zip"), &[]);
    out.success();
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    assert!(!out.stderr.contains('\r'), "{:?}", out.stderr);
    assert!(out.stderr.contains("evil\\x1b[2J"), "{:?}", out.stderr);
    // Neighbour: the same name in an error line (a directory that is missing).
    let missing = t.path().join("gone\u{1b}[31m\u{9b}x");
    let out = lamctl(["package", missing.to_str().unwrap()]).run();
    out.fails(2, "gone\\x1b[31m\\u{9b}x");
    assert!(!out.stderr.contains('\u{1b}') && !out.stderr.contains('\u{9b}'));
}

/// Mode bits of a file.
fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn credentials_from_a_profile_never_appear_in_an_echoed_canonical_request() {
    // Not shaped like an AWS key id: only the registered value can mask it.
    let key_id = "AKIDPROFILEKEY4242";
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYPROFILEKEY";
    let token = "IQoJb3JpZ2luX2VjEPROFILE/TOKEN+abc=";
    let enc = |s: &str| {
        s.replace('/', "%2F")
            .replace('+', "%2B")
            .replace('=', "%3D")
    };
    // The case (colon without a space) and its neighbours: spacing, case,
    // quoted JSON, a presigned URL, an Authorization header, bare values.
    let echoed = [
        format!("x-amz-security-token:{token}"),
        format!("X-AMZ-SECURITY-TOKEN :  {token}"),
        format!("{{\\\"x-amz-security-token\\\": \\\"{token}\\\"}}"),
        format!(
            "https://b.s3.amazonaws.com/k?X-Amz-Credential={key_id}%2F20261203%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token={}&X-Amz-Signature=0123abcdef",
            enc(token)
        ),
        format!(
            "Authorization: AWS4-HMAC-SHA256 Credential={key_id}/20261203/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=fedcba9876543210"
        ),
        format!(
            "the key {key_id} and the secret {secret} and {}",
            enc(secret)
        ),
    ];
    let fake = Proxy::start(None);
    fake.inject(
        |_| true,
        Canned::aws_error(
            403,
            "SignatureDoesNotMatch",
            &format!("The canonical request was: {}", echoed.join(" | ")),
        ),
        None,
    );
    for verbose in [None, Some("-vvv")] {
        let mut args = vec![
            "info",
            "hello",
            "--endpoint-url",
            &fake.endpoint,
            "--region",
            REGION,
        ];
        args.extend(verbose);
        let out = lamctl(&args)
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .aws_credentials(&format!(
                "[default]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\naws_session_token = {token}\n"
            ))
            .run();
        if verbose.is_none() {
            out.fails(1, "SignatureDoesNotMatch");
        } else {
            // (-vvv shows the SDK's own Debug lines, which `fails` forbids.)
            assert_eq!(out.code, 1, "{}", out.stderr);
        }
        let all = format!("{}{}", out.stdout(), out.stderr);
        for leaked in [
            key_id.to_string(),
            secret.to_string(),
            enc(secret),
            token.to_string(),
            enc(token),
            "IQoJb3JpZ2lu".into(),
            "fedcba9876543210".into(),
            "0123abcdef".into(),
        ] {
            assert!(
                !all.contains(&leaked),
                "{leaked} leaked ({verbose:?}):\n{all}"
            );
        }
        // What is not secret stays readable.
        assert!(out.stderr.contains("20261203"), "{}", out.stderr);
    }
}

/// Run with an endpoint, a region and a bound on the time it may take.
fn against(endpoint: &str, dir: &Path, args: &[&str]) -> (Out, std::time::Duration) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--endpoint-url", endpoint, "--region", REGION]);
    let started = std::time::Instant::now();
    let out = lamctl(&all).dir(dir).run();
    (out, started.elapsed())
}

#[test]
fn empty_200_answers_are_errors_naming_the_endpoint() {
    let fake = Proxy::start(None);
    fake.inject(
        |_| true,
        Canned::new(200, "{}").header("Content-Type", "application/json"),
        None,
    );
    let dir = python_function_dir("hello", "arn:aws:iam::123456789012:role/r");
    // The case (info printed dashes) and its neighbours: versions, alias,
    // a deploy that waited 15 minutes.
    for (args, field) in [
        (&["info", "hello"][..], "Configuration"),
        (&["versions", "hello"], ""),
        (&["alias", "hello", "live"], ""),
        (&["deploy"], "Configuration"),
    ] {
        let (out, took) = against(&fake.endpoint, dir.path(), args);
        out.fails(1, &fake.endpoint);
        assert!(
            out.stderr.contains(field) && out.stderr.contains("has no"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(
            took < std::time::Duration::from_secs(30),
            "{args:?} took {took:?}"
        );
    }
}

#[test]
fn an_update_answered_without_its_status_fails_the_deploy_at_once() {
    let name = unique("emptyupd");
    let role = create_role(&format!("{name}-role"));
    let dir = python_function_dir(&name, &role);
    let proxy = Proxy::moto();
    let (out, _) = against(&proxy.endpoint, dir.path(), &["deploy"]);
    out.success();
    // UpdateFunctionConfiguration, then (neighbour) UpdateFunctionCode,
    // answered 200 with a name only.
    for (suffix, flags) in [
        ("configuration", &["--memory", "256"][..]),
        ("code", &[][..]),
    ] {
        std::fs::write(
            dir.path().join("app.py"),
            format!("# {suffix}\ndef handler(e, c):\n    return e\n"),
        )
        .unwrap();
        let n = name.clone();
        proxy.inject(
            move |r| r.method == "PUT" && r.path.ends_with(&format!("{n}/{suffix}")),
            Canned::new(200, format!(r#"{{"FunctionName":"{name}"}}"#))
                .header("Content-Type", "application/json"),
            None,
        );
        let mut args = vec!["deploy"];
        args.extend(flags);
        let (out, took) = against(&proxy.endpoint, dir.path(), &args);
        out.fails(1, &proxy.endpoint);
        assert!(out.stderr.contains("has no State"), "{}", out.stderr);
        assert!(took < std::time::Duration::from_secs(60), "took {took:?}");
    }
}

/// A fake Lambda whose GetFunction points at code it serves as `code`
/// wants: `code` writes the answer on the connection and returns how many
/// body bytes it managed to send before the client hung up.
fn fake_code_server(
    code: impl Fn(&mut std::net::TcpStream) -> u64 + Send + 'static,
) -> (String, std::sync::mpsc::Receiver<u64>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let base = endpoint.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            // The rest of the head (no request here has a body).
            let mut h = String::new();
            while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
                h.clear();
            }
            if line.contains("/code/") {
                let _ = tx.send(code(&mut conn));
                continue;
            }
            // init reads the triggers too: no policy, no HTTP API.
            let (status, body) = match () {
                _ if line.contains("/policy") => (
                    "404 Not Found",
                    r#"{"Type":"User","Message":"no policy"}"#.to_string(),
                ),
                _ if line.contains("/v2/apis") => ("200 OK", r#"{"items":[]}"#.to_string()),
                _ => ("200 OK", String::new()),
            };
            if !body.is_empty() {
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nx-amzn-errortype: ResourceNotFoundException\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                continue;
            }
            let body = serde_json::json!({
                "Configuration": {
                    "FunctionName": "big", "Runtime": "python3.12", "Handler": "app.handler",
                    "Role": "arn:aws:iam::123456789012:role/r", "State": "Active",
                    "LastUpdateStatus": "Successful",
                },
                "Code": {"RepositoryType": "S3", "Location": format!("{base}/code/big.zip")},
            })
            .to_string();
            let _ = write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (endpoint, rx)
}

/// `lamctl init big --download` in `dir` against a fake endpoint.
fn init_big(endpoint: &str, dir: &std::path::Path) -> Out {
    lamctl([
        "init",
        "big",
        "--download",
        "--endpoint-url",
        endpoint,
        "--region",
        REGION,
    ])
    .dir(dir)
    .run()
}

#[test]
fn an_endless_code_download_stops_at_lambdas_limit() {
    use std::io::Write;
    const LIMIT: u64 = 262_144_000;
    // The case: a chunked body that does not end (here: 2 x the limit).
    let (endpoint, sent) = fake_code_server(|conn| {
        let _ = conn.write_all(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        );
        let chunk = vec![b'z'; 1 << 20];
        let mut n = 0u64;
        while n < 2 * LIMIT {
            let head = format!("{:x}\r\n", chunk.len());
            let ok = conn.write_all(head.as_bytes()).is_ok()
                && conn.write_all(&chunk).is_ok()
                && conn.write_all(b"\r\n").is_ok();
            if !ok {
                return n;
            }
            n += chunk.len() as u64;
        }
        let _ = conn.write_all(b"0\r\n\r\n");
        n
    });
    let here = tempfile::tempdir().unwrap();
    let out = init_big(&endpoint, here.path());
    out.fails(1, "over 262144000 bytes");
    let n = sent
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap();
    assert!(
        n < LIMIT + (64 << 20),
        "lamctl read {n} bytes before it stopped"
    );
    assert!(!here.path().join("lamctl.toml").exists());

    // Neighbour: a body that announces its size over the limit is refused
    // before it is read.
    let (endpoint, sent) = fake_code_server(|conn| {
        let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", LIMIT + 1);
        let _ = conn.write_all(head.as_bytes());
        let chunk = vec![b'z'; 1 << 20];
        let mut n = 0;
        while n <= LIMIT && conn.write_all(&chunk).is_ok() {
            n += chunk.len() as u64;
        }
        n
    });
    let out = init_big(&endpoint, here.path());
    out.fails(1, "over 262144000 bytes");
    let n = sent
        .recv_timeout(std::time::Duration::from_secs(60))
        .unwrap();
    assert!(
        n < 64 << 20,
        "lamctl read {n} bytes of an announced oversize body"
    );
}

/// An endpoint that answers every request 200 with a body that does not
/// end (chunked, or announced by `length`), up to `cap` bytes; it reports
/// how many bytes each answer got out before the client hung up.
fn endless_endpoint(length: Option<u64>, cap: u64) -> (String, std::sync::mpsc::Receiver<u64>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            let tx = tx.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(conn.try_clone().unwrap());
                let mut h = String::new();
                let mut len = 0usize;
                while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
                    if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                    h.clear();
                }
                let mut body = vec![0u8; len];
                let _ = std::io::Read::read_exact(&mut reader, &mut body);
                let head = match length {
                    Some(n) => format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {n}\r\n\r\n"),
                    None => "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".into(),
                };
                let _ = conn.write_all(head.as_bytes());
                let chunk = vec![b' '; 1 << 20];
                let mut n = 0u64;
                while n < cap {
                    let ok = match length {
                        Some(_) => conn.write_all(&chunk).is_ok(),
                        None => {
                            conn.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                                .is_ok()
                                && conn.write_all(&chunk).is_ok()
                                && conn.write_all(b"\r\n").is_ok()
                        }
                    };
                    if !ok {
                        break;
                    }
                    n += chunk.len() as u64;
                }
                let _ = tx.send(n);
            });
        }
    });
    (endpoint, rx)
}

#[test]
fn an_endless_service_answer_is_cut_at_a_bound() {
    const MIB: u64 = 1 << 20;
    // The case (Lambda, chunked without end) and its neighbours: another
    // service (STS), and a body that announces a huge length.
    for (args, length) in [
        (&["info", "big"][..], None),
        (&["whoami"][..], None),
        (&["info", "big"][..], Some(1u64 << 40)),
    ] {
        let (endpoint, sent) = endless_endpoint(length, 512 * MIB);
        let mut all = args.to_vec();
        all.extend([
            "--endpoint-url",
            &endpoint,
            "--region",
            REGION,
            "--read-timeout",
            "60s",
        ]);
        let started = std::time::Instant::now();
        let out = lamctl(&all).run();
        out.fails(1, &endpoint);
        assert!(
            out.stderr.contains("over 32 MiB"),
            "{args:?}: {}",
            out.stderr
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(50));
        // Each attempt (the SDK retries) stopped near the bound.
        while let Ok(n) = sent.recv_timeout(std::time::Duration::from_secs(2)) {
            assert!(n < 64 * MIB, "{args:?}: {n} bytes read of one answer");
        }
    }
}

#[test]
fn a_refused_connection_is_said_in_words_naming_the_endpoint() {
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    // The case (Lambda) and its neighbours: STS, CloudWatch Logs.
    for args in [&["info", "hello"][..], &["whoami"], &["logs", "hello"]] {
        let mut all = args.to_vec();
        all.extend(["--endpoint-url", &endpoint, "--region", REGION]);
        let out = lamctl(&all).run();
        out.fails(1, "connection refused");
        assert!(out.stderr.contains(&endpoint), "{}", out.stderr);
        assert!(!out.stderr.contains("os error"), "{}", out.stderr);
    }
}

#[test]
fn init_writes_lamctl_toml_owner_only() {
    let (endpoint, _) = fake_code_server(|_| 0);
    let here = tempfile::tempdir().unwrap();
    let init = |extra: &[&str]| {
        let mut args = vec![
            "init",
            "big",
            "--endpoint-url",
            &endpoint,
            "--region",
            REGION,
        ];
        args.extend(extra);
        lamctl(&args).dir(here.path()).run()
    };
    let toml = here.path().join("lamctl.toml");
    init(&[]).success();
    assert_eq!(mode(&toml), 0o600);
    // Neighbour: --force over a file anyone could read.
    std::fs::set_permissions(&toml, std::fs::Permissions::from_mode(0o644)).unwrap();
    init(&["--force"]).success();
    assert_eq!(mode(&toml), 0o600);
    // Neighbour: a link in its place is not followed.
    std::fs::remove_file(&toml).unwrap();
    let elsewhere = here.path().join("elsewhere.toml");
    std::fs::write(&elsewhere, "").unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o644)).unwrap();
    symlink(&elsewhere, &toml).unwrap();
    init(&["--force"]).fails(1, "lamctl.toml");
    assert_eq!(std::fs::read(&elsewhere).unwrap(), b"");
}
