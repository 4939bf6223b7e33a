//! A local function URL (`lamctl serve --url`): every HTTP request, on any
//! path, becomes a function URL event for the function's warm instances,
//! and its result the HTTP response, with the URL's CORS and invoke mode
//! (`RESPONSE_STREAM` sends the body as the function writes it).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use sha2::Digest;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::api::StreamPart;
use super::auth::{Denied, Token};
use super::def::LOCAL_ACCOUNT;
use super::function::InvokeRequest;
use super::http::{AnyBody, ChannelBody, full};
use super::invoke_api::{IN_FLIGHT, Places, log_outcome};
use super::pool::Pool;
use super::report::{request_id, trace_id};
use super::url_event::{self, HttpRequest, HttpResponse};
use crate::lambda::limits::SYNC_PAYLOAD_BYTES;
use crate::lambda::url::{InvokeMode, UrlAuth, UrlConfig};
use crate::output::Ui;

type Resp = Response<AnyBody>;

/// The content type of a streamed answer that begins with a prelude.
const INTEGRATION: &str = "application/vnd.awslambda.http-integration-response";

pub struct UrlApi {
    pool: Arc<Pool>,
    config: UrlConfig,
    ui: Ui,
    /// `serve --token`: the token every request but a CORS preflight
    /// must carry (a browser sends none on a preflight).
    token: Option<Token>,
    /// Requests being read, waiting for an instance or running.
    in_flight: Places,
}

impl UrlApi {
    pub fn new(pool: Arc<Pool>, config: UrlConfig, ui: Ui, token: Option<Token>) -> Arc<UrlApi> {
        Arc::new(UrlApi {
            pool,
            config,
            ui,
            token,
            in_flight: Places::new(IN_FLIGHT),
        })
    }

    /// Answer connections on `listener` until the task is dropped.
    pub async fn serve(self: &Arc<Self>, listener: TcpListener) {
        let api = Arc::clone(self);
        let port = listener.local_addr().map_or(0, |a| a.port());
        super::http::serve(listener, move |peer| {
            let api = Arc::clone(&api);
            move |req| {
                let api = Arc::clone(&api);
                async move { api.handle(req, peer, port).await }
            }
        })
        .await
    }

    async fn handle(self: Arc<Self>, req: Request<Incoming>, peer: SocketAddr, port: u16) -> Resp {
        // One request id and one trace id per invocation: the event's,
        // the response's and the runtime's are the same.
        let rid = request_id();
        let trace = trace_id();
        let mut headers: Vec<(String, String)> = req
            .headers()
            .iter()
            // The token is lamctl's, not the function's: it is not in the event.
            .filter(|(k, _)| self.token.is_none() || *k != hyper::header::AUTHORIZATION)
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        url_event::forwarded_headers(&mut headers, &peer.ip().to_string(), port, &trace);
        let origin = req
            .headers()
            .get("origin")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        // A preflight is the URL's to answer when it has CORS settings.
        if let (Some(cors), Some(origin)) = (&self.config.cors, &origin)
            && req.method() == Method::OPTIONS
            && req.headers().contains_key("access-control-request-method")
        {
            let r = HttpResponse {
                status: 200,
                headers: url_event::preflight_headers(cors, origin),
                body: Vec::new(),
            };
            return build(&r, &rid, full(Bytes::new()));
        }
        if let Some(token) = &self.token
            && let Err(denied) = token.check(req.headers())
        {
            let r = match denied {
                Denied::Missing => plain(401, "Unauthorized"),
                Denied::Wrong => plain(403, "Forbidden"),
            };
            return self.finish(r, &origin, &rid);
        }
        // A place first, so no more bodies than that are ever read at once
        // (held until the answer is built; a streamed one runs on without it).
        let Some(_place) = self.in_flight.take() else {
            return self.finish(plain(429, "Rate Exceeded."), &origin, &rid);
        };
        let method = req.method().to_string();
        let raw_path = req.uri().path().to_string();
        let raw_query = req.uri().query().unwrap_or("").to_string();
        // Read no more than the limit allows (plus one byte, to know).
        let body = match Limited::new(req.into_body(), SYNC_PAYLOAD_BYTES + 1)
            .collect()
            .await
        {
            Ok(b) => b.to_bytes(),
            Err(e) if e.is::<LengthLimitError>() => {
                return self.finish(plain(413, "Request Entity Too Large"), &origin, &rid);
            }
            Err(_) => {
                return self.finish(
                    plain(400, "the request body could not be read"),
                    &origin,
                    &rid,
                );
            }
        };
        if body.len() > SYNC_PAYLOAD_BYTES {
            return self.finish(plain(413, "Request Entity Too Large"), &origin, &rid);
        }
        let def = self.pool.def();
        let url_id = url_id(&def.name);
        let epoch_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64;
        let event = url_event::event(&HttpRequest {
            method: &method,
            raw_path: &raw_path,
            raw_query: &raw_query,
            headers: &headers,
            body: &body,
            source_ip: &peer.ip().to_string(),
            account_id: match self.config.auth {
                UrlAuth::None => "anonymous",
                UrlAuth::AwsIam => LOCAL_ACCOUNT,
            },
            url_id: &url_id,
            request_id: &rid,
            time_epoch_ms: epoch_ms,
        });
        let request = InvokeRequest {
            payload: event.to_string().into_bytes(),
            request_id: Some(rid.clone()),
            trace_id: Some(trace),
            ..Default::default()
        };
        let started = Instant::now();
        if self.config.invoke_mode == InvokeMode::ResponseStream {
            return self.streamed(request, origin, rid, method, raw_path).await;
        }
        let r = self.pool.invoke(request).await;
        self.log(&method, &raw_path, started, &r);
        let resp = match r {
            Ok(local) if local.outcome.function_error.is_none() => {
                url_event::response(&local.outcome.payload)
            }
            _ => url_event::bad_gateway(),
        };
        self.finish(resp, &origin, &rid)
    }

