//! InvokeWithResponseStream, locally: one invocation whose response is
//! handed over as the runtime streams it (`Lambda-Runtime-Function-
//! Response-Mode: streaming`, a chunked body), for `serve`'s
//! `POST /2021-11-15/functions/NAME/response-streaming-invocations` (in
//! the event-stream framing the SDKs read: `PayloadChunk` events, then one
//! `InvokeComplete`) and for `invoke --local --stream`.

use std::future::Future;
use std::sync::Arc;

use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use tokio::sync::{mpsc, oneshot};

use super::api::StreamPart;
use super::function::{InvokeRequest, LocalOutcome};
use super::http::ChannelBody;
use super::invoke_api::{Place, Resp, failure, log_outcome};
use super::pool::Pool;
use crate::error::{Error, Result};
use crate::output::Ui;
use http_body_util::BodyExt;

/// Run one invocation through `run`, handing each chunk of its response to
/// `chunk` as the runtime sends it. As in the service, a function that
/// answers in one piece (not streaming) is handed over whole when it
/// answers, and a function error hands over nothing: its error document
/// is the outcome's payload.
pub async fn invoke_streamed<Fut>(
    mut req: InvokeRequest,
    run: impl FnOnce(InvokeRequest) -> Fut,
    chunk: &mut (dyn FnMut(Bytes) -> Result<()> + Send),
) -> Result<LocalOutcome>
where
    Fut: Future<Output = Result<LocalOutcome>>,
{
    let (tx, mut parts) = mpsc::unbounded_channel();
    req.stream = Some(tx);
    let done = run(req);
    tokio::pin!(done);
    let mut streaming = false;
    let mut take = |p: StreamPart| match p {
        StreamPart::Start { .. } => {
            streaming = true;
            Ok(())
        }
        StreamPart::Chunk(c) => chunk(c),
    };
    let outcome = loop {
        tokio::select! {
            Some(p) = parts.recv() => take(p)?,
            r = &mut done => break r?,
        }
    };
    // What arrived between the last part read and the answer.
    while let Ok(p) = parts.try_recv() {
        take(p)?;
    }
    if !streaming && outcome.outcome.function_error.is_none() && !outcome.outcome.payload.is_empty()
    {
        chunk(Bytes::from(outcome.outcome.payload.clone()))?;
    }
    Ok(outcome)
}

/// `serve`'s answer to InvokeWithResponseStream: 200 with an event stream
/// once the function's first chunk (or its end) is there; an invocation
/// that fails before then is answered as Invoke answers it. `place` is
/// held until the stream ends.
pub(crate) async fn answer(
    pool: Arc<Pool>,
    ui: Ui,
    request: InvokeRequest,
    id: String,
    place: Place,
) -> Resp {
    let tail = request.tail;
    let (body_tx, body_rx) = mpsc::unbounded_channel::<Bytes>();
    let (ready_tx, ready_rx) = oneshot::channel::<Result<()>>();
    tokio::spawn(async move {
        let _place = place;
        let mut ready = Some(ready_tx);
        let mut send = |frame: Bytes| {
            if let Some(r) = ready.take() {
                let _ = r.send(Ok(()));
            }
            // A client gone away: the invocation still runs to its end.
            let _ = body_tx.send(frame);
            Ok(())
        };
        let r = invoke_streamed(request, |r| pool.invoke(r), &mut |c| send(payload_chunk(c))).await;
        log_outcome(&ui, "stream", &r);
        match r {
            Ok(local) => {
                let _ = send(invoke_complete(&local, tail));
            }
            Err(e) => match ready.take() {
                Some(r) => {
                    let _ = r.send(Err(e));
                }
                // The stream has begun: the end says what went wrong.
                None => {
                    let doc = serde_json::json!({
                        "ErrorCode": "ServiceException",
                        "ErrorDetails": e.to_string(),
                    });
                    let _ =
                        body_tx.send(event("InvokeComplete", "application/json", doc.to_string()));
                }
            },
        }
    });
    match ready_rx.await {
        Ok(Ok(())) => Response::builder()
            .status(StatusCode::OK)
            .header("Content-Type", "application/vnd.amazon.eventstream")
            .header("x-amzn-RequestId", &id)
            .header("X-Amz-Executed-Version", "$LATEST")
            .body(ChannelBody(body_rx).boxed())
            .expect("static response"),
        Ok(Err(e)) => failure(&e),
        Err(_) => failure(&Error::failed("the invocation stopped")),
    }
}

/// One `PayloadChunk` event.
pub fn payload_chunk(bytes: Bytes) -> Bytes {
    event("PayloadChunk", "application/octet-stream", bytes)
}

/// The `InvokeComplete` event: the function error (`ErrorCode`, and the
/// error document as `ErrorDetails`) and the base64 log tail.
pub fn invoke_complete(local: &LocalOutcome, tail: bool) -> Bytes {
    let o = &local.outcome;
    let mut doc = serde_json::Map::new();
    if let Some(code) = &o.function_error {
        doc.insert("ErrorCode".into(), code.clone().into());
        doc.insert(
            "ErrorDetails".into(),
            String::from_utf8_lossy(&o.payload).into_owned().into(),
        );
    }
    if tail && let Some(t) = &o.log_tail {
        doc.insert("LogResult".into(), BASE64.encode(t.as_bytes()).into());
    }
    event(
        "InvokeComplete",
        "application/json",
        serde_json::Value::Object(doc).to_string(),
    )
}

/// An event-stream message (`:message-type` event) of type `kind`.
fn event(kind: &'static str, content_type: &'static str, payload: impl Into<Bytes>) -> Bytes {
    let message = Message::new(payload)
        .add_header(Header::new(":event-type", HeaderValue::String(kind.into())))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String(content_type.into()),
        ))
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String("event".into()),
        ));
    let mut buf: Vec<u8> = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&message, &mut buf)
        .expect("a message under the frame limits");
    Bytes::from(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda::invoke::InvokeOutcome;

    fn read(frame: &Bytes) -> Message {
        aws_smithy_eventstream::frame::read_message_from(frame.clone()).unwrap()
    }

    fn header<'a>(m: &'a Message, name: &str) -> &'a str {
        m.headers()
            .iter()
            .find(|h| h.name().as_str() == name)
            .and_then(|h| h.value().as_string().ok())
            .map(|s| s.as_str())
            .unwrap()
    }

    #[test]
    fn frames_read_back_as_the_sdk_reads_them() {
        let m = read(&payload_chunk(Bytes::from_static(b"hello")));
        assert_eq!(header(&m, ":event-type"), "PayloadChunk");
        assert_eq!(header(&m, ":message-type"), "event");
        assert_eq!(m.payload().as_ref(), b"hello");
        let local = LocalOutcome {
            outcome: InvokeOutcome {
                function_error: Some("Unhandled".into()),
                payload: br#"{"errorType":"E"}"#.to_vec(),
                log_tail: Some("START\n".into()),
                ..Default::default()
            },
            log: String::new(),
        };
        let m = read(&invoke_complete(&local, true));
        assert_eq!(header(&m, ":event-type"), "InvokeComplete");
        let doc: serde_json::Value = serde_json::from_slice(m.payload()).unwrap();
        assert_eq!(doc["ErrorCode"], "Unhandled");
        assert_eq!(doc["ErrorDetails"], r#"{"errorType":"E"}"#);
        assert_eq!(doc["LogResult"], BASE64.encode("START\n"));
    }
}
