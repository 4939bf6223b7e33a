//! Reserved concurrency (per function) and provisioned concurrency (per
//! alias or version), and waiting until provisioned concurrency is ready.

use std::time::Duration;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::ProvisionedConcurrencyStatusEnum;
use serde::Serialize;

use super::limits::READY_TIMEOUT;
use super::retry_conflict;
use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result, optional};
use crate::output::Ui;
use crate::timewin::format_duration;

/// How often provisioned concurrency is polled while it is allocated.
const PROVISIONED_POLL: Duration = Duration::from_secs(2);

/// What to do with reserved concurrency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action", content = "value")]
pub enum Concurrency {
    Set(i32),
    Remove,
}

/// The change that makes reserved concurrency `deployed` what `want`
/// says, or `None` when it already is: deploy's plan and `lamctl
/// concurrency` decide with this.
pub fn reserved_change(want: Concurrency, deployed: Option<i32>) -> Option<Concurrency> {
    match want {
        Concurrency::Set(n) if deployed != Some(n) => Some(want),
        Concurrency::Remove if deployed.is_some() => Some(want),
        _ => None,
    }
}

/// Make the change [`reserved_change`] chose.
pub async fn apply_reserved(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    change: Concurrency,
) -> Result<()> {
    match change {
        Concurrency::Set(n) => set_reserved(client, aws, function, n).await,
        Concurrency::Remove => remove_reserved(client, aws, function).await,
    }
}

/// The function's reserved concurrency; `None` when none is reserved or
/// the function does not exist.
pub async fn reserved(client: &Client, aws: &AwsContext, function: &str) -> Result<Option<i32>> {
    let out = optional(
        client
            .get_function_concurrency()
            .function_name(function)
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "GetFunctionConcurrency", e)),
    )?;
    Ok(out.and_then(|c| c.reserved_concurrent_executions()))
}

pub async fn set_reserved(client: &Client, aws: &AwsContext, function: &str, n: i32) -> Result<()> {
    retry_conflict(client, aws, function, "PutFunctionConcurrency", || {
        client
            .put_function_concurrency()
            .function_name(function)
            .reserved_concurrent_executions(n)
            .send()
    })
    .await?;
    Ok(())
}

pub async fn remove_reserved(client: &Client, aws: &AwsContext, function: &str) -> Result<()> {
    retry_conflict(client, aws, function, "DeleteFunctionConcurrency", || {
        client
            .delete_function_concurrency()
            .function_name(function)
            .send()
    })
    .await?;
    Ok(())
}

/// The provisioned concurrency requested on a qualifier; `None` when none
/// is configured (or the qualifier or function does not exist).
pub async fn provisioned(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: &str,
) -> Result<Option<i32>> {
    let out = optional(
        client
            .get_provisioned_concurrency_config()
            .function_name(function)
            .qualifier(qualifier)
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "GetProvisionedConcurrencyConfig", e)),
    )?;
    Ok(out.and_then(|c| c.requested_provisioned_concurrent_executions()))
}

pub async fn set_provisioned(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: &str,
    n: i32,
) -> Result<()> {
    retry_conflict(
        client,
        aws,
        function,
        "PutProvisionedConcurrencyConfig",
        || {
            client
                .put_provisioned_concurrency_config()
                .function_name(function)
                .qualifier(qualifier)
                .provisioned_concurrent_executions(n)
                .send()
        },
    )
    .await?;
    Ok(())
}

/// Poll until the qualifier's provisioned concurrency is READY, with a
/// spinner; FAILED quotes Lambda's reason. (The SDK has no waiter for it.)
pub async fn wait_provisioned(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    function: &str,
    qualifier: &str,
) -> Result<()> {
    let spinner = crate::progress::spinner(ui, "waiting for provisioned concurrency");
    let start = std::time::Instant::now();
    let result = loop {
        let c = match client
            .get_provisioned_concurrency_config()
            .function_name(function)
            .qualifier(qualifier)
            .send()
            .await
        {
            Ok(c) => c,
            Err(e) => break Err(aws.error(Service::Lambda, "GetProvisionedConcurrencyConfig", e)),
        };
        match c.status() {
            Some(ProvisionedConcurrencyStatusEnum::Ready) => break Ok(()),
            Some(ProvisionedConcurrencyStatusEnum::Failed) => {
                break Err(Error::failed(format!(
                    "provisioned concurrency of {function}:{qualifier} failed: {}",
                    c.status_reason().unwrap_or("no reason given")
                )));
            }
            _ if start.elapsed() > READY_TIMEOUT => {
                break Err(Error::failed(format!(
                    "provisioned concurrency of {function}:{qualifier} is not ready after {}",
                    format_duration(READY_TIMEOUT)
                )));
            }
            _ => tokio::time::sleep(PROVISIONED_POLL).await,
        }
    };
    spinner.finish_and_clear();
    result
}

/// Remove the provisioned concurrency of a qualifier.
pub async fn remove_provisioned(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: &str,
) -> Result<()> {
    retry_conflict(
        client,
        aws,
        function,
        "DeleteProvisionedConcurrencyConfig",
        || {
            client
                .delete_provisioned_concurrency_config()
                .function_name(function)
                .qualifier(qualifier)
                .send()
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_changes_only_when_it_differs() {
        assert_eq!(reserved_change(Concurrency::Set(5), Some(5)), None);
        assert_eq!(
            reserved_change(Concurrency::Set(5), None),
            Some(Concurrency::Set(5))
        );
        assert_eq!(reserved_change(Concurrency::Remove, None), None);
        assert_eq!(
            reserved_change(Concurrency::Remove, Some(0)),
            Some(Concurrency::Remove)
        );
    }
}
