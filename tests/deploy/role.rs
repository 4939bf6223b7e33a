//! `--create-role --policy … --allow …` against moto: lamctl's role gets
//! exactly the managed policies and inline statements asked for, converges
//! on a re-run, and never touches a policy someone else attached.

use super::*;

const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const TRANSLATE: &str = "arn:aws:iam::aws:policy/TranslateReadOnly";
const DYNAMO: &str = "arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess";

/// The calls that change something: Lambda's non-GET requests and IAM's
/// actions other than Get*/List* (IAM reads are POSTs too).
fn writes(f: &Fixture) -> Vec<String> {
    f.proxy
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.method != "HEAD")
        .map(|r| {
            let body = String::from_utf8_lossy(&r.body).to_string();
            let action = body
                .split('&')
                .find_map(|p| p.strip_prefix("Action="))
                .map(String::from);
            action.unwrap_or(format!("{} {}", r.method, r.path))
        })
        .filter(|a| !a.starts_with("Get") && !a.starts_with("List"))
        .collect()
}

fn without_role(f: &Fixture) {
    let path = f.dir.path().join("lamctl.toml");
    let toml: String = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("role"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(path, toml).unwrap();
}

#[test]
fn policies_and_inline_statements_converge_and_others_are_left_alone() {
    let f = Fixture::new();
    without_role(&f);
    let role = format!("lamctl-{}-exec", f.name);
    let table = "arn:aws:dynamodb:us-east-1:123456789012:table/Translations";

    // The dry run shows the role, its attachments and its statements.
    let plan = f.deploy(&[
        "--dry-run",
        "--create-role",
        "--policy",
        TRANSLATE,
        "--allow",
        "translate:TranslateText",
        "--allow",
        &format!("dynamodb:PutItem={table}"),
    ]);
    plan.success();
    let text = plan.stdout();
    for line in [
        format!("  create execution role {role}"),
        format!("  attach {BASIC} to {role}"),
        format!("  attach {TRANSLATE} to {role}"),
        format!("  write inline policy lamctl-allow of {role}:"),
        "    allow translate:TranslateText on *".to_string(),
        format!("    allow dynamodb:PutItem on {table}"),
    ] {
        assert!(text.contains(&format!("{line}\n")), "{line:?} in:\n{text}");
    }
    assert_eq!(writes(&f), Vec::<String>::new(), "dry run changes nothing");

    f.deploy(&[
        "--create-role",
        "--policy",
        TRANSLATE,
        "--allow",
        "translate:TranslateText",
        "--allow",
        &format!("dynamodb:PutItem={table}"),
    ])
    .success();
    assert!(
        config(&f.name)
            .role()
            .unwrap()
            .ends_with(&format!("/{role}"))
    );
    assert_eq!(attached_policies(&role), [TRANSLATE, BASIC], "sorted");
    assert_eq!(
        inline_policy(&role).unwrap(),
        serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["translate:TranslateText"], "Resource": ["*"]},
            {"Effect": "Allow", "Action": ["dynamodb:PutItem"], "Resource": [table]},
        ]})
    );

    // Someone else attaches a policy of their own.
    let other = iam(async move |c| {
        c.create_policy()
            .policy_name(unique("theirs"))
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)
            .send()
            .await
            .unwrap()
            .policy()
            .unwrap()
            .arn()
            .unwrap()
            .to_string()
    });
    let (r, o) = (role.clone(), other.clone());
    iam(async move |c| {
        c.attach_role_policy()
            .role_name(r)
            .policy_arn(o)
            .send()
            .await
            .unwrap()
    });

    // A re-run without --policy/--allow changes nothing in IAM.
    f.proxy.clear();
    f.deploy(&["--create-role"]).success();
    let iam_writes = f.proxy.count(|r| {
        let body = String::from_utf8_lossy(&r.body);
        [
            "AttachRolePolicy",
            "DetachRolePolicy",
            "PutRolePolicy",
            "DeleteRolePolicy",
            "TagRole",
        ]
        .iter()
        .any(|a| body.contains(&format!("Action={a}&")))
    });
    assert_eq!(iam_writes, 0);

    // A different set converges: TranslateReadOnly (lamctl's) is detached,
    // the other one stays, the old statements are gone.
    f.deploy(&[
        "--create-role",
        "--policy",
        DYNAMO,
        "--allow",
        &format!("dynamodb:GetItem={table}"),
    ])
    .success();
    let mut want = vec![BASIC.to_string(), DYNAMO.to_string(), other.clone()];
    want.sort();
    assert_eq!(attached_policies(&role), want);
    assert_eq!(
        inline_policy(&role).unwrap()["Statement"],
        serde_json::json!([{"Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": [table]}])
    );

    // lamctl.toml: `policies = []` and `allow = []` are empty sets.
    let path = f.dir.path().join("lamctl.toml");
    let toml = std::fs::read_to_string(&path).unwrap();
    let top = "policies = []\nallow = []\n";
    std::fs::write(
        &path,
        format!("{top}{toml}\n[deploy]\ncreate_role = true\n"),
    )
    .unwrap();
    f.deploy(&[]).success();
    let mut want = vec![BASIC.to_string(), other];
    want.sort();
    assert_eq!(attached_policies(&role), want);
    assert_eq!(inline_policy(&role), None);
}

#[test]
fn policies_for_a_role_lamctl_does_not_manage_are_refused() {
    let f = Fixture::new();
    // The file names a role: --policy/--allow are bad usage, no call.
    f.deploy(&["--policy", TRANSLATE])
        .fails(2, "change only the role lamctl creates");
    f.deploy(&["--create-role", "--allow", "s3:GetObject"])
        .fails(2, "--create-role: lamctl.toml already names a role");
    without_role(&f);
    f.deploy(&["--allow", "s3:GetObject"])
        .fails(2, "change the role lamctl creates");
    f.deploy(&["--create-role", "--allow", "GetObject"])
        .fails(2, "invalid IAM action 'GetObject'");
    f.deploy(&["--create-role", "--policy", "TranslateReadOnly"])
        .fails(2, "invalid policy ARN 'TranslateReadOnly'");
    assert_eq!(f.proxy.requests().len(), 0);
    // A function that exists with someone else's role keeps it; asking to
    // change that role's policies is refused before any change.
    f.deploy(&["--role", &f.role]).success();
    f.proxy.clear();
    f.deploy(&["--create-role", "--policy", TRANSLATE])
        .fails(2, "a role lamctl did not create");
    assert_eq!(writes(&f), Vec::<String>::new());
    assert_eq!(config(&f.name).role(), Some(f.role.as_str()));
}
