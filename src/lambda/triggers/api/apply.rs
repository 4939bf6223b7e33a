//! The calls behind each [`ApiStep`], and the words the dry run prints for
//! it (side by side, so they cannot drift apart).

use std::collections::HashMap;

use aws_sdk_apigatewayv2::Client;
use aws_sdk_apigatewayv2::types::{
    AuthorizationType, AuthorizerType, Cors, IntegrationType, JwtConfiguration, ProtocolType,
};
use serde::Serialize;

use super::{
    ApiState, ApiStep, AuthorizerState, IntegrationState, PRINCIPAL, RouteAuth, RouteState,
    StageState,
};
use crate::aws::{AwsContext, Service};
use crate::error::{Error, Result};
use crate::lambda::config::api::NormalCors;
use crate::lambda::triggers::owner;
use crate::lambda::triggers::policy::{self, Grant};
use crate::output::Ui;

/// What the steps learn as they run: lamctl's API (the deployed one, or
/// the one created), its integration and authorizer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ApiRun {
    pub id: String,
    pub endpoint: String,
    pub integration: Option<String>,
    pub authorizer: Option<String>,
    pub stage: String,
}

impl ApiRun {
    /// The deployed API a plan starts from (`stage`: the wanted one).
    pub fn from_state(s: &ApiState, function: &str, stage: &str) -> ApiRun {
        ApiRun {
            id: s.id.clone(),
            endpoint: s.endpoint.clone(),
            integration: s.integration(function).map(|i| i.id.clone()),
            authorizer: s.authorizers.first().map(|a| a.id.clone()),
            stage: stage.to_string(),
        }
    }

    pub fn url(&self) -> String {
        invoke_url(&self.endpoint, &self.stage)
    }
}

/// The URL clients call: the endpoint, and the stage unless `$default`.
pub fn invoke_url(endpoint: &str, stage: &str) -> String {
    match stage {
        "$default" => endpoint.to_string(),
        s => format!("{endpoint}/{s}"),
    }
}

/// What every step needs.
pub struct ApiCtx<'a> {
    pub aws: &'a AwsContext,
    pub lambda: &'a aws_sdk_lambda::Client,
    pub ui: &'a Ui,
    pub function: &'a str,
    pub function_arn: &'a str,
    pub region: &'a str,
}

pub(crate) fn cors_from_sdk(c: &Cors) -> NormalCors {
    let sorted = |v: &[String], f: fn(&str) -> String| {
        let mut v: Vec<String> = v.iter().map(|x| f(x)).collect();
        v.sort();
        v.dedup();
        v
    };
    NormalCors {
        allow_origins: sorted(c.allow_origins(), str::to_string),
        allow_methods: sorted(c.allow_methods(), str::to_uppercase),
        allow_headers: sorted(c.allow_headers(), str::to_lowercase),
        expose_headers: sorted(c.expose_headers(), str::to_lowercase),
        max_age: c.max_age(),
        allow_credentials: c.allow_credentials().unwrap_or(false),
    }
}

fn cors_to_sdk(c: &NormalCors) -> Cors {
    Cors::builder()
        .set_allow_origins(Some(c.allow_origins.clone()))
        .set_allow_methods(Some(c.allow_methods.clone()))
        .set_allow_headers(Some(c.allow_headers.clone()))
        .set_expose_headers(Some(c.expose_headers.clone()))
        .set_max_age(c.max_age)
        .allow_credentials(c.allow_credentials)
        .build()
}

