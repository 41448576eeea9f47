//! The public list of signatories: masked name, unit, team and role, newest
//! first, with "load more" following the server's cursor.

use leptos::prelude::*;
use tongxin_core::Id;
use tongxin_core::convention::{PublicSignature, SignerRole};

use crate::i18n::I18n;
use crate::parts::{Text, Unit};

/// The catalogue key of a role's name.
pub fn role_key(r: SignerRole) -> &'static str {
    match r {
        SignerRole::Resident => "role_resident",
        SignerRole::TeamLeader => "role_team_leader",
        SignerRole::OrganisationRep => "role_organisation_rep",
    }
}

/// The name of unit `id`, or nothing for a unit outside the list.
pub fn unit_label(units: &[Unit], id: Id) -> String {
    units
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.label.clone())
        .unwrap_or_default()
}

/// The list with its "load more" button.
#[component]
pub fn Signatories(
    /// Signatures loaded so far, newest first.
    #[prop(into)]
    items: Signal<Vec<PublicSignature>>,
    /// Whether the server has more.
    #[prop(into)]
    has_more: Signal<bool>,
    /// A page is loading.
    #[prop(into)]
    loading: Signal<bool>,
    /// Unit names.
    #[prop(into)]
    units: Signal<Vec<Unit>>,
    /// Asks for the next page.
    on_more: Callback<()>,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let (label, title) = (i18n.t("signatories"), i18n.t("signatories"));
    let empty = i18n.t("no_signatures");
    let more = i18n.t("load_more");
    let busy = i18n.t("loading");
    let i = i18n;
    view! {
        <section class="tx-signatories" aria-label=label>
            <h3 class="tx-subhead">{title}</h3>
            {move || items.with(Vec::is_empty).then(|| view! { <p class="tx-hint">{empty.clone()}</p> })}
            <ul class="tx-sig-list">
                {move || {
                    let names = units.get();
                    items
                        .get()
                        .into_iter()
                        .map(|s| {
                            let unit = unit_label(&names, s.unit_id);
                            let role = (s.role != SignerRole::Resident).then(|| i.t(role_key(s.role)));
                            // Names and teams are the signers' own words, in either language.
                            let lang = i.lang();
                            view! {
                                <li class="tx-sig">
                                    <span class="tx-sig-name"><Text text=s.masked_name lang=lang /></span>
                                    <span class="tx-sig-unit">{unit}</span>
                                    {s.team.map(|t| view! { <span class="tx-sig-team"><Text text=t lang=lang /></span> })}
                                    {role.map(|r| view! { <span class="tx-badge">{r}</span> })}
                                    <time class="tx-sig-time">{i.date(s.signed_at)}</time>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {move || has_more.get().then(|| {
                let (more, busy) = (more.clone(), busy.clone());
                view! {
                    <button
                        type="button"
                        class="tx-button tx-secondary"
                        prop:disabled=move || loading.get()
                        on:click=move |_| on_more.run(())
                    >
                        {move || if loading.get() { busy.clone() } else { more.clone() }}
                    </button>
                }
            })}
        </section>
    }
}
