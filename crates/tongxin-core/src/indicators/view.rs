//! The indicators as the API sends them and the widget shows them
//! (`GET /api/v1/indicators`). Every figure is a count or an amount the
//! rate next to it is derived from, so a reader can check the arithmetic;
//! a rate is `null` where its denominator is 0 (no households recorded, no
//! proposal adopted, no rating).

use serde::{Deserialize, Serialize};

use crate::proposal::Step;
use crate::scope::ScopeLevel;
use crate::score::ScoreSummary;
use crate::{Id, Millis};

/// A scope named in an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScopeRef {
    /// Scope id.
    pub id: Id,
    /// Name, e.g. 碧鸡社区.
    pub name: String,
    /// English name.
    #[serde(default)]
    pub name_en: Option<String>,
    /// Level.
    pub level: ScopeLevel,
}

/// The period of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodView {
    /// As asked, normalised: `2026`, `2026-Q2`, `2026-05`, `12m`, `2026-03-01..2026-06-30`.
    pub label: String,
    /// First instant (UTC ms, local midnight).
    pub start: Millis,
    /// First instant after the period (UTC ms).
    pub end: Millis,
}

/// The four figures of the headline tiles, for a scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Headline {
    /// The scope.
    pub scope: ScopeRef,
    /// Delivered / adopted, percent ("resolution rate").
    pub resolution_percent: Option<f64>,
    /// Share of 4–5 ratings in 评议, percent.
    pub satisfaction_percent: Option<f64>,
    /// Participations / households invited, percent.
    pub participation_percent: Option<f64>,
    /// Pledged by residents and organisations, fen.
    pub funds_pledged_fen: i64,
    /// Proposals submitted.
    pub proposals_submitted: u64,
}

/// Participation in one unit (a child of the scope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitParticipation {
    /// The unit.
    pub unit: ScopeRef,
    /// Ballots and signatures from it.
    pub participations: u64,
    /// Households it was invited with, summed over items.
    pub households_invited: u64,
    /// Participations / households invited, percent.
    pub percent: Option<f64>,
}

/// Participation in one poll or convention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemParticipation {
    /// `poll` or `convention`.
    pub kind: String,
    /// Item id.
    pub id: Id,
    /// Title.
    pub title: String,
    /// Voters, or active signatures made in the period.
    pub participations: u64,
    /// Households in the item's scope (`null` when none are recorded).
    pub households: Option<u64>,
    /// Participations / households, percent.
    pub percent: Option<f64>,
}

/// Participation in the scope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participation {
    /// Ballots and signatures in the period.
    pub participations: u64,
    /// Households each item invited, summed.
    pub households_invited: u64,
    /// Participations / households invited, percent.
    pub percent: Option<f64>,
    /// By unit one level down.
    pub by_unit: Vec<UnitParticipation>,
    /// Participations no single unit can claim (ballots of polls for the
    /// whole scope, signatures naming no unit below it).
    pub unattributed: u64,
    /// Per poll and convention.
    pub items: Vec<ItemParticipation>,
}

/// Proposals of one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepCount {
    /// The step.
    pub step: Step,
    /// How many.
    pub count: u64,
}

/// Proposals and their path through the five steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalFigures {
    /// Submitted in the period.
    pub submitted: u64,
    /// Of those, how many reached each step by the period's end (a funnel).
    pub funnel: Vec<StepCount>,
    /// Of those, withdrawn, rejected or merged by the period's end.
    pub withdrawn: u64,
    /// Rejected (by staff, or by the 决议 vote).
    pub rejected: u64,
    /// Merged into another.
    pub merged: u64,
    /// Of those submitted, how many gathered the supports they needed.
    pub reached_threshold: u64,
    /// `reached_threshold / submitted`, percent.
    pub reached_threshold_percent: Option<f64>,
    /// 决议 outcomes in the period: adopted plus refused.
    pub decided: u64,
    /// Adopted in the period.
    pub adopted: u64,
    /// `adopted / decided`, percent.
    pub adoption_percent: Option<f64>,
    /// Median days from 提议 to entering 决议, for those entering it in the period.
    pub median_days_to_resolution: Option<f64>,
    /// Median days from 提议 to delivery, for those delivered in the period.
    pub median_days_to_delivery: Option<f64>,
}

