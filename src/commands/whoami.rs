//! `lamctl whoami`: which profile, region, endpoint and identity lamctl
//! would use, and where each setting came from.

use std::fmt;

use serde::Serialize;

use super::Ctx;
use crate::aws::{Service, Setting};
use crate::error::Result;

#[derive(Debug, Serialize)]
pub struct Whoami {
    pub profile: Setting,
    pub region: Setting,
    /// The endpoint for all services, null for AWS's own.
    pub endpoint: Option<Setting>,
    /// Per-service endpoints from AWS_ENDPOINT_URL_<SERVICE>.
    pub service_endpoints: std::collections::BTreeMap<Service, Setting>,
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

pub async fn run(ctx: &Ctx<'_>) -> Result<()> {
    let aws = ctx.aws().await?;
    let identity = aws
        .sts()
        .await
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| aws.error(Service::Sts, "GetCallerIdentity", e))?;
    let result = Whoami {
        profile: aws.profile.clone(),
        region: aws.region.clone(),
        endpoint: aws.endpoint.clone(),
        service_endpoints: aws.service_endpoints.clone(),
        account: identity.account().unwrap_or_default().to_string(),
        arn: identity.arn().unwrap_or_default().to_string(),
        user_id: identity.user_id().unwrap_or_default().to_string(),
    };
    ctx.ui.result(&result)
}

impl fmt::Display for Whoami {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "profile   {}", self.profile)?;
        writeln!(f, "region    {}", self.region)?;
        match &self.endpoint {
            Some(e) => writeln!(f, "endpoint  {e}")?,
            None => writeln!(f, "endpoint  AWS default")?,
        }
        for (service, e) in &self.service_endpoints {
            writeln!(
                f,
                "endpoint  {} for {}",
                e,
                serde_json::to_value(service)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            )?;
        }
        writeln!(f, "account   {}", self.account)?;
        writeln!(f, "arn       {}", self.arn)?;
        write!(f, "user id   {}", self.user_id)
    }
}