/// Routes, integrations, stages and the routes' authorizers of `api`.
pub(super) async fn read_parts(
    client: &Client,
    aws: &AwsContext,
    api: &mut ApiState,
) -> Result<()> {
    let id = api.id.clone();
    let routes = async {
        let (mut all, mut token) = (Vec::new(), None);
        loop {
            let out = client
                .get_routes()
                .api_id(&id)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| aws.error(Service::ApiGateway, "GetRoutes", e))?;
            all.extend(out.items.unwrap_or_default().into_iter().map(|r| {
                RouteState {
                    id: r.route_id.unwrap_or_default(),
                    key: r.route_key.unwrap_or_default(),
                    target: r.target,
                    auth: r
                        .authorization_type
                        .map_or("NONE".to_string(), |a| a.as_str().to_string()),
                    authorizer: r.authorizer_id,
                }
            }));
            token = out.next_token.filter(|t| !t.is_empty());
            if token.is_none() {
                return Ok::<_, Error>(all);
            }
        }
    };
    let integrations = async {
        let (mut all, mut token) = (Vec::new(), None);
        loop {
            let out = client
                .get_integrations()
                .api_id(&id)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| aws.error(Service::ApiGateway, "GetIntegrations", e))?;
            all.extend(
                out.items
                    .unwrap_or_default()
                    .into_iter()
                    .map(|i| IntegrationState {
                        id: i.integration_id.unwrap_or_default(),
                        uri: i.integration_uri.unwrap_or_default(),
                        payload_format: i.payload_format_version.unwrap_or_default(),
                    }),
            );
            token = out.next_token.filter(|t| !t.is_empty());
            if token.is_none() {
                return Ok::<_, Error>(all);
            }
        }
    };
    let stages = async {
        let (mut all, mut token) = (Vec::new(), None);
        loop {
            let out = client
                .get_stages()
                .api_id(&id)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| aws.error(Service::ApiGateway, "GetStages", e))?;
            all.extend(
                out.items
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| StageState {
                        name: s.stage_name.unwrap_or_default(),
                        auto_deploy: s.auto_deploy.unwrap_or(false),
                        variables: s.stage_variables.unwrap_or_default().into_iter().collect(),
                    }),
            );
            token = out.next_token.filter(|t| !t.is_empty());
            if token.is_none() {
                return Ok::<_, Error>(all);
            }
        }
    };
    let (routes, integrations, stages) = tokio::try_join!(routes, integrations, stages)?;
    let mut ids: Vec<&String> = routes
        .iter()
        .filter_map(|r| r.authorizer.as_ref())
        .collect();
    ids.sort();
    ids.dedup();
    let mut authorizers = Vec::new();
    for a in ids {
        let out = client
            .get_authorizer()
            .api_id(&id)
            .authorizer_id(a)
            .send()
            .await
            .map_err(|e| aws.error(Service::ApiGateway, "GetAuthorizer", e))?;
        let jwt = out.jwt_configuration;
        let mut audience = jwt
            .as_ref()
            .map(|j| j.audience().to_vec())
            .unwrap_or_default();
        audience.sort();
        authorizers.push(AuthorizerState {
            id: a.clone(),
            issuer: jwt.and_then(|j| j.issuer).unwrap_or_default(),
            audience,
        });
    }
    api.routes = routes;
    api.integrations = integrations;
    api.stages = stages;
    api.authorizers = authorizers;
    Ok(())
}

/// Delete lamctl's API (delete, and deploy when `[api]` is gone).
pub async fn delete_api(aws: &AwsContext, api: &str) -> Result<()> {
    aws.apigateway()
        .await
        .delete_api()
        .api_id(api)
        .send()
        .await
        .map_err(|e| aws.error(Service::ApiGateway, "DeleteApi", e))?;
    Ok(())
}

fn auth_type(a: &RouteAuth) -> AuthorizationType {
    match a {
        RouteAuth::None => AuthorizationType::None,
        RouteAuth::Iam => AuthorizationType::AwsIam,
        RouteAuth::Jwt { .. } => AuthorizationType::Jwt,
    }
}

fn shown_auth(a: &RouteAuth) -> &'static str {
    match a {
        RouteAuth::None => "auth none",
        RouteAuth::Iam => "auth iam",
        RouteAuth::Jwt { .. } => "auth jwt",
    }
}

/// `API` or `the API created above`.
fn which(api: &Option<String>) -> String {
    match api {
        Some(a) => format!("API {a}"),
        None => "the API created above".into(),
    }
}

/// The source ARN of an API's invoke permission.
pub fn source_arn(region: &str, account: &str, api: &str) -> String {
    format!("arn:aws:execute-api:{region}:{account}:{api}/*")
}

