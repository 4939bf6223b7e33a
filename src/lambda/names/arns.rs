//! The formats of the other services' names a function's settings refer
//! to (IAM, VPC, SQS/SNS, KMS, EFS) and of Lambda's own runtime-version
//! and code-signing-config ARNs, as the Lambda and IAM API references give
//! them. Checked before any call, so a typo is exit 2, not an AWS error.

/// The parts of `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, when `s`
/// has that shape with `service` and a partition of the `aws` family.
pub(super) fn arn_parts<'a>(s: &'a str, service: &str) -> Option<(&'a str, &'a str, &'a str)> {
    let mut it = s.splitn(6, ':');
    let (arn, partition, svc) = (it.next()?, it.next()?, it.next()?);
    let (region, account, resource) = (it.next()?, it.next()?, it.next()?);
    (arn == "arn" && partition.starts_with("aws") && svc == service && !resource.is_empty())
        .then_some((region, account, resource))
}

pub(super) fn is_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_alphanumeric()))
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}

pub(super) fn is_account(a: &str) -> bool {
    a.len() == 12 && a.chars().all(|c| c.is_ascii_digit())
}

fn hex_id(s: &str, prefix: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    s.strip_prefix(prefix).is_some_and(|h| {
        len.contains(&h.len())
            && h.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_uppercase())
    })
}

/// A function's execution role: the API's
/// `arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`.
pub fn role_arn(s: &str) -> Result<(), String> {
    match arn_parts(s, "iam") {
        Some(("", account, res))
            if is_account(account)
                && res.strip_prefix("role/").is_some_and(|n| {
                    !n.is_empty()
                        && n.chars()
                            .all(|c| c.is_ascii_alphanumeric() || "+=,.@-_/".contains(c))
                }) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "invalid role ARN '{s}': use arn:aws:iam::ACCOUNT:role/NAME (or --create-role)"
        )),
    }
}

/// A layer version: `arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION`, at
/// most 140 characters.
pub fn layer_arn(s: &str) -> Result<(), String> {
    let ok = s.len() <= super::limits::LAYER_ARN_CHARS
        && arn_parts(s, "lambda").is_some_and(|(region, account, res)| {
            let mut it = res.split(':');
            is_region(region)
                && is_account(account)
                && it.next() == Some("layer")
                && it.next().is_some_and(|n| {
                    !n.is_empty()
                        && n.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
                && it
                    .next()
                    // Layer versions count from 1.
                    .is_some_and(|v| {
                        v.parse::<u64>().is_ok_and(|n| n >= 1) && !v.starts_with(['0', '+'])
                    })
                && it.next().is_none()
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid layer '{s}': use a layer version ARN, arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION, VERSION from 1"
        ))
    }
}

/// An S3 bucket name: 3-63 lower-case letters, digits, `-` and `.`,
/// starting and ending with a letter or digit.
pub fn s3_bucket(s: &str) -> Result<(), String> {
    let ok = (3..=63).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
        && !s.contains("..");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid S3 bucket name '{s}': use 3-63 lower-case letters, digits, - or ."
        ))
    }
}

/// An S3 object key: 1-1,024 bytes.
pub fn s3_key(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > super::limits::S3_KEY_BYTES {
        Err(format!(
            "an S3 key is 1-{} bytes; this one is {}",
            super::limits::S3_KEY_BYTES,
            s.len()
        ))
    } else {
        Ok(())
    }
}

/// A function URL's CORS origin: 1-253 characters (`*`, or a scheme and
/// host such as `https://example.com`), no whitespace.
pub fn cors_origin(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if n == 0 || n > super::limits::CORS_ORIGIN_CHARS || s.chars().any(char::is_whitespace) {
        Err(format!(
            "a CORS origin is 1-{} characters without spaces; this one is {n}",
            super::limits::CORS_ORIGIN_CHARS
        ))
    } else {
        Ok(())
    }
}

/// A function URL's CORS method: an HTTP method or `*`, at most 6 letters.
pub fn cors_method(s: &str) -> Result<(), String> {
    let ok = s == "*"
        || (!s.is_empty()
            && s.len() <= super::limits::CORS_METHOD_CHARS
            && s.chars().all(|c| c.is_ascii_alphabetic()));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid CORS method '{s}': give an HTTP method such as GET or POST, or *"
        ))
    }
}

