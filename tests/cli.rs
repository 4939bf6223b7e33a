//! The command-line surface: clap's own checks, help of every command,
//! generated completions and man page, streams and exit codes.

use std::path::Path;

use clap::CommandFactory;
use lamctl::cli::Cli;

use crate::harness::*;

#[test]
fn clap_definition_is_consistent() {
    Cli::command().debug_assert();
}

fn subcommands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

#[test]
fn help_of_every_command() {
    let out = lamctl(["--help"]).run();
    out.success();
    insta::assert_snapshot!("help", out.stdout());
    for sub in subcommands() {
        let out = lamctl([sub.as_str(), "--help"]).run();
        out.success();
        for global in [
            "--profile",
            "--region",
            "--endpoint-url",
            "--output",
            "--quiet",
            "--verbose",
            "--color",
            "--config",
        ] {
            assert!(out.stdout().contains(global), "{sub} --help lacks {global}");
        }
        insta::assert_snapshot!(format!("help-{sub}"), out.stdout());
    }
}

/// Set LAMCTL_UPDATE_GENERATED=1 to rewrite the checked-in files.
fn check_generated(path: &Path, fresh: &[u8]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join(path);
    if std::env::var_os("LAMCTL_UPDATE_GENERATED").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    let current = std::fs::read(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "{} is stale: run `LAMCTL_UPDATE_GENERATED=1 cargo test --test lib generated` and commit it",
        path.display()
    );
}

#[test]
fn generated_completions_are_fresh() {
    use clap_complete::Shell;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let out = lamctl(["completions", &shell.to_string()]).run();
        out.success();
        // Dynamic: the script asks `COMPLETE=SHELL lamctl` on each TAB, so
        // it knows every flag, command, function, alias and version.
        assert!(
            out.stdout().contains("COMPLETE") && out.stdout().contains("lamctl"),
            "{shell} completion does not call lamctl"
        );
        check_generated(
            &Path::new("completions").join(lamctl::commands::completions::file_name(shell)),
            &out.stdout,
        );
    }
}

#[test]
fn generated_man_page_is_fresh() {
    let out = lamctl(["man"]).run();
    out.success();
    let page = out.stdout();
    assert!(
        page.starts_with(".ie") || page.contains(".TH lamctl"),
        "not roff: {}",
        &page[..page.len().min(200)]
    );
    for sub in subcommands() {
        assert!(
            page.contains(&format!("LAMCTL {}", sub.to_uppercase())),
            "man page lacks {sub}"
        );
    }
    check_generated(Path::new("docs/lamctl.1"), &out.stdout);
}

#[test]
fn bash_completion_loads_in_bash() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/lamctl.bash");
    let status = std::process::Command::new("bash")
        .args([
            "-c",
            &format!("source {} && complete -p lamctl", path.display()),
        ])
        .output()
        .expect("bash");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn usage_errors_are_one_line_exit_2() {
    lamctl(["bogus"])
        .run()
        .fails(2, "unrecognized subcommand 'bogus'");
    lamctl(["whoami", "--color", "purple"])
        .run()
        .fails(2, "invalid value 'purple' for '--color <COLOR>'");
    lamctl(["whoami", "--output", "yaml"])
        .run()
        .fails(2, "invalid value 'yaml'");
    lamctl(["whoami", "--read-timeout", "soon"])
        .run()
        .fails(2, "'soon' is not a duration");
    lamctl(["completions", "tcsh"])
        .run()
        .fails(2, "invalid value 'tcsh'");
}

