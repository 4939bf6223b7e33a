//! `lamctl invoke [NAME]`: invoke a function and hand its answer to a
//! script: the response payload on stdout, the decoded log tail on stderr,
//! and an exit code that says whether the function itself failed (3).
//!
//! The story is split in three so `invoke --local` can share every flag,
//! output and exit code: `InvokeRequest::resolve` reads and checks all
//! input before any AWS call; a backend (`Cloud` here) turns one payload
//! into an `InvokeOutcome`; `report` (or `run_batch` for `--ndjson`)
//! renders outcomes.

use std::collections::VecDeque;
use std::future::Future;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    InvocationType as ApiInvocationType, InvokeWithResponseStreamResponseEvent, LogType,
    ResponseStreamingInvocationType,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::request_id::RequestId;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Serialize, Serializer};

use super::Ctx;
use crate::aws::{AwsContext, Service};
use crate::cli::invoke::{InvocationType, InvokeArgs};
use crate::error::{Error, Result, stdout_error};
use crate::lambda::names::function_name as validate_function_name;
use crate::output::{DIM, ERROR, HINT, Ui, bytes, write_stdout};
use crate::progress;

/// Lambda's request limit for synchronous invocations (6 MB; the API's own
/// error says "smaller than 6291456 bytes").
pub const SYNC_PAYLOAD_LIMIT: usize = 6 * 1024 * 1024;
/// Lambda's request limit for asynchronous invocations: 1 MB since 2025
/// (it was 256 KB, enforced as 262144 bytes).
pub const ASYNC_PAYLOAD_LIMIT: usize = 1024 * 1024;
/// LogResult holds at most the last 4 KB of the log.
pub const LOG_TAIL_LIMIT: usize = 4 * 1024;
/// ClientContext: up to 3583 bytes once base64-encoded.
pub const CLIENT_CONTEXT_LIMIT: usize = 3583;
/// The longest a function may run (15 minutes), plus time for the answer.
const LONGEST_RUN: Duration = Duration::from_secs(15 * 60 + 15);

impl InvocationType {
    /// The request-size limit Lambda enforces for this type, and its name.
    pub fn payload_limit(self) -> (usize, &'static str) {
        match self {
            InvocationType::Event => (ASYNC_PAYLOAD_LIMIT, "1 MB for asynchronous invocations"),
            InvocationType::RequestResponse | InvocationType::DryRun => {
                (SYNC_PAYLOAD_LIMIT, "6 MB for synchronous invocations")
            }
        }
    }

    fn api(self) -> ApiInvocationType {
        match self {
            InvocationType::RequestResponse => ApiInvocationType::RequestResponse,
            InvocationType::Event => ApiInvocationType::Event,
            InvocationType::DryRun => ApiInvocationType::DryRun,
        }
    }
}

/// What one call asks for (everything but the payload).
#[derive(Debug, Clone)]
pub struct Invocation {
    /// Name, ARN or partial ARN.
    pub function: String,
    pub invocation_type: InvocationType,
    pub qualifier: Option<String>,
    /// The client context, already base64-encoded as the API wants it.
    pub client_context: Option<String>,
    pub tail: bool,
    pub stream: bool,
}

impl Invocation {
    /// The function as users name it in messages: `name` or `name:qualifier`.
    pub fn label(&self) -> String {
        match &self.qualifier {
            Some(q) => format!("{}:{q}", self.function),
            None => self.function.clone(),
        }
    }
}

/// One payload to send; `line` is its 1-based input line with --ndjson.
#[derive(Debug, Clone)]
pub struct Payload {
    pub line: Option<usize>,
    pub bytes: Vec<u8>,
}

/// Everything `invoke` was asked to do, read and checked before any AWS call.
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

/// What one invocation returned, whichever backend ran it.
#[derive(Debug, Clone, Default)]
pub struct InvokeOutcome {
    pub status_code: i32,
    pub executed_version: Option<String>,
    pub request_id: Option<String>,
    /// `Unhandled`/`Handled` (X-Amz-Function-Error) or the stream's ErrorCode.
    pub function_error: Option<String>,
    /// The response payload (with --stream: kept only for --output json).
    pub payload: Vec<u8>,
    /// The decoded log tail.
    pub log_tail: Option<String>,
    /// The error document when it is not the payload (a stream's ErrorDetails).
    pub error_details: Option<Vec<u8>>,
    /// The payload was already written out as it arrived (--stream).
    pub streamed: bool,
}

