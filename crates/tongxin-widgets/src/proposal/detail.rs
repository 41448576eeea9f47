//! One proposal: problem, plan, cost, proposer (masked) and responsible
//! persons; the action of its current step (support, the committee's
//! opinion, the consultation and resolution votes, evaluation); co-funding
//! with the public ledger; the discussion; and the timeline of every
//! transition. On phones the step's main action sits in a bar stuck to the
//! bottom of the screen, so it is never buried under long text.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::{ClientError, Op};
use tongxin_core::Id;
use tongxin_core::contract::ProposalDetail;
use tongxin_core::contract::live::Topic;
use tongxin_core::proposal::funding::format_yuan;
use tongxin_core::proposal::{ProposalStatus, Step, TransitionAction, TransitionRecord};

use super::card::status_badge;
use super::comments::Comments;
use super::funding::FundingSection;
use super::steps::{StepAction, primary_action};
use crate::action::ActionState;
use crate::env::Env;
use crate::errors::error_text;
use crate::events::WidgetEvent;
use crate::live::use_live;
use crate::offline::OfflineNotices;
use crate::parts::{
    HouseholdCodeField, Notice, NoticeKind, Skeleton, Stepper, Text, Timeline, TimelineEntry,
    places_within, step_key,
};

/// Scrolls the section with `id` inside `root` into view and focuses it.
fn go_to(root: &web_sys::HtmlElement, id: &str) {
    if let Ok(Some(el)) = root.query_selector(&format!("#{id}")) {
        el.scroll_into_view();
        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            let _ = el.focus();
        }
    }
}

fn timeline_entries(records: &[TransitionRecord], env: Env) -> Vec<TimelineEntry> {
    let i = env.i18n();
    records
        .iter()
        .map(|r| TimelineEntry {
            title: if r.from_step == r.to_step {
                format!(
                    "{} · {}",
                    i.t(step_key(r.to_step)),
                    i.t(&action_key(&r.action))
                )
            } else {
                format!(
                    "{} → {}",
                    i.t(step_key(r.from_step)),
                    i.t(step_key(r.to_step))
                )
            },
            actor: r.actor.clone(),
            when: i.time(r.at),
            note: r.note.clone(),
        })
        .collect()
}

/// The catalogue key of a timeline action (a backend's unknown action reads
/// as a plain "update", never as its code).
pub(crate) fn action_key(action: &str) -> String {
    if TransitionAction::NAMES.contains(&action) {
        format!("act_{action}")
    } else {
        "act_other".into()
    }
}

