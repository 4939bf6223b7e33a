//! Schedules: `[[schedule]]` in lamctl.toml, run by EventBridge Scheduler
//! (docs/triggers.md says why Scheduler and not an EventBridge rule),
//! checked as the file is read, planned against the schedules that target
//! the function, converged by `deploy`.
//!
//! Ownership: Scheduler schedules have no tags, so lamctl writes the
//! marker `lamctl:function=NAME` as the schedule's description
//! ([`owner::marker`]) and converges or deletes only schedules that carry
//! it. Scheduler invokes the function with a role it assumes: lamctl
//! creates `lamctl-FUNCTION-scheduler` (tagged `lamctl:function=NAME`),
//! allowed only to invoke this function.
//!
//! ```toml
//! [[schedule]]
//! expression = "cron(0 7 ? * MON-FRI *)"
//! timezone = "Europe/Paris"
//! payload = '{"job": "report"}'
//! name = "weekday-report"        # default: FUNCTION-N (N its place in the file)
//! enabled = true
//! ```

mod sdk;

pub use sdk::{
    GROUP, Listed, apply, create_role, delete, delete_role, read, read_all, read_all_in, read_role,
};

use serde::{Deserialize, Serialize};

use super::owner;
use crate::lambda::config::FieldChange;
use crate::lambda::limits;
use crate::lambda::names;

/// One `[[schedule]]`, every key checked while the file is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Raw")]
pub struct Schedule {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub expression: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: Option<String>,
    expression: String,
    payload: Option<String>,
    timezone: Option<String>,
    enabled: Option<bool>,
}

impl TryFrom<Raw> for Schedule {
    type Error = String;

    fn try_from(r: Raw) -> Result<Self, String> {
        if let Some(n) = &r.name {
            names::schedule_name(n).map_err(|e| format!("name: {e}"))?;
        }
        names::schedule_expression(&r.expression).map_err(|e| format!("expression: {e}"))?;
        if let Some(tz) = &r.timezone {
            names::time_zone(tz).map_err(|e| format!("timezone: {e}"))?;
        }
        if let Some(p) = &r.payload {
            if p.chars().count() > limits::SCHEDULE_PAYLOAD_CHARS {
                return Err(format!(
                    "payload: {} characters; Scheduler takes at most {}",
                    p.chars().count(),
                    limits::SCHEDULE_PAYLOAD_CHARS
                ));
            }
            serde_json::from_str::<serde_json::Value>(p)
                .map_err(|e| format!("payload: not JSON: {e}"))?;
        }
        Ok(Schedule {
            name: r.name,
            expression: r.expression,
            payload: r.payload,
            timezone: r.timezone,
            enabled: r.enabled,
        })
    }
}

/// The checks across tables: each name once.
pub fn validate(schedules: &[Schedule]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for s in schedules.iter().filter_map(|s| s.name.as_ref()) {
        if !seen.insert(s) {
            return Err(format!("[[schedule]] name {s:?} is given twice"));
        }
    }
    Ok(())
}

/// What a schedule does, every field resolved (Scheduler's defaults where
/// the file says nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleConfig {
    pub expression: String,
    pub timezone: String,
    pub payload: String,
    pub enabled: bool,
}

/// A schedule as lamctl wants it: its name and settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wanted {
    pub name: String,
    pub config: ScheduleConfig,
}

/// Scheduler's time zone when none is given.
pub const DEFAULT_TIMEZONE: &str = "UTC";
/// The input a schedule sends when no payload is given.
pub const DEFAULT_PAYLOAD: &str = "{}";

/// The schedules of `function` with their names: given, or `FUNCTION-N`
/// (N its place among the file's schedules, from 1).
pub fn wanted(function: &str, schedules: &[Schedule]) -> Vec<Wanted> {
    schedules
        .iter()
        .enumerate()
        .map(|(i, s)| Wanted {
            name: s
                .name
                .clone()
                .unwrap_or_else(|| derived_name(function, i + 1)),
            config: ScheduleConfig {
                expression: s.expression.clone(),
                timezone: s
                    .timezone
                    .clone()
                    .unwrap_or_else(|| DEFAULT_TIMEZONE.into()),
                payload: s.payload.clone().unwrap_or_else(|| DEFAULT_PAYLOAD.into()),
                enabled: s.enabled.unwrap_or(true),
            },
        })
        .collect()
}

/// `FUNCTION-N`, the function's name shortened to fit Scheduler's 64.
pub fn derived_name(function: &str, n: usize) -> String {
    let suffix = format!("-{n}");
    let keep = 64 - suffix.len();
    let base: String = function.chars().take(keep).collect();
    format!("{base}{suffix}")
}

/// A schedule that targets the function, as Scheduler holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deployed {
    pub name: String,
    pub group: String,
    #[serde(flatten)]
    pub config: ScheduleConfig,
    /// Its description carries lamctl's marker for the function.
    pub managed: bool,
}

impl Deployed {
    /// The `[[schedule]]` table that describes it (`lamctl init`).
    pub fn as_schedule(&self, function: &str, n: usize) -> Schedule {
        let c = &self.config;
        Schedule {
            name: (self.name != derived_name(function, n)).then(|| self.name.clone()),
            expression: c.expression.clone(),
            payload: (c.payload != DEFAULT_PAYLOAD).then(|| c.payload.clone()),
            timezone: (c.timezone != DEFAULT_TIMEZONE).then(|| c.timezone.clone()),
            enabled: (!c.enabled).then_some(false),
        }
    }
}

