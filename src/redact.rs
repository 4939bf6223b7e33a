//! Credentials never reach stderr: every diagnostic line (`-v` … `-vvv`,
//! the SDK's own debug output included) goes through `Redacting`, which
//! blanks the credential values lamctl knows (the environment's, and the
//! resolved ones registered by `aws` whatever their source) and anything
//! shaped like one (an access key id; the value after a credential's name
//! in a header, a Debug dump, JSON, a presigned URL or a SigV4
//! `Credential=`/`Signature=`).

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

/// Names followed by a secret, in every form a line can carry them: a
/// header (`x-amz-security-token: V`, `x-amz-security-token:V`, any case,
/// any spacing), the SDK's Debug dump (`session_token: "V"`), JSON
/// (`"SessionToken": "V"`, STS and SSO answers), a presigned URL
/// (`X-Amz-Security-Token=V&`), an ini file (`aws_secret_access_key = V`),
/// SigV4's `Credential=AKID/scope` and `Signature=…`. Matched without
/// regard to case; the name must not continue a longer word.
const NAMES: [&str; 20] = [
    "x-amz-security-token",
    "x-amz-credential",
    "x-amz-signature",
    "credential",
    "signature",
    "access_key_id",
    "secret_access_key",
    "session_token",
    "security_token",
    "accesskeyid",
    "secretaccesskey",
    "sessiontoken",
    "secretkey",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    // SSO's bearer tokens (its cache file, GetRoleCredentials' header).
    "accesstoken",
    "access_token",
    "refreshtoken",
    "x-amz-sso_bearer_token",
];

/// Values registered once credentials are resolved, whatever their source
/// (environment, profile file, SSO, credential_process, assume-role).
static REGISTERED: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());

/// Mask these credential values (access key id, secret key, session token)
/// from now on, in every diagnostic line. Also registers the forms they
/// take in a URL and in JSON.
pub fn register(values: &[&str]) {
    let Ok(mut known) = REGISTERED.write() else {
        return;
    };
    for v in values {
        for form in forms(v) {
            if form.len() >= 4 && !known.contains(&form) {
                known.push(form);
            }
        }
    }
    // Longest first, so a value is masked whole before any part of it.
    known.sort_by_key(|k| std::cmp::Reverse(k.len()));
}

/// A secret as it appears raw, percent-encoded (in a query string) and
/// with JSON's escaped slash.
fn forms(v: &str) -> Vec<String> {
    let encoded: String =
        percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).collect();
    vec![v.to_string(), encoded, v.replace('/', "\\/")]
}

fn known() -> Vec<String> {
    static ENV: OnceLock<Vec<String>> = OnceLock::new();
    let env = ENV.get_or_init(|| {
        SECRET_VARS
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            // A one-letter "secret" would blank half the text; real ones are long.
            .filter(|v| v.len() >= 4)
            .flat_map(|v| forms(&v))
            .collect()
    });
    let mut all = env.clone();
    if let Ok(r) = REGISTERED.read() {
        all.extend(r.iter().cloned());
    }
    all.sort_by_key(|k| std::cmp::Reverse(k.len()));
    all
}

/// `text` with every credential replaced by a mask.
pub fn redact(text: &str) -> String {
    redact_with(text, &known())
}

pub fn redact_with(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    for s in secrets {
        if !s.is_empty() && out.contains(s.as_str()) {
            out = out.replace(s.as_str(), MASK);
        }
    }
    out = mask_named(&out);
    mask_key_ids(&out)
}

/// Replace the value after each of [`NAMES`] followed (after an optional
/// closing quote and blanks) by `:` or `=`.
fn mask_named(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let b = text.as_bytes();
    // (start, end) of each value to mask, in order.
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for name in NAMES {
        let mut from = 0;
        while let Some(at) = lower[from..].find(name) {
            let start = from + at;
            from = start + name.len();
            let before = start.checked_sub(1).map(|i| b[i]);
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-') {
                continue;
            }
            if let Some(span) = value_after(b, from, name) {
                spans.push(span);
            }
        }
    }
    if spans.is_empty() {
        return text.to_string();
    }
    spans.sort();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (s, e) in spans {
        if s < copied {
            continue;
        }
        out.push_str(&text[copied..s]);
        out.push_str(MASK);
        copied = e;
    }
    out.push_str(&text[copied..]);
    out
}

