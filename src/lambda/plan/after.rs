//! What follows the function's own actions: the settings with operations
//! of their own (runtime management, recursion, code signing), versions
//! and the alias, concurrency, and the function URL.

use std::collections::BTreeSet;

use super::{Action, Code, Deployed, Desired, Republished};
use crate::lambda::alias;
use crate::lambda::concurrency::{self, Concurrency};
use crate::lambda::config::{Definition, FieldChange, NONE, RuntimeManagement};
use crate::lambda::url::{self, UrlStep};
use crate::lambda::versions;

/// The settings with operations of their own, set when they differ from
/// what is deployed (a new function: when named; its code signing went
/// with CreateFunction). Returns them as changes.
pub(super) fn plan_extras(
    def: &Definition,
    deployed: &Deployed,
    exists: bool,
    actions: &mut Vec<Action>,
) -> Vec<FieldChange> {
    let have = &deployed.extras;
    let mut changes = Vec::new();
    let mut change = |field: &str, from: Option<String>, to: String| {
        changes.push(FieldChange {
            field: field.into(),
            from,
            to,
        })
    };
    if let Some(want) = &def.runtime_management
        && have.runtime_management.as_ref() != Some(want)
    {
        let show = |r: &RuntimeManagement| match &r.version_arn {
            Some(a) => format!("{} {a}", r.update.as_str()),
            None => r.update.as_str().to_string(),
        };
        change(
            "runtime_update",
            have.runtime_management.as_ref().map(show),
            show(want),
        );
        actions.push(Action::PutRuntimeManagement {
            config: want.clone(),
        });
    }
    if let Some(want) = def.recursive_loop
        && have.recursive_loop != Some(want)
    {
        change(
            "recursive_loop",
            have.recursive_loop.map(|r| r.as_str().to_string()),
            want.as_str().into(),
        );
        actions.push(Action::PutRecursiveLoop {
            recursive_loop: want,
        });
    }
    match (&def.code_signing_config, &have.code_signing_config) {
        (Some(want), Some(have)) if want.is_empty() && exists => {
            change("code_signing_config", Some(have.clone()), NONE.into());
            actions.push(Action::DeleteCodeSigningConfig);
        }
        (Some(want), have) if !want.is_empty() && exists && have.as_ref() != Some(want) => {
            change("code_signing_config", have.clone(), want.clone());
            actions.push(Action::PutCodeSigningConfig { arn: want.clone() });
        }
        _ => {}
    }
    changes
}

/// Publish and point the alias when asked; prune whenever `keep_versions`
/// is given, published or not.
pub(super) fn plan_versions(
    want: &Desired,
    deployed: &Deployed,
    code: &Code,
    actions: &mut Vec<Action>,
) {
    if want.publish {
        actions.push(Action::PublishVersion {
            code_sha256: code.sha256.clone(),
        });
        if let Some(alias) = &want.alias {
            actions.push(Action::PointAlias {
                alias: alias.clone(),
                deployed: deployed.alias.clone(),
                canary_percent: want.canary,
            });
        }
    }
    if let Some(keep) = want.keep_versions {
        // PublishVersion makes a new version when this run changes the
        // function; otherwise it may return the newest one unchanged.
        let changes = actions.iter().any(|a| {
            matches!(
                a,
                Action::CreateFunction { .. }
                    | Action::UpdateConfiguration { .. }
                    | Action::UpdateCode { .. }
            )
        });
        let newest = deployed.versions.iter().max().map(u64::to_string);
        let published = want.publish.then_some(NEW_VERSION);
        actions.push(Action::PruneVersions {
            keep,
            delete: doomed(want, deployed, keep, published),
            if_republished: match (want.publish && !changes, newest) {
                (true, Some(v)) => Some(Republished {
                    delete: doomed(want, deployed, keep, Some(&v)),
                    version: v,
                }),
                _ => None,
            },
        });
    }
}

/// The version number a new version is planned under: newer than any.
const NEW_VERSION: &str = "18446744073709551615";

/// The versions to delete, newest first, when `published` is the version
/// published (`None`: nothing is): every one beyond the newest `keep`,
/// except those an alias routes to once it has moved, and `published`.
fn doomed(want: &Desired, deployed: &Deployed, keep: u32, published: Option<&str>) -> Vec<String> {
    let mut all = deployed.versions.clone();
    let mut aliases = deployed.aliases.clone();
    let mut spared = BTreeSet::new();
    if let Some(p) = published {
        all.extend(p.parse::<u64>().ok());
        spared.insert(p.to_string());
        if let Some(name) = &want.alias {
            aliases.retain(|a| a.name != *name);
            aliases.push(alias::route(name, deployed.alias.as_ref(), p, want.canary));
        }
    }
    spared.extend(alias::aliased_versions(&aliases));
    versions::to_prune(&all, keep, &spared)
}

pub(super) fn plan_concurrency(want: &Desired, deployed: &Deployed, actions: &mut Vec<Action>) {
    match want
        .concurrency
        .and_then(|c| concurrency::reserved_change(c, deployed.reserved))
    {
        Some(Concurrency::Set(n)) => {
            actions.push(Action::SetReservedConcurrency { concurrency: n })
        }
        Some(Concurrency::Remove) => actions.push(Action::RemoveReservedConcurrency),
        None => {}
    }
    if let (Some(n), Some(alias)) = (want.provisioned, &want.alias) {
        if deployed.provisioned != Some(n) {
            actions.push(Action::SetProvisionedConcurrency {
                alias: alias.clone(),
                concurrency: n,
            });
        }
        // Waited for even when unchanged: it may still be allocating.
        actions.push(Action::WaitProvisionedConcurrency {
            alias: alias.clone(),
        });
    }
}

pub(super) fn plan_url(want: &Desired, deployed: &Deployed, actions: &mut Vec<Action>) {
    let Some(url) = &want.url else { return };
    let qualifier = want.alias.clone();
    for step in url::steps(url, deployed.url.as_ref(), &deployed.policy_sids) {
        let qualifier = qualifier.clone();
        actions.push(match step {
            UrlStep::Create(config) => Action::CreateUrl { qualifier, config },
            UrlStep::Update { from, to } => Action::UpdateUrl {
                qualifier,
                from,
                config: to,
            },
            UrlStep::Delete => Action::DeleteUrl { qualifier },
            UrlStep::AddPublic(permission) => Action::AddPublicPermission {
                qualifier,
                permission,
            },
            UrlStep::RemovePermission(sid) => Action::RemovePermission { qualifier, sid },
        });
    }
}
