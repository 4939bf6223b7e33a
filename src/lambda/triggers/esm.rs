//! Event source mappings: `[[event_source]]` in lamctl.toml (an SQS queue,
//! a DynamoDB stream or a Kinesis stream that Lambda polls for the
//! function), checked as it is read, planned against the mappings the
//! function has, and converged by `deploy` (docs/triggers.md).
//!
//! Ownership: lamctl creates a mapping with the tag `lamctl:function=NAME`
//! (CreateEventSourceMapping's Tags) and converges or deletes only mappings
//! of the function that carry it ([`owner::tagged`]). A mapping without it
//! is someone else's, even when it joins the same source to the same
//! function: it is left alone and reported "not managed".
//!
//! ```toml
//! [[event_source]]
//! arn = "arn:aws:sqs:us-east-1:123456789012:orders"
//! batch_size = 20
//! batching_window = "5s"
//! filters = ['{"body": {"kind": ["order"]}}']
//! report_batch_item_failures = true
//! maximum_concurrency = 10
//! enabled = true
//! ```

mod sdk;

pub use sdk::{apply, create, delete, list_all, read, read_from, update};

use serde::{Deserialize, Serialize};

use super::owner;
use crate::lambda::config::FieldChange;
use crate::lambda::limits;
use crate::lambda::names::{self, SourceKind};
use crate::lambda::role::Statement;

/// Where a stream mapping starts reading (SQS has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StartingPosition {
    TrimHorizon,
    Latest,
    AtTimestamp,
}

impl StartingPosition {
    pub fn as_str(self) -> &'static str {
        match self {
            StartingPosition::TrimHorizon => "TRIM_HORIZON",
            StartingPosition::Latest => "LATEST",
            StartingPosition::AtTimestamp => "AT_TIMESTAMP",
        }
    }
}

/// One `[[event_source]]`, every key checked (alone and against the
/// source's kind) while the file is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Raw")]
pub struct EventSource {
    pub arn: String,
    #[serde(skip)]
    pub kind: SourceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<i32>,
    /// Seconds; written as a duration (`5s`).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_window")]
    pub batching_window: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_position: Option<StartingPosition>,
    /// RFC 3339, with `AT_TIMESTAMP` (Kinesis) only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starting_timestamp: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_batch_item_failures: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum_concurrency: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

fn ser_window<S: serde::Serializer>(v: &Option<i32>, s: S) -> Result<S::Ok, S::Error> {
    let secs = v.unwrap_or_default().max(0) as u64;
    s.serialize_str(&format!("{secs}s"))
}

/// The table as written, before its checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    arn: String,
    batch_size: Option<i64>,
    batching_window: Option<String>,
    starting_position: Option<StartingPosition>,
    starting_timestamp: Option<String>,
    #[serde(default)]
    filters: Vec<String>,
    report_batch_item_failures: Option<bool>,
    maximum_concurrency: Option<i64>,
    enabled: Option<bool>,
}

fn in_range(v: i64, r: &limits::Range) -> Result<i32, String> {
    let n = i32::try_from(v).unwrap_or(i32::MAX);
    r.check(n)
        .map(|()| n)
        .map_err(|e| format!("{}: {e}; {}", r.key, r.hint()))
}

impl TryFrom<Raw> for EventSource {
    type Error = String;

