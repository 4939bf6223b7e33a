//! The function's own actions: role, code, configuration, tags.

use super::*;

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
            settings: created_settings(),
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
    // The object is already this zip: said, not uploaded.
    let there = Deployed {
        zip_in_s3: true,
        ..Deployed::default()
    };
    let p = plan(&want, &there, &through_s3, REGION).unwrap();
    assert_eq!(
        p.actions[3],
        Action::ZipInS3 {
            bucket: "b".into(),
            key: "k.zip".into()
        }
    );
    let p = plan(&want, &Deployed::default(), &through_s3, REGION).unwrap();
    assert_eq!(p.s3.as_deref(), Some("s3://b/k.zip"));
    assert_eq!(
        p.actions,
        [
            Action::CreateRole {
                role: "lamctl-f-exec".into()
            },
            Action::TrackRolePolicies {
                role: "lamctl-f-exec".into(),
                tags: BTreeMap::from([(
                    crate::lambda::role::tracking_key(crate::lambda::role::BASIC_EXECUTION_POLICY),
                    crate::lambda::role::BASIC_EXECUTION_POLICY.into()
                )])
            },
            Action::AttachRolePolicy {
                role: "lamctl-f-exec".into(),
                policy: crate::lambda::role::BASIC_EXECUTION_POLICY.into()
            },
            Action::UploadZip {
                zip: ".lamctl/f.zip".into(),
                size: 1000,
                sha256: "aa".into(),
                bucket: "b".into(),
                key: "k.zip".into(),
                content_addressed: false
            },
            Action::CreateFunction {
                role: RoleRef::Created("lamctl-f-exec".into()),
                source: CodeSource::S3 {
                    bucket: "b".into(),
                    key: "k.zip".into()
                },
                code_sha256: SHA.into(),
                tags: BTreeMap::from([("team".into(), "core".into())]),
                settings: created_settings(),
            }
        ]
    );
}

/// What `desired()` gives a new function, as the dry run shows it.
fn created_settings() -> Vec<FieldChange> {
    [
        ("runtime", "python3.12"),
        ("handler", "app.handler"),
        ("memory", "128"),
    ]
    .map(|(f, v)| FieldChange {
        field: f.into(),
        from: None,
        to: v.into(),
    })
    .to_vec()
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
            Action::WaitReady { ready: false },
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
            Action::WaitReady { ready: false },
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
            Action::WaitReady { ready: false },
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
                    group: Some("/custom".into()),
                    application_level: None,
                    system_level: None,
                }),
            },
            Action::CodeUnchanged {
                code_sha256: SHA.into()
            }
        ]
    );
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