/// `[[schedule]]` tables for `deployed` (lamctl's), the derived names
/// (`FUNCTION-N`) first in N's order: a name is left out only where its
/// place derives it again, so the file names the same schedules.
pub fn ordered(function: &str, deployed: &[Deployed]) -> Vec<Schedule> {
    let n_of = |d: &Deployed| {
        d.name
            .strip_prefix(function)
            .and_then(|r| r.strip_prefix('-'))
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|n| derived_name(function, *n) == d.name)
    };
    let mut v: Vec<&Deployed> = deployed.iter().collect();
    v.sort_by_key(|d| (n_of(d).is_none(), n_of(d), d.name.clone()));
    v.iter()
        .enumerate()
        .map(|(i, d)| d.as_schedule(function, i + 1))
        .collect()
}

/// One step of converging the schedules.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum Step {
    /// Create lamctl's role Scheduler assumes to invoke the function.
    CreateRole {
        role: String,
    },
    Create {
        schedule: Wanted,
    },
    Update {
        name: String,
        from: ScheduleConfig,
        to: ScheduleConfig,
    },
    Delete {
        name: String,
        group: String,
    },
    /// A schedule of that name that lamctl did not create: left alone.
    NotManaged {
        name: String,
    },
}

/// The steps from `deployed` to `want` (the whole set): pure, no call.
/// `role` is whether lamctl's scheduler role exists.
pub fn plan(
    want: &[Wanted],
    deployed: &[Deployed],
    role: Option<&str>,
    role_name: &str,
) -> Vec<Step> {
    let mut steps = Vec::new();
    let creates = want
        .iter()
        .any(|w| !deployed.iter().any(|d| d.name == w.name));
    if role.is_none() && creates {
        steps.push(Step::CreateRole {
            role: role_name.to_string(),
        });
    }
    for w in want {
        match deployed
            .iter()
            .find(|d| d.name == w.name && d.group == "default")
        {
            Some(d) if !d.managed => steps.push(Step::NotManaged {
                name: w.name.clone(),
            }),
            Some(d) if d.config != w.config => steps.push(Step::Update {
                name: w.name.clone(),
                from: d.config.clone(),
                to: w.config.clone(),
            }),
            Some(_) => {}
            None => steps.push(Step::Create {
                schedule: w.clone(),
            }),
        }
    }
    for d in deployed.iter().filter(|d| d.managed) {
        if !want.iter().any(|w| w.name == d.name) {
            steps.push(Step::Delete {
                name: d.name.clone(),
                group: d.group.clone(),
            });
        }
    }
    steps
}

fn shown(c: &ScheduleConfig) -> Vec<(&'static str, String)> {
    vec![
        ("expression", c.expression.clone()),
        ("timezone", c.timezone.clone()),
        ("payload", c.payload.clone()),
        ("enabled", c.enabled.to_string()),
    ]
}

impl Step {
    /// What the step does, as the dry run prints it.
    pub fn describe(&self) -> Vec<String> {
        match self {
            Step::CreateRole { role } => vec![format!(
                "create role {role} for EventBridge Scheduler (invokes this function only)"
            )],
            Step::Create { schedule } => {
                std::iter::once(format!("create the schedule {}", schedule.name))
                    .chain(
                        shown(&schedule.config)
                            .into_iter()
                            .map(|(k, v)| format!("  {k}: {v}")),
                    )
                    .collect()
            }
            Step::Update { name, from, to } => {
                std::iter::once(format!("update the schedule {name}:"))
                    .chain(
                        shown(to)
                            .into_iter()
                            .zip(shown(from))
                            .filter(|(a, b)| a != b)
                            .map(|((k, to), (_, from))| format!("  {k}: {from} -> {to}")),
                    )
                    .collect()
            }
            Step::Delete { name, .. } => {
                vec![format!(
                    "delete the schedule {name} (lamctl's, no longer listed)"
                )]
            }
            Step::NotManaged { name } => vec![format!(
                "leave the schedule {name} alone: lamctl did not create it"
            )],
        }
    }

    /// The differences `lamctl diff` lists (`schedule.NAME.KEY`).
    pub fn changes(&self) -> Vec<FieldChange> {
        match self {
            Step::Create { schedule } => vec![FieldChange {
                field: format!("schedule.{}", schedule.name),
                from: None,
                to: "(created)".into(),
            }],
            Step::Update { name, from, to } => shown(to)
                .into_iter()
                .zip(shown(from))
                .filter(|(a, b)| a != b)
                .map(|((k, to), (_, from))| FieldChange {
                    field: format!("schedule.{name}.{k}"),
                    from: Some(from),
                    to,
                })
                .collect(),
            Step::Delete { name, .. } => vec![FieldChange {
                field: format!("schedule.{name}"),
                from: Some("(lamctl's schedule)".into()),
                to: "(removed)".into(),
            }],
            Step::CreateRole { .. } | Step::NotManaged { .. } => Vec::new(),
        }
    }
}

/// The description that marks a schedule as lamctl's for `function`.
pub fn description(function: &str) -> String {
    format!("created by lamctl deploy; {}", owner::marker(function))
}

/// `[[schedule]]` tables for lamctl.toml (`lamctl init`).
pub fn render(schedules: &[Schedule]) -> crate::error::Result<String> {
    #[derive(Serialize)]
    struct Tables<'a> {
        schedule: &'a [Schedule],
    }
    toml::to_string(&Tables {
        schedule: schedules,
    })
    .map_err(|e| crate::error::Error::failed(format!("cannot render lamctl.toml: {e}")))
}

#[cfg(test)]
mod tests;
