//! Lambda's limits, in one table. Each is cited from the Lambda developer
//! guide's quotas page or the API reference; every check in lamctl reads
//! them from here.

use std::ops::RangeInclusive;
use std::time::Duration;

/// A numeric setting's allowed range, with its unit for messages.
#[derive(Debug, Clone)]
pub struct Range {
    /// The setting as users know it (`memory`), also the lamctl.toml key.
    pub key: &'static str,
    pub unit: &'static str,
    pub range: RangeInclusive<i32>,
}

impl Range {
    /// `Err("memory 64 MB is outside 128-10240")` when out of range.
    pub fn check(&self, v: i32) -> Result<(), String> {
        if self.range.contains(&v) {
            Ok(())
        } else {
            Err(format!(
                "{} {v} {} is outside {}-{}",
                self.key.replace('_', " "),
                self.unit,
                self.range.start(),
                self.range.end()
            ))
        }
    }

    /// `Lambda accepts 128 to 10240 MB`.
    pub fn hint(&self) -> String {
        format!(
            "Lambda accepts {} to {} {}",
            self.range.start(),
            self.range.end(),
            self.unit
        )
    }
}

/// MemorySize: 128-10240 MB.
pub const MEMORY: Range = Range {
    key: "memory",
    unit: "MB",
    range: 128..=10240,
};
/// Timeout: 1-900 seconds.
pub const TIMEOUT: Range = Range {
    key: "timeout",
    unit: "s",
    range: 1..=900,
};
/// EphemeralStorage.Size: 512-10240 MB of /tmp.
pub const EPHEMERAL_STORAGE: Range = Range {
    key: "ephemeral_storage",
    unit: "MB",
    range: 512..=10240,
};
/// Function URL Cors.MaxAge: 0-86400 seconds.
pub const CORS_MAX_AGE: Range = Range {
    key: "cors_max_age",
    unit: "s",
    range: 0..=86400,
};

/// Reserved concurrency (PutFunctionConcurrency): 0 or more (0 stops
/// the function); the account's quota is the service's to check.
pub const RESERVED_CONCURRENCY_MIN: i32 = 0;
/// Provisioned concurrency (PutProvisionedConcurrencyConfig): at least 1.
pub const PROVISIONED_CONCURRENCY_MIN: i32 = 1;
/// Versions deploy keeps (`--keep-versions`, `versions --prune --keep`):
/// at least the newest one.
pub const KEEP_VERSIONS_MIN: u32 = 1;
/// An S3 object key: 1-1,024 bytes of UTF-8.
pub const S3_KEY_BYTES: usize = 1024;
/// Function URL Cors: up to 100 origins of 1-253 characters each.
pub const CORS_ORIGINS: usize = 100;
pub const CORS_ORIGIN_CHARS: usize = 253;
/// Cors.AllowMethods: up to 6 methods of 1-6 characters (`GET`, `*`);
/// AllowHeaders and ExposeHeaders: up to 100 of 1-1,024 characters.
pub const CORS_METHODS: usize = 6;
pub const CORS_METHOD_CHARS: usize = 6;
pub const CORS_HEADERS: usize = 100;
pub const CORS_HEADER_CHARS: usize = 1024;
/// The shortest connect or read timeout lamctl accepts: below it no AWS
/// endpoint can answer, and a call would fail with a misleading timeout.
pub const MIN_CALL_TIMEOUT: Duration = Duration::from_millis(100);
/// The largest lamctl.toml lamctl reads: a function definition is a few
/// KB; a bigger file is a mistake (`-c /dev/zero`), not a definition.
pub const CONFIG_FILE_BYTES: u64 = 1024 * 1024;

/// VpcConfig: up to 16 subnets and 5 security groups.
pub const VPC_SUBNETS: usize = 16;
pub const VPC_SECURITY_GROUPS: usize = 5;
/// FileSystemConfigs: one EFS file system per function.
pub const EFS_CONFIGS: usize = 1;
/// Managed policies attached to one IAM role: 10 by default, 20 at most
/// (an IAM quota an account can raise to 20, no further).
pub const ROLE_MANAGED_POLICIES: usize = 20;
/// The inline policies of one role together: 10,240 characters.
pub const ROLE_INLINE_POLICY_CHARS: usize = 10_240;

/// Description: 0-256 characters.
pub const DESCRIPTION_CHARS: usize = 256;
/// Handler: up to 128 characters, no whitespace (`[^\s]+`).
pub const HANDLER_CHARS: usize = 128;
/// Environment variables together (keys and values, as Lambda counts
/// them): 4 KB.
pub const ENV_BYTES: usize = 4 * 1024;
/// Layers: at most 5 per function; a layer version ARN is 1-140 characters.
pub const LAYERS: usize = 5;
pub const LAYER_ARN_CHARS: usize = 140;
/// Tags: 50 per resource, keys 1-128 and values 0-256 characters, the
/// `aws:` prefix reserved for AWS.
pub const TAGS: usize = 50;
pub const TAG_KEY_CHARS: usize = 128;
pub const TAG_VALUE_CHARS: usize = 256;
/// A CloudWatch Logs group name: 1-512 characters of `[\.\-_/#A-Za-z0-9]`.
pub const LOG_GROUP_CHARS: usize = 512;

