//! `lamctl deploy --all` / `deploy NAME…` in a workspace: the single
//! deploy's story (package, read once, plan, execute) for every member,
//! several at once. Packaging runs on every member (the cache makes an
//! unchanged tree nearly free); only members whose plan has actions are
//! touched. One AWS context per distinct `[aws]` settings, whose clients
//! retry throttling adaptively with one shared rate limiter; at most
//! `--jobs` members in flight, and at most `UPLOAD_BUDGET` bytes of zips
//! being uploaded at once. The result is one document with every
//! member's outcome; the run fails (exit 1) if any member did.

use std::fmt;

use serde::Serialize;
use tokio::sync::Semaphore;

use super::{Settings, code, direct_upload_fits};
use crate::commands::Ctx;
use crate::commands::workspace::{self, Board, Contexts, Member, Pool, State};
use crate::error::{Error, Result};
use crate::interrupt;
use crate::lambda::plan::{self, Action, CodeAction, Deployed};
use crate::output::{Ui, table};
use crate::package::{PackageReport, package};

/// Bytes of zips uploaded at once across the run (each member's upload
/// takes its size from this budget, a zip bigger than all of it alone).
pub const UPLOAD_BUDGET: u64 = 256 * 1024 * 1024;

/// `deploy` over several members.
#[derive(Debug, Clone)]
pub struct ManySettings {
    pub members: Vec<Member<Settings>>,
    pub pool: Pool,
    /// Print every member's plan; change nothing.
    pub dry_run: bool,
}

pub async fn run(ctx: &Ctx<'_>, set: &ManySettings) -> Result<()> {
    let ui = ctx.ui;
    let board = Board::new(ui, set.members.iter().map(|m| m.label.clone()).collect());
    let shared = Shared {
        contexts: Contexts::default(),
        packaging: Semaphore::new(packagers()),
        uploads: Semaphore::new(mib(UPLOAD_BUDGET)),
        quiet: workspace::quiet(ui),
        board,
        dry_run: set.dry_run,
    };
    // Ctrl-C: members in flight finish their plan (`main` waits for the
    // guard), members not started do not start.
    let _guard = interrupt::CleanupGuard::new();
    let results = workspace::each(set.members.len(), set.pool, |i| {
        shared.member(i, &set.members[i])
    })
    .await;
    let outcomes: Vec<Outcome> = set
        .members
        .iter()
        .zip(results)
        .enumerate()
        .map(|(i, (m, r))| {
            let o = Outcome::of(m, r);
            if o.status == Status::Skipped {
                shared.board.set(i, State::Skipped, "");
            }
            o
        })
        .collect();
    let report = Report::new(outcomes);
    ui.result(&report)?;
    if interrupt::triggered() {
        return Err(Error::Interrupted);
    }
    match report.failed {
        0 => Ok(()),
        n => Err(workspace::failed_members(n, report.total)),
    }
}

/// What every member's deploy shares.
struct Shared {
    contexts: Contexts,
    packaging: Semaphore,
    uploads: Semaphore,
    quiet: Ui,
    board: Board,
    dry_run: bool,
}

/// What one member's deploy did.
struct Done {
    status: Status,
    code: Option<CodeAction>,
    config_changed: Vec<String>,
    version: Option<String>,
    actions: Vec<String>,
}

impl Shared {
    async fn member(&self, i: usize, m: &Member<Settings>) -> Result<Done> {
        let r = self.deploy(i, m).await;
        match &r {
            Ok(d) => {
                let (state, detail) = match (&d.status, &d.version) {
                    (Status::Unchanged, _) => (State::Unchanged, String::new()),
                    (Status::Planned, _) => (State::Done, format!("{} actions", d.actions.len())),
                    (_, Some(v)) => (State::Published, format!("version {v}")),
                    (s, None) => (State::Done, s.word().to_string()),
                };
                self.board.set(i, state, &detail);
            }
            Err(e) => self.board.set(i, State::Failed, &e.to_string()),
        }
        r
    }

    async fn deploy(&self, i: usize, m: &Member<Settings>) -> Result<Done> {
        let set = &m.settings;
        let want = &set.desired;
        self.board.set(i, State::Packaging, "");
        let package = package_member(&self.packaging, set).await?;
        let code = code(want, &package);
        if want.force {
            direct_upload_fits(true, &code)?;
        }
        self.board.set(i, State::Planning, "");
        let (aws, reads) = self.contexts.get_with_reads(&m.aws).await?;
        let client = aws.lambda().await;
        let deployed = Deployed::read(&client, &aws, want, &code, &reads).await?;
        let plan = plan::plan(want, &deployed, &code, &aws.region.value)?;
        let upload = plan.code == CodeAction::Upload;
        direct_upload_fits(upload, &code)?;
        let mut done = Done {
            status: match plan.create {
                true => Status::Created,
                false => Status::Updated,
            },
            code: Some(plan.code),
            config_changed: plan
                .config_changes
                .iter()
                .map(|c| c.field.clone())
                .collect(),
            version: None,
            actions: plan
                .actions
                .iter()
                .filter(|a| a.writes())
                .flat_map(Action::describe)
                .collect(),
        };
        if !plan.actions.iter().any(Action::writes) {
            done.status = Status::Unchanged;
            return Ok(done);
        }
        if self.dry_run {
            done.status = Status::Planned;
            return Ok(done);
        }
        // The zip's share of the upload budget, held while the plan runs.
        let _budget = match upload {
            true => {
                self.board
                    .set(i, State::Uploading, &crate::output::bytes(code.size));
                let n = mib(code.size).clamp(1, mib(UPLOAD_BUDGET));
                Some(self.uploads.acquire_many(n as u32).await.map_err(closed)?)
            }
            false => None,
        };
        self.board.set(i, State::Updating, "");
        let run = plan.execute(&client, &aws, &self.quiet).await?;
        done.version = run.version;
        Ok(done)
    }
}

