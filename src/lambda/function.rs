//! Reading a function, the one "function not found" error, waiting until a
//! function is ready (with a spinner), and retrying a change that met an
//! update in progress.

use std::future::Future;
use std::time::Duration;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::types::{FunctionConfiguration, LastUpdateStatus, State};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::limits::{CONFLICT_RETRY_FOR, READY_POLL_FIRST, READY_POLL_MAX, READY_TIMEOUT};
use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result, optional};
use crate::output::Ui;
use crate::timewin::format_duration;

/// `GetFunction`, or `None` when the function does not exist.
pub async fn get_function(
    client: &Client,
    aws: &AwsContext,
    name: &str,
) -> Result<Option<GetFunctionOutput>> {
    optional(
        client
            .get_function()
            .function_name(name)
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "GetFunction", e)),
    )
}

/// A function that must exist, as GetFunction describes it.
#[derive(Debug, Clone)]
pub struct Function {
    pub config: FunctionConfiguration,
    pub tags: std::collections::BTreeMap<String, String>,
    /// Where the deployment package can be downloaded (a presigned URL).
    pub code_location: Option<String>,
}

/// GetFunction of a function that must exist: [`not_found`] otherwise.
pub async fn require_function(client: &Client, aws: &AwsContext, name: &str) -> Result<Function> {
    let f = get_function(client, aws, name)
        .await?
        .ok_or_else(|| not_found(aws, name, None))?;
    Ok(Function {
        code_location: f.code().and_then(|c| c.location()).map(String::from),
        config: f
            .configuration
            .unwrap_or_else(|| FunctionConfiguration::builder().build()),
        tags: f.tags.unwrap_or_default().into_iter().collect(),
    })
}

/// The one error for a function (or its version or alias) that does not
/// exist: it names the function as the user wrote it and the region, and
/// keeps the service's code.
pub fn not_found(aws: &AwsContext, function: &str, qualifier: Option<&str>) -> Error {
    let label = match qualifier {
        Some(q) => format!("{function}:{q}"),
        None => function.to_string(),
    };
    Error::Aws {
        message: format!("function '{label}' not found in {}", aws.region.value),
        hint: Some(match qualifier {
            Some(_) => format!(
                "check the name, the version or alias, and the region (from {}); `lamctl whoami` shows where calls go",
                aws.region.from
            ),
            None => format!(
                "check the name and the region (from {}); `lamctl whoami` shows where calls go",
                aws.region.from
            ),
        }),
        code: Some("ResourceNotFoundException".into()),
        status: Some(404),
    }
}

/// Map a failed call's error: "not found" becomes [`not_found`].
pub fn or_not_found(aws: &AwsContext, function: &str, qualifier: Option<&str>, e: Error) -> Error {
    if e.is_not_found() {
        not_found(aws, function, qualifier)
    } else {
        e
    }
}

/// What a function's State and LastUpdateStatus say about changing it:
/// the one rule every wait for a function uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// Active, and no update in progress.
    Ready,
    /// Pending, Inactive, an update in progress, or not said.
    Settling,
    /// The state or the last update failed.
    Failed,
}

impl Readiness {
    pub fn of(state: Option<&State>, update: Option<&LastUpdateStatus>) -> Readiness {
        match (state, update) {
            (Some(State::Failed), _) | (_, Some(LastUpdateStatus::Failed)) => Readiness::Failed,
            (Some(State::Active), None | Some(LastUpdateStatus::Successful)) => Readiness::Ready,
            _ => Readiness::Settling,
        }
    }

    pub fn of_config(c: &FunctionConfiguration) -> Readiness {
        Readiness::of(c.state(), c.last_update_status())
    }
}

/// [`wait_ready`] with a spinner on stderr saying what is awaited.
pub async fn wait_ready_shown(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    name: &str,
    message: &str,
) -> Result<()> {
    let spinner = crate::progress::spinner(ui, message);
    let waited = wait_ready(client, aws, name).await;
    spinner.finish_and_clear();
    waited
}

/// After a write whose answer said `seen`: no call when the service
/// answered that the function is ready already, else [`wait_ready_shown`].
pub async fn wait_after(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    name: &str,
    message: &str,
    seen: Readiness,
) -> Result<()> {
    match seen {
        Readiness::Ready => Ok(()),
        _ => wait_ready_shown(client, aws, ui, name, message).await,
    }
}

