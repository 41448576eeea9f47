//! The staff console's files under `/console/`: the page and its own
//! bundle (`console.<hash>.js|wasm|css`), which `cargo xtask bundle` writes
//! into the `console/` folder of the widget bundle. Residents' pages never
//! name them: only staff who open `/console/` download the console.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::assets::{IMMUTABLE, is_hashed};
use crate::files::{self, Files};

/// The folder of the bundle that holds the console.
const FOLDER: &str = "console";

/// `/console` (redirected to `/console/`), `/console/` and its files.
pub fn router(files: Files) -> Router {
    Router::new()
        .route(
            "/console",
            get(|| async { Redirect::permanent("/console/") }),
        )
        .route("/console/", get(index))
        .route("/console/{file}", get(file))
        .with_state(files)
}

async fn index(State(files): State<Files>, headers: HeaderMap) -> Response {
    serve(&files, "index.html", &headers).await
}

async fn file(
    State(files): State<Files>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    if name.starts_with('.') || name.contains('\\') {
        return StatusCode::NOT_FOUND.into_response();
    }
    serve(&files, &name, &headers).await
}

async fn serve(files: &Files, name: &str, headers: &HeaderMap) -> Response {
    let path = format!("{FOLDER}/{name}");
    let Some(plain) = files.read(&path).await else {
        return (
            StatusCode::NOT_FOUND,
            "the console is not built: run `cargo xtask bundle`",
        )
            .into_response();
    };
    let tag = crate::hex::encode(&sha(&plain)[..8]);
    let (body, coding) = match files.read_precompressed(&path, headers).await {
        Some((bytes, c)) => (bytes, Some(c)),
        None => (plain, None),
    };
    let mut res = files::answer(headers, body, files::content_type(name), coding, &tag);
    if is_hashed(name) {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    }
    res
}

fn sha(bytes: &[u8]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).into()
}
