//! Planning lamctl's execution role: create it when a new function needs
//! it, then converge its managed policies (only those lamctl attached are
//! ever detached) and lamctl's inline policy. A function that exists keeps
//! its role: `--create-role` never replaces one.

use std::collections::{BTreeMap, BTreeSet};

use super::{Action, Deployed, Desired, RoleRef};
use crate::error::{Error, Result};
use crate::lambda::names::role_name_for;
use crate::lambda::role::{
    BASIC_EXECUTION_POLICY, INLINE_POLICY_NAME, RoleState, Statement, policy_document, tracking_key,
};
use crate::lambda::triggers::esm;

/// The role the function should have (`None`: leave the deployed one),
/// with the role's own actions pushed first. Fails (bad usage) when
/// `--policy`/`--allow` would change a role lamctl does not manage.
pub(super) fn plan_role(
    want: &Desired,
    deployed: &Deployed,
    actions: &mut Vec<Action>,
) -> Result<Option<RoleRef>> {
    let pollers = want
        .event_sources
        .as_deref()
        .map(esm::poller_statements)
        .unwrap_or_default();
    let needs = |role: &str, actions: &mut Vec<Action>| {
        if !pollers.is_empty() {
            actions.push(Action::RolePermissionsNeeded {
                role: role.to_string(),
                statements: pollers.clone(),
            });
        }
    };
    if let Some(r) = &want.definition.role {
        needs(r, actions);
        return Ok(Some(RoleRef::Arn(r.clone())));
    }
    if !want.create_role {
        let current = deployed.function.as_ref().and_then(|f| f.config.role());
        needs(current.unwrap_or("the function's role"), actions);
        return Ok(None);
    }
    let name = role_name_for(&want.name);
    let state = deployed.role_state.clone().or_else(|| {
        deployed.role.as_ref().map(|arn| RoleState {
            arn: arn.clone(),
            ..Default::default()
        })
    });
    if let Some(f) = &deployed.function {
        let current = f.config.role().unwrap_or_default();
        if current.rsplit('/').next() != Some(name.as_str()) {
            if want.policies.is_some() || want.allow.is_some() {
                return Err(Error::usage(format!(
                    "function '{}' runs as {current}, a role lamctl did not create: \
                     --policy and --allow change only lamctl's role ({name})",
                    want.name
                ))
                .with_hint("attach policies to that role in IAM, or leave out --policy/--allow"));
            }
            needs(current, actions);
            return Ok(None);
        }
        converge(want, &pollers, &name, state.as_ref(), actions);
        return Ok(None);
    }
    let role = match &state {
        Some(s) => RoleRef::Arn(s.arn.clone()),
        None => {
            actions.push(Action::CreateRole { role: name.clone() });
            RoleRef::Created(name.clone())
        }
    };
    converge(want, &pollers, &name, state.as_ref(), actions);
    Ok(Some(role))
}

/// Managed policies: the basic execution policy and the listed ones
/// attached; when a list is given, the ones lamctl attached earlier and no
/// longer listed detached. lamctl records what it attaches (role tags)
/// before attaching, and forgets after detaching, so an interrupted run is
/// repaired by the next. The inline policy: written when the statements
/// differ, deleted when an empty set is given, left alone when none is.
/// The event sources' pollers' statements join the given set (with none
/// given, they are the whole set: lamctl.toml lists both).
fn converge(
    want: &Desired,
    pollers: &[Statement],
    role: &str,
    state: Option<&RoleState>,
    actions: &mut Vec<Action>,
) {
    let empty = RoleState::default();
    let s = state.unwrap_or(&empty);
    let mut wanted = BTreeSet::from([BASIC_EXECUTION_POLICY.to_string()]);
    wanted.extend(want.policies.iter().flatten().cloned());
    let attach: Vec<String> = wanted.difference(&s.attached).cloned().collect();
    let detach: Vec<String> = match &want.policies {
        Some(_) => s
            .tracked
            .values()
            .filter(|p| !wanted.contains(*p) && s.attached.contains(*p))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        None => Vec::new(),
    };
    // What lamctl will have attached: what it had (still listed, when a
    // list is given) and what it attaches now.
    let mut tracked: BTreeMap<String, String> = s
        .tracked
        .iter()
        .filter(|(_, p)| want.policies.is_none() || wanted.contains(*p))
        .map(|(k, p)| (k.clone(), p.clone()))
        .collect();
    tracked.extend(attach.iter().map(|p| (tracking_key(p), p.clone())));
    let tag: BTreeMap<String, String> = tracked
        .iter()
        .filter(|(k, _)| !s.tracked.contains_key(*k))
        .map(|(k, p)| (k.clone(), p.clone()))
        .collect();
    let untag: Vec<String> = s
        .tracked
        .keys()
        .filter(|k| !tracked.contains_key(*k))
        .cloned()
        .collect();

    if !tag.is_empty() {
        actions.push(Action::TrackRolePolicies {
            role: role.to_string(),
            tags: tag,
        });
    }
    for policy in attach {
        actions.push(Action::AttachRolePolicy {
            role: role.to_string(),
            policy,
        });
    }
    for policy in detach {
        actions.push(Action::DetachRolePolicy {
            role: role.to_string(),
            policy,
        });
    }
    if !untag.is_empty() {
        actions.push(Action::UntrackRolePolicies {
            role: role.to_string(),
            keys: untag,
        });
    }
    let allow = match (&want.allow, pollers.is_empty()) {
        (a, true) => a.clone(),
        (a, false) => Some(a.iter().flatten().chain(pollers).cloned().collect()),
    };
    match &allow {
        Some(statements) if statements.is_empty() && s.inline.is_some() => {
            actions.push(Action::DeleteRolePolicy {
                role: role.to_string(),
                name: INLINE_POLICY_NAME.into(),
            });
        }
        Some(statements) if statements.is_empty() => {}
        Some(statements) => {
            let document = policy_document(statements);
            if s.inline.as_ref() != Some(&document) {
                actions.push(Action::PutRolePolicy {
                    role: role.to_string(),
                    name: INLINE_POLICY_NAME.into(),
                    document,
                });
            }
        }
        None => {}
    }
}
