//! The household-code input (入户码) for items that are one per household.

use leptos::prelude::*;

use super::field::{Field, described_by, invalid};
use crate::i18n::I18n;

/// The household code, bound to `code`.
#[component]
pub fn HouseholdCodeField(
    /// The code as typed.
    code: RwSignal<String>,
    /// An error about the code, if any.
    #[prop(optional, into)]
    error: Signal<Option<String>>,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let id = "tx-code";
    view! {
        <Field id=id label=i18n.t("code_label") hint=i18n.t("code_hint") error=error>
            <input
                id=id
                class="tx-input tx-code"
                type="text"
                autocomplete="off"
                autocapitalize="characters"
                inputmode="text"
                maxlength="32"
                aria-describedby=described_by(id)
                aria-invalid=invalid(error)
                prop:value=move || code.get()
                on:input=move |ev| code.set(event_target_value(&ev))
            />
        </Field>
    }
}
