//! The proposal board: proposals in a scope, filtered by step and sorted by
//! newest / supports / funding progress, paged with the server's cursor; a
//! card opens the proposal, and residents can submit their own.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::{Backend, ClientError, Op, ProposalQuery};
use tongxin_core::Id;
use tongxin_core::contract::live::Topic;
use tongxin_core::contract::{ProposalCard, ProposalDetail, ProposalSort};
use tongxin_core::proposal::Step;

use super::card::ProposalCardView;
use super::detail::ProposalDetailView;
use super::submit::SubmitProposal;
use crate::env::Env;
use crate::errors::error_text;
use crate::events::{Emit, WidgetEvent};
use crate::i18n::I18n;
use crate::live::use_live;
use crate::parts::{
    Notice, NoticeKind, Skeleton, focus_soon, focused_id, keep_focus_soon, step_key,
};

/// Cards fetched per page.
const PAGE: u32 = tongxin_core::contract::BOARD_PAGE;

const SORTS: [(ProposalSort, &str); 3] = [
    (ProposalSort::Newest, "sort_newest"),
    (ProposalSort::Supports, "sort_supports"),
    (ProposalSort::Funding, "sort_funding"),
];

/// What the board shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Screen {
    List,
    Open(Id),
    Submit,
}

/// The board.
#[component]
pub fn ProposalBoard(
    /// Only proposals inside this scope; `None` (the default) for everywhere.
    #[prop(optional_no_strip)]
    scope_id: Option<Id>,
    /// Where the proposals live.
    backend: Rc<dyn Backend>,
    /// Strings in the resident's language.
    i18n: I18n,
    /// Receives `ready`, `supported`, `pledged`, `proposal-submitted`,
    /// `evaluated` and `error` events for the host page.
    #[prop(optional)]
    emit: Option<Emit>,
) -> impl IntoView {
    let env = Env::new(backend, i18n, emit, "/proposals/".into());
    let step: RwSignal<Option<Step>> = RwSignal::new(None);
    let sort = RwSignal::new(ProposalSort::default());
    let cards: RwSignal<Vec<ProposalCard>> = RwSignal::new(Vec::new());
    let cursor: RwSignal<Option<String>> = RwSignal::new(None);
    let loaded = RwSignal::new(false);
    let loading = RwSignal::new(false);
    let load_error: RwSignal<Option<ClientError>> = RwSignal::new(None);
    let screen = RwSignal::new(Screen::List);
    // Back from a proposal, the focus returns to its card (once the list is
    // drawn, and again once it is reloaded).
    let came_from: StoredValue<Option<Id>> = StoredValue::new(None);
    let board = NodeRef::<leptos::html::Section>::new();
    let root: StoredValue<Option<web_sys::Node>, LocalStorage> = StoredValue::new_local(None);
    Effect::new(move || {
        if let Some(el) = board.get() {
            root.set_value(Some(el.get_root_node()));
        }
    });
    let refocus = move || {
        if let (Some(id), Some(r)) = (came_from.get_value(), root.get_value()) {
            focus_soon(r, format!("tx-open-{id}"));
        }
    };

    // Each load of the first page starts a new generation; an answer from
    // an older one (the filter changed, or the resident came back again
    // while it was slow) is dropped rather than drawn over a newer list.
    let generation = StoredValue::new(0u32);
    let load = move |first: bool| {
        if first {
            generation.update_value(|g| *g = g.wrapping_add(1));
        }
        let mine = generation.get_value();
        loading.set(true);
        load_error.set(None);
        let query = ProposalQuery {
            scope_id,
            step: step.get_untracked(),
            sort: sort.get_untracked(),
            cursor: if first { None } else { cursor.get_untracked() },
            limit: PAGE,
        };
        spawn_local(async move {
            let Some(b) = env.backend() else { return };
            let answer = b.proposals(&query).await;
            if generation.get_value() != mine {
                return;
            }
            match answer {
                Ok(page) => {
                    cursor.set(page.next_cursor);
                    if first && screen.get_untracked() != Screen::List {
                        // Landed while a proposal is open: the list is not
                        // on screen, so the focus is not ours to move, and
                        // the card to come back to stays remembered.
                        cards.set(page.items);
                    } else if first {
                        // The focus stays on the card the resident is on
                        // (drawn anew), or goes back to the one they came
                        // from; never away from where they went meanwhile.
                        let r = root.get_value();
                        let had = r.as_ref().and_then(focused_id);
                        cards.set(page.items);
                        let target = match had {
                            Some(h) if h.starts_with("tx-open-") => Some(h),
                            Some(_) => None,
                            None => came_from.get_value().map(|id| format!("tx-open-{id}")),
                        };
                        if let (Some(r), Some(t)) = (r, target) {
                            keep_focus_soon(r, t);
                        }
                        came_from.set_value(None);
                    } else {
                        cards.update(|c| c.extend(page.items));
                    }
                    if !loaded.get_untracked() {
                        env.fire(WidgetEvent::ready(scope_id.unwrap_or(Id::int(0))));
                    }
                    loaded.set(true);
                }
                Err(e) => {
                    env.fire(WidgetEvent::error(scope_id.unwrap_or(Id::int(0)), &e));
                    load_error.set(Some(e));
                }
            }
            loading.set(false);
        });
    };
    Effect::new(move |_| {
        step.track();
        sort.track();
        load(true);
    });

    // A proposal that moved (supports, funding, step) is redrawn in place,
    // the focus kept where the resident is. Only the reference server's
    // stream says what moved; elsewhere the board shows what it loaded.
    use_live(
        env,
        Topic::Board,
        60,
        Box::new(move |news: Option<String>| {
            let Some(d) = news.and_then(|n| serde_json::from_str::<ProposalDetail>(&n).ok()) else {
                return;
            };
            // What a card shows that moves by itself.
            let differs = |c: &ProposalCard| {
                c.proposal.id == d.proposal.id
                    && (c.proposal.supports != d.proposal.supports
                        || c.proposal.step != d.proposal.step
                        || c.funding.pledged_total_fen != d.funding.pledged_total_fen)
            };
            if !cards.with_untracked(|cs| cs.iter().any(differs)) {
                return;
            }
            let r = root.get_value();
            let had = r.as_ref().and_then(focused_id);
            cards.update(|cs| {
                for c in cs.iter_mut().filter(|c| c.proposal.id == d.proposal.id) {
                    c.proposal = d.proposal.clone();
                    c.funding = d.funding;
                }
            });
            if let (Some(r), Some(h)) = (r, had) {
                keep_focus_soon(r, h);
            }
        }),
    );

    let back = Callback::new(move |_| {
        screen.set(Screen::List);
        refocus();
        load(true);
    });
    let open = Callback::new(move |id| {
        came_from.set_value(Some(id));
        screen.set(Screen::Open(id));
    });
    // What the backend lacks is not offered.
    let can_open = env.supports(Op::GetProposal);
    let can_submit = env.supports(Op::SubmitProposal);

    move || {
        let i = env.i18n();
        match screen.get() {
            Screen::Open(id) => {
                return view! { <ProposalDetailView proposal_id=id env=env on_back=back /> }
                    .into_any();
            }
            Screen::Submit => {
                return view! { <SubmitProposal env=env scope_id=scope_id on_done=open on_cancel=back /> }
                    .into_any();
            }
            Screen::List => {}
        }
        let steps = Step::ALL
            .into_iter()
            .map(|s| view! { <option value=s.as_str() prop:selected=move || step.get() == Some(s)>{i.t(step_key(s))}</option> })
            .collect_view();
        let sorts = SORTS
            .into_iter()
            .map(|(s, key)| view! { <option value=s.as_str() prop:selected=move || sort.get() == s>{i.t(key)}</option> })
            .collect_view();
        let list = move || {
            let i = env.i18n();
            if let Some(e) = load_error.get() {
                let retry = (i.t("retry"), Callback::new(move |_| load(true)));
                let text = format!(
                    "{} {}",
                    i.t("board_load_failed"),
                    error_text(&e, &i, "action_failed")
                );
                return view! { <Notice kind=NoticeKind::Error text=text retry=retry /> }
                    .into_any();
            }
            if !loaded.get() {
                return view! { <Skeleton label=i.t("loading") /> }.into_any();
            }
            if cards.with(Vec::is_empty) {
                return view! { <p class="tx-hint">{i.t("no_proposals")}</p> }.into_any();
            }
            view! {
                <ul class="tx-cards">
                    {cards.get().into_iter().map(|c| view! { <ProposalCardView card=c on_open=open openable=can_open i18n=i.clone() /> }).collect_view()}
                </ul>
            }
            .into_any()
        };
        let (more, busy) = (i.t("load_more"), i.t("loading"));
        view! {
            <section class="tx-board" lang=i.lang().tag() node_ref=board>
                <header class="tx-header tx-board-head">
                    <h2 class="tx-title">{i.t("board_title")}</h2>
                    {can_submit.then(|| view! {
                        <button type="button" class="tx-button" on:click=move |_| screen.set(Screen::Submit)>{i.t("new_proposal")}</button>
                    })}
                </header>
                <div class="tx-filters">
                    <label class="tx-field">
                        <span class="tx-field-label">{i.t("filter_step")}</span>
                        <select class="tx-input" on:change=move |ev| step.set(Step::parse(&event_target_value(&ev)))>
                            <option value="" prop:selected=move || step.get().is_none()>{i.t("all_steps")}</option>
                            {steps}
                        </select>
                    </label>
                    <label class="tx-field">
                        <span class="tx-field-label">{i.t("sort_label")}</span>
                        <select class="tx-input" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some((s, _)) = SORTS.iter().find(|(s, _)| s.as_str() == v) {
                                sort.set(*s);
                            }
                        }>
                            {sorts}
                        </select>
                    </label>
                </div>
                {list}
                {move || cursor.with(Option::is_some).then(|| {
                    let (more, busy) = (more.clone(), busy.clone());
                    view! {
                        <button type="button" class="tx-button tx-secondary" prop:disabled=move || loading.get() on:click=move |_| load(false)>
                            {move || if loading.get() { busy.clone() } else { more.clone() }}
                        </button>
                    }
                })}
            </section>
        }
        .into_any()
    }
}
