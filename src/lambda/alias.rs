//! Aliases: reading one, and the versions an alias stands for (one, or two
//! while a canary shifts traffic).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::AliasConfiguration;

use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result, optional};

/// An alias as deployed: its version and the weights of extra versions.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AliasState {
    pub name: String,
    pub version: String,
    /// Extra versions and their share of traffic (0-1): a canary.
    pub weights: BTreeMap<String, f64>,
}

impl AliasState {
    /// Every version the alias routes traffic to, its own first.
    pub fn versions(&self) -> Vec<String> {
        std::iter::once(self.version.clone())
            .chain(self.weights.keys().cloned())
            .collect()
    }

    fn from_parts(
        name: Option<&str>,
        version: Option<&str>,
        weights: Option<&std::collections::HashMap<String, f64>>,
    ) -> AliasState {
        AliasState {
            name: name.unwrap_or_default().to_string(),
            version: version.unwrap_or_default().to_string(),
            weights: weights
                .map(|w| w.iter().map(|(k, v)| (k.clone(), *v)).collect())
                .unwrap_or_default(),
        }
    }
}

impl From<&AliasConfiguration> for AliasState {
    fn from(a: &AliasConfiguration) -> Self {
        AliasState::from_parts(
            a.name(),
            a.function_version(),
            a.routing_config()
                .and_then(|r| r.additional_version_weights()),
        )
    }
}

/// GetAlias, or `None` when the alias does not exist.
pub async fn get(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    alias: &str,
) -> Result<Option<AliasState>> {
    let out = optional(
        client
            .get_alias()
            .function_name(function)
            .name(alias)
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "GetAlias", e)),
    )?;
    Ok(out.map(|a| {
        AliasState::from_parts(
            a.name(),
            a.function_version(),
            a.routing_config()
                .and_then(|r| r.additional_version_weights()),
        )
    }))
}

/// GetAlias, failing with a clear error when the alias does not exist.
pub async fn require(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    alias: &str,
) -> Result<AliasState> {
    get(client, aws, function, alias).await?.ok_or_else(|| {
        Error::Aws {
            message: format!(
                "alias '{alias}' of function '{function}' not found in {}",
                aws.region.value
            ),
            hint: Some(format!(
                "`lamctl deploy --alias {alias}` creates it; a qualifier is a version number, $LATEST or an alias"
            )),
            code: Some("ResourceNotFoundException".into()),
            status: Some(404),
        }
    })
}

/// Every alias of a function (all pages).
pub async fn list(client: &Client, aws: &AwsContext, function: &str) -> Result<Vec<AliasState>> {
    let mut out = Vec::new();
    let mut pages = client
        .list_aliases()
        .function_name(function)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| aws.error(Service::Lambda, "ListAliases", e))?;
        out.extend(page.aliases().iter().map(AliasState::from));
    }
    Ok(out)
}

/// Every version some alias routes traffic to: versions that must not be
/// deleted.
pub fn aliased_versions(aliases: &[AliasState]) -> BTreeSet<String> {
    aliases.iter().flat_map(AliasState::versions).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alias_stands_for_its_version_and_its_canary() {
        let a = AliasState {
            name: "live".into(),
            version: "3".into(),
            weights: BTreeMap::from([("4".to_string(), 0.1)]),
        };
        assert_eq!(a.versions(), vec!["3".to_string(), "4".to_string()]);
        let b = AliasState {
            name: "old".into(),
            version: "1".into(),
            ..Default::default()
        };
        assert_eq!(
            aliased_versions(&[a, b]),
            BTreeSet::from(["1".to_string(), "3".into(), "4".into()])
        );
    }
}
