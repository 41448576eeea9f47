//! A 1–5 rating as a segmented row of native radio buttons (arrow keys and
//! screen readers work as for any radio group; 44 px targets). Used by the
//! satisfaction poll and by proposal evaluations.

use leptos::prelude::*;

use super::Text;
use crate::i18n::I18n;

/// Five radios, 1 to 5.
#[component]
pub fn RatingInput(
    /// What is rated (the group's legend).
    #[prop(into)]
    legend: String,
    /// The radio group's name (unique on the page).
    #[prop(into)]
    name: String,
    /// The chosen rating.
    #[prop(into)]
    value: Signal<Option<u8>>,
    /// Called with the rating the resident picks.
    on_change: Callback<u8>,
    /// Strings ("{n} 分").
    i18n: I18n,
) -> impl IntoView {
    view! {
        <fieldset class="tx-fieldset">
            <legend class="tx-item-label"><Text text=legend lang=i18n.lang() /></legend>
            <div class="tx-segmented tx-stars">
                {(1u8..=5)
                    .map(|s| {
                        view! {
                            <label class="tx-segment">
                                <input
                                    type="radio"
                                    name=name.clone()
                                    value=s.to_string()
                                    prop:checked=move || value.get() == Some(s)
                                    on:change=move |_| on_change.run(s)
                                />
                                <span>{i18n.n("score_n", s)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}
