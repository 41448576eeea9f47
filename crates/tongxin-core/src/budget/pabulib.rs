//! A round in the Pabulib `.pb` format (pabulib.org), so researchers can
//! study it with their own tools: `META`, `PROJECTS` and `VOTES` sections
//! of `;`-separated lines. Votes are approval lists numbered 1, 2, … in a
//! fixed order (grouped by what they approve) — never a voter's id, and
//! nothing of the order in which ballots came.

use std::fmt::Write;

use super::{BudgetResults, BudgetRound, BudgetTally};

/// A field with the format's separators (`;`, `,`, line breaks) replaced.
fn field(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            ';' | ',' => ' ',
            '\n' | '\r' => ' ',
            c => c,
        })
        .collect()
}

/// Fen as whole yuan where exact, else with two decimals.
fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, fen % 100)
    }
}

impl BudgetRound {
    /// The round, its projects with approvals and results, and its votes.
    pub fn pabulib(&self, tally: &BudgetTally, results: &BudgetResults) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "META\nkey;value");
        let meta = [
            ("description", field(&self.title)),
            ("country", "China".into()),
            ("unit", field(&self.title)),
            ("instance", self.id.to_string()),
            ("num_projects", self.projects.len().to_string()),
            ("num_votes", tally.ballots.to_string()),
            ("budget", yuan(self.fund_fen)),
            ("vote_type", "approval".into()),
            ("rule", self.method.as_str().into()),
            ("currency", "CNY".into()),
        ];
        for (k, v) in meta {
            let _ = writeln!(out, "{k};{v}");
        }
        let _ = writeln!(out, "PROJECTS\nproject_id;cost;votes;name;selected");
        for p in &self.projects {
            let line = results.projects.iter().find(|r| r.project_id == p.id);
            let votes = line.map_or(0, |r| r.approvals);
            let selected = u8::from(line.is_some_and(|r| r.funded));
            let _ = writeln!(
                out,
                "{};{};{votes};{};{selected}",
                p.id,
                yuan(p.cost_fen),
                field(&p.title)
            );
        }
        let _ = writeln!(out, "VOTES\nvoter_id;vote");
        let mut n = 0u64;
        for (set, count) in &tally.profile {
            let ids: Vec<String> = self.ids_at(set).iter().map(|id| id.to_string()).collect();
            for _ in 0..*count {
                n += 1;
                let _ = writeln!(out, "{n};{}", ids.join(","));
            }
        }
        out
    }
}
