//! The staff API under `/api/v1/admin`: create and edit scopes, polls,
//! conventions and proposals, move proposals through the five steps, keep
//! the ledger (household codes: [`super::codes`]). Every operation checks the
//! caller's roles against the scope of what it touches before it writes
//! (an administrator everywhere; staff inside their street or community;
//! building heads hand out codes only).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tongxin_core::Id;
use tongxin_core::convention::{Convention, ConventionDraft, ConventionEdit};
use tongxin_core::poll::{Poll, PollDraft, PollEdit};
use tongxin_core::proposal::funding::{LedgerEntry, LedgerInput};
use tongxin_core::proposal::polls::NewProposalPoll;
use tongxin_core::proposal::{
    Proposal, ProposalDraft, ProposalEdit, TransitionRecord, TransitionRequest,
};
use tongxin_core::scope::Scope;
use tongxin_core::staff::Power;
use tongxin_core::text;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Staff};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiPath, reply};
use crate::service;
use crate::storage::{NewScope, ScopeEdit, Voter};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_scope))
        .routes(routes!(update_scope))
        .routes(routes!(create_poll))
        .routes(routes!(update_poll))
        .routes(routes!(create_convention))
        .routes(routes!(update_convention))
        .routes(routes!(create_proposal))
        .routes(routes!(update_proposal))
        .routes(routes!(create_proposal_poll))
        .routes(routes!(transition))
        .routes(routes!(add_ledger))
}

impl AppState {
    /// [`AppState::authorize`] for running the proposal `id`.
    pub(super) async fn authorize_proposal(
        &self,
        who: &super::Caller,
        id: Id,
    ) -> Result<(), ApiError> {
        let scope = service::proposals::get(&self.store, id).await?.scope_id;
        self.authorize(who, Power::Run, Some(scope)).await
    }
}

fn created<T: Serialize>(v: T) -> Response {
    (StatusCode::CREATED, Json(v)).into_response()
}

