//! Function URLs: their configuration (auth, invoke mode, CORS), reading,
//! creating, updating and deleting one, and the resource-policy statements
//! a public (auth none) URL needs.

use std::collections::BTreeSet;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::{Cors as SdkCors, FunctionUrlAuthType, InvokeMode as SdkInvokeMode};
use serde::{Serialize, Serializer};

use super::config::{FieldChange, NONE};
use super::retry_conflict;
use crate::aws::{AwsContext, Service};
use crate::error::{Result, optional};

/// Who may call the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum UrlAuth {
    /// Anyone: the URL is public.
    None,
    AwsIam,
}

/// How the URL returns responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InvokeMode {
    #[default]
    Buffered,
    ResponseStream,
}

/// The URL's CORS settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Cors {
    pub origins: Vec<String>,
    pub methods: Vec<String>,
    pub headers: Vec<String>,
    pub max_age: Option<i32>,
    pub credentials: bool,
}

impl Cors {
    /// Order does not matter to Lambda: compare sorted lists.
    fn normalized(&self) -> Cors {
        let sorted = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v
        };
        Cors {
            origins: sorted(&self.origins),
            methods: sorted(&self.methods),
            headers: sorted(&self.headers),
            ..self.clone()
        }
    }

    fn sdk(&self) -> SdkCors {
        SdkCors::builder()
            .set_allow_origins(Some(self.origins.clone()))
            .set_allow_methods(Some(self.methods.clone()))
            .set_allow_headers(Some(self.headers.clone()))
            .set_max_age(self.max_age)
            .allow_credentials(self.credentials)
            .build()
    }

    fn from_sdk(c: &SdkCors) -> Cors {
        Cors {
            origins: c.allow_origins().to_vec(),
            methods: c.allow_methods().to_vec(),
            headers: c.allow_headers().to_vec(),
            max_age: c.max_age(),
            credentials: c.allow_credentials().unwrap_or(false),
        }
    }
}

/// A function URL's configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UrlConfig {
    pub auth: UrlAuth,
    pub invoke_mode: InvokeMode,
    pub cors: Option<Cors>,
}

impl UrlConfig {
    /// Whether two configurations behave the same (no CORS = empty CORS).
    pub fn same_as(&self, other: &UrlConfig) -> bool {
        let cors = |c: &Option<Cors>| c.clone().unwrap_or_default().normalized();
        self.auth == other.auth
            && self.invoke_mode == other.invoke_mode
            && cors(&self.cors) == cors(&other.cors)
    }
}

impl UrlConfig {
    /// Lambda's defaults for a new URL: aws-iam, buffered, no CORS.
    pub fn lambda_default() -> UrlConfig {
        UrlConfig {
            auth: UrlAuth::AwsIam,
            invoke_mode: InvokeMode::Buffered,
            cors: None,
        }
    }

    /// The fields that differ from `self` to `to`, as people read them
    /// (an empty side is `(none)`).
    pub fn changes(&self, to: &UrlConfig) -> Vec<FieldChange> {
        let mut out = Vec::new();
        let mut cmp = |field: &str, from: String, to: String| {
            if from != to {
                out.push(FieldChange {
                    field: field.into(),
                    from: Some(from),
                    to,
                });
            }
        };
        cmp("auth", self.auth.as_str().into(), to.auth.as_str().into());
        cmp(
            "invoke_mode",
            self.invoke_mode.as_str().into(),
            to.invoke_mode.as_str().into(),
        );
        let (a, b) = (
            self.cors.clone().unwrap_or_default().normalized(),
            to.cors.clone().unwrap_or_default().normalized(),
        );
        let list = |v: &[String]| match v.is_empty() {
            true => NONE.to_string(),
            false => v.join(", "),
        };
        cmp("cors.origins", list(&a.origins), list(&b.origins));
        cmp("cors.methods", list(&a.methods), list(&b.methods));
        cmp("cors.headers", list(&a.headers), list(&b.headers));
        let age = |m: Option<i32>| m.map_or(NONE.to_string(), |m| m.to_string());
        cmp("cors.max_age", age(a.max_age), age(b.max_age));
        cmp(
            "cors.credentials",
            a.credentials.to_string(),
            b.credentials.to_string(),
        );
        out
    }
}

