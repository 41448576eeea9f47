//! `POST /api/v1/admin/scopes/import`: the scope tree from a CSV, as
//! community offices keep it in Excel. Core reads the file and plans the
//! changes against the tree; each change is authorized like the single
//! operation it stands for (creating under a scope, changing its count);
//! then the plan is applied in one transaction, or, on a dry run, only
//! reported.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::State;
use tongxin_core::Id;
use tongxin_core::scope_import::{
    ImportReport, ImportRequest, ImportStep, Parent, parse_csv, plan,
};
use tongxin_core::staff::Power;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AppState, Staff};
use crate::error::{ApiError, Problem};
use crate::extract::ApiJson;
use crate::service;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import_scopes))
}

/// The existing scope each step acts inside (`None`: a new district, the
/// whole tree's business).
fn targets(steps: &[ImportStep]) -> BTreeSet<Option<Id>> {
    let anchor = |mut parent: Parent| loop {
        match parent {
            Parent::Root => return None,
            Parent::Existing(id) => return Some(id),
            Parent::Planned(i) => match &steps[i] {
                ImportStep::Create { parent: p, .. } => parent = *p,
                ImportStep::SetHouseholds { id, .. } => return Some(*id),
            },
        }
    };
    steps
        .iter()
        .map(|s| match s {
            ImportStep::Create { parent, .. } => anchor(*parent),
            ImportStep::SetHouseholds { id, .. } => Some(*id),
        })
        .collect()
}

/// Imports scopes and household counts from CSV (header
/// `区,街道,社区,居民小组,楼栋,户数`): missing scopes are created under
/// the scope of the same name path, different counts replaced; importing
/// the same file again changes nothing. All or nothing.
#[utoipa::path(post, path = "/api/v1/admin/scopes/import", tag = "admin", request_body = ImportRequest, security(("staff" = [])),
    responses((status = 200, body = ImportReport), (status = 401, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)))]
async fn import_scopes(
    State(s): State<AppState>,
    Staff(ctx, who): Staff,
    ApiJson(req): ApiJson<ImportRequest>,
) -> Result<Json<ImportReport>, ApiError> {
    s.require_power(&who, Power::Run).await?;
    let rows = parse_csv(&req.csv).map_err(ApiError::invalid)?;
    let (steps, unchanged) = plan(&service::scopes::list(&s.store).await?, &rows);
    for target in targets(&steps) {
        s.authorize(&who, Power::Run, target).await?;
    }
    let mut report = ImportReport {
        dry_run: req.dry_run,
        unchanged,
        ..ImportReport::default()
    };
    for step in &steps {
        match step {
            ImportStep::Create { .. } => report.created += 1,
            ImportStep::SetHouseholds { .. } => report.updated += 1,
        }
    }
    if !req.dry_run && !steps.is_empty() {
        let (created, updated) = service::scopes::import(&s.store, ctx.staff_meta(), steps).await?;
        (report.created, report.updated) = (created, updated);
    }
    Ok(Json(report))
}