/// What Lambda sets when a function's definition does not say: 128 MB,
/// 3 seconds.
pub const DEFAULT_MEMORY_MB: i32 = 128;
pub const DEFAULT_TIMEOUT_S: i32 = 3;

/// A zip uploaded directly in CreateFunction/UpdateFunctionCode: 50 MB.
pub const DIRECT_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;
/// How the direct-upload limit is named in messages.
pub const DIRECT_UPLOAD_TEXT: &str = "the 50 MB limit for a direct upload";
/// The unzipped deployment package, layers included: 250 MB.
pub const UNZIPPED_BYTES: u64 = 262_144_000;
/// A synchronous invocation's request (and response): 6 MB, enforced as
/// 6291456 bytes ("smaller than 6291456 bytes").
pub const SYNC_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;
/// An asynchronous invocation's request: 1 MB since 2025 (it was 256 KB).
pub const ASYNC_PAYLOAD_BYTES: usize = 1024 * 1024;
/// An API Gateway request's body: 10 MB ("Amazon API Gateway quotas"); the
/// event built from it must still fit the synchronous invoke limit.
pub const API_GATEWAY_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;
/// lamctl's own bound on an `invoke --ndjson` input (each line is held to
/// the payload limit too): the input is read whole before the first call.
pub const NDJSON_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// LogResult holds at most the last 4 KB of the log.
pub const LOG_TAIL_BYTES: usize = 4 * 1024;
/// ClientContext: up to 3583 bytes once base64-encoded.
pub const CLIENT_CONTEXT_BYTES: usize = 3583;
/// The largest response a synchronous invocation may return, as the
/// service counts it ("maximum allowed payload size (6291556 bytes)").
pub const SYNC_RESPONSE_BYTES: usize = 6_291_556;
/// A streamed response (function URL in `RESPONSE_STREAM` mode, InvokeWithResponseStream).
pub const STREAM_RESPONSE_BYTES: usize = 20 * 1024 * 1024;
/// The longest a function may run.
pub const LONGEST_RUN: Duration = Duration::from_secs(900);
/// The longest a function's init phase may last.
pub const INIT_PHASE: Duration = Duration::from_secs(10);
/// How long lamctl waits for a function (or version, or provisioned
/// concurrency) to become ready before giving up.
pub const READY_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// The first pause before looking again at a function that is not ready,
/// doubled after each look up to `READY_POLL_MAX`: an update usually
/// settles within a second or two, a create with a VPC in minutes.
pub const READY_POLL_FIRST: Duration = Duration::from_millis(250);
pub const READY_POLL_MAX: Duration = Duration::from_secs(5);
/// How long lamctl keeps retrying a change that meets "an update is in
/// progress" (ResourceConflictException).
pub const CONFLICT_RETRY_FOR: Duration = Duration::from_secs(10 * 60);

/// Event source mappings (the Lambda developer guide's pages for SQS,
/// DynamoDB Streams and Kinesis): the batch size each kind accepts, its
/// default, and the other bounds.
pub const ESM_BATCH_SQS: Range = Range {
    key: "batch_size",
    unit: "records (SQS standard queue)",
    range: 1..=10_000,
};
/// A FIFO queue takes at most 10 messages a batch.
pub const ESM_BATCH_SQS_FIFO: Range = Range {
    key: "batch_size",
    unit: "records (SQS FIFO queue)",
    range: 1..=10,
};
pub const ESM_BATCH_STREAM: Range = Range {
    key: "batch_size",
    unit: "records (DynamoDB or Kinesis stream)",
    range: 1..=10_000,
};
/// Lambda's default batch size: 10 for SQS, 100 for streams.
pub const ESM_BATCH_DEFAULT_SQS: i32 = 10;
pub const ESM_BATCH_DEFAULT_STREAM: i32 = 100;
/// An SQS standard queue's batch above 10 needs a batching window of at
/// least 1 s.
pub const ESM_SQS_BATCH_WITHOUT_WINDOW: i32 = 10;
/// MaximumBatchingWindowInSeconds.
pub const ESM_BATCHING_WINDOW: Range = Range {
    key: "batching_window",
    unit: "s",
    range: 0..=300,
};
/// SQS ScalingConfig.MaximumConcurrency.
pub const ESM_MAX_CONCURRENCY: Range = Range {
    key: "maximum_concurrency",
    unit: "concurrent invocations",
    range: 2..=1000,
};
/// Filter patterns per mapping (the default quota) and one pattern's length.
pub const ESM_FILTERS: usize = 5;
pub const ESM_FILTER_PATTERN_CHARS: usize = 4096;

/// An EventBridge Scheduler target's input (the schedule's payload).
pub const SCHEDULE_PAYLOAD_CHARS: usize = 8192;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_check_and_explain() {
        assert!(MEMORY.check(128).is_ok());
        assert!(MEMORY.check(10240).is_ok());
        assert_eq!(
            MEMORY.check(64).unwrap_err(),
            "memory 64 MB is outside 128-10240"
        );
        assert_eq!(
            TIMEOUT.check(901).unwrap_err(),
            "timeout 901 s is outside 1-900"
        );
        assert_eq!(
            EPHEMERAL_STORAGE.check(100).unwrap_err(),
            "ephemeral storage 100 MB is outside 512-10240"
        );
        assert_eq!(MEMORY.hint(), "Lambda accepts 128 to 10240 MB");
    }
}
