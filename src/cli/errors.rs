//! clap's usage errors in lamctl's format: `error: …` and `hint: …`, exit 2.
//!
//! The line is built from clap's structured error (its kind and context),
//! not from its rendered text, so a change in clap's layout cannot leak a
//! multi-line dump or a second `error:` into lamctl's output.

use std::error::Error as _;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::error::Error;
use crate::output::{Ui, UiSettings};

/// Print a parse failure (or help, or the version) and return the exit code.
pub fn report(e: clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        _ => {}
    }
    // Parsing failed, so --color is unknown: honour NO_COLOR and the terminal only.
    Ui::new(&UiSettings::default()).error(&usage_error(&e));
    ExitCode::from(2)
}

/// The error as one line and a hint (suggestions, then the usage).
fn usage_error(e: &clap::Error) -> Error {
    let mut hints = suggestions(e);
    // `-o out.zip` from habit: -o is the output format, as in the AWS CLI.
    if e.kind() == ErrorKind::InvalidValue
        && string(e, ContextKind::InvalidArg).is_some_and(|a| a.starts_with("--output"))
    {
        hints.push("-o is --output (text or json); a file to write is --out FILE".into());
    }
    if let Some(usage) = usage(e) {
        hints.push(usage);
    }
    let err = Error::usage(message(e));
    if hints.is_empty() {
        err
    } else {
        err.with_hint(hints.join("; "))
    }
}

/// The one-line message for the error's kind, in clap's own wording.
fn message(e: &clap::Error) -> String {
    let arg = string(e, ContextKind::InvalidArg);
    let value = string(e, ContextKind::InvalidValue);
    let text = match (e.kind(), arg, value) {
        (ErrorKind::InvalidValue, Some(arg), Some("")) => {
            format!("a value is required for '{arg}' but none was supplied")
        }
        (ErrorKind::InvalidValue, Some(arg), Some(value)) => {
            format!("invalid value '{value}' for '{arg}'")
        }
        // A value parser said no: its own reason follows.
        (ErrorKind::ValueValidation, Some(arg), Some(value)) => {
            let value = shown(arg, value);
            match e.source() {
                Some(why) => format!("invalid value {value}for '{arg}': {why}"),
                None => format!("invalid value {value}for '{arg}'"),
            }
        }
        (ErrorKind::UnknownArgument, Some(arg), _) => format!("unexpected argument '{arg}' found"),
        (ErrorKind::NoEquals, Some(arg), _) => {
            format!("equal sign is needed when assigning values to '{arg}'")
        }
        (ErrorKind::TooManyValues, Some(arg), Some(value)) => {
            format!("unexpected value '{value}' for '{arg}' found; no more were expected")
        }
        (ErrorKind::TooFewValues, Some(arg), _) => format!(
            "{} values required by '{arg}'; only {} {}",
            number(e, ContextKind::MinValues),
            number(e, ContextKind::ActualNumValues),
            provided(e)
        ),
        (ErrorKind::WrongNumberOfValues, Some(arg), _) => format!(
            "{} values required for '{arg}' but {} {}",
            number(e, ContextKind::ExpectedNumValues),
            number(e, ContextKind::ActualNumValues),
            provided(e)
        ),
        (ErrorKind::ArgumentConflict, ..) => conflict(e),
        (ErrorKind::InvalidSubcommand, ..) => match string(e, ContextKind::InvalidSubcommand) {
            Some(sub) => format!("unrecognized subcommand '{sub}'"),
            None => fallback(e),
        },
        (ErrorKind::MissingSubcommand, ..) => match string(e, ContextKind::InvalidSubcommand) {
            Some(cmd) => format!("'{cmd}' requires a subcommand but one was not provided"),
            None => fallback(e),
        },
        (ErrorKind::MissingRequiredArgument, ..) => match strings(e, ContextKind::InvalidArg) {
            Some(args) if !args.is_empty() => format!(
                "the following required arguments were not provided: {}",
                args.join(" ")
            ),
            _ => fallback(e),
        },
        _ => fallback(e),
    };
    // What would have been accepted, on the same line.
    match e.kind() {
        ErrorKind::InvalidValue => with_list(text, "possible values", e, ContextKind::ValidValue),
        ErrorKind::MissingSubcommand => {
            with_list(text, "subcommands", e, ContextKind::ValidSubcommand)
        }
        _ => text,
    }
}

