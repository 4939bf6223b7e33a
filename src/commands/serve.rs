//! `lamctl serve [--port P] [--watch]`: keep a function warm on this
//! machine and serve the Lambda Invoke API for it on 127.0.0.1, so the AWS
//! CLI, the SDKs and `lamctl invoke --endpoint-url` can call it.

use std::collections::hash_map::DefaultHasher;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::Mutex;

use super::Ctx;
use crate::cli::serve::ServeArgs;
use crate::error::{Error, Result};
use crate::local::def::LOCAL_ACCOUNT;
use crate::local::{Function, InvokeRequest, LocalDef, LocalOutcome, LogSink, MAX_REQUEST_BYTES};
use crate::output::Ui;

/// The largest event of an asynchronous (`Event`) invoke.
const MAX_EVENT_BYTES: usize = 1_048_576;
/// How often `--watch` looks at the function's files.
const WATCH_INTERVAL: Duration = Duration::from_millis(500);

/// The result on stdout: the bound port (text), or this document (JSON).
#[derive(Debug, Serialize)]
pub struct Serving {
    pub function: String,
    pub url: String,
    pub port: u16,
}

impl fmt::Display for Serving {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.port)
    }
}

struct State {
    function: Mutex<Function>,
    /// The served name and region (they change when --watch re-reads lamctl.toml).
    name: RwLock<(String, String)>,
    ui: Ui,
}

