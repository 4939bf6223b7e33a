//! Bad input to the local runtime and the payload readers: special files
//! with no end, bytes that are not UTF-8, `serve --token` values.

use std::path::Path;

use super::{Case, case};

/// The files these cases read, written into the catalogue's aux directory.
pub(super) fn fixtures(aux: &Path) {
    let files: [(&str, &[u8]); 4] = [
        ("latin1.json", b"{\"name\": \"caf\xe9\"}"),
        ("latin1.ndjson", b"{\"ok\": 1}\n{\"name\": \"caf\xe9\"}\n"),
        ("overlong.json", b"{\"slash\": \"\xc0\xaf\"}"),
        ("surrogate.json", b"[\"\xed\xa0\x80\"]"),
    ];
    for (name, bytes) in files {
        std::fs::write(aux.join(name), bytes).unwrap();
    }
}

pub(super) fn cases() -> Vec<Case> {
    let invoke = |extra: &[&str], needle: &str| {
        let mut args = vec!["invoke", "good"];
        args.extend_from_slice(extra);
        case(&args, 2, needle)
    };
    vec![
        // Endless special files: refused once past the limit, not read to the end.
        invoke(&["--payload", "@/dev/zero"], "--payload file /dev/zero"),
        invoke(
            &["--payload", "@/dev/urandom"],
            "--payload file /dev/urandom",
        ),
        invoke(&["--async", "--payload", "@/dev/zero"], "1048576 bytes"),
        invoke(&["--ndjson", "--payload", "@/dev/zero"], "--ndjson"),
        invoke(&["--raw", "--payload", "@/dev/zero"], "--payload"),
        invoke(&["--local", "--payload", "@/dev/zero"], "--payload"),
        invoke(&["--payload", "@/dev/null"], "--payload file /dev/null"),
        // Not UTF-8, inside a JSON string.
        invoke(&["--payload", "@{aux}/latin1.json"], "--payload file"),
        invoke(&["--payload", "@{aux}/overlong.json"], "--payload file"),
        invoke(&["--payload", "@{aux}/surrogate.json"], "--payload file"),
        invoke(
            &["--ndjson", "--payload", "@{aux}/latin1.ndjson"],
            "line 2 of --payload file",
        ),
        invoke(&["--local", "--payload", "@{aux}/latin1.json"], "--payload"),
        // serve --token
        case(&["serve", "--token", ""], 2, "--token"),
        case(&["serve", "--token", "two words"], 2, "--token"),
        case(&["serve", "--token", "naïve"], 2, "--token"),
        case(&["serve", "--url", "--token", "a/b"], 2, "--token"),
    ]
}
