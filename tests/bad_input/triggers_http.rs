//! `[api]` and `[[s3]]` (issue 24): every value checked before any call,
//! naming the key and its line.

use super::{Case, long, toml};

const ROUTE: &str = "[[api.route]]\nmethod = \"GET\"\npath = \"/translate\"\n";

pub(super) fn cases() -> Vec<Case> {
    vec![
        // CORS: an empty origin, a too long max age, an unknown key,
        // credentials with any origin, too many methods.
        toml(
            &format!("[api.cors]\nallow_origins = [\"\"]\n{ROUTE}"),
            "allow_origins",
        ),
        toml(&format!("[api.cors]\nmax_age = 90000\n{ROUTE}"), "max_age"),
        toml(
            &format!("[api.cors]\nallow_colours = [\"red\"]\n{ROUTE}"),
            "allow_colours",
        ),
        toml(
            &format!("[api.cors]\nallow_origins = [\"*\"]\nallow_credentials = true\n{ROUTE}"),
            "allow_credentials",
        ),
        toml(
            &format!(
                "[api.cors]\nallow_methods = [\"GET\",\"PUT\",\"POST\",\"HEAD\",\"PATCH\",\"DELETE\",\"OPTIONS\"]\n{ROUTE}"
            ),
            "allow_methods",
        ),
        // Auth: an unknown type, JWT without https, an empty audience.
        toml(&format!("[api.auth]\ntype = \"oauth\"\n{ROUTE}"), "auth"),
        toml(
            &format!(
                "[api.auth]\ntype = \"jwt\"\nissuer = \"http://idp\"\naudience = [\"a\"]\n{ROUTE}"
            ),
            "issuer",
        ),
        toml(
            &format!(
                "[api.auth]\ntype = \"jwt\"\nissuer = \"https://idp\"\naudience = []\n{ROUTE}"
            ),
            "audience",
        ),
        // A name too long.
        toml(&format!("[api]\nname = \"{}\"\n{ROUTE}", long(129)), "name"),
        // S3: a bad bucket, an unknown event, an empty or too long filter,
        // no bucket, an unknown key, the same entry twice.
        toml("[[s3]]\nbucket = \"Bad_Bucket\"", "bucket"),
        toml(
            "[[s3]]\nbucket = \"good-bucket\"\nevents = [\"s3:ObjectCreated\"]",
            "events",
        ),
        toml("[[s3]]\nbucket = \"good-bucket\"\nprefix = \"\"", "prefix"),
        toml(
            &format!(
                "[[s3]]\nbucket = \"good-bucket\"\nsuffix = \"{}\"",
                long(1025)
            ),
            "suffix",
        ),
        toml("[[s3]]\nevents = [\"s3:ObjectCreated:*\"]", "bucket"),
        toml("[[s3]]\nbucket = \"good-bucket\"\nqueue = \"x\"", "queue"),
        toml(
            "[[s3]]\nbucket = \"good-bucket\"\n[[s3]]\nbucket = \"good-bucket\"",
            "given twice",
        ),
    ]
}
