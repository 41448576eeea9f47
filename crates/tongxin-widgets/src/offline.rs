//! Keeps a widget's offline writes moving: when a write was kept in the
//! client's outbox for lack of network, this sends it again on reconnect
//! (`online`), when the page is shown again (`visibilitychange`), on a
//! growing timer (5 s up to 5 min) and before the widget
//! loads, and tells the widget when it went through or was refused.

use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::{Backend, ClientError, outbox};

use crate::errors::error_text;
use crate::i18n::I18n;
use crate::parts::{Notice, NoticeKind};

/// The offline state of one widget's writes (those under one path prefix).
#[derive(Clone, Copy)]
pub struct Offline {
    backend: StoredValue<Rc<dyn Backend>, LocalStorage>,
    prefix: StoredValue<String>,
    /// A write is waiting on this device.
    pub queued: RwSignal<bool>,
    /// Bumped once a kept write was delivered or refused: reload then.
    pub reloads: RwSignal<u32>,
    /// Why a kept write was refused on delivery (e.g. the poll closed meanwhile).
    pub refused: RwSignal<Option<ClientError>>,
}

impl Offline {
    /// Watches the writes under `prefix` (e.g. `/polls/3/`) and sends them
    /// when the device is back online, until the widget goes away.
    pub fn new(backend: StoredValue<Rc<dyn Backend>, LocalStorage>, prefix: String) -> Self {
        let queued = backend
            .try_with_value(|b| b.has_pending(&prefix))
            .unwrap_or(false);
        let o = Offline {
            backend,
            prefix: StoredValue::new(prefix),
            queued: RwSignal::new(queued),
            reloads: RwSignal::new(0),
            refused: RwSignal::new(None),
        };
        let online = window_event_listener(leptos::ev::online, move |_| o.retry(0));
        // A phone that wakes the page again has often found a network.
        let visible = window_event_listener(leptos::ev::visibilitychange, move |_| {
            let shown = !document().hidden();
            if shown && o.queued.get_untracked() {
                o.retry(0);
            }
        });
        on_cleanup(move || {
            online.remove();
            visible.remove();
        });
        o
    }

    /// Sends what is kept now, once; updates `queued` and `refused`.
    /// Returns whether anything was delivered or refused.
    pub async fn send_now(self) -> bool {
        let (Some(b), Some(prefix)) = (self.backend.try_get_value(), self.prefix.try_get_value())
        else {
            return false;
        };
        if !b.has_pending(&prefix) {
            return false;
        }
        let (delivered, refused) = b.flush_outbox(&prefix).await;
        self.queued.try_set(b.has_pending(&prefix));
        if let Some(e) = refused.into_iter().next() {
            self.refused.try_set(Some(e));
            return true;
        }
        delivered > 0
    }

    /// Runs `reload` whenever a kept write went through or was refused.
    pub fn reload_with(self, reload: impl Fn() + 'static) {
        Effect::new(move |first: Option<()>| {
            self.reloads.track();
            if first.is_some() {
                reload();
            }
        });
    }

    /// Before a load: sends what an earlier visit left behind, so the load
    /// shows it counted; while the network is still missing, keeps trying on
    /// the backoff timer.
    pub async fn settle(self) {
        self.send_now().await;
        if self.queued.try_get_untracked() == Some(true) {
            self.retry_after(0);
        }
    }

    /// A write was just kept: show it and start retrying.
    pub fn kept(self) {
        self.queued.set(true);
        self.refused.set(None);
        self.retry(0);
    }

    /// Tries now; while the network is still missing, again after
    /// [`outbox::backoff_secs`]; once through, asks the widget to reload.
    pub fn retry(self, attempt: u32) {
        spawn_local(async move {
            let changed = self.send_now().await;
            if self.queued.try_get_untracked() == Some(true) {
                self.retry_after(attempt);
            } else if changed {
                self.reloads.try_update(|n| *n += 1);
            }
        });
    }

    /// Tries again after the backoff for `attempt` failed attempts.
    fn retry_after(self, attempt: u32) {
        set_timeout(
            move || self.retry(attempt + 1),
            Duration::from_secs(outbox::backoff_secs(attempt).into()),
        );
    }
}

/// "Saved on this phone" while a write waits, and the refusal if one was
/// refused on delivery.
#[component]
pub fn OfflineNotices(
    /// The widget's offline state.
    offline: Offline,
    /// Strings.
    i18n: I18n,
) -> impl IntoView {
    let waiting = i18n.t("queued_offline");
    move || {
        let kept = offline
            .queued
            .get()
            .then(|| view! { <Notice kind=NoticeKind::Info text=waiting.clone() /> });
        let refused = offline.refused.get().map(|e| {
            let text = i18n.x("outbox_refused", error_text(&e, &i18n, "action_failed"));
            view! { <Notice kind=NoticeKind::Error text=text /> }
        });
        (kept, refused)
    }
}