/// A function URL's CORS header name: 1-1,024 characters, no whitespace.
pub fn cors_header(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if n == 0
        || n > super::limits::CORS_HEADER_CHARS
        || s.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        Err(format!(
            "a CORS header is 1-{} characters without spaces; this one is {n}",
            super::limits::CORS_HEADER_CHARS
        ))
    } else {
        Ok(())
    }
}

/// A managed IAM policy: `arn:aws:iam::aws:policy/NAME` (AWS managed) or
/// `arn:aws:iam::ACCOUNT:policy/PATH/NAME` (customer managed).
pub fn policy_arn(s: &str) -> Result<(), String> {
    match arn_parts(s, "iam") {
        Some(("", account, res))
            if (account == "aws" || is_account(account))
                && res.strip_prefix("policy/").is_some_and(|n| !n.is_empty())
                && s.len() <= 2048 =>
        {
            Ok(())
        }
        _ => Err(format!(
            "invalid policy ARN '{s}': use arn:aws:iam::aws:policy/NAME or arn:aws:iam::ACCOUNT:policy/NAME"
        )),
    }
}

/// An IAM action: `*`, or `service:Action` where the action may hold `*`
/// and `?` wildcards (`dynamodb:PutItem`, `s3:Get*`).
pub fn iam_action(s: &str) -> Result<(), String> {
    let ok = s == "*"
        || s.split_once(':').is_some_and(|(svc, act)| {
            !svc.is_empty()
                && svc
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !act.is_empty()
                && act
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
        });
    ok.then_some(()).ok_or_else(|| {
        format!("invalid IAM action '{s}': use SERVICE:Action, e.g. dynamodb:PutItem, or *")
    })
}

/// An IAM policy resource: `*` or an ARN (`arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`,
/// where region and account may be empty, as for S3).
pub fn iam_resource(s: &str) -> Result<(), String> {
    let ok = s == "*"
        || (s.starts_with("arn:") && s.split(':').count() >= 6 && !s.contains(char::is_whitespace));
    ok.then_some(())
        .ok_or_else(|| format!("invalid IAM resource '{s}': use an ARN or *"))
}

/// A VPC subnet id: `subnet-` and 8 or 17 hex digits.
pub fn subnet_id(s: &str) -> Result<(), String> {
    hex_id(s, "subnet-", 8..=17)
        .then_some(())
        .ok_or_else(|| format!("invalid subnet id '{s}': it looks like subnet-0123456789abcdef0"))
}

/// A VPC security group id: `sg-` and 8 or 17 hex digits.
pub fn security_group_id(s: &str) -> Result<(), String> {
    hex_id(s, "sg-", 8..=17).then_some(()).ok_or_else(|| {
        format!("invalid security group id '{s}': it looks like sg-0123456789abcdef0")
    })
}

/// A dead-letter target: an SQS queue or SNS topic ARN.
pub fn dead_letter_arn(s: &str) -> Result<(), String> {
    let ok = ["sqs", "sns"].iter().any(|svc| {
        arn_parts(s, svc)
            .is_some_and(|(r, a, res)| is_region(r) && is_account(a) && !res.contains('/'))
    });
    ok.then_some(()).ok_or_else(|| {
        format!("invalid dead-letter target '{s}': use an SQS queue or SNS topic ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)")
    })
}

/// A KMS key ARN: `arn:aws:kms:REGION:ACCOUNT:key/ID`.
pub fn kms_key_arn(s: &str) -> Result<(), String> {
    arn_parts(s, "kms")
        .is_some_and(|(r, a, res)| {
            is_region(r) && is_account(a) && res.strip_prefix("key/").is_some_and(|k| !k.is_empty())
        })
        .then_some(())
        .ok_or_else(|| {
            format!("invalid KMS key ARN '{s}': use arn:aws:kms:REGION:ACCOUNT:key/KEY-ID")
        })
}

/// An EFS access point ARN: `arn:aws:elasticfilesystem:REGION:ACCOUNT:access-point/fsap-…`.
pub fn efs_access_point_arn(s: &str) -> Result<(), String> {
    arn_parts(s, "elasticfilesystem")
        .is_some_and(|(r, a, res)| is_region(r) && is_account(a) && hex_id(res, "access-point/fsap-", 8..=40))
        .then_some(())
        .ok_or_else(|| {
            format!("invalid EFS access point ARN '{s}': use arn:aws:elasticfilesystem:REGION:ACCOUNT:access-point/fsap-ID")
        })
}

