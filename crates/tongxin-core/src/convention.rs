//! Neighbourhood conventions (文明公约) and their signatures. A convention is
//! versioned: a signature belongs to the version that was read, and a staff
//! edit of the text makes a new version that must be signed anew.

use serde::{Deserialize, Serialize};

use crate::eligibility::Eligibility;
use crate::mask::mask_name;
use crate::scope::ScopeTree;
use crate::text::{self, FieldErrors};
use crate::{Id, Millis};

/// Most articles a convention may have.
pub const MAX_ARTICLES: usize = 100;

/// One numbered article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Article {
    /// 1-based number.
    pub number: u32,
    /// Text of the article.
    pub text: String,
}

/// Until when a signer may withdraw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum WithdrawalPolicy {
    /// Never: a signature is final.
    Never,
    /// While the convention is open for signing.
    #[default]
    WhileOpen,
    /// Until a given time.
    Until {
        /// Last moment a withdrawal is accepted (exclusive).
        until: Millis,
    },
}

/// The signer's role, shown in the public list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignerRole {
    /// 居民
    #[default]
    Resident,
    /// 队长 (e.g. a dancing team's leader)
    TeamLeader,
    /// 单位代表
    OrganisationRep,
}

/// A convention as stored and served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Convention {
    /// Identifier.
    pub id: Id,
    /// Scope; signers choose a unit inside it.
    pub scope_id: Id,
    /// Title, e.g. 《碧鸡广场活动文明公约》.
    pub title: String,
    /// Preamble.
    pub preamble: String,
    /// Numbered articles.
    pub articles: Vec<Article>,
    /// Version, starting at 1; bumped when the text changes.
    pub version: u32,
    /// When the current version was published.
    pub version_at: Millis,
    /// Signature goal for the progress bar.
    pub goal: u32,
    /// Withdrawal rule.
    pub withdrawal: WithdrawalPolicy,
    /// Signing closes at this time, if set.
    pub closes_at: Option<Millis>,
    /// Who may sign.
    pub eligibility: Eligibility,
    /// Creation time.
    pub created_at: Millis,
}

/// Why a signature or withdrawal is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConventionError {
    /// Signing has closed.
    #[error("the convention is closed for signing")]
    Closed,
    /// The signer read an older version.
    #[error("the convention is now at version {current}; please read it again")]
    StaleVersion {
        /// Current version.
        current: u32,
    },
    /// Withdrawal is not allowed (any more).
    #[error("signatures can no longer be withdrawn")]
    WithdrawalClosed,
    /// The voter's signature on this version still stands.
    #[error("you have already signed version {version} of this convention")]
    AlreadySigned {
        /// The version signed.
        version: u32,
    },
}

impl ConventionError {
    /// Stable short name.
    pub fn code(&self) -> &'static str {
        match self {
            ConventionError::Closed => "convention-closed",
            ConventionError::StaleVersion { .. } => "stale-version",
            ConventionError::WithdrawalClosed => "withdrawal-closed",
            ConventionError::AlreadySigned { .. } => "already-signed",
        }
    }
}

impl Convention {
    /// Whether signing is open at `now`.
    pub fn is_open(&self, now: Millis) -> bool {
        self.closes_at.is_none_or(|c| now < c)
    }

    /// Checks a signature for `version` may be made at `now`.
    pub fn check_sign(&self, version: Option<u32>, now: Millis) -> Result<(), ConventionError> {
        if !self.is_open(now) {
            return Err(ConventionError::Closed);
        }
        match version {
            Some(v) if v != self.version => Err(ConventionError::StaleVersion {
                current: self.version,
            }),
            _ => Ok(()),
        }
    }

    /// A signature on the current version: refused when the voter's earlier
    /// one still stands (`already`).
    pub fn check_first_signature(&self, already: bool) -> Result<(), ConventionError> {
        if already {
            return Err(ConventionError::AlreadySigned {
                version: self.version,
            });
        }
        Ok(())
    }

    /// Checks that the signer's building or group lies inside the
    /// convention's area.
    pub fn check_unit(&self, tree: &ScopeTree, unit: Id) -> Result<(), FieldErrors> {
        if tree.is_within(unit, self.scope_id) {
            return Ok(());
        }
        let mut e = FieldErrors::new();
        e.add(
            "unit_id",
            "choose a building or group inside this convention's area",
        );
        Err(e)
    }

