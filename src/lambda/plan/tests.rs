//! The planner without a network: deployed state and definition in, the
//! exact list of actions out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use aws_sdk_lambda::types::builders::FunctionConfigurationBuilder;
use aws_sdk_lambda::types::{Architecture as SdkArchitecture, FunctionConfiguration, Runtime};

use super::*;
use crate::lambda::url::{Cors, InvokeMode};

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

#[test]
fn create() {
    let p = plan(&desired(), &Deployed::default(), &code(), REGION).unwrap();
    assert!(p.create);
    assert_eq!(p.code, CodeAction::Upload);
    assert_eq!(
        p.actions,
        [Action::CreateFunction {
            role: RoleRef::Arn(ROLE.into()),
            source: CodeSource::Zip(".lamctl/f.zip".into()),
            code_sha256: SHA.into(),
            tags: BTreeMap::from([("team".into(), "core".into())]),
        }]
    );

    // Through S3, with a role lamctl creates.
    let want = Desired {
        create_role: true,
        definition: Definition {
            role: None,
            ..desired().definition
        },
        ..desired()
    };
    let through_s3 = Code {
        s3: Some(("b".into(), "k.zip".into())),
        ..code()
    };
    let p = plan(&want, &Deployed::default(), &through_s3, REGION).unwrap();
    assert_eq!(p.s3.as_deref(), Some("s3://b/k.zip"));
    assert_eq!(
        p.actions,
        [
            Action::CreateRole {
                role: "lamctl-f-exec".into()
            },
            Action::AttachRolePolicy {
                role: "lamctl-f-exec".into(),
                policy: crate::lambda::role::BASIC_EXECUTION_POLICY.into()
            },
            Action::UploadZip {
                zip: ".lamctl/f.zip".into(),
                size: 1000,
                bucket: "b".into(),
                key: "k.zip".into()
            },
            Action::CreateFunction {
                role: RoleRef::Created("lamctl-f-exec".into()),
                source: CodeSource::S3 {
                    bucket: "b".into(),
                    key: "k.zip".into()
                },
                code_sha256: SHA.into(),
                tags: BTreeMap::from([("team".into(), "core".into())]),
            }
        ]
    );
}

#[test]
fn create_needs_runtime_handler_and_role() {
    for (def, needle) in [
        (
            Definition {
                runtime: None,
                ..desired().definition
            },
            "needs --runtime",
        ),
        (
            Definition {
                handler: None,
                ..desired().definition
            },
            "needs --handler",
        ),
        (
            Definition {
                role: None,
                ..desired().definition
            },
            "needs --role ARN",
        ),
    ] {
        let want = Desired {
            definition: def,
            ..desired()
        };
        let e = plan(&want, &Deployed::default(), &code(), REGION).unwrap_err();
        assert_eq!(e.code(), 2);
        assert!(e.to_string().contains(needle), "{e}");
        assert!(e.to_string().contains("does not exist in us-east-1"), "{e}");
    }
}

#[test]
fn unchanged() {
    let p = plan(&desired(), &deployed(), &code(), REGION).unwrap();
    assert!(!p.create);
    assert_eq!(p.code, CodeAction::Unchanged);
    assert!(p.config_changes.is_empty() && p.tags_set.is_empty() && p.tags_removed.is_empty());
    assert_eq!(
        p.actions,
        [
            Action::WaitReady,
            Action::ConfigurationUnchanged,
            Action::CodeUnchanged {
                code_sha256: SHA.into()
            }
        ]
    );
}

