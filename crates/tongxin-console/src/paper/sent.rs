//! The slips the server answered, newest first: counted (with a button
//! to void it, giving a reason), waiting for its second keying, in
//! dispute, or refused with the server's reason (a household that already
//! took part is named with the channel of its first answer).

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Value, json};
use tongxin_core::paper::{EntryState, PaperEntry};

use super::outbox::Sent;
use crate::api;

/// One answered slip.
#[component]
pub(crate) fn SentRow(
    /// The slip and its answer.
    sent: Sent,
    /// Bumped after a void (to reload counts).
    voided: RwSignal<u32>,
) -> impl IntoView {
    let entry = sent
        .outcome
        .as_ref()
        .ok()
        .and_then(|t| serde_json::from_str::<PaperEntry>(t).ok());
    let (class, text) = match (&sent.outcome, entry.as_ref().map(|e| e.state)) {
        (Err(why), _) => ("cx-problem", format!("{}：{why}", sent.label)),
        (Ok(_), Some(EntryState::AwaitingSecond)) => {
            ("cx-muted", format!("{} 待第二人核录", sent.label))
        }
        (Ok(_), Some(EntryState::Discrepancy)) => {
            ("cx-problem", format!("{} 两人录入不一致", sent.label))
        }
        (Ok(_), _) => ("cx-ok", format!("{} ✓", sent.label)),
    };
    let id = entry.and_then(|e| e.id);
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let state = RwSignal::new(String::new());
    let ballot = serde_json::from_str::<Value>(&sent.body)
        .ok()
        .map(|b| b["ballot"].clone())
        .filter(|b| !b.is_null());
    let label = sent.label;
    let ballot = StoredValue::new(ballot);
    let void = move |_| {
        let Some(id) = id else { return };
        let mut body = json!({"reason": reason.get_untracked()});
        if let Some(b) = ballot.get_value() {
            body["ballot"] = b;
        }
        spawn_local(async move {
            let path = format!("/api/v1/admin/paper-entries/{id}/void");
            match api::post::<_, Value>(&path, &body).await {
                Ok(_) => {
                    state.set("已作废".into());
                    asking.set(false);
                    voided.update(|n| *n += 1);
                }
                Err(p) => state.set(api::describe(&p)),
            }
        });
    };
    view! {
        <li class=class>
            {text}
            {id.map(|_| view! {
                <button type="button" class="cx-link" aria-label=format!("作废 {label}") on:click=move |_| asking.set(true)>"作废"</button>
            })}
            {move || asking.get().then(|| view! {
                <span class="cx-inline">
                    <input type="text" aria-label="作废原因" placeholder="作废原因" bind:value=reason />
                    <button type="button" class="cx-danger" on:click=void>"确认作废"</button>
                </span>
            })}
            <span role="status">{move || state.get()}</span>
        </li>
    }
}
