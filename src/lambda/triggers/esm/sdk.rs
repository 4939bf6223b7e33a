//! The Lambda calls behind event source mappings: list a function's
//! mappings with their tags (ownership), create, update, delete.

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::{
    EventSourceMappingConfiguration, EventSourcePosition, Filter, FilterCriteria,
    FunctionResponseType, ScalingConfig,
};

use super::{EventSource, Mapping, MappingConfig, StartingPosition, Step, owner};
use crate::aws::{AwsContext, Service};
use crate::error::{Result, optional};
use crate::lambda::names;
use crate::output::Ui;

/// Every mapping of `function` (all pages), each with whether lamctl's tag
/// is on it. A function that does not exist has none.
pub async fn read(client: &Client, aws: &AwsContext, function: &str) -> Result<Vec<Mapping>> {
    let mut raw = Vec::new();
    let mut pages = client
        .list_event_source_mappings()
        .function_name(function)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| aws.error(Service::Lambda, "ListEventSourceMappings", e));
        match optional(page)? {
            Some(p) => raw.extend(p.event_source_mappings().iter().cloned()),
            None => return Ok(Vec::new()),
        }
    }
    tagged(client, aws, function, &raw).await
}

/// Every mapping in the account and region (all pages, no filter): what a
/// run over many functions reads once instead of once a function.
pub async fn list_all(
    client: &Client,
    aws: &AwsContext,
) -> Result<Vec<EventSourceMappingConfiguration>> {
    let mut all = Vec::new();
    let mut pages = client.list_event_source_mappings().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| aws.error(Service::Lambda, "ListEventSourceMappings", e))?;
        all.extend(page.event_source_mappings().iter().cloned());
    }
    Ok(all)
}

/// [`read`] out of [`list_all`]'s answer: the mappings whose function is
/// `function_arn` (unqualified, as lamctl creates them and as listing by
/// the function's name answers), each with its tags.
pub async fn read_from(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    function_arn: &str,
    all: &[EventSourceMappingConfiguration],
) -> Result<Vec<Mapping>> {
    let raw: Vec<_> = all
        .iter()
        .filter(|m| m.function_arn() == Some(function_arn))
        .cloned()
        .collect();
    tagged(client, aws, function, &raw).await
}

/// The mappings with lamctl's ownership read from their tags (one
/// ListTags a mapping: a function has few of them).
async fn tagged(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    raw: &[EventSourceMappingConfiguration],
) -> Result<Vec<Mapping>> {
    let mut out = Vec::with_capacity(raw.len());
    for m in raw {
        let arn = mapping_arn(m);
        let tags = client
            .list_tags()
            .resource(&arn)
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "ListTags", e));
        let tags = optional(tags)?.and_then(|t| t.tags).unwrap_or_default();
        out.push(from_sdk(m, arn, owner::tagged(&tags, function)));
    }
    Ok(out)
}

/// The mapping's ARN: Lambda returns it; older answers are built from the
/// function's ARN (`...:event-source-mapping:UUID`).
fn mapping_arn(m: &EventSourceMappingConfiguration) -> String {
    if let Some(a) = m.event_source_mapping_arn() {
        return a.to_string();
    }
    let f = m.function_arn().unwrap_or_default();
    let prefix: Vec<&str> = f.splitn(6, ':').take(5).collect();
    format!(
        "{}:event-source-mapping:{}",
        prefix.join(":"),
        m.uuid().unwrap_or_default()
    )
}

