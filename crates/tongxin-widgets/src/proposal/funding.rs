//! Co-funding (钱由民筹, 钱由民管): the goal, pledges split by source, the
//! pledge form (amount in yuan, resident or organisation, public name or
//! anonymous) and the public ledger with its running balance. It keeps its
//! own totals fresh (from the ledger answer), so a pledge does not redraw the
//! page around it. Amounts are integer fen end to end; only the display is
//! in yuan.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::contract::LedgerView;
use tongxin_core::proposal::funding::{
    FundingSummary, LedgerKind, Pledge, PledgeInput, PledgeSource, format_yuan, parse_yuan,
};
use tongxin_core::text::FieldErrors;

use super::card::FundingBar;
use crate::action::ActionState;
use crate::env::Env;
use crate::events::WidgetEvent;
use crate::parts::{
    Field, Notice, NoticeKind, described_by, field_error, focus_soon, focused_root, invalid,
};

/// Newest pledges listed under the bar.
const SHOWN_PLEDGES: usize = 20;

/// Goal, pledges, pledge form and ledger.
#[component]
pub fn FundingSection(
    /// Proposal id.
    proposal_id: Id,
    /// Totals as loaded with the proposal.
    funding: FundingSummary,
    /// Whether pledges are taken.
    can_pledge: bool,
    /// The proposal's title (names the funding bar).
    #[prop(into)]
    title: String,
    /// Backend, strings, events.
    env: Env,
) -> impl IntoView {
    let id = proposal_id;
    let ledger: RwSignal<Option<LedgerView>> = RwSignal::new(None);
    let pledges: RwSignal<Vec<Pledge>> = RwSignal::new(Vec::new());
    let amount = RwSignal::new(String::new());
    let source = RwSignal::new(PledgeSource::Resident);
    let public_name = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let done = RwSignal::new(false);
    let pledge = ActionState::new();
    let load = move || {
        spawn_local(async move {
            let Some(b) = env.backend() else { return };
            if let Ok(l) = b.ledger(id).await {
                ledger.set(Some(l));
            }
            if let Ok(p) = b.pledges(id).await {
                pledges.set(p);
            }
        });
    };
    load();

    let submit = move || {
        done.set(false);
        let name = public_name.get_untracked().trim().to_string();
        let mut e = FieldErrors::new();
        let fen = parse_yuan(&amount.get_untracked()).filter(|f| *f > 0);
        if fen.is_none() {
            e.add("amount_fen", "invalid");
        }
        let input = PledgeInput {
            source: source.get_untracked(),
            amount_fen: fen.unwrap_or(0),
            public_name: (!name.is_empty()).then_some(name),
        };
        if let Err(v) = input.validate() {
            e.0.extend(v.0);
        }
        let checked = if e.is_empty() { Ok(input) } else { Err(e) };
        let root = focused_root();
        env.submit(
            pledge,
            errors,
            checked,
            move |b, input, key| async move { b.pledge(id, &input, &key).await },
            move |result| {
                if let Ok(p) = result {
                    amount.set(String::new());
                    done.set(true);
                    if let Some(r) = root.clone() {
                        focus_soon(r, "tx-pledged".into());
                    }
                    env.fire(WidgetEvent::pledged(id, p.amount_fen));
                    load();
                }
            },
        );
    };

    let i = env.i18n();
    let i18n = env.i18n_stored();
    let (by_resident, by_organisation) = (i.t("source_resident"), i.t("source_organisation"));
    let totals = move || {
        ledger
            .with(|l| l.as_ref().map(|l| l.funding))
            .unwrap_or(funding)
    };
    view! {
        <section id="tx-funding" class="tx-funding" tabindex="-1">
            <h3 class="tx-subhead">{i.t("funding")}</h3>
            {move || {
                let f = totals();
                let i = env.i18n();
                view! {
                    <FundingBar funding=f title=title.clone() i18n=i.clone() />
                    <p class="tx-hint tx-legend">
                        <span class="tx-key tx-key-first"></span>{i.x("from_residents", format_yuan(f.pledged_residents_fen))}
                        " "<span class="tx-key"></span>{i.x("from_organisations", format_yuan(f.pledged_organisations_fen))}
                        " · "{i.x("funding_goal", format_yuan(f.goal_fen))}
                    </p>
                }
            }}
            {can_pledge.then(|| view! {
                <form class="tx-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    <Field id="tx-amount_fen" label=i.t("pledge_amount") error=field_error(errors.into(), "amount_fen", i18n)>
                        <input id="tx-amount_fen" class="tx-input" type="text" inputmode="decimal" maxlength="16"
                            aria-describedby=described_by("tx-amount_fen")
                            aria-invalid=invalid(field_error(errors.into(), "amount_fen", i18n))
                            prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
                    </Field>
                    <Field id="tx-source" label=i.t("pledge_source") error=Signal::derive(|| None::<String>)>
                        <select id="tx-source" class="tx-input" aria-describedby=described_by("tx-source")
                            on:change=move |ev| source.set(if event_target_value(&ev) == "organisation" { PledgeSource::Organisation } else { PledgeSource::Resident })>
                            <option value="resident">{by_resident}</option>
                            <option value="organisation">{by_organisation}</option>
                        </select>
                    </Field>
                    <Field id="tx-public_name" label=i.t("public_name") error=field_error(errors.into(), "public_name", i18n)>
                        <input id="tx-public_name" class="tx-input" type="text" maxlength="200"
                            aria-describedby=described_by("tx-public_name")
                            aria-invalid=invalid(field_error(errors.into(), "public_name", i18n))
                            prop:value=move || public_name.get() on:input=move |ev| public_name.set(event_target_value(&ev)) />
                    </Field>
                    <div class="tx-actions">
                        <button type="submit" class="tx-button" prop:disabled=move || pledge.busy.get()>{i.t("pledge")}</button>
                    </div>
                    {move || done.get().then(|| view! { <Notice kind=NoticeKind::Success text=env.t("pledged_ok") id="tx-pledged" /> })}
                    {pledge.error_view(Callback::new(move |_| submit()), env.t("retry"))}
                </form>
            })}
            {move || (!pledges.with(Vec::is_empty)).then(|| {
                let i = env.i18n();
                view! {
                    <h4 class="tx-subhead">{i.t("pledges")}</h4>
                    <ul class="tx-pledges">
                        {pledges.get().into_iter().take(SHOWN_PLEDGES).map(|p| {
                            let who = p.public_name.unwrap_or_else(|| i.t("anonymous"));
                            let source = match p.source {
                                PledgeSource::Resident => i.t("source_resident"),
                                PledgeSource::Organisation => i.t("source_organisation"),
                            };
                            view! {
                                <li class="tx-sig">
                                    <span class="tx-sig-name">{who}</span>
                                    <span class="tx-sig-unit">{source}</span>
                                    <span class="tx-sig-time tx-num">{format!("¥{}", format_yuan(p.amount_fen))}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
            })}
            <h4 class="tx-subhead">{i.t("ledger")}</h4>
            {move || {
                let i = env.i18n();
                let entries = ledger.with(|l| l.as_ref().map(|l| l.entries.clone())).unwrap_or_default();
                if entries.is_empty() {
                    return view! { <p class="tx-hint">{i.t("ledger_empty")}</p> }.into_any();
                }
                let f = totals();
                view! {
                    <p class="tx-hint">{i.nx("balance_now", format_yuan(f.spent_fen), format_yuan(f.received_fen))}</p>
                    <div class="tx-table-wrap" tabindex="0" role="region" aria-label=i.t("ledger")>
                        <table class="tx-ledger">
                            <thead>
                                <tr>
                                    <th scope="col">{i.t("ledger_date")}</th>
                                    <th scope="col">{i.t("ledger_memo")}</th>
                                    <th scope="col" class="tx-num">{i.t("ledger_amount")}</th>
                                    <th scope="col" class="tx-num">{i.t("ledger_balance")}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {entries.into_iter().map(|e| {
                                    let (sign, class, kind) = match e.kind {
                                        LedgerKind::Received => ("+", "tx-in", i.t("received")),
                                        LedgerKind::Spent => ("−", "tx-out", i.t("spent")),
                                    };
                                    view! {
                                        <tr>
                                            <td>{i.date(e.recorded_at)}</td>
                                            <td>{e.memo}<span class="tx-sr-only">{format!(" ({kind})")}</span></td>
                                            <td class=format!("tx-num {class}")>{format!("{sign}{}", format_yuan(e.amount_fen))}</td>
                                            <td class="tx-num">{format_yuan(e.balance_fen)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}
