//! Issue 23's sample and saved events: unknown sources and fields, bad
//! field values, event names the console refuses, saved events that are
//! missing, flags that cannot go together.

use super::{Case, case};

pub(super) fn cases() -> Vec<Case> {
    vec![
        case(
            &["event", "generate", "sqs-fifo"],
            2,
            "unknown event source 'sqs-fifo'",
        ),
        case(
            &["event", "generate", "sqs", "--field", "bucket=x"],
            2,
            "sqs has no field 'bucket'",
        ),
        case(
            &["event", "generate", "sqs", "--field", "body"],
            2,
            "KEY=VALUE",
        ),
        case(
            &["event", "generate", "s3-put", "--field", "size=big"],
            2,
            "--field size",
        ),
        case(
            &["event", "generate", "s3-delete", "--field", "size=1"],
            2,
            "no field 'size'",
        ),
        case(
            &["event", "generate", "schedule", "--field", "time=yesterday"],
            2,
            "RFC 3339",
        ),
        case(
            &["event", "generate", "sqs", "--field", "queue-arn=my-queue"],
            2,
            "not an sqs ARN",
        ),
        case(
            &["event", "generate", "dynamodb", "--field", "keys=[1]"],
            2,
            "--field keys",
        ),
        case(
            &[
                "event",
                "generate",
                "apigateway-v2",
                "--field",
                "path=orders",
            ],
            2,
            "start it with /",
        ),
        case(
            &["event", "generate", "logs", "--field", "log-group=a b"],
            2,
            "--field log-group",
        ),
        case(
            &["event", "save", "a/b", "--payload", "{}"],
            2,
            "invalid event name 'a/b'",
        ),
        case(
            &["event", "save", &"x".repeat(26), "--payload", "{}"],
            2,
            "invalid event name",
        ),
        case(
            &["event", "save", "ok", "--payload", "{nope"],
            2,
            "--payload is not valid JSON",
        ),
        case(
            &["event", "save", "ok", "--payload-file", "{aux}/fifo"],
            2,
            "not a regular file",
        ),
        case(
            &["event", "save", "ok", "--payload-file", "{aux}/big.json"],
            2,
            "over Lambda's limit",
        ),
        case(
            &["event", "save", "ok", "--from", "nope"],
            2,
            "unknown event source 'nope'",
        ),
        case(&["event", "save", "ok", "--field", "body=x"], 2, "--from"),
        case(
            &["event", "save", "ok", "--payload", "{}", "--from", "sqs"],
            2,
            "--from",
        ),
        case(
            &[
                "event",
                "save",
                "ok",
                "--payload",
                "{}",
                "--function",
                "good",
            ],
            2,
            "--shared",
        ),
        case(&["event", "list", "good"], 2, "--shared"),
        case(
            &["invoke", "good", "--event", "missing"],
            2,
            "no saved event",
        ),
        case(
            &["invoke", "--local", "--event", "missing"],
            2,
            "no saved event",
        ),
        case(
            &["invoke", "good", "--event", "../x"],
            2,
            "invalid event name",
        ),
        case(
            &["invoke", "good", "--event", "e", "--payload", "{}"],
            2,
            "--payload",
        ),
        case(&["invoke", "good", "--shared"], 2, "--event"),
    ]
}
