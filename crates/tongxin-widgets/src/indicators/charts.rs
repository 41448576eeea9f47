//! The board's charts, each with its figures as a table: participation by
//! unit and proposals by step (bars), taking part month by month (columns,
//! SVG), and the scope beside its parent and siblings (a table).

use leptos::prelude::*;
use tongxin_core::indicators::IndicatorsView;

use super::format::{name, pct, yuan};
use super::table::{FiguresTable, TableRows};
use crate::i18n::I18n;
use crate::parts::{BarRow, ResultBars, fmt1, step_key};

/// Participation by unit one level down.
#[component]
pub fn UnitChart(
    /// The indicators.
    v: IndicatorsView,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let i = i18n;
    let lang = i.lang();
    let units = v.participation.by_unit;
    if units.is_empty() {
        return None;
    }
    let rows = units
        .iter()
        .map(|u| BarRow {
            label: name(&u.unit, lang),
            value: pct(u.percent, &i),
            percent: u.percent.unwrap_or(0.0),
            highlight: false,
        })
        .collect();
    let table: Vec<Vec<String>> = units
        .iter()
        .map(|u| {
            vec![
                name(&u.unit, lang),
                u.participations.to_string(),
                u.households_invited.to_string(),
                pct(u.percent, &i),
            ]
        })
        .collect();
    let title = i.t("ind_by_unit");
    let rest = v.participation.unattributed;
    Some(view! {
        <section class="tx-ind-chart" data-chart="units">
            <h3 class="tx-subhead">{title.clone()}</h3>
            <ResultBars rows=rows caption=title.clone() headings=(i.t("ind_unit"), i.t("ind_participation")) lang=lang />
            {(rest > 0).then(|| view! { <p class="tx-hint">{i.n("ind_unattributed", rest)}</p> })}
            <FiguresTable
                caption=title
                headings=vec![i.t("ind_unit"), i.t("ind_participations"), i.t("ind_households"), i.t("ind_participation")]
                rows=table
                summary=i.t("ind_table")
            />
        </section>
    })
}

/// Proposals submitted in the period and how far they got, as a funnel.
#[component]
pub fn FunnelChart(
    /// The indicators.
    v: IndicatorsView,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let i = i18n;
    let p = v.proposals;
    let top = p.submitted.max(1) as f64;
    let rows = p
        .funnel
        .iter()
        .map(|s| BarRow {
            label: i.t(step_key(s.step)),
            value: s.count.to_string(),
            percent: s.count as f64 * 100.0 / top,
            highlight: false,
        })
        .collect();
    let table = p
        .funnel
        .iter()
        .map(|s| vec![i.t(step_key(s.step)), s.count.to_string()])
        .collect();
    let title = i.t("ind_funnel");
    let mut facts = vec![i.n("ind_submitted", p.submitted)];
    if p.adoption_percent.is_some() {
        facts.push(i.x("ind_adoption", pct(p.adoption_percent, &i)));
    }
    if let Some(d) = p.median_days_to_resolution {
        facts.push(i.x("ind_median", fmt1(d)));
    }
    view! {
        <section class="tx-ind-chart" data-chart="funnel">
            <h3 class="tx-subhead">{title.clone()}</h3>
            <p class="tx-hint">{facts.join(" · ")}</p>
            <ResultBars rows=rows caption=title.clone() headings=(i.t("ind_step"), i.t("ind_count")) lang=i.lang() />
            <FiguresTable caption=title headings=vec![i.t("ind_step"), i.t("ind_count")] rows=table summary=i.t("ind_table") />
        </section>
    }
}

/// Taking part month by month, as columns.
#[component]
pub fn TrendChart(
    /// The indicators.
    v: IndicatorsView,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let i = i18n;
    let points = v.monthly;
    let max = points
        .iter()
        .map(|m| m.participations)
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let n = points.len().max(1);
    let title = i.t("ind_trend");
    let alt = format!(
        "{title}: {}",
        points
            .iter()
            .map(|m| format!("{} {}", m.month, m.participations))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let first = points.first().map(|m| m.month.clone()).unwrap_or_default();
    let last = points.last().map(|m| m.month.clone()).unwrap_or_default();
    let table = points
        .iter()
        .map(|m| {
            vec![
                m.month.clone(),
                m.participations.to_string(),
                m.proposals.to_string(),
                yuan(m.pledged_fen),
            ]
        })
        .collect();
    let columns = points
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let h = m.participations as f64 * 56.0 / max;
            view! {
                <rect class="tx-trend-bar" x=fmt1(k as f64 * 10.0 + 1.5) y=fmt1(60.0 - h) width="7" height=fmt1(h)></rect>
            }
        })
        .collect_view();
    view! {
        <section class="tx-ind-chart" data-chart="trend">
            <h3 class="tx-subhead">{title.clone()}</h3>
            <svg class="tx-trend" role="img" aria-label=alt viewBox=format!("0 0 {} 60", n * 10) preserveAspectRatio="none" focusable="false">
                {columns}
            </svg>
            <div class="tx-trend-axis" aria-hidden="true"><span>{first}</span><span>{last}</span></div>
            <FiguresTable
                caption=title
                headings=vec![i.t("ind_month"), i.t("ind_participations"), i.t("ind_proposals"), i.t("ind_funds")]
                rows=table
                summary=i.t("ind_table")
            />
        </section>
    }
}

/// The scope beside its parent and siblings.
#[component]
pub fn CompareTable(
    /// The indicators.
    v: IndicatorsView,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let i = i18n;
    let lang = i.lang();
    let c = v.compare;
    if c.parent.is_none() && c.siblings.is_empty() {
        return None;
    }
    let rows = c
        .parent
        .iter()
        .chain(std::iter::once(&v.headline))
        .chain(c.siblings.iter())
        .map(|h| {
            vec![
                name(&h.scope, lang),
                pct(h.participation_percent, &i),
                pct(h.resolution_percent, &i),
                pct(h.satisfaction_percent, &i),
            ]
        })
        .collect::<Vec<_>>();
    let headings = [
        "ind_scope",
        "ind_participation",
        "ind_resolution",
        "ind_satisfaction",
    ]
    .map(|k| i.t(k))
    .to_vec();
    Some(view! {
        <section class="tx-ind-chart" data-chart="compare">
            <h3 class="tx-subhead">{i.t("ind_compare")}</h3>
            <table class="tx-ind-compare">
                <TableRows headings=headings rows=rows />
            </table>
        </section>
    })
}
