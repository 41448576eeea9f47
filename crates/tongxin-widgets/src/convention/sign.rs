//! Signing and withdrawing: the form is checked before anything is sent,
//! the count moves at once (optimistic), the receipt is kept on the device,
//! and the server's refusals land where the resident can act on them (the
//! code field, a field error, a newer version to read first).

use leptos::prelude::*;
use leptos::task::spawn_local;
use tongxin_client::ClientError;
use tongxin_core::text::FieldErrors;

use super::draft::SignDraft;
use super::state::{ConventionState, keep_receipt, load, load_mine, load_page, refresh_counts};
use crate::action::ActionState;
use crate::env::Env;
use crate::events::WidgetEvent;
use crate::parts::{focus_soon, focused_root};

/// The signing form's state.
#[derive(Clone, Copy)]
pub struct SignFormState {
    /// What the resident typed.
    pub draft: RwSignal<SignDraft>,
    /// Field errors, local or the server's.
    pub errors: RwSignal<FieldErrors>,
    /// Signing a newer version over an older signature.
    pub resign: RwSignal<bool>,
}

/// A fresh, empty form.
pub fn use_sign_form() -> SignFormState {
    SignFormState {
        draft: RwSignal::new(SignDraft::default()),
        errors: RwSignal::new(FieldErrors::new()),
        resign: RwSignal::new(false),
    }
}

/// Reloads what a signature changes.
fn after_change(env: Env, s: ConventionState) {
    refresh_counts(env, s);
    load_page(env, s, true);
}

/// Signs the current version with what the form holds.
pub fn sign(env: Env, s: ConventionState, f: SignFormState, action: ActionState) {
    let Some(c) = s.conv.get_untracked() else {
        return;
    };
    let (id, eligibility) = (s.id, c.convention.eligibility);
    let input = f.draft.with_untracked(|d| d.to_input(c.convention.version));
    let mut errors = input.as_ref().err().cloned().unwrap_or_default();
    if env.code_missing(eligibility) {
        errors.add("code", "required");
    }
    f.errors.set(errors.clone());
    let input = match input {
        Ok(input) if errors.is_empty() => input,
        _ => return action.refuse(env.t("check_fields")),
    };
    // The focus goes to the receipt once signed (the form is gone).
    let root = focused_root();
    let key = action.start();
    s.extra.set(1);
    spawn_local(async move {
        let Some(b) = env.backend() else { return };
        env.with_code(&b);
        let result = b.sign(id, &input, &key).await;
        action.finish(&result, &env.i18n(), "sign_failed", env.offline);
        match result {
            Ok(r) => {
                env.forget_code(&b, eligibility);
                keep_receipt(&r);
                env.fire(WidgetEvent::signed(id, r.version, r.id));
                s.mine.set(Some(r));
                f.resign.set(false);
                if let Some(root) = root {
                    focus_soon(root, "tx-signed".into());
                }
                after_change(env, s);
            }
            // Kept on the device; the form keeps what was typed.
            Err(ClientError::Queued) => s.extra.set(0),
            Err(e) => {
                s.extra.set(0);
                match e.code() {
                    Some("already-signed") => load_mine(env, s, eligibility),
                    Some("stale-version") => {
                        f.draft.update(|d| d.agreed = false);
                        load(env, s);
                    }
                    Some("invalid-code" | "code-required") => {
                        f.errors.update(|fe| fe.add("code", "invalid"));
                    }
                    _ => {}
                }
                if let Some(fe) = ActionState::field_errors(&e) {
                    f.errors.set(fe);
                }
                env.fire(WidgetEvent::error(id, &e));
            }
        }
    });
}

/// Withdraws the resident's signature.
pub fn withdraw(env: Env, s: ConventionState, action: ActionState) {
    let id = s.id;
    let root = focused_root();
    let key = action.start();
    spawn_local(async move {
        let Some(b) = env.backend() else { return };
        let result = b.withdraw(id, &key).await;
        action.finish(&result, &env.i18n(), "sign_failed", env.offline);
        match result {
            Ok(r) => {
                keep_receipt(&r);
                env.fire(WidgetEvent::withdrawn(id, r.id));
                s.mine.set(Some(r));
                if let Some(root) = root {
                    focus_soon(root, "tx-withdrawn".into());
                }
                after_change(env, s);
            }
            Err(ClientError::Queued) => {}
            Err(e) => env.fire(WidgetEvent::error(id, &e)),
        }
    });
}
