//! The one HTTPS client of every AWS call: the SDK's own hyper client with
//! rustls on ring. The SDK's `default-https-client` is rustls on aws-lc-rs,
//! whose C build (aws-lc-sys, cmake) was the longest step of an install; ring
//! gives the same TLS 1.2/1.3 and the SDK signs requests (SigV4) itself.

use std::sync::OnceLock;

use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// The TLS stack every connection uses.
pub(super) fn tls() -> Provider {
    Provider::Rustls(CryptoMode::Ring)
}

/// The client the SDK config, the credential providers and any SDK client
/// built from them use (one pool of connections per process). Built on first
/// use; no connection is made until a request.
pub fn client() -> SharedHttpClient {
    static CLIENT: OnceLock<SharedHttpClient> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            aws_smithy_http_client::Builder::new()
                .tls_provider(tls())
                .build_https()
        })
        .clone()
}
