//! The Lambda Invoke API for one locally running function (`lamctl
//! serve`): `POST /2015-03-31/functions/NAME/invocations` on 127.0.0.1,
//! with the service's headers, status codes and error documents, so the
//! AWS CLI, the SDKs and `lamctl invoke --endpoint-url` can call it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use tokio::net::TcpListener;

use super::auth::{Denied, Token};
use super::def::LOCAL_ACCOUNT;
use super::function::{InvokeRequest, LocalOutcome};
use super::http::{AnyBody, full};
use super::pool::Pool;
use super::report::request_id;
use crate::error::{Error, Result};
use crate::lambda::invoke::{InvocationType, InvokeOutcome};
use crate::lambda::names;
use crate::output::Ui;

pub type Resp = Response<AnyBody>;

/// A function behind the Invoke API. Invocations run on the pool's warm
/// instances, up to its size at once; the rest wait for an idle one.
pub struct InvokeApi {
    pool: Arc<Pool>,
    ui: Ui,
    /// `serve --token`: the token every request must carry.
    token: Option<Token>,
    /// `Event` invocations accepted and not yet finished.
    queued: Places,
    /// Synchronous requests being read, waiting for an instance or running.
    in_flight: Places,
}

/// How many `Event` invocations may wait at once; past it the caller gets
/// 429 TooManyRequestsException (each holds up to 1 MB, so the queue stays
/// under about 100 MB).
pub const EVENT_QUEUE: usize = 100;

/// How many synchronous requests (Invoke API, or function URL) one `serve`
/// reads, queues and runs at once; past it, 429 before the body is read
/// (each holds up to 6 MB).
pub const IN_FLIGHT: usize = 100;

impl InvokeApi {
    pub fn new(pool: Arc<Pool>, ui: Ui, token: Option<Token>) -> Arc<InvokeApi> {
        Arc::new(InvokeApi {
            pool,
            ui,
            token,
            queued: Places::new(EVENT_QUEUE),
            in_flight: Places::new(IN_FLIGHT),
        })
    }

    /// Answer connections on `listener` until the task is dropped.
    pub async fn serve(self: &Arc<Self>, listener: TcpListener) -> Result<()> {
        let api = Arc::clone(self);
        super::http::serve(listener, move |_peer| {
            let api = Arc::clone(&api);
            move |req| {
                let api = Arc::clone(&api);
                async move { api.handle(req).await }
            }
        })
        .await;
        Ok(())
    }

    async fn handle(self: Arc<Self>, req: Request<Incoming>) -> Resp {
        if let Some(token) = &self.token
            && let Err(denied) = token.check(req.headers())
        {
            return match denied {
                Denied::Missing => aws_error(
                    StatusCode::UNAUTHORIZED,
                    "MissingAuthenticationTokenException",
                    "this lamctl serve needs its token (Authorization: Bearer TOKEN, or TOKEN as the access key id)",
                ),
                Denied::Wrong => aws_error(
                    StatusCode::FORBIDDEN,
                    "UnrecognizedClientException",
                    "The security token included in the request is invalid.",
                ),
            };
        }
        let def = self.pool.def();
        let header = |n: &str| {
            req.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let call = match read_call(
            req.method(),
            req.uri().path(),
            req.uri().query(),
            &header,
            &def.name,
            &def.region,
        ) {
            Ok(c) => c,
            Err(answer) => return answer,
        };
        // A place first, so no more bodies than that are ever read at once.
        let place = match call.kind {
            InvocationType::Event => self.queued.take(),
            _ => self.in_flight.take(),
        };
        let Some(place) = place else {
            return throttled(&match call.kind {
                InvocationType::Event => {
                    format!("lamctl serve queues at most {EVENT_QUEUE} asynchronous invocations")
                }
                _ => format!("lamctl serve runs at most {IN_FLIGHT} synchronous requests at once"),
            });
        };
        // Read no more than the limit allows (plus one byte, to know).
        let (limit, _) = call.kind.payload_limit();
        let payload = match Limited::new(req.into_body(), limit + 1).collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) if e.is::<LengthLimitError>() => return too_large(limit),
            Err(_) => {
                return aws_error(
                    StatusCode::BAD_REQUEST,
                    "InvalidRequestContentException",
                    "the request body could not be read",
                );
            }
        };
        if let Err(answer) = check_payload(call.kind, &payload) {
            return answer;
        }
        let (kind, tail, client_context) = (call.kind, call.tail, call.client_context);
        // One id per invocation: the 202 of an `Event` names the id it runs with.
        let id = request_id();
        let request = InvokeRequest {
            payload: payload.to_vec(),
            client_context,
            tail,
            request_id: Some(id.clone()),
            ..Default::default()
        };
        match kind {
            InvocationType::DryRun => empty(StatusCode::NO_CONTENT, &id),
            InvocationType::RequestResponse if call.stream => {
                super::stream_api::answer(
                    Arc::clone(&self.pool),
                    self.ui.clone(),
                    request,
                    id,
                    place,
                )
                .await
            }
            InvocationType::Event => {
                let api = Arc::clone(&self);
                // Queued behind any running invocation, like the cloud's event queue.
                tokio::spawn(async move {
                    let _place = place;
                    let r = api.pool.invoke(request).await;
                    log_outcome(&api.ui, "Event", &r);
                });
                empty(StatusCode::ACCEPTED, &id)
            }
            InvocationType::RequestResponse => {
                let started = Instant::now();
                let r = self.pool.invoke(request).await;
                let took = format!("{:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
                log_outcome(&self.ui, &took, &r);
                match r {
                    Ok(local) => invoke_response(local.outcome),
                    Err(e) => failure(&e),
                }
            }
        }
    }
}

