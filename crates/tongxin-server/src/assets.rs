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

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};

use crate::files::{self, Files};

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

/// The router for the bundle `files`, to nest at `/tongxin`.
pub fn router(files: Files) -> Router {
    Router::new()
        .route("/tongxin.js", get(loader))
        .fallback_service(files.router(true))
        .with_state(files)
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

/// `GET /tongxin/tongxin.js`: the loader, compressed as the browser
/// accepts, with an `ETag` per encoding and 304 for a copy still good.
async fn loader(State(files): State<Files>, req_headers: HeaderMap) -> Response {
    let Some(raw) = files.read("tongxin.js").await else {
        return (StatusCode::NOT_FOUND, "the widget bundle is not built").into_response();
    };
    // One tag for the loader's content, whichever encoding carries it.
    let tag = crate::hex::encode(&Sha256::digest(&raw)[..8]);
    let (body, coding) = match files.read_precompressed("tongxin.js", &req_headers).await {
        Some((bytes, c)) => (bytes, Some(c)),
        None => (raw, None),
    };
    files::answer(
        &req_headers,
        body,
        "text/javascript; charset=utf-8",
        coding,
        &tag,
    )
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
}