/// Creates a scope one level below its parent.
#[utoipa::path(post, path = "/api/v1/admin/scopes", tag = "admin", request_body = NewScope, security(("staff" = [])),
    responses((status = 201, body = Scope), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn create_scope(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(input): ApiJson<NewScope>,
) -> Result<Response, ApiError> {
    s.authorize(&who, Power::Run, input.parent_id).await?;
    Ok(created(
        service::scopes::create(&s.store, ctx.staff_meta(), input).await?,
    ))
}

/// Renames a scope.
#[utoipa::path(patch, path = "/api/v1/admin/scopes/{id}", tag = "admin", request_body = ScopeEdit, params(("id" = i64, Path, description = "Scope id")),
    responses((status = 200, body = Scope), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_scope(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(edit): ApiJson<ScopeEdit>,
) -> Result<Json<Scope>, ApiError> {
    s.authorize(&who, Power::Run, Some(id)).await?;
    Ok(Json(
        service::scopes::update(&s.store, ctx.staff_meta(), id, edit).await?,
    ))
}

/// Creates a poll.
#[utoipa::path(post, path = "/api/v1/admin/polls", tag = "admin", request_body = PollDraft,
    responses((status = 201, body = Poll), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn create_poll(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(draft): ApiJson<PollDraft>,
) -> Result<Response, ApiError> {
    s.authorize(&who, Power::Run, Some(draft.scope_id)).await?;
    Ok(created(
        service::polls::create(&s.store, ctx.staff_meta(), draft).await?,
    ))
}

/// Edits a poll's texts, window or visibility (`close_now` closes it,
/// `clear_closes_at` removes its closing time).
#[utoipa::path(patch, path = "/api/v1/admin/polls/{id}", tag = "admin", request_body = PollEdit, params(("id" = i64, Path, description = "Poll id")),
    responses((status = 200, body = Poll), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_poll(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(edit): ApiJson<PollEdit>,
) -> Result<Json<Poll>, ApiError> {
    let scope = service::polls::get(&s.store, id).await?.0.scope_id;
    s.authorize(&who, Power::Run, Some(scope)).await?;
    Ok(Json(
        service::polls::update(&s.store, ctx.staff_meta(), id, edit).await?,
    ))
}

/// Creates a convention at version 1.
#[utoipa::path(post, path = "/api/v1/admin/conventions", tag = "admin", request_body = ConventionDraft,
    responses((status = 201, body = Convention), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn create_convention(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(draft): ApiJson<ConventionDraft>,
) -> Result<Response, ApiError> {
    s.authorize(&who, Power::Run, Some(draft.scope_id)).await?;
    Ok(created(
        service::conventions::create(&s.store, ctx.staff_meta(), draft).await?,
    ))
}

/// Edits a convention; changing its text publishes a new version.
#[utoipa::path(patch, path = "/api/v1/admin/conventions/{id}", tag = "admin", request_body = ConventionEdit, params(("id" = i64, Path, description = "Convention id")),
    responses((status = 200, body = Convention), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_convention(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(edit): ApiJson<ConventionEdit>,
) -> Result<Json<Convention>, ApiError> {
    let scope = service::conventions::get(&s.store, id).await?.scope_id;
    s.authorize(&who, Power::Run, Some(scope)).await?;
    Ok(Json(
        service::conventions::update(&s.store, ctx.staff_meta(), id, edit).await?,
    ))
}

/// Submits a proposal on residents' behalf (e.g. from a paper form).
#[utoipa::path(post, path = "/api/v1/admin/proposals", tag = "admin", request_body = ProposalDraft,
    responses((status = 201, body = Proposal), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn create_proposal(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(draft): ApiJson<ProposalDraft>,
) -> Result<Response, ApiError> {
    s.authorize(&who, Power::Run, Some(draft.scope_id)).await?;
    let staff = Voter {
        key: "staff".into(),
        code_hash: None,
    };
    Ok(reply(
        StatusCode::CREATED,
        service::proposals::submit(
            &s.store,
            ctx.staff_meta(),
            staff,
            draft,
            s.config.support_threshold,
        )
        .await?,
    ))
}

/// Edits settings: threshold, funding goal, polls, responsible persons.
#[utoipa::path(patch, path = "/api/v1/admin/proposals/{id}", tag = "admin", request_body = ProposalEdit, params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, body = Proposal), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_proposal(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(edit): ApiJson<ProposalEdit>,
) -> Result<Json<Proposal>, ApiError> {
    s.authorize_proposal(&who, id).await?;
    Ok(Json(
        service::proposals::update(&s.store, ctx.staff_meta(), id, edit).await?,
    ))
}

/// Makes the proposal's consultation (群议) or resolution (决议) poll from
/// the proposal and attaches it, in one write: a proposal never points at a
/// poll that was not made, and a role gets one poll (`409
/// poll-already-attached`). With an `Idempotency-Key`, a repeat replays the
/// first answer.
#[utoipa::path(post, path = "/api/v1/admin/proposals/{id}/polls", tag = "admin", request_body = NewProposalPoll, params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 201, body = Poll), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create_proposal_poll(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(req): ApiJson<NewProposalPoll>,
) -> Result<Response, ApiError> {
    s.authorize_proposal(&who, id).await?;
    let meta = ctx.write_meta("staff", &req)?;
    Ok(reply(
        StatusCode::CREATED,
        service::proposals::create_poll(&s.store, meta, id, req.role).await?,
    ))
}

/// Moves a proposal through the five steps, or out of them.
#[utoipa::path(post, path = "/api/v1/admin/proposals/{id}/transitions", tag = "admin", request_body = TransitionRequest, params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 201, body = TransitionRecord), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn transition(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(req): ApiJson<TransitionRequest>,
) -> Result<Response, ApiError> {
    s.authorize_proposal(&who, id).await?;
    if let Err(m) = text::check_text(&req.actor, text::NAME) {
        return Err(ApiError::field("validation-failed", "actor", m));
    }
    let meta = ctx.write_meta("staff", &req)?;
    Ok(reply(
        StatusCode::CREATED,
        service::proposals::transition(
            &s.store,
            meta,
            id,
            req.actor.trim().to_string(),
            req.action,
        )
        .await?,
    ))
}

/// Records money received or spent.
#[utoipa::path(post, path = "/api/v1/admin/proposals/{id}/ledger", tag = "admin", request_body = LedgerInput, params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 201, body = LedgerEntry), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn add_ledger(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(input): ApiJson<LedgerInput>,
) -> Result<Response, ApiError> {
    s.authorize_proposal(&who, id).await?;
    let meta = ctx.write_meta("staff", &input)?;
    Ok(reply(
        StatusCode::CREATED,
        service::proposals::add_ledger(&s.store, meta, id, input).await?,
    ))
}
