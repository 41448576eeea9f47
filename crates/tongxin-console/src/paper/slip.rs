//! The keyed form a building head fills in for each slip, made for the
//! keyboard and a 360 px phone: type (or scan) the household code, Enter;
//! press the option's number (or tap it); the slip is queued and the code
//! field is ready for the next one. A multiple-choice or budget slip takes
//! several numbers, then Enter; a signature takes the name as written.

use leptos::html::Input;
use leptos::prelude::*;
use serde_json::{Value, json};
use tongxin_core::Id;
use tongxin_core::paper::{PaperBatch, mask_code, normalise_code};
use tongxin_core::staff::codes::CodeTarget;

use super::outbox::{Outbox, Pending, new_key};

/// What a slip of the item asks.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ask {
    /// One option of these.
    One(Vec<(Id, String)>),
    /// Any of these (poll options or budget projects).
    Several(Vec<(Id, String)>),
    /// The signer's name.
    Name,
    /// Nothing: the slip is the support.
    Nothing,
    /// A poll kind keyed through the API only.
    Unsupported,
}

/// The item a slip is for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SlipItem {
    /// Kind.
    pub target: CodeTarget,
    /// Id.
    pub id: Id,
    /// Whether it takes household codes.
    pub coded: bool,
    /// What a slip asks.
    pub ask: Ask,
}

impl SlipItem {
    /// The staff API path entries of this item go to.
    fn path(&self) -> &'static str {
        match self.target {
            CodeTarget::Poll | CodeTarget::Budget => "/api/v1/admin/paper-ballots",
            CodeTarget::Convention => "/api/v1/admin/paper-signatures",
            CodeTarget::Proposal => "/api/v1/admin/paper-supports",
        }
    }

    /// The request body of one slip.
    fn body(&self, who: Value, chosen: &[Id], name: &str) -> Value {
        let mut b = who;
        match (self.target, &self.ask) {
            (CodeTarget::Poll, Ask::One(_)) => {
                b["target"] = json!("poll");
                b["ballot"] = json!({"kind": "single", "option": chosen.first()});
            }
            (CodeTarget::Poll, _) => {
                b["target"] = json!("poll");
                b["ballot"] = json!({"kind": "multiple", "options": chosen});
            }
            (CodeTarget::Budget, _) => {
                b["target"] = json!("budget");
                b["ballot"] = json!({"projects": chosen});
            }
            (CodeTarget::Convention, _) => {
                b["convention_id"] = json!(self.id);
                b["name"] = json!(name.trim());
            }
            (CodeTarget::Proposal, _) => b["proposal_id"] = json!(self.id),
        }
        if matches!(self.target, CodeTarget::Poll | CodeTarget::Budget) {
            b["target_id"] = json!(self.id);
        }
        b
    }
}

