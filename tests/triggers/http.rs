//! `[api]` (an HTTP API) and `[[s3]]` (bucket notifications): created,
//! converged, removed only when lamctl's; others' left untouched.

use super::*;

const API: &str = "[api]\n[api.cors]\nallow_origins = [\"https://a.example\"]\n[[api.route]]\nmethod = \"GET\"\npath = \"/translate\"\n";

/// The lines of the dry run that are trigger steps (not the function's).
fn trigger_lines(dry: &str) -> Vec<String> {
    dry.lines()
        .map(str::trim)
        .filter(|l| {
            [
                "create HTTP API",
                "update HTTP API",
                "create route",
                "delete route",
                "create stage",
                "create the Lambda",
                "allow ",
                "delete HTTP API",
                "set lamctl's",
                "remove lamctl's",
                "remove permission",
            ]
            .iter()
            .any(|p| l.starts_with(p))
        })
        .map(String::from)
        .collect()
}

/// The dry run's trigger steps, then the real run's notes: the same, in order.
fn dry_then_real(f: &Fixture) -> Out {
    let dry = f.deploy(&["--dry-run"]);
    dry.success();
    let planned = trigger_lines(&dry.stdout());
    f.proxy.clear();
    let out = f.deploy(&[]);
    out.success();
    let done: Vec<String> = trigger_lines(&out.stderr)
        .into_iter()
        .filter(|l| !l.starts_with("remove permission"))
        .collect();
    let planned: Vec<String> = planned
        .into_iter()
        .filter(|l| !l.starts_with("remove permission"))
        .collect();
    assert_eq!(
        planned,
        done,
        "dry run:\n{}\nrun:\n{}",
        dry.stdout(),
        out.stderr
    );
    out
}

fn ours(name: &str) -> String {
    let apis = apis_named(name);
    let mine: Vec<&String> = apis
        .iter()
        .filter(|(_, t)| t.get("lamctl:function").map(String::as_str) == Some(name))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(mine.len(), 1, "{apis:?}");
    mine[0].clone()
}

#[test]
fn http_api_is_created_converged_changed_and_removed() {
    let f = Fixture::new("api");
    f.file(API);
    let out = dry_then_real(&f);
    let id = ours(&f.name);
    assert!(
        out.stdout()
            .contains(&format!("api       https://{id}.execute-api")),
        "{}",
        out.stdout()
    );

    // The integration invokes the function, payload 2.0; the route uses it.
    let (integrations, stages, cors) = apigatewayv2(async |c| {
        let i = c.get_integrations().api_id(&id).send().await.unwrap();
        let s = c.get_stages().api_id(&id).send().await.unwrap();
        let a = c.get_api().api_id(&id).send().await.unwrap();
        (
            i.items().to_vec(),
            s.items().to_vec(),
            a.cors_configuration().map(|c| c.allow_origins().to_vec()),
        )
    });
    assert_eq!(integrations.len(), 1);
    let integration = &integrations[0];
    assert!(
        integration
            .integration_uri()
            .unwrap()
            .ends_with(&format!(":function:{}", f.name))
    );
    assert_eq!(integration.payload_format_version(), Some("2.0"));
    let target = format!("integrations/{}", integration.integration_id().unwrap());
    assert_eq!(
        routes(&id),
        vec![("GET /translate".to_string(), Some(target.clone()))]
    );
    assert_eq!(stages.len(), 1);
    assert_eq!(stages[0].stage_name(), Some("$default"));
    assert_eq!(stages[0].auto_deploy(), Some(true));
    assert_eq!(cors, Some(vec!["https://a.example".to_string()]));
    let source = format!("arn:aws:execute-api:{REGION}:123456789012:{id}/*");
    assert!(
        grants(&f.name).contains(&("lamctl-api-invoke".to_string(), Some(source))),
        "{:?}",
        grants(&f.name)
    );

    // Unchanged: a re-run writes nothing, and still prints the URL (JSON too).
    f.proxy.clear();
    let again = f.deploy(&["-o", "json"]);
    again.success();
    assert_eq!(f.writes(), Vec::<String>::new());
    assert!(again.json()["api_url"].as_str().unwrap().contains(&id));

    // A route added by hand to lamctl's API is converged away; a new route
    // and new CORS are applied.
    apigatewayv2(async |c| {
        c.create_route()
            .api_id(&id)
            .route_key("POST /admin")
            .send()
            .await
            .unwrap();
    });
    f.file(&format!(
        "{}[[api.route]]\nmethod = \"ANY\"\npath = \"/{{proxy+}}\"\n",
        API.replace("a.example", "b.example")
    ));
    let changed = dry_then_real(&f);
    assert!(
        changed.stderr.contains("delete route POST /admin"),
        "{}",
        changed.stderr
    );
    assert_eq!(
        routes(&id),
        vec![
            ("ANY /{proxy+}".to_string(), Some(target.clone())),
            ("GET /translate".to_string(), Some(target)),
        ]
    );
    let cors = apigatewayv2(async |c| {
        let a = c.get_api().api_id(&id).send().await.unwrap();
        a.cors_configuration().map(|c| c.allow_origins().to_vec())
    });
    assert_eq!(cors, Some(vec!["https://b.example".to_string()]));
    assert_eq!(ours(&f.name), id, "the same API, converged");

    // [api] removed from the file: lamctl's API and its permission go.
    f.file("");
    dry_then_real(&f);
    assert!(apis_named(&f.name).is_empty());
    assert!(
        !grants(&f.name)
            .iter()
            .any(|(s, _)| s == "lamctl-api-invoke")
    );
}

