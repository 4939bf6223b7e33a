//! Lambda's names and their formats, checked before any call: one validator
//! per kind of name, each following the pattern in the Lambda API
//! reference. A validator returns the problem as text; the caller says
//! which flag or lamctl.toml key the value came from.

use std::fmt;

use super::limits;

mod api;
mod arns;
mod esm;
mod s3;
mod schedule;
pub use api::*;
pub use arns::*;
pub use esm::*;
pub use s3::*;
pub use schedule::*;

/// A function name alone (CreateFunction's FunctionName once the ARN parts
/// are taken off): 1-64 of `[a-zA-Z0-9-_]`.
pub fn function_name(name: &str) -> Result<(), String> {
    if !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(())
    } else {
        Err(format!(
            "invalid function name '{name}': use 1-64 letters, digits, hyphens or underscores"
        ))
    }
}

/// A function as the API's FunctionName parameter takes it: a name, a
/// name with a qualifier (`name:live`), a partial ARN
/// (`123456789012:function:name`) or a full ARN
/// (`arn:aws:lambda:us-east-1:123456789012:function:name[:qualifier]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRef {
    /// The function's own name (the last name part of an ARN).
    pub name: String,
    /// The qualifier written into the reference, if any.
    pub qualifier: Option<String>,
    /// The text as given (what the API is sent).
    pub text: String,
}

impl fmt::Display for FunctionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Parse a function reference (the API's pattern:
/// `(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`,
/// at most 170 characters).
pub fn function_ref(text: &str) -> Result<FunctionRef, String> {
    let bad = |why: &str| {
        Err(format!(
            "invalid function '{text}': {why}; give a name (1-64 letters, digits, - or _), \
             a partial ARN (ACCOUNT:function:NAME) or an ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)"
        ))
    };
    if text.is_empty() {
        return bad("it is empty");
    }
    if text.len() > 170 {
        return bad("it is longer than 170 characters");
    }
    let parts: Vec<&str> = text.split(':').collect();
    let (name, qualifier) = if parts[0] == "arn" {
        // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
        if !(7..=8).contains(&parts.len())
            || !parts[1].starts_with("aws")
            || parts[2] != "lambda"
            || !is_region(parts[3])
            || !is_account(parts[4])
            || parts[5] != "function"
        {
            return bad("it is not a Lambda function ARN");
        }
        (parts[6], parts.get(7).copied())
    } else if parts.len() >= 3 && parts[1] == "function" {
        // ACCOUNT:function:NAME[:QUALIFIER]
        if parts.len() > 4 || !is_account(parts[0]) {
            return bad("it is not a partial ARN");
        }
        (parts[2], parts.get(3).copied())
    } else if parts.len() <= 2 {
        (parts[0], parts.get(1).copied())
    } else {
        return bad("it has too many ':' parts");
    };
    function_name(name)?;
    if let Some(q) = qualifier {
        qualifier_text(q).map_err(|e| format!("invalid function '{text}': {e}"))?;
    }
    Ok(FunctionRef {
        name: name.to_string(),
        qualifier: qualifier.map(String::from),
        text: text.to_string(),
    })
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.chars().all(|c| c.is_ascii_digit())
}

/// `us-east-1`, `us-gov-west-1`, `eu-central-2`: the region part of an ARN.
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[parts.len() - 1].len() == 1
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
}

/// A qualifier: a version (`$LATEST` or a number) or an alias name; the
/// API's pattern `[a-zA-Z0-9$_-]+`, 1-128 characters.
pub fn qualifier(q: &str) -> Result<Qualifier, String> {
    qualifier_text(q)?;
    Ok(if is_version(q) {
        Qualifier::Version(q.to_string())
    } else {
        Qualifier::Alias(q.to_string())
    })
}

fn qualifier_text(q: &str) -> Result<(), String> {
    if q.is_empty() || q.len() > 128 {
        return Err(format!("invalid qualifier '{q}': use 1-128 characters"));
    }
    if is_version(q) || alias(q).is_ok() {
        Ok(())
    } else {
        Err(format!(
            "invalid qualifier '{q}': a qualifier is a version number, $LATEST or an alias name \
             (letters, digits, - and _)"
        ))
    }
}

