//! Proposal endpoints ("residents order the dish"): list, submit, detail,
//! support, comments, pledges, ledger, timeline and evaluations. Proposer
//! and commenter names are masked; a proposer's contact is never returned.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tongxin_core::Id;
use tongxin_core::contract::{
    EvaluationsView, LedgerView, ProposalCard, ProposalDetail, ReportReceipt,
};
use tongxin_core::eligibility::Eligibility;
use tongxin_core::mask::mask_name;
use tongxin_core::proposal::funding::{Pledge, PledgeInput};
use tongxin_core::proposal::rules::ResidentAction;
use tongxin_core::proposal::{
    CommentInput, EvaluationInput, Proposal, ProposalDraft, Step, TransitionRecord,
};
use tongxin_core::score::ScoreDistribution;
use tongxin_core::staff::codes::CodeTarget;
use tongxin_core::text::{FieldErrors, TextLimits};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::paging::{PageQuery, with_next};
use super::{AppState, page_limit};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Ctx, reply};
use crate::service;
use crate::storage::{
    Page, ProposalFilter, ProposalSort, PublicComment, PublicEvaluation, SupportState, Voter,
};

/// Residents act on proposals with their device token.
/// Submitting a proposal is open to any device (there is no item yet to
/// carry a policy); staff screen submissions in the 合议 step.
const SUBMIT_POLICY: Eligibility = Eligibility::Open;

/// The voter for `action` on proposal `id`, per the proposal's eligibility.
async fn resident(
    s: &AppState,
    ctx: &Ctx,
    id: Id,
    action: ResidentAction,
) -> Result<Voter, ApiError> {
    let p = service::proposals::get(&s.store, id).await?;
    s.voter(ctx, p.eligibility.of(action))
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_proposals, submit))
        .routes(routes!(get_proposal))
        .routes(routes!(support))
        .routes(routes!(unsupport))
        .routes(routes!(list_comments, add_comment))
        .routes(routes!(report_comment))
        .routes(routes!(list_pledges, pledge))
        .routes(routes!(ledger))
        .routes(routes!(timeline))
        .routes(routes!(list_evaluations, evaluate))
}

/// The public face of a proposal: the proposer's name is masked.
pub(super) fn public(mut p: Proposal) -> Proposal {
    p.proposer_name = mask_name(&p.proposer_name);
    p
}

/// List filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct ProposalListQuery {
    /// Only this step.
    pub step: Option<Step>,
    /// Only inside this scope.
    pub scope_id: Option<Id>,
    /// `newest` (default) or `supports`.
    pub sort: Option<ProposalSort>,
    /// Include withdrawn, rejected and merged proposals.
    pub include_closed: Option<bool>,
    /// Cursor from the previous page.
    #[param(min_length = 1, max_length = 200)]
    pub cursor: Option<String>,
    /// Page size 1–100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Comment order.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct CommentQuery {
    /// `oldest` (default) or `newest`.
    pub order: Option<CommentOrder>,
}

/// Order of a comment list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub(super) enum CommentOrder {
    /// Oldest first (the default).
    Oldest,
    /// Newest first.
    Newest,
}

/// Proposals, filtered and sorted, with cursor pagination.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "proposals", params(ProposalListQuery),
    responses((status = 200, body = Page<ProposalCard>), (status = 400, body = Problem)))]
