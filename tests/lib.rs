//! One integration-test binary (it links once, which matters on 2 cores).

mod harness;

mod bad_input;
mod cli;
mod credentials;
mod day2;
mod deploy;
mod deploy_watch;
mod events;
mod invoke;
mod local;
mod local_api;
mod local_diff;
mod local_gaps;
mod local_procs;
mod local_sec;
mod local_stream;
mod local_url;
mod logs;
mod logs_multi;
mod package;
mod reliability;
mod security_fs;
mod security_io;
mod serve_fuzz;
mod soak;
mod triggers;
mod triggers_esm;
mod triggers_schedule;
mod walkthrough;
mod whoami;
mod workspace;
mod workspace_reads;
