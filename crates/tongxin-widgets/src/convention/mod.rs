//! The convention-signing widget: read the convention, see the count toward
//! the goal and who has signed (names masked), sign with name, unit, team
//! and role, keep the receipt, withdraw while allowed, and sign again when
//! staff publish a new version. The state and its loading are
//! [`state::use_convention`]; signing and withdrawing are [`sign`].

pub mod draft;
pub mod form;
pub mod receipt;
pub mod sign;
pub mod signatories;
pub mod state;
pub mod stats;
pub mod text;

use std::rc::Rc;

use leptos::prelude::*;
use tongxin_client::{Backend, Op, device};
use tongxin_core::Id;
use tongxin_core::eligibility::Eligibility;

use crate::action::use_action;
use crate::env::Env;
use crate::events::Emit;
use crate::i18n::I18n;
use crate::offline::OfflineNotices;
use crate::parts::{Notice, NoticeKind, load_failed_card, loading_card};
use crate::parts::{Unit, units_within};
use form::SignForm;
use receipt::SignedReceipt;
use sign::{sign, use_sign_form, withdraw};
use signatories::Signatories;
use state::{load, load_page, use_convention};
use stats::{SignatureProgress, UnitChart};
use text::ConventionText;

/// The convention widget.
#[component]
pub fn ConventionWidget(
    /// Convention id.
    convention_id: Id,
    /// Where the convention lives.
    backend: Rc<dyn Backend>,
    /// Strings in the resident's language.
    i18n: I18n,
    /// Whether the host page passed a signed voter token (for `token` conventions).
    #[prop(optional)]
    has_voter_token: bool,
    /// Receives `ready`, `signed`, `withdrawn` and `error` events for the host page.
    #[prop(optional)]
    emit: Option<Emit>,
    /// Seconds between reads of the count while the page is visible, where
    /// the backend has no live stream. Default 15.
    #[prop(optional)]
    refresh_secs: Option<u32>,
) -> impl IntoView {
    let id = convention_id;
    // Never kept on the device (see the poll widget).
    device::forget(&format!("code:convention:{id}"));
    // What the backend lacks is not shown.
    let can_count = backend.supports(Op::GetSignatureCounts);
    let can_list = backend.supports(Op::ListSignatures);
    let can_withdraw = backend.supports(Op::Withdraw);
    let env = Env::new(backend, i18n, emit, format!("/conventions/{id}/"));
    let s = use_convention(env, id, refresh_secs.unwrap_or(15));
    let f = use_sign_form();
    let action = use_action();
    let units: Memo<Vec<Unit>> = Memo::new(move |_| {
        let root = s.conv.with(|c| c.as_ref().map(|c| c.convention.scope_id));
        let lang = env.i18n().lang();
        root.map(|r| units_within(s.scopes.get(), r, lang))
            .unwrap_or_default()
    });
    let busy = Signal::derive(move || action.busy.get() || env.offline.queued.get());
    let on_sign = Callback::new(move |_| sign(env, s, f, action));
    let on_withdraw = Callback::new(move |_| withdraw(env, s, action));
    // A retry repeats what failed: the withdrawal of a live signature, or
    // the signing.
    let retry = Callback::new(move |_| {
        let signed = s
            .mine
            .with_untracked(|m| m.as_ref().is_some_and(|r| r.withdrawn_at.is_none()));
        if signed && !f.resign.get_untracked() {
            withdraw(env, s, action);
        } else {
            sign(env, s, f, action);
        }
    });

    move || {
        let i = env.i18n();
        if let Some(e) = s.load_error.get() {
            let retry = Callback::new(move |_| load(env, s));
            return load_failed_card(i.t("conv_load_failed"), &e, "sign_failed", &i, retry);
        }
        let Some(cv) = s.conv.get() else {
            return loading_card(&i);
        };
        let c = cv.convention;
        let active = s.mine.get().filter(|r| r.withdrawn_at.is_none());
        let withdrawn = s
            .mine
            .with(|m| m.as_ref().is_some_and(|r| r.withdrawn_at.is_some()));
        let token_missing = c.eligibility == Eligibility::Token && !has_voter_token;
        let resign = f.resign.get();
        let show_form = cv.open && !token_missing && (active.is_none() || resign);
        let badge = if cv.open {
            ("tx-badge tx-open", i.t("conv_open"))
        } else {
            ("tx-badge tx-closed", i.t("status_closed"))
        };
        let my_unit = active.as_ref().map(|r| r.unit_id);
        let on_sign_new = Callback::new(move |_| {
            if let Some(r) = s.mine.get_untracked() {
                f.draft.update(|d| d.refill_from(&r));
            }
            f.resign.set(true);
        });

        view! {
            <article class="tx-card tx-convention" lang=i.lang().tag()>
                <ConventionText convention=c.clone() i18n=i.clone() />
                <div class="tx-meta">
                    <span class=badge.0>{badge.1}</span>
                    {c.closes_at.filter(|_| cv.open).map(|t| view! { <span>{i.x("closes_at", i.time(t))}</span> })}
                </div>
                {can_count.then(|| view! { <SignatureProgress counts=s.counts extra=s.extra goal=c.goal as u64 title=c.title.clone() i18n=i.clone() /> })}
                {token_missing.then(|| view! { <Notice kind=NoticeKind::Info text=i.t("sign_token_required") /> })}
                {(!cv.open).then(|| view! { <Notice kind=NoticeKind::Info text=i.t("convention_closed") /> })}
                {withdrawn.then(|| view! { <Notice kind=NoticeKind::Info text=i.t("withdrawn_ok") id="tx-withdrawn" /> })}
                {active.filter(|_| !resign).map(|r| view! {
                    <SignedReceipt receipt=r current_version=c.version open=cv.open
                        withdrawal_open=cv.withdrawal_open && can_withdraw withdrawal=c.withdrawal
                        busy=busy on_withdraw=on_withdraw on_sign_new=on_sign_new i18n=i.clone() />
                })}
                {show_form.then(|| view! {
                    <SignForm draft=f.draft errors=f.errors units=units articles=c.articles.len()
                        code=(c.eligibility == Eligibility::Code).then_some(env.code)
                        submitting=busy on_submit=on_sign i18n=i.clone() />
                })}
                <OfflineNotices offline=env.offline i18n=i.clone() />
                {action.error_view(retry, i.t("retry"))}
                <UnitChart counts=s.counts units=units my_unit=my_unit i18n=i.clone() />
                {can_list.then(|| view! {
                    <Signatories items=s.list has_more=Signal::derive(move || s.cursor.with(Option::is_some))
                        loading=s.list_loading units=units
                        on_more=Callback::new(move |_| load_page(env, s, false)) i18n=i.clone() />
                })}
            </article>
        }
        .into_any()
    }
}
