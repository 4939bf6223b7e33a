//! `lamctl concurrency [NAME]`: show reserved concurrency (and the
//! qualifier's provisioned concurrency), or change them through the core
//! functions deploy uses.

use std::fmt;

use serde::Serialize;

use super::Ctx;
use crate::error::Result;
use crate::lambda::concurrency::{self, Concurrency};
use crate::lambda::require_function;

#[derive(Debug, Clone)]
pub struct Settings {
    pub function: String,
    pub reserved: Option<Concurrency>,
    pub provisioned: Option<Provisioned>,
    /// The alias or version whose provisioned concurrency is shown or set.
    pub qualifier: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provisioned {
    Set(i32),
    Remove,
}

#[derive(Debug, Serialize)]
struct Report {
    function: String,
    reserved: Option<i32>,
    qualifier: Option<String>,
    provisioned: Option<i32>,
    changes: Vec<String>,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let name = set.function.as_str();
    require_function(&client, &aws, name).await?;
    let mut changes = Vec::new();
    let mut reserved = concurrency::reserved(&client, &aws, name).await?;
    if let Some(change) = set
        .reserved
        .and_then(|want| concurrency::reserved_change(want, reserved))
    {
        concurrency::apply_reserved(&client, &aws, name, change).await?;
        changes.push(match change {
            Concurrency::Set(n) => format!("reserved concurrency set to {n}"),
            Concurrency::Remove => "reserved concurrency removed".to_string(),
        });
        reserved = match change {
            Concurrency::Set(n) => Some(n),
            Concurrency::Remove => None,
        };
    }
    let mut provisioned = None;
    if let Some(q) = set.qualifier.as_deref() {
        provisioned = concurrency::provisioned(&client, &aws, name, q).await?;
        match set.provisioned {
            Some(Provisioned::Set(n)) => {
                if provisioned != Some(n) {
                    concurrency::set_provisioned(&client, &aws, name, q, n).await?;
                    changes.push(format!("provisioned concurrency of {q} set to {n}"));
                }
                concurrency::wait_provisioned(&client, &aws, ctx.ui, name, q).await?;
                provisioned = Some(n);
            }
            Some(Provisioned::Remove) if provisioned.is_some() => {
                concurrency::remove_provisioned(&client, &aws, name, q).await?;
                changes.push(format!("provisioned concurrency of {q} removed"));
                provisioned = None;
            }
            _ => {}
        }
    }
    ctx.ui.result(&Report {
        function: name.to_string(),
        reserved,
        qualifier: set.qualifier.clone(),
        provisioned,
        changes,
    })
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.changes {
            writeln!(f, "{c}")?;
        }
        match self.reserved {
            Some(n) => writeln!(f, "reserved concurrency  {n}")?,
            None => writeln!(
                f,
                "reserved concurrency  none (the account's unreserved pool)"
            )?,
        }
        if let Some(q) = &self.qualifier {
            match self.provisioned {
                Some(n) => writeln!(f, "provisioned ({q})  {n}")?,
                None => writeln!(f, "provisioned ({q})  none")?,
            }
        }
        Ok(())
    }
}
