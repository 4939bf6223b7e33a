//! Which `[[api.route]]` a request takes, as API Gateway chooses ("Routing
//! API requests", HTTP API developer guide): the stage first (a named stage
//! is the path's first segment; `$default` has none), then the most
//! specific route: a full match before a greedy `{proxy+}`, a literal
//! segment before a `{param}` (from the left), a method before `ANY`.

use crate::lambda::config::api::{Route, RouteMethod};

/// A route a request matched, with its path parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    /// `GET /pets/{id}` (v2 `routeKey`).
    pub key: String,
    /// `/pets/{id}` (v1 `resource` and `resourcePath`).
    pub path: String,
    /// In route order; values as they appear in the request path (still
    /// percent-encoded: the caller decodes where the service does).
    pub params: Vec<(String, String)>,
}

/// The path under the stage: `Some("/x")` for `/prod/x` with stage `prod`,
/// `None` when the path is not under the stage (the service's "not found").
pub fn under_stage<'a>(raw_path: &'a str, stage: &str) -> Option<&'a str> {
    if stage == "$default" {
        return Some(raw_path);
    }
    let rest = raw_path.strip_prefix('/')?.strip_prefix(stage)?;
    match rest {
        "" => Some("/"),
        r if r.starts_with('/') => Some(r),
        _ => None,
    }
}

/// The best route for `method` and `path` (the path under the stage, as
/// sent), or `None`.
pub fn find(routes: &[Route], method: &str, path: &str) -> Option<Matched> {
    let segments: Vec<&str> = path
        .strip_prefix('/')
        .map(|p| {
            if p.is_empty() {
                Vec::new()
            } else {
                p.split('/').collect()
            }
        })
        .unwrap_or_default();
    routes
        .iter()
        .filter(|r| r.method.matches(method))
        .filter_map(|r| {
            let (rank, params) = match_path(&r.path, &segments)?;
            let rank = (rank, r.method != RouteMethod::Any);
            Some((rank, r, params))
        })
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, r, params)| Matched {
            key: r.key(),
            path: r.path.to_string(),
            params,
        })
}

/// How specific a match is: a full match beats a greedy one; then each
/// segment from the left, a literal (2) beating a parameter (1) beating
/// the greedy tail (0).
type Rank = (bool, Vec<u8>);

fn match_path(route: &str, segments: &[&str]) -> Option<(Rank, Vec<(String, String)>)> {
    let parts: Vec<&str> = match route {
        "/" => Vec::new(),
        r => r[1..].split('/').collect(),
    };
    let mut kinds = Vec::new();
    let mut params = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let param = part.strip_prefix('{').and_then(|p| p.strip_suffix('}'));
        if let Some(name) = param.and_then(|p| p.strip_suffix('+')) {
            // The greedy tail takes one segment at least, and everything after it.
            let rest = segments.get(i..).filter(|r| !r.is_empty())?;
            let value = rest.join("/");
            if value.is_empty() {
                return None;
            }
            params.push((name.to_string(), value));
            kinds.push(0);
            return Some(((false, kinds), params));
        }
        let seg = segments.get(i)?;
        match param {
            Some(name) if !seg.is_empty() => {
                params.push((name.to_string(), seg.to_string()));
                kinds.push(1);
            }
            Some(_) => return None,
            None if decode(seg) == *part => kinds.push(2),
            None => return None,
        }
    }
    (parts.len() == segments.len()).then_some(((true, kinds), params))
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(keys: &[&str]) -> Vec<Route> {
        keys.iter()
            .map(|k| {
                let (m, p) = k.split_once(' ').unwrap();
                toml::from_str(&format!("method = \"{m}\"\npath = \"{p}\"\n")).unwrap()
            })
            .collect()
    }

    #[test]
    fn the_developer_guides_routing_table() {
        // "Routing API requests": the guide's example routes and requests.
        let r = routes(&[
            "GET /pets/dog/1",
            "GET /pets/dog/{id}",
            "GET /pets/{proxy+}",
            "ANY /{proxy+}",
        ]);
        let key = |m: &str, p: &str| find(&r, m, p).map(|m| m.key);
        assert_eq!(key("GET", "/pets/dog/1").unwrap(), "GET /pets/dog/1");
        assert_eq!(key("GET", "/pets/dog/2").unwrap(), "GET /pets/dog/{id}");
        assert_eq!(key("GET", "/pets/cat/1").unwrap(), "GET /pets/{proxy+}");
        assert_eq!(key("POST", "/test/5").unwrap(), "ANY /{proxy+}");
        // The greedy tail needs one segment: `/{proxy+}` does not take `/`.
        assert_eq!(key("GET", "/"), None);
        let m = find(&r, "GET", "/pets/dog/2").unwrap();
        assert_eq!(m.params, vec![("id".to_string(), "2".to_string())]);
        assert_eq!(m.path, "/pets/dog/{id}");
        let m = find(&r, "DELETE", "/a/b%20c/d").unwrap();
        assert_eq!(
            m.params,
            vec![("proxy".to_string(), "a/b%20c/d".to_string())]
        );
    }

    #[test]
    fn methods_literals_and_parameters() {
        let r = routes(&[
            "ANY /items/{id}",
            "GET /items/{id}",
            "GET /items/new",
            "GET /",
        ]);
        let key = |m: &str, p: &str| find(&r, m, p).map(|m| m.key);
        assert_eq!(key("GET", "/items/7").unwrap(), "GET /items/{id}");
        assert_eq!(key("PUT", "/items/7").unwrap(), "ANY /items/{id}");
        assert_eq!(key("GET", "/items/new").unwrap(), "GET /items/new");
        assert_eq!(key("GET", "/").unwrap(), "GET /");
        assert_eq!(key("POST", "/"), None);
        assert_eq!(key("GET", "/items"), None);
        assert_eq!(key("GET", "/items/7/x"), None);
        assert_eq!(key("GET", "/items//"), None);
        // A full match beats a greedy one whatever its segments.
        let r = routes(&["GET /{a}/{b}", "GET /pets/{proxy+}"]);
        assert_eq!(find(&r, "GET", "/pets/x").unwrap().key, "GET /{a}/{b}");
        assert_eq!(
            find(&r, "GET", "/pets/x/y").unwrap().key,
            "GET /pets/{proxy+}"
        );
    }

    #[test]
    fn stages_prefix_paths() {
        assert_eq!(under_stage("/x/y", "$default"), Some("/x/y"));
        assert_eq!(under_stage("/prod/x", "prod"), Some("/x"));
        assert_eq!(under_stage("/prod", "prod"), Some("/"));
        assert_eq!(under_stage("/prod/", "prod"), Some("/"));
        assert_eq!(under_stage("/production/x", "prod"), None);
        assert_eq!(under_stage("/x", "prod"), None);
    }
}