/// What a qualifier names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifier {
    Version(String),
    Alias(String),
}

/// `$LATEST` or a published version number.
pub fn is_version(q: &str) -> bool {
    q == "$LATEST" || (!q.is_empty() && q.len() <= 1024 && q.chars().all(|c| c.is_ascii_digit()))
}

/// An alias name: the API's pattern `(?!^[0-9]+$)([a-zA-Z0-9-_]+)`, 1-128
/// characters, not only digits (that would be a version).
pub fn alias(a: &str) -> Result<(), String> {
    let ok = !a.is_empty()
        && a.len() <= 128
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && !a.chars().all(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid alias name '{a}': use 1-128 letters, digits, - or _, not only digits"
        ))
    }
}

/// An environment variable name: `[a-zA-Z]([a-zA-Z0-9_])+` in the API
/// reference (one letter alone is accepted too).
pub fn env_key(k: &str) -> Result<(), String> {
    let mut chars = k.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid environment variable name '{k}': start with a letter, then letters, digits or _"
        ))
    }
}

/// A handler: 1-128 characters without whitespace (the API's `[^\s]+`).
pub fn handler(h: &str) -> Result<(), String> {
    if h.is_empty() || h.chars().any(char::is_whitespace) {
        Err(format!(
            "invalid handler '{h}': give FILE.FUNCTION (e.g. app.handler), without spaces"
        ))
    } else if h.chars().count() > limits::HANDLER_CHARS {
        Err(format!(
            "handler is {} characters; Lambda allows at most {}",
            h.chars().count(),
            limits::HANDLER_CHARS
        ))
    } else {
        Ok(())
    }
}

/// A description: at most 256 characters.
pub fn description(d: &str) -> Result<(), String> {
    let n = d.chars().count();
    if n > limits::DESCRIPTION_CHARS {
        Err(format!(
            "description is {n} characters; Lambda allows at most {}",
            limits::DESCRIPTION_CHARS
        ))
    } else {
        Ok(())
    }
}

/// The environment as a whole: Lambda refuses more than 4 KB of keys and
/// values together.
pub fn environment_size(vars: &[(String, String)]) -> Result<(), String> {
    let bytes: usize = vars.iter().map(|(k, v)| k.len() + v.len()).sum();
    if bytes > limits::ENV_BYTES {
        Err(format!(
            "environment variables take {bytes} bytes; Lambda allows at most {} in total",
            limits::ENV_BYTES
        ))
    } else {
        Ok(())
    }
}

/// Tags: at most 50, keys 1-128 characters not starting with `aws:`,
/// values at most 256 characters.
pub fn tags(tags: &[(String, String)]) -> Result<(), String> {
    if tags.len() > limits::TAGS {
        return Err(format!(
            "{} tags given; Lambda allows at most {}",
            tags.len(),
            limits::TAGS
        ));
    }
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > limits::TAG_KEY_CHARS {
            return Err(format!(
                "tag key '{k}' must be 1-{} characters",
                limits::TAG_KEY_CHARS
            ));
        }
        if let Some(c) = k.chars().find(|c| !tag_char(*c)) {
            return Err(format!(
                "tag key '{k}' has '{c}': use letters, digits, spaces and _ . : / = + - @"
            ));
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(format!(
                "tag key '{k}': the aws: prefix is reserved for AWS"
            ));
        }
        if v.chars().any(|c| !tag_char(c)) {
            return Err(format!(
                "the value of tag '{k}' has a character Lambda refuses: use letters, digits, spaces and _ . : / = + - @"
            ));
        }
        if v.chars().count() > limits::TAG_VALUE_CHARS {
            return Err(format!(
                "the value of tag '{k}' is {} characters; Lambda allows at most {}",
                v.chars().count(),
                limits::TAG_VALUE_CHARS
            ));
        }
    }
    Ok(())
}

/// The characters of a tag key or value (AWS tagging's
/// `[\p{L}\p{Z}\p{N}_.:/=+\-@]`).
fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || (c.is_whitespace() && !c.is_control()) || "_.:/=+-@".contains(c)
}