    /// `RESPONSE_STREAM`: the body goes out as the runtime streams it. A
    /// runtime that answers in one piece (Python, a plain handler) is
    /// answered as in buffered mode, once it has answered.
    async fn streamed(
        self: Arc<Self>,
        mut request: InvokeRequest,
        origin: Option<String>,
        rid: String,
        method: String,
        path: String,
    ) -> Resp {
        let (tx, mut parts) = mpsc::unbounded_channel();
        request.stream = Some(tx);
        let pool = Arc::clone(&self.pool);
        let started = Instant::now();
        let mut done = tokio::spawn(async move { pool.invoke(request).await });
        let first = tokio::select! {
            p = parts.recv() => p,
            r = &mut done => {
                let r = r.unwrap_or_else(|e| Err(crate::error::Error::failed(e.to_string())));
                self.log(&method, &path, started, &r);
                let resp = match r {
                    Ok(local) if local.outcome.function_error.is_none() => url_event::response(&local.outcome.payload),
                    _ => url_event::bad_gateway(),
                };
                return self.finish(resp, &origin, &rid);
            }
        };
        let content_type = match first {
            Some(StreamPart::Start { content_type }) => content_type,
            _ => None,
        };
        let mut head = HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/octet-stream".into())],
            body: Vec::new(),
        };
        let mut pending = Vec::new();
        if content_type.as_deref() == Some(INTEGRATION) {
            // The prelude: JSON, then 8 NUL bytes, then the body.
            let mut buf: Vec<u8> = Vec::new();
            loop {
                if let Some(at) = buf.windows(8).position(|w| w == [0u8; 8]) {
                    head = url_event::prelude(&buf[..at]);
                    pending = buf[at + 8..].to_vec();
                    break;
                }
                match parts.recv().await {
                    Some(StreamPart::Chunk(c)) => buf.extend_from_slice(&c),
                    Some(StreamPart::Start { .. }) => {}
                    None => {
                        pending = buf;
                        break;
                    }
                }
            }
        }
        let (body_tx, body_rx) = mpsc::unbounded_channel::<Bytes>();
        if !pending.is_empty() {
            let _ = body_tx.send(Bytes::from(pending));
        }
        let api = Arc::clone(&self);
        tokio::spawn(async move {
            // Until the invocation ends; the sender inside it closes the channel then.
            let forward = async {
                while let Some(p) = parts.recv().await {
                    if let StreamPart::Chunk(c) = p {
                        let _ = body_tx.send(c);
                    }
                }
            };
            let (_, r) = tokio::join!(forward, done);
            let r = r.unwrap_or_else(|e| Err(crate::error::Error::failed(e.to_string())));
            api.log(&method, &path, started, &r);
        });
        let mut resp = self.cors(head, &origin);
        resp.body.clear();
        build(&resp, &rid, ChannelBody(body_rx).boxed())
    }

    fn finish(&self, r: HttpResponse, origin: &Option<String>, rid: &str) -> Resp {
        let r = self.cors(r, origin);
        let body = full(r.body.clone());
        build(&r, rid, body)
    }

    /// The URL's CORS headers replace the function's own.
    fn cors(&self, mut r: HttpResponse, origin: &Option<String>) -> HttpResponse {
        if let (Some(cors), Some(origin)) = (&self.config.cors, origin) {
            r.headers.retain(|(k, _)| !k.starts_with("access-control-"));
            r.headers.extend(url_event::simple_headers(cors, origin));
        }
        r
    }

    fn log(
        &self,
        method: &str,
        path: &str,
        started: Instant,
        r: &crate::error::Result<super::LocalOutcome>,
    ) {
        let took = format!(
            "{method} {path}, {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
        log_outcome(&self.ui, &took, r);
    }
}

/// A stable id for the local URL, shaped like the service's (32 characters).
fn url_id(name: &str) -> String {
    let h = sha2::Sha256::digest(name.as_bytes());
    hex::encode(&h[..16])
}

fn plain(status: u16, message: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: serde_json::json!({ "Message": message })
            .to_string()
            .into_bytes(),
    }
}

fn build(r: &HttpResponse, rid: &str, body: AnyBody) -> Resp {
    let mut b = Response::builder()
        .status(StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_GATEWAY))
        .header("x-amzn-RequestId", rid);
    for (k, v) in &r.headers {
        b = b.header(k.as_str(), v.as_str());
    }
    b.body(body).unwrap_or_else(|_| {
        // A header the function returned is not a valid HTTP header.
        let bad = url_event::bad_gateway();
        Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .header("content-type", "application/json")
            .body(full(bad.body))
            .expect("static response")
    })
}