pub async fn run(ctx: &Ctx<'_>, args: &InvokeArgs) -> Result<()> {
    if args.local {
        return run_local(ctx, args).await;
    }
    if args.local_def.is_set() {
        return Err(Error::usage(
            "--dir, --function, --runtime, --handler, --timeout, --memory, --env, --env-file and --runtime-client describe a local run",
        )
        .with_hint("add --local to run the function here, or use `lamctl deploy` to change the deployed one"));
    }
    let mut req = InvokeRequest::resolve(ctx, args).await?;
    let aws = Arc::new(ctx.aws().await?);
    let cloud = Cloud::new(aws, &req.invocation).await;
    let ui = ctx.ui;

    if let Some(parallel) = req.batch {
        let inv = Arc::new(req.invocation.clone());
        return run_batch(ui, &req, parallel, move |payload| {
            let (cloud, inv) = (cloud.clone(), Arc::clone(&inv));
            async move { cloud.invoke(&inv, payload).await }
        })
        .await;
    }

    // The one payload moves into the call; the report does not need it.
    let payload = std::mem::take(&mut req.payloads[0].bytes);
    let outcome = if req.invocation.stream {
        let mut sink = PayloadSink::for_stream(ui, &req);
        let outcome = cloud
            .invoke_stream(&req.invocation, payload, &mut sink)
            .await?;
        sink.finish()?;
        outcome
    } else {
        let spinner = progress::spinner(ui, &format!("invoking {}", req.invocation.label()));
        let outcome = cloud.invoke(&req.invocation, payload).await;
        spinner.finish_and_clear();
        outcome?
    };
    report(ui, &req, &outcome)
}

// ------------------------------------------------------------- --local

/// `invoke --local`: the same request, report and exit codes, with the
/// function run by the Docker-free runtime in `crate::local`.
async fn run_local(ctx: &Ctx<'_>, args: &InvokeArgs) -> Result<()> {
    use crate::local::{Function, InvokeRequest as LocalRequest};

    if args.qualifier.is_some() {
        return Err(
            Error::usage("--qualifier: a local function has only $LATEST")
                .with_hint("leave out --qualifier, or invoke the deployed version without --local"),
        );
    }
    if args.stream {
        return Err(Error::usage("--stream is not supported with --local")
            .with_hint("the local runtime clients return buffered responses; leave out --stream"));
    }
    // NAME and --function both name the local function; they must agree.
    let mut local = args.local_def.clone();
    match (&args.name, &local.def.name) {
        (Some(a), Some(b)) if a != b => {
            return Err(
                Error::usage(format!("NAME '{a}' and --function '{b}' differ"))
                    .with_hint("give the function's name once"),
            );
        }
        (Some(a), None) => local.def.name = Some(a.clone()),
        _ => {}
    }
    let def = local.resolve(ctx).await?;
    let mut named = args.clone();
    named.name = Some(def.name.clone());
    let mut req = InvokeRequest::resolve(ctx, &named).await?;
    let ui = ctx.ui;
    let kind = req.invocation.invocation_type;
    // JSON text for the runtime (the API's header is base64 of it).
    let client_context =
        req.invocation.client_context.as_ref().map(|b64| {
            String::from_utf8(BASE64.decode(b64).unwrap_or_default()).unwrap_or_default()
        });
    let tail = req.invocation.tail;
    let function = Arc::new(tokio::sync::Mutex::new(Function::start(def).await?));
    let call = {
        let function = Arc::clone(&function);
        move |payload: Vec<u8>| {
            let (function, client_context) = (Arc::clone(&function), client_context.clone());
            async move {
                // Dry run checks the request and runs nothing, as in the cloud.
                if kind == InvocationType::DryRun {
                    return Ok(InvokeOutcome {
                        status_code: 204,
                        ..Default::default()
                    });
                }
                let mut f = function.lock().await;
                let o = f
                    .invoke(LocalRequest {
                        payload,
                        client_context,
                        cognito_identity: None,
                        tail,
                    })
                    .await?;
                // An event is run to completion here, then answered like the
                // cloud's 202: no payload, no function error for the caller.
                if kind == InvocationType::Event {
                    return Ok(InvokeOutcome {
                        status_code: 202,
                        request_id: o.request_id,
                        ..Default::default()
                    });
                }
                Ok(InvokeOutcome {
                    status_code: o.status_code,
                    executed_version: o.executed_version,
                    request_id: o.request_id,
                    function_error: o.function_error,
                    payload: o.payload,
                    log_tail: o.log_tail,
                    error_details: None,
                    streamed: false,
                })
            }
        }
    };
    let result = if let Some(parallel) = req.batch {
        // One local instance runs one invocation at a time, like one
        // execution environment; --parallel only queues them.
        run_batch(ui, &req, parallel, call).await
    } else {
        let payload = std::mem::take(&mut req.payloads[0].bytes);
        match call(payload).await {
            Ok(outcome) => report(ui, &req, &outcome),
            Err(e) => Err(e),
        }
    };
    function.lock().await.stop().await;
    result
}

// ---------------------------------------------------------------- resolve

