//! `--out` on anything but a new path or a regular file: refused before any
//! work (and, for deploy, before any AWS call), the special file untouched.

use std::path::Path;

use super::{Case, case, deploy};

/// Special files and links in the aux directory for the cases below.
pub(super) fn fixtures(a: &Path) {
    use std::os::unix::fs::symlink;
    let fifo =
        std::ffi::CString::new(a.join("fifo").into_os_string().into_encoded_bytes()).unwrap();
    // SAFETY: a NUL-terminated path that lives across the call.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    // A socket file stays after its listener is dropped.
    drop(std::os::unix::net::UnixListener::bind(a.join("sock")).unwrap());
    symlink(a.join("app.py"), a.join("link-to-file")).unwrap();
    symlink("/proc/self/fd/1", a.join("link-to-stdout")).unwrap();
    symlink("/dev/null", a.join("link-to-null")).unwrap();
    symlink(a.join("no-such-file.zip"), a.join("dangling")).unwrap();
    symlink(a.join("empty"), a.join("link-to-dir")).unwrap();
}

fn out(path: &str, needle: &str) -> Case {
    case(&["package", "--out", path], 2, needle)
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        out("/dev/null", "--out /dev/null is a character device"),
        out("/dev/zero", "is a character device"),
        out("/dev", "--out /dev is a directory"),
        out("{aux}/fifo", "is a named pipe"),
        out("{aux}/sock", "is a socket"),
        out("{aux}/link-to-file", "is a symbolic link"),
        out("{aux}/link-to-stdout", "link-to-stdout is a symbolic link"),
        out("{aux}/link-to-null", "is a symbolic link"),
        out("{aux}/dangling", "dangling is a symbolic link"),
        out("{aux}/link-to-dir", "is a symbolic link"),
        deploy(&["--out", "/dev/null"], "--out /dev/null"),
        deploy(&["--out", "{aux}/fifo"], "is a named pipe"),
        deploy(&["--out", "{aux}/sock"], "is a socket"),
        deploy(&["--out", "{aux}/link-to-stdout"], "is a symbolic link"),
        deploy(
            &["--dry-run", "--out", "/dev/zero"],
            "is a character device",
        ),
    ]
}
