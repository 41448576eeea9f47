//! The convention as the widget knows it — its text, the count toward the
//! goal, the public list of signatories, the resident's own signature —
//! and loading them ([`use_convention`], a hook that returns a `Copy`
//! struct of signals). The count follows the item's live stream.

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::{ClientError, device};
use tongxin_core::Id;
use tongxin_core::contract::live::Topic;
use tongxin_core::contract::{ConventionView, SignatureCounts, SignatureReceipt};
use tongxin_core::convention::PublicSignature;
use tongxin_core::eligibility::Eligibility;
use tongxin_core::scope::Scope;

use crate::env::Env;
use crate::events::WidgetEvent;
use crate::live::use_live;

/// Signatures fetched per page of the public list.
const PAGE: u32 = 20;

/// What the convention widget shows, as signals.
#[derive(Clone, Copy)]
pub struct ConventionState {
    /// The convention's id.
    pub id: Id,
    /// The convention and whether it is open, once loaded.
    pub conv: RwSignal<Option<ConventionView>>,
    /// The scope tree (for the unit picker and the chart by unit).
    pub scopes: RwSignal<Vec<Scope>>,
    /// The live count, in total and by unit.
    pub counts: RwSignal<Option<SignatureCounts>>,
    /// The resident's newest signature (from the server, or this device).
    pub mine: RwSignal<Option<SignatureReceipt>>,
    /// The public list so far (names masked).
    pub list: RwSignal<Vec<PublicSignature>>,
    /// Where the next page of the list starts.
    pub cursor: RwSignal<Option<String>>,
    /// A page of the list is on its way.
    pub list_loading: RwSignal<bool>,
    /// Why the convention could not be loaded.
    pub load_error: RwSignal<Option<ClientError>>,
    /// Signatures counted here before the server confirmed them.
    pub extra: RwSignal<u64>,
}

fn receipt_key(id: Id) -> String {
    format!("receipt:convention:{id}")
}

/// The receipt kept on this device, if any.
fn local_receipt(id: Id) -> Option<SignatureReceipt> {
    serde_json::from_str(&device::load(&receipt_key(id))?).ok()
}

/// Keeps a receipt on this device (a resident without an account finds
/// their signature again).
pub fn keep_receipt(r: &SignatureReceipt) {
    if let Ok(json) = serde_json::to_string(r) {
        device::save(&receipt_key(r.convention_id), &json);
    }
}

/// Loads the convention `id` now, again when a signature kept offline went
/// through or was refused; its count then follows the live stream, or is
/// read every `refresh_secs` while the page is visible where the backend
/// has none ([`use_live`]).
pub fn use_convention(env: Env, id: Id, refresh_secs: u32) -> ConventionState {
    let s = ConventionState {
        id,
        conv: RwSignal::new(None),
        scopes: RwSignal::new(Vec::new()),
        counts: RwSignal::new(None),
        mine: RwSignal::new(None),
        list: RwSignal::new(Vec::new()),
        cursor: RwSignal::new(None),
        list_loading: RwSignal::new(false),
        load_error: RwSignal::new(None),
        extra: RwSignal::new(0),
    };
    load(env, s);
    env.offline.reload_with(move || load(env, s));
    use_live(
        env,
        Topic::Convention(id),
        refresh_secs,
        Box::new(move |news: Option<String>| {
            match news.and_then(|n| serde_json::from_str::<SignatureCounts>(&n).ok()) {
                Some(c) => {
                    s.counts.set(Some(c));
                    s.extra.set(0);
                }
                None if s.conv.with_untracked(Option::is_some) => refresh_counts(env, s),
                None => {}
            }
        }),
    );
    s
}

/// Loads (again) the scopes, the count, the first page of signatories and
/// the convention with the resident's signature.
pub fn load(env: Env, s: ConventionState) {
    s.load_error.set(None);
    spawn_local(async move {
        let Some(b) = env.backend() else { return };
        env.with_code(&b);
        match b.scopes().await {
            Ok(list) => s.scopes.set(list),
            Err(e) => s.load_error.set(Some(e)),
        }
    });
    refresh_counts(env, s);
    load_page(env, s, true);
    spawn_local(async move {
        let Some(b) = env.backend() else { return };
        // A signature kept offline goes out before the convention is shown.
        env.offline.settle().await;
        match b.convention(s.id).await {
            Ok(c) => {
                load_mine(env, s, c.convention.eligibility);
                s.conv.set(Some(c));
                env.fire(WidgetEvent::ready(s.id));
            }
            Err(e) => {
                env.fire(WidgetEvent::error(s.id, &e));
                s.load_error.set(Some(e));
            }
        }
    });
}

/// Reads the count again.
pub fn refresh_counts(env: Env, s: ConventionState) {
    spawn_local(async move {
        let Some(b) = env.backend() else { return };
        if let Ok(c) = b.signature_counts(s.id).await {
            s.counts.set(Some(c));
            s.extra.set(0);
        }
    });
}

/// Loads the first page of signatories (`first`) or the next one.
pub fn load_page(env: Env, s: ConventionState, first: bool) {
    s.list_loading.set(true);
    spawn_local(async move {
        let after = if first {
            None
        } else {
            s.cursor.get_untracked()
        };
        let Some(b) = env.backend() else { return };
        if let Ok(page) = b.signatures(s.id, after, PAGE).await {
            s.cursor.set(page.next_cursor);
            if first {
                s.list.set(page.items);
            } else {
                s.list.update(|l| l.extend(page.items));
            }
        }
        s.list_loading.set(false);
    });
}

/// Finds the resident's signature: asks the server unless the convention
/// needs a household code none was typed for; else the receipt kept here.
pub fn load_mine(env: Env, s: ConventionState, eligibility: Eligibility) {
    spawn_local(async move {
        let code_unknown = eligibility == Eligibility::Code && env.code.get_untracked().is_empty();
        let server = if code_unknown {
            None
        } else {
            let Some(b) = env.backend() else { return };
            b.my_signatures(s.id).await.ok()
        };
        s.mine.set(match server {
            Some(list) => list.into_iter().next(),
            None => local_receipt(s.id),
        });
    });
}