impl InvokeRequest {
    /// Read the payload(s) and check every flag. Fails with exit 2, and
    /// never touches AWS.
    pub async fn resolve(ctx: &Ctx<'_>, args: &InvokeArgs) -> Result<InvokeRequest> {
        let function = match &args.name {
            Some(n) => n.clone(),
            None => ctx
                .project
                .as_ref()
                .and_then(|p| p.file.name.clone())
                .ok_or_else(|| {
                    Error::usage("no function to invoke").with_hint(
                        "pass its NAME (`lamctl invoke NAME`) or set `name = \"...\"` in lamctl.toml",
                    )
                })?,
        };
        check_function_name(&function)?;
        if let Some(q) = &args.qualifier {
            check_qualifier(q)?;
        }

        let invocation_type = if args.is_async {
            InvocationType::Event
        } else {
            args.invocation_type.unwrap_or_default()
        };
        let flag_needs_sync = |flag: &str, why: &str| {
            Error::usage(format!(
                "{flag} does not work with an asynchronous invocation: {why}"
            ))
            .with_hint("leave out --async / --invocation-type event to wait for the function")
        };
        if invocation_type == InvocationType::Event {
            if args.tail {
                return Err(flag_needs_sync(
                    "--tail",
                    "Lambda returns a log tail only to a caller that waits",
                ));
            }
            if args.client_context.is_some() {
                return Err(flag_needs_sync(
                    "--client-context",
                    "Lambda passes the client context to synchronous invocations only",
                ));
            }
            if args.stream {
                return Err(flag_needs_sync(
                    "--stream",
                    "InvokeWithResponseStream is always synchronous",
                ));
            }
        }
        if args.parallel.is_some() && !args.ndjson {
            return Err(Error::usage("--parallel needs --ndjson").with_hint(
                "--ndjson invokes once per input line; --parallel N runs N of those at once",
            ));
        }
        if args.pretty && ctx.ui.json() && args.out.is_none() {
            return Err(Error::usage(
                "--pretty formats the payload on stdout, but with --output json the payload is inside the JSON document",
            )
            .with_hint("leave out --pretty, or add --out FILE to write a pretty payload to a file"));
        }
        if let Some(out) = &args.out {
            check_out_path(out)?;
        }
        let client_context = args
            .client_context
            .as_deref()
            .map(encode_client_context)
            .transpose()?;

        let (label, input) = read_input(args).await?;
        let payloads = if args.ndjson {
            split_lines(&label, &input, args.raw)?
        } else {
            if !args.raw {
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
        let (limit, limit_name) = invocation_type.payload_limit();
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
                qualifier: args.qualifier.clone(),
                client_context,
                tail: args.tail,
                stream: args.stream,
            },
            payloads,
            batch: args.ndjson.then(|| usize::from(args.parallel.unwrap_or(1))),
            pretty: args.pretty,
            out: args.out.clone(),
        })
    }
}

/// Names Lambda accepts: a plain name is checked strictly; ARNs and
/// partial ARNs (`123456789012:function:name`) by their characters only.
fn check_function_name(name: &str) -> Result<()> {
    if !name.contains(':') {
        return validate_function_name(name).map_err(|e| {
            Error::usage(e).with_hint("pass the function's name, ARN or partial ARN")
        });
    }
    let ok = name.len() <= 256
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_:.$".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!("invalid function ARN '{name}'"))
            .with_hint("an ARN looks like arn:aws:lambda:REGION:ACCOUNT:function:NAME"))
    }
}

fn check_qualifier(q: &str) -> Result<()> {
    let ok = !q.is_empty()
        && q.len() <= 128
        && q.chars()
            .all(|c| c.is_ascii_alphanumeric() || "$_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!("invalid --qualifier '{q}'")).with_hint(
            "a qualifier is a version number, $LATEST or an alias name (letters, digits, - and _)",
        ))
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
    if encoded.len() > CLIENT_CONTEXT_LIMIT {
        return Err(Error::usage(format!(
            "--client-context is {} bytes once base64-encoded, over Lambda's limit of {CLIENT_CONTEXT_LIMIT}",
            encoded.len()
        )));
    }
    Ok(encoded)
}

/// The input bytes and a label naming where they came from.
async fn read_input(args: &InvokeArgs) -> Result<(String, Vec<u8>)> {
    match args.payload.as_deref() {
        Some("-") => Ok(("standard input".into(), read_stdin().await?)),
        Some(p) if p.starts_with('@') => {
            let path = PathBuf::from(&p[1..]);
            if path.as_os_str().is_empty() {
                return Err(Error::usage("--payload @ needs a file name after the @"));
            }
            let data = tokio::fs::read(&path).await.map_err(|e| {
                Error::usage(format!("cannot read payload file {}: {e}", path.display()))
            })?;
            Ok((format!("file {}", path.display()), data))
        }
        Some(inline) => Ok(("--payload".into(), inline.as_bytes().to_vec())),
        None if !std::io::stdin().is_terminal() => {
            let data = read_stdin().await?;
            // An empty pipe or /dev/null (CI) is "no payload", not a bad one.
            if data.iter().all(u8::is_ascii_whitespace) {
                Ok(("the default {}".into(), b"{}".to_vec()))
            } else {
                Ok(("standard input".into(), data))
            }
        }
        None => Ok(("the default {}".into(), b"{}".to_vec())),
    }
}

/// Read all of stdin on a blocking thread, so Ctrl-C still interrupts.
async fn read_stdin() -> Result<Vec<u8>> {
    tokio::task::spawn_blocking(|| {
        let mut data = Vec::new();
        std::io::stdin().lock().read_to_end(&mut data).map(|_| data)
    })
    .await
    .map_err(|e| Error::failed(format!("reading standard input stopped: {e}")))?
    .map_err(|e| Error::usage(format!("cannot read standard input: {e}")))
}

