//! `[[s3]]` in lamctl.toml: a bucket's notifications to the function,
//! merged into the bucket's notification configuration by `deploy`
//! (docs/triggers.md).
//!
//! ```toml
//! [[s3]]
//! bucket = "uploads"
//! events = ["s3:ObjectCreated:*"]   # the default
//! prefix = "incoming/"
//! suffix = ".jpg"
//! ```

use serde::{Deserialize, Serialize};

use super::value::{S3Bucket, S3Event, S3Filter};

/// One `[[s3]]`: a bucket's events (filtered by key) start the function.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct S3Trigger {
    pub bucket: S3Bucket,
    /// `s3:ObjectCreated:*` when not given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<S3Event>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<S3Filter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<S3Filter>,
}

impl S3Trigger {
    pub const DEFAULT_EVENT: &'static str = "s3:ObjectCreated:*";

    /// The events, sorted, without repeats (the default when none given).
    pub fn events(&self) -> Vec<String> {
        let mut v: Vec<String> = self.events.iter().map(|e| e.to_string()).collect();
        if v.is_empty() {
            v.push(Self::DEFAULT_EVENT.into());
        }
        v.sort();
        v.dedup();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_checks() {
        let t: S3Trigger = toml::from_str("bucket = \"b-1\"\nprefix = \"in/\"\n").unwrap();
        assert_eq!(t.events(), vec!["s3:ObjectCreated:*"]);
        for bad in [
            "bucket = \"B!\"\n",
            "bucket = \"b-1\"\nevents = [\"s3:Created\"]\n",
            "bucket = \"b-1\"\nprefix = \"\"\n",
            "bucket = \"b-1\"\nqueue = \"x\"\n",
            "events = [\"s3:ObjectCreated:*\"]\n",
        ] {
            assert!(toml::from_str::<S3Trigger>(bad).is_err(), "{bad}");
        }
    }
}