/// The proposal page.
#[component]
pub fn ProposalDetailView(
    /// Proposal id.
    proposal_id: Id,
    /// Backend, strings, events.
    env: Env,
    /// Back to the board, when opened from it.
    #[prop(optional)]
    on_back: Option<Callback<()>>,
) -> impl IntoView {
    let id = proposal_id;
    let detail: RwSignal<Option<ProposalDetail>> = RwSignal::new(None);
    let timeline: RwSignal<Vec<TransitionRecord>> = RwSignal::new(Vec::new());
    let load_error: RwSignal<Option<ClientError>> = RwSignal::new(None);
    // Supports change on their own (the viewer's and everyone's), without
    // redrawing the page and the widgets nested in it.
    let backing: RwSignal<(u32, Option<bool>)> = RwSignal::new((0, None));
    let place: RwSignal<Option<String>> = RwSignal::new(None);
    let support = ActionState::new();
    let root = NodeRef::<leptos::html::Article>::new();
    // Opened from the board, the focus moves to the proposal's title (the
    // card that had it is gone); once, not on later redraws.
    let heading = NodeRef::<leptos::html::H2>::new();
    if on_back.is_some() {
        let moved = StoredValue::new(false);
        Effect::new(move || {
            if let Some(h) = heading.get()
                && !moved.get_value()
            {
                moved.set_value(true);
                let _ = h.focus();
            }
        });
    }

    let load = move || {
        load_error.set(None);
        spawn_local(async move {
            let Some(b) = env.backend() else { return };
            // What an earlier visit kept offline goes out first.
            env.offline.settle().await;
            match b.proposal(id).await {
                Ok(d) => {
                    backing.set((d.proposal.supports, d.supported_by_me));
                    detail.set(Some(d));
                    env.fire(WidgetEvent::ready(id));
                }
                Err(e) => {
                    env.fire(WidgetEvent::error(id, &e));
                    load_error.set(Some(e));
                }
            }
            if let Ok(t) = b.timeline(id).await {
                timeline.set(t);
            }
            let scope = detail.with_untracked(|d| d.as_ref().map(|d| d.proposal.scope_id));
            if let (Some(scope), Ok(all)) = (scope, b.scopes().await) {
                let lang = env.i18n().lang();
                let name = places_within(all, None, lang)
                    .into_iter()
                    .find(|u| u.id == scope);
                place.set(name.map(|u| u.label));
            }
        });
    };
    load();
    // What was kept offline went through: show the server's view.
    env.offline.reload_with(load);
    // Supports move on their own; the page is redrawn only when the step
    // or the funding moved.
    let apply = move |d: ProposalDetail| {
        backing.update(|b| b.0 = d.proposal.supports);
        let moved = detail.with_untracked(|old| {
            old.as_ref().is_some_and(|o| {
                o.proposal.step != d.proposal.step
                    || o.funding.pledged_total_fen != d.funding.pledged_total_fen
                    || o.funding.received_fen != d.funding.received_fen
                    || o.funding.spent_fen != d.funding.spent_fen
            })
        });
        if moved {
            detail.update(|old| {
                if let Some(o) = old {
                    o.proposal = d.proposal;
                    o.funding = d.funding;
                }
            });
        }
    };
    use_live(
        env,
        Topic::Proposal(id),
        30,
        Box::new(move |news: Option<String>| {
            match news.and_then(|n| serde_json::from_str::<ProposalDetail>(&n).ok()) {
                Some(d) => apply(d),
                None => spawn_local(async move {
                    let Some(b) = env.backend() else { return };
                    if let Ok(d) = b.proposal(id).await {
                        apply(d);
                    }
                }),
            }
        }),
    );

    // The support buttons are aria-disabled, not disabled, while a support
    // is in flight: a disabled button would drop the keyboard focus.
    let toggle_support = move || {
        if support.busy.get_untracked() {
            return;
        }
        let supported = backing.get_untracked().1 == Some(true);
        let key = support.start();
        spawn_local(async move {
            let Some(b) = env.backend() else { return };
            env.with_code(&b);
            let result = if supported {
                b.unsupport(id, &key).await
            } else {
                b.support(id, &key).await
            };
            support.finish(&result, &env.i18n(), "action_failed", env.offline);
            match result {
                Ok(state) => {
                    backing.set((state.supports, Some(state.supported)));
                    env.fire(WidgetEvent::supported(id, state.supported, state.supports));
                }
                Err(ClientError::Queued) => {}
                Err(e) => {
                    env.fire(WidgetEvent::error(id, &e));
                    if e.code() == Some("already-supported") {
                        load();
                    }
                }
            }
        });
    };

    move || {
        let i = env.i18n();
        let back = on_back.map(|cb| view! {
            <button type="button" class="tx-link-button" on:click=move |_| cb.run(())>{i.t("back_to_list")}</button>
        });
        if let Some(e) = load_error.get() {
            let retry = (i.t("retry"), Callback::new(move |_| load()));
            let text = format!(
                "{} {}",
                i.t("proposal_load_failed"),
                error_text(&e, &i, "action_failed")
            );
            return view! { <div class="tx-card">{back}<Notice kind=NoticeKind::Error text=text retry=retry /></div> }.into_any();
        }
        let Some(d) = detail.get() else {
            return view! { <div class="tx-card">{back}<Skeleton label=i.t("loading") /></div> }
                .into_any();
        };
        let p = d.proposal.clone();
        let active = p.status == ProposalStatus::Active;
        let badge = status_badge(&p, &i);
        let rejected = p
            .rejection_reason
            .clone()
            .filter(|_| p.status == ProposalStatus::Rejected);
        let responsible = (!p.responsible.is_empty()).then(|| {
            let people = p
                .responsible
                .iter()
                .map(|r| format!("{}（{}）", r.name, r.role))
                .collect::<Vec<_>>()
                .join("、");
            view! { <p class="tx-hint"><strong>{i.t("responsible")}</strong>" "{people}</p> }
        });
        // Staff may require household codes for some actions (support,
        // pledge, comment, report, evaluate): one field serves them all.
        let el = p.eligibility;
        let needs_code = [el.support, el.pledge, el.comment, el.report, el.evaluate]
            .contains(&tongxin_core::eligibility::Eligibility::Code);
        // The step's main action, if this backend can carry it out.
        let action = primary_action(&d).filter(|a| {
            env.supports(match a {
                StepAction::Support => Op::Support,
                StepAction::Comment => Op::AddComment,
                StepAction::Vote => Op::CastBallot,
                StepAction::Evaluate => Op::Evaluate,
                StepAction::Pledge => Op::Pledge,
            })
        });
        let sticky = action.map(|a| {
            let (label, target) = match a {
                StepAction::Support => (String::new(), None),
                StepAction::Comment => (i.t("go_comment"), Some("tx-comments")),
                StepAction::Vote => (i.t("go_vote"), Some("tx-step")),
                StepAction::Evaluate => (i.t("go_evaluate"), Some("tx-step")),
                StepAction::Pledge => (i.t("go_pledge"), Some("tx-funding")),
            };
            let threshold = p.support_threshold;
            let figure = (a == StepAction::Support)
                .then_some(move || env.i18n().nx("supports_of", backing.get().0, threshold));
            let label = move || match a {
                StepAction::Support if backing.get().1 == Some(true) => env.t("unsupport"),
                StepAction::Support => env.t("support"),
                _ => label.clone(),
            };
            view! {
                <div class="tx-sticky-bar">
                    {figure.map(|f| view! { <span class="tx-sticky-figure" aria-live="polite">{f}</span> })}
                    <button type="button" class="tx-button" aria-disabled=move || support.busy.get().then_some("true")
                        on:click=move |_| match target {
                            None => toggle_support(),
                            Some(t) => if let Some(r) = root.get() { go_to(&r, t) },
                        }>
                        {label}
                    </button>
                </div>
            }
        });
        view! {
            <article class="tx-card tx-proposal" lang=i.lang().tag() node_ref=root>
                {back}
                <header class="tx-header">
                    <h2 class="tx-title" tabindex="-1" node_ref=heading><Text text=p.title.clone() lang=i.lang() /></h2>
                    <Stepper current=p.step i18n=i.clone() />
                    <div class="tx-meta">
                        {badge.map(|(class, text)| view! { <span class=class>{text}</span> })}
                        {move || place.get().map(|p| view! { <span>{env.i18n().x("place", p)}</span> })}
                        <span>{i.x("proposer", &p.proposer_name)}</span>
                        <span>{i.x("estimated_cost", format_yuan(p.estimated_cost_fen))}</span>
                    </div>
                </header>
                {rejected.map(|r| view! { <Notice kind=NoticeKind::Info text=i.x("rejected_reason", r) /> })}
                <OfflineNotices offline=env.offline i18n=i.clone() />
                <section class="tx-text">
                    <h3 class="tx-subhead">{i.t("problem")}</h3>
                    <p class="tx-description"><Text text=p.problem.clone() lang=i.lang() /></p>
                    <h3 class="tx-subhead">{i.t("plan")}</h3>
                    <p class="tx-description"><Text text=p.plan.clone() lang=i.lang() /></p>
                    {responsible}
                </section>
                {needs_code.then(|| view! { <HouseholdCodeField code=env.code i18n=i.clone() /> })}
                <section id="tx-step" class="tx-step-section" tabindex="-1">
                    <StepSection detail=d.clone() timeline=timeline backing=backing env=env support=support on_support=Callback::new(move |_| toggle_support()) />
                </section>
                {(p.funding_goal_fen > 0 && env.supports(Op::GetLedger)).then(|| view! {
                    <FundingSection proposal_id=id funding=d.funding can_pledge=active && env.supports(Op::Pledge) title=p.title.clone() env=env />
                })}
                {env.supports(Op::ListComments).then(|| view! {
                    <Comments proposal_id=id open=active && p.step != Step::Evaluate && env.supports(Op::AddComment) env=env />
                })}
                {move || view! { <Timeline entries=timeline_entries(&timeline.get(), env) title=env.t("timeline") /> }}
                {sticky}
            </article>
        }
        .into_any()
    }
}

use super::steps::StepSection;

#[cfg(test)]
mod tests {
    use super::{TransitionAction, action_key};
    use crate::i18n::{I18n, Lang, PROPOSAL_TABLES};

    #[test]
    fn every_timeline_action_reads_as_words_in_both_languages() {
        for lang in [Lang::ZhCn, Lang::En] {
            let i = I18n::with_tables(lang, Default::default(), PROPOSAL_TABLES);
            for name in TransitionAction::NAMES {
                let key = action_key(name);
                assert_ne!(key, "act_other", "{name} has no string of its own");
                let text = i.t(&key);
                assert_ne!(text, key, "{key} is not in the catalogue");
                assert!(!text.contains('_') && !text.contains(name), "{text}");
            }
            assert_ne!(i.t(&action_key("some_future_action")), "act_other");
        }
    }
}