/// One slip's form.
#[component]
pub(crate) fn SlipForm(
    /// The item.
    item: SlipItem,
    /// `paper` or `door`.
    channel: RwSignal<String>,
    /// For an item without codes: the building the slip is counted in.
    unit: RwSignal<Option<Id>>,
    /// Where slips are queued.
    outbox: Outbox,
    /// The double-entry batch chosen, if any.
    batch: RwSignal<Option<PaperBatch>>,
) -> impl IntoView {
    let slip_no = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<Id>::new());
    let note = RwSignal::new(String::new());
    let code_ref = NodeRef::<Input>::new();
    let first_choice = NodeRef::<leptos::html::Button>::new();
    let name_ref = NodeRef::<Input>::new();
    let item = StoredValue::new(item);
    let submit = move |picked: Vec<Id>| {
        let it = item.get_value();
        let typed = normalise_code(&code.get_untracked());
        let mut who = json!({"channel": channel.get_untracked()});
        let label = if it.coded {
            if typed.len() < 6 {
                note.set("请先输入这张纸上的入户码".into());
                code_ref.get().map(|e| e.focus());
                return;
            }
            who["code"] = json!(typed);
            mask_code(&typed)
        } else {
            let Some(u) = unit.get_untracked() else {
                note.set("请先选择这张纸的楼栋".into());
                return;
            };
            who["unit_id"] = json!(u);
            format!(
                "第 {} 张",
                outbox.pending.with_untracked(Vec::len) + outbox.sent.with_untracked(Vec::len) + 1
            )
        };
        if let Some(b) = batch.get_untracked() {
            who["batch_id"] = json!(b.id);
            if b.double_entry && !it.coded {
                let n = slip_no.get_untracked();
                if n.trim().is_empty() {
                    note.set("双人核录按纸上的编号对应：请先填写编号".into());
                    return;
                }
                who["slip"] = json!(n.trim());
            }
        }
        if matches!(it.ask, Ask::One(_) | Ask::Several(_)) && picked.is_empty() {
            note.set("请选择这张纸上的选项".into());
            return;
        }
        if it.ask == Ask::Name && name.get_untracked().trim().is_empty() {
            note.set("请输入签名人的姓名".into());
            return;
        }
        let body = it.body(who, &picked, &name.get_untracked());
        outbox.push(Pending {
            key: new_key(),
            path: it.path().to_string(),
            body: body.to_string(),
            label: label.clone(),
        });
        note.set(format!("已录入 {label}，下一张"));
        code.set(String::new());
        name.set(String::new());
        slip_no.set(String::new());
        chosen.set(Vec::new());
        if let Some(e) = code_ref.get() {
            let _ = e.focus();
        }
    };
    let after_code = move || {
        let it = item.get_value();
        match it.ask {
            Ask::One(_) | Ask::Several(_) => {
                first_choice.get().map(|e| e.focus());
            }
            Ask::Name => {
                name_ref.get().map(|e| e.focus());
            }
            Ask::Nothing => submit(Vec::new()),
            Ask::Unsupported => {}
        }
    };
    let options = move || match item.get_value().ask {
        Ask::One(o) | Ask::Several(o) => o,
        _ => Vec::new(),
    };
    let several = move || matches!(item.get_value().ask, Ask::Several(_));
    let on_digit = move |ev: leptos::ev::KeyboardEvent| {
        let k = ev.key();
        if let Some(n) = k.parse::<usize>().ok().filter(|n| *n >= 1) {
            if let Some((id, _)) = options().get(n - 1).cloned() {
                ev.prevent_default();
                if several() {
                    chosen.update(|c| toggle(c, id));
                } else {
                    submit(vec![id]);
                }
            }
        } else if k == "Enter" && several() {
            ev.prevent_default();
            submit(chosen.get_untracked());
        }
    };
    let coded = item.get_value().coded;
    // Ready for the first slip: the code field (or the first choice of
    // an item without codes) has the focus.
    Effect::new(move |_| {
        if let Some(e) = code_ref.get() {
            let _ = e.focus();
        } else if let Some(e) = first_choice.get() {
            let _ = e.focus();
        }
    });
    view! {
        <div class="cx-slip-form">
            {coded.then(|| view! {
                <label class="cx-field">
                    <span>"入户码（输入或扫码）"</span>
                    <input node_ref=code_ref type="text" inputmode="text" autocomplete="off" autocapitalize="characters"
                        bind:value=code autofocus=true
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); after_code(); } />
                </label>
            })}
            {move || (!coded && batch.with(|b| b.as_ref().is_some_and(|b| b.double_entry))).then(|| view! {
                <label class="cx-field">
                    <span>"纸上编号（双人核录按它对应）"</span>
                    <input type="text" autocomplete="off" bind:value=slip_no />
                </label>
            })}
            {move || (item.get_value().ask == Ask::Name).then(|| view! {
                <label class="cx-field">
                    <span>"签名（按纸上所写）"</span>
                    <input node_ref=name_ref type="text" autocomplete="off" bind:value=name
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); submit(Vec::new()); } />
                </label>
            })}
            {move || (item.get_value().ask == Ask::Unsupported).then(|| view! {
                <p class="cx-muted">"这类投票（评分、排序、认可、点数）的纸质票请通过接口录入：POST /api/v1/admin/paper-ballots。"</p>
            })}
            <div class="cx-choices" role="group" aria-label="这张纸上的选择（按数字键选）" on:keydown=on_digit>
                {move || options().into_iter().enumerate().map(|(n, (id, label))| {
                    let text = format!("{} {label}", n + 1);
                    let pressed = move || several().then(|| chosen.with(|c| c.contains(&id)).to_string());
                    let node = if n == 0 { first_choice } else { NodeRef::new() };
                    view! {
                        <button type="button" class="cx-choice" node_ref=node aria-pressed=pressed
                            on:click=move |_| if several() { chosen.update(|c| toggle(c, id)) } else { submit(vec![id]) }>
                            {text}
                        </button>
                    }
                }).collect_view()}
            </div>
            {move || several().then(|| view! {
                <button type="button" class="cx-primary" on:click=move |_| submit(chosen.get_untracked())>"录入这张（Enter）"</button>
            })}
            {move || (!coded && item.get_value().ask == Ask::Nothing).then(|| view! {
                <button type="button" class="cx-primary" on:click=move |_| submit(Vec::new())>"录入一张"</button>
            })}
            {move || (coded && item.get_value().ask == Ask::Nothing).then(|| view! {
                <button type="button" class="cx-primary" on:click=move |_| submit(Vec::new())>"录入（Enter）"</button>
            })}
            <p class="cx-status" role="status" aria-live="polite">{move || note.get()}</p>
        </div>
    }
}

fn toggle(list: &mut Vec<Id>, id: Id) {
    if let Some(i) = list.iter().position(|x| *x == id) {
        list.remove(i);
    } else {
        list.push(id);
    }
}
