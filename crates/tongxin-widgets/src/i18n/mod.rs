//! The message catalogue. Every visible string comes from here, in zh-CN
//! and en; the host page may override single strings by key
//! (`data-strings='{"vote": "投我一票"}'`). Each row holds both languages, so a
//! key cannot exist in one and be missing in the other; one table per widget.

use std::collections::HashMap;
use std::sync::Arc;

use tongxin_core::Millis;

/// Display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 简体中文
    ZhCn,
    /// English
    En,
}

impl Lang {
    /// From a tag such as `zh-CN`, `zh`, `en-GB`; `None` when unsupported.
    pub fn parse(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        if t.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if t.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// `data-lang` if given and supported, else the browser's languages, else zh-CN.
    pub fn pick(attr: Option<&str>) -> Lang {
        if let Some(l) = attr.and_then(Lang::parse) {
            return l;
        }
        let browser = web_sys::window()
            .map(|w| w.navigator().languages().to_vec())
            .unwrap_or_default();
        browser
            .iter()
            .filter_map(|v| v.as_string())
            .find_map(|t| Lang::parse(&t))
            .unwrap_or(Lang::ZhCn)
    }

    /// The BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }
}

mod budget;
mod common;
mod convention;
mod indicators;
mod poll;
mod proposal;

/// One table of (key, zh-CN, en); `{n}`, `{x}` are placeholders.
pub type Table = &'static [(&'static str, &'static str, &'static str)];

/// Every table.
pub const CATALOGUES: &[Table] = &[
    common::COMMON,
    poll::POLL,
    convention::CONVENTION,
    proposal::PROPOSAL,
    indicators::INDICATORS,
    budget::BUDGET,
];

/// What every widget says (errors, shared parts).
pub const COMMON_TABLES: &[Table] = &[common::COMMON];
/// What the poll widget says.
pub const POLL_TABLES: &[Table] = &[common::COMMON, poll::POLL];
/// What the convention widget says.
pub const CONVENTION_TABLES: &[Table] = &[common::COMMON, convention::CONVENTION];
/// What the proposal board and detail say, with their nested polls.
pub const PROPOSAL_TABLES: &[Table] = &[common::COMMON, poll::POLL, proposal::PROPOSAL];
/// What the budget-round widget says (with the poll widget's status words).
pub const BUDGET_TABLES: &[Table] = &[common::COMMON, poll::POLL, budget::BUDGET];
/// What the governance indicators board says.
pub const INDICATOR_TABLES: &[Table] = &[common::COMMON, indicators::INDICATORS];

#[cfg(test)]
fn messages() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    CATALOGUES.iter().flat_map(|t| t.iter())
}

/// Looks up and formats messages for one widget.
#[derive(Clone)]
pub struct I18n {
    lang: Lang,
    tables: &'static [Table],
    overrides: Arc<HashMap<String, String>>,
}

impl I18n {
    /// Every table in `lang` with host overrides.
    pub fn new(lang: Lang, overrides: HashMap<String, String>) -> Self {
        Self::with_tables(lang, overrides, CATALOGUES)
    }