#[test]
fn code_only() {
    let new_code = Code {
        sha256: "bmV3".into(),
        ..code()
    };
    let p = plan(&desired(), &deployed(), &new_code, REGION).unwrap();
    assert_eq!(p.code, CodeAction::Upload);
    assert_eq!(
        p.actions,
        [
            Action::WaitReady,
            Action::ConfigurationUnchanged,
            Action::UpdateCode {
                source: CodeSource::Zip(".lamctl/f.zip".into()),
                code_sha256: "bmV3".into(),
                deployed_code_sha256: Some(SHA.into()),
                architecture: None,
                force: false,
            }
        ]
    );

    // --force uploads the same code; a new architecture goes with the code.
    let want = Desired {
        force: true,
        ..desired()
    };
    assert!(matches!(
        actions(&want, &deployed())[2],
        Action::UpdateCode { force: true, .. }
    ));
    let arm = Desired {
        definition: Definition {
            architecture: Some(Architecture::Arm64),
            ..desired().definition
        },
        ..desired()
    };
    let p = plan(&arm, &deployed(), &code(), REGION).unwrap();
    assert_eq!(p.config_changes[0].field, "architecture");
    assert_eq!(p.actions[1], Action::ConfigurationUnchanged);
    assert!(matches!(
        p.actions[2],
        Action::UpdateCode {
            architecture: Some(Architecture::Arm64),
            ..
        }
    ));
    // The architecture it already has is no change.
    let mut on_arm = deployed();
    on_arm.function.as_mut().unwrap().config =
        config_with(|b| b.architectures(SdkArchitecture::Arm64));
    assert_eq!(
        actions(&arm, &on_arm)[2],
        actions(&desired(), &deployed())[2]
    );
}

#[test]
fn config_only() {
    let want = Desired {
        definition: Definition {
            memory: Some(512),
            log_group: Some("/custom".into()),
            ..desired().definition
        },
        ..desired()
    };
    assert_eq!(
        actions(&want, &deployed()),
        [
            Action::WaitReady,
            Action::UpdateConfiguration {
                changes: vec![
                    FieldChange {
                        field: "memory".into(),
                        from: Some("128".into()),
                        to: "512".into()
                    },
                    FieldChange {
                        field: "log_group".into(),
                        from: None,
                        to: "/custom".into()
                    }
                ],
                role: None,
                logging: Some(config::Logging {
                    format: None,
                    group: Some("/custom".into())
                }),
            },
            Action::CodeUnchanged {
                code_sha256: SHA.into()
            }
        ]
    );
}

#[test]
fn role_changes_only_when_it_differs() {
    let other = Desired {
        definition: Definition {
            role: Some("arn:aws:iam::123456789012:role/other".into()),
            ..desired().definition
        },
        ..desired()
    };
    assert!(matches!(
        &actions(&other, &deployed())[1],
        Action::UpdateConfiguration { role: Some(RoleRef::Arn(r)), .. } if r.ends_with("role/other")
    ));
    // --create-role with lamctl's role already there: reused (and repaired).
    let own = Desired {
        create_role: true,
        definition: Definition {
            role: None,
            ..desired().definition
        },
        ..desired()
    };
    let have = Deployed {
        role: Some(ROLE.into()),
        ..deployed()
    };
    assert_eq!(
        actions(&own, &have)[..2],
        [
            Action::AttachRolePolicy {
                role: "lamctl-f-exec".into(),
                policy: crate::lambda::role::BASIC_EXECUTION_POLICY.into()
            },
            Action::WaitReady
        ]
    );
    assert_eq!(actions(&own, &have)[2], Action::ConfigurationUnchanged);
}

#[test]
fn tags_converge() {
    let want = Desired {
        definition: Definition {
            tags: BTreeMap::from([("cost".into(), "42".into())]),
            ..desired().definition
        },
        ..desired()
    };
    assert_eq!(
        actions(&want, &deployed())[3..],
        [
            Action::Tag {
                resource: ARN.into(),
                tags: BTreeMap::from([("cost".into(), "42".into())])
            },
            Action::Untag {
                resource: ARN.into(),
                keys: vec!["team".into()]
            }
        ]
    );
}

