//! Issue 25's cases: workspace files and the flags of runs over members.

use std::path::Path;

use super::{Case, case};

/// A workspace root as the case's lamctl.toml.
fn root(text: &str, args: &[&str], needle: &str) -> Case {
    Case {
        toml: Some(text.into()),
        ..case(args, 2, needle)
    }
}

/// `{aux}/ws`: a workspace whose member `fns/bad` has a bad memory on line 2.
pub(super) fn fixtures(aux: &Path) {
    let ws = aux.join("ws");
    for (rel, text) in [
        (
            "lamctl.toml",
            "[workspace]\nmembers = [\"fns/*\"]\n\n[workspace.defaults]\nruntime = \"python3.12\"\nhandler = \"app.handler\"\nrole = \"arn:aws:iam::123456789012:role/lamctl-test\"\n",
        ),
        ("fns/good/lamctl.toml", "name = \"good\"\n"),
        ("fns/bad/lamctl.toml", "name = \"bad\"\nmemory = 64\n"),
    ] {
        let p = ws.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

pub(super) fn cases() -> Vec<Case> {
    let ws = ["-c", "{aux}/ws/lamctl.toml"];
    let with_ws = |args: &[&str], needle: &str| {
        let mut a = args.to_vec();
        a.extend(ws);
        case(&a, 2, needle)
    };
    vec![
        case(&["deploy", "--all", "--function", "x"], 2, "--function"),
        case(&["deploy", "--all", "--out", "x.zip"], 2, "--out"),
        case(
            &[
                "deploy",
                "--all",
                "--s3-bucket",
                "bucket",
                "--s3-key",
                "k.zip",
            ],
            2,
            "--s3-key",
        ),
        case(&["deploy", "--all", "good"], 2, "--all and member names"),
        case(&["deploy", "--all", "--jobs", "0"], 2, "--jobs"),
        case(&["deploy", "--all", "--jobs", "many"], 2, "--jobs"),
        case(
            &["deploy", "--jobs", "4"],
            2,
            "--jobs needs several members",
        ),
        case(&["deploy", "a", "b"], 2, "deploy takes one DIR"),
        case(
            &["deploy", "--all", "--fail-fast", "--keep-going"],
            2,
            "--fail-fast",
        ),
        root(
            "[workspace]\nmembers = []\n",
            &["deploy", "--all"],
            "workspace.members is empty",
        ),
        root(
            "[workspace]\nmembers = [\"nope/*\"]\n",
            &["deploy", "--all"],
            "'nope/*' matches no directory",
        ),
        root(
            "[workspace]\nmembers = [\"*\"]\nfoo = 1\n",
            &["deploy", "--all"],
            "foo",
        ),
        root(
            "[workspace]\nmembers = [\"*\"]\n[workspace.defaults]\nname = \"x\"\n",
            &["deploy", "--all"],
            "every member names its own function",
        ),
        root(
            "[workspace]\nmembers = [\"*\"]\n[workspace.defaults]\nmemory = 1\n",
            &["deploy", "--all"],
            "memory",
        ),
        root(
            "[workspace]\nmembers = [\"*\"]\nexclude = 3\n",
            &["deploy", "--all"],
            "exclude",
        ),
        with_ws(&["deploy", "--all"], "fns/bad/lamctl.toml:2"),
        with_ws(&["deploy", "good"], "fns/bad/lamctl.toml:2"),
        with_ws(&["deploy"], "is a workspace root: which members?"),
        with_ws(&["diff", "nope"], "fns/bad/lamctl.toml:2"),
        case(&["diff", "--all", "--function", "x"], 2, "--function"),
        case(&["diff", "--jobs", "2"], 2, "--jobs needs several members"),
        case(&["package", "--all", "--out", "x.zip"], 2, "--out"),
        case(&["package", "a", "b"], 2, "package takes one DIR or NAME"),
        case(&["info", "--all", "--show-values"], 2, "--show-values"),
        case(&["info", "a", "b"], 2, "info takes one DIR or NAME"),
        with_ws(&["info", "--all"], "fns/bad/lamctl.toml:2"),
        case(&["logs", "--all", "good"], 2, "--all"),
        case(&["logs", "a", "bad name!"], 2, "bad name!"),
        with_ws(&["logs", "--all"], "fns/bad/lamctl.toml:2"),
    ]
}
