//! `lamctl info [NAME]`: one deployed function, everything a person asks
//! first — configuration, state, code, environment names, layers, aliases,
//! concurrency, function URLs, log group, role. The reads after
//! GetFunction are independent and run at once.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

pub mod many;

use super::Ctx;
use crate::error::{Result, optional};
use crate::lambda::alias::{self, AliasState};
use crate::lambda::config::deployed_architecture;
use crate::lambda::triggers::{self, Triggers, esm, schedule};
use crate::lambda::url::{self, UrlAuth};
use crate::lambda::{concurrency, logs, require_function};
use crate::output::bytes;

#[derive(Debug, Clone)]
pub struct Settings {
    pub function: String,
    pub show_values: bool,
}

#[derive(Debug, Serialize)]
struct Info {
    name: String,
    arn: Option<String>,
    region: String,
    runtime: Option<String>,
    handler: Option<String>,
    architecture: String,
    memory: Option<i32>,
    timeout: Option<i32>,
    ephemeral_storage: Option<i32>,
    description: String,
    state: Option<String>,
    state_reason: Option<String>,
    last_update_status: Option<String>,
    last_update_status_reason: Option<String>,
    last_modified: Option<String>,
    code_sha256: Option<String>,
    code_size: i64,
    /// Names only, unless --show-values (then name → value).
    environment: Environment,
    layers: Vec<String>,
    aliases: Vec<AliasState>,
    reserved_concurrency: Option<i32>,
    /// Provisioned concurrency by alias.
    provisioned_concurrency: BTreeMap<String, i32>,
    urls: Vec<UrlInfo>,
    log_group: String,
    role: Option<String>,
    tags: BTreeMap<String, String>,
    /// Event source mappings; `managed` when lamctl created them.
    event_sources: Vec<EventSourceInfo>,
    /// Schedules whose target is the function; `managed` when lamctl
    /// created them.
    schedules: Vec<schedule::Deployed>,
    /// What starts the function (lamctl's and not), when anything does.
    #[serde(skip_serializing_if = "Option::is_none")]
    triggers: Option<Triggers>,
}

#[derive(Debug, Serialize)]
struct EventSourceInfo {
    source: String,
    uuid: String,
    state: Option<String>,
    batch_size: i32,
    managed: bool,
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Environment {
    Names(Vec<String>),
    Values(BTreeMap<String, String>),
}

#[derive(Debug, Serialize)]
struct UrlInfo {
    /// The alias it belongs to; none for the function's own.
    qualifier: Option<String>,
    url: String,
    auth: UrlAuth,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let name = set.function.as_str();
    let f = require_function(&client, &aws, name).await?;
    let cfg = &f.config;

    let aliases = alias::list(&client, &aws, name);
    let reserved = concurrency::reserved(&client, &aws, name);
    let mappings = esm::read(&client, &aws, name);
    let schedules = async {
        let arn = cfg.function_arn().unwrap_or_default();
        match schedule::read(&aws.scheduler().await, &aws, name, arn).await {
            // The view stays whole for a caller without Scheduler rights.
            Err(e) if e.aws_code() == Some("AccessDeniedException") => {
                ctx.ui.note("schedules not shown: not allowed to list them");
                Ok(Vec::new())
            }
            r => r,
        }
    };
    let found = triggers::read(&client, &aws, name);
    let (aliases, reserved, mappings, schedules, found) =
        tokio::try_join!(aliases, reserved, mappings, schedules, found)?;
    let anything = found.api.ours.is_some()
        || !found.api.not_managed.is_empty()
        || !found.buckets.is_empty()
        || !found.not_managed_permissions.is_empty();
    // The function's URL and each alias's (deploy puts it on the alias).
    let qualifiers: Vec<Option<&str>> = std::iter::once(None)
        .chain(aliases.iter().map(|a| Some(a.name.as_str())))
        .collect();
    let mut urls = Vec::new();
    let mut provisioned = BTreeMap::new();
    for q in &qualifiers {
        if let Some(u) = url::get(&client, &aws, name, *q).await? {
            urls.push(UrlInfo {
                qualifier: q.map(String::from),
                url: u.url,
                auth: u.config.auth,
            });
        }
        if let Some(q) = q
            && let Some(n) = provisioned_of(&client, &aws, name, q).await?
        {
            provisioned.insert(q.to_string(), n);
        }
    }

