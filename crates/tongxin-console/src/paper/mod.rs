//! Keying paper and door-to-door slips of one item (`#/paper/poll/7`), for
//! building heads on a phone: the slip form ([`slip`]), the outbox that
//! keeps slips until the network takes them ([`outbox`]), and the running
//! count per building against its households ([`counts`]).

mod batch;
mod counts;
mod meeting;
mod outbox;
mod sent;
mod slip;

use leptos::prelude::*;
use serde_json::Value;
use tongxin_core::Id;
use tongxin_core::scope::ScopeLevel;
use tongxin_core::staff::Power;
use tongxin_core::staff::codes::CodeTarget;

use crate::codes::{field, item_path};
use crate::parts::{Loaded, SelectField, load};
use crate::route::Route;
use batch::BatchPicker;
use counts::RunningCounts;
use meeting::MeetingForm;
use outbox::Outbox;
use sent::SentRow;
use slip::{Ask, SlipForm, SlipItem};

/// `(id, label)` of each entry of `list`, read from `key`.
fn choices(list: &Value, key: &str) -> Vec<(Id, String)> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| {
            let id = serde_json::from_value::<Id>(o["id"].clone()).ok()?;
            Some((id, o[key].as_str().unwrap_or_default().to_string()))
        })
        .collect()
}

/// What the console needs of an item to key its slips, from its public JSON.
fn slip_item(target: CodeTarget, id: Id, v: &Value) -> SlipItem {
    let coded = |e: &Value| e.as_str() == Some("code");
    let (coded, ask) = match target {
        CodeTarget::Poll => {
            let options = choices(&v["options"], "label");
            let ask = match v["kind"]["type"].as_str() {
                Some("single") => Ask::One(options),
                Some("multiple") => Ask::Several(options),
                _ => Ask::Unsupported,
            };
            (coded(&v["eligibility"]), ask)
        }
        CodeTarget::Budget => (
            coded(field(v, "eligibility")),
            Ask::Several(choices(field(v, "projects"), "title")),
        ),
        CodeTarget::Convention => (coded(&v["eligibility"]), Ask::Name),
        CodeTarget::Proposal => (coded(&field(v, "eligibility")["support"]), Ask::Nothing),
    };
    SlipItem {
        target,
        id,
        coded,
        ask,
    }
}

/// What a printed paper form of the item shows beside the household's
/// code: the options to tick (polls of one or several choices, budget
/// projects, or "支持" for a proposal), or a line to sign (conventions).
pub(crate) fn printed_form(target: CodeTarget, v: &Value) -> (Vec<String>, bool) {
    let labels = |o: Vec<(Id, String)>| o.into_iter().map(|(_, l)| l).collect();
    match slip_item(target, Id::int(0), v).ask {
        Ask::One(o) | Ask::Several(o) => (labels(o), false),
        Ask::Name => (Vec::new(), true),
        Ask::Nothing => (vec!["支持这项提议".into()], false),
        Ask::Unsupported => (Vec::new(), false),
    }
}

/// The keying page of an item.
#[component]
pub(crate) fn PaperPage(
    /// Kind of item.
    target: CodeTarget,
    /// The item.
    id: Id,
) -> impl IntoView {
    let item = load::<Value>(move || item_path(target, id), Signal::stored(0));
    let outbox = Outbox::new();
    let channel = RwSignal::new("paper".to_string());
    let unit = RwSignal::new(None::<Id>);
    let batch = RwSignal::new(None::<tongxin_core::paper::PaperBatch>);
    let changed = RwSignal::new(0u32);
    let reload = Signal::derive(move || outbox.answered.get() + changed.get());
    let title = move || match item.get() {
        Loaded::Ready(v) => field(&v, "title").as_str().unwrap_or_default().to_string(),
        _ => String::new(),
    };
    let form = move || match item.get() {
        Loaded::Ready(v) => {
            let it = slip_item(target, id, &v);
            let scope = serde_json::from_value::<Id>(field(&v, "scope_id").clone()).ok();
            let unit_pick = (!it.coded).then(|| view! {
                <crate::scopes::ScopeSelect label="楼栋（这张纸来自哪里）" value=unit power=Power::EnterPaper
                    levels=&[ScopeLevel::Group, ScopeLevel::Building] within=scope />
            });
            let options = match &it.ask {
                Ask::One(o) | Ask::Several(o) => o.clone(),
                _ => Vec::new(),
            };
            view! {
                {unit_pick}
                <SlipForm item=it channel=channel unit=unit outbox=outbox batch=batch />
                <MeetingForm target=target id=id options=options scope=scope saved=changed />
            }
            .into_any()
        }
        Loaded::Failed(p) => {
            view! { <p class="cx-problem" role="alert">{crate::api::describe(&p)}</p> }.into_any()
        }
        Loaded::Loading => view! { <p class="cx-muted">"加载中…"</p> }.into_any(),
    };
    let pending = move || outbox.pending.with(Vec::len);
    let back = match target {
        CodeTarget::Poll => Route::Poll(id),
        CodeTarget::Budget => Route::Budget(id),
        CodeTarget::Convention => Route::Convention(id),
        CodeTarget::Proposal => Route::Proposal(id),
    };
    view! {
        <p><a href=back.href()>"← 返回"</a></p>
        <h1>{move || format!("纸质录入 · {}", title())}</h1>
        <SelectField label="渠道" value=channel options=&[("paper", "纸质"), ("door", "入户")] />
        <BatchPicker target=target id=id channel=channel chosen=batch reload=reload />
        {form}
        <p class="cx-outbox" role="status" data-testid="outbox">
            {move || match pending() {
                0 => "全部已发送".to_string(),
                n => format!("待发送 {n} 张（网络恢复后自动发送）"),
            }}
        </p>
        <RunningCounts target=target id=id reload=reload />
        <section aria-labelledby="sent-h">
            <h2 id="sent-h">"最近录入"</h2>
            <ul class="cx-sent">
                {move || outbox.sent.get().into_iter().map(|s| view! { <SentRow sent=s voided=changed /> }).collect_view()}
            </ul>
        </section>
    }
}
