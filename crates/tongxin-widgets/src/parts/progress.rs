//! A progress bar toward a goal (signatures, supports, funding), announced
//! to screen readers as `role="progressbar"` with a value text such as
//! "412 of 500 signatures".

use leptos::prelude::*;

/// A bar filled `value / max`, with its text shown beside it.
#[component]
pub fn ProgressBar(
    /// Current value.
    #[prop(into)]
    value: Signal<u64>,
    /// Goal; a goal of 0 shows an empty bar.
    #[prop(into)]
    max: Signal<u64>,
    /// What the figures mean, e.g. "412 of 500 signatures" (shown and read out).
    #[prop(into)]
    text: Signal<String>,
) -> impl IntoView {
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
                aria-valuemin="0"
                aria-valuemax=move || max.get().to_string()
                aria-valuenow=move || value.get().min(max.get()).to_string()
                aria-valuetext=move || text.get()
            >
                <div class="tx-progress-fill" style:width=move || format!("{:.1}%", percent())></div>
            </div>
            <p class="tx-progress-text" aria-hidden="true">{move || text.get()}</p>
        </div>
    }
}
