//! Live figures: the Server-Sent Events streams an item's figures arrive
//! on, named once for the server (which publishes them) and the widgets
//! (which subscribe). Every event is the item's whole public state (the
//! same body the matching `GET` answers to a viewer nobody knows), never a
//! ballot, so a reconnecting widget that missed events loses nothing: the
//! first event after a reconnection is the state now.

use crate::Id;

/// What a stream follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// A poll's results and participation (event [`RESULTS`], a `ResultsView`).
    Poll(Id),
    /// A convention's count (event [`COUNT`], a `SignatureCounts`).
    Convention(Id),
    /// A proposal's supports, funding and step (event [`PROPOSAL`], a
    /// `ProposalDetail`).
    Proposal(Id),
    /// Every proposal of the board: each change is one [`PROPOSAL`] event
    /// naming the proposal.
    Board,
}

/// Event name of a poll's stream.
pub const RESULTS: &str = "results";
/// Event name of a convention's stream.
pub const COUNT: &str = "count";
/// Event name of a proposal's and the board's streams.
pub const PROPOSAL: &str = "proposal";

/// Seconds between heartbeats (an SSE comment) on a quiet stream, so
/// proxies that cut idle connections keep it open.
pub const HEARTBEAT_SECS: u64 = 15;
/// How long a browser waits before reconnecting a dropped stream, in ms
/// (the `retry:` field of the first event).
pub const RETRY_MS: u64 = 3_000;

impl Topic {
    /// The event name this topic's stream sends.
    pub fn event(self) -> &'static str {
        match self {
            Topic::Poll(_) => RESULTS,
            Topic::Convention(_) => COUNT,
            Topic::Proposal(_) | Topic::Board => PROPOSAL,
        }
    }

    /// The kind's name (`poll`, `convention`, `proposal`, `board`), as a
    /// mapping's `events` names its stream URLs.
    pub fn kind(self) -> &'static str {
        match self {
            Topic::Poll(_) => "poll",
            Topic::Convention(_) => "convention",
            Topic::Proposal(_) => "proposal",
            Topic::Board => "board",
        }
    }

    /// The item's id (none for the board).
    pub fn id(self) -> Option<Id> {
        match self {
            Topic::Poll(id) | Topic::Convention(id) | Topic::Proposal(id) => Some(id),
            Topic::Board => None,
        }
    }

    /// The stream's path below the API base (`/v1/polls/7/events`).
    pub fn path(self) -> String {
        match self {
            Topic::Poll(id) => format!("/v1/polls/{id}/events"),
            Topic::Convention(id) => format!("/v1/conventions/{id}/events"),
            Topic::Proposal(id) => format!("/v1/proposals/{id}/events"),
            Topic::Board => "/v1/proposals/events".to_string(),
        }
    }

    /// A short name (`poll:7`), as instances tell each other of changes.
    pub fn key(self) -> String {
        match self {
            Topic::Poll(id) => format!("poll:{id}"),
            Topic::Convention(id) => format!("convention:{id}"),
            Topic::Proposal(id) => format!("proposal:{id}"),
            Topic::Board => "board".to_string(),
        }
    }

    /// Reads [`Self::key`] back.
    pub fn parse(key: &str) -> Option<Topic> {
        if key == "board" {
            return Some(Topic::Board);
        }
        let (kind, id) = key.split_once(':')?;
        let id = Id::from(id.parse::<i64>().ok().filter(|n| *n > 0)?);
        match kind {
            "poll" => Some(Topic::Poll(id)),
            "convention" => Some(Topic::Convention(id)),
            "proposal" => Some(Topic::Proposal(id)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back() {
        for t in [
            Topic::Poll(Id::from(7)),
            Topic::Convention(Id::from(1)),
            Topic::Proposal(Id::from(42)),
            Topic::Board,
        ] {
            assert_eq!(Topic::parse(&t.key()), Some(t));
        }
        for bad in [
            "", "poll", "poll:", "poll:x", "poll:-1", "poll:0", "vote:1", "board:1",
        ] {
            assert_eq!(Topic::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn paths_and_events() {
        assert_eq!(Topic::Poll(Id::from(3)).path(), "/v1/polls/3/events");
        assert_eq!(Topic::Board.path(), "/v1/proposals/events");
        assert_eq!(Topic::Convention(Id::from(2)).event(), "count");
    }
}
