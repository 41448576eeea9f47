//! "Propose a project" for residents: title, problem, plan, estimated cost
//! (typed in yuan, sent in fen), where it is, the proposer's name and an
//! optional contact kept private; errors next to their fields, a preview of
//! the public page, and the new proposal starts at 提议.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::mask::mask_name;
use tongxin_core::proposal::ProposalDraft;
use tongxin_core::proposal::funding::{format_yuan, parse_yuan};
use tongxin_core::text::FieldErrors;

use crate::action::ActionState;
use crate::env::Env;
use crate::events::WidgetEvent;
use crate::parts::{Field, Unit, UnitPicker, described_by, field_error, invalid, places_within};

/// What the resident has typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProposalForm {
    /// Title.
    pub title: String,
    /// The problem.
    pub problem: String,
    /// The plan.
    pub plan: String,
    /// Estimated cost as typed, in yuan.
    pub cost: String,
    /// Where the project is.
    pub scope_id: Option<Id>,
    /// Proposer's name.
    pub name: String,
    /// Private contact.
    pub contact: String,
}

impl ProposalForm {
    /// The request, or the fields to fix (same rules as the server).
    pub fn to_draft(&self) -> Result<ProposalDraft, FieldErrors> {
        let cost = parse_yuan(&self.cost);
        let contact = self.contact.trim();
        let draft = ProposalDraft {
            scope_id: self.scope_id.unwrap_or(Id::int(0)),
            title: self.title.trim().to_string(),
            problem: self.problem.trim().to_string(),
            plan: self.plan.trim().to_string(),
            estimated_cost_fen: cost.unwrap_or(0),
            proposer_name: self.name.trim().to_string(),
            contact: (!contact.is_empty()).then(|| contact.to_string()),
        };
        let mut e = draft.validate().err().unwrap_or_default();
        if cost.is_none() {
            e.add("estimated_cost_fen", "invalid");
        }
        if self.scope_id.is_none() {
            e.add("scope_id", "required");
        }
        e.into_result().map(|()| draft)
    }
}

