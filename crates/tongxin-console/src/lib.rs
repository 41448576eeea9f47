//! The Tongxin staff console, served at `/console/` by the reference
//! server: street-office and community staff run polls, proposals and
//! household codes here; building heads follow their buildings'
//! participation and hand out codes. It is its own bundle
//! (`console.<hash>.wasm`), never loaded by residents' pages.
//!
//! One page, routed by the address's fragment ([`route`]); every call
//! goes to the server's staff API with the session cookie ([`api`]).

// Leptos' `#[component]` gives every component a `pub` props struct,
// whatever the function's own visibility: the console's components live in
// private modules, so `unreachable_pub` would flag each of them.
#![allow(unreachable_pub)]

mod accounts;
pub mod api;
mod app;
mod audit;
mod budgets;
mod codes;
mod conventions;
mod moderation;
mod paper;
mod parts;
mod polls;
mod proposal_settings;
mod proposals;
pub mod route;
mod scope_import;
mod scopes;
mod session;
pub mod snippet;
mod voting_rules;
mod webhooks;

use wasm_bindgen::prelude::*;

/// Starts the console in `<body>` (called by the bundle's start script).
#[wasm_bindgen]
pub fn start_console() {
    leptos::mount::mount_to_body(app::App);
}