/// A bounded count of requests (the `Event` queue, the synchronous
/// requests in flight): a place is taken before the body is read and given
/// back when the request is done.
pub(crate) struct Places {
    taken: Arc<AtomicUsize>,
    max: usize,
}

/// One place, given back when dropped.
pub(crate) struct Place(Arc<AtomicUsize>);

impl Places {
    pub(crate) fn new(max: usize) -> Places {
        Places {
            taken: Arc::new(AtomicUsize::new(0)),
            max,
        }
    }

    /// A place, or None when all are taken.
    pub(crate) fn take(&self) -> Option<Place> {
        self.taken
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max).then_some(n + 1)
            })
            .ok()
            .map(|_| Place(Arc::clone(&self.taken)))
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// 429, as the service answers a throttled invocation.
pub(crate) fn throttled(what: &str) -> Resp {
    aws_error(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequestsException",
        &format!("Rate Exceeded. {what}"),
    )
}

fn too_large(limit: usize) -> Resp {
    aws_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "RequestEntityTooLargeException",
        &format!("Request must be smaller than {limit} bytes for the InvokeFunction operation"),
    )
}

/// An Invoke request as read from its method, path, query and headers.
#[derive(Debug, Clone, PartialEq)]
pub struct InvokeCall {
    pub name: String,
    pub qualifier: Option<String>,
    pub kind: InvocationType,
    pub tail: bool,
    pub client_context: Option<String>,
    /// InvokeWithResponseStream: the answer is an event stream.
    pub stream: bool,
}

