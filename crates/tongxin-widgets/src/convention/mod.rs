//! The convention-signing widget: read the convention, see the count toward
//! the goal and who has signed (names masked), sign with name, unit, team
//! and role, keep the receipt, withdraw while allowed, and sign again when
//! staff publish a new version.

pub mod draft;
pub mod form;
pub mod receipt;
pub mod signatories;
pub mod stats;
pub mod text;

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::{Backend, ClientError, IdemKey, Op, device};
use tongxin_core::Id;
use tongxin_core::contract::{ConventionView, SignatureCounts, SignatureReceipt};
use tongxin_core::convention::PublicSignature;
use tongxin_core::eligibility::Eligibility;
use tongxin_core::scope::Scope;
use tongxin_core::text::FieldErrors;

use crate::action::Action;
use crate::errors::error_text;
use crate::events::{Emit, WidgetEvent};
use crate::i18n::I18n;
use crate::offline::{Offline, OfflineNotices};
use crate::parts::{Notice, NoticeKind, Skeleton, focus_soon, focused_root};
use crate::parts::{Unit, units_within};
use draft::SignDraft;
use form::SignForm;
use receipt::SignedReceipt;
use signatories::Signatories;
use stats::{SignatureProgress, UnitChart};
use text::ConventionText;

/// Signatures fetched per page of the public list.
const PAGE: u32 = 20;

fn receipt_key(id: Id) -> String {
    format!("receipt:convention:{id}")
}

/// The receipt kept on this device, if any.
fn local_receipt(id: Id) -> Option<SignatureReceipt> {
    serde_json::from_str(&device::load(&receipt_key(id))?).ok()
}

