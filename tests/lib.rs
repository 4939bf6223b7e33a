//! One integration-test binary (it links once, which matters on 2 cores).

mod harness;

mod cli;
mod day2;
mod deploy;
mod invoke;
mod local;
mod logs;
mod package;
mod walkthrough;
mod whoami;