    /// Each message starts with the key it is about (the file's line is
    /// added by the reader).
    fn try_from(r: Raw) -> Result<Self, String> {
        let kind = names::event_source_arn(&r.arn).map_err(|e| format!("arn: {e}"))?;
        let label = kind.label();
        let batch = match kind {
            SourceKind::Sqs { fifo: true } => &limits::ESM_BATCH_SQS_FIFO,
            SourceKind::Sqs { fifo: false } => &limits::ESM_BATCH_SQS,
            _ => &limits::ESM_BATCH_STREAM,
        };
        let batch_size = r.batch_size.map(|b| in_range(b, batch)).transpose()?;
        let batching_window = match &r.batching_window {
            None => None,
            Some(w) => {
                let d = crate::timewin::parse_duration(w)
                    .map_err(|e| format!("batching_window: {e}"))?;
                if d.subsec_nanos() != 0 {
                    return Err(format!("batching_window: '{w}' is not whole seconds"));
                }
                let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                Some(in_range(secs, &limits::ESM_BATCHING_WINDOW)?)
            }
        };
        if let (SourceKind::Sqs { fifo: false }, Some(b)) = (kind, batch_size)
            && b > limits::ESM_SQS_BATCH_WITHOUT_WINDOW
            && batching_window.unwrap_or(0) < 1
        {
            return Err(format!(
                "batch_size: an {label} batch above {} needs batching_window of at least 1s",
                limits::ESM_SQS_BATCH_WITHOUT_WINDOW
            ));
        }
        match (kind.is_stream(), r.starting_position) {
            (false, Some(_)) => {
                return Err(format!(
                    "starting_position: an {label} has none (it is for DynamoDB and Kinesis streams)"
                ));
            }
            (true, Some(StartingPosition::AtTimestamp)) if kind != SourceKind::Kinesis => {
                return Err(format!(
                    "starting_position: AT_TIMESTAMP is for Kinesis streams; a {label} takes TRIM_HORIZON or LATEST"
                ));
            }
            _ => {}
        }
        let at = r.starting_position == Some(StartingPosition::AtTimestamp);
        let starting_timestamp = match (&r.starting_timestamp, at) {
            (Some(t), true) => {
                let ts: jiff::Timestamp = t.parse().map_err(|_| {
                    format!(
                        "starting_timestamp: '{t}' is not an RFC 3339 time (2024-05-01T12:00:00Z)"
                    )
                })?;
                Some(ts.to_string())
            }
            (Some(_), false) => {
                return Err(
                    "starting_timestamp: goes with starting_position = \"AT_TIMESTAMP\"".into(),
                );
            }
            (None, true) => {
                return Err("starting_position: AT_TIMESTAMP needs starting_timestamp".into());
            }
            (None, false) => None,
        };
        if r.filters.len() > limits::ESM_FILTERS {
            return Err(format!(
                "filters: {} patterns given; a mapping takes at most {}",
                r.filters.len(),
                limits::ESM_FILTERS
            ));
        }
        for f in &r.filters {
            names::filter_pattern(f, limits::ESM_FILTER_PATTERN_CHARS)
                .map_err(|e| format!("filters: {e}"))?;
        }
        let maximum_concurrency = match (r.maximum_concurrency, kind.is_stream()) {
            (None, _) => None,
            (Some(_), true) => {
                return Err(format!(
                    "maximum_concurrency: is for SQS queues; a {label} has none"
                ));
            }
            (Some(m), false) => Some(in_range(m, &limits::ESM_MAX_CONCURRENCY)?),
        };
        Ok(EventSource {
            arn: r.arn,
            kind,
            batch_size,
            batching_window,
            starting_position: r.starting_position,
            starting_timestamp,
            filters: r.filters,
            report_batch_item_failures: r.report_batch_item_failures,
            maximum_concurrency,
            enabled: r.enabled,
        })
    }
}

/// The checks across tables: each source once.
pub fn validate(sources: &[EventSource]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for s in sources {
        if !seen.insert(&s.arn) {
            return Err(format!("[[event_source]] {} is given twice", s.arn));
        }
    }
    Ok(())
}

/// What a mapping does, every field resolved (Lambda's defaults where the
/// file says nothing): the planner compares two of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MappingConfig {
    pub batch_size: i32,
    pub batching_window: i32,
    pub filters: Vec<String>,
    pub report_batch_item_failures: bool,
    /// SQS only.
    pub maximum_concurrency: Option<i32>,
    pub enabled: bool,
}

impl EventSource {
    pub fn config(&self) -> MappingConfig {
        let default_batch = match self.kind.is_stream() {
            true => limits::ESM_BATCH_DEFAULT_STREAM,
            false => limits::ESM_BATCH_DEFAULT_SQS,
        };
        MappingConfig {
            batch_size: self.batch_size.unwrap_or(default_batch),
            batching_window: self.batching_window.unwrap_or(0),
            filters: self.filters.clone(),
            report_batch_item_failures: self.report_batch_item_failures.unwrap_or(false),
            maximum_concurrency: self.maximum_concurrency,
            enabled: self.enabled.unwrap_or(true),
        }
    }

