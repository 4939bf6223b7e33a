//! A plain HTTPS GET through the SDK's own connector (one TLS stack), for
//! URLs AWS hands out already signed: GetFunction's `Code.Location`.

use aws_smithy_http_client::Connector;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::http::Request;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;

use super::AwsContext;
use crate::error::{Error, Result};

impl AwsContext {
    /// GET `url` with the configured connect and read timeouts; at most
    /// `limit` bytes. `what` names the download in errors. The URL itself
    /// is never shown: it carries a signature.
    pub async fn download(&self, url: &str, what: &str, limit: u64) -> Result<Vec<u8>> {
        let settings = HttpConnectorSettings::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .build();
        let connector = Connector::builder()
            .connector_settings(settings)
            .tls_provider(Provider::Rustls(CryptoMode::AwsLc))
            .build();
        let mut req = Request::new(SdkBody::empty());
        req.set_uri(url)
            .map_err(|e| Error::failed(format!("{what}: the URL is not valid: {e}")))?;
        let fail = |e: &(dyn std::error::Error + 'static)| {
            Error::aws(format!(
                "{what}: the download failed: {}",
                crate::error::chain(e)
            ))
        };
        let resp = connector.call(req).await.map_err(|e| fail(&e))?;
        let status = resp.status().as_u16();
        if !(200..300).contains(&status) {
            return Err(Error::aws(format!(
                "{what}: the download failed with HTTP {status}"
            )));
        }
        let bytes = ByteStream::new(resp.into_body())
            .collect()
            .await
            .map_err(|e| fail(&e))?
            .into_bytes();
        if bytes.len() as u64 > limit {
            return Err(Error::failed(format!(
                "{what}: the download is over {} bytes",
                limit
            )));
        }
        Ok(bytes.to_vec())
    }
}