/// A refused value as the message quotes it: an environment variable's
/// never (its value may be a secret), a long one cut short.
fn shown(arg: &str, value: &str) -> String {
    const LONGEST: usize = 64;
    if arg.starts_with("--env ") {
        return String::new();
    }
    let n = value.chars().count();
    if n > LONGEST {
        let head: String = value.chars().take(LONGEST / 2).collect();
        return format!("'{head}…' ({n} characters) ");
    }
    format!("'{value}' ")
}

/// `--a` cannot be used with `--b` (or with several, or twice).
fn conflict(e: &clap::Error) -> String {
    let arg = string(e, ContextKind::InvalidArg);
    let prior = e.get(ContextKind::PriorArg);
    let head = match (arg, string(e, ContextKind::InvalidSubcommand)) {
        (Some(arg), _) if prior == Some(&ContextValue::String(arg.to_string())) => {
            return format!("the argument '{arg}' cannot be used multiple times");
        }
        (Some(arg), _) => format!("the argument '{arg}' cannot be used with"),
        (None, Some(sub)) => format!("the subcommand '{sub}' cannot be used with"),
        (None, None) => fallback(e),
    };
    match prior {
        Some(ContextValue::String(other)) => format!("{head} '{other}'"),
        Some(ContextValue::Strings(others)) => format!("{head}: {}", others.join(" ")),
        Some(_) => format!("{head} one or more of the other specified arguments"),
        None => head,
    }
}

/// For a kind lamctl does not word itself: clap's description of the kind
/// and the underlying cause. An error raised with its own text (a custom
/// value parser's `clap::Error::raw`) has no context; its text is all there
/// is, so its first paragraph is the message.
fn fallback(e: &clap::Error) -> String {
    if e.context().next().is_none() && e.source().is_none() {
        let text = e.render().to_string();
        let first = text.split("\n\n").next().unwrap_or_default();
        let first = first.trim().trim_start_matches("error:").trim();
        if !first.is_empty() {
            return first.to_string();
        }
    }
    match (e.kind().as_str(), e.source()) {
        (Some(kind), Some(why)) => format!("{kind}: {why}"),
        (Some(kind), None) => kind.to_string(),
        (None, Some(why)) => why.to_string(),
        (None, None) => "invalid arguments".to_string(),
    }
}

/// clap's "did you mean" context, one hint each.
fn suggestions(e: &clap::Error) -> Vec<String> {
    let mut hints = Vec::new();
    for (kind, what) in [
        (ContextKind::SuggestedSubcommand, "subcommand"),
        (ContextKind::SuggestedArg, "argument"),
        (ContextKind::SuggestedValue, "value"),
    ] {
        let names: Vec<String> = match e.get(kind) {
            Some(ContextValue::String(s)) => vec![s.clone()],
            Some(ContextValue::Strings(v)) => v.clone(),
            _ => Vec::new(),
        };
        let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
        match quoted.len() {
            0 => {}
            1 => hints.push(format!("a similar {what} exists: {}", quoted[0])),
            _ => hints.push(format!("some similar {what}s exist: {}", quoted.join(", "))),
        }
    }
    // Free-form tips ("to pass '-x' as a value, use '-- -x'").
    match e.get(ContextKind::Suggested) {
        Some(ContextValue::StyledStrs(tips)) => hints.extend(tips.iter().map(|t| t.to_string())),
        Some(ContextValue::StyledStr(tip)) => hints.push(tip.to_string()),
        _ => {}
    }
    hints
}

/// `usage: lamctl whoami [OPTIONS] (see 'lamctl whoami --help')`.
fn usage(e: &clap::Error) -> Option<String> {
    let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) else {
        return None;
    };
    // The context is clap's titled usage ("Usage: lamctl …"), possibly with
    // alternative forms on further lines: the first form is enough.
    let usage = usage.to_string();
    let line = usage.lines().next()?.trim();
    let line = line.strip_prefix("Usage:").unwrap_or(line).trim();
    if line.is_empty() {
        return None;
    }
    // The command path is the words before the first placeholder or flag.
    let command: Vec<&str> = line
        .split_whitespace()
        .take_while(|w| !w.starts_with(['[', '<', '-']))
        .collect();
    Some(format!(
        "usage: {line} (see '{} --help')",
        command.join(" ")
    ))
}

