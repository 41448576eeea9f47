//! The top of the poll card: title, status badge, live count of
//! participants, opening or closing time and description.

use leptos::prelude::*;
use tongxin_core::poll::{Poll, PollStatus};

use super::state::PollState;
use super::status::status_meta;
use crate::i18n::I18n;
use crate::parts::Text;

/// The header of `poll` in `status`, its count read from `state`.
/// (Plain functions, not components, for the parts of the poll card: each
/// component costs the bundle a props builder.)
pub fn poll_header(poll: &Poll, status: PollStatus, state: PollState, i: &I18n) -> AnyView {
    let count = {
        let i = i.clone();
        move || i.n("participants", state.ballots())
    };
    let description = (!poll.description.is_empty()).then(|| {
        view! { <p class="tx-description"><Text text=poll.description.clone() lang=i.lang() /></p> }
    });
    view! {
        <header class="tx-header">
            <h2 class="tx-title"><Text text=poll.title.clone() lang=i.lang() /></h2>
            {status_meta(status, (poll.opens_at, poll.closes_at), count, i)}
        </header>
        {description}
    }
    .into_any()
}
