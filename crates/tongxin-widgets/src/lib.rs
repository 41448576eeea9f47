//! Tongxin's Leptos components (client-side rendering).
//!
//! * [`poll::PollWidget`] — the poll widget for all six kinds;
//! * [`convention::ConventionWidget`] — read and sign a neighbourhood convention;
//! * [`proposal::ProposalBoard`], [`proposal::ProposalWidget`] — residents'
//!   project proposals through the five steps, with co-funding;
//! * [`budget::BudgetWidget`] — residents divide the community's fund among
//!   projects in a budget round;
//! * [`indicators::IndicatorsWidget`] — governance indicators of a scope;
//! * [`action`] — one resident action in flight (key, busy, error);
//! * [`env`] — what every part of a widget needs (backend, strings, events, offline writes, household code);
//! * [`offline`] — sends the writes kept offline when the network is back;
//! * [`parts`] — parts every widget shares (result bars, progress bar, form fields, notices, skeleton);
//! * [`i18n`] — the zh-CN / en message catalogue with host overrides;
//! * [`events`] — what a widget tells its host page;
//! * [`errors`] — problem codes as the resident reads them;
//! * [`STYLES`] — the theme CSS, shipped as `tongxin.css` in the bundle.

pub mod action;
#[cfg(feature = "budget")]
pub mod budget;
pub mod convention;
pub mod env;
pub mod errors;
pub mod events;
pub mod i18n;
pub mod indicators;
pub mod live;
pub mod offline;
pub mod parts;
pub mod poll;
pub mod proposal;

/// The widgets' stylesheet (theme through `--tongxin-*` custom properties).
pub const STYLES: &str = include_str!("../styles/tongxin.css");
