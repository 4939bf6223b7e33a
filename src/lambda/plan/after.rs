//! What follows the function's own actions: the settings with operations
//! of their own (runtime management, recursion, code signing), versions
//! and the alias, concurrency, and the function URL.

use super::{Action, Code, Deployed, Desired};
use crate::lambda::concurrency::Concurrency;
use crate::lambda::config::{Definition, FieldChange, NONE, RuntimeManagement};
use crate::lambda::url::{PublicPermission, UrlAuth, UrlWant};

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
        actions.push(Action::PruneVersions {
            keep,
            versions: deployed.versions.clone(),
            aliases: deployed.aliases.clone(),
        });
    }
}

pub(super) fn plan_concurrency(want: &Desired, deployed: &Deployed, actions: &mut Vec<Action>) {
    match want.concurrency {
        Some(Concurrency::Set(n)) if deployed.reserved != Some(n) => {
            actions.push(Action::SetReservedConcurrency { concurrency: n })
        }
        Some(Concurrency::Remove) if deployed.reserved.is_some() => {
            actions.push(Action::RemoveReservedConcurrency)
        }
        _ => {}
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
    let present = |p: &PublicPermission| deployed.policy_sids.contains(p.sid());
    let remove_public = |actions: &mut Vec<Action>| {
        for p in PublicPermission::ALL.iter().filter(|p| present(p)) {
            actions.push(Action::RemovePermission {
                qualifier: qualifier.clone(),
                sid: p.sid().to_string(),
            });
        }
    };
    match url {
        UrlWant::Remove => {
            if deployed.url.is_some() {
                actions.push(Action::DeleteUrl {
                    qualifier: qualifier.clone(),
                });
            }
            remove_public(actions);
        }
        UrlWant::Attach(config) => {
            match &deployed.url {
                None => actions.push(Action::CreateUrl {
                    qualifier: qualifier.clone(),
                    config: config.clone(),
                }),
                Some(u) if !u.config.same_as(config) => actions.push(Action::UpdateUrl {
                    qualifier: qualifier.clone(),
                    config: config.clone(),
                }),
                Some(_) => {}
            }
            if config.auth == UrlAuth::None {
                for p in PublicPermission::ALL.into_iter().filter(|p| !present(p)) {
                    actions.push(Action::AddPublicPermission {
                        qualifier: qualifier.clone(),
                        permission: p,
                    });
                }
            } else {
                remove_public(actions);
            }
        }
    }
}
