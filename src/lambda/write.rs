//! Creating a function and changing its configuration, code and tags; each
//! call waits until the function is ready again and rides out "an update
//! is in progress".

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::FunctionCode;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;

use super::config::{self, Architecture, Definition, Logging};
use super::{Readiness, retry_conflict, wait_after};
use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result};
use crate::output::Ui;

/// How long CreateFunction keeps retrying a role Lambda cannot assume yet
/// (a new IAM role takes seconds to reach Lambda).
pub(crate) const NEW_ROLE_GRACE: Duration = Duration::from_secs(90);

/// Where the deployment package is read from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeSource {
    /// Sent in the request.
    Zip(PathBuf),
    /// An object in S3.
    S3 { bucket: String, key: String },
}

impl CodeSource {
    async fn function_code(&self) -> Result<FunctionCode> {
        let b = match self {
            CodeSource::Zip(p) => FunctionCode::builder().zip_file(read_zip(p).await?),
            CodeSource::S3 { bucket, key } => FunctionCode::builder().s3_bucket(bucket).s3_key(key),
        };
        Ok(b.build())
    }
}

async fn read_zip(p: &Path) -> Result<Blob> {
    Ok(Blob::new(
        tokio::fs::read(p).await.map_err(|e| Error::io(p, e))?,
    ))
}

/// The key a package is uploaded under when none is given: content
/// addressed, so an unchanged package is not uploaded twice.
pub fn s3_key_for(function: &str, sha256_hex: &str) -> String {
    format!("lamctl/{function}/{sha256_hex}.zip")
}

/// CreateFunction from the definition (unpublished), then wait until it is
/// active. Returns the function's ARN.
pub async fn create_function(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    name: &str,
    def: &Definition,
    role: &str,
    code: &CodeSource,
) -> Result<String> {
    let request = config::create_input(
        client
            .create_function()
            .function_name(name)
            .role(role)
            .code(code.function_code().await?)
            .publish(false),
        def,
    )?;
    let start = std::time::Instant::now();
    let out = loop {
        let r = request.clone().send().await;
        match r {
            Ok(out) => break out,
            // A new role takes seconds to reach Lambda; that is not a
            // failure. Lambda gives this case no code of its own.
            Err(e)
                if e.code() == Some("InvalidParameterValueException")
                    && e.message().is_some_and(|m| m.contains("cannot be assumed"))
                    && start.elapsed() < NEW_ROLE_GRACE =>
            {
                tracing::info!("the role is not assumable yet; retrying");
                tokio::time::sleep(Duration::from_secs(3)).await;
            }
            Err(e) if e.code() == Some("ResourceConflictException") => {
                return Err(Error::failed(format!(
                    "function '{name}' was created by someone else while lamctl was deploying it"
                ))
                .with_hint("run lamctl deploy again: it will update the function"));
            }
            Err(e) => return Err(aws.error(Service::Lambda, "CreateFunction", e)),
        }
    };
    let seen = Readiness::of(out.state(), out.last_update_status());
    let what = "waiting for the function to become active";
    wait_after(client, aws, ui, name, what, seen).await?;
    Ok(out.function_arn().unwrap_or_default().to_string())
}

/// UpdateFunctionConfiguration with the definition's settings (`role` only
/// when it changes, `logging` from [`config::logging`]), then wait until
/// the update is done (no call when the answer says it is).
pub async fn update_configuration(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    name: &str,
    def: &Definition,
    role: Option<&str>,
    logging: Option<&Logging>,
) -> Result<()> {
    let request = config::update_input(
        client.update_function_configuration().function_name(name),
        def,
        role,
        logging,
    )?;
    let out = retry_conflict(client, aws, name, "UpdateFunctionConfiguration", || {
        request.clone().send()
    })
    .await?;
    let seen = Readiness::of(out.state(), out.last_update_status());
    wait_after(
        client,
        aws,
        ui,
        name,
        "waiting for the update to finish",
        seen,
    )
    .await
}

/// UpdateFunctionCode (which also sets the architecture), then wait until
/// the update is done (no call when the answer says it is).
pub async fn update_code(
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    name: &str,
    code: &CodeSource,
    architecture: Option<Architecture>,
) -> Result<()> {
    let (zip, bucket, key) = match code {
        CodeSource::Zip(p) => (Some(read_zip(p).await?), None, None),
        CodeSource::S3 { bucket, key } => (None, Some(bucket.clone()), Some(key.clone())),
    };
    let arch = architecture.map(|a| vec![a.sdk()]);
    let out = retry_conflict(client, aws, name, "UpdateFunctionCode", || {
        client
            .update_function_code()
            .function_name(name)
            .set_zip_file(zip.clone())
            .set_s3_bucket(bucket.clone())
            .set_s3_key(key.clone())
            .set_architectures(arch.clone())
            .send()
    })
    .await?;
    let seen = Readiness::of(out.state(), out.last_update_status());
    wait_after(
        client,
        aws,
        ui,
        name,
        "waiting for the update to finish",
        seen,
    )
    .await
}

/// TagResource on a function (or any Lambda resource) by ARN.
pub async fn tag(
    client: &Client,
    aws: &AwsContext,
    arn: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    client
        .tag_resource()
        .resource(arn)
        .set_tags(Some(tags.clone().into_iter().collect()))
        .send()
        .await
        .map_err(|e| aws.error(Service::Lambda, "TagResource", e))?;
    Ok(())
}

/// UntagResource by ARN.
pub async fn untag(client: &Client, aws: &AwsContext, arn: &str, keys: &[String]) -> Result<()> {
    client
        .untag_resource()
        .resource(arn)
        .set_tag_keys(Some(keys.to_vec()))
        .send()
        .await
        .map_err(|e| aws.error(Service::Lambda, "UntagResource", e))?;
    Ok(())
}