    /// A stream starts at LATEST unless the file says otherwise.
    pub fn starting_position(&self) -> Option<StartingPosition> {
        match self.kind.is_stream() {
            true => Some(self.starting_position.unwrap_or(StartingPosition::Latest)),
            false => None,
        }
    }
}

/// A mapping of the function as Lambda holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mapping {
    pub uuid: String,
    /// The mapping's own ARN (its tags live there).
    pub arn: String,
    pub source: String,
    pub config: MappingConfig,
    pub starting_position: Option<StartingPosition>,
    pub starting_timestamp: Option<String>,
    pub state: Option<String>,
    /// Tagged `lamctl:function=NAME`: lamctl created it.
    pub managed: bool,
}

impl Mapping {
    /// The `[[event_source]]` table that describes it (`lamctl init`);
    /// `None` when the source is no ARN lamctl reads.
    pub fn as_event_source(&self) -> Option<EventSource> {
        let kind = names::event_source_arn(&self.source).ok()?;
        let c = &self.config;
        let default = EventSource {
            arn: self.source.clone(),
            kind,
            batch_size: None,
            batching_window: None,
            starting_position: None,
            starting_timestamp: None,
            filters: Vec::new(),
            report_batch_item_failures: None,
            maximum_concurrency: None,
            enabled: None,
        }
        .config();
        Some(EventSource {
            arn: self.source.clone(),
            kind,
            batch_size: (c.batch_size != default.batch_size).then_some(c.batch_size),
            batching_window: (c.batching_window != 0).then_some(c.batching_window),
            starting_position: self.starting_position.filter(|_| kind.is_stream()),
            starting_timestamp: self.starting_timestamp.clone(),
            filters: c.filters.clone(),
            report_batch_item_failures: c.report_batch_item_failures.then_some(true),
            maximum_concurrency: c.maximum_concurrency,
            enabled: (!c.enabled).then_some(false),
        })
    }
}

/// One step of converging the mappings (an [`crate::lambda::plan::Action`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum Step {
    Create {
        source: EventSource,
    },
    Update {
        uuid: String,
        source: String,
        from: MappingConfig,
        to: MappingConfig,
    },
    Delete {
        uuid: String,
        source: String,
    },
    /// The file lists a source that a mapping lamctl did not create already
    /// joins to the function: left alone (shown, no call).
    NotManaged {
        uuid: String,
        source: String,
    },
}

/// The steps from `deployed` (the function's mappings) to `want` (the whole
/// set lamctl manages): pure, no call. Only lamctl's mappings are updated
/// or deleted. The starting position is fixed when a mapping is created:
/// a changed one is not a step (docs/triggers.md).
pub fn plan(want: &[EventSource], deployed: &[Mapping]) -> Vec<Step> {
    let mut steps = Vec::new();
    for w in want {
        let ours = deployed.iter().find(|m| m.managed && m.source == w.arn);
        let theirs = deployed.iter().find(|m| !m.managed && m.source == w.arn);
        match (ours, theirs) {
            (Some(m), _) => {
                let to = w.config();
                if m.config != to {
                    steps.push(Step::Update {
                        uuid: m.uuid.clone(),
                        source: w.arn.clone(),
                        from: m.config.clone(),
                        to,
                    });
                }
            }
            (None, Some(m)) => steps.push(Step::NotManaged {
                uuid: m.uuid.clone(),
                source: w.arn.clone(),
            }),
            (None, None) => steps.push(Step::Create { source: w.clone() }),
        }
    }
    for m in deployed.iter().filter(|m| m.managed) {
        if !want.iter().any(|w| w.arn == m.source) {
            steps.push(Step::Delete {
                uuid: m.uuid.clone(),
                source: m.source.clone(),
            });
        }
    }
    steps
}

