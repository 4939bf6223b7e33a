//! `lamctl deploy --watch`: on each save, package the member(s) whose files
//! changed again (the content cache and splice make that cheap) and update
//! their code only — UpdateFunctionCode, then wait until it settles; no
//! publish, no alias, no configuration change — while their logs are
//! tailed on stdout (the tail is given by `lib.rs`, which composes it from
//! `logs`). Decisions: docs/workspace.md, "deploy --watch".
//!
//! The story: watch every member's files (before anything else, so no save
//! is missed), compare each member's package with what is deployed once,
//! then on every settled change start a round over the members that
//! changed; saves during a round make exactly one more round after it
//! ([`rounds`]). Ctrl-C lets the round in flight finish, starts nothing
//! more, and ends with exit 130 (design.md's SIGINT code).

mod rounds;

use std::collections::BTreeSet;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use super::many::{package_member, packagers};
use super::{Settings, code, direct_upload_fits};
use crate::commands::Ctx;
use crate::commands::workspace::{self, Contexts, Member, Pool};
use crate::error::{Error, Result};
use crate::interrupt;
use crate::lambda;
use crate::lambda::write::{self, CodeSource};
use crate::output::{Ui, bytes};
use crate::package::watch::{WatchSpec, Watcher};
use crate::s3upload;
use crate::timewin::format_duration;
use rounds::Rounds;

/// One watched member: the deploy settings its lamctl.toml gives (only the
/// function's name, the packaging and the S3 upload are used) and the
/// lamctl.toml files it is read from.
#[derive(Debug, Clone)]
pub struct Watched {
    pub deploy: Settings,
    pub configs: Vec<PathBuf>,
}

/// Reads every member again, as at the start (the input layer's loader):
/// called when a lamctl.toml changes.
pub type Reload = Arc<dyn Fn() -> Result<Vec<Member<Watched>>> + Send + Sync>;

/// `deploy --watch`, for one function or a workspace's chosen members.
pub struct WatchSettings {
    pub members: Vec<Member<Watched>>,
    /// Members updated at once in a round.
    pub jobs: usize,
    pub reload: Reload,
    /// Functions whose logs are not tailed (other AWS settings than the
    /// first member's: the tail has one).
    pub untailed: Vec<String>,
}

type Round = Pin<Box<dyn Future<Output = ()>>>;

pub async fn run(
    ctx: &Ctx<'_>,
    set: &WatchSettings,
    tail: impl Future<Output = Result<()>>,
) -> Result<()> {
    let ui = ctx.ui;
    let mut members = set.members.clone();
    // Watching starts before the first comparison, so no save after it goes unseen.
    let mut watcher = Watcher::new(&specs(&members))?;
    // Ctrl-C ends a watch: `main` waits (bounded) for the round in flight
    // to finish before it exits 130.
    let _cleanup = interrupt::CleanupGuard::new();
    let shared = Arc::new(Shared {
        contexts: Contexts::default(),
        packaging: Semaphore::new(packagers()),
        ui: ui.clone(),
        quiet: workspace::quiet(ui),
        jobs: set.jobs,
    });
    let names: Vec<&str> = members.iter().map(|m| m.function.as_str()).collect();
    ui.note(format!(
        "watching {}: on save, the code is updated (not published); Ctrl-C stops",
        names.join(", ")
    ));
    for f in &set.untailed {
        ui.warn(format!(
            "{f}: its logs are not tailed (other AWS settings than {}); lamctl logs {f} -f follows them",
            names[0]
        ));
    }
    let start = |now: BTreeSet<usize>, members: &[Member<Watched>]| -> Round {
        let chosen = now.into_iter().map(|i| members[i].clone()).collect();
        Box::pin(round(Arc::clone(&shared), chosen))
    };

    // The first comparison: every member whose code differs is updated once.
    let mut rounds = Rounds::default();
    let mut in_flight = rounds
        .changed((0..members.len()).collect())
        .map(|all| start(all, &members));
    let mut tail = std::pin::pin!(tail);
    let mut tailing = true;
    let mut stopping = false;
    loop {
        tokio::select! {
            () = finish(&mut in_flight) => {
                if stopping {
                    return Ok(());
                }
                in_flight = rounds.finished().map(|next| start(next, &members));
            }
            changed = watcher.changed(), if !stopping => {
                if !changed.config.is_empty() && reload(ui, &set.reload, &mut members, &changed.config) {
                    // Other directories or patterns: watch what is packaged now.
                    match Watcher::new(&specs(&members)) {
                        Ok(w) => watcher = w,
                        Err(e) => ui.warn(format!("{e}; still watching the previous files")),
                    }
                }
                if let Some(now) = rounds.changed(changed.all()) {
                    in_flight = Some(start(now, &members));
                }
            }
            r = &mut tail, if tailing => {
                tailing = false;
                if let Err(e) = r {
                    ui.warn(format!("the log tail stopped: {e}; still watching"));
                }
            }
            () = interrupt::interrupted(), if !stopping => {
                stopping = true;
                if !rounds.running() {
                    return Ok(());
                }
                ui.note("stopping once the update in flight has finished");
            }
        }
    }
}

