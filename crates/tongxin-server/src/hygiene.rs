//! What every answer of the server gets, whatever route made it: security
//! headers, a request deadline, a cap on requests in flight and a share of
//! it per client (503 with `Retry-After` beyond them); and UTF-8 for
//! static text files.

use std::time::Duration;

use axum::Router;
use axum::error_handling::HandleErrorLayer;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::client_ip::TrustedProxies;
use crate::client_slots::{self, ClientSlots};
use crate::config::Config;
use crate::error::ApiError;

/// The policy of the server's own pages and answers: nothing inline, no
/// other origins, wasm allowed, Trusted Types required.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'; require-trusted-types-for 'script'";

/// The policy of `/examples/`: recipes of host pages, which keep their own
/// inline scripts and styles as a community's site would and may talk to
/// other backends, but load nothing from elsewhere, embed no plugins,
/// cannot be framed by other sites or rebase their links.
pub const EXAMPLES_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' http: https:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'; form-action 'self'";

/// The charset fix as a function pointer (a nameable service type).
pub type Charset<B> = fn(axum::http::Response<B>) -> axum::http::Response<B>;

/// Static files (the demo site, the recipes): text without a charset is
/// declared UTF-8, so a browser never guesses an encoding for a page with
/// residents' names in it. API answers set their own content type.
pub fn utf8_files<S, B>(files: S) -> tower::util::MapResponse<S, Charset<B>>
where
    S: tower::Service<Request, Response = axum::http::Response<B>>,
{
    tower::ServiceExt::map_response(files, with_charset::<B> as Charset<B>)
}

fn with_charset<B>(mut res: axum::http::Response<B>) -> axum::http::Response<B> {
    let bare = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.contains("charset") && (v.starts_with("text/") || *v == "application/javascript")
        })
        .map(str::to_string);
    if let Some(ct) = bare
        && let Ok(v) = HeaderValue::from_str(&format!("{ct}; charset=utf-8"))
    {
        res.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    res
}

async fn overloaded(err: tower::BoxError) -> Response {
    if err.is::<tower::load_shed::error::Overloaded>() {
        let mut res = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            "the server is busy; try again in a moment",
        )
        .into_response();
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        res
    } else {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the request could not be served",
        )
        .into_response()
    }
}

fn set(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Wraps the whole site in the hygiene layers. `/examples/` (recipes of
/// host pages, with their own inline scripts) gets [`EXAMPLES_CSP`], the
/// rest (the console included) [`CSP`].
pub fn wrap(site: Router, examples: Router, config: &Config) -> Router {
    let site = site.layer(set(header::CONTENT_SECURITY_POLICY, CSP));
    let examples = examples.layer(set(header::CONTENT_SECURITY_POLICY, EXAMPLES_CSP));
    site.merge(examples)
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::REFERRER_POLICY, "no-referrer"))
        .layer(set(header::X_FRAME_OPTIONS, "SAMEORIGIN"))
        .layer(set(header::CACHE_CONTROL, "no-store"))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(config.request_timeout_secs),
        ))
        .layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(overloaded))
                .load_shed()
                // One semaphore for the whole site: `Router::layer` clones
                // its layers per route, and a per-route cap is no cap.
                .layer(GlobalConcurrencyLimitLayer::new(
                    config.max_concurrency.max(1),
                )),
        )
        // Outside the server's cap: a client over its share is refused
        // before it takes a slot of the whole server.
        .layer(axum::middleware::from_fn_with_state(
            ClientSlots::new(
                config.per_client_concurrency(),
                TrustedProxies::parse(&config.trusted_proxies).unwrap_or_default(),
            ),
            client_slots::limit,
        ))
}
