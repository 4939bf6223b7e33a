//! `lamctl diff [DIR]`: what a deploy from here would change. The
//! definition comes through deploy's own conversion and the package
//! through deploy's package step; the configuration is compared with the
//! core's diff (a field the definition does not mention is no difference),
//! the tags with the core's tag diff, and the code by CodeSha256.

use std::fmt;

use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::lambda::config::{self, Definition, FieldChange};
use crate::lambda::require_function;
use crate::package::{PackageOptions, package_shown, summary};

#[derive(Debug, Clone)]
pub struct Settings {
    pub function: String,
    pub definition: Definition,
    pub package: PackageOptions,
    /// Exit 4 when anything differs.
    pub exit_code: bool,
    pub show_values: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    function: String,
    /// Configuration and tag fields that differ: `from` deployed, `to` local.
    changes: Vec<FieldChange>,
    code: Code,
    differs: bool,
}

#[derive(Debug, Serialize)]
struct Code {
    local: String,
    deployed: Option<String>,
    differs: bool,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let ui = ctx.ui;
    let package = package_shown(ui, set.package.clone()).await?;
    ui.note(summary(ui, &package));

    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let name = set.function.as_str();
    let f = require_function(&client, &aws, name).await?;
    let (cfg, tags) = (&f.config, &f.tags);
    let def = &set.definition;
    let mut changes = config::changes_shown(def, def.role.as_deref(), cfg, set.show_values);
    let (set_tags, removed) = config::tag_changes(&def.tags, tags);
    for (k, v) in set_tags {
        changes.push(FieldChange {
            from: tags.get(&k).cloned(),
            field: format!("tags.{k}"),
            to: v,
        });
    }
    for k in removed {
        changes.push(FieldChange {
            from: tags.get(&k).cloned(),
            field: format!("tags.{k}"),
            to: "(removed)".into(),
        });
    }
    let deployed = cfg.code_sha256().map(String::from);
    let code = Code {
        differs: deployed.as_deref() != Some(package.code_sha256.as_str()),
        local: package.code_sha256.clone(),
        deployed,
    };
    let report = Report {
        function: name.to_string(),
        differs: code.differs || !changes.is_empty(),
        changes,
        code,
    };
    ui.result(&report)?;
    if set.exit_code && report.differs {
        return Err(Error::Differences);
    }
    Ok(())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.differs {
            return writeln!(f, "{}: no differences", self.function);
        }
        writeln!(f, "{}: deployed -> local", self.function)?;
        let width = self
            .changes
            .iter()
            .map(|c| c.field.len())
            .max()
            .unwrap_or(0)
            .max(4);
        for c in &self.changes {
            let from = c.from.as_deref().unwrap_or("(unset)");
            writeln!(f, "  {:<width$}  {from} -> {}", c.field, c.to)?;
        }
        if self.code.differs {
            let deployed = self.code.deployed.as_deref().unwrap_or("(none)");
            writeln!(f, "  {:<width$}  {deployed} -> {}", "code", self.code.local)?;
        } else {
            writeln!(f, "  {:<width$}  unchanged ({})", "code", self.code.local)?;
        }
        Ok(())
    }
}
