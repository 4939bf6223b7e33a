//! Aliases: reading one, and the versions an alias stands for (one, or two
//! while a canary shifts traffic).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::{AliasConfiguration, AliasRoutingConfiguration};
use serde::Serialize;

use super::retry_conflict;
use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result, optional};

/// An alias as deployed: its version and the weights of extra versions.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
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

/// `live -> 3 (10% to 4)`.
impl std::fmt::Display for AliasState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} -> {}", self.name, self.version)?;
        for (v, w) in &self.weights {
            write!(f, " ({}% to {v})", percent(*w))?;
        }
        Ok(())
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

/// The aliases that route traffic to `version` (as its own version or a
/// canary's): Lambda refuses to delete a version an alias points to.
pub fn aliases_on(aliases: &[AliasState], version: &str) -> Vec<String> {
    aliases
        .iter()
        .filter(|a| a.versions().iter().any(|v| v == version))
        .map(|a| a.name.clone())
        .collect()
}

/// Why Lambda would refuse routing `to`, if it would: a weight on the
/// alias's own version, or weights on an alias of `$LATEST` (routing
/// needs published versions on both sides). Checked before any write.
pub fn check_route(to: &AliasState) -> std::result::Result<(), String> {
    if to.weights.is_empty() {
        return Ok(());
    }
    if to.weights.contains_key(&to.version) {
        return Err(format!(
            "--weight {v}=…: alias {} already points at version {v}; a weight goes to another version",
            to.name,
            v = to.version
        ));
    }
    if to.version == "$LATEST" || to.weights.contains_key("$LATEST") {
        return Err(format!(
            "--weight: alias {} points at $LATEST; Lambda shifts traffic only between published versions",
            to.name
        ));
    }
    Ok(())
}

/// A share of traffic (0-1) as a percentage for people: `0.07` is `7`,
/// not `7.000000000000001`.
pub fn percent(weight: f64) -> f64 {
    (weight * 1e4).round() / 1e2
}

/// A canary's share of traffic (0-1) from a percentage, rounded to the
/// precision Lambda keeps.
pub fn weight(percent: f64) -> f64 {
    (percent / 100.0 * 1e6).round() / 1e6
}

/// Where alias `name` should route once `version` is published: to
/// `version` alone, or, for a canary (`canary_percent`) on an alias that
/// already stands for another version, to its version with that share of
/// traffic to `version`. A new alias gets no canary: there is nothing to
/// shift traffic from; nor does an alias of `$LATEST`, as Lambda weighs
/// only published versions ([`check_route`]).
pub fn route(
    name: &str,
    deployed: Option<&AliasState>,
    version: &str,
    canary_percent: Option<f64>,
) -> AliasState {
    match (deployed, canary_percent) {
        (Some(d), Some(pct)) if d.version != version && d.version != "$LATEST" => AliasState {
            name: name.to_string(),
            version: d.version.clone(),
            weights: BTreeMap::from([(version.to_string(), weight(pct))]),
        },
        _ => AliasState {
            name: name.to_string(),
            version: version.to_string(),
            weights: BTreeMap::new(),
        },
    }
}

/// CreateAlias routing as `to` says (its version, and its weights if any).
pub async fn create(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    to: &AliasState,
) -> Result<()> {
    let routing = (!to.weights.is_empty()).then(|| routing(to));
    retry_conflict(client, aws, function, "CreateAlias", || {
        client
            .create_alias()
            .function_name(function)
            .name(&to.name)
            .function_version(&to.version)
            .set_routing_config(routing.clone())
            .send()
    })
    .await?;
    Ok(())
}

fn routing(to: &AliasState) -> AliasRoutingConfiguration {
    AliasRoutingConfiguration::builder()
        .set_additional_version_weights(Some(to.weights.clone().into_iter().collect()))
        .build()
}

/// DeleteAlias.
pub async fn delete(client: &Client, aws: &AwsContext, function: &str, alias: &str) -> Result<()> {
    retry_conflict(client, aws, function, "DeleteAlias", || {
        client
            .delete_alias()
            .function_name(function)
            .name(alias)
            .send()
    })
    .await?;
    Ok(())
}

/// UpdateAlias to `to`'s version and weights (no weights clears a canary).
pub async fn update(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    to: &AliasState,
) -> Result<()> {
    let routing = routing(to);
    retry_conflict(client, aws, function, "UpdateAlias", || {
        client
            .update_alias()
            .function_name(function)
            .name(&to.name)
            .function_version(&to.version)
            .routing_config(routing.clone())
            .send()
    })
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_canary_keeps_the_alias_version_and_weighs_the_new_one() {
        let live = AliasState {
            name: "live".into(),
            version: "3".into(),
            weights: BTreeMap::from([("2".to_string(), 0.5)]),
        };
        let canary = route("live", Some(&live), "4", Some(10.0));
        assert_eq!(canary.version, "3");
        assert_eq!(canary.weights, BTreeMap::from([("4".to_string(), 0.1)]));
        // Promotion (no canary) moves it and drops the weights.
        let moved = route("live", Some(&live), "4", None);
        assert_eq!((moved.version.as_str(), moved.weights.len()), ("4", 0));
        // A canary onto the version the alias already has is no canary.
        assert!(
            route("live", Some(&live), "3", Some(10.0))
                .weights
                .is_empty()
        );
        // From $LATEST there is no published version to keep: no canary.
        let latest = AliasState {
            name: "live".into(),
            version: "$LATEST".into(),
            ..Default::default()
        };
        let moved = route("live", Some(&latest), "4", Some(10.0));
        assert_eq!((moved.version.as_str(), moved.weights.len()), ("4", 0));
        assert!(check_route(&moved).is_ok());
        // A new alias points at the version, canary or not.
        let new = route("new", None, "4", Some(10.0));
        assert_eq!((new.version.as_str(), new.weights.len()), ("4", 0));
        assert_eq!(weight(12.3456789), 0.123457);
        assert_eq!(percent(0.07), 7.0);
        assert_eq!(percent(weight(12.5)), 12.5);
    }

    #[test]
    fn weights_go_to_another_published_version() {
        let to = |v: &str, w: &str| AliasState {
            name: "live".into(),
            version: v.into(),
            weights: BTreeMap::from([(w.to_string(), 0.1)]),
        };
        assert!(check_route(&to("1", "2")).is_ok());
        assert!(
            check_route(&to("1", "1"))
                .unwrap_err()
                .contains("already points at version 1")
        );
        assert!(
            check_route(&to("$LATEST", "2"))
                .unwrap_err()
                .contains("$LATEST")
        );
        let plain = AliasState {
            name: "live".into(),
            version: "$LATEST".into(),
            ..Default::default()
        };
        assert!(check_route(&plain).is_ok());
    }

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
        assert_eq!(aliases_on(&[a.clone(), b.clone()], "4"), ["live"]);
        assert_eq!(aliases_on(&[a.clone(), b.clone()], "1"), ["old"]);
        assert!(aliases_on(&[a.clone(), b.clone()], "2").is_empty());
        assert_eq!(
            aliased_versions(&[a, b]),
            BTreeSet::from(["1".to_string(), "3".into(), "4".into()])
        );
    }
}
