//! The execution role lamctl creates for a function (`--create-role`): a
//! role Lambda may assume, with the basic execution policy (logs) attached,
//! the managed policies the definition lists (`--policy`; lamctl records
//! which it attached in role tags and detaches only those), and one inline
//! policy lamctl owns (`--allow`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

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

/// The tag that proves lamctl created a role, and for which function:
/// `lamctl:function = NAME` (lamctl keeps no state file).
pub const OWNER_TAG: &str = "lamctl:function";

/// Create a role Lambda may assume for `function`, tagged as lamctl's
/// ([`OWNER_TAG`]); returns its ARN.
pub async fn create(aws: &AwsContext, name: &str, function: &str) -> Result<String> {
    let iam = aws.iam().await;
    let owner = aws_sdk_iam::types::Tag::builder()
        .key(OWNER_TAG)
        .value(function)
        .build()
        .map_err(|e| Error::failed(e.to_string()))?;
    let r = iam
        .create_role()
        .role_name(name)
        .assume_role_policy_document(TRUST_POLICY)
        .description("Execution role created by lamctl deploy --create-role")
        .tags(owner)
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

/// The one inline policy lamctl owns on its role (`--allow`).
pub const INLINE_POLICY_NAME: &str = "lamctl-allow";

/// The role tags that record which managed policies lamctl attached:
/// `lamctl:policy:HASH = POLICY-ARN`, one per policy, so a policy that
/// someone else attached is never detached by lamctl.
pub const TRACKING_TAG_PREFIX: &str = "lamctl:policy:";

/// The tracking tag's key for a policy: a short digest of its ARN (tag
/// keys may not hold every character an ARN may, and are at most 128).
pub fn tracking_key(policy: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(policy.as_bytes());
    format!("{TRACKING_TAG_PREFIX}{}", &hex::encode(digest)[..16])
}

/// One statement of lamctl's inline policy: these actions allowed on
/// these resources.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Statement {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// The inline policy's document: one Allow statement per distinct set of
/// resources (statements with the same resources are joined), in a stable
/// order so an unchanged set reads as unchanged.
pub fn policy_document(statements: &[Statement]) -> serde_json::Value {
    let mut by_resources: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    for s in statements {
        let mut r = s.resources.clone();
        r.sort();
        r.dedup();
        by_resources
            .entry(r)
            .or_default()
            .extend(s.actions.iter().cloned());
    }
    let statements: Vec<serde_json::Value> = by_resources
        .into_iter()
        .map(|(resources, actions)| {
            serde_json::json!({
                "Effect": "Allow",
                "Action": actions.into_iter().collect::<Vec<_>>(),
                "Resource": resources,
            })
        })
        .collect();
    serde_json::json!({"Version": "2012-10-17", "Statement": statements})
}

/// lamctl's role as IAM holds it: its ARN, the managed policies attached
/// to it, those lamctl recorded as its own, and lamctl's inline policy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoleState {
    pub arn: String,
    pub attached: BTreeSet<String>,
    /// Policies lamctl attached (from the tracking tags), by tag key.
    pub tracked: BTreeMap<String, String>,
    /// The inline policy's document, when there is one.
    pub inline: Option<serde_json::Value>,
}

/// The managed policies attached to a role (every page).
async fn attached_policies(aws: &AwsContext, role: &str) -> Result<BTreeSet<String>> {
    let iam = aws.iam().await;
    let mut out = BTreeSet::new();
    let mut pages = iam
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| aws.error(Service::Iam, "ListAttachedRolePolicies", e))?;
        out.extend(
            page.attached_policies()
                .iter()
                .filter_map(|p| p.policy_arn().map(String::from)),
        );
    }
    Ok(out)
}

/// Read lamctl's role; `None` when no role has that name.
pub async fn read(aws: &AwsContext, name: &str) -> Result<Option<RoleState>> {
    let Some(arn) = get_arn(aws, name).await? else {
        return Ok(None);
    };
    let iam = aws.iam().await;
    let attached = attached_policies(aws, name);
    let tags = async {
        let out = iam
            .list_role_tags()
            .role_name(name)
            .send()
            .await
            .map_err(|e| aws.error(Service::Iam, "ListRoleTags", e))?;
        Ok::<_, Error>(
            out.tags()
                .iter()
                .filter(|t| t.key().starts_with(TRACKING_TAG_PREFIX))
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect::<BTreeMap<_, _>>(),
        )
    };
    let inline = async {
        let out = optional(
            iam.get_role_policy()
                .role_name(name)
                .policy_name(INLINE_POLICY_NAME)
                .send()
                .await
                .map_err(|e| aws.error(Service::Iam, "GetRolePolicy", e)),
        )?;
        Ok::<_, Error>(out.and_then(|o| parse_document(o.policy_document())))
    };
    let (attached, tracked, inline) = tokio::try_join!(attached, tags, inline)?;
    Ok(Some(RoleState {
        arn,
        attached,
        tracked,
        inline,
    }))
}

