//! Household codes of one item: pick a building inside the item's scope,
//! issue one code per household, print the sheet ([`sheet`]), follow
//! used / unused per building and revoke what is left unused. The same
//! counts are "participation by unit" on the item's desk
//! ([`Participation`]).

mod qr;
mod sheet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::scope::ScopeLevel;
use tongxin_core::staff::Power;
use tongxin_core::staff::codes::{
    CodeRequest, CodeSummary, CodeTarget, IssuedCodes, MAX_CODES_PER_REQUEST, RevokeCodes,
    RevokedCodes,
};

use crate::api::{self, Problem};
use crate::parts::{ProblemNote, ScrollBox, SelectField, TextField, load, local_problem, show};
use crate::route::Route;
use crate::scopes::Scopes;
use sheet::{CodeSheet, SheetInfo};

/// What a target's resident page is called in the demo site.
fn item_page(origin: &str, target: CodeTarget, id: Id) -> String {
    format!("{origin}/item.html?{}={id}", target.as_str())
}

/// The path of an item in the public API.
pub(crate) fn item_path(target: CodeTarget, id: Id) -> String {
    format!("/api/v1/{}/{id}", target.plural())
}

/// Field `f` of an item as the public API sends it: at the top (polls), or
/// inside its one object (`{"proposal": {…}, "funding": …}`).
pub(crate) fn field<'a>(v: &'a serde_json::Value, f: &str) -> &'a serde_json::Value {
    if !v[f].is_null() {
        return &v[f];
    }
    v.as_object()
        .and_then(|o| o.values().find(|c| !c[f].is_null()))
        .map_or(&serde_json::Value::Null, |c| &c[f])
}

/// The codes page of an item.
#[component]
pub(crate) fn CodesPage(
    /// Kind of item.
    target: CodeTarget,
    /// The item.
    id: Id,
) -> impl IntoView {
    let scopes = Scopes::get();
    let reload = RwSignal::new(0u32);
    let item = load::<serde_json::Value>(move || item_path(target, id), Signal::stored(0));
    let summary = load::<CodeSummary>(
        move || {
            format!(
                "/api/v1/admin/codes?target={}&target_id={id}",
                target.as_str()
            )
        },
        reload.into(),
    );
    let unit = RwSignal::new(None::<Id>);
    let count = RwSignal::new(String::new());
    let origin = window().location().origin().unwrap_or_default();
    let page = RwSignal::new(item_page(&origin, target, id));
    let problem = RwSignal::new(None::<Problem>);
    let issued = RwSignal::new(None::<(SheetInfo, Vec<String>)>);
    let busy = RwSignal::new(false);
    let style = RwSignal::new("code".to_string());
    // A building's households are the default number of codes.
    Effect::new(move |_| {
        if let Some(u) = unit.get() {
            let h = scopes.tree().households().get(&u).copied();
            count.set(h.map(|h| h.to_string()).unwrap_or_default());
        }
    });
    let title = move || match item.get() {
        crate::parts::Loaded::Ready(v) => {
            field(&v, "title").as_str().unwrap_or_default().to_string()
        }
        _ => String::new(),
    };
    let issue = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(unit_id) = unit.get() else {
            problem.set(Some(local_problem("unit_id", "请选择楼栋")));
            return;
        };
        let Ok(n) = count.get().trim().parse::<u32>() else {
            let msg = format!("请填写入户码数量（1–{MAX_CODES_PER_REQUEST}）");
            problem.set(Some(local_problem("count", &msg)));
            return;
        };
        let req = CodeRequest {
            target,
            target_id: id,
            count: n,
            unit_id: Some(unit_id),
        };
        let as_form = style.get() == "form";
        let (ballot, sign_line) = match item.get() {
            crate::parts::Loaded::Ready(v) if as_form => crate::paper::printed_form(target, &v),
            _ => (Vec::new(), false),
        };
        let info = SheetInfo {
            title: title(),
            unit: scopes.name(unit_id),
            page: page.get(),
            ballot,
            sign_line,
        };
        busy.set(true);
        spawn_local(async move {
            match api::post::<_, IssuedCodes>("/api/v1/admin/codes", &req).await {
                Ok(c) => {
                    problem.set(None);
                    issued.set(Some((info, c.codes)));
                    reload.update(|n| *n += 1);
                }
                Err(p) => problem.set(Some(p)),
            }
            busy.set(false);
        });
    };
    let back = match target {
        CodeTarget::Poll => Route::Poll(id),
        CodeTarget::Proposal => Route::Proposal(id),
        CodeTarget::Convention | CodeTarget::Budget => Route::Polls,
    };
    view! {
        <p class="cx-no-print"><a href=back.href()>"← 返回"</a></p>
        <h1 class="cx-no-print">{move || format!("入户码 · {}", title())}</h1>
        <form class="cx-form cx-no-print" on:submit=issue>
            <UnitSelect target=target id=id value=unit />
            <TextField label="数量（默认为该楼栋户数）" value=count kind="number" />
            <TextField label="居民页面地址（二维码打开它）" value=page kind="url" />
            <SelectField label="打印样式" value=style
                options=&[("code", "入户码条"), ("form", "纸质选票 / 签名表（附入户码）")] />
            <ProblemNote problem=problem />
            <button type="submit" class="cx-primary" disabled=move || busy.get()>"生成入户码"</button>
        </form>
        {move || issued.get().map(|(info, codes)| view! { <CodeSheet info=info codes=codes /> })}
        <section class="cx-no-print" aria-labelledby="units-h">
            <h2 id="units-h">"各楼栋入户码使用情况"</h2>
            {show(summary, move |s| view! { <Participation summary=s revoke=reload /> })}
        </section>
    }
}

