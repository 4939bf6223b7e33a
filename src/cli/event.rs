//! `lamctl event`'s flags: list and generate sample events, save test
//! events (beside lamctl.toml, or shared through the console's registry).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::GlobalArgs;
use super::config::Project;
use crate::commands::event::{EventInput, EventSettings, Store};
use crate::error::{Error, Result};
use crate::events;

#[derive(Debug, Args)]
pub struct EventArgs {
    #[command(subcommand)]
    pub action: EventAction,
}

#[derive(Debug, Subcommand)]
pub enum EventAction {
    /// List the sample event sources (--shared: a function's shareable test events)
    #[command(after_help = "Examples:
  lamctl event list
  lamctl event list -o json | jq -r '.[].name'
  lamctl event list --shared hello")]
    List(ListArgs),
    /// Print a sample event as AWS documents it, with fresh ids and times
    #[command(after_help = "Examples:
  lamctl event generate sqs --field body='{\"id\": 1}'
  lamctl event generate s3-put --field bucket=uploads --field key='photos/cat 1.jpg'
  lamctl event generate apigateway-v2 --field method=GET --field path=/orders --field query=id=42
  lamctl event generate cloudwatch-logs --field message='ERROR boom' --field message='INFO ok'")]
    Generate(GenerateArgs),
    /// Save a test event as events/NAME.json beside lamctl.toml (--shared: as a shareable
    /// console event); `invoke --event NAME` sends it
    #[command(after_help = "Examples:
  lamctl event save order-created --from sqs --field body='{\"id\": 1}'
  lamctl event save big --payload-file fixtures/big.json
  echo '{\"name\": \"Ada\"}' | lamctl event save ada
  lamctl event save ada --shared --payload '{\"name\": \"Ada\"}'
  lamctl invoke --local --event ada")]
    Save(SaveArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// With --shared: the function [default: `name` in lamctl.toml]
    #[arg(value_name = "FUNCTION", requires = "shared", add = super::complete::functions())]
    pub function: Option<String>,

    /// List the function's shareable test events (the Lambda console's, in the EventBridge schema
    /// registry lambda-testevent-schemas)
    #[arg(long)]
    pub shared: bool,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The event source (`lamctl event list` shows them)
    #[arg(value_name = "SOURCE")]
    pub source: String,

    /// Set a documented field of the event, e.g. body=hello (repeatable; `lamctl event list`
    /// shows each source's fields)
    #[arg(long = "field", value_name = "KEY=VALUE", value_parser = events::parse_field)]
    pub fields: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// The test event's name (the console's rule: 1-25 letters, digits, dots, hyphens, underscores)
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The event as inline JSON
    #[arg(long, value_name = "JSON", conflicts_with_all = ["payload_file", "from"])]
    pub payload: Option<String>,

    /// Read the event from FILE
    #[arg(long, value_name = "FILE", conflicts_with = "from")]
    pub payload_file: Option<PathBuf>,

    /// Save a generated sample event (see `lamctl event generate`)
    #[arg(long, value_name = "SOURCE")]
    pub from: Option<String>,

    /// With --from: set a field of the sample (repeatable)
    #[arg(long = "field", value_name = "KEY=VALUE", requires = "from", value_parser = events::parse_field)]
    pub fields: Vec<(String, String)>,

    /// Replace an event of that name
    #[arg(long)]
    pub force: bool,

    /// Save it as the function's shareable test event (the Lambda console's, in the EventBridge
    /// schema registry) instead of events/NAME.json
    #[arg(long)]
    pub shared: bool,

    /// With --shared: the function [default: `name` in lamctl.toml]
    #[arg(long, value_name = "NAME", requires = "shared", add = super::complete::functions())]
    pub function: Option<String>,

    /// The project folder whose events/ gets the file [default: lamctl.toml's folder, else .]
    #[arg(long, value_name = "DIR", conflicts_with = "shared")]
    pub dir: Option<PathBuf>,
}

impl EventArgs {
    pub fn settings(&self, global: &GlobalArgs) -> Result<EventSettings> {
        match &self.action {
            EventAction::List(a) => Ok(EventSettings::List {
                shared: if a.shared {
                    let project = Project::discover(global.config.as_deref())?;
                    Some(shared_function(a.function.as_deref(), project.as_ref())?)
                } else {
                    None
                },
            }),
            EventAction::Generate(a) => {
                let source = events::source(&a.source)?;
                source.check_fields(&a.fields)?;
                Ok(EventSettings::Generate {
                    source,
                    fields: a.fields.clone(),
                })
            }
            EventAction::Save(a) => a.settings(global),
        }
    }
}

impl SaveArgs {
    fn settings(&self, global: &GlobalArgs) -> Result<EventSettings> {
        if let Some(d) = &self.dir
            && !d.is_dir()
        {
            return Err(Error::usage(format!(
                "--dir {} is not a directory",
                d.display()
            )));
        }
        let project = Project::find(global.config.as_deref(), self.dir.as_deref())?;
        let store = if self.shared {
            Store::Shared {
                function: shared_function(self.function.as_deref(), project.as_ref())?,
            }
        } else {
            Store::Folder(events::store::folder(&project_dir(
                project.as_ref(),
                self.dir.as_deref(),
            )))
        };
        let folder = match &store {
            Store::Folder(f) => f.clone(),
            Store::Shared { .. } => PathBuf::from(events::store::FOLDER),
        };
        events::store::check_name("NAME", &self.name, &folder)?;
        let input = if let Some(p) = &self.payload {
            EventInput::Inline(p.clone())
        } else if let Some(f) = &self.payload_file {
            EventInput::File(f.clone())
        } else if let Some(s) = &self.from {
            let source = events::source(s)?;
            source.check_fields(&self.fields)?;
            EventInput::Sample {
                source,
                fields: self.fields.clone(),
            }
        } else {
            EventInput::Stdin
        };
        Ok(EventSettings::Save {
            name: self.name.clone(),
            input,
            force: self.force,
            store,
        })
    }
}

/// The folder lamctl.toml is in (`-c`, `--dir`, or `.`), where `events/` is.
pub fn project_dir(project: Option<&Project>, dir: Option<&std::path::Path>) -> PathBuf {
    match (project, dir) {
        (Some(p), _) if !p.dir().as_os_str().is_empty() => p.dir().to_path_buf(),
        (_, Some(d)) => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The function whose shared events are meant: a name (the schema is
/// named after it), from the flag or lamctl.toml.
pub fn shared_function(arg: Option<&str>, project: Option<&Project>) -> Result<String> {
    let f = super::target::function(arg, project)?;
    let r = crate::lambda::names::function_ref(&f).map_err(Error::usage)?;
    Ok(r.name)
}
