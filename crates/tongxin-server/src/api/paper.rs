//! Paper and door-to-door answers under `/api/v1/admin/paper-…`: staff and
//! building heads key ballots, signatures and supports from slips, within
//! their scope (a building head for their building), and void one with a
//! reason. A slip with a household code counts for that household, so
//! the same household online is refused (and the reverse), naming the
//! channel of the first answer in the problem's `channel` member.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use tongxin_core::eligibility::Eligibility;
use tongxin_core::paper::{
    BallotTarget, EntryState, Household, PaperBallot, PaperEntry, PaperSignature, PaperSupport,
    VoidEntry, mask_code,
};
use tongxin_core::poll::PollStatus;
use tongxin_core::scope::ScopeTree;
use tongxin_core::staff::Power;
use tongxin_core::staff::codes::CodeTarget;
use tongxin_core::text::FieldErrors;
use tongxin_core::{Id, convention::SignatureInput, convention::SignerRole};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Caller, Staff};
use crate::error::{ApiError, ChannelProblem, Problem};
use crate::extract::{ApiJson, ApiPath, Ctx, reply};
use crate::service::{self, paper::Answer};
use crate::storage::{Reply, Voter, WriteMeta};
use crate::voter;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(paper_ballot))
        .routes(routes!(paper_signature))
        .routes(routes!(paper_support))
        .routes(routes!(void_entry))
}

/// What keying needs to know of an item.
pub(super) struct PaperItem {
    /// Its scope.
    pub scope: Id,
    /// Whether it takes household codes.
    pub coded: bool,
    /// Whether its answers are secret (anonymous poll or round).
    pub secret: bool,
    /// Whether it is closed (its exact figures may show).
    pub closed: bool,
}

impl AppState {
    /// The item's scope and rules (404 when there is no such item).
    pub(super) async fn paper_item(
        &self,
        target: CodeTarget,
        id: Id,
        now: i64,
    ) -> Result<PaperItem, ApiError> {
        let store = &self.store;
        Ok(match target {
            CodeTarget::Poll => {
                let (p, _) = service::polls::get(store, id).await?;
                PaperItem {
                    scope: p.scope_id,
                    coded: p.eligibility == Eligibility::Code,
                    secret: p.anonymous,
                    closed: p.status(now) == PollStatus::Closed,
                }
            }
            CodeTarget::Budget => {
                let (r, _) = service::budgets::get(store, id).await?;
                PaperItem {
                    scope: r.scope_id,
                    coded: r.eligibility == Eligibility::Code,
                    secret: r.anonymous,
                    closed: r.status(now) == PollStatus::Closed,
                }
            }
            CodeTarget::Convention => {
                let c = service::conventions::get(store, id).await?;
                PaperItem {
                    scope: c.scope_id,
                    coded: c.eligibility == Eligibility::Code,
                    secret: false,
                    closed: !c.is_open(now),
                }
            }
            CodeTarget::Proposal => {
                let p = service::proposals::get(store, id).await?;
                PaperItem {
                    scope: p.scope_id,
                    coded: p.eligibility.support == Eligibility::Code,
                    secret: false,
                    closed: false,
                }
            }
        })
    }

    /// Checks that `unit` lies inside `scope`.
    pub(super) async fn unit_inside(&self, unit: Id, scope: Id) -> Result<(), ApiError> {
        let tree = ScopeTree::new(service::scopes::list(&self.store).await?);
        if tree.get(unit).is_none() || !tree.is_within(unit, scope) {
            return Err(ApiError::field(
                "validation-failed",
                "unit_id",
                "the unit must lie inside the item's scope",
            ));
        }
        Ok(())
    }

    /// Checks the caller may key for the item (anywhere in it, or in a
    /// unit of it: a building head keys for their building), the unit
    /// lying inside the item's scope.
    pub(super) async fn may_key(
        &self,
        who: &Caller,
        scope: Id,
        unit: Option<Id>,
    ) -> Result<(), ApiError> {
        if let Some(u) = unit {
            self.unit_inside(u, scope).await?;
        }
        self.authorize(who, Power::EnterPaper, Some(unit.unwrap_or(scope)))
            .await
    }

