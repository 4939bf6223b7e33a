//! Issue 25's `logs` over several functions: names with --log-group,
//! --all with names, --all finding nothing, a bad name among several.

use super::{Case, case};

pub(super) fn cases() -> Vec<Case> {
    vec![
        case(&["logs", "fa", "fb", "--log-group", "/g"], 2, "--log-group"),
        case(&["logs", "--all", "fa"], 2, "--all"),
        case(&["logs", "--all", "--log-group", "/g"], 2, "--all"),
        case(&["logs", "fa", "not a name"], 2, "invalid function name"),
        case(&["logs", "fa", "fb", "--qualifier", "a.b"], 2, "qualifier"),
    ]
}
