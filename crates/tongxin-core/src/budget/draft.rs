//! What staff send to open a budget round, and their later edits.

use serde::{Deserialize, Serialize};

use super::{BallotRule, BudgetProject, BudgetRound, CountingMethod, MAX_FEN, MAX_PROJECTS};
use crate::eligibility::Eligibility;
use crate::poll::{ResultVisibility, check_window};
use crate::text::{self, FieldErrors, TextLimits};
use crate::{Id, Millis};

/// A project's summary on the ballot.
pub const SUMMARY: TextLimits = TextLimits::block(0, 2000);
/// A note on a project's cost.
pub const COST_NOTE: TextLimits = TextLimits::line(0, 200);

/// A project as staff enter it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectDraft {
    /// The proposal of the round's scope it comes from (none: a project
    /// staff enter themselves).
    #[serde(default)]
    pub proposal_id: Option<Id>,
    /// Its name, 1–200 characters.
    pub title: String,
    /// What it is, up to 2,000 characters.
    #[serde(default)]
    pub summary: String,
    /// Its cost in fen, 1 – 10,000,000,000.
    pub cost_fen: i64,
    /// Why the cost differs from the proposal's estimate, up to 200 characters.
    #[serde(default)]
    pub cost_note: Option<String>,
}

/// A new round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetDraft {
    /// The scope whose fund it divides.
    pub scope_id: Id,
    /// Its name, 1–200 characters.
    pub title: String,
    /// What residents should know, up to 8,000 characters.
    #[serde(default)]
    pub description: String,
    /// The fund in fen, 1 – 10,000,000,000.
    pub fund_fen: i64,
    /// 1–100 projects in ballot order.
    pub projects: Vec<ProjectDraft>,
    /// What a ballot may hold.
    pub rule: BallotRule,
    /// How it is counted (default `greedy`).
    #[serde(default)]
    pub method: CountingMethod,
    /// Voting opens (none: at once).
    #[serde(default)]
    pub opens_at: Option<Millis>,
    /// Voting closes (none: when staff close it).
    #[serde(default)]
    pub closes_at: Option<Millis>,
    /// Who sees results when (default: after close).
    #[serde(default = "after_close")]
    pub visibility: ResultVisibility,
    /// No link between a resident and their ballot is kept (then results
    /// are shown after close only, and ballots cannot be changed).
    #[serde(default)]
    pub anonymous: bool,
    /// Whether a ballot may be changed or withdrawn while voting is open.
    #[serde(default)]
    pub allow_change: bool,
    /// Who may vote (default `open`).
    #[serde(default)]
    pub eligibility: Eligibility,
}

fn after_close() -> ResultVisibility {
    ResultVisibility::AfterClose
}

fn check_fen(e: &mut FieldErrors, field: &str, fen: i64) {
    if !(1..=MAX_FEN).contains(&fen) {
        e.add(field, format!("must be between 1 and {MAX_FEN} fen"));
    }
}

