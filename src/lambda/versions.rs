//! Published versions: publishing exactly what was deployed, listing them,
//! and choosing and deleting old ones without touching an aliased one.

use std::collections::BTreeSet;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::client::Waiters;
use serde::Serialize;

use super::limits::READY_TIMEOUT;
use super::{get_function, not_found, retry_conflict};
use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result, optional};

/// Publish a version guarded by the CodeSha256 this run deployed and the
/// function's current RevisionId, so the version is exactly what this run
/// left in place; then wait until the version is active. Returns its number
/// (Lambda returns the newest version unchanged when nothing changed since).
pub async fn publish(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    code_sha256: &str,
) -> Result<String> {
    let current = get_function(client, aws, function)
        .await?
        .ok_or_else(|| not_found(aws, function, None))?;
    let revision = current
        .configuration()
        .and_then(|c| c.revision_id())
        .map(String::from);
    let out = retry_conflict(client, aws, function, "PublishVersion", || {
        client
            .publish_version()
            .function_name(function)
            .code_sha256(code_sha256)
            .set_revision_id(revision.clone())
            .send()
    })
    .await?;
    let version = out.version().unwrap_or_default().to_string();
    client
        .wait_until_published_version_active()
        .function_name(function)
        .qualifier(&version)
        .wait(READY_TIMEOUT)
        .await
        .map_err(|e| {
            Error::failed(format!(
                "version {version} of '{function}' did not become active: {}",
                crate::error::chain(&e)
            ))
        })?;
    Ok(version)
}

/// One published version as ListVersionsByFunction describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionInfo {
    /// A number for ordering; written as the string the API uses (`"3"`),
    /// as everywhere else a version appears in lamctl's JSON.
    #[serde(serialize_with = "as_string")]
    pub version: u64,
    pub last_modified: Option<String>,
    pub description: String,
    pub code_sha256: Option<String>,
    pub code_size: i64,
}

fn as_string<S: serde::Serializer>(v: &u64, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// The function's published version numbers (without `$LATEST`), all
/// pages; none for a function that does not exist.
pub async fn list(client: &Client, aws: &AwsContext, function: &str) -> Result<Vec<u64>> {
    Ok(list_detailed(client, aws, function)
        .await?
        .into_iter()
        .map(|v| v.version)
        .collect())
}

/// The function's published versions (without `$LATEST`), oldest first,
/// all pages; none for a function that does not exist.
pub async fn list_detailed(
    client: &Client,
    aws: &AwsContext,
    function: &str,
) -> Result<Vec<VersionInfo>> {
    let mut out = Vec::new();
    let mut pages = client
        .list_versions_by_function()
        .function_name(function)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            optional(page.map_err(|e| aws.error(Service::Lambda, "ListVersionsByFunction", e)))?;
        let Some(page) = page else { break };
        out.extend(page.versions().iter().filter_map(|v| {
            Some(VersionInfo {
                version: v.version()?.parse::<u64>().ok()?,
                last_modified: v.last_modified().map(String::from),
                description: v.description().unwrap_or_default().to_string(),
                code_sha256: v.code_sha256().map(String::from),
                code_size: v.code_size(),
            })
        }));
    }
    out.sort_by_key(|v| v.version);
    Ok(out)
}

/// A clear error unless `version` is one of `published` (`$LATEST` always is).
pub fn require_published(published: &[u64], function: &str, version: &str) -> Result<()> {
    if version == "$LATEST" || published.iter().any(|p| p.to_string() == version) {
        return Ok(());
    }
    Err(Error::failed(format!(
        "version {version} of '{function}' is not published"
    ))
    .with_hint(format!(
        "`lamctl versions {function}` lists the published ones"
    )))
}

/// The newest published version older than `current`: where a rollback
/// goes. `None` when `current` is the oldest (or not a number).
pub fn previous(versions: &[u64], current: &str) -> Option<u64> {
    let current = current.parse::<u64>().ok()?;
    versions.iter().copied().filter(|v| *v < current).max()
}

/// The versions to delete, newest first: every one beyond the newest
/// `keep`, except the `spared` ones (those an alias routes traffic to, and
/// one just published). The one rule of pruning: `deploy --keep-versions`
/// and `versions --prune` both call it.
pub fn to_prune(versions: &[u64], keep: u32, spared: &BTreeSet<String>) -> Vec<String> {
    let all: BTreeSet<u64> = versions.iter().copied().collect();
    all.into_iter()
        .rev()
        .skip(keep as usize)
        .map(|v| v.to_string())
        .filter(|v| !spared.contains(v))
        .collect()
}

/// Delete the versions [`to_prune`] chose, newest first: the one prune
/// that `deploy --keep-versions` and `versions --prune` both run.
/// Returns the versions deleted.
pub async fn prune(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    doomed: &[String],
) -> Result<Vec<String>> {
    for v in doomed {
        delete(client, aws, function, v).await?;
    }
    Ok(doomed.to_vec())
}

/// Delete one published version.
pub async fn delete(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    version: &str,
) -> Result<()> {
    super::function::delete_function(client, aws, function, Some(version)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[&str]) -> BTreeSet<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn prune_keeps_the_newest_and_every_spared_version() {
        // Keep 4 and 3, spare 1 (aliased).
        assert_eq!(to_prune(&[1, 2, 3, 4], 2, &set(&["1"])), ["2"]);
        assert_eq!(to_prune(&[3, 1, 2], 2, &set(&[])), ["1"]);
        // Newest first; a spared version is never deleted.
        assert_eq!(to_prune(&[1, 2, 3, 4, 5], 1, &set(&["4"])), ["3", "2", "1"]);
        assert!(to_prune(&[1, 2], 5, &set(&[])).is_empty());
        assert!(to_prune(&[], 1, &set(&[])).is_empty());
        // `versions --prune`: nothing was published.
        assert_eq!(to_prune(&[1, 2, 3, 4], 2, &set(&["1"])), ["2"]);
    }

    #[test]
    fn a_version_is_a_string_in_json() {
        let v = VersionInfo {
            version: 12,
            last_modified: None,
            description: String::new(),
            code_sha256: None,
            code_size: 1,
        };
        assert_eq!(serde_json::to_value(&v).unwrap()["version"], "12");
    }

    #[test]
    fn rollback_goes_to_the_newest_older_version() {
        assert_eq!(previous(&[1, 2, 4, 5], "4"), Some(2));
        assert_eq!(previous(&[3, 4], "3"), None);
        assert_eq!(previous(&[1, 2], "$LATEST"), None);
    }
}