    let env: BTreeMap<String, String> = cfg
        .environment()
        .and_then(|e| e.variables())
        .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let info = Info {
        name: cfg.function_name().unwrap_or(name).to_string(),
        arn: cfg.function_arn().map(String::from),
        region: aws.region.value.clone(),
        runtime: cfg.runtime().map(|r| r.as_str().to_string()),
        handler: cfg.handler().map(String::from),
        architecture: deployed_architecture(cfg).to_string(),
        memory: cfg.memory_size(),
        timeout: cfg.timeout(),
        ephemeral_storage: cfg.ephemeral_storage().map(|e| e.size()),
        description: cfg.description().unwrap_or_default().to_string(),
        state: cfg.state().map(|s| s.as_str().to_string()),
        state_reason: cfg.state_reason().map(String::from),
        last_update_status: cfg.last_update_status().map(|s| s.as_str().to_string()),
        last_update_status_reason: cfg.last_update_status_reason().map(String::from),
        last_modified: cfg.last_modified().map(String::from),
        code_sha256: cfg.code_sha256().map(String::from),
        code_size: cfg.code_size(),
        environment: match set.show_values {
            true => Environment::Values(env),
            false => Environment::Names(env.into_keys().collect()),
        },
        layers: cfg
            .layers()
            .iter()
            .filter_map(|l| l.arn().map(String::from))
            .collect(),
        aliases,
        reserved_concurrency: reserved,
        provisioned_concurrency: provisioned,
        urls,
        log_group: logs::group_of(cfg.function_name().unwrap_or(name), cfg.logging_config()),
        role: cfg.role().map(String::from),
        tags: f.tags.clone(),
        event_sources: mappings
            .into_iter()
            .map(|m| EventSourceInfo {
                source: m.source,
                uuid: m.uuid,
                state: m.state,
                batch_size: m.config.batch_size,
                managed: m.managed,
            })
            .collect(),
        schedules,
        triggers: anything.then_some(found),
    };
    ctx.ui.result(&info)
}

/// An alias's provisioned concurrency; an endpoint without the API (an
/// emulator) reads as none rather than failing the whole view.
async fn provisioned_of(
    client: &aws_sdk_lambda::Client,
    aws: &crate::aws::AwsContext,
    name: &str,
    alias: &str,
) -> Result<Option<i32>> {
    match concurrency::provisioned(client, aws, name, alias).await {
        Err(e) if e.aws_status() == Some(404) || e.aws_status() == Some(501) => {
            tracing::debug!("provisioned concurrency of {name}:{alias}: {e}");
            Ok(None)
        }
        other => Ok(optional(other)?.flatten()),
    }
}

impl fmt::Display for Info {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let num =
            |v: Option<i32>, unit: &str| v.map_or_else(|| "-".into(), |n| format!("{n}{unit}"));
        writeln!(f, "{} ({})", self.name, self.region)?;
        let mut rows: Vec<(&str, String)> = vec![
            ("arn", or(&self.arn)),
            ("runtime", or(&self.runtime)),
            ("handler", or(&self.handler)),
            ("architecture", self.architecture.clone()),
            ("memory", num(self.memory, " MB")),
            ("timeout", num(self.timeout, " s")),
            ("ephemeral storage", num(self.ephemeral_storage, " MB")),
        ];
        if !self.description.is_empty() {
            rows.push(("description", self.description.clone()));
        }
        let mut state = or(&self.state);
        if let Some(r) = &self.state_reason {
            state.push_str(&format!(" ({r})"));
        }
        rows.push(("state", state));
        let mut update = or(&self.last_update_status);
        if let Some(r) = &self.last_update_status_reason {
            update.push_str(&format!(" ({r})"));
        }
        rows.push(("last update", update));
        rows.push(("last modified", or(&self.last_modified)));
        rows.push(("code sha256", or(&self.code_sha256)));
        rows.push(("code size", bytes(self.code_size.max(0) as u64)));
        rows.push(("role", or(&self.role)));
        rows.push(("log group", self.log_group.clone()));
        rows.push((
            "environment",
            match &self.environment {
                Environment::Names(n) if n.is_empty() => "-".into(),
                Environment::Names(n) => n.join(", "),
                Environment::Values(v) if v.is_empty() => "-".into(),
                Environment::Values(v) => v
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        ));
        rows.push((
            "layers",
            if self.layers.is_empty() {
                "-".into()
            } else {
                self.layers.join(", ")
            },
        ));
        rows.push(("reserved concurrency", num(self.reserved_concurrency, "")));
        for (k, v) in &self.tags {
            rows.push(("tag", format!("{k}={v}")));
        }
        for a in &self.aliases {
            let mut s = a.to_string();
            if let Some(n) = self.provisioned_concurrency.get(&a.name) {
                s.push_str(&format!(", provisioned concurrency {n}"));
            }
            rows.push(("alias", s));
        }
        for u in &self.urls {
            let auth = match u.auth {
                UrlAuth::None => "auth none, public",
                UrlAuth::AwsIam => "auth aws-iam",
            };
            let on = u
                .qualifier
                .as_deref()
                .map(|q| format!(" on {q}"))
                .unwrap_or_default();
            rows.push(("url", format!("{}{on} ({auth})", u.url)));
        }
        for m in &self.event_sources {
            let owner = match m.managed {
                true => "managed by lamctl",
                false => "not managed",
            };
            let state = m.state.as_deref().unwrap_or("-");
            rows.push((
                "event source",
                format!("{} (batch {}, {state}, {owner})", m.source, m.batch_size),
            ));
        }
        for s in &self.schedules {
            let owner = match s.managed {
                true => "managed by lamctl",
                false => "not managed",
            };
            let state = if s.config.enabled {
                "enabled"
            } else {
                "disabled"
            };
            rows.push((
                "schedule",
                format!(
                    "{} {} {} ({state}, {owner})",
                    s.name, s.config.expression, s.config.timezone
                ),
            ));
        }
        if let Some(t) = &self.triggers {
            trigger_rows(t, &mut rows);
        }
        let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, v) in rows {
            writeln!(f, "  {k:<width$}  {v}")?;
        }
        Ok(())
    }
}

/// The triggers' rows: lamctl's (managed) and the rest (not managed).
fn trigger_rows(t: &Triggers, rows: &mut Vec<(&str, String)>) {
    if let Some(a) = &t.api.ours {
        let url = t.api_url.clone().unwrap_or_default();
        rows.push(("http api", format!("{} {} (managed) {url}", a.name, a.id)));
        for r in &a.routes {
            rows.push(("route", r.key.clone()));
        }
    }
    for a in &t.api.not_managed {
        rows.push(("http api", format!("{} {} (not managed)", a.name, a.id)));
    }
    for (bucket, b) in &t.buckets {
        for e in &b.ours {
            rows.push((
                "s3",
                format!("s3://{bucket} {} (managed)", e.events.join(", ")),
            ));
        }
        for id in &b.not_managed {
            rows.push(("s3", format!("s3://{bucket} {id} (not managed)")));
        }
    }
    for sid in &t.not_managed_permissions {
        rows.push(("permission", format!("{sid} (not managed)")));
    }
}
