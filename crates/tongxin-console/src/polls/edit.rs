//! Editing a poll after it was created: its question, background text,
//! closing time and when results show. Kind and options stay as they are
//! (ballots refer to them); the server checks the edit with
//! `PollEdit::apply`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Millis;
use tongxin_core::poll::{Poll, PollEdit, ResultVisibility};

use super::form::{VISIBILITIES, local_ms, visibility_of};
use crate::api::{self, Problem};
use crate::parts::{ProblemNote, SelectField, TextArea, TextField};

/// A time in milliseconds as a `datetime-local` value in the clerk's zone.
pub(crate) fn local_input(ms: Millis) -> String {
    let d = js_sys::Date::new(&(ms as f64).into());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The value of a visibility in the form.
fn visibility_value(v: ResultVisibility) -> &'static str {
    match v {
        ResultVisibility::Always => "always",
        ResultVisibility::AfterVote => "after_vote",
        ResultVisibility::AfterClose => "after_close",
    }
}

/// The edit form, folded under "修改投票".
#[component]
pub(crate) fn PollEditForm(
    /// The poll as loaded.
    poll: Poll,
    /// Bumped after a save, to reload the desk.
    reload: RwSignal<u32>,
) -> impl IntoView {
    let id = poll.id;
    let title = RwSignal::new(poll.title.clone());
    let description = RwSignal::new(poll.description.clone());
    let closes = RwSignal::new(poll.closes_at.map(local_input).unwrap_or_default());
    // Emptying a closing time the poll had removes it (an empty field alone
    // would mean "unchanged").
    let had_closing_time = poll.closes_at.is_some();
    let visibility = RwSignal::new(visibility_value(poll.visibility).to_string());
    let problem = RwSignal::new(None::<Problem>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let closing = closes.get();
        let edit = PollEdit {
            title: Some(title.get().trim().to_string()),
            description: Some(description.get().trim().to_string()),
            closes_at: local_ms(&closing),
            clear_closes_at: had_closing_time && closing.trim().is_empty(),
            visibility: Some(visibility_of(&visibility.get())),
            ..PollEdit::default()
        };
        spawn_local(async move {
            match api::patch::<_, Poll>(&format!("/api/v1/admin/polls/{id}"), &edit).await {
                Ok(_) => {
                    problem.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <details class="cx-details">
            <summary>"修改投票"</summary>
            <form class="cx-form" on:submit=submit>
                <p class="cx-muted">"投票方式和选项创建后不能修改（选票依据它们）。"</p>
                <TextField label="问题" value=title />
                <TextArea label="说明（可不填）" value=description />
                <TextField label="结束时间（清空则手动结束）" value=closes kind="datetime-local" />
                <SelectField label="结果公开" value=visibility options=VISIBILITIES />
                <ProblemNote problem=problem />
                <button type="submit" class="cx-primary">"保存修改"</button>
            </form>
        </details>
    }
}
