//! A plain HTTPS GET through the SDK's own connector (one TLS stack), for
//! URLs AWS hands out already signed: GetFunction's `Code.Location`.

use aws_smithy_http_client::Connector;
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
            .tls_provider(super::https::tls())
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
        let too_big = || {
            Error::failed(format!(
                "{what}: the download is over {limit} bytes, Lambda's limit for code"
            ))
        };
        // The read timeout bounds each wait for bytes; this bounds the
        // whole, so an endpoint that trickles a byte at a time ends too.
        let whole = async {
            let resp = connector.call(req).await.map_err(|e| fail(&e))?;
            let status = resp.status().as_u16();
            if !(200..300).contains(&status) {
                return Err(Error::aws(format!(
                    "{what}: the download failed with HTTP {status}"
                )));
            }
            let announced = resp
                .headers()
                .get("content-length")
                .and_then(|v| v.parse::<u64>().ok());
            if announced.is_some_and(|n| n > limit) {
                return Err(too_big());
            }
            // Checked while reading: an endless body stops at the limit.
            let mut body = ByteStream::new(resp.into_body());
            let mut out = Vec::with_capacity(announced.unwrap_or(0) as usize);
            while let Some(chunk) = body.try_next().await.map_err(|e| fail(&e))? {
                if (out.len() + chunk.len()) as u64 > limit {
                    return Err(too_big());
                }
                out.extend_from_slice(&chunk);
            }
            Ok(out)
        };
        let deadline = self.read_timeout.max(DOWNLOAD_DEADLINE);
        tokio::time::timeout(deadline, whole).await.map_err(|_| {
            Error::aws(format!(
                "{what}: the download did not finish within {}",
                crate::timewin::format_duration(deadline)
            ))
            .with_hint("check your network, or raise --read-timeout")
        })?
    }
}

/// The longest a whole download may take (Lambda's largest code, 250 MB,
/// at about 300 KB/s), unless the read timeout is longer.
const DOWNLOAD_DEADLINE: std::time::Duration = std::time::Duration::from_secs(15 * 60);
