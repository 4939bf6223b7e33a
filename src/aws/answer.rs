//! What a Lambda answer must hold. A 200 whose body lacks the fields the
//! operation always returns (an empty `{}` from a broken proxy or a
//! hostile endpoint) is not an answer: left alone, `info` printed dashes
//! for it and deploy's waiters polled it for 15 minutes. One interceptor on
//! every Lambda client checks each operation family once, after the SDK
//! read the answer, so no caller (waiters included) ever sees it; the call
//! then fails as a response lamctl cannot read, naming the endpoint.
//!
//! And how much of an answer is read at all: the SDK reads a whole
//! (non-streaming) body into memory, so a hostile endpoint that streams
//! without end would grow lamctl without end until the call's timeout.

use aws_sdk_lambda::operation as op;
use aws_sdk_lambda::types::{LastUpdateStatus, State};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, BeforeDeserializationInterceptorContextMut, Output,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;

/// The most of one answer lamctl reads: the largest any operation it
/// calls returns is a synchronous invoke's 6 MB payload.
pub(super) const MAX_ANSWER_BYTES: u64 = 32 * 1024 * 1024;

/// Operations whose body is a stream the caller reads (and bounds) itself.
const STREAMING: [&str; 3] = ["InvokeWithResponseStream", "StartLiveTail", "GetObject"];

/// Bounds every non-streaming answer's body at [`MAX_ANSWER_BYTES`], on
/// every client: by its Content-Length before it is read, and while it is
/// read when it has none (chunked).
#[derive(Debug)]
pub(super) struct BoundedAnswers;

impl Intercept for BoundedAnswers {
    fn name(&self) -> &'static str {
        "lamctl::BoundedAnswers"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let op = cfg.load::<Metadata>().map(|m| m.name().to_string());
        if op.is_some_and(|o| STREAMING.contains(&o.as_str())) {
            return Ok(());
        }
        let resp = context.response_mut();
        let announced = resp
            .headers()
            .get("content-length")
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > MAX_ANSWER_BYTES) {
            return Err(too_big().into());
        }
        let body = std::mem::replace(resp.body_mut(), SdkBody::taken());
        if body
            .bytes()
            .is_some_and(|b| b.len() as u64 <= MAX_ANSWER_BYTES)
        {
            *resp.body_mut() = body;
            return Ok(());
        }
        let limited = http_body_util::Limited::new(body, MAX_ANSWER_BYTES as usize);
        *resp.body_mut() = SdkBody::from_body_1_x(MapLimit(limited));
        Ok(())
    }
}

fn too_big() -> String {
    format!(
        "the answer is over {} MiB, more than any answer lamctl asks for",
        MAX_ANSWER_BYTES >> 20
    )
}

/// `Limited`'s error, said in words.
struct MapLimit<B>(http_body_util::Limited<B>);

impl<B> hyper::body::Body for MapLimit<B>
where
    B: hyper::body::Body<Data = hyper::body::Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = hyper::body::Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<hyper::body::Bytes>, BoxError>>> {
        std::pin::Pin::new(&mut self.0).poll_frame(cx).map(|f| {
            f.map(|r| {
                r.map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        too_big().into()
                    } else {
                        e
                    }
                })
            })
        })
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.0.size_hint()
    }
}

#[derive(Debug)]
pub(super) struct LambdaAnswers;

impl Intercept for LambdaAnswers {
    fn name(&self) -> &'static str {
        "lamctl::LambdaAnswers"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        match context.output_or_error() {
            Ok(out) => match missing(out) {
                Some(field) => Err(format!("the answer has no {field}").into()),
                None => Ok(()),
            },
            Err(_) => Ok(()),
        }
    }
}

