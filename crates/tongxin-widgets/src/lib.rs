//! Tongxin's Leptos components (client-side rendering).
//!
//! * [`poll::PollWidget`] — the poll widget for all six kinds;
//! * [`parts`] — parts every widget shares (result bars, notices, skeleton);
//! * [`i18n`] — the zh-CN / en message catalogue with host overrides;
//! * [`events`] — what a widget tells its host page;
//! * [`STYLES`] — the theme CSS, shipped as `tongxin.css` in the bundle.

pub mod events;
pub mod i18n;
pub mod parts;
pub mod poll;

/// The widgets' stylesheet (theme through `--tongxin-*` custom properties).
pub const STYLES: &str = include_str!("../styles/tongxin.css");
