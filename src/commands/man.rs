//! `lamctl man`: the man page, rendered from the clap definition: the main
//! page with EXAMPLES (every command's), EXIT STATUS, ENVIRONMENT and
//! FILES, then a section per command with its own synopsis, options and
//! examples.

use crate::error::{Error, Result};
use crate::output::write_stdout;

pub fn run(cli: clap::Command) -> Result<()> {
    write_stdout(&render(cli)?)
}

const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success."),
    (
        "1",
        "The operation failed: an AWS error, the network, a file.",
    ),
    (
        "2",
        "Bad usage or bad input, found before any AWS call was made.",
    ),
    (
        "3",
        "The invoked function reported an error (FunctionError).",
    ),
    ("4", "lamctl diff --exit-code found differences."),
    (
        "129",
        "Hung up (SIGHUP, the terminal closed); cleaned up first.",
    ),
    ("130", "Interrupted (SIGINT); cleaned up first."),
    ("143", "Terminated (SIGTERM); cleaned up first."),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    ("AWS_PROFILE", "The AWS profile, below --profile."),
    (
        "AWS_REGION, AWS_DEFAULT_REGION",
        "The region, below --region.",
    ),
    (
        "AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>",
        "Send AWS calls (of one service) to this endpoint, below --endpoint-url.",
    ),
    (
        "AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE",
        "The shared AWS config and credentials files.",
    ),
    (
        "NO_COLOR",
        "When set and not empty, no colour unless --color always.",
    ),
    (
        "LAMCTL_COMPLETE",
        "Set by the completion script: the run answers a TAB instead of running a command.",
    ),
    (
        "XDG_CACHE_HOME",
        "Where completion answers are cached for 45 seconds (default ~/.cache).",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "lamctl.toml",
        "The function definition in the current directory (or -c FILE): name, runtime, handler, \
         role, memory, timeout, environment, tags, source, [aws], [package], [deploy].",
    ),
    (
        ".lamctlignore",
        "gitignore-style patterns left out of the package.",
    ),
    (
        ".lamctl/NAME.zip",
        "The package lamctl package and lamctl deploy write.",
    ),
    (
        "~/.aws/config, ~/.aws/credentials",
        "Profiles, regions and credentials (SSO, assume-role and credential_process included).",
    ),
    (
        "~/.cache/lamctl/complete-*",
        "Completion answers (names only), reused for 45 seconds.",
    ),
];

pub fn render(cmd: clap::Command) -> Result<Vec<u8>> {
    let fail = |e: std::io::Error| Error::failed(format!("cannot render the man page: {e}"));
    let mut buf = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut buf).map_err(fail)?;
    man.render_name_section(&mut buf).map_err(fail)?;
    man.render_synopsis_section(&mut buf).map_err(fail)?;
    man.render_description_section(&mut buf).map_err(fail)?;
    man.render_options_section(&mut buf).map_err(fail)?;
    man.render_subcommands_section(&mut buf).map_err(fail)?;

    let mut text = String::from(".SH EXAMPLES\n");
    for c in std::iter::once(&cmd).chain(cmd.get_subcommands()) {
        text.push_str(&examples(c));
    }
    text.push_str(&list("EXIT STATUS", EXIT_STATUS));
    text.push_str(&list("ENVIRONMENT", ENVIRONMENT));
    text.push_str(&list("FILES", FILES));
    buf.extend_from_slice(text.as_bytes());

    for sub in cmd.get_subcommands() {
        let name = format!("lamctl {}", sub.get_name());
        let sub = sub.clone().bin_name(name.clone());
        buf.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let page = clap_mangen::Man::new(sub);
        page.render_description_section(&mut buf).map_err(fail)?;
        page.render_synopsis_section(&mut buf).map_err(fail)?;
        page.render_options_section(&mut buf).map_err(fail)?;
    }
    man.render_version_section(&mut buf).map_err(fail)?;
    Ok(buf)
}

/// A command's examples (its help's `Examples:` lines) as a no-fill block.
fn examples(cmd: &clap::Command) -> String {
    let Some(after) = cmd.get_after_help().map(|s| s.to_string()) else {
        return String::new();
    };
    let lines: Vec<&str> = after
        .lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return String::new();
    }
    let mut s = String::from(".PP\n.nf\n.RS 4\n");
    for l in lines {
        s.push_str(&escape(l));
        s.push('\n');
    }
    s.push_str(".RE\n.fi\n");
    s
}

fn list(title: &str, items: &[(&str, &str)]) -> String {
    let mut s = format!(".SH \"{title}\"\n");
    for (k, v) in items {
        s.push_str(&format!(".TP\n\\fB{}\\fR\n{}\n", escape(k), escape(v)));
    }
    s
}

/// Text safe in roff: backslashes printed, no line read as a request.
fn escape(s: &str) -> String {
    let s = s.replace('\\', "\\e").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_become_a_literal_block() {
        let cmd = clap::Command::new("x").after_help("Examples:\n  x --a '{\\\"k\\\": 1}'\n  x b");
        let s = examples(&cmd);
        assert!(s.contains("x \\-\\-a '{\\e\"k\\e\": 1}'\nx b\n"), "{s}");
        assert_eq!(escape(".hidden"), "\\&.hidden");
    }
}