async fn list_proposals(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ProposalListQuery>,
) -> Result<Json<Page<ProposalCard>>, ApiError> {
    let filter = ProposalFilter {
        step: q.step,
        scope_id: q.scope_id,
        include_closed: q.include_closed.unwrap_or(false),
        sort: q.sort.unwrap_or_default(),
        cursor: q.cursor,
        limit: page_limit(q.limit)?,
    };
    let page = service::proposals::list(&s.store, filter).await?;
    Ok(Json(Page {
        items: page
            .items
            .into_iter()
            .map(|c| ProposalCard {
                proposal: public(c.proposal),
                funding: c.funding,
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Submits a proposal; it starts at the propose step (提议).
#[utoipa::path(post, path = "/api/v1/proposals", tag = "proposals", request_body = ProposalDraft,
    responses((status = 201, body = Proposal), (status = 401, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn submit(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(draft): ApiJson<ProposalDraft>,
) -> Result<Response, ApiError> {
    let voter = s.voter(&ctx, SUBMIT_POLICY)?;
    let meta = ctx.write_meta(&voter.key, &draft)?;
    let threshold = s.config.support_threshold;
    Ok(reply(
        StatusCode::CREATED,
        service::proposals::submit(&s.store, meta, voter, draft, threshold).await?,
    ))
}

/// One proposal with funding totals.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "proposals", params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, body = ProposalDetail), (status = 404, body = Problem)))]
async fn get_proposal(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<ProposalDetail>, ApiError> {
    Ok(Json(detail(&s, Some(&ctx), id).await?))
}

/// The proposal answer; without `ctx` (a live stream's event) as for a
/// viewer nobody knows.
pub(super) async fn detail(
    s: &AppState,
    ctx: Option<&Ctx>,
    id: Id,
) -> Result<ProposalDetail, ApiError> {
    let stored = service::proposals::get(&s.store, id).await?;
    let support_policy = stored.eligibility.support;
    let proposal = public(stored);
    let funding = service::proposals::funding(&s.store, id).await?;
    let viewer = match ctx {
        Some(ctx) => s.viewer(ctx, support_policy)?,
        None => None,
    };
    let supported_by_me = match viewer {
        Some(v) => Some(service::proposals::supports_it(&s.store, id, &v).await?),
        None => None,
    };
    let (channels, meetings) = service::paper::public(
        &s.store,
        CodeTarget::Proposal,
        id,
        u64::from(proposal.supports),
    )
    .await?;
    Ok(ProposalDetail {
        proposal,
        funding,
        supported_by_me,
        channels: Some(channels),
        meetings,
    })
}

/// Supports a proposal in the propose step.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/supports", tag = "proposals", params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 201, body = SupportState), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn support(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    let voter = resident(&s, &ctx, id, ResidentAction::Support).await?;
    let meta = ctx.write_meta(&voter.key, &())?;
    Ok(reply(
        StatusCode::CREATED,
        service::proposals::support(&s.store, meta, id, voter).await?,
    ))
}

/// Withdraws the caller's support.
#[utoipa::path(delete, path = "/api/v1/proposals/{id}/supports/mine", tag = "proposals", params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, body = SupportState), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn unsupport(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    let voter = resident(&s, &ctx, id, ResidentAction::Support).await?;
    let meta = ctx.write_meta(&voter.key, &())?;
    Ok(reply(
        StatusCode::OK,
        service::proposals::unsupport(&s.store, meta, id, voter).await?,
    ))
}

/// Comments (authors masked), threaded one level by `parent_id`. The
/// viewer's own comments that the public no longer sees come with `hidden`
/// (who hid them and why).
#[utoipa::path(get, path = "/api/v1/proposals/{id}/comments", tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id"), CommentQuery),
    responses((status = 200, body = Vec<PublicComment>), (status = 400, body = Problem), (status = 404, body = Problem)))]
async fn list_comments(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiQuery(q): ApiQuery<CommentQuery>,
) -> Result<Json<Vec<PublicComment>>, ApiError> {
    let newest = q.order == Some(CommentOrder::Newest);
    let policy = service::proposals::get(&s.store, id)
        .await?
        .eligibility
        .of(ResidentAction::Comment);
    let viewer = s.viewer(&ctx, policy)?;
    Ok(Json(
        service::comments::list(&s.store, id, newest, viewer).await?,
    ))
}

/// Adds a comment or a reply to a top-level comment.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/comments", tag = "proposals", params(("id" = i64, Path, description = "Proposal id")),
    request_body = CommentInput,
    responses((status = 201, body = PublicComment), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn add_comment(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<Response, ApiError> {
    let voter = resident(&s, &ctx, id, ResidentAction::Comment).await?;
    let meta = ctx.write_meta(&voter.key, &input)?;
    Ok(reply(
        StatusCode::CREATED,
        service::comments::add(&s.store, meta, id, voter, input).await?,
    ))
}

/// A moderation report.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ReportInput {
    /// Why, optional, up to 200 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// Reports a comment for moderation; hidden from the public list after
/// three reports from different residents. Reporting again is a no-op.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/comments/{comment_id}/reports", tag = "proposals",
    params(("id" = i64, Path, description = "Proposal id"), ("comment_id" = i64, Path, description = "Comment id")),
    request_body = ReportInput,
    responses((status = 200, body = ReportReceipt), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn report_comment(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath((id, comment_id)): ApiPath<(Id, Id)>,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<Json<ReportReceipt>, ApiError> {
    let reason = input
        .reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty());
    if let Some(r) = &reason {
        let mut e = FieldErrors::new();
        e.text("reason", r, TextLimits::line(1, 200));
        e.into_result().map_err(ApiError::invalid)?;
    }
    let voter = resident(&s, &ctx, id, ResidentAction::Report).await?;
    let meta = ctx.write_meta(&voter.key, &reason)?;
    Ok(Json(
        service::comments::report(&s.store, meta, id, comment_id, voter, reason).await?,
    ))
}

/// Pledges, newest first, a page at a time (`Link: rel="next"`).
#[utoipa::path(get, path = "/api/v1/proposals/{id}/pledges", tag = "proposals", params(("id" = i64, Path, description = "Proposal id"), PageQuery),
    responses((status = 200, body = Vec<Pledge>, headers(("link" = String, description = "The next page, when there is one"))),
        (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_pledges(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let (items, next) = q.page(service::proposals::pledges(&s.store, id).await?, &ctx.path)?;
    Ok(with_next(Json(items), next))
}

/// Pledges money (integer fen) to an active proposal with a funding goal.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/pledges", tag = "proposals", params(("id" = i64, Path, description = "Proposal id")),
    request_body = PledgeInput,
    responses((status = 201, body = Pledge), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn pledge(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiJson(input): ApiJson<PledgeInput>,
) -> Result<Response, ApiError> {
    let voter = resident(&s, &ctx, id, ResidentAction::Pledge).await?;
    let meta = ctx.write_meta(&voter.key, &input)?;
    Ok(reply(
        StatusCode::CREATED,
        service::proposals::pledge(&s.store, meta, id, voter, input).await?,
    ))
}

/// The public ledger: money received and spent, with running balance.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/ledger", tag = "proposals", params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, body = LedgerView), (status = 404, body = Problem)))]
async fn ledger(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<LedgerView>, ApiError> {
    Ok(Json(LedgerView {
        funding: service::proposals::funding(&s.store, id).await?,
        entries: service::proposals::ledger(&s.store, id).await?,
    }))
}

/// Every transition: who, when, note.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/timeline", tag = "proposals", params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, body = Vec<TransitionRecord>), (status = 404, body = Problem)))]
async fn timeline(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<Vec<TransitionRecord>>, ApiError> {
    Ok(Json(service::proposals::timeline(&s.store, id).await?))
}

/// Evaluations and satisfaction %: the summary of all of them, the items
/// a page at a time (`Link: rel="next"`).
#[utoipa::path(get, path = "/api/v1/proposals/{id}/evaluations", tag = "proposals", params(("id" = i64, Path, description = "Proposal id"), PageQuery),
    responses((status = 200, body = EvaluationsView, headers(("link" = String, description = "The next page of items, when there is one"))),
        (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn list_evaluations(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let all = service::proposals::evaluations(&s.store, id).await?;
    let mut d = ScoreDistribution::default();
    for e in &all {
        d.add(e.score);
    }
    let (items, next) = q.page(all, &ctx.path)?;
    Ok(with_next(
        Json(EvaluationsView {
            summary: d.summary(),
            items,
        }),
        next,
    ))
}

/// Rates the delivered project 1–5 (evaluate step only, once per voter).
#[utoipa::path(post, path = "/api/v1/proposals/{id}/evaluations", tag = "proposals", params(("id" = i64, Path, description = "Proposal id")),
    request_body = EvaluationInput,
    responses((status = 201, body = PublicEvaluation), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn evaluate(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiJson(input): ApiJson<EvaluationInput>,
) -> Result<Response, ApiError> {
    let voter = resident(&s, &ctx, id, ResidentAction::Evaluate).await?;
    let meta = ctx.write_meta(&voter.key, &input)?;
    Ok(reply(
        StatusCode::CREATED,
        service::proposals::evaluate(&s.store, meta, id, voter, input).await?,
    ))
}
