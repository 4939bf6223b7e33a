//! `[api]` deployed: an HTTP API (API Gateway v2) in front of the function.
//! lamctl's API is the one tagged `lamctl:function=NAME`; deploy converges
//! it to lamctl.toml (its routes included: a route added by hand to
//! lamctl's API is removed), creates it when missing, and deletes it when
//! `[api]` is gone. An API without the tag is never changed, only reported.
//! This file reads the state and plans; `api/apply.rs` makes the calls.

mod apply;

pub use apply::{ApiCtx, ApiRun, delete_api, invoke_url, source_arn};

use std::collections::BTreeMap;

use serde::Serialize;

use super::owner;
use super::policy::Grant;
use crate::aws::{AwsContext, Service};
use crate::error::Result;
use crate::lambda::config::api::{Api, ApiAuth, NormalCors};

/// The principal of the invoke permission.
pub const PRINCIPAL: &str = "apigateway.amazonaws.com";

/// The statement id of the permission that lets lamctl's API invoke the
/// function.
pub fn sid() -> String {
    owner::sid("api", "invoke")
}

/// Whether the function's policy lets API Gateway invoke it: only then can
/// an API (lamctl's or not) be wired to it, and is API Gateway asked.
pub fn may_invoke(grants: &[Grant]) -> bool {
    grants.iter().any(|g| g.principal == PRINCIPAL)
}

/// What API Gateway holds about the function: lamctl's API, and the APIs
/// of the same name lamctl did not create (reported, never changed).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApiDeployed {
    pub ours: Option<ApiState>,
    pub not_managed: Vec<ForeignApi>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForeignApi {
    pub id: String,
    pub name: String,
}