fn from_sdk(m: &EventSourceMappingConfiguration, arn: String, managed: bool) -> Mapping {
    let state = m.state().map(String::from);
    Mapping {
        uuid: m.uuid().unwrap_or_default().to_string(),
        arn,
        source: m.event_source_arn().unwrap_or_default().to_string(),
        config: MappingConfig {
            batch_size: m.batch_size().unwrap_or_default(),
            batching_window: m.maximum_batching_window_in_seconds().unwrap_or_default(),
            filters: m
                .filter_criteria()
                .map(|f| {
                    f.filters()
                        .iter()
                        .filter_map(|x| x.pattern().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
            report_batch_item_failures: m
                .function_response_types()
                .contains(&FunctionResponseType::ReportBatchItemFailures),
            maximum_concurrency: m.scaling_config().and_then(|s| s.maximum_concurrency()),
            enabled: !matches!(state.as_deref(), Some("Disabled" | "Disabling")),
        },
        starting_position: m.starting_position().and_then(|p| match p {
            EventSourcePosition::TrimHorizon => Some(StartingPosition::TrimHorizon),
            EventSourcePosition::Latest => Some(StartingPosition::Latest),
            EventSourcePosition::AtTimestamp => Some(StartingPosition::AtTimestamp),
            _ => None,
        }),
        starting_timestamp: m.starting_position_timestamp().and_then(|t| {
            jiff::Timestamp::from_second(t.secs())
                .ok()
                .map(|t| t.to_string())
        }),
        state,
        managed,
    }
}

fn filters(c: &MappingConfig) -> FilterCriteria {
    FilterCriteria::builder()
        .set_filters(Some(
            c.filters
                .iter()
                .map(|p| Filter::builder().pattern(p).build())
                .collect(),
        ))
        .build()
}

fn response_types(c: &MappingConfig) -> Vec<FunctionResponseType> {
    match c.report_batch_item_failures {
        true => vec![FunctionResponseType::ReportBatchItemFailures],
        false => Vec::new(),
    }
}

/// CreateEventSourceMapping, tagged as lamctl's; returns the UUID.
pub async fn create(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    s: &EventSource,
) -> Result<String> {
    let c = s.config();
    let mut req = client
        .create_event_source_mapping()
        .function_name(function)
        .event_source_arn(&s.arn)
        .batch_size(c.batch_size)
        .maximum_batching_window_in_seconds(c.batching_window)
        .enabled(c.enabled)
        .set_tags(Some(super::tags(function).into_iter().collect()));
    if !c.filters.is_empty() {
        req = req.filter_criteria(filters(&c));
    }
    if c.report_batch_item_failures {
        req = req.set_function_response_types(Some(response_types(&c)));
    }
    if let Some(m) = c.maximum_concurrency {
        req = req.scaling_config(ScalingConfig::builder().maximum_concurrency(m).build());
    }
    if let Some(p) = s.starting_position() {
        req = req.starting_position(EventSourcePosition::from(p.as_str()));
    }
    if let Some(t) = s
        .starting_timestamp
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
    {
        req = req.starting_position_timestamp(aws_smithy_types::DateTime::from_secs(t.as_second()));
    }
    let out = req
        .send()
        .await
        .map_err(|e| aws.error(Service::Lambda, "CreateEventSourceMapping", e))?;
    Ok(out.uuid.unwrap_or_default())
}

/// UpdateEventSourceMapping to `to` (every field, so one it no longer
/// names goes back to Lambda's default; ScalingConfig on queues only).
pub async fn update(
    client: &Client,
    aws: &AwsContext,
    uuid: &str,
    sqs: bool,
    to: &MappingConfig,
) -> Result<()> {
    let mut req = client
        .update_event_source_mapping()
        .uuid(uuid)
        .batch_size(to.batch_size)
        .maximum_batching_window_in_seconds(to.batching_window)
        .filter_criteria(filters(to))
        .set_function_response_types(Some(response_types(to)))
        .enabled(to.enabled);
    if sqs {
        req = req.scaling_config(
            ScalingConfig::builder()
                .set_maximum_concurrency(to.maximum_concurrency)
                .build(),
        );
    }
    req.send()
        .await
        .map_err(|e| aws.error(Service::Lambda, "UpdateEventSourceMapping", e))?;
    Ok(())
}

/// DeleteEventSourceMapping (one already gone is not an error).
pub async fn delete(client: &Client, aws: &AwsContext, uuid: &str) -> Result<()> {
    optional(
        client
            .delete_event_source_mapping()
            .uuid(uuid)
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "DeleteEventSourceMapping", e)),
    )?;
    Ok(())
}

/// Take one step of the plan, noting it on stderr.
pub async fn apply(
    step: &Step,
    client: &Client,
    aws: &AwsContext,
    ui: &Ui,
    function: &str,
) -> Result<()> {
    match step {
        Step::Create { source } => {
            ui.note(format!(
                "creating the event source mapping from {}",
                source.arn
            ));
            create(client, aws, function, source).await?;
        }
        Step::Update {
            uuid, source, to, ..
        } => {
            ui.note(format!("updating the event source mapping from {source}"));
            let sqs = !names::event_source_arn(source).is_ok_and(|k| k.is_stream());
            update(client, aws, uuid, sqs, to).await?;
        }
        Step::Delete { uuid, source } => {
            ui.note(format!("deleting the event source mapping from {source}"));
            delete(client, aws, uuid).await?;
        }
        Step::NotManaged { uuid, source } => ui.warn(format!(
            "the event source mapping {uuid} from {source} was not created by lamctl: left as it is"
        )),
    }
    Ok(())
}
