//! What a resident can do at each of the five steps: support (提议), read
//! the committee's opinion (合议), vote in the consultation and discuss
//! (群议), vote on the resolution (决议), rate the delivered result (评议).
//! The two votes are the poll widget itself, embedded.

use leptos::prelude::*;
use tongxin_core::contract::ProposalDetail;
use tongxin_core::proposal::{ProposalStatus, Step, TransitionRecord};

use super::evaluate::EvaluateSection;
use crate::action::ActionState;
use crate::env::Env;
use crate::parts::{Notice, NoticeKind, ProgressBar};
use crate::poll::PollWidget;

/// The step's main action, shown in the sticky bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepAction {
    /// Support or withdraw support.
    Support,
    /// Join the discussion.
    Comment,
    /// Go to the resolution vote.
    Vote,
    /// Rate the result.
    Evaluate,
    /// Pledge money.
    Pledge,
}

/// The main action now, if any.
pub fn primary_action(d: &ProposalDetail) -> Option<StepAction> {
    let p = &d.proposal;
    if p.status != ProposalStatus::Active {
        return None;
    }
    match p.step {
        Step::Propose => Some(StepAction::Support),
        Step::Consult => Some(StepAction::Comment),
        Step::Resolve if p.resolution_poll_id.is_some() && p.adopted_at.is_none() => {
            Some(StepAction::Vote)
        }
        Step::Evaluate if p.delivered_at.is_some() => Some(StepAction::Evaluate),
        _ if p.funding_goal_fen > 0 => Some(StepAction::Pledge),
        _ => None,
    }
}

/// The latest written opinion given at or after the deliberation.
fn committee_opinion(timeline: &[TransitionRecord]) -> Option<String> {
    timeline
        .iter()
        .rev()
        .find(|r| r.from_step == Step::Deliberate || r.to_step == Step::Deliberate)
        .and_then(|r| r.note.clone())
}

/// The committee's opinion with its heading, if there is one.
fn opinion(timeline: &[TransitionRecord], env: Env) -> Option<impl IntoView + use<>> {
    committee_opinion(timeline).map(|o| {
        view! { <h4 class="tx-subhead">{env.t("committee_opinion")}</h4><blockquote class="tx-tl-note">{o}</blockquote> }
    })
}

/// The section for the current step.
#[component]
pub fn StepSection(
    /// The proposal.
    detail: ProposalDetail,
    /// Its transitions (for the committee's opinion).
    #[prop(into)]
    timeline: Signal<Vec<TransitionRecord>>,
    /// Supports now and whether the viewer supports it.
    #[prop(into)]
    backing: Signal<(u32, Option<bool>)>,
    /// Backend, strings, events.
    env: Env,
    /// The support action's state.
    support: ActionState,
    /// Supports or withdraws support.
    on_support: Callback<()>,
) -> impl IntoView {
    let i = env.i18n();
    let p = detail.proposal;
    let active = p.status == ProposalStatus::Active;
    let title = view! { <h3 class="tx-subhead">{i.x("step_now", i.t(crate::parts::step_key(p.step)))}</h3> };
    let poll = |id: Option<tongxin_core::Id>, heading: &str| {
        let heading = i.t(heading);
        match id.zip(env.backend()) {
            Some((poll_id, backend)) => view! {
                <h4 class="tx-subhead">{heading}</h4>
                <PollWidget poll_id=poll_id backend=backend i18n=env.i18n() emit=env.emit().unwrap_or_else(|| std::rc::Rc::new(|_| {})) />
            }
            .into_any(),
            None => view! { <p class="tx-hint">{i.t("no_poll_yet")}</p> }.into_any(),
        }
    };
    let body = match p.step {
        Step::Propose => {
            let threshold = p.support_threshold;
            let text =
                Signal::derive(move || env.i18n().nx("supports_of", backing.get().0, threshold));
            let mine = move || backing.get().1 == Some(true);
            view! {
                <ProgressBar label=i.x("support_progress_label", &p.title) value=Signal::derive(move || backing.get().0 as u64) max=threshold as u64 text=text />
                <p class="tx-hint">{i.n("support_goal", threshold)}</p>
                {move || mine().then(|| view! { <p class="tx-hint">{env.t("supported")}</p> })}
                {active.then(|| view! {
                    <button type="button" class="tx-button tx-secondary tx-support" aria-disabled=move || support.busy.get().then_some("true")
                        on:click=move |_| on_support.run(())>
                        {move || if mine() { env.t("unsupport") } else { env.t("support") }}
                    </button>
                })}
                {move || support.error.get().map(|(text, _)| view! { <Notice kind=NoticeKind::Error text=text /> })}
            }
            .into_any()
        }
        Step::Deliberate => view! {
            <p class="tx-hint">{i.t("deliberate_note")}</p>
            {move || opinion(&timeline.get(), env)}
        }
        .into_any(),
        Step::Consult => poll(p.consultation_poll_id, "consultation_poll"),
        Step::Resolve => poll(p.resolution_poll_id, "resolution_poll"),
        Step::Evaluate => view! {
            {move || opinion(&timeline.get(), env)}
            <EvaluateSection proposal_id=p.id open=active && p.delivered_at.is_some() env=env />
        }
        .into_any(),
    };
    view! { {title} {body} }
}