/// lamctl's HTTP API as deployed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApiState {
    pub id: String,
    pub name: String,
    pub endpoint: String,
    pub cors: Option<NormalCors>,
    pub integrations: Vec<IntegrationState>,
    pub routes: Vec<RouteState>,
    pub stages: Vec<StageState>,
    /// The authorizers its routes name.
    pub authorizers: Vec<AuthorizerState>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntegrationState {
    pub id: String,
    pub uri: String,
    pub payload_format: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteState {
    pub id: String,
    pub key: String,
    pub target: Option<String>,
    /// `NONE`, `AWS_IAM` or `JWT`.
    pub auth: String,
    pub authorizer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageState {
    pub name: String,
    pub auto_deploy: bool,
    pub variables: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorizerState {
    pub id: String,
    pub issuer: String,
    pub audience: Vec<String>,
}

impl ApiState {
    /// The Lambda proxy integration that invokes `function`.
    pub fn integration(&self, function: &str) -> Option<&IntegrationState> {
        let suffix = format!(":function:{function}");
        self.integrations.iter().find(|i| i.uri.ends_with(&suffix))
    }

    /// The file's `[api]` as this API holds it (for `init`): routes to the
    /// function's integration, its CORS, stage and auth.
    pub fn as_api(&self, function: &str) -> Api {
        use crate::lambda::config::api::{ApiCors, Route};
        let integration = self.integration(function);
        let target = integration.map(|i| format!("integrations/{}", i.id));
        let routes: Vec<Route> = self
            .routes
            .iter()
            .filter(|r| r.target == target)
            .filter_map(|r| {
                let (method, path) = r.key.split_once(' ')?;
                let method = serde_json::from_value(serde_json::json!(method)).ok()?;
                Some(Route {
                    method,
                    path: path.parse().ok()?,
                })
            })
            .collect();
        let stage = self.stages.first();
        let auth = self.routes.iter().find(|r| r.target == target);
        let auth = match auth.map(|r| (r.auth.as_str(), r.authorizer.as_deref())) {
            Some(("AWS_IAM", _)) => Some(ApiAuth::Iam {}),
            Some(("JWT", Some(id))) => self.authorizers.iter().find(|a| a.id == id).and_then(|a| {
                Some(ApiAuth::Jwt {
                    issuer: a.issuer.parse().ok()?,
                    audience: a.audience.iter().filter_map(|x| x.parse().ok()).collect(),
                })
            }),
            _ => None,
        };
        let cors = self.cors.as_ref().map(|c| ApiCors {
            allow_origins: c
                .allow_origins
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
            allow_methods: c
                .allow_methods
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
            allow_headers: c
                .allow_headers
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
            expose_headers: c
                .expose_headers
                .iter()
                .filter_map(|v| v.parse().ok())
                .collect(),
            max_age: c.max_age.and_then(|m| m.to_string().parse().ok()),
            allow_credentials: c.allow_credentials.then_some(true),
        });
        Api {
            payload_format: integration
                .and_then(|i| serde_json::from_value(serde_json::json!(i.payload_format)).ok()),
            stage: stage
                .filter(|s| s.name != Api::DEFAULT_STAGE)
                .and_then(|s| s.name.parse().ok()),
            stage_variables: stage.map(|s| s.variables.clone()).unwrap_or_default(),
            binary_media_types: Vec::new(),
            routes,
            name: (self.name != function)
                .then(|| self.name.parse().ok())
                .flatten(),
            cors,
            auth,
        }
    }
}

/// A route's authorization as planned.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteAuth {
    None,
    Iam,
    /// The JWT authorizer: its id, or `None` for the one this run creates.
    Jwt {
        authorizer: Option<String>,
    },
}

impl RouteAuth {
    pub fn as_str(&self) -> &'static str {
        match self {
            RouteAuth::None => "NONE",
            RouteAuth::Iam => "AWS_IAM",
            RouteAuth::Jwt { .. } => "JWT",
        }
    }
}

/// One step of converging lamctl's HTTP API. `api: None` is the API this
/// run creates (its id is known once created).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum ApiStep {
    /// CreateApi (HTTP, tagged `lamctl:function=NAME`).
    CreateApi {
        name: String,
        cors: Option<NormalCors>,
    },
    /// UpdateApi: the name and/or CORS changed (CORS to a configuration).
    UpdateApi {
        api: String,
        name: String,
        cors: Option<NormalCors>,
    },
    /// DeleteCorsConfiguration: `[api.cors]` was removed.
    DeleteCors {
        api: String,
    },
    CreateIntegration {
        api: Option<String>,
        payload_format: String,
    },
    UpdateIntegration {
        api: String,
        integration: String,
        from: String,
        payload_format: String,
    },
    CreateAuthorizer {
        api: Option<String>,
        issuer: String,
        audience: Vec<String>,
    },
    UpdateAuthorizer {
        api: String,
        authorizer: String,
        issuer: String,
        audience: Vec<String>,
    },
    CreateRoute {
        api: Option<String>,
        key: String,
        auth: RouteAuth,
    },
    /// UpdateRoute: its target or authorization is not the file's.
    UpdateRoute {
        api: String,
        route: String,
        key: String,
        auth: RouteAuth,
    },
    /// DeleteRoute: lamctl's API has a route lamctl.toml does not list.
    DeleteRoute {
        api: String,
        route: String,
        key: String,
    },
    CreateStage {
        api: Option<String>,
        stage: String,
        variables: BTreeMap<String, String>,
    },
    UpdateStage {
        api: String,
        stage: String,
        variables: BTreeMap<String, String>,
    },
    DeleteStage {
        api: String,
        stage: String,
    },
    /// AddPermission for `arn:aws:execute-api:REGION:ACCOUNT:API/*`.
    Permit {
        api: Option<String>,
        sid: String,
    },
    /// DeleteApi: `[api]` is gone from lamctl.toml and lamctl created it.
    DeleteApi {
        api: String,
        name: String,
    },
}

