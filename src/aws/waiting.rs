//! A spinner for every AWS call that keeps lamctl waiting: one interceptor
//! on every client, so no command's call (deploy's reads and writes, a
//! waiter's polls, `info`, `logs`) is silent on a terminal while an
//! endpoint takes its time or never answers.

use std::sync::Arc;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

use crate::progress::{self, CallSpinner};

#[derive(Debug)]
pub(super) struct ShownCalls;

/// The call's spinner, kept in the call's own config bag: it goes when the
/// call ends, and with the bag when the call is dropped (Ctrl-C, a timeout).
#[derive(Debug, Clone)]
struct Waiting {
    /// Held for its Drop, which clears the spinner.
    _spinner: Option<Arc<CallSpinner>>,
}

impl Storable for Waiting {
    type Storer = StoreReplace<Self>;
}

impl Intercept for ShownCalls {
    fn name(&self) -> &'static str {
        "lamctl::ShownCalls"
    }

    // Not `read_before_execution`: a client's interceptors run that before
    // the operation's configuration (its name) is in the bag.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(m) = cfg.load::<Metadata>() else {
            return Ok(());
        };
        let message = format!("waiting for {} ({})", m.name(), m.service());
        if let Some(s) = progress::call(message) {
            cfg.interceptor_state().store_put(Waiting {
                _spinner: Some(Arc::new(s)),
            });
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state()
            .store_put(Waiting { _spinner: None });
        Ok(())
    }
}
