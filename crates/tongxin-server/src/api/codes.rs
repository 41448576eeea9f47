//! Household codes under `/api/v1/admin/codes`: issue them for an item and
//! a building, count them used / unused per building (the console's code
//! sheets and its "participation by unit"), and revoke the unused ones.
//! A building head hands out and counts the codes of their own units.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongxin_core::Id;
use tongxin_core::poll::PollStatus;
use tongxin_core::scope::ScopeTree;
use tongxin_core::staff::Power;
use tongxin_core::staff::codes::{
    CodeRequest, CodeSummary, CodeTarget, IssuedCodes, MAX_CODES_PER_REQUEST, RevokeCodes,
    RevokedCodes, participation_permille,
};
use tongxin_core::text::FieldErrors;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Caller, Staff};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiQuery};
use crate::service;
use crate::voter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue_codes, code_summary))
        .routes(routes!(revoke_codes))
}

impl AppState {
    /// The scope of the item a code is for (404 when there is no such item).
    async fn code_item_scope(&self, target: CodeTarget, id: Id) -> Result<Id, ApiError> {
        Ok(match target {
            CodeTarget::Poll => service::polls::get(&self.store, id).await?.0.scope_id,
            CodeTarget::Convention => service::conventions::get(&self.store, id).await?.scope_id,
            CodeTarget::Proposal => service::proposals::get(&self.store, id).await?.scope_id,
            CodeTarget::Budget => service::budgets::get(&self.store, id).await?.0.scope_id,
        })
    }

    /// Checks that `unit` lies inside the item's scope, then that the
    /// caller may hand out codes there (a building head in their building).
    async fn authorize_codes(
        &self,
        who: &Caller,
        target: CodeTarget,
        id: Id,
        unit: Option<Id>,
    ) -> Result<(), ApiError> {
        let scope = self.code_item_scope(target, id).await?;
        if let Some(u) = unit {
            let tree = ScopeTree::new(service::scopes::list(&self.store).await?);
            if tree.get(u).is_none() || !tree.is_within(u, scope) {
                return Err(ApiError::field(
                    "validation-failed",
                    "unit_id",
                    "the unit must lie inside the item's scope",
                ));
            }
        }
        self.authorize(who, Power::HandOutCodes, Some(unit.unwrap_or(scope)))
            .await
    }
}

/// Issues one-time household codes for an item, for one unit (building)
/// inside its scope.
#[utoipa::path(post, path = "/api/v1/admin/codes", tag = "admin", request_body = CodeRequest,
    responses((status = 201, body = IssuedCodes), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn issue_codes(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(req): ApiJson<CodeRequest>,
) -> Result<Response, ApiError> {
    if !(1..=MAX_CODES_PER_REQUEST).contains(&req.count) {
        let mut e = FieldErrors::new();
        e.add("count", "must be between 1 and 2,000");
        return Err(ApiError::invalid(e));
    }
    s.authorize_codes(&who, req.target, req.target_id, req.unit_id)
        .await?;
    let codes = (0..req.count)
        .map(|_| voter::new_code())
        .collect::<Result<Vec<_>, _>>()?;
    let hashes = codes
        .iter()
        .map(|c| voter::code_hash(&s.config.pepper, c))
        .collect();
    service::codes::issue(
        &s.store,
        ctx.staff_meta(),
        req.target,
        req.target_id,
        req.unit_id,
        hashes,
    )
    .await?;
    let issued = IssuedCodes {
        target: req.target,
        target_id: req.target_id,
        unit_id: req.unit_id,
        codes,
    };
    Ok((StatusCode::CREATED, Json(issued)).into_response())
}

/// Which item's codes to count.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct CodeQuery {
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
}

/// An item's codes per unit: issued, used, revoked, and the participation
/// they measure (used / households). Building heads see their own units.
#[utoipa::path(get, path = "/api/v1/admin/codes", tag = "admin", params(CodeQuery),
    responses((status = 200, body = CodeSummary), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn code_summary(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiQuery(q): ApiQuery<CodeQuery>,
) -> Result<Json<CodeSummary>, ApiError> {
    let scope = s.code_item_scope(q.target, q.target_id).await?;
    let tree = ScopeTree::new(service::scopes::list(&s.store).await?);
    let households = tree.households();
    let sees_all = s
        .authorize(&who, Power::SeeParticipation, Some(scope))
        .await;
    let sees = |unit: Option<Id>| {
        sees_all.is_ok()
            || unit.is_some_and(|u| {
                tongxin_core::staff::allows(&who.grants, Power::SeeParticipation, Some(u), &tree)
            })
    };
    let mut units: Vec<_> = service::codes::counts(&s.store, q.target, q.target_id)
        .await?
        .into_iter()
        .filter(|u| sees(u.unit_id))
        .collect();
    if units.is_empty()
        && !tongxin_core::staff::allows_part(&who.grants, Power::SeeParticipation, scope, &tree)
    {
        // Nothing of theirs in this item's scope: refused like any other.
        sees_all?;
    }
    // Participation of an open anonymous poll or round moves in whole
    // batches, like its results.
    let secret_open = match q.target {
        CodeTarget::Poll => {
            let (poll, _) = service::polls::get(&s.store, q.target_id).await?;
            poll.anonymous && poll.status(ctx.now) != PollStatus::Closed
        }
        CodeTarget::Budget => {
            let (round, _) = service::budgets::get(&s.store, q.target_id).await?;
            round.anonymous && round.status(ctx.now) != PollStatus::Closed
        }
        _ => false,
    };
    for u in &mut units {
        if secret_open {
            u.round_used(s.config.secret_batch);
        }
        let unit = u.unit_id.and_then(|id| tree.get(id));
        u.unit_name = unit.map(|sc| sc.name.clone());
        u.households = u.unit_id.and_then(|id| households.get(&id).copied());
        u.participation_permille = participation_permille(u.used, u.households);
    }
    Ok(Json(CodeSummary {
        target: q.target,
        target_id: q.target_id,
        units,
    }))
}

/// Revokes the unused codes of an item (one unit's, or every unit's): a
/// lost or leftover slip opens nothing any more. Used codes stay.
#[utoipa::path(post, path = "/api/v1/admin/codes/revoke", tag = "admin", request_body = RevokeCodes,
    responses((status = 200, body = RevokedCodes), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn revoke_codes(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(req): ApiJson<RevokeCodes>,
) -> Result<Json<RevokedCodes>, ApiError> {
    s.authorize_codes(&who, req.target, req.target_id, req.unit_id)
        .await?;
    let revoked = service::codes::revoke(
        &s.store,
        ctx.staff_meta(),
        req.target,
        req.target_id,
        req.unit_id,
    )
    .await?;
    Ok(Json(RevokedCodes { revoked }))
}
