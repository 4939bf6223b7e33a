//! Reading the deployed state a plan starts from, once, before planning.
//! Each read maps "not found" to nothing, so a function about to be
//! created reads as having no alias, URL or concurrency. The reads after
//! GetFunction are independent and run at once.

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::{EventSourceMappingConfiguration, FunctionConfiguration};
use tokio::sync::OnceCell;

use super::{Code, Deployed, Desired, FunctionState};
use crate::aws::AwsContext;
use crate::error::{Result, optional};
use crate::lambda::extras::{self, Extras};
use crate::lambda::names::role_name_for;
use crate::lambda::triggers::{esm, schedule};
use crate::lambda::{alias, concurrency, get_function, role, url, versions};
use crate::s3upload;

/// What a run over several functions of one account and region reads once
/// for all of them instead of once a function: every schedule (ListSchedules
/// has no filter by target, so one function's read lists them all anyway)
/// and, when `shared`, every event source mapping. A single deploy uses
/// `AccountReads::default()`, which lists its function's mappings alone.
#[derive(Default)]
pub struct AccountReads {
    shared: bool,
    mappings: OnceCell<Vec<EventSourceMappingConfiguration>>,
    schedules: OnceCell<Vec<schedule::Listed>>,
}

impl AccountReads {
    /// For a run over several functions (`deploy --all`).
    pub fn shared() -> AccountReads {
        AccountReads {
            shared: true,
            ..Default::default()
        }
    }
}

impl Deployed {
    /// Read what `want` names: the function and its tags, and only as
    /// needed lamctl's role, the alias, versions and aliases (to prune),
    /// reserved and provisioned concurrency, the URL and its policy, and
    /// whether `code`'s S3 object is already there. What the account holds
    /// for every function (mappings, schedules) comes through `reads`.
    pub async fn read(
        client: &Client,
        aws: &AwsContext,
        want: &Desired,
        code: &Code,
        reads: &AccountReads,
    ) -> Result<Deployed> {
        let name = want.name.as_str();
        let function = get_function(client, aws, name)
            .await?
            .map(|f| FunctionState {
                config: f
                    .configuration
                    .unwrap_or_else(|| FunctionConfiguration::builder().build()),
                tags: f.tags.unwrap_or_default().into_iter().collect(),
            });
        let role = async {
            match want.create_role && want.definition.role.is_none() {
                true => role::read(aws, &role_name_for(name)).await,
                false => Ok(None),
            }
        };
        // The reads are independent: one round trip's wait, not six.
        let alias = async {
            match &want.alias {
                Some(a) => alias::get(client, aws, name, a).await,
                None => Ok(None),
            }
        };
        let pruning = async {
            if want.keep_versions.is_none() {
                return Ok((Vec::new(), Vec::new()));
            }
            let versions = versions::list(client, aws, name).await?;
            let aliases = optional(alias::list(client, aws, name).await)?.unwrap_or_default();
            Ok((versions, aliases))
        };
        let reserved = async {
            match want.concurrency {
                Some(_) => concurrency::reserved(client, aws, name).await,
                None => Ok(None),
            }
        };
        let provisioned = async {
            match (want.provisioned, &want.alias) {
                (Some(_), Some(a)) => concurrency::provisioned(client, aws, name, a).await,
                _ => Ok(None),
            }
        };
        let url = async {
            if want.url.is_none() {
                return Ok((None, Default::default()));
            }
            let qualifier = want.alias.as_deref();
            let (url, sids) = tokio::try_join!(
                url::get(client, aws, name, qualifier),
                url::policy_sids(client, aws, name, qualifier)
            )?;
            Ok((url, sids))
        };
        let exists = function.is_some();
        let def = &want.definition;
        let extras = async {
            if !exists {
                return Ok(Extras::default());
            }
            let runtime_management = async {
                match def.runtime_management {
                    Some(_) => extras::runtime_management(client, aws, name).await,
                    None => Ok(None),
                }
            };
            let recursive_loop = async {
                match def.recursive_loop {
                    Some(_) => extras::recursive_loop(client, aws, name).await,
                    None => Ok(None),
                }
            };
            let code_signing_config = async {
                match def.code_signing_config {
                    Some(_) => extras::code_signing_config(client, aws, name).await,
                    None => Ok(None),
                }
            };
            let (runtime_management, recursive_loop, code_signing_config) =
                tokio::try_join!(runtime_management, recursive_loop, code_signing_config)?;
            Ok(Extras {
                runtime_management,
                recursive_loop,
                code_signing_config,
            })
        };
        let zip_in_s3 = async {
            let Some((bucket, key)) = &code.s3 else {
                return Ok(false);
            };
            let object = s3upload::Object {
                bucket,
                key,
                sha256: &code.sha256_hex,
                content_addressed: code.content_addressed(name),
            };
            s3upload::holds(aws, &object, code.size).await
        };
        let arn = function.as_ref().and_then(|f| f.config.function_arn());
        let mappings = async {
            match (exists, &want.event_sources, arn) {
                (true, Some(_), Some(arn)) if reads.shared => {
                    let all = reads
                        .mappings
                        .get_or_try_init(|| esm::list_all(client, aws));
                    esm::read_from(client, aws, name, arn, all.await?).await
                }
                (true, Some(_), _) => esm::read(client, aws, name).await,
                _ => Ok(Vec::new()),
            }
        };
        let triggers = super::triggers::read(client, aws, want, exists);
        let (role, alias, pruned, reserved, provisioned, (url, policy_sids), extras, zip_in_s3) = tokio::try_join!(
            role,
            alias,
            pruning,
            reserved,
            provisioned,
            url,
            extras,
            zip_in_s3
        )?;
        let mappings = mappings.await?;
        let (schedules, scheduler_role) = match &want.schedules {
            Some(listed) => {
                let all = &reads.schedules;
                schedule::read_all_in(aws, name, arn, !listed.is_empty(), all).await?
            }
            None => (Vec::new(), None),
        };
        let (grants, api, buckets) = triggers.await?;
        let (versions, aliases) = pruned;
        let d = Deployed {
            function,
            role: role.as_ref().map(|r| r.arn.clone()),
            role_state: role,
            alias,
            aliases,
            versions,
            reserved,
            provisioned,
            url,
            policy_sids,
            extras,
            zip_in_s3,
            mappings,
            schedules,
            scheduler_role,
            grants,
            api,
            buckets,
        };
        Ok(d)
    }
}