impl ApiStep {
    /// What this step does, as the dry run prints it.
    pub fn describe(&self) -> Vec<String> {
        let cors_line = |c: &NormalCors| {
            format!(
                "  cors: origins [{}], methods [{}], headers [{}]",
                c.allow_origins.join(", "),
                c.allow_methods.join(", "),
                c.allow_headers.join(", ")
            )
        };
        match self {
            ApiStep::CreateApi { name, cors } => {
                let mut v = vec![format!("create HTTP API {name} (tagged {})", owner::TAG)];
                v.extend(cors.as_ref().map(cors_line));
                v
            }
            ApiStep::UpdateApi { api, name, cors } => {
                let mut v = vec![match cors {
                    Some(_) => format!("update HTTP API {api} ({name}): CORS"),
                    None => format!("update HTTP API {api}: name {name}"),
                }];
                v.extend(cors.as_ref().map(cors_line));
                v
            }
            ApiStep::DeleteCors { api } => {
                vec![format!("remove the CORS configuration of API {api}")]
            }
            ApiStep::CreateIntegration {
                api,
                payload_format,
            } => vec![format!(
                "create the Lambda proxy integration in {} (payload {payload_format})",
                which(api)
            )],
            ApiStep::UpdateIntegration {
                api,
                from,
                payload_format,
                ..
            } => vec![format!(
                "update the integration of API {api}: payload {from} -> {payload_format}"
            )],
            ApiStep::CreateAuthorizer { api, issuer, .. } => {
                vec![format!(
                    "create a JWT authorizer in {} (issuer {issuer})",
                    which(api)
                )]
            }
            ApiStep::UpdateAuthorizer { api, issuer, .. } => {
                vec![format!(
                    "update the JWT authorizer of API {api} (issuer {issuer})"
                )]
            }
            ApiStep::CreateRoute { api, key, auth } => {
                vec![format!(
                    "create route {key} in {} ({})",
                    which(api),
                    shown_auth(auth)
                )]
            }
            ApiStep::UpdateRoute { key, auth, .. } => {
                vec![format!(
                    "update route {key} (to the function, {})",
                    shown_auth(auth)
                )]
            }
            ApiStep::DeleteRoute { key, .. } => {
                vec![format!(
                    "delete route {key} (lamctl's API; not in lamctl.toml)"
                )]
            }
            ApiStep::CreateStage { api, stage, .. } => {
                vec![format!(
                    "create stage {stage} in {} (auto-deploy)",
                    which(api)
                )]
            }
            ApiStep::UpdateStage { stage, .. } => {
                vec![format!("update stage {stage} (variables, auto-deploy)")]
            }
            ApiStep::DeleteStage { stage, .. } => {
                vec![format!(
                    "delete stage {stage} (lamctl's API; not in lamctl.toml)"
                )]
            }
            ApiStep::Permit { api, sid } => vec![format!(
                "allow {} to invoke the function (statement {sid})",
                which(api)
            )],
            ApiStep::DeleteApi { api, name } => vec![format!(
                "delete HTTP API {name} ({api}): lamctl created it and [api] is gone from lamctl.toml"
            )],
        }
    }

