//! `lamctl serve [--url | --api [http|rest]] [--port P] [--concurrency N] [--watch]`: keep a
//! function's instances warm on this machine and serve the Lambda Invoke
//! API for it on 127.0.0.1 (so the AWS CLI, the SDKs and `lamctl invoke
//! --endpoint-url` can call it), or with `--url` a local function URL, or
//! with `--api` a local API Gateway.

use std::fmt;
use std::io::Write;
use std::sync::Arc;

use serde::Serialize;
use tokio::net::TcpListener;

use super::Ctx;
use crate::error::{Error, Result};
use crate::lambda::url::UrlConfig;
use crate::local::apigw::{ApiGateway, FrontDoor};
use crate::local::auth::Token;
use crate::local::invoke_api::InvokeApi;
use crate::local::url_api::UrlApi;
use crate::local::{LocalDef, LocalInput, LogSink, Pool};
use crate::logfmt::for_terminal;
use crate::output::{self, Ui};
use crate::package::watch::Watcher;

/// Reads the function's definition again (lamctl.toml may have changed);
/// the input layer builds it.
pub type Reload = Box<dyn Fn() -> Result<LocalInput> + Send + Sync>;

/// What `serve` was asked to do.
pub struct ServeSettings {
    /// On 127.0.0.1; 0 picks a free port.
    pub port: u16,
    pub local: LocalInput,
    /// `--watch`: restart the function, with its definition read again,
    /// when its files change.
    pub watch: Option<Reload>,
    /// `--url`: serve a function URL with this configuration (from
    /// `[deploy.url]`) instead of the Invoke API.
    pub url: Option<UrlConfig>,
    /// `--api`: serve a local API Gateway with these routes (from `[api]`)
    /// instead of the Invoke API.
    pub api: Option<FrontDoor>,
    /// At most this many instances run at once.
    pub concurrency: usize,
    /// `--token` / LAMCTL_SERVE_TOKEN: callers must present it.
    pub token: Option<Token>,
}

/// The result on stdout: the bound port (text), or this document (JSON).
#[derive(Debug, Serialize)]
pub struct Serving {
    pub function: String,
    pub url: String,
    pub port: u16,
}

impl fmt::Display for Serving {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.port)
    }
}