impl UrlAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            UrlAuth::None => "none",
            UrlAuth::AwsIam => "aws-iam",
        }
    }
}

impl InvokeMode {
    pub fn as_str(self) -> &'static str {
        match self {
            InvokeMode::Buffered => "buffered",
            InvokeMode::ResponseStream => "response-stream",
        }
    }
}

/// What a deploy or `lamctl url` asks of the URL: a field not given keeps
/// its deployed value (Lambda's default for a new URL). CORS is one field:
/// any CORS value given replaces the URL's whole CORS setting.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct UrlFields {
    pub auth: Option<UrlAuth>,
    pub invoke_mode: Option<InvokeMode>,
    pub cors: Option<Cors>,
}

impl UrlFields {
    /// The configuration these fields leave over `deployed`.
    pub fn over(&self, deployed: Option<&UrlConfig>) -> UrlConfig {
        let base = deployed.cloned().unwrap_or_else(UrlConfig::lambda_default);
        UrlConfig {
            auth: self.auth.unwrap_or(base.auth),
            invoke_mode: self.invoke_mode.unwrap_or(base.invoke_mode),
            cors: self.cors.clone().or(base.cors),
        }
    }
}

/// What a deploy asks of the function URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum UrlWant {
    /// Create it, or update the fields given.
    Attach(UrlFields),
    /// Delete it and its public permissions.
    Remove,
}

/// The function URL a deploy leaves: [`UrlWant`] resolved over what is
/// deployed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum UrlTarget {
    /// The URL with this configuration.
    Attach(UrlConfig),
    /// No URL.
    Remove,
}

impl UrlWant {
    pub fn over(&self, deployed: Option<&UrlState>) -> UrlTarget {
        match self {
            UrlWant::Attach(f) => UrlTarget::Attach(f.over(deployed.map(|d| &d.config))),
            UrlWant::Remove => UrlTarget::Remove,
        }
    }
}

/// One change that brings a function URL (and its public permissions)
/// from what is deployed to what is wanted.
#[derive(Debug, Clone, PartialEq)]
pub enum UrlStep {
    Create(UrlConfig),
    Update { from: UrlConfig, to: UrlConfig },
    Delete,
    AddPublic(PublicPermission),
    RemovePermission(String),
}

/// The steps from `deployed` (the URL and the resource policy's statement
/// ids) to `want`: the one decision deploy's plan and `lamctl url` share.
/// Fields not given keep their deployed values; an unchanged URL is left
/// alone; an auth-none URL gets both public statements, any other loses
/// lamctl's.
pub fn steps(want: &UrlWant, deployed: Option<&UrlState>, sids: &BTreeSet<String>) -> Vec<UrlStep> {
    let present = |p: &PublicPermission| sids.contains(p.sid());
    let remove_public = |out: &mut Vec<UrlStep>| {
        for p in PublicPermission::ALL.iter().filter(|p| present(p)) {
            out.push(UrlStep::RemovePermission(p.sid().to_string()));
        }
    };
    let mut out = Vec::new();
    match want {
        UrlWant::Attach(fields) => {
            let config = fields.over(deployed.map(|d| &d.config));
            match deployed {
                None => out.push(UrlStep::Create(config.clone())),
                Some(u) if !u.config.same_as(&config) => out.push(UrlStep::Update {
                    from: u.config.clone(),
                    to: config.clone(),
                }),
                Some(_) => {}
            }
            if config.auth == UrlAuth::None {
                for p in PublicPermission::ALL.into_iter().filter(|p| !present(p)) {
                    out.push(UrlStep::AddPublic(p));
                }
            } else {
                remove_public(&mut out);
            }
        }
        UrlWant::Remove => {
            if deployed.is_some() {
                out.push(UrlStep::Delete);
            }
            remove_public(&mut out);
        }
    }
    out
}

