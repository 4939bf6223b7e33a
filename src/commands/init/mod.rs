//! `lamctl init NAME`: write lamctl.toml from the deployed function, so a
//! `lamctl diff` right after reports no configuration differences;
//! `--download` also fetches the code (GetFunction's `Code.Location`) and
//! unpacks it into the source directory.

pub mod unpack;

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::lambda::config::{self, Definition};
use crate::lambda::limits::UNZIPPED_BYTES;
use crate::lambda::require_function;
use crate::lambda::triggers::{self, Declared, esm, schedule};

/// Renders lamctl.toml (the input layer's schema) for a function name, its
/// definition, and whether the code was downloaded (`source` is written).
pub type Render = fn(&str, &Definition, bool) -> Result<String>;

pub struct Settings {
    pub function: String,
    /// The lamctl.toml to write.
    pub path: PathBuf,
    /// `--download`: where the code is unpacked.
    pub source: Option<PathBuf>,
    pub force: bool,
    pub render: Render,
}

#[derive(Debug, Serialize)]
struct Report {
    function: String,
    path: PathBuf,
    source: Option<PathBuf>,
    /// Files (and links) unpacked with --download.
    files: Option<u64>,
}

pub async fn run(ctx: &Ctx<'_>, set: &Settings) -> Result<()> {
    // Check before any call: never overwrite by surprise.
    if set.path.exists() && !set.force {
        return Err(
            Error::usage(format!("{} already exists", set.path.display()))
                .with_hint("pass --force to overwrite it"),
        );
    }
    if let Some(src) = &set.source
        && !set.force
        && std::fs::read_dir(src).is_ok_and(|mut d| d.next().is_some())
    {
        return Err(Error::usage(format!("{} is not empty", src.display()))
            .with_hint("pass --force to unpack over it"));
    }

    let aws = ctx.aws().await?;
    let client = aws.lambda().await;
    let name = set.function.as_str();
    let f = require_function(&client, &aws, name).await?;
    let def = config::from_deployed(&f.config, &f.tags);

    let mut files = None;
    if let Some(src) = &set.source {
        let location = f.code_location.as_deref().ok_or_else(|| {
            Error::failed(format!(
                "function '{name}' has no code to download (a container image function?)"
            ))
        })?;
        ctx.ui.note(format!("downloading the code of {name}"));
        let zip = aws
            .download(location, &format!("the code of '{name}'"), UNZIPPED_BYTES)
            .await?;
        files = Some(unpack::unpack(&zip, src)?);
    }

    let mut text = (set.render)(name, &def, set.source.is_some())?;
    // The mappings lamctl manages, as `[[event_source]]` tables (the
    // others are not lamctl's to describe).
    let sources: Vec<_> = esm::read(&client, &aws, name)
        .await?
        .iter()
        .filter(|m| m.managed)
        .filter_map(esm::Mapping::as_event_source)
        .collect();
    if !sources.is_empty() {
        text.push('\n');
        text.push_str(&esm::render(&sources)?);
    }
    // lamctl's schedules, in the order their derived names say (FUNCTION-N
    // written back where it stands, so the names hold).
    let arn = f.config.function_arn().unwrap_or_default();
    let mut ours: Vec<_> = match schedule::read(&aws.scheduler().await, &aws, name, arn).await {
        Err(e) if e.aws_code() == Some("AccessDeniedException") => Vec::new(),
        r => r?,
    };
    ours.retain(|s| s.managed);
    let schedules = schedule::ordered(name, &ours);
    if !schedules.is_empty() {
        text.push('\n');
        text.push_str(&schedule::render(&schedules)?);
    }
    // What starts the function, as lamctl manages it (docs/triggers.md):
    // tables, so they go after the rest.
    let declared = triggers::read(&client, &aws, name).await?.declared(name);
    if declared != Declared::default() {
        let tables = toml::to_string(&declared)
            .map_err(|e| Error::failed(format!("cannot render lamctl.toml: {e}")))?;
        text.push('\n');
        text.push_str(&tables);
    }
    if let Some(dir) = set.path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    write_private(&set.path, &text).map_err(|e| Error::io(&set.path, e))?;
    ctx.ui.result(&Report {
        function: name.to_string(),
        path: set.path.clone(),
        source: set.source.clone(),
        files,
    })
}

/// lamctl.toml holds the function's environment values: owner-only
/// (0600, like the zips), also when `--force` replaces a wider file, and
/// made so before a byte is written. A link in its place is not followed.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    f.write_all(text.as_bytes())
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "wrote {} for {}", self.path.display(), self.function)?;
        if let (Some(src), Some(n)) = (&self.source, self.files) {
            writeln!(
                f,
                "unpacked {n} file{} into {}",
                if n == 1 { "" } else { "s" },
                src.display()
            )?;
        }
        Ok(())
    }
}