/// Wait until the function is Active and no update is in progress: one
/// GetFunction at once, then after `READY_POLL_FIRST`, doubling up to
/// `READY_POLL_MAX`, for at most `READY_TIMEOUT`. A Failed state quotes
/// Lambda's reason.
pub async fn wait_ready(client: &Client, aws: &AwsContext, name: &str) -> Result<()> {
    let start = std::time::Instant::now();
    let mut pause = READY_POLL_FIRST;
    loop {
        let c = get_function(client, aws, name)
            .await?
            .ok_or_else(|| not_found(aws, name, None))?
            .configuration
            .unwrap_or_else(|| FunctionConfiguration::builder().build());
        match Readiness::of_config(&c) {
            Readiness::Ready => return Ok(()),
            Readiness::Failed => {
                return Err(failed_state(name, &c)
                    .unwrap_or_else(|| Error::failed(format!("function '{name}' failed"))));
            }
            Readiness::Settling => {}
        }
        if start.elapsed() + pause > READY_TIMEOUT {
            let what = match c.state() {
                Some(State::Active) => "finish updating",
                _ => "become active",
            };
            return Err(Error::failed(format!(
                "function '{name}' did not {what} within {}",
                format_duration(READY_TIMEOUT)
            )));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(READY_POLL_MAX);
    }
}

/// An error quoting Lambda's reason when the state or last update failed.
pub fn failed_state(name: &str, c: &FunctionConfiguration) -> Option<Error> {
    if c.state() == Some(&State::Failed) {
        return Some(Error::failed(format!(
            "function '{name}' is in state Failed: {}",
            c.state_reason().unwrap_or("no reason given")
        )));
    }
    if c.last_update_status() == Some(&LastUpdateStatus::Failed) {
        return Some(Error::failed(format!(
            "the last update of function '{name}' failed: {}",
            c.last_update_status_reason().unwrap_or("no reason given")
        )));
    }
    None
}

/// Run a mutation; when Lambda answers ResourceConflictException ("an
/// update is in progress"), wait until the function is ready and try again.
/// The user never sees the conflict unless it outlasts the retry window.
pub async fn retry_conflict<T, E, R, F, Fut>(
    client: &Client,
    aws: &AwsContext,
    name: &str,
    operation: &str,
    mut call: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = std::result::Result<T, SdkError<E, R>>>,
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let start = std::time::Instant::now();
    let mut delay = Duration::from_millis(500);
    loop {
        match call().await {
            Ok(v) => return Ok(v),
            Err(e)
                if e.code() == Some("ResourceConflictException")
                    && start.elapsed() < CONFLICT_RETRY_FOR =>
            {
                tracing::info!(
                    "{operation}: an update of '{name}' is in progress; waiting and retrying"
                );
                wait_ready(client, aws, name).await?;
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
            }
            Err(e) => return Err(aws.error(Service::Lambda, operation, e)),
        }
    }
}

/// One function as ListFunctions describes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FunctionSummary {
    pub name: String,
    pub runtime: Option<String>,
    pub memory: Option<i32>,
    pub timeout: Option<i32>,
    pub last_modified: Option<String>,
    pub code_size: i64,
}

/// Every function in the region whose name starts with `prefix`, all
/// pages, sorted by name.
pub async fn list_functions(
    client: &Client,
    aws: &AwsContext,
    prefix: Option<&str>,
) -> Result<Vec<FunctionSummary>> {
    let mut out = Vec::new();
    let mut pages = client.list_functions().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| aws.error(Service::Lambda, "ListFunctions", e))?;
        out.extend(
            page.functions()
                .iter()
                .filter(|f| {
                    prefix.is_none_or(|p| f.function_name().unwrap_or_default().starts_with(p))
                })
                .map(|f| FunctionSummary {
                    name: f.function_name().unwrap_or_default().to_string(),
                    runtime: f.runtime().map(|r| r.as_str().to_string()),
                    memory: f.memory_size(),
                    timeout: f.timeout(),
                    last_modified: f.last_modified().map(String::from),
                    code_size: f.code_size(),
                }),
        );
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// DeleteFunction: the whole function, or one published version.
pub async fn delete_function(
    client: &Client,
    aws: &AwsContext,
    name: &str,
    version: Option<&str>,
) -> Result<()> {
    retry_conflict(client, aws, name, "DeleteFunction", || {
        client
            .delete_function()
            .function_name(name)
            .set_qualifier(version.map(String::from))
            .send()
    })
    .await
    .map_err(|e| or_not_found(aws, name, version, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_only_when_active_with_no_update_in_progress() {
        use LastUpdateStatus as U;
        use State as S;
        let r = |s, u| Readiness::of(s, u);
        assert_eq!(r(Some(&S::Active), Some(&U::Successful)), Readiness::Ready);
        // A function just created has no update status yet.
        assert_eq!(r(Some(&S::Active), None), Readiness::Ready);
        assert_eq!(
            r(Some(&S::Active), Some(&U::InProgress)),
            Readiness::Settling
        );
        assert_eq!(r(Some(&S::Pending), None), Readiness::Settling);
        assert_eq!(
            r(Some(&S::Inactive), Some(&U::Successful)),
            Readiness::Settling
        );
        assert_eq!(r(None, None), Readiness::Settling);
        assert_eq!(r(Some(&S::Failed), None), Readiness::Failed);
        assert_eq!(r(Some(&S::Active), Some(&U::Failed)), Readiness::Failed);
    }
}
