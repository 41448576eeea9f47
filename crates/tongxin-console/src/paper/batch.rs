//! Which batch slips go into: the keyer's own batch of the day (one
//! person keys, each slip counts at once), or a double-entry batch opened
//! here, where every slip counts only once two different people keyed the
//! same; its slips in dispute are listed with what each person keyed.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::paper::{Channel, PaperBatch, PaperBatchDraft};
use tongxin_core::staff::codes::CodeTarget;

use crate::api::{self, Problem};
use crate::parts::{Loaded, ProblemNote, load};

fn describe(b: &PaperBatch) -> String {
    let label = if b.label.is_empty() {
        "双人录入"
    } else {
        b.label.as_str()
    };
    format!("#{} {label}（{}）", b.id, b.opened_by)
}

/// The batch picker and the chosen batch's state.
#[component]
pub(crate) fn BatchPicker(
    /// Kind of item.
    target: CodeTarget,
    /// The item.
    id: Id,
    /// `paper` or `door`: the channel of a batch opened here.
    channel: RwSignal<String>,
    /// The chosen double-entry batch (`None`: my batch of the day).
    chosen: RwSignal<Option<PaperBatch>>,
    /// Bumped after each answered slip.
    #[prop(into)]
    reload: Signal<u32>,
) -> impl IntoView {
    let opened = RwSignal::new(0u32);
    let list = load::<Vec<PaperBatch>>(
        move || {
            format!(
                "/api/v1/admin/paper-batches?target={}&target_id={id}",
                target.as_str()
            )
        },
        Signal::derive(move || reload.get() + opened.get()),
    );
    // Keep the chosen batch's figures fresh.
    Effect::new(move |_| {
        if let Loaded::Ready(all) = list.get() {
            let fresh = chosen
                .get_untracked()
                .and_then(|c| all.into_iter().find(|b| b.id == c.id));
            if fresh.is_some() {
                chosen.set(fresh);
            }
        }
    });
    let label = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let open = move |_| {
        let draft = PaperBatchDraft {
            target,
            target_id: id,
            channel: Channel::parse(&channel.get_untracked()).unwrap_or(Channel::Paper),
            double_entry: true,
            label: label.get_untracked(),
        };
        spawn_local(async move {
            match api::post::<_, PaperBatch>("/api/v1/admin/paper-batches", &draft).await {
                Ok(b) => {
                    problem.set(None);
                    chosen.set(Some(b));
                    opened.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    let options = move || match list.get() {
        Loaded::Ready(all) => all.into_iter().filter(|b| b.double_entry).collect(),
        _ => Vec::new(),
    };
    let pick = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let found = options().into_iter().find(|b| b.id.to_string() == v);
        chosen.set(found);
    };
    view! {
        <details class="cx-details">
            <summary>"批次与双人核录"</summary>
            <label class="cx-field">
                <span>"录入到"</span>
                <select aria-label="录入到" on:change=pick>
                    <option value="" selected=move || chosen.with(Option::is_none)>"我今天的批次（单人录入，立即计入）"</option>
                    {move || options().into_iter().map(|b| {
                        let (value, text, bid) = (b.id.to_string(), describe(&b), b.id);
                        view! { <option value=value selected=move || chosen.with(|c| c.as_ref().map(|c| c.id) == Some(bid))>{text}</option> }
                    }).collect_view()}
                </select>
            </label>
            <div class="cx-inline">
                <input type="text" aria-label="新批次名称，如“3栋 第一袋”" placeholder="新批次名称，如“3栋 第一袋”" bind:value=label />
                <button type="button" on:click=open>"新建双人录入批次"</button>
            </div>
            <ProblemNote problem=problem />
            {move || chosen.get().map(|b| view! { <BatchState batch=b /> })}
        </details>
    }
}

/// A double-entry batch: counted, waiting, and the slips in dispute.
#[component]
fn BatchState(batch: PaperBatch) -> impl IntoView {
    let summary = format!(
        "已计入 {} 张 · 待第二人核录 {} 张 · 不一致 {} 张 · 已作废 {} 张",
        batch.counted,
        batch.awaiting,
        batch.discrepancies.len(),
        batch.voided
    );
    view! {
        <p class="cx-total" role="status">{summary}</p>
        <ul class="cx-sent">
            {batch.discrepancies.into_iter().map(|d| {
                let keyed = d.keyings.iter().map(|k| format!("{}：{}", k.by, k.entry)).collect::<Vec<_>>().join("；");
                view! { <li class="cx-problem">{format!("{} 两人录入不一致 — {keyed}。请第三人按原件再录一次。", d.slip)}</li> }
            }).collect_view()}
        </ul>
    }
}
