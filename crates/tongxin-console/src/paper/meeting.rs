//! A residents' meeting's count, entered as one batch: place, day, chair,
//! people present and the hands raised per option (or in favour), kept
//! apart from the slips in every result.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::paper::{MeetingTally, MeetingTallyDraft, OptionCount};
use tongxin_core::scope::ScopeLevel;
use tongxin_core::staff::Power;
use tongxin_core::staff::codes::CodeTarget;

use crate::api::{self, Problem};
use crate::parts::{ProblemNote, TextField, local_problem};

fn number(s: &str) -> Option<u32> {
    s.trim().parse().ok()
}

/// The meeting form; `options` are the item's options (none for a
/// convention or a proposal, which count hands in favour).
#[component]
pub(crate) fn MeetingForm(
    /// Kind of item.
    target: CodeTarget,
    /// The item.
    id: Id,
    /// `(id, label)` of each option.
    options: Vec<(Id, String)>,
    /// The item's scope (the meeting's unit lies inside it).
    scope: Option<Id>,
    /// Bumped after a tally is entered.
    saved: RwSignal<u32>,
) -> impl IntoView {
    let unit = RwSignal::new(None::<Id>);
    let place = RwSignal::new(String::new());
    let held_on = RwSignal::new(String::new());
    let chair = RwSignal::new(String::new());
    let attendees = RwSignal::new(String::new());
    let in_favour = RwSignal::new(String::new());
    let hands: Vec<(Id, String, RwSignal<String>)> = options
        .into_iter()
        .map(|(oid, label)| (oid, label, RwSignal::new(String::new())))
        .collect();
    let problem = RwSignal::new(None::<Problem>);
    let done = RwSignal::new(String::new());
    let counts = StoredValue::new(hands.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(present) = number(&attendees.get_untracked()) else {
            problem.set(Some(local_problem("attendees", "请填写到会人数")));
            return;
        };
        let mut list = Vec::new();
        for (option_id, label, n) in counts.get_value() {
            match number(&n.get_untracked()) {
                Some(count) => list.push(OptionCount { option_id, count }),
                None if n.get_untracked().trim().is_empty() => {}
                None => {
                    problem.set(Some(local_problem(
                        "counts",
                        &format!("“{label}”的举手人数不是数字"),
                    )));
                    return;
                }
            }
        }
        let favour = in_favour.get_untracked();
        let draft = MeetingTallyDraft {
            target,
            target_id: id,
            unit_id: unit.get_untracked().filter(|u| Some(*u) != scope),
            place: place.get_untracked(),
            held_on: held_on.get_untracked(),
            chair: chair.get_untracked(),
            attendees: present,
            counts: list,
            in_favour: number(&favour),
        };
        spawn_local(async move {
            match api::post::<_, MeetingTally>("/api/v1/admin/meeting-tallies", &draft).await {
                Ok(t) => {
                    problem.set(None);
                    done.set(format!(
                        "已记入会议 #{}（{} 人到会）",
                        t.id, t.draft.attendees
                    ));
                    saved.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    let per_option = !hands.is_empty();
    view! {
        <details class="cx-details">
            <summary>"居民会议举手表决"</summary>
            <form class="cx-form" on:submit=submit>
                <crate::scopes::ScopeSelect label="开会的范围（社区、小组或楼栋）" value=unit power=Power::EnterPaper
                    levels=&[ScopeLevel::Community, ScopeLevel::Group, ScopeLevel::Building] within=scope />
                <TextField label="地点" value=place />
                <TextField label="日期" value=held_on kind="date" />
                <TextField label="主持人" value=chair />
                <TextField label="到会人数" value=attendees kind="number" />
                {hands.into_iter().map(|(_, label, n)| view! {
                    <label class="cx-field">
                        <span>{format!("举手赞成“{label}”的人数")}</span>
                        <input type="number" min="0" bind:value=n />
                    </label>
                }).collect_view()}
                {(!per_option).then(|| view! { <TextField label="举手赞成的人数" value=in_favour kind="number" /> })}
                <ProblemNote problem=problem />
                <button type="submit" class="cx-primary">"记入会议结果（单独计票）"</button>
                <p class="cx-status" role="status">{move || done.get()}</p>
            </form>
        </details>
    }
}
