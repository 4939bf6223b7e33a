//! What starts the function, declared in lamctl.toml and converged by
//! `deploy` without a state file (docs/triggers.md): lamctl tags what it
//! creates, converges what it tagged, and never touches what it did not
//! create ([`owner`]).

pub mod owner;
pub mod api;
pub mod policy;
pub mod s3;