/// --ndjson: one payload per non-blank line, each checked (unless --raw).
fn split_lines(label: &str, input: &[u8], raw: bool) -> Result<Vec<Payload>> {
    let mut out = Vec::new();
    for (i, line) in input.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if !raw {
            check_json(line).map_err(|(_, c, m)| {
                Error::usage(format!(
                    "line {} of {label} is not valid JSON: column {c}: {m}",
                    i + 1
                ))
                .with_hint(
                    "--ndjson takes one JSON document per line; --raw sends lines as they are",
                )
            })?;
        }
        out.push(Payload {
            line: Some(i + 1),
            bytes: line.to_vec(),
        });
    }
    if out.is_empty() {
        return Err(Error::usage(format!("--ndjson found no lines in {label}")));
    }
    Ok(out)
}

/// `Err((line, column, message))` when `data` is not one JSON document.
fn check_json(data: &[u8]) -> std::result::Result<(), (usize, usize, String)> {
    serde_json::from_slice::<serde::de::IgnoredAny>(data)
        .map(|_| ())
        .map_err(|e| json_error(&e))
}

fn json_error(e: &serde_json::Error) -> (usize, usize, String) {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let msg = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
    (e.line(), e.column(), msg)
}

// ---------------------------------------------------------------- cloud

/// The cloud backend: Lambda's Invoke and InvokeWithResponseStream.
#[derive(Clone)]
pub struct Cloud {
    aws: Arc<AwsContext>,
    client: aws_sdk_lambda::Client,
}

impl Cloud {
    pub async fn new(aws: Arc<AwsContext>, inv: &Invocation) -> Cloud {
        // A synchronous call lasts as long as the function runs (up to 15
        // minutes): the default 60 s read timeout would cut it.
        let client = if inv.invocation_type == InvocationType::RequestResponse || inv.stream {
            aws.lambda_with_timeout(Some(aws.read_timeout().max(LONGEST_RUN)))
                .await
        } else {
            aws.lambda().await
        };
        Cloud { aws, client }
    }

    /// One Invoke call.
    pub async fn invoke(&self, inv: &Invocation, payload: Vec<u8>) -> Result<InvokeOutcome> {
        let mut call = self
            .client
            .invoke()
            .function_name(&inv.function)
            .invocation_type(inv.invocation_type.api())
            .payload(Blob::new(payload))
            .set_qualifier(inv.qualifier.clone())
            .set_client_context(inv.client_context.clone());
        if inv.tail {
            call = call.log_type(LogType::Tail);
        }
        let out = call
            .send()
            .await
            .map_err(|e| self.call_error(inv, "Invoke", e))?;
        Ok(InvokeOutcome {
            status_code: out.status_code(),
            executed_version: out.executed_version().map(String::from),
            request_id: out.request_id().map(String::from),
            function_error: out.function_error().map(String::from),
            log_tail: out.log_result().and_then(decode_tail),
            payload: out.payload.map(Blob::into_inner).unwrap_or_default(),
            error_details: None,
            streamed: false,
        })
    }

    /// One InvokeWithResponseStream call; chunks go to `sink` as they arrive.
    pub async fn invoke_stream(
        &self,
        inv: &Invocation,
        payload: Vec<u8>,
        sink: &mut PayloadSink,
    ) -> Result<InvokeOutcome> {
        let kind = match inv.invocation_type {
            InvocationType::DryRun => ResponseStreamingInvocationType::DryRun,
            _ => ResponseStreamingInvocationType::RequestResponse,
        };
        let mut call = self
            .client
            .invoke_with_response_stream()
            .function_name(&inv.function)
            .invocation_type(kind)
            .payload(Blob::new(payload))
            .set_qualifier(inv.qualifier.clone())
            .set_client_context(inv.client_context.clone());
        if inv.tail {
            call = call.log_type(LogType::Tail);
        }
        const OP: &str = "InvokeWithResponseStream";
        let mut out = call.send().await.map_err(|e| self.call_error(inv, OP, e))?;
        let mut outcome = InvokeOutcome {
            status_code: out.status_code(),
            executed_version: out.executed_version().map(String::from),
            request_id: out.request_id().map(String::from),
            ..Default::default()
        };
        let mut complete = inv.invocation_type == InvocationType::DryRun;
        loop {
            match out.event_stream.recv().await {
                Ok(Some(InvokeWithResponseStreamResponseEvent::PayloadChunk(c))) => {
                    if let Some(b) = c.payload() {
                        sink.write(b.as_ref())?;
                    }
                }
                Ok(Some(InvokeWithResponseStreamResponseEvent::InvokeComplete(c))) => {
                    complete = true;
                    outcome.function_error = c.error_code().map(String::from);
                    outcome.error_details = c.error_details().map(|d| d.as_bytes().to_vec());
                    outcome.log_tail = c.log_result().and_then(decode_tail);
                }
                // An event type newer than this SDK: nothing to show.
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => return Err(self.aws.error(Service::Lambda, OP, e)),
            }
        }
        if !complete {
            return Err(Error::failed(format!(
                "the response stream of {} in {} ended before Lambda said it was complete; the payload may be cut",
                inv.label(),
                self.aws.region.value
            )));
        }
        outcome.streamed = sink.delivers();
        outcome.payload = sink.take_kept();
        Ok(outcome)
    }

