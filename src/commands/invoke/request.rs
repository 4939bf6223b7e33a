//! Everything `invoke` was asked to do, read and checked before any call:
//! the function, the flags that must agree, the client context, the
//! payload(s) and Lambda's size limits. Bad input is exit 2.

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::InvokeSettings;
use super::payload::{ReadLimit, check_json, json_error, read_input, split_lines};
use crate::error::{Error, Result};
use crate::lambda::invoke::{Invocation, InvocationType};
use crate::lambda::limits::CLIENT_CONTEXT_BYTES;
use crate::lambda::limits::NDJSON_INPUT_BYTES;
use crate::lambda::names;
use crate::output::{Ui, bytes};

/// One payload to send; `line` is its 1-based input line with --ndjson.
#[derive(Debug, Clone)]
pub struct Payload {
    pub line: Option<usize>,
    pub bytes: Vec<u8>,
}

/// Everything `invoke` was asked to do, read and checked.
#[derive(Debug, Clone)]
pub struct InvokeRequest {
    pub invocation: Invocation,
    /// One payload, or one per input line with --ndjson.
    pub payloads: Vec<Payload>,
    /// `Some(n)` with --ndjson: at most n invocations at once.
    pub batch: Option<usize>,
    pub pretty: bool,
    pub out: Option<PathBuf>,
}

impl InvokeRequest {
    /// Read the payload(s) and check every flag. Fails with exit 2, and
    /// never touches AWS.
    pub async fn resolve(ui: &Ui, s: &InvokeSettings) -> Result<InvokeRequest> {
        let function = s.function.clone().ok_or_else(|| {
            Error::usage("no function to invoke").with_hint(
                "pass its NAME (`lamctl invoke NAME`) or set `name = \"...\"` in lamctl.toml",
            )
        })?;
        names::function_ref(&function).map_err(|e| {
            Error::usage(e).with_hint("pass the function's name, ARN or partial ARN")
        })?;
        if let Some(q) = &s.qualifier {
            names::qualifier(q).map_err(|_| {
                Error::usage(format!("invalid --qualifier '{q}'")).with_hint(
                    "a qualifier is a version number, $LATEST or an alias name (letters, digits, - and _)",
                )
            })?;
        }

        let invocation_type = s.invocation_type;
        let flag_needs_sync = |flag: &str, why: &str| {
            Error::usage(format!(
                "{flag} does not work with an asynchronous invocation: {why}"
            ))
            .with_hint("leave out --async / --invocation-type event to wait for the function")
        };
        if invocation_type == InvocationType::Event {
            if s.tail {
                return Err(flag_needs_sync(
                    "--tail",
                    "Lambda returns a log tail only to a caller that waits",
                ));
            }
            if s.client_context.is_some() {
                return Err(flag_needs_sync(
                    "--client-context",
                    "Lambda passes the client context to synchronous invocations only",
                ));
            }
            if s.stream {
                return Err(flag_needs_sync(
                    "--stream",
                    "InvokeWithResponseStream is always synchronous",
                ));
            }
        }
        if s.parallel.is_some() && !s.ndjson {
            return Err(Error::usage("--parallel needs --ndjson").with_hint(
                "--ndjson invokes once per input line; --parallel N runs N of those at once",
            ));
        }
        if s.pretty && ui.json() && s.out.is_none() {
            return Err(Error::usage(
                "--pretty formats the payload on stdout, but with --output json the payload is inside the JSON document",
            )
            .with_hint("leave out --pretty, or add --out FILE to write a pretty payload to a file"));
        }
        if let Some(out) = &s.out {
            check_out_path(out)?;
        }
        let client_context = s
            .client_context
            .as_deref()
            .map(encode_client_context)
            .transpose()?;

        let (limit, limit_name) = invocation_type.payload_limit();
        let read_limit = if s.ndjson {
            ReadLimit {
                bytes: NDJSON_INPUT_BYTES,
                whose: "lamctl's",
                name: "the most an --ndjson input may hold",
            }
        } else {
            ReadLimit {
                bytes: limit,
                whose: "Lambda's",
                name: limit_name,
            }
        };
        let (label, input) = read_input(s.payload.as_deref(), read_limit).await?;
        let payloads = if s.ndjson {
            split_lines(&label, &input, s.raw)?
        } else {
            if !s.raw {
                check_json(&input).map_err(|(l, c, m)| {
                    Error::usage(format!(
                        "the payload ({label}) is not valid JSON: line {l}, column {c}: {m}"
                    ))
                    .with_hint("fix the JSON, or pass --raw to send the bytes as they are")
                })?;
            }
            vec![Payload {
                line: None,
                bytes: input,
            }]
        };
        for p in &payloads {
            if p.bytes.len() > limit {
                let what = match p.line {
                    Some(l) => format!("line {l} of {label}"),
                    None => format!("the payload ({label})"),
                };
                return Err(Error::usage(format!(
                    "{what} is {} bytes ({}), over Lambda's limit of {limit} bytes ({limit_name})",
                    p.bytes.len(),
                    bytes(p.bytes.len() as u64)
                ))
                .with_hint(
                    "send a reference to the data (for example an S3 key) instead of the data",
                ));
            }
        }

        Ok(InvokeRequest {
            invocation: Invocation {
                function,
                invocation_type,
                qualifier: s.qualifier.clone(),
                client_context,
                tail: s.tail,
                stream: s.stream,
            },
            payloads,
            batch: s.ndjson.then(|| usize::from(s.parallel.unwrap_or(1))),
            pretty: s.pretty,
            out: s.out.clone(),
        })
    }
}

fn check_out_path(out: &Path) -> Result<()> {
    if out.is_dir() {
        return Err(
            Error::usage(format!("--out {} is a directory", out.display()))
                .with_hint("--out takes the name of the file to write the payload to"),
        );
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(Error::usage(format!(
            "the directory of --out {} does not exist",
            out.display()
        )));
    }
    Ok(())
}

/// Validate the client context (a JSON object) and base64-encode it.
fn encode_client_context(text: &str) -> Result<String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let (l, c, m) = json_error(&e);
        Error::usage(format!(
            "--client-context is not valid JSON: line {l}, column {c}: {m}"
        ))
    })?;
    if !value.is_object() {
        return Err(Error::usage("--client-context must be a JSON object")
            .with_hint(r#"for example --client-context '{"custom": {"k": "v"}}'"#));
    }
    let encoded = BASE64.encode(text.as_bytes());
    if encoded.len() > CLIENT_CONTEXT_BYTES {
        return Err(Error::usage(format!(
            "--client-context is {} bytes once base64-encoded, over Lambda's limit of {CLIENT_CONTEXT_BYTES}",
            encoded.len()
        )));
    }
    Ok(encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_contexts_are_json_objects_within_the_limit() {
        assert_eq!(encode_client_context("{}").unwrap(), "e30=");
        assert!(encode_client_context("[1]").is_err());
        assert!(encode_client_context("{nope").is_err());
        let big = format!(r#"{{"k":"{}"}}"#, "x".repeat(CLIENT_CONTEXT_BYTES));
        assert!(encode_client_context(&big).is_err());
    }
}
