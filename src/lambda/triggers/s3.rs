//! `[[s3]]` deployed: entries in a bucket's notification configuration
//! that invoke the function. The configuration is one document per bucket,
//! shared with whoever else uses it: lamctl's entries carry the id
//! `lamctl-FUNCTION-N`, and deploy puts the document back with every other
//! entry as it found it. The buckets lamctl wired up are found through
//! lamctl's `lamctl-s3-*` statements on the function's policy (their
//! source ARN names the bucket), so removing a `[[s3]]` from the file
//! removes lamctl's entries from a bucket it no longer names.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_s3::types::{
    FilterRule, FilterRuleName, LambdaFunctionConfiguration, NotificationConfiguration,
    NotificationConfigurationFilter, S3KeyFilter,
};
use serde::Serialize;

use super::owner;
use super::policy::{self, Grant};
use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result};
use crate::lambda::config::s3::S3Trigger;
use crate::output::Ui;

pub const PRINCIPAL: &str = "s3.amazonaws.com";

/// The permission's statement id for `bucket`.
pub fn sid(bucket: &str) -> String {
    owner::sid("s3", bucket)
}

pub fn bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

/// The bucket named by a grant's source ARN, if it is an S3 grant of lamctl's.
pub fn granted_bucket(g: &Grant) -> Option<&str> {
    g.is_lamctl()
        .then_some(())
        .and(g.source_arn.as_deref()?.strip_prefix("arn:aws:s3:::"))
}

/// One notification entry as compared: its events (sorted) and filter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Entry {
    pub events: Vec<String>,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
}

impl Entry {
    pub fn from_trigger(t: &S3Trigger) -> Entry {
        Entry {
            events: t.events(),
            prefix: t.prefix.as_ref().map(|p| p.to_string()),
            suffix: t.suffix.as_ref().map(|p| p.to_string()),
        }
    }

    fn shown(&self) -> String {
        let mut s = self.events.join(", ");
        if let Some(p) = &self.prefix {
            s.push_str(&format!(" prefix {p}"));
        }
        if let Some(x) = &self.suffix {
            s.push_str(&format!(" suffix {x}"));
        }
        s
    }
}

/// A bucket's notifications as lamctl sees them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BucketState {
    /// lamctl's entries for this function (sorted).
    pub ours: Vec<Entry>,
    /// Lambda entries of others that invoke this function (not managed).
    pub not_managed: Vec<String>,
}

/// Whether a notification id is lamctl's for `function`: `lamctl-F-N`.
pub fn is_ours(id: &str, function: &str) -> bool {
    id.strip_prefix(owner::SID_PREFIX)
        .and_then(|r| r.strip_prefix(function))
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// One step on one bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum S3Step {
    /// AddPermission for `arn:aws:s3:::BUCKET` (and the function's account).
    Permit { bucket: String, sid: String },
    /// Put the bucket's configuration back with lamctl's entries replaced
    /// by `entries` (none: lamctl's removed); others' untouched.
    Put {
        bucket: String,
        from: Vec<Entry>,
        entries: Vec<Entry>,
    },
}

/// The steps from the buckets as read to `want`, and the statements to
/// remove (buckets no longer named).
pub fn plan(
    want: &[S3Trigger],
    have: &BTreeMap<String, BucketState>,
    grants: &[Grant],
) -> (Vec<S3Step>, Vec<String>) {
    let mut wanted: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for t in want {
        wanted
            .entry(t.bucket.to_string())
            .or_default()
            .push(Entry::from_trigger(t));
    }
    let mut steps = Vec::new();
    let mut revoke = Vec::new();
    let buckets: BTreeSet<&String> = wanted.keys().chain(have.keys()).collect();
    for bucket in buckets {
        let mut entries = wanted.get(bucket).cloned().unwrap_or_default();
        entries.sort();
        let from = have.get(bucket).map(|b| b.ours.clone()).unwrap_or_default();
        let sid = sid(bucket);
        let granted = grants.iter().find(|g| g.sid == sid);
        let arn = bucket_arn(bucket);
        if !entries.is_empty() && granted.and_then(|g| g.source_arn.as_deref()) != Some(&arn) {
            revoke.extend(granted.map(|g| g.sid.clone()));
            steps.push(S3Step::Permit {
                bucket: bucket.clone(),
                sid: sid.clone(),
            });
        }
        if entries != from {
            steps.push(S3Step::Put {
                bucket: bucket.clone(),
                from,
                entries: entries.clone(),
            });
        }
        if entries.is_empty() && granted.is_some() {
            revoke.push(sid);
        }
    }
    (steps, revoke)
}