    /// Checks a signature may be withdrawn at `now`.
    pub fn check_withdraw(&self, now: Millis) -> Result<(), ConventionError> {
        let allowed = match self.withdrawal {
            WithdrawalPolicy::Never => false,
            WithdrawalPolicy::WhileOpen => self.is_open(now),
            WithdrawalPolicy::Until { until } => now < until,
        };
        if allowed {
            Ok(())
        } else {
            Err(ConventionError::WithdrawalClosed)
        }
    }
}

/// What staff send to create a convention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConventionDraft {
    /// Scope.
    pub scope_id: Id,
    /// Title.
    pub title: String,
    /// Preamble.
    #[serde(default)]
    pub preamble: String,
    /// Article texts in order; numbers are assigned 1..n.
    pub articles: Vec<String>,
    /// Signature goal (≥ 1).
    pub goal: u32,
    /// Withdrawal rule, default while open.
    #[serde(default)]
    pub withdrawal: WithdrawalPolicy,
    /// Signing closes at this time.
    #[serde(default)]
    pub closes_at: Option<Millis>,
    /// Who may sign, default `open`.
    #[serde(default)]
    pub eligibility: Eligibility,
}

fn check_articles(e: &mut FieldErrors, articles: &[String]) {
    if articles.is_empty() {
        e.add("articles", "at least one article");
    }
    if articles.len() > MAX_ARTICLES {
        e.add("articles", format!("at most {MAX_ARTICLES} articles"));
    }
    for (i, a) in articles.iter().enumerate() {
        e.text(
            &format!("articles[{i}]"),
            a,
            text::TextLimits::block(1, 4000),
        );
    }
}

fn numbered(articles: Vec<String>) -> Vec<Article> {
    articles
        .into_iter()
        .enumerate()
        .map(|(i, text)| Article {
            number: i as u32 + 1,
            text,
        })
        .collect()
}

impl ConventionDraft {
    /// Validates every field.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.text("title", &self.title, text::TITLE);
        e.text("preamble", &self.preamble, text::BODY);
        check_articles(&mut e, &self.articles);
        if self.goal == 0 || self.goal > 10_000_000 {
            e.add("goal", "must be between 1 and 10,000,000");
        }
        e.into_result()
    }

    /// The stored convention, version 1.
    pub fn into_convention(self, id: Id, now: Millis) -> Convention {
        Convention {
            id,
            scope_id: self.scope_id,
            title: self.title.trim().to_string(),
            preamble: self.preamble,
            articles: numbered(self.articles),
            version: 1,
            version_at: now,
            goal: self.goal,
            withdrawal: self.withdrawal,
            closes_at: self.closes_at,
            eligibility: self.eligibility,
            created_at: now,
        }
    }
}

/// Staff edits. Changing the title, preamble or articles publishes a new version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConventionEdit {
    /// New title.
    #[serde(default)]
    pub title: Option<String>,
    /// New preamble.
    #[serde(default)]
    pub preamble: Option<String>,
    /// New article texts.
    #[serde(default)]
    pub articles: Option<Vec<String>>,
    /// New goal.
    #[serde(default)]
    pub goal: Option<u32>,
    /// New withdrawal rule.
    #[serde(default)]
    pub withdrawal: Option<WithdrawalPolicy>,
    /// New closing time.
    #[serde(default)]
    pub closes_at: Option<Millis>,
    /// Why a closed item is opened again; required for that edit (kept in
    /// the audit log, see [`crate::paper::check_reopening`]).
    #[serde(default)]
    pub reopen_reason: Option<String>,
}

impl ConventionEdit {
    /// Applies the edit; returns true when a new version was published.
    pub fn apply(&self, c: &mut Convention, now: Millis) -> Result<bool, FieldErrors> {
        let mut e = FieldErrors::new();
        if let Some(t) = &self.title {
            e.text("title", t, text::TITLE);
        }
        if let Some(p) = &self.preamble {
            e.text("preamble", p, text::BODY);
        }
        if let Some(a) = &self.articles {
            check_articles(&mut e, a);
        }
        if self.goal.is_some_and(|g| g == 0 || g > 10_000_000) {
            e.add("goal", "must be between 1 and 10,000,000");
        }
        let closes = self.closes_at.or(c.closes_at);
        let reason = self.reopen_reason.as_deref();
        crate::paper::check_reopening(&mut e, !c.is_open(now), closes, now, reason);
        e.into_result()?;
        let mut text_changed = false;
        if let Some(t) = &self.title {
            text_changed |= c.title != t.trim();
            c.title = t.trim().to_string();
        }
        if let Some(p) = &self.preamble {
            text_changed |= &c.preamble != p;
            c.preamble = p.clone();
        }
        if let Some(a) = &self.articles {
            let new = numbered(a.clone());
            text_changed |= c.articles != new;
            c.articles = new;
        }
        if let Some(g) = self.goal {
            c.goal = g;
        }
        if let Some(w) = self.withdrawal {
            c.withdrawal = w;
        }
        if let Some(t) = self.closes_at {
            c.closes_at = Some(t);
        }
        if text_changed {
            c.version += 1;
            c.version_at = now;
        }
        Ok(text_changed)
    }
}

