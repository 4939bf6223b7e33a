//! Issue 22's day-2 cases: alias routes Lambda would refuse, alias usage,
//! delete's flags.

use super::{Case, case};

pub(super) fn cases() -> Vec<Case> {
    let no_toml = |args: &[&str], needle: &str| Case {
        toml: None,
        ..case(args, 2, needle)
    };
    vec![
        case(
            &[
                "alias",
                "good",
                "live",
                "--version",
                "$LATEST",
                "--weight",
                "2=10",
            ],
            2,
            "$LATEST",
        ),
        case(
            &[
                "alias",
                "good",
                "live",
                "--version",
                "3",
                "--weight",
                "3=10",
            ],
            2,
            "already points at version 3",
        ),
        case(&["alias"], 2, "ALIAS is required"),
        no_toml(&["alias", "live"], "no function for alias 'live'"),
        case(&["alias", "good", "live", "extra"], 2, "extra"),
        case(
            &["delete", "good", "--qualifier", "2", "--with-role", "--yes"],
            2,
            "--with-role",
        ),
    ]
}
