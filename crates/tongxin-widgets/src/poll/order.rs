//! The inputs made of buttons: a ranking (move up, move down) and dot
//! points to spread (add, take away). The focus follows the moved item so a
//! keyboard user keeps their place.

use leptos::prelude::*;
use tongxin_core::Id;
use tongxin_core::poll::Poll;

use super::draft::Draft;
use crate::i18n::I18n;
use crate::parts::{Text, focus_near};

pub(super) fn ranked(poll: &Poll, draft: RwSignal<Draft>, i18n: &I18n) -> impl IntoView {
    let lang = i18n.lang();
    let labels: Vec<(Id, String)> = poll
        .options
        .iter()
        .map(|o| (o.id, o.label.clone()))
        .collect();
    let pid = poll.id;
    let i = i18n.clone();
    let rows = move || {
        let ranking = draft.with(|d| d.ranking.clone());
        let n = ranking.len();
        ranking
            .into_iter()
            .enumerate()
            .map(|(idx, option)| {
                let label = labels.iter().find(|(id, _)| *id == option).map(|(_, l)| l.clone()).unwrap_or_default();
                let mv = move |ev: &web_sys::Event, delta: isize, which: &str| {
                    let to = draft.try_update(|d| d.move_rank(idx, delta)).unwrap_or(idx);
                    if let Some(t) = ev.current_target() {
                        let target = if to == 0 && which == "up" || to + 1 == n && which == "down" {
                            format!("tx-rank-{pid}-{option}")
                        } else {
                            format!("tx-rank-{pid}-{option}-{which}")
                        };
                        focus_near(&t, target);
                    }
                };
                let on_key = move |ev: web_sys::KeyboardEvent| {
                    let delta = match ev.key().as_str() {
                        "ArrowUp" => -1,
                        "ArrowDown" => 1,
                        _ => return,
                    };
                    ev.prevent_default();
                    let to = draft.try_update(|d| d.move_rank(idx, delta)).unwrap_or(idx);
                    let _ = to;
                    if let Some(t) = ev.current_target() {
                        focus_near(&t, format!("tx-rank-{pid}-{option}"));
                    }
                };
                view! {
                    <li class="tx-rank-row" id=format!("tx-rank-{pid}-{option}") tabindex="0" on:keydown=on_key>
                        <span class="tx-rank-no">{i.n("rank_n", idx + 1)}</span>
                        <span class="tx-rank-label"><Text text=label.clone() lang=lang /></span>
                        <button
                            type="button"
                            class="tx-icon-button"
                            id=format!("tx-rank-{pid}-{option}-up")
                            aria-label=i.x("move_up", &label)
                            disabled=idx == 0
                            on:click=move |ev| mv(&ev, -1, "up")
                        >
                            "↑"
                        </button>
                        <button
                            type="button"
                            class="tx-icon-button"
                            id=format!("tx-rank-{pid}-{option}-down")
                            aria-label=i.x("move_down", &label)
                            disabled=idx + 1 == n
                            on:click=move |ev| mv(&ev, 1, "down")
                        >
                            "↓"
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <p class="tx-hint">{i18n.t("rank_hint")}</p>
        <ol class="tx-rank-list">{rows}</ol>
    }
}

pub(super) fn dots(poll: &Poll, draft: RwSignal<Draft>, i18n: &I18n, budget: u32) -> impl IntoView {
    let lang = i18n.lang();
    let i = i18n.clone();
    let rows = poll
        .options
        .iter()
        .map(|o| {
            let id = o.id;
            let label = o.label.clone();
            let value = move || draft.with(|d| d.dots.get(&id).copied().unwrap_or(0));
            let i2 = i18n.clone();
            view! {
                <div class="tx-dot-row">
                    <span class="tx-dot-label"><Text text=label.clone() lang=lang /></span>
                    <button
                        type="button"
                        class="tx-icon-button"
                        aria-label=i18n.x("remove_point", &label)
                        disabled=move || value() == 0
                        on:click=move |_| draft.update(|d| d.bump_dot(id, -1, budget))
                    >
                        "−"
                    </button>
                    <output class="tx-dot-value" aria-live="polite">{move || i2.n("points_n", value())}</output>
                    <button
                        type="button"
                        class="tx-icon-button"
                        aria-label=i18n.x("add_point", &label)
                        disabled=move || draft.with(|d| d.dots_used() >= budget)
                        on:click=move |_| draft.update(|d| d.bump_dot(id, 1, budget))
                    >
                        "+"
                    </button>
                </div>
            }
        })
        .collect_view();
    view! {
        <p class="tx-hint tx-remaining" aria-live="polite">
            {move || i.n("points_left", budget - draft.with(|d| d.dots_used()).min(budget))}
        </p>
        {rows}
    }
}
