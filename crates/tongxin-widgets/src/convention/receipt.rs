//! What a signer sees instead of the form: the receipt ("you signed version
//! X on …", receipt number), a newer version to sign if there is one, and
//! withdrawal with a confirmation step while it is allowed.

use leptos::prelude::*;
use tongxin_core::contract::SignatureReceipt;
use tongxin_core::convention::WithdrawalPolicy;

use crate::i18n::I18n;
use crate::parts::{Notice, NoticeKind};

/// The signer's receipt and actions.
#[component]
pub fn SignedReceipt(
    /// The signer's latest signature (not withdrawn).
    receipt: SignatureReceipt,
    /// The convention's current version.
    current_version: u32,
    /// Whether signing is open.
    open: bool,
    /// Whether withdrawal is allowed now.
    withdrawal_open: bool,
    /// The convention's withdrawal rule, to explain it.
    withdrawal: WithdrawalPolicy,
    /// A withdrawal is in flight.
    #[prop(into)]
    busy: Signal<bool>,
    /// Withdraws (after the resident confirmed).
    on_withdraw: Callback<()>,
    /// Shows the form for the current version.
    on_sign_new: Callback<()>,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let newer = (receipt.version < current_version).then(|| {
        let text = i18n.n("newer_version", current_version);
        let action = open.then(|| {
            let label = i18n.t("sign_new_version");
            view! { <button type="button" class="tx-button" on:click=move |_| on_sign_new.run(())>{label}</button> }
        });
        view! { <Notice kind=NoticeKind::Info text=text /> {action} }
    });
    let rule = match withdrawal {
        WithdrawalPolicy::Never => Some(i18n.t("withdrawal_never")),
        _ if !withdrawal_open => Some(i18n.t("withdrawal_closed")),
        WithdrawalPolicy::Until { until } => Some(i18n.x("withdrawal_until", i18n.time(until))),
        WithdrawalPolicy::WhileOpen => None,
    };
    let withdraw = withdrawal_open.then(|| {
        let (ask, question, yes, no) = (
            i18n.t("withdraw"),
            i18n.t("withdraw_confirm"),
            i18n.t("withdraw_yes"),
            i18n.t("cancel"),
        );
        move || {
            if confirming.get() {
                let (label, question, yes, no) = (question.clone(), question.clone(), yes.clone(), no.clone());
                view! {
                    <div class="tx-confirm" role="group" aria-label=label>
                        <p>{question}</p>
                        <div class="tx-actions">
                            <button type="button" class="tx-button tx-danger" prop:disabled=move || busy.get()
                                on:click=move |_| { confirming.set(false); on_withdraw.run(()); }>{yes}</button>
                            <button type="button" class="tx-button tx-secondary" on:click=move |_| confirming.set(false)>{no}</button>
                        </div>
                    </div>
                }
                .into_any()
            } else {
                let ask = ask.clone();
                view! {
                    <button type="button" class="tx-button tx-secondary" prop:disabled=move || busy.get()
                        on:click=move |_| confirming.set(true)>{ask}</button>
                }
                .into_any()
            }
        }
    });
    view! {
        <div class="tx-voted tx-receipt">
            <Notice kind=NoticeKind::Success text=i18n.t("signed_ok") id="tx-signed" />
            <p class="tx-my-ballot">{i18n.nx("signed_version", receipt.version, i18n.time(receipt.signed_at))}</p>
            <p class="tx-hint">{i18n.n("receipt_no", receipt.id)}</p>
            {newer}
            {rule.map(|r| view! { <p class="tx-hint">{r}</p> })}
            {withdraw}
        </div>
    }
}
