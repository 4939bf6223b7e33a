//! A local API Gateway (`lamctl serve --api [http|rest]`): the routes of
//! lamctl.toml's `[api]` in front of the function's warm instances. A
//! request takes the most specific route ([`route`]), becomes the event of
//! an HTTP API (payload format 2.0, or 1.0) or of a REST API's Lambda
//! proxy integration ([`event`]), and the function's result becomes the
//! response as the service maps it ([`response`]). See docs/local.md.

pub mod event;
pub mod response;
pub mod route;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use sha2::Digest;
use tokio::net::TcpListener;

use super::auth::{Denied, Token};
use super::function::InvokeRequest;
use super::http::{AnyBody, full};
use super::invoke_api::{IN_FLIGHT, Places};
use super::pool::Pool;
use super::url_event::HttpResponse;
use crate::lambda::config::api::{Api, PayloadFormat, Route, RouteMethod};
use crate::lambda::config::value::RoutePath;
use crate::lambda::limits::API_GATEWAY_PAYLOAD_BYTES;
use crate::output::Ui;
use event::Ids;

/// Which API Gateway: an HTTP API, or a REST API with Lambda proxy integrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Http,
    Rest,
}

/// The front door's settings, from `--api` and `[api]`.
#[derive(Debug, Clone)]
pub struct FrontDoor {
    pub flavor: Flavor,
    /// An HTTP API's payload format (`[api] payload_format`); a REST
    /// API's proxy integration always sends 1.0.
    pub payload_format: PayloadFormat,
    /// `$default` (no path prefix) or a name every path starts with.
    pub stage: String,
    pub stage_variables: BTreeMap<String, String>,
    pub binary_media_types: Vec<String>,
    pub routes: Vec<Route>,
    /// No `[[api.route]]`: the one `ANY /{proxy+}` stands in.
    pub default_route: bool,
}

impl FrontDoor {
    /// The settings for `flavor` from `[api]` (if any); the error names the key.
    pub fn new(flavor: Flavor, api: Option<&Api>) -> Result<FrontDoor, String> {
        let api = api.cloned().unwrap_or_default();
        let payload_format = match (flavor, api.payload_format) {
            (Flavor::Rest, Some(PayloadFormat::V2)) => {
                return Err(
                    "[api] payload_format is \"2.0\", but a REST API (--api rest) sends only payload format 1.0"
                        .into(),
                );
            }
            (Flavor::Rest, _) => PayloadFormat::V1,
            (Flavor::Http, f) => f.unwrap_or(PayloadFormat::V2),
        };
        api.validate()?;
        let default_route = api.routes.is_empty();
        let routes = if default_route {
            vec![Route {
                method: RouteMethod::Any,
                path: RoutePath::new("/{proxy+}")?,
            }]
        } else {
            api.routes.clone()
        };
        Ok(FrontDoor {
            flavor,
            payload_format,
            stage: api.stage().to_string(),
            stage_variables: api.stage_variables.clone(),
            binary_media_types: api.binary_media_types.clone(),
            routes,
            default_route,
        })
    }

    pub fn format(&self) -> PayloadFormat {
        self.payload_format
    }

    /// Whether `content_type` is one of the binary media types (`*/*` and
    /// `image/*` match a whole family; parameters are ignored).
    pub fn is_binary(&self, content_type: Option<&str>) -> bool {
        let Some(ct) = content_type else {
            return false;
        };
        let ct = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let Some((top, _)) = ct.split_once('/') else {
            return false;
        };
        self.binary_media_types.iter().any(|t| {
            let t = t.trim().to_ascii_lowercase();
            t == ct || t == "*/*" || t.strip_suffix("/*") == Some(top)
        })
    }

    /// What the banner says: the kind of API, its routes and stage.
    pub fn describe(&self) -> String {
        let kind = match (self.flavor, self.payload_format) {
            (Flavor::Rest, _) => {
                "a REST API (Lambda proxy integration, payload format 1.0)".to_string()
            }
            (Flavor::Http, f) => format!("an HTTP API (payload format {})", f.as_str()),
        };
        let routes: Vec<String> = self.routes.iter().map(Route::key).collect();
        let routes = if self.default_route {
            format!("{} (no [[api.route]] in lamctl.toml)", routes[0])
        } else {
            routes.join(", ")
        };
        format!("{kind}, stage {}, routes: {routes}", self.stage)
    }

