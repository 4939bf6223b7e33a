//! What a Lambda answer must hold. A 200 whose body lacks the fields the
//! operation always returns (an empty `{}` from a broken proxy or a
//! hostile endpoint) is not an answer: left alone, `info` printed dashes
//! for it and deploy's waiters polled it for 15 minutes. One interceptor on
//! every Lambda client checks each operation family once, after the SDK
//! read the answer, so no caller (waiters included) ever sees it; the call
//! then fails as a response lamctl cannot read, naming the endpoint.

use aws_sdk_lambda::operation as op;
use aws_sdk_lambda::types::{LastUpdateStatus, State};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, Output,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

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
    check!(op::get_function::GetFunctionOutput, |o| match o.configuration() {
        None => Some("Configuration"),
        Some(c) => settled(c.function_name(), c.state(), c.last_update_status()),
    });
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
    check!(op::get_function_url_config::GetFunctionUrlConfigOutput, |o| {
        first([("FunctionUrl", o.function_url().is_empty())])
    });
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
        assert_eq!(
            missing(&boxed(get)),
            Some("Configuration.LastUpdateStatus")
        );
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
        let alias = op::get_alias::GetAliasOutput::builder().name("live").build();
        assert_eq!(missing(&boxed(alias)), Some("FunctionVersion"));
        // Operations without a rule pass.
        assert_eq!(
            missing(&boxed(op::tag_resource::TagResourceOutput::builder().build())),
            None
        );
    }
}
