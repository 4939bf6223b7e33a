//! Sample events as AWS documents them, and the test events a user saves.
//!
//! The catalogue below names each source, where its sample comes from (the
//! page or file it was copied from: JSON has no comments, so the citation
//! lives here) and the fields `--field k=v` may set. A generated event is the
//! documented sample with fresh request ids, message ids and timestamps,
//! then the fields given. Saved events are files beside lamctl.toml
//! (`store`) or the console's shared schema document (`shared`). No clap,
//! no AWS call here.

mod fields;
pub mod shared;
pub mod store;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use fields::Fresh;
pub use shared::{SHARED_REGISTRY, SharedSchema, shared_schema_name};

/// One event source: its sample, where that sample is documented, and the
/// fields `--field` may set.
pub struct Source {
    pub name: &'static str,
    /// Other names `event generate` accepts for it.
    pub aliases: &'static [&'static str],
    pub about: &'static str,
    /// Where the sample is documented (and what was changed, if anything).
    pub cite: &'static str,
    sample: &'static str,
    pub fields: &'static [Field],
    /// Values that differ per run (ids, times); applied before the fields,
    /// so a field given wins.
    fresh: fn(&mut Value, &Fresh),
    /// The document fields and fresh values work on, and back (CloudWatch
    /// Logs: the gzip+base64 `awslogs.data`, decoded).
    unwrap: fn(Value) -> Result<Value, String>,
    wrap: fn(Value) -> Result<Value, String>,
}

/// A field `--field NAME=VALUE` sets.
pub struct Field {
    pub name: &'static str,
    pub about: &'static str,
    /// Sets every value given for this field (most use the last one).
    set: fn(&mut Value, &[String]) -> Result<(), String>,
}

fn same(v: Value) -> Result<Value, String> {
    Ok(v)
}

use fields as f;

