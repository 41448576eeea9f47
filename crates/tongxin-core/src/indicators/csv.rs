//! The same figures as CSV, for a spreadsheet: one row per figure, with
//! the section it belongs to, the unit or month it is about, and its
//! value (empty where the JSON has `null`). Text cells that a spreadsheet
//! would run as a formula are prefixed with `'`.

use std::fmt::Write;

use super::definitions::DEFINITIONS;
use super::view::IndicatorsView;
use crate::Id;
use crate::export::cell;

/// Header row.
pub const HEADER: &str = "section,key,scope_id,scope,unit_id,unit,month,value";

fn number(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// The CSV export of `v`.
pub fn to_csv(v: &IndicatorsView) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    let scope = cell(&v.scope.name);
    let mut row =
        |section: &str, key: &str, unit: Option<(Id, &str)>, month: &str, value: Option<f64>| {
            let (uid, uname) = unit
                .map(|(i, n)| (i.to_string(), cell(n)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{section},{key},{},{scope},{uid},{uname},{month},{}",
                v.scope.id,
                number(value)
            );
        };
    for d in DEFINITIONS {
        row("headline", d.key, None, "", (d.value)(v));
    }
    for u in &v.participation.by_unit {
        let unit = Some((u.unit.id, u.unit.name.as_str()));
        row(
            "by_unit",
            "participations",
            unit,
            "",
            Some(u.participations as f64),
        );
        row(
            "by_unit",
            "households_invited",
            unit,
            "",
            Some(u.households_invited as f64),
        );
        row("by_unit", "participation_percent", unit, "", u.percent);
    }
    row(
        "by_unit",
        "unattributed",
        None,
        "",
        Some(v.participation.unattributed as f64),
    );
    for s in &v.proposals.funnel {
        row("funnel", s.step.as_str(), None, "", Some(s.count as f64));
    }
    for m in &v.monthly {
        row(
            "monthly",
            "participations",
            None,
            &m.month,
            Some(m.participations as f64),
        );
        row(
            "monthly",
            "proposals",
            None,
            &m.month,
            Some(m.proposals as f64),
        );
        row(
            "monthly",
            "delivered",
            None,
            &m.month,
            Some(m.delivered as f64),
        );
        row(
            "monthly",
            "pledged_fen",
            None,
            &m.month,
            Some(m.pledged_fen as f64),
        );
        row("monthly", "ratings", None, &m.month, Some(m.ratings as f64));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_and_separators_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("碧鸡社区"), "碧鸡社区");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("-1"), "'-1");
    }
}
