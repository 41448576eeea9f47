//! The scope tree (区-街道-社区-居民小组-楼栋) as the console uses it: the
//! list loaded once per sign-in, the picker of the scopes a member may
//! run items in, and the tree page with households per building.

use leptos::prelude::*;
use tongxin_core::Id;
use tongxin_core::scope::{Scope, ScopeLevel, ScopeTree};
use tongxin_core::staff::{Power, allows};

use crate::parts::ScrollBox;
use crate::session::Session;

/// Every scope, shared with the pages.
#[derive(Clone, Copy)]
pub(crate) struct Scopes(pub RwSignal<Vec<Scope>>);

impl Scopes {
    /// The list of the page (set up by the shell).
    pub(crate) fn get() -> Scopes {
        expect_context::<Scopes>()
    }

    /// The tree, indexed.
    pub(crate) fn tree(self) -> ScopeTree {
        ScopeTree::new(self.0.get())
    }

    /// The name of scope `id` ("" while the list loads).
    pub(crate) fn name(self, id: Id) -> String {
        self.0.with(|l| {
            l.iter()
                .find(|s| s.id == id)
                .map(|s| s.name.clone())
                .unwrap_or_default()
        })
    }

    /// The scopes where the signed-in member may use `power`, in tree order.
    pub(crate) fn where_allowed(self, power: Power) -> Vec<Scope> {
        let grants = Session::get()
            .0
            .with(|s| s.as_ref().map(|s| s.account.grants.clone()))
            .unwrap_or_default();
        let tree = self.tree();
        let mut list: Vec<Scope> = self
            .0
            .get()
            .into_iter()
            .filter(|s| allows(&grants, power, Some(s.id), &tree))
            .collect();
        list.sort_by_key(|s| {
            (
                tree.path(s.id).iter().map(|p| p.id).collect::<Vec<_>>(),
                s.id,
            )
        });
        list
    }
}

/// The Chinese name of a level.
pub(crate) fn level_name(level: ScopeLevel) -> &'static str {
    match level {
        ScopeLevel::District => "区",
        ScopeLevel::Street => "街道",
        ScopeLevel::Community => "社区",
        ScopeLevel::Group => "居民小组",
        ScopeLevel::Building => "楼栋",
    }
}

/// A scope as a picker shows it: indented by depth, with its level.
fn label(s: &Scope) -> String {
    format!(
        "{}{}（{}）",
        "　".repeat(s.level.depth() as usize),
        s.name,
        level_name(s.level)
    )
}

/// Picks one of the scopes where the member may use `power`.
#[component]
pub(crate) fn ScopeSelect(
    /// The label above the picker.
    label: &'static str,
    /// The chosen scope.
    value: RwSignal<Option<Id>>,
    /// What the member must be allowed to do there.
    power: Power,
    /// Only scopes of these levels. Default: every level.
    #[prop(optional)]
    levels: Option<&'static [ScopeLevel]>,
    /// Only scopes inside this one. Default: anywhere.
    #[prop(optional_no_strip)]
    within: Option<Id>,
) -> impl IntoView {
    let scopes = Scopes::get();
    let options = move || {
        let tree = scopes.tree();
        scopes
            .where_allowed(power)
            .into_iter()
            .filter(|s| levels.is_none_or(|l| l.contains(&s.level)))
            .filter(|s| within.is_none_or(|w| tree.is_within(s.id, w)))
            .collect::<Vec<_>>()
    };
    let text = self::label;
    view! {
        <label class="cx-field">
            <span>{label}</span>
            <select aria-label=label on:change=move |ev| value.set(Id::parse(&event_target_value(&ev)).ok())>
                <option value="" selected=move || value.get().is_none()>"请选择…"</option>
                {move || options().into_iter().map(|s| {
                    let id = s.id;
                    view! { <option value=id.to_string() selected=move || value.get() == Some(id)>{text(&s)}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// The tree with households per building and the sums above them.
#[component]
pub(crate) fn ScopeTreePage() -> impl IntoView {
    let scopes = Scopes::get();
    let session = Session::get();
    let rows = move || {
        let tree = scopes.tree();
        let households = tree.households();
        let mut list = scopes.0.get();
        list.sort_by_key(|s| {
            (
                tree.path(s.id).iter().map(|p| p.id).collect::<Vec<_>>(),
                s.id,
            )
        });
        list.into_iter()
            .map(|s| {
                let h = households
                    .get(&s.id)
                    .map_or_else(|| "—".to_string(), |h| h.to_string());
                let depth = format!("{}em", s.level.depth());
                view! {
                    <tr>
                        <td style:padding-inline-start=depth>{s.name.clone()}</td>
                        <td>{level_name(s.level)}</td>
                        <td class="cx-num">{h}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <h1>"辖区与户数"</h1>
        <p class="cx-muted">"楼栋的户数是参与率的分母；上级的户数是下级之和。"</p>
        <ScrollBox label="辖区表格">
            <table class="cx-table">
                <thead><tr><th scope="col">"名称"</th><th scope="col">"层级"</th><th scope="col" class="cx-num">"户数"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </ScrollBox>
        {move || session.runs_items().then(|| view! { <crate::scope_import::ImportForm /> })}
    }
}