pub async fn run(ctx: &Ctx<'_>, args: &ServeArgs) -> Result<()> {
    // Resolve and check everything before binding or starting anything.
    let def = args.local.resolve(ctx).await?;
    let listener = TcpListener::bind(("127.0.0.1", args.port))
        .await
        .map_err(|e| {
            Error::failed(format!("cannot listen on 127.0.0.1:{}: {e}", args.port))
                .with_hint("pick another port with --port, or --port 0 for any free one")
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::failed(format!("cannot read the bound address: {e}")))?;

    let sink: Option<LogSink> = (!ctx.ui.quiet).then(|| {
        Arc::new(|bytes: &[u8]| {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(bytes);
            let _ = err.flush();
        }) as LogSink
    });
    let name = def.name.clone();
    let url = format!("http://{addr}");
    ctx.ui.note(format!(
        "serving {name} ({}) at {url}{}\n  try: aws lambda invoke --endpoint-url {url} --function-name {name} --log-type Tail out.json",
        def.runtime,
        if args.watch { ", restarting it when its files change" } else { "" }
    ));
    let watched = watch_paths(&def);
    // Taken before the port is announced, so no edit after it goes unseen.
    let initial = if args.watch { fingerprint(&watched) } else { 0 };
    let state = Arc::new(State {
        name: RwLock::new((def.name.clone(), def.region.clone())),
        function: Mutex::new(Function::start_with_sink(def, sink).await?),
        ui: ctx.ui.clone(),
    });
    ctx.ui.result(&Serving {
        function: name,
        url,
        port: addr.port(),
    })?;

    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| Error::failed(format!("cannot handle SIGTERM: {e}")))?;
    tokio::select! {
        r = accept_loop(listener, Arc::clone(&state)) => r?,
        _ = watch_loop(ctx, args, watched, initial, Arc::clone(&state)), if args.watch => {}
        _ = term.recv() => {
            ctx.ui.note("stopping (SIGTERM)");
        }
    }
    state.function.lock().await.stop().await;
    Ok(())
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) -> Result<()> {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let state = Arc::clone(&state);
                async move { Ok::<_, std::convert::Infallible>(handle(state, req).await) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

type Resp = Response<Full<Bytes>>;

/// An error in the Lambda REST-JSON wire format, which the SDKs and the
/// AWS CLI turn into their typed exceptions.
fn aws_error(status: StatusCode, code: &str, message: &str) -> Resp {
    Response::builder()
        .status(status)
        .header("Content-Type", "application/json")
        .header("x-amzn-ErrorType", code)
        .header("x-amzn-RequestId", crate::local::report::request_id())
        .body(Full::new(Bytes::from(
            serde_json::json!({ "Type": "User", "message": message }).to_string(),
        )))
        .expect("static response")
}

async fn handle(state: Arc<State>, req: Request<Incoming>) -> Resp {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let target = path
        .strip_prefix("/2015-03-31/functions/")
        .and_then(|r| r.strip_suffix("/invocations"));
    let (Some(raw_name), true) = (target, req.method() == Method::POST) else {
        return aws_error(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            &format!(
                "lamctl serve implements only Invoke (POST /2015-03-31/functions/NAME/invocations), not {} {path}",
                req.method()
            ),
        );
    };
    let name = percent_decode(raw_name);
    let qualifier = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("Qualifier="))
        .map(percent_decode);
    let (served, region) = state.name.read().expect("name lock").clone();
    if !names_function(&name, qualifier.as_deref(), &served) {
        let shown = match &qualifier {
            Some(q) => format!("{name}:{q}"),
            None => name.clone(),
        };
        let arn = if shown.starts_with("arn:") {
            shown
        } else {
            format!("arn:aws:lambda:{region}:{LOCAL_ACCOUNT}:function:{shown}")
        };
        return aws_error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Function not found: {arn}"),
        );
    }
    let header = |n: &str| {
        req.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let invocation_type =
        header("x-amz-invocation-type").unwrap_or_else(|| "RequestResponse".into());
    let tail = match header("x-amz-log-type").as_deref() {
        None | Some("None") => false,
        Some("Tail") => true,
        Some(other) => {
            return aws_error(
                StatusCode::BAD_REQUEST,
                "InvalidParameterValueException",
                &format!("LogType '{other}' is not valid: use None or Tail"),
            );
        }
    };
    let client_context = match header("x-amz-client-context") {
        None => None,
        Some(b64) => match base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        {
            Some(json) => Some(json),
            None => {
                return aws_error(
                    StatusCode::BAD_REQUEST,
                    "InvalidParameterValueException",
                    "Client context must be a valid Base64-encoded JSON object.",
                );
            }
        },
    };
    let limit = match invocation_type.as_str() {
        "RequestResponse" | "DryRun" => MAX_REQUEST_BYTES,
        "Event" => MAX_EVENT_BYTES,
        other => {
            return aws_error(
                StatusCode::BAD_REQUEST,
                "InvalidParameterValueException",
                &format!(
                    "InvocationType '{other}' is not valid: use RequestResponse, Event or DryRun"
                ),
            );
        }
    };
    let payload = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return aws_error(
                StatusCode::BAD_REQUEST,
                "InvalidRequestContentException",
                "the request body could not be read",
            );
        }
    };
    if payload.len() > limit {
        return aws_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLargeException",
            &format!("Request must be smaller than {limit} bytes for the InvokeFunction operation"),
        );
    }
    if !payload.is_empty()
        && let Err(e) = serde_json::from_slice::<serde_json::Value>(&payload)
    {
        return aws_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestContentException",
            &format!("Could not parse request body into json: {e}"),
        );
    }
    let request = InvokeRequest {
        payload: payload.to_vec(),
        client_context,
        cognito_identity: None,
        tail,
    };
    match invocation_type.as_str() {
        "DryRun" => Response::builder()
            .status(StatusCode::NO_CONTENT)
            .header("x-amzn-RequestId", crate::local::report::request_id())
            .body(Full::new(Bytes::new()))
            .expect("static response"),
        "Event" => {
            let request_id = crate::local::report::request_id();
            let state = Arc::clone(&state);
            // Queued behind any running invocation, like the cloud's event queue.
            tokio::spawn(async move {
                let r = state.function.lock().await.invoke(request).await;
                log_outcome(&state.ui, "Event", &r);
            });
            Response::builder()
                .status(StatusCode::ACCEPTED)
                .header("x-amzn-RequestId", request_id)
                .body(Full::new(Bytes::new()))
                .expect("static response")
        }
        _ => {
            let started = Instant::now();
            let r = state.function.lock().await.invoke(request).await;
            log_outcome(
                &state.ui,
                &format!("{:.1} ms", started.elapsed().as_secs_f64() * 1000.0),
                &r,
            );
            match r {
                Ok(o) => invoke_response(o),
                Err(e) if e.code() == 2 => aws_error(
                    StatusCode::BAD_REQUEST,
                    "InvalidRequestContentException",
                    &e.to_string(),
                ),
                Err(e) => aws_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "ServiceException",
                    &e.to_string(),
                ),
            }
        }
    }
}

