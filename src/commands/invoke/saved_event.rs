//! `invoke --event NAME`: the saved test event becomes the payload, read
//! and checked like `--payload @FILE` (a file) or fetched from the
//! function's shareable events (`--shared`).

use super::super::Ctx;
use super::InvokeSettings;
use crate::error::{Error, Result};
use crate::events::store;
use crate::lambda::{names, test_events};

pub(super) async fn as_payload(ctx: &Ctx<'_>, mut s: InvokeSettings) -> Result<InvokeSettings> {
    let Some(event) = s.event.take() else {
        return Ok(s);
    };
    if !event.shared {
        let path = store::existing("--event", &event.name, &event.folder)?;
        // The file is read like `--payload @FILE`: bounded, JSON checked,
        // the line and column of a mistake named.
        s.payload = Some(format!("@{}", path.display()));
        return Ok(s);
    }
    // The shared event's function: NAME or lamctl.toml's, or the local
    // function's name.
    let function = s
        .function
        .clone()
        .or_else(|| s.local.as_ref().and_then(|l| l.name.clone()))
        .ok_or_else(|| {
            Error::usage("--event --shared: no function to read shared events of")
                .with_hint("pass its NAME or set `name` in lamctl.toml")
        })?;
    let function = names::function_ref(&function).map_err(Error::usage)?.name;
    let aws = ctx.aws().await?;
    let bytes = test_events::read_event(&aws, &function, &event.name).await?;
    // Compact JSON text from the registry's document: never `-` or `@…`.
    s.payload = Some(String::from_utf8_lossy(&bytes).into_owned());
    Ok(s)
}
