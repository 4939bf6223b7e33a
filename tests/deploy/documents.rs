//! What deploy prints, pinned: the `--output json` summary and the dry-run
//! plan (text and JSON) as insta snapshots, after filters that redact the
//! run's own values (the function's unique name, the package's hashes, the
//! URL moto makes up); and both JSON documents checked against their
//! schemas in docs/json/.

use super::*;

const SUMMARY_SCHEMA: &str = include_str!("../../docs/json/deploy.schema.json");
const PLAN_SCHEMA: &str = include_str!("../../docs/json/deploy-plan.schema.json");

/// Replace each `(needle, placeholder)`, then the host of any function URL.
fn redact(text: &str, filters: &[(String, &'static str)]) -> String {
    let mut out = text.to_string();
    for (needle, placeholder) in filters {
        out = out.replace(needle.as_str(), placeholder);
    }
    let mut rest = out.as_str();
    let mut done = String::new();
    while let Some(at) = rest.find("https://") {
        let host = at + "https://".len();
        let id = rest[host..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(rest.len(), |e| host + e);
        done.push_str(&rest[..host]);
        if rest[id..].starts_with(".lambda-url.") {
            done.push_str("[url-id]");
        } else {
            done.push_str(&rest[host..id]);
        }
        rest = &rest[id..];
    }
    done.push_str(rest);
    done
}

/// A minimal JSON Schema check (type, enum, properties, required,
/// additionalProperties: false, items, $ref): enough for
/// the schemas in docs/json/, so they cannot drift from the output.
fn conforms(v: &serde_json::Value, s: &serde_json::Value, root: &serde_json::Value, at: &str) {
    use serde_json::Value;
    if let Some(r) = s["$ref"].as_str() {
        let target = r
            .trim_start_matches('#')
            .split('/')
            .skip(1)
            .fold(root, |node, part| &node[part]);
        return conforms(v, target, root, at);
    }
    if let Some(t) = s.get("type") {
        let kinds: Vec<&str> = match t {
            Value::String(k) => vec![k.as_str()],
            Value::Array(ks) => ks.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let kind = match v {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let ok = kinds.contains(&kind) || (kind == "integer" && kinds.contains(&"number"));
        assert!(ok, "{at}: {v} is {kind}, the schema says {kinds:?}");
    }
    if let Some(allowed) = s["enum"].as_array() {
        assert!(allowed.contains(v), "{at}: {v} not in {allowed:?}");
    }
    if let Some(c) = s.get("const") {
        assert_eq!(v, c, "{at}");
    }
    if let (Value::Object(o), Some(props)) = (v, s["properties"].as_object()) {
        for req in s["required"].as_array().into_iter().flatten() {
            let key = req.as_str().unwrap();
            assert!(o.contains_key(key), "{at}: `{key}` missing in {v}");
        }
        for (k, x) in o {
            match props.get(k) {
                Some(p) => conforms(x, p, root, &format!("{at}.{k}")),
                None => assert!(
                    s["additionalProperties"] != Value::Bool(false),
                    "{at}: `{k}` is not in the schema"
                ),
            }
        }
    }
    if let (Value::Array(items), Some(schema)) = (v, s.get("items")) {
        for (i, x) in items.iter().enumerate() {
            conforms(x, schema, root, &format!("{at}[{i}]"));
        }
    }
}

fn check(doc: &serde_json::Value, schema: &str) {
    let schema: serde_json::Value = serde_json::from_str(schema).unwrap();
    conforms(doc, &schema, &schema, "$");
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

#[test]
fn deploy_documents_are_pinned_and_follow_their_schemas() {
    let f = Fixture::new();
    // Create, publish, point an alias, attach a public URL.
    let out = f.deploy(&[
        "--alias",
        "live",
        "--url",
        "--url-auth",
        "none",
        "-o",
        "json",
    ]);
    out.success();
    let created = out.json();
    check(&created, SUMMARY_SCHEMA);
    let sha = created["code_sha256"].as_str().unwrap().to_string();
    let filters = |more: &[(String, &'static str)]| {
        let mut all = vec![
            (f.name.clone(), "[function]"),
            (sha.clone(), "[code-sha256]"),
        ];
        all.extend(more.iter().cloned());
        all
    };
    insta::assert_snapshot!(
        "deploy-created-json",
        redact(&pretty(&created), &filters(&[]))
    );

    // An update of everything a plan can say, as a dry run.
    f.touch_code("v2");
    let args = [
        "--memory",
        "256",
        "--env",
        "DEBUG=1",
        "--tag",
        "tier=web",
        "--alias",
        "live",
        "--canary",
        "10",
        "--keep-versions",
        "1",
        "--concurrency",
        "3",
        "--url",
        "--cors-origin",
        "https://app.example",
        "--dry-run",
    ];
    let plan = f.deploy(&args);
    plan.success();
    let json = f.deploy(&[&args[..], &["-o", "json"]].concat());
    json.success();
    let doc = json.json();
    check(&doc, PLAN_SCHEMA);
    let new_sha = doc["code_sha256"].as_str().unwrap().to_string();
    let more = [(new_sha, "[new-code-sha256]")];
    insta::assert_snapshot!("deploy-plan-text", redact(&plan.stdout(), &filters(&more)));
    insta::assert_snapshot!("deploy-plan-json", redact(&pretty(&doc), &filters(&more)));

    // The run the plan described: its summary.
    let out = f.deploy(&[&args[..args.len() - 1], &["-o", "json"]].concat());
    out.success();
    let updated = out.json();
    check(&updated, SUMMARY_SCHEMA);
    insta::assert_snapshot!(
        "deploy-updated-json",
        redact(&pretty(&updated), &filters(&more))
    );
    let text = f.deploy(&args[..6]);
    text.success();
    insta::assert_snapshot!(
        "deploy-unchanged-text",
        redact(&text.stdout(), &filters(&more))
    );
}
