//! What staff see and do around keyed answers: open a batch (optionally
//! keyed twice), read a batch's counts and discrepancies, list an item's
//! batches, enter and void a meeting's count, and read an item's answers
//! by channel and building against its households.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tongxin_core::Id;
use tongxin_core::paper::{
    Channel, ChannelSummary, Channels, MeetingTally, MeetingTallyDraft, PaperBatch,
    PaperBatchDraft, UnitChannels,
};
use tongxin_core::poll::secrecy::rounded_participation;
use tongxin_core::scope::ScopeTree;
use tongxin_core::staff::codes::CodeTarget;
use tongxin_core::staff::{Power, allows, allows_part};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Staff};
use crate::error::{ApiError, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::service;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_batch, list_batches))
        .routes(routes!(get_batch))
        .routes(routes!(record_meeting, list_meetings))
        .routes(routes!(void_meeting))
        .routes(routes!(channel_summary))
}

/// Which item.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct ItemQuery {
    /// Kind of item.
    pub target: CodeTarget,
    /// Item id.
    pub target_id: Id,
}

/// Why a meeting tally is voided.
#[derive(Debug, Deserialize, ToSchema, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VoidReason {
    /// Why (kept in the audit log), 2–200 characters.
    pub reason: String,
}

impl AppState {
    /// Checks the caller may key or see participation somewhere in the item.
    async fn may_see(&self, who: &super::Caller, scope: Id) -> Result<(), ApiError> {
        let tree = ScopeTree::new(service::scopes::list(&self.store).await?);
        let any = [Power::EnterPaper, Power::SeeParticipation]
            .into_iter()
            .any(|p| allows_part(&who.grants, p, scope, &tree));
        if any {
            return Ok(());
        }
        self.authorize(who, Power::SeeParticipation, Some(scope))
            .await
    }
}

