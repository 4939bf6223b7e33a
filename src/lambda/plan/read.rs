//! Reading the deployed state a plan starts from, once, before planning.
//! Each read maps "not found" to nothing, so a function about to be
//! created reads as having no alias, URL or concurrency.

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::FunctionConfiguration;

use super::{Deployed, Desired, FunctionState};
use crate::aws::AwsContext;
use crate::error::{Result, optional};
use crate::lambda::names::role_name_for;
use crate::lambda::{alias, concurrency, get_function, role, url, versions};

impl Deployed {
    /// Read what `want` names: the function and its tags, and only as
    /// needed lamctl's role, the alias, versions and aliases (to prune),
    /// reserved and provisioned concurrency, the URL and its policy.
    pub async fn read(client: &Client, aws: &AwsContext, want: &Desired) -> Result<Deployed> {
        let name = want.name.as_str();
        let function = get_function(client, aws, name)
            .await?
            .map(|f| FunctionState {
                config: f
                    .configuration
                    .unwrap_or_else(|| FunctionConfiguration::builder().build()),
                tags: f.tags.unwrap_or_default().into_iter().collect(),
            });
        let mut d = Deployed {
            function,
            ..Default::default()
        };
        if want.create_role && want.definition.role.is_none() {
            d.role = role::get_arn(aws, &role_name_for(name)).await?;
        }
        if let Some(a) = &want.alias {
            d.alias = alias::get(client, aws, name, a).await?;
        }
        if want.publish && want.keep_versions.is_some() {
            d.versions = versions::list(client, aws, name).await?;
            d.aliases = optional(alias::list(client, aws, name).await)?.unwrap_or_default();
        }
        if want.concurrency.is_some() {
            d.reserved = concurrency::reserved(client, aws, name).await?;
        }
        if let (Some(_), Some(a)) = (want.provisioned, &want.alias) {
            d.provisioned = concurrency::provisioned(client, aws, name, a).await?;
        }
        if want.url.is_some() {
            let qualifier = want.alias.as_deref();
            d.url = url::get(client, aws, name, qualifier).await?;
            d.policy_sids = url::policy_sids(client, aws, name, qualifier).await?;
        }
        Ok(d)
    }
}