/// Every source `event generate` knows, in the order `event list` shows.
pub static SOURCES: &[Source] = &[
    Source {
        name: "apigateway-v1",
        aliases: &["apigateway-rest"],
        about: "API Gateway REST API, Lambda proxy integration (payload format 1.0)",
        cite: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html \
               (\"Input format of a Lambda function for proxy integration\", the format's example, verbatim from the guide's source \
               github.com/awsdocs/amazon-api-gateway-developer-guide doc_source/ at commit 781597d)",
        sample: include_str!("samples/apigateway-v1.json"),
        fields: f::APIGW_V1,
        fresh: f::fresh_apigw_v1,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "apigateway-v2",
        aliases: &["apigateway-http"],
        about: "API Gateway HTTP API, Lambda proxy integration (payload format 2.0)",
        cite: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html \
               (\"Working with AWS Lambda proxy integrations for HTTP APIs\", the 2.0 example)",
        sample: include_str!("samples/apigateway-v2.json"),
        fields: f::HTTP_V2,
        fresh: f::fresh_http_v2,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "function-url",
        aliases: &["url"],
        about: "Lambda function URL request (payload format 2.0)",
        cite: "https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html (\"Request payload format\"); \
               github.com/aws/aws-lambda-go events/testdata/lambda-urls-request.json",
        sample: include_str!("samples/function-url.json"),
        fields: f::HTTP_V2,
        fresh: f::fresh_http_v2,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "alb",
        aliases: &["elb"],
        about: "Application Load Balancer request to a Lambda target",
        cite: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html \
               (\"Receive events from the load balancer\": its placeholders filled, region us-east-1 and no query parameters)",
        sample: include_str!("samples/alb.json"),
        fields: f::ALB,
        fresh: f::fresh_alb,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "sqs",
        aliases: &[],
        about: "Amazon SQS messages (a batch of two)",
        cite: "https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (\"Example standard queue message event\")",
        sample: include_str!("samples/sqs.json"),
        fields: f::SQS,
        fresh: f::fresh_sqs,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "sns",
        aliases: &[],
        about: "Amazon SNS notification",
        cite: "https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html (\"Example SNS message event\")",
        sample: include_str!("samples/sns.json"),
        fields: f::SNS,
        fresh: f::fresh_sns,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "s3-put",
        aliases: &["s3"],
        about: "Amazon S3 object created (PUT) notification",
        cite: "aws-sam-cli samcli/lib/generated_sample_events/events/s3/S3Put.json with SAM's defaults \
               (us-east-1, example-bucket, test/key); https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html",
        sample: include_str!("samples/s3-put.json"),
        fields: f::S3_PUT,
        fresh: f::fresh_s3,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "s3-delete",
        aliases: &[],
        about: "Amazon S3 object removed (DELETE) notification",
        cite: "aws-sam-cli samcli/lib/generated_sample_events/events/s3/S3Delete.json with SAM's defaults \
               (us-east-1, example-bucket, test/key)",
        sample: include_str!("samples/s3-delete.json"),
        fields: f::S3_DELETE,
        fresh: f::fresh_s3,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "schedule",
        aliases: &["eventbridge-schedule", "scheduled"],
        about: "EventBridge scheduled rule (\"Scheduled Event\")",
        cite: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html (the example event)",
        sample: include_str!("samples/schedule.json"),
        fields: f::SCHEDULE,
        fresh: f::fresh_schedule,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "dynamodb",
        aliases: &["dynamodb-stream"],
        about: "DynamoDB stream records (an INSERT, a MODIFY and a REMOVE)",
        cite: "aws-sam-cli samcli/lib/generated_sample_events/events/dynamodb/DynamoDBUpdate.json with SAM's defaults \
               (us-east-1, 123456789012, ExampleTableWithStream); the shape of https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html",
        sample: include_str!("samples/dynamodb.json"),
        fields: f::DYNAMODB,
        fresh: f::fresh_dynamodb,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "kinesis",
        aliases: &["kinesis-stream"],
        about: "Kinesis Data Streams records (a batch of two)",
        cite: "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (\"Example event\")",
        sample: include_str!("samples/kinesis.json"),
        fields: f::KINESIS,
        fresh: f::fresh_kinesis,
        unwrap: same,
        wrap: same,
    },
    Source {
        name: "cloudwatch-logs",
        aliases: &["logs"],
        about: "CloudWatch Logs subscription (awslogs.data: gzip, then base64, of the log events)",
        cite: "https://docs.aws.amazon.com/lambda/latest/dg/services-cloudwatchlogs.html; \
               aws-sam-cli samcli/lib/generated_sample_events/events/cloudwatch/CloudwatchLogs.json \
               (the same data as github.com/aws/aws-lambda-go events/testdata/cloudwatch-logs-event.json)",
        sample: include_str!("samples/cloudwatch-logs.json"),
        fields: f::LOGS,
        fresh: f::fresh_logs,
        unwrap: f::logs_unwrap,
        wrap: f::logs_wrap,
    },
];

/// The source named `name` (or one of its aliases).
pub fn source(name: &str) -> Result<&'static Source> {
    SOURCES
        .iter()
        .find(|s| s.name == name || s.aliases.contains(&name))
        .ok_or_else(|| {
            Error::usage(format!("unknown event source '{name}'")).with_hint(format!(
                "the sources are {} (`lamctl event list` describes them)",
                SOURCES
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl Source {
    /// The documented sample, as it is stored (no fresh values).
    pub fn sample(&self) -> Value {
        // A sample that is not JSON fails the catalogue's unit test.
        serde_json::from_str(self.sample).unwrap_or(Value::Null)
    }

    /// Check `--field` names and values against this source, before any
    /// work: unknown names are a usage error listing the valid ones.
    pub fn check_fields(&self, given: &[(String, String)]) -> Result<()> {
        for (k, _) in given {
            if !self.fields.iter().any(|f| f.name == k) {
                return Err(self.unknown_field(k));
            }
        }
        Ok(())
    }

    fn unknown_field(&self, k: &str) -> Error {
        let names: Vec<_> = self.fields.iter().map(|f| f.name).collect();
        Error::usage(format!("--field {k}: {} has no field '{k}'", self.name)).with_hint(format!(
            "{} takes {} (`lamctl event list` describes them)",
            self.name,
            names.join(", ")
        ))
    }

    /// The sample with fresh ids and times, then the fields given (in the
    /// order of their first mention; a field given twice keeps the last
    /// value, except those that collect every value, such as log messages).
    pub fn generate(&self, given: &[(String, String)]) -> Result<Value> {
        self.check_fields(given)?;
        let broken = |e: String| Error::failed(format!("the {} sample: {e}", self.name));
        let mut doc = (self.unwrap)(self.sample()).map_err(broken)?;
        (self.fresh)(&mut doc, &Fresh::now());
        for field in self.fields {
            let values: Vec<String> = given
                .iter()
                .filter(|(k, _)| k == field.name)
                .map(|(_, v)| v.clone())
                .collect();
            if values.is_empty() {
                continue;
            }
            (field.set)(&mut doc, &values).map_err(|e| {
                Error::usage(format!("--field {}: {e}", field.name))
                    .with_hint(format!("{}: {}", field.name, field.about))
            })?;
        }
        (self.wrap)(doc).map_err(broken)
    }
}

/// `--field KEY=VALUE` split at the first `=`.
pub fn parse_field(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("'{s}' is not KEY=VALUE (e.g. body=hello)")),
    }
}

/// The catalogue as `event list -o json` shows it.
#[derive(Debug, Serialize)]
pub struct SourceInfo {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub description: &'static str,
    pub fields: Vec<FieldInfo>,
    pub documented_at: &'static str,
}

#[derive(Debug, Serialize)]
pub struct FieldInfo {
    pub name: &'static str,
    pub description: &'static str,
}

pub fn catalogue() -> Vec<SourceInfo> {
    SOURCES
        .iter()
        .map(|s| SourceInfo {
            name: s.name,
            aliases: s.aliases,
            description: s.about,
            fields: s
                .fields
                .iter()
                .map(|f| FieldInfo {
                    name: f.name,
                    description: f.about,
                })
                .collect(),
            documented_at: s.cite,
        })
        .collect()
}

/// The Lambda console's rule for a test event's name, which is also the
/// file name under `events/`: 1-25 letters, digits, `.`, `-` or `_` (so it
/// can never leave that folder).
pub fn event_name(name: &str) -> std::result::Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= EVENT_NAME_MAX
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && name != "."
        && name != "..";
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid event name '{name}': use 1-{EVENT_NAME_MAX} letters, digits, dots, hyphens or underscores"
        ))
    }
}

/// The console's longest test event name.
pub const EVENT_NAME_MAX: usize = 25;

#[cfg(test)]
mod tests;
