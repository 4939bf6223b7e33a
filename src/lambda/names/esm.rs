//! The formats an event source mapping's settings take (`[[event_source]]`
//! in lamctl.toml): the source's ARN, which also says its kind, and a
//! filter pattern, as the Lambda developer guide gives them.

use super::{arn_parts, is_account, is_region};

/// What an event source mapping reads from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// An SQS queue; `fifo` when its name ends in `.fifo`.
    Sqs {
        fifo: bool,
    },
    DynamoDb,
    Kinesis,
}

impl SourceKind {
    pub fn is_stream(self) -> bool {
        !matches!(self, SourceKind::Sqs { .. })
    }

    /// As users know it.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Sqs { fifo: false } => "SQS queue",
            SourceKind::Sqs { fifo: true } => "SQS FIFO queue",
            SourceKind::DynamoDb => "DynamoDB stream",
            SourceKind::Kinesis => "Kinesis stream",
        }
    }
}

fn plain_name(n: &str, max: usize, extra: &str) -> bool {
    !n.is_empty()
        && n.len() <= max
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c) || extra.contains(c))
}

/// An event source: an SQS queue (`arn:aws:sqs:REGION:ACCOUNT:NAME`), a
/// DynamoDB stream (`arn:aws:dynamodb:REGION:ACCOUNT:table/T/stream/LABEL`)
/// or a Kinesis stream (`arn:aws:kinesis:REGION:ACCOUNT:stream/NAME`).
pub fn event_source_arn(s: &str) -> Result<SourceKind, String> {
    let bad = || {
        format!(
            "invalid event source '{s}': use an SQS queue, DynamoDB stream or Kinesis stream ARN \
             (arn:aws:sqs:REGION:ACCOUNT:QUEUE, arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE/stream/LABEL, \
             arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)"
        )
    };
    let placed = |svc: &str| arn_parts(s, svc).filter(|(r, a, _)| is_region(r) && is_account(a));
    if let Some((_, _, q)) = placed("sqs") {
        let base = q.strip_suffix(".fifo").unwrap_or(q);
        return match plain_name(base, 80 - (q.len() - base.len()), "") {
            true => Ok(SourceKind::Sqs { fifo: base != q }),
            false => Err(bad()),
        };
    }
    if let Some((_, _, res)) = placed("dynamodb") {
        let parts: Vec<&str> = res.split('/').collect();
        return match parts.as_slice() {
            ["table", t, "stream", label]
                if plain_name(t, 255, ".")
                    && !label.is_empty()
                    && !label.contains(char::is_whitespace) =>
            {
                Ok(SourceKind::DynamoDb)
            }
            _ => Err(bad()),
        };
    }
    if let Some((_, _, res)) = placed("kinesis") {
        return match res.strip_prefix("stream/") {
            Some(n) if plain_name(n, 128, ".") => Ok(SourceKind::Kinesis),
            _ => Err(bad()),
        };
    }
    Err(bad())
}

/// A filter pattern: a JSON object (Lambda's filter rule syntax is JSON),
/// at most `max` characters.
pub fn filter_pattern(p: &str, max: usize) -> Result<(), String> {
    if p.chars().count() > max {
        return Err(format!(
            "a filter pattern is {} characters; at most {max}",
            p.chars().count()
        ));
    }
    match serde_json::from_str::<serde_json::Value>(p) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        Ok(_) => Err(
            "a filter pattern must be a JSON object, e.g. {\"body\": {\"kind\": [\"order\"]}}"
                .into(),
        ),
        Err(e) => Err(format!("a filter pattern is not JSON: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_recognised_by_their_arn() {
        let q = "arn:aws:sqs:us-east-1:123456789012:orders";
        assert_eq!(event_source_arn(q), Ok(SourceKind::Sqs { fifo: false }));
        assert_eq!(
            event_source_arn("arn:aws:sqs:us-east-1:123456789012:o.fifo"),
            Ok(SourceKind::Sqs { fifo: true })
        );
        assert_eq!(
            event_source_arn(
                "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000"
            ),
            Ok(SourceKind::DynamoDb)
        );
        assert_eq!(
            event_source_arn("arn:aws:kinesis:eu-west-1:123456789012:stream/k"),
            Ok(SourceKind::Kinesis)
        );
        for bad in [
            "orders",
            "arn:aws:sqs:us-east-1:1234:orders",
            "arn:aws:sqs:us-east-1:123456789012:a/b",
            "arn:aws:dynamodb:us-east-1:123456789012:table/t",
            "arn:aws:kinesis:us-east-1:123456789012:k",
            "arn:aws:sns:us-east-1:123456789012:topic",
        ] {
            assert!(event_source_arn(bad).is_err(), "{bad}");
        }
        assert!(filter_pattern("{\"body\":{\"a\":[1]}}", 4096).is_ok());
        assert!(filter_pattern("[1]", 4096).is_err());
        assert!(filter_pattern("{", 4096).is_err());
        assert!(filter_pattern("{}", 1).is_err());
    }
}
