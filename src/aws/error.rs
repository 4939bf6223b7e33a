//! The one mapping from an SDK error to lamctl's error: one line naming
//! the operation, the endpoint and the cause, the service's error code and
//! HTTP status kept for callers to match on.

use std::any::Any;
use std::error::Error as StdError;
use std::fmt;

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::{AwsContext, Service};
use crate::error::{Error, chain};
use crate::timewin::format_duration;

impl AwsContext {
    /// Turn an SDK error into one line naming the operation, the endpoint
    /// and the cause, with a hint where we know what usually fixes it.
    pub fn error<E, R>(&self, service: Service, operation: &str, err: SdkError<E, R>) -> Error
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        let endpoint = self.endpoint_label(service);
        let name = service.display_name();
        match &err {
            SdkError::ServiceError(se) => {
                let e = se.err();
                let status = (se.raw() as &dyn Any)
                    .downcast_ref::<HttpResponse>()
                    .map(|r| r.status().as_u16());
                let Some(code) = e.code() else {
                    // Not an AWS error document (a proxy's HTML page): say
                    // what answered, not "UnknownError: no message".
                    let what = status.map_or("an answer".to_string(), |s| format!("HTTP {s}"));
                    return Error::Aws {
                        message: format!(
                            "{operation} failed in {}: {name} endpoint {endpoint} answered {what} without an AWS error{}",
                            self.region.value,
                            e.message().map(|m| format!(": {m}")).unwrap_or_default()
                        ),
                        hint: Some(
                            "check the endpoint (a proxy or emulator may have answered)".into(),
                        ),
                        code: None,
                        status,
                    };
                };
                let msg = e.message().unwrap_or("no message");
                let hint = match code {
                    "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => Some(format!(
                        "the credentials of profile '{}' have expired; refresh them (e.g. `aws sso login --profile {}`)",
                        self.profile.value, self.profile.value
                    )),
                    "InvalidClientTokenId"
                    | "UnrecognizedClientException"
                    | "SignatureDoesNotMatch" => Some(format!(
                        "the credentials found for profile '{}' are not valid in {}; check `lamctl whoami`",
                        self.profile.value, self.region.value
                    )),
                    "AccessDeniedException" | "AccessDenied" => Some(
                        "check the IAM permissions of the identity `lamctl whoami` shows"
                            .to_string(),
                    ),
                    "ThrottlingException" | "TooManyRequestsException" | "Throttling" => {
                        Some("AWS is throttling these calls; wait and run again".to_string())
                    }
                    _ => None,
                };
                Error::Aws {
                    message: format!("{operation} failed in {}: {code}: {msg}", self.region.value),
                    hint,
                    code: Some(code.to_string()),
                    status,
                }
            }
            SdkError::TimeoutError(_) => Error::Aws {
                message: format!(
                    "{name} endpoint {endpoint} did not answer {operation} within {}",
                    format_duration(self.read_timeout)
                ),
                hint: Some("check the endpoint and your network, or raise --read-timeout".into()),
                code: None,
                status: None,
            },
            SdkError::DispatchFailure(df) => {
                let detail = chain(&err);
                if is_credentials_error(&err) {
                    return self.no_credentials(&detail);
                }
                if df.is_timeout() {
                    Error::Aws {
                        message: format!(
                            "could not connect to {name} endpoint {endpoint} within {} ({operation})",
                            format_duration(self.connect_timeout)
                        ),
                        hint: Some(
                            "check the endpoint and your network, or raise --connect-timeout"
                                .into(),
                        ),
                        code: None,
                        status: None,
                    }
                } else {
                    Error::Aws {
                        message: format!(
                            "cannot reach {name} endpoint {endpoint} ({operation}): {}",
                            last_cause(&err)
                        ),
                        hint: self
                            .endpoint_for(service)
                            .map(|s| format!("the endpoint came from {}", s.from)),
                        code: None,
                        status: None,
                    }
                }
            }
            _ if is_credentials_error(&err) => self.no_credentials(&chain(&err)),
            SdkError::ResponseError(_) => Error::Aws {
                message: format!(
                    "{name} endpoint {endpoint} sent a response lamctl cannot read ({operation}): {}",
                    last_cause(&err)
                ),
                hint: None,
                code: None,
                status: None,
            },
            _ => Error::Aws {
                message: format!("{operation} failed: {}", chain(&err)),
                hint: None,
                code: None,
                status: None,
            },
        }
    }

    fn no_credentials(&self, detail: &str) -> Error {
        tracing::debug!("credential resolution failed: {detail}");
        Error::Aws {
            message: format!(
                "no AWS credentials found for profile '{}' (from {})",
                self.profile.value, self.profile.from
            ),
            hint: Some(
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, run `aws configure`, `aws sso login` or `aws login`, or choose a profile with --profile".into(),
            ),
            code: None,
            status: None,
        }
    }
}

fn is_credentials_error(err: &(dyn StdError + 'static)) -> bool {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        if e.is::<aws_credential_types::provider::error::CredentialsError>() {
            return true;
        }
        cur = e.source();
    }
    false
}

/// The innermost cause in words: "connection refused", never the OS's
/// "Connection refused (os error 111)".
fn last_cause(err: &(dyn StdError + 'static)) -> String {
    let mut cur: &(dyn StdError + 'static) = err;
    let mut io = None;
    loop {
        if let Some(e) = cur.downcast_ref::<std::io::Error>() {
            io = Some(e);
        }
        match cur.source() {
            Some(next) => cur = next,
            None => break,
        }
    }
    match io.map(|e| (e.kind(), e)) {
        Some((std::io::ErrorKind::ConnectionRefused, _)) => "connection refused".into(),
        Some((std::io::ErrorKind::ConnectionReset, _)) => "connection reset by the endpoint".into(),
        Some((std::io::ErrorKind::ConnectionAborted, _)) => "connection aborted".into(),
        Some((std::io::ErrorKind::HostUnreachable, _)) => "host unreachable".into(),
        Some((std::io::ErrorKind::NetworkUnreachable, _)) => "network unreachable".into(),
        Some((_, e)) => crate::error::io_text(e),
        None => chain(cur),
    }
}