/// The buckets to read: those the file names and those lamctl's grants name.
pub fn buckets(want: &[S3Trigger], grants: &[Grant]) -> BTreeSet<String> {
    want.iter()
        .map(|t| t.bucket.to_string())
        .chain(grants.iter().filter_map(granted_bucket).map(String::from))
        .collect()
}

async fn get(aws: &AwsContext, bucket: &str) -> Result<NotificationConfiguration> {
    let out = aws
        .s3()
        .await
        .get_bucket_notification_configuration()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| aws.error(Service::S3, "GetBucketNotificationConfiguration", e))?;
    Ok(NotificationConfiguration::builder()
        .set_topic_configurations(out.topic_configurations)
        .set_queue_configurations(out.queue_configurations)
        .set_lambda_function_configurations(out.lambda_function_configurations)
        .set_event_bridge_configuration(out.event_bridge_configuration)
        .build())
}

fn entry_of(c: &LambdaFunctionConfiguration) -> Entry {
    let mut events: Vec<String> = c.events().iter().map(|e| e.as_str().to_string()).collect();
    events.sort();
    events.dedup();
    let rule = |name: &str| {
        c.filter()
            .and_then(|f| f.key())
            .map(|k| k.filter_rules())
            .unwrap_or_default()
            .iter()
            .find(|r| {
                r.name()
                    .is_some_and(|n| n.as_str().eq_ignore_ascii_case(name))
            })
            .and_then(|r| r.value().map(String::from))
    };
    Entry {
        events,
        prefix: rule("prefix"),
        suffix: rule("suffix"),
    }
}

/// lamctl's entries for `function` in `bucket`, and others' Lambda entries
/// that invoke it.
pub async fn read(aws: &AwsContext, bucket: &str, function: &str) -> Result<BucketState> {
    let config = get(aws, bucket).await?;
    let suffix = format!(":function:{function}");
    let mut state = BucketState::default();
    for c in config.lambda_function_configurations() {
        let id = c.id().unwrap_or_default();
        if is_ours(id, function) {
            state.ours.push(entry_of(c));
        } else if c.lambda_function_arn().ends_with(&suffix) {
            state.not_managed.push(id.to_string());
        }
    }
    state.ours.sort();
    Ok(state)
}

/// Replace lamctl's entries in `bucket` with `entries`, keeping every
/// other entry as read now (not as planned: the document may have changed).
pub async fn put(
    aws: &AwsContext,
    bucket: &str,
    function: &str,
    function_arn: &str,
    entries: &[Entry],
) -> Result<()> {
    let config = get(aws, bucket).await?;
    let mut lambdas: Vec<LambdaFunctionConfiguration> = config
        .lambda_function_configurations()
        .iter()
        .filter(|c| !is_ours(c.id().unwrap_or_default(), function))
        .cloned()
        .collect();
    for (n, e) in entries.iter().enumerate() {
        let mut rules = Vec::new();
        for (name, v) in [
            (FilterRuleName::Prefix, &e.prefix),
            (FilterRuleName::Suffix, &e.suffix),
        ] {
            if let Some(v) = v {
                rules.push(FilterRule::builder().name(name).value(v).build());
            }
        }
        let filter = (!rules.is_empty()).then(|| {
            NotificationConfigurationFilter::builder()
                .key(S3KeyFilter::builder().set_filter_rules(Some(rules)).build())
                .build()
        });
        let c = LambdaFunctionConfiguration::builder()
            .id(format!("{}{function}-{n}", owner::SID_PREFIX))
            .lambda_function_arn(function_arn)
            .set_events(Some(e.events.iter().map(|x| x.as_str().into()).collect()))
            .set_filter(filter)
            .build()
            .map_err(|e| Error::failed(format!("S3 notification: {e}")))?;
        lambdas.push(c);
    }
    let doc = NotificationConfiguration::builder()
        .set_topic_configurations(Some(config.topic_configurations().to_vec()))
        .set_queue_configurations(Some(config.queue_configurations().to_vec()))
        .set_lambda_function_configurations(Some(lambdas))
        .set_event_bridge_configuration(config.event_bridge_configuration().cloned())
        .build();
    aws.s3()
        .await
        .put_bucket_notification_configuration()
        .bucket(bucket)
        .notification_configuration(doc)
        .send()
        .await
        .map_err(|e| aws.error(Service::S3, "PutBucketNotificationConfiguration", e))?;
    Ok(())
}

