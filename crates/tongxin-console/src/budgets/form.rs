//! The form for a new budget round: a scope, its fund, and the projects —
//! the active proposals of the scope, each ticked in with its cost
//! prefilled from the proposal's estimate (editable, with a note saying
//! why it differs) — then the ballot rule, counting method, voting window,
//! result visibility, eligibility, anonymity and change policy. The draft
//! is checked by the server's own rules (`BudgetDraft::validate`) first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_core::Id;
use tongxin_core::budget::{BallotRule, BudgetDraft, BudgetRound, CountingMethod, ProjectDraft};
use tongxin_core::contract::{Page, ProposalCard};
use tongxin_core::proposal::ProposalStatus;
use tongxin_core::proposal::funding::{format_yuan, parse_yuan};
use tongxin_core::scope::ScopeLevel;
use tongxin_core::staff::Power;

use crate::api::{self, Problem};
use crate::parts::{ProblemNote, SelectField, TextArea, TextField, create, local_problem};
use crate::route::Route;
use crate::scopes::ScopeSelect;
use crate::voting_rules::VotingRules;

/// The ballot rules, as the form offers them.
const RULES: &[(&str, &str)] = &[
    ("knapsack", "所选项目总价不超过资金（背包式）"),
    ("k_approval", "最多选 K 个项目"),
];

/// The counting methods.
const METHODS: &[(&str, &str)] = &[
    ("equal_shares", "平均分配法（Method of Equal Shares，推荐）"),
    ("greedy", "按票数从多到少依次资助"),
];

/// One proposal of the scope as a candidate project.
#[derive(Clone)]
struct Candidate {
    id: Id,
    title: String,
    summary: String,
    estimate_fen: i64,
    include: RwSignal<bool>,
    cost: RwSignal<String>,
    note: RwSignal<String>,
}

impl Candidate {
    fn from_card(c: ProposalCard) -> Self {
        let p = c.proposal;
        Candidate {
            id: p.id,
            title: p.title,
            summary: p.plan,
            estimate_fen: p.estimated_cost_fen,
            include: RwSignal::new(true),
            cost: RwSignal::new(format_yuan(p.estimated_cost_fen).replace(',', "")),
            note: RwSignal::new(String::new()),
        }
    }

    /// The project as the draft lists it (a cost that is not a number is
    /// sent as 0, which the rules refuse with the field named).
    fn project(&self) -> ProjectDraft {
        let note = self.note.get_untracked();
        ProjectDraft {
            proposal_id: Some(self.id),
            title: self.title.clone(),
            summary: self.summary.clone(),
            cost_fen: parse_yuan(&self.cost.get_untracked()).unwrap_or(0),
            cost_note: (!note.trim().is_empty()).then(|| note.trim().to_string()),
        }
    }
}

/// The rule chosen in the form.
fn rule_of(name: &str, k: &str) -> BallotRule {
    match name {
        "k_approval" => BallotRule::KApproval {
            k: k.trim().parse().unwrap_or(0),
        },
        _ => BallotRule::Knapsack {
            min_projects: None,
            max_projects: None,
        },
    }
}

/// One candidate's row: include it, its cost, a note on the cost.
fn candidate_row(c: &Candidate) -> impl IntoView {
    let (include, cost, note) = (c.include, c.cost, c.note);
    view! {
        <li class="cx-budget-project">
            <label class="cx-check"><input type="checkbox" bind:checked=include />{c.title.clone()}</label>
            <span class="cx-muted">{format!("估算 ¥{}", format_yuan(c.estimate_fen))}</span>
            <div class="cx-pair">
                <label class="cx-field">
                    <span>"费用（元）"</span>
                    <input type="text" inputmode="decimal" bind:value=cost aria-label=format!("{} 的费用（元）", c.title) />
                </label>
                <label class="cx-field">
                    <span>"费用与估算不同的原因"</span>
                    <input type="text" bind:value=note aria-label=format!("{} 的费用说明", c.title) />
                </label>
            </div>
        </li>
    }
}

