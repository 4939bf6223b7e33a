//! Reading a window of a log group with FilterLogEvents: every page, the
//! streams selected, each event once, merged in time order.

use std::collections::HashSet;

use aws_sdk_cloudwatchlogs::Client;
use serde::Serialize;

use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result};
use crate::lambda::logs::version_stream_prefixes;
use crate::timewin;

/// One log event; with `--output json` one such object per line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// The function it is of, when several are read (absent otherwise, so
    /// one function's lines read as they always did).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// Milliseconds since the epoch.
    pub timestamp: i64,
    pub ingestion_time: i64,
    pub stream: String,
    /// Null for events that came through Live Tail (it sends no ids).
    pub event_id: Option<String>,
    pub message: String,
}

/// The log group read, and why it is that one (for messages).
pub(super) struct Group {
    pub name: String,
    pub origin: String,
    /// A function's group (not --log-group).
    pub of_function: bool,
}

/// Which log streams are read.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum StreamSelect {
    All,
    Prefix(String),
    /// What these versions ran: one prefix per version and UTC day.
    Versions(Vec<String>),
}

impl StreamSelect {
    /// The prefixes to query for a window (`None`: every stream).
    pub fn prefixes(&self, from_ms: i64, to_ms: i64) -> Vec<Option<String>> {
        match self {
            StreamSelect::All => vec![None],
            StreamSelect::Prefix(p) => vec![Some(p.clone())],
            StreamSelect::Versions(vs) => version_stream_prefixes(vs, from_ms, to_ms)
                .into_iter()
                .map(Some)
                .collect(),
        }
    }

    /// The prefixes of a Live Tail session starting at `now_ms` (empty:
    /// every stream). Sessions last up to 3 hours: yesterday's execution
    /// environments to tomorrow's.
    pub fn live_tail_prefixes(&self, now_ms: i64) -> Vec<String> {
        match self {
            StreamSelect::All => Vec::new(),
            StreamSelect::Prefix(p) => vec![p.clone()],
            StreamSelect::Versions(vs) => version_stream_prefixes(vs, now_ms, now_ms + 86_400_000),
        }
    }
}

pub(super) struct Reader<'a> {
    pub aws: &'a AwsContext,
    pub client: &'a Client,
    pub group: Group,
    /// The function label its events carry when several are read.
    pub function: Option<String>,
    pub filter: Option<&'a str>,
    pub streams: StreamSelect,
}