/// IAM returns policy documents URL-encoded (RFC 3986).
fn parse_document(text: &str) -> Option<serde_json::Value> {
    let decoded = percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()?;
    serde_json::from_str(&decoded).ok()
}

/// Detach a managed policy from a role (one lamctl attached).
pub async fn detach_policy(aws: &AwsContext, role: &str, policy: &str) -> Result<()> {
    aws.iam()
        .await
        .detach_role_policy()
        .role_name(role)
        .policy_arn(policy)
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "DetachRolePolicy", e))?;
    Ok(())
}

/// Write lamctl's inline policy (replacing it whole).
pub async fn put_inline(aws: &AwsContext, role: &str, document: &serde_json::Value) -> Result<()> {
    aws.iam()
        .await
        .put_role_policy()
        .role_name(role)
        .policy_name(INLINE_POLICY_NAME)
        .policy_document(document.to_string())
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "PutRolePolicy", e))?;
    Ok(())
}

/// Delete lamctl's inline policy.
pub async fn delete_inline(aws: &AwsContext, role: &str) -> Result<()> {
    aws.iam()
        .await
        .delete_role_policy()
        .role_name(role)
        .policy_name(INLINE_POLICY_NAME)
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "DeleteRolePolicy", e))?;
    Ok(())
}

/// The function a role was created for, as its [`OWNER_TAG`] says;
/// `None` when the role carries no such tag (lamctl did not create it).
pub async fn owner(aws: &AwsContext, role: &str) -> Result<Option<String>> {
    let out = aws
        .iam()
        .await
        .list_role_tags()
        .role_name(role)
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "ListRoleTags", e))?;
    Ok(out
        .tags()
        .iter()
        .find(|t| t.key() == OWNER_TAG)
        .map(|t| t.value().to_string()))
}

/// Delete a role whole: IAM refuses to delete a role with policies, so
/// every managed policy is detached and every inline policy deleted
/// first. Only for a role [`owner`] proved lamctl's.
pub async fn delete(aws: &AwsContext, role: &str) -> Result<()> {
    let iam = aws.iam().await;
    for p in &attached_policies(aws, role).await? {
        detach_policy(aws, role, p).await?;
    }
    let mut inline = Vec::new();
    let mut pages = iam
        .list_role_policies()
        .role_name(role)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| aws.error(Service::Iam, "ListRolePolicies", e))?;
        inline.extend(page.policy_names().iter().cloned());
    }
    for p in &inline {
        iam.delete_role_policy()
            .role_name(role)
            .policy_name(p)
            .send()
            .await
            .map_err(|e| aws.error(Service::Iam, "DeleteRolePolicy", e))?;
    }
    iam.delete_role()
        .role_name(role)
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "DeleteRole", e))?;
    Ok(())
}

/// Record policies as attached by lamctl (tracking tags).
pub async fn track(aws: &AwsContext, role: &str, tags: &BTreeMap<String, String>) -> Result<()> {
    let tags = tags
        .iter()
        .map(|(k, v)| {
            aws_sdk_iam::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| Error::failed(e.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    aws.iam()
        .await
        .tag_role()
        .role_name(role)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "TagRole", e))?;
    Ok(())
}

/// Forget tracking tags.
pub async fn untrack(aws: &AwsContext, role: &str, keys: &[String]) -> Result<()> {
    aws.iam()
        .await
        .untag_role()
        .role_name(role)
        .set_tag_keys(Some(keys.to_vec()))
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "UntagRole", e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_with_the_same_resources_join_and_order_is_stable() {
        let s = |a: &[&str], r: &[&str]| Statement {
            actions: a.iter().map(|x| x.to_string()).collect(),
            resources: r.iter().map(|x| x.to_string()).collect(),
        };
        let doc = policy_document(&[
            s(&["translate:TranslateText"], &["*"]),
            s(
                &["dynamodb:PutItem"],
                &["arn:aws:dynamodb:us-east-1:1:table/t"],
            ),
            s(&["comprehend:DetectDominantLanguage"], &["*"]),
        ]);
        assert_eq!(
            doc,
            serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": ["comprehend:DetectDominantLanguage", "translate:TranslateText"], "Resource": ["*"]},
                {"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": ["arn:aws:dynamodb:us-east-1:1:table/t"]},
            ]})
        );
        assert_eq!(
            parse_document(
                &percent_encoding::utf8_percent_encode(
                    &doc.to_string(),
                    percent_encoding::NON_ALPHANUMERIC
                )
                .to_string()
            ),
            Some(doc)
        );
        assert_eq!(tracking_key("a"), tracking_key("a"));
        assert_ne!(tracking_key("a"), tracking_key("b"));
        assert!(tracking_key("a").len() <= 128);
    }
}
