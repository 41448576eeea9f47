//! Poll endpoints: read a poll, cast / change / retract a ballot, my ballot,
//! results (hidden as `null` where visibility says so) and a cheap count.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::{Ballot, Poll, PollStatus, ResultVisibility, Tally};
use tongxin_core::staff::Power;
use tongxin_core::staff::codes::CodeTarget;
use tongxin_core::{Id, Millis};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Ctx, reply};
use crate::service;
use crate::storage::{BallotReceipt, MyBallot, Voter, WriteMeta};
use tongxin_core::contract::{PollCount, PollView, ResultsView};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_polls))
        .routes(routes!(get_poll))
        .routes(routes!(results))
        .routes(routes!(count))
        .routes(routes!(cast))
        .routes(routes!(my_ballot, change, retract))
}

/// The voter and write metadata for a write on poll `id`, per its eligibility.
async fn poll_writer(
    s: &AppState,
    ctx: &Ctx,
    id: Id,
    body: &impl serde::Serialize,
) -> Result<(Voter, WriteMeta), ApiError> {
    let poll = service::polls::settings(&s.store, id).await?;
    let voter = s.voter(ctx, poll.eligibility)?;
    let meta = if poll.anonymous {
        ctx.secret_write_meta(&voter.key, s.config.secret_batch)?
    } else {
        ctx.write_meta(&voter.key, body)?
    };
    Ok((voter, meta))
}

/// A poll and the figures that may be shown of it now: while an anonymous
/// poll is open, the ones last published ([`tongxin_core::poll::secrecy`]),
/// for residents and staff alike.
pub(super) async fn poll_shown(
    s: &AppState,
    id: Id,
    now: Millis,
) -> Result<(Poll, Tally), ApiError> {
    let (poll, tally) = service::polls::get(&s.store, id).await?;
    let shown = tally.shown(&poll, now);
    Ok((poll, shown))
}

/// List filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct PollListQuery {
    /// Only polls inside this scope.
    pub scope_id: Option<Id>,
}

/// Polls, optionally inside a scope.
#[utoipa::path(get, path = "/api/v1/polls", tag = "polls", params(PollListQuery),
    responses((status = 200, body = Vec<PollView>), (status = 400, body = Problem)))]
async fn list_polls(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<PollListQuery>,
) -> Result<Json<Vec<PollView>>, ApiError> {
    let mut out = Vec::new();
    for p in service::polls::list(&s.store, q.scope_id).await? {
        let (poll, tally) = poll_shown(&s, p.id, ctx.now).await?;
        out.push(PollView {
            status: poll.status(ctx.now),
            ballots: tally.ballots,
            poll,
        });
    }
    Ok(Json(out))
}

/// One poll.
#[utoipa::path(get, path = "/api/v1/polls/{id}", tag = "polls", params(("id" = i64, Path, description = "Poll id")),
    responses((status = 200, body = PollView), (status = 404, body = Problem)))]
async fn get_poll(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<PollView>, ApiError> {
    let (poll, tally) = poll_shown(&s, id, ctx.now).await?;
    Ok(Json(PollView {
        status: poll.status(ctx.now),
        ballots: tally.ballots,
        poll,
    }))
}

/// Results. Hidden results come back with `visible: false` and `results: null`;
/// staff (bearer token) always see them.
#[utoipa::path(get, path = "/api/v1/polls/{id}/results", tag = "polls", params(("id" = i64, Path, description = "Poll id")),
    responses((status = 200, body = ResultsView), (status = 404, body = Problem)))]
