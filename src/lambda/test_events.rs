//! A function's shareable test events in the EventBridge schema registry
//! (the Lambda console's "Shareable" events): read one, list them, save
//! one. The document's layout is `events::SharedSchema`'s.

use serde_json::Value;

use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result, optional};
use crate::events::shared::SHARED_SCHEMA_TYPE;
use crate::events::{SHARED_REGISTRY, SharedSchema, shared_schema_name};

/// `function`'s schema, or `None` when the registry or the schema does
/// not exist (no shared event yet).
pub async fn read(aws: &AwsContext, function: &str) -> Result<Option<SharedSchema>> {
    let client = aws.schemas().await;
    let schema = shared_schema_name(function);
    let out = optional(
        client
            .describe_schema()
            .registry_name(SHARED_REGISTRY)
            .schema_name(&schema)
            .send()
            .await
            .map_err(|e| aws.error(Service::Schemas, "DescribeSchema", e)),
    )?;
    let Some(out) = out else { return Ok(None) };
    let content = out.content.unwrap_or_default();
    SharedSchema::parse(&content).map(Some).map_err(|e| {
        Error::failed(format!(
            "schema {schema} in registry {SHARED_REGISTRY}: {e}"
        ))
        .with_hint(
            "it is not a Lambda test event schema; fix or delete it in the EventBridge console",
        )
    })
}

/// Save `event` as `name` among `function`'s shared events, creating the
/// registry and the schema when missing and keeping the other events.
/// An existing `name` is replaced only with `force`.
pub async fn save(
    aws: &AwsContext,
    function: &str,
    name: &str,
    event: Value,
    force: bool,
) -> Result<()> {
    let client = aws.schemas().await;
    let existing = read(aws, function).await?;
    let schema = shared_schema_name(function);
    if existing.is_none() {
        ensure_registry(aws, &client).await?;
    }
    let (mut doc, create) = match existing {
        Some(doc) => (doc, false),
        None => (SharedSchema::new(), true),
    };
    if !force && doc.get(name).is_some() {
        return Err(Error::usage(format!(
            "{function} already has a shared test event '{name}'"
        ))
        .with_hint("add --force to replace it"));
    }
    doc.put(name, event);
    if create {
        client
            .create_schema()
            .registry_name(SHARED_REGISTRY)
            .schema_name(&schema)
            .r#type(SHARED_SCHEMA_TYPE.into())
            .content(doc.content())
            .send()
            .await
            .map_err(|e| aws.error(Service::Schemas, "CreateSchema", e))?;
    } else {
        client
            .update_schema()
            .registry_name(SHARED_REGISTRY)
            .schema_name(&schema)
            .r#type(SHARED_SCHEMA_TYPE.into())
            .content(doc.content())
            .send()
            .await
            .map_err(|e| aws.error(Service::Schemas, "UpdateSchema", e))?;
    }
    Ok(())
}

/// The registry exists afterwards (created here, or by someone at the
/// same moment).
async fn ensure_registry(aws: &AwsContext, client: &aws_sdk_schemas::Client) -> Result<()> {
    let found = optional(
        client
            .describe_registry()
            .registry_name(SHARED_REGISTRY)
            .send()
            .await
            .map_err(|e| aws.error(Service::Schemas, "DescribeRegistry", e)),
    )?;
    if found.is_some() {
        return Ok(());
    }
    match client
        .create_registry()
        .registry_name(SHARED_REGISTRY)
        .send()
        .await
        .map_err(|e| aws.error(Service::Schemas, "CreateRegistry", e))
    {
        Err(e) if e.aws_code() == Some("ConflictException") => Ok(()),
        r => r.map(|_| ()),
    }
}

/// The JSON of `function`'s shared event `name` (`invoke --event NAME
/// --shared`); a usage error listing the saved ones when it is missing.
pub async fn read_event(aws: &AwsContext, function: &str, name: &str) -> Result<Vec<u8>> {
    let schema = read(aws, function).await?;
    let names = schema.as_ref().map(|s| s.names()).unwrap_or_default();
    match schema.as_ref().and_then(|s| s.get(name)) {
        Some(v) => serde_json::to_vec(v)
            .map_err(|e| Error::failed(format!("cannot render shared event {name}: {e}"))),
        None => Err(Error::usage(format!(
            "--event {name}: {function} has no shared test event '{name}'"
        ))
        .with_hint(if names.is_empty() {
            format!(
                "{function} has no shared test events; save one with `lamctl event save NAME --shared`"
            )
        } else {
            format!("{function}'s shared test events: {}", names.join(", "))
        })),
    }
}