impl Step {
    /// What the step does, as the dry run prints it.
    pub fn describe(&self) -> Vec<String> {
        match self {
            Step::Create { source } => {
                let c = source.config();
                let mut v = vec![format!(
                    "create the event source mapping from {} ({})",
                    source.arn,
                    source.kind.label()
                )];
                v.extend(shown(&c).into_iter().map(|(k, v)| format!("  {k}: {v}")));
                if let Some(p) = source.starting_position() {
                    v.push(format!("  starting_position: {}", p.as_str()));
                }
                v
            }
            Step::Update {
                source, from, to, ..
            } => {
                let before = shown(from);
                std::iter::once(format!("update the event source mapping from {source}:"))
                    .chain(
                        shown(to)
                            .into_iter()
                            .zip(before)
                            .filter(|(a, b)| a != b)
                            .map(|((k, to), (_, from))| format!("  {k}: {from} -> {to}")),
                    )
                    .collect()
            }
            Step::Delete { source, .. } => vec![format!(
                "delete the event source mapping from {source} (lamctl's, no longer listed)"
            )],
            Step::NotManaged { uuid, source } => vec![format!(
                "leave the event source mapping {uuid} from {source} alone: lamctl did not create it"
            )],
        }
    }
}

impl Step {
    /// The differences `lamctl diff` lists (`event_source.ARN.KEY`); a
    /// mapping that is not lamctl's is none.
    pub fn changes(&self) -> Vec<FieldChange> {
        let field = |source: &str, key: &str| match key {
            "" => format!("event_source.{source}"),
            k => format!("event_source.{source}.{k}"),
        };
        match self {
            Step::Create { source } => vec![FieldChange {
                field: field(&source.arn, ""),
                from: None,
                to: "(created)".into(),
            }],
            Step::Update {
                source, from, to, ..
            } => shown(to)
                .into_iter()
                .zip(shown(from))
                .filter(|(a, b)| a != b)
                .map(|((k, to), (_, from))| FieldChange {
                    field: field(source, k),
                    from: Some(from),
                    to,
                })
                .collect(),
            Step::Delete { source, .. } => vec![FieldChange {
                field: field(source, ""),
                from: Some("(lamctl's mapping)".into()),
                to: "(removed)".into(),
            }],
            Step::NotManaged { .. } => Vec::new(),
        }
    }
}

/// A mapping's settings as the plan and `info` show them.
pub fn shown(c: &MappingConfig) -> Vec<(&'static str, String)> {
    vec![
        ("batch_size", c.batch_size.to_string()),
        ("batching_window", format!("{}s", c.batching_window)),
        (
            "filters",
            match c.filters.is_empty() {
                true => "(none)".into(),
                false => c.filters.join(" | "),
            },
        ),
        (
            "report_batch_item_failures",
            c.report_batch_item_failures.to_string(),
        ),
        (
            "maximum_concurrency",
            c.maximum_concurrency
                .map_or("(none)".into(), |m| m.to_string()),
        ),
        ("enabled", c.enabled.to_string()),
    ]
}

/// What the function's role needs so Lambda can poll these sources: one
/// statement per source on its ARN, and the listings IAM grants on `*`
/// only.
pub fn poller_statements(sources: &[EventSource]) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut listing = std::collections::BTreeSet::new();
    for s in sources {
        let (actions, list): (&[&str], Option<&str>) = match s.kind {
            SourceKind::Sqs { .. } => (
                &[
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                ],
                None,
            ),
            SourceKind::DynamoDb => (
                &[
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                    "dynamodb:DescribeStream",
                ],
                Some("dynamodb:ListStreams"),
            ),
            SourceKind::Kinesis => (
                &[
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                    "kinesis:DescribeStream",
                    "kinesis:DescribeStreamSummary",
                    "kinesis:ListShards",
                ],
                Some("kinesis:ListStreams"),
            ),
        };
        out.push(Statement {
            actions: actions.iter().map(|a| a.to_string()).collect(),
            resources: vec![s.arn.clone()],
        });
        listing.extend(list);
    }
    if !listing.is_empty() {
        out.push(Statement {
            actions: listing.into_iter().map(String::from).collect(),
            resources: vec!["*".into()],
        });
    }
    out
}

/// `[[event_source]]` tables for lamctl.toml (`lamctl init`).
pub fn render(sources: &[EventSource]) -> crate::error::Result<String> {
    #[derive(Serialize)]
    struct Tables<'a> {
        event_source: &'a [EventSource],
    }
    toml::to_string(&Tables {
        event_source: sources,
    })
    .map_err(|e| crate::error::Error::failed(format!("cannot render lamctl.toml: {e}")))
}

/// The tags a mapping lamctl creates carries.
pub fn tags(function: &str) -> std::collections::BTreeMap<String, String> {
    owner::tags(function)
}

#[cfg(test)]
mod tests;
