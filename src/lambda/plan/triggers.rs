//! What starts the function, planned after the function's own actions
//! (a trigger needs the function, and its ARN): each kind plans its own
//! steps (`lambda/triggers/*`); the permissions they replace or no longer
//! need are removed here, before the new statement or after the last step.

use std::collections::BTreeMap;

use super::{Action, Deployed, Desired, FunctionState};
use crate::aws::AwsContext;
use crate::error::Result;
use crate::lambda::names::scheduler_role_name_for;
use crate::lambda::triggers::Declared;
use crate::lambda::triggers::api::{self, ApiDeployed, ApiRun, ApiStep};
use crate::lambda::triggers::policy::{self, Grant};
use crate::lambda::triggers::s3::{self, BucketState, S3Step};
use crate::lambda::triggers::{esm, schedule};

/// The triggers' actions, when lamctl.toml manages them.
pub(super) fn plan_triggers(
    want: &Desired,
    deployed: &Deployed,
    region: &str,
    actions: &mut Vec<Action>,
) {
    if !want.triggers {
        return;
    }
    let account = deployed
        .function
        .as_ref()
        .and_then(|f| f.config.function_arn())
        .and_then(policy::account_of)
        .unwrap_or("ACCOUNT")
        .to_string();
    let (steps, revoke) = api::plan(
        &want.name,
        want.api.as_ref(),
        deployed.api.ours.as_ref(),
        &deployed.grants,
        |id| api::source_arn(region, &account, id),
    );
    let steps = steps.into_iter().map(|step| {
        let sid = match &step {
            ApiStep::Permit { sid, .. } => Some(sid.clone()),
            _ => None,
        };
        (sid, Action::Api { step })
    });
    revoking(steps.collect(), revoke, actions);

    let (steps, revoke) = s3::plan(&want.s3, &deployed.buckets, &deployed.grants);
    let steps = steps.into_iter().map(|step| {
        let sid = match &step {
            S3Step::Permit { sid, .. } => Some(sid.clone()),
            _ => None,
        };
        (sid, Action::S3 { step })
    });
    revoking(steps.collect(), revoke, actions);
}

/// `steps` with each statement in `revoke` removed just before the step
/// that adds it again (a replaced scope), or after the last step (a
/// trigger removed).
fn revoking(steps: Vec<(Option<String>, Action)>, mut revoke: Vec<String>, out: &mut Vec<Action>) {
    let remove = |sid: String| Action::RemovePermission {
        qualifier: None,
        sid,
    };
    for (adds, action) in steps {
        if let Some(sid) = adds
            && let Some(i) = revoke.iter().position(|r| *r == sid)
        {
            out.push(remove(revoke.remove(i)));
        }
        out.push(action);
    }
    out.extend(revoke.into_iter().map(remove));
}

/// lamctl's API as deployed and kept, with the stage the file wants.
pub(super) fn deployed_api(want: &Desired, deployed: &Deployed) -> Option<ApiRun> {
    let (w, have) = (want.api.as_ref()?, deployed.api.ours.as_ref()?);
    Some(ApiRun::from_state(have, &want.name, w.stage()))
}

/// What the triggers' plan compares with, read when lamctl.toml manages
/// them: the function's policy, lamctl's API (and same-named others), and
/// the buckets the file or lamctl's grants name.
pub(super) async fn read(
    client: &aws_sdk_lambda::Client,
    aws: &AwsContext,
    want: &Desired,
    exists: bool,
) -> Result<(Vec<Grant>, ApiDeployed, BTreeMap<String, BucketState>)> {
    if !want.triggers {
        return Ok(Default::default());
    }
    let name = want.name.as_str();
    let grants = async {
        match exists {
            true => policy::read(client, aws, name).await,
            false => Ok(Vec::new()),
        }
    };
    // With `[api]`, lamctl's API is looked for (a new function's may have
    // been left behind). Without, only when an API may invoke the function
    // (a statement for API Gateway): no API Gateway call otherwise, so a
    // deploy needs no API Gateway permission unless the file uses it.
    let api = async {
        match &want.api {
            Some(a) => api::read(aws, name, a.name_or(name)).await.map(Some),
            None => Ok(None),
        }
    };
    let (grants, api) = tokio::try_join!(grants, api)?;
    let api = match api {
        Some(a) => a,
        None if api::may_invoke(&grants) => api::read(aws, name, name).await?,
        None => ApiDeployed::default(),
    };
    let mut buckets = BTreeMap::new();
    for b in s3::buckets(&want.s3, &grants) {
        let state = s3::read(aws, &b, name).await?;
        buckets.insert(b, state);
    }
    Ok((grants, api, buckets))
}

/// The triggers' actions alone, read and planned exactly as deploy does
/// (`diff`): `declared` against the function `f`.
pub async fn trigger_actions(
    client: &aws_sdk_lambda::Client,
    aws: &AwsContext,
    name: &str,
    declared: &Declared,
    f: &FunctionState,
) -> Result<Vec<Action>> {
    let want = Desired {
        name: name.to_string(),
        triggers: true,
        api: declared.api.clone(),
        s3: declared.s3.clone(),
        ..Default::default()
    };
    let (grants, api, buckets) = read(client, aws, &want, true).await?;
    let deployed = Deployed {
        function: Some(f.clone()),
        grants,
        api,
        buckets,
        ..Default::default()
    };
    let mut actions = Vec::new();
    plan_triggers(&want, &deployed, &aws.region.value, &mut actions);
    Ok(actions)
}

/// Push the steps that converge the event source mappings and schedules
/// (each only when the desired state names its set).
pub(super) fn plan_sources_and_schedules(
    want: &Desired,
    deployed: &Deployed,
    actions: &mut Vec<Action>,
) {
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
