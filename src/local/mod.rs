//! The Docker-free local runtime: run a Lambda function on this machine
//! with the same result and log lines as the cloud.
//!
//! lamctl implements the Lambda Runtime API itself ([`api`], on 127.0.0.1)
//! and starts the function's runtime client against it: the package's own
//! `bootstrap` for `provided.*` runtimes, or a small runtime client embedded
//! in lamctl for `python3.x` and `nodejs*` (or AWS's `awslambdaric` with
//! [`RuntimeClient::Official`]). [`invoke_api`] serves the Lambda Invoke
//! API for a running function (`lamctl serve`), and `serve --watch` notices
//! edits to its files through `package::watch`. See docs/local.md.
//!
//! # Using it
//!
//! ```no_run
//! # async fn demo(input: &lamctl::local::LocalInput, ui: &lamctl::output::Ui) -> lamctl::error::Result<()> {
//! use lamctl::local::{Function, InvokeRequest, LocalDef};
//! let def = LocalDef::resolve(input, ui).await?;  // checked; exit 2 on bad input
//! let mut function = Function::start(def).await?; // Runtime API server + runtime process (init starts)
//! let local = function
//!     .invoke(InvokeRequest { payload: br#"{"name":"ada"}"#.to_vec(), tail: true, ..Default::default() })
//!     .await?;
//! eprint!("{}", local.log);                       // INIT_START … START … END REPORT
//! // local.outcome: the cloud invoke's outcome (payload, function_error, log_tail, …)
//! function.stop().await;                          // or just drop it: SIGTERM, grace, SIGKILL
//! # Ok(()) }
//! ```
//!
//! [`LocalOutcome`] is the cloud invoke's
//! [`InvokeOutcome`](crate::lambda::invoke::InvokeOutcome) plus `log`, the
//! whole log since the previous invocation. One `Function` runs one
//! invocation at a time (`invoke` takes `&mut self`); put it behind a mutex
//! to queue callers, as `serve` does.

pub mod api;
pub mod apigw;
pub mod auth;
pub mod cgroup;
pub mod def;
mod function;
pub mod http;
pub mod invoke_api;
pub mod launch;
pub mod log;
pub mod peer;
pub mod pool;
pub mod reaper;
pub mod report;
pub mod stream_api;
pub mod url_api;
pub mod url_event;

pub use def::{LocalDef, LocalInput, RuntimeClient, RuntimeKind};
pub use function::{Function, InvokeRequest, LocalOutcome};
pub use log::{LogSink, line_sink};
pub use pool::Pool;

/// Stop every function process lamctl started and everything they started
/// (the end of any command, SIGINT and SIGTERM included).
pub fn stop_all() {
    reaper::stop_all(function::SHUTDOWN_GRACE);
}
