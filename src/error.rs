//! The one error type. Every failure a user can see is one of these
//! variants; `code()` is the process exit code promised in design.md.

use std::error::Error as StdError;
use std::fmt;
use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad usage or bad input, found before any AWS call (exit 2).
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },

    /// An AWS call failed: service error, network, timeout, credentials (exit 1).
    /// `code` is the service's error code (`ResourceNotFoundException`) and
    /// `status` the HTTP status, when the service answered: callers match
    /// on those, never on the text.
    #[error("{message}")]
    Aws {
        message: String,
        hint: Option<String>,
        code: Option<String>,
        status: Option<u16>,
    },

    /// A local file operation failed (exit 1).
    #[error("{}: {}", path.display(), io_text(source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Any other failed operation (exit 1).
    #[error("{message}")]
    Failed {
        message: String,
        hint: Option<String>,
    },

    /// The invoked function itself reported an error (exit 3).
    #[error("{error_type}: {message}")]
    Function { error_type: String, message: String },

    /// `lamctl diff --exit-code` found differences (exit 4). The
    /// differences are the result on stdout; nothing more is printed.
    #[error("the deployed function differs from the definition")]
    Differences,

    /// Ctrl-C (exit 130).
    #[error("interrupted")]
    Interrupted,

    /// SIGTERM (exit 143), after cleaning up.
    #[error("terminated")]
    Terminated,

    /// SIGHUP, the terminal closed (exit 129), after cleaning up.
    #[error("hung up")]
    HungUp,

    /// The reader of stdout went away (`lamctl logs | head`): a normal exit.
    #[error("broken pipe")]
    BrokenPipe,
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: None,
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        Error::Failed {
            message: message.into(),
            hint: None,
        }
    }

    /// A failed AWS call without a service error code (network, credentials).
    pub fn aws(message: impl Into<String>) -> Self {
        Error::Aws {
            message: message.into(),
            hint: None,
            code: None,
            status: None,
        }
    }

    /// The AWS service's error code, when the service answered with one.
    pub fn aws_code(&self) -> Option<&str> {
        match self {
            Error::Aws { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status of the AWS answer, when there was one.
    pub fn aws_status(&self) -> Option<u16> {
        match self {
            Error::Aws { status, .. } => *status,
            _ => None,
        }
    }

    /// Whether the service said the thing asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self.aws_code(),
            Some(
                "ResourceNotFoundException"
                    | "NoSuchEntity"
                    | "ProvisionedConcurrencyConfigNotFoundException"
                    | "NoSuchKey"
                    | "NotFound"
                    | "NotFoundException"
            )
        )
    }

    /// Whether the service throttled the call.
    pub fn is_throttling(&self) -> bool {
        matches!(
            self.aws_code(),
            Some("ThrottlingException" | "TooManyRequestsException" | "Throttling")
        ) || self.aws_status() == Some(429)
    }

    /// Replace the message, keeping the code, status and hint.
    pub fn with_message(mut self, new: impl Into<String>) -> Self {
        match &mut self {
            Error::Usage { message, .. }
            | Error::Aws { message, .. }
            | Error::Failed { message, .. } => *message = new.into(),
            _ => {}
        }
        self
    }

    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    /// Attach (or replace) the hint shown on the line after the error.
    pub fn with_hint(mut self, new: impl Into<String>) -> Self {
        match &mut self {
            Error::Usage { hint, .. } | Error::Aws { hint, .. } | Error::Failed { hint, .. } => {
                *hint = Some(new.into())
            }
            _ => {}
        }
        self
    }

    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Usage { hint, .. } | Error::Aws { hint, .. } | Error::Failed { hint, .. } => {
                hint.as_deref()
            }
            _ => None,
        }
    }

    pub fn code(&self) -> u8 {
        match self {
            Error::Usage { .. } => 2,
            Error::Aws { .. } | Error::Io { .. } | Error::Failed { .. } => 1,
            Error::Function { .. } => 3,
            Error::Differences => 4,
            Error::Interrupted => 130,
            Error::Terminated => 143,
            Error::HungUp => 129,
            Error::BrokenPipe => 0,
        }
    }
}

/// The one "not found → None" mapping: a result whose error says the thing
/// does not exist becomes `Ok(None)`.
pub fn optional<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Map an error from writing to stdout: a closed pipe is not a failure.
pub fn stdout_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::BrokenPipe
    } else {
        Error::failed(format!("cannot write to standard output: {e}"))
    }
}

/// An IO error as people read it: "No such file or directory", without
/// the "(os error 2)" that follows it.
pub fn io_text(e: &std::io::Error) -> String {
    without_os_error(e.to_string())
}

fn without_os_error(s: String) -> String {
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

/// The whole `source()` chain on one line, deduplicated: SDK errors nest
/// the useful part ("connection refused") several levels down.
pub fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = cur {
        let s = without_os_error(e.to_string());
        if !s.is_empty() && !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = e.source();
    }
    parts.join(": ")
}

/// Displays a list for messages: `a, b and c`.
pub struct Listing<'a>(pub &'a [String]);

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => Ok(()),
            [one] => write!(f, "{one}"),
            [init @ .., last] => write!(f, "{} and {last}", init.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aws(code: Option<&str>, status: Option<u16>) -> Error {
        Error::Aws {
            message: "GetFunction failed".into(),
            hint: None,
            code: code.map(String::from),
            status,
        }
    }

    #[test]
    fn callers_match_on_the_code_not_the_text() {
        let missing = aws(Some("ResourceNotFoundException"), Some(404));
        assert!(missing.is_not_found());
        assert_eq!(optional::<()>(Err(missing)).unwrap(), None);
        assert_eq!(optional(Ok(5)).unwrap(), Some(5));
        let denied = aws(Some("AccessDeniedException"), Some(403));
        assert!(!denied.is_not_found());
        assert!(optional::<()>(Err(denied)).is_err());
        // The message alone never decides.
        let text_only = Error::aws("ResourceNotFoundException ThrottlingException");
        assert!(!text_only.is_not_found() && !text_only.is_throttling());
        assert!(aws(Some("TooManyRequestsException"), Some(429)).is_throttling());
        assert!(aws(None, Some(429)).is_throttling());
        assert_eq!(aws(Some("X"), Some(500)).code(), 1);
    }
}