    /// Resolves a slip's household: the code's voter and unit (items with
    /// codes), or a fresh voter in the unit given (items without); then
    /// checks that the caller may key for that unit.
    async fn household(
        &self,
        who: &Caller,
        target: CodeTarget,
        id: Id,
        h: &Household,
        item: &PaperItem,
    ) -> Result<(Voter, Option<Id>, Option<(String, String)>), ApiError> {
        h.validate().map_err(ApiError::invalid)?;
        let (voter, unit, slip) = match (&h.code, item.coded) {
            (Some(code), true) => {
                let v = voter::code_voter(&self.config.pepper, code);
                let hash = v.code_hash.clone().unwrap_or_default();
                let unit = service::paper::code_unit(&self.store, target, id, hash.clone()).await?;
                let label = mask_code(&voter::normalise_code(code));
                (v, unit, Some((format!("code:{hash}"), label)))
            }
            (None, true) => {
                return Err(ApiError::field(
                    "validation-failed",
                    "code",
                    "this item takes household codes: key the code printed on the slip",
                ));
            }
            (Some(_), false) => {
                return Err(ApiError::field(
                    "validation-failed",
                    "code",
                    "this item has no household codes: give the unit instead",
                ));
            }
            (None, false) => {
                let Some(unit) = h.unit_id else {
                    return Err(ApiError::field(
                        "validation-failed",
                        "unit_id",
                        "a slip without a code is counted per building: give its unit",
                    ));
                };
                let slip = h.slip.as_ref().map(|s| {
                    let s = s.trim().to_uppercase();
                    (format!("slip:{s}"), s)
                });
                (voter::uncoded_voter()?, Some(unit), slip)
            }
        };
        self.may_key(who, item.scope, unit).await?;
        Ok((voter, unit, slip))
    }

    /// Keys one slip and answers `201` (counted) or `202` (waiting for a
    /// second keying, or in dispute).
    async fn key_slip(
        &self,
        ctx: &Ctx,
        who: &Caller,
        target_id: Id,
        h: &Household,
        answer: Answer,
        body: &impl serde::Serialize,
    ) -> Result<Response, ApiError> {
        let target = answer.target();
        let item = self.paper_item(target, target_id, ctx.now).await?;
        let (voter, unit, slip) = self.household(who, target, target_id, h, &item).await?;
        let by = who.who.clone();
        let meta = self.paper_meta(ctx, &by, item.secret, body)?;
        let entry = service::paper::Entry {
            target_id,
            answer,
            voter,
            unit,
            channel: h.channel,
            batch_id: h.batch_id,
            slip,
            by,
        };
        let r = service::paper::enter(&self.store, meta, entry).await?;
        Ok(reply(entry_status(&r), r))
    }

    /// Write metadata of a keying: the staff member's idempotency keys (an
    /// offline phone resends its queue safely), and for a secret item no
    /// trace of the choice in any stored record.
    fn paper_meta(
        &self,
        ctx: &Ctx,
        by: &str,
        secret: bool,
        body: &impl serde::Serialize,
    ) -> Result<WriteMeta, ApiError> {
        let caller = format!("staff:{by}");
        if secret {
            ctx.secret_write_meta(&caller, self.config.secret_batch)
        } else {
            ctx.write_meta(&caller, body)
        }
    }
}

fn entry_status(r: &Reply) -> StatusCode {
    match serde_json::from_str::<PaperEntry>(&r.body).map(|e| e.state) {
        Ok(EntryState::Counted) => StatusCode::CREATED,
        _ => StatusCode::ACCEPTED,
    }
}

