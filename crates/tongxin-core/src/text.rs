//! Validation of user text, shared by every form and endpoint, so a name or a
//! comment is judged the same way in the widget and on the server.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Per-field validation messages, keyed by the field's name in the request
/// (`"title"`, `"options[2].label"`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a message for `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.entry(field.into()).or_default().push(message.into());
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, the errors otherwise.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// Checks one text field; see [`check_text`].
    pub fn text(&mut self, field: &str, value: &str, limits: TextLimits) {
        if let Err(message) = check_text(value, limits) {
            self.add(field, message);
        }
    }
}

/// Length limits and shape of a text field, in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimits {
    /// Minimum length after trimming (0 = optional).
    pub min: usize,
    /// Maximum length.
    pub max: usize,
    /// Whether line breaks are allowed.
    pub multiline: bool,
}

impl TextLimits {
    /// A one-line field of `min..=max` characters.
    pub const fn line(min: usize, max: usize) -> Self {
        Self {
            min,
            max,
            multiline: false,
        }
    }
    /// A multi-line field of `min..=max` characters.
    pub const fn block(min: usize, max: usize) -> Self {
        Self {
            min,
            max,
            multiline: true,
        }
    }
}

/// Display names of people (signers, proposers, pledgers).
pub const NAME: TextLimits = TextLimits::line(1, 40);
/// Titles of polls, conventions, proposals.
pub const TITLE: TextLimits = TextLimits::line(1, 200);
/// Long text: descriptions, preambles, problems, plans, comments.
pub const BODY: TextLimits = TextLimits::block(0, 8000);
/// Short labels: poll options, teams, roles, memos.
pub const LABEL: TextLimits = TextLimits::line(1, 200);

/// Bidirectional controls: they reorder what follows (`\u{202e}孙雨萌`
/// shows reversed) and can make a name or a comment lie about itself.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Characters that draw nothing: zero-width space, word joiner, BOM,
/// invisible operators, Hangul fillers, the blank braille cell. Zero-width
/// joiners (emoji sequences, some scripts) are allowed in multi-line text.
fn is_invisible(c: char, multiline: bool) -> bool {
    match c {
        '\u{200c}' | '\u{200d}' => !multiline,
        '\u{200b}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}' | '\u{034f}' => true,
        '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' | '\u{2800}' => true,
        _ => false,
    }
}

/// Checks trimmed length and rejects control characters (other than line
/// breaks and tabs in multi-line fields), bidirectional controls and
/// invisible characters, so no name or text can be empty to the eye or
/// display differently from what it is. Markup is *not* rejected: text is
/// stored as typed and every renderer must escape it.
pub fn check_text(value: &str, limits: TextLimits) -> Result<(), String> {
    let len = value.trim().chars().count();
    if len < limits.min {
        return Err(if limits.min == 1 {
            "must not be empty".to_string()
        } else {
            format!("must be at least {} characters", limits.min)
        });
    }
    if value.chars().count() > limits.max {
        return Err(format!("must be at most {} characters", limits.max));
    }
    let bad = value
        .chars()
        .any(|c| c.is_control() && !(limits.multiline && matches!(c, '\n' | '\r' | '\t')));
    if bad {
        return Err("contains control characters".to_string());
    }
    if value.chars().any(is_bidi_control) {
        return Err("contains text-direction controls".to_string());
    }
    if value.chars().any(|c| is_invisible(c, limits.multiline)) {
        return Err("contains invisible characters".to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank_are_refused_when_required() {
        assert!(check_text("", NAME).is_err());
        assert!(check_text("   ", NAME).is_err());
        assert!(check_text("孙雨萌", NAME).is_ok());
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let forty_han: String = "萌".repeat(40);
        assert!(check_text(&forty_han, NAME).is_ok());
        assert!(check_text(&format!("{forty_han}萌"), NAME).is_err());
    }

    #[test]
    fn control_characters_are_refused_but_markup_is_kept() {
        assert!(check_text("a\u{0}b", NAME).is_err());
        assert!(check_text("a\nb", NAME).is_err());
        assert!(check_text("a\nb", BODY).is_ok());
        assert!(check_text("<script>alert(1)</script>", NAME).is_ok());
    }

    #[test]
    fn bidi_controls_and_invisible_characters_are_refused() {
        for name in [
            "\u{202e}孙雨萌",
            "\u{200b}",
            "\u{feff}孙",
            "孙\u{2066}萌",
            "\u{3164}",
            "a\u{200d}b",
        ] {
            assert!(check_text(name, NAME).is_err(), "{name:?}");
        }
        assert!(check_text("\u{202e}reversed", BODY).is_err());
        // Emoji sequences keep their joiner in comments.
        assert!(check_text("👨\u{200d}👩\u{200d}👧 谢谢", BODY).is_ok());
        assert!(check_text("孙雨萌", NAME).is_ok());
    }

    #[test]
    fn field_errors_collect_per_field() {
        let mut e = FieldErrors::new();
        e.text("title", "", TITLE);
        e.text("name", "ok", NAME);
        assert_eq!(e.0.len(), 1);
        assert!(e.into_result().is_err());
    }
}
