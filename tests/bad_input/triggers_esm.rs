//! `[[event_source]]` and `[[schedule]]` (issue 24): each key checked as the file is read,
//! alone and against the source's kind, naming the key and its line,
//! before any AWS call.

use super::{Case, long, toml};

const Q: &str = "arn:aws:sqs:us-east-1:123456789012:orders";
const FIFO: &str = "arn:aws:sqs:us-east-1:123456789012:orders.fifo";
const DDB: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000";
const KIN: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/k";

fn source(arn: &str, more: &str) -> String {
    format!("[[event_source]]\narn = \"{arn}\"\n{more}")
}

pub(super) fn cases() -> Vec<Case> {
    let mut v = event_source_cases();
    v.extend(schedule_cases());
    v
}

fn event_source_cases() -> Vec<Case> {
    let long_filter = format!("filters = ['{{\"a\": \"{}\"}}']", long(4100));
    vec![
        // ARN formats.
        toml(&source("orders", ""), "arn"),
        toml(&source("arn:aws:sqs:us-east-1:1234:orders", ""), "arn"),
        toml(
            &source("arn:aws:sns:us-east-1:123456789012:topic", ""),
            "arn",
        ),
        toml(
            &source("arn:aws:dynamodb:us-east-1:123456789012:table/t", ""),
            "arn",
        ),
        toml(
            &source("arn:aws:kinesis:us-east-1:123456789012:k", ""),
            "arn",
        ),
        // Batch size per kind.
        toml(&source(Q, "batch_size = 0"), "batch_size"),
        toml(
            &source(Q, "batch_size = 10001\nbatching_window = \"1s\""),
            "batch_size",
        ),
        toml(&source(Q, "batch_size = 20"), "batching_window"),
        toml(&source(FIFO, "batch_size = 11"), "batch_size"),
        toml(&source(DDB, "batch_size = 10001"), "batch_size"),
        toml(&source(KIN, "batch_size = -1"), "batch_size"),
        // The batching window.
        toml(&source(Q, "batching_window = \"301s\""), "batching_window"),
        toml(&source(Q, "batching_window = \"soon\""), "batching_window"),
        toml(
            &source(Q, "batching_window = \"1500ms\""),
            "batching_window",
        ),
        // Starting position against the kind.
        toml(
            &source(Q, "starting_position = \"LATEST\""),
            "starting_position",
        ),
        toml(
            &source(KIN, "starting_position = \"EARLIEST\""),
            "starting_position",
        ),
        toml(
            &source(
                DDB,
                "starting_position = \"AT_TIMESTAMP\"\nstarting_timestamp = \"2024-05-01T12:00:00Z\"",
            ),
            "starting_position",
        ),
        toml(
            &source(KIN, "starting_position = \"AT_TIMESTAMP\""),
            "starting_timestamp",
        ),
        toml(
            &source(
                KIN,
                "starting_position = \"AT_TIMESTAMP\"\nstarting_timestamp = \"yesterday\"",
            ),
            "starting_timestamp",
        ),
        toml(
            &source(KIN, "starting_timestamp = \"2024-05-01T12:00:00Z\""),
            "starting_timestamp",
        ),
        // Filters: JSON objects, at most five, each at most 4096 characters.
        toml(&source(Q, "filters = ['{']"), "filters"),
        toml(&source(Q, "filters = ['[1]']"), "filters"),
        toml(&source(Q, &long_filter), "filters"),
        toml(
            &source(Q, "filters = ['{}', '{}', '{}', '{}', '{}', '{}']"),
            "filters",
        ),
        // Maximum concurrency: SQS only, 2-1000.
        toml(&source(Q, "maximum_concurrency = 1"), "maximum_concurrency"),
        toml(
            &source(Q, "maximum_concurrency = 1001"),
            "maximum_concurrency",
        ),
        toml(
            &source(KIN, "maximum_concurrency = 5"),
            "maximum_concurrency",
        ),
        // Types and unknown keys.
        toml(&source(Q, "enabled = \"yes\""), "enabled"),
        toml(
            &source(Q, "report_batch_item_failures = 1"),
            "report_batch_item_failures",
        ),
        toml(&source(Q, "batch = 5"), "batch"),
        // The same source twice.
        toml(
            &format!("{}\n{}", source(Q, ""), source(Q, "")),
            "given twice",
        ),
    ]
}

/// `[[schedule]]`: expression, time zone, payload, name.
fn schedule_cases() -> Vec<Case> {
    let s = |more: &str| format!("[[schedule]]\n{more}");
    vec![
        toml(&s("expression = \"every 5 minutes\""), "expression"),
        toml(&s("expression = \"rate(0 minutes)\""), "expression"),
        toml(&s("expression = \"rate(1 minutes)\""), "expression"),
        toml(&s("expression = \"cron(0 12 * * *)\""), "expression"),
        toml(&s("expression = \"cron(0 12 * * MON *)\""), "expression"),
        toml(&s("expression = \"at(2030-01-01)\""), "expression"),
        toml(
            &s("expression = \"rate(5 minutes)\"\ntimezone = \"Mars/Olympus\""),
            "timezone",
        ),
        toml(
            &s("expression = \"rate(5 minutes)\"\npayload = '{\"a\": '"),
            "payload",
        ),
        toml(
            &s(&format!(
                "expression = \"rate(5 minutes)\"\npayload = '\"{}\"'",
                long(8200)
            )),
            "payload",
        ),
        toml(
            &s("expression = \"rate(5 minutes)\"\nname = \"a b\""),
            "name",
        ),
        toml(&s("timezone = \"UTC\""), "expression"),
        toml(&s("expression = \"rate(5 minutes)\"\nrole = \"r\""), "role"),
        toml(
            &format!(
                "{}\n{}",
                s("name = \"a\"\nexpression = \"rate(1 day)\""),
                s("name = \"a\"\nexpression = \"rate(2 days)\"")
            ),
            "given twice",
        ),
    ]
}
