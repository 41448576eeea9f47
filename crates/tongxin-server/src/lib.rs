//! Tongxin's reference backend: REST contract v1 ([`api`]) over axum, with
//! storage behind the [`storage::Store`] trait (SQLite by default).
//!
//! [`app`] builds the whole site (API, OpenAPI, static `www/` and the widget
//! bundle, CORS); [`serve`] runs it; [`spawn`] runs it on a background task,
//! which the tests and the benchmark use.

pub mod api;
pub mod assets;
pub mod cli;
pub mod client_ip;
pub mod client_slots;
pub mod clock;
pub mod config;
pub mod console;
pub mod error;
pub mod extract;
pub mod file_cli;
pub mod files;
pub mod hex;
pub mod hygiene;
pub mod live;
pub mod ratelimit;
pub mod seed;
pub mod serve;
pub mod service;
pub mod storage;
pub mod tls;
pub mod voter;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, header};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::api::AppState;
use crate::config::Config;
use crate::ratelimit::RateLimiter;

use crate::storage::Store;

fn cors(config: &Config) -> CorsLayer {
    let origins = if config.cors_origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            config
                .cors_origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok()),
        )
    };
    CorsLayer::new()
        .allow_origin(origins)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static(voter::DEVICE_HEADER),
            HeaderName::from_static(voter::CODE_HEADER),
            HeaderName::from_static(voter::VOTER_HEADER),
        ])
        .expose_headers([
            header::RETRY_AFTER,
            HeaderName::from_static("idempotent-replayed"),
            header::LINK,
            HeaderName::from_static(tongxin_core::contract::version::HEADER),
        ])
        .max_age(std::time::Duration::from_secs(3600))
}

/// What `tongxin-server --version` prints: the server's version and the
/// REST contract version it speaks.
pub fn version_line() -> String {
    format!(
        "tongxin-server {} (REST contract {})",
        env!("CARGO_PKG_VERSION"),
        tongxin_core::contract::version::VERSION
    )
}

/// Answers at least this large are compressed (brotli or gzip, as the
/// client accepts); below it the headers would outweigh the saving.
pub const COMPRESS_ABOVE_BYTES: u16 = 512;

/// The whole site for a store and settings.
pub fn app(store: Arc<Store>, config: Config) -> Router {
    site(store, config).0
}

/// The site and its live hub (closed on shutdown, which ends the streams).
/// Starts the live publisher on the current runtime.
fn site(store: Arc<Store>, config: Config) -> (Router, Arc<live::Hub>) {
    let config = Arc::new(config);
    let hub = Arc::new(live::Hub::new(
        config.max_streams,
        config.max_streams_per_client,
    ));
    let state = AppState {
        store: store.clone(),
        config: config.clone(),
        limiter: Arc::new(RateLimiter::default()),
        proxies: Arc::new(
            client_ip::TrustedProxies::parse(&config.trusted_proxies).unwrap_or_default(),
        ),
        hub: hub.clone(),
    };
    store.hear_others();
    tokio::spawn(api::live::run_publisher(state.clone()));
    let compress = || {
        CompressionLayer::new().compress_when(
            SizeAbove::new(COMPRESS_ABOVE_BYTES)
                .and(NotForContentType::GRPC)
                .and(NotForContentType::IMAGES)
                .and(NotForContentType::SSE),
        )
    };
    let site = api::router(state)
        .merge(console::router(config.bundle()))
        .fallback_service(hygiene::utf8_files(config.www().router(false)))
        .layer(compress())
        .layer(cors(&config))
        // Added after the layers: precompressed, and open to every origin.
        .nest("/tongxin", assets::router(config.bundle()));
    let examples = Router::new()
        .nest_service(
            "/examples",
            hygiene::utf8_files(config.examples().router(false)),
        )
        .layer(compress());
    (hygiene::wrap(site, examples, &config), hub)
}

/// Opens the store named in `config` (SQLite file or PostgreSQL address), seeding the demo data when asked.
pub async fn open_store(config: &Config) -> Result<Arc<Store>, String> {
    let store = storage::open(&config.db, &config.store_options()).await?;
    if config.demo {
        seed::seed_demo(store.clone())
            .await
            .map_err(|e| format!("demo seed: {e}"))?;
        if config.listen.ip().is_loopback() {
            seed::seed_demo_accounts(store.as_ref())
                .await
                .map_err(|e| format!("demo accounts: {e}"))?;
        }
    }
    Ok(store)
}

/// The periodic jobs of a running server, stopped together.
struct Jobs(Vec<tokio::task::JoinHandle<()>>);

impl Jobs {
    fn stop(self) {
        for j in self.0 {
            j.abort();
        }
    }
}

/// Starts the periodic jobs on the current runtime: indicator snapshots,
/// the webhook events the clock causes, webhook deliveries.
fn start_jobs(store: Arc<Store>, config: &Config) -> Jobs {
    Jobs(vec![
        crate::service::indicators::start_refresh(
            store.clone(),
            config.utc_offset_minutes,
            config.indicators_refresh_secs,
        ),
        crate::service::webhooks::clock::start(store.clone()),
        crate::webhooks::start(store, config.webhook_settings()),
    ])
}

/// A server running on a background task.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, finishes in-flight requests and waits.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Binds `config.listen` (port 0 picks a free port) and serves in the background.
pub async fn spawn(config: Config) -> Result<Running, String> {
    let store = open_store(&config).await?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("{}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (router, hub) = site(store.clone(), config.clone());
    let job = start_jobs(store, &config);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve::run(listener, router, &config, async {
            let _ = rx.await;
            hub.close();
        })
        .await;
        job.stop();
    });
    Ok(Running {
        addr,
        shutdown: Some(tx),
        task,
    })
}

/// Serves until Ctrl-C or SIGTERM, then drains in-flight requests.
pub async fn serve(config: Config) -> Result<(), String> {
    let store = open_store(&config).await?;
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("{}: {e}", config.listen))?;
    let (router, hub) = site(store.clone(), config.clone());
    let job = start_jobs(store, &config);
    let shutdown = async {
        serve::signal().await;
        // Live streams would hold the drain open: end them first.
        hub.close();
    };
    serve::run(listener, router, &config, shutdown).await;
    job.stop();
    Ok(())
}
