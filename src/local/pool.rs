//! Up to N warm instances of one function, as the service scales a
//! function out: an invocation takes an idle instance, starts a new one
//! when all are busy and fewer than N run, and otherwise waits for one.
//! `serve`'s Invoke API and its function URL both invoke through a pool.

use std::sync::{Arc, RwLock};

use tokio::sync::{Mutex as AsyncMutex, Semaphore};

use super::def::LocalDef;
use super::function::{Function, InvokeRequest, LocalOutcome};
use super::log::LogSink;
use crate::error::{Error, Result};

/// The default number of instances `serve` may run at once.
pub const DEFAULT_CONCURRENCY: usize = 4;

pub struct Pool {
    /// One slot per possible instance; a slot is locked while it runs an
    /// invocation (or is being started, restarted or stopped).
    slots: Vec<AsyncMutex<Option<Function>>>,
    /// One permit per slot: holding one guarantees an unlocked slot.
    permits: Semaphore,
    def: RwLock<LocalDef>,
    sink: Option<LogSink>,
}

impl Pool {
    /// Start the first instance at once (its init runs in the background);
    /// the others start when concurrent invocations need them.
    pub async fn start(def: LocalDef, size: usize, sink: Option<LogSink>) -> Result<Arc<Pool>> {
        let size = size.max(1);
        let first = Function::start_with_sink(def.clone(), lines(&sink)).await?;
        let mut slots = vec![AsyncMutex::new(Some(first))];
        slots.extend((1..size).map(|_| AsyncMutex::new(None)));
        Ok(Arc::new(Pool {
            slots,
            permits: Semaphore::new(size),
            def: RwLock::new(def),
            sink,
        }))
    }

    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// The definition the instances run.
    pub fn def(&self) -> LocalDef {
        self.def.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Run one invocation on an idle instance (a started one if any). It
    /// runs to its end in a task of its own, as in the service: a caller
    /// that goes away (a client that disconnects) does not cut it short,
    /// so its END and REPORT are logged and its instance stays warm.
    pub async fn invoke(self: &Arc<Self>, req: InvokeRequest) -> Result<LocalOutcome> {
        let pool = Arc::clone(self);
        tokio::spawn(async move { pool.invoke_here(req).await })
            .await
            .unwrap_or_else(|e| Err(Error::failed(format!("the invocation stopped: {e}"))))
    }

    async fn invoke_here(&self, req: InvokeRequest) -> Result<LocalOutcome> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Error::failed("the local function has stopped"))?;
        // An idle started instance first, else an empty slot to start one
        // in. The permit guarantees one is unlocked; another caller may be
        // looking at it this instant, so look again.
        let mut slot = loop {
            let started = self
                .slots
                .iter()
                .find_map(|s| s.try_lock().ok().filter(|f| f.is_some()));
            if let Some(g) = started.or_else(|| self.slots.iter().find_map(|s| s.try_lock().ok())) {
                break g;
            }
            tokio::task::yield_now().await;
        };
        if slot.is_none() {
            *slot = Some(Function::start_with_sink(self.def(), lines(&self.sink)).await?);
        }
        slot.as_mut().expect("started above").invoke(req).await
    }

    /// Serve a new definition: once every running invocation has finished,
    /// all instances stop and one starts with it (`serve --watch`).
    pub async fn restart(&self, def: LocalDef) -> Result<()> {
        // Checked before anything stops, so a broken bootstrap keeps the old one running.
        super::launch::launcher(&def).await?;
        let _all = self.all().await?;
        for s in &self.slots {
            if let Some(mut f) = s.lock().await.take() {
                f.stop().await;
            }
        }
        *self.def.write().unwrap_or_else(|p| p.into_inner()) = def.clone();
        *self.slots[0].lock().await =
            Some(Function::start_with_sink(def, lines(&self.sink)).await?);
        Ok(())
    }

    /// Stop every instance (and everything each started), waiting for
    /// running invocations only as long as the caller does.
    pub async fn stop(&self) {
        for s in &self.slots {
            if let Some(mut f) = s.lock().await.take() {
                f.stop().await;
            }
        }
    }

    async fn all(&self) -> Result<tokio::sync::SemaphorePermit<'_>> {
        self.permits
            .acquire_many(self.slots.len() as u32)
            .await
            .map_err(|_| Error::failed("the local function has stopped"))
    }
}

/// Each instance's log goes to the shared sink a whole line at a time, so
/// two instances' lines never mix within a line.
fn lines(sink: &Option<LogSink>) -> Option<LogSink> {
    sink.clone().map(super::log::line_sink)
}
