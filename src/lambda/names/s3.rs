//! The names of an S3 notification (`[[s3]]` in lamctl.toml): the event
//! types S3 documents ("Supported event types for SQS, SNS and Lambda",
//! Amazon S3 User Guide) and the key filter's prefix and suffix.

/// Every event type S3 sends to a Lambda function.
pub const S3_EVENTS: &[&str] = &[
    "s3:ObjectCreated:*",
    "s3:ObjectCreated:Put",
    "s3:ObjectCreated:Post",
    "s3:ObjectCreated:Copy",
    "s3:ObjectCreated:CompleteMultipartUpload",
    "s3:ObjectRemoved:*",
    "s3:ObjectRemoved:Delete",
    "s3:ObjectRemoved:DeleteMarkerCreated",
    "s3:ObjectRestore:*",
    "s3:ObjectRestore:Post",
    "s3:ObjectRestore:Completed",
    "s3:ObjectRestore:Delete",
    "s3:ReducedRedundancyLostObject",
    "s3:Replication:*",
    "s3:Replication:OperationFailedReplication",
    "s3:Replication:OperationMissedThreshold",
    "s3:Replication:OperationReplicatedAfterThreshold",
    "s3:Replication:OperationNotTracked",
    "s3:LifecycleExpiration:*",
    "s3:LifecycleExpiration:Delete",
    "s3:LifecycleExpiration:DeleteMarkerCreated",
    "s3:LifecycleTransition",
    "s3:IntelligentTiering",
    "s3:ObjectTagging:*",
    "s3:ObjectTagging:Put",
    "s3:ObjectTagging:Delete",
    "s3:ObjectAcl:Put",
];

/// One of [`S3_EVENTS`], exactly as S3 spells it.
pub fn s3_event(s: &str) -> Result<(), String> {
    if S3_EVENTS.contains(&s) {
        return Ok(());
    }
    Err(format!(
        "{s:?} is not an S3 event type; use one of s3:ObjectCreated:*, s3:ObjectRemoved:*, ... (docs/triggers.md lists them)"
    ))
}

/// A key filter's prefix or suffix: 1-1,024 bytes (an object key's length).
pub fn s3_filter(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 1024 {
        return Err(format!(
            "a key filter is 1-1024 bytes; this one is {}",
            s.len()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_and_filters() {
        assert!(s3_event("s3:ObjectCreated:*").is_ok());
        assert!(s3_event("s3:ObjectCreated").is_err());
        assert!(s3_event("s3:objectcreated:*").is_err());
        assert!(s3_filter("uploads/").is_ok());
        assert!(s3_filter("").is_err());
        assert!(s3_filter(&"k".repeat(1025)).is_err());
    }
}
