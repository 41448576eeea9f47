//! The form for a new convention: scope, title, preamble, articles, goal,
//! withdrawal rule, closing time and who may sign. The draft is checked by
//! the server's own rules (`ConventionDraft::validate`) before it is sent.

use leptos::prelude::*;
use tongxin_core::convention::{Convention, ConventionDraft, WithdrawalPolicy};
use tongxin_core::scope::ScopeLevel;
use tongxin_core::staff::Power;

use super::articles::{ArticleEditor, Row, texts};
use crate::api::Problem;
use crate::parts::{ProblemNote, SelectField, TextArea, TextField, create, local_problem};
use crate::polls::form::{ELIGIBILITIES, eligibility_of, local_ms};
use crate::route::Route;
use crate::scopes::ScopeSelect;

/// Until when a signer may withdraw, as the form offers it.
pub(crate) const WITHDRAWALS: &[(&str, &str)] = &[
    ("while_open", "签署期内可撤回"),
    ("never", "签署后不可撤回"),
];

/// The withdrawal rule chosen in a form.
pub(crate) fn withdrawal_of(value: &str) -> WithdrawalPolicy {
    match value {
        "never" => WithdrawalPolicy::Never,
        _ => WithdrawalPolicy::WhileOpen,
    }
}

/// The new-convention page.
#[component]
pub(crate) fn NewConvention() -> impl IntoView {
    let scope = RwSignal::new(None);
    let title = RwSignal::new(String::new());
    let preamble = RwSignal::new(String::new());
    let rows = RwSignal::new(vec![(0u32, RwSignal::new(String::new()))] as Vec<Row>);
    let goal = RwSignal::new("100".to_string());
    let withdrawal = RwSignal::new("while_open".to_string());
    let closes = RwSignal::new(String::new());
    let eligibility = RwSignal::new("open".to_string());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(scope_id) = scope.get() else {
            problem.set(Some(local_problem("scope_id", "请选择公约范围")));
            return;
        };
        let draft = ConventionDraft {
            scope_id,
            title: title.get().trim().to_string(),
            preamble: preamble.get().trim().to_string(),
            articles: texts(&rows.get()),
            goal: goal.get().trim().parse().unwrap_or(0),
            withdrawal: withdrawal_of(&withdrawal.get()),
            closes_at: local_ms(&closes.get()),
            eligibility: eligibility_of(&eligibility.get()),
        };
        let checked = draft.validate();
        create(
            "/api/v1/admin/conventions",
            draft,
            checked,
            busy,
            problem,
            |c: Convention| Route::Convention(c.id),
        );
    };

    view! {
        <h1>"新建公约"</h1>
        <form class="cx-form" on:submit=submit>
            <ScopeSelect label="公约范围" value=scope power=Power::Run
                levels=&[ScopeLevel::Street, ScopeLevel::Community, ScopeLevel::Group, ScopeLevel::Building] />
            <TextField label="标题" value=title />
            <TextArea label="序言" value=preamble rows=4 />
            <ArticleEditor rows=rows />
            <TextField label="签署目标（人）" value=goal kind="number" />
            <SelectField label="撤回规则" value=withdrawal options=WITHDRAWALS />
            <TextField label="截止时间（不填则一直开放）" value=closes kind="datetime-local" />
            <SelectField label="谁可以签署" value=eligibility options=ELIGIBILITIES />
            <ProblemNote problem=problem />
            <button type="submit" class="cx-primary" disabled=move || busy.get()>"发布公约"</button>
        </form>
    }
}
