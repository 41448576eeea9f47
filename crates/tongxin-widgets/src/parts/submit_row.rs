//! The buttons under a ballot form: send (reading "正在提交…" while busy)
//! and, while a ballot is being changed, cancel.

use leptos::prelude::*;

use crate::i18n::I18n;

/// A send button labelled `label`, disabled while `busy`, and a cancel
/// button running `on_cancel` when there is one.
pub fn submit_row(
    label: String,
    busy: RwSignal<bool>,
    on_cancel: Option<impl Fn() + 'static>,
    i: &I18n,
) -> AnyView {
    let busy_label = i.t("submitting");
    let cancel = on_cancel.map(|f| {
        let l = i.t("cancel");
        view! { <button type="button" class="tx-button tx-secondary" on:click=move |_| f()>{l}</button> }
    });
    view! {
        <div class="tx-actions">
            <button type="submit" class="tx-button" prop:disabled=move || busy.get()>
                {move || if busy.get() { busy_label.clone() } else { label.clone() }}
            </button>
            {cancel}
        </div>
    }
    .into_any()
}