impl S3Step {
    pub fn describe(&self) -> Vec<String> {
        match self {
            S3Step::Permit { bucket, sid } => vec![format!(
                "allow s3://{bucket} to invoke the function (statement {sid})"
            )],
            S3Step::Put {
                bucket,
                from,
                entries,
            } => {
                let mut v = vec![match entries.is_empty() {
                    true => format!(
                        "remove lamctl's notifications from s3://{bucket} (others' entries kept)"
                    ),
                    false => format!(
                        "set lamctl's notifications on s3://{bucket} (others' entries kept)"
                    ),
                }];
                v.extend(from.iter().map(|e| format!("  - {}", e.shown())));
                v.extend(entries.iter().map(|e| format!("  + {}", e.shown())));
                v
            }
        }
    }

    pub async fn apply(
        &self,
        aws: &AwsContext,
        lambda: &aws_sdk_lambda::Client,
        ui: &Ui,
        function: &str,
        function_arn: &str,
    ) -> Result<()> {
        if let Some(line) = self.describe().first() {
            ui.note(line);
        }
        match self {
            S3Step::Permit { bucket, sid } => {
                let account = policy::account_of(function_arn).ok_or_else(|| {
                    Error::failed(format!("no account in the function ARN {function_arn}"))
                })?;
                let grant = Grant {
                    sid: sid.clone(),
                    principal: PRINCIPAL.into(),
                    source_arn: Some(bucket_arn(bucket)),
                };
                policy::add(lambda, aws, function, &grant, Some(account)).await
            }
            S3Step::Put {
                bucket, entries, ..
            } => put(aws, bucket, function, function_arn, entries).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(sid: &str, arn: &str) -> Grant {
        Grant {
            sid: sid.into(),
            principal: PRINCIPAL.into(),
            source_arn: Some(arn.into()),
        }
    }

    #[test]
    fn ids_prove_ownership() {
        assert!(is_ours("lamctl-f-0", "f"));
        assert!(is_ours("lamctl-f-12", "f"));
        assert!(!is_ours("lamctl-f-2-0", "f"));
        assert!(!is_ours("lamctl-f-", "f"));
        assert!(!is_ours("mine", "f"));
        assert!(is_ours("lamctl-f-2-0", "f-2"));
    }

    #[test]
    fn plans_add_change_remove_and_nothing() {
        let t: S3Trigger = toml::from_str("bucket = \"bkt\"\nprefix = \"in/\"\n").unwrap();
        let none = BTreeMap::new();
        // New: permission, then the entries.
        let (steps, revoke) = plan(std::slice::from_ref(&t), &none, &[]);
        assert!(matches!(steps[0], S3Step::Permit { .. }));
        assert!(matches!(&steps[1], S3Step::Put { entries, .. } if entries.len() == 1));
        assert!(revoke.is_empty());
        // Unchanged: nothing.
        let have = BTreeMap::from([(
            "bkt".to_string(),
            BucketState {
                ours: vec![Entry::from_trigger(&t)],
                not_managed: vec![],
            },
        )]);
        let g = [grant("lamctl-s3-bkt", "arn:aws:s3:::bkt")];
        let (steps, revoke) = plan(std::slice::from_ref(&t), &have, &g);
        assert!(steps.is_empty() && revoke.is_empty(), "{steps:?}");
        // Gone from the file: entries removed, then the permission.
        let (steps, revoke) = plan(&[], &have, &g);
        assert!(matches!(&steps[0], S3Step::Put { entries, .. } if entries.is_empty()));
        assert_eq!(revoke, vec!["lamctl-s3-bkt"]);
        assert_eq!(granted_bucket(&g[0]), Some("bkt"));
        assert_eq!(granted_bucket(&grant("x", "arn:aws:s3:::b")), None);
    }
}
