//! Who is signed in: the session the server keeps in its cookie, read at
//! start (`GET /api/v1/staff/session`), started by the sign-in form and
//! ended by "退出". Pages read it from the context to show what the
//! staff member's roles allow.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::staff::{Role, SessionView, SignInRequest};

use crate::api::{self, Problem};
use crate::parts::{ProblemNote, TextField};

/// The session, shared with every page.
#[derive(Clone, Copy)]
pub(crate) struct Session(pub RwSignal<Option<SessionView>>);

impl Session {
    /// The session of the page (set up by the app).
    pub(crate) fn get() -> Session {
        expect_context::<Session>()
    }

    /// Whether the signed-in member is an administrator.
    pub(crate) fn is_administrator(self) -> bool {
        self.0.with(|s| {
            s.as_ref().is_some_and(|s| {
                s.account
                    .grants
                    .iter()
                    .any(|g| g.role == Role::Administrator)
            })
        })
    }

    /// Whether any role of the member runs items (not only a building head).
    pub(crate) fn runs_items(self) -> bool {
        self.0.with(|s| {
            s.as_ref().is_some_and(|s| {
                s.account
                    .grants
                    .iter()
                    .any(|g| g.role != Role::BuildingHead)
            })
        })
    }

    /// Whether an item of `scope` concerns the member: they run items
    /// there, or one of their scopes (a building) lies inside it.
    pub(crate) fn concerns(
        self,
        scope: tongxin_core::Id,
        tree: &tongxin_core::scope::ScopeTree,
    ) -> bool {
        self.0.with(|s| {
            s.as_ref().is_some_and(|s| {
                s.account.grants.iter().any(|g| match g.scope_id {
                    None => g.role == Role::Administrator,
                    Some(mine) => tree.is_within(scope, mine) || tree.is_within(mine, scope),
                })
            })
        })
    }

    /// Keeps a session just found or started.
    pub(crate) fn keep(self, view: SessionView) {
        api::set_csrf(&view.csrf_token);
        self.0.set(Some(view));
    }

    /// Ends the session on the server and here.
    pub(crate) fn end(self) {
        spawn_local(async move {
            let _ = api::delete("/api/v1/staff/session").await;
            api::set_csrf("");
            self.0.set(None);
        });
    }
}

/// The sign-in form.
#[component]
pub(crate) fn SignIn() -> impl IntoView {
    let session = Session::get();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get() {
            return;
        }
        busy.set(true);
        let req = SignInRequest {
            login: login.get().trim().to_string(),
            password: password.get(),
        };
        spawn_local(async move {
            match api::post::<_, SessionView>("/api/v1/staff/session", &req).await {
                Ok(v) => {
                    problem.set(None);
                    session.keep(v);
                }
                Err(p) => problem.set(Some(p)),
            }
            password.set(String::new());
            busy.set(false);
        });
    };
    view! {
        <main class="cx-sign-in">
            <h1>"同心 · 工作台"</h1>
            <p class="cx-muted">"社区工作人员登录"</p>
            <form on:submit=submit>
                <TextField label="账号" value=login autocomplete="username" />
                <TextField label="密码" value=password kind="password" autocomplete="current-password" />
                <ProblemNote problem=problem />
                <button type="submit" class="cx-primary" disabled=move || busy.get()>"登录"</button>
            </form>
        </main>
    }
}
