//! The form for a new poll: every kind with its parameter, options one
//! per line, open and close times, result visibility, anonymity, change
//! policy and eligibility. The draft is checked by the same rules the
//! server applies (`PollDraft::validate`) before it is sent.

use leptos::prelude::*;
use tongxin_core::Millis;
use tongxin_core::eligibility::Eligibility;
use tongxin_core::poll::{Poll, PollDraft, PollKind, ResultVisibility};
use tongxin_core::scope::ScopeLevel;
use tongxin_core::staff::Power;

use crate::api::Problem;
use crate::parts::{ProblemNote, SelectField, TextArea, TextField, create, local_problem};
use crate::route::Route;
use crate::scopes::ScopeSelect;
use crate::voting_rules::VotingRules;

/// A `datetime-local` value as milliseconds (local time), if set.
pub(crate) fn local_ms(value: &str) -> Option<Millis> {
    if value.trim().is_empty() {
        return None;
    }
    let ms = js_sys::Date::new(&value.into()).get_time();
    ms.is_finite().then_some(ms as Millis)
}

/// The kinds of poll, as the form offers them.
const KINDS: &[(&str, &str)] = &[
    ("single", "单选"),
    ("multiple", "多选"),
    ("approval", "逐项赞成 / 反对（门槛）"),
    ("score", "满意度评分（1–5）"),
    ("ranked", "排序（即时决选）"),
    ("dot", "投点"),
];

/// When results show.
pub(crate) const VISIBILITIES: &[(&str, &str)] = &[
    ("always", "随时可见"),
    ("after_vote", "投票后可见"),
    ("after_close", "结束后可见"),
];

/// Who may take part, as every item's form offers it.
pub(crate) const ELIGIBILITIES: &[(&str, &str)] = &[
    ("open", "所有人（每台设备一次）"),
    ("code", "凭入户码（每户一次）"),
    ("token", "网站登录的居民"),
];

/// The result visibility chosen in a form.
pub(crate) fn visibility_of(value: &str) -> ResultVisibility {
    match value {
        "after_vote" => ResultVisibility::AfterVote,
        "after_close" => ResultVisibility::AfterClose,
        _ => ResultVisibility::Always,
    }
}

/// The eligibility chosen in a form.
pub(crate) fn eligibility_of(value: &str) -> Eligibility {
    match value {
        "code" => Eligibility::Code,
        "token" => Eligibility::Token,
        _ => Eligibility::Open,
    }
}

/// The kind chosen in the form, with its parameter.
fn kind_of(name: &str, param: u32) -> PollKind {
    match name {
        "multiple" => PollKind::Multiple { max_choices: param },
        "approval" => PollKind::Approval {
            threshold_percent: param.min(100) as u8,
        },
        "score" => PollKind::Score,
        "ranked" => PollKind::Ranked,
        "dot" => PollKind::Dot { points: param },
        _ => PollKind::Single,
    }
}

/// What the parameter field of a kind asks for, if it has one.
fn param_label(name: &str) -> Option<&'static str> {
    match name {
        "multiple" => Some("最多可选几项"),
        "approval" => Some("通过门槛（%）"),
        "dot" => Some("每人点数"),
        _ => None,
    }
}

/// The new-poll page.
#[component]
pub(crate) fn NewPoll() -> impl IntoView {
    let scope = RwSignal::new(None);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let kind = RwSignal::new("single".to_string());
    let param = RwSignal::new("2".to_string());
    let options = RwSignal::new(String::new());
    let rules = VotingRules::new("always", "open", false);
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(scope_id) = scope.get() else {
            problem.set(Some(local_problem("scope_id", "请选择投票范围")));
            return;
        };
        let mut draft = PollDraft::new(
            scope_id,
            title.get().trim(),
            kind_of(&kind.get(), param.get().trim().parse().unwrap_or(0)),
            options
                .get()
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect::<Vec<_>>(),
        );
        draft.description = description.get().trim().to_string();
        (draft.opens_at, draft.closes_at) = rules.window();
        draft.visibility = rules.visibility();
        draft.eligibility = rules.eligibility();
        (draft.anonymous, draft.allow_change) = rules.anonymous_and_change();
        let checked = draft.validate();
        create(
            "/api/v1/admin/polls",
            draft,
            checked,
            busy,
            problem,
            |p: Poll| Route::Poll(p.id),
        );
    };

    view! {
        <h1>"新建投票"</h1>
        <form class="cx-form" on:submit=submit>
            <ScopeSelect label="投票范围" value=scope power=Power::Run
                levels=&[ScopeLevel::Street, ScopeLevel::Community, ScopeLevel::Group, ScopeLevel::Building] />
            <TextField label="问题" value=title />
            <TextArea label="说明（可不填）" value=description />
            <SelectField label="投票方式" value=kind options=KINDS />
            {move || param_label(&kind.get()).map(|l| view! { <TextField label=l value=param kind="number" /> })}
            <TextArea label="选项（每行一项）" value=options rows=5 />
            {rules.fields()}
            <ProblemNote problem=problem />
            <button type="submit" class="cx-primary" disabled=move || busy.get()>"创建投票"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_the_form_is_a_kind_of_the_core() {
        assert_eq!(kind_of("single", 9), PollKind::Single);
        assert_eq!(
            kind_of("multiple", 2),
            PollKind::Multiple { max_choices: 2 }
        );
        assert_eq!(
            kind_of("approval", 300),
            PollKind::Approval {
                threshold_percent: 100
            }
        );
        assert_eq!(kind_of("dot", 10), PollKind::Dot { points: 10 });
        assert_eq!(kind_of("score", 0), PollKind::Score);
        assert_eq!(kind_of("ranked", 0), PollKind::Ranked);
        assert_eq!(kind_of("<script>", 0), PollKind::Single);
        assert!(param_label("multiple").is_some() && param_label("single").is_none());
    }
}
