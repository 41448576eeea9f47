//! The governance indicators board (`data-tongxin="indicators"`): how a
//! community decides, measured — resolution, satisfaction, participation
//! and funds as headline tiles compared with the parent scope, then
//! participation by unit, proposals through the five steps, the monthly
//! trend and the neighbours, each chart with its figures as a table. The
//! period can be changed on the board (last twelve months, this year,
//! last year, or what the page asked for).

pub mod charts;
pub mod format;
pub mod table;
pub mod tiles;

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::{Backend, ClientError};
use tongxin_core::Id;
use tongxin_core::indicators::IndicatorsView;

use crate::errors::error_text;
use crate::events::{Emit, WidgetEvent};
use crate::i18n::I18n;
use crate::parts::{Notice, NoticeKind, Skeleton};
use charts::{CompareTable, FunnelChart, TrendChart, UnitChart};
use format::name;
use tiles::Tiles;

/// The periods offered: the page's, the last twelve months, this year and last.
fn choices(asked: &str, i18n: &I18n) -> Vec<(String, String)> {
    let year = js_sys::Date::new_0().get_full_year();
    let mut out = vec![("12m".to_string(), i18n.t("ind_12m"))];
    for y in [year, year - 1] {
        out.push((y.to_string(), i18n.n("ind_year", y)));
    }
    if !out.iter().any(|(k, _)| k == asked) {
        out.insert(0, (asked.to_string(), asked.to_string()));
    }
    out
}

/// The indicators board of one scope.
#[component]
pub fn IndicatorsWidget(
    /// The scope whose indicators are shown (any level of the tree).
    scope_id: Id,
    /// The period shown first: `12m` (the default), `2026`, `2026-Q2`,
    /// `2026-05` or `2026-03-01..2026-06-30`.
    #[prop(optional, into)]
    period: Option<String>,
    /// Where the figures come from.
    backend: Rc<dyn Backend>,
    /// Strings in the resident's language.
    i18n: I18n,
    /// Receives `ready` and `error` events for the host page.
    #[prop(optional)]
    emit: Option<Emit>,
) -> impl IntoView {
    let asked = period
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "12m".into());
    let options = choices(&asked, &i18n);
    let period = RwSignal::new(asked);
    let backend = StoredValue::new_local(backend);
    let emit = StoredValue::new_local(emit);
    let data: RwSignal<Option<IndicatorsView>> = RwSignal::new(None);
    let error: RwSignal<Option<ClientError>> = RwSignal::new(None);
    let fire = move |e: WidgetEvent| {
        emit.try_with_value(|f| {
            if let Some(f) = f {
                f(e);
            }
        })
    };
    let load = move || {
        error.set(None);
        let p = period.get_untracked();
        spawn_local(async move {
            let Some(b) = backend.try_get_value() else {
                return;
            };
            match b.indicators(scope_id, &p).await {
                Ok(v) => {
                    data.set(Some(v));
                    fire(WidgetEvent::ready(scope_id));
                }
                Err(e) => {
                    fire(WidgetEvent::error(scope_id, &e));
                    error.set(Some(e));
                }
            }
        });
    };
    Effect::new(move |_| {
        period.track();
        load();
    });
    let i = StoredValue::new(i18n);
    let t = move |k: &str| i.with_value(|i| i.t(k));
    let title = move || {
        let lang = i.with_value(|i| i.lang());
        data.with(|d| {
            d.as_ref()
                .map(|v| i.with_value(|i| i.x("ind_title", name(&v.scope, lang))))
        })
    };
    let board = move || {
        let i18n = i.get_value();
        if let Some(e) = error.get() {
            let retry = (i18n.t("retry"), Callback::new(move |_| load()));
            return view! { <Notice kind=NoticeKind::Error text=error_text(&e, &i18n, "ind_load_failed") retry=retry /> }.into_any();
        }
        let Some(v) = data.get() else {
            return view! { <Skeleton label=i18n.t("loading") /> }.into_any();
        };
        view! {
            <p class="tx-hint">{i18n.x("ind_computed", i18n.time(v.computed_at))}</p>
            <Tiles v=v.clone() i18n=i18n.clone() />
            <UnitChart v=v.clone() i18n=i18n.clone() />
            <FunnelChart v=v.clone() i18n=i18n.clone() />
            <TrendChart v=v.clone() i18n=i18n.clone() />
            <CompareTable v=v i18n=i18n />
        }
        .into_any()
    };
    view! {
        <section class="tx-card tx-ind" aria-labelledby="tx-ind-title" lang=i.with_value(|i| i.lang().tag())>
            <div class="tx-ind-head">
                <h2 class="tx-title" id="tx-ind-title">{title}</h2>
                <label class="tx-ind-period">
                    <span>{t("ind_period")}</span>
                    <select class="tx-input" on:change=move |ev| period.set(event_target_value(&ev))>
                        {options
                            .into_iter()
                            .map(|(k, label)| {
                                let selected = k == period.get_untracked();
                                view! { <option value=k selected=selected>{label}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
            </div>
            {board}
        </section>
    }
}