impl BudgetDraft {
    /// Every field error of the draft.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.text("title", &self.title, text::TITLE);
        e.text("description", &self.description, text::BODY);
        check_fen(&mut e, "fund_fen", self.fund_fen);
        let n = self.projects.len();
        if !(1..=MAX_PROJECTS).contains(&n) {
            e.add(
                "projects",
                format!("a round lists 1 to {MAX_PROJECTS} projects"),
            );
        }
        for (i, p) in self.projects.iter().enumerate() {
            let at = |f: &str| format!("projects[{i}].{f}");
            e.text(&at("title"), &p.title, text::TITLE);
            e.text(&at("summary"), &p.summary, SUMMARY);
            check_fen(&mut e, &at("cost_fen"), p.cost_fen);
            if let Some(note) = &p.cost_note {
                e.text(&at("cost_note"), note, COST_NOTE);
            }
            let twice = p.proposal_id.is_some()
                && self.projects[..i]
                    .iter()
                    .any(|q| q.proposal_id == p.proposal_id);
            if twice {
                e.add(at("proposal_id"), "this proposal is listed already");
            }
        }
        match self.rule {
            BallotRule::Knapsack {
                min_projects,
                max_projects,
            } => {
                let max = max_projects.map_or(n, |m| m as usize);
                let min = min_projects.map_or(1, |m| m as usize);
                if max_projects.is_some_and(|m| m == 0 || m as usize > n) {
                    e.add("rule.max_projects", format!("must be between 1 and {n}"));
                }
                if min_projects.is_some_and(|m| m == 0 || m as usize > max) {
                    e.add("rule.min_projects", "must be between 1 and max_projects");
                }
                let mut costs: Vec<i64> = self.projects.iter().map(|p| p.cost_fen).collect();
                costs.sort_unstable();
                // Saturating: the costs are not checked yet (an absurd one must not
                // overflow here, only be refused above).
                let cheapest = costs
                    .iter()
                    .take(min)
                    .fold(0i64, |a, c| a.saturating_add(*c));
                if n > 0 && min <= n && cheapest > self.fund_fen {
                    e.add(
                        "rule.min_projects",
                        "the cheapest projects together already cost more than the fund",
                    );
                }
            }
            BallotRule::KApproval { k } => {
                if k == 0 || k as usize > n.max(1) {
                    e.add("rule.k", format!("must be between 1 and {}", n.max(1)));
                }
            }
        }
        if self.anonymous && self.visibility != ResultVisibility::AfterClose {
            e.add(
                "visibility",
                "an anonymous round shows its results after close only",
            );
        }
        if self.anonymous && self.allow_change {
            e.add(
                "allow_change",
                "an anonymous round keeps no link to change a ballot by",
            );
        }
        check_window(&mut e, self.opens_at, self.closes_at);
        e.into_result()
    }

    /// The round, with id `id` and projects numbered 1, 2, … in order.
    pub fn into_round(self, id: Id, now: Millis) -> BudgetRound {
        BudgetRound {
            id,
            scope_id: self.scope_id,
            title: self.title.trim().to_string(),
            description: self.description,
            fund_fen: self.fund_fen,
            projects: self
                .projects
                .into_iter()
                .enumerate()
                .map(|(i, p)| BudgetProject {
                    id: Id::from(i as i64 + 1),
                    proposal_id: p.proposal_id,
                    title: p.title.trim().to_string(),
                    summary: p.summary,
                    cost_fen: p.cost_fen,
                    cost_note: p.cost_note.filter(|n| !n.trim().is_empty()),
                })
                .collect(),
            rule: self.rule,
            method: self.method,
            opens_at: self.opens_at,
            closes_at: self.closes_at,
            visibility: self.visibility,
            anonymous: self.anonymous,
            allow_change: self.allow_change,
            eligibility: self.eligibility,
            created_at: now,
            confirmed_at: None,
            override_winners: None,
        }
    }
}

/// Staff edits of a round: its texts and its window. Projects, costs, the
/// fund and the rule are fixed once the round exists (a changed ballot
/// would not be the one residents answered).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetEdit {
    /// New name.
    #[serde(default)]
    pub title: Option<String>,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New opening time.
    #[serde(default)]
    pub opens_at: Option<Millis>,
    /// New closing time.
    #[serde(default)]
    pub closes_at: Option<Millis>,
    /// Close voting now.
    #[serde(default)]
    pub close_now: bool,
    /// Why a closed item is opened again; required for that edit (kept in
    /// the audit log, see [`crate::paper::check_reopening`]).
    #[serde(default)]
    pub reopen_reason: Option<String>,
}

impl BudgetEdit {
    /// Applies the edit, validating the result; a confirmed round takes none.
    pub fn apply(&self, round: &mut BudgetRound, now: Millis) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if round.confirmed_at.is_some() {
            e.add("round", "the winners are confirmed: the round is final");
            return Err(e);
        }
        if let Some(t) = &self.title {
            e.text("title", t, text::TITLE);
        }
        if let Some(d) = &self.description {
            e.text("description", d, text::BODY);
        }
        let opens = self.opens_at.or(round.opens_at);
        let closes = if self.close_now {
            Some(now)
        } else {
            self.closes_at.or(round.closes_at)
        };
        check_window(&mut e, opens, closes);
        let was_closed = round.status(now) == crate::poll::PollStatus::Closed;
        let reason = self.reopen_reason.as_deref();
        crate::paper::check_reopening(&mut e, was_closed, closes, now, reason);
        e.into_result()?;
        if let Some(t) = &self.title {
            round.title = t.trim().to_string();
        }
        if let Some(d) = &self.description {
            round.description = d.clone();
        }
        round.opens_at = opens;
        round.closes_at = closes;
        Ok(())
    }
}