#[test]
fn foreign_api_and_permission_are_never_touched() {
    let f = Fixture::new("apif");
    f.file("");
    f.deploy(&[]).success();
    // No [api] and nothing API Gateway may invoke: API Gateway is not asked
    // (a deploy needs no API Gateway permission unless the file uses it).
    f.proxy.clear();
    f.deploy(&[]).success();
    assert_eq!(f.proxy.count(|r| r.path.starts_with("/v2/")), 0);
    // Someone else's API of the same name, and their permission.
    let foreign = apigatewayv2(async |c| {
        let a = c
            .create_api()
            .name(&f.name)
            .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Http)
            .send()
            .await
            .unwrap();
        let id = a.api_id().unwrap().to_string();
        c.create_route()
            .api_id(&id)
            .route_key("GET /theirs")
            .send()
            .await
            .unwrap();
        id
    });
    lambda(async |l| {
        l.add_permission()
            .function_name(&f.name)
            .statement_id("theirs")
            .action("lambda:InvokeFunction")
            .principal("events.amazonaws.com")
            .send()
            .await
            .unwrap();
    });

    f.file(API);
    f.deploy(&[]).success();
    let id = ours(&f.name);
    assert_ne!(id, foreign);
    assert_eq!(routes(&foreign), vec![("GET /theirs".to_string(), None)]);
    let info = f.run("info", &[&f.name]);
    info.success();
    assert!(
        info.stdout().contains(&format!("{foreign} (not managed)")),
        "{}",
        info.stdout()
    );
    assert!(
        info.stdout().contains("theirs (not managed)"),
        "{}",
        info.stdout()
    );
    assert!(
        info.stdout().contains(&format!("{id} (managed)")),
        "{}",
        info.stdout()
    );

    f.file("");
    f.deploy(&[]).success();
    let left: Vec<String> = apis_named(&f.name).into_iter().map(|(i, _)| i).collect();
    assert_eq!(left, vec![foreign.clone()]);
    assert_eq!(routes(&foreign), vec![("GET /theirs".to_string(), None)]);
    assert!(grants(&f.name).iter().any(|(s, _)| s == "theirs"));
}

