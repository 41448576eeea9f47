//! The convention's figures: the progress bar toward the goal (with the
//! count moving at once after signing), signatures of earlier versions, and
//! the small chart of signatures by building or group.

use leptos::prelude::*;
use tongxin_core::Id;
use tongxin_core::contract::SignatureCounts;

use super::signatories::unit_label;
use crate::i18n::I18n;
use crate::parts::{BarRow, ProgressBar, ResultBars, Unit};

/// Count, goal, "goal reached", earlier versions.
#[component]
pub fn SignatureProgress(
    /// Counts from the server (polled).
    #[prop(into)]
    counts: Signal<Option<SignatureCounts>>,
    /// Signatures sent but not yet counted by the server (optimistic).
    #[prop(into)]
    extra: Signal<u64>,
    /// The goal.
    goal: u64,
    /// The convention's title (names the bar).
    #[prop(into)]
    title: String,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let label = i18n.x("sig_progress_label", &title);
    let count =
        Signal::derive(move || counts.with(|k| k.as_ref().map_or(0, |k| k.count)) + extra.get());
    let i = i18n.clone();
    let text = Signal::derive(move || i.nx("sig_progress", count.get(), goal));
    let (reached, i) = (i18n.t("goal_reached"), i18n);
    view! {
        <ProgressBar label=label value=count max=goal text=text />
        {move || (count.get() >= goal && goal > 0).then(|| view! { <p class="tx-hint tx-goal">{reached.clone()}</p> })}
        {move || counts.with(|k| k.as_ref().filter(|k| k.earlier_versions > 0).map(|k| view! {
            <p class="tx-hint">{i.n("earlier_versions", k.earlier_versions)}</p>
        }))}
    }
}

/// Signatures by unit as bars, the signer's own unit highlighted.
#[component]
pub fn UnitChart(
    /// Counts from the server (polled).
    #[prop(into)]
    counts: Signal<Option<SignatureCounts>>,
    /// Unit names.
    #[prop(into)]
    units: Signal<Vec<Unit>>,
    /// The viewer's unit, if they signed.
    my_unit: Option<Id>,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    move || {
        let rows: Vec<BarRow> = counts.with(|k| {
            let Some(k) = k.as_ref() else {
                return Vec::new();
            };
            let max = k.by_unit.iter().map(|u| u.count).max().unwrap_or(0).max(1);
            let names = units.get();
            k.by_unit
                .iter()
                .filter(|u| u.count > 0)
                .map(|u| BarRow {
                    label: Some(unit_label(&names, u.unit_id))
                        .filter(|l| !l.is_empty())
                        .unwrap_or_else(|| u.name.clone()),
                    value: i18n.n("signatures_n", u.count),
                    percent: u.count as f64 * 100.0 / max as f64,
                    highlight: my_unit == Some(u.unit_id),
                })
                .collect()
        });
        (!rows.is_empty()).then(|| {
            let i = i18n.clone();
            view! {
                <section class="tx-results">
                    <h3 class="tx-subhead">{i.t("by_unit")}</h3>
                    <ResultBars rows=rows caption=i.t("by_unit") headings=(i.t("unit"), i.t("signatures_col")) lang=i.lang() />
                </section>
            }
        })
    }
}
