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
    let env: Vec<(String, String)> = env.into_iter().collect();
    names::environment_size(&env).map_err(Error::usage)?;
    Ok(defined.then_some(env))
}

/// A dotenv file (KEY=VALUE lines, quotes, comments, `export`); a UTF-8
/// byte-order mark (Windows editors write one) is skipped. Only a regular
/// file of bounded size in UTF-8 is read (a FIFO or `/dev/zero` would
/// never end).
pub fn read_env_file(path: &Path) -> Result<Vec<(String, String)>> {
    let hint = "give a file of KEY=VALUE lines";
    let bytes = super::config::file::read_regular(path, "env file", ENV_FILE, hint)?;
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if let Err(e) = std::str::from_utf8(text) {
        let line = text[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(Error::usage(format!(
            "env file {} line {line} is not UTF-8 text ({ENV_FILE})",
            path.display()
        ))
        .with_hint("save it as UTF-8"));
    }
    dotenvy::from_read_iter(text)
        .map(|item| item.map_err(|e| env_file_error(path, e)))
        .collect()
}

const ENV_FILE: &str = "--env-file / env_file";

fn env_file_error(path: &Path, e: dotenvy::Error) -> Error {
    match e {
        dotenvy::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => Error::usage(
            format!("env file {} does not exist ({ENV_FILE})", path.display()),
        ),
        dotenvy::Error::Io(io) if io.kind() == std::io::ErrorKind::IsADirectory => Error::usage(
            format!("env file {} is a directory ({ENV_FILE})", path.display()),
        )
        .with_hint("give a file of KEY=VALUE lines"),
        dotenvy::Error::Io(io) => Error::io(path, io),
        // Name the line by number: its text may hold a secret.
        dotenvy::Error::LineParse(line, at) => {
            let number = std::fs::read_to_string(path)
                .ok()
                .and_then(|t| t.lines().position(|l| l.contains(line.trim())))
                .map_or(String::new(), |n| format!(" line {}", n + 1));
            Error::usage(format!(
                "env file {}{number} does not parse (at character {}; {ENV_FILE})",
                path.display(),
                at + 1
            ))
            .with_hint("use KEY=VALUE lines; quote values with spaces")
        }
        other => Error::usage(format!("env file {}: {other} ({ENV_FILE})", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_with_a_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bom.env");
        std::fs::write(&p, b"\xEF\xBB\xBFFIRST=1\nSECOND=2\n").unwrap();
        let v = read_env_file(&p).unwrap();
        assert_eq!(v[0], ("FIRST".to_string(), "1".to_string()));
        let e = read_env_file(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("is a directory, not a regular file (--env-file"),
            "{e}"
        );
        // Never a read without end, never "does not exist" for what exists.
        let e = read_env_file(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains("is a character device"), "{e}");
        std::fs::write(&p, b"A=1\nB=caf\xe9\n").unwrap();
        let e = read_env_file(&p).unwrap_err();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains("bom.env line 2 is not UTF-8"), "{e}");
    }

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