/// The bucket's Lambda notification entries: (id, events, filter values).
fn notifications(bucket: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let bucket = bucket.to_string();
    let mut v = s3(async move |c| {
        let out = c
            .get_bucket_notification_configuration()
            .bucket(bucket)
            .send()
            .await
            .unwrap();
        out.lambda_function_configurations()
            .iter()
            .map(|l| {
                (
                    l.id().unwrap_or_default().to_string(),
                    l.events().iter().map(|e| e.as_str().to_string()).collect(),
                    l.filter()
                        .and_then(|f| f.key())
                        .map(|k| {
                            k.filter_rules()
                                .iter()
                                .map(|r| r.value().unwrap_or_default().to_string())
                                .collect()
                        })
                        .unwrap_or_default(),
                )
            })
            .collect::<Vec<_>>()
    });
    v.sort();
    v
}

/// A bucket whose notifications already hold someone else's entry (moto
/// 5.2.5 answers an empty configuration with a root the SDK rejects, so
/// every bucket here starts with one).
fn bucket_with_theirs(bucket: &str) {
    let theirs = "arn:aws:lambda:us-east-1:123456789012:function:someone-else";
    s3(async |c| {
        c.create_bucket().bucket(bucket).send().await.unwrap();
        let entry = aws_sdk_s3::types::LambdaFunctionConfiguration::builder()
            .id("theirs")
            .lambda_function_arn(theirs)
            .events(aws_sdk_s3::types::Event::from("s3:ObjectRemoved:*"))
            .build()
            .unwrap();
        c.put_bucket_notification_configuration()
            .bucket(bucket)
            .notification_configuration(
                aws_sdk_s3::types::NotificationConfiguration::builder()
                    .lambda_function_configurations(entry)
                    .build(),
            )
            .send()
            .await
            .unwrap();
    });
}

#[test]
fn s3_notifications_merge_change_and_leave_others() {
    let f = Fixture::new("s3n");
    let bucket = unique("bkt");
    bucket_with_theirs(&bucket);
    let theirs_entry = (
        "theirs".to_string(),
        vec!["s3:ObjectRemoved:*".to_string()],
        vec![],
    );
    let ours_id = format!("lamctl-{}-0", f.name);
    f.file(&format!(
        "[[s3]]\nbucket = \"{bucket}\"\nprefix = \"in/\"\n"
    ));
    dry_then_real(&f);
    assert_eq!(
        notifications(&bucket),
        vec![
            (
                ours_id.clone(),
                vec!["s3:ObjectCreated:*".to_string()],
                vec!["in/".to_string()]
            ),
            theirs_entry.clone(),
        ]
    );
    let sid = format!("lamctl-s3-{bucket}");
    assert!(grants(&f.name).contains(&(sid.clone(), Some(format!("arn:aws:s3:::{bucket}")))));

    f.proxy.clear();
    f.deploy(&[]).success();
    assert_eq!(f.writes(), Vec::<String>::new());

    f.file(&format!(
        "[[s3]]\nbucket = \"{bucket}\"\nevents = [\"s3:ObjectCreated:Put\"]\nsuffix = \".jpg\"\n"
    ));
    dry_then_real(&f);
    assert_eq!(
        notifications(&bucket),
        vec![
            (
                ours_id,
                vec!["s3:ObjectCreated:Put".to_string()],
                vec![".jpg".to_string()]
            ),
            theirs_entry.clone(),
        ]
    );

    // Removed from the file: only lamctl's entry and statement go.
    f.file("");
    dry_then_real(&f);
    assert_eq!(notifications(&bucket), vec![theirs_entry]);
    assert!(!grants(&f.name).iter().any(|(s, _)| *s == sid));
}

