//! The delivery worker: every second it claims the deliveries that are due
//! (a lease, so two instances never send one at once and a crashed one's
//! are taken again once the lease is over), sends each as Standard
//! Webhooks has it — `POST`, the event's JSON, `webhook-id` (the same on
//! every attempt: receivers deduplicate by it), `webhook-timestamp`,
//! `webhook-signature` — with a short time limit, no redirects followed,
//! and only to addresses the operator allows ([`address`]); then records
//! the outcome: delivered on 2xx, else tried again later
//! (`tongxin_core::webhooks::retry_delay_ms`) until a day has passed.

pub mod address;
pub mod sign;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tongxin_core::webhooks::retry_delay_ms;

use crate::service::webhooks::{claim_due, record};
use crate::storage::sql::webhooks::{Due, Outcome};
use crate::storage::{Store, StoreResult};
use address::{Guard, Reach};

/// Deliveries claimed per look.
const BATCH: u32 = 16;
/// Longest error text kept in the delivery log.
const MAX_ERROR: usize = 300;

/// How deliveries are sent.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Which non-public addresses may be reached.
    pub reach: Reach,
    /// Time limit of one attempt.
    pub timeout: Duration,
}

impl Settings {
    /// How long a claimed delivery is left alone: the time limit and a
    /// margin, after which a crashed sender's delivery is taken again.
    fn lease_ms(&self) -> i64 {
        self.timeout.as_millis() as i64 + 5_000
    }
}

/// The HTTP client of deliveries.
pub fn client(s: Settings) -> Result<reqwest::Client, String> {
    let tls = crate::tls::client_config(None).ok();
    let mut b = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(s.timeout)
        .connect_timeout(s.timeout.min(Duration::from_secs(5)))
        .user_agent(concat!("tongxin-webhooks/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(Guard(s.reach)));
    if let Some(tls) = tls {
        b = b.use_preconfigured_tls(tls);
    }
    b.build().map_err(|e| e.to_string())
}

/// Starts the worker on the current runtime.
pub fn start(store: Arc<Store>, s: Settings) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let http = match client(s) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!("webhooks: no HTTP client, nothing will be delivered: {e}");
                return;
            }
        };
        let mut every = tokio::time::interval(Duration::from_secs(1));
        loop {
            every.tick().await;
            if let Err(e) = deliver_due(&store, &http, s).await {
                tracing::warn!("webhooks: {e}");
            }
        }
    })
}

/// Claims and sends what is due now; how many were attempted.
pub async fn deliver_due(store: &Store, http: &reqwest::Client, s: Settings) -> StoreResult<usize> {
    let due = claim_due(store, crate::clock::now_ms(), s.lease_ms(), BATCH).await?;
    let n = due.len();
    let sends = due.into_iter().map(|d| async move {
        let outcome = attempt(http, s, &d).await;
        record(store, &d, outcome).await
    });
    for r in futures::future::join_all(sends).await {
        r?;
    }
    Ok(n)
}

/// One attempt at one delivery.
async fn attempt(http: &reqwest::Client, s: Settings, d: &Due) -> Outcome {
    let now = crate::clock::now_ms();
    let sent = send(http, s, d, now).await;
    let (status, error) = match sent {
        Ok(st) if (200..300).contains(&st) => {
            return Outcome {
                status: Some(st),
                error: None,
                delivered: true,
                next_at: None,
            };
        }
        Ok(st) => (Some(st), Some(format!("the endpoint answered {st}"))),
        Err(e) => (None, Some(e.chars().take(MAX_ERROR).collect())),
    };
    let next_at = retry_delay_ms(d.attempts + 1, d.event_at, now).map(|w| now + w);
    Outcome {
        status,
        error,
        delivered: false,
        next_at,
    }
}

/// Sends `d` once; the answer's status.
async fn send(http: &reqwest::Client, s: Settings, d: &Due, now: i64) -> Result<u16, String> {
    let url = reqwest::Url::parse(&d.endpoint.url).map_err(|e| format!("bad URL: {e}"))?;
    // Names are checked by the resolver; an address in the URL here.
    if let Some(host) = url.host_str()
        && let Ok(ip) = host.trim_start_matches('[').trim_end_matches(']').parse()
        && !s.reach.allows(ip)
    {
        return Err(format!(
            "{ip} is a private or local address; deliveries go to public addresses only"
        ));
    }
    let ts = now / 1000;
    let sig = sign::signature(&d.endpoint.secret, &d.event_id, ts, &d.payload)?;
    let started = Instant::now();
    let res = http
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &d.event_id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sig)
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg = format!("{msg}: {s}");
                src = s.source();
            }
            msg
        })?;
    tracing::debug!(
        "webhook {} → {}: {} in {:?}",
        d.event_id,
        d.endpoint.url,
        res.status(),
        started.elapsed()
    );
    Ok(res.status().as_u16())
}
