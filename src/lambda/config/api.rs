//! `[api]` in lamctl.toml: the function behind API Gateway. One shape for
//! the HTTP API `deploy` creates (docs/triggers.md) and for the front door
//! `serve --api` runs locally (docs/local.md), so a route that works
//! locally is the route deployed.
//!
//! ```toml
//! [api]
//! payload_format = "2.0"        # "2.0" (default) or "1.0"
//! stage = "$default"            # the default; any other stage prefixes paths
//! stage_variables = { env = "dev" }
//! binary_media_types = ["image/png"]
//!
//! [[api.route]]
//! method = "GET"
//! path = "/translate"
//!
//! [[api.route]]
//! method = "ANY"
//! path = "/{proxy+}"
//!
//! [api.cors]                    # deploy only: the HTTP API's CORS
//! allow_origins = ["https://example.com"]
//!
//! [api.auth]                    # deploy only: every route's authorization
//! type = "jwt"                  # "none" (default), "iam" or "jwt"
//! issuer = "https://cognito-idp.us-east-1.amazonaws.com/POOL"
//! audience = ["CLIENT_ID"]
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::value::{
    ApiName, CorsHeader, CorsMaxAge, CorsMethod, CorsOrigin, JwtAudience, JwtIssuer, RoutePath,
    StageName,
};
use crate::lambda::limits;

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// The event format the function receives; `2.0` when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload_format: Option<PayloadFormat>,
    /// `$default` when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<StageName>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stage_variables: BTreeMap<String, String>,
    /// Content types whose bodies reach the function base64-encoded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub binary_media_types: Vec<String>,
    #[serde(default, rename = "route", skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
    /// The HTTP API's name; the function's name when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<ApiName>,
    /// The HTTP API's CORS configuration; none when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<ApiCors>,
    /// Every route's authorization; none when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<ApiAuth>,
}

/// `[api.cors]`: API Gateway's CorsConfiguration, with the function URL's
/// checked types for origins, methods and headers.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApiCors {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_origins: Vec<CorsOrigin>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_methods: Vec<CorsMethod>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow_headers: Vec<CorsHeader>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<CorsHeader>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<CorsMaxAge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_credentials: Option<bool>,
}

impl ApiCors {
    /// The same configuration whatever the order or case it was given in
    /// (API Gateway keeps methods upper case; `false` is no credentials).
    pub fn normalized(&self) -> NormalCors {
        let sorted = |v: Vec<String>| -> Vec<String> {
            let mut v = v;
            v.sort();
            v.dedup();
            v
        };
        NormalCors {
            allow_origins: sorted(self.allow_origins.iter().map(|o| o.to_string()).collect()),
            allow_methods: sorted(
                self.allow_methods
                    .iter()
                    .map(|m| m.to_uppercase())
                    .collect(),
            ),
            allow_headers: sorted(
                self.allow_headers
                    .iter()
                    .map(|h| h.to_lowercase())
                    .collect(),
            ),
            expose_headers: sorted(
                self.expose_headers
                    .iter()
                    .map(|h| h.to_lowercase())
                    .collect(),
            ),
            max_age: self.max_age.map(CorsMaxAge::get),
            allow_credentials: self.allow_credentials.unwrap_or(false),
        }
    }

    fn validate(&self) -> Result<(), String> {
        for (what, n, max) in [
            (
                "allow_origins",
                self.allow_origins.len(),
                limits::CORS_ORIGINS,
            ),
            (
                "allow_methods",
                self.allow_methods.len(),
                limits::CORS_METHODS,
            ),
            (
                "allow_headers",
                self.allow_headers.len(),
                limits::CORS_HEADERS,
            ),
            (
                "expose_headers",
                self.expose_headers.len(),
                limits::CORS_HEADERS,
            ),
        ] {
            if n > max {
                return Err(format!(
                    "{n} values in api.cors.{what}; API Gateway allows at most {max}"
                ));
            }
        }
        if self.allow_credentials == Some(true)
            && self.allow_origins.iter().any(|o| o.as_str() == "*")
        {
            return Err(
                "api.cors.allow_credentials = true cannot go with allow_origins \"*\": name the origins"
                    .into(),
            );
        }
        Ok(())
    }
}

/// CORS as compared and sent: sorted, methods upper case, headers lower.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NormalCors {
    pub allow_origins: Vec<String>,
    pub allow_methods: Vec<String>,
    pub allow_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age: Option<i32>,
    pub allow_credentials: bool,
}

/// `[api.auth]`: how API Gateway authorizes a request before it reaches
/// the function; one for every route.
/// (Struct variants, so a key of another type is refused.)
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum ApiAuth {
    None {},
    /// Callers sign requests with SigV4 (AWS_IAM).
    Iam {},
    /// A JWT authorizer on the `Authorization` header.
    Jwt {
        issuer: JwtIssuer,
        audience: Vec<JwtAudience>,
    },
}

