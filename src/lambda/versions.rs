//! Published versions: publishing exactly what was deployed, listing them,
//! and choosing and deleting old ones without touching an aliased one.

use std::collections::BTreeSet;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::client::Waiters;

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

/// The function's published version numbers (without `$LATEST`), all
/// pages; none for a function that does not exist.
pub async fn list(client: &Client, aws: &AwsContext, function: &str) -> Result<Vec<u64>> {
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
        out.extend(
            page.versions()
                .iter()
                .filter_map(|v| v.version()?.parse::<u64>().ok()),
        );
    }
    Ok(out)
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

/// Delete one published version.
pub async fn delete(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    version: &str,
) -> Result<()> {
    retry_conflict(client, aws, function, "DeleteFunction", || {
        client
            .delete_function()
            .function_name(function)
            .qualifier(version)
            .send()
    })
    .await?;
    Ok(())
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
    }
}