    /// A path to suggest (`curl URL/PATH`): the first route without parameters, if any.
    pub fn example_path(&self) -> Option<String> {
        let prefix = match self.stage.as_str() {
            "$default" => String::new(),
            s => format!("/{s}"),
        };
        self.routes
            .iter()
            .find(|r| !r.path.contains('{'))
            .map(|r| format!("{prefix}{}", r.path.as_str()))
    }
}

type Resp = Response<AnyBody>;

pub struct ApiGateway {
    pool: Arc<Pool>,
    door: FrontDoor,
    ui: Ui,
    token: Option<Token>,
    in_flight: Places,
}

impl ApiGateway {
    pub fn new(pool: Arc<Pool>, door: FrontDoor, ui: Ui, token: Option<Token>) -> Arc<ApiGateway> {
        Arc::new(ApiGateway {
            pool,
            door,
            ui,
            token,
            in_flight: Places::new(IN_FLIGHT),
        })
    }

    /// Answer connections on `listener` until the task is dropped.
    pub async fn serve(self: &Arc<Self>, listener: TcpListener) {
        let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
        let api = Arc::clone(self);
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
        let ids = self.ids();
        let flavor = self.door.flavor;
        if let Some(token) = &self.token
            && let Err(denied) = token.check(req.headers())
        {
            let r = match denied {
                Denied::Missing => response::message(401, r#"{"message":"Unauthorized"}"#, None),
                Denied::Wrong => response::message(403, r#"{"message":"Forbidden"}"#, None),
            };
            return self.build(&r, &ids);
        }
        let method = req.method().to_string();
        let raw_path = req.uri().path().to_string();
        let raw_query = req.uri().query().unwrap_or("").to_string();
        // The route is chosen before the body is read, as the service does.
        let found = route::under_stage(&raw_path, &self.door.stage)
            .and_then(|p| route::find(&self.door.routes, &method, p).map(|m| (p.to_string(), m)));
        let Some((stage_path, matched)) = found else {
            self.ui.detail(format!("{method} {raw_path}: no route"));
            return self.build(&response::not_found(flavor), &ids);
        };
        let Some(_place) = self.in_flight.take() else {
            let r = response::message(429, r#"{"message":"Too Many Requests"}"#, None);
            return self.build(&r, &ids);
        };
        let headers: Vec<(String, String)> = req
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
        let accept = req
            .headers()
            .get(hyper::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = match Limited::new(req.into_body(), API_GATEWAY_PAYLOAD_BYTES + 1)
            .collect()
            .await
        {
            Ok(b) => b.to_bytes(),
            Err(e) if e.is::<LengthLimitError>() => {
                let r = response::message(413, r#"{"message":"Request Entity Too Large"}"#, None);
                return self.build(&r, &ids);
            }
            Err(_) => {
                let r = response::message(400, r#"{"message":"Bad Request"}"#, None);
                return self.build(&r, &ids);
            }
        };
        let epoch_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as i64;
        let event = event::event(
            &self.door,
            &event::Request {
                method: &method,
                raw_path: &raw_path,
                stage_path: &stage_path,
                raw_query: &raw_query,
                headers: &headers,
                body: &body,
                source_ip: &peer.ip().to_string(),
                port,
                route: &matched,
                ids: &ids,
                time_epoch_ms: epoch_ms,
            },
        );
        let started = Instant::now();
        let r = self
            .pool
            .invoke(InvokeRequest {
                payload: event.to_string().into_bytes(),
                trace_id: Some(ids.full_trace.clone()),
                ..Default::default()
            })
            .await;
        let (resp, lambda_id) = match &r {
            Ok(local) if local.outcome.function_error.is_none() => (
                response::map(&self.door, &local.outcome.payload, accept.as_deref())
                    .unwrap_or_else(|| {
                        self.ui.warn(format!(
                            "{method} {raw_path}: the function's result is not a valid payload format {} response; answering as API Gateway does",
                            self.door.format().as_str()
                        ));
                        response::failed(flavor)
                    }),
                local.outcome.request_id.clone(),
            ),
            Ok(local) => (response::failed(flavor), local.outcome.request_id.clone()),
            Err(e) => {
                self.ui.warn(format!("invoke failed: {e}"));
                (response::failed(flavor), None)
            }
        };
        self.ui.detail(format!(
            "{method} {raw_path} -> {}: {}, {:.1} ms, request id {}, Lambda request id {}",
            matched.key,
            resp.status,
            started.elapsed().as_secs_f64() * 1000.0,
            ids.request_id,
            lambda_id.as_deref().unwrap_or("-"),
        ));
        self.build(&resp, &ids)
    }

    /// The ids of one request, shaped as the service's.
    fn ids(&self) -> Ids {
        let u = *uuid::Uuid::new_v4().as_bytes();
        let v = *uuid::Uuid::new_v4().as_bytes();
        // 11 random bytes are 16 base64 characters ending in `=`, as
        // an HTTP API's request id and a REST API's extended id are.
        let short = BASE64.encode(&v[..11]);
        // One trace per invocation: the runtime gets the whole header,
        // the event and the answer its `Root=` (as url_event does).
        let full_trace = super::report::trace_id();
        Ids {
            api_id: api_id(&self.pool.def().name),
            request_id: match self.door.flavor {
                Flavor::Http => short.clone(),
                Flavor::Rest => uuid::Uuid::from_bytes(u).to_string(),
            },
            extended: short,
            trace: full_trace.split(';').next().unwrap_or_default().to_string(),
            full_trace,
        }
    }

    fn build(&self, r: &HttpResponse, ids: &Ids) -> Resp {
        let mut b = Response::builder()
            .status(StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_GATEWAY));
        b = match self.door.flavor {
            Flavor::Http => b.header("apigw-requestid", &ids.request_id),
            Flavor::Rest => b
                .header("x-amzn-RequestId", &ids.request_id)
                .header("x-amz-apigw-id", &ids.extended)
                .header("X-Amzn-Trace-Id", &ids.trace),
        };
        for (k, v) in &r.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        b.body(full(r.body.clone())).unwrap_or_else(|_| {
            // A header the function returned is not a valid HTTP header.
            let bad = response::failed(self.door.flavor);
            Response::builder()
                .status(StatusCode::from_u16(bad.status).unwrap_or(StatusCode::BAD_GATEWAY))
                .header("content-type", "application/json")
                .body(full(bad.body))
                .expect("static response")
        })
    }
}

/// A stable API id shaped like the service's: 10 lower-case letters and digits.
fn api_id(name: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    sha2::Sha256::digest(name.as_bytes())
        .iter()
        .take(10)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(toml: &str) -> Api {
        toml::from_str(toml).unwrap()
    }

    #[test]
    fn the_front_door_from_api() {
        let d = FrontDoor::new(Flavor::Http, None).unwrap();
        assert_eq!(d.format(), PayloadFormat::V2);
        assert_eq!(d.stage, "$default");
        assert_eq!(d.routes.len(), 1);
        assert_eq!(d.routes[0].key(), "ANY /{proxy+}");
        assert!(
            d.describe()
                .ends_with("routes: ANY /{proxy+} (no [[api.route]] in lamctl.toml)")
        );
        assert_eq!(d.example_path(), None);

        let a = api(
            "payload_format = \"1.0\"\nstage = \"prod\"\n[[route]]\nmethod = \"GET\"\npath = \"/{id}\"\n[[route]]\nmethod = \"GET\"\npath = \"/translate\"\n",
        );
        let d = FrontDoor::new(Flavor::Http, Some(&a)).unwrap();
        assert_eq!(d.format(), PayloadFormat::V1);
        assert_eq!(d.example_path().as_deref(), Some("/prod/translate"));
        assert!(
            d.describe()
                .starts_with("an HTTP API (payload format 1.0), stage prod")
        );
        // A REST API's proxy integration sends 1.0 only.
        assert_eq!(
            FrontDoor::new(Flavor::Rest, None).unwrap().format(),
            PayloadFormat::V1
        );
        let v2 = api("payload_format = \"2.0\"\n");
        assert!(
            FrontDoor::new(Flavor::Rest, Some(&v2))
                .unwrap_err()
                .contains("payload_format")
        );
    }

    #[test]
    fn binary_media_types_match_families() {
        let a = api("binary_media_types = [\"image/*\", \"application/octet-stream\"]\n");
        let d = FrontDoor::new(Flavor::Rest, Some(&a)).unwrap();
        assert!(d.is_binary(Some("image/png")));
        assert!(d.is_binary(Some("Application/Octet-Stream; x=1")));
        assert!(!d.is_binary(Some("application/json")));
        assert!(!d.is_binary(None));
        let all = api("binary_media_types = [\"*/*\"]\n");
        let d = FrontDoor::new(Flavor::Rest, Some(&all)).unwrap();
        assert!(d.is_binary(Some("text/plain")));
        assert!(!d.is_binary(Some("nonsense")));
        assert_eq!(api_id("f").len(), 10);
        assert_eq!(api_id("f"), api_id("f"));
    }
}
