//! Invoking a function: the invocation types and their payload limits,
//! what one call asks for ([`Invocation`]), what it returns
//! ([`InvokeOutcome`], the one type for cloud and local invokes), and the
//! cloud calls (Invoke, InvokeWithResponseStream) with their errors.

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

use super::function::not_found;
use super::limits::{ASYNC_PAYLOAD_BYTES, LONGEST_RUN, SYNC_PAYLOAD_BYTES};
use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result};

/// Time for Lambda's answer after the longest run, so a synchronous call
/// is never cut by lamctl's own read timeout.
const ANSWER_MARGIN: Duration = Duration::from_secs(15);

/// How Lambda runs the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InvocationType {
    /// Wait for the function and return its response (synchronous).
    #[default]
    RequestResponse,
    /// Queue the event; Lambda answers 202 at once (asynchronous).
    Event,
    /// Check the parameters and permissions without running the function (204).
    DryRun,
}

impl InvocationType {
    /// The request-size limit Lambda enforces for this type, and its name.
    pub fn payload_limit(self) -> (usize, &'static str) {
        match self {
            InvocationType::Event => (ASYNC_PAYLOAD_BYTES, "1 MB for asynchronous invocations"),
            InvocationType::RequestResponse | InvocationType::DryRun => {
                (SYNC_PAYLOAD_BYTES, "6 MB for synchronous invocations")
            }
        }
    }

    /// The API's name (`X-Amz-Invocation-Type`), and back.
    pub fn api_name(self) -> &'static str {
        match self {
            InvocationType::RequestResponse => "RequestResponse",
            InvocationType::Event => "Event",
            InvocationType::DryRun => "DryRun",
        }
    }

    pub fn from_api_name(name: &str) -> Option<InvocationType> {
        [
            InvocationType::RequestResponse,
            InvocationType::Event,
            InvocationType::DryRun,
        ]
        .into_iter()
        .find(|t| t.api_name() == name)
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

/// What one invocation returned, whether the cloud or the local runtime
/// ran it.
#[derive(Debug, Clone, Default)]
pub struct InvokeOutcome {
    /// 200 for a synchronous invoke (even on a function error), 202 for an
    /// event, 204 for a dry run.
    pub status_code: i32,
    pub executed_version: Option<String>,
    pub request_id: Option<String>,
    /// `Unhandled`/`Handled` (X-Amz-Function-Error) or the stream's ErrorCode.
    pub function_error: Option<String>,
    /// The response payload (with --stream: kept only for --output json).
    pub payload: Vec<u8>,
    /// The decoded log tail (at most the last 4 KB).
    pub log_tail: Option<String>,
    /// The error document when it is not the payload (a stream's ErrorDetails).
    pub error_details: Option<Vec<u8>>,
    /// The payload was already written out as it arrived (--stream).
    pub streamed: bool,
}

impl InvokeOutcome {
    /// The document describing a function error.
    pub fn error_doc(&self) -> &[u8] {
        self.error_details.as_deref().unwrap_or(&self.payload)
    }
}

/// Lambda's Invoke and InvokeWithResponseStream for one kind of invocation.
#[derive(Clone)]
pub struct Invoker {
    aws: Arc<AwsContext>,
    client: aws_sdk_lambda::Client,
}

impl Invoker {
    pub async fn new(aws: Arc<AwsContext>, inv: &Invocation) -> Invoker {
        // A synchronous call lasts as long as the function runs (up to 15
        // minutes): the default 60 s read timeout would cut it.
        let client = if inv.invocation_type == InvocationType::RequestResponse || inv.stream {
            let longest = LONGEST_RUN + ANSWER_MARGIN;
            aws.lambda_with_timeout(Some(aws.read_timeout().max(longest)))
                .await
        } else {
            aws.lambda().await
        };
        Invoker { aws, client }
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

    /// One InvokeWithResponseStream call; each chunk of the response goes
    /// to `chunk` as it arrives (the outcome's payload stays empty).
    pub async fn invoke_stream(
        &self,
        inv: &Invocation,
        payload: Vec<u8>,
        chunk: &mut dyn FnMut(&[u8]) -> Result<()>,
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
                        chunk(b.as_ref())?;
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
        Ok(outcome)
    }

    /// The shared mapping, then the two answers an invoke names the
    /// function for: not found, and throttled.
    fn call_error<E>(&self, inv: &Invocation, op: &str, err: SdkError<E, HttpResponse>) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        // The service's own words, only to quote them.
        let said = err.message().unwrap_or("no message").to_string();
        let e = self.aws.error(Service::Lambda, op, err);
        // The API answers 404 only for a missing function, version or alias.
        if e.is_not_found() || (e.aws_code().is_none() && e.aws_status() == Some(404)) {
            return not_found(&self.aws, &inv.function, inv.qualifier.as_deref());
        }
        if e.is_throttling() {
            let code = e
                .aws_code()
                .unwrap_or("TooManyRequestsException")
                .to_string();
            return Error::Aws {
                message: format!(
                    "Lambda throttled the invocation of {} in {} ({code}: {said})",
                    inv.label(),
                    self.aws.region.value
                ),
                hint: Some(
                    "the function or account concurrency limit is reached; retry later or raise the function's reserved concurrency".into(),
                ),
                code: Some(code),
                status: e.aws_status(),
            };
        }
        e
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_limits_follow_the_invocation_type() {
        assert_eq!(InvocationType::Event.payload_limit().0, ASYNC_PAYLOAD_BYTES);
        assert_eq!(
            InvocationType::RequestResponse.payload_limit().0,
            SYNC_PAYLOAD_BYTES
        );
        assert_eq!(InvocationType::DryRun.payload_limit().0, SYNC_PAYLOAD_BYTES);
    }

    #[test]
    fn api_names_round_trip() {
        for t in [
            InvocationType::RequestResponse,
            InvocationType::Event,
            InvocationType::DryRun,
        ] {
            assert_eq!(InvocationType::from_api_name(t.api_name()), Some(t));
        }
        assert_eq!(InvocationType::from_api_name("event"), None);
    }

    #[test]
    fn labels_and_error_documents() {
        let inv = Invocation {
            function: "f".into(),
            invocation_type: InvocationType::default(),
            qualifier: Some("live".into()),
            client_context: None,
            tail: false,
            stream: false,
        };
        assert_eq!(inv.label(), "f:live");
        let mut o = InvokeOutcome {
            payload: b"p".to_vec(),
            ..Default::default()
        };
        assert_eq!(o.error_doc(), b"p");
        o.error_details = Some(b"d".to_vec());
        assert_eq!(o.error_doc(), b"d");
    }
}
