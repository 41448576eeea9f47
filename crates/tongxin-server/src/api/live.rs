//! Live figures over Server-Sent Events: the four stream endpoints, what
//! each event carries ([`figures`]: the body the matching `GET` gives a
//! viewer nobody knows, so never a ballot, and an anonymous poll's figures
//! only as published in batches), and the publisher task that turns the
//! store's change feed into events ([`run_publisher`]).
//!
//! A stream starts with each state the client has not seen (all of them
//! for a new client; after a reconnection with `Last-Event-ID`, those
//! that changed since) and the board's changes it missed. Quiet streams
//! get a heartbeat comment every [`HEARTBEAT_SECS`]; clients that are
//! gone are noticed at the next one.
//!
//! Widgets follow `GET /api/v1/events?topics=poll:1,convention:2`: one
//! stream for every item of the page, each event named by its topic key,
//! since browsers keep at most six connections per origin over HTTP/1.1.

use std::collections::{HashMap, HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;
use tongxin_core::Id;
use tongxin_core::contract::live::{HEARTBEAT_SECS, RETRY_MS, Topic};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiPath, ApiQuery, Ctx};
use crate::live::{Published, Refusal, Subscription};

/// Changes arriving together are published together after this pause.
const GATHER: Duration = Duration::from_millis(50);
/// An item is published at most once in this time; changes meanwhile
/// wait for it (and are then published together).
const MIN_GAP: Duration = Duration::from_millis(500);
/// Followed items are recomputed this often even without news: polls
/// open and close by the clock, and an instance that lost its listening
/// connection for a moment catches up.
const REFRESH: Duration = Duration::from_secs(10);

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(poll_events))
        .routes(routes!(convention_events))
        .routes(routes!(proposal_events))
        .routes(routes!(board_events))
        .routes(routes!(page_events))
}

/// Most topics one stream follows.
pub const MAX_TOPICS: usize = 50;

/// The items a page follows.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct TopicsQuery {
    /// Comma-separated topic keys: `poll:{id}`, `convention:{id}`,
    /// `proposal:{id}`, `board` (at most 50).
    pub topics: String,
    /// As on the other streams.
    pub last_event_id: Option<String>,
}

/// Where a stream picks up.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct EventsQuery {
    /// The last event id seen, for clients that cannot send the
    /// `Last-Event-ID` header (a new `EventSource` after the page was
    /// hidden); the header wins when both are sent.
    pub last_event_id: Option<String>,
}

/// A poll's results and participation as they change (event `results`, a
/// `ResultsView` as `GET /polls/{id}/results` answers anyone). While an
/// anonymous poll is open its figures change in publication batches only.
#[utoipa::path(get, path = "/api/v1/polls/{id}/events", tag = "polls",
    params(("id" = i64, Path, description = "Poll id"), EventsQuery),
    responses((status = 200, description = "Server-Sent Events: `results`", content_type = "text/event-stream", body = String),
        (status = 404, body = Problem), (status = 503, description = "Too many streams open; `Retry-After` says when to try again (or poll)", body = Problem)))]
async fn poll_events(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Result<Response, ApiError> {
    open(s, ctx, Topic::Poll(id), q).await
}

/// A convention's count as it changes (event `count`, a `SignatureCounts`).
#[utoipa::path(get, path = "/api/v1/conventions/{id}/events", tag = "conventions",
    params(("id" = i64, Path, description = "Convention id"), EventsQuery),
    responses((status = 200, description = "Server-Sent Events: `count`", content_type = "text/event-stream", body = String),
        (status = 404, body = Problem), (status = 503, body = Problem)))]
async fn convention_events(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Result<Response, ApiError> {
    open(s, ctx, Topic::Convention(id), q).await
}

/// A proposal's supports, funding and step as they change (event
/// `proposal`, a `ProposalDetail` without `supported_by_me`).
#[utoipa::path(get, path = "/api/v1/proposals/{id}/events", tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id"), EventsQuery),
    responses((status = 200, description = "Server-Sent Events: `proposal`", content_type = "text/event-stream", body = String),
        (status = 404, body = Problem), (status = 503, body = Problem)))]
async fn proposal_events(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Result<Response, ApiError> {
    open(s, ctx, Topic::Proposal(id), q).await
}

/// The board: one `proposal` event (a `ProposalDetail`) per proposal
/// that changed or was submitted; a reconnecting client gets the ones it
/// missed (the last 64).
#[utoipa::path(get, path = "/api/v1/proposals/events", tag = "proposals",
    params(EventsQuery),
    responses((status = 200, description = "Server-Sent Events: `proposal`", content_type = "text/event-stream", body = String),
        (status = 503, body = Problem)))]
