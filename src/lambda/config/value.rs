//! One checked type per setting: a value of one of these types has passed
//! its rule in `lambda::limits` / `lambda::names`, whether it came from a
//! flag (`FromStr`, which clap uses) or from lamctl.toml (`Deserialize`),
//! so an unchecked value cannot exist. The rule's message is the same
//! from both; the input layer adds the flag, or the key with its line and
//! column.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use crate::lambda::{limits, names};

/// Integers from lamctl.toml, whatever their width; `expecting` says in
/// words what the setting takes (never a Rust type).
struct Int(&'static str);

impl Visitor<'_> for Int {
    type Value = i64;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("too large: expected {}", self.0)))
    }
}

/// A number setting: `$t` checked by `$check`.
macro_rules! checked_int {
    ($(#[$m:meta])* $name:ident: $t:ty, $expecting:literal, $check:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name($t);

        impl $name {
            pub fn new(v: $t) -> Result<Self, String> {
                let check: fn($t) -> Result<(), String> = $check;
                check(v).map(|()| $name(v))
            }
            pub fn get(self) -> $t {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let v: $t = s
                    .parse()
                    .map_err(|_| format!("not {}", $expecting))?;
                Self::new(v)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = d.deserialize_i64(Int($expecting))?;
                let v = <$t>::try_from(v)
                    .map_err(|_| de::Error::custom(format!("{v} is not {}", $expecting)))?;
                Self::new(v).map_err(de::Error::custom)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

/// A text setting checked by `$check`.
macro_rules! checked_str {
    ($(#[$m:meta])* $name:ident, $check:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(v: impl Into<String>) -> Result<Self, String> {
                let v = v.into();
                let check: fn(&str) -> Result<(), String> = $check;
                check(&v).map(|()| $name(v))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::new(s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Self::new(String::deserialize(d)?).map_err(de::Error::custom)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, o: &String) -> bool {
                self.0 == *o
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, o: &$name) -> bool {
                *self == o.0
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

checked_int!(
    /// MemorySize in MB.
    Memory: i32, "a whole number of MB, 128-10240", |v| limits::MEMORY.check(v)
);
checked_int!(
    /// Timeout in seconds.
    Timeout: i32, "a whole number of seconds, 1-900", |v| limits::TIMEOUT.check(v)
);
checked_int!(
    /// EphemeralStorage.Size in MB.
    EphemeralStorage: i32, "a whole number of MB, 512-10240",
    |v| limits::EPHEMERAL_STORAGE.check(v)
);
checked_int!(
    /// Function URL Cors.MaxAge in seconds.
    CorsMaxAge: i32, "a whole number of seconds, 0-86400", |v| limits::CORS_MAX_AGE.check(v)
);
checked_int!(
    /// Reserved concurrency: 0 or more.
    ReservedConcurrency: i32, "a whole number, 0 or more", |v| {
        if v < limits::RESERVED_CONCURRENCY_MIN {
            Err(format!("reserved concurrency {v} must be {} or more", limits::RESERVED_CONCURRENCY_MIN))
        } else {
            Ok(())
        }
    }
);
checked_int!(
    /// Provisioned concurrency: 1 or more.
    ProvisionedConcurrency: i32, "a whole number, 1 or more", |v| {
        if v < limits::PROVISIONED_CONCURRENCY_MIN {
            Err(format!("provisioned concurrency {v} must be at least {}", limits::PROVISIONED_CONCURRENCY_MIN))
        } else {
            Ok(())
        }
    }
);
checked_int!(
    /// How many versions to keep: 1 or more.
    KeepVersions: u32, "a whole number, 1 or more", |v| {
        if v < limits::KEEP_VERSIONS_MIN {
            Err(format!("keep versions {v} must be at least {}", limits::KEEP_VERSIONS_MIN))
        } else {
            Ok(())
        }
    }
);

checked_str!(
    /// A function name.
    FunctionName, names::function_name
);
checked_str!(
    /// A runtime id Lambda has shipped.
    Runtime, names::runtime
);
checked_str!(
    /// A handler (FILE.FUNCTION, no whitespace).
    Handler, names::handler
);
checked_str!(
    /// An execution role's ARN.
    RoleArn, names::role_arn
);
checked_str!(
    /// A description, at most 256 characters.
    Description, names::description
);
checked_str!(
    /// A CloudWatch Logs group name.
    LogGroup, names::log_group
);
checked_str!(
    /// A layer version ARN (version 1 or more).
    LayerArn, names::layer_arn
);
checked_str!(
    /// An alias name.
    AliasName, names::alias
);
checked_str!(
    /// An S3 bucket name.
    S3Bucket, names::s3_bucket
);
checked_str!(
    /// An S3 object key, 1-1,024 bytes.
    S3Key, names::s3_key
);
checked_str!(
    /// A function URL CORS origin, 1-253 characters.
    CorsOrigin, names::cors_origin
);
checked_str!(
    /// A function URL CORS method (`GET`, `*`).
    CorsMethod, names::cors_method
);
checked_str!(
    /// A function URL CORS header name.
    CorsHeader, names::cors_header
);
checked_str!(
    /// A VPC subnet id.
    SubnetId, names::subnet_id
);
checked_str!(
    /// A VPC security group id.
    SecurityGroupId, names::security_group_id
);
checked_str!(
    /// An SQS queue or SNS topic ARN for failed asynchronous events.
    DeadLetterArn, names::dead_letter_arn
);
checked_str!(
    /// A KMS key ARN.
    KmsKeyArn, names::kms_key_arn
);
checked_str!(
    /// A runtime version ARN.
    RuntimeVersionArn, names::runtime_version_arn
);
checked_str!(
    /// A code signing configuration ARN.
    CodeSigningConfigArn, names::code_signing_config_arn
);
checked_str!(
    /// An EFS access point ARN.
    EfsAccessPointArn, names::efs_access_point_arn
);
checked_str!(
    /// Where an EFS file system is mounted (`/mnt/NAME`).
    EfsMountPath, names::efs_mount_path
);
checked_str!(
    /// A managed IAM policy ARN.
    PolicyArn, names::policy_arn
);
checked_str!(
    /// An API Gateway route path (`/translate`, `/pets/{id}`, `/{proxy+}`).
    RoutePath, names::route_path
);
checked_str!(
    /// An API Gateway stage name (`$default`, `prod`).
    StageName, names::stage_name
);
checked_str!(
    /// An HTTP API's name.
    ApiName, names::api_name
);
checked_str!(
    /// A JWT authorizer's issuer URL.
    JwtIssuer, names::jwt_issuer
);
checked_str!(
    /// A JWT authorizer's audience (a client id).
    JwtAudience, names::jwt_audience
);
checked_str!(
    /// An S3 event type (`s3:ObjectCreated:*`).
    S3Event, names::s3_event
);
checked_str!(
    /// An S3 notification's key prefix or suffix.
    S3Filter, names::s3_filter
);

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)] // Read through Debug only: the test is the parse.
    struct F {
        memory: Option<Memory>,
        layer: Option<LayerArn>,
    }

    #[test]
    fn flags_and_file_apply_the_same_rule() {
        assert_eq!("512".parse::<Memory>().unwrap().get(), 512);
        let flag = "64".parse::<Memory>().unwrap_err();
        let file = toml::from_str::<F>("memory = 64").unwrap_err();
        assert!(file.message().contains(&flag), "{file} / {flag}");
        // Words, never a Rust type.
        let e = toml::from_str::<F>("memory = \"big\"").unwrap_err();
        assert!(e.message().contains("a whole number of MB"), "{e}");
        assert!(!e.message().contains("i32"), "{e}");
        assert!(
            "lots"
                .parse::<Memory>()
                .unwrap_err()
                .contains("whole number")
        );
        // Layer versions count from 1.
        let l0 = "arn:aws:lambda:us-east-1:123456789012:layer:x:0";
        assert!(l0.parse::<LayerArn>().is_err());
        assert!(toml::from_str::<F>(&format!("layer = \"{l0}\"")).is_err());
        let l1 = "arn:aws:lambda:us-east-1:123456789012:layer:x:1";
        assert!(l1.parse::<LayerArn>().is_ok());
        assert!("-1".parse::<ReservedConcurrency>().is_err());
        assert!("0".parse::<ReservedConcurrency>().is_ok());
        assert!("0".parse::<ProvisionedConcurrency>().is_err());
        assert!("0".parse::<KeepVersions>().is_err());
        assert!("k".repeat(1025).parse::<S3Key>().is_err());
        assert!(
            format!("https://{}", "a".repeat(250))
                .parse::<CorsOrigin>()
                .is_err()
        );
    }
}
