//! The planner without a network: deployed state and definition in, the
//! exact list of actions out. `function` covers the function itself (role,
//! code, configuration, tags), `after` what follows it (versions, aliases,
//! concurrency, URL).

mod after;
mod function;
mod role_policies;
mod triggers;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use aws_sdk_lambda::types::builders::FunctionConfigurationBuilder;
use aws_sdk_lambda::types::{Architecture as SdkArchitecture, FunctionConfiguration, Runtime};

use super::*;
use crate::lambda::config::Architecture;
use crate::lambda::role;
use crate::lambda::url::{Cors, InvokeMode, PublicPermission, UrlConfig, UrlFields, UrlTarget};

const ROLE: &str = "arn:aws:iam::123456789012:role/r";
const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:f";
const SHA: &str = "c2hhMjU2LW9mLXRoZS1wYWNrYWdl";
const REGION: &str = "us-east-1";

fn desired() -> Desired {
    Desired {
        name: "f".into(),
        definition: Definition {
            runtime: Some("python3.12".into()),
            handler: Some("app.handler".into()),
            role: Some(ROLE.into()),
            memory: Some(128),
            tags: BTreeMap::from([("team".into(), "core".into())]),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn code() -> Code {
    Code {
        sha256: SHA.into(),
        sha256_hex: "aa".into(),
        zip: PathBuf::from(".lamctl/f.zip"),
        size: 1000,
        s3: None,
    }
}

/// The configuration `desired()` and `code()` leave, changed by `more`.
fn config_with(
    more: impl FnOnce(FunctionConfigurationBuilder) -> FunctionConfigurationBuilder,
) -> FunctionConfiguration {
    more(
        FunctionConfiguration::builder()
            .function_arn(ARN)
            .runtime(Runtime::Python312)
            .handler("app.handler")
            .role(ROLE)
            .memory_size(128)
            .timeout(3)
            .code_sha256(SHA),
    )
    .build()
}

/// The function as `desired()` and `code()` leave it.
fn deployed() -> Deployed {
    Deployed {
        function: Some(FunctionState {
            config: config_with(|b| b),
            tags: BTreeMap::from([("team".into(), "core".into())]),
        }),
        ..Default::default()
    }
}

fn actions(want: &Desired, have: &Deployed) -> Vec<Action> {
    plan(want, have, &code(), REGION).unwrap().actions
}

/// The actions after the function's own (role, code, configuration, tags).
fn after_function(want: &Desired, have: &Deployed) -> Vec<Action> {
    let all = actions(want, have);
    let start = all
        .iter()
        .position(|a| matches!(a, Action::CodeUnchanged { .. }))
        .expect("the code is unchanged");
    all[start + 1..].to_vec()
}