async fn board_events(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Result<Response, ApiError> {
    open(s, ctx, Topic::Board, q).await
}

/// Several items on one stream, for a page with several widgets: each
/// event is named by its topic key (`poll:1`, `convention:2`,
/// `proposal:3`, `board`) and carries what that topic's own stream does.
#[utoipa::path(get, path = "/api/v1/events", tag = "polls",
    params(TopicsQuery),
    responses((status = 200, description = "Server-Sent Events named by topic key", content_type = "text/event-stream", body = String),
        (status = 400, body = Problem), (status = 404, body = Problem), (status = 503, body = Problem)))]
async fn page_events(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<TopicsQuery>,
) -> Result<Response, ApiError> {
    let mut topics = Vec::new();
    for key in q.topics.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let t = Topic::parse(key).ok_or_else(|| {
            let shown: String = key.chars().take(40).collect();
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid-query",
                format!("topics: \"{shown}\" is not poll:ID, convention:ID, proposal:ID or board"),
            )
        })?;
        if !topics.contains(&t) {
            topics.push(t);
        }
    }
    if topics.is_empty() || topics.len() > MAX_TOPICS {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid-query",
            format!("topics: between 1 and {MAX_TOPICS} topic keys"),
        ));
    }
    let last = EventsQuery {
        last_event_id: q.last_event_id,
    };
    open_many(s, ctx, topics, true, last).await
}

/// The event of `topic` now, as JSON.
pub async fn figures(s: &AppState, topic: Topic, now: i64) -> Result<String, ApiError> {
    let json = match topic {
        Topic::Poll(id) => serde_json::to_string(&super::polls::public_results(s, id, now).await?),
        Topic::Convention(id) => {
            serde_json::to_string(&super::conventions::count_view(s, id).await?)
        }
        Topic::Proposal(id) => serde_json::to_string(&super::proposals::detail(s, None, id).await?),
        Topic::Board => return Err(ApiError::not_found("state of the board")),
    };
    json.map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))
}

async fn open(s: AppState, ctx: Ctx, topic: Topic, q: EventsQuery) -> Result<Response, ApiError> {
    open_many(s, ctx, vec![topic], false, q).await
}

/// A stream of `topics`, its events named by topic key when `by_key`.
async fn open_many(
    s: AppState,
    ctx: Ctx,
    topics: Vec<Topic>,
    by_key: bool,
    q: EventsQuery,
) -> Result<Response, ApiError> {
    // Each item must exist, and its first follower finds its state ready.
    for &topic in &topics {
        if topic != Topic::Board && !s.hub.has_state(topic) {
            let data = figures(&s, topic, ctx.now).await?;
            s.hub.publish(topic, data);
        }
    }
    let client = s
        .client_ip(&ctx)
        .map(crate::client_ip::bucket)
        .unwrap_or_default();
    let last = ctx
        .headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(q.last_event_id);
    let mut sub = s
        .hub
        .subscribe(&topics, client, last.as_deref())
        .map_err(refused)?;
    let stream = Stream {
        pending: std::mem::take(&mut sub.first).into(),
        sub,
        by_key,
        hub: s.hub.clone(),
        until: Instant::now() + Duration::from_secs(s.config.stream_max_secs),
        started: false,
        heartbeat: tokio::time::interval_at(
            Instant::now() + Duration::from_secs(HEARTBEAT_SECS),
            Duration::from_secs(HEARTBEAT_SECS),
        ),
    };
    let body = Body::from_stream(futures::stream::unfold(stream, next_frame));
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            // Proxies (nginx) must pass events on as they come.
            (HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        body,
    )
        .into_response())
}

fn refused(r: Refusal) -> ApiError {
    let (code, detail, wait) = match r {
        Refusal::Instance => (
            "too-many-streams",
            "this server has as many live streams open as it takes; poll instead, or try again later",
            30,
        ),
        Refusal::Client => (
            "too-many-streams",
            "this address has as many live streams open as it may; poll instead, or try again later",
            30,
        ),
        Refusal::Closing => (
            "shutting-down",
            "the server is shutting down; try again in a moment",
            5,
        ),
    };
    let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, detail);
    e.retry_after = Some(wait);
    e
}

