//! `lamctl invoke [NAME]`: invoke a function and hand its answer to a
//! script: the response payload on stdout, the decoded log tail on stderr,
//! and an exit code that says whether the function itself failed (3).
//!
//! The story: `InvokeRequest::resolve` (request.rs, payload.rs) reads and
//! checks all input before any call; the cloud (`lambda::invoke`) or the
//! local runtime (`--local`) turns each payload into an `InvokeOutcome`;
//! `report` (report.rs) or `run_batch` for `--ndjson` (batch.rs) renders
//! outcomes. `--local` shares every flag, output and exit code.

mod batch;
pub mod payload;
mod pretty;
mod report;
mod request;
mod saved_event;
mod sink;

use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::Ctx;
use crate::error::{Error, Result};
use crate::lambda::invoke::{InvocationType, InvokeOutcome, Invoker};
use crate::local::invoke_api::not_json;
use crate::local::stream_api::invoke_streamed;
use crate::local::{Function, InvokeRequest as LocalRequest, LocalDef, LocalInput, line_sink};
use crate::progress;
use batch::run_batch;
use report::report;
use request::InvokeRequest;
use sink::PayloadSink;

/// What `invoke` was asked to do, as flags and lamctl.toml said it.
#[derive(Debug, Clone, Default)]
pub struct InvokeSettings {
    /// NAME, else `name` in lamctl.toml (with `--local`: the local
    /// function's name is used).
    pub function: Option<String>,
    /// `--payload`: inline JSON, `@FILE` or `-`.
    pub payload: Option<String>,
    pub raw: bool,
    pub invocation_type: InvocationType,
    pub qualifier: Option<String>,
    /// The client context as JSON text.
    pub client_context: Option<String>,
    pub tail: bool,
    pub pretty: bool,
    pub out: Option<PathBuf>,
    pub ndjson: bool,
    pub parallel: Option<u16>,
    pub stream: bool,
    /// `--local`: run this function on this machine instead.
    pub local: Option<LocalInput>,
    /// `--event NAME`: a saved test event is the payload.
    pub event: Option<SavedEvent>,
}

/// `invoke --event NAME [--shared]`.
#[derive(Debug, Clone, Default)]
pub struct SavedEvent {
    pub name: String,
    /// The function's shareable console event, not `folder/NAME.json`.
    pub shared: bool,
    /// Where `NAME.json` is (`events/` beside lamctl.toml).
    pub folder: PathBuf,
}

pub async fn run(ctx: &Ctx<'_>, settings: InvokeSettings) -> Result<()> {
    let settings = saved_event::as_payload(ctx, settings).await?;
    if let Some(local) = &settings.local {
        return run_local(ctx, local, &settings).await;
    }
    let ui = ctx.ui;
    let mut req = InvokeRequest::resolve(ui, &settings).await?;
    let aws = Arc::new(ctx.aws().await?);
    let cloud = Invoker::new(aws, &req.invocation).await;

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
        let mut outcome = cloud
            .invoke_stream(&req.invocation, payload, &mut |chunk| sink.write(chunk))
            .await?;
        sink.finish()?;
        outcome.streamed = sink.delivers();
        outcome.payload = sink.take_kept();
        outcome
    } else {
        let spinner = progress::spinner(ui, &format!("invoking {}", req.invocation.label()));
        let outcome = cloud.invoke(&req.invocation, payload).await;
        spinner.finish_and_clear();
        outcome?
    };
    report(ui, &req, &outcome)
}

