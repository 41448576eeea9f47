//! The signing form: name (with a live preview of how the public list will
//! show it), unit, team, role, the "I have read and agree" box and, for
//! household-code conventions, the code. Errors appear next to their fields.

use leptos::prelude::*;
use tongxin_core::convention::SignerRole;
use tongxin_core::mask::mask_name;
use tongxin_core::text::FieldErrors;
use wasm_bindgen::JsCast;

use super::draft::SignDraft;
use super::signatories::role_key;
use crate::i18n::I18n;
use crate::parts::{Field, HouseholdCodeField, described_by, invalid};
use crate::parts::{Unit, UnitPicker};

const ROLES: [(SignerRole, &str); 3] = [
    (SignerRole::Resident, "resident"),
    (SignerRole::TeamLeader, "team_leader"),
    (SignerRole::OrganisationRep, "organisation_rep"),
];

/// The form; `on_submit` runs when the resident presses "Sign".
#[component]
pub fn SignForm(
    /// What has been entered.
    draft: RwSignal<SignDraft>,
    /// Field errors from the last attempt (client checks or the server's).
    #[prop(into)]
    errors: Signal<FieldErrors>,
    /// Units to choose from.
    #[prop(into)]
    units: Signal<Vec<Unit>>,
    /// Number of articles ("I agree to articles 1–N").
    articles: usize,
    /// The household code, for `code` conventions.
    #[prop(optional_no_strip)]
    code: Option<RwSignal<String>>,
    /// A request is in flight.
    #[prop(into)]
    submitting: Signal<bool>,
    /// Sends the signature.
    on_submit: Callback<()>,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let i = StoredValue::new(i18n.clone());
    let err = move |field: &'static str| {
        Signal::derive(move || {
            errors.with(|e| {
                e.0.contains_key(field)
                    .then(|| i.with_value(|i| i.t(&format!("err_{field}"))))
            })
        })
    };
    let name_hint = Signal::derive(move || {
        let name = draft.with(|d| d.display_name.trim().to_string());
        i.with_value(|i| {
            if name.is_empty() {
                i.t("name_hint_empty")
            } else {
                i.x("name_hint", mask_name(&name))
            }
        })
    });
    let code_error = Signal::derive(move || {
        errors.with(|e| {
            e.0.contains_key("code")
                .then(|| i.with_value(|i| i.t("code_required")))
        })
    });
    // After a failed attempt, move the focus to the first field to fix, so
    // keyboard and screen-reader users land on it.
    let form_ref = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if errors.with(|e| e.is_empty()) {
            return;
        }
        if let Some(first) = form_ref
            .get()
            .and_then(|f| {
                f.query_selector(".tx-invalid input, .tx-invalid select")
                    .ok()
                    .flatten()
            })
            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = first.focus();
        }
    });
    let (sign, busy) = (i18n.t("sign_button"), i18n.t("submitting"));
    let role_names: Vec<String> = ROLES.iter().map(|(r, _)| i18n.t(role_key(*r))).collect();
    view! {
        <form class="tx-form tx-sign-form" novalidate node_ref=form_ref on:submit=move |ev| { ev.prevent_default(); on_submit.run(()); }>
            <h3 class="tx-subhead">{i18n.t("sign_title")}</h3>
            <Field id="tx-display_name" label=i18n.t("name_label") hint=name_hint error=err("display_name")>
                <input
                    id="tx-display_name"
                    class="tx-input"
                    type="text"
                    autocomplete="name"
                    maxlength="40"
                    required
                    aria-describedby=described_by("tx-display_name")
                    aria-invalid=invalid(err("display_name"))
                    prop:value=move || draft.with(|d| d.display_name.clone())
                    on:input=move |ev| draft.update(|d| d.display_name = event_target_value(&ev))
                />
            </Field>
            <UnitPicker
                units=units
                selected=Signal::derive(move || draft.with(|d| d.unit_id))
                on_pick=Callback::new(move |id| draft.update(|d| d.unit_id = Some(id)))
                error=err("unit_id")
                i18n=i18n.clone()
            />
            <Field id="tx-team" label=i18n.t("team_label") hint=i18n.t("team_hint") error=err("team")>
                <input
                    id="tx-team"
                    class="tx-input"
                    type="text"
                    autocomplete="organization"
                    maxlength="80"
                    aria-describedby=described_by("tx-team")
                    aria-invalid=invalid(err("team"))
                    prop:value=move || draft.with(|d| d.team.clone())
                    on:input=move |ev| draft.update(|d| d.team = event_target_value(&ev))
                />
            </Field>
            <Field id="tx-role" label=i18n.t("role_label") error=err("role")>
                <select
                    id="tx-role"
                    class="tx-input"
                    aria-describedby=described_by("tx-role")
                    aria-invalid=invalid(err("role"))
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some((r, _)) = ROLES.iter().find(|(_, s)| *s == v) {
                            draft.update(|d| d.role = *r);
                        }
                    }
                >
                    {ROLES
                        .iter()
                        .zip(role_names)
                        .map(|((r, value), name)| {
                            let r = *r;
                            view! {
                                <option value=*value prop:selected=move || draft.with(|d| d.role == r)>
                                    {name}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </Field>
            {code.map(|c| view! { <HouseholdCodeField code=c error=code_error i18n=i18n.clone() /> })}
            <div class="tx-field" class:tx-invalid=move || err("agreed").with(Option::is_some)>
                <label class="tx-option tx-agree" id="tx-agreed">
                    <input
                        type="checkbox"
                        aria-describedby="tx-agreed-error"
                        aria-invalid=invalid(err("agreed"))
                        prop:checked=move || draft.with(|d| d.agreed)
                        on:change=move |ev| draft.update(|d| d.agreed = event_target_checked(&ev))
                    />
                    <span>{i18n.n("agree_label", articles)}</span>
                </label>
                <p class="tx-field-error" id="tx-agreed-error" aria-live="polite">{move || err("agreed").get()}</p>
            </div>
            <div class="tx-actions">
                <button type="submit" class="tx-button" prop:disabled=move || submitting.get()>
                    {move || if submitting.get() { busy.clone() } else { sign.clone() }}
                </button>
            </div>
        </form>
    }
}
