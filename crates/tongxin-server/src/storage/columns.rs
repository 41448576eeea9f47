//! How enums are spelled in database columns, one definition for every
//! store. The spellings are the JSON ones (`snake_case`), so a row reads
//! the same in a database shell as in the API.

use tongxin_core::convention::SignerRole;
use tongxin_core::proposal::funding::{LedgerKind, PledgeSource};

/// Column spelling of a pledge's source.
pub fn pledge_source(s: PledgeSource) -> &'static str {
    match s {
        PledgeSource::Resident => "resident",
        PledgeSource::Organisation => "organisation",
    }
}

/// Reads [`pledge_source`] back (anything else is a resident).
pub fn parse_pledge_source(s: &str) -> PledgeSource {
    if s == "organisation" {
        PledgeSource::Organisation
    } else {
        PledgeSource::Resident
    }
}

/// Column spelling of a ledger entry's kind.
pub fn ledger_kind(k: LedgerKind) -> &'static str {
    match k {
        LedgerKind::Received => "received",
        LedgerKind::Spent => "spent",
    }
}

/// Reads [`ledger_kind`] back (anything else is money received).
pub fn parse_ledger_kind(s: &str) -> LedgerKind {
    if s == "spent" {
        LedgerKind::Spent
    } else {
        LedgerKind::Received
    }
}

/// Column spelling of a signer's role.
pub fn signer_role(r: SignerRole) -> &'static str {
    match r {
        SignerRole::Resident => "resident",
        SignerRole::TeamLeader => "team_leader",
        SignerRole::OrganisationRep => "organisation_rep",
    }
}

/// Reads [`signer_role`] back (anything else is a resident).
pub fn parse_signer_role(s: &str) -> SignerRole {
    match s {
        "team_leader" => SignerRole::TeamLeader,
        "organisation_rep" => SignerRole::OrganisationRep,
        _ => SignerRole::Resident,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_spellings_are_the_json_ones_and_read_back() {
        for s in [PledgeSource::Resident, PledgeSource::Organisation] {
            assert_eq!(serde_json::to_value(s).unwrap(), pledge_source(s));
            assert_eq!(parse_pledge_source(pledge_source(s)), s);
        }
        for k in [LedgerKind::Received, LedgerKind::Spent] {
            assert_eq!(serde_json::to_value(k).unwrap(), ledger_kind(k));
            assert_eq!(parse_ledger_kind(ledger_kind(k)), k);
        }
        for r in [
            SignerRole::Resident,
            SignerRole::TeamLeader,
            SignerRole::OrganisationRep,
        ] {
            assert_eq!(serde_json::to_value(r).unwrap(), signer_role(r));
            assert_eq!(parse_signer_role(signer_role(r)), r);
        }
    }
}