#[test]
fn version_goes_to_stdout() {
    let out = lamctl(["--version"]).run();
    out.success();
    assert_eq!(
        out.stdout().trim(),
        format!("lamctl {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn broken_pipe_on_stdout_is_exit_0() {
    let out = lamctl(["man"]).run_closed_stdout();
    out.success();
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn ctrl_c_is_exit_130() {
    let ep = silent_endpoint();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_lamctl"))
        .args([
            "whoami",
            "--region",
            REGION,
            "--endpoint-url",
            &ep,
            "--read-timeout",
            "60s",
        ])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(700));
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: interrupted"
    );
}

#[test]
fn verbose_quiet_and_colour_go_to_stderr_only() {
    let out = lamctl(["whoami", "--output", "json", "-v"]).moto().run();
    out.success();
    out.json();
    assert!(
        out.stderr.contains("region us-east-1 (from --region)"),
        "-v explains: {}",
        out.stderr
    );

    let out = lamctl(["whoami", "--output", "json"]).moto().run();
    assert!(out.stderr.is_empty(), "quiet by default: {}", out.stderr);

    // Forced colour reaches stderr even when it is a pipe.
    let out = lamctl(["whoami", "--region", "bad region", "--color", "always"]).run();
    assert!(
        out.stderr.starts_with(&coloured_error()),
        "coloured: {:?}",
        out.stderr
    );
}

// Colour on a terminal. Each runs lamctl with stderr on a pseudo-terminal:
// on a pipe colour is off anyway, so only a terminal shows that NO_COLOR,
// --color and TERM=dumb turn it off (and that it is on without them).

/// `error:` as lamctl paints it.
fn coloured_error() -> String {
    let style = lamctl::output::ERROR;
    format!("{style}error:{style:#} ")
}

/// A bad-input failure (exit 2, no AWS call) on a terminal.
fn bad_region_on_tty(extra: &[&str], env: &[(&str, &str)]) -> Out {
    let mut args = vec!["whoami", "--region", "bad region"];
    args.extend_from_slice(extra);
    let mut cmd = lamctl(args);
    for (k, v) in env {
        cmd = cmd.env(k, v);
    }
    let out = cmd.run_tty(Tty::Stderr);
    out.plain()
        .fails(2, "'bad region' (from --region) is not an AWS region");
    out
}

#[track_caller]
fn assert_coloured(out: &Out) {
    assert!(
        out.stderr.starts_with(&coloured_error()),
        "expected a coloured `error:`: {:?}",
        out.stderr
    );
}

#[track_caller]
fn assert_plain(out: &Out) {
    assert!(
        out.stderr.starts_with("error: ") && !out.stderr.contains('\u{1b}'),
        "expected no escape codes: {:?}",
        out.stderr
    );
}

#[test]
fn terminal_gets_colour_by_default() {
    assert_coloured(&bad_region_on_tty(&[], &[]));
    // An empty NO_COLOR is unset (no-color.org).
    assert_coloured(&bad_region_on_tty(&[], &[("NO_COLOR", "")]));
}

#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    assert_plain(&bad_region_on_tty(&[], &[("NO_COLOR", "1")]));
}

#[test]
fn color_never_turns_colour_off_on_a_terminal() {
    assert_plain(&bad_region_on_tty(&["--color", "never"], &[]));
}

#[test]
fn color_always_beats_no_color() {
    assert_coloured(&bad_region_on_tty(
        &["--color", "always"],
        &[("NO_COLOR", "1")],
    ));
}

#[test]
fn dumb_terminal_gets_no_colour() {
    assert_plain(&bad_region_on_tty(&[], &[("TERM", "dumb")]));
}

#[test]
fn usage_errors_are_coloured_on_a_terminal_unless_no_color() {
    // clap failed, so --color is unknown: the terminal and NO_COLOR decide.
    let out = lamctl(["whoami", "--colr", "never"]).run_tty(Tty::Stderr);
    out.plain().fails(2, "unexpected argument '--colr' found");
    assert_coloured(&out);
    let out = lamctl(["whoami", "--colr", "never"])
        .env("NO_COLOR", "1")
        .run_tty(Tty::Stderr);
    out.plain().fails(2, "unexpected argument '--colr' found");
    assert_plain(&out);
}

#[test]
fn tty_runner_puts_the_chosen_streams_on_a_terminal() {
    let version = format!("lamctl {}", env!("CARGO_PKG_VERSION"));
    let out = lamctl(["--version"]).run_tty(Tty::StdoutAndStderr);
    out.success();
    assert!(out.stdout.is_empty(), "{:?}", out.stdout());
    assert_eq!(out.stderr, format!("{version}\n"), "the terminal showed");
    let out = lamctl(["--version"]).run_tty(Tty::Stderr);
    out.success();
    assert_eq!(out.stdout().trim(), version);
    assert!(out.stderr.is_empty(), "{:?}", out.stderr);
    assert_eq!(strip_ansi(&format!("{}x", coloured_error())), "error: x");
}
