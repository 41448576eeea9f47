//! A fair share of request slots per client. The server serves at most
//! `--max-concurrency` requests at once; without a share per client, one
//! address holding hundreds of slow requests (a body that never finishes
//! arriving) would take every slot and the server would answer nobody
//! else. Each client address (an IPv6 /64 counts as one, the forwarded
//! address behind a trusted proxy) holds at most
//! `--max-concurrency-per-client` requests in flight; beyond it the next
//! one is answered at once with 503 and `Retry-After`, before it takes a
//! slot of the whole server.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::client_ip::{TrustedProxies, bucket};
use crate::error::ApiError;

/// Requests in flight per client bucket, and the share each may hold.
#[derive(Debug)]
pub struct ClientSlots {
    in_flight: Mutex<HashMap<String, usize>>,
    share: usize,
    proxies: TrustedProxies,
}

impl ClientSlots {
    /// Slots of `share` requests per client, whose address is read as
    /// `proxies` allow.
    pub fn new(share: usize, proxies: TrustedProxies) -> Arc<Self> {
        Arc::new(ClientSlots {
            in_flight: Mutex::new(HashMap::new()),
            share: share.max(1),
            proxies,
        })
    }

    /// Takes a slot for `client`, or `None` when it holds its share.
    fn take(self: &Arc<Self>, client: String) -> Option<Slot> {
        let mut map = self.in_flight.lock().expect("client slots");
        let n = map.entry(client.clone()).or_insert(0);
        if *n >= self.share {
            return None;
        }
        *n += 1;
        Some(Slot {
            slots: self.clone(),
            client,
        })
    }
}

/// A slot held for the life of one request; given back when dropped (the
/// answer sent, the client gone, or the deadline passed).
struct Slot {
    slots: Arc<ClientSlots>,
    client: String,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.slots.in_flight.lock().expect("client slots");
        if let Some(n) = map.get_mut(&self.client) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.client);
            }
        }
    }
}

/// The layer: a request runs only while its client holds a slot.
pub async fn limit(State(slots): State<Arc<ClientSlots>>, req: Request, next: Next) -> Response {
    let Some(peer) = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
    else {
        return next.run(req).await;
    };
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let client = bucket(slots.proxies.client(peer, forwarded));
    let Some(_slot) = slots.take(client) else {
        let mut res = ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "too-many-requests-in-flight",
            "this address already has its share of requests in progress; try again in a moment",
        )
        .into_response();
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        return res;
    };
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_holds_its_share_and_gets_slots_back() {
        let slots = ClientSlots::new(2, TrustedProxies::default());
        let a = slots.take("ip:10.0.0.1".into()).unwrap();
        let _b = slots.take("ip:10.0.0.1".into()).unwrap();
        assert!(
            slots.take("ip:10.0.0.1".into()).is_none(),
            "third one refused"
        );
        assert!(
            slots.take("ip:10.0.0.2".into()).is_some(),
            "others unaffected"
        );
        drop(a);
        assert!(slots.take("ip:10.0.0.1".into()).is_some(), "given back");
        drop(_b);
    }

    #[test]
    fn released_clients_leave_no_entry() {
        let slots = ClientSlots::new(1, TrustedProxies::default());
        drop(slots.take("ip:10.0.0.3".into()));
        assert!(slots.in_flight.lock().unwrap().is_empty());
    }
}
