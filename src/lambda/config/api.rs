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
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::value::{RoutePath, StageName};

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
}

impl Api {
    pub const DEFAULT_STAGE: &'static str = "$default";

    pub fn payload_format(&self) -> PayloadFormat {
        self.payload_format.unwrap_or(PayloadFormat::V2)
    }

    pub fn stage(&self) -> &str {
        self.stage.as_deref().map_or(Self::DEFAULT_STAGE, |s| s)
    }

    /// The checks across routes: each `METHOD PATH` once.
    pub fn validate(&self) -> Result<(), String> {
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
        for bad in [
            "[[route]]\nmethod = \"FETCH\"\npath = \"/a\"\n",
            "[[route]]\nmethod = \"GET\"\npath = \"a\"\n",
            "payload_format = \"3.0\"\n",
            "stage = \"$prod\"\n",
            "colour = \"red\"\n",
        ] {
            assert!(toml::from_str::<Api>(bad).is_err(), "{bad}");
        }
    }
}
