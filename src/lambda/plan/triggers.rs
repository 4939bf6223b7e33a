//! Planning what starts the function (docs/triggers.md): the event source
//! mappings and the schedules the definition names, after the function
//! and its role are in place.

use super::{Action, Deployed, Desired};
use crate::lambda::names::scheduler_role_name_for;
use crate::lambda::triggers::{esm, schedule};

/// Push the steps that converge the mappings and schedules (each only when
/// the desired state names its set).
pub(super) fn plan_triggers(want: &Desired, deployed: &Deployed, actions: &mut Vec<Action>) {
    if let Some(sources) = &want.event_sources {
        let steps = esm::plan(sources, &deployed.mappings);
        actions.extend(steps.into_iter().map(Action::EventSourceMapping));
    }
    if let Some(schedules) = &want.schedules {
        let wanted = schedule::wanted(&want.name, schedules);
        let role = scheduler_role_name_for(&want.name);
        let steps = schedule::plan(
            &wanted,
            &deployed.schedules,
            deployed.scheduler_role.as_deref(),
            &role,
        );
        actions.extend(steps.into_iter().map(Action::Schedule));
    }
}
