//! Accessible horizontal result bars in SVG: one bar per row with its label,
//! count and percentage, an optional threshold line, `role="img"` with a
//! text alternative, and the same figures as a table for screen readers.

use super::{Text, fmt1};
use crate::i18n::Lang;
use leptos::prelude::*;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    /// Label.
    pub label: String,
    /// Figure shown after the bar, e.g. "441 票 · 83.8%".
    pub value: String,
    /// Bar length, 0–100.
    pub percent: f64,
    /// Drawn in the accent colour (e.g. the viewer's own choice, the winner).
    pub highlight: bool,
}

/// A set of bars.
#[component]
pub fn ResultBars(
    /// The rows, in display order.
    rows: Vec<BarRow>,
    /// A vertical threshold line at this percentage (e.g. 80 for adoption).
    #[prop(optional)]
    threshold: Option<f64>,
    /// Label of the threshold line.
    #[prop(optional, into)]
    threshold_label: String,
    /// Caption of the hidden table ("Results in detail").
    #[prop(into)]
    caption: String,
    /// Column headings of the hidden table: option, figure.
    headings: (String, String),
    /// The widget's language (to mark labels in the other one).
    lang: Lang,
) -> impl IntoView {
    let alt = rows
        .iter()
        .map(|r| format!("{}: {}", r.label, r.value))
        .collect::<Vec<_>>()
        .join("; ");
    let alt = match threshold {
        Some(_) => format!("{alt}. {threshold_label}"),
        None => alt,
    };
    let table_rows = rows.clone();
    view! {
        <div class="tx-bars">
            <div role="img" aria-label=alt>
                {rows
                    .into_iter()
                    .map(|r| {
                        let width = fmt1(r.percent.clamp(0.0, 100.0));
                        view! {
                            <div class="tx-bar-row" aria-hidden="true">
                                <div class="tx-bar-label">
                                    <span><Text text=r.label lang=lang /></span>
                                    <span class="tx-bar-value">{r.value}</span>
                                </div>
                                <svg class="tx-bar" viewBox="0 0 100 8" preserveAspectRatio="none" focusable="false">
                                    <rect class="tx-bar-track" x="0" y="0" width="100" height="8" rx="2"></rect>
                                    <rect
                                        class=if r.highlight { "tx-bar-fill tx-bar-mine" } else { "tx-bar-fill" }
                                        x="0"
                                        y="0"
                                        width=width
                                        height="8"
                                        rx="2"
                                    ></rect>
                                    {threshold
                                        .map(|t| {
                                            let x = fmt1(t.clamp(0.0, 100.0));
                                            view! {
                                                <line class="tx-threshold" x1=x.clone() x2=x y1="0" y2="8"></line>
                                            }
                                        })}
                                </svg>
                            </div>
                        }
                    })
                    .collect_view()}
                {threshold.map(|_| view! { <p class="tx-threshold-label" aria-hidden="true">{threshold_label.clone()}</p> })}
            </div>
            <table class="tx-sr-only">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{headings.0}</th>
                        <th scope="col">{headings.1}</th>
                    </tr>
                </thead>
                <tbody>
                    {table_rows
                        .into_iter()
                        .map(|r| view! {
                            <tr>
                                <th scope="row"><Text text=r.label lang=lang /></th>
                                <td>{r.value}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
