use std::path::Path;

use super::*;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const ROLE: &str = "arn:aws:iam::123456789012:role/r";

#[test]
fn members_inherit_defaults_and_override_them() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(
        root,
        "lamctl.toml",
        &format!(
            "[workspace]\nmembers = [\"functions/*\"]\nexclude = [\"functions/old\"]\n\n\
             [workspace.defaults]\nruntime = \"python3.12\"\nrole = \"{ROLE}\"\nmemory = 256\n\
             [workspace.defaults.tags]\nteam = \"core\"\nowner = \"ops\"\n\
             [workspace.defaults.aws]\nregion = \"eu-west-1\"\n\
             [workspace.defaults.package]\nexclude = [\"*.md\"]\n"
        ),
    );
    write(
        root,
        "functions/a/lamctl.toml",
        "handler = \"app.h\"\nmemory = 512\n[tags]\nowner = \"a-team\"\n",
    );
    write(
        root,
        "functions/b/lamctl.toml",
        "name = \"bee\"\nhandler = \"app.h\"\n[aws]\nregion = \"us-east-2\"\n[package]\nexclude = [\"tests/\"]\n",
    );
    write(root, "functions/old/lamctl.toml", "handler = \"app.h\"\n");
    write(root, "functions/notes/readme.txt", "not a member");
    let ws = Workspace::discover(Some(&root.join("lamctl.toml")))
        .unwrap()
        .unwrap();
    let m = ws.load(&[]).unwrap();
    let labels: Vec<&str> = m.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(labels, ["functions/a", "functions/b"]);
    let (a, b) = (&m[0].project.file, &m[1].project.file);
    assert_eq!(
        m[0].function(),
        "a",
        "the directory names an unnamed member"
    );
    assert_eq!(a.memory.map(|x| x.get()), Some(512), "member over defaults");
    assert_eq!(b.memory.map(|x| x.get()), Some(256), "defaults inherited");
    assert_eq!(a.role.as_ref().map(|r| r.as_str()), Some(ROLE));
    assert_eq!(
        a.tags,
        [
            ("owner".into(), "a-team".into()),
            ("team".into(), "core".into())
        ]
    );
    assert_eq!(a.aws.region.as_deref(), Some("eu-west-1"));
    assert_eq!(b.aws.region.as_deref(), Some("us-east-2"));
    assert_eq!(b.package.exclude, ["*.md", "tests/"]);
    assert_eq!(
        m[0].project.source_dir().unwrap(),
        root.join("functions/a").join(".")
    );
    // Chosen by function name or directory.
    let m = ws.load(&["bee".into(), "functions/a".into()]).unwrap();
    assert_eq!(
        m.iter().map(Member::function).collect::<Vec<_>>(),
        ["bee", "a"]
    );
    let e = ws.load(&["nope".into()]).unwrap_err();
    assert_eq!(e.code(), 2);
    assert!(e.to_string().contains("no member named 'nope'"), "{e}");
}

#[test]
fn a_bad_member_is_named_with_its_line_and_a_typo_pattern_fails() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(root, "lamctl.toml", "[workspace]\nmembers = [\"fns/*\"]\n");
    write(root, "fns/a/lamctl.toml", "handler = \"app.h\"\n");
    write(
        root,
        "fns/b/lamctl.toml",
        "handler = \"app.h\"\nmemory = 64\n",
    );
    let ws = Workspace::discover(Some(&root.join("lamctl.toml")))
        .unwrap()
        .unwrap();
    let e = ws.load(&[]).unwrap_err();
    assert_eq!(e.code(), 2);
    let text = e.to_string();
    assert!(text.contains("fns/b/lamctl.toml:2:"), "{text}");
    assert!(text.contains("memory"), "{text}");

    write(
        root,
        "lamctl.toml",
        "[workspace]\nmembers = [\"fns/*\", \"fnz/*\"]\n",
    );
    let ws = Workspace::discover(Some(&root.join("lamctl.toml")))
        .unwrap()
        .unwrap();
    let e = ws.load(&[]).unwrap_err();
    assert!(
        e.to_string().contains("'fnz/*' matches no directory"),
        "{e}"
    );

    write(
        root,
        "lamctl.toml",
        "[workspace]\nmembers = [\"fns/*\"]\n[workspace.defaults]\nname = \"x\"\n",
    );
    let e = Workspace::discover(Some(&root.join("lamctl.toml"))).unwrap_err();
    assert!(
        e.to_string()
            .contains("name: every member names its own function"),
        "{e}"
    );
}

#[test]
fn without_a_root_file_every_lamctl_toml_below_counts_except_ignored_ones() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(root, ".gitignore", "build/\n");
    write(root, "one/lamctl.toml", "handler = \"app.h\"\n");
    write(root, "deep/two/lamctl.toml", "name = \"two\"\n");
    write(root, "build/three/lamctl.toml", "name = \"three\"\n");
    let m = Workspace::implicit(root).load(&[]).unwrap();
    let labels: Vec<&str> = m.iter().map(|m| m.label.as_str()).collect();
    assert_eq!(labels, ["deep/two", "one"]);
}

#[test]
fn two_members_with_one_function_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(root, "a/lamctl.toml", "name = \"same\"\n");
    write(root, "b/lamctl.toml", "name = \"same\"\n");
    let e = Workspace::implicit(root).load(&[]).unwrap_err();
    assert!(e.to_string().contains("both define function same"), "{e}");
}
