//! The widget files and answers as a phone receives them: precompressed
//! bundle files by `Accept-Encoding`, the right types (wasm compiles while
//! it streams only as `application/wasm`), hashed names cached for good,
//! the loader briefly with an ETag and 304, and JSON answers compressed
//! above a small size.

use crate::common::TestServer;
use reqwest::Method;
use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};

const WASM: &str = "poll.0123456789.wasm";
const JS: &str = "poll.abcdef0123.js";
const CSS: &str = "tongxin.9876543210.css";

/// A bundle directory as `cargo xtask bundle` lays it out: every file with
/// its `.br` and `.gz` beside it (marked contents, so the test sees which
/// one was sent).
fn bundle(dir: &std::path::Path) {
    let files: [(&str, &[u8]); 4] = [
        ("tongxin.js", b"export const loader = 1;"),
        (WASM, b"\0asm\x01\0\0\0"),
        (JS, b"export function start() {}"),
        (CSS, b".tx-root{color:red}"),
    ];
    for (name, body) in files {
        std::fs::write(dir.join(name), body).unwrap();
        std::fs::write(dir.join(format!("{name}.br")), format!("br:{name}")).unwrap();
        std::fs::write(dir.join(format!("{name}.gz")), format!("gz:{name}")).unwrap();
    }
}

/// A server over a fresh bundle directory (kept alive beside it).
async fn server() -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    bundle(dir.path());
    let path = dir.path().to_path_buf();
    (
        TestServer::start_with(|c| c.bundle_dir = Some(path)).await,
        dir,
    )
}

async fn fetch(s: &TestServer, path: &str, enc: Option<&str>) -> reqwest::Response {
    let mut r = s.req(Method::GET, path);
    if let Some(e) = enc {
        r = r.header(ACCEPT_ENCODING, e);
    }
    r.send().await.unwrap()
}

fn header(r: &reqwest::Response, name: reqwest::header::HeaderName) -> &str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn bundle_files_are_sent_precompressed_as_the_browser_accepts() {
    let (s, _bundle) = server().await;
    for name in [WASM, JS, CSS, "tongxin.js"] {
        let path = format!("/tongxin/{name}");
        let br = fetch(&s, &path, Some("gzip, deflate, br")).await;
        assert_eq!(br.status(), 200, "{name}");
        assert_eq!(header(&br, CONTENT_ENCODING), "br", "{name}");
        assert!(
            header(&br, VARY)
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        assert_eq!(br.text().await.unwrap(), format!("br:{name}"));

        let gz = fetch(&s, &path, Some("gzip")).await;
        assert_eq!(header(&gz, CONTENT_ENCODING), "gzip", "{name}");
        assert_eq!(gz.text().await.unwrap(), format!("gz:{name}"));

        let plain = fetch(&s, &path, None).await;
        assert_eq!(plain.status(), 200);
        assert_eq!(header(&plain, CONTENT_ENCODING), "", "{name}: identity");
        assert!(!plain.text().await.unwrap().starts_with("br:"));

        let refused = fetch(&s, &path, Some("br;q=0, identity")).await;
        assert_eq!(header(&refused, CONTENT_ENCODING), "", "{name}: br refused");
    }
}

#[tokio::test]
async fn types_are_right_for_streaming_compilation() {
    let (s, _bundle) = server().await;
    for (name, ty) in [
        (WASM, "application/wasm"),
        (JS, "text/javascript"),
        ("tongxin.js", "text/javascript"),
        (CSS, "text/css"),
    ] {
        for enc in [None, Some("br"), Some("gzip")] {
            let r = fetch(&s, &format!("/tongxin/{name}"), enc).await;
            assert!(
                header(&r, CONTENT_TYPE).starts_with(ty),
                "{name} {enc:?}: {}",
                header(&r, CONTENT_TYPE)
            );
        }
    }
}

#[tokio::test]
async fn hashed_names_are_immutable_and_the_loader_revalidates() {
    let (s, _bundle) = server().await;
    for name in [WASM, JS, CSS] {
        let r = fetch(&s, &format!("/tongxin/{name}"), Some("br")).await;
        assert_eq!(
            header(&r, CACHE_CONTROL),
            "public, max-age=31536000, immutable"
        );
        // Public files fetched in CORS mode by host pages on other origins.
        assert_eq!(
            header(&r, reqwest::header::ACCESS_CONTROL_ALLOW_ORIGIN),
            "*"
        );
    }
    let first = fetch(&s, "/tongxin/tongxin.js", Some("br")).await;
    assert_eq!(header(&first, CACHE_CONTROL), "public, max-age=300");
    let etag = header(&first, ETAG).to_string();
    assert!(etag.starts_with('"') && etag.ends_with("-br\""), "{etag}");
    // A copy still good: 304, no body.
    let again = s
        .req(Method::GET, "/tongxin/tongxin.js")
        .header(ACCEPT_ENCODING, "br")
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(header(&again, ETAG), etag);
    assert_eq!(header(&again, CACHE_CONTROL), "public, max-age=300");
    assert!(again.bytes().await.unwrap().is_empty());
    // Another encoding is another representation with its own tag.
    let gz = s
        .req(Method::GET, "/tongxin/tongxin.js")
        .header(ACCEPT_ENCODING, "gzip")
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(gz.status(), 200);
    assert_ne!(header(&gz, ETAG), etag);
    // A changed loader (a new release) is a new tag.
    std::fs::write(
        s.config.bundle_dir.as_ref().unwrap().join("tongxin.js"),
        "export const loader = 2;",
    )
    .unwrap();
    let changed = s
        .req(Method::GET, "/tongxin/tongxin.js")
        .header(IF_NONE_MATCH, &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_eq!(changed.text().await.unwrap(), "export const loader = 2;");
    // Missing files are 404, not cached.
    let missing = fetch(&s, "/tongxin/poll.ffffffffff.wasm", None).await;
    assert_eq!(missing.status(), 404);
    assert_ne!(
        header(&missing, CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn json_answers_are_compressed_above_a_small_size() {
    let (s, _bundle) = server().await;
    let plain = fetch(&s, "/openapi.json", None).await;
    assert_eq!(header(&plain, CONTENT_ENCODING), "");
    let full = plain.bytes().await.unwrap().len();
    assert!(full > 10_000, "the OpenAPI document is large ({full} B)");
    for enc in ["br", "gzip"] {
        let r = fetch(&s, "/openapi.json", Some(enc)).await;
        assert_eq!(r.status(), 200);
        assert_eq!(header(&r, CONTENT_ENCODING), enc);
        assert!(
            header(&r, VARY)
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        let sent = r.bytes().await.unwrap().len();
        assert!(sent * 3 < full, "{enc}: {sent} of {full} B");
    }
    // A small answer is not worth it.
    let small = fetch(&s, "/healthz", Some("br")).await;
    assert_eq!(small.status(), 200);
    assert_eq!(header(&small, CONTENT_ENCODING), "");
}
