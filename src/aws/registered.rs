//! The resolved credentials, whatever their source (environment, profile
//! file, SSO, credential_process, assume-role), registered with the
//! redactor the moment the SDK resolves them, so no diagnostic line can
//! carry them: the redactor otherwise knows only the environment's.

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};

/// Wraps the SDK's credential chain (below its identity cache, so it runs
/// only when credentials are actually resolved or refreshed).
#[derive(Debug)]
pub(super) struct Registering(pub SharedCredentialsProvider);

impl ProvideCredentials for Registering {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            let c = self.0.provide_credentials().await?;
            register(&c);
            Ok(c)
        })
    }

    fn fallback_on_interrupt(&self) -> Option<Credentials> {
        let c = self.0.fallback_on_interrupt()?;
        register(&c);
        Some(c)
    }
}

fn register(c: &Credentials) {
    let mut values = vec![c.access_key_id(), c.secret_access_key()];
    values.extend(c.session_token());
    crate::redact::register(&values);
}