/// Delivery and satisfaction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    /// Adopted in the period.
    pub adopted: u64,
    /// Of those, delivered by the period's end.
    pub delivered: u64,
    /// `delivered / adopted`, percent ("resolution rate").
    pub resolution_percent: Option<f64>,
    /// 评议 ratings given in the period.
    pub ratings: ScoreSummary,
}

/// Co-funding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Funding {
    /// Pledged by residents in the period, fen.
    pub pledged_residents_fen: i64,
    /// Pledged by organisations in the period, fen.
    pub pledged_organisations_fen: i64,
    /// Received (ledger) in the period, fen.
    pub received_fen: i64,
    /// Spent (ledger) in the period, fen.
    pub spent_fen: i64,
    /// Still to pledge on projects with a goal, at the period's end, fen.
    pub remaining_fen: i64,
    /// Projects with a goal that had money pledged in the period.
    pub cofunded_projects: u64,
    /// Of those, with a resident's pledge.
    pub resident_cofunded_projects: u64,
    /// `resident_cofunded_projects / cofunded_projects`, percent.
    pub resident_cofunded_percent: Option<f64>,
}

/// One convention's signatures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConventionFigures {
    /// Convention id.
    pub id: Id,
    /// Title.
    pub title: String,
    /// Active signatures made in the period.
    pub signatures: u64,
    /// Households in the convention's scope.
    pub households: Option<u64>,
    /// `signatures / households`, percent.
    pub percent: Option<f64>,
    /// By unit one level below the asked scope.
    pub by_unit: Vec<UnitParticipation>,
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthPoint {
    /// `2026-05`.
    pub month: String,
    /// Ballots (polls opened that month) and signatures.
    pub participations: u64,
    /// Proposals submitted.
    pub proposals: u64,
    /// Proposals delivered.
    pub delivered: u64,
    /// Money pledged, fen.
    pub pledged_fen: i64,
    /// Ratings given.
    pub ratings: u64,
}

/// How the scope compares with its parent and the parent's other children.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comparison {
    /// The parent scope's headline (`null` for a district).
    pub parent: Option<Headline>,
    /// Each sibling's headline (the scope itself excluded).
    pub siblings: Vec<Headline>,
    /// Mean of every child of the parent, the scope included, per figure
    /// (children without the figure are left out of its mean).
    pub peers_mean: HeadlineMean,
}

/// Means of the headline figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeadlineMean {
    /// Scopes averaged.
    pub scopes: u64,
    /// Mean resolution %.
    pub resolution_percent: Option<f64>,
    /// Mean satisfaction %.
    pub satisfaction_percent: Option<f64>,
    /// Mean participation %.
    pub participation_percent: Option<f64>,
    /// Mean funds pledged, fen.
    pub funds_pledged_fen: Option<i64>,
}

/// Every indicator of one scope and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorsView {
    /// The scope.
    pub scope: ScopeRef,
    /// The period.
    pub period: PeriodView,
    /// When these figures were computed (UTC ms); writes after it show at
    /// the next snapshot.
    pub computed_at: Millis,
    /// Households recorded in the scope.
    pub households: Option<u64>,
    /// The headline tiles.
    pub headline: Headline,
    /// Participation.
    pub participation: Participation,
    /// Proposals.
    pub proposals: ProposalFigures,
    /// Delivery and satisfaction.
    pub delivery: Delivery,
    /// Co-funding.
    pub funding: Funding,
    /// Conventions in the scope.
    pub conventions: Vec<ConventionFigures>,
    /// Month by month.
    pub monthly: Vec<MonthPoint>,
    /// Against the parent and siblings.
    pub compare: Comparison,
}

/// One indicator with its definition and its month-by-month series
/// (`GET /api/v1/indicators/{key}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorDetail {
    /// Key, e.g. `resolution_percent`.
    pub key: String,
    /// `percent`, `count`, `fen` or `days`.
    pub unit: String,
    /// Definition in English.
    pub definition_en: String,
    /// Definition in Chinese.
    pub definition_zh: String,
    /// The scope.
    pub scope: ScopeRef,
    /// The period.
    pub period: PeriodView,
    /// Value over the whole period (`null` where undefined).
    pub value: Option<f64>,
    /// When the value was computed.
    pub computed_at: Millis,
    /// The value of each month of the period on its own.
    pub series: Vec<SeriesPoint>,
}

/// One month of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeriesPoint {
    /// `2026-05`.
    pub month: String,
    /// The indicator over that month alone.
    pub value: Option<f64>,
}