#[test]
fn zip_settings_changed_unchanged_and_unset() {
    use aws_sdk_lambda::types::{
        DeadLetterConfig, FileSystemConfig, TracingConfigResponse, TracingMode, VpcConfigResponse,
    };
    let vpc = config::Vpc {
        subnets: vec!["subnet-0b".into(), "subnet-0a".into()],
        security_groups: vec!["sg-01".into()],
        ipv6_dual_stack: Some(true),
    };
    let with = |d: Definition| Desired {
        definition: d,
        ..desired()
    };
    let all = with(Definition {
        vpc: Some(vpc),
        tracing: Some(config::Tracing::Active),
        dead_letter_arn: Some("arn:aws:sqs:us-east-1:1:q".into()),
        kms_key_arn: Some("arn:aws:kms:us-east-1:1:key/k".into()),
        file_systems: Some(vec![config::FileSystem {
            arn: "arn:efs".into(),
            mount_path: "/mnt/d".into(),
        }]),
        ..desired().definition
    });
    // Deployed as wanted (subnets in another order): no change.
    let same = Deployed {
        function: Some(FunctionState {
            config: config_with(|b| {
                b.vpc_config(
                    VpcConfigResponse::builder()
                        .subnet_ids("subnet-0a")
                        .subnet_ids("subnet-0b")
                        .security_group_ids("sg-01")
                        .ipv6_allowed_for_dual_stack(true)
                        .build(),
                )
                .tracing_config(
                    TracingConfigResponse::builder()
                        .mode(TracingMode::Active)
                        .build(),
                )
                .dead_letter_config(
                    DeadLetterConfig::builder()
                        .target_arn("arn:aws:sqs:us-east-1:1:q")
                        .build(),
                )
                .kms_key_arn("arn:aws:kms:us-east-1:1:key/k")
                .file_system_configs(
                    FileSystemConfig::builder()
                        .arn("arn:efs")
                        .local_mount_path("/mnt/d")
                        .build()
                        .unwrap(),
                )
            }),
            tags: BTreeMap::from([("team".into(), "core".into())]),
        }),
        ..Default::default()
    };
    assert_eq!(actions(&all, &same)[1], Action::ConfigurationUnchanged);
    // Nothing deployed of them: each is a change.
    let p = plan(&all, &deployed(), &code(), REGION).unwrap();
    let fields: Vec<&str> = p.config_changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "subnets",
            "security_groups",
            "ipv6_dual_stack",
            "tracing",
            "dead_letter_arn",
            "kms_key_arn",
            "file_systems"
        ]
    );
    assert_eq!(p.config_changes[0].to, "subnet-0a, subnet-0b");
    // Unset in the definition: never a change, whatever is deployed.
    assert_eq!(
        actions(&desired(), &same)[1],
        Action::ConfigurationUnchanged
    );

    // The settings with operations of their own: set when they differ.
    let extra = with(Definition {
        runtime_management: Some(config::RuntimeManagement {
            update: config::RuntimeUpdate::Auto,
            version_arn: None,
        }),
        recursive_loop: Some(config::RecursiveLoop::Terminate),
        code_signing_config: Some("arn:csc".into()),
        ..desired().definition
    });
    let p = plan(&extra, &deployed(), &code(), REGION).unwrap();
    assert_eq!(
        p.actions[3..],
        [
            Action::PutRuntimeManagement {
                config: config::RuntimeManagement {
                    update: config::RuntimeUpdate::Auto,
                    version_arn: None
                }
            },
            Action::PutRecursiveLoop {
                recursive_loop: config::RecursiveLoop::Terminate
            },
            Action::PutCodeSigningConfig {
                arn: "arn:csc".into()
            }
        ]
    );
    let have = Deployed {
        extras: crate::lambda::extras::Extras {
            runtime_management: extra.definition.runtime_management.clone(),
            recursive_loop: Some(config::RecursiveLoop::Terminate),
            code_signing_config: Some("arn:csc".into()),
        },
        ..deployed()
    };
    assert_eq!(actions(&extra, &have)[3..], []);
    // A new function takes code signing in CreateFunction, the others after.
    let p = plan(&extra, &Deployed::default(), &code(), REGION).unwrap();
    assert!(matches!(p.actions[0], Action::CreateFunction { .. }));
    assert_eq!(p.actions.len(), 3);
}

#[test]
fn flags_alone_merge_environment_and_tags_into_the_deployed_ones() {
    let merge = Desired {
        definition: Definition {
            environment: Some(BTreeMap::from([("DEBUG".into(), "1".into())])),
            env_merge: true,
            tags: BTreeMap::from([("cost".into(), "42".into())]),
            tags_merge: true,
            ..desired().definition
        },
        ..desired()
    };
    let mut have = deployed();
    have.function.as_mut().unwrap().config = config_with(|b| {
        b.environment(
            aws_sdk_lambda::types::EnvironmentResponse::builder()
                .variables("KEEP", "x")
                .build(),
        )
    });
    let p = plan(&merge, &have, &code(), REGION).unwrap();
    assert_eq!(
        p.definition.environment,
        Some(BTreeMap::from([
            ("DEBUG".into(), "1".into()),
            ("KEEP".into(), "x".into())
        ]))
    );
    let fields: Vec<&str> = p.config_changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["environment.DEBUG"]);
    assert!(p.tags_removed.is_empty(), "team stays");
    assert_eq!(p.tags_set, BTreeMap::from([("cost".into(), "42".into())]));
    // The whole set: KEEP and team go.
    let whole = Desired {
        definition: Definition {
            env_merge: false,
            tags_merge: false,
            ..merge.definition.clone()
        },
        ..merge
    };
    let p = plan(&whole, &have, &code(), REGION).unwrap();
    let fields: Vec<&str> = p.config_changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["environment.DEBUG", "environment.KEEP"]);
    assert_eq!(p.tags_removed, ["team"]);
}