impl Reader<'_> {
    /// Every event of the window, once, sorted.
    pub async fn read(&self, start: i64, end: Option<i64>) -> Result<Vec<Event>> {
        let to = end.unwrap_or_else(timewin::now_ms);
        let prefixes = self.streams.prefixes(start, to);
        self.fetch(&prefixes, None, start, end, self.filter).await
    }

    /// FilterLogEvents for each prefix, pagination followed to the end,
    /// merged by timestamp (ties: ingestion time, then event id).
    pub async fn fetch(
        &self,
        prefixes: &[Option<String>],
        stream: Option<&str>,
        start: i64,
        end: Option<i64>,
        filter: Option<&str>,
    ) -> Result<Vec<Event>> {
        let mut out = Vec::new();
        let mut ids = HashSet::new();
        for prefix in prefixes {
            let mut token: Option<String> = None;
            let mut pages = 0usize;
            loop {
                let resp = self
                    .client
                    .filter_log_events()
                    .log_group_name(&self.group.name)
                    .start_time(start)
                    .set_end_time(end)
                    .set_filter_pattern(filter.map(String::from))
                    .set_log_stream_name_prefix(prefix.clone())
                    .set_log_stream_names(stream.map(|s| vec![s.to_string()]))
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .map_err(|e| {
                        let e = self.aws.error(Service::Logs, "FilterLogEvents", e);
                        if e.is_not_found() {
                            self.group_not_found()
                        } else {
                            e
                        }
                    })?;
                pages += 1;
                for e in resp.events() {
                    let stream_name = e.log_stream_name().unwrap_or_default();
                    // Emulators may ignore the prefix; AWS applies it.
                    if let Some(p) = prefix
                        && !stream_name.starts_with(p.as_str())
                    {
                        continue;
                    }
                    if let Some(id) = e.event_id()
                        && !ids.insert(id.to_string())
                    {
                        continue;
                    }
                    out.push(Event {
                        function: self.function.clone(),
                        timestamp: e.timestamp().unwrap_or_default(),
                        ingestion_time: e.ingestion_time().unwrap_or_default(),
                        stream: stream_name.to_string(),
                        event_id: e.event_id().map(String::from),
                        message: e.message().unwrap_or_default().to_string(),
                    });
                }
                match resp.next_token() {
                    // A token repeated means the service has nothing more.
                    Some(t) if !t.is_empty() && token.as_deref() != Some(t) => {
                        token = Some(t.to_string())
                    }
                    _ => break,
                }
            }
            tracing::debug!(
                "FilterLogEvents {} prefix {:?}: {pages} pages",
                self.group.name,
                prefix
            );
        }
        sort_events(&mut out);
        Ok(out)
    }

    pub fn group_not_found(&self) -> Error {
        let g = &self.group;
        Error::Aws {
            message: format!(
                "log group '{}' does not exist in {}",
                g.name, self.aws.region.value
            ),
            hint: Some(if g.of_function {
                format!(
                    "it is {}; Lambda creates it at the first invocation that logs (the role needs logs:CreateLogGroup)",
                    g.origin
                )
            } else {
                "check the name; `aws logs describe-log-groups` lists them".into()
            }),
            code: Some("ResourceNotFoundException".into()),
            status: None,
        }
    }

    /// The group's ARN, which StartLiveTail needs; `None` when the group
    /// does not exist. An error is a reason not to use Live Tail.
    pub async fn group_arn(&self) -> std::result::Result<Option<String>, String> {
        let resp = self
            .client
            .describe_log_groups()
            .log_group_name_prefix(&self.group.name)
            .send()
            .await
            .map_err(|e| {
                crate::error::chain(&self.aws.error(Service::Logs, "DescribeLogGroups", e))
            })?;
        let Some(g) = resp
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(self.group.name.as_str()))
        else {
            return Ok(None);
        };
        g.log_group_arn()
            .map(String::from)
            .or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_string()))
            .map(Some)
            .ok_or_else(|| "DescribeLogGroups returned no ARN".to_string())
    }
}

/// Time order: timestamp, then ingestion time, then event id.
pub(super) fn sort_events(events: &mut [Event]) {
    // Event ids are decimal strings: shorter means smaller.
    events.sort_by(|a, b| {
        (a.timestamp, a.ingestion_time)
            .cmp(&(b.timestamp, b.ingestion_time))
            .then_with(|| {
                let (x, y) = (
                    a.event_id.as_deref().unwrap_or(""),
                    b.event_id.as_deref().unwrap_or(""),
                );
                (x.len(), x).cmp(&(y.len(), y))
            })
    });
}

#[cfg(test)]
pub(super) fn ev(ts: i64, ing: i64, id: &str, msg: &str) -> Event {
    Event {
        function: None,
        timestamp: ts,
        ingestion_time: ing,
        stream: "s".into(),
        event_id: Some(id.into()),
        message: msg.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_order_is_timestamp_then_ingestion_then_id() {
        let mut v = vec![
            ev(2, 5, "10", "c"),
            ev(2, 5, "9", "b"),
            ev(1, 9, "11", "a"),
            ev(2, 4, "12", "b0"),
        ];
        sort_events(&mut v);
        let m: Vec<&str> = v.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(m, ["a", "b0", "b", "c"]);
    }

    #[test]
    fn streams_selected_for_a_window_and_for_live_tail() {
        let noon = 1_714_564_800_000; // 2024-05-01 12:00 UTC
        assert_eq!(StreamSelect::All.prefixes(noon, noon), [None]);
        assert!(StreamSelect::All.live_tail_prefixes(noon).is_empty());
        let p = StreamSelect::Prefix("2024/05/01/[3]".into());
        assert_eq!(p.prefixes(noon, noon), [Some("2024/05/01/[3]".to_string())]);
        assert_eq!(p.live_tail_prefixes(noon), ["2024/05/01/[3]"]);
        let v = StreamSelect::Versions(vec!["3".into()]);
        assert_eq!(
            v.prefixes(noon, noon),
            [
                Some("2024/04/30/[3]".to_string()),
                Some("2024/05/01/[3]".to_string())
            ]
        );
        // A session may outlast midnight: yesterday to tomorrow.
        assert_eq!(
            v.live_tail_prefixes(noon),
            ["2024/04/30/[3]", "2024/05/01/[3]", "2024/05/02/[3]"]
        );
    }
}
