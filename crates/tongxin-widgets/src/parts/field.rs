//! A form field: label, the input (given as children), a hint and the
//! field's error right under it. The input should carry `id`,
//! `aria-describedby=described_by(id)` so screen readers read hint and error,
//! and `aria-invalid=invalid(error)`; the error is a live region, so it is
//! announced when it appears.

use leptos::prelude::*;

/// The ids of a field's hint and error, for the input's `aria-describedby`.
pub fn described_by(id: &str) -> String {
    format!("{id}-hint {id}-error")
}

/// The input's `aria-invalid` while `error` is set (an attribute on the
/// input itself: cheaper in the bundles than the field finding its input).
pub fn invalid(error: Signal<Option<String>>) -> impl Fn() -> Option<&'static str> {
    move || error.with(Option::is_some).then_some("true")
}

/// The error of `field` as the resident reads it: the catalogue's
/// `err_<field>` message when the field has any error.
pub fn field_error(
    errors: Signal<tongxin_core::text::FieldErrors>,
    field: &'static str,
    i18n: StoredValue<crate::i18n::I18n>,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        errors.with(|e| {
            e.0.contains_key(field)
                .then(|| i18n.with_value(|i| i.t(&format!("err_{field}"))))
        })
    })
}

/// A labelled field with its error.
#[component]
pub fn Field(
    /// The id of the input inside.
    #[prop(into)]
    id: String,
    /// The label.
    #[prop(into)]
    label: String,
    /// Help under the input (may change as the resident types).
    #[prop(optional, into)]
    hint: MaybeProp<String>,
    /// The field's error, shown in red under the input.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// The input.
    children: Children,
) -> impl IntoView {
    view! {
        <div class="tx-field" class:tx-invalid=move || error.with(Option::is_some)>
            <label class="tx-field-label" for=id.clone()>{label}</label>
            {children()}
            <p class="tx-hint" id=format!("{id}-hint")>{move || hint.get()}</p>
            <p class="tx-field-error" id=format!("{id}-error") aria-live="polite">{move || error.get()}</p>
        </div>
    }
}
