//! A searchable unit picker that works on phones: a filter box over a short
//! scrollable list of radio buttons (native keyboard and screen-reader
//! behaviour, 44 px targets), instead of a long `<select>` nobody can search.

use leptos::prelude::*;
use tongxin_core::Id;

use super::field::invalid;
use super::units::{Unit, filter};
use crate::i18n::I18n;

/// Lists with more units than this get a filter box.
const SEARCH_FROM: usize = 6;

/// The picker.
#[component]
pub fn UnitPicker(
    /// Units to choose from.
    #[prop(into)]
    units: Signal<Vec<Unit>>,
    /// The chosen unit.
    #[prop(into)]
    selected: Signal<Option<Id>>,
    /// Called with the unit the resident picks.
    on_pick: Callback<Id>,
    /// An error about the choice.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// The legend. Default: "your building or residents' group".
    #[prop(optional, into)]
    legend: Option<String>,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let none_match = i18n.t("unit_none_match");
    let search_label = i18n.t("unit_search");
    let i = i18n.clone();
    let chosen = move || {
        let id = selected.get()?;
        units.with(|u| {
            u.iter()
                .find(|u| u.id == id)
                .map(|u| i.x("unit_chosen", &u.label))
        })
    };
    view! {
        <fieldset class="tx-fieldset tx-field" class:tx-invalid=move || error.with(Option::is_some) id="tx-unit_id" aria-describedby="tx-unit-error">
            <legend class="tx-field-label">{legend.unwrap_or_else(|| i18n.t("unit_label"))}</legend>
            {move || (units.with(Vec::len) > SEARCH_FROM).then(|| view! {
                <input
                    class="tx-input"
                    type="search"
                    enterkeyhint="search"
                    placeholder=search_label.clone()
                    aria-label=search_label.clone()
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                    on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default() }
                />
            })}
            <div class="tx-unit-list">
                {move || {
                    let all = units.get();
                    let q = query.get();
                    let shown = filter(&all, &q);
                    if shown.is_empty() {
                        return view! { <p class="tx-hint">{none_match.clone()}</p> }.into_any();
                    }
                    shown
                        .into_iter()
                        .map(|u| {
                            let id = u.id;
                            view! {
                                <label class="tx-option">
                                    <input
                                        type="radio"
                                        name="tx-unit"
                                        aria-invalid=invalid(error)
                                        value=id.to_string()
                                        prop:checked=move || selected.get() == Some(id)
                                        on:change=move |_| on_pick.run(id)
                                    />
                                    <span>{u.label.clone()}</span>
                                </label>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </div>
            <p class="tx-hint" aria-live="polite">{chosen}</p>
            <p class="tx-field-error" id="tx-unit-error" aria-live="polite">{move || error.get()}</p>
        </fieldset>
    }
}
