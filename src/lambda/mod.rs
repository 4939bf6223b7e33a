//! The Lambda core: every rule about Lambda lives here once — names and
//! limits and their validation, reading and waiting for a function,
//! aliases and versions — and commands call it. It takes plain values and
//! an [`AwsContext`](crate::aws::AwsContext), never clap types.

pub mod alias;
pub mod function;
pub mod invoke;
pub mod limits;
pub mod logs;
pub mod names;

pub use function::{
    failed_state, get_function, not_found, or_not_found, retry_conflict, wait_ready,
    wait_ready_shown,
};