/// One open stream.
struct Stream {
    sub: Subscription,
    pending: VecDeque<(Topic, Arc<Published>)>,
    /// Events named by topic key (a page's stream) or by kind.
    by_key: bool,
    hub: Arc<crate::live::Hub>,
    until: Instant,
    /// Whether the `retry:` line went out.
    started: bool,
    heartbeat: tokio::time::Interval,
}

/// A comment line that keeps proxies from closing a quiet stream.
const PING: &[u8] = b":ping\n\n";

/// The next bytes of a stream: the frames published (written once for all
/// streams, `crate::live::Published`), a heartbeat when quiet, nothing
/// more once the server shuts down or the stream is old.
async fn next_frame(mut st: Stream) -> Option<(Result<Bytes, Infallible>, Stream)> {
    if !st.started {
        st.started = true;
        return Some((Ok(Bytes::from(format!("retry: {RETRY_MS}\n\n"))), st));
    }
    loop {
        if let Some((_, p)) = st.pending.pop_front() {
            let frame = if st.by_key {
                p.by_key.clone()
            } else {
                p.by_kind.clone()
            };
            st.heartbeat.reset();
            return Some((Ok(frame), st));
        }
        if *st.sub.closing.borrow() {
            return None;
        }
        let woke = {
            let next = futures::future::select_all(
                st.sub
                    .rx
                    .iter_mut()
                    .map(|(t, rx)| Box::pin(async move { (*t, rx.recv().await) })),
            );
            tokio::select! {
                ((topic, got), _, _) = next => Some((topic, got)),
                _ = st.heartbeat.tick() => None,
                _ = st.sub.closing.changed() => return None,
                _ = tokio::time::sleep_until(st.until) => return None,
            }
        };
        match woke {
            None => return Some((Ok(Bytes::from_static(PING)), st)),
            Some((topic, Ok(p))) => st.pending.push_back((topic, p)),
            // Fell behind: states skip to the latest; the board's client
            // reconnects and replays what it missed.
            Some((topic, Err(RecvError::Lagged(_)))) if topic != Topic::Board => {
                let now = st.hub.latest(topic);
                st.pending.extend(now.map(|p| (topic, p)));
            }
            Some(_) => return None,
        }
    }
}

/// Publishes what changed, until the hub closes: gathers the store's
/// change feed, tells the other instances, and recomputes each followed
/// item once however many ballots touched it — at most once per
/// [`MIN_GAP`] per item, so a poll taking hundreds of ballots a second
/// costs its followers two events a second, not hundreds.
pub async fn run_publisher(s: AppState) {
    let feed = s.store.changes().clone();
    let mut closing = s.hub.closing();
    let mut refresh = tokio::time::interval(REFRESH);
    let mut last: HashMap<Topic, Instant> = HashMap::new();
    let mut deferred: HashSet<Topic> = HashSet::new();
    loop {
        tokio::select! {
            _ = feed.rung() => {}
            _ = refresh.tick() => {
                for t in s.hub.watched() {
                    if t != Topic::Board {
                        feed.remote(t);
                    }
                }
            }
            _ = tokio::time::sleep(GATHER * 2), if !deferred.is_empty() => {}
            _ = closing.changed() => return,
        }
        tokio::time::sleep(GATHER).await;
        let (here, mut all) = feed.take();
        if let Err(e) = s.store.tell_others(&here).await {
            tracing::warn!("live counts: could not tell the other instances: {e}");
        }
        all.extend(deferred.drain());
        all.sort();
        all.dedup();
        let watched: HashSet<Topic> = s.hub.watched().into_iter().collect();
        let board = watched.contains(&Topic::Board);
        let now = crate::clock::now_ms();
        last.retain(|_, at| at.elapsed() < MIN_GAP);
        for t in all {
            let on_board = board && matches!(t, Topic::Proposal(_));
            if !watched.contains(&t) && !on_board {
                continue;
            }
            if last.contains_key(&t) {
                deferred.insert(t);
                continue;
            }
            match figures(&s, t, now).await {
                Ok(data) => {
                    let board_data = on_board.then(|| data.clone());
                    s.hub.publish(t, data);
                    // After the item's own state: a client that saw this
                    // board event has seen the state too.
                    if let Some(d) = board_data {
                        s.hub.publish(Topic::Board, d);
                    }
                    last.insert(t, Instant::now());
                }
                Err(e) => tracing::debug!("live counts: {}: {}", t.key(), e.detail),
            }
        }
    }
}
