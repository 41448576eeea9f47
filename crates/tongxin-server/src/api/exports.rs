//! Open-data exports as CSV (UTF-8 with BOM, `tongxin_core::export`):
//! poll results, a convention's masked signatures, proposals with their
//! step and funding, a proposal's ledger and evaluations. Each is public
//! exactly as far as its JSON twin is (results only once the poll shows
//! them, or to staff of its scope); the JSON twins are the ordinary
//! endpoints (`/results`, `/signatures`, `/proposals`, `/ledger`,
//! `/evaluations`).

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongxin_core::Id;
use tongxin_core::contract::{ProposalCard, ProposalSort};
use tongxin_core::export;
use tongxin_core::proposal::Step;
use tongxin_core::staff::Power;
use tongxin_core::staff::codes::CodeTarget;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::proposals::public;
use crate::error::{ApiError, Problem};
use crate::extract::{ApiPath, ApiQuery, Ctx};
use crate::service;
use crate::storage::ProposalFilter;

/// Most rows read per page while an export gathers a whole list.
const PAGE: u32 = 100;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(results_csv))
        .routes(routes!(signatures_csv))
        .routes(routes!(proposals_csv))
        .routes(routes!(ledger_csv))
        .routes(routes!(evaluations_csv))
}

/// A download: `body` as `content_type`, saved as `name`.
pub(super) fn attachment(content_type: &str, name: String, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// A CSV download.
pub(super) fn csv(name: String, body: String) -> Response {
    attachment("text/csv; charset=utf-8", name, body)
}

/// A poll's results, one row per figure.
#[utoipa::path(get, path = "/api/v1/polls/{id}/results.csv", tag = "polls", params(("id" = i64, Path, description = "Poll id")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The poll does not show its results yet (`results-hidden`).")))]
async fn results_csv(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    let (poll, tally) = super::polls::poll_shown(&s, id, ctx.now).await?;
    let visible = poll.results_visible(ctx.now, false)
        || s.staff_may(&ctx, Power::SeeParticipation, Some(poll.scope_id))
            .await?;
    if !visible {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "results-hidden",
            "this poll shows its results only later; the export follows its rule",
        ));
    }
    let (mut channels, meetings) =
        service::paper::public(&s.store, CodeTarget::Poll, id, tally.ballots).await?;
    if poll.anonymous && poll.status(ctx.now) != tongxin_core::poll::PollStatus::Closed {
        channels = channels.rounded(tally.ballots, s.config.secret_batch);
    }
    let body = export::poll_results(
        id,
        tally.ballots,
        &tally.results(&poll),
        Some(&channels),
        &meetings,
    );
    Ok(csv(format!("tongxin-poll-{id}-results.csv"), body))
}

/// A convention's signatures as the public list shows them (masked names).
#[utoipa::path(get, path = "/api/v1/conventions/{id}/signatures.csv", tag = "conventions", params(("id" = i64, Path, description = "Convention id")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = Problem)))]
async fn signatures_csv(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    service::conventions::get(&s.store, id).await?;
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = service::conventions::signatures(&s.store, id, cursor, PAGE).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let units: HashMap<Id, String> = service::scopes::list(&s.store)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    Ok(csv(
        format!("tongxin-convention-{id}-signatures.csv"),
        export::signatures(&all, &units),
    ))
}

/// Filters of the proposals export.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct ProposalsExportQuery {
    /// Only inside this scope.
    pub scope_id: Option<Id>,
    /// Only this step.
    pub step: Option<Step>,
    /// Also rejected, merged and withdrawn proposals (default true).
    pub include_closed: Option<bool>,
}

/// Proposals with step, supports and funding.
#[utoipa::path(get, path = "/api/v1/proposals.csv", tag = "proposals", params(ProposalsExportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = Problem)))]
async fn proposals_csv(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ProposalsExportQuery>,
) -> Result<Response, ApiError> {
    let mut all: Vec<ProposalCard> = Vec::new();
    let mut cursor = None;
    loop {
        let page = service::proposals::list(
            &s.store,
            ProposalFilter {
                step: q.step,
                scope_id: q.scope_id,
                include_closed: q.include_closed.unwrap_or(true),
                sort: ProposalSort::Newest,
                cursor,
                limit: PAGE,
            },
        )
        .await?;
        all.extend(page.items.into_iter().map(|c| ProposalCard {
            proposal: public(c.proposal),
            funding: c.funding,
        }));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    Ok(csv("tongxin-proposals.csv".into(), export::proposals(&all)))
}

/// A proposal's public ledger.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/ledger.csv", tag = "proposals", params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = Problem)))]
async fn ledger_csv(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    service::proposals::get(&s.store, id).await?;
    let entries = service::proposals::ledger(&s.store, id).await?;
    Ok(csv(
        format!("tongxin-proposal-{id}-ledger.csv"),
        export::ledger(id, &entries),
    ))
}

/// A proposal's evaluations.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/evaluations.csv", tag = "proposals", params(("id" = i64, Path, description = "Proposal id")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = Problem)))]
async fn evaluations_csv(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<Id>,
) -> Result<Response, ApiError> {
    service::proposals::get(&s.store, id).await?;
    let list = service::proposals::evaluations(&s.store, id).await?;
    Ok(csv(
        format!("tongxin-proposal-{id}-evaluations.csv"),
        export::evaluations(id, &list),
    ))
}