    /// Errors that name the function and region; the rest go through the
    /// shared mapping.
    fn call_error<E>(&self, inv: &Invocation, op: &str, err: SdkError<E, HttpResponse>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let region = &self.aws.region.value;
        if let SdkError::ServiceError(se) = &err {
            let code = se.err().code();
            let status = se.raw().status().as_u16();
            let msg = se.err().message().unwrap_or("no message");
            // The API answers 404 only for a missing function, version or alias.
            if code == Some("ResourceNotFoundException") || (code.is_none() && status == 404) {
                return Error::Aws {
                    message: format!("function {} not found in {region}", inv.label()),
                    hint: Some(match &inv.qualifier {
                        Some(_) => {
                            "check the name, the version or alias (--qualifier) and --region".into()
                        }
                        None => "check the name and --region; `lamctl deploy` creates the function"
                            .into(),
                    }),
                    code: None,
                    status: None,
                };
            }
            if code == Some("TooManyRequestsException") || status == 429 {
                return Error::Aws {
                    message: format!(
                        "Lambda throttled the invocation of {} in {region} ({}: {msg})",
                        inv.label(),
                        code.unwrap_or("TooManyRequestsException")
                    ),
                    hint: Some(
                        "the function or account concurrency limit is reached; retry later or raise the function's reserved concurrency".into(),
                    ),
                    code: None,
                    status: None,
                };
            }
        }
        self.aws.error(Service::Lambda, op, err)
    }
}

/// LogResult is base64; a bad one is reported in -v and otherwise skipped.
fn decode_tail(b64: &str) -> Option<String> {
    match BASE64.decode(b64.trim()) {
        Ok(raw) => Some(String::from_utf8_lossy(&raw).into_owned()),
        Err(e) => {
            tracing::warn!("the log tail Lambda returned is not base64 ({e})");
            None
        }
    }
}

/// Where a streamed payload goes as it arrives: stdout or --out; with
/// --output json a copy is also kept for the one JSON document.
pub struct PayloadSink {
    dest: Dest,
    keep: Option<Vec<u8>>,
}

enum Dest {
    /// Only kept (--output json without --out).
    Nowhere,
    Stdout {
        tty: bool,
        last: Option<u8>,
    },
    File {
        path: PathBuf,
        file: Option<std::fs::File>,
    },
}

impl PayloadSink {
    pub fn for_stream(ui: &Ui, req: &InvokeRequest) -> PayloadSink {
        let dest = match (&req.out, ui.json()) {
            (Some(path), _) => Dest::File {
                path: path.clone(),
                file: None,
            },
            (None, true) => Dest::Nowhere,
            (None, false) => Dest::Stdout {
                tty: ui.stdout_tty,
                last: None,
            },
        };
        PayloadSink {
            dest,
            keep: ui.json().then(Vec::new),
        }
    }

    /// True when the payload went to stdout or --out as it arrived.
    pub fn delivers(&self) -> bool {
        !matches!(self.dest, Dest::Nowhere)
    }

    pub fn write(&mut self, chunk: &[u8]) -> Result<()> {
        if let Some(k) = &mut self.keep {
            k.extend_from_slice(chunk);
        }
        match &mut self.dest {
            Dest::Nowhere => Ok(()),
            Dest::Stdout { last, .. } => {
                if let Some(b) = chunk.last() {
                    *last = Some(*b);
                }
                write_stdout(chunk)
            }
            Dest::File { path, file } => {
                if file.is_none() {
                    *file = Some(std::fs::File::create(&*path).map_err(|e| Error::io(&*path, e))?);
                }
                let f = file.as_mut().expect("opened above");
                f.write_all(chunk).map_err(|e| Error::io(&*path, e))
            }
        }
    }

    /// Close off: create an empty --out file for an empty response, end a
    /// terminal's output with a newline.
    pub fn finish(&mut self) -> Result<()> {
        match &mut self.dest {
            Dest::Stdout { tty: true, last } if last.is_some_and(|b| b != b'\n') => {
                write_stdout(b"\n")
            }
            Dest::File { path, file } => {
                let f = match file.take() {
                    Some(f) => f,
                    None => std::fs::File::create(&*path).map_err(|e| Error::io(&*path, e))?,
                };
                f.sync_all().map_err(|e| Error::io(&*path, e))
            }
            _ => Ok(()),
        }
    }

    fn take_kept(&mut self) -> Vec<u8> {
        self.keep.take().unwrap_or_default()
    }
}

// ---------------------------------------------------------------- report

