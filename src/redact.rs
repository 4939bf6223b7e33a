//! Credentials never reach stderr: every diagnostic line (`-v` … `-vvv`,
//! the SDK's own debug output included) goes through `Redacting`, which
//! blanks the credential values lamctl knows (the environment's) and
//! anything shaped like one (an access key id, the fields of the SDK's
//! `Credentials` Debug dump, a SigV4 `Credential=` scope, a security token
//! header), whichever source the credentials came from.

use std::io::{self, Write};
use std::sync::OnceLock;

use tracing_subscriber::fmt::MakeWriter;

const MASK: &str = "** redacted **";

/// The environment variables whose values are secrets.
const SECRET_VARS: [&str; 3] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// Field names followed by a secret in the SDK's Debug output or headers:
/// the value after the prefix runs to the next quote, `/`, `,`, space or
/// line end.
const LEADS: [&str; 8] = [
    "access_key_id: \"",
    "secret_access_key: \"",
    "session_token: \"",
    "Credential=",
    "x-amz-security-token: ",
    "x-amz-security-token=",
    "X-Amz-Security-Token: ",
    "X-Amz-Security-Token=",
];

fn known() -> &'static [String] {
    static KNOWN: OnceLock<Vec<String>> = OnceLock::new();
    KNOWN.get_or_init(|| {
        SECRET_VARS
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            // A one-letter "secret" would blank half the text; real ones are long.
            .filter(|v| v.len() >= 4)
            .collect()
    })
}

/// `text` with every credential replaced by a mask.
pub fn redact(text: &str) -> String {
    redact_with(text, known())
}

pub fn redact_with(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        if !s.is_empty() && out.contains(s.as_str()) {
            out = out.replace(s.as_str(), MASK);
        }
    }
    for lead in LEADS {
        out = mask_after(&out, lead);
    }
    mask_key_ids(&out)
}

/// Replace the value that follows each `lead`.
fn mask_after(text: &str, lead: &str) -> String {
    if !text.contains(lead) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(lead) {
        let (head, tail) = rest.split_at(at + lead.len());
        out.push_str(head);
        // A quoted value runs to its closing quote; a bare one to the next
        // separator (a SigV4 scope continues after `/`).
        let end = if tail.starts_with(MASK) {
            MASK.len()
        } else if lead.ends_with('"') {
            tail.find('"').unwrap_or(tail.len())
        } else {
            tail.find(['"', '/', ',', ' ', '\n', '\r', '&', ';'])
                .unwrap_or(tail.len())
        };
        if end == 0 || tail.starts_with(MASK) {
            out.push_str(&tail[..end]);
        } else {
            out.push_str(MASK);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// AWS access key ids: AKIA/ASIA (and the other documented A??A prefixes)
/// followed by 16 upper-case letters or digits.
fn mask_key_ids(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i + 20 <= b.len() {
        let id = &b[i..i + 20];
        let starts_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let ends_word = i + 20 == b.len() || !b[i + 20].is_ascii_alphanumeric();
        if starts_word
            && ends_word
            && (id.starts_with(b"AKIA") || id.starts_with(b"ASIA"))
            && id[4..]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        {
            out.push_str(&text[copied..i]);
            out.push_str(MASK);
            i += 20;
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// A `MakeWriter` for stderr that redacts each formatted event (the fmt
/// layer writes an event in one piece; it is held and written on drop).
#[derive(Clone, Copy, Default)]
pub struct Redacting;

pub struct Line(Vec<u8>);

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let text = redact(&String::from_utf8_lossy(&self.0));
        self.0.clear();
        io::stderr().lock().write_all(text.as_bytes())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

impl<'a> MakeWriter<'a> for Redacting {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_and_credential_shapes_are_masked() {
        let secrets = vec!["my-secret-value".to_string()];
        let line = r#"Credentials { provider_name: "Profile", access_key_id: "AKIDEXAMPLE", secret_access_key: "** redacted **", session_token: "tok/en+=" } my-secret-value Credential=AKIAIOSFODNN7EXAMPLE/20261130/us-east-1/lambda/aws4_request, x-amz-security-token: FQoGZXIvYXdzE"#;
        let out = redact_with(line, &secrets);
        for leaked in [
            "AKIDEXAMPLE",
            "tok/en+=",
            "my-secret-value",
            "AKIAIOSFODNN7EXAMPLE",
            "FQoGZXIvYXdzE",
        ] {
            assert!(!out.contains(leaked), "{leaked} in {out}");
        }
        assert!(out.contains("/20261130/us-east-1/lambda"), "{out}");
        // A bare key id anywhere, but not inside a longer word.
        assert_eq!(
            redact_with("id ASIAABCDEFGHIJKLMNOP.", &[]),
            "id ** redacted **."
        );
        assert_eq!(
            redact_with("XASIAABCDEFGHIJKLMNOP", &[]),
            "XASIAABCDEFGHIJKLMNOP"
        );
        assert_eq!(redact_with("plain text", &[]), "plain text");
    }
}
