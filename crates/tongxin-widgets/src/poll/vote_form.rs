//! The form a resident votes with: the household code where the poll
//! needs one, the inputs of the poll's kind, and send / cancel.

use leptos::prelude::*;
use tongxin_core::poll::Poll;

use super::draft::Draft;
use super::form::BallotForm;
use crate::i18n::I18n;
use crate::parts::{HouseholdCodeField, submit_row};

/// What the form is bound to.
pub struct VoteForm {
    /// The choice being filled in.
    pub draft: RwSignal<Draft>,
    /// The household code field's value, where the poll needs a code.
    pub code: Option<RwSignal<String>>,
    /// Changing an earlier ballot (offers "cancel").
    pub editing: bool,
    /// A request is in flight.
    pub busy: RwSignal<bool>,
}

/// The voting form for `poll`: `on_submit` on send, `on_cancel` on cancel.
pub fn vote_form(
    poll: Poll,
    f: VoteForm,
    on_submit: impl Fn() + 'static,
    on_cancel: impl Fn() + 'static,
    i: &I18n,
) -> AnyView {
    let VoteForm {
        draft,
        code,
        editing,
        busy,
    } = f;
    let code_field = code.map(|code| view! { <HouseholdCodeField code=code i18n=i.clone() /> });
    let label = if editing {
        i.t("submit_change")
    } else {
        i.t("vote")
    };
    let actions = submit_row(label, busy, editing.then_some(on_cancel), i);
    view! {
        <form class="tx-form" on:submit=move |ev| { ev.prevent_default(); on_submit(); }>
            {code_field}
            <BallotForm poll=poll draft=draft i18n=i.clone() />
            {actions}
        </form>
    }
    .into_any()
}
