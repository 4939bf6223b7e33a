//! The README's walkthrough, end to end against moto: a Python function
//! that translates text with Amazon Translate and stores it in a DynamoDB
//! table is created with its permissions (`--create-role --policy …
//! --allow …`), updated (memory, timeout), invoked, its logs read, and put
//! behind a public function URL. Every step is checked through the SDK.
//!
//! moto runs no code without Docker (an invoke echoes the event) and
//! writes no log group on invoke, so the log lines the function would
//! write are put there by the test, as `tests/logs.rs` does.

use aws_sdk_cloudwatchlogs::types::InputLogEvent;

use crate::harness::*;

const APP: &str = include_str!("../examples/translate/app.py");

const TRANSLATE: &str = "arn:aws:iam::aws:policy/TranslateReadOnly";
const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const TABLE: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/Translations";

fn run(dir: &std::path::Path, args: &[&str]) -> Out {
    let out = lamctl(args).moto().dir(dir).run();
    out.success();
    out
}

#[test]
fn translate_function_from_create_to_public_url() {
    let name = unique("translate");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.py"), APP).unwrap();
    let role = format!("lamctl-{name}-exec");

    // 1. Create it with the permissions its code needs.
    let allow = format!("dynamodb:PutItem={TABLE}");
    run(
        dir.path(),
        &[
            "deploy",
            "--function",
            &name,
            "--runtime",
            "python3.12",
            "--handler",
            "app.handler",
            "--env",
            "TABLE=Translations",
            "--create-role",
            "--policy",
            TRANSLATE,
            "--allow",
            &allow,
        ],
    );
    let sdk = rt().block_on(sdk());
    let lambda = aws_sdk_lambda::Client::new(&sdk);
    let config = |name: &str| {
        rt().block_on(
            lambda
                .get_function_configuration()
                .function_name(name)
                .send(),
        )
        .unwrap()
    };
    let c = config(&name);
    assert!(
        c.role().unwrap().ends_with(&format!("role/{role}")),
        "{:?}",
        c.role()
    );
    assert_eq!(c.handler(), Some("app.handler"));
    let vars = c.environment().unwrap().variables().unwrap();
    assert_eq!(vars.get("TABLE").map(String::as_str), Some("Translations"));
    assert_eq!(attached_policies(&role), [TRANSLATE, BASIC]);
    let doc = inline_policy(&role).expect("lamctl's inline policy");
    assert_eq!(
        doc["Statement"],
        serde_json::json!([{"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": [TABLE]}])
    );

    // 2. More memory and a longer timeout; nothing else changes.
    run(
        dir.path(),
        &[
            "deploy",
            "--function",
            &name,
            "--memory",
            "256",
            "--timeout",
            "10",
        ],
    );
    let c = config(&name);
    assert_eq!(c.memory_size(), Some(256));
    assert_eq!(c.timeout(), Some(10));
    assert!(
        c.role().unwrap().ends_with(&format!("role/{role}")),
        "role kept"
    );
    assert_eq!(
        c.environment()
            .unwrap()
            .variables()
            .unwrap()
            .get("TABLE")
            .map(String::as_str),
        Some("Translations"),
        "variables kept"
    );

    // 3. Test it (moto echoes the event).
    let event = r#"{"text": "hello", "target": "fr"}"#;
    let out = run(dir.path(), &["invoke", &name, "--payload", event]);
    assert_eq!(out.stdout(), event);

    // 4. Read its logs.
    let group = format!("/aws/lambda/{name}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    rt().block_on(async {
        logs.create_log_group()
            .log_group_name(&group)
            .send()
            .await
            .unwrap();
        logs.create_log_stream()
            .log_group_name(&group)
            .log_stream_name("2026/11/30/[$LATEST]abc")
            .send()
            .await
            .unwrap();
        let events = [
            "START RequestId: 7f1c Version: $LATEST",
            r#"{"id": "7f1c", "text": "bonjour"}"#,
            "END RequestId: 7f1c",
        ];
        logs.put_log_events()
            .log_group_name(&group)
            .log_stream_name("2026/11/30/[$LATEST]abc")
            .set_log_events(Some(
                events
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        InputLogEvent::builder()
                            .timestamp(now - 1000 + i as i64)
                            .message(*m)
                            .build()
                            .unwrap()
                    })
                    .collect(),
            ))
            .send()
            .await
            .unwrap();
    });
    let out = run(dir.path(), &["logs", &name, "--since", "10m"]);
    assert!(
        out.stdout()
            .contains(r#"{"id": "7f1c", "text": "bonjour"}"#),
        "{}",
        out.stdout()
    );

    // 5. Put it behind a public HTTP endpoint.
    let out = run(
        dir.path(),
        &[
            "deploy",
            "--function",
            &name,
            "--url",
            "--url-auth",
            "none",
            "-o",
            "json",
        ],
    );
    let url = out.json()["url"].as_str().unwrap().to_string();
    let got = rt()
        .block_on(lambda.get_function_url_config().function_name(&name).send())
        .unwrap();
    assert_eq!(got.function_url(), url);
    assert_eq!(got.auth_type().as_str(), "NONE");
    let policy = rt()
        .block_on(lambda.get_policy().function_name(&name).send())
        .unwrap();
    let policy: serde_json::Value = serde_json::from_str(policy.policy().unwrap()).unwrap();
    // moto keeps AddPermission's FunctionUrlAuthType / InvokedViaFunctionUrl
    // as fields of the statement (Lambda turns them into conditions).
    let statements = policy["Statement"].as_array().unwrap();
    let has = |action: &str, key: &str, value: serde_json::Value| {
        statements.iter().any(|s| {
            s["Action"] == action
                && s["Principal"] == "*"
                && s["Effect"] == "Allow"
                && s[key] == value
        })
    };
    assert!(
        has(
            "lambda:InvokeFunctionUrl",
            "FunctionUrlAuthType",
            "NONE".into()
        ),
        "the public permission: {policy}"
    );
    assert!(
        has(
            "lambda:InvokeFunction",
            "InvokedViaFunctionUrl",
            true.into()
        ),
        "{policy}"
    );

    // 6. Behind API Gateway: `[api]` with GET /translate, then the URL
    // deploy prints. moto serves no execute-api host for HTTP APIs (its
    // URL is https://ID.execute-api.REGION.amazonaws.com), so what a curl
    // of "$URL/translate?input_text=hello" would reach is checked as
    // state: the route, its Lambda proxy integration, the stage and the
    // permission scoped to the API.
    std::fs::write(
        dir.path().join("lamctl.toml"),
        format!(
            "name = \"{name}\"\n\n[api]\n[[api.route]]\nmethod = \"GET\"\npath = \"/translate\"\n"
        ),
    )
    .unwrap();
    let out = run(dir.path(), &["deploy", "-o", "json"]);
    let api_url = out.json()["api_url"].as_str().unwrap().to_string();
    let id = api_url
        .strip_prefix("https://")
        .and_then(|u| u.split('.').next())
        .unwrap()
        .to_string();
    assert_eq!(
        api_url,
        format!("https://{id}.execute-api.{REGION}.amazonaws.com")
    );
    let (routes, integrations, stages) = apigatewayv2(async |c| {
        (
            c.get_routes().api_id(&id).send().await.unwrap(),
            c.get_integrations().api_id(&id).send().await.unwrap(),
            c.get_stages().api_id(&id).send().await.unwrap(),
        )
    });
    let integration = &integrations.items()[0];
    assert!(
        integration
            .integration_uri()
            .unwrap()
            .ends_with(&format!(":function:{name}"))
    );
    let route = &routes.items()[0];
    assert_eq!(route.route_key(), Some("GET /translate"));
    assert_eq!(
        route.target(),
        Some(format!("integrations/{}", integration.integration_id().unwrap()).as_str())
    );
    assert_eq!(stages.items()[0].stage_name(), Some("$default"));
    let policy = rt()
        .block_on(lambda.get_policy().function_name(&name).send())
        .unwrap();
    assert!(
        policy
            .policy()
            .unwrap()
            .contains(&format!("arn:aws:execute-api:{REGION}:123456789012:{id}/*")),
        "{policy:?}"
    );
}

/// The same function described by examples/translate/lamctl.toml: the
/// file's `policies`, `[[allow]]` and `[deploy] create_role` do what the
/// flags did.
#[test]
fn the_example_file_gives_the_same_role() {
    let dir = tempfile::tempdir().unwrap();
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/translate");
    let name = unique("translate");
    for f in ["app.py", "lamctl.toml"] {
        let text = std::fs::read_to_string(example.join(f)).unwrap();
        let text = text.replace("name = \"translate\"", &format!("name = \"{name}\""));
        std::fs::write(dir.path().join(f), text).unwrap();
    }
    run(dir.path(), &["deploy"]);
    let role = format!("lamctl-{name}-exec");
    assert_eq!(attached_policies(&role), [TRANSLATE, BASIC]);
    assert!(
        inline_policy(&role)
            .expect("lamctl's inline policy")
            .to_string()
            .contains(TABLE)
    );
}
