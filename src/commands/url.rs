//! `lamctl url [NAME]`: show the function URL, or create, change or delete
//! it with its public permissions. The steps are the core's
//! [`url::steps`], the very decision deploy's plan makes.

use std::fmt;

use serde::Serialize;

use super::Ctx;
use crate::error::Result;
use crate::lambda::require_function;
use crate::lambda::url::{self, Cors, InvokeMode, UrlAuth, UrlFields, UrlState, UrlStep, UrlWant};

#[derive(Debug, Clone)]
pub struct Settings {
    pub function: String,
    /// The alias the URL belongs to.
    pub qualifier: Option<String>,
    pub change: Change,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Show,
    /// What the flags set; the rest stays as deployed (or Lambda's
    /// defaults for a new URL: aws-iam, buffered, no CORS).
    Set {
        auth: Option<UrlAuth>,
        invoke_mode: Option<InvokeMode>,
        cors: Option<Cors>,
    },
    Delete,
}

#[derive(Debug, Serialize)]
struct Report {
    function: String,
    qualifier: Option<String>,
    /// The URL after the command; none when there is none.
    url: Option<UrlState>,
    /// What changed: `created`, `updated`, `deleted`, `public permission added`, …
    changes: Vec<String>,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let name = set.function.as_str();
    let q = set.qualifier.as_deref();
    require_function(&client, &aws, name).await?;
    let (deployed, sids) = tokio::try_join!(
        url::get(&client, &aws, name, q),
        url::policy_sids(&client, &aws, name, q)
    )?;
    let want = match &set.change {
        Change::Show => None,
        Change::Delete => Some(UrlWant::Remove),
        Change::Set {
            auth,
            invoke_mode,
            cors,
        } => Some(UrlWant::Attach(UrlFields {
            auth: *auth,
            invoke_mode: *invoke_mode,
            cors: cors.clone(),
        })),
    };
    let mut changes = Vec::new();
    if let Some(want) = &want {
        for step in url::steps(want, deployed.as_ref(), &sids) {
            url::apply(&client, &aws, name, q, &step).await?;
            changes.push(match step {
                UrlStep::Create(_) => "created".to_string(),
                UrlStep::Update { .. } => "updated".into(),
                UrlStep::Delete => "deleted".into(),
                UrlStep::AddPublic(p) => format!("added public permission {}", p.sid()),
                UrlStep::RemovePermission(sid) => format!("removed permission {sid}"),
            });
        }
    }
    let now = match want {
        None => deployed,
        Some(_) => url::get(&client, &aws, name, q).await?,
    };
    ctx.ui.result(&Report {
        function: name.to_string(),
        qualifier: set.qualifier.clone(),
        url: now,
        changes,
    })
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.changes {
            writeln!(f, "{c}")?;
        }
        let on = self
            .qualifier
            .as_deref()
            .map(|q| format!(":{q}"))
            .unwrap_or_default();
        let Some(u) = &self.url else {
            return writeln!(f, "{}{on} has no function URL", self.function);
        };
        writeln!(f, "{}", u.url)?;
        let auth = match u.config.auth {
            UrlAuth::None => "none (public)",
            UrlAuth::AwsIam => "aws-iam",
        };
        writeln!(f, "  auth         {auth}")?;
        let mode = match u.config.invoke_mode {
            InvokeMode::Buffered => "buffered",
            InvokeMode::ResponseStream => "response-stream",
        };
        writeln!(f, "  invoke mode  {mode}")?;
        if let Some(c) = &u.config.cors {
            let list = |v: &[String]| {
                if v.is_empty() {
                    "-".to_string()
                } else {
                    v.join(", ")
                }
            };
            writeln!(f, "  cors origins {}", list(&c.origins))?;
            writeln!(f, "  cors methods {}", list(&c.methods))?;
            writeln!(f, "  cors headers {}", list(&c.headers))?;
        }
        Ok(())
    }
}
