//! The Lambda core: every rule about Lambda lives here once — names and
//! limits and their validation, reading, creating, updating and waiting
//! for a function, versions, aliases, concurrency, function URLs, the
//! execution role, and the deploy plan — and commands call it. It takes
//! plain values and an [`AwsContext`](crate::aws::AwsContext), never clap
//! types.

pub mod alias;
pub mod concurrency;
pub mod config;
pub mod extras;
pub mod function;
pub mod invoke;
pub mod limits;
pub mod logs;
pub mod names;
pub mod plan;
pub mod role;
pub mod test_events;
pub mod triggers;
pub mod url;
pub mod versions;
pub mod write;

pub use function::{
    Function, FunctionSummary, Readiness, delete_function, failed_state, get_function,
    list_functions, not_found, or_not_found, require_function, retry_conflict, wait_after,
    wait_ready, wait_ready_shown,
};