pub async fn run(ctx: &Ctx<'_>, settings: ServeSettings) -> Result<()> {
    let ui = ctx.ui;
    // Resolve and check everything before binding or starting anything.
    let def = LocalDef::resolve(&settings.local, ui).await?;
    let port = settings.port;
    let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
        Error::failed(format!("cannot listen on 127.0.0.1:{port}: {e}"))
            .with_hint("pick another port with --port, or --port 0 for any free one")
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::failed(format!("cannot read the bound address: {e}")))?;

    let name = def.name.clone();
    let url = format!("http://{addr}");
    let how = if settings.watch.is_some() {
        ", restarting it when its files change"
    } else {
        ""
    };
    // The token itself is never printed: the examples name the variable.
    let (curl_auth, cli_auth) = match &settings.token {
        Some(_) => (
            " -H \"Authorization: Bearer $LAMCTL_SERVE_TOKEN\"",
            "AWS_ACCESS_KEY_ID=\"$LAMCTL_SERVE_TOKEN\" ",
        ),
        None => ("", ""),
    };
    match (&settings.url, &settings.api) {
        (_, Some(door)) => ui.note(format!(
            "serving {name} ({}) behind {} at {url} ({} instances at most{how}){}",
            def.runtime,
            door.describe(),
            settings.concurrency,
            // A route the function surely answers, or no suggestion.
            door.example_path()
                .map(|p| format!("\n  try: curl -i{curl_auth} '{url}{p}'"))
                .unwrap_or_default(),
        )),
        (Some(c), None) => ui.note(format!(
            // No path of its own: a handler that routes by path answers `/` with a 404.
            "serving {name} ({}) as a function URL at {url}/ ({} instances at most, {}{how}); every path and query string reaches the function\n  try: curl -i{curl_auth} '{url}/<path the function answers>'",
            def.runtime,
            settings.concurrency,
            match c.invoke_mode {
                crate::lambda::url::InvokeMode::Buffered => "buffered",
                crate::lambda::url::InvokeMode::ResponseStream => "response stream",
            },
        )),
        (None, None) => ui.note(format!(
            "serving {name} ({}) at {url} ({} instances at most{how})\n  try: {cli_auth}aws lambda invoke --endpoint-url {url} --function-name {name} --log-type Tail out.json",
            def.runtime, settings.concurrency,
        )),
    }
    // Watching starts before the port is announced, so no edit after it goes unseen.
    let watcher = match &settings.watch {
        Some(_) => Some(Watcher::new(&[def.watch_spec()])?),
        None => None,
    };
    let pool = Pool::start(def, settings.concurrency, log_to_stderr(ui)).await?;
    let serving = Serving {
        function: name,
        url,
        port: addr.port(),
    };
    if ui.json() {
        // One line: a script reading the pipe reads a line.
        output::write_stdout(output::json(&serving, false)?.as_bytes())?;
    } else {
        ui.result(&serving)?;
    }

    let watching = async {
        match (watcher, &settings.watch) {
            (Some(w), Some(reload)) => watch(ui, w, reload, &pool).await,
            _ => std::future::pending().await,
        }
    };
    // SIGINT and SIGTERM end the command in main, which then stops every
    // instance and everything they started.
    if let Some(door) = settings.api {
        let api = ApiGateway::new(
            std::sync::Arc::clone(&pool),
            door,
            ui.clone(),
            settings.token.clone(),
        );
        tokio::select! {
            _ = api.serve(listener) => {}
            _ = watching => {}
        }
        pool.stop().await;
        return Ok(());
    }
    match settings.url {
        Some(config) => {
            let api = UrlApi::new(
                std::sync::Arc::clone(&pool),
                config,
                ui.clone(),
                settings.token.clone(),
            );
            tokio::select! {
                _ = api.serve(listener) => {}
                _ = watching => {}
            }
        }
        None => {
            let api = InvokeApi::new(
                std::sync::Arc::clone(&pool),
                ui.clone(),
                settings.token.clone(),
            );
            tokio::select! {
                r = api.serve(listener) => r?,
                _ = watching => {}
            }
        }
    }
    pool.stop().await;
    Ok(())
}

/// The function's log, copied to stderr as it is written (not with -q).
/// On a terminal, multi-line records read as CloudWatch's console shows
/// them; into a pipe or a file the bytes are written as they are.
fn log_to_stderr(ui: &Ui) -> Option<LogSink> {
    let tty = ui.stderr_tty;
    (!ui.quiet).then(|| {
        Arc::new(move |bytes: &[u8]| {
            let mut err = std::io::stderr().lock();
            let _ = match tty {
                true => err.write_all(for_terminal(&String::from_utf8_lossy(bytes)).as_bytes()),
                false => err.write_all(bytes),
            };
            let _ = err.flush();
        }) as LogSink
    })
}

/// `--watch`: on each settled change, read the definition again and
/// restart the function with it; a bad definition or a failed start
/// keeps the previous version running.
async fn watch(ui: &Ui, mut watcher: Watcher, reload: &Reload, pool: &Pool) {
    loop {
        watcher.changed().await;
        let def = match reload() {
            Ok(input) => LocalDef::resolve(&input, ui).await,
            Err(e) => Err(e),
        };
        let def = match def {
            Ok(d) => d,
            Err(e) => {
                ui.warn(format!("{e}; still running the previous version"));
                continue;
            }
        };
        // The new definition's files (its directory or rules may differ),
        // watched before the restart so no edit during it goes unseen.
        match Watcher::new(&[def.watch_spec()]) {
            Ok(w) => watcher = w,
            Err(e) => ui.warn(format!("{e}; still watching the previous files")),
        }
        ui.note(format!("files changed: restarting {}", def.name));
        if let Err(e) = pool.restart(def).await {
            ui.warn(format!("{e}; still running the previous version"));
        }
    }
}
