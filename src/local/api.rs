//! The Lambda Runtime API, served in-process to the function's runtime
//! client on 127.0.0.1: `/next` (long poll), `/response`, `/error` and
//! `/init/error`, with the service's status codes.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use tokio::net::TcpListener;
use tokio::sync::{Notify, mpsc};

use super::log::LogBuf;
use super::report;
use crate::lambda::limits::{STREAM_RESPONSE_BYTES, SYNC_RESPONSE_BYTES};

const PREFIX: &str = "/2018-06-01/runtime";

/// One event waiting for the runtime's `/next`.
#[derive(Debug, Clone)]
pub(crate) struct Invocation {
    pub id: String,
    pub payload: Bytes,
    pub deadline_ms: u64,
    pub arn: String,
    pub trace_id: String,
    pub client_context: Option<String>,
    pub cognito_identity: Option<String>,
    /// Where a streamed response's parts go as they arrive.
    pub stream: Option<mpsc::UnboundedSender<StreamPart>>,
    /// START is already in the log, at this offset (an init retried
    /// within the invocation wrote it).
    pub start_written: Option<usize>,
}

/// A streamed response (`Lambda-Runtime-Function-Response-Mode: streaming`)
/// as it arrives: its content type first, then the body's chunks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamPart {
    Start { content_type: Option<String> },
    Chunk(Bytes),
}

/// What the runtime said about an invocation.
#[derive(Debug)]
pub(crate) enum Answer {
    Response(Bytes),
    /// The body is the runtime's error document, verbatim.
    Error(Bytes),
    /// A response over [`SYNC_RESPONSE_BYTES`]; the runtime got 413.
    TooLarge,
}

