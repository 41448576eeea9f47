//! Evaluation (评议, 效果由民评): after delivery residents rate the result
//! 1–5 with an optional comment; everyone sees satisfaction %, the mean and
//! the distribution, and the latest comments.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::contract::EvaluationsView;
use tongxin_core::proposal::EvaluationInput;
use tongxin_core::text::FieldErrors;

use crate::action::ActionState;
use crate::env::Env;
use crate::events::WidgetEvent;
use crate::parts::{
    Field, Notice, NoticeKind, RatingInput, ScoreSummaryView, described_by, field_error,
    focus_soon, focused_root, invalid,
};

/// Latest comments shown under the summary.
const SHOWN_COMMENTS: usize = 10;

/// The rating form (while open) and the results.
#[component]
pub fn EvaluateSection(
    /// Proposal id.
    proposal_id: Id,
    /// Whether ratings are taken (delivered and active).
    open: bool,
    /// Backend, strings, events.
    env: Env,
) -> impl IntoView {
    let id = proposal_id;
    let view_state: RwSignal<Option<EvaluationsView>> = RwSignal::new(None);
    let score: RwSignal<Option<u8>> = RwSignal::new(None);
    let comment = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let done = RwSignal::new(false);
    let send = ActionState::new();
    let load = move || {
        spawn_local(async move {
            let Some(b) = env.backend() else { return };
            if let Ok(v) = b.evaluations(id).await {
                view_state.set(Some(v));
            }
        });
    };
    load();

    let submit = move || {
        let text = comment.get_untracked().trim().to_string();
        let input = EvaluationInput {
            score: score.get_untracked().unwrap_or(0),
            comment: (!text.is_empty()).then_some(text),
        };
        let checked = input.validate().map(|_| input);
        let root = focused_root();
        env.submit(
            send,
            errors,
            checked,
            move |b, input, key| async move { b.evaluate(id, &input, &key).await },
            move |result| match result {
                Ok(e) => {
                    done.set(true);
                    if let Some(r) = root.clone() {
                        focus_soon(r, "tx-evaluated".into());
                    }
                    env.fire(WidgetEvent::evaluated(id, e.score));
                    load();
                }
                Err(e) if e.code() == Some("already-evaluated") => done.set(true),
                Err(_) => {}
            },
        );
    };

    let i18n = env.i18n_stored();
    let form = move || {
        if !open {
            return view! { <p class="tx-hint">{env.t("being_delivered")}</p> }.into_any();
        }
        if done.get() {
            return view! { <Notice kind=NoticeKind::Success text=env.t("evaluated_ok") id="tx-evaluated" /> }
                .into_any();
        }
        let i = env.i18n();
        view! {
            <form id="tx-evaluate" class="tx-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <h4 class="tx-subhead">{i.t("evaluate_title")}</h4>
                <div class="tx-field" class:tx-invalid=move || errors.with(|e| e.0.contains_key("score"))>
                    <RatingInput legend=i.t("evaluate_legend") name=format!("tx-eval-{id}") value=score
                        on_change=Callback::new(move |s| score.set(Some(s))) i18n=i.clone() />
                    <p class="tx-field-error">{move || field_error(errors.into(), "score", i18n).get()}</p>
                </div>
                <Field id="tx-eval-comment" label=i.t("evaluate_comment") error=field_error(errors.into(), "comment", i18n)>
                    <textarea id="tx-eval-comment" class="tx-input tx-textarea" rows="3" maxlength="1000"
                        aria-describedby=described_by("tx-eval-comment")
                        aria-invalid=invalid(field_error(errors.into(), "comment", i18n))
                        prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                </Field>
                <div class="tx-actions">
                    <button type="submit" class="tx-button" prop:disabled=move || send.busy.get()>{i.t("evaluate_send")}</button>
                </div>
                {send.error_view(Callback::new(move |_| submit()), env.t("retry"))}
            </form>
        }
        .into_any()
    };
    view! {
        {form}
        {move || view_state.get().filter(|v| v.summary.count > 0).map(|v| {
            let i = env.i18n();
            let comments: Vec<String> = v.items.iter().filter_map(|e| e.comment.clone()).take(SHOWN_COMMENTS).collect();
            view! {
                <section class="tx-results">
                    <ScoreSummaryView title=i.t("evaluations") summary=v.summary i18n=i />
                    <ul class="tx-eval-comments">
                        {comments.into_iter().map(|c| view! { <li class="tx-description">{c}</li> }).collect_view()}
                    </ul>
                </section>
            }
        })}
    }
}