/// `invoke --local`: the same request, report and exit codes, with the
/// function run by the Docker-free runtime in `crate::local`.
async fn run_local(ctx: &Ctx<'_>, local: &LocalInput, settings: &InvokeSettings) -> Result<()> {
    let ui = ctx.ui;
    let def = LocalDef::resolve(local, ui).await?;
    let named = InvokeSettings {
        function: Some(def.name.clone()),
        ..settings.clone()
    };
    let mut req = InvokeRequest::resolve(ui, &named).await?;
    let kind = req.invocation.invocation_type;
    // --raw bytes the service would refuse are refused here too, before
    // anything runs (an empty payload is `{}` to the service).
    if let Some(message) = req.payloads.iter().find_map(|p| not_json(&p.bytes)) {
        return Err(Error::Aws {
            message: format!("Invoke failed locally: InvalidRequestContentException: {message}"),
            hint: Some("send a JSON document: leave out --raw to have it checked first".into()),
            code: Some("InvalidRequestContentException".into()),
            status: Some(400),
        });
    }
    // JSON text for the runtime (the API's header is base64 of it).
    let client_context =
        req.invocation.client_context.as_ref().map(|b64| {
            String::from_utf8(BASE64.decode(b64).unwrap_or_default()).unwrap_or_default()
        });
    let tail = req.invocation.tail;
    // One invocation with --tail: its log goes to stderr live, line by line
    // as the function writes it, instead of as a tail at the end.
    // (With --output json the tail stays in the document, printed once at the end.)
    let live = tail && !ui.json() && req.batch.is_none() && kind == InvocationType::RequestResponse;
    let sink = live.then(|| {
        let ui = ui.clone();
        line_sink(Arc::new(move |bytes: &[u8]| {
            report::print_log(&ui, &String::from_utf8_lossy(bytes))
        }))
    });
    let function = Arc::new(tokio::sync::Mutex::new(
        Function::start_with_sink(def, sink).await?,
    ));
    let client_context_for_stream = client_context.clone();
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
                let local = function
                    .lock()
                    .await
                    .invoke(LocalRequest {
                        payload,
                        client_context,
                        tail,
                        ..Default::default()
                    })
                    .await?;
                // An event is run to completion here, then answered like the
                // cloud's 202: no payload, no function error for the caller.
                if kind == InvocationType::Event {
                    return Ok(InvokeOutcome {
                        status_code: 202,
                        request_id: local.outcome.request_id,
                        ..Default::default()
                    });
                }
                Ok(local.outcome)
            }
        }
    };
    let result = if let Some(parallel) = req.batch {
        // One local instance runs one invocation at a time, like one
        // execution environment; --parallel only queues them.
        run_batch(ui, &req, parallel, call).await
    } else if req.invocation.stream {
        let payload = std::mem::take(&mut req.payloads[0].bytes);
        stream_local(
            ui,
            &req,
            &function,
            payload,
            client_context_for_stream,
            live,
        )
        .await
    } else {
        let payload = std::mem::take(&mut req.payloads[0].bytes);
        match call(payload).await {
            Ok(mut outcome) => {
                if live {
                    // Already shown, whole.
                    outcome.log_tail = None;
                }
                report(ui, &req, &outcome)
            }
            Err(e) => Err(e),
        }
    };
    function.lock().await.stop().await;
    result
}

/// `invoke --local --stream`: the response goes to stdout (or --out) as
/// the runtime streams it, then the same report as a cloud stream.
async fn stream_local(
    ui: &crate::output::Ui,
    req: &InvokeRequest,
    function: &tokio::sync::Mutex<Function>,
    payload: Vec<u8>,
    client_context: Option<String>,
    live: bool,
) -> Result<()> {
    let mut sink = PayloadSink::for_stream(ui, req);
    let request = LocalRequest {
        payload,
        client_context,
        tail: req.invocation.tail,
        ..Default::default()
    };
    let local = invoke_streamed(
        request,
        |r| async move { function.lock().await.invoke(r).await },
        &mut |chunk| sink.write(&chunk),
    )
    .await?;
    sink.finish()?;
    let mut outcome = local.outcome;
    if outcome.function_error.is_some() {
        // As InvokeComplete carries it: the error document is the details.
        outcome.error_details = Some(std::mem::take(&mut outcome.payload));
    }
    outcome.streamed = sink.delivers();
    outcome.payload = sink.take_kept();
    if live {
        outcome.log_tail = None;
    }
    report(ui, req, &outcome)
}