/// What the server tells the function's supervisor.
#[derive(Debug)]
pub(crate) enum Event {
    /// The runtime asked for work: the first one ends the init phase.
    Next { generation: u64, at: Instant },
    /// The event was handed out; START was written at `log_offset`.
    Dispatched {
        id: String,
        at: Instant,
        log_offset: usize,
    },
    Answer {
        id: String,
        answer: Answer,
        at: Instant,
    },
    InitError {
        generation: u64,
        body: Bytes,
        error_type: Option<String>,
        at: Instant,
    },
    /// The runtime process ended (sent by the process waiter).
    Exited {
        generation: u64,
        status: std::process::ExitStatus,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    Queued,
    Dispatched,
    Answered,
}

/// State shared by the server's connections and the supervisor.
pub(crate) struct Shared {
    pending: Mutex<Option<Invocation>>,
    notify: Notify,
    slots: Mutex<Slots>,
    /// Bumped for each new runtime process: a connection from an older
    /// process never takes an event meant for the new one.
    generation: AtomicU64,
    events: mpsc::UnboundedSender<Event>,
    pub log: Arc<LogBuf>,
}

#[derive(Default)]
struct Slots {
    state: HashMap<String, Slot>,
    /// Answered ids, oldest first, so the map stays small in a long `serve`.
    answered: VecDeque<String>,
    /// The stream sinks of invocations that have one, until answered.
    streams: HashMap<String, mpsc::UnboundedSender<StreamPart>>,
}

impl Shared {
    pub fn new(events: mpsc::UnboundedSender<Event>, log: Arc<LogBuf>) -> Arc<Shared> {
        Arc::new(Shared {
            pending: Mutex::new(None),
            notify: Notify::new(),
            slots: Mutex::new(Slots::default()),
            generation: AtomicU64::new(0),
            events,
            log,
        })
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// A new runtime process is about to start: old connections stop
    /// waiting, and any undelivered event is dropped.
    pub fn new_generation(&self) -> u64 {
        let g = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.pending.lock().expect("pending lock").take();
        self.notify.notify_waiters();
        g
    }

    /// Queue the one event the runtime's next `/next` receives.
    pub fn submit(&self, inv: Invocation) {
        {
            let mut s = self.slots.lock().expect("slots lock");
            s.state.insert(inv.id.clone(), Slot::Queued);
            if let Some(tx) = &inv.stream {
                s.streams.insert(inv.id.clone(), tx.clone());
            }
        }
        *self.pending.lock().expect("pending lock") = Some(inv);
        self.notify.notify_waiters();
    }

    /// Take back an event that was never handed out (the runtime died first).
    pub fn withdraw(&self, id: &str) {
        let mut p = self.pending.lock().expect("pending lock");
        if p.as_ref().is_some_and(|i| i.id == id) {
            p.take();
        }
        self.finish(id);
    }

    /// No more answers are accepted for `id` (a second one gets 403).
    pub fn finish(&self, id: &str) {
        let mut s = self.slots.lock().expect("slots lock");
        s.streams.remove(id);
        if s.state.insert(id.to_string(), Slot::Answered) != Some(Slot::Answered) {
            s.answered.push_back(id.to_string());
            while s.answered.len() > 1024 {
                if let Some(old) = s.answered.pop_front() {
                    s.state.remove(&old);
                }
            }
        }
    }
}

/// Bind 127.0.0.1 on a free port and serve until the task is aborted.
pub(crate) async fn serve(
    shared: Arc<Shared>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // The generation is read when a connection is accepted: a request on a
    // connection of an older runtime process never takes a newer event.
    // So is the account of its owner: another account's connection only
    // ever gets 403 (see `peer`).
    let task = tokio::spawn(super::http::serve(listener, move |peer| {
        let shared = Arc::clone(&shared);
        let generation = shared.generation();
        let allowed = super::peer::same_account(addr, peer);
        move |req| {
            let shared = Arc::clone(&shared);
            async move {
                if !allowed {
                    return problem(
                        StatusCode::FORBIDDEN,
                        "AccessDeniedException",
                        "the Runtime API answers only the account that runs lamctl",
                    );
                }
                handle(&shared, generation, req).await
            }
        }
    }));
    Ok((addr, task))
}

type Resp = Response<Full<Bytes>>;

fn json(status: StatusCode, body: impl Into<Bytes>) -> Resp {
    Response::builder()
        .status(status)
        .header("Content-Type", "application/json")
        .body(Full::new(body.into()))
        .expect("static response")
}

fn problem(status: StatusCode, error_type: &str, message: &str) -> Resp {
    json(
        status,
        serde_json::json!({ "errorMessage": message, "errorType": error_type }).to_string(),
    )
}

fn accepted() -> Resp {
    json(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
}

async fn handle(shared: &Arc<Shared>, generation: u64, req: Request<Incoming>) -> Resp {
    let path = req.uri().path().to_string();
    let Some(rest) = path.strip_prefix(PREFIX) else {
        return problem(
            StatusCode::NOT_FOUND,
            "NotFound",
            "unknown Runtime API path",
        );
    };
    match (req.method(), rest) {
        (&Method::GET, "/invocation/next") => next(shared, generation).await,
        (&Method::POST, "/init/error") => {
            let error_type = header(&req, "lambda-runtime-function-error-type");
            let body = match read_body(req.into_body()).await {
                Ok(b) => b,
                Err(resp) => return resp,
            };
            let _ = shared.events.send(Event::InitError {
                generation,
                body,
                error_type,
                at: Instant::now(),
            });
            accepted()
        }
        (&Method::POST, r) if r.starts_with("/invocation/") => {
            let tail = &r["/invocation/".len()..];
            let Some((id, what)) = tail.split_once('/') else {
                return problem(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    "unknown Runtime API path",
                );
            };
            if what != "response" && what != "error" {
                return problem(
                    StatusCode::NOT_FOUND,
                    "NotFound",
                    "unknown Runtime API path",
                );
            }
            answer(shared, id.to_string(), what == "error", req).await
        }
        _ => problem(
            StatusCode::NOT_FOUND,
            "NotFound",
            "unknown Runtime API path",
        ),
    }
}

fn header(req: &Request<Incoming>, name: &str) -> Option<String> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn next(shared: &Arc<Shared>, generation: u64) -> Resp {
    let _ = shared.events.send(Event::Next {
        generation,
        at: Instant::now(),
    });
    let inv = loop {
        let notified = shared.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if shared.generation() != generation {
            return problem(
                StatusCode::GONE,
                "Runtime.Restarted",
                "this runtime process has been replaced",
            );
        }
        if let Some(inv) = shared.pending.lock().expect("pending lock").take() {
            break inv;
        }
        notified.await;
    };
    // START goes into the log before the runtime sees the event, so the
    // function's own output can only come after it.
    let log_offset = match inv.start_written {
        Some(at) => at,
        None => shared.log.line(&report::start(&inv.id)),
    };
    shared
        .slots
        .lock()
        .expect("slots lock")
        .state
        .insert(inv.id.clone(), Slot::Dispatched);
    let _ = shared.events.send(Event::Dispatched {
        id: inv.id.clone(),
        at: Instant::now(),
        log_offset,
    });
    let mut b = Response::builder()
        .status(StatusCode::OK)
        .header("Content-Type", "application/json")
        .header("Lambda-Runtime-Aws-Request-Id", &inv.id)
        .header("Lambda-Runtime-Deadline-Ms", inv.deadline_ms.to_string())
        .header("Lambda-Runtime-Invoked-Function-Arn", &inv.arn)
        .header("Lambda-Runtime-Trace-Id", &inv.trace_id);
    if let Some(c) = &inv.client_context {
        b = b.header("Lambda-Runtime-Client-Context", c);
    }
    if let Some(c) = &inv.cognito_identity {
        b = b.header("Lambda-Runtime-Cognito-Identity", c);
    }
    b.body(Full::new(inv.payload)).unwrap_or_else(|_| {
        problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "ServiceException",
            "the client context or identity is not a valid header value",
        )
    })
}

async fn answer(shared: &Arc<Shared>, id: String, is_error: bool, req: Request<Incoming>) -> Resp {
    let state = shared
        .slots
        .lock()
        .expect("slots lock")
        .state
        .get(&id)
        .copied();
    match state {
        None | Some(Slot::Queued) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "InvalidRequestID",
                &format!("Invalid request ID: {id}"),
            );
        }
        Some(Slot::Answered) => {
            return problem(
                StatusCode::FORBIDDEN,
                "InvalidStateTransition",
                &format!("Invocation {id} has already been answered"),
            );
        }
        Some(Slot::Dispatched) => {}
    }
    let streaming = !is_error
        && header(&req, "lambda-runtime-function-response-mode").as_deref() == Some("streaming");
    if streaming {
        return answer_streamed(shared, id, req).await;
    }
    let body = read_body(req.into_body()).await;
    // Recheck: two answers may race.
    {
        let mut s = shared.slots.lock().expect("slots lock");
        if s.state.get(&id) != Some(&Slot::Dispatched) {
            return problem(
                StatusCode::FORBIDDEN,
                "InvalidStateTransition",
                &format!("Invocation {id} has already been answered"),
            );
        }
        s.state.insert(id.clone(), Slot::Answered);
        s.answered.push_back(id.clone());
        s.streams.remove(&id);
    }
    let (answer, resp) = match body {
        Ok(body) if is_error => (Answer::Error(body), accepted()),
        Ok(body) => (Answer::Response(body), accepted()),
        Err(resp) => (Answer::TooLarge, resp),
    };
    let _ = shared.events.send(Event::Answer {
        id,
        answer,
        at: Instant::now(),
    });
    resp
}