/// Render one outcome: log tail on stderr, payload on stdout (or --out, or
/// inside the JSON document), then exit 3 when the function failed.
pub fn report(ui: &Ui, req: &InvokeRequest, outcome: &InvokeOutcome) -> Result<()> {
    let inv = &req.invocation;
    if inv.tail
        && let Some(tail) = &outcome.log_tail
    {
        print_tail(ui, inv, outcome.request_id.as_deref(), tail);
    }
    ui.detail(format!(
        "status {}, executed version {}, request id {}",
        outcome.status_code,
        outcome.executed_version.as_deref().unwrap_or("-"),
        outcome.request_id.as_deref().unwrap_or("-")
    ));

    if !outcome.streamed
        && let Some(path) = &req.out
    {
        let data = if req.pretty {
            pretty_json(&outcome.payload).unwrap_or_else(|| outcome.payload.clone())
        } else {
            outcome.payload.clone()
        };
        std::fs::write(path, &data).map_err(|e| Error::io(path, e))?;
        if !ui.json() {
            ui.note(format!(
                "wrote the response ({}) to {}",
                bytes(data.len() as u64),
                path.display()
            ));
        }
    }
    if ui.json() {
        let doc = OutcomeJson::new(None, inv, outcome);
        let mut text = serde_json::to_string_pretty(&doc)
            .map_err(|e| Error::failed(format!("cannot render JSON: {e}")))?;
        text.push('\n');
        write_stdout(text.as_bytes())?;
    } else if req.out.is_none() && !outcome.streamed {
        write_payload(ui, req.pretty, &outcome.payload)?;
    }

    let rid = outcome
        .request_id
        .as_deref()
        .map(|r| format!(", request id {r}"))
        .unwrap_or_default();
    match inv.invocation_type {
        InvocationType::Event => ui.note(format!(
            "queued {} for asynchronous invocation (status {}{rid})",
            inv.label(),
            outcome.status_code
        )),
        InvocationType::DryRun => ui.note(format!(
            "dry run: {} can be invoked (status {})",
            inv.label(),
            outcome.status_code
        )),
        InvocationType::RequestResponse => {}
    }

    match &outcome.function_error {
        Some(kind) => {
            let failure = FunctionFailure::parse(kind, outcome.error_doc());
            let mut err = std::io::stderr().lock();
            for line in &failure.stack {
                let _ = writeln!(err, "{}", ui.paint(DIM, line));
            }
            Err(Error::Function {
                error_type: failure.error_type,
                message: failure.message,
            })
        }
        None => Ok(()),
    }
}

impl InvokeOutcome {
    /// The document describing a function error.
    pub fn error_doc(&self) -> &[u8] {
        self.error_details.as_deref().unwrap_or(&self.payload)
    }
}

/// The payload on stdout: byte for byte, or pretty-printed with --pretty or
/// (when it is JSON) on a terminal.
fn write_payload(ui: &Ui, pretty: bool, payload: &[u8]) -> Result<()> {
    if (pretty || ui.stdout_tty)
        && let Some(p) = pretty_json(payload)
    {
        return write_stdout(&p);
    }
    if ui.stdout_tty && payload.last().is_some_and(|&b| b != b'\n') {
        let mut out = std::io::stdout().lock();
        out.write_all(payload).map_err(stdout_error)?;
        out.write_all(b"\n").map_err(stdout_error)?;
        return out.flush().map_err(stdout_error);
    }
    write_stdout(payload)
}

/// The decoded tail on stderr; START/END/REPORT dimmed and error lines
/// highlighted when colour is on; a note when Lambda cut it.
fn print_tail(ui: &Ui, inv: &Invocation, request_id: Option<&str>, tail: &str) {
    let mut err = std::io::stderr().lock();
    for line in tail.lines() {
        let line = line.trim_end_matches('\r');
        let shown = if is_marker_line(line) {
            ui.paint(DIM, line)
        } else if is_error_line(line) {
            ui.paint(ERROR, line)
        } else {
            line.to_string()
        };
        let _ = writeln!(err, "{shown}");
    }
    if tail.len() >= LOG_TAIL_LIMIT {
        let more = match request_id {
            Some(id) => format!("lamctl logs {} --request-id {id}", inv.function),
            None => format!("lamctl logs {}", inv.function),
        };
        let _ = writeln!(
            err,
            "{} the log tail was cut to Lambda's last 4 KB; see the whole log with `{more}`",
            ui.paint(HINT, "note:")
        );
    }
}

fn is_marker_line(line: &str) -> bool {
    ["START ", "END ", "REPORT ", "INIT_START ", "INIT_REPORT "]
        .iter()
        .any(|p| line.starts_with(p))
}

fn is_error_line(line: &str) -> bool {
    [
        "ERROR",
        "Traceback",
        "Task timed out",
        "Exception",
        "Error:",
    ]
    .iter()
    .any(|p| line.contains(p))
}

/// A function's error document: `{"errorType", "errorMessage", "stackTrace"}`.
#[derive(Debug, PartialEq)]
pub struct FunctionFailure {
    pub error_type: String,
    pub message: String,
    pub stack: Vec<String>,
}