/// Take one step; returns the URL when the step created or updated it.
pub async fn apply(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: Option<&str>,
    step: &UrlStep,
) -> Result<Option<String>> {
    match step {
        UrlStep::Create(c) => create(client, aws, function, qualifier, c).await.map(Some),
        UrlStep::Update { to: c, .. } => {
            update(client, aws, function, qualifier, c).await.map(Some)
        }
        UrlStep::Delete => delete(client, aws, function, qualifier).await.map(|_| None),
        UrlStep::AddPublic(p) => add_public(client, aws, function, qualifier, *p)
            .await
            .map(|_| None),
        UrlStep::RemovePermission(sid) => remove_permission(client, aws, function, qualifier, sid)
            .await
            .map(|_| None),
    }
}

/// A function URL as deployed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UrlState {
    pub url: String,
    pub config: UrlConfig,
}

/// The URL of a function (or of its alias `qualifier`); `None` when there
/// is none.
pub async fn get(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: Option<&str>,
) -> Result<Option<UrlState>> {
    let out = optional(
        client
            .get_function_url_config()
            .function_name(function)
            .set_qualifier(qualifier.map(String::from))
            .send()
            .await
            .map_err(|e| aws.error(Service::Lambda, "GetFunctionUrlConfig", e)),
    )?;
    Ok(out.map(|c| UrlState {
        url: c.function_url().to_string(),
        config: UrlConfig {
            auth: match c.auth_type() {
                FunctionUrlAuthType::None => UrlAuth::None,
                _ => UrlAuth::AwsIam,
            },
            invoke_mode: match c.invoke_mode() {
                Some(SdkInvokeMode::ResponseStream) => InvokeMode::ResponseStream,
                _ => InvokeMode::Buffered,
            },
            cors: c.cors().map(Cors::from_sdk),
        },
    }))
}

fn sdk_auth(a: UrlAuth) -> FunctionUrlAuthType {
    match a {
        UrlAuth::None => FunctionUrlAuthType::None,
        UrlAuth::AwsIam => FunctionUrlAuthType::AwsIam,
    }
}

fn sdk_mode(m: InvokeMode) -> SdkInvokeMode {
    match m {
        InvokeMode::Buffered => SdkInvokeMode::Buffered,
        InvokeMode::ResponseStream => SdkInvokeMode::ResponseStream,
    }
}

/// Create the URL; returns it.
pub async fn create(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: Option<&str>,
    config: &UrlConfig,
) -> Result<String> {
    let cors = config.cors.as_ref().map(Cors::sdk);
    let out = retry_conflict(client, aws, function, "CreateFunctionUrlConfig", || {
        client
            .create_function_url_config()
            .function_name(function)
            .set_qualifier(qualifier.map(String::from))
            .auth_type(sdk_auth(config.auth))
            .invoke_mode(sdk_mode(config.invoke_mode))
            .set_cors(cors.clone())
            .send()
    })
    .await?;
    Ok(out.function_url().to_string())
}

/// Update the URL's configuration (no CORS clears it); returns the URL.
pub async fn update(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: Option<&str>,
    config: &UrlConfig,
) -> Result<String> {
    let cors = config
        .cors
        .as_ref()
        .map_or_else(|| SdkCors::builder().build(), Cors::sdk);
    let out = retry_conflict(client, aws, function, "UpdateFunctionUrlConfig", || {
        client
            .update_function_url_config()
            .function_name(function)
            .set_qualifier(qualifier.map(String::from))
            .auth_type(sdk_auth(config.auth))
            .invoke_mode(sdk_mode(config.invoke_mode))
            .cors(cors.clone())
            .send()
    })
    .await?;
    Ok(out.function_url().to_string())
}

pub async fn delete(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: Option<&str>,
) -> Result<()> {
    retry_conflict(client, aws, function, "DeleteFunctionUrlConfig", || {
        client
            .delete_function_url_config()
            .function_name(function)
            .set_qualifier(qualifier.map(String::from))
            .send()
    })
    .await?;
    Ok(())
}

// ----------------------------------------------------- public permissions