    /// Only `tables` (e.g. [`POLL_TABLES`]): a bundle then carries only the
    /// strings of the widgets it has.
    pub fn with_tables(
        lang: Lang,
        overrides: HashMap<String, String>,
        tables: &'static [Table],
    ) -> Self {
        I18n {
            lang,
            tables,
            overrides: Arc::new(overrides),
        }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message for `key` (the key itself if unknown, so a typo is visible).
    pub fn t(&self, key: &str) -> String {
        if let Some(o) = self.overrides.get(key) {
            return o.clone();
        }
        self.tables
            .iter()
            .flat_map(|t| t.iter())
            .find(|(k, _, _)| *k == key)
            .map(|(_, zh, en)| if self.lang == Lang::ZhCn { *zh } else { *en })
            .unwrap_or(key)
            .to_string()
    }

    /// The message with `{n}` replaced.
    pub fn n(&self, key: &str, n: impl std::fmt::Display) -> String {
        self.t(key).replace("{n}", &n.to_string())
    }

    /// The message with `{n}` and `{x}` replaced.
    pub fn nx(&self, key: &str, n: impl std::fmt::Display, x: impl std::fmt::Display) -> String {
        self.n(key, n).replace("{x}", &x.to_string())
    }

    /// A date and time in the resident's language and time zone, to the
    /// minute: "2030年1月1日 08:00", "January 1, 2030 at 8:00 AM".
    pub fn time(&self, ms: Millis) -> String {
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
            .to_locale_string(self.lang.tag(), &format_options(true))
            .into()
    }

    /// A date in the resident's language and time zone: "2030年1月1日",
    /// "January 1, 2030".
    pub fn date(&self, ms: Millis) -> String {
        js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
            .to_locale_date_string(self.lang.tag(), &format_options(false))
            .into()
    }

    /// The message with `{x}` replaced.
    pub fn x(&self, key: &str, x: impl std::fmt::Display) -> String {
        self.t(key).replace("{x}", &x.to_string())
    }
}

/// `Intl.DateTimeFormat` options: the long date, with the time to the
/// minute when `with_time` (read with the browser's `JSON.parse`, the
/// cheapest way to an options object in bytes).
fn format_options(with_time: bool) -> wasm_bindgen::JsValue {
    let json = if with_time {
        r#"{"dateStyle":"long","timeStyle":"short"}"#
    } else {
        r#"{"dateStyle":"long"}"#
    };
    js_sys::JSON::parse(json).unwrap_or(wasm_bindgen::JsValue::UNDEFINED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_translated() {
        let mut keys: Vec<&str> = messages().map(|m| m.0).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "duplicate keys");
        for (k, zh, en) in messages() {
            assert!(!zh.is_empty() && !en.is_empty(), "{k}");
            for p in ["{n}", "{x}"] {
                assert_eq!(
                    zh.contains(p),
                    en.contains(p),
                    "{k}: placeholder {p} in one language only"
                );
            }
        }
    }

    /// Every key a widget's code names is in that widget's tables: a
    /// literal that is a key of any table, in the widget's source or the
    /// parts it shares, must be found in its own set.
    #[test]
    fn each_widget_finds_the_keys_its_code_names() {
        let all: std::collections::HashSet<&str> = messages().map(|m| m.0).collect();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        // (events.rs names events, some of which are spelt like keys.)
        let shared = ["parts", "errors.rs", "action.rs", "offline.rs"];
        let sets: [(&str, &[&str], &[Table]); 5] = [
            ("indicators", &["indicators"], INDICATOR_TABLES),
            ("poll", &["poll"], POLL_TABLES),
            ("convention", &["convention"], CONVENTION_TABLES),
            ("proposals", &["proposal", "poll"], PROPOSAL_TABLES),
            ("budget", &["budget"], BUDGET_TABLES),
        ];
        fn files(p: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            if p.is_dir() {
                for e in std::fs::read_dir(p).unwrap() {
                    files(&e.unwrap().path(), out);
                }
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p.to_path_buf());
            }
        }
        let mut missing = Vec::new();
        for (widget, own, tables) in sets {
            let mut paths = Vec::new();
            for part in own.iter().chain(&shared) {
                files(&src.join(part), &mut paths);
            }
            let known: std::collections::HashSet<&str> =
                tables.iter().flat_map(|t| t.iter()).map(|m| m.0).collect();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                for lit in text.split('"').skip(1).step_by(2) {
                    if all.contains(lit) && !known.contains(lit) {
                        missing.push(format!("{widget}: \"{lit}\" in {}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys outside the widget's tables: {missing:#?}"
        );
        let poll = I18n::with_tables(Lang::En, HashMap::new(), POLL_TABLES);
        assert_eq!(
            poll.t("vote"),
            I18n::new(Lang::En, HashMap::new()).t("vote")
        );
    }

    #[test]
    fn overrides_and_placeholders() {
        let i = I18n::new(
            Lang::En,
            [("vote".to_string(), "Cast it".to_string())].into(),
        );
        assert_eq!(i.t("vote"), "Cast it");
        assert_eq!(i.n("participants", 526), "526 taking part");
        assert_eq!(
            I18n::new(Lang::ZhCn, HashMap::new()).n("participants", 526),
            "526 人参与"
        );
        assert_eq!(Lang::parse("zh-Hans-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("fr"), None);
    }
}