#[test]
fn publish_alias_canary_and_prune() {
    let live = AliasState {
        name: "live".into(),
        version: "1".into(),
        weights: BTreeMap::new(),
    };
    let have = Deployed {
        alias: Some(live.clone()),
        aliases: vec![live.clone()],
        versions: vec![1, 2],
        ..deployed()
    };
    let publish = Desired {
        publish: true,
        ..desired()
    };
    assert_eq!(
        after_function(&publish, &have),
        [Action::PublishVersion {
            code_sha256: SHA.into()
        }]
    );
    let canary = Desired {
        alias: Some("live".into()),
        canary: Some(10.0),
        keep_versions: Some(1),
        ..publish.clone()
    };
    assert_eq!(
        after_function(&canary, &have),
        [
            Action::PublishVersion {
                code_sha256: SHA.into()
            },
            Action::PointAlias {
                alias: "live".into(),
                deployed: Some(live.clone()),
                canary_percent: Some(10.0)
            },
            Action::PruneVersions {
                keep: 1,
                versions: vec![1, 2],
                aliases: vec![live]
            }
        ]
    );
    // A new alias is created on the version.
    let new = Desired {
        alias: Some("new".into()),
        ..publish.clone()
    };
    assert_eq!(
        after_function(&new, &deployed())[1],
        Action::PointAlias {
            alias: "new".into(),
            deployed: None,
            canary_percent: None
        }
    );
    // Without publishing there is no version to alias or prune from.
    let unpublished = Desired {
        keep_versions: Some(1),
        ..desired()
    };
    assert!(after_function(&unpublished, &have).is_empty());
}

#[test]
fn reserved_concurrency_set_removed_or_left() {
    let set = |n| Desired {
        concurrency: Some(Concurrency::Set(n)),
        ..desired()
    };
    let remove = Desired {
        concurrency: Some(Concurrency::Remove),
        ..desired()
    };
    let with = |reserved| Deployed {
        reserved,
        ..deployed()
    };
    assert_eq!(
        after_function(&set(5), &with(None)),
        [Action::SetReservedConcurrency { concurrency: 5 }]
    );
    assert_eq!(
        after_function(&set(5), &with(Some(3))),
        [Action::SetReservedConcurrency { concurrency: 5 }]
    );
    // Zero is a setting (the function is throttled), not an absence.
    assert_eq!(
        after_function(&set(0), &with(None)),
        [Action::SetReservedConcurrency { concurrency: 0 }]
    );
    assert!(after_function(&set(5), &with(Some(5))).is_empty());
    assert_eq!(
        after_function(&remove, &with(Some(5))),
        [Action::RemoveReservedConcurrency]
    );
    assert!(after_function(&remove, &with(None)).is_empty());
    assert!(after_function(&desired(), &with(Some(5))).is_empty());
}

#[test]
fn provisioned_concurrency_is_set_when_it_differs_and_always_awaited() {
    let want = Desired {
        publish: true,
        alias: Some("live".into()),
        provisioned: Some(2),
        ..desired()
    };
    let with = |provisioned| Deployed {
        provisioned,
        ..deployed()
    };
    let tail = |have: &Deployed| after_function(&want, have)[2..].to_vec();
    let wait = Action::WaitProvisionedConcurrency {
        alias: "live".into(),
    };
    assert_eq!(
        tail(&with(None)),
        [
            Action::SetProvisionedConcurrency {
                alias: "live".into(),
                concurrency: 2
            },
            wait.clone()
        ]
    );
    assert_eq!(tail(&with(Some(2))), [wait]);
}

fn url_config(auth: UrlAuth, origins: &[&str]) -> UrlConfig {
    UrlConfig {
        auth,
        invoke_mode: InvokeMode::Buffered,
        cors: (!origins.is_empty()).then(|| Cors {
            origins: origins.iter().map(|o| o.to_string()).collect(),
            ..Default::default()
        }),
    }
}

fn with_url(config: Option<UrlConfig>, sids: &[&str]) -> Deployed {
    Deployed {
        url: config.map(|config| UrlState {
            url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
            config,
        }),
        policy_sids: sids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>(),
        ..deployed()
    }
}

const SIDS: [&str; 2] = ["lamctl-url-public-invoke-url", "lamctl-url-public-invoke"];

