//! The convention's text: title, version and date, preamble and numbered
//! articles. On a phone the articles start folded to two lines each with a
//! button for the full text, so the count and the signing form are not
//! buried under a long convention.

use leptos::prelude::*;
use tongxin_core::convention::Convention;

use crate::i18n::I18n;
use crate::parts::Text;

/// Screens narrower than this start with the articles folded.
const FOLD_BELOW_PX: f64 = 600.0;

fn narrow_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < FOLD_BELOW_PX)
}

/// Title, version, preamble and articles.
#[component]
pub fn ConventionText(
    /// The convention.
    convention: Convention,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let folded = RwSignal::new(narrow_screen() && convention.articles.len() > 2);
    let n = convention.articles.len();
    let (expand, collapse) = (i18n.n("show_full_text", n), i18n.t("collapse_text"));
    let articles = convention
        .articles
        .iter()
        .map(|a| {
            let number = i18n.n("article_n", a.number);
            view! {
                <li class="tx-article">
                    <span class="tx-article-no">{number}</span>
                    " "
                    <span class="tx-article-text"><Text text=a.text.clone() lang=i18n.lang() /></span>
                </li>
            }
        })
        .collect_view();
    view! {
        <header class="tx-header">
            <h2 class="tx-title"><Text text=convention.title.clone() lang=i18n.lang() /></h2>
            <p class="tx-meta">{i18n.nx("conv_version", convention.version, i18n.date(convention.version_at))}</p>
        </header>
        {(!convention.preamble.is_empty()).then(|| view! { <p class="tx-description"><Text text=convention.preamble.clone() lang=i18n.lang() /></p> })}
        <ol class="tx-articles" class:tx-folded=move || folded.get() id="tx-articles">
            {articles}
        </ol>
        {(n > 2).then(|| view! {
            <button
                type="button"
                class="tx-link-button"
                aria-controls="tx-articles"
                aria-expanded=move || (!folded.get()).to_string()
                on:click=move |_| folded.update(|f| *f = !*f)
            >
                {move || if folded.get() { expand.clone() } else { collapse.clone() }}
            </button>
        })}
    }
}
