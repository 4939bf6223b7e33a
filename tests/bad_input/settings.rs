//! Settings and lamctl.toml input (issues 21 and 22): each value reaches
//! the same check from a flag and from the file, naming the flag, or the
//! key with its line; special files and non-UTF-8 text behind `-c` are
//! named for what they are; TOML type errors echo no value.

use super::{Case, case, deploy, long, toml};

const LAYER0: &str = "arn:aws:lambda:us-east-1:123456789012:layer:x:0";
const LAYER1: &str = "arn:aws:lambda:us-east-1:123456789012:layer:x:1";

pub(super) fn cases() -> Vec<Case> {
    let key = long(1025);
    let origin = format!("https://{}.com", long(250));
    vec![
        // Tags outside Lambda's character set, from a flag and the file.
        deploy(&["--tag", "k=v{}"], "--tag"),
        deploy(&["--tag", "k<=v"], "--tag"),
        toml("[tags]\nk = \"v{}\"", "lamctl.toml:"),
        case(&["diff", "--tag", "k=v{}"], 2, "--tag"),
        // A layer version 0.
        deploy(&["--layer", LAYER0], "--layer"),
        toml(&format!("layers = [\"{LAYER0}\"]"), "layers"),
        case(&["diff", "--layer", LAYER0], 2, "--layer"),
        // An S3 key over 1,024 bytes.
        deploy(
            &["--s3-bucket", "good-bucket", "--s3-key", &key],
            "--s3-key",
        ),
        toml(
            &format!("[deploy]\ns3_bucket = \"good-bucket\"\ns3_key = \"{key}\""),
            "deploy.s3_key",
        ),
        // A CORS origin over 253 characters.
        deploy(&["--url", "--cors-origin", &origin], "--cors-origin"),
        toml(
            &format!("[deploy.url]\ncors_origins = [\"{origin}\"]"),
            "deploy.url.cors_origins",
        ),
        toml(
            "[deploy.url]\ncors_max_age = 90000",
            "deploy.url.cors_max_age",
        ),
        toml("[deploy.url]\nauth = \"open\"", "deploy.url.auth"),
        // The other CORS lists, checked the same way.
        deploy(&["--url", "--cors-method", "GET POST"], "--cors-method"),
        toml(
            "[deploy.url]\ncors_methods = [\"FETCHALL\"]",
            "deploy.url.cors_methods",
        ),
        toml(
            "[deploy.url]\ncors_methods = [\"GET\", \"PUT\", \"POST\", \"HEAD\", \"PATCH\", \"DELETE\", \"*\"]",
            "7 CORS methods",
        ),
        deploy(&["--url", "--cors-header", "x y"], "--cors-header"),
        // Call timeouts no endpoint can meet.
        case(&["whoami", "--read-timeout", "1ns"], 2, "--read-timeout"),
        case(
            &["whoami", "--connect-timeout", "1us"],
            2,
            "--connect-timeout",
        ),
        // Concurrency and versions, in the file as on the command line.
        toml("[deploy]\nconcurrency = -1", "deploy.concurrency"),
        toml(
            "[deploy]\nalias = \"live\"\nprovisioned = 0",
            "deploy.provisioned",
        ),
        toml("[deploy]\nkeep_versions = 0", "deploy.keep_versions"),
        deploy(&["--provisioned", "0", "--alias", "live"], "--provisioned"),
        deploy(&["--keep-versions", "0"], "--keep-versions"),
        // Words, never a Rust type; never a value (it may be a secret).
        toml("timeout = true", "expected a whole number of seconds"),
        toml(
            "[environment]\nTOKEN = 123456789012345",
            "environment.TOKEN: expected a string, found an integer",
        ),
        deploy(&["--env", "1BAD=hunter2"], "invalid value for '--env"),
        // A layer set both given and removed.
        with_toml(
            deploy(&["--unset", "layers"], "--unset layers"),
            &format!("layers = [\"{LAYER1}\"]\n"),
        ),
        // Other services' names, from the file: the key and its line.
        toml("subnets = [\"subnet\"]", "lamctl.toml:5:11: subnets"),
        toml("kms_key_arn = \"k\"", "lamctl.toml:5:15: kms_key_arn"),
        toml("policies = [\"ReadOnly\"]", "lamctl.toml:5:12: policies"),
        // -c: what the file is, not "does not exist".
        case(&["whoami", "-c", "{aux}/fifo"], 2, "a FIFO"),
        case(&["whoami", "-c", "/dev/zero"], 2, "a character device"),
        case(&["whoami", "-c", "{aux}/latin1.toml"], 2, "not UTF-8"),
        case(&["package", "-c", "/dev/null"], 2, "not a regular file"),
        // The same for --env-file (it read /dev/zero without end).
        deploy(&["--env-file", "/dev/zero"], "a character device"),
        deploy(&["--env-file", "{aux}/fifo"], "a FIFO"),
        deploy(&["--env-file", "{aux}/latin1.toml"], "not UTF-8"),
    ]
}

/// `c` with `line` added to its lamctl.toml.
fn with_toml(mut c: Case, line: &str) -> Case {
    c.toml = Some(format!("{line}{}", c.toml.unwrap_or_default()));
    c
}
