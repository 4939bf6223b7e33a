//! One integration-test binary (it links once, which matters on 2 cores).

mod harness;

mod cli;
mod invoke;
mod package;
mod whoami;