fn keep_receipt(r: &SignatureReceipt) {
    if let Ok(json) = serde_json::to_string(r) {
        device::save(&receipt_key(r.convention_id), &json);
    }
}

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
    /// Seconds between refreshes of the count while the page is visible. Default 15.
    #[prop(optional)]
    refresh_secs: Option<u32>,
) -> impl IntoView {
    let id = convention_id;
    let backend = StoredValue::new_local(backend);
    let emit = StoredValue::new_local(emit);
    let i18n = StoredValue::new(i18n);
    let conv: RwSignal<Option<ConventionView>> = RwSignal::new(None);
    let scopes: RwSignal<Vec<Scope>> = RwSignal::new(Vec::new());
    let counts: RwSignal<Option<SignatureCounts>> = RwSignal::new(None);
    let mine: RwSignal<Option<SignatureReceipt>> = RwSignal::new(None);
    let list: RwSignal<Vec<PublicSignature>> = RwSignal::new(Vec::new());
    let cursor: RwSignal<Option<String>> = RwSignal::new(None);
    let list_loading = RwSignal::new(false);
    let load_error: RwSignal<Option<ClientError>> = RwSignal::new(None);
    let draft = RwSignal::new(SignDraft::default());
    let field_errors = RwSignal::new(FieldErrors::new());
    let action_error: RwSignal<Option<(String, bool)>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let resign = RwSignal::new(false);
    let extra = RwSignal::new(0u64);
    // Never kept on the device (see the poll widget).
    device::forget(&format!("code:convention:{id}"));
    let code = RwSignal::new(String::new());
    let pending_key: StoredValue<Option<IdemKey>> = StoredValue::new(None);
    let offline = Offline::new(backend, format!("/conventions/{id}/"));
    // What the backend lacks is not shown.
    let (can_count, can_list, can_withdraw) = backend.with_value(|b| {
        (
            b.supports(Op::GetSignatureCounts),
            b.supports(Op::ListSignatures),
            b.supports(Op::Withdraw),
        )
    });
    let fire = move |e: WidgetEvent| {
        emit.try_with_value(|f| {
            if let Some(f) = f {
                f(e);
            }
        })
    };
    let units: Memo<Vec<Unit>> = Memo::new(move |_| {
        let root = conv.with(|c| c.as_ref().map(|c| c.convention.scope_id));
        let lang = i18n.with_value(|i| i.lang());
        root.map(|r| units_within(scopes.get(), r, lang))
            .unwrap_or_default()
    });

    let refresh_counts = move || {
        spawn_local(async move {
            let Some(b) = backend.try_get_value() else {
                return;
            };
            if let Ok(c) = b.signature_counts(id).await {
                counts.set(Some(c));
                extra.set(0);
            }
        });
    };
    let load_page = move |first: bool| {
        list_loading.set(true);
        spawn_local(async move {
            let after = if first { None } else { cursor.get_untracked() };
            let Some(b) = backend.try_get_value() else {
                return;
            };
            if let Ok(page) = b.signatures(id, after, PAGE).await {
                cursor.set(page.next_cursor);
                if first {
                    list.set(page.items);
                } else {
                    list.update(|l| l.extend(page.items));
                }
            }
            list_loading.set(false);
        });
    };
    let load_mine = move |eligibility: Eligibility| {
        spawn_local(async move {
            let code_unknown = eligibility == Eligibility::Code && code.get_untracked().is_empty();
            let server = if code_unknown {
                None
            } else {
                let Some(b) = backend.try_get_value() else {
                    return;
                };
                b.my_signatures(id).await.ok()
            };
            mine.set(match server {
                Some(list) => list.into_iter().next(),
                None => local_receipt(id),
            });
        });
    };
    let load = move || {
        load_error.set(None);
        let b = backend.get_value();
        if !code.get_untracked().is_empty() {
            b.set_household_code(Some(code.get_untracked()));
        }
        spawn_local(async move {
            let Some(b) = backend.try_get_value() else {
                return;
            };
            match b.scopes().await {
                Ok(s) => scopes.set(s),
                Err(e) => load_error.set(Some(e)),
            }
        });
        refresh_counts();
        load_page(true);
        spawn_local(async move {
            let Some(b) = backend.try_get_value() else {
                return;
            };
            // A signature kept offline goes out before the convention is shown.
            offline.settle().await;
            match b.convention(id).await {
                Ok(c) => {
                    load_mine(c.convention.eligibility);
                    conv.set(Some(c));
                    fire(WidgetEvent::ready(id));
                }
                Err(e) => {
                    fire(WidgetEvent::error(id, &e));
                    load_error.set(Some(e));
                }
            }
        });
    };
    load();
    offline.reload_with(load);

    let every = Duration::from_secs(refresh_secs.unwrap_or(15).max(2) as u64);
    if let Ok(h) = set_interval_with_handle(
        move || {
            let visible = web_sys::window()
                .and_then(|w| w.document())
                .is_none_or(|d| !d.hidden());
            if visible && conv.with_untracked(Option::is_some) {
                refresh_counts();
            }
        },
        every,
    ) {
        on_cleanup(move || h.clear());
    }

    let fail = move |e: &ClientError| {
        fire(WidgetEvent::error(id, e));
        let text = i18n.with_value(|i| error_text(e, i, "sign_failed"));
        action_error.set(Some((text, e.is_transient())));
    };

    let submit = move || {
        let Some(c) = conv.get_untracked() else {
            return;
        };
        let eligibility = c.convention.eligibility;
        let input = draft.with_untracked(|d| d.to_input(c.convention.version));
        let mut errors = input.as_ref().err().cloned().unwrap_or_default();
        if eligibility == Eligibility::Code && code.get_untracked().trim().is_empty() {
            errors.add("code", "required");
        }
        field_errors.set(errors.clone());
        let Ok(input) = input
            .map_err(|_| ())
            .and_then(|i| errors.is_empty().then_some(i).ok_or(()))
        else {
            action_error.set(Some((i18n.with_value(|i| i.t("check_fields")), false)));
            return;
        };
        let key = pending_key.get_value().unwrap_or_default();
        pending_key.set_value(Some(key.clone()));
        // The focus goes to the receipt once signed (the form is gone).
        let root = focused_root();
        busy.set(true);
        action_error.set(None);
        extra.set(1);
        spawn_local(async move {
            let Some(b) = backend.try_get_value() else {
                return;
            };
            if eligibility == Eligibility::Code {
                b.set_household_code(Some(code.get_untracked().trim().to_string()));
            }
            let result = b.sign(id, &input, &key).await;
            busy.set(false);
            match result {
                Ok(r) => {
                    pending_key.set_value(None);
                    if eligibility == Eligibility::Code {
                        code.set(String::new());
                        b.set_household_code(None);
                    }
                    keep_receipt(&r);
                    fire(WidgetEvent::signed(id, r.version, r.id));
                    mine.set(Some(r));
                    resign.set(false);
                    if let Some(root) = root {
                        focus_soon(root, "tx-signed".into());
                    }
                    refresh_counts();
                    load_page(true);
                }
                Err(ClientError::Queued) => {
                    // Kept on the device; the form keeps what was typed.
                    pending_key.set_value(None);
                    extra.set(0);
                    offline.kept();
                }
                Err(e) => {
                    extra.set(0);
                    match e.code() {
                        Some("already-signed") => {
                            pending_key.set_value(None);
                            load_mine(eligibility);
                        }
                        Some("stale-version") => {
                            pending_key.set_value(None);
                            draft.update(|d| d.agreed = false);
                            load();
                        }
                        Some("invalid-code" | "code-required") => {
                            pending_key.set_value(None);
                            field_errors.update(|f| f.add("code", "invalid"));
                        }
                        _ => {}
                    }
                    if let Some(fe) = Action::field_errors(&e) {
                        pending_key.set_value(None);
                        field_errors.set(fe);
                    }
                    fail(&e);
                }
            }
        });
    };

    let withdraw = move || {
        let key = pending_key.get_value().unwrap_or_default();
        pending_key.set_value(Some(key.clone()));
        let root = focused_root();
        busy.set(true);
        action_error.set(None);
        spawn_local(async move {
            let Some(b) = backend.try_get_value() else {
                return;
            };
            let result = b.withdraw(id, &key).await;
            busy.set(false);
            match result {
                Ok(r) => {
                    pending_key.set_value(None);
                    keep_receipt(&r);
                    fire(WidgetEvent::withdrawn(id, r.id));
                    mine.set(Some(r));
                    if let Some(root) = root {
                        focus_soon(root, "tx-withdrawn".into());
                    }
                    refresh_counts();
                    load_page(true);
                }
                Err(ClientError::Queued) => {
                    pending_key.set_value(None);
                    offline.kept();
                }
                Err(e) => {
                    if !e.is_transient() {
                        pending_key.set_value(None);
                    }
                    fail(&e);
                }
            }
        });
    };

    move || {
        let i = i18n.get_value();
        if let Some(e) = load_error.get() {
            let retry = (i.t("retry"), Callback::new(move |_| load()));
            let text = format!(
                "{} {}",
                i.t("conv_load_failed"),
                error_text(&e, &i, "sign_failed")
            );
            return view! { <div class="tx-card"><Notice kind=NoticeKind::Error text=text retry=retry /></div> }.into_any();
        }
        let Some(cv) = conv.get() else {
            return view! { <div class="tx-card"><Skeleton label=i.t("loading") /></div> }
                .into_any();
        };
        let c = cv.convention.clone();
        let goal = c.goal as u64;
        let active = mine.get().filter(|r| r.withdrawn_at.is_none());
        let withdrawn = mine.with(|m| m.as_ref().is_some_and(|r| r.withdrawn_at.is_some()));
        let token_missing = c.eligibility == Eligibility::Token && !has_voter_token;
        let show_form = cv.open && !token_missing && (active.is_none() || resign.get());
        let badge = if cv.open {
            ("tx-badge tx-open", i.t("conv_open"))
        } else {
            ("tx-badge tx-closed", i.t("status_closed"))
        };
        let my_unit = active.as_ref().map(|r| r.unit_id);

        view! {
            <article class="tx-card tx-convention" lang=i.lang().tag()>
                <ConventionText convention=c.clone() i18n=i.clone() />
                <div class="tx-meta">
                    <span class=badge.0>{badge.1}</span>
                    {c.closes_at.filter(|_| cv.open).map(|t| view! { <span>{i.x("closes_at", i.time(t))}</span> })}
                </div>
                {can_count.then(|| view! { <SignatureProgress counts=counts extra=extra goal=goal title=c.title.clone() i18n=i.clone() /> })}
                {token_missing.then(|| view! { <Notice kind=NoticeKind::Info text=i.t("sign_token_required") /> })}
                {(!cv.open).then(|| view! { <Notice kind=NoticeKind::Info text=i.t("convention_closed") /> })}
                {withdrawn.then(|| view! { <Notice kind=NoticeKind::Info text=i.t("withdrawn_ok") id="tx-withdrawn" /> })}
                {active.filter(|_| !resign.get()).map(|r| view! {
                    <SignedReceipt
                        receipt=r
                        current_version=c.version
                        open=cv.open
                        withdrawal_open=cv.withdrawal_open && can_withdraw
                        withdrawal=c.withdrawal
                        busy=Signal::derive(move || busy.get() || offline.queued.get())
                        on_withdraw=Callback::new(move |_| withdraw())
                        on_sign_new=Callback::new(move |_| {
                            if let Some(r) = mine.get_untracked() {
                                draft.update(|d| d.refill_from(&r));
                            }
                            resign.set(true);
                        })
                        i18n=i.clone()
                    />
                })}
                {show_form.then(|| view! {
                    <SignForm
                        draft=draft
                        errors=field_errors
                        units=units
                        articles=c.articles.len()
                        code=(c.eligibility == Eligibility::Code).then_some(code)
                        submitting=Signal::derive(move || busy.get() || offline.queued.get())
                        on_submit=Callback::new(move |_| submit())
                        i18n=i.clone()
                    />
                })}
                <OfflineNotices offline=offline i18n=i.clone() />
                {move || action_error.get().map(|(text, transient)| {
                    if !transient {
                        return view! { <Notice kind=NoticeKind::Error text=text /> }.into_any();
                    }
                    let again = Callback::new(move |_| {
                        let signed = mine.with_untracked(|m| m.as_ref().is_some_and(|r| r.withdrawn_at.is_none()));
                        if signed && !resign.get_untracked() { withdraw() } else { submit() }
                    });
                    let retry = (i18n.with_value(|i| i.t("retry")), again);
                    view! { <Notice kind=NoticeKind::Error text=text retry=retry /> }.into_any()
                })}
                <UnitChart counts=counts units=units my_unit=my_unit i18n=i.clone() />
                {can_list.then(|| view! {
                    <Signatories
                        items=list
                        has_more=Signal::derive(move || cursor.with(Option::is_some))
                        loading=list_loading
                        units=units
                        on_more=Callback::new(move |_| load_page(false))
                        i18n=i.clone()
                    />
                })}
            </article>
        }
        .into_any()
    }
}
