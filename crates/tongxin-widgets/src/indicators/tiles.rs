//! The four headline tiles — resolution, satisfaction, participation,
//! funds pledged — each with what it is made of and the same figure for
//! the parent scope and, where it has several children, their average.

use leptos::prelude::*;
use tongxin_core::indicators::IndicatorsView;
use tongxin_core::indicators::view::Headline;

use super::format::{name, pct, yuan};
use crate::i18n::I18n;

struct Tile {
    label: String,
    value: String,
    hint: String,
    parent: Option<String>,
    peers: Option<String>,
}

/// The headline tiles of `v`.
#[component]
pub fn Tiles(
    /// The indicators.
    v: IndicatorsView,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let i = &i18n;
    let lang = i.lang();
    let parent = v.compare.parent.as_ref();
    let mean = &v.compare.peers_mean;
    let parent_name = parent.map(|p| name(&p.scope, lang));
    let compare = |of: &dyn Fn(&Headline) -> String, mean: String| {
        (
            parent.map(|p| format!("{}: {}", name(&p.scope, lang), of(p))),
            (!mean.is_empty() && v.compare.peers_mean.scopes > 1).then(|| {
                i.nx(
                    "ind_peer_mean",
                    mean,
                    parent_name.clone().unwrap_or_default(),
                )
            }),
        )
    };
    let d = &v.delivery;
    let p = &v.participation;
    let tiles = [
        {
            let (parent, peers) = compare(
                &|h| pct(h.resolution_percent, i),
                pct(mean.resolution_percent, i),
            );
            Tile {
                label: i.t("ind_resolution"),
                value: pct(d.resolution_percent, i),
                hint: i.nx("ind_resolution_hint", d.adopted, d.delivered),
                parent,
                peers,
            }
        },
        {
            let (parent, peers) = compare(
                &|h| pct(h.satisfaction_percent, i),
                pct(mean.satisfaction_percent, i),
            );
            Tile {
                label: i.t("ind_satisfaction"),
                value: pct(d.ratings.satisfaction_percent, i),
                hint: i.n("ind_satisfaction_hint", d.ratings.count),
                parent,
                peers,
            }
        },
        {
            let (parent, peers) = compare(
                &|h| pct(h.participation_percent, i),
                pct(mean.participation_percent, i),
            );
            Tile {
                label: i.t("ind_participation"),
                value: pct(p.percent, i),
                hint: i.nx(
                    "ind_participation_hint",
                    p.participations,
                    p.households_invited,
                ),
                parent,
                peers,
            }
        },
        {
            let (parent, peers) = compare(
                &|h| yuan(h.funds_pledged_fen),
                mean.funds_pledged_fen.map(yuan).unwrap_or_default(),
            );
            Tile {
                label: i.t("ind_funds"),
                value: yuan(v.headline.funds_pledged_fen),
                hint: i.x("ind_funds_hint", yuan(v.funding.pledged_residents_fen)),
                parent,
                peers,
            }
        },
    ];
    view! {
        <ul class="tx-tiles">
            {tiles
                .into_iter()
                .map(|t| view! {
                    <li class="tx-tile">
                        <span class="tx-tile-label">{t.label}</span>
                        <span class="tx-tile-value">{t.value}</span>
                        <span class="tx-hint">{t.hint}</span>
                        {t.parent.map(|x| view! { <span class="tx-hint tx-tile-compare">{x}</span> })}
                        {t.peers.map(|x| view! { <span class="tx-hint tx-tile-compare">{x}</span> })}
                    </li>
                })
                .collect_view()}
        </ul>
    }
}
