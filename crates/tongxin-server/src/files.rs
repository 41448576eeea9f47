//! Where the server's static files come from: a directory (`--www DIR`,
//! `--bundle DIR`, `--examples DIR`) or the copy built into the binary
//! (`build.rs` finds the folders at build time), so one copied
//! `tongxin-server` runs the demo with no other files beside it.
//!
//! Built-in files are served like [`ServeDir`] serves a directory: content
//! type by extension, `index.html` for a folder (and a redirect to the
//! folder's `/`), the `.br` / `.gz` copy beside a file when the browser
//! accepts it, an `ETag` from the file's hash and 304 for a copy still good.

use std::borrow::Cow;
use std::path::PathBuf;

use axum::Router;
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use rust_embed::{Embed, EmbeddedFile};
use tower_http::services::ServeDir;

#[derive(Embed)]
#[folder = "$TONGXIN_BUILTIN_WWW"]
struct Www;

/// (A recipe's own `npm install` and build output stay out.)
#[derive(Embed)]
#[folder = "$TONGXIN_BUILTIN_EXAMPLES"]
#[exclude = "*/node_modules/*"]
#[exclude = "*/dist/*"]
struct Examples;

#[derive(Embed)]
#[folder = "$TONGXIN_BUILTIN_BUNDLE"]
// The fingerprint of the bundle's inputs (`cargo xtask bundle`) is not served.
#[exclude = ".inputs"]
struct Bundle;

/// One of the folders built into the binary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Builtin {
    /// The demo street-office site, served at `/`.
    Www,
    /// The embedding recipes, served at `/examples/`.
    Examples,
    /// The widget bundle, served at `/tongxin/`.
    Bundle,
}

impl Builtin {
    fn get(self, path: &str) -> Option<EmbeddedFile> {
        match self {
            Builtin::Www => Www::get(path),
            Builtin::Examples => Examples::get(path),
            Builtin::Bundle => Bundle::get(path),
        }
    }

    /// How many files the binary carries for this folder.
    pub fn len(self) -> usize {
        match self {
            Builtin::Www => Www::iter().count(),
            Builtin::Examples => Examples::iter().count(),
            Builtin::Bundle => Bundle::iter().count(),
        }
    }

    /// Whether the binary was built without this folder.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The directory read instead when the binary carries nothing.
    fn default_dir(self) -> &'static str {
        match self {
            Builtin::Www => "www",
            Builtin::Examples => "examples",
            Builtin::Bundle => "target/tongxin-bundle",
        }
    }
}

/// A source of static files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Files {
    /// Files on disk.
    Dir(PathBuf),
    /// Files built into the binary.
    Builtin(Builtin),
}

impl Files {
    /// `dir` when one was named, else the built-in copy when the binary has
    /// one, else the folder's usual place in a checkout.
    pub fn choose(dir: Option<PathBuf>, builtin: Builtin) -> Files {
        match dir {
            Some(d) => Files::Dir(d),
            None if !builtin.is_empty() => Files::Builtin(builtin),
            None => Files::Dir(builtin.default_dir().into()),
        }
    }

    /// For the startup line: the directory, or "built in (N files)".
    pub fn describe(&self) -> String {
        match self {
            Files::Dir(d) => d.display().to_string(),
            Files::Builtin(b) => format!("built in ({} files)", b.len()),
        }
    }

