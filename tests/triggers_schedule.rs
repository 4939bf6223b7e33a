//! Schedules (`[[schedule]]`) converged by `lamctl deploy` through
//! EventBridge Scheduler in moto: created with lamctl's marker and role,
//! changed, removed from the file, a foreign schedule left alone; read
//! back through the SDK, with the proxy counting the calls lamctl made.

use crate::harness::*;

fn scheduler<T>(f: impl AsyncFnOnce(aws_sdk_scheduler::Client) -> T) -> T {
    rt().block_on(async { f(aws_sdk_scheduler::Client::new(&sdk().await)).await })
}

/// A schedule as moto holds it: (expression, timezone, input, description).
fn schedule(name: &str) -> Option<(String, String, String, String)> {
    let name = name.to_string();
    scheduler(async move |c| {
        let s = c.get_schedule().name(name).send().await.ok()?;
        Some((
            s.schedule_expression().unwrap_or_default().to_string(),
            s.schedule_expression_timezone()
                .unwrap_or_default()
                .to_string(),
            s.target()
                .and_then(|t| t.input())
                .unwrap_or_default()
                .to_string(),
            s.description().unwrap_or_default().to_string(),
        ))
    })
}

use crate::triggers_esm::Fixture;

/// The schedule tests' view of the shared fixture.
trait Schedules {
    fn schedule_writes(&self) -> Vec<String>;
    fn schedule_calls(&self, method: &str) -> usize;
}

impl Schedules for Fixture {
    /// The requests that change something (IAM's reads are POSTs too).
    fn schedule_writes(&self) -> Vec<String> {
        self.proxy
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET" && r.method != "HEAD")
            .filter(|r| {
                let body = String::from_utf8_lossy(&r.body);
                !(body.starts_with("Action=Get") || body.starts_with("Action=List"))
            })
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }

    fn schedule_calls(&self, method: &str) -> usize {
        self.proxy
            .count(|r| r.method == method && r.path.starts_with("/schedules/"))
    }
}

#[test]
fn schedules_are_created_changed_removed_and_foreign_ones_left_alone() {
    let f = Fixture::named("sch");
    let first = format!("{}-1", f.name);
    let nightly = format!("{}-nightly", f.name);
    let foreign = format!("{}-theirs", f.name);
    let every = "[[schedule]]\nexpression = \"rate(5 minutes)\"\ntimezone = \"Europe/Paris\"\npayload = '{\"job\": \"report\"}'\n";
    let night = format!("[[schedule]]\nname = \"{nightly}\"\nexpression = \"cron(0 2 * * ? *)\"\n");
    f.file(&format!("{every}\n{night}"));

    // The dry run names the role and both schedules, and changes nothing.
    let dry = f.run(&["deploy", "--dry-run"]);
    dry.success();
    let out = dry.stdout();
    assert!(
        out.contains(&format!("create the schedule {first}")),
        "{out}"
    );
    assert!(
        out.contains(&format!("create the schedule {nightly}")),
        "{out}"
    );
    assert!(
        out.contains(&format!("create role lamctl-{}-scheduler", f.name)),
        "{out}"
    );
    assert!(f.schedule_writes().is_empty(), "{:?}", f.schedule_writes());

    // The real run does the same.
    f.run(&["deploy"]).success();
    assert_eq!(f.schedule_calls("POST"), 2);
    let (expr, tz, input, description) = schedule(&first).expect("created");
    assert_eq!(
        (expr.as_str(), tz.as_str()),
        ("rate(5 minutes)", "Europe/Paris")
    );
    assert_eq!(input, "{\"job\": \"report\"}");
    assert!(
        description.contains(&format!("lamctl:function={}", f.name)),
        "{description}"
    );
    assert_eq!(schedule(&nightly).unwrap().1, "UTC");
    let role = format!("lamctl-{}-scheduler", f.name);
    let tags = iam({
        let role = role.clone();
        async move |c| c.list_role_tags().role_name(role).send().await.unwrap()
    });
    assert!(
        tags.tags()
            .iter()
            .any(|t| t.key() == "lamctl:function" && t.value() == f.name)
    );

    // Someone else's schedule that targets the function.
    let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}", f.name);
    scheduler({
        let (foreign, arn) = (foreign.clone(), arn.clone());
        async move |c| {
            c.create_schedule()
                .name(foreign)
                .schedule_expression("rate(1 day)")
                .flexible_time_window(
                    aws_sdk_scheduler::types::FlexibleTimeWindow::builder()
                        .mode(aws_sdk_scheduler::types::FlexibleTimeWindowMode::Off)
                        .build()
                        .unwrap(),
                )
                .target(
                    aws_sdk_scheduler::types::Target::builder()
                        .arn(arn)
                        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/someone"))
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap()
        }
    });

    // An unchanged re-run writes nothing.
    f.proxy.clear();
    f.run(&["deploy"]).success();
    assert!(f.schedule_writes().is_empty(), "{:?}", f.schedule_writes());

    // A changed expression: one update, read back; the marker stays.
    f.file(&format!(
        "{}\n{night}",
        every.replace("rate(5 minutes)", "rate(10 minutes)")
    ));
    f.proxy.clear();
    let dry = f.run(&["deploy", "--dry-run"]);
    assert!(
        dry.stdout()
            .contains("expression: rate(5 minutes) -> rate(10 minutes)"),
        "{}",
        dry.stdout()
    );
    f.run(&["deploy"]).success();
    assert_eq!(f.schedule_calls("PUT"), 1);
    let (expr, _, _, description) = schedule(&first).unwrap();
    assert_eq!(expr, "rate(10 minutes)");
    assert!(description.contains(&format!("lamctl:function={}", f.name)));

    // The nightly one removed from the file: deleted; the foreign one stays.
    let every10 = every.replace("rate(5 minutes)", "rate(10 minutes)");
    f.file(&every10);
    f.proxy.clear();
    f.run(&["deploy"]).success();
    assert_eq!(f.schedule_calls("DELETE"), 1);
    assert!(schedule(&nightly).is_none());
    assert!(schedule(&foreign).is_some());

    // info: managed and not managed.
    let doc = f
        .run(&["info", &f.name, "--output", "json"])
        .success()
        .json();
    let managed = |n: &str| {
        doc["schedules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == n)
            .map(|s| s["managed"].as_bool().unwrap())
    };
    assert_eq!(
        (managed(&first), managed(&foreign)),
        (Some(true), Some(false))
    );

    // init writes lamctl's schedule back; diff is clean.
    let there = tempfile::tempdir().unwrap();
    let file = there.path().join("lamctl.toml");
    f.run(&["init", &f.name, "-c", file.to_str().unwrap()])
        .success();
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("[[schedule]]") && written.contains("rate(10 minutes)"),
        "{written}"
    );
    assert!(!written.contains(&foreign), "{written}");
    lamctl([
        "diff",
        "--exit-code",
        "--endpoint-url",
        &f.proxy.endpoint,
        "--region",
        REGION,
    ])
    .dir(there.path())
    .run()
    .success();

    // delete: lamctl's schedule and role go, the foreign schedule stays.
    f.run(&["delete", &f.name, "--yes"]).success();
    assert!(schedule(&first).is_none());
    assert!(schedule(&foreign).is_some());
    let role_left = iam(async move |c| c.get_role().role_name(role).send().await.is_ok());
    assert!(!role_left, "lamctl's scheduler role is deleted");
}

