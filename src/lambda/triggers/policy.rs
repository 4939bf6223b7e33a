//! The function's resource policy as the triggers see it: who may invoke
//! it, scoped to which source. lamctl's statements (ids from
//! [`owner::sid`]) are the only ones deploy and delete change; each names
//! its source ARN, which is how lamctl finds the buckets it wired up
//! without a state file.

use aws_sdk_lambda::Client;
use serde::Serialize;

use super::owner;
use crate::aws::{AwsContext, Service};
use crate::error::{Result, optional};
use crate::lambda::retry_conflict;

/// One statement of the function's (unqualified) resource policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub sid: String,
    /// The service allowed (`apigateway.amazonaws.com`).
    pub principal: String,
    /// The `AWS:SourceArn` it is scoped to, if any.
    pub source_arn: Option<String>,
}

impl Grant {
    pub fn is_lamctl(&self) -> bool {
        owner::is_lamctl_sid(&self.sid)
    }
}

/// Every statement of the function's policy (none when it has none).
pub async fn read(client: &Client, aws: &AwsContext, function: &str) -> Result<Vec<Grant>> {
    read_qualified(client, aws, function, None).await
}

/// Every statement of the policy of `function` or of one of its
/// qualifiers (a function URL's on an alias); none when it has none.
pub async fn read_qualified(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: Option<&str>,
) -> Result<Vec<Grant>> {
    let out = optional(
        client
            .get_policy()
            .function_name(function)
            .set_qualifier(qualifier.map(String::from))
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "GetPolicy", e)),
    )?;
    Ok(out
        .and_then(|p| p.policy)
        .map(|p| parse(&p))
        .unwrap_or_default())
}

/// The statements of a policy document; what cannot be read is skipped.
pub fn parse(policy: &str) -> Vec<Grant> {
    let v: serde_json::Value = serde_json::from_str(policy).unwrap_or_default();
    let Some(statements) = v["Statement"].as_array() else {
        return Vec::new();
    };
    statements
        .iter()
        .filter_map(|st| {
            let sid = st["Sid"].as_str()?.to_string();
            let principal = match &st["Principal"] {
                serde_json::Value::String(s) => s.clone(),
                p => p["Service"].as_str().unwrap_or_default().to_string(),
            };
            // The condition operator is ArnLike (or ArnEquals, StringEquals).
            let source_arn = st["Condition"].as_object().and_then(|ops| {
                ops.values()
                    .find_map(|c| c["AWS:SourceArn"].as_str().map(String::from))
            });
            Some(Grant {
                sid,
                principal,
                source_arn,
            })
        })
        .collect()
}

/// The account a function ARN belongs to (`arn:aws:lambda:R:ACCOUNT:function:F`).
pub fn account_of(function_arn: &str) -> Option<&str> {
    function_arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Allow `grant.principal` to invoke the function from `grant.source_arn`
/// (and, for S3, whose ARNs name no account, from `source_account`).
pub async fn add(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    grant: &Grant,
    source_account: Option<&str>,
) -> Result<()> {
    retry_conflict(client, aws, function, "AddPermission", || {
        client
            .add_permission()
            .function_name(function)
            .statement_id(&grant.sid)
            .action("lambda:InvokeFunction")
            .principal(&grant.principal)
            .set_source_arn(grant.source_arn.clone())
            .set_source_account(source_account.map(String::from))
            .send()
    })
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sids_principals_and_sources() {
        let doc = r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"lamctl-s3-b","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
             "Action":"lambda:InvokeFunction","Resource":"arn",
             "Condition":{"StringEquals":{"AWS:SourceAccount":"1"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"}}},
            {"Sid":"other","Principal":"*"}]}"#;
        let g = parse(doc);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].principal, "s3.amazonaws.com");
        assert_eq!(g[0].source_arn.as_deref(), Some("arn:aws:s3:::b"));
        assert!(g[0].is_lamctl() && !g[1].is_lamctl());
        assert_eq!(g[1].source_arn, None);
        assert!(parse("not json").is_empty());
        assert_eq!(
            account_of("arn:aws:lambda:us-east-1:123456789012:function:f"),
            Some("123456789012")
        );
    }
}
