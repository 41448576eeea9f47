//! Who may take part in a poll, a convention or a proposal's actions. The
//! policy is set per item by staff; the server turns the credential a widget
//! sends into a voter key (see the server's `identity` module).

use serde::{Deserialize, Serialize};

/// Eligibility policy of one item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    /// A device token kept by the widget, plus rate limits. Weak: for
    /// low-stakes questions.
    #[default]
    Open,
    /// One-time household codes printed by staff and handed out by building
    /// heads: one household, one ballot or signature.
    Code,
    /// A voter token signed by the host site (HMAC-SHA256, JWT "HS256"
    /// compact form) for its logged-in residents.
    Token,
}

impl Eligibility {
    /// The snake_case name used in the API and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Eligibility::Open => "open",
            Eligibility::Code => "code",
            Eligibility::Token => "token",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(Eligibility::Open),
            "code" => Some(Eligibility::Code),
            "token" => Some(Eligibility::Token),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for e in [Eligibility::Open, Eligibility::Code, Eligibility::Token] {
            assert_eq!(Eligibility::parse(e.as_str()), Some(e));
        }
        assert_eq!(Eligibility::parse("anyone"), None);
    }
}
