//! Where the console is: a route read from the address's `#fragment`
//! (`#/polls/7`), so every page has an address a clerk can bookmark or
//! send, the back button works, and the server serves one page.

use leptos::prelude::*;
use tongxin_core::Id;
use tongxin_core::staff::codes::CodeTarget;

/// A page of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Polls of the scopes the staff member runs.
    Polls,
    /// A new poll.
    NewPoll,
    /// One poll: results, participation by unit, snippet, close early.
    Poll(Id),
    /// Budget rounds of the scopes the staff member runs or follows.
    Budgets,
    /// A new budget round.
    NewBudget,
    /// One budget round: turnout, results, close, confirm, exports.
    Budget(Id),
    /// The proposal queue, by step.
    Proposals,
    /// One proposal: move it, its ledger.
    Proposal(Id),
    /// Conventions of the scopes the staff member runs or follows.
    Conventions,
    /// A new convention.
    NewConvention,
    /// One convention: edit, signatures by unit, snippet.
    Convention(Id),
    /// An item's household codes: issue, print, counts, revoke.
    Codes(CodeTarget, Id),
    /// Keying an item's paper and door-to-door slips.
    Paper(CodeTarget, Id),
    /// Reported comments to hide or restore.
    Moderation,
    /// The scope tree with households.
    Scopes,
    /// Staff accounts (administrators).
    Accounts,
    /// The audit log.
    Audit,
    /// Webhooks: the host site's endpoints and their delivery logs.
    Webhooks,
}

impl Route {
    /// Reads a fragment such as `#/polls/7`; anything unknown is the poll list.
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_matches('/');
        let parts: Vec<&str> = path.split('/').collect();
        let id = |s: &str| Id::parse(s).ok();
        match parts.as_slice() {
            ["polls", "new"] => Route::NewPoll,
            ["polls", n] => id(n).map_or(Route::Polls, Route::Poll),
            ["conventions"] => Route::Conventions,
            ["conventions", "new"] => Route::NewConvention,
            ["conventions", n] => id(n).map_or(Route::Conventions, Route::Convention),
            ["budgets"] => Route::Budgets,
            ["budgets", "new"] => Route::NewBudget,
            ["budgets", n] => id(n).map_or(Route::Budgets, Route::Budget),
            ["proposals"] => Route::Proposals,
            ["proposals", n] => id(n).map_or(Route::Proposals, Route::Proposal),
            ["codes", t, n] => match (CodeTarget::parse(t), id(n)) {
                (Some(t), Some(n)) => Route::Codes(t, n),
                _ => Route::Polls,
            },
            ["paper", t, n] => match (CodeTarget::parse(t), id(n)) {
                (Some(t), Some(n)) => Route::Paper(t, n),
                _ => Route::Polls,
            },
            ["moderation"] => Route::Moderation,
            ["scopes"] => Route::Scopes,
            ["accounts"] => Route::Accounts,
            ["audit"] => Route::Audit,
            ["webhooks"] => Route::Webhooks,
            _ => Route::Polls,
        }
    }

    /// The fragment of this page, for links.
    pub fn href(self) -> String {
        match self {
            Route::Polls => "#/polls".into(),
            Route::NewPoll => "#/polls/new".into(),
            Route::Poll(id) => format!("#/polls/{id}"),
            Route::Conventions => "#/conventions".into(),
            Route::NewConvention => "#/conventions/new".into(),
            Route::Convention(id) => format!("#/conventions/{id}"),
            Route::Budgets => "#/budgets".into(),
            Route::NewBudget => "#/budgets/new".into(),
            Route::Budget(id) => format!("#/budgets/{id}"),
            Route::Proposals => "#/proposals".into(),
            Route::Proposal(id) => format!("#/proposals/{id}"),
            Route::Codes(t, id) => format!("#/codes/{}/{id}", t.as_str()),
            Route::Paper(t, id) => format!("#/paper/{}/{id}", t.as_str()),
            Route::Moderation => "#/moderation".into(),
            Route::Scopes => "#/scopes".into(),
            Route::Accounts => "#/accounts".into(),
            Route::Audit => "#/audit".into(),
            Route::Webhooks => "#/webhooks".into(),
        }
    }
}

fn current_hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// The current route, kept in step with the address.
pub fn use_route() -> ReadSignal<Route> {
    let (route, set_route) = signal(Route::parse(&current_hash()));
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        set_route.set(Route::parse(&current_hash()));
    });
    on_cleanup(move || handle.remove());
    route
}

/// Goes to `route` (as a link would).
pub fn go(route: Route) {
    let _ = window().location().set_hash(&route.href());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_reads_back_from_its_link() {
        let id = Id::int(7);
        for r in [
            Route::Polls,
            Route::NewPoll,
            Route::Poll(id),
            Route::Conventions,
            Route::NewConvention,
            Route::Convention(id),
            Route::Proposals,
            Route::Proposal(id),
            Route::Budgets,
            Route::NewBudget,
            Route::Budget(id),
            Route::Codes(CodeTarget::Convention, id),
            Route::Codes(CodeTarget::Budget, id),
            Route::Paper(CodeTarget::Poll, id),
            Route::Paper(CodeTarget::Proposal, id),
            Route::Moderation,
            Route::Scopes,
            Route::Accounts,
            Route::Audit,
            Route::Webhooks,
        ] {
            assert_eq!(Route::parse(&r.href()), r, "{}", r.href());
        }
    }

    #[test]
    fn unknown_fragments_show_the_poll_list() {
        for h in [
            "",
            "#",
            "#/nothing",
            "#/codes/ballot/3",
            "#/polls/a b",
            "#/codes/poll",
        ] {
            assert_eq!(Route::parse(h), Route::Polls, "{h}");
        }
    }
}
