//! Where a function's logs are: its log group (the LoggingConfig's, else
//! `/aws/lambda/NAME`) and how Lambda names the log streams of a version.

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::LoggingConfig;

use super::function::or_not_found;
use crate::aws::{AwsContext, Service};
use crate::error::Result;
use crate::timewin;

/// A function's log group, as its configuration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogGroup {
    pub name: String,
    /// The function's name as Lambda reports it.
    pub function: String,
    /// Set in the function's LoggingConfig (not the default group).
    pub custom: bool,
    /// `Text` or `JSON`.
    pub log_format: String,
}

/// GetFunctionConfiguration → the function's log group; a function that
/// does not exist is the one "function not found" error.
pub async fn log_group(client: &Client, aws: &AwsContext, function: &str) -> Result<LogGroup> {
    let conf = client
        .get_function_configuration()
        .function_name(function)
        .send()
        .await
        .map_err(|e| {
            or_not_found(
                aws,
                function,
                None,
                aws.error(Service::Lambda, "GetFunctionConfiguration", e),
            )
        })?;
    let name = conf.function_name().unwrap_or(function).to_string();
    let logging = conf.logging_config();
    let custom = logging
        .and_then(|l| l.log_group())
        .filter(|g| !g.is_empty());
    Ok(LogGroup {
        name: group_of(&name, logging),
        custom: custom.is_some(),
        log_format: logging
            .and_then(|l| l.log_format())
            .map_or("Text", |f| f.as_str())
            .to_string(),
        function: name,
    })
}

/// The group a function with this LoggingConfig writes to.
pub fn group_of(function: &str, logging: Option<&LoggingConfig>) -> String {
    logging
        .and_then(|l| l.log_group())
        .filter(|g| !g.is_empty())
        .map_or_else(|| default_group(function), String::from)
}

/// The group Lambda writes to when the function names none.
pub fn default_group(function: &str) -> String {
    format!("/aws/lambda/{function}")
}

/// The stream name prefixes of what `versions` ran between two instants.
/// Lambda names streams `YYYY/MM/DD/[VERSION]id`, the UTC day the execution
/// environment started, so there is one prefix per version and day, from
/// the day before `from_ms` (an environment started before midnight logs
/// after it).
pub fn version_stream_prefixes(versions: &[String], from_ms: i64, to_ms: i64) -> Vec<String> {
    let days = timewin::utc_days(from_ms - 86_400_000, to_ms.max(from_ms));
    versions
        .iter()
        .flat_map(|v| days.iter().map(move |d| format!("{d}/[{v}]")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOON: i64 = 1_714_564_800_000; // 2024-05-01 12:00 UTC

    #[test]
    fn version_prefixes_cover_the_day_before() {
        let p = version_stream_prefixes(&["3".into(), "$LATEST".into()], NOON, NOON);
        assert_eq!(
            p,
            [
                "2024/04/30/[3]",
                "2024/05/01/[3]",
                "2024/04/30/[$LATEST]",
                "2024/05/01/[$LATEST]"
            ]
        );
    }

    #[test]
    fn version_prefixes_span_every_day_of_the_window() {
        let p = version_stream_prefixes(&["1".into()], NOON, NOON + 2 * 86_400_000);
        assert_eq!(
            p,
            [
                "2024/04/30/[1]",
                "2024/05/01/[1]",
                "2024/05/02/[1]",
                "2024/05/03/[1]"
            ]
        );
        // A window that ends before it starts still covers its start.
        assert_eq!(version_stream_prefixes(&["1".into()], NOON, 0).len(), 2);
    }

    #[test]
    fn default_group_is_under_aws_lambda() {
        assert_eq!(default_group("hello"), "/aws/lambda/hello");
    }
}