/// What a resident sends to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignatureInput {
    /// Display name (masked in public lists), 1–40 characters.
    pub display_name: String,
    /// Unit (building or residents' group) inside the convention's scope.
    pub unit_id: Id,
    /// Team or organisation, optional.
    #[serde(default)]
    pub team: Option<String>,
    /// Role, default resident.
    #[serde(default)]
    pub role: SignerRole,
    /// The version the signer read; refused if it is not current.
    #[serde(default)]
    pub version: Option<u32>,
    /// The signer confirms having read and agreed to every article.
    pub agreed: bool,
}

impl SignatureInput {
    /// Validates the fields (the unit's place in the tree is checked by the store).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::new();
        e.text("display_name", &self.display_name, text::NAME);
        if let Some(t) = &self.team {
            e.text("team", t, text::TextLimits::line(0, 80));
        }
        if !self.agreed {
            e.add(
                "agreed",
                "you must confirm that you have read and agree to the articles",
            );
        }
        e.into_result()
    }
}

/// A signature as the public sees it: the name is masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicSignature {
    /// Signature id (also the receipt number).
    pub id: Id,
    /// Masked display name, e.g. 孙*萌.
    pub masked_name: String,
    /// Unit id.
    pub unit_id: Id,
    /// Team or organisation.
    pub team: Option<String>,
    /// Role.
    pub role: SignerRole,
    /// Version signed.
    pub version: u32,
    /// Time of signing.
    pub signed_at: Millis,
    /// How it came: keyed from a paper sheet (`paper`, `door`), or online
    /// when absent (written by the server; the widgets do not read it).
    #[serde(
        default,
        skip_deserializing,
        skip_serializing_if = "crate::paper::Channel::is_online"
    )]
    pub channel: crate::paper::Channel,
}