/// The form with its preview.
#[component]
pub fn SubmitProposal(
    /// Backend, strings, events.
    env: Env,
    /// The board's scope: the project is for it or a place inside it.
    scope_id: Option<Id>,
    /// Called with the new proposal's id.
    on_done: Callback<Id>,
    /// Back without submitting.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let form = RwSignal::new(ProposalForm::default());
    let places: RwSignal<Vec<Unit>> = RwSignal::new(Vec::new());
    let errors = RwSignal::new(FieldErrors::new());
    let preview = RwSignal::new(false);
    let send = ActionState::new();
    spawn_local(async move {
        let Some(b) = env.backend() else { return };
        if let Ok(s) = b.scopes().await {
            let p = places_within(s, scope_id, env.i18n().lang());
            if p.len() == 1 {
                form.update(|f| f.scope_id = Some(p[0].id));
            }
            places.set(p);
        }
    });

    let check = move || match form.with_untracked(ProposalForm::to_draft) {
        Ok(d) => {
            errors.set(FieldErrors::new());
            send.error.set(None);
            Some(d)
        }
        Err(e) => {
            errors.set(e);
            preview.set(false);
            send.refuse(env.t("check_fields"));
            None
        }
    };
    let submit = move || {
        let Some(draft) = check() else { return };
        let key = send.start();
        spawn_local(async move {
            let Some(b) = env.backend() else { return };
            let result = b.submit_proposal(&draft, &key).await;
            send.finish(&result, &env.i18n(), "action_failed", env.offline);
            match result {
                Ok(p) => {
                    env.fire(WidgetEvent::proposal_submitted(p.id));
                    on_done.run(p.id);
                }
                Err(e) => {
                    if let Some(fe) = ActionState::field_errors(&e) {
                        errors.set(fe);
                        preview.set(false);
                    }
                }
            }
        });
    };

    let i = env.i18n();
    let i18n = env.i18n_stored();
    let err = move |f: &'static str| field_error(errors.into(), f, i18n);
    let text_field = move |id: &'static str,
                           label: &str,
                           max: u32,
                           get: fn(&ProposalForm) -> String,
                           set: fn(&mut ProposalForm, String)| {
        let dom_id = format!("tx-{id}");
        view! {
            <Field id=dom_id.clone() label=label.to_string() error=err(id)>
                <input id=dom_id.clone() class="tx-input" type="text" maxlength=max.to_string()
                    aria-describedby=described_by(&dom_id)
                    aria-invalid=invalid(err(id))
                    prop:value=move || form.with(get) on:input=move |ev| form.update(|f| set(f, event_target_value(&ev))) />
            </Field>
        }
    };
    let area_field = move |id: &'static str,
                           label: &str,
                           get: fn(&ProposalForm) -> String,
                           set: fn(&mut ProposalForm, String)| {
        let dom_id = format!("tx-{id}");
        view! {
            <Field id=dom_id.clone() label=label.to_string() error=err(id)>
                <textarea id=dom_id.clone() class="tx-input tx-textarea" rows="4" maxlength="8000"
                    aria-describedby=described_by(&dom_id)
                    aria-invalid=invalid(err(id))
                    prop:value=move || form.with(get) on:input=move |ev| form.update(|f| set(f, event_target_value(&ev)))></textarea>
            </Field>
        }
    };
    let preview_block = move || {
        preview.get().then(|| {
            let i = env.i18n();
            let f = form.get();
            let cost = parse_yuan(&f.cost).map(format_yuan).unwrap_or_default();
            view! {
                <section class="tx-preview" aria-live="polite">
                    <p class="tx-hint">{i.t("preview_hint")}</p>
                    <h3 class="tx-title">{f.title.clone()}</h3>
                    <p class="tx-meta">{i.x("proposer", mask_name(f.name.trim()))}" · "{i.x("estimated_cost", cost)}</p>
                    <h4 class="tx-subhead">{i.t("problem")}</h4>
                    <p class="tx-description">{f.problem.clone()}</p>
                    <h4 class="tx-subhead">{i.t("plan")}</h4>
                    <p class="tx-description">{f.plan}</p>
                </section>
            }
        })
    };
    view! {
        <article class="tx-card tx-submit" lang=i.lang().tag()>
            <button type="button" class="tx-link-button" on:click=move |_| on_cancel.run(())>{i.t("back_to_list")}</button>
            <h2 class="tx-title">{i.t("submit_title")}</h2>
            <form class="tx-form" novalidate on:submit=move |ev| {
                ev.prevent_default();
                if preview.get_untracked() { submit() } else if check().is_some() { preview.set(true) }
            }>
                {text_field("title", &i.t("p_title"), 200, |f| f.title.clone(), |f, v| f.title = v)}
                {area_field("problem", &i.t("p_problem"), |f| f.problem.clone(), |f, v| f.problem = v)}
                {area_field("plan", &i.t("p_plan"), |f| f.plan.clone(), |f, v| f.plan = v)}
                <Field id="tx-estimated_cost_fen" label=i.t("p_cost") error=err("estimated_cost_fen")>
                    <input id="tx-estimated_cost_fen" class="tx-input" type="text" inputmode="decimal" maxlength="20"
                        aria-describedby=described_by("tx-estimated_cost_fen")
                        aria-invalid=invalid(err("estimated_cost_fen"))
                        prop:value=move || form.with(|f| f.cost.clone()) on:input=move |ev| form.update(|f| f.cost = event_target_value(&ev)) />
                </Field>
                <UnitPicker units=places selected=Signal::derive(move || form.with(|f| f.scope_id))
                    on_pick=Callback::new(move |id| form.update(|f| f.scope_id = Some(id)))
                    error=err("scope_id") legend=i.t("p_scope") i18n=i.clone() />
                {text_field("proposer_name", &i.t("p_name"), 40, |f| f.name.clone(), |f, v| f.name = v)}
                {text_field("contact", &i.t("p_contact"), 100, |f| f.contact.clone(), |f, v| f.contact = v)}
                {preview_block}
                <div class="tx-actions">
                    {move || if preview.get() {
                        let (edit, go) = (env.t("edit"), env.t("submit_proposal"));
                        view! {
                            <button type="submit" class="tx-button" prop:disabled=move || send.busy.get()>{go}</button>
                            <button type="button" class="tx-button tx-secondary" on:click=move |_| preview.set(false)>{edit}</button>
                        }.into_any()
                    } else {
                        view! { <button type="submit" class="tx-button">{env.t("preview")}</button> }.into_any()
                    }}
                </div>
                {send.error_view(Callback::new(move |_| submit()), env.t("retry"))}
            </form>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_form_becomes_a_draft_in_fen() {
        let f = ProposalForm {
            title: " 明通巷47号院公厕改造 ".into(),
            problem: "120户共用一个公厕".into(),
            plan: "翻新".into(),
            cost: "18,600".into(),
            scope_id: Some(Id::from(12)),
            name: "孙雨萌".into(),
            contact: " ".into(),
        };
        let d = f.to_draft().unwrap();
        assert_eq!(d.estimated_cost_fen, 1_860_000);
        assert_eq!(d.title, "明通巷47号院公厕改造");
        assert_eq!(d.contact, None);
    }

    #[test]
    fn bad_fields_are_named() {
        let f = ProposalForm {
            cost: "-5".into(),
            ..ProposalForm::default()
        };
        let e = f.to_draft().unwrap_err();
        let fields: Vec<&str> = e.0.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "estimated_cost_fen",
                "plan",
                "problem",
                "proposer_name",
                "scope_id",
                "title"
            ]
        );
        let xss = ProposalForm {
            title: "<script>alert(1)</script>".into(),
            problem: "<img src=x onerror=alert(1)>".into(),
            plan: "p".into(),
            cost: "0".into(),
            scope_id: Some(Id::from(1)),
            name: "n".into(),
            contact: String::new(),
        };
        assert!(xss.to_draft().is_ok(), "markup is text, kept as typed");
    }
}
