//! Figures as the board writes them: `66.7%`, `¥16,400`, scope names in
//! the resident's language.

use tongxin_core::indicators::view::ScopeRef;

use crate::i18n::{I18n, Lang};
use crate::parts::fmt1;

/// `66.7%`, or "n/a" where the rate is undefined.
pub fn pct(v: Option<f64>, i18n: &I18n) -> String {
    match v {
        Some(x) => format!("{}%", fmt1(x)),
        None => i18n.t("ind_no_data"),
    }
}

/// Whole yuan with thousands separators: 1,640,000 fen → `¥16,400`.
pub fn yuan(fen: i64) -> String {
    let digits = (fen.unsigned_abs().saturating_add(50) / 100).to_string();
    let mut out = String::from(if fen < 0 { "-¥" } else { "¥" });
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The scope's name in `lang` (its English name when there is one).
pub fn name(s: &ScopeRef, lang: Lang) -> String {
    match (&s.name_en, lang) {
        (Some(en), Lang::En) if !en.is_empty() => en.clone(),
        _ => s.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::yuan;

    #[test]
    fn yuan_groups_thousands_and_rounds_fen() {
        assert_eq!(yuan(0), "¥0");
        assert_eq!(yuan(1_640_000), "¥16,400");
        assert_eq!(yuan(12_345_678_900), "¥123,456,789");
        assert_eq!(yuan(149), "¥1");
        assert_eq!(yuan(-250_000), "-¥2,500");
    }
}
