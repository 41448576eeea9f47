//! A 1–5 rating summary: mean, satisfaction % (share of 4s and 5s) and the
//! distribution as bars. Score polls and proposal evaluations show ratings
//! the same way.

use leptos::prelude::*;
use tongxin_core::score::ScoreSummary;

use super::{BarRow, ResultBars};
use crate::i18n::I18n;

/// `x` with one decimal, or none when whole: 4.0 → "4", 83.75 → "83.8".
///
/// Written with integer tenths: `format!("{x:.1}")` would bring the
/// standard library's float formatting (several KB) into every bundle.
pub fn fmt1(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let (whole, frac) = (tenths.abs() / 10, tenths.abs() % 10);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::fmt1;

    #[test]
    fn one_decimal_or_none() {
        assert_eq!(fmt1(4.0), "4");
        assert_eq!(fmt1(83.75), "83.8");
        assert_eq!(fmt1(82.44), "82.4");
        assert_eq!(fmt1(99.96), "100");
        assert_eq!(fmt1(0.04), "0");
        assert_eq!(fmt1(-2.5), "-2.5");
        assert_eq!(fmt1(-0.04), "0");
    }
}

/// The heading figures and the distribution bars.
#[component]
pub fn ScoreSummaryView(
    /// What was rated, shown before the figures.
    #[prop(into)]
    title: String,
    /// The ratings.
    summary: ScoreSummary,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let s = summary;
    let total = s.count.max(1) as f64;
    let rows: Vec<BarRow> = (1..=5)
        .rev()
        .map(|score| {
            let c = s.distribution.0[score - 1];
            BarRow {
                label: i18n.n("score_n", score),
                value: c.to_string(),
                percent: c as f64 * 100.0 / total,
                highlight: score >= 4,
            }
        })
        .collect();
    let head = format!(
        "{title} · {} · {}",
        i18n.x("mean", s.mean.map_or("–".into(), fmt1)),
        i18n.x(
            "satisfaction",
            s.satisfaction_percent.map_or("–".into(), fmt1)
        )
    );
    view! {
        <h4 class="tx-subhead">{head}</h4>
        <ResultBars rows=rows caption=i18n.t("results_table") headings=(i18n.t("option"), i18n.t("count")) lang=i18n.lang() />
    }
}
