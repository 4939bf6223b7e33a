//! lamctl's role and its policies in the plan.

use super::*;

#[test]
fn role_changes_only_when_it_differs() {
    let other = Desired {
        definition: Definition {
            role: Some("arn:aws:iam::123456789012:role/other".into()),
            ..desired().definition
        },
        ..desired()
    };
    assert!(matches!(
        &actions(&other, &deployed())[1],
        Action::UpdateConfiguration { role: Some(RoleRef::Arn(r)), .. } if r.ends_with("role/other")
    ));
    // --create-role on a function that exists keeps its role, whatever it is.
    let own = Desired {
        create_role: true,
        definition: Definition {
            role: None,
            ..desired().definition
        },
        ..desired()
    };
    let have = Deployed {
        role: Some("arn:aws:iam::123456789012:role/lamctl-f-exec".into()),
        ..deployed()
    };
    assert_eq!(
        actions(&own, &have)[..2],
        [
            Action::WaitReady { ready: false },
            Action::ConfigurationUnchanged
        ]
    );
    // With --policy/--allow a role lamctl did not create is bad usage.
    let policies = Desired {
        policies: Some(vec![]),
        ..own.clone()
    };
    let e = plan(&policies, &have, &code(), REGION).unwrap_err();
    assert_eq!(e.code(), 2);
    assert!(
        e.to_string().contains("a role lamctl did not create"),
        "{e}"
    );
}

/// lamctl's role as the plan reads it, for a function that runs as it.
fn own_role(attached: &[&str], tracked: &[&str], inline: Option<serde_json::Value>) -> Deployed {
    let arn = "arn:aws:iam::123456789012:role/lamctl-f-exec";
    let mut d = deployed();
    d.function.as_mut().unwrap().config = config_with(|b| b.role(arn));
    Deployed {
        role: Some(arn.into()),
        role_state: Some(RoleState {
            arn: arn.into(),
            attached: attached.iter().map(|p| p.to_string()).collect(),
            tracked: tracked
                .iter()
                .map(|p| (role::tracking_key(p), p.to_string()))
                .collect(),
            inline,
        }),
        ..d
    }
}

#[test]
fn role_policies_converge_and_only_lamctls_are_detached() {
    use crate::lambda::role::{self as r, BASIC_EXECUTION_POLICY as BASIC};
    const DDB: &str = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess";
    const TR: &str = "arn:aws:iam::aws:policy/TranslateReadOnly";
    const OTHER: &str = "arn:aws:iam::123456789012:policy/someone-elses";
    let role = || "lamctl-f-exec".to_string();
    let own = |policies: Option<&[&str]>, allow: Option<Vec<r::Statement>>| Desired {
        create_role: true,
        policies: policies.map(|p| p.iter().map(|x| x.to_string()).collect()),
        allow,
        definition: Definition {
            role: None,
            ..desired().definition
        },
        ..desired()
    };
    let role_actions = |want: &Desired, have: &Deployed| -> Vec<Action> {
        actions(want, have)
            .into_iter()
            .take_while(|a| !matches!(a, Action::WaitReady { .. }))
            .collect()
    };
    // Nothing listed and the basic policy attached: nothing to do.
    assert_eq!(
        role_actions(&own(None, None), &own_role(&[BASIC], &[BASIC], None)),
        []
    );
    // An old role without tracking: the basic policy is repaired and tracked.
    assert_eq!(
        role_actions(&own(None, None), &own_role(&[], &[], None)),
        [
            Action::TrackRolePolicies {
                role: role(),
                tags: BTreeMap::from([(r::tracking_key(BASIC), BASIC.into())])
            },
            Action::AttachRolePolicy {
                role: role(),
                policy: BASIC.into()
            }
        ]
    );
    // DDB attached by lamctl, OTHER by someone else: listing TR instead
    // attaches TR, detaches DDB, and leaves OTHER alone.
    let have = own_role(&[BASIC, DDB, OTHER], &[BASIC, DDB], None);
    assert_eq!(
        role_actions(&own(Some(&[TR]), None), &have),
        [
            Action::TrackRolePolicies {
                role: role(),
                tags: BTreeMap::from([(r::tracking_key(TR), TR.into())])
            },
            Action::AttachRolePolicy {
                role: role(),
                policy: TR.into()
            },
            Action::DetachRolePolicy {
                role: role(),
                policy: DDB.into()
            },
            Action::UntrackRolePolicies {
                role: role(),
                keys: vec![r::tracking_key(DDB)]
            }
        ]
    );
    // Not listing policies at all leaves DDB attached.
    assert_eq!(role_actions(&own(None, None), &have), []);
    // The inline policy: written when it differs, left when equal, deleted
    // for an empty set, untouched when not given.
    let st = vec![r::Statement {
        actions: vec!["translate:TranslateText".into()],
        resources: vec!["*".into()],
    }];
    let doc = r::policy_document(&st);
    assert_eq!(
        role_actions(
            &own(None, Some(st.clone())),
            &own_role(&[BASIC], &[BASIC], None)
        ),
        [Action::PutRolePolicy {
            role: role(),
            name: r::INLINE_POLICY_NAME.into(),
            document: doc.clone()
        }]
    );
    let with_inline = own_role(&[BASIC], &[BASIC], Some(doc));
    assert_eq!(role_actions(&own(None, Some(st)), &with_inline), []);
    assert_eq!(role_actions(&own(None, None), &with_inline), []);
    assert_eq!(
        role_actions(&own(None, Some(vec![])), &with_inline),
        [Action::DeleteRolePolicy {
            role: role(),
            name: r::INLINE_POLICY_NAME.into()
        }]
    );
}