async fn results(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<ResultsView>, ApiError> {
    let (poll, tally) = poll_shown(&s, id, ctx.now).await?;
    let viewer = s.viewer(&ctx, poll.eligibility)?;
    let visible = s
        .staff_may(&ctx, Power::SeeParticipation, Some(poll.scope_id))
        .await?
        || match poll.visibility {
            ResultVisibility::AfterVote if !poll.results_visible(ctx.now, false) => match viewer {
                Some(v) => service::polls::my_ballot(&s.store, id, &v).await?.is_some(),
                None => false,
            },
            _ => poll.results_visible(ctx.now, false),
        };
    Ok(Json(results_view(&s, poll, tally, ctx.now, visible).await?))
}

/// The results answer of `poll` with its shown `tally`, the results
/// themselves only when `visible`.
async fn results_view(
    s: &AppState,
    poll: Poll,
    tally: Tally,
    now: Millis,
    visible: bool,
) -> Result<ResultsView, ApiError> {
    let id = poll.id;
    let status = poll.status(now);
    let (mut channels, meetings) =
        service::paper::public(&s.store, CodeTarget::Poll, id, tally.ballots).await?;
    if poll.anonymous && status != PollStatus::Closed {
        channels = channels.rounded(tally.ballots, s.config.secret_batch);
    }
    Ok(ResultsView {
        poll_id: id,
        status,
        ballots: tally.ballots,
        visible,
        visibility: poll.visibility,
        results: visible.then(|| tally.results(&poll)),
        channels: Some(channels),
        meetings,
    })
}

/// The results as anyone may see them (a live stream's event): hidden
/// until the poll says results are public.
pub(super) async fn public_results(
    s: &AppState,
    id: Id,
    now: Millis,
) -> Result<ResultsView, ApiError> {
    let (poll, tally) = poll_shown(s, id, now).await?;
    let visible = poll.results_visible(now, false);
    results_view(s, poll, tally, now, visible).await
}

/// Ballots counted, for progress displays polled every few seconds.
#[utoipa::path(get, path = "/api/v1/polls/{id}/count", tag = "polls", params(("id" = i64, Path, description = "Poll id")),
    responses((status = 200, body = PollCount), (status = 404, body = Problem)))]
async fn count(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<PollCount>, ApiError> {
    let (poll, tally) = poll_shown(&s, id, ctx.now).await?;
    Ok(Json(PollCount {
        poll_id: id,
        ballots: tally.ballots,
        status: poll.status(ctx.now),
    }))
}

/// Casts a first ballot. A second ballot from the same voter is refused
/// with `already-voted` (change it with PUT where the poll allows).
#[utoipa::path(post, path = "/api/v1/polls/{id}/ballots", tag = "polls", params(("id" = i64, Path, description = "Poll id")),
    request_body = Ballot,
    responses((status = 201, body = BallotReceipt), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn cast(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiJson(ballot): ApiJson<Ballot>,
) -> Result<Response, ApiError> {
    let (voter, meta) = poll_writer(&s, &ctx, id, &ballot).await?;
    Ok(reply(
        StatusCode::CREATED,
        service::polls::cast(&s.store, meta, id, voter, ballot).await?,
    ))
}

/// The voter's own ballot (`ballot: null` on anonymous polls); 204 No
/// Content when they have not voted (not an error: browsers would log a 404).
/// On an anonymous poll with household codes it is always 204: whoever
/// holds a printed slip must not learn from it when the household voted.
#[utoipa::path(get, path = "/api/v1/polls/{id}/ballots/mine", tag = "polls", params(("id" = i64, Path, description = "Poll id")),
    responses((status = 200, body = MyBallot), (status = 204, description = "Not voted yet; always 204 on an anonymous poll with household codes"), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn my_ballot(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    let (poll, _) = service::polls::get(&s.store, id).await?;
    let voter = s.require_viewer(&ctx, poll.eligibility)?;
    if poll.anonymous && poll.eligibility == Eligibility::Code {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(
        match service::polls::my_ballot(&s.store, id, &voter).await? {
            Some(b) => Json(b).into_response(),
            None => StatusCode::NO_CONTENT.into_response(),
        },
    )
}

/// Replaces the voter's ballot while the poll is open, where allowed.
#[utoipa::path(put, path = "/api/v1/polls/{id}/ballots/mine", tag = "polls", params(("id" = i64, Path, description = "Poll id")),
    request_body = Ballot,
    responses((status = 200, body = BallotReceipt), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn change(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiJson(ballot): ApiJson<Ballot>,
) -> Result<Response, ApiError> {
    let (voter, meta) = poll_writer(&s, &ctx, id, &ballot).await?;
    Ok(reply(
        StatusCode::OK,
        service::polls::change(&s.store, meta, id, voter, ballot).await?,
    ))
}

/// Retracts the voter's ballot while the poll is open, where allowed.
#[utoipa::path(delete, path = "/api/v1/polls/{id}/ballots/mine", tag = "polls", params(("id" = i64, Path, description = "Poll id")),
    responses((status = 200, body = BallotReceipt), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn retract(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    let (voter, meta) = poll_writer(&s, &ctx, id, &()).await?;
    Ok(reply(
        StatusCode::OK,
        service::polls::retract(&s.store, meta, id, voter).await?,
    ))
}