#[test]
fn unset_removes_what_is_deployed_and_nothing_else() {
    use aws_sdk_lambda::types::VpcConfigResponse;
    let unset = Desired {
        definition: Definition {
            vpc: Some(config::Vpc::default()),
            kms_key_arn: Some(String::new()),
            code_signing_config: Some(String::new()),
            ..desired().definition
        },
        ..desired()
    };
    // Nothing deployed to remove: no change, no call.
    let p = plan(&unset, &deployed(), &code(), REGION).unwrap();
    assert!(p.config_changes.is_empty(), "{:?}", p.config_changes);
    assert_eq!(p.actions[1], Action::ConfigurationUnchanged);
    // A VPC, a key and a code signing config deployed: each removed.
    let mut have = deployed();
    have.function.as_mut().unwrap().config = config_with(|b| {
        b.vpc_config(
            VpcConfigResponse::builder()
                .subnet_ids("subnet-0a")
                .security_group_ids("sg-01")
                .build(),
        )
        .kms_key_arn("arn:aws:kms:us-east-1:1:key/k")
    });
    have.extras.code_signing_config = Some("arn:csc".into());
    let p = plan(&unset, &have, &code(), REGION).unwrap();
    let shown: Vec<(&str, &str)> = p
        .config_changes
        .iter()
        .map(|c| (c.field.as_str(), c.to.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("subnets", "(none)"),
            ("security_groups", "(none)"),
            ("kms_key_arn", "(none)"),
            ("code_signing_config", "(none)")
        ]
    );
    assert!(p.actions.contains(&Action::DeleteCodeSigningConfig));
    // With another change, a removal of what is not deployed is not sent
    // either (the update carries the definition): DLQ and EFS included.
    let unset_more = Desired {
        definition: Definition {
            memory: Some(256),
            dead_letter_arn: Some(String::new()),
            file_systems: Some(Vec::new()),
            ..unset.definition.clone()
        },
        ..unset.clone()
    };
    let p = plan(&unset_more, &deployed(), &code(), REGION).unwrap();
    let fields: Vec<&str> = p.config_changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["memory"]);
    let d = &p.definition;
    assert_eq!(
        (&d.vpc, &d.kms_key_arn, &d.dead_letter_arn, &d.file_systems),
        (&None, &None, &None, &None)
    );
    // Deployed, they are removed and sent.
    let mut with_dlq = deployed();
    with_dlq.function.as_mut().unwrap().config = config_with(|b| {
        b.dead_letter_config(
            aws_sdk_lambda::types::DeadLetterConfig::builder()
                .target_arn("arn:aws:sqs:us-east-1:1:q")
                .build(),
        )
        .file_system_configs(
            aws_sdk_lambda::types::FileSystemConfig::builder()
                .arn("arn:efs")
                .local_mount_path("/mnt/a")
                .build()
                .unwrap(),
        )
    });
    let p = plan(&unset_more, &with_dlq, &code(), REGION).unwrap();
    let fields: Vec<&str> = p.config_changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["memory", "dead_letter_arn", "file_systems"]);
    assert_eq!(p.definition.dead_letter_arn.as_deref(), Some(""));
    assert_eq!(p.definition.file_systems, Some(vec![]));
    // A new function: nothing to remove, nothing sent.
    let p = plan(&unset, &Deployed::default(), &code(), REGION).unwrap();
    assert_eq!(p.definition.vpc, None);
    assert_eq!(p.definition.kms_key_arn, None);
    assert_eq!(p.actions.len(), 1);
}