/// Where an EFS file system is mounted: `/mnt/NAME` (letters, digits,
/// `-_.`), at most 160 characters.
pub fn efs_mount_path(s: &str) -> Result<(), String> {
    let ok = s.len() <= 160
        && s.strip_prefix("/mnt/").is_some_and(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
    ok.then_some(()).ok_or_else(|| {
        format!("invalid EFS mount path '{s}': use /mnt/NAME (letters, digits, - _ .)")
    })
}

/// A runtime version ARN: `arn:aws:lambda:REGION::runtime:HASH`.
pub fn runtime_version_arn(s: &str) -> Result<(), String> {
    arn_parts(s, "lambda")
        .is_some_and(|(r, a, res)| {
            is_region(r)
                && a.is_empty()
                && res.strip_prefix("runtime:").is_some_and(|h| !h.is_empty())
        })
        .then_some(())
        .ok_or_else(|| {
            format!("invalid runtime version ARN '{s}': use arn:aws:lambda:REGION::runtime:ID")
        })
}

/// A code signing configuration ARN:
/// `arn:aws:lambda:REGION:ACCOUNT:code-signing-config:csc-` and 17 characters.
pub fn code_signing_config_arn(s: &str) -> Result<(), String> {
    arn_parts(s, "lambda")
        .is_some_and(|(r, a, res)| {
            is_region(r)
                && is_account(a)
                && res.strip_prefix("code-signing-config:csc-").is_some_and(|id| {
                    id.len() == 17 && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                })
        })
        .then_some(())
        .ok_or_else(|| {
            format!("invalid code signing config ARN '{s}': use arn:aws:lambda:REGION:ACCOUNT:code-signing-config:csc-ID")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_and_ids_follow_the_documented_shapes() {
        type Check = fn(&str) -> Result<(), String>;
        let cases: &[(Check, &[&str], &[&str])] = &[
            (
                policy_arn,
                &[
                    "arn:aws:iam::aws:policy/TranslateReadOnly",
                    "arn:aws:iam::123456789012:policy/team/app-dynamo",
                ],
                &[
                    "TranslateReadOnly",
                    "arn:aws:iam::aws:role/x",
                    "arn:aws:iam::12:policy/x",
                ],
            ),
            (
                iam_action,
                &[
                    "dynamodb:PutItem",
                    "s3:Get*",
                    "*",
                    "translate:TranslateText",
                ],
                &["PutItem", "dynamodb:", "Dynamo DB:PutItem", "s3:Get Object"],
            ),
            (
                iam_resource,
                &[
                    "*",
                    "arn:aws:dynamodb:us-east-1:123456789012:table/t",
                    "arn:aws:s3:::b/*",
                ],
                &["table/t", "arn:aws:s3", "arn:aws:s3:::b /x"],
            ),
            (
                subnet_id,
                &["subnet-0123456789abcdef0", "subnet-01234567"],
                &["subnet-xyz", "sg-01234567"],
            ),
            (
                security_group_id,
                &["sg-0123456789abcdef0"],
                &["sg-", "subnet-01234567"],
            ),
            (
                dead_letter_arn,
                &[
                    "arn:aws:sqs:us-east-1:123456789012:dlq",
                    "arn:aws:sns:eu-west-1:123456789012:t",
                ],
                &["arn:aws:s3:::b", "arn:aws:sqs:us-east-1:1:dlq"],
            ),
            (
                kms_key_arn,
                &["arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
                &["arn:aws:kms:us-east-1:123456789012:alias/x", "1234abcd"],
            ),
            (
                efs_access_point_arn,
                &[
                    "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0",
                ],
                &["arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-01234567"],
            ),
            (
                efs_mount_path,
                &["/mnt/data", "/mnt/a-b_c.d"],
                &["/data", "/mnt/", "/mnt/a/b"],
            ),
            (
                runtime_version_arn,
                &["arn:aws:lambda:us-east-1::runtime:0b3d2a1c9e8f"],
                &[
                    "arn:aws:lambda:us-east-1:123456789012:runtime:x",
                    "python3.12",
                ],
            ),
            (
                code_signing_config_arn,
                &[
                    "arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdef0",
                ],
                &["arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-1"],
            ),
        ];
        for (check, good, bad) in cases {
            for g in *good {
                assert!(check(g).is_ok(), "{g}: {:?}", check(g));
            }
            for b in *bad {
                assert!(check(b).is_err(), "{b} passed");
            }
        }
    }
}
