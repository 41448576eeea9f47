//! The named indicators, each with its definition in both languages: what
//! `GET /api/v1/indicators/{key}` explains and the CSV export lists.

use super::view::IndicatorsView;

/// What an indicator's value counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Percent, one decimal.
    Percent,
    /// A count.
    Count,
    /// Money in fen.
    Fen,
    /// Days, one decimal.
    Days,
}

impl Unit {
    /// The name used in answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "percent",
            Unit::Count => "count",
            Unit::Fen => "fen",
            Unit::Days => "days",
        }
    }
}

/// One named indicator.
pub struct Definition {
    /// Key in URLs and CSV, e.g. `resolution_percent`.
    pub key: &'static str,
    /// What its value counts.
    pub unit: Unit,
    /// Definition in English.
    pub en: &'static str,
    /// Definition in Chinese.
    pub zh: &'static str,
    /// Reads the value from a computed answer.
    pub value: fn(&IndicatorsView) -> Option<f64>,
}

fn count(n: u64) -> Option<f64> {
    Some(n as f64)
}

fn fen(n: i64) -> Option<f64> {
    Some(n as f64)
}

/// Every named indicator, in report order.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        key: "participation_percent",
        unit: Unit::Percent,
        en: "Ballots and signatures in the period / the households each poll or convention invited (the households of its scope), summed.",
        zh: "期内投票与签名人次 ÷ 各项投票、公约所覆盖范围的户数之和。",
        value: |v| v.participation.percent,
    },
    Definition {
        key: "participations",
        unit: Unit::Count,
        en: "Distinct voters of polls opened in the period plus active signatures made in it.",
        zh: "期内开启的投票的参与人数，加上期内有效签名数。",
        value: |v| count(v.participation.participations),
    },
    Definition {
        key: "proposals_submitted",
        unit: Unit::Count,
        en: "Proposals submitted (提议) in the period.",
        zh: "期内提交（提议）的项目数。",
        value: |v| count(v.proposals.submitted),
    },
    Definition {
        key: "reached_threshold_percent",
        unit: Unit::Percent,
        en: "Of the proposals submitted in the period, the share that gathered the supports they needed.",
        zh: "期内提议中，获得足够附议的比例。",
        value: |v| v.proposals.reached_threshold_percent,
    },
    Definition {
        key: "adoption_percent",
        unit: Unit::Percent,
        en: "Resolution votes (决议) decided in the period that adopted the proposal.",
        zh: "期内作出决议的项目中，获通过的比例。",
        value: |v| v.proposals.adoption_percent,
    },
    Definition {
        key: "median_days_to_resolution",
        unit: Unit::Days,
        en: "Median days from submission to entering the resolution step, for proposals entering it in the period.",
        zh: "期内进入决议的项目，从提议到决议的天数中位数。",
        value: |v| v.proposals.median_days_to_resolution,
    },
    Definition {
        key: "median_days_to_delivery",
        unit: Unit::Days,
        en: "Median days from submission to delivery, for projects delivered in the period.",
        zh: "期内完成的项目，从提议到完成的天数中位数。",
        value: |v| v.proposals.median_days_to_delivery,
    },
    Definition {
        key: "resolution_percent",
        unit: Unit::Percent,
        en: "Of the proposals adopted in the period, the share delivered by its end (resolution rate).",
        zh: "期内通过的项目中，期末前已完成的比例（办结率）。",
        value: |v| v.delivery.resolution_percent,
    },
    Definition {
        key: "satisfaction_percent",
        unit: Unit::Percent,
        en: "Share of 4 and 5 among the evaluation (评议) ratings given in the period.",
        zh: "期内评议打分中 4 分、5 分的比例（满意率）。",
        value: |v| v.delivery.ratings.satisfaction_percent,
    },
    Definition {
        key: "funds_pledged_fen",
        unit: Unit::Fen,
        en: "Money pledged by residents and organisations in the period.",
        zh: "期内居民与单位认筹的金额。",
        value: |v| fen(v.headline.funds_pledged_fen),
    },
    Definition {
        key: "funds_received_fen",
        unit: Unit::Fen,
        en: "Money received in the public ledgers in the period.",
        zh: "期内公开账目的到账金额。",
        value: |v| fen(v.funding.received_fen),
    },
    Definition {
        key: "funds_spent_fen",
        unit: Unit::Fen,
        en: "Money spent in the public ledgers in the period.",
        zh: "期内公开账目的支出金额。",
        value: |v| fen(v.funding.spent_fen),
    },
    Definition {
        key: "resident_cofunded_percent",
        unit: Unit::Percent,
        en: "Of the projects pledged to in the period, the share with a resident's pledge.",
        zh: "期内获得认筹的项目中，有居民出资的比例。",
        value: |v| v.funding.resident_cofunded_percent,
    },
];

/// The indicator called `key`.
pub fn find(key: &str) -> Option<&'static Definition> {
    DEFINITIONS.iter().find(|d| d.key == key)
}
