//! Co-funding (财由民理): pledges by residents and organisations and the
//! public ledger of money received and spent. All amounts are integer fen
//! (1 yuan = 100 fen), checked for overflow; no floating point anywhere.

use serde::{Deserialize, Serialize};

use super::MAX_AMOUNT_FEN;
use crate::text::{self, FieldErrors};
use crate::{Id, Millis};

/// Who pledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PledgeSource {
    /// A resident or household.
    Resident,
    /// A public unit, company or organisation.
    Organisation,
}

/// A pledge as a resident or organisation sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PledgeInput {
    /// Resident or organisation.
    pub source: PledgeSource,
    /// Amount in fen, 1 – 10,000,000,000.
    pub amount_fen: i64,
    /// Name shown publicly; `None` pledges anonymously.
    #[serde(default)]
    pub public_name: Option<String>,
}

impl PledgeInput {
    /// Validates amount and name.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let Err(m) = check_amount(self.amount_fen) {
            e.add("amount_fen", m);
        }
        if let Some(n) = &self.public_name {
            e.text("public_name", n, text::LABEL);
        }
        e.into_result()
    }
}

/// A stored pledge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pledge {
    /// Identifier.
    pub id: Id,
    /// Resident or organisation.
    pub source: PledgeSource,
    /// Amount in fen.
    pub amount_fen: i64,
    /// Public name, `None` when anonymous.
    pub public_name: Option<String>,
    /// When.
    pub pledged_at: Millis,
}

/// Direction of a ledger entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// Money received.
    Received,
    /// Money spent.
    Spent,
}

/// A ledger entry as staff record it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LedgerInput {
    /// Received or spent.
    pub kind: LedgerKind,
    /// Amount in fen.
    pub amount_fen: i64,
    /// What it was for, e.g. "蹲便器 4 套".
    pub memo: String,
}

impl LedgerInput {
    /// Validates amount and memo.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        if let Err(m) = check_amount(self.amount_fen) {
            e.add("amount_fen", m);
        }
        e.text("memo", &self.memo, text::LABEL);
        e.into_result()
    }
}

/// A stored ledger entry with the balance after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    /// Identifier.
    pub id: Id,
    /// Received or spent.
    pub kind: LedgerKind,
    /// Amount in fen.
    pub amount_fen: i64,
    /// Memo.
    pub memo: String,
    /// When.
    pub recorded_at: Millis,
    /// Running balance after this entry, in fen.
    pub balance_fen: i64,
}

/// Totals for the progress bar and the ledger header. Read from a backend,
/// only `goal_fen` is needed: what the other figures imply (the total of
/// pledges, what remains, the balance) is derived here when left out, with
/// the rules [`FundingSummary::compute`] applies, and missing sums are 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(from = "FundingFields")]
pub struct FundingSummary {
    /// Goal in fen.
    pub goal_fen: i64,
    /// Pledged by residents.
    pub pledged_residents_fen: i64,
    /// Pledged by organisations.
    pub pledged_organisations_fen: i64,
    /// All pledges.
    pub pledged_total_fen: i64,
    /// Still to pledge to reach the goal (never negative).
    pub remaining_fen: i64,
    /// Money received (ledger).
    pub received_fen: i64,
    /// Money spent (ledger).
    pub spent_fen: i64,
    /// Received minus spent.
    pub balance_fen: i64,
    /// Number of pledges.
    pub pledges: u64,
}

/// [`FundingSummary`] as a backend sends it.
#[derive(Deserialize)]
struct FundingFields {
    goal_fen: i64,
    #[serde(default)]
    pledged_residents_fen: i64,
    #[serde(default)]
    pledged_organisations_fen: i64,
    pledged_total_fen: Option<i64>,
    remaining_fen: Option<i64>,
    #[serde(default)]
    received_fen: i64,
    #[serde(default)]
    spent_fen: i64,
    balance_fen: Option<i64>,
    #[serde(default)]
    pledges: u64,
}

impl From<FundingFields> for FundingSummary {
    fn from(f: FundingFields) -> Self {
        let total = f.pledged_total_fen.unwrap_or_else(|| {
            f.pledged_residents_fen
                .saturating_add(f.pledged_organisations_fen)
        });
        FundingSummary {
            goal_fen: f.goal_fen,
            pledged_residents_fen: f.pledged_residents_fen,
            pledged_organisations_fen: f.pledged_organisations_fen,
            pledged_total_fen: total,
            remaining_fen: f
                .remaining_fen
                .unwrap_or_else(|| f.goal_fen.saturating_sub(total).max(0)),
            received_fen: f.received_fen,
            spent_fen: f.spent_fen,
            balance_fen: f
                .balance_fen
                .unwrap_or_else(|| f.received_fen.saturating_sub(f.spent_fen)),
            pledges: f.pledges,
        }
    }
}