fn string(e: &clap::Error, kind: ContextKind) -> Option<&str> {
    match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s),
        _ => None,
    }
}

fn strings(e: &clap::Error, kind: ContextKind) -> Option<&[String]> {
    match e.get(kind) {
        Some(ContextValue::Strings(v)) => Some(v),
        _ => None,
    }
}

fn number(e: &clap::Error, kind: ContextKind) -> isize {
    match e.get(kind) {
        Some(ContextValue::Number(n)) => *n,
        _ => 0,
    }
}

fn provided(e: &clap::Error) -> &'static str {
    if number(e, ContextKind::ActualNumValues) > 1 {
        "were provided"
    } else {
        "was provided"
    }
}

/// `text [name: a, b]`, values with spaces quoted as clap does.
fn with_list(text: String, name: &str, e: &clap::Error, kind: ContextKind) -> String {
    match strings(e, kind) {
        Some(values) if !values.is_empty() => {
            let values: Vec<String> = values
                .iter()
                .map(|v| {
                    if v.is_empty() || v.contains(char::is_whitespace) {
                        format!("{v:?}")
                    } else {
                        v.clone()
                    }
                })
                .collect();
            format!("{text} [{name}: {}]", values.join(", "))
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::Cli;

    /// Parse `lamctl ARGS…`, which must fail, into (kind, message, hint).
    fn fail(args: &[&str]) -> (ErrorKind, String, Option<String>) {
        let e = Cli::try_parse_from(std::iter::once("lamctl").chain(args.iter().copied()))
            .expect_err("parse should fail");
        let err = usage_error(&e);
        assert_eq!(err.code(), 2);
        (e.kind(), err.to_string(), err.hint().map(str::to_string))
    }

    #[track_caller]
    fn check(args: &[&str], kind: ErrorKind, message: &str, hint: Option<&str>) {
        let (k, m, h) = fail(args);
        assert_eq!(k, kind, "{args:?}");
        assert_eq!(m, message, "{args:?}");
        assert_eq!(h.as_deref(), hint, "{args:?}");
    }

    #[test]
    fn invalid_value_lists_the_possible_values() {
        check(
            &["whoami", "--color", "purple"],
            ErrorKind::InvalidValue,
            "invalid value 'purple' for '--color <COLOR>' [possible values: auto, always, never]",
            None,
        );
        check(
            &["completions", "tcsh"],
            ErrorKind::InvalidValue,
            "invalid value 'tcsh' for '<SHELL>' [possible values: bash, elvish, fish, powershell, zsh]",
            Some("a similar value exists: 'zsh'"),
        );
    }

    #[test]
    fn dash_o_is_the_output_format_and_a_file_name_gets_a_hint() {
        let (k, m, h) = fail(&["package", "-o", "out.zip"]);
        assert_eq!(k, ErrorKind::InvalidValue);
        assert!(
            m.starts_with("invalid value 'out.zip' for '--output <OUTPUT>'"),
            "{m}"
        );
        assert!(
            h.unwrap()
                .starts_with("-o is --output (text or json); a file to write is --out FILE"),
        );
        let cli = Cli::try_parse_from(["lamctl", "deploy", "-o", "json"]).unwrap();
        assert_eq!(cli.global.output, crate::cli::OutputArg::Json);
    }

    #[test]
    fn missing_value_says_so() {
        check(
            &["whoami", "--color="],
            ErrorKind::InvalidValue,
            "a value is required for '--color <COLOR>' but none was supplied \
             [possible values: auto, always, never]",
            None,
        );
        check(
            &["logs", "f", "--follow-for"],
            ErrorKind::InvalidValue,
            "a value is required for '--follow-for <DURATION>' but none was supplied",
            None,
        );
    }

    #[test]
    fn value_parser_reason_follows_the_value() {
        let (k, m, h) = fail(&["whoami", "--read-timeout", "soon"]);
        assert_eq!(k, ErrorKind::ValueValidation);
        assert!(
            m.starts_with(
                "invalid value 'soon' for '--read-timeout <DURATION>': 'soon' is not a duration"
            ),
            "{m}"
        );
        assert_eq!(h, None);
        check(
            &["deploy", "--canary", "150", "--alias", "a"],
            ErrorKind::ValueValidation,
            "invalid value '150' for '--canary <PERCENT>': '150' is not a percentage between 0 and 100 (exclusive)",
            None,
        );
        // An environment variable's value is never echoed (it may be a secret).
        check(
            &["deploy", "--env", "NOEQUALS"],
            ErrorKind::ValueValidation,
            "invalid value for '--env <KEY=VALUE>': no '=': give KEY=VALUE",
            None,
        );
        check(
            &["deploy", "--env", "1BAD=hunter2"],
            ErrorKind::ValueValidation,
            "invalid value for '--env <KEY=VALUE>': invalid environment variable name '1BAD': \
             start with a letter, then letters, digits or _",
            None,
        );
        // A long value is cut short.
        let (_, m, _) = fail(&["deploy", "--s3-key", &"k".repeat(1100)]);
        assert!(
            m.starts_with(&format!(
                "invalid value '{}…' (1100 characters) for '--s3-key <KEY>': ",
                "k".repeat(32)
            )),
            "{m}"
        );
        check(
            &["invoke", "fn", "--parallel", "0"],
            ErrorKind::ValueValidation,
            "invalid value '0' for '--parallel <N>': 0 is not in 1..=100",
            None,
        );
    }

    #[test]
    fn unknown_argument_suggests_and_shows_usage() {
        check(
            &["whoami", "--colr", "always"],
            ErrorKind::UnknownArgument,
            "unexpected argument '--colr' found",
            Some(
                "a similar argument exists: '--color'; \
                 usage: lamctl whoami --color <COLOR> (see 'lamctl whoami --help')",
            ),
        );
        check(
            &["whoami", "extra"],
            ErrorKind::UnknownArgument,
            "unexpected argument 'extra' found",
            Some("usage: lamctl whoami [OPTIONS] (see 'lamctl whoami --help')"),
        );
        check(
            &["invoke", "fn", "-x"],
            ErrorKind::UnknownArgument,
            "unexpected argument '-x' found",
            Some(
                "to pass '-x' as a value, use '-- -x'; \
                 usage: lamctl invoke [OPTIONS] [NAME] (see 'lamctl invoke --help')",
            ),
        );
        check(
            &["--", "whoami"],
            ErrorKind::UnknownArgument,
            "unexpected argument 'whoami' found",
            Some(
                "subcommand 'whoami' exists; to use it, remove the '--' before it; \
                 usage: lamctl [OPTIONS] <COMMAND> (see 'lamctl --help')",
            ),
        );
    }

    #[test]
    fn unknown_subcommand_suggests() {
        check(
            &["whoam"],
            ErrorKind::InvalidSubcommand,
            "unrecognized subcommand 'whoam'",
            Some(
                "a similar subcommand exists: 'whoami'; \
                 usage: lamctl [OPTIONS] <COMMAND> (see 'lamctl --help')",
            ),
        );
    }

    #[test]
    fn missing_subcommand_lists_them() {
        let (k, m, h) = fail(&["--region", "x"]);
        assert_eq!(k, ErrorKind::MissingSubcommand);
        assert!(
            m.starts_with(
                "'lamctl' requires a subcommand but one was not provided [subcommands: package, "
            ),
            "{m}"
        );
        assert_eq!(
            h.as_deref(),
            Some("usage: lamctl [OPTIONS] <COMMAND> (see 'lamctl --help')")
        );
    }

    #[test]
    fn missing_required_argument_names_it() {
        check(
            &["completions"],
            ErrorKind::MissingRequiredArgument,
            "the following required arguments were not provided: <SHELL>",
            Some("usage: lamctl completions <SHELL> (see 'lamctl completions --help')"),
        );
        check(
            &["concurrency", "hello", "--provisioned", "2"],
            ErrorKind::MissingRequiredArgument,
            "the following required arguments were not provided: --qualifier <QUALIFIER>",
            Some(
                "usage: lamctl concurrency --qualifier <QUALIFIER> --provisioned <N> <NAME> [N] \
                 (see 'lamctl concurrency --help')",
            ),
        );
    }

    #[test]
    fn conflicts_name_both_sides() {
        check(
            &["invoke", "fn", "--ndjson", "--stream"],
            ErrorKind::ArgumentConflict,
            "the argument '--ndjson' cannot be used with '--stream'",
            Some("usage: lamctl invoke --ndjson <NAME> (see 'lamctl invoke --help')"),
        );
        check(
            &["invoke", "fn", "--pretty", "--ndjson", "--stream"],
            ErrorKind::ArgumentConflict,
            "the argument '--pretty' cannot be used with: --ndjson --stream",
            Some("usage: lamctl invoke --pretty <NAME> (see 'lamctl invoke --help')"),
        );
        check(
            &["whoami", "--region", "a", "--region", "b"],
            ErrorKind::ArgumentConflict,
            "the argument '--region <REGION>' cannot be used multiple times",
            Some("usage: lamctl whoami [OPTIONS] (see 'lamctl whoami --help')"),
        );
    }

    #[test]
    fn too_many_values_for_a_flag() {
        check(
            &["whoami", "--quiet=yes"],
            ErrorKind::TooManyValues,
            "unexpected value 'yes' for '--quiet' found; no more were expected",
            Some("usage: lamctl whoami --quiet (see 'lamctl whoami --help')"),
        );
    }

    #[test]
    fn wording_of_kinds_lamctl_cannot_reach_yet() {
        // lamctl has no require_equals or fixed-count flags; these pin the
        // wording for when it does, from errors built the way clap builds them.
        let mut e = clap::Error::new(ErrorKind::NoEquals);
        e.insert(
            ContextKind::InvalidArg,
            ContextValue::String("--x <X>".into()),
        );
        assert_eq!(
            message(&e),
            "equal sign is needed when assigning values to '--x <X>'"
        );
        let mut e = clap::Error::new(ErrorKind::WrongNumberOfValues);
        e.insert(
            ContextKind::InvalidArg,
            ContextValue::String("--pair <A> <B>".into()),
        );
        e.insert(ContextKind::ExpectedNumValues, ContextValue::Number(2));
        e.insert(ContextKind::ActualNumValues, ContextValue::Number(1));
        assert_eq!(
            message(&e),
            "2 values required for '--pair <A> <B>' but 1 was provided"
        );
        let mut e = clap::Error::new(ErrorKind::TooFewValues);
        e.insert(
            ContextKind::InvalidArg,
            ContextValue::String("--many <M>...".into()),
        );
        e.insert(ContextKind::MinValues, ContextValue::Number(3));
        e.insert(ContextKind::ActualNumValues, ContextValue::Number(2));
        assert_eq!(
            message(&e),
            "3 values required by '--many <M>...'; only 2 were provided"
        );
    }

    #[test]
    fn other_kinds_fall_back_to_one_clean_line() {
        use std::os::unix::ffi::OsStrExt;
        let bad = std::ffi::OsStr::from_bytes(b"\xff");
        let e = Cli::try_parse_from([
            std::ffi::OsStr::new("lamctl"),
            "whoami".as_ref(),
            "--region".as_ref(),
            bad,
        ])
        .expect_err("invalid UTF-8");
        assert_eq!(e.kind(), ErrorKind::InvalidUtf8);
        let err = usage_error(&e);
        assert_eq!(
            err.to_string(),
            "invalid UTF-8 was detected in one or more arguments"
        );
        assert_eq!(
            err.hint(),
            Some("usage: lamctl whoami [OPTIONS] (see 'lamctl whoami --help')")
        );

        // An error with its own text and no context keeps that text, once.
        let e = clap::Error::raw(ErrorKind::ValueValidation, "disk is on fire\n");
        let err = usage_error(&e);
        assert_eq!(err.to_string(), "disk is on fire");
        assert_eq!(err.hint(), None);

        // No context and no text of its own: clap's description of the kind.
        let e = clap::Error::new(ErrorKind::ArgumentConflict);
        assert_eq!(
            usage_error(&e).to_string(),
            "an argument cannot be used with one or more of the other specified arguments"
        );
    }
}
