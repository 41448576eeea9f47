//! The signing form's state while the resident fills it in. It outlives
//! failed attempts (network down, validation errors), so nothing typed is
//! lost, and it turns into the request only when every field is right.

use tongxin_core::Id;
use tongxin_core::contract::SignatureReceipt;
use tongxin_core::convention::{SignatureInput, SignerRole};
use tongxin_core::text::FieldErrors;

/// What the resident has entered so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignDraft {
    /// Name as typed.
    pub display_name: String,
    /// Chosen unit, if any.
    pub unit_id: Option<Id>,
    /// Team or organisation as typed.
    pub team: String,
    /// Role.
    pub role: SignerRole,
    /// The "I have read and agree" box.
    pub agreed: bool,
}

impl SignDraft {
    /// Fills the form from an earlier signature (to sign a new version),
    /// keeping anything already typed; the agreement must be given anew.
    pub fn refill_from(&mut self, r: &SignatureReceipt) {
        if self.display_name.trim().is_empty() {
            self.display_name = r.display_name.clone();
        }
        self.unit_id = self.unit_id.or(Some(r.unit_id));
        if self.team.trim().is_empty() {
            self.team = r.team.clone().unwrap_or_default();
        }
        self.agreed = false;
    }

    /// The request for `version`, or the fields to fix (same rules as the server).
    pub fn to_input(&self, version: u32) -> Result<SignatureInput, FieldErrors> {
        let team = self.team.trim();
        let input = SignatureInput {
            display_name: self.display_name.trim().to_string(),
            unit_id: self.unit_id.unwrap_or(Id::int(0)),
            team: (!team.is_empty()).then(|| team.to_string()),
            role: self.role,
            version: Some(version),
            agreed: self.agreed,
        };
        let mut errors = input.validate().err().unwrap_or_default();
        if self.unit_id.is_none() {
            errors.add("unit_id", "choose a unit");
        }
        errors.into_result().map(|()| input)
    }
}

/// The form's fields in the order they appear (for focusing the first error).
pub const FIELDS: &[&str] = &["display_name", "unit_id", "team", "role", "agreed"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_draft_becomes_the_request() {
        let d = SignDraft {
            display_name: "  孙雨萌 ".into(),
            unit_id: Some(Id::from(7)),
            team: "  ".into(),
            role: SignerRole::TeamLeader,
            agreed: true,
        };
        let input = d.to_input(3).unwrap();
        assert_eq!(input.display_name, "孙雨萌");
        assert_eq!(input.team, None);
        assert_eq!(input.version, Some(3));
        assert_eq!(input.unit_id, 7);
    }

    #[test]
    fn a_new_version_starts_from_the_old_signature_but_not_its_agreement() {
        let mut d = SignDraft {
            agreed: true,
            ..SignDraft::default()
        };
        d.refill_from(&SignatureReceipt {
            id: Id::from(1),
            convention_id: Id::from(1),
            version: 1,
            display_name: "张伟".into(),
            unit_id: Id::from(8),
            team: Some("碧鸡太极队".into()),
            signed_at: 0,
            withdrawn_at: None,
        });
        assert_eq!(d.display_name, "张伟");
        assert_eq!(d.unit_id, Some(Id::int(8)));
        assert_eq!(d.team, "碧鸡太极队");
        assert!(!d.agreed, "the new text must be agreed to");
    }

    #[test]
    fn every_missing_field_is_reported() {
        let e = SignDraft::default().to_input(1).unwrap_err();
        let fields: Vec<&str> = e.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["agreed", "display_name", "unit_id"]);
        let long_team = SignDraft {
            display_name: "A".into(),
            unit_id: Some(Id::from(1)),
            team: "队".repeat(81),
            agreed: true,
            ..SignDraft::default()
        };
        assert!(long_team.to_input(1).unwrap_err().0.contains_key("team"));
        let markup = SignDraft {
            display_name: "<img src=x onerror=alert(1)>".into(),
            unit_id: Some(Id::from(1)),
            agreed: true,
            ..SignDraft::default()
        };
        assert!(markup.to_input(1).is_ok(), "markup is text, kept as typed");
    }
}