/// A CloudWatch Logs group name: 1-512 of letters, digits and `._-/#`.
pub fn log_group(g: &str) -> Result<(), String> {
    let ok = !g.is_empty()
        && g.len() <= limits::LOG_GROUP_CHARS
        && g.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-/#".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid log group name '{}': use 1-{} letters, digits or . _ - / #",
            if g.len() > 60 { &g[..60] } else { g },
            limits::LOG_GROUP_CHARS
        ))
    }
}

/// Environment variables Lambda sets itself and refuses in a definition.
pub const RESERVED_ENV: &[&str] = &[
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
];

/// A runtime id Lambda has shipped (the SDK's list, which follows the
/// service's): a typo such as `pyhton3.12`, or a version that does not
/// exist such as `python3.99`, is caught here instead of as an AWS error
/// after packaging, or as a local run of the wrong interpreter.
pub fn runtime(r: &str) -> Result<(), String> {
    if aws_sdk_lambda::types::Runtime::values().contains(&r) {
        Ok(())
    } else {
        Err(format!("unknown runtime '{r}'"))
    }
}

/// The execution role lamctl creates for a function (`--create-role`):
/// IAM role names are at most 64 characters.
pub fn role_name_for(function: &str) -> String {
    let mut n = format!("lamctl-{function}-exec");
    n.truncate(64);
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_follow_the_api_pattern() {
        for ok in ["a", "hello-world_2", &"x".repeat(64)] {
            assert!(function_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "has space",
            "dot.ted",
            "colon:x",
            &"x".repeat(65),
            "ünï",
        ] {
            assert!(function_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn function_refs_take_names_partial_and_full_arns() {
        let r = function_ref("hello").unwrap();
        assert_eq!((r.name.as_str(), r.qualifier), ("hello", None));
        let r = function_ref("hello:live").unwrap();
        assert_eq!(r.qualifier.as_deref(), Some("live"));
        let r = function_ref("123456789012:function:hello").unwrap();
        assert_eq!(r.name, "hello");
        let r =
            function_ref("arn:aws:lambda:us-east-1:123456789012:function:hello:$LATEST").unwrap();
        assert_eq!(
            (r.name.as_str(), r.qualifier.as_deref()),
            ("hello", Some("$LATEST"))
        );
        assert!(
            function_ref("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:x").is_ok()
        );
        for bad in [
            "",
            "has space",
            "arn:aws:s3:::bucket",
            "arn:aws:lambda:us-east-1:12345:function:x",
            "arn:aws:lambda:useast1:123456789012:function:x",
            "12345678901:function:x",
            "a:b:c:d:e",
            "hello:bad.q",
            &"x".repeat(171),
        ] {
            assert!(function_ref(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn qualifiers_are_versions_or_aliases() {
        assert_eq!(
            qualifier("$LATEST").unwrap(),
            Qualifier::Version("$LATEST".into())
        );
        assert_eq!(qualifier("12").unwrap(), Qualifier::Version("12".into()));
        assert_eq!(qualifier("live").unwrap(), Qualifier::Alias("live".into()));
        for bad in ["", "a b", "$NEWEST", "x.y", &"a".repeat(129)] {
            assert!(qualifier(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn alias_names_are_not_only_digits() {
        assert!(alias("live").is_ok());
        assert!(alias("v2-canary_1").is_ok());
        for bad in ["", "123", "a.b", "$LATEST", &"a".repeat(129)] {
            assert!(alias(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn env_keys_and_runtimes() {
        assert!(env_key("A").is_ok());
        assert!(env_key("STAGE_2").is_ok());
        for bad in ["", "1BAD", "A-B", "A B"] {
            assert!(env_key(bad).is_err(), "{bad}");
        }
        assert!(runtime("python3.12").is_ok());
        assert!(runtime("provided.al2023").is_ok());
        assert!(runtime("pyhton3.12").is_err());
        assert!(runtime("python3.99").is_err());
        assert!(runtime("nodejs20.x").is_ok());
        assert!(runtime("nodejs20").is_err());
    }

    #[test]
    fn role_names_fit_iam() {
        assert_eq!(role_name_for("hello"), "lamctl-hello-exec");
        assert_eq!(role_name_for(&"f".repeat(64)).len(), 64);
    }
}
