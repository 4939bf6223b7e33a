use super::*;

fn want(toml_text: &str) -> Api {
    toml::from_str(toml_text).unwrap()
}

const GET: &str = "[[route]]\nmethod = \"GET\"\npath = \"/translate\"\n";

fn src(api: &str) -> String {
    apply::source_arn("us-east-1", "123456789012", api)
}

/// The state `plan`'s create steps leave, as read back.
fn deployed(w: &Api) -> (ApiState, Vec<Grant>) {
    let s = ApiState {
        id: "a1".into(),
        name: "f".into(),
        endpoint: "https://a1.execute-api.us-east-1.amazonaws.com".into(),
        cors: w.cors.as_ref().map(|c| c.normalized()),
        integrations: vec![IntegrationState {
            id: "i1".into(),
            uri: "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
            payload_format: w.payload_format().as_str().into(),
        }],
        routes: w
            .routes
            .iter()
            .enumerate()
            .map(|(n, r)| RouteState {
                id: format!("r{n}"),
                key: r.key(),
                target: Some("integrations/i1".into()),
                auth: "NONE".into(),
                authorizer: None,
            })
            .collect(),
        stages: vec![StageState {
            name: "$default".into(),
            auto_deploy: true,
            variables: BTreeMap::new(),
        }],
        authorizers: vec![],
    };
    let g = vec![Grant {
        sid: sid(),
        principal: PRINCIPAL.into(),
        source_arn: Some(src("a1")),
    }];
    (s, g)
}

#[test]
fn creates_everything_in_order() {
    let w = want(GET);
    let (steps, revoke) = plan("f", Some(&w), None, &[], src);
    let kinds: Vec<&str> = steps
        .iter()
        .map(|s| match s {
            ApiStep::CreateApi { .. } => "api",
            ApiStep::CreateIntegration { .. } => "integration",
            ApiStep::CreateRoute { .. } => "route",
            ApiStep::CreateStage { .. } => "stage",
            ApiStep::Permit { .. } => "permit",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["api", "integration", "route", "stage", "permit"]);
    assert!(revoke.is_empty());
}

#[test]
fn converged_is_nothing_and_changes_are_exact() {
    let w = want(GET);
    let (have, grants) = deployed(&w);
    let (steps, revoke) = plan("f", Some(&w), Some(&have), &grants, src);
    assert!(steps.is_empty() && revoke.is_empty(), "{steps:?}");

    // A route added by hand to lamctl's API is removed; a new one created.
    let mut extra = have.clone();
    extra.routes.push(RouteState {
        id: "rx".into(),
        key: "POST /admin".into(),
        target: None,
        auth: "NONE".into(),
        authorizer: None,
    });
    let w2 = want(&format!(
        "{GET}[[route]]\nmethod = \"ANY\"\npath = \"/{{proxy+}}\"\n"
    ));
    let (steps, _) = plan("f", Some(&w2), Some(&extra), &grants, src);
    assert_eq!(steps.len(), 2, "{steps:?}");
    assert!(matches!(&steps[0], ApiStep::CreateRoute { key, .. } if key == "ANY /{proxy+}"));
    assert!(matches!(&steps[1], ApiStep::DeleteRoute { key, .. } if key == "POST /admin"));

    // CORS given, then removed.
    let wc = want(&format!(
        "[cors]\nallow_origins = [\"https://a.example\"]\n{GET}"
    ));
    let (steps, _) = plan("f", Some(&wc), Some(&have), &grants, src);
    assert!(
        matches!(&steps[..], [ApiStep::UpdateApi { cors: Some(_), .. }]),
        "{steps:?}"
    );
    let (with_cors, _) = deployed(&wc);
    let (steps, _) = plan("f", Some(&w), Some(&with_cors), &grants, src);
    assert!(
        matches!(&steps[..], [ApiStep::DeleteCors { .. }]),
        "{steps:?}"
    );

    // Payload format and auth.
    let w1 = want(&format!("payload_format = \"1.0\"\n{GET}"));
    let (steps, _) = plan("f", Some(&w1), Some(&have), &grants, src);
    assert!(
        matches!(&steps[..], [ApiStep::UpdateIntegration { .. }]),
        "{steps:?}"
    );
    let wi = want(&format!("[auth]\ntype = \"iam\"\n{GET}"));
    let (steps, _) = plan("f", Some(&wi), Some(&have), &grants, src);
    assert!(
        matches!(
            &steps[..],
            [ApiStep::UpdateRoute {
                auth: RouteAuth::Iam,
                ..
            }]
        ),
        "{steps:?}"
    );

    // Stage variables (moto has no UpdateStage: this is their test).
    let ws = want(&format!("stage_variables = {{ env = \"dev\" }}\n{GET}"));
    let (steps, _) = plan("f", Some(&ws), Some(&have), &grants, src);
    assert!(
        matches!(&steps[..], [ApiStep::UpdateStage { .. }]),
        "{steps:?}"
    );

    // A permission scoped to another API is replaced.
    let stale = vec![Grant {
        source_arn: Some(src("old")),
        ..grants[0].clone()
    }];
    let (steps, revoke) = plan("f", Some(&w), Some(&have), &stale, src);
    assert!(matches!(&steps[..], [ApiStep::Permit { .. }]));
    assert_eq!(revoke, vec![sid()]);
}

#[test]
fn removing_api_deletes_only_lamctls() {
    let w = want(GET);
    let (have, grants) = deployed(&w);
    let (steps, revoke) = plan("f", None, Some(&have), &grants, src);
    assert!(matches!(&steps[..], [ApiStep::DeleteApi { api, .. }] if api == "a1"));
    assert_eq!(revoke, vec![sid()]);
    // Nothing of lamctl's: nothing to do (an untagged API is never "have").
    let (steps, revoke) = plan("f", None, None, &[], src);
    assert!(steps.is_empty() && revoke.is_empty());
}

#[test]
fn init_reads_back_the_file() {
    let w = want(&format!(
        "payload_format = \"1.0\"\n[cors]\nallow_origins = [\"https://a.example\"]\n{GET}"
    ));
    let (have, _) = deployed(&w);
    let back = have.as_api("f");
    assert_eq!(back.routes, w.routes);
    assert_eq!(
        back.cors.as_ref().map(|c| c.normalized()),
        w.cors.as_ref().map(|c| c.normalized())
    );
    assert_eq!(back.payload_format(), w.payload_format());
}
