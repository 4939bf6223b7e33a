//! The Docker-free local runtime: run a Lambda function on this machine
//! with the same result and log lines as the cloud.
//!
//! lamctl implements the Lambda Runtime API itself ([`api`], on 127.0.0.1)
//! and starts the function's runtime client against it: the package's own
//! `bootstrap` for `provided.*` runtimes, or a small runtime client embedded
//! in lamctl for `python3.x` and `nodejs*` (or AWS's `awslambdaric` with
//! [`RuntimeClient::Official`]). See docs/local.md.
//!
//! # Using it
//!
//! ```no_run
//! # async fn demo(ctx: &lamctl::commands::Ctx<'_>, args: &lamctl::local::LocalArgs) -> lamctl::error::Result<()> {
//! use lamctl::local::{Function, InvokeRequest};
//! let def = args.resolve(ctx).await?;            // --dir, flags, lamctl.toml; exit 2 on bad input
//! let mut function = Function::start(def).await?; // Runtime API server + runtime process (init starts)
//! let outcome = function
//!     .invoke(InvokeRequest { payload: br#"{"name":"ada"}"#.to_vec(), tail: true, ..Default::default() })
//!     .await?;
//! eprint!("{}", outcome.log);                     // INIT_START … START … END REPORT
//! // outcome.payload, .function_error ("Unhandled"), .log_tail (text, ≤ 4 KB) …
//! function.stop().await;                          // or just drop it: SIGTERM, grace, SIGKILL
//! # Ok(()) }
//! ```
//!
//! [`LocalOutcome`] has the fields of the cloud invoke's outcome
//! (`status_code`, `executed_version`, `request_id`, `function_error`,
//! `payload`, `log_tail`) plus `log`, the whole log since the previous
//! invocation. One `Function` runs one invocation at a time (`invoke` takes
//! `&mut self`); put it behind a mutex to queue callers, as `serve` does.

pub mod api;
pub mod def;
mod function;
pub mod launch;
pub mod log;
pub mod report;

pub use crate::cli::serve::{DefinitionFlags, LocalArgs, RuntimeClient};
pub use def::{LocalDef, RuntimeKind};
pub use function::{Function, InvokeRequest, LocalOutcome, MAX_REQUEST_BYTES};
pub use log::LogSink;
