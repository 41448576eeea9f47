//! A progress bar toward a goal (signatures, supports, funding), announced
//! to screen readers as `role="progressbar"` named after what it measures
//! ("签署进度：碧鸡广场活动文明公约") with a value text such as
//! "412 of 500 signatures".

use super::fmt1;
use leptos::prelude::*;

/// A bar filled `value / max`, with its text shown beside it.
#[component]
pub fn ProgressBar(
    /// The bar's accessible name: what it measures, with the item's title
    /// (several bars on one page must be told apart).
    #[prop(into)]
    label: String,
    /// Current value.
    #[prop(into)]
    value: Signal<u64>,
    /// Goal; a goal of 0 shows an empty bar.
    #[prop(into)]
    max: Signal<u64>,
    /// What the figures mean, e.g. "412 of 500 signatures" (shown and read out).
    #[prop(into)]
    text: Signal<String>,
    /// Of `value`, this much is drawn first in a second colour (e.g. residents'
    /// pledges before organisations'). Default: one colour.
    #[prop(optional, into)]
    first_part: Option<Signal<u64>>,
) -> impl IntoView {
    let share = move |v: u64| {
        let m = max.get();
        if m == 0 {
            0.0
        } else {
            (v as f64 * 100.0 / m as f64).min(100.0)
        }
    };
    let percent = move || {
        let (v, m) = (value.get(), max.get());
        if m == 0 {
            0.0
        } else {
            (v as f64 * 100.0 / m as f64).min(100.0)
        }
    };
    view! {
        <div class="tx-progress">
            <div
                class="tx-progress-track"
                role="progressbar"
                aria-label=label
                aria-valuemin="0"
                aria-valuemax=move || max.get().to_string()
                aria-valuenow=move || value.get().min(max.get()).to_string()
                aria-valuetext=move || text.get()
            >
                {first_part.map(|p| view! {
                    <div class="tx-progress-fill tx-progress-first" style:width=move || format!("{}%", fmt1(share(p.get().min(value.get()))))></div>
                })}
                <div class="tx-progress-fill" style:width=move || {
                    let first = first_part.map(|p| p.get().min(value.get())).unwrap_or(0);
                    format!("{}%", fmt1((percent() - share(first)).max(0.0)))
                }></div>
            </div>
            <p class="tx-progress-text" aria-hidden="true">{move || text.get()}</p>
        </div>
    }
}