impl FunctionFailure {
    /// Read what the runtimes send; fall back to the X-Amz-Function-Error
    /// value and the raw document.
    pub fn parse(kind: &str, doc: &[u8]) -> FunctionFailure {
        let value: Option<serde_json::Value> = serde_json::from_slice(doc).ok();
        let obj = value.as_ref().and_then(|v| v.as_object());
        let field = |k: &str| {
            obj.and_then(|o| o.get(k))
                .and_then(|v| v.as_str())
                .filter(|s| !s.trim().is_empty())
                .map(String::from)
        };
        let error_type = field("errorType").unwrap_or_else(|| kind.to_string());
        let message = field("errorMessage")
            .or_else(|| value.as_ref().and_then(|v| v.as_str()).map(String::from))
            .or_else(|| {
                let text = String::from_utf8_lossy(doc).trim().to_string();
                (!text.is_empty() && obj.is_none()).then(|| {
                    let mut t: String = text.chars().take(300).collect();
                    if t.len() < text.len() {
                        t.push('…');
                    }
                    t
                })
            })
            .unwrap_or_else(|| "the function reported an error".to_string());
        let mut stack = Vec::new();
        // Node and Python send "stackTrace"; some streaming runtimes "trace".
        let frames = obj.and_then(|o| o.get("stackTrace").or_else(|| o.get("trace")));
        if let Some(serde_json::Value::Array(frames)) = frames {
            for f in frames {
                let text = match f {
                    serde_json::Value::String(s) => s.clone(),
                    // Older Python runtimes: [file, line, function, code].
                    serde_json::Value::Array(parts) => parts
                        .iter()
                        .map(|p| p.as_str().map_or_else(|| p.to_string(), String::from))
                        .collect::<Vec<_>>()
                        .join(" "),
                    other => other.to_string(),
                };
                stack.extend(
                    text.lines()
                        .map(|l| l.trim_end().to_string())
                        .filter(|l| !l.is_empty()),
                );
            }
        }
        FunctionFailure {
            error_type,
            message,
            stack,
        }
    }
}

/// The `--output json` document (and, with `line`, one --ndjson line).
#[derive(Debug, Serialize)]
pub struct OutcomeJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub status_code: i32,
    pub executed_version: Option<&'a str>,
    pub request_id: Option<&'a str>,
    pub function_error: Option<&'a str>,
    pub payload: PayloadJson<'a>,
    pub log_tail: Option<&'a str>,
}

impl<'a> OutcomeJson<'a> {
    pub fn new(line: Option<usize>, inv: &Invocation, o: &'a InvokeOutcome) -> Self {
        OutcomeJson {
            line,
            status_code: o.status_code,
            executed_version: o.executed_version.as_deref(),
            request_id: o.request_id.as_deref(),
            function_error: o.function_error.as_deref(),
            payload: PayloadJson(&o.payload),
            log_tail: o.log_tail.as_deref().filter(|_| inv.tail),
        }
    }
}

/// A payload inside JSON: the JSON itself (verbatim, numbers and key order
/// kept) when it is JSON, else a string; null when empty.
#[derive(Debug)]
pub struct PayloadJson<'a>(pub &'a [u8]);

impl Serialize for PayloadJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0.iter().all(u8::is_ascii_whitespace) {
            return s.serialize_none();
        }
        if let Ok(text) = std::str::from_utf8(self.0)
            && let Ok(raw) = serde_json::from_str::<&serde_json::value::RawValue>(text)
        {
            return raw.serialize(s);
        }
        s.serialize_str(&String::from_utf8_lossy(self.0))
    }
}

/// Re-indent JSON (two spaces) without parsing it into a map, so key order
/// and number spelling stay as the function wrote them. None if not JSON.
pub fn pretty_json(src: &[u8]) -> Option<Vec<u8>> {
    check_json(src).ok()?;
    let mut out = Vec::with_capacity(src.len() + src.len() / 2);
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.resize(out.len() + 2 * depth, b' ');
    };
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    let mut i = 0;
    while i < src.len() {
        let c = src[i];
        i += 1;
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_str = false;
            }
            continue;
        }
        match c {
            b'"' => {
                in_str = true;
                out.push(c);
            }
            b'{' | b'[' => {
                let close = if c == b'{' { b'}' } else { b']' };
                let next = src[i..]
                    .iter()
                    .position(|b| !b.is_ascii_whitespace())
                    .map(|p| i + p);
                if next.is_some_and(|n| src[n] == close) {
                    out.extend([c, close]);
                    i = next.unwrap_or(i) + 1;
                } else {
                    depth += 1;
                    out.push(c);
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            b',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            b':' => out.extend(b": "),
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => out.push(c),
        }
    }
    out.push(b'\n');
    Some(out)
}

// ---------------------------------------------------------------- --ndjson