/// Read an Invoke request (everything but its body) for the function
/// `served` in `region`: the call, or the answer the service would give
/// instead. Pure, so it can be fuzzed (fuzz/fuzz_targets/invoke_request.rs).
// The error is the response itself, built once per request: no gain in boxing it.
#[allow(clippy::result_large_err)]
pub fn read_call(
    method: &Method,
    path: &str,
    query: Option<&str>,
    header: &dyn Fn(&str) -> Option<String>,
    served: &str,
    region: &str,
) -> std::result::Result<InvokeCall, Resp> {
    let target = |prefix: &str, suffix: &str| {
        path.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(suffix))
    };
    let (target, stream) = match target("/2015-03-31/functions/", "/invocations") {
        Some(t) => (Some(t), false),
        None => (
            target("/2021-11-15/functions/", "/response-streaming-invocations"),
            true,
        ),
    };
    let (Some(raw_name), true) = (target, method == Method::POST) else {
        return Err(aws_error(
            StatusCode::NOT_FOUND,
            "UnknownOperationException",
            &format!(
                "lamctl serve implements only Invoke (POST /2015-03-31/functions/NAME/invocations) and InvokeWithResponseStream (POST /2021-11-15/functions/NAME/response-streaming-invocations), not {method} {path}"
            ),
        ));
    };
    let (name, qualifier) = decode_target(raw_name, query);
    if !names_function(&name, qualifier.as_deref(), served) {
        let shown = match &qualifier {
            Some(q) => format!("{name}:{q}"),
            None => name.clone(),
        };
        let arn = if shown.starts_with("arn:") {
            shown
        } else {
            format!("arn:aws:lambda:{region}:{LOCAL_ACCOUNT}:function:{shown}")
        };
        return Err(aws_error(
            StatusCode::NOT_FOUND,
            "ResourceNotFoundException",
            &format!("Function not found: {arn}"),
        ));
    }
    let tail = match header("x-amz-log-type").as_deref() {
        None | Some("None") => false,
        Some("Tail") => true,
        Some(other) => {
            return Err(bad_parameter(&format!(
                "LogType '{other}' is not valid: use None or Tail"
            )));
        }
    };
    let client_context = match header("x-amz-client-context") {
        None => None,
        Some(b64) => match BASE64
            .decode(b64.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        {
            Some(json) => Some(json),
            None => {
                return Err(bad_parameter(
                    "Client context must be a valid Base64-encoded JSON object.",
                ));
            }
        },
    };
    let kind = match header("x-amz-invocation-type") {
        None => InvocationType::RequestResponse,
        Some(t) => match InvocationType::from_api_name(&t) {
            Some(k) => k,
            None => {
                return Err(bad_parameter(&format!(
                    "InvocationType '{t}' is not valid: use RequestResponse, Event or DryRun"
                )));
            }
        },
    };
    if stream && kind == InvocationType::Event {
        return Err(bad_parameter(
            "InvocationType 'Event' is not valid for InvokeWithResponseStream: use RequestResponse or DryRun",
        ));
    }
    Ok(InvokeCall {
        name,
        qualifier,
        kind,
        tail,
        client_context,
        stream,
    })
}

/// An Invoke body: within the invocation type's limit, and JSON when not empty.
#[allow(clippy::result_large_err)]
pub fn check_payload(kind: InvocationType, payload: &[u8]) -> std::result::Result<(), Resp> {
    let (limit, _) = kind.payload_limit();
    if payload.len() > limit {
        return Err(too_large(limit));
    }
    if let Some(message) = not_json(payload) {
        return Err(aws_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestContentException",
            &message,
        ));
    }
    Ok(())
}

/// The service's words for a body that is not JSON (an empty one is `{}`):
/// the message of its 400 `InvalidRequestContentException`.
pub fn not_json(payload: &[u8]) -> Option<String> {
    if payload.is_empty() {
        return None;
    }
    serde_json::from_slice::<serde_json::Value>(payload)
        .err()
        .map(|e| format!("Could not parse request body into json: {e}"))
}

/// The function name (percent-decoded path segment) and the `Qualifier`
/// query parameter of an Invoke request.
fn decode_target(raw_name: &str, query: Option<&str>) -> (String, Option<String>) {
    let name = percent_encoding::percent_decode_str(raw_name)
        .decode_utf8_lossy()
        .into_owned();
    let qualifier = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "Qualifier")
        .map(|(_, v)| v.into_owned());
    (name, qualifier)
}

/// Does the request's FunctionName (name, partial or full ARN, with an
/// optional `:QUALIFIER`) and `Qualifier` name the served function? A
/// local function has only `$LATEST`.
fn names_function(name: &str, qualifier: Option<&str>, served: &str) -> bool {
    let Ok(r) = names::function_ref(name) else {
        return false;
    };
    let latest = |q: Option<&str>| q.is_none_or(|q| q == "$LATEST");
    r.name == served && latest(r.qualifier.as_deref()) && latest(qualifier)
}

/// An error in the Lambda REST-JSON wire format, which the SDKs and the
/// AWS CLI turn into their typed exceptions.
fn aws_error(status: StatusCode, code: &str, message: &str) -> Resp {
    Response::builder()
        .status(status)
        .header("Content-Type", "application/json")
        .header("x-amzn-ErrorType", code)
        .header("x-amzn-RequestId", request_id())
        .body(full(
            serde_json::json!({ "Type": "User", "message": message }).to_string(),
        ))
        .expect("static response")
}

fn bad_parameter(message: &str) -> Resp {
    aws_error(
        StatusCode::BAD_REQUEST,
        "InvalidParameterValueException",
        message,
    )
}