/// Arithmetic or ledger rule broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FundingError {
    /// Totals would not fit in 64 bits.
    #[error("amount too large")]
    Overflow,
    /// Spending more than the balance.
    #[error("spending {amount_fen} fen exceeds the balance of {balance_fen} fen")]
    SpendExceedsBalance {
        /// Requested spend.
        amount_fen: i64,
        /// Current balance.
        balance_fen: i64,
    },
}

impl FundingError {
    /// Stable short name.
    pub fn code(&self) -> &'static str {
        match self {
            FundingError::Overflow => "amount-too-large",
            FundingError::SpendExceedsBalance { .. } => "spend-exceeds-balance",
        }
    }
}

/// Checks one amount: a positive number of fen, at most 100 million yuan.
pub fn check_amount(fen: i64) -> Result<(), String> {
    if fen <= 0 {
        Err("must be a positive amount in fen".into())
    } else if fen > MAX_AMOUNT_FEN {
        Err("must be at most 10,000,000,000 fen (100 million yuan)".into())
    } else {
        Ok(())
    }
}

fn add(a: i64, b: i64) -> Result<i64, FundingError> {
    a.checked_add(b).ok_or(FundingError::Overflow)
}

impl FundingSummary {
    /// Totals before any pledge or ledger entry: the whole goal remains.
    pub fn new(goal_fen: i64) -> Self {
        FundingSummary {
            goal_fen,
            remaining_fen: goal_fen.max(0),
            ..Default::default()
        }
    }

    /// Totals from pledges `(source, amount)` and ledger entries `(kind, amount)`.
    pub fn compute(
        goal_fen: i64,
        pledges: impl IntoIterator<Item = (PledgeSource, i64)>,
        ledger: impl IntoIterator<Item = (LedgerKind, i64)>,
    ) -> Result<Self, FundingError> {
        let mut s = FundingSummary::new(goal_fen);
        for (source, amount) in pledges {
            s.add_pledge(source, amount)?;
        }
        for (kind, amount) in ledger {
            s.add_ledger(kind, amount)?;
        }
        Ok(s)
    }

    /// Adds one pledge.
    pub fn add_pledge(&mut self, source: PledgeSource, amount: i64) -> Result<(), FundingError> {
        match source {
            PledgeSource::Resident => {
                self.pledged_residents_fen = add(self.pledged_residents_fen, amount)?;
            }
            PledgeSource::Organisation => {
                self.pledged_organisations_fen = add(self.pledged_organisations_fen, amount)?;
            }
        }
        self.pledged_total_fen = add(self.pledged_residents_fen, self.pledged_organisations_fen)?;
        self.remaining_fen = (self.goal_fen - self.pledged_total_fen).max(0);
        self.pledges += 1;
        Ok(())
    }

    /// Adds one ledger entry; spending beyond the balance is refused.
    pub fn add_ledger(&mut self, kind: LedgerKind, amount: i64) -> Result<(), FundingError> {
        match kind {
            LedgerKind::Received => self.received_fen = add(self.received_fen, amount)?,
            LedgerKind::Spent => {
                if amount > self.balance_fen {
                    return Err(FundingError::SpendExceedsBalance {
                        amount_fen: amount,
                        balance_fen: self.balance_fen,
                    });
                }
                self.spent_fen = add(self.spent_fen, amount)?;
            }
        }
        self.balance_fen = self.received_fen - self.spent_fen;
        self.remaining_fen = (self.goal_fen - self.pledged_total_fen).max(0);
        Ok(())
    }
}

/// Reads an amount typed in yuan ("8600", "8,600.5", "¥ 0.01") as fen,
/// without floats; `None` for anything else (negative, more than two
/// decimals, letters, beyond [`MAX_AMOUNT_FEN`](super::MAX_AMOUNT_FEN)).
pub fn parse_yuan(text: &str) -> Option<i64> {
    let t: String = text
        .trim()
        .trim_start_matches(['¥', '￥'])
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty()
        || whole.len() > 12
        || frac.len() > 2
        || !whole
            .chars()
            .chain(frac.chars())
            .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let yuan: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    let fen = yuan.checked_mul(100)?.checked_add(cents)?;
    (fen <= super::MAX_AMOUNT_FEN).then_some(fen)
}