fn invoke_response(o: LocalOutcome) -> Resp {
    let mut b = Response::builder()
        .status(StatusCode::from_u16(o.status_code as u16).unwrap_or(StatusCode::OK))
        .header("Content-Type", "application/json");
    if let Some(v) = &o.executed_version {
        b = b.header("X-Amz-Executed-Version", v);
    }
    if let Some(id) = &o.request_id {
        b = b.header("x-amzn-RequestId", id);
    }
    if let Some(fe) = &o.function_error {
        b = b.header("X-Amz-Function-Error", fe);
    }
    if let Some(t) = &o.log_tail {
        b = b.header(
            "X-Amz-Log-Result",
            base64::engine::general_purpose::STANDARD.encode(t.as_bytes()),
        );
    }
    b.body(Full::new(Bytes::from(o.payload)))
        .expect("valid headers")
}

fn log_outcome(ui: &Ui, what: &str, r: &Result<LocalOutcome>) {
    match r {
        Ok(o) => ui.detail(format!(
            "invoked ({what}): {}{}",
            o.request_id.as_deref().unwrap_or("-"),
            o.function_error
                .as_deref()
                .map(|e| format!(", function error {e}"))
                .unwrap_or_default()
        )),
        Err(e) => ui.warn(format!("invoke failed: {e}")),
    }
}