/// The round in flight, or never.
async fn finish(round: &mut Option<Round>) {
    match round {
        Some(r) => r.await,
        None => std::future::pending().await,
    }
}

/// What the rounds share.
struct Shared {
    contexts: Contexts,
    packaging: Semaphore,
    /// Status lines (stderr).
    ui: Ui,
    /// The calls' own Ui: no spinner over the log tail.
    quiet: Ui,
    jobs: usize,
}

/// One round: the chosen members updated, at most `jobs` at once. A failure
/// is reported and the watch goes on; Ctrl-C starts no further member.
async fn round(shared: Arc<Shared>, chosen: Vec<Member<Watched>>) {
    let pool = Pool {
        jobs: shared.jobs,
        fail_fast: false,
    };
    let results = workspace::each(chosen.len(), pool, |i| shared.update(&chosen[i])).await;
    for (m, r) in chosen.iter().zip(results) {
        match r {
            None | Some(Ok(())) | Some(Err(Error::Interrupted)) => {}
            Some(Err(e)) => {
                let hint = e.hint().map(|h| format!(" ({h})")).unwrap_or_default();
                shared.ui.warn(format!("{}: {e}{hint}", m.function));
            }
        }
    }
}

impl Shared {
    /// Package the member; if its code differs from the deployed code,
    /// UpdateFunctionCode and wait until the update settles.
    async fn update(&self, m: &Member<Watched>) -> Result<()> {
        let set = &m.settings.deploy;
        let name = &set.desired.name;
        let package = package_member(&self.packaging, set).await?;
        let code = code(&set.desired, &package);
        let aws = self.contexts.get(&m.aws).await?;
        let client = aws.lambda().await;
        let deployed = lambda::require_function(&client, &aws, name)
            .await
            .map_err(|e| match e.is_not_found() {
                true => e.with_hint("--watch updates code only: run lamctl deploy to create it"),
                false => e,
            })?;
        if deployed.config.code_sha256() == Some(code.sha256.as_str()) {
            self.ui.note(format!("{name}: code unchanged"));
            return Ok(());
        }
        direct_upload_fits(true, &code)?;
        // Ctrl-C since this member started: nothing more is begun.
        if interrupt::triggered() {
            return Err(Error::Interrupted);
        }
        let started = Instant::now();
        self.ui
            .note(format!("{name}: updating code ({})", bytes(code.size)));
        let source = match &code.s3 {
            Some((bucket, key)) => {
                let object = s3upload::Object {
                    bucket,
                    key,
                    sha256: &code.sha256_hex,
                    content_addressed: code.content_addressed(name),
                };
                if !s3upload::holds(&aws, &object, code.size).await? {
                    s3upload::upload(&aws, &self.quiet, &code.zip, code.size, &object).await?;
                }
                CodeSource::S3 {
                    bucket: bucket.clone(),
                    key: key.clone(),
                }
            }
            None => CodeSource::Zip(code.zip.clone()),
        };
        // No architecture: it is configuration, which --watch leaves alone.
        write::update_code(&client, &aws, &self.quiet, name, &source, None).await?;
        let took = Duration::from_millis(started.elapsed().as_millis() as u64);
        self.ui.note(format!(
            "{name}: code updated in {} (CodeSha256 {})",
            format_duration(took),
            code.sha256
        ));
        Ok(())
    }
}

/// What is watched: each member's packaged directory by its packaging
/// patterns, and its lamctl.toml files.
fn specs(members: &[Member<Watched>]) -> Vec<WatchSpec> {
    members
        .iter()
        .map(|m| {
            let p = &m.settings.deploy.package;
            WatchSpec {
                root: p.root.clone(),
                configs: m.settings.configs.clone(),
                exclude: p.excludes.clone(),
                include: p.includes.clone(),
                output: Some(p.output.clone()),
            }
        })
        .collect()
}

/// A lamctl.toml changed: read the members again. What packaging and the
/// upload use takes effect; a changed configuration (or anything else a
/// deploy would apply) is said, never applied; a file that no longer reads
/// keeps the previous settings. Whether what is watched changed.
fn reload(
    ui: &Ui,
    load: &Reload,
    members: &mut [Member<Watched>],
    touched: &BTreeSet<usize>,
) -> bool {
    let fresh = match load() {
        Ok(f) => f,
        Err(e) => {
            ui.warn(format!("{e}; still watching with the previous settings"));
            return false;
        }
    };
    let before = specs(members);
    for &i in touched {
        let m = &mut members[i];
        let f = &m.function;
        let Some(new) = fresh.iter().find(|n| n.label == m.label) else {
            ui.warn(format!(
                "{f}: no longer a member; still watching it as it was (restart the watch to change that)"
            ));
            continue;
        };
        if new.function != *f || format!("{:?}", new.aws) != format!("{:?}", m.aws) {
            ui.warn(format!(
                "{f}: lamctl.toml now names another function or AWS account/region; still watching {f} (restart the watch to follow it)"
            ));
            continue;
        }
        if new.settings.deploy.desired != m.settings.deploy.desired {
            ui.warn(format!(
                "{f}: configuration changed in lamctl.toml: not applied while watching (only code is); run lamctl deploy"
            ));
        }
        *m = new.clone();
    }
    specs(members) != before
}