/// Formats fen as yuan with thousands separators: 860000 → "8,600.00".
pub fn format_yuan(fen: i64) -> String {
    let neg = fen < 0;
    let abs = fen.unsigned_abs();
    let (yuan, cents) = (abs / 100, abs % 100);
    let digits = yuan.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}{grouped}.{cents:02}", if neg { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// A backend that sends only the goal and the sums it keeps gets the
        /// same totals the server computes.
        #[test]
        fn derived_funding_figures_equal_the_servers(
            goal in 0i64..10_000_000,
            pledges in prop::collection::vec((any::<bool>(), 1i64..1_000_000), 0..20),
            received in 0i64..5_000_000,
            spent_share in 0i64..=100,
        ) {
            let spent = received * spent_share / 100;
            let server = FundingSummary::compute(
                goal,
                pledges.iter().map(|&(org, a)| {
                    (if org { PledgeSource::Organisation } else { PledgeSource::Resident }, a)
                }),
                [(LedgerKind::Received, received), (LedgerKind::Spent, spent)]
                    .into_iter()
                    .filter(|(_, a)| *a > 0),
            )
            .unwrap();
            let mut sent = serde_json::to_value(server).unwrap();
            for derived in ["pledged_total_fen", "remaining_fen", "balance_fen"] {
                sent.as_object_mut().unwrap().remove(derived);
            }
            prop_assert_eq!(serde_json::from_value::<FundingSummary>(sent).unwrap(), server);
        }
    }

    #[test]
    fn mingtong_lane_47_adds_up() {
        // Residents 8,600 yuan + public units 10,000 yuan towards 18,600 yuan.
        let s = FundingSummary::compute(
            1_860_000,
            [
                (PledgeSource::Resident, 500_000),
                (PledgeSource::Resident, 360_000),
                (PledgeSource::Organisation, 1_000_000),
            ],
            [
                (LedgerKind::Received, 1_860_000),
                (LedgerKind::Spent, 1_200_000),
            ],
        )
        .unwrap();
        assert_eq!(s.pledged_residents_fen, 860_000);
        assert_eq!(s.pledged_organisations_fen, 1_000_000);
        assert_eq!(s.pledged_total_fen, 1_860_000);
        assert_eq!(s.remaining_fen, 0);
        assert_eq!(s.balance_fen, 660_000);
        assert_eq!(s.pledges, 3);
    }

    #[test]
    fn without_pledges_the_whole_goal_remains() {
        let s = FundingSummary::compute(1_860_000, [], []).unwrap();
        assert_eq!(
            (s.remaining_fen, s.pledged_total_fen, s.balance_fen),
            (1_860_000, 0, 0)
        );
    }

    #[test]
    fn overspending_is_refused_and_overflow_detected() {
        let mut s = FundingSummary::default();
        s.add_ledger(LedgerKind::Received, 100).unwrap();
        assert_eq!(
            s.add_ledger(LedgerKind::Spent, 101),
            Err(FundingError::SpendExceedsBalance {
                amount_fen: 101,
                balance_fen: 100
            })
        );
        assert_eq!(s.balance_fen, 100);
        let mut s = FundingSummary::default();
        s.add_pledge(PledgeSource::Resident, i64::MAX).unwrap();
        assert_eq!(
            s.add_pledge(PledgeSource::Resident, 1),
            Err(FundingError::Overflow)
        );
    }

    #[test]
    fn amounts_must_be_positive_and_bounded() {
        assert!(check_amount(0).is_err());
        assert!(check_amount(-100).is_err());
        assert!(check_amount(1).is_ok());
        assert!(check_amount(MAX_AMOUNT_FEN).is_ok());
        assert!(check_amount(MAX_AMOUNT_FEN + 1).is_err());
        let p = PledgeInput {
            source: PledgeSource::Resident,
            amount_fen: -1,
            public_name: Some("".into()),
        };
        let e = p.validate().unwrap_err();
        assert!(e.0.contains_key("amount_fen") && e.0.contains_key("public_name"));
        assert!(
            LedgerInput {
                kind: LedgerKind::Spent,
                amount_fen: 5,
                memo: "".into()
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn yuan_formatting() {
        assert_eq!(format_yuan(860_000), "8,600.00");
        assert_eq!(format_yuan(1_000_000), "10,000.00");
        assert_eq!(format_yuan(5), "0.05");
        assert_eq!(format_yuan(-123_456_789), "-1,234,567.89");
        assert_eq!(format_yuan(100_000_000), "1,000,000.00");
    }

    proptest! {
        #[test]
        fn totals_are_exact_sums(amounts in prop::collection::vec((any::<bool>(), 1i64..=MAX_AMOUNT_FEN), 0..200)) {
            let pledges: Vec<(PledgeSource, i64)> = amounts.iter().map(|(org, a)| (if *org { PledgeSource::Organisation } else { PledgeSource::Resident }, *a)).collect();
            let s = FundingSummary::compute(0, pledges.clone(), []).unwrap();
            let total: i128 = pledges.iter().map(|(_, a)| *a as i128).sum();
            prop_assert_eq!(s.pledged_total_fen as i128, total);
            prop_assert_eq!(s.pledged_residents_fen + s.pledged_organisations_fen, s.pledged_total_fen);
        }
    }
}
