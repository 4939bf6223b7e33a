//! CloudWatch Live Tail: StartLiveTail sent to the configured endpoint (a
//! custom one without the SDK's host prefix), and the session awaited until
//! the service says it has started.

use aws_sdk_cloudwatchlogs::Client;
use aws_sdk_cloudwatchlogs::primitives::event_stream::EventReceiver;
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::{AwsContext, Service};
use crate::error::chain;

/// The events of a started session.
pub type LiveTailStream =
    EventReceiver<StartLiveTailResponseStream, StartLiveTailResponseStreamError>;

/// StartLiveTail's `logGroupIdentifiers` takes at most this many groups.
pub const MAX_LOG_GROUPS: usize = 10;

/// Why a session did not start: the caller reads another way instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotStarted {
    /// The call failed or the stream did not open with a session start.
    Unavailable(String),
    /// No session start within the read timeout.
    TimedOut,
}

/// Start a Live Tail session of log groups (by ARN, one to
/// [`MAX_LOG_GROUPS`]), optionally only streams with these prefixes (AWS
/// takes them with one group only) and events matching `filter`.
pub async fn start(
    aws: &AwsContext,
    client: &Client,
    group_arns: &[String],
    prefixes: &[String],
    filter: Option<&str>,
) -> Result<LiveTailStream, NotStarted> {
    let mut req = client
        .start_live_tail()
        .set_log_group_identifiers(Some(group_arns.to_vec()))
        .set_log_stream_name_prefixes((!prefixes.is_empty()).then(|| prefixes.to_vec()))
        .set_log_event_filter_pattern(filter.map(String::from))
        .customize();
    if aws.endpoint_for(Service::Logs).is_some() {
        // The SDK sends StartLiveTail to a `streaming-` host, which a custom
        // endpoint (an emulator on 127.0.0.1) does not have.
        req = req.interceptor(NoHostPrefix);
    }
    let attempt = async {
        let out = req
            .send()
            .await
            .map_err(|e| chain(&aws.error(Service::Logs, "StartLiveTail", e)))?;
        let mut stream = out.response_stream;
        // The session is on once the service says so.
        match stream.recv().await {
            Ok(Some(StartLiveTailResponseStream::SessionStart(_))) => Ok(stream),
            Ok(Some(_)) => Err("the first message was not a session start".to_string()),
            Ok(None) => Err("the stream ended at once".to_string()),
            Err(e) => Err(chain(&e)),
        }
    };
    match tokio::time::timeout(aws.read_timeout(), attempt).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(e)) => Err(NotStarted::Unavailable(e)),
        Err(_) => Err(NotStarted::TimedOut),
    }
}

/// Removes the host prefix the SDK puts on StartLiveTail's endpoint.
#[derive(Debug)]
struct NoHostPrefix;

impl Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "NoHostPrefix"
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().unset::<EndpointPrefix>();
        Ok(())
    }
}