impl PublicSignature {
    /// Builds the public view from stored fields, masking the name.
    pub fn new(
        id: Id,
        display_name: &str,
        unit_id: Id,
        team: Option<String>,
        role: SignerRole,
        version: u32,
        signed_at: Millis,
    ) -> Self {
        PublicSignature {
            id,
            masked_name: mask_name(display_name),
            unit_id,
            team,
            role,
            version,
            signed_at,
            channel: crate::paper::Channel::Online,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv() -> Convention {
        ConventionDraft {
            scope_id: Id::from(1),
            title: "碧鸡广场活动文明公约".into(),
            preamble: String::new(),
            articles: vec!["音量不超过60分贝".into(), "21:30后停止使用音响".into()],
            goal: 500,
            withdrawal: WithdrawalPolicy::WhileOpen,
            closes_at: Some(1000),
            eligibility: Eligibility::Open,
        }
        .into_convention(Id::from(1), 0)
    }

    #[test]
    fn articles_are_numbered_and_version_starts_at_one() {
        let c = conv();
        assert_eq!(c.articles[1].number, 2);
        assert_eq!(c.version, 1);
    }

    #[test]
    fn a_signer_signs_a_version_once_from_inside_the_area() {
        use crate::scope::{Scope, ScopeLevel};
        let scope = |id: i64, parent: Option<i64>, level| Scope {
            id: Id::from(id),
            parent_id: parent.map(Id::from),
            level,
            name: format!("s{id}"),
            name_en: None,
            households: None,
        };
        let tree = ScopeTree::new([
            scope(1, None, ScopeLevel::District),
            scope(2, Some(1), ScopeLevel::Street),
            scope(3, None, ScopeLevel::District),
        ]);
        let mut c = conv();
        assert_eq!(c.check_unit(&tree, Id::from(2)), Ok(()));
        let e = c.check_unit(&tree, Id::from(3)).unwrap_err();
        assert!(e.0.contains_key("unit_id"), "{e:?}");
        c.version = 2;
        assert_eq!(c.check_first_signature(false), Ok(()));
        let e = c.check_first_signature(true).unwrap_err();
        assert_eq!(e.code(), "already-signed");
        assert_eq!(
            e.to_string(),
            "you have already signed version 2 of this convention"
        );
    }

    #[test]
    fn signing_closes_and_checks_the_version() {
        let c = conv();
        assert_eq!(c.check_sign(Some(1), 10), Ok(()));
        assert_eq!(c.check_sign(None, 10), Ok(()));
        assert_eq!(c.check_sign(Some(1), 1000), Err(ConventionError::Closed));
        assert_eq!(
            c.check_sign(Some(0), 10),
            Err(ConventionError::StaleVersion { current: 1 })
        );
    }

    #[test]
    fn withdrawal_windows() {
        let mut c = conv();
        assert_eq!(c.check_withdraw(999), Ok(()));
        assert_eq!(
            c.check_withdraw(1000),
            Err(ConventionError::WithdrawalClosed)
        );
        c.withdrawal = WithdrawalPolicy::Never;
        assert_eq!(c.check_withdraw(10), Err(ConventionError::WithdrawalClosed));
        c.withdrawal = WithdrawalPolicy::Until { until: 50 };
        assert_eq!(c.check_withdraw(49), Ok(()));
        assert_eq!(c.check_withdraw(50), Err(ConventionError::WithdrawalClosed));
        c.closes_at = None;
        c.withdrawal = WithdrawalPolicy::WhileOpen;
        assert_eq!(c.check_withdraw(i64::MAX), Ok(()));
    }

    #[test]
    fn text_edits_bump_the_version_other_edits_do_not() {
        let mut c = conv();
        assert!(
            !ConventionEdit {
                goal: Some(600),
                ..Default::default()
            }
            .apply(&mut c, 5)
            .unwrap()
        );
        assert_eq!((c.version, c.goal), (1, 600));
        let edit = ConventionEdit {
            articles: Some(vec!["新条款".into()]),
            ..Default::default()
        };
        assert!(edit.apply(&mut c, 7).unwrap());
        assert_eq!((c.version, c.version_at, c.articles.len()), (2, 7, 1));
        // The same text again is not a new version.
        assert!(!edit.apply(&mut c, 8).unwrap());
        assert_eq!(
            c.check_sign(Some(1), 10),
            Err(ConventionError::StaleVersion { current: 2 })
        );
    }

    #[test]
    fn drafts_and_edits_are_validated() {
        let mut d = ConventionDraft {
            scope_id: Id::from(1),
            title: "".into(),
            preamble: String::new(),
            articles: vec![],
            goal: 0,
            withdrawal: WithdrawalPolicy::Never,
            closes_at: None,
            eligibility: Eligibility::Open,
        };
        let e = d.validate().unwrap_err();
        assert!(
            e.0.contains_key("title") && e.0.contains_key("articles") && e.0.contains_key("goal")
        );
        d.articles = vec!["".into()];
        assert!(d.validate().unwrap_err().0.contains_key("articles[0]"));
        let mut c = conv();
        let before = c.clone();
        assert!(
            ConventionEdit {
                articles: Some(vec![]),
                ..Default::default()
            }
            .apply(&mut c, 1)
            .is_err()
        );
        assert_eq!(c, before);
    }

    #[test]
    fn signatures_need_a_name_and_agreement() {
        let mut s = SignatureInput {
            display_name: "孙雨萌".into(),
            unit_id: Id::from(5),
            team: Some("<img src=x onerror=alert(1)>".into()),
            role: SignerRole::TeamLeader,
            version: Some(1),
            agreed: true,
        };
        assert!(s.validate().is_ok());
        s.agreed = false;
        s.display_name = " ".into();
        let e = s.validate().unwrap_err();
        assert!(e.0.contains_key("agreed") && e.0.contains_key("display_name"));
    }

    #[test]
    fn public_signatures_are_masked() {
        let p = PublicSignature::new(
            Id::from(1),
            "孙雨萌",
            Id::from(5),
            None,
            SignerRole::Resident,
            1,
            0,
        );
        assert_eq!(p.masked_name, "孙*萌");
    }
}
