//! `lamctl completions SHELL`: the script that registers lamctl's dynamic
//! completion (clap_complete's `CompleteEnv`): on TAB the shell runs
//! `LAMCTL_COMPLETE=SHELL lamctl -- WORDS…`, which answers with flags, commands
//! and — asked of AWS through [`candidates`] — function names, aliases and
//! versions.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap_complete::Shell;
use clap_complete::env::Shells;
use sha2::{Digest, Sha256};

use crate::aws::{AwsContext, AwsOverrides, ProcessEnv};
use crate::error::{Error, Result};
use crate::lambda::{alias, list_functions, names, versions};
use crate::output::write_stdout;

/// The environment variable that turns a run into a completion request
/// (lamctl's own name, not clap's generic `COMPLETE`, so a variable set for
/// another tool never turns a normal run into one).
pub const VAR: &str = "LAMCTL_COMPLETE";
/// How long one TAB may wait for AWS, all in.
const BUDGET: Duration = Duration::from_millis(1500);
/// How long an answer is reused from the cache.
const CACHE_FOR: Duration = Duration::from_secs(45);

pub fn run(shell: Shell) -> Result<()> {
    write_stdout(&render(shell)?)
}

/// The registration script for one shell (also what `completions/` holds):
/// it calls `lamctl` on PATH.
pub fn render(shell: Shell) -> Result<Vec<u8>> {
    let name = shell.to_string();
    let shells = Shells::builtins();
    let completer = shells
        .completer(&name)
        .ok_or_else(|| Error::usage(format!("no completion for {name}")))?;
    let mut buf = Vec::new();
    completer
        .write_registration(VAR, "lamctl", "lamctl", "lamctl", &mut buf)
        .map_err(|e| Error::failed(format!("cannot render the {name} completion: {e}")))?;
    Ok(buf)
}

/// The file name each shell's loader looks for.
pub fn file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "lamctl.bash",
        Shell::Zsh => "_lamctl",
        Shell::Fish => "lamctl.fish",
        Shell::PowerShell => "_lamctl.ps1",
        Shell::Elvish => "lamctl.elv",
        _ => "lamctl.completion",
    }
}

/// What a TAB asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Functions,
    Aliases,
    Versions,
}

/// Candidates of `kind` from the account and region `overrides` resolve
/// to (for aliases and versions, of `function`). Never fails and never
/// prints: no answer within [`BUDGET`], or any error, is no candidates. A
/// recent answer for the same question comes from the cache.
pub fn candidates(kind: Kind, overrides: &AwsOverrides, function: Option<&str>) -> Vec<String> {
    if kind != Kind::Functions && function.is_none_or(|f| names::function_ref(f).is_err()) {
        return Vec::new();
    }
    let overrides = AwsOverrides {
        connect_timeout: Duration::from_millis(700),
        read_timeout: BUDGET,
        ..overrides.clone()
    };
    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    let found = rt.block_on(async {
        tokio::time::timeout(BUDGET, ask(kind, &overrides, function))
            .await
            .ok()
            .flatten()
    });
    // Don't wait for an abandoned connection.
    rt.shutdown_background();
    found.unwrap_or_default()
}

async fn ask(kind: Kind, overrides: &AwsOverrides, function: Option<&str>) -> Option<Vec<String>> {
    let aws = AwsContext::resolve(overrides, &ProcessEnv).await.ok()?;
    let key = format!(
        "{kind:?}\n{}\n{}\n{}\n{}",
        aws.profile.value,
        aws.region.value,
        aws.endpoint_label(crate::aws::Service::Lambda),
        function.unwrap_or_default()
    );
    let cache = cache_file(&key);
    if let Some(v) = cache.as_deref().and_then(read_cache) {
        return Some(v);
    }
    let client = aws.lambda().await;
    let found: Vec<String> = match (kind, function) {
        (Kind::Functions, _) => list_functions(&client, &aws, None)
            .await
            .ok()?
            .into_iter()
            .map(|f| f.name)
            .collect(),
        (Kind::Aliases, Some(f)) => alias::list(&client, &aws, f)
            .await
            .ok()?
            .into_iter()
            .map(|a| a.name)
            .collect(),
        (Kind::Versions, Some(f)) => versions::list(&client, &aws, f)
            .await
            .ok()?
            .into_iter()
            .rev()
            .map(|v| v.to_string())
            .collect(),
        _ => return None,
    };
    if let Some(c) = &cache {
        write_cache(c, &found);
    }
    Some(found)
}

/// `$XDG_CACHE_HOME/lamctl/complete-HASH` (else `~/.cache/…`); the key is
/// hashed, so the file name tells nothing about the account.
fn cache_file(key: &str) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    let hash = hex::encode(Sha256::digest(key.as_bytes()));
    Some(
        base.join("lamctl")
            .join(format!("complete-{}", &hash[..16])),
    )
}

fn read_cache(path: &std::path::Path) -> Option<Vec<String>> {
    let meta = std::fs::metadata(path).ok()?;
    let age = SystemTime::now()
        .duration_since(meta.modified().ok()?)
        .ok()?;
    if age > CACHE_FOR {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    Some(text.lines().map(String::from).collect())
}

fn write_cache(path: &std::path::Path, found: &[String]) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(path, found.join("\n"));
}
