//! What the workspace commands (`deploy --all`, `diff --all`, `package
//! --all`, `info --all`) share: the plain member, the bounded pool members
//! run in, one AWS context per distinct `[aws]` settings (its clients
//! retry adaptively, sharing one rate limiter), and the status board on
//! stderr. Not a command: the commands that act on many members use it.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::{Mutex, Semaphore};

use crate::aws::{AwsContext, AwsOverrides, ProcessEnv};
use crate::error::{Error, Result};
use crate::lambda::plan::AccountReads;
use crate::output::{self, DIM, ERROR, GOOD, Ui};

/// One member of a workspace, resolved by the input layer: its directory
/// (the label), its function, its AWS overrides and the command's settings.
#[derive(Debug, Clone)]
pub struct Member<S> {
    pub label: String,
    pub function: String,
    pub aws: AwsOverrides,
    pub settings: S,
}

/// How many members run at once, and whether a failure stops the others
/// from starting.
#[derive(Debug, Clone, Copy)]
pub struct Pool {
    pub jobs: usize,
    pub fail_fast: bool,
}

/// Lambda allows 15 control-plane requests per second per account and
/// region (GetFunction 100/s); a member's deploy makes a few writes and
/// polls with a backoff (`limits::READY_POLL_*`) while it waits, so 8 at
/// once stays near that quota and the adaptive retry absorbs the rest
/// (docs/workspace.md).
pub const DEFAULT_JOBS: usize = 8;

/// The AWS contexts of a run: one per distinct overrides, shared by the
/// members that have them, all with the shared-throttle retry, each with
/// the reads its members share (one listing of the account's event source
/// mappings and schedules for the run, not one a member).
#[derive(Default)]
pub struct Contexts {
    map: Mutex<HashMap<String, WithReads>>,
}

/// A context and the reads its members share.
type WithReads = (Arc<AwsContext>, Arc<AccountReads>);

impl Contexts {
    pub async fn get(&self, o: &AwsOverrides) -> Result<Arc<AwsContext>> {
        Ok(self.get_with_reads(o).await?.0)
    }

    /// The context and the reads shared by the members that use it.
    pub async fn get_with_reads(&self, o: &AwsOverrides) -> Result<WithReads> {
        let key = key(o);
        let mut map = self.map.lock().await;
        if let Some((c, r)) = map.get(&key) {
            return Ok((Arc::clone(c), Arc::clone(r)));
        }
        let c = Arc::new(AwsContext::resolve(o, &ProcessEnv).await?.shared_throttle());
        let r = Arc::new(AccountReads::shared());
        map.insert(key, (Arc::clone(&c), Arc::clone(&r)));
        Ok((c, r))
    }
}

/// Which members share a context: the same overrides. A member file's
/// path only labels the values it gives (`region (from PATH)`), so members
/// whose `[aws]` tables give none share one whichever file they are in:
/// one credential chain, one set of shared reads for the run.
fn key(o: &AwsOverrides) -> String {
    let mut o = o.clone();
    if o.file
        .as_ref()
        .is_some_and(|f| f.profile.is_none() && f.region.is_none() && f.endpoint_url.is_none())
    {
        o.file = None;
    }
    format!("{o:?}")
}

/// Run `work` for each of `n` members (by index), at most `pool.jobs` at
/// once, in order; with `fail_fast`, members not started when one fails
/// are skipped (`None`), and so are all not started after Ctrl-C. A member
/// in flight always finishes: nothing is left half-applied by another's
/// failure.
pub async fn each<T, F, Fut>(n: usize, pool: Pool, work: F) -> Vec<Option<Result<T>>>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let gate = Semaphore::new(pool.jobs.max(1));
    let failed = AtomicBool::new(false);
    let runs = (0..n).map(|i| {
        let (gate, failed, work) = (&gate, &failed, &work);
        async move {
            let _permit = gate.acquire().await.ok()?;
            if (pool.fail_fast && failed.load(Ordering::SeqCst)) || crate::interrupt::triggered() {
                return None;
            }
            let r = work(i).await;
            if r.is_err() {
                failed.store(true, Ordering::SeqCst);
            }
            Some(r)
        }
    });
    futures_join_all(runs).await
}