/// The first field `out` lacks that its operation always returns.
fn missing(out: &Output) -> Option<&'static str> {
    macro_rules! check {
        ($t:ty, |$o:ident| $body:expr) => {
            if let Some($o) = out.downcast_ref::<$t>() {
                return $body;
            }
        };
    }
    check!(
        op::get_function::GetFunctionOutput,
        |o| match o.configuration() {
            None => Some("Configuration"),
            Some(c) => settled(c.function_name(), c.state(), c.last_update_status()),
        }
    );
    // (No waiter of lamctl's reads this one: the name is what it must hold.)
    check!(
        op::get_function_configuration::GetFunctionConfigurationOutput,
        |o| first([("FunctionName", o.function_name().is_none())])
    );
    // A function being created has no update status yet.
    check!(op::create_function::CreateFunctionOutput, |o| {
        first([
            ("FunctionName", o.function_name().is_none()),
            ("State", o.state().is_none()),
        ])
    });
    check!(
        op::update_function_configuration::UpdateFunctionConfigurationOutput,
        |o| updated(o.function_name(), o.state(), o.last_update_status())
    );
    check!(op::update_function_code::UpdateFunctionCodeOutput, |o| {
        updated(o.function_name(), o.state(), o.last_update_status())
    });
    check!(op::publish_version::PublishVersionOutput, |o| {
        first([
            ("FunctionName", o.function_name().is_none()),
            ("Version", o.version().is_none()),
        ])
    });
    check!(op::get_alias::GetAliasOutput, |o| alias(
        o.name(),
        o.function_version()
    ));
    check!(op::create_alias::CreateAliasOutput, |o| alias(
        o.name(),
        o.function_version()
    ));
    check!(op::update_alias::UpdateAliasOutput, |o| alias(
        o.name(),
        o.function_version()
    ));
    check!(
        op::list_versions_by_function::ListVersionsByFunctionOutput,
        |o| first([("Versions", o.versions.is_none())])
    );
    check!(op::list_functions::ListFunctionsOutput, |o| first([(
        "Functions",
        o.functions.is_none()
    )]));
    check!(op::list_aliases::ListAliasesOutput, |o| first([(
        "Aliases",
        o.aliases.is_none()
    )]));
    check!(
        op::get_function_url_config::GetFunctionUrlConfigOutput,
        |o| first([("FunctionUrl", o.function_url().is_empty())])
    );
    check!(op::get_policy::GetPolicyOutput, |o| first([(
        "Policy",
        o.policy().is_none()
    )]));
    None
}

fn first<const N: usize>(checks: [(&'static str, bool); N]) -> Option<&'static str> {
    checks.into_iter().find(|(_, gone)| *gone).map(|(f, _)| f)
}

/// A function read back: named, in a state, and (once Active) with the
/// status of its last update, which deploy's waiters wait on.
fn settled(
    name: Option<&str>,
    state: Option<&State>,
    update: Option<&LastUpdateStatus>,
) -> Option<&'static str> {
    first([
        ("Configuration.FunctionName", name.is_none()),
        ("Configuration.State", state.is_none()),
        (
            "Configuration.LastUpdateStatus",
            state == Some(&State::Active) && update.is_none(),
        ),
    ])
}

/// A function just changed: an update is under way or done.
fn updated(
    name: Option<&str>,
    state: Option<&State>,
    update: Option<&LastUpdateStatus>,
) -> Option<&'static str> {
    first([
        ("FunctionName", name.is_none()),
        ("State", state.is_none()),
        ("LastUpdateStatus", update.is_none()),
    ])
}

fn alias(name: Option<&str>, version: Option<&str>) -> Option<&'static str> {
    first([
        ("Name", name.is_none()),
        ("FunctionVersion", version.is_none()),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_lambda::types::FunctionConfiguration;

    fn boxed<T: std::fmt::Debug + Send + Sync + 'static>(t: T) -> Output {
        Output::erase(t)
    }

    #[test]
    fn empty_answers_are_missing_their_fields() {
        let get = op::get_function::GetFunctionOutput::builder().build();
        assert_eq!(missing(&boxed(get)), Some("Configuration"));
        let config = FunctionConfiguration::builder()
            .function_name("f")
            .state(State::Active)
            .build();
        let get = op::get_function::GetFunctionOutput::builder()
            .configuration(config.clone())
            .build();
        assert_eq!(missing(&boxed(get)), Some("Configuration.LastUpdateStatus"));
        let pending = FunctionConfiguration::builder()
            .function_name("f")
            .state(State::Pending)
            .build();
        let get = op::get_function::GetFunctionOutput::builder()
            .configuration(pending)
            .build();
        assert_eq!(missing(&boxed(get)), None);
        let published = op::publish_version::PublishVersionOutput::builder()
            .function_name("f")
            .build();
        assert_eq!(missing(&boxed(published)), Some("Version"));
        let alias = op::get_alias::GetAliasOutput::builder()
            .name("live")
            .build();
        assert_eq!(missing(&boxed(alias)), Some("FunctionVersion"));
        // Operations without a rule pass.
        assert_eq!(
            missing(&boxed(
                op::tag_resource::TagResourceOutput::builder().build()
            )),
            None
        );
    }
}