/// The steps from `have` (lamctl's API, if any) to `want` (`[api]`, if
/// any). `grants` is the function's policy; `source` makes an API's
/// source ARN from its id (region and account are the plan's).
pub fn plan(
    function: &str,
    want: Option<&Api>,
    have: Option<&ApiState>,
    grants: &[Grant],
    source: impl Fn(&str) -> String,
) -> (Vec<ApiStep>, Vec<String>) {
    let sid = sid();
    let granted = grants.iter().find(|g| g.sid == sid);
    let mut steps = Vec::new();
    // Statements to remove (their ids), before or instead of re-adding.
    let mut revoke = Vec::new();
    let Some(want) = want else {
        if let Some(h) = have {
            steps.push(ApiStep::DeleteApi {
                api: h.id.clone(),
                name: h.name.clone(),
            });
        }
        revoke.extend(granted.map(|g| g.sid.clone()));
        return (steps, revoke);
    };
    let name = want.name_or(function).to_string();
    let cors = want.cors.as_ref().map(|c| c.normalized());
    let payload = want.payload_format().as_str().to_string();
    let jwt = match &want.auth {
        Some(ApiAuth::Jwt { issuer, audience }) => {
            let mut a: Vec<String> = audience.iter().map(|x| x.to_string()).collect();
            a.sort();
            Some((issuer.to_string(), a))
        }
        _ => None,
    };
    let stage = want.stage().to_string();
    let Some(have) = have else {
        steps.push(ApiStep::CreateApi { name, cors });
        steps.push(ApiStep::CreateIntegration {
            api: None,
            payload_format: payload,
        });
        if let Some((issuer, audience)) = jwt {
            steps.push(ApiStep::CreateAuthorizer {
                api: None,
                issuer,
                audience,
            });
        }
        let auth = route_auth(want, None);
        for r in &want.routes {
            steps.push(ApiStep::CreateRoute {
                api: None,
                key: r.key(),
                auth: auth.clone(),
            });
        }
        steps.push(ApiStep::CreateStage {
            api: None,
            stage,
            variables: want.stage_variables.clone(),
        });
        revoke.extend(granted.map(|g| g.sid.clone()));
        steps.push(ApiStep::Permit { api: None, sid });
        return (steps, revoke);
    };
    let api = have.id.clone();
    if have.name != name || (cors.is_some() && have.cors != cors) {
        steps.push(ApiStep::UpdateApi {
            api: api.clone(),
            name: name.clone(),
            cors: cors.clone().filter(|c| have.cors.as_ref() != Some(c)),
        });
    }
    if cors.is_none() && have.cors.is_some() {
        steps.push(ApiStep::DeleteCors { api: api.clone() });
    }
    let integration = have.integration(function);
    match integration {
        None => steps.push(ApiStep::CreateIntegration {
            api: Some(api.clone()),
            payload_format: payload,
        }),
        Some(i) if i.payload_format != payload => steps.push(ApiStep::UpdateIntegration {
            api: api.clone(),
            integration: i.id.clone(),
            from: i.payload_format.clone(),
            payload_format: payload,
        }),
        Some(_) => {}
    }
    // lamctl's authorizer: the JWT one its routes use.
    let authorizer = have.authorizers.first();
    let authorizer_id = match (&jwt, authorizer) {
        (Some((issuer, audience)), Some(a)) => {
            if a.issuer != *issuer || a.audience != *audience {
                steps.push(ApiStep::UpdateAuthorizer {
                    api: api.clone(),
                    authorizer: a.id.clone(),
                    issuer: issuer.clone(),
                    audience: audience.clone(),
                });
            }
            Some(a.id.clone())
        }
        (Some((issuer, audience)), None) => {
            steps.push(ApiStep::CreateAuthorizer {
                api: Some(api.clone()),
                issuer: issuer.clone(),
                audience: audience.clone(),
            });
            None
        }
        (None, _) => None,
    };
    let auth = route_auth(want, authorizer_id);
    let target = integration.map(|i| format!("integrations/{}", i.id));
    for r in &want.routes {
        let key = r.key();
        match have.routes.iter().find(|h| h.key == key) {
            None => steps.push(ApiStep::CreateRoute {
                api: Some(api.clone()),
                key,
                auth: auth.clone(),
            }),
            Some(h) => {
                let same_auth = h.auth == auth.as_str()
                    && match &auth {
                        RouteAuth::Jwt { authorizer } => {
                            authorizer.is_some() && h.authorizer == *authorizer
                        }
                        _ => true,
                    };
                if target.is_none() || h.target != target || !same_auth {
                    steps.push(ApiStep::UpdateRoute {
                        api: api.clone(),
                        route: h.id.clone(),
                        key,
                        auth: auth.clone(),
                    });
                }
            }
        }
    }
    for h in &have.routes {
        if !want.routes.iter().any(|r| r.key() == h.key) {
            steps.push(ApiStep::DeleteRoute {
                api: api.clone(),
                route: h.id.clone(),
                key: h.key.clone(),
            });
        }
    }
    match have.stages.iter().find(|s| s.name == stage) {
        None => steps.push(ApiStep::CreateStage {
            api: Some(api.clone()),
            stage: stage.clone(),
            variables: want.stage_variables.clone(),
        }),
        Some(s) if s.variables != want.stage_variables || !s.auto_deploy => {
            steps.push(ApiStep::UpdateStage {
                api: api.clone(),
                stage: stage.clone(),
                variables: want.stage_variables.clone(),
            })
        }
        Some(_) => {}
    }
    for s in have.stages.iter().filter(|s| s.name != stage) {
        steps.push(ApiStep::DeleteStage {
            api: api.clone(),
            stage: s.name.clone(),
        });
    }
    let source_arn = source(&api);
    match granted {
        Some(g) if g.source_arn.as_deref() == Some(source_arn.as_str()) => {}
        Some(g) => {
            revoke.push(g.sid.clone());
            steps.push(ApiStep::Permit {
                api: Some(api),
                sid,
            });
        }
        None => steps.push(ApiStep::Permit {
            api: Some(api),
            sid,
        }),
    }
    (steps, revoke)
}

