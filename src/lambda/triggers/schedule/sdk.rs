//! The EventBridge Scheduler and IAM calls behind schedules: list the
//! schedules that target the function, create, update, delete them, and
//! lamctl's role Scheduler assumes.

use aws_sdk_scheduler::Client;
use aws_sdk_scheduler::error::ProvideErrorMetadata;
use aws_sdk_scheduler::types::{FlexibleTimeWindow, FlexibleTimeWindowMode, ScheduleState, Target};
use tokio::sync::OnceCell;

use super::{Deployed, ScheduleConfig, Step, Wanted, description, owner};
use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result, optional};
use crate::lambda::role::OWNER_TAG;
use crate::output::Ui;

/// The group lamctl's schedules live in (Scheduler's own).
pub const GROUP: &str = "default";

/// What a deploy reads: the schedules that target the function (when it
/// exists) and, when the file lists schedules, lamctl's scheduler role.
/// With none listed, a caller not allowed to list schedules has none of
/// lamctl's to remove: a deploy that never used schedules needs no
/// Scheduler permission.
pub async fn read_all(
    aws: &AwsContext,
    function: &str,
    function_arn: Option<&str>,
    listed: bool,
) -> Result<(Vec<Deployed>, Option<String>)> {
    read_all_in(aws, function, function_arn, listed, &OnceCell::new()).await
}

/// [`read_all`] with the account's schedules listed into `all` by the
/// first function that needs them (ListSchedules has no filter by target:
/// a run over many functions lists once for all).
pub async fn read_all_in(
    aws: &AwsContext,
    function: &str,
    function_arn: Option<&str>,
    listed: bool,
    all: &OnceCell<Vec<Listed>>,
) -> Result<(Vec<Deployed>, Option<String>)> {
    let schedules = match function_arn {
        Some(arn) => {
            // A client only for a call: most functions of a run have no schedule.
            let found = all.get_or_try_init(|| async { list(&aws.scheduler().await, aws).await });
            match found.await {
                Err(e) if !listed && e.aws_code() == Some("AccessDeniedException") => Vec::new(),
                Err(e) => return Err(e),
                Ok(all) if !all.iter().any(|l| l.target.as_deref() == Some(arn)) => Vec::new(),
                Ok(all) => read_listed(&aws.scheduler().await, aws, function, arn, all).await?,
            }
        }
        None => Vec::new(),
    };
    let role = match listed {
        true => {
            let name = crate::lambda::names::scheduler_role_name_for(function);
            read_role(aws, &name, function).await?
        }
        false => None,
    };
    Ok((schedules, role))
}

/// One schedule as ListSchedules gives it.
#[derive(Debug, Clone)]
pub struct Listed {
    name: String,
    group: String,
    target: Option<String>,
}

/// Every schedule of the account and region (all groups, all pages).
async fn list(client: &Client, aws: &AwsContext) -> Result<Vec<Listed>> {
    let mut all = Vec::new();
    let mut pages = client.list_schedules().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| aws.error(Service::Scheduler, "ListSchedules", e))?;
        all.extend(page.schedules().iter().map(|s| Listed {
            name: s.name().unwrap_or_default().to_string(),
            group: s.group_name().unwrap_or(GROUP).to_string(),
            target: s.target().map(|t| t.arn().to_string()),
        }));
    }
    Ok(all)
}

/// Every schedule whose target is `function_arn` (all groups), read in
/// full (ListSchedules gives no expression, input or description).
pub async fn read(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    function_arn: &str,
) -> Result<Vec<Deployed>> {
    read_listed(
        client,
        aws,
        function,
        function_arn,
        &list(client, aws).await?,
    )
    .await
}

async fn read_listed(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    function_arn: &str,
    all: &[Listed],
) -> Result<Vec<Deployed>> {
    let mut out = Vec::new();
    for l in all
        .iter()
        .filter(|l| l.target.as_deref() == Some(function_arn))
    {
        let (name, group) = (l.name.clone(), l.group.clone());
        let got = client
            .get_schedule()
            .name(&name)
            .group_name(&group)
            .send()
            .await
            .map_err(|e| aws.error(Service::Scheduler, "GetSchedule", e));
        let Some(s) = optional(got)? else { continue };
        out.push(Deployed {
            managed: group == GROUP && owner::marked(s.description().unwrap_or_default(), function),
            config: ScheduleConfig {
                expression: s.schedule_expression().unwrap_or_default().to_string(),
                timezone: s
                    .schedule_expression_timezone()
                    .unwrap_or(super::DEFAULT_TIMEZONE)
                    .to_string(),
                payload: s
                    .target()
                    .and_then(|t| t.input())
                    .unwrap_or(super::DEFAULT_PAYLOAD)
                    .to_string(),
                enabled: s.state() != Some(&ScheduleState::Disabled),
            },
            name,
            group,
        });
    }
    Ok(out)
}

fn target(function_arn: &str, role_arn: &str, c: &ScheduleConfig) -> Result<Target> {
    Target::builder()
        .arn(function_arn)
        .role_arn(role_arn)
        .input(&c.payload)
        .build()
        .map_err(|e| Error::failed(format!("schedule target: {e}")))
}

fn window() -> Result<FlexibleTimeWindow> {
    FlexibleTimeWindow::builder()
        .mode(FlexibleTimeWindowMode::Off)
        .build()
        .map_err(|e| Error::failed(format!("schedule window: {e}")))
}

fn state(c: &ScheduleConfig) -> ScheduleState {
    match c.enabled {
        true => ScheduleState::Enabled,
        false => ScheduleState::Disabled,
    }
}

