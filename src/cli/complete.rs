//! Dynamic completion (clap_complete's `CompleteEnv`): TAB on a function
//! name, an alias or a version asks AWS. The candidates come from a
//! provider `lib.rs` installs (the commands layer makes the calls, with a
//! short timeout and cache); this module only reads what is already on the
//! command line — the AWS flags, `-c FILE`, and the function — so the
//! candidates come from the same account and region the command would use.

use std::ffi::OsStr;
use std::sync::OnceLock;

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate, ValueCompleter};

use super::Cli;
use super::config::Project;
use crate::aws::AwsOverrides;
pub use crate::commands::completions::Kind;

/// Candidates of a kind, for the AWS settings and (aliases, versions) the
/// function; never fails (no candidates instead).
pub type Provider = fn(Kind, &AwsOverrides, Option<&str>) -> Vec<String>;

static PROVIDER: OnceLock<Provider> = OnceLock::new();

/// Install the provider (once, before completing).
pub fn set_provider(p: Provider) {
    let _ = PROVIDER.set(p);
}

/// Completes an argument's value with candidates of these kinds.
#[derive(Clone)]
struct Remote {
    kinds: &'static [Kind],
}

impl ValueCompleter for Remote {
    fn complete(&self, current: &OsStr) -> Vec<CompletionCandidate> {
        let Some(provider) = PROVIDER.get() else {
            return Vec::new();
        };
        let current = current.to_string_lossy();
        let words: Vec<String> = std::env::args().collect();
        let line = Line::read(&words);
        let mut out: Vec<String> = Vec::new();
        for kind in self.kinds {
            for c in provider(*kind, &line.aws, line.function.as_deref()) {
                if c.starts_with(current.as_ref()) && !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out.into_iter().map(CompletionCandidate::new).collect()
    }
}

fn remote(kinds: &'static [Kind]) -> ArgValueCompleter {
    ArgValueCompleter::new(Remote { kinds })
}

/// Function names.
pub fn functions() -> ArgValueCompleter {
    remote(&[Kind::Functions])
}

/// The function's aliases.
pub fn aliases() -> ArgValueCompleter {
    remote(&[Kind::Aliases])
}

/// The function's published versions.
pub fn versions() -> ArgValueCompleter {
    remote(&[Kind::Versions])
}

/// Aliases and versions (a qualifier).
pub fn qualifiers() -> ArgValueCompleter {
    remote(&[Kind::Aliases, Kind::Versions])
}

/// `[NAME] ALIAS`'s first value: a function, or an alias of the function
/// in lamctl.toml (the second value has [`aliases`]).
pub fn function_then_alias() -> ArgValueCompleter {
    remote(&[Kind::Functions, Kind::Aliases])
}

/// What the command line being completed already says.
struct Line {
    aws: AwsOverrides,
    function: Option<String>,
}

impl Line {
    /// `words` is the completer's argv: `lamctl -- lamctl SUBCOMMAND …
    /// CURRENT`; the word being completed (the last) is left out.
    fn read(words: &[String]) -> Line {
        let start = words.iter().position(|w| w == "--").map_or(1, |i| i + 2);
        let end = words.len().saturating_sub(1).max(start);
        let words = &words[start.min(end)..end];
        let root = Cli::command();
        let mut sub: Option<&clap::Command> = None;
        let mut flags: Vec<(String, String)> = Vec::new();
        let mut positionals: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let w = words[i].as_str();
            let arg_of = |find: &dyn Fn(&clap::Arg) -> bool| {
                sub.and_then(|s| s.get_arguments().find(|a| find(a)))
                    .or_else(|| root.get_arguments().find(|a| find(a)))
                    .cloned()
            };
            if let Some(long) = w.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (long, None),
                };
                let arg = arg_of(&|a| a.get_long() == Some(name));
                if arg.is_some_and(|a| a.get_action().takes_values()) {
                    let value = inline.or_else(|| {
                        i += 1;
                        words.get(i).cloned()
                    });
                    flags.push((name.to_string(), value.unwrap_or_default()));
                }
            } else if w.len() > 1 && w.starts_with('-') {
                let c = w.chars().last().unwrap_or('-');
                let arg = arg_of(&|a| a.get_short() == Some(c));
                if w.len() == 2 && arg.as_ref().is_some_and(|a| a.get_action().takes_values()) {
                    i += 1;
                    let name = arg.and_then(|a| a.get_long().map(String::from));
                    flags.push((
                        name.unwrap_or_default(),
                        words.get(i).cloned().unwrap_or_default(),
                    ));
                }
            } else if sub.is_none() {
                sub = root.find_subcommand(w);
            } else {
                positionals.push(w);
            }
            i += 1;
        }
        let flag = |n: &str| {
            flags
                .iter()
                .rev()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
        };
        let config = flag("config").map(std::path::PathBuf::from);
        let project = Project::discover(config.as_deref()).ok().flatten();
        let global = super::GlobalArgs {
            profile: flag("profile"),
            region: flag("region"),
            endpoint_url: flag("endpoint-url"),
            ..Default::default()
        };
        Line {
            aws: global.aws(project.as_ref()),
            function: flag("function")
                .or_else(|| positionals.first().map(|s| s.to_string()))
                .or_else(|| Project::default_function(project.as_ref()).map(String::from)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &[&str]) -> Line {
        let words: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        Line::read(&words)
    }

    #[test]
    fn the_line_gives_the_aws_settings_and_the_function() {
        let l = line(&[
            "lamctl",
            "--",
            "lamctl",
            "alias",
            "--region",
            "eu-west-1",
            "--endpoint-url=http://x",
            "-q",
            "hello",
            "",
        ]);
        assert_eq!(l.aws.region.as_deref(), Some("eu-west-1"));
        assert_eq!(l.aws.endpoint_url.as_deref(), Some("http://x"));
        assert_eq!(l.function.as_deref(), Some("hello"));
        // A flag's value is not the function.
        let l = line(&[
            "lamctl", "--", "lamctl", "rollback", "--alias", "live", "fn1", "--to", "",
        ]);
        assert_eq!(l.function.as_deref(), Some("fn1"));
        let l = line(&["lamctl", "--", "lamctl", "info", "--profile", "p", ""]);
        assert_eq!(l.aws.profile.as_deref(), Some("p"));
        assert_eq!(l.function, None);
    }
}
