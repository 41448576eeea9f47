//! A widget's configuration, from `data-*` attributes, custom-element
//! attributes or the `mount()` config object, checked before anything is
//! drawn so a mistake gives one clear message instead of a blank box.

use std::collections::HashMap;

use serde::Deserialize;
use tongxin_core::Id;

/// What the host asked for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MountConfig {
    /// Which widget: `poll`, `convention`, `proposals` (the board) or `proposal`.
    pub widget: String,
    /// The item's id (number or numeric string); for the `proposals` board
    /// the optional scope id instead.
    #[serde(default)]
    pub id: serde_json::Value,
    /// The board's scope (`proposals` only; `data-scope`).
    #[serde(default)]
    pub scope: Option<serde_json::Value>,
    /// API base, e.g. `https://example.org/api`; default: this page's origin + `/api`.
    #[serde(default)]
    pub api: Option<String>,
    /// `zh-CN` or `en`; default: the browser's language.
    #[serde(default)]
    pub lang: Option<String>,
    /// `light` or `dark`; default: the system setting.
    #[serde(default)]
    pub theme: Option<String>,
    /// Replacement strings by catalogue key.
    #[serde(default)]
    pub strings: Option<HashMap<String, String>>,
    /// A voter token signed by the host site, for `token` items.
    #[serde(default)]
    pub voter_token: Option<String>,
    /// Another backend's mapping: a URL of the JSON document, `#id` of an
    /// inline `<script type="application/json">`, or the mapping object.
    /// Default: the reference server at `api`.
    #[serde(default)]
    pub backend: Option<serde_json::Value>,
    /// Values for the mapping's variables (e.g. `{"apiToken": "…"}`).
    #[serde(default)]
    pub vars: Option<serde_json::Map<String, serde_json::Value>>,
    /// Name of a `window` object of async functions to use as the backend
    /// (`data-adapter`); `mount()` also takes the object itself.
    #[serde(default)]
    pub adapter: Option<String>,
}

/// Widgets this bundle can draw (by its cargo features).
pub const WIDGETS: &[&str] = &[
    #[cfg(feature = "poll")]
    "poll",
    #[cfg(feature = "convention")]
    "convention",
    #[cfg(feature = "proposals")]
    "proposals",
    #[cfg(feature = "proposals")]
    "proposal",
];

/// Every widget of the kit, whichever bundle this is.
#[cfg(feature = "mapping")]
pub const ALL_WIDGETS: &[&str] = &["poll", "convention", "proposals", "proposal"];

impl MountConfig {
    /// Reads the `data-*` attributes of an auto-mounted element.
    pub fn from_dataset(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let strings = match get("strings") {
            Some(s) => Some(
                serde_json::from_str(&s)
                    .map_err(|e| format!("data-strings is not a JSON object of strings: {e}"))?,
            ),
            None => None,
        };
        let vars = match get("backendVars") {
            Some(s) => Some(
                serde_json::from_str(&s)
                    .map_err(|e| format!("data-backend-vars is not a JSON object: {e}"))?,
            ),
            None => None,
        };
        Ok(MountConfig {
            widget: get("tongxin").unwrap_or_default(),
            id: get("id")
                .map(serde_json::Value::String)
                .unwrap_or(serde_json::Value::Null),
            scope: get("scope").map(serde_json::Value::String),
            api: get("api"),
            lang: get("lang"),
            theme: get("theme"),
            strings,
            voter_token: get("voterToken"),
            backend: get("backend").map(serde_json::Value::String),
            vars,
            adapter: get("adapter"),
        })
    }

    /// Checks the widget name and the id; returns the numeric id (for the
    /// `proposals` board: the scope id, 0 for everywhere).
    pub fn validate(&self) -> Result<Id, String> {
        if !WIDGETS.contains(&self.widget.as_str()) {
            return Err(format!(
                "unknown widget \"{}\" (this bundle has: {})",
                self.widget,
                WIDGETS.join(", ")
            ));
        }
        let number = |v: &serde_json::Value| match v {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        if self.widget == "proposals" {
            return match self.scope.as_ref().filter(|s| !s.is_null()) {
                None => Ok(0),
                Some(s) => number(s).filter(|s| *s > 0).ok_or_else(|| {
                    format!(
                        "the proposals board needs a positive numeric scope (data-scope), got {s}"
                    )
                }),
            };
        }
        let id = number(&self.id);
        match id {
            Some(id) if id > 0 => Ok(id),
            _ => Err(format!(
                "the {} widget needs a positive numeric id (data-id), got {}",
                self.widget, self.id
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(pairs: &[(&str, &str)]) -> Result<MountConfig, String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        MountConfig::from_dataset(|k| map.get(k).cloned())
    }

    #[test]
    fn dataset_configs_are_checked() {
        let c = cfg(&[("tongxin", "poll"), ("id", "42"), ("lang", "en")]).unwrap();
        assert_eq!(c.validate(), Ok(42));
        assert!(
            cfg(&[("tongxin", "petition"), ("id", "1")])
                .unwrap()
                .validate()
                .unwrap_err()
                .contains("unknown widget")
        );
        assert!(
            cfg(&[("tongxin", "poll")])
                .unwrap()
                .validate()
                .unwrap_err()
                .contains("numeric id")
        );
        assert!(
            cfg(&[("tongxin", "poll"), ("id", "-3")])
                .unwrap()
                .validate()
                .is_err()
        );
        assert!(cfg(&[("tongxin", "poll"), ("id", "1"), ("strings", "[1]")]).is_err());
        assert_eq!(cfg(&[("tongxin", "proposals")]).unwrap().validate(), Ok(0));
        assert_eq!(
            cfg(&[("tongxin", "proposals"), ("scope", "12")])
                .unwrap()
                .validate(),
            Ok(12)
        );
        assert!(
            cfg(&[("tongxin", "proposals"), ("scope", "x")])
                .unwrap()
                .validate()
                .unwrap_err()
                .contains("scope")
        );
        assert!(cfg(&[("tongxin", "proposal")]).unwrap().validate().is_err());
        let c = cfg(&[
            ("tongxin", "poll"),
            ("id", "1"),
            ("backend", "/m.json"),
            ("backendVars", r#"{"apiToken": "t"}"#),
            ("adapter", "myAdapter"),
        ])
        .unwrap();
        assert_eq!(c.backend, Some(serde_json::json!("/m.json")));
        assert_eq!(c.vars.unwrap()["apiToken"], "t");
        assert_eq!(c.adapter.as_deref(), Some("myAdapter"));
        assert!(
            cfg(&[("tongxin", "poll"), ("id", "1"), ("backendVars", "[")])
                .unwrap_err()
                .contains("data-backend-vars")
        );
    }
}