#[test]
fn url_created_with_its_public_permissions() {
    let public = url_config(UrlAuth::None, &["https://a.example"]);
    let want = Desired {
        url: Some(UrlWant::Attach(public.clone())),
        ..desired()
    };
    assert_eq!(
        after_function(&want, &with_url(None, &[])),
        [
            Action::CreateUrl {
                qualifier: None,
                config: public.clone()
            },
            Action::AddPublicPermission {
                qualifier: None,
                permission: PublicPermission::InvokeFunctionUrl
            },
            Action::AddPublicPermission {
                qualifier: None,
                permission: PublicPermission::InvokeFunction
            },
        ]
    );
    // Re-run: same URL, statements there (among others): nothing to do.
    let mut sids = SIDS.to_vec();
    sids.push("someone-elses");
    let have = with_url(Some(public.clone()), &sids);
    assert!(after_function(&want, &have).is_empty());
    assert_eq!(
        plan(&want, &have, &code(), REGION)
            .unwrap()
            .deployed_url
            .as_deref(),
        Some("https://abc.lambda-url.us-east-1.on.aws/")
    );
    // On an alias, the URL and its permissions are the alias's.
    let on_alias = Desired {
        publish: true,
        alias: Some("live".into()),
        ..want
    };
    let url_actions: Vec<Action> = after_function(&on_alias, &with_url(None, &[]))[2..].to_vec();
    assert!(url_actions.iter().all(|a| matches!(
        a,
        Action::CreateUrl { qualifier: Some(q), .. }
        | Action::AddPublicPermission { qualifier: Some(q), .. } if q == "live"
    )));
    assert_eq!(url_actions.len(), 3);
}

#[test]
fn url_updated_and_made_private() {
    let public_a = url_config(UrlAuth::None, &["https://a.example"]);
    let public_b = url_config(UrlAuth::None, &["https://b.example"]);
    let private = url_config(UrlAuth::AwsIam, &[]);
    let attach = |c: &UrlConfig| Desired {
        url: Some(UrlWant::Attach(c.clone())),
        ..desired()
    };
    // Only CORS differs: update; the permissions are already there.
    assert_eq!(
        after_function(&attach(&public_b), &with_url(Some(public_a.clone()), &SIDS)),
        [Action::UpdateUrl {
            qualifier: None,
            config: public_b
        }]
    );
    // Private: update and remove lamctl's public statements.
    assert_eq!(
        after_function(&attach(&private), &with_url(Some(public_a), &SIDS)),
        [
            Action::UpdateUrl {
                qualifier: None,
                config: private.clone()
            },
            Action::RemovePermission {
                qualifier: None,
                sid: SIDS[0].into()
            },
            Action::RemovePermission {
                qualifier: None,
                sid: SIDS[1].into()
            },
        ]
    );
    assert!(after_function(&attach(&private), &with_url(Some(private.clone()), &[])).is_empty());
}

#[test]
fn url_removed_with_its_permissions() {
    let remove = Desired {
        url: Some(UrlWant::Remove),
        ..desired()
    };
    let public = url_config(UrlAuth::None, &[]);
    assert_eq!(
        after_function(&remove, &with_url(Some(public), &SIDS[..1])),
        [
            Action::DeleteUrl { qualifier: None },
            Action::RemovePermission {
                qualifier: None,
                sid: SIDS[0].into()
            },
        ]
    );
    assert!(after_function(&remove, &with_url(None, &[])).is_empty());
}

#[test]
fn the_plan_serializes_its_actions() {
    let want = Desired {
        definition: Definition {
            memory: Some(256),
            ..desired().definition
        },
        ..desired()
    };
    let p = plan(&want, &deployed(), &code(), REGION).unwrap();
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["config_changes"][0]["field"], "memory");
    let names: Vec<&str> = v["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["wait_ready", "update_configuration", "code_unchanged"]
    );
    assert_eq!(v["actions"][1]["changes"][0]["to"], "256");
}
