//! The function's environment variables: lamctl.toml's `env_file` and
//! `[environment]`, then `--env-file` and `--env`, layered in that order.

use std::collections::BTreeMap;
use std::path::Path;

use super::config::{FunctionSpec, Project};
use crate::error::{Error, Result};
use crate::lambda::names;

/// The function's environment, layered lowest first: the file's `env_file`,
/// its `[environment]`, the `--env-file` flag, then `--env` flags. `None`
/// when nothing defines it (deploy then leaves the deployed variables alone).
pub fn environment(
    file: Option<&Project>,
    flags: &FunctionSpec,
) -> Result<Option<Vec<(String, String)>>> {
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let mut defined = false;
    if let Some(p) = file {
        if let Some(f) = &p.file.env_file {
            env.extend(read_env_file(&p.dir().join(f))?);
            defined = true;
        }
        defined |= !p.file.environment.is_empty();
        env.extend(p.file.environment.iter().cloned());
    }
    if let Some(f) = &flags.env_file {
        env.extend(read_env_file(f)?);
        defined = true;
    }
    defined |= !flags.environment.is_empty();
    env.extend(flags.environment.iter().cloned());
    for k in env.keys() {
        names::env_key(k).map_err(Error::usage)?;
        if names::RESERVED_ENV.contains(&k.as_str()) {
            return Err(
                Error::usage(format!("environment variable {k} is reserved by Lambda"))
                    .with_hint("Lambda sets it itself; choose another name"),
            );
        }
    }
    Ok(defined.then(|| env.into_iter().collect()))
}

/// A dotenv file (KEY=VALUE lines, quotes, comments, `export`).
pub fn read_env_file(path: &Path) -> Result<Vec<(String, String)>> {
    let iter = dotenvy::from_path_iter(path).map_err(|e| env_file_error(path, e))?;
    iter.map(|item| item.map_err(|e| env_file_error(path, e)))
        .collect()
}

fn env_file_error(path: &Path, e: dotenvy::Error) -> Error {
    match e {
        dotenvy::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            Error::usage(format!("env file {} does not exist", path.display()))
        }
        dotenvy::Error::Io(io) => Error::io(path, io),
        // Name the line by number: its text may hold a secret.
        dotenvy::Error::LineParse(line, at) => {
            let number = std::fs::read_to_string(path)
                .ok()
                .and_then(|t| t.lines().position(|l| l.contains(line.trim())))
                .map_or(String::new(), |n| format!(" line {}", n + 1));
            Error::usage(format!(
                "env file {}{number} does not parse (at character {})",
                path.display(),
                at + 1
            ))
            .with_hint("use KEY=VALUE lines; quote values with spaces")
        }
        other => Error::usage(format!("env file {}: {other}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_syntax_and_errors_without_values() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.env");
        std::fs::write(
            &p,
            "# comment\n\nA=1\nexport B=\"two words\"\nC='single # kept'\nA=again\n",
        )
        .unwrap();
        let v: BTreeMap<String, String> = read_env_file(&p).unwrap().into_iter().collect();
        assert_eq!(v["A"], "again");
        assert_eq!(v["B"], "two words");
        assert_eq!(v["C"], "single # kept");

        std::fs::write(&p, "GOOD=1\nTOKEN hunter2\n").unwrap();
        let e = read_env_file(&p).unwrap_err();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains("a.env line 2 does not parse"), "{e}");
        assert!(
            !e.to_string().contains("hunter2"),
            "a value was echoed: {e}"
        );
    }
}