/// A resource-policy statement a public URL needs, under a statement id
/// lamctl owns (so it can find and remove it again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicPermission {
    /// `lambda:InvokeFunctionUrl` for anyone, for an auth-none URL.
    InvokeFunctionUrl,
    /// Since 2025 a public URL also needs `lambda:InvokeFunction`, limited
    /// to calls that come through the URL.
    InvokeFunction,
}

impl PublicPermission {
    pub const ALL: [PublicPermission; 2] = [
        PublicPermission::InvokeFunctionUrl,
        PublicPermission::InvokeFunction,
    ];

    pub fn sid(self) -> &'static str {
        match self {
            PublicPermission::InvokeFunctionUrl => "lamctl-url-public-invoke-url",
            PublicPermission::InvokeFunction => "lamctl-url-public-invoke",
        }
    }
}

impl Serialize for PublicPermission {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.sid())
    }
}

/// The statement ids in a function's (or qualifier's) resource policy;
/// none when it has no policy (read by the one policy reader).
pub async fn policy_sids(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: Option<&str>,
) -> Result<BTreeSet<String>> {
    let grants = super::triggers::policy::read_qualified(client, aws, function, qualifier).await?;
    Ok(grants.into_iter().map(|g| g.sid).collect())
}

/// The `Sid`s of a policy document (GetPolicy's `Policy`, a JSON string);
/// a document that does not parse has none.
pub fn statement_ids(policy: &str) -> BTreeSet<String> {
    super::triggers::policy::parse(policy)
        .into_iter()
        .map(|g| g.sid)
        .collect()
}

/// Add one public permission.
pub async fn add_public(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: Option<&str>,
    permission: PublicPermission,
) -> Result<()> {
    retry_conflict(client, aws, function, "AddPermission", || {
        let b = client
            .add_permission()
            .function_name(function)
            .set_qualifier(qualifier.map(String::from))
            .statement_id(permission.sid())
            .principal("*");
        match permission {
            PublicPermission::InvokeFunctionUrl => b
                .action("lambda:InvokeFunctionUrl")
                .function_url_auth_type(FunctionUrlAuthType::None),
            PublicPermission::InvokeFunction => b
                .action("lambda:InvokeFunction")
                .invoked_via_function_url(true),
        }
        .send()
    })
    .await?;
    Ok(())
}

/// Remove a statement from the resource policy.
pub async fn remove_permission(
    client: &Client,
    aws: &AwsContext,
    function: &str,
    qualifier: Option<&str>,
    sid: &str,
) -> Result<()> {
    retry_conflict(client, aws, function, "RemovePermission", || {
        client
            .remove_permission()
            .function_name(function)
            .set_qualifier(qualifier.map(String::from))
            .statement_id(sid)
            .send()
    })
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_statement_ids_are_read_from_the_document() {
        let doc = r#"{"Version":"2012-10-17","Id":"default","Statement":[
            {"Sid":"lamctl-url-public-invoke-url","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl"},
            {"Sid":"other","Effect":"Allow"},
            {"Effect":"Allow"}]}"#;
        assert_eq!(
            statement_ids(doc),
            BTreeSet::from(["lamctl-url-public-invoke-url".to_string(), "other".into()])
        );
        assert!(statement_ids("not json").is_empty());
        assert!(statement_ids("{}").is_empty());
    }

    #[test]
    fn url_configs_compare_cors_as_sets_and_no_cors_as_empty() {
        let cfg = |cors: Option<Cors>| UrlConfig {
            auth: UrlAuth::AwsIam,
            invoke_mode: InvokeMode::Buffered,
            cors,
        };
        let ab = Cors {
            origins: vec!["a".into(), "b".into()],
            ..Default::default()
        };
        let ba = Cors {
            origins: vec!["b".into(), "a".into()],
            ..Default::default()
        };
        assert!(cfg(Some(ab.clone())).same_as(&cfg(Some(ba))));
        assert!(cfg(None).same_as(&cfg(Some(Cors::default()))));
        assert!(!cfg(None).same_as(&cfg(Some(ab))));
        let public = UrlConfig {
            auth: UrlAuth::None,
            ..cfg(None)
        };
        assert!(!public.same_as(&cfg(None)));
    }
}