    /// The bytes of the file `name` (a path inside the folder), if any.
    pub async fn read(&self, name: &str) -> Option<Cow<'static, [u8]>> {
        match self {
            Files::Dir(d) => tokio::fs::read(d.join(name)).await.ok().map(Cow::Owned),
            Files::Builtin(b) => b.get(name).map(|f| f.data),
        }
    }

    /// The `.br` or `.gz` copy of `name` written beside it, when the
    /// request's `headers` accept that encoding: its bytes and encoding.
    pub async fn read_precompressed(
        &self,
        name: &str,
        headers: &HeaderMap,
    ) -> Option<(Cow<'static, [u8]>, &'static str)> {
        for coding in accepted(headers) {
            let ext = if coding == "br" { "br" } else { "gz" };
            if let Some(bytes) = self.read(&format!("{name}.{ext}")).await {
                return Some((bytes, coding));
            }
        }
        None
    }

    /// A router answering every path with the file there. `precompressed`
    /// sends the `.br` / `.gz` copies written beside the files.
    pub fn router(&self, precompressed: bool) -> Router {
        match self {
            Files::Dir(d) => {
                let dir = ServeDir::new(d).append_index_html_on_directories(true);
                let dir = if precompressed {
                    dir.precompressed_br().precompressed_gzip()
                } else {
                    dir
                };
                Router::new().fallback_service(dir)
            }
            Files::Builtin(b) => Router::new()
                .fallback(builtin_file)
                .with_state((*b, precompressed)),
        }
    }
}

/// The content type of a file by its extension.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "md" => "text/markdown; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The encodings a request accepts, best first, of those files are kept in.
pub fn accepted(headers: &HeaderMap) -> Vec<&'static str> {
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

/// A built-in file, answered as [`ServeDir`] would answer it from disk.
async fn builtin_file(
    State((files, precompressed)): State<(Builtin, bool)>,
    OriginalUri(original): OriginalUri,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path().trim_start_matches('/');
    if path.split('/').any(|seg| seg.starts_with('.')) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let name = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else if files.get(path).is_none() && files.get(&format!("{path}/index.html")).is_some() {
        return Redirect::temporary(&format!("{}/", original.path())).into_response();
    } else {
        path.to_string()
    };
    let Some(plain) = files.get(&name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // One tag for the file's content, whichever encoding carries it.
    let tag = crate::hex::encode(&plain.metadata.sha256_hash()[..8]);
    let compressed = if precompressed {
        Files::Builtin(files)
            .read_precompressed(&name, &headers)
            .await
    } else {
        None
    };
    let (body, coding) = match compressed {
        Some((bytes, c)) => (bytes, Some(c)),
        None => (plain.data, None),
    };
    answer(&headers, body, content_type(&name), coding, &tag)
}

/// The answer for one file: `body` as stored (in `coding`, if any), its
/// content type, an `ETag` made of `tag` (a hash of the file) and the
/// coding, and 304 without a body when `If-None-Match` names that tag.
pub fn answer(
    headers: &HeaderMap,
    body: Cow<'static, [u8]>,
    content_type: &'static str,
    coding: Option<&'static str>,
    tag: &str,
) -> Response {
    let etag = match coding {
        Some(c) => format!("\"{tag}-{c}\""),
        None => format!("\"{tag}\""),
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(body))
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(c) = coding
        && !fresh
    {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_directory_wins_over_the_built_in_copy() {
        let d = PathBuf::from("/srv/site");
        assert_eq!(Files::choose(Some(d.clone()), Builtin::Www), Files::Dir(d));
    }

    #[test]
    fn without_a_directory_the_built_in_copy_or_the_checkout_folder() {
        for b in [Builtin::Www, Builtin::Examples, Builtin::Bundle] {
            let chosen = Files::choose(None, b);
            if b.is_empty() {
                assert_eq!(chosen, Files::Dir(b.default_dir().into()));
            } else {
                assert_eq!(chosen, Files::Builtin(b));
            }
        }
    }

    #[test]
    fn the_demo_site_is_built_in() {
        // www/ is part of the checkout, so every build carries it.
        assert!(Builtin::Www.get("index.html").is_some());
        assert!(Builtin::Examples.get("README.md").is_some());
    }

    #[test]
    fn types_by_extension() {
        assert_eq!(content_type("a/b.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("poll.0123456789.wasm"), "application/wasm");
        assert_eq!(content_type("x.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
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
