//! Issue 24: what starts the function, declared in lamctl.toml and
//! converged by `deploy` against moto, without a state file. State is read
//! back through the SDK; the calls lamctl made are counted by a proxy.

mod http;

use crate::harness::*;

/// A function directory with a lamctl.toml (plus `extra`), a role in moto,
/// and a recording proxy.
struct Fixture {
    dir: tempfile::TempDir,
    name: String,
    base: String,
    proxy: Proxy,
}

impl Fixture {
    fn new(prefix: &str) -> Fixture {
        let name = unique(prefix);
        let role = create_role(&name);
        let dir = python_function_dir(&name, &role);
        let base = std::fs::read_to_string(dir.path().join("lamctl.toml")).unwrap();
        Fixture {
            dir,
            name,
            base,
            proxy: Proxy::moto(),
        }
    }

    /// lamctl.toml: the base definition and `extra` tables.
    fn file(&self, extra: &str) {
        std::fs::write(
            self.dir.path().join("lamctl.toml"),
            format!("{}\n{extra}", self.base),
        )
        .unwrap();
    }

    /// `lamctl CMD ARGS` in the fixture directory, through the proxy.
    fn run(&self, cmd: &str, args: &[&str]) -> Out {
        let mut all = vec![
            cmd,
            "--endpoint-url",
            &self.proxy.endpoint,
            "--region",
            REGION,
        ];
        all.extend_from_slice(args);
        lamctl(&all).dir(self.dir.path()).run()
    }

    fn deploy(&self, args: &[&str]) -> Out {
        self.run("deploy", args)
    }

    /// The calls that change something, since the proxy was last cleared.
    fn writes(&self) -> Vec<String> {
        self.proxy
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET" && r.method != "HEAD")
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }
}

/// The APIs in moto named `name`: (id, tags).
fn apis_named(name: &str) -> Vec<(String, std::collections::HashMap<String, String>)> {
    let name = name.to_string();
    apigatewayv2(async move |c| {
        let out = c.get_apis().send().await.unwrap();
        out.items()
            .iter()
            .filter(|a| a.name() == Some(name.as_str()))
            .map(|a| {
                (
                    a.api_id().unwrap().to_string(),
                    a.tags().cloned().unwrap_or_default(),
                )
            })
            .collect()
    })
}

/// An API's route keys and targets, sorted.
fn routes(api: &str) -> Vec<(String, Option<String>)> {
    let api = api.to_string();
    let mut v = apigatewayv2(async move |c| {
        let out = c.get_routes().api_id(api).send().await.unwrap();
        out.items()
            .iter()
            .map(|r| {
                (
                    r.route_key().unwrap_or_default().to_string(),
                    r.target().map(String::from),
                )
            })
            .collect::<Vec<_>>()
    });
    v.sort();
    v
}

/// The function's resource policy statements: (sid, source ARN).
fn grants(function: &str) -> Vec<(String, Option<String>)> {
    let function = function.to_string();
    let doc = lambda(async move |l| {
        l.get_policy()
            .function_name(function)
            .send()
            .await
            .ok()
            .and_then(|p| p.policy)
    });
    let Some(doc) = doc else { return Vec::new() };
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let mut out: Vec<(String, Option<String>)> = v["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["Sid"].as_str().unwrap().to_string(),
                s["Condition"]["ArnLike"]["AWS:SourceArn"]
                    .as_str()
                    .map(String::from),
            )
        })
        .collect();
    out.sort();
    out
}