/// All the futures, polled together on this task (no spawn: they borrow).
async fn futures_join_all<Fut: Future>(futs: impl Iterator<Item = Fut>) -> Vec<Fut::Output> {
    let mut set: Vec<std::pin::Pin<Box<Fut>>> = futs.map(Box::pin).collect();
    let mut out: Vec<Option<Fut::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out[i].is_some() {
                continue;
            }
            match f.as_mut().poll(cx) {
                std::task::Poll::Ready(v) => out[i] = Some(v),
                std::task::Poll::Pending => pending = true,
            }
        }
        match pending {
            true => std::task::Poll::Pending,
            false => std::task::Poll::Ready(()),
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

/// A member's state on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Waiting,
    Packaging,
    Planning,
    Unchanged,
    Uploading,
    Updating,
    Published,
    Done,
    Failed,
    Skipped,
}

impl State {
    fn word(self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Packaging => "packaging",
            State::Planning => "planning",
            State::Unchanged => "unchanged",
            State::Uploading => "uploading",
            State::Updating => "updating",
            State::Published => "published",
            State::Done => "done",
            State::Failed => "failed",
            State::Skipped => "skipped",
        }
    }

    fn last(self) -> bool {
        matches!(
            self,
            State::Unchanged | State::Published | State::Done | State::Failed | State::Skipped
        )
    }
}

/// The live status table: one line per member on a terminal (indicatif),
/// else one plain line per change of state that matters (no packaging or
/// planning chatter in a CI log). Silent with -q.
pub struct Board {
    ui: Ui,
    lines: Vec<ProgressBar>,
    labels: Vec<String>,
    width: usize,
    live: bool,
    _multi: Option<MultiProgress>,
}

impl Board {
    pub fn new(ui: &Ui, labels: Vec<String>) -> Board {
        let live = ui.stderr_tty && !ui.quiet;
        let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let (multi, lines) = match live {
            true => {
                let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
                let style = ProgressStyle::with_template("{prefix} {spinner} {msg}")
                    .expect("static template");
                let lines = labels
                    .iter()
                    .map(|l| {
                        let pb = multi.add(ProgressBar::new_spinner());
                        pb.set_style(style.clone());
                        pb.set_prefix(format!("{:width$}", output::escape(l)));
                        pb.set_message(ui.paint(DIM, "waiting"));
                        pb.enable_steady_tick(Duration::from_millis(120));
                        pb
                    })
                    .collect();
                (Some(multi), lines)
            }
            false => (None, Vec::new()),
        };
        Board {
            ui: ui.clone(),
            lines,
            labels,
            width,
            live,
            _multi: multi,
        }
    }

    /// Member `i` is now in `state`; `detail` follows the word.
    pub fn set(&self, i: usize, state: State, detail: &str) {
        let word = match state {
            State::Failed => self.ui.paint(ERROR, state.word()),
            State::Published | State::Done => self.ui.paint(GOOD, state.word()),
            State::Unchanged | State::Skipped => self.ui.paint(DIM, state.word()),
            _ => state.word().to_string(),
        };
        let detail = output::escape(detail);
        let msg = match detail.is_empty() {
            true => word,
            false => format!("{word} {detail}"),
        };
        if self.live {
            let pb = &self.lines[i];
            match state.last() {
                true => pb.finish_with_message(msg),
                false => pb.set_message(msg),
            }
        } else if !self.ui.quiet && !matches!(state, State::Packaging | State::Planning) {
            let label = output::escape(&self.labels[i]);
            eprintln!("{label:w$}  {msg}", w = self.width);
        }
    }
}

/// The Ui members run with: their notes and bars would tear the status
/// board (or interleave), so they are off; the board and the result say
/// what each member did.
pub fn quiet(ui: &Ui) -> Ui {
    let mut q = ui.clone();
    q.quiet = true;
    q.stderr_tty = false;
    q
}

/// The one error of a run in which members failed (exit 1): their
/// outcomes are the result already printed.
pub fn failed_members(failed: usize, total: usize) -> Error {
    Error::failed(format!("{failed} of {total} members failed"))
}

/// A member's result from `each` as its outcome's value and error message
/// (a member not started because of Ctrl-C is an error too).
pub fn settled<T>(r: Option<Result<T>>) -> (Option<T>, Option<String>) {
    match r {
        Some(Ok(v)) => (Some(v), None),
        Some(Err(e)) => (None, Some(e.to_string())),
        None => (None, Some(Error::Interrupted.to_string())),
    }
}
