//! Request extractors that turn every rejection into problem+json, and the
//! per-request context (identity headers, idempotency key, client address).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::storage::{IdemKey, Reply, WriteMeta};

/// A JSON object body; rejections become problem+json. A body that is JSON
/// but not an object (serde would read an array into a struct field by
/// field) or not the expected shape is 422 `invalid-body`, with the field
/// that is wrong in `errors`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        if !value.is_object() {
            return Err(ApiError::field(
                "invalid-body",
                "body",
                "the body must be a JSON object",
            ));
        }
        serde_path_to_error::deserialize(value)
            .map(ApiJson)
            .map_err(|e| {
                let path = e.path().to_string();
                let field = if path.is_empty() || path == "." {
                    "body".to_string()
                } else {
                    path
                };
                ApiError::field("invalid-body", &field, e.inner().to_string())
            })
    }
}

/// Path parameters; rejections become problem+json.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Query string; rejections become problem+json.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// What every handler may need to know about the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Request headers.
    pub headers: HeaderMap,
    /// The socket peer's address (a proxy's, behind one; see
    /// [`crate::api::AppState::client_ip`]).
    pub ip: Option<IpAddr>,
    /// Method.
    pub method: Method,
    /// Path.
    pub path: String,
    /// Now, ms since the epoch.
    pub now: i64,
}

use crate::clock::now_ms;

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Ctx {
            headers: parts.headers.clone(),
            ip: parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
            method: parts.method.clone(),
            path: parts.uri.path().to_string(),
            now: now_ms(),
        })
    }
}

fn hex_sha256(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p);
    }
    crate::hex::encode(&h.finalize())
}

impl Ctx {
    /// The write's metadata. The stored key is scoped to the caller and the
    /// operation; the body enters the fingerprint, so a key reused for
    /// another request is refused instead of replayed.
    pub fn write_meta(
        &self,
        voter: &str,
        body: &impl serde::Serialize,
    ) -> Result<WriteMeta, ApiError> {
        let body = serde_json::to_vec(body).unwrap_or_default();
        self.meta(voter, Some(&body))
    }

    /// The metadata of a secret write (a ballot in an anonymous poll): the
    /// fingerprint leaves the ballot out, so no stored record holds a trace
    /// of it. A key reused with another ballot replays the first answer.
    /// `batch` is the server's publication batch of secret ballots.
    pub fn secret_write_meta(&self, voter: &str, batch: u32) -> Result<WriteMeta, ApiError> {
        let mut meta = self.meta(voter, None)?;
        meta.secret = true;
        meta.secret_batch = batch;
        Ok(meta)
    }

    fn meta(&self, voter: &str, body: Option<&[u8]>) -> Result<WriteMeta, ApiError> {
        let idem = match self.headers.get("idempotency-key") {
            None => None,
            Some(v) => {
                let key = v
                    .to_str()
                    .ok()
                    .map(str::trim)
                    .filter(|k| (1..=200).contains(&k.len()));
                let Some(key) = key else {
                    return Err(ApiError::new(
                        StatusCode::BAD_REQUEST,
                        "invalid-idempotency-key",
                        "Idempotency-Key must be 1–200 visible ASCII characters",
                    ));
                };
                let scoped = hex_sha256(&[
                    voter.as_bytes(),
                    self.method.as_str().as_bytes(),
                    self.path.as_bytes(),
                    key.as_bytes(),
                ]);
                let fingerprint = match body {
                    Some(b) => hex_sha256(&[b]),
                    None => "secret".to_string(),
                };
                Some(IdemKey {
                    key: scoped,
                    fingerprint,
                })
            }
        };
        Ok(WriteMeta {
            idem,
            ..WriteMeta::plain(self.now)
        })
    }

    /// A write without client identity (staff calls).
    pub fn staff_meta(&self) -> WriteMeta {
        WriteMeta::plain(self.now)
    }
}

/// Turns a store [`Reply`] into a JSON response, flagging replays.
pub fn reply(status: StatusCode, r: Reply) -> Response {
    let mut res = (status, r.body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if r.replayed {
        res.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}