/// Take one step of the plan, noting it on stderr. `function_arn` is the
/// function's (known once it exists).
pub async fn apply(
    step: &Step,
    aws: &AwsContext,
    ui: &Ui,
    function: &str,
    function_arn: &str,
) -> Result<()> {
    let client = aws.scheduler().await;
    let role_arn = || async {
        let name = crate::lambda::names::scheduler_role_name_for(function);
        crate::lambda::role::get_arn(aws, &name)
            .await?
            .ok_or_else(|| Error::failed(format!("the scheduler role {name} does not exist")))
    };
    match step {
        Step::CreateRole { role } => {
            ui.note(format!("creating role {role} for EventBridge Scheduler"));
            create_role(aws, role, function, function_arn).await?;
        }
        Step::Create {
            schedule: Wanted { name, config },
        } => {
            ui.note(format!("creating the schedule {name}"));
            let request = client
                .create_schedule()
                .name(name)
                .group_name(GROUP)
                .description(description(function))
                .schedule_expression(&config.expression)
                .schedule_expression_timezone(&config.timezone)
                .state(state(config))
                .flexible_time_window(window()?)
                .target(target(function_arn, &role_arn().await?, config)?);
            let start = std::time::Instant::now();
            loop {
                match request.clone().send().await {
                    Ok(_) => break,
                    // A new role takes seconds to reach Scheduler, which
                    // then says it cannot assume it: not a failure yet.
                    Err(e)
                        if e.code() == Some("ValidationException")
                            && e.message().is_some_and(|m| m.contains("assume"))
                            && start.elapsed() < crate::lambda::write::NEW_ROLE_GRACE =>
                    {
                        tracing::info!("Scheduler cannot assume the new role yet; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                    }
                    Err(e) => return Err(aws.error(Service::Scheduler, "CreateSchedule", e)),
                }
            }
        }
        Step::Update { name, to, .. } => {
            ui.note(format!("updating the schedule {name}"));
            // UpdateSchedule replaces the whole schedule: the marker too.
            client
                .update_schedule()
                .name(name)
                .group_name(GROUP)
                .description(description(function))
                .schedule_expression(&to.expression)
                .schedule_expression_timezone(&to.timezone)
                .state(state(to))
                .flexible_time_window(window()?)
                .target(target(function_arn, &role_arn().await?, to)?)
                .send()
                .await
                .map_err(|e| aws.error(Service::Scheduler, "UpdateSchedule", e))?;
        }
        Step::Delete { name, group } => {
            ui.note(format!("deleting the schedule {name}"));
            delete(&client, aws, name, group).await?;
        }
        Step::NotManaged { name } => ui.warn(format!(
            "the schedule {name} was not created by lamctl for this function: left as it is"
        )),
    }
    Ok(())
}

/// DeleteSchedule (one already gone is not an error).
pub async fn delete(client: &Client, aws: &AwsContext, name: &str, group: &str) -> Result<()> {
    optional(
        client
            .delete_schedule()
            .name(name)
            .group_name(group)
            .send()
            .await
            .map_err(|e| aws.error(Service::Scheduler, "DeleteSchedule", e)),
    )?;
    Ok(())
}

/// Scheduler assumes the role; it may invoke this function only.
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"scheduler.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const INVOKE_POLICY: &str = "lamctl-invoke";

/// The scheduler role's ARN when it exists and lamctl created it for
/// `function`; an existing role that is not lamctl's is an error (lamctl
/// would not give it rights, nor use it).
pub async fn read_role(aws: &AwsContext, name: &str, function: &str) -> Result<Option<String>> {
    let Some(arn) = crate::lambda::role::get_arn(aws, name).await? else {
        return Ok(None);
    };
    match crate::lambda::role::owner(aws, name).await?.as_deref() {
        Some(f) if f == function => Ok(Some(arn)),
        _ => Err(Error::failed(format!(
            "role {name} exists and lamctl did not create it for '{function}' (no {OWNER_TAG} tag)"
        ))
        .with_hint("delete or rename that role, or leave [[schedule]] out")),
    }
}

/// CreateRole (tagged) and its one inline policy.
pub async fn create_role(
    aws: &AwsContext,
    name: &str,
    function: &str,
    function_arn: &str,
) -> Result<()> {
    let iam = aws.iam().await;
    let tag = aws_sdk_iam::types::Tag::builder()
        .key(OWNER_TAG)
        .value(function)
        .build()
        .map_err(|e| Error::failed(e.to_string()))?;
    iam.create_role()
        .role_name(name)
        .assume_role_policy_document(TRUST)
        .description(
            "Role EventBridge Scheduler assumes to invoke a function, created by lamctl deploy",
        )
        .tags(tag)
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "CreateRole", e))?;
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": [function_arn, format!("{function_arn}:*")],
        }]
    });
    iam.put_role_policy()
        .role_name(name)
        .policy_name(INVOKE_POLICY)
        .policy_document(policy.to_string())
        .send()
        .await
        .map_err(|e| aws.error(Service::Iam, "PutRolePolicy", e))?;
    Ok(())
}

/// Delete lamctl's scheduler role when it is lamctl's for `function`;
/// `true` when it was deleted.
pub async fn delete_role(aws: &AwsContext, name: &str, function: &str) -> Result<bool> {
    if crate::lambda::role::get_arn(aws, name).await?.is_none()
        || crate::lambda::role::owner(aws, name).await?.as_deref() != Some(function)
    {
        return Ok(false);
    }
    crate::lambda::role::delete(aws, name).await?;
    Ok(true)
}
