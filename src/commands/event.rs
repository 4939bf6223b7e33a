//! `lamctl event`: the sample events AWS documents (`list`, `generate`),
//! and saving a test event (`save`) as `events/NAME.json` beside
//! lamctl.toml or as the function's shareable console event.

use std::fmt;
use std::io::IsTerminal;
use std::path::PathBuf;

use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::events::{self, Source, store};
use crate::lambda::test_events;
use crate::output::{self, table};

/// What `event` was asked to do.
#[derive(Debug)]
pub enum EventSettings {
    /// The catalogue, or (`Some(function)`) a function's shared events.
    List { shared: Option<String> },
    Generate {
        source: &'static Source,
        fields: Vec<(String, String)>,
    },
    Save {
        name: String,
        input: EventInput,
        force: bool,
        store: Store,
    },
}

/// Where a saved event's JSON comes from.
#[derive(Debug)]
pub enum EventInput {
    Inline(String),
    File(PathBuf),
    Stdin,
    Sample {
        source: &'static Source,
        fields: Vec<(String, String)>,
    },
}

/// Where saved events live.
#[derive(Debug, Clone)]
pub enum Store {
    /// `DIR/events`.
    Folder(PathBuf),
    /// The function's schema in the console's registry.
    Shared { function: String },
}

pub async fn run(ctx: &Ctx<'_>, settings: EventSettings) -> Result<()> {
    match settings {
        EventSettings::List { shared: None } => ctx.ui.result(&Catalogue(events::catalogue())),
        EventSettings::List {
            shared: Some(function),
        } => {
            let aws = ctx.aws().await?;
            let names = test_events::read(&aws, &function)
                .await?
                .map(|s| s.names())
                .unwrap_or_default();
            ctx.ui.result(&SharedList { function, names })
        }
        EventSettings::Generate { source, fields } => {
            let event = source.generate(&fields)?;
            output::write_stdout(output::json(&event, true)?.as_bytes())
        }
        EventSettings::Save {
            name,
            input,
            force,
            store,
        } => save(ctx, &name, input, force, store).await,
    }
}

async fn save(ctx: &Ctx<'_>, name: &str, input: EventInput, force: bool, to: Store) -> Result<()> {
    // Read and check everything before writing anything.
    let (bytes, value) = match input {
        EventInput::Inline(text) => {
            let v = store::check_event(text.as_bytes(), "--payload")?;
            (text.into_bytes(), v)
        }
        EventInput::File(path) => {
            let label = format!("--payload-file {}", path.display());
            let meta = std::fs::metadata(&path).map_err(|e| {
                Error::usage(format!(
                    "cannot read {label}: {}",
                    crate::error::io_text(&e)
                ))
            })?;
            if !meta.is_file() {
                return Err(Error::usage(format!("{label} is not a regular file")));
            }
            let f = std::fs::File::open(&path).map_err(|e| {
                Error::usage(format!(
                    "cannot read {label}: {}",
                    crate::error::io_text(&e)
                ))
            })?;
            let data = store::read_bounded(f, &label)?;
            let v = store::check_event(&data, &label)?;
            (data, v)
        }
        EventInput::Stdin => {
            if std::io::stdin().is_terminal() {
                return Err(Error::usage("no event to save").with_hint(
                    "give --payload JSON, --payload-file FILE, --from SOURCE, or pipe the JSON in",
                ));
            }
            let data = tokio::task::spawn_blocking(|| {
                store::read_bounded(std::io::stdin().lock(), "standard input")
            })
            .await
            .map_err(|e| Error::failed(format!("reading standard input stopped: {e}")))??;
            let v = store::check_event(&data, "standard input")?;
            (data, v)
        }
        EventInput::Sample { source, fields } => {
            let v = source.generate(&fields)?;
            (output::json(&v, true)?.into_bytes(), v)
        }
    };
    let size = bytes.len();
    let saved = match to {
        Store::Folder(folder) => {
            let path = store::write(&folder, name, &bytes, force)?;
            Saved {
                name: name.to_string(),
                bytes: size,
                path: Some(path.display().to_string()),
                function: None,
                registry: None,
                schema: None,
            }
        }
        Store::Shared { function } => {
            let aws = ctx.aws().await?;
            test_events::save(&aws, &function, name, value, force).await?;
            Saved {
                name: name.to_string(),
                bytes: size,
                path: None,
                schema: Some(events::shared_schema_name(&function)),
                function: Some(function),
                registry: Some(events::SHARED_REGISTRY.to_string()),
            }
        }
    };
    ctx.ui.result(&saved)
}

/// `event list`: one line per source.
#[derive(Serialize)]
#[serde(transparent)]
struct Catalogue(Vec<events::SourceInfo>);

impl fmt::Display for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rows = vec![vec!["SOURCE".into(), "DESCRIPTION".into(), "FIELDS".into()]];
        for s in &self.0 {
            let name = if s.aliases.is_empty() {
                s.name.to_string()
            } else {
                format!("{} ({})", s.name, s.aliases.join(", "))
            };
            let fields: Vec<_> = s.fields.iter().map(|f| f.name).collect();
            rows.push(vec![name, s.description.to_string(), fields.join(", ")]);
        }
        f.write_str(&table(&rows))
    }
}

/// `event list --shared`.
#[derive(Serialize)]
struct SharedList {
    function: String,
    names: Vec<String>,
}

impl fmt::Display for SharedList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.names.is_empty() {
            return writeln!(f, "{} has no shared test events", self.function);
        }
        for n in &self.names {
            writeln!(f, "{n}")?;
        }
        Ok(())
    }
}

/// `event save`'s result.
#[derive(Serialize)]
struct Saved {
    name: String,
    bytes: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    function: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<String>,
}

impl fmt::Display for Saved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, &self.function) {
            (Some(p), _) => write!(f, "saved {} ({} bytes)", p, self.bytes),
            (None, Some(func)) => write!(
                f,
                "saved {} as a shared test event of {func} ({} bytes)",
                self.name, self.bytes
            ),
            (None, None) => write!(f, "saved {}", self.name),
        }
    }
}