/// The span of the value that follows a name ending at `i`, if a
/// separator follows it.
fn value_after(b: &[u8], mut i: usize, name: &str) -> Option<(usize, usize)> {
    let skip_blanks = |i: &mut usize| {
        while *i < b.len() && (b[*i] == b' ' || b[*i] == b'\t') {
            *i += 1;
        }
    };
    // The name's closing quote in JSON or a Debug dump (`"SessionToken":`).
    if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
        i += 1;
    }
    skip_blanks(&mut i);
    if i >= b.len() || (b[i] != b':' && b[i] != b'=') {
        return None;
    }
    i += 1;
    skip_blanks(&mut i);
    let quote = (i < b.len() && (b[i] == b'"' || b[i] == b'\'')).then(|| b[i]);
    if quote.is_some() {
        i += 1;
    }
    let start = i;
    if b[start..].starts_with(MASK.as_bytes()) {
        return None;
    }
    // A SigV4 credential's scope (after the key id) is not secret: stop at
    // its `/`, raw or percent-encoded.
    let scoped = name.ends_with("credential");
    let mut end = start;
    while end < b.len() {
        let c = b[end];
        let stop = match quote {
            Some(q) => c == q || c == b'\n',
            None => matches!(
                c,
                b'"' | b'\''
                    | b','
                    | b' '
                    | b'\t'
                    | b'\n'
                    | b'\r'
                    | b'&'
                    | b';'
                    | b'}'
                    | b')'
                    | b']'
                    | b'<'
                    | b'>'
            ),
        };
        if stop
            || (scoped
                && (c == b'/'
                    || b[end..].len() >= 3 && b[end..end + 3].eq_ignore_ascii_case(b"%2f")))
        {
            break;
        }
        end += 1;
    }
    (end > start).then_some((start, end))
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

    #[test]
    fn every_form_of_a_credential_header_or_field_is_masked() {
        let t = "FQoGZXIvYXdzEtoken";
        for line in [
            format!("x-amz-security-token:{t}\n"),
            format!("X-Amz-Security-Token:   {t};"),
            format!("X-AMZ-SECURITY-TOKEN = {t}"),
            format!("{{\"x-amz-security-token\": \"{t}\"}}"),
            format!("'x-amz-security-token':'{t}'"),
            format!("https://h/k?a=1&X-Amz-Security-Token={t}&b=2"),
            format!("{{\"SessionToken\":\"{t}\",\"Expiration\":1}}"),
            format!("aws_session_token = {t}"),
            format!("roleCredentials: {{accessKeyId: x, sessionToken: {t}}}"),
        ] {
            let out = redact_with(&line, &[]);
            assert!(!out.contains(t), "{line} -> {out}");
            assert!(out.contains(MASK), "{out}");
        }
        // SigV4: the key id and the signature, not the scope.
        let auth = "Authorization: AWS4-HMAC-SHA256 Credential=AKIDX12/20261203/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef0123";
        let out = redact_with(auth, &[]);
        assert!(
            !out.contains("AKIDX12") && !out.contains("abcdef0123"),
            "{out}"
        );
        assert!(
            out.contains("/20261203/us-east-1/lambda/aws4_request"),
            "{out}"
        );
        assert!(out.contains("SignedHeaders=host;x-amz-date"), "{out}");
        let url = "?X-Amz-Credential=AKIDX12%2F20261203%2Fus-east-1&X-Amz-Signature=9f9f";
        let out = redact_with(url, &[]);
        assert!(!out.contains("AKIDX12") && !out.contains("9f9f"), "{out}");
        assert!(out.contains("%2F20261203"), "{out}");
        // Words that only contain a name are left alone.
        for plain in [
            "Credentials { provider_name: \"Environment\" }",
            "SignatureDoesNotMatch: the request signature we calculated does not match",
            "no_session_token_here",
        ] {
            assert_eq!(redact_with(plain, &[]), plain);
        }
    }

    #[test]
    fn registered_values_are_masked_raw_encoded_and_json_escaped() {
        register(&["RegisteredSecret/With+Slash="]);
        let k = known();
        for line in [
            "the secret RegisteredSecret/With+Slash= here",
            "q=RegisteredSecret%2FWith%2BSlash%3D&x",
            "{\"k\":\"RegisteredSecret\\/With+Slash=\"}",
        ] {
            let out = redact_with(line, &k);
            assert!(!out.contains("RegisteredSecret"), "{line} -> {out}");
        }
    }
}
