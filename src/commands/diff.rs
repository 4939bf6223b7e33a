//! `lamctl diff [DIR]`: what a deploy from here would change. The
//! definition comes through deploy's own conversion and is resolved
//! against the deployed function exactly as deploy's plan resolves it
//! (`Definition::resolved`: flags alone merge into the deployed
//! variables and tags); the configuration is compared with the core's diff
//! (a field the definition does not mention is no difference), the tags
//! with the core's tag diff, and the code by CodeSha256. A directory with
//! no code yet (right after `lamctl init`) is compared by configuration
//! only, and the report says the code was not compared.

use std::fmt;
use std::path::Path;

use serde::Serialize;

pub mod many;

use super::Ctx;
use crate::aws::AwsContext;
use crate::error::{Error, Result};
use crate::lambda::config::{self, Definition, FieldChange};
use crate::lambda::plan::{Action, FunctionState, trigger_actions};
use crate::lambda::require_function;
use crate::lambda::triggers::Declared;
use crate::lambda::triggers::esm::{self, EventSource};
use crate::lambda::triggers::schedule::{self, Schedule};
use crate::output::Ui;
use crate::package::{PackageOptions, package_shown, summary};

#[derive(Debug, Clone)]
pub struct Settings {
    pub function: String,
    pub definition: Definition,
    pub package: PackageOptions,
    /// Exit 4 when anything differs.
    pub exit_code: bool,
    pub show_values: bool,
    /// lamctl.toml's `[[event_source]]` tables (the whole set), as deploy
    /// takes them; `None` without a file.
    pub event_sources: Option<Vec<EventSource>>,
    /// lamctl.toml's `[[schedule]]` tables; `None` without a file.
    pub schedules: Option<Vec<Schedule>>,
    /// lamctl.toml's `[api]` and `[[s3]]` tables (none without a file: not
    /// compared).
    pub triggers: Option<Declared>,
}

#[derive(Debug, Serialize)]
struct Report {
    function: String,
    /// Configuration and tag fields that differ: `from` deployed, `to` local.
    changes: Vec<FieldChange>,
    code: Code,
    /// What deploy would do to the triggers (the dry run's words).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    triggers: Vec<String>,
    differs: bool,
}

#[derive(Debug, Serialize)]
struct Code {
    /// `false` when the directory holds no code: `local` is then null.
    compared: bool,
    local: Option<String>,
    deployed: Option<String>,
    differs: bool,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    let ui = ctx.ui;
    let package = local(ui, set).await?;
    let aws = ctx.aws().await?;
    let report = against(&aws, set, package).await?;
    ui.result(&report)?;
    if set.exit_code && report.differs {
        return Err(Error::Differences);
    }
    Ok(())
}

/// The local package's CodeSha256, or `None` when there is no code here.
async fn local(ui: &Ui, set: &Settings) -> Result<Option<String>> {
    let root = &set.package.root;
    Ok(match has_code(root) {
        true => {
            let p = package_shown(ui, set.package.clone()).await?;
            ui.note(summary(ui, &p));
            Some(p.code_sha256)
        }
        false => {
            ui.note(format!(
                "code not compared: {} holds no code yet (`lamctl init --download` fetches it)",
                root.display()
            ));
            None
        }
    })
}

/// The definition and `package` against the deployed function.
async fn against(aws: &AwsContext, set: &Settings, package: Option<String>) -> Result<Report> {
    let client = aws.lambda().await;
    let name = set.function.as_str();
    let f = require_function(&client, aws, name).await?;
    let (cfg, tags) = (&f.config, &f.tags);
    // The one resolution deploy's plan makes, so diff and deploy agree.
    let def = &set.definition.resolved(Some(cfg), Some(tags));
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
    if let Some(sources) = &set.event_sources {
        let mappings = esm::read(&client, aws, name).await?;
        changes.extend(
            esm::plan(sources, &mappings)
                .iter()
                .flat_map(esm::Step::changes),
        );
    }
    if let Some(listed) = &set.schedules {
        let arn = cfg.function_arn();
        let (deployed, role) = schedule::read_all(aws, name, arn, !listed.is_empty()).await?;
        let wanted = schedule::wanted(name, listed);
        let role_name = crate::lambda::names::scheduler_role_name_for(name);
        let steps = schedule::plan(&wanted, &deployed, role.as_deref(), &role_name);
        changes.extend(steps.iter().flat_map(schedule::Step::changes));
    }
    let deployed = cfg.code_sha256().map(String::from);
    let code = Code {
        compared: package.is_some(),
        differs: package.is_some() && deployed != package,
        local: package,
        deployed,
    };
    // The triggers: the very actions deploy would take, in its words.
    let triggers: Vec<String> = match &set.triggers {
        Some(declared) => {
            let state = FunctionState {
                config: f.config.clone(),
                tags: f.tags.clone(),
            };
            trigger_actions(&client, aws, name, declared, &state)
                .await?
                .iter()
                .flat_map(Action::describe)
                .collect()
        }
        None => Vec::new(),
    };
    Ok(Report {
        function: name.to_string(),
        differs: code.differs || !changes.is_empty() || !triggers.is_empty(),
        changes,
        code,
        triggers,
    })
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.differs {
            return match self.code.compared {
                true => writeln!(f, "{}: no differences", self.function),
                false => writeln!(
                    f,
                    "{}: no configuration differences (code not compared: no code here)",
                    self.function
                ),
            };
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
        let local = self.code.local.as_deref().unwrap_or_default();
        if !self.code.compared {
            writeln!(f, "  {:<width$}  not compared (no code here)", "code")?;
        } else if self.code.differs {
            let deployed = self.code.deployed.as_deref().unwrap_or("(none)");
            writeln!(f, "  {:<width$}  {deployed} -> {local}", "code")?;
        } else {
            writeln!(f, "  {:<width$}  unchanged ({local})", "code")?;
        }
        if !self.triggers.is_empty() {
            writeln!(f, "  triggers (what deploy would do):")?;
            for line in &self.triggers {
                writeln!(f, "    {line}")?;
            }
        }
        Ok(())
    }
}

/// Whether `root` holds anything to deploy: a file or directory besides
/// lamctl.toml and dot-files (`.lamctlignore`). A directory that does not
/// exist counts, so packaging names it.
fn has_code(root: &Path) -> bool {
    match std::fs::read_dir(root) {
        Ok(entries) => entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name != "lamctl.toml" && !name.starts_with('.')
        }),
        Err(_) => true,
    }
}
