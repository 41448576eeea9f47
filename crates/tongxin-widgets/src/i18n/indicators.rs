//! What the governance indicators board says.

use super::Table;

/// The indicators widget's strings.
pub(super) const INDICATORS: Table = &[
    ("ind_12m", "近12个月", "Last 12 months"),
    ("ind_adoption", "决议通过率 {x}", "Adopted at the vote: {x}"),
    ("ind_by_unit", "各单元参与率", "Participation by unit"),
    ("ind_compare", "与同级比较", "Compared with neighbours"),
    ("ind_computed", "数据更新于 {x}", "Figures as of {x}"),
    ("ind_count", "数量", "Count"),
    ("ind_funds", "认筹资金", "Funds pledged"),
    ("ind_funds_hint", "其中居民 {x}", "{x} of it from residents"),
    ("ind_households", "覆盖户次", "Households asked"),
    ("ind_proposals", "提议", "Proposals"),
    (
        "ind_funnel",
        "项目进展（提议→评议）",
        "Proposals through the five steps",
    ),
    (
        "ind_median",
        "提议到决议中位数 {x} 天",
        "Median {x} days from proposal to vote",
    ),
    ("ind_month", "月份", "Month"),
    ("ind_no_data", "暂无", "n/a"),
    ("ind_participation", "参与率", "Participation"),
    (
        "ind_participation_hint",
        "{n} 人次 ÷ {x} 户次",
        "{n} taking part ÷ {x} households asked",
    ),
    ("ind_participations", "参与人次", "Taking part"),
    ("ind_peer_mean", "{x}平均 {n}", "{x} average: {n}"),
    ("ind_period", "统计期", "Period"),
    ("ind_resolution", "办结率", "Resolution rate"),
    (
        "ind_resolution_hint",
        "通过 {n} 项，已完成 {x} 项",
        "{x} of {n} adopted delivered",
    ),
    ("ind_satisfaction", "满意率", "Satisfaction"),
    ("ind_satisfaction_hint", "{n} 份评议打分", "{n} ratings"),
    ("ind_scope", "范围", "Area"),
    ("ind_step", "环节", "Step"),
    ("ind_submitted", "共提交 {n} 项", "{n} submitted"),
    ("ind_table", "以表格查看", "Show as a table"),
    ("ind_title", "{x} · 治理指标", "{x} · how we decide"),
    ("ind_trend", "每月参与人次", "Taking part, month by month"),
    (
        "ind_unattributed",
        "另有 {n} 人次来自覆盖整个范围的投票",
        "{n} more took part in items for the whole area",
    ),
    ("ind_unit", "单元", "Unit"),
    ("ind_year", "{n}年", "{n}"),
];
