//! Issue 25's `deploy --watch` cases: flags that publish, move an alias,
//! change the configuration or print a document do not go with it.

use super::{Case, case, deploy};

pub(super) fn cases() -> Vec<Case> {
    let watch = |extra: &[&str], needle: &str| {
        let mut a = vec!["--watch"];
        a.extend_from_slice(extra);
        deploy(&a, needle)
    };
    vec![
        watch(&["--publish"], "--publish"),
        watch(&["--no-publish"], "--no-publish"),
        watch(&["--alias", "live"], "--alias"),
        watch(&["--dry-run"], "--dry-run"),
        watch(&["-o", "json"], "--output json"),
        watch(&["--keep-versions", "3"], "--keep-versions"),
        watch(&["--concurrency", "5"], "--concurrency"),
        watch(&["--url"], "--url"),
        watch(&["--cors-origin", "https://example.com", "--url"], "--url"),
        watch(&["--create-role"], "--create-role"),
        watch(&["--force"], "--force"),
        watch(&["--unset", "layers"], "--unset"),
        watch(&["--memory", "256"], "--memory"),
        watch(&["--env", "A=1"], "--env"),
        watch(&["--tag", "team=x"], "--tag"),
        watch(&["--runtime", "python3.13"], "--runtime"),
        watch(&["--all", "--fail-fast"], "--fail-fast"),
        watch(&["--jobs", "4"], "--jobs needs several members"),
        case(&["deploy", "--no-logs"], 2, "--watch"),
        Case {
            toml: Some("runtime = \"python3.12\"\n".into()),
            ..case(&["deploy", "--watch"], 2, "no function name")
        },
    ]
}