#[test]
fn delete_removes_lamctls_api_and_notifications() {
    let f = Fixture::new("trdel");
    let bucket = unique("bkd");
    bucket_with_theirs(&bucket);
    f.file(&format!("{API}\n[[s3]]\nbucket = \"{bucket}\"\n"));
    f.deploy(&[]).success();
    ours(&f.name);
    assert_eq!(notifications(&bucket).len(), 2);
    let out = f.run("delete", &[&f.name, "--yes"]);
    out.success();
    assert!(apis_named(&f.name).is_empty());
    let left: Vec<String> = notifications(&bucket).into_iter().map(|n| n.0).collect();
    assert_eq!(left, vec!["theirs"]);
}

#[test]
fn init_writes_the_triggers_back_and_diff_reports_what_deploy_would_do() {
    let f = Fixture::new("trinit");
    let bucket = unique("bki");
    bucket_with_theirs(&bucket);
    f.file(&format!(
        "{API}\n[[s3]]\nbucket = \"{bucket}\"\nprefix = \"in/\"\n"
    ));
    f.deploy(&[]).success();

    // init -> diff: no differences, the triggers included.
    let dir = tempfile::tempdir().unwrap();
    let aws = [
        "--endpoint-url",
        f.proxy.endpoint.as_str(),
        "--region",
        REGION,
    ];
    let mut args = vec!["init", f.name.as_str()];
    args.extend(aws);
    lamctl(&args).dir(dir.path()).run().success();
    let text = std::fs::read_to_string(dir.path().join("lamctl.toml")).unwrap();
    assert!(
        text.contains("[api]") && text.contains("/translate"),
        "{text}"
    );
    assert!(text.contains("[[s3]]") && text.contains(&bucket), "{text}");
    assert!(text.contains("https://a.example"), "{text}");
    let mut args = vec!["diff", "--exit-code"];
    args.extend(aws);
    let diff = lamctl(&args).dir(dir.path()).run();
    diff.success();
    assert!(
        diff.stdout().contains("no configuration differences"),
        "{}",
        diff.stdout()
    );

    // A route added in the file: diff says what deploy would do, exit 4.
    std::fs::write(
        dir.path().join("lamctl.toml"),
        format!("{text}\n[[api.route]]\nmethod = \"POST\"\npath = \"/more\"\n").replace(
            "[[s3]]",
            "[[api.route]]\nmethod = \"PUT\"\npath = \"/x\"\n\n[[s3]]",
        ),
    )
    .unwrap();
    let diff = lamctl(&args).dir(dir.path()).run();
    assert_eq!(diff.code, 4, "{}", diff.stderr);
    assert!(
        diff.stdout().contains("create route PUT /x"),
        "{}",
        diff.stdout()
    );
}

#[test]
fn jwt_then_iam_auth_on_every_route() {
    let f = Fixture::new("apiauth");
    let jwt =
        "[api.auth]\ntype = \"jwt\"\nissuer = \"https://idp.example\"\naudience = [\"client-1\"]\n";
    f.file(&format!("{API}{jwt}"));
    dry_then_real(&f);
    let id = ours(&f.name);
    let route = |id: &str| {
        let id = id.to_string();
        apigatewayv2(async move |c| {
            let r = c.get_routes().api_id(&id).send().await.unwrap();
            let r = r.items()[0].clone();
            let issuer = match r.authorizer_id() {
                Some(a) => c
                    .get_authorizer()
                    .api_id(&id)
                    .authorizer_id(a)
                    .send()
                    .await
                    .unwrap()
                    .jwt_configuration()
                    .and_then(|j| j.issuer().map(String::from)),
                None => None,
            };
            (
                r.authorization_type().map(|a| a.as_str().to_string()),
                issuer,
            )
        })
    };
    assert_eq!(
        route(&id),
        (Some("JWT".into()), Some("https://idp.example".into()))
    );
    f.proxy.clear();
    f.deploy(&[]).success();
    assert_eq!(f.writes(), Vec::<String>::new());

    f.file(&format!("{API}[api.auth]\ntype = \"iam\"\n"));
    dry_then_real(&f);
    assert_eq!(route(&id).0.as_deref(), Some("AWS_IAM"));
}
