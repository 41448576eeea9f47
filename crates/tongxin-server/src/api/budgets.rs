//! Budget round endpoints: read a round, cast / change / withdraw a ballot,
//! my ballot, results (hidden until the round shows them), their CSV and
//! the round in Pabulib's format; staff open, edit and confirm rounds under
//! `/api/v1/admin/budgets`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongxin_core::budget::{BudgetBallot, BudgetConfirm, BudgetDraft, BudgetEdit, BudgetRound};
use tongxin_core::contract::{BudgetReceipt, BudgetResultsView, BudgetView, MyBudgetBallot};
use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::{PollStatus, ResultVisibility};
use tongxin_core::staff::Power;
use tongxin_core::staff::codes::CodeTarget;
use tongxin_core::{Id, export};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Staff};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Ctx, reply};
use crate::service;
use crate::storage::{Voter, WriteMeta};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_budgets))
        .routes(routes!(get_budget))
        .routes(routes!(budget_cast))
        .routes(routes!(budget_my_ballot, budget_change, budget_retract))
        .routes(routes!(budget_results))
        .routes(routes!(budget_results_csv))
        .routes(routes!(budget_pabulib))
        .routes(routes!(create_budget))
        .routes(routes!(update_budget))
        .routes(routes!(budget_confirm))
}

impl AppState {
    /// A round as shown now: its ballots rounded to the publication batch
    /// while an anonymous round is open.
    async fn budget_view(&self, round: BudgetRound, ballots: u64, now: i64) -> BudgetView {
        BudgetView {
            status: round.status(now),
            ballots: round.ballots_shown(ballots, now, self.config.secret_batch),
            total_cost_fen: round.total_cost_fen(),
            round,
        }
    }

    /// The voter and write metadata for a write on round `id`.
    async fn budget_writer(
        &self,
        ctx: &Ctx,
        id: Id,
        body: &impl serde::Serialize,
    ) -> Result<(Voter, WriteMeta), ApiError> {
        let (round, _) = service::budgets::get(&self.store, id).await?;
        let voter = self.voter(ctx, round.eligibility)?;
        let meta = if round.anonymous {
            ctx.secret_write_meta(&voter.key, self.config.secret_batch)?
        } else {
            ctx.write_meta(&voter.key, body)?
        };
        Ok((voter, meta))
    }

    /// Whether the caller may see the round's results now: by its
    /// visibility (after their own vote, or after close), or as staff who
    /// see participation in its scope.
    async fn budget_results_visible(
        &self,
        ctx: &Ctx,
        round: &BudgetRound,
    ) -> Result<bool, ApiError> {
        if round.results_visible(ctx.now, false)
            || self
                .staff_may(ctx, Power::SeeParticipation, Some(round.scope_id))
                .await?
        {
            return Ok(true);
        }
        if round.visibility != ResultVisibility::AfterVote {
            return Ok(false);
        }
        Ok(match self.viewer(ctx, round.eligibility)? {
            Some(v) => service::budgets::mine(&self.store, round.id, &v)
                .await?
                .is_some(),
            None => false,
        })
    }
}

/// List filter.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct BudgetListQuery {
    /// Only rounds inside this scope.
    pub scope_id: Option<Id>,
}

/// Budget rounds, optionally inside a scope.
#[utoipa::path(get, path = "/api/v1/budgets", tag = "budgets", params(BudgetListQuery),
    responses((status = 200, body = Vec<BudgetView>), (status = 400, body = Problem)))]
async fn list_budgets(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiQuery(q): ApiQuery<BudgetListQuery>,
) -> Result<Json<Vec<BudgetView>>, ApiError> {
    let mut out = Vec::new();
    for r in service::budgets::list(&s.store, q.scope_id).await? {
        let (round, tally) = service::budgets::get(&s.store, r.id).await?;
        out.push(s.budget_view(round, tally.ballots, ctx.now).await);
    }
    Ok(Json(out))
}

