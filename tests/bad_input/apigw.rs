//! Bad input to `serve --api`: the flag's value, and `[api]` /
//! `[[api.route]]` in lamctl.toml (read before anything starts).

use super::{Case, case};

/// `lamctl serve --api KIND` with the good lamctl.toml plus `extra`.
fn serve_api(kind: &str, extra: &str, needle: &str) -> Case {
    let mut c = case(&["serve", "--port", "0", "--api", kind], 2, needle);
    if let Some(t) = &mut c.toml {
        t.push_str(extra);
    }
    c
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        case(&["serve", "--api", "soap"], 2, "--api"),
        case(&["serve", "--api", "http", "--url"], 2, "--url"),
        serve_api(
            "rest",
            "[api]\npayload_format = \"2.0\"\n",
            "payload_format",
        ),
        serve_api(
            "http",
            "[api]\npayload_format = \"3.0\"\n",
            "payload_format",
        ),
        serve_api("http", "[api]\ncolour = \"red\"\n", "colour"),
        serve_api("http", "[api]\nstage = \"$prod\"\n", "stage"),
        serve_api(
            "http",
            "[api]\nbinary_media_types = \"image/png\"\n",
            "binary_media_types",
        ),
        serve_api(
            "http",
            "[api]\nstage_variables = { env = 1 }\n",
            "stage_variables",
        ),
        serve_api(
            "rest",
            "[[api.route]]\nmethod = \"FETCH\"\npath = \"/a\"\n",
            "method",
        ),
        serve_api(
            "http",
            "[[api.route]]\nmethod = \"GET\"\npath = \"a\"\n",
            "path",
        ),
        serve_api(
            "http",
            "[[api.route]]\nmethod = \"GET\"\npath = \"/{proxy+}/x\"\n",
            "path",
        ),
        serve_api("http", "[[api.route]]\nmethod = \"GET\"\n", "path"),
        serve_api(
            "http",
            "[[api.route]]\nmethod = \"GET\"\npath = \"/a\"\n[[api.route]]\nmethod = \"GET\"\npath = \"/a\"\n",
            "GET /a",
        ),
    ]
}