/// Opens a batch of paper or door-to-door slips for an item; with
/// `double_entry` every slip counts only once two different people keyed
/// the same.
#[utoipa::path(post, path = "/api/v1/admin/paper-batches", tag = "paper", request_body = PaperBatchDraft,
    responses((status = 201, body = PaperBatch), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn open_batch(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(draft): ApiJson<PaperBatchDraft>,
) -> Result<Response, ApiError> {
    let item = s.paper_item(draft.target, draft.target_id, ctx.now).await?;
    // A building head opens batches for their part of the item; each
    // slip is still checked against the unit it is for.
    s.may_see(&who, item.scope).await?;
    let b = service::paper::open_batch(&s.store, ctx.staff_meta(), draft, who.who).await?;
    Ok((StatusCode::CREATED, Json(b)).into_response())
}

/// An item's batches, newest first.
#[utoipa::path(get, path = "/api/v1/admin/paper-batches", tag = "paper", params(ItemQuery),
    responses((status = 200, body = Vec<PaperBatch>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn list_batches(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiQuery(q): ApiQuery<ItemQuery>,
) -> Result<Json<Vec<PaperBatch>>, ApiError> {
    let item = s.paper_item(q.target, q.target_id, ctx.now).await?;
    s.may_see(&who, item.scope).await?;
    Ok(Json(
        service::paper::batches(&s.store, q.target, q.target_id).await?,
    ))
}

/// A batch: counted, voided, waiting for a second keying, and every slip
/// two people keyed differently with what each keyed.
#[utoipa::path(get, path = "/api/v1/admin/paper-batches/{id}", tag = "paper",
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, body = PaperBatch), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_batch(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
) -> Result<Json<PaperBatch>, ApiError> {
    let b = service::paper::batch(&s.store, id).await?;
    let item = s.paper_item(b.target, b.target_id, ctx.now).await?;
    s.may_see(&who, item.scope).await?;
    Ok(Json(b))
}

/// Enters a residents' meeting's count (place, day, chair, attendees and
/// hands per option, or in favour), kept apart from individual answers.
#[utoipa::path(post, path = "/api/v1/admin/meeting-tallies", tag = "paper", request_body = MeetingTallyDraft,
    responses((status = 201, body = MeetingTally), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn record_meeting(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(draft): ApiJson<MeetingTallyDraft>,
) -> Result<Response, ApiError> {
    let item = s.paper_item(draft.target, draft.target_id, ctx.now).await?;
    s.may_key(&who, item.scope, draft.unit_id).await?;
    let t = service::paper::record_meeting(&s.store, ctx.staff_meta(), draft, who.who).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

/// An item's meeting tallies, voided ones marked.
#[utoipa::path(get, path = "/api/v1/admin/meeting-tallies", tag = "paper", params(ItemQuery),
    responses((status = 200, body = Vec<MeetingTally>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn list_meetings(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiQuery(q): ApiQuery<ItemQuery>,
) -> Result<Json<Vec<MeetingTally>>, ApiError> {
    let item = s.paper_item(q.target, q.target_id, ctx.now).await?;
    s.may_see(&who, item.scope).await?;
    Ok(Json(
        service::paper::meetings(&s.store, q.target, q.target_id).await?,
    ))
}

/// Voids a meeting tally with a reason.
#[utoipa::path(post, path = "/api/v1/admin/meeting-tallies/{id}/void", tag = "paper", request_body = VoidReason,
    params(("id" = i64, Path, description = "Meeting tally id")),
    responses((status = 200, body = MeetingTally), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn void_meeting(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiPath(id): ApiPath<Id>,
    ApiJson(req): ApiJson<VoidReason>,
) -> Result<Json<MeetingTally>, ApiError> {
    let t = service::paper::meeting(&s.store, id).await?;
    let item = s
        .paper_item(t.draft.target, t.draft.target_id, ctx.now)
        .await?;
    s.may_key(&who, item.scope, t.draft.unit_id).await?;
    Ok(Json(
        service::paper::void_meeting(&s.store, ctx.staff_meta(), id, req.reason).await?,
    ))
}

/// An item's answers by channel and by building, against the households
/// living there: what a building head's running count shows. Building
/// heads see their own buildings; while an anonymous item is open the
/// figures move in publication batches.
#[utoipa::path(get, path = "/api/v1/admin/channels", tag = "paper", params(ItemQuery),
    responses((status = 200, body = ChannelSummary), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn channel_summary(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiQuery(q): ApiQuery<ItemQuery>,
) -> Result<Json<ChannelSummary>, ApiError> {
    let item = s.paper_item(q.target, q.target_id, ctx.now).await?;
    s.may_see(&who, item.scope).await?;
    let tree = ScopeTree::new(service::scopes::list(&s.store).await?);
    let households = tree.households();
    let sees = |unit: Option<Id>| {
        [Power::EnterPaper, Power::SeeParticipation]
            .into_iter()
            .any(|p| allows(&who.grants, p, Some(unit.unwrap_or(item.scope)), &tree))
    };
    let mut units: BTreeMap<Option<Id>, UnitChannels> = BTreeMap::new();
    let blank = |unit_id: Option<Id>| UnitChannels {
        unit_id,
        unit_name: unit_id.and_then(|u| tree.get(u)).map(|sc| sc.name.clone()),
        households: unit_id.and_then(|u| households.get(&u).copied()),
        online: None,
        paper: 0,
        door: 0,
        meeting: 0,
    };
    for (unit, channel, n) in service::paper::by_unit(&s.store, q.target, q.target_id).await? {
        let u = units.entry(unit).or_insert_with(|| blank(unit));
        match channel {
            Channel::Paper => u.paper += n,
            Channel::Door => u.door += n,
            _ => {}
        }
    }
    for m in service::paper::meetings(&s.store, q.target, q.target_id).await? {
        if m.voided_at.is_none() {
            let unit = m.draft.unit_id;
            units.entry(unit).or_insert_with(|| blank(unit)).meeting +=
                u64::from(m.draft.attendees);
        }
    }
    if item.coded {
        for c in service::codes::counts(&s.store, q.target, q.target_id).await? {
            let u = units.entry(c.unit_id).or_insert_with(|| blank(c.unit_id));
            u.online = Some(u64::from(c.used).saturating_sub(u.paper + u.door));
        }
    }
    let hide = item.secret && !item.closed;
    let batch = s.config.secret_batch;
    let round = |n: u64| u64::from(rounded_participation(n.min(u32::MAX as u64) as u32, batch));
    let units: Vec<UnitChannels> = units
        .into_values()
        .filter(|u| sees(u.unit_id))
        .map(|mut u| {
            if hide {
                u.paper = round(u.paper);
                u.door = round(u.door);
                u.online = u.online.map(round);
            }
            u
        })
        .collect();
    let mut channels = Channels::default();
    for u in &units {
        channels.online += u.online.unwrap_or(0);
        channels.paper += u.paper;
        channels.door += u.door;
        channels.meeting += u.meeting;
    }
    Ok(Json(ChannelSummary {
        target: q.target,
        target_id: q.target_id,
        channels,
        units,
    }))
}