/// One round with its projects and their costs.
#[utoipa::path(get, path = "/api/v1/budgets/{id}", tag = "budgets", params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = BudgetView), (status = 404, body = Problem)))]
async fn get_budget(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<BudgetView>, ApiError> {
    let (round, tally) = service::budgets::get(&s.store, id).await?;
    Ok(Json(s.budget_view(round, tally.ballots, ctx.now).await))
}

/// Casts a first ballot: `{"projects": [id, …]}`. A ballot the round's rule
/// refuses (over the fund, too many or too few projects, unknown or
/// repeated projects) is `422` naming the rule, with nothing written.
#[utoipa::path(post, path = "/api/v1/budgets/{id}/ballots", tag = "budgets", params(("id" = i64, Path, description = "Round id")),
    request_body = BudgetBallot,
    responses((status = 201, body = BudgetReceipt), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn budget_cast(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiJson(ballot): ApiJson<BudgetBallot>,
) -> Result<Response, ApiError> {
    let (voter, meta) = s.budget_writer(&ctx, id, &ballot).await?;
    Ok(reply(
        StatusCode::CREATED,
        service::budgets::cast(&s.store, meta, id, voter, ballot).await?,
    ))
}

/// The voter's own ballot (`projects: null` in an anonymous round); 204 when
/// they have not voted, and always 204 in an anonymous round with household
/// codes (whoever holds a printed slip must not learn when it was used).
#[utoipa::path(get, path = "/api/v1/budgets/{id}/ballots/mine", tag = "budgets", params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = MyBudgetBallot), (status = 204, description = "Not voted yet"), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn budget_my_ballot(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    let (round, _) = service::budgets::get(&s.store, id).await?;
    let voter = s.require_viewer(&ctx, round.eligibility)?;
    if round.anonymous && round.eligibility == Eligibility::Code {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(match service::budgets::mine(&s.store, id, &voter).await? {
        Some(b) => Json(b).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// Replaces the voter's ballot while voting is open, where the round allows.
#[utoipa::path(put, path = "/api/v1/budgets/{id}/ballots/mine", tag = "budgets", params(("id" = i64, Path, description = "Round id")),
    request_body = BudgetBallot,
    responses((status = 200, body = BudgetReceipt), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn budget_change(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
    ApiJson(ballot): ApiJson<BudgetBallot>,
) -> Result<Response, ApiError> {
    let (voter, meta) = s.budget_writer(&ctx, id, &ballot).await?;
    Ok(reply(
        StatusCode::OK,
        service::budgets::change(&s.store, meta, id, voter, ballot).await?,
    ))
}

/// Withdraws the voter's ballot while voting is open, where the round allows.
#[utoipa::path(delete, path = "/api/v1/budgets/{id}/ballots/mine", tag = "budgets", params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = BudgetReceipt), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn budget_retract(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    let (voter, meta) = s.budget_writer(&ctx, id, &()).await?;
    Ok(reply(
        StatusCode::OK,
        service::budgets::retract(&s.store, meta, id, voter).await?,
    ))
}

/// The results: approvals per project, the funded line, the money left
/// and, for equal shares, the round each project was bought in and the
/// most one supporter paid. `visible: false` and `results: null` until the
/// round shows them; staff of its scope always see them.
#[utoipa::path(get, path = "/api/v1/budgets/{id}/results", tag = "budgets", params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = BudgetResultsView), (status = 404, body = Problem)))]
async fn budget_results(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<BudgetResultsView>, ApiError> {
    let (round, tally) = service::budgets::get(&s.store, id).await?;
    let visible = s.budget_results_visible(&ctx, &round).await?;
    let status = round.status(ctx.now);
    let shown = round.ballots_shown(tally.ballots, ctx.now, s.config.secret_batch);
    let (mut channels, meetings) =
        service::paper::public(&s.store, CodeTarget::Budget, id, tally.ballots).await?;
    if round.anonymous && status != PollStatus::Closed {
        channels = channels.rounded(shown, s.config.secret_batch);
    }
    Ok(Json(BudgetResultsView {
        budget_id: id,
        status,
        visible,
        confirmed: round.confirmed_at.is_some(),
        results: visible.then(|| (*service::budget_results::results(&round, &tally)).clone()),
        channels: Some(channels),
        meetings,
    }))
}

fn hidden() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "results-hidden",
        "this round shows its results only later; the export follows its rule",
    )
}

/// The results as CSV, one row per project (as public as the JSON).
#[utoipa::path(get, path = "/api/v1/budgets/{id}/results.csv", tag = "budgets", params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The round does not show its results yet (`results-hidden`).")))]
async fn budget_results_csv(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    let (round, tally) = service::budgets::get(&s.store, id).await?;
    if !s.budget_results_visible(&ctx, &round).await? {
        return Err(hidden());
    }
    let (channels, _) =
        service::paper::public(&s.store, CodeTarget::Budget, id, tally.ballots).await?;
    let body = export::budget_results(
        &service::budget_results::results(&round, &tally),
        Some(&channels),
    );
    Ok(super::exports::csv(
        format!("tongxin-budget-{id}-results.csv"),
        body,
    ))
}

/// The closed round in Pabulib's `.pb` format (pabulib.org): its projects
/// with approvals and results, and the votes as approval lists numbered in
/// a fixed order, without voters.
#[utoipa::path(get, path = "/api/v1/budgets/{id}/pabulib.pb", tag = "budgets", params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, content_type = "text/plain", body = String), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "Voting is not closed, or the round does not show its results yet.")))]
async fn budget_pabulib(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    let (round, tally) = service::budgets::get(&s.store, id).await?;
    if round.status(ctx.now) != PollStatus::Closed
        || !s.budget_results_visible(&ctx, &round).await?
    {
        return Err(hidden());
    }
    let body = round.pabulib(&tally, &service::budget_results::results(&round, &tally));
    Ok(super::exports::attachment(
        "text/plain; charset=utf-8",
        format!("tongxin-budget-{id}.pb"),
        body,
    ))
}

/// Opens a budget round over projects of a scope (staff of the scope).
#[utoipa::path(post, path = "/api/v1/admin/budgets", tag = "admin", request_body = BudgetDraft,
    responses((status = 201, body = BudgetRound), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_budget(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(draft): ApiJson<BudgetDraft>,
) -> Result<Response, ApiError> {
    s.authorize(&who, Power::Run, Some(draft.scope_id)).await?;
    let round = service::budgets::create(&s.store, ctx.staff_meta(), draft).await?;
    Ok((StatusCode::CREATED, Json(round)).into_response())
}

/// Edits a round's texts or window (`close_now` closes voting).
#[utoipa::path(patch, path = "/api/v1/admin/budgets/{id}", tag = "admin", request_body = BudgetEdit, params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = BudgetRound), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_budget(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(edit): ApiJson<BudgetEdit>,
) -> Result<Json<BudgetRound>, ApiError> {
    let scope = service::budgets::get(&s.store, id).await?.0.scope_id;
    s.authorize(&who, Power::Run, Some(scope)).await?;
    Ok(Json(
        service::budgets::update(&s.store, ctx.staff_meta(), id, edit).await?,
    ))
}

/// Confirms the winners of a closed round: `{}` for the computed ones, or
/// `{"override_funded": [ids], "reason": "…"}` (the reason is shown beside
/// the results). Each funded proposal receives its cost from the community
/// fund in its ledger and is adopted at 决议.
#[utoipa::path(post, path = "/api/v1/admin/budgets/{id}/confirm", tag = "admin", request_body = BudgetConfirm, params(("id" = i64, Path, description = "Round id")),
    responses((status = 200, body = BudgetRound), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn budget_confirm(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(input): ApiJson<BudgetConfirm>,
) -> Result<Json<BudgetRound>, ApiError> {
    let scope = service::budgets::get(&s.store, id).await?.0.scope_id;
    s.authorize(&who, Power::Run, Some(scope)).await?;
    Ok(Json(
        service::budgets::confirm(&s.store, ctx.staff_meta(), id, input, who.who.clone()).await?,
    ))
}
