//! The function settings Lambda keeps outside its configuration, each with
//! its own Get/Put operations: runtime management
//! (Get/PutRuntimeManagementConfig), recursive loop detection
//! (Get/PutFunctionRecursionConfig) and, for a function that exists, code
//! signing (Get/Put/DeleteFunctionCodeSigningConfig; CreateFunction takes
//! it directly).

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::{RecursiveLoop as SdkRecursiveLoop, UpdateRuntimeOn};

use super::config::{RecursiveLoop, RuntimeManagement, RuntimeUpdate};
use super::retry_conflict;
use crate::aws::{AwsContext, Service};
use crate::error::{Result, optional};

/// What is deployed of these settings; each is read only when the
/// definition names it (`None`: not read, or unset).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    pub runtime_management: Option<RuntimeManagement>,
    pub recursive_loop: Option<RecursiveLoop>,
    pub code_signing_config: Option<String>,
}

pub async fn runtime_management(
    client: &Client,
    aws: &AwsContext,
    function: &str,
) -> Result<Option<RuntimeManagement>> {
    let out = optional(
        client
            .get_runtime_management_config()
            .function_name(function)
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "GetRuntimeManagementConfig", e)),
    )?;
    Ok(out.and_then(|o| {
        Some(RuntimeManagement {
            update: RuntimeUpdate::parse(o.update_runtime_on()?.as_str())?,
            version_arn: o.runtime_version_arn().map(String::from),
        })
    }))
}

pub async fn put_runtime_management(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    want: &RuntimeManagement,
) -> Result<()> {
    retry_conflict(client, aws, function, "PutRuntimeManagementConfig", || {
        client
            .put_runtime_management_config()
            .function_name(function)
            .update_runtime_on(UpdateRuntimeOn::from(want.update.as_str()))
            .set_runtime_version_arn(want.version_arn.clone())
            .send()
    })
    .await?;
    Ok(())
}

pub async fn recursive_loop(
    client: &Client,
    aws: &AwsContext,
    function: &str,
) -> Result<Option<RecursiveLoop>> {
    let out = optional(
        client
            .get_function_recursion_config()
            .function_name(function)
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "GetFunctionRecursionConfig", e)),
    )?;
    Ok(out.and_then(|o| RecursiveLoop::parse(o.recursive_loop()?.as_str())))
}

pub async fn put_recursive_loop(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    want: RecursiveLoop,
) -> Result<()> {
    retry_conflict(client, aws, function, "PutFunctionRecursionConfig", || {
        client
            .put_function_recursion_config()
            .function_name(function)
            .recursive_loop(SdkRecursiveLoop::from(want.as_str()))
            .send()
    })
    .await?;
    Ok(())
}

pub async fn code_signing_config(
    client: &Client,
    aws: &AwsContext,
    function: &str,
) -> Result<Option<String>> {
    let out = optional(
        client
            .get_function_code_signing_config()
            .function_name(function)
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "GetFunctionCodeSigningConfig", e)),
    )?;
    Ok(out
        .map(|o| o.code_signing_config_arn().to_string())
        .filter(|a| !a.is_empty()))
}

pub async fn put_code_signing_config(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    arn: &str,
) -> Result<()> {
    retry_conflict(
        client,
        aws,
        function,
        "PutFunctionCodeSigningConfig",
        || {
            client
                .put_function_code_signing_config()
                .function_name(function)
                .code_signing_config_arn(arn)
                .send()
        },
    )
    .await?;
    Ok(())
}

pub async fn delete_code_signing_config(
    client: &Client,
    aws: &AwsContext,
    function: &str,
) -> Result<()> {
    retry_conflict(
        client,
        aws,
        function,
        "DeleteFunctionCodeSigningConfig",
        || {
            client
                .delete_function_code_signing_config()
                .function_name(function)
                .send()
        },
    )
    .await?;
    Ok(())
}
