//! Every day-2 command's `--output json` document: a snapshot (insta) with
//! what changes from run to run redacted, and checked against its schema
//! in docs/json/ (a structural check: types, required keys, no key the
//! schema does not know).

use std::path::Path;

use serde_json::Value;

use super::{Fn, create_alias};
use crate::harness::*;

/// Names, ARNs, dates, digests, ports and paths vary between runs: each
/// becomes a placeholder, so the snapshot pins the document's shape and
/// its stable values.
pub(crate) fn redact(v: &mut Value, subs: &[(&str, &str)]) {
    match v {
        Value::String(s) => {
            let mut t = s.clone();
            for (from, to) in subs {
                t = t.replace(from, to);
            }
            *s = placeholder(&t).unwrap_or(t);
        }
        Value::Array(a) => a.iter_mut().for_each(|x| redact(x, subs)),
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if k == "request_id" && x.is_string() {
                    *x = Value::from("[REQUEST-ID]");
                } else {
                    redact(x, subs);
                }
            }
        }
        _ => {}
    }
}

fn placeholder(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let date = b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[..4].iter().all(u8::is_ascii_digit);
    if date {
        return Some("[DATE]".into());
    }
    if s.len() == 44 && s.ends_with('=') && !s.contains(' ') {
        return Some("[SHA256]".into());
    }
    if s.len() == 64 && s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Some("[SHA256-HEX]".into());
    }
    if s.len() == 36 && s.matches('-').count() == 4 && !s.contains(' ') {
        return Some("[UUID]".into());
    }
    if s.starts_with("https://") && s.contains(".lambda-url.") {
        return Some("[FUNCTION-URL]".into());
    }
    None
}

/// `lamctl ARGS -o json` in `f`'s directory; the document, redacted.
fn doc(f: &Fn, args: &[&str], code: i32) -> Value {
    let mut all = args.to_vec();
    all.extend(["--output", "json"]);
    let out = f.run(&all);
    assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
    let mut v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", out.stdout()));
    let dir = f.dir.path().canonicalize().unwrap();
    redact(
        &mut v,
        &[
            (&dir.to_string_lossy(), "[DIR]"),
            (&f.dir.path().to_string_lossy(), "[DIR]"),
            (&moto().endpoint, "[ENDPOINT]"),
            (&f.name, "[FN]"),
        ],
    );
    v
}

/// Snapshot `v` as `json-SNAP` and check it against docs/json/NAME.schema.json.
fn check(name: &str, snap: &str, v: &Value) {
    conform(name, v);
    insta::assert_snapshot!(
        format!("json-{snap}"),
        serde_json::to_string_pretty(v).unwrap()
    );
}

/// Panic unless `v` conforms to docs/json/NAME.schema.json.
pub(crate) fn conform(name: &str, v: &Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/json")
        .join(format!("{name}.schema.json"));
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Err(e) = conforms(v, &schema, &schema, "$") {
        panic!("{name}: {e}\n{}", serde_json::to_string_pretty(v).unwrap());
    }
}

/// The part of JSON Schema the documents use: `type` (one or a list),
/// `enum`, `properties`, `required`, `additionalProperties` (false or a
/// schema), `items`, `oneOf`, `$ref` to `#/$defs/NAME`.
fn conforms(v: &Value, s: &Value, root: &Value, at: &str) -> Result<(), String> {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r
            .strip_prefix("#/$defs/")
            .ok_or(format!("{at}: $ref {r}"))?;
        return conforms(v, &root["$defs"][name], root, at);
    }
    if let Some(any) = s.get("oneOf").and_then(Value::as_array) {
        let ok = any
            .iter()
            .filter(|s| conforms(v, s, root, at).is_ok())
            .count();
        return (ok == 1)
            .then_some(())
            .ok_or(format!("{at}: matches {ok} of oneOf"));
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let is = |t: &str| match t {
            "null" => v.is_null(),
            "boolean" => v.is_boolean(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => false,
        };
        if !types.iter().any(|t| is(t)) {
            return Err(format!("{at}: {v} is not {types:?}"));
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        return Err(format!("{at}: {v} is not one of {e:?}"));
    }
    if let Value::Object(o) = v {
        let props = s.get("properties").and_then(Value::as_object);
        for k in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !o.contains_key(k) {
                return Err(format!("{at}: required key {k} is missing"));
            }
        }
        for (k, x) in o {
            let at = format!("{at}.{k}");
            match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                (Some(ps), _) => conforms(x, ps, root, &at)?,
                (None, Some(Value::Bool(false))) => {
                    return Err(format!("{at}: not in the schema"));
                }
                (None, Some(extra)) if extra.is_object() => conforms(x, extra, root, &at)?,
                (None, _) => {}
            }
        }
    }
    if let (Value::Array(a), Some(items)) = (v, s.get("items")) {
        for (i, x) in a.iter().enumerate() {
            conforms(x, items, root, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

#[test]
fn every_day2_json_document_matches_its_schema_and_snapshot() {
    let f = Fn::new("jsn");
    f.publish(2);
    create_alias(&f.name, "live", "2");

    check("list", "list", &doc(&f, &["list", "--prefix", &f.name], 0));
    check("info", "info", &doc(&f, &["info"], 0));
    check("versions", "versions", &doc(&f, &["versions"], 0));
    check(
        "versions",
        "versions-prune",
        &doc(&f, &["versions", "--prune", "--keep", "1", "--dry-run"], 0),
    );
    check(
        "alias",
        "alias",
        &doc(&f, &["alias", "beta", "--version", "1"], 0),
    );
    check(
        "alias",
        "alias-weight",
        &doc(&f, &["alias", "beta", "--weight", "2=10"], 0),
    );
    check("rollback", "rollback", &doc(&f, &["rollback"], 0));
    check("url", "url", &doc(&f, &["url", "--auth", "none"], 0));
    check(
        "concurrency",
        "concurrency",
        &doc(&f, &["concurrency", "5"], 0),
    );
    check("whoami", "whoami", &doc(&f, &["whoami"], 0));
    check("package", "package", &doc(&f, &["package"], 0));
    check(
        "invoke",
        "invoke",
        &doc(&f, &["invoke", "--payload", "{\"a\":1}"], 0),
    );
    check("diff", "diff", &doc(&f, &["diff"], 0));
    check("delete", "delete", &doc(&f, &["delete", "--yes"], 0));
}

#[test]
fn the_schema_check_catches_a_wrong_type_a_missing_key_and_an_unknown_key() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/json/versions.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let good = serde_json::json!({"function": "f", "dry_run": false, "versions": [
        {"version": "1", "last_modified": null, "description": "", "code_sha256": null,
         "code_size": 1, "aliases": []}]});
    assert_eq!(conforms(&good, &schema, &schema, "$"), Ok(()));
    let mut number = good.clone();
    number["versions"][0]["version"] = Value::from(1);
    assert!(
        conforms(&number, &schema, &schema, "$")
            .unwrap_err()
            .contains("version")
    );
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("dry_run");
    assert!(
        conforms(&missing, &schema, &schema, "$")
            .unwrap_err()
            .contains("dry_run")
    );
    let mut unknown = good;
    unknown["extra"] = Value::from(true);
    assert!(
        conforms(&unknown, &schema, &schema, "$")
            .unwrap_err()
            .contains("extra")
    );
}
