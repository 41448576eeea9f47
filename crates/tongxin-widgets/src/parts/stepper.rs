//! The five-step deliberation 提议→合议→群议→决议→评议 as five dots: done,
//! current and to come, with the current step named for screen readers.

use leptos::prelude::*;
use tongxin_core::proposal::Step;

use crate::i18n::I18n;

/// The catalogue key of a step's name.
pub fn step_key(s: Step) -> &'static str {
    match s {
        Step::Propose => "step_propose",
        Step::Deliberate => "step_deliberate",
        Step::Consult => "step_consult",
        Step::Resolve => "step_resolve",
        Step::Evaluate => "step_evaluate",
    }
}

/// Five dots with labels; `compact` shows only the current step's name.
#[component]
pub fn Stepper(
    /// The current step.
    current: Step,
    /// Only the current label (for cards).
    #[prop(optional)]
    compact: bool,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let label = i18n.x("step_now", i18n.t(step_key(current)));
    view! {
        <ol class="tx-stepper" class:tx-compact=compact aria-label=label>
            {Step::ALL
                .into_iter()
                .map(|s| {
                    let state = if s < current { "tx-done" } else if s == current { "tx-current" } else { "tx-todo" };
                    let name = i18n.t(step_key(s));
                    view! {
                        <li class=format!("tx-step {state}") aria-current=(s == current).then_some("step")>
                            <span class="tx-dot" aria-hidden="true"></span>
                            <span class="tx-step-name">{name}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