/// Does the request's FunctionName (name, partial or full ARN, with an
/// optional `:QUALIFIER`) and `Qualifier` name the served function?
fn names_function(name: &str, qualifier: Option<&str>, served: &str) -> bool {
    let (base, inline_qualifier) = if let Some(rest) = name.strip_prefix("arn:") {
        // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
        let parts: Vec<&str> = rest.split(':').collect();
        match parts.as_slice() {
            [_, "lambda", _, _, "function", n] => (n.to_string(), None),
            [_, "lambda", _, _, "function", n, q] => (n.to_string(), Some(q.to_string())),
            _ => return false,
        }
    } else {
        let parts: Vec<&str> = name.split(':').collect();
        match parts.as_slice() {
            [n] => (n.to_string(), None),
            [n, q] => (n.to_string(), Some(q.to_string())),
            [_, "function", n] => (n.to_string(), None),
            [_, "function", n, q] => (n.to_string(), Some(q.to_string())),
            _ => return false,
        }
    };
    let q_ok = |q: Option<&str>| q.is_none_or(|q| q == "$LATEST");
    base == served && q_ok(inline_qualifier.as_deref()) && q_ok(qualifier)
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The function's directory and, when it lies outside, its lamctl.toml.
fn watch_paths(def: &LocalDef) -> Vec<PathBuf> {
    let mut v = vec![def.task_root.clone()];
    if let Some(c) = &def.config
        && let Ok(c) = c.canonicalize()
        && !c.starts_with(&def.task_root)
    {
        v.push(c);
    }
    v
}

/// Poll a fingerprint of the watched files every 500 ms; restart the
/// function once a change has settled (no further change for one poll).
async fn watch_loop(
    ctx: &Ctx<'_>,
    args: &ServeArgs,
    mut paths: Vec<PathBuf>,
    initial: u64,
    state: Arc<State>,
) {
    let scan = |paths: Vec<PathBuf>| async move {
        tokio::task::spawn_blocking(move || fingerprint(&paths))
            .await
            .unwrap_or(0)
    };
    let mut last = initial;
    let mut settling = false;
    loop {
        tokio::time::sleep(WATCH_INTERVAL).await;
        let now = scan(paths.clone()).await;
        if now != last {
            last = now;
            settling = true;
            continue;
        }
        if !settling {
            continue;
        }
        settling = false;
        let def = match args.local.resolve(ctx).await {
            Ok(d) => d,
            Err(e) => {
                ctx.ui
                    .warn(format!("{e}; still running the previous version"));
                continue;
            }
        };
        ctx.ui
            .note(format!("files changed: restarting {}", def.name));
        let new_name = (def.name.clone(), def.region.clone());
        let new_paths = watch_paths(&def);
        let mut f = state.function.lock().await;
        match f.restart(def).await {
            Ok(()) => {
                *state.name.write().expect("name lock") = new_name;
                paths = new_paths;
                last = scan(paths.clone()).await;
            }
            Err(e) => ctx
                .ui
                .warn(format!("{e}; still running the previous version")),
        }
    }
}

/// Names that change on their own (bytecode caches, editors' swap files,
/// lamctl's own output) and so must not trigger a restart.
fn ignored(name: &str) -> bool {
    matches!(
        name,
        ".git" | "__pycache__" | ".lamctl" | ".mypy_cache" | ".pytest_cache" | ".ruff_cache"
    ) || name.ends_with(".pyc")
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with('~')
        || name.starts_with(".#")
}

/// A hash of every watched file's path, size and modification time.
fn fingerprint(paths: &[PathBuf]) -> u64 {
    fn walk(p: &Path, h: &mut DefaultHasher, budget: &mut usize) {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        let Ok(meta) = std::fs::metadata(p) else {
            return;
        };
        p.hash(h);
        if meta.is_dir() {
            let Ok(rd) = std::fs::read_dir(p) else { return };
            let mut entries: Vec<_> = rd
                .flatten()
                .filter(|e| !ignored(&e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect();
            entries.sort();
            for e in entries {
                walk(&e, h, budget);
            }
        } else {
            meta.len().hash(h);
            meta.modified().ok().hash(h);
        }
    }
    let mut h = DefaultHasher::new();
    let mut budget = 200_000;
    for p in paths {
        walk(p, &mut h, &mut budget);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_and_qualifiers() {
        assert!(names_function("hello", None, "hello"));
        assert!(names_function("hello", Some("$LATEST"), "hello"));
        assert!(names_function("hello:$LATEST", None, "hello"));
        assert!(names_function(
            "arn:aws:lambda:us-east-1:123456789012:function:hello",
            None,
            "hello"
        ));
        assert!(names_function("123456789012:function:hello", None, "hello"));
        assert!(!names_function("hello", Some("live"), "hello"));
        assert!(!names_function("other", None, "hello"));
        assert!(!names_function("arn:aws:s3:::bucket", None, "hello"));
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("arn%3Aaws%3Alambda"), "arn:aws:lambda");
        assert_eq!(percent_decode("%24LATEST"), "$LATEST");
        assert_eq!(percent_decode("plain%2"), "plain%2");
    }

    #[test]
    fn fingerprint_sees_edits_but_not_caches() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("app.py"), "a").unwrap();
        let paths = vec![d.path().to_path_buf()];
        let a = fingerprint(&paths);
        std::fs::create_dir(d.path().join("__pycache__")).unwrap();
        std::fs::write(d.path().join("__pycache__/app.pyc"), "x").unwrap();
        assert_eq!(a, fingerprint(&paths));
        std::fs::write(d.path().join("app.py"), "ab").unwrap();
        assert_ne!(a, fingerprint(&paths));
    }
}
