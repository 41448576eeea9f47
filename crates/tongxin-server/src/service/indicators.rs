//! Governance indicators as a service: answers come from snapshots that
//! a periodic job recomputes (every `TONGXIN_INDICATORS_REFRESH_SECS`), so
//! a busy board never recounts the database per visitor. A first request
//! for a scope and period computes and stores its snapshot; every answer
//! says when it was computed. The figures themselves are
//! `tongxin_core::indicators`; the counting is the store's SQL.

use std::sync::Arc;
use std::time::Duration;

use tongxin_core::indicators::definitions::Definition;
use tongxin_core::indicators::period::civil_from_days;
use tongxin_core::indicators::view::{IndicatorDetail, SeriesPoint};
use tongxin_core::indicators::{self, Ctx, Facts, IndicatorsView, Period};
use tongxin_core::{Id, Millis};

use crate::clock::now_ms;
use crate::storage::sql::indicators as rows;
use crate::storage::{Store, StoreError, StoreResult, WriteMeta};

/// Snapshots nobody asked for in this long are dropped by the job.
pub const KEEP_UNASKED_MS: i64 = 30 * 86_400_000;

/// Computes and stores the snapshot of `scope` over `period`; returns its JSON.
async fn compute_and_save(
    store: &Arc<Store>,
    facts: &Arc<Facts>,
    scope: Id,
    period: Period,
    now: Millis,
) -> StoreResult<String> {
    let key = period.label.clone();
    // Counting is CPU work: on the blocking pool, off the async workers.
    let facts = facts.clone();
    let body = tokio::task::spawn_blocking(move || {
        let ctx = Ctx::new(&facts, period);
        let view = indicators::compute(&ctx, scope, now).ok_or(StoreError::NotFound("scope"))?;
        Ok::<_, StoreError>(serde_json::to_string(&view)?)
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))??;
    save_snapshot(store, WriteMeta::plain(now), scope, key, body.clone()).await?;
    Ok(body)
}

/// The JSON of the indicators of `scope` over `period`: the stored
/// snapshot as it is (no decoding on the busy path), or a new one.
pub async fn get_json(
    store: &Arc<Store>,
    offset_minutes: i32,
    scope: Id,
    period: Period,
    now: Millis,
) -> StoreResult<String> {
    cached_or_computed(store, offset_minutes, scope, period, now, &mut None).await
}

/// The stored snapshot's JSON, or a new one computed from `facts`, which
/// is read from the store on the first miss only (a series of months
/// reads the facts once, not once a month).
async fn cached_or_computed(
    store: &Arc<Store>,
    offset_minutes: i32,
    scope: Id,
    period: Period,
    now: Millis,
    facts: &mut Option<Arc<Facts>>,
) -> StoreResult<String> {
    if let Some((_, body)) = snapshot(store, scope, &period.label).await? {
        return Ok(body);
    }
    if facts.is_none() {
        *facts = Some(Arc::new(read_facts(store, offset_minutes).await?));
    }
    let facts = facts.as_ref().expect("read just above");
    compute_and_save(store, facts, scope, period, now).await
}

/// The indicators of `scope` over `period`, decoded (for the CSV and the series).
pub async fn get(
    store: &Arc<Store>,
    offset_minutes: i32,
    scope: Id,
    period: Period,
    now: Millis,
) -> StoreResult<IndicatorsView> {
    let body = get_json(store, offset_minutes, scope, period, now).await?;
    Ok(serde_json::from_str(&body)?)
}