#[test]
fn a_schedule_of_the_same_name_someone_else_made_is_left_alone() {
    let f = Fixture::named("sch");
    f.run(&["deploy"]).success();
    let name = format!("{}-1", f.name);
    let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}", f.name);
    scheduler({
        let (name, arn) = (name.clone(), arn.clone());
        async move |c| {
            c.create_schedule()
                .name(name)
                .schedule_expression("rate(1 day)")
                .flexible_time_window(
                    aws_sdk_scheduler::types::FlexibleTimeWindow::builder()
                        .mode(aws_sdk_scheduler::types::FlexibleTimeWindowMode::Off)
                        .build()
                        .unwrap(),
                )
                .target(
                    aws_sdk_scheduler::types::Target::builder()
                        .arn(arn)
                        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/someone"))
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap()
        }
    });
    f.file("[[schedule]]\nexpression = \"rate(5 minutes)\"\n");
    f.proxy.clear();
    let out = f.run(&["deploy"]);
    out.success();
    assert!(
        out.stderr.contains("was not created by lamctl"),
        "{}",
        out.stderr
    );
    assert_eq!(f.schedule_calls("PUT") + f.schedule_calls("POST"), 0);
    assert_eq!(schedule(&name).unwrap().0, "rate(1 day)");
}

/// Moto's Scheduler never doubts a new role; AWS says for seconds that it
/// cannot assume it. The first CreateSchedule is answered so (by the
/// proxy): lamctl tries again and the schedule is created.
#[test]
fn a_new_role_scheduler_cannot_assume_yet_is_waited_for() {
    let f = Fixture::named("sch");
    f.run(&["deploy"]).success();
    f.file("[[schedule]]\nexpression = \"rate(1 hour)\"\n");
    f.proxy.inject(
        |r| r.method == "POST" && r.path.starts_with("/schedules/"),
        Canned::aws_error(
            400,
            "ValidationException",
            "The execution role you provide must allow AWS EventBridge Scheduler to assume the role.",
        ),
        Some(1),
    );
    f.proxy.clear();
    f.run(&["deploy"]).success();
    assert_eq!(f.schedule_calls("POST"), 2);
    assert_eq!(
        schedule(&format!("{}-1", f.name)).unwrap().0,
        "rate(1 hour)"
    );
}