/// Invoke once per payload, `parallel` at a time, and print one JSON line
/// per invocation in input order. Exit 1 if any call failed, else 3 if any
/// function reported an error.
pub async fn run_batch<F, Fut>(
    ui: &Ui,
    req: &InvokeRequest,
    parallel: usize,
    invoke: F,
) -> Result<()>
where
    F: Fn(Vec<u8>) -> Fut,
    Fut: Future<Output = Result<InvokeOutcome>> + Send + 'static,
{
    let inv = &req.invocation;
    let total = req.payloads.len();
    let mut queue = req.payloads.iter();
    let mut running = VecDeque::new();
    let mut failed_calls: Vec<(usize, Error)> = Vec::new();
    let mut function_errors: Vec<(usize, FunctionFailure)> = Vec::new();
    loop {
        while running.len() < parallel.max(1) {
            let Some(p) = queue.next() else { break };
            let line = p.line.unwrap_or(0);
            running.push_back((line, tokio::spawn(invoke(p.bytes.clone()))));
        }
        let Some((line, handle)) = running.pop_front() else {
            break;
        };
        let result = handle
            .await
            .map_err(|e| Error::failed(format!("the invocation of line {line} stopped: {e}")))?;
        let text = match result {
            Ok(outcome) => {
                if inv.tail
                    && let Some(tail) = &outcome.log_tail
                {
                    print_tail(ui, inv, outcome.request_id.as_deref(), tail);
                }
                if let Some(kind) = &outcome.function_error {
                    let f = FunctionFailure::parse(kind, outcome.error_doc());
                    ui.warn(format!("line {line}: {}: {}", f.error_type, f.message));
                    function_errors.push((line, f));
                }
                serde_json::to_string(&OutcomeJson::new(Some(line), inv, &outcome))
            }
            Err(e) => {
                ui.warn(format!("line {line}: {e}"));
                let text = serde_json::to_string(&serde_json::json!({
                    "line": line,
                    "error": e.to_string(),
                }));
                failed_calls.push((line, e));
                text
            }
        };
        let mut text = text.map_err(|e| Error::failed(format!("cannot render JSON: {e}")))?;
        text.push('\n');
        write_stdout(text.as_bytes())?;
    }

    if let Some((line, e)) = failed_calls.first() {
        let err = Error::Aws {
            message: format!(
                "{} of {total} invocations failed; the first, line {line}: {e}",
                failed_calls.len()
            ),
            hint: e.hint().map(String::from),
            code: None,
            status: None,
        };
        return Err(err);
    }
    if let Some((line, f)) = function_errors.first() {
        return Err(Error::Function {
            error_type: f.error_type.clone(),
            message: format!(
                "{} (line {line}; {} of {total} invocations reported a function error)",
                f.message,
                function_errors.len()
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_keeps_order_and_numbers() {
        let p = pretty_json(br#"{"b":1.50,"a":[1, 2,{}],"s":"x, y: {z}\"]","e":[ ]}"#).unwrap();
        assert_eq!(
            String::from_utf8(p).unwrap(),
            "{\n  \"b\": 1.50,\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n  \"s\": \"x, y: {z}\\\"]\",\n  \"e\": []\n}\n"
        );
        assert_eq!(pretty_json(b"42").unwrap(), b"42\n");
        assert!(pretty_json(b"{nope").is_none());
    }

    #[test]
    fn json_errors_have_line_and_column() {
        let (l, c, m) = check_json(b"{\n  \"a\": 1,\n  \"b\" 2\n}").unwrap_err();
        assert_eq!((l, c), (3, 7));
        assert_eq!(m, "expected `:`");
    }

    #[test]
    fn failure_documents() {
        let f = FunctionFailure::parse(
            "Unhandled",
            br#"{"errorType":"ValueError","errorMessage":"bad k","stackTrace":["  File \"/var/task/app.py\", line 3, in handler\n    raise ValueError(\"bad k\")\n"]}"#,
        );
        assert_eq!(f.error_type, "ValueError");
        assert_eq!(f.message, "bad k");
        assert_eq!(
            f.stack,
            vec![
                "  File \"/var/task/app.py\", line 3, in handler",
                "    raise ValueError(\"bad k\")"
            ]
        );
        let f = FunctionFailure::parse(
            "Unhandled",
            br#"{"errorMessage":"2024-01-01T00:00:00Z 1 Task timed out after 3.00 seconds"}"#,
        );
        assert_eq!(f.error_type, "Unhandled");
        assert!(f.message.contains("Task timed out"));
        let f = FunctionFailure::parse("Handled", b"not json");
        assert_eq!(
            (f.error_type.as_str(), f.message.as_str()),
            ("Handled", "not json")
        );
        let f = FunctionFailure::parse("Unhandled", b"");
        assert_eq!(f.message, "the function reported an error");
    }

    #[test]
    fn payload_json_is_verbatim_string_or_null() {
        let s = |b: &[u8]| serde_json::to_string(&PayloadJson(b)).unwrap();
        assert_eq!(
            s(br#"{"z":1,"a":12345678901234567890123}"#),
            r#"{"z":1,"a":12345678901234567890123}"#
        );
        assert_eq!(s(b"plain text"), r#""plain text""#);
        assert_eq!(s(b""), "null");
    }

    #[test]
    fn names_and_qualifiers() {
        assert!(check_function_name("my-fn_1").is_ok());
        assert!(check_function_name("arn:aws:lambda:us-east-1:123456789012:function:f").is_ok());
        assert!(check_function_name("123456789012:function:f").is_ok());
        assert!(check_function_name("bad name").is_err());
        assert!(check_function_name("bad/arn:x").is_err());
        assert!(check_qualifier("$LATEST").is_ok());
        assert!(check_qualifier("live").is_ok());
        assert!(check_qualifier("no way").is_err());
    }
}