/// One indicator over `period`, with each of its months on its own.
pub async fn detail(
    store: &Arc<Store>,
    offset_minutes: i32,
    def: &Definition,
    scope: Id,
    period: Period,
    now: Millis,
) -> StoreResult<IndicatorDetail> {
    let months = period.months();
    let mut facts = None;
    let view = async |p: Period, facts: &mut Option<Arc<Facts>>| -> StoreResult<IndicatorsView> {
        let body = cached_or_computed(store, offset_minutes, scope, p, now, facts).await?;
        Ok(serde_json::from_str(&body)?)
    };
    let whole = view(period, &mut facts).await?;
    let mut series = Vec::with_capacity(months.len());
    for m in months {
        let label = m.label.clone();
        // A clipped first or last month is asked for by its exact days.
        let month = Period::parse(&label, now, offset_minutes)
            .ok()
            .filter(|p| p.first_day == m.first_day && p.end_day == m.end_day)
            .unwrap_or_else(|| Period {
                label: days_label(m.first_day, m.end_day - 1),
                first_day: m.first_day,
                end_day: m.end_day,
                offset_minutes,
            });
        let v = view(month, &mut facts).await?;
        series.push(SeriesPoint {
            month: label,
            value: (def.value)(&v),
        });
    }
    Ok(IndicatorDetail {
        key: def.key.into(),
        unit: def.unit.as_str().into(),
        definition_en: def.en.into(),
        definition_zh: def.zh.into(),
        scope: whole.scope.clone(),
        period: whole.period.clone(),
        value: (def.value)(&whole),
        computed_at: whole.computed_at,
        series,
    })
}

/// Recomputes every snapshot asked for in the last 30 days from one read of
/// the facts; returns how many.
pub async fn refresh(store: &Arc<Store>, offset_minutes: i32, now: Millis) -> StoreResult<usize> {
    let keys = snapshot_keys(store, WriteMeta::plain(now), now - KEEP_UNASKED_MS).await?;
    if keys.is_empty() {
        return Ok(0);
    }
    let facts = Arc::new(read_facts(store, offset_minutes).await?);
    let mut n = 0;
    for (scope, label) in keys {
        let Some(period) = period_of_label(&label, now, offset_minutes) else {
            continue;
        };
        match compute_and_save(store, &facts, scope, period, now).await {
            Ok(_) => n += 1,
            // The scope is gone: its snapshot ages out.
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// What indicators are computed from, counted by the store, with local
/// days at `offset_minutes` from UTC.
async fn read_facts(store: &Store, offset_minutes: i32) -> StoreResult<Facts> {
    store.read(move |c| rows::facts(c, offset_minutes)).await
}

/// The snapshot of `(scope, period)`: when it was computed, and its JSON.
pub async fn snapshot(
    store: &Store,
    scope: Id,
    period: &str,
) -> StoreResult<Option<(Millis, String)>> {
    let period = period.to_owned();
    store.read(move |c| rows::snapshot(c, scope, &period)).await
}

/// Stores a snapshot (the least recently asked-for go beyond a cap).
async fn save_snapshot(
    store: &Store,
    meta: WriteMeta,
    scope: Id,
    period: String,
    body: String,
) -> StoreResult<()> {
    store
        .write_typed(meta, move |c, m| {
            rows::save_snapshot(c, scope, &period, m.now, &body)
        })
        .await
}

/// Drops snapshots first asked for before `before` and lists the rest.
async fn snapshot_keys(
    store: &Store,
    meta: WriteMeta,
    before: Millis,
) -> StoreResult<Vec<(Id, String)>> {
    store
        .write_typed(meta, move |c, _| rows::snapshot_keys(c, before))
        .await
}

/// `2026-03-15..2026-03-31`: the custom period of these local days.
fn days_label(first: i64, last: i64) -> String {
    let f = |d| {
        let (y, m, d) = civil_from_days(d);
        format!("{y}-{m:02}-{d:02}")
    };
    format!("{}..{}", f(first), f(last))
}

/// The period a snapshot key names (a clipped month is `a..b` already).
fn period_of_label(label: &str, now: Millis, offset_minutes: i32) -> Option<Period> {
    Period::parse(label, now, offset_minutes).ok()
}

/// Starts the periodic job on the current runtime: indicator snapshots,
/// and dropping sign-in records older than
/// [`tongxin_core::staff::SIGN_IN_RECORDS_KEPT_MS`].
pub fn start_refresh(
    store: Arc<Store>,
    offset_minutes: i32,
    every_secs: u64,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(every_secs.max(1)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            let now = now_ms();
            if let Err(e) = refresh(&store, offset_minutes, now).await {
                tracing::warn!("indicator snapshots: {e}");
            }
            // Sign-in records are kept as long as they can tell anything.
            let before = now - tongxin_core::staff::SIGN_IN_RECORDS_KEPT_MS;
            if let Err(e) = super::staff::purge_sign_ins(&store, now, before).await {
                tracing::warn!("sign-in records: {e}");
            }
        }
    })
}
