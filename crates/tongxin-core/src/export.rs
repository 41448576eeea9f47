//! Open data as CSV for a spreadsheet: poll results, the public (masked)
//! list of signatures, proposals with their step and funding, a
//! proposal's ledger and its evaluations. UTF-8 with a byte-order mark, so
//! that Excel opens Chinese text as Chinese; text cells a spreadsheet would
//! run as a formula are prefixed with `'`. Nothing here can link a voter
//! to a choice: results are counts only.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Serialize;

use crate::budget::BudgetResults;
use crate::contract::ProposalCard;
use crate::contract::PublicEvaluation;
use crate::convention::PublicSignature;
use crate::paper::{Channel, Channels, MeetingTallyDraft};
use crate::poll::PollResults;
use crate::proposal::funding::{LedgerEntry, format_yuan};
use crate::{Id, Millis};

/// What every export starts with: the UTF-8 byte-order mark.
pub const BOM: char = '\u{feff}';

/// Characters that make a spreadsheet read a cell as a formula.
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
/// Separators a spreadsheet may split a line on, by locale or by guess:
/// `,` (most), `;` (where `,` is the decimal mark), tab and `|`.
const SEPARATORS: [char; 4] = [',', ';', '\t', '|'];

/// One CSV cell: guarded against formulas, quoted where needed. A cell is
/// guarded at its start and after every separator any spreadsheet may
/// split on (`x;=1+1` would be two cells, the second a formula, where `;`
/// separates), and quoted whenever it holds one of them.
pub fn cell(s: &str) -> String {
    let mut guarded = String::with_capacity(s.len() + 1);
    let mut at_start = true;
    for c in s.chars() {
        if at_start && FORMULA_START.contains(&c) {
            guarded.push('\'');
        }
        guarded.push(c);
        // Spaces after a separator do not protect: spreadsheets trim them.
        at_start = SEPARATORS.contains(&c) || (at_start && c == ' ');
    }
    if guarded.contains(['"', '\n', '\r']) || guarded.contains(SEPARATORS) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// The wire spelling of an enum value (`"team_leader"`, `"received"`).
fn wire(v: impl Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A CSV document being written: the mark, a header, then rows.
struct Csv(String);

impl Csv {
    fn new(header: &[&str]) -> Self {
        let mut out = String::new();
        out.push(BOM);
        out.push_str(&header.join(","));
        out.push('\n');
        Csv(out)
    }

    /// A row of cells already made with [`cell`] or numbers.
    fn row(&mut self, cells: &[String]) {
        let _ = writeln!(self.0, "{}", cells.join(","));
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// Header of [`poll_results`].
pub const RESULTS_HEADER: [&str; 6] = [
    "poll_id",
    "option_id",
    "option",
    "measure",
    "value",
    "channel",
];

/// One figure of a poll's results: the option it is about (none for
/// poll-wide figures), what it measures and its value, as the CSV export
/// and the staff console show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// Option id and label.
    pub option: Option<(Id, String)>,
    /// `ballots`, `count`, `percent`, `agree`, `mean`, `points`, `round_2` …
    pub measure: String,
    /// The value as written (numbers in plain decimal, `true` / `false`).
    pub value: String,
}

/// A poll's results, one row per figure (`measure`: `count`, `percent`,
/// `agree`, `mean`, `points`, `round_2` …), plus the ballots counted.
///
/// `channel` says where a figure comes from: `all` for the results of the
/// individual ballots, then the ballots `online`, on `paper` and `door` to
/// door, and each residents' meeting's `attendees` and `hands` per option
/// (`meeting`), kept apart from the ballots.
pub fn poll_results(
    poll_id: Id,
    ballots: u64,
    results: &PollResults,
    channels: Option<&Channels>,
    meetings: &[MeetingTallyDraft],
) -> String {
    let mut csv = Csv::new(&RESULTS_HEADER);
    let label_of = |id: Id| {
        result_figures(ballots, results)
            .into_iter()
            .find_map(|f| f.option.filter(|(i, _)| *i == id).map(|(_, l)| l))
            .unwrap_or_default()
    };
    for f in result_figures(ballots, results) {
        let (id, label) = f
            .option
            .map(|(i, l)| (i.to_string(), cell(&l)))
            .unwrap_or_default();
        csv.row(&[
            poll_id.to_string(),
            id,
            label,
            f.measure,
            f.value,
            "all".into(),
        ]);
    }
    if let Some(c) = channels {
        for ch in [Channel::Online, Channel::Paper, Channel::Door] {
            let n = c.get(ch).to_string();
            let row = [
                poll_id.to_string(),
                String::new(),
                String::new(),
                "ballots".into(),
                n,
            ];
            csv.row(&[&row[..], &[ch.as_str().into()]].concat());
        }
    }
    for m in meetings {
        let place = cell(&format!("{} {} {}", m.held_on, m.place, m.chair));
        let n = m.attendees.to_string();
        csv.row(&[
            poll_id.to_string(),
            String::new(),
            place,
            "attendees".into(),
            n,
            "meeting".into(),
        ]);
        for oc in &m.counts {
            let label = cell(&label_of(oc.option_id));
            let row = [
                poll_id.to_string(),
                oc.option_id.to_string(),
                label,
                "hands".into(),
            ];
            csv.row(&[&row[..], &[oc.count.to_string(), "meeting".into()]].concat());
        }
    }
    csv.0
}

/// Every figure of a poll's results, in the order [`poll_results`] writes them.
pub fn result_figures(ballots: u64, results: &PollResults) -> Vec<Figure> {
    let mut out = Vec::new();
    let mut row = |option: Option<(Id, &str)>, measure: &str, value: String| {
        out.push(Figure {
            option: option.map(|(i, l)| (i, l.to_string())),
            measure: measure.to_string(),
            value,
        });
    };
    row(None, "ballots", ballots.to_string());
    match results {
        PollResults::Choices { options } => {
            for o in options {
                row(Some((o.option, &o.label)), "count", o.count.to_string());
                row(Some((o.option, &o.label)), "percent", o.percent.to_string());
            }
        }
        PollResults::Approval {
            threshold_percent,
            options,
        } => {
            row(None, "threshold_percent", threshold_percent.to_string());
            for o in options {
                let id = Some((o.option, o.label.as_str()));
                row(id, "agree", o.agree.to_string());
                row(id, "abstain", o.abstain.to_string());
                row(id, "disagree", o.disagree.to_string());
                row(id, "agree_percent", o.agree_percent.to_string());
                row(id, "adopted", o.adopted.to_string());
            }
        }
        PollResults::Score { options } => {
            for o in options {
                let id = Some((o.option, o.label.as_str()));
                row(id, "ratings", o.summary.count.to_string());
                row(id, "mean", opt(o.summary.mean));
                row(
                    id,
                    "satisfaction_percent",
                    opt(o.summary.satisfaction_percent),
                );
            }
        }
        PollResults::Ranked { options, runoff } => {
            let label: HashMap<Id, &str> = options
                .iter()
                .map(|o| (o.option, o.label.as_str()))
                .collect();
            for o in options {
                row(
                    Some((o.option, &o.label)),
                    "first_preferences",
                    o.count.to_string(),
                );
            }
            for (n, round) in runoff.rounds.iter().enumerate() {
                for (id, count) in &round.counts {
                    let l = label.get(id).copied().unwrap_or_default();
                    row(
                        Some((*id, l)),
                        &format!("round_{}", n + 1),
                        count.to_string(),
                    );
                }
                row(
                    None,
                    &format!("round_{}_exhausted", n + 1),
                    round.exhausted.to_string(),
                );
            }
            if let Some(w) = runoff.winner {
                row(
                    Some((w, label.get(&w).copied().unwrap_or_default())),
                    "winner",
                    "true".into(),
                );
            }
        }
        PollResults::Dot {
            total_points,
            options,
        } => {
            row(None, "total_points", total_points.to_string());
            for o in options {
                let id = Some((o.option, o.label.as_str()));
                row(id, "points", o.points.to_string());
                row(id, "voters", o.voters.to_string());
                row(id, "percent", o.percent.to_string());
            }
        }
    }
    out
}

/// The public list of signatures: masked names as the widget shows them,
/// the unit's name (`units`: id → name), team, role, version, time.
pub fn signatures(list: &[PublicSignature], units: &HashMap<Id, String>) -> String {
    let mut csv = Csv::new(&[
        "signature_id",
        "name",
        "unit_id",
        "unit",
        "team",
        "role",
        "version",
        "signed_at",
        "channel",
    ]);
    for s in list {
        csv.row(&[
            s.id.to_string(),
            cell(&s.masked_name),
            s.unit_id.to_string(),
            cell(units.get(&s.unit_id).map_or("", String::as_str)),
            cell(s.team.as_deref().unwrap_or_default()),
            wire(s.role),
            s.version.to_string(),
            s.signed_at.to_string(),
            s.channel.as_str().to_string(),
        ]);
    }
    csv.0
}

/// Proposals with their step, supports and funding (fen, and yuan).
pub fn proposals(cards: &[ProposalCard]) -> String {
    let mut csv = Csv::new(&[
        "proposal_id",
        "scope_id",
        "title",
        "proposer",
        "step",
        "status",
        "supports",
        "support_threshold",
        "estimated_cost_fen",
        "goal_fen",
        "pledged_fen",
        "received_fen",
        "spent_fen",
        "balance_fen",
        "balance_yuan",
        "adopted_at",
        "delivered_at",
    ]);
    for c in cards {
        let (p, f) = (&c.proposal, &c.funding);
        csv.row(&[
            p.id.to_string(),
            p.scope_id.to_string(),
            cell(&p.title),
            cell(&p.proposer_name),
            wire(p.step),
            wire(p.status),
            p.supports.to_string(),
            p.support_threshold.to_string(),
            p.estimated_cost_fen.to_string(),
            f.goal_fen.to_string(),
            f.pledged_total_fen.to_string(),
            f.received_fen.to_string(),
            f.spent_fen.to_string(),
            f.balance_fen.to_string(),
            cell(&format_yuan(f.balance_fen)),
            opt(p.adopted_at),
            opt(p.delivered_at),
        ]);
    }
    csv.0
}

/// A proposal's public ledger, oldest first, with the running balance.
pub fn ledger(proposal_id: Id, entries: &[LedgerEntry]) -> String {
    let mut csv = Csv::new(&[
        "proposal_id",
        "entry_id",
        "recorded_at",
        "kind",
        "amount_fen",
        "amount_yuan",
        "memo",
        "balance_fen",
    ]);
    for e in entries {
        csv.row(&[
            proposal_id.to_string(),
            e.id.to_string(),
            e.recorded_at.to_string(),
            wire(e.kind),
            e.amount_fen.to_string(),
            cell(&format_yuan(e.amount_fen)),
            cell(&e.memo),
            e.balance_fen.to_string(),
        ]);
    }
    csv.0
}

/// A budget round's results: one row per project, funded ones first in
/// the order they were chosen (counts and amounts only).
/// `channels` adds the ballots by channel (online, paper, door) and the
/// attendees of meetings, the same on every row.
pub fn budget_results(r: &BudgetResults, channels: Option<&Channels>) -> String {
    let mut csv = Csv::new(&[
        "budget_id",
        "project_id",
        "title",
        "cost_fen",
        "approvals",
        "funded",
        "computed",
        "round",
        "max_share_fen",
        "ballots",
        "fund_fen",
        "method",
        "ballots_online",
        "ballots_paper",
        "ballots_door",
        "meeting_attendees",
    ]);
    let by_channel: Vec<String> = Channel::ALL
        .into_iter()
        .map(|c| channels.map_or(String::new(), |cs| cs.get(c).to_string()))
        .collect();
    for p in &r.projects {
        csv.row(&[
            r.round_id.to_string(),
            p.project_id.to_string(),
            cell(&p.title),
            p.cost_fen.to_string(),
            p.approvals.to_string(),
            p.funded.to_string(),
            p.computed.to_string(),
            p.round.map_or(String::new(), |n| n.to_string()),
            p.max_share_fen.map_or(String::new(), |n| n.to_string()),
            r.ballots.to_string(),
            r.fund_fen.to_string(),
            r.method.as_str().to_string(),
            by_channel[0].clone(),
            by_channel[1].clone(),
            by_channel[2].clone(),
            by_channel[3].clone(),
        ]);
    }
    csv.0
}

/// A proposal's evaluations: score, comment, time (no evaluator).
pub fn evaluations(proposal_id: Id, list: &[PublicEvaluation]) -> String {
    let mut csv = Csv::new(&["proposal_id", "score", "comment", "created_at"]);
    for e in list {
        let at: Millis = e.created_at;
        csv.row(&[
            proposal_id.to_string(),
            e.score.to_string(),
            cell(e.comment.as_deref().unwrap_or_default()),
            at.to_string(),
        ]);
    }
    csv.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::tally::ChoiceResult;

    #[test]
    fn cells_are_guarded_and_quoted() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("第一行\n第二行"), "\"第一行\n第二行\"");
        assert_eq!(
            cell("<script>alert(1)</script>"),
            "<script>alert(1)</script>"
        );
        assert_eq!(cell("毕节广场"), "毕节广场");
        // Behind every separator a spreadsheet may split on, too.
        assert_eq!(cell("x;=1+1"), "\"x;'=1+1\"");
        assert_eq!(cell("x; =1+1"), "\"x; '=1+1\"");
        assert_eq!(cell("a|@SUM(A1)"), "\"a|'@SUM(A1)\"");
        assert_eq!(cell("a\t+1"), "\"a\t'+1\"");
        assert_eq!(cell("a,-1"), "\"a,'-1\"");
        assert_eq!(cell("a;b"), "\"a;b\"");
        assert_eq!(cell("a = b"), "a = b");
    }

    #[test]
    fn results_start_with_the_mark_and_hold_counts_only() {
        let r = PollResults::Choices {
            options: vec![
                ChoiceResult::new(Id::int(1), "早上, 7点".into(), 3, 4),
                ChoiceResult::new(Id::int(2), "=晚上".into(), 1, 4),
            ],
        };
        let channels = Channels::split(4, 1, 0, 30);
        let meeting = MeetingTallyDraft {
            target: crate::staff::codes::CodeTarget::Poll,
            target_id: Id::int(9),
            unit_id: None,
            place: "活动室".into(),
            held_on: "2026-12-05".into(),
            chair: "王丽".into(),
            attendees: 30,
            counts: vec![crate::paper::OptionCount {
                option_id: Id::int(2),
                count: 12,
            }],
            in_favour: None,
        };
        let csv = poll_results(Id::int(9), 4, &r, Some(&channels), &[meeting]);
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches(BOM).lines().collect();
        assert_eq!(lines[0], "poll_id,option_id,option,measure,value,channel");
        assert_eq!(lines[1], "9,,,ballots,4,all");
        assert_eq!(lines[2], "9,1,\"早上, 7点\",count,3,all");
        assert_eq!(lines[3], "9,1,\"早上, 7点\",percent,75,all");
        assert_eq!(lines[4], "9,2,'=晚上,count,1,all");
        assert_eq!(lines[6], "9,,,ballots,3,online");
        assert_eq!(lines[7], "9,,,ballots,1,paper");
        assert_eq!(lines[8], "9,,,ballots,0,door");
        assert_eq!(lines[9], "9,,2026-12-05 活动室 王丽,attendees,30,meeting");
        assert_eq!(lines[10], "9,2,'=晚上,hands,12,meeting");
        assert_eq!(lines.len(), 11);
    }
}
