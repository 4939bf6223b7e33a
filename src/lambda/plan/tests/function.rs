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
    // --create-role on a function that exists keeps its role, whatever it is.
    let own = Desired {
        create_role: true,
        definition: Definition {
            role: None,
            ..desired().definition
        },
        ..desired()
    };
    let have = Deployed {
        role: Some("arn:aws:iam::123456789012:role/lamctl-f-exec".into()),
        ..deployed()
    };
    assert_eq!(
        actions(&own, &have)[..2],
        [Action::WaitReady, Action::ConfigurationUnchanged]
    );
    // When the function runs as lamctl's role, the role is repaired too.
    let mut mine = deployed();
    mine.function.as_mut().unwrap().config =
        config_with(|b| b.role("arn:aws:iam::123456789012:role/lamctl-f-exec"));
    let have = Deployed {
        role: Some("arn:aws:iam::123456789012:role/lamctl-f-exec".into()),
        ..mine
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