    /// Take this step, noting it on stderr.
    pub async fn apply(&self, c: &ApiCtx<'_>, run: &mut Option<ApiRun>) -> Result<()> {
        let client = c.aws.apigateway().await;
        let aws = c.aws;
        let id = |api: &Option<String>, run: &Option<ApiRun>| -> Result<String> {
            api.clone()
                .or_else(|| run.as_ref().map(|r| r.id.clone()))
                .ok_or_else(|| Error::failed("the HTTP API was not created before its use"))
        };
        if let Some(line) = self.describe().first() {
            c.ui.note(line);
        }
        match self {
            ApiStep::CreateApi { name, cors } => {
                let tags: HashMap<String, String> = owner::tags(c.function).into_iter().collect();
                let out = client
                    .create_api()
                    .name(name)
                    .protocol_type(ProtocolType::Http)
                    .set_cors_configuration(cors.as_ref().map(cors_to_sdk))
                    .set_tags(Some(tags))
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "CreateApi", e))?;
                *run = Some(ApiRun {
                    id: out.api_id.unwrap_or_default(),
                    endpoint: out.api_endpoint.unwrap_or_default(),
                    ..run.take().unwrap_or_default()
                });
            }
            ApiStep::UpdateApi { api, name, cors } => {
                client
                    .update_api()
                    .api_id(api)
                    .name(name)
                    .set_cors_configuration(cors.as_ref().map(cors_to_sdk))
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "UpdateApi", e))?;
            }
            ApiStep::DeleteCors { api } => {
                client
                    .delete_cors_configuration()
                    .api_id(api)
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "DeleteCorsConfiguration", e))?;
            }
            ApiStep::CreateIntegration {
                api,
                payload_format,
            } => {
                let api = id(api, run)?;
                let out = client
                    .create_integration()
                    .api_id(&api)
                    .integration_type(IntegrationType::AwsProxy)
                    .integration_uri(c.function_arn)
                    .payload_format_version(payload_format)
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "CreateIntegration", e))?;
                if let Some(r) = run {
                    r.integration = out.integration_id;
                }
            }
            ApiStep::UpdateIntegration {
                api,
                integration,
                payload_format,
                ..
            } => {
                client
                    .update_integration()
                    .api_id(api)
                    .integration_id(integration)
                    .payload_format_version(payload_format)
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "UpdateIntegration", e))?;
            }
            ApiStep::CreateAuthorizer {
                api,
                issuer,
                audience,
            } => {
                let api = id(api, run)?;
                let out = client
                    .create_authorizer()
                    .api_id(&api)
                    .name(owner::sid("jwt", c.function))
                    .authorizer_type(AuthorizerType::Jwt)
                    .identity_source("$request.header.Authorization")
                    .jwt_configuration(
                        JwtConfiguration::builder()
                            .issuer(issuer)
                            .set_audience(Some(audience.clone()))
                            .build(),
                    )
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "CreateAuthorizer", e))?;
                if let Some(r) = run {
                    r.authorizer = out.authorizer_id;
                }
            }
            ApiStep::UpdateAuthorizer {
                api,
                authorizer,
                issuer,
                audience,
            } => {
                client
                    .update_authorizer()
                    .api_id(api)
                    .authorizer_id(authorizer)
                    .jwt_configuration(
                        JwtConfiguration::builder()
                            .issuer(issuer)
                            .set_audience(Some(audience.clone()))
                            .build(),
                    )
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "UpdateAuthorizer", e))?;
            }
            ApiStep::CreateRoute { api, key, auth } => {
                let api = id(api, run)?;
                let (target, authorizer) = route_refs(run, auth)?;
                client
                    .create_route()
                    .api_id(&api)
                    .route_key(key)
                    .target(target)
                    .authorization_type(auth_type(auth))
                    .set_authorizer_id(authorizer)
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "CreateRoute", e))?;
            }
            ApiStep::UpdateRoute {
                api, route, auth, ..
            } => {
                let (target, authorizer) = route_refs(run, auth)?;
                client
                    .update_route()
                    .api_id(api)
                    .route_id(route)
                    .target(target)
                    .authorization_type(auth_type(auth))
                    .set_authorizer_id(authorizer)
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "UpdateRoute", e))?;
            }
            ApiStep::DeleteRoute { api, route, .. } => {
                client
                    .delete_route()
                    .api_id(api)
                    .route_id(route)
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "DeleteRoute", e))?;
            }
            ApiStep::CreateStage {
                api,
                stage,
                variables,
            } => {
                let api = id(api, run)?;
                client
                    .create_stage()
                    .api_id(&api)
                    .stage_name(stage)
                    .auto_deploy(true)
                    .set_stage_variables(Some(variables.clone().into_iter().collect()))
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "CreateStage", e))?;
            }
            ApiStep::UpdateStage {
                api,
                stage,
                variables,
            } => {
                client
                    .update_stage()
                    .api_id(api)
                    .stage_name(stage)
                    .auto_deploy(true)
                    .set_stage_variables(Some(variables.clone().into_iter().collect()))
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "UpdateStage", e))?;
            }
            ApiStep::DeleteStage { api, stage } => {
                client
                    .delete_stage()
                    .api_id(api)
                    .stage_name(stage)
                    .send()
                    .await
                    .map_err(|e| aws.error(Service::ApiGateway, "DeleteStage", e))?;
            }
            ApiStep::Permit { api, sid } => {
                let api = id(api, run)?;
                let account = policy::account_of(c.function_arn).ok_or_else(|| {
                    Error::failed(format!("no account in the function ARN {}", c.function_arn))
                })?;
                let grant = Grant {
                    sid: sid.clone(),
                    principal: PRINCIPAL.into(),
                    source_arn: Some(source_arn(c.region, account, &api)),
                };
                policy::add(c.lambda, aws, c.function, &grant, None).await?;
            }
            ApiStep::DeleteApi { api, .. } => delete_api(aws, api).await?,
        }
        Ok(())
    }
}

/// A route's target (`integrations/ID`) and authorizer, from the run.
fn route_refs(run: &Option<ApiRun>, auth: &RouteAuth) -> Result<(String, Option<String>)> {
    let r = run
        .as_ref()
        .ok_or_else(|| Error::failed("the HTTP API was not created before its use"))?;
    let integration = r
        .integration
        .as_ref()
        .ok_or_else(|| Error::failed("the integration was not created before its use"))?;
    let authorizer = match auth {
        RouteAuth::Jwt { authorizer } => authorizer.clone().or_else(|| r.authorizer.clone()),
        _ => None,
    };
    Ok((format!("integrations/{integration}"), authorizer))
}
