//! Identity kept on the resident's device: a random device token in
//! `localStorage` and idempotency keys for writes.

use wasm_bindgen::JsValue;

const DEVICE_KEY: &str = "tongxin:device";

/// Random URL-safe text of `bytes` random bytes (hex).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut buf).is_ok())
        .unwrap_or(false);
    if !filled {
        // No Web Crypto (very old browsers): fall back to Math.random.
        for b in buf.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The device token, created on first use and kept in `localStorage`. When
/// storage is unavailable (private mode), a token for this page view is used.
pub fn device_token() -> String {
    thread_local! {
        static FALLBACK: String = format!("tx-{}", random_token(16));
    }
    if let Some(s) = storage() {
        if let Ok(Some(t)) = s.get_item(DEVICE_KEY)
            && t.len() >= 16
        {
            return t;
        }
        let t = format!("tx-{}", random_token(16));
        if s.set_item(DEVICE_KEY, &t).is_ok() {
            return t;
        }
    }
    FALLBACK.with(|f| f.clone())
}

/// Reads a small JSON value kept for a widget on this device.
pub fn load(key: &str) -> Option<String> {
    storage()?
        .get_item(&format!("tongxin:{key}"))
        .ok()
        .flatten()
}

/// Keeps a small value for a widget on this device.
pub fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&format!("tongxin:{key}"), value);
    }
}

/// The idempotency key of one user action: created when the resident acts,
/// reused for every retry of that action, dropped once it succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdemKey(pub String);

impl IdemKey {
    /// A fresh key.
    pub fn new() -> Self {
        IdemKey(random_token(16))
    }
}

impl Default for IdemKey {
    fn default() -> Self {
        Self::new()
    }
}

impl From<IdemKey> for JsValue {
    fn from(k: IdemKey) -> JsValue {
        JsValue::from_str(&k.0)
    }
}