/// A streamed response: each chunk goes to the invocation's stream as it
/// arrives (and is kept, up to the streaming limit, for the outcome); an
/// error reported in the trailers (`Lambda-Runtime-Function-Error-Type`,
/// `-Body` in base64) makes it a function error, as in the service.
async fn answer_streamed(shared: &Arc<Shared>, id: String, req: Request<Incoming>) -> Resp {
    let sink = shared
        .slots
        .lock()
        .expect("slots lock")
        .streams
        .get(&id)
        .cloned();
    let send = |p: StreamPart| {
        if let Some(s) = &sink {
            let _ = s.send(p);
        }
    };
    send(StreamPart::Start {
        content_type: header(&req, "content-type"),
    });
    let mut body = req.into_body();
    let mut kept: Vec<u8> = Vec::new();
    let mut error: Option<(String, Bytes)> = None;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else { break };
        match frame.into_data() {
            Ok(data) => {
                if kept.len() + data.len() <= STREAM_RESPONSE_BYTES {
                    kept.extend_from_slice(&data);
                }
                send(StreamPart::Chunk(data));
            }
            Err(frame) => {
                if let Ok(trailers) = frame.into_trailers() {
                    let get = |n: &str| trailers.get(n).and_then(|v| v.to_str().ok());
                    if let Some(t) = get("lambda-runtime-function-error-type") {
                        use base64::Engine;
                        let body = get("lambda-runtime-function-error-body")
                            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                            .unwrap_or_else(|| {
                                serde_json::json!({"errorType": t, "errorMessage": ""})
                                    .to_string()
                                    .into_bytes()
                            });
                        error = Some((t.to_string(), Bytes::from(body)));
                    }
                }
            }
        }
    }
    {
        let mut s = shared.slots.lock().expect("slots lock");
        s.streams.remove(&id);
        s.state.insert(id.clone(), Slot::Answered);
        s.answered.push_back(id.clone());
    }
    let answer = match error {
        Some((_, body)) => Answer::Error(body),
        None => Answer::Response(Bytes::from(kept)),
    };
    let _ = shared.events.send(Event::Answer {
        id,
        answer,
        at: Instant::now(),
    });
    accepted()
}

/// The whole body, or 413 when it is over the limit (the rest is still
/// read, so the client sees the answer rather than a reset connection).
async fn read_body(mut body: Incoming) -> Result<Bytes, Resp> {
    let mut buf: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(problem(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                "the request body could not be read",
            ));
        };
        if let Ok(data) = frame.into_data() {
            total += data.len();
            if total <= SYNC_RESPONSE_BYTES {
                buf.extend_from_slice(&data);
            }
        }
    }
    if total > SYNC_RESPONSE_BYTES {
        return Err(problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            &format!("Exceeded maximum allowed payload size ({SYNC_RESPONSE_BYTES} bytes)."),
        ));
    }
    Ok(Bytes::from(buf))
}