/// Picks a building where the member hands out codes, inside the item's scope.
#[component]
fn UnitSelect(target: CodeTarget, id: Id, value: RwSignal<Option<Id>>) -> impl IntoView {
    let item = load::<serde_json::Value>(move || item_path(target, id), Signal::stored(0));
    move || match item.get() {
        crate::parts::Loaded::Ready(v) => {
            let scope = serde_json::from_value::<Id>(field(&v, "scope_id").clone()).ok();
            view! { <crate::scopes::ScopeSelect label="楼栋" value=value power=Power::HandOutCodes
            levels=&[ScopeLevel::Group, ScopeLevel::Building] within=scope /> }
            .into_any()
        }
        _ => view! { <p class="cx-muted">"加载中…"</p> }.into_any(),
    }
}

/// Codes per building: households, issued, used, unused, revoked and the
/// participation they measure; with `revoke`, a button per building that
/// revokes its unused codes (and bumps `revoke` to reload).
#[component]
pub(crate) fn Participation(
    /// The counts.
    summary: CodeSummary,
    /// Set on the codes page: revoking is offered, and this reloads after.
    #[prop(optional)]
    revoke: Option<RwSignal<u32>>,
) -> impl IntoView {
    if summary.units.is_empty() {
        return view! {
            <p class="cx-muted">"还没有发放入户码。按楼栋的参与率由已使用的入户码统计（选票本身不记录楼栋）。"</p>
        }
        .into_any();
    }
    let problem = RwSignal::new(None::<Problem>);
    let (target, target_id) = (summary.target, summary.target_id);
    let rows = summary.units.into_iter().map(move |u| {
        let rate = u
            .participation_permille
            .map_or_else(|| "—".to_string(), |p| format!("{}.{}%", p / 10, p % 10));
        let unused = u.unused();
        // While an anonymous poll is open the server rounds `used` down to
        // its batch: 0 reads "fewer than the batch", and unused is not told.
        let used = match u.used_rounded_to {
            Some(k) if u.used == 0 => format!("< {k}"),
            Some(_) => format!("≥ {}", u.used),
            None => u.used.to_string(),
        };
        let unused_text = unused.map_or_else(|| "—".to_string(), |n| n.to_string());
        let name = u.unit_name.clone().unwrap_or_else(|| "（未注明楼栋）".into());
        let button = revoke.filter(|_| unused != Some(0)).map(|reload| {
            let req = RevokeCodes { target, target_id, unit_id: u.unit_id };
            let label = format!("作废 {name} 未使用的入户码");
            view! {
                <button type="button" class="cx-danger" aria-label=label on:click=move |_| {
                    let req = req.clone();
                    spawn_local(async move {
                        match api::post::<_, RevokedCodes>("/api/v1/admin/codes/revoke", &req).await {
                            Ok(_) => reload.update(|n| *n += 1),
                            Err(p) => problem.set(Some(p)),
                        }
                    });
                }>"作废未使用的"</button>
            }
        });
        view! {
            <tr>
                <th scope="row">{name}</th>
                <td class="cx-num">{u.households.map_or_else(|| "—".to_string(), |h| h.to_string())}</td>
                <td class="cx-num">{u.issued}</td>
                <td class="cx-num">{used}</td>
                <td class="cx-num">{unused_text}</td>
                <td class="cx-num">{u.revoked}</td>
                <td class="cx-num">{rate}</td>
                {revoke.map(|_| view! { <td>{button}</td> })}
            </tr>
        }
    }).collect_view();
    view! {
        <ScrollBox label="各楼栋入户码表格">
            <table class="cx-table" aria-labelledby="units-h">
                <thead><tr>
                    <th scope="col">"楼栋"</th><th scope="col" class="cx-num">"户数"</th>
                    <th scope="col" class="cx-num">"已发"</th><th scope="col" class="cx-num">"已用"</th>
                    <th scope="col" class="cx-num">"未用"</th><th scope="col" class="cx-num">"已作废"</th>
                    <th scope="col" class="cx-num">"参与率"</th>
                    {revoke.map(|_| view! { <th scope="col">"操作"</th> })}
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollBox>
        <ProblemNote problem=problem />
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_at_the_top_or_inside_the_item() {
        let poll = serde_json::json!({"title": "a", "scope_id": 3});
        let proposal =
            serde_json::json!({"proposal": {"title": "b", "scope_id": "x"}, "funding": {}});
        assert_eq!(field(&poll, "title"), "a");
        assert_eq!(field(&proposal, "title"), "b");
        assert_eq!(field(&proposal, "scope_id"), "x");
        assert!(field(&poll, "nothing").is_null());
    }

    #[test]
    fn items_have_a_page_and_an_api_path() {
        let id = Id::int(3);
        assert_eq!(
            item_page("https://tx.example", CodeTarget::Poll, id),
            "https://tx.example/item.html?poll=3"
        );
        assert_eq!(
            item_path(CodeTarget::Convention, id),
            "/api/v1/conventions/3"
        );
    }
}
