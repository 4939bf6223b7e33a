//! What follows the function: versions, aliases, concurrency, URL.

use super::*;
use crate::lambda::url::UrlAuth;

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
            // A new version keeps live's 1 (the canary's base) and itself;
            // one returned unchanged (2) keeps 1 and 2.
            Action::PruneVersions {
                keep: 1,
                delete: vec!["2".into()],
                if_republished: Some(Republished {
                    version: "2".into(),
                    delete: vec![]
                })
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
    // --keep-versions prunes whenever given, published or not.
    let unpublished = Desired {
        keep_versions: Some(1),
        ..desired()
    };
    assert_eq!(
        after_function(&unpublished, &have),
        [Action::PruneVersions {
            keep: 1,
            delete: vec![],
            if_republished: None
        }]
    );
}

#[test]
fn prune_names_the_versions_it_deletes() {
    let live = AliasState {
        name: "live".into(),
        version: "3".into(),
        weights: BTreeMap::new(),
    };
    let have = Deployed {
        alias: Some(live.clone()),
        aliases: vec![live],
        versions: vec![1, 2, 3, 4, 5],
        ..deployed()
    };
    let want = Desired {
        publish: true,
        alias: Some("live".into()),
        keep_versions: Some(2),
        ..desired()
    };
    let prune = |want: &Desired, code: &Code| {
        plan(want, &have, code, REGION)
            .unwrap()
            .actions
            .into_iter()
            .find(|a| matches!(a, Action::PruneVersions { .. }))
            .unwrap()
    };
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // Nothing changes: PublishVersion may return 5 unchanged. live leaves 3
    // either way, so 3 is deleted too.
    assert_eq!(
        prune(&want, &code()),
        Action::PruneVersions {
            keep: 2,
            delete: strings(&["4", "3", "2", "1"]),
            if_republished: Some(Republished {
                version: "5".into(),
                delete: strings(&["3", "2", "1"])
            })
        }
    );
    // New code: a new version for sure.
    let new_code = Code {
        sha256: "bmV3".into(),
        ..code()
    };
    assert_eq!(
        prune(&want, &new_code),
        Action::PruneVersions {
            keep: 2,
            delete: strings(&["4", "3", "2", "1"]),
            if_republished: None
        }
    );
    // Without publishing: exactly the versions beyond the newest 2, but
    // not live's 3.
    let unpublished = Desired {
        publish: false,
        alias: None,
        ..want
    };
    assert_eq!(
        prune(&unpublished, &code()),
        Action::PruneVersions {
            keep: 2,
            delete: strings(&["2", "1"]),
            if_republished: None
        }
    );
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

/// Every field given.
fn fields(c: &UrlConfig) -> UrlFields {
    UrlFields {
        auth: Some(c.auth),
        invoke_mode: Some(c.invoke_mode),
        cors: c.cors.clone(),
    }
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
        url: Some(UrlWant::Attach(fields(&public))),
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
    let said: Vec<String> = after_function(&want, &with_url(None, &[]))
        .iter()
        .flat_map(Action::describe)
        .collect();
    assert_eq!(
        said,
        [
            "create the function URL (public: auth none)",
            "  cors.origins: https://a.example",
            "allow public invoke (lamctl-url-public-invoke-url)",
            "allow public invoke (lamctl-url-public-invoke)",
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
        url: Some(UrlWant::Attach(fields(c))),
        ..desired()
    };
    // Only CORS differs: update; the permissions are already there.
    assert_eq!(
        after_function(&attach(&public_b), &with_url(Some(public_a.clone()), &SIDS)),
        [Action::UpdateUrl {
            qualifier: None,
            from: public_a.clone(),
            config: public_b
        }]
    );
    // Private: update and remove lamctl's public statements. No CORS
    // given: the deployed CORS stays.
    assert_eq!(
        after_function(&attach(&private), &with_url(Some(public_a.clone()), &SIDS)),
        [
            Action::UpdateUrl {
                qualifier: None,
                from: public_a.clone(),
                config: UrlConfig {
                    cors: public_a.cors.clone(),
                    ..private.clone()
                }
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
fn url_fields_not_given_keep_their_deployed_values() {
    let streaming = UrlConfig {
        invoke_mode: InvokeMode::ResponseStream,
        ..url_config(UrlAuth::None, &["https://a.example"])
    };
    let only_cors = Desired {
        url: Some(UrlWant::Attach(UrlFields {
            cors: url_config(UrlAuth::AwsIam, &["https://b.example"]).cors,
            ..Default::default()
        })),
        ..desired()
    };
    let want = UrlConfig {
        cors: url_config(UrlAuth::AwsIam, &["https://b.example"]).cors,
        ..streaming.clone()
    };
    let p = plan(
        &only_cors,
        &with_url(Some(streaming.clone()), &SIDS),
        &code(),
        REGION,
    )
    .unwrap();
    assert_eq!(
        p.actions.last(),
        Some(&Action::UpdateUrl {
            qualifier: None,
            from: streaming.clone(),
            config: want.clone()
        })
    );
    assert_eq!(p.url, Some(UrlTarget::Attach(want.clone())));
    // Every changed field is said, and only those.
    let said = p.actions.last().unwrap().describe();
    assert_eq!(
        said,
        [
            "update the function URL (public: auth none):",
            "  cors.origins: https://a.example -> https://b.example"
        ]
    );
    // Nothing given: nothing changes, and a new URL gets Lambda's defaults.
    let nothing = Desired {
        url: Some(UrlWant::Attach(UrlFields::default())),
        ..desired()
    };
    assert!(after_function(&nothing, &with_url(Some(streaming), &SIDS)).is_empty());
    assert_eq!(
        after_function(&nothing, &with_url(None, &[])),
        [Action::CreateUrl {
            qualifier: None,
            config: UrlConfig::lambda_default()
        }]
    );
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
