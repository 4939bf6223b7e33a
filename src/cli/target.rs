//! The function a day-2 command acts on: NAME, or `name` in lamctl.toml,
//! checked with the core's validators before any AWS call.

use super::config::Project;
use crate::error::{Error, Result};
use crate::lambda::names;

/// NAME as given, else `name` in lamctl.toml; a usage error without
/// either, or when it is not a function name or ARN. A qualifier written
/// into the reference (`name:live`) is refused: each command has its own
/// flag for one.
pub fn function(arg: Option<&str>, project: Option<&Project>) -> Result<String> {
    let name = arg
        .or_else(|| Project::default_function(project))
        .ok_or_else(|| {
            Error::usage("no function name").with_hint("pass NAME or set `name` in lamctl.toml")
        })?;
    let r = names::function_ref(name).map_err(Error::usage)?;
    if let Some(q) = r.qualifier {
        return Err(Error::usage(format!(
            "'{name}' names a qualifier ({q}); give the function alone"
        ))
        .with_hint("versions and aliases have their own flags (see --help)"));
    }
    Ok(r.text)
}

/// A published version number (`--version`, `--to`, `--qualifier`).
pub fn version(flag: &str, v: &str) -> Result<String> {
    match v.parse::<u64>() {
        Ok(n) if n > 0 => Ok(v.to_string()),
        _ => Err(Error::usage(format!(
            "{flag}: '{v}' is not a published version number"
        ))),
    }
}

/// An alias name, checked with the core's validator.
pub fn alias(flag: &str, a: &str) -> Result<String> {
    names::alias(a)
        .map(|_| a.to_string())
        .map_err(|e| Error::usage(format!("{flag}: {e}")))
}
