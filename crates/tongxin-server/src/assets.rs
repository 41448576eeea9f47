//! The widget files under `/tongxin/`, served the way a phone on a weak
//! network needs them:
//!
//! * every file as written by `cargo xtask bundle`, precompressed: the
//!   `.br` or `.gz` beside it when the browser accepts it (`Vary:
//!   Accept-Encoding`), the file itself otherwise;
//! * content-hashed names (`poll.3f9a1c2b7d.wasm`) cached for good
//!   (`immutable`, one year); the loader `tongxin.js`, the one stable URL
//!   host pages name, for [`LOADER_MAX_AGE`] seconds with an `ETag`, so a
//!   new release reaches pages within minutes and a revisit costs a 304;
//! * `Access-Control-Allow-Origin: *`: they are public files, and module
//!   scripts and wasm are fetched in CORS mode by host pages elsewhere.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

/// Seconds a browser may use the loader before asking again.
pub const LOADER_MAX_AGE: u32 = 300;

/// `Cache-Control` of content-hashed files.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether `name` carries a content hash: `stem.<10+ hex digits>.ext`.
pub fn is_hashed(name: &str) -> bool {
    let mut parts = name.rsplit('.');
    let (Some(_ext), Some(hash), Some(_stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    hash.len() >= 10 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The router for the bundle directory `dir`, to nest at `/tongxin`.
pub fn router(dir: PathBuf) -> Router {
    let files = ServeDir::new(&dir).precompressed_br().precompressed_gzip();
    Router::new()
        .route("/tongxin.js", get(loader))
        .with_state(dir)
        .fallback_service(files)
        .layer(middleware::from_fn(headers))
}

/// Caching, `Vary` and CORS headers on every bundle answer.
async fn headers(req: Request, next: Next) -> Response {
    let hashed = is_hashed(req.uri().path().rsplit('/').next().unwrap_or(""));
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        let h = res.headers_mut();
        let cache = if hashed {
            HeaderValue::from_static(IMMUTABLE)
        } else {
            HeaderValue::from_str(&format!("public, max-age={LOADER_MAX_AGE}"))
                .unwrap_or(HeaderValue::from_static("no-cache"))
        };
        h.insert(header::CACHE_CONTROL, cache);
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    res
}

/// The encodings a request accepts, best first, of those we keep files for.
fn accepted(headers: &HeaderMap) -> Vec<&'static str> {
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let takes = |coding: &str| {
        accept.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
    };
    ["br", "gzip"].into_iter().filter(|c| takes(c)).collect()
}

async fn read(path: &Path) -> Option<Vec<u8>> {
    tokio::fs::read(path).await.ok()
}

/// `GET /tongxin/tongxin.js`: the loader, compressed as the browser
/// accepts, with an `ETag` per encoding and 304 for a copy still good.
async fn loader(State(dir): State<PathBuf>, req_headers: HeaderMap) -> Response {
    let plain = dir.join("tongxin.js");
    let Some(raw) = read(&plain).await else {
        return (StatusCode::NOT_FOUND, "the widget bundle is not built").into_response();
    };
    let digest = Sha256::digest(&raw);
    let tag = crate::identity::hex(&digest[..8]);
    let mut chosen = None;
    for coding in accepted(&req_headers) {
        let ext = if coding == "br" { "br" } else { "gz" };
        if let Some(bytes) = read(&dir.join(format!("tongxin.js.{ext}"))).await {
            chosen = Some((coding, bytes));
            break;
        }
    }
    let etag = match &chosen {
        Some((coding, _)) => format!("\"{tag}-{coding}\""),
        None => format!("\"{tag}\""),
    };
    let fresh = req_headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (coding, body) = match chosen {
            Some((c, b)) => (Some(c), b),
            None => (None, raw),
        };
        let mut res = Response::new(Body::from(body));
        if let Some(c) = coding {
            res.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
        }
        res
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("poll.3f9a1c2b7d.wasm"));
        assert!(is_hashed("tongxin.0123456789abcdef.css"));
        assert!(!is_hashed("tongxin.js"));
        assert!(!is_hashed("manifest.json"));
        assert!(!is_hashed("poll.3f9a.wasm"));
        assert!(!is_hashed("poll.zzzzzzzzzz.wasm"));
        assert!(!is_hashed("3f9a1c2b7d.wasm"));
    }

    #[test]
    fn accepted_encodings_follow_the_header() {
        let with = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            accepted(&h)
        };
        assert_eq!(with("gzip, deflate, br"), ["br", "gzip"]);
        assert_eq!(with("gzip"), ["gzip"]);
        assert_eq!(with("br;q=0, gzip;q=0.5"), ["gzip"]);
        assert_eq!(with("identity"), Vec::<&str>::new());
        assert!(accepted(&HeaderMap::new()).is_empty());
    }
}