fn closed(_: tokio::sync::AcquireError) -> Error {
    Error::failed("the deploy's work queue closed")
}

/// Whole MiB, rounded up (semaphore permits).
fn mib(bytes: u64) -> usize {
    bytes.div_ceil(1024 * 1024) as usize
}

/// Packagers at once: the cores (each packager's workers share them).
/// Package a member on a blocking thread, `packaging` permitting (a few
/// members at a time: each packager uses every core already).
pub(super) async fn package_member(packaging: &Semaphore, set: &Settings) -> Result<PackageReport> {
    let _p = packaging.acquire().await.map_err(closed)?;
    let opts = set.package.clone().for_upload();
    tokio::task::spawn_blocking(move || package(&opts, &()))
        .await
        .map_err(|e| Error::failed(format!("packaging stopped: {e}")))?
}

pub(super) fn packagers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// A member's outcome, as the result lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Created,
    Updated,
    Unchanged,
    /// `--dry-run`: the plan has actions.
    Planned,
    Failed,
    /// Not started: `--fail-fast` after a failure, or Ctrl-C.
    Skipped,
}

impl Status {
    fn word(self) -> &'static str {
        match self {
            Status::Created => "created",
            Status::Updated => "updated",
            Status::Unchanged => "unchanged",
            Status::Planned => "planned",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Debug, Serialize)]
struct Outcome {
    member: String,
    function: String,
    status: Status,
    /// `uploaded` or `unchanged`; null when the member failed before planning.
    code: Option<&'static str>,
    config_changed: Vec<String>,
    version: Option<String>,
    /// What the plan did (or, with `--dry-run`, would do).
    actions: Vec<String>,
    error: Option<String>,
    /// The process exit code this member's error alone would have (2 bad
    /// input, 1 failed).
    error_code: Option<u8>,
}

impl Outcome {
    fn of<S>(m: &Member<S>, r: Option<Result<Done>>) -> Outcome {
        let mut o = Outcome {
            member: m.label.clone(),
            function: m.function.clone(),
            status: Status::Skipped,
            code: None,
            config_changed: Vec::new(),
            version: None,
            actions: Vec::new(),
            error: None,
            error_code: None,
        };
        match r {
            None | Some(Err(Error::Interrupted)) => {}
            Some(Ok(d)) => {
                o.status = d.status;
                o.code = d.code.map(|c| match c {
                    CodeAction::Upload => "uploaded",
                    CodeAction::Unchanged => "unchanged",
                });
                o.config_changed = d.config_changed;
                o.version = d.version;
                o.actions = d.actions;
            }
            Some(Err(e)) => {
                o.status = Status::Failed;
                o.error_code = Some(e.code());
                o.error = Some(e.to_string());
            }
        }
        o
    }
}

/// The result of `deploy --all` (docs/json/deploy-all.schema.json).
#[derive(Debug, Serialize)]
struct Report {
    total: usize,
    changed: usize,
    unchanged: usize,
    failed: usize,
    skipped: usize,
    members: Vec<Outcome>,
}

impl Report {
    fn new(members: Vec<Outcome>) -> Report {
        let count = |f: &dyn Fn(Status) -> bool| members.iter().filter(|o| f(o.status)).count();
        Report {
            total: members.len(),
            changed: count(&|s| matches!(s, Status::Created | Status::Updated | Status::Planned)),
            unchanged: count(&|s| s == Status::Unchanged),
            failed: count(&|s| s == Status::Failed),
            skipped: count(&|s| s == Status::Skipped),
            members,
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rows = vec![vec![
            "MEMBER".to_string(),
            "FUNCTION".into(),
            "STATUS".into(),
            "DETAIL".into(),
        ]];
        for o in &self.members {
            let detail = match (&o.error, &o.version) {
                (Some(e), _) => e.clone(),
                (None, Some(v)) => format!("version {v}"),
                (None, None) if o.status == Status::Planned => o.actions.join("; "),
                (None, None) if !o.config_changed.is_empty() => o.config_changed.join(", "),
                (None, None) => match o.code {
                    Some("uploaded") => "code".to_string(),
                    _ => String::new(),
                },
            };
            rows.push(vec![
                o.member.clone(),
                o.function.clone(),
                o.status.word().to_string(),
                detail,
            ]);
        }
        write!(f, "{}", table(&rows))?;
        write!(
            f,
            "{} members: {} changed, {} unchanged, {} failed",
            self.total, self.changed, self.unchanged, self.failed
        )?;
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        Ok(())
    }
}
