//! The execution role lamctl creates for a function (`--create-role`): a
//! role Lambda may assume, with the basic execution policy (logs) attached.

use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result, optional};

/// The AWS managed policy that lets a function write its logs.
pub const BASIC_EXECUTION_POLICY: &str =
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/// Who may assume the role: Lambda.
const TRUST_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// The role's ARN, or `None` when no role has that name.
pub async fn get_arn(aws: &AwsContext, name: &str) -> Result<Option<String>> {
    let iam = aws.iam().await;
    let out = optional(
        iam.get_role()
            .role_name(name)
            .send()
            .await
            .map_err(|e| aws.error(Service::Iam, "GetRole", e)),
    )?;
    Ok(out.and_then(|r| r.role().map(|r| r.arn().to_string())))
}

/// Create a role Lambda may assume; returns its ARN.
pub async fn create(aws: &AwsContext, name: &str) -> Result<String> {
    let iam = aws.iam().await;
    let r = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(TRUST_POLICY)
        .description("Execution role created by lamctl deploy --create-role")
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "CreateRole", e))?;
    r.role()
        .map(|r| r.arn().to_string())
        .ok_or_else(|| Error::failed("CreateRole returned no role"))
}

/// Attach a managed policy to a role; attaching an attached policy is a
/// no-op, so this also repairs a role an earlier failed run left without it.
pub async fn attach_policy(aws: &AwsContext, role: &str, policy: &str) -> Result<()> {
    aws.iam()
        .await
        .attach_role_policy()
        .role_name(role)
        .policy_arn(policy)
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "AttachRolePolicy", e))?;
    Ok(())
}
