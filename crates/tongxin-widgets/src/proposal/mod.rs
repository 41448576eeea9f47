//! "Residents order the dish" (百姓点菜): the proposal board and a single
//! proposal. Residents propose small projects, support them, take them
//! through 提议→合议→群议→决议→评议, fund them together with a public
//! ledger, and rate the result.

pub mod board;
pub mod card;
pub mod comments;
pub mod detail;
pub mod evaluate;
pub mod funding;
pub mod steps;
pub mod submit;

use std::rc::Rc;

use leptos::prelude::*;
use tongxin_client::Backend;
use tongxin_core::Id;

pub use board::ProposalBoard;
pub use detail::ProposalDetailView;

use crate::env::Env;
use crate::events::Emit;
use crate::i18n::I18n;

/// One proposal embedded on its own (`data-tongxin="proposal"`).
#[component]
pub fn ProposalWidget(
    /// Proposal id.
    proposal_id: Id,
    /// Where it lives.
    backend: Rc<dyn Backend>,
    /// Strings in the resident's language.
    i18n: I18n,
    /// Receives the widget's events for the host page.
    #[prop(optional)]
    emit: Option<Emit>,
) -> impl IntoView {
    let env = Env::new(backend, i18n, emit, "/proposals/".into());
    view! { <ProposalDetailView proposal_id=proposal_id env=env /> }
}