/// The answer to an invocation that failed before the function answered,
/// chosen by the error's kind: the caller's bad input is a 400, anything
/// else the service's own failure.
pub(crate) fn failure(e: &Error) -> Resp {
    let (status, code) = error_status(e);
    aws_error(status, code, &e.to_string())
}

fn error_status(e: &Error) -> (StatusCode, &str) {
    match e {
        Error::Usage { .. } => (StatusCode::BAD_REQUEST, "InvalidRequestContentException"),
        Error::Aws {
            code: Some(code),
            status: Some(status),
            ..
        } => (
            StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
        ),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "ServiceException"),
    }
}

fn empty(status: StatusCode, id: &str) -> Resp {
    Response::builder()
        .status(status)
        .header("x-amzn-RequestId", id)
        .body(full(Bytes::new()))
        .expect("static response")
}

fn invoke_response(o: InvokeOutcome) -> Resp {
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
        b = b.header("X-Amz-Log-Result", BASE64.encode(t.as_bytes()));
    }
    b.body(full(o.payload)).expect("valid headers")
}

pub(crate) fn log_outcome(ui: &Ui, what: &str, r: &Result<LocalOutcome>) {
    match r {
        Ok(local) => ui.detail(format!(
            "invoked ({what}): {}{}",
            local.outcome.request_id.as_deref().unwrap_or("-"),
            local
                .outcome
                .function_error
                .as_deref()
                .map(|e| format!(", function error {e}"))
                .unwrap_or_default()
        )),
        Err(e) => ui.warn(format!("invoke failed: {e}")),
    }
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
        assert!(names_function(
            "arn:aws:lambda:us-east-1:000000000000:function:hello:$LATEST",
            None,
            "hello"
        ));
        assert!(names_function("123456789012:function:hello", None, "hello"));
        assert!(!names_function("hello", Some("live"), "hello"));
        assert!(!names_function("hello:live", None, "hello"));
        assert!(!names_function("other", None, "hello"));
        assert!(!names_function("arn:aws:s3:::bucket", None, "hello"));
        assert!(!names_function("", None, "hello"));
    }

    #[test]
    fn targets_are_percent_decoded() {
        let t = |name: &str, query: Option<&str>| decode_target(name, query);
        assert_eq!(
            t(
                "arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Ahello",
                None
            ),
            (
                "arn:aws:lambda:us-east-1:000000000000:function:hello".into(),
                None
            )
        );
        assert_eq!(
            t("hello", Some("Qualifier=%24LATEST")),
            ("hello".into(), Some("$LATEST".into()))
        );
        // A lone or broken escape stays as it is.
        assert_eq!(t("plain%2", None).0, "plain%2");
        assert_eq!(t("a%zzb", None).0, "a%zzb");
        // The parameter is found among others, in any order; an empty
        // value is a value; other keys (even a prefix of it) are not it.
        assert_eq!(
            t("f", Some("x=1&Qualifier=live&y=2")).1.as_deref(),
            Some("live")
        );
        assert_eq!(t("f", Some("Qualifier=")).1.as_deref(), Some(""));
        assert_eq!(t("f", Some("Qualifiers=live&q=1")).1, None);
        assert_eq!(t("f", Some("")).1, None);
        // Not UTF-8: replaced, never a panic.
        assert_eq!(t("f%FF", None).0, "f\u{FFFD}");
    }

    #[test]
    fn failures_are_answered_by_kind() {
        assert_eq!(
            error_status(&Error::usage("bad client context")),
            (StatusCode::BAD_REQUEST, "InvalidRequestContentException")
        );
        assert_eq!(
            error_status(&Error::failed("cannot start python3")),
            (StatusCode::INTERNAL_SERVER_ERROR, "ServiceException")
        );
        let e = Error::Aws {
            message: "slow down".into(),
            hint: None,
            code: Some("TooManyRequestsException".into()),
            status: Some(429),
        };
        assert_eq!(
            error_status(&e),
            (StatusCode::TOO_MANY_REQUESTS, "TooManyRequestsException")
        );
        // An exit code of 2 or 3 says nothing here: a function's own error
        // is an answer, not a failure of the call.
        let e = Error::Function {
            error_type: "ValueError".into(),
            message: "x".into(),
        };
        assert_eq!(error_status(&e).0, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
