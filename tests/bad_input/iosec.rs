//! Bad input from the IO-security round (issue 21): trees that link into
//! the kernel's pseudo-files, trees there, names with terminal escapes.

use super::{Case, case, deploy};

/// The trees the cases package, under the aux directory.
pub(super) fn fixtures(aux: &std::path::Path) {
    use std::os::unix::fs::symlink;
    let up = "../".repeat(40);
    let trees: [(&str, &[(&str, String)]); 7] = [
        ("environ", &[("env", "/proc/self/environ".into())]),
        (
            "hop",
            &[
                ("hop", "hop2".into()),
                ("hop2", "/proc/self/environ".into()),
            ],
        ),
        ("rel", &[("rel", format!("{up}proc/self/environ"))]),
        ("procdir", &[("me", "/proc/self".into())]),
        ("sysdir", &[("kernel", "/sys/kernel".into())]),
        ("zero", &[("zero", "/dev/zero".into())]),
        ("stdin", &[("in", "/dev/stdin".into())]),
    ];
    for (tree, links) in trees {
        let d = aux.join(format!("iosec-{tree}"));
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("app.py"), "x = 1\n").unwrap();
        for (name, target) in links {
            symlink(target, d.join(name)).unwrap();
        }
    }
    symlink("/proc/self", aux.join("iosec-root")).unwrap();
}

pub(super) fn cases() -> Vec<Case> {
    let refused = "refusing to follow link";
    vec![
        // --- package: links into /proc, /sys, /dev (every hop), trees there
        case(&["package", "{aux}/iosec-environ"], 2, refused),
        case(&["package", "{aux}/iosec-hop"], 2, refused),
        case(&["package", "{aux}/iosec-rel"], 2, refused),
        case(&["package", "{aux}/iosec-procdir"], 2, refused),
        case(&["package", "{aux}/iosec-sysdir"], 2, "/sys"),
        case(&["package", "{aux}/iosec-zero"], 2, "/dev"),
        case(&["package", "{aux}/iosec-stdin"], 2, refused),
        case(&["package", "/proc/self"], 2, "/proc/self"),
        case(&["package", "/sys/kernel"], 2, "/sys/kernel"),
        case(&["package", "{aux}/iosec-root"], 2, "/proc"),
        deploy(&["{aux}/iosec-environ"], refused),
        deploy(&["--dry-run", "{aux}/iosec-hop"], refused),
        // --- names with terminal escapes are shown escaped
        case(&["package", "{dir}/gone\u{1b}[2J"], 2, "gone\\x1b[2J"),
        case(&["info", "bad\u{1b}]0;t\u{7}"], 2, "bad\\x1b]0;t\\x07"),
        case(&["invoke", "x\r\u{9b}31m"], 2, "x\\r\\u{9b}31m"),
    ]
}
