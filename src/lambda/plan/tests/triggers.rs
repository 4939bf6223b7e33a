//! Event source mappings and schedules in the deploy plan: their steps
//! after the function's, and the pollers' permissions in lamctl's role or
//! asked of the user's.

use super::*;
use crate::lambda::triggers::esm::{EventSource, Step};

const Q: &str = "arn:aws:sqs:us-east-1:123456789012:orders";

fn queue() -> EventSource {
    #[derive(serde::Deserialize)]
    struct F {
        event_source: Vec<EventSource>,
    }
    let text = format!("[[event_source]]\narn = \"{Q}\"\n");
    toml::from_str::<F>(&text).unwrap().event_source.remove(0)
}

#[test]
fn mappings_are_planned_and_their_pollers_permissions_placed() {
    // Unset: no mapping step, no permission.
    let none = actions(&desired(), &deployed());
    assert!(!none.iter().any(|a| matches!(
        a,
        Action::EventSourceMapping(_) | Action::RolePermissionsNeeded { .. }
    )));
    // The user's role: a create step, and what the role needs as a warning.
    let with = Desired {
        event_sources: Some(vec![queue()]),
        ..desired()
    };
    let all = actions(&with, &deployed());
    assert!(matches!(
        all.last(),
        Some(Action::EventSourceMapping(Step::Create { .. }))
    ));
    assert!(all.iter().any(|a| matches!(
        a,
        Action::RolePermissionsNeeded { role, statements }
            if role == ROLE && statements[0].resources == [Q.to_string()]
    )));
    // lamctl's role: the statements are its inline policy.
    let arn = "arn:aws:iam::123456789012:role/lamctl-f-exec";
    let mut have = deployed();
    have.function.as_mut().unwrap().config = config_with(|b| b.role(arn));
    have.role = Some(arn.into());
    let own = Desired {
        create_role: true,
        definition: Definition {
            role: None,
            ..with.definition.clone()
        },
        ..with.clone()
    };
    let all = actions(&own, &have);
    let put = all.iter().find_map(|a| match a {
        Action::PutRolePolicy { document, .. } => Some(document.to_string()),
        _ => None,
    });
    assert!(put.is_some_and(|d| d.contains("sqs:ReceiveMessage") && d.contains(Q)));
    assert!(
        !all.iter()
            .any(|a| matches!(a, Action::RolePermissionsNeeded { .. }))
    );
}
