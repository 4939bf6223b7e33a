//! The formats of an API Gateway front door's names (`[api]` in
//! lamctl.toml): route paths and stage names, as the API Gateway
//! developer guide gives them ("Working with routes for HTTP APIs",
//! "Stage names"). One rule for `deploy` (issue 24, an HTTP API) and for
//! `serve --api` (the local front door).

/// A route path: `/`, or `/` followed by segments; a segment is a literal,
/// `{name}`, or, as the last segment only, the greedy `{name+}`.
pub fn route_path(p: &str) -> Result<(), String> {
    const MAX: usize = 512;
    if !p.starts_with('/') {
        return Err(format!("route path {p:?} must start with '/'"));
    }
    if p.len() > MAX {
        return Err(format!("route path is {} bytes; at most {MAX}", p.len()));
    }
    if p == "/" {
        return Ok(());
    }
    let segments: Vec<&str> = p[1..].split('/').collect();
    let mut params: Vec<&str> = Vec::new();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if seg.is_empty() {
            return Err(format!("route path {p:?} has an empty segment"));
        }
        if let Some(inner) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            let (name, greedy) = match inner.strip_suffix('+') {
                Some(n) => (n, true),
                None => (inner, false),
            };
            if greedy && !last {
                return Err(format!(
                    "route path {p:?}: the greedy {{{name}+}} must be the last segment"
                ));
            }
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
            {
                return Err(format!(
                    "route path {p:?}: a parameter is {{NAME}} or {{NAME+}} with letters, digits, '_', '-', '.'"
                ));
            }
            if params.contains(&name) {
                return Err(format!("route path {p:?} names parameter {name:?} twice"));
            }
            params.push(name);
        } else if seg.contains(['{', '}'])
            || !seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@%".contains(c))
        {
            return Err(format!(
                "route path {p:?}: segment {seg:?} is not a literal, {{NAME}} or {{NAME+}}"
            ));
        }
    }
    Ok(())
}

/// A stage name: `$default`, or 1-128 letters, digits, '-' and '_'.
pub fn stage_name(s: &str) -> Result<(), String> {
    if s == "$default" {
        return Ok(());
    }
    if s.is_empty()
        || s.len() > 128
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "stage {s:?} must be $default or 1-128 letters, digits, '-' and '_'"
        ));
    }
    Ok(())
}

/// An HTTP API's name: 1-128 characters, no control characters.
pub fn api_name(s: &str) -> Result<(), String> {
    if s.is_empty() || s.chars().count() > 128 || s.chars().any(char::is_control) {
        return Err("an API name is 1-128 characters, no control characters".into());
    }
    Ok(())
}

/// A JWT authorizer's issuer: an `https://` URL (API Gateway fetches the
/// issuer's keys from it), at most 2,048 characters.
pub fn jwt_issuer(s: &str) -> Result<(), String> {
    let host = s.strip_prefix("https://").unwrap_or_default();
    if host.is_empty() || s.len() > 2048 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "JWT issuer {s:?} must be an https:// URL of at most 2048 characters"
        ));
    }
    Ok(())
}

/// A JWT audience: a client id, 1-256 characters, no whitespace.
pub fn jwt_audience(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 256 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "JWT audience {s:?} must be 1-256 characters without whitespace"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_paths() {
        for ok in [
            "/",
            "/translate",
            "/{proxy+}",
            "/pets/{id}",
            "/a/{b}/c/{rest+}",
            "/v1.2/x-y",
        ] {
            assert!(route_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "translate",
            "//",
            "/a//b",
            "/{proxy+}/x",
            "/{}",
            "/{a}/{a}",
            "/a{b}",
            "/a b",
            "/{a b}",
        ] {
            assert!(route_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn stage_names() {
        assert!(stage_name("$default").is_ok());
        assert!(stage_name("prod_1-a").is_ok());
        assert!(stage_name("").is_err());
        assert!(stage_name("$prod").is_err());
        assert!(stage_name(&"s".repeat(129)).is_err());
    }

    #[test]
    fn api_names_and_jwt() {
        assert!(api_name("translate").is_ok());
        assert!(api_name("").is_err());
        assert!(api_name(&"a".repeat(129)).is_err());
        assert!(jwt_issuer("https://cognito-idp.us-east-1.amazonaws.com/pool").is_ok());
        assert!(jwt_issuer("http://x").is_err());
        assert!(jwt_issuer("https://").is_err());
        assert!(jwt_audience("client-1").is_ok());
        assert!(jwt_audience("a b").is_err());
    }
}