/// Keys a paper or door-to-door ballot for a poll or a budget round:
/// `201` counted; `202` waiting for its second keying in a double-entry
/// batch (or keyed differently by two people); `409` `already-voted` with
/// `channel` when the household already took part.
#[utoipa::path(post, path = "/api/v1/admin/paper-ballots", tag = "paper", request_body = PaperBallot,
    responses((status = 201, body = PaperEntry), (status = 202, body = PaperEntry), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = ChannelProblem), (status = 422, body = Problem)))]
async fn paper_ballot(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(req): ApiJson<PaperBallot>,
) -> Result<Response, ApiError> {
    let bad = |e: serde_json::Error| ApiError::field("validation-failed", "ballot", e.to_string());
    let answer = match req.target {
        BallotTarget::Poll => {
            Answer::Poll(serde_json::from_value(req.ballot.clone()).map_err(bad)?)
        }
        BallotTarget::Budget => {
            Answer::Budget(serde_json::from_value(req.ballot.clone()).map_err(bad)?)
        }
    };
    s.key_slip(&ctx, &who, req.target_id, &req.household, answer, &req)
        .await
}

/// Keys a signature from a printed convention sheet (the name as written;
/// the household's building from its code, or the unit given).
#[utoipa::path(post, path = "/api/v1/admin/paper-signatures", tag = "paper", request_body = PaperSignature,
    responses((status = 201, body = PaperEntry), (status = 202, body = PaperEntry), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = ChannelProblem), (status = 422, body = Problem)))]
async fn paper_signature(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(req): ApiJson<PaperSignature>,
) -> Result<Response, ApiError> {
    let item = s
        .paper_item(CodeTarget::Convention, req.convention_id, ctx.now)
        .await?;
    // The signer's unit: the code's, else the one given.
    let unit = match &req.household.code {
        Some(code) if item.coded => {
            let hash = voter::code_hash(&s.config.pepper, code);
            service::paper::code_unit(&s.store, CodeTarget::Convention, req.convention_id, hash)
                .await?
        }
        _ => req.household.unit_id,
    };
    let Some(unit_id) = unit else {
        let mut e = FieldErrors::new();
        e.add("unit_id", "a signature names the signer's building");
        return Err(ApiError::invalid(e));
    };
    let input = SignatureInput {
        display_name: req.name.clone(),
        unit_id,
        team: req.team.clone(),
        role: SignerRole::default(),
        version: None,
        agreed: true,
    };
    input.validate().map_err(ApiError::invalid)?;
    let answer = Answer::Signature(input);
    s.key_slip(&ctx, &who, req.convention_id, &req.household, answer, &req)
        .await
}

/// Keys a support written on paper for a proposal.
#[utoipa::path(post, path = "/api/v1/admin/paper-supports", tag = "paper", request_body = PaperSupport,
    responses((status = 201, body = PaperEntry), (status = 202, body = PaperEntry), (status = 401, body = Problem),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = ChannelProblem), (status = 422, body = Problem)))]
async fn paper_support(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(req): ApiJson<PaperSupport>,
) -> Result<Response, ApiError> {
    s.key_slip(
        &ctx,
        &who,
        req.proposal_id,
        &req.household,
        Answer::Support,
        &req,
    )
    .await
}

/// Voids a counted entry with a reason: its answer leaves the figures and
/// the household may answer again. For an anonymous item, key the slip's
/// choice again in `ballot`.
#[utoipa::path(post, path = "/api/v1/admin/paper-entries/{id}/void", tag = "paper", request_body = VoidEntry,
    params(("id" = i64, Path, description = "Entry id")),
    responses((status = 200, body = PaperEntry), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn void_entry(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(req): ApiJson<VoidEntry>,
) -> Result<Response, ApiError> {
    let (target, item_id, unit) = service::paper::entry_place(&s.store, id).await?;
    let item = s.paper_item(target, item_id, ctx.now).await?;
    s.may_key(&who, item.scope, unit).await?;
    let meta = s.paper_meta(&ctx, &who.who, item.secret, &req)?;
    let r = service::paper::void(&s.store, meta, id, req).await?;
    Ok(reply(StatusCode::OK, r))
}