/// The new-round page.
#[component]
pub(crate) fn NewBudget() -> impl IntoView {
    let scope = RwSignal::new(None::<Id>);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let fund = RwSignal::new(String::new());
    let rule = RwSignal::new("knapsack".to_string());
    let k = RwSignal::new("3".to_string());
    let method = RwSignal::new("equal_shares".to_string());
    let rules = VotingRules::new("after_close", "code", true);
    let candidates = RwSignal::new(Vec::<Candidate>::new());
    let problem = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);

    // The scope's active proposals, as candidates.
    Effect::new(move |_| {
        let Some(sc) = scope.get() else {
            candidates.set(Vec::new());
            return;
        };
        spawn_local(async move {
            let path = format!("/api/v1/proposals?scope_id={sc}&limit=100");
            match api::get::<Page<ProposalCard>>(&path).await {
                Ok(page) => candidates.set(
                    page.items
                        .into_iter()
                        .filter(|c| c.proposal.status == ProposalStatus::Active)
                        .map(Candidate::from_card)
                        .collect(),
                ),
                Err(p) => problem.set(Some(p)),
            }
        });
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(scope_id) = scope.get() else {
            problem.set(Some(local_problem("scope_id", "请选择范围")));
            return;
        };
        let Some(fund_fen) = parse_yuan(&fund.get()) else {
            problem.set(Some(local_problem("fund_fen", "请填写资金总额（元）")));
            return;
        };
        let projects: Vec<ProjectDraft> = candidates.with(|cs| {
            cs.iter()
                .filter(|c| c.include.get_untracked())
                .map(Candidate::project)
                .collect()
        });
        let ((opens_at, closes_at), (anonymous, allow_change)) =
            (rules.window(), rules.anonymous_and_change());
        let draft = BudgetDraft {
            scope_id,
            title: title.get().trim().to_string(),
            description: description.get().trim().to_string(),
            fund_fen,
            projects,
            rule: rule_of(&rule.get(), &k.get()),
            method: if method.get() == "greedy" {
                CountingMethod::Greedy
            } else {
                CountingMethod::EqualShares
            },
            opens_at,
            closes_at,
            visibility: rules.visibility(),
            anonymous,
            allow_change,
            eligibility: rules.eligibility(),
        };
        let checked = draft.validate();
        create(
            "/api/v1/admin/budgets",
            draft,
            checked,
            busy,
            problem,
            |r: BudgetRound| Route::Budget(r.id),
        );
    };

    view! {
        <h1>"新建预算投票"</h1>
        <form class="cx-form" on:submit=submit>
            <ScopeSelect label="范围（谁的资金）" value=scope power=Power::Run
                levels=&[ScopeLevel::Street, ScopeLevel::Community, ScopeLevel::Group] />
            <TextField label="名称，如“2026 年度惠民资金”" value=title />
            <TextArea label="说明（可不填）" value=description />
            <TextField label="资金总额（元）" value=fund />
            <fieldset class="cx-fieldset">
                <legend>"项目（该范围内的提议，费用按估算预填）"</legend>
                {move || candidates.with(|cs| if cs.is_empty() {
                    view! { <p class="cx-muted">"先选择范围；范围内没有进行中的提议时，这里是空的。"</p> }.into_any()
                } else {
                    view! { <ul class="cx-cards">{cs.iter().map(candidate_row).collect_view()}</ul> }.into_any()
                })}
            </fieldset>
            <SelectField label="选票规则" value=rule options=RULES />
            {move || (rule.get() == "k_approval").then(|| view! { <TextField label="每人最多选几个项目（K）" value=k kind="number" /> })}
            <SelectField label="计票方法" value=method options=METHODS />
            {rules.fields()}
            <ProblemNote problem=problem />
            <button type="submit" class="cx-primary" disabled=move || busy.get()>"创建预算投票"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_of_the_form_is_a_rule_of_the_core() {
        assert_eq!(rule_of("k_approval", " 3 "), BallotRule::KApproval { k: 3 });
        assert_eq!(rule_of("k_approval", "x"), BallotRule::KApproval { k: 0 });
        assert_eq!(
            rule_of("<script>", "3"),
            BallotRule::Knapsack {
                min_projects: None,
                max_projects: None
            }
        );
    }
}