impl Api {
    pub const DEFAULT_STAGE: &'static str = "$default";

    pub fn payload_format(&self) -> PayloadFormat {
        self.payload_format.unwrap_or(PayloadFormat::V2)
    }

    pub fn stage(&self) -> &str {
        self.stage.as_deref().map_or(Self::DEFAULT_STAGE, |s| s)
    }

    /// The API's name: `name`, else the function's.
    pub fn name_or<'a>(&'a self, function: &'a str) -> &'a str {
        self.name.as_deref().unwrap_or(function)
    }

    /// The checks across values: each `METHOD PATH` once, CORS's sizes and
    /// credentials, a JWT audience.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(c) = &self.cors {
            c.validate()?;
        }
        if let Some(ApiAuth::Jwt { audience, .. }) = &self.auth
            && audience.is_empty()
        {
            return Err("api.auth.audience is empty: a JWT authorizer needs at least one".into());
        }
        let mut seen = BTreeSet::new();
        for r in &self.routes {
            let key = r.key();
            if !seen.insert(key.clone()) {
                return Err(format!("[[api.route]] {key:?} is given twice"));
            }
        }
        Ok(())
    }
}

/// One `[[api.route]]`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub method: RouteMethod,
    pub path: RoutePath,
}

impl Route {
    /// API Gateway's route key: `GET /translate`.
    pub fn key(&self) -> String {
        format!("{} {}", self.method.as_str(), self.path)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RouteMethod {
    Any,
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl RouteMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            RouteMethod::Any => "ANY",
            RouteMethod::Get => "GET",
            RouteMethod::Post => "POST",
            RouteMethod::Put => "PUT",
            RouteMethod::Patch => "PATCH",
            RouteMethod::Delete => "DELETE",
            RouteMethod::Head => "HEAD",
            RouteMethod::Options => "OPTIONS",
        }
    }

    /// Whether a request's method takes this route.
    pub fn matches(self, method: &str) -> bool {
        self == RouteMethod::Any || self.as_str().eq_ignore_ascii_case(method)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum PayloadFormat {
    #[serde(rename = "1.0")]
    V1,
    #[serde(rename = "2.0")]
    V2,
}

impl PayloadFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            PayloadFormat::V1 => "1.0",
            PayloadFormat::V2 => "2.0",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_routes_and_checks_them() {
        let api: Api = toml::from_str(
            "payload_format = \"1.0\"\nstage = \"prod\"\n[[route]]\nmethod = \"GET\"\npath = \"/translate\"\n[[route]]\nmethod = \"ANY\"\npath = \"/{proxy+}\"\n",
        )
        .unwrap();
        assert_eq!(api.payload_format(), PayloadFormat::V1);
        assert_eq!(api.stage(), "prod");
        assert_eq!(api.routes[0].key(), "GET /translate");
        assert!(api.validate().is_ok());
        assert!(RouteMethod::Any.matches("DELETE"));
        assert!(RouteMethod::Get.matches("get"));
        assert!(!RouteMethod::Get.matches("POST"));
        assert_eq!(Api::default().stage(), "$default");
        assert_eq!(Api::default().payload_format(), PayloadFormat::V2);

        let twice = "[[route]]\nmethod = \"GET\"\npath = \"/a\"\n[[route]]\nmethod = \"GET\"\npath = \"/a\"\n";
        assert!(toml::from_str::<Api>(twice).unwrap().validate().is_err());
        let jwt = "[auth]\ntype = \"jwt\"\nissuer = \"https://i\"\naudience = []\n";
        assert!(toml::from_str::<Api>(jwt).unwrap().validate().is_err());
        let creds = "[cors]\nallow_origins = [\"*\"]\nallow_credentials = true\n";
        assert!(toml::from_str::<Api>(creds).unwrap().validate().is_err());
        let iam: Api = toml::from_str("[auth]\ntype = \"iam\"\n").unwrap();
        assert_eq!(iam.auth, Some(ApiAuth::Iam {}));
        for bad in [
            "[[route]]\nmethod = \"FETCH\"\npath = \"/a\"\n",
            "[[route]]\nmethod = \"GET\"\npath = \"a\"\n",
            "payload_format = \"3.0\"\n",
            "stage = \"$prod\"\n",
            "colour = \"red\"\n",
            "[cors]\nallow_origins = [\"\"]\n",
            "[cors]\nmax_age = 90000\n",
            "[cors]\ncolour = 1\n",
            "[auth]\ntype = \"oauth\"\n",
            "[auth]\ntype = \"jwt\"\nissuer = \"http://x\"\naudience = [\"a\"]\n",
            "[auth]\ntype = \"iam\"\nissuer = \"https://x\"\n",
        ] {
            assert!(toml::from_str::<Api>(bad).is_err(), "{bad}");
        }
    }
}
