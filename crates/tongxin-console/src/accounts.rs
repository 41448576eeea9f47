//! Staff accounts, for administrators: who can sign in, with which roles
//! on which scopes; create an account with a first password, disable or
//! enable one.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::staff::{AccountChange, Grant, NewAccount, Power, Role, StaffAccount};

use crate::api::{self, Problem};
use crate::parts::{ProblemNote, ScrollBox, TextField, load, local_problem, show};
use crate::scopes::{ScopeSelect, Scopes};

/// The Chinese name of a role.
pub(crate) fn role_name(role: Role) -> &'static str {
    match role {
        Role::Administrator => "管理员",
        Role::Staff => "工作人员",
        Role::BuildingHead => "楼栋长 / 小组长",
    }
}

/// The accounts page.
#[component]
pub(crate) fn Accounts() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let list = load::<Vec<StaffAccount>>(|| "/api/v1/admin/accounts".into(), reload.into());
    let scopes = Scopes::get();
    let problem = RwSignal::new(None::<Problem>);
    let toggle = move |login: String, disabled: bool| {
        let change = AccountChange {
            disabled: Some(disabled),
            ..AccountChange::default()
        };
        spawn_local(async move {
            match api::patch::<_, StaffAccount>(&format!("/api/v1/admin/accounts/{login}"), &change)
                .await
            {
                Ok(_) => reload.update(|n| *n += 1),
                Err(p) => problem.set(Some(p)),
            }
        });
    };
    view! {
        <h1>"账号"</h1>
        <NewAccountForm reload=reload />
        <h2 id="accounts-h">"全部账号"</h2>
        <ProblemNote problem=problem />
        {show(list, move |accounts| view! {
            <ScrollBox label="账号表格">
                <table class="cx-table" aria-labelledby="accounts-h">
                    <thead><tr><th scope="col">"账号"</th><th scope="col">"姓名"</th><th scope="col">"角色"</th><th scope="col">"状态"</th><th scope="col">"操作"</th></tr></thead>
                    <tbody>
                        {accounts.into_iter().map(|a| {
                            let roles = a.grants.iter().map(|g| match g.scope_id {
                                Some(s) => format!("{}（{}）", role_name(g.role), scopes.name(s)),
                                None => role_name(g.role).to_string(),
                            }).collect::<Vec<_>>().join("、");
                            let login = a.login.clone();
                            let next = !a.disabled;
                            view! {
                                <tr>
                                    <th scope="row">{a.login.clone()}</th>
                                    <td>{a.display_name.clone()}</td>
                                    <td>{roles}</td>
                                    <td>{if a.disabled { "已停用" } else { "启用" }}</td>
                                    <td><button type="button" on:click=move |_| toggle(login.clone(), next)>
                                        {if a.disabled { "启用" } else { "停用" }}
                                    </button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </ScrollBox>
        })}
    }
}

/// The form for a new account with one role.
#[component]
fn NewAccountForm(
    /// Bumped after a creation, to reload the list.
    reload: RwSignal<u32>,
) -> impl IntoView {
    let login = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new("staff".to_string());
    let scope = RwSignal::new(None);
    let problem = RwSignal::new(None::<Problem>);
    let done = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let role = Role::parse(&role.get()).unwrap_or(Role::Staff);
        let scope_id = if role == Role::Administrator {
            None
        } else {
            scope.get()
        };
        if role != Role::Administrator && scope_id.is_none() {
            problem.set(Some(local_problem("grants", "请选择该角色负责的辖区")));
            return;
        }
        let new = NewAccount {
            login: login.get().trim().to_string(),
            display_name: name.get().trim().to_string(),
            password: password.get(),
            grants: vec![Grant { role, scope_id }],
        };
        spawn_local(async move {
            match api::post::<_, StaffAccount>("/api/v1/admin/accounts", &new).await {
                Ok(a) => {
                    problem.set(None);
                    done.set(Some(format!("已创建账号 {}", a.login)));
                    login.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(p) => {
                    done.set(None);
                    problem.set(Some(p));
                }
            }
        });
    };
    view! {
        <form class="cx-form" on:submit=submit aria-labelledby="new-account-h">
            <h2 id="new-account-h">"新建账号"</h2>
            <TextField label="登录账号（小写字母、数字、. _ -）" value=login />
            <TextField label="姓名（同事看到的名字）" value=name />
            <TextField label="初始密码（10–128 个字符）" value=password kind="password" autocomplete="new-password" />
            <label class="cx-field">
                <span>"角色"</span>
                <select aria-label="角色" on:change=move |ev| role.set(event_target_value(&ev))>
                    {Role::ALL.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || role.get() == r.as_str()>{role_name(r)}</option>
                    }).collect_view()}
                </select>
            </label>
            {move || (role.get() != Role::Administrator.as_str()).then(|| view! {
                <ScopeSelect label="负责的辖区" value=scope power=Power::ManageAccounts />
            })}
            <ProblemNote problem=problem />
            <p role="status">{move || done.get()}</p>
            <button type="submit" class="cx-primary">"创建账号"</button>
        </form>
    }
}