fn route_auth(want: &Api, authorizer: Option<String>) -> RouteAuth {
    match want.auth {
        None | Some(ApiAuth::None {}) => RouteAuth::None,
        Some(ApiAuth::Iam {}) => RouteAuth::Iam,
        Some(ApiAuth::Jwt { .. }) => RouteAuth::Jwt { authorizer },
    }
}

/// lamctl's API for `function` (tagged), with its routes, integrations,
/// stages and the authorizers its routes use; and the untagged APIs named
/// `name` (not managed).
pub async fn read(aws: &AwsContext, function: &str, name: &str) -> Result<ApiDeployed> {
    let client = aws.apigateway().await;
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let out = client
            .get_apis()
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| aws.error(Service::ApiGateway, "GetApis", e))?;
        all.extend(out.items.unwrap_or_default());
        token = out.next_token.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    let mut deployed = ApiDeployed::default();
    for a in all {
        let tagged = a.tags().is_some_and(|t| owner::tagged(t.iter(), function));
        let (id, api_name) = (a.api_id().unwrap_or_default(), a.name().unwrap_or_default());
        if tagged && deployed.ours.is_none() {
            deployed.ours = Some(ApiState {
                id: id.to_string(),
                name: api_name.to_string(),
                endpoint: a.api_endpoint().unwrap_or_default().to_string(),
                cors: a.cors_configuration().map(apply::cors_from_sdk),
                ..Default::default()
            });
        } else if !tagged && (api_name == name || api_name == function) {
            deployed.not_managed.push(ForeignApi {
                id: id.to_string(),
                name: api_name.to_string(),
            });
        }
    }
    if let Some(ours) = &mut deployed.ours {
        apply::read_parts(&client, aws, ours).await?;
    }
    Ok(deployed)
}

#[cfg(test)]
mod tests;
