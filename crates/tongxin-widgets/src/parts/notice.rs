//! Status notices (info, success, error with an optional retry button) and
//! the loading skeleton.

use leptos::prelude::*;

/// What a notice is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Neutral information.
    Info,
    /// Something worked.
    Success,
    /// Something failed.
    Error,
}

/// A message box; errors are announced to screen readers (`role="alert"`).
#[component]
pub fn Notice(
    /// Kind.
    kind: NoticeKind,
    /// Text.
    #[prop(into)]
    text: String,
    /// A retry action and its label.
    #[prop(optional)]
    retry: Option<(String, Callback<()>)>,
    /// An id, for notices that take the focus after the resident's own
    /// action (with [`super::focus_soon`]); such a notice is focusable.
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    let (class, role) = match kind {
        NoticeKind::Info => ("tx-notice tx-info", "status"),
        NoticeKind::Success => ("tx-notice tx-success", "status"),
        NoticeKind::Error => ("tx-notice tx-error", "alert"),
    };
    view! {
        <div class=class role=role id=id tabindex=id.map(|_| "-1")>
            <span>{text}</span>
            {retry.map(|(label, cb)| view! {
                <button type="button" class="tx-button tx-secondary" on:click=move |_| cb.run(())>{label}</button>
            })}
        </div>
    }
}

/// The card of a widget whose item could not be loaded: `what` ("投票加载失败。")
/// with the reason (`fallback` for a problem without a text of its own, as
/// in `error_text`) and a retry.
pub fn load_failed_card(
    what: String,
    e: &tongxin_client::ClientError,
    fallback: &str,
    i: &crate::i18n::I18n,
    retry: Callback<()>,
) -> AnyView {
    let text = format!("{what} {}", crate::errors::error_text(e, i, fallback));
    let retry = (i.t("retry"), retry);
    view! { <div class="tx-card"><Notice kind=NoticeKind::Error text=text retry=retry /></div> }
        .into_any()
}

/// The card of a widget still loading its item.
pub fn loading_card(i: &crate::i18n::I18n) -> AnyView {
    view! { <div class="tx-card"><Skeleton label=i.t("loading") /></div> }.into_any()
}

/// Grey blocks in the shape of a poll while it loads.
#[component]
pub fn Skeleton(
    /// Text for screen readers ("Loading…").
    #[prop(into)]
    label: String,
) -> impl IntoView {
    view! {
        <div class="tx-skeleton" role="status" aria-busy="true">
            <span class="tx-sr-only">{label}</span>
            <div class="tx-skel tx-skel-title"></div>
            <div class="tx-skel"></div>
            <div class="tx-skel"></div>
            <div class="tx-skel tx-skel-short"></div>
        </div>
    }
}
