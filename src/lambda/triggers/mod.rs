//! What starts the function, declared in lamctl.toml and converged by
//! `deploy` without a state file (docs/triggers.md): lamctl tags what it
//! creates, converges what it tagged, and never touches what it did not
//! create ([`owner`]).

pub mod api;
pub mod esm;
pub mod owner;
pub mod policy;
pub mod s3;
pub mod schedule;

use crate::aws::AwsContext;
use crate::error::Result;
use crate::output::Ui;

/// What starts the function, as deployed: lamctl's and not lamctl's
/// (`info`), read without a lamctl.toml (the grants name the buckets).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Triggers {
    pub api: api::ApiDeployed,
    /// The invoke URL of lamctl's API (its first stage).
    pub api_url: Option<String>,
    pub buckets: std::collections::BTreeMap<String, s3::BucketState>,
    /// Statements on the function's policy lamctl did not add.
    pub not_managed_permissions: Vec<String>,
}

/// Read the triggers of `function` (which exists). API Gateway is asked
/// only when the function's policy lets it invoke the function.
pub async fn read(
    client: &aws_sdk_lambda::Client,
    aws: &AwsContext,
    function: &str,
) -> Result<Triggers> {
    let grants = policy::read(client, aws, function).await?;
    let api = match api::may_invoke(&grants) {
        true => api::read(aws, function, function).await?,
        false => api::ApiDeployed::default(),
    };
    let mut buckets = std::collections::BTreeMap::new();
    for b in s3::buckets(&[], &grants) {
        buckets.insert(b.clone(), s3::read(aws, &b, function).await?);
    }
    let api_url = api.ours.as_ref().map(|a| {
        let stage = a.stages.first().map_or("$default", |s| s.name.as_str());
        api::invoke_url(&a.endpoint, stage)
    });
    Ok(Triggers {
        api,
        api_url,
        buckets,
        not_managed_permissions: grants
            .iter()
            .filter(|g| !g.is_lamctl())
            .map(|g| g.sid.clone())
            .collect(),
    })
}

/// Remove what lamctl created around `function` (before the function is
/// deleted): its HTTP API and its bucket notification entries. The
/// function's permissions go with the function. Returns what was removed.
pub async fn remove_all(
    client: &aws_sdk_lambda::Client,
    aws: &AwsContext,
    ui: &Ui,
    function: &str,
) -> Result<Vec<String>> {
    let t = read(client, aws, function).await?;
    let mut removed = Vec::new();
    for (bucket, state) in &t.buckets {
        if !state.ours.is_empty() {
            ui.note(format!(
                "removing lamctl's notifications from s3://{bucket}"
            ));
            s3::put(aws, bucket, function, "", &[]).await?;
            removed.push(format!("s3://{bucket} notifications"));
        }
    }
    if let Some(a) = &t.api.ours {
        ui.note(format!("deleting HTTP API {} ({})", a.name, a.id));
        api::delete_api(aws, &a.id).await?;
        removed.push(format!("HTTP API {}", a.id));
    }
    Ok(removed)
}

/// The trigger tables of lamctl.toml, as the file declares them (deploy's
/// and diff's input) or as deployed (`init`'s output).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Declared {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<crate::lambda::config::api::Api>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub s3: Vec<crate::lambda::config::s3::S3Trigger>,
}

impl Triggers {
    /// What lamctl manages, as lamctl.toml would declare it (for `init`).
    pub fn declared(&self, function: &str) -> Declared {
        let s3 = self
            .buckets
            .iter()
            .flat_map(|(bucket, b)| {
                b.ours.iter().filter_map(move |e| {
                    Some(crate::lambda::config::s3::S3Trigger {
                        bucket: bucket.parse().ok()?,
                        events: e.events.iter().filter_map(|x| x.parse().ok()).collect(),
                        prefix: e.prefix.as_ref().and_then(|p| p.parse().ok()),
                        suffix: e.suffix.as_ref().and_then(|p| p.parse().ok()),
                    })
                })
            })
            .collect();
        Declared {
            api: self.api.ours.as_ref().map(|a| a.as_api(function)),
            s3,
        }
    }
}
