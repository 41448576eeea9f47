//! The inputs of each poll kind. Native radio buttons and checkboxes where
//! they fit (keyboard and screen readers work out of the box), buttons for
//! ranking and dot points. Every target is at least 44 px high (CSS).

use leptos::prelude::*;
use tongxin_core::poll::{Poll, PollKind, Stance};

use super::draft::Draft;
use super::order::{dots, ranked};
use crate::i18n::I18n;
use crate::parts::{RatingInput, Text};

/// The inputs for `poll`, bound to `draft`.
#[component]
pub fn BallotForm(
    /// The poll being answered.
    poll: Poll,
    /// The resident's choice in progress.
    draft: RwSignal<Draft>,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let name = format!("tx-poll-{}", poll.id);
    match poll.kind {
        PollKind::Single => single(&poll, draft, &i18n, name).into_any(),
        PollKind::Multiple { max_choices } => multiple(&poll, draft, &i18n, max_choices).into_any(),
        PollKind::Approval { .. } => stances(&poll, draft, &i18n, name).into_any(),
        PollKind::Score => scores(&poll, draft, &i18n, name).into_any(),
        PollKind::Ranked => ranked(&poll, draft, &i18n).into_any(),
        PollKind::Dot { points } => dots(&poll, draft, &i18n, points).into_any(),
    }
}

fn single(poll: &Poll, draft: RwSignal<Draft>, i18n: &I18n, name: String) -> impl IntoView {
    let lang = i18n.lang();
    view! {
        <fieldset class="tx-fieldset">
            <legend class="tx-hint">{i18n.t("choose_one")}</legend>
            {poll
                .options
                .iter()
                .map(|o| {
                    let id = o.id;
                    view! {
                        <label class="tx-option">
                            <input
                                type="radio"
                                name=name.clone()
                                value=id.to_string()
                                prop:checked=move || draft.with(|d| d.single == Some(id))
                                on:change=move |_| draft.update(|d| d.single = Some(id))
                            />
                            <span><Text text=o.label.clone() lang=lang /></span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

fn multiple(poll: &Poll, draft: RwSignal<Draft>, i18n: &I18n, max: u32) -> impl IntoView {
    let lang = i18n.lang();
    let i = i18n.clone();
    view! {
        <fieldset class="tx-fieldset">
            <legend class="tx-hint">
                {i18n.n("choose_up_to", max)} " · "
                <span aria-live="polite">{move || i.n("chosen_of", draft.with(|d| d.multiple.len()))}</span>
            </legend>
            {poll
                .options
                .iter()
                .map(|o| {
                    let id = o.id;
                    let checked = move || draft.with(|d| d.multiple.contains(&id));
                    view! {
                        <label class="tx-option">
                            <input
                                type="checkbox"
                                value=id.to_string()
                                prop:checked=checked
                                prop:disabled=move || !checked() && draft.with(|d| d.multiple.len() as u32 >= max)
                                on:change=move |_| draft.update(|d| d.toggle(id, max))
                            />
                            <span><Text text=o.label.clone() lang=lang /></span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

fn stances(poll: &Poll, draft: RwSignal<Draft>, i18n: &I18n, name: String) -> impl IntoView {
    let lang = i18n.lang();
    let choices = [
        (Stance::Agree, i18n.t("agree")),
        (Stance::Abstain, i18n.t("abstain")),
        (Stance::Disagree, i18n.t("disagree")),
    ];
    poll.options
        .iter()
        .map(|o| {
            let id = o.id;
            let group = format!("{name}-{id}");
            view! {
                <fieldset class="tx-fieldset">
                    <legend class="tx-item-label"><Text text=o.label.clone() lang=lang /></legend>
                    <div class="tx-segmented">
                        {choices
                            .iter()
                            .map(|(stance, label)| {
                                let stance = *stance;
                                view! {
                                    <label class="tx-segment">
                                        <input
                                            type="radio"
                                            name=group.clone()
                                            prop:checked=move || draft.with(|d| d.approval.get(&id) == Some(&stance))
                                            on:change=move |_| draft.update(|d| {
                                                d.approval.insert(id, stance);
                                            })
                                        />
                                        <span>{label.clone()}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                </fieldset>
            }
        })
        .collect_view()
}

fn scores(poll: &Poll, draft: RwSignal<Draft>, i18n: &I18n, name: String) -> impl IntoView {
    let hint = i18n.t("rate_each");
    let items = poll
        .options
        .iter()
        .map(|o| {
            let id = o.id;
            view! {
                <RatingInput
                    legend=o.label.clone()
                    name=format!("{name}-{id}")
                    value=Signal::derive(move || draft.with(|d| d.score.get(&id).copied()))
                    on_change=Callback::new(move |s| draft.update(|d| {
                        d.score.insert(id, s);
                    }))
                    i18n=i18n.clone()
                />
            }
        })
        .collect_view();
    view! {
        <p class="tx-hint">{hint}</p>
        {items}
    }
}
