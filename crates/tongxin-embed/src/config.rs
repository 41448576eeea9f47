//! A widget's configuration, from `data-*` attributes, custom-element
//! attributes or the `mount()` config object, checked before anything is
//! drawn so a mistake gives one clear message instead of a blank box.

use std::collections::HashMap;

use serde_json::Value;
use tongxin_core::Id;

/// What the host asked for. Read by hand from the `mount()` object (see
/// [`MountConfig::from_value`]) rather than with a serde derive: the
/// derive's visitor cost every bundle ~1 KB brotli.
#[derive(Debug, Clone, PartialEq)]
pub struct MountConfig {
    /// Which widget: `poll`, `convention`, `proposals` (the board) or `proposal`.
    pub widget: String,
    /// The item's id (number or numeric string); for the `proposals` board
    /// the optional scope id instead.
    pub id: serde_json::Value,
    /// The scope of the `proposals` board (optional) and of `indicators`
    /// (required); `data-scope`.
    pub scope: Option<serde_json::Value>,
    /// The period of `indicators` (`data-period`): `12m` (default),
    /// `2026`, `2026-Q2`, `2026-05` or `2026-03-01..2026-06-30`.
    pub period: Option<String>,
    /// API base, e.g. `https://example.org/api`; default: this page's origin + `/api`.
    pub api: Option<String>,
    /// `zh-CN` or `en`; default: the host element's nearest `lang`
    /// attribute (up to `<html lang>`), else the browser's language.
    pub lang: Option<String>,
    /// `light`, `dark` or `high-contrast`; default: the system setting.
    /// (`size: "large"` is applied by the loader as `data-size`.)
    pub theme: Option<String>,
    /// Replacement strings by catalogue key.
    pub strings: Option<HashMap<String, String>>,
    /// A voter token signed by the host site, for `token` items.
    pub voter_token: Option<String>,
    /// Another backend's mapping: a URL of the JSON document, `#id` of an
    /// inline `<script type="application/json">`, or the mapping object.
    /// Default: the reference server at `api`.
    pub backend: Option<serde_json::Value>,
    /// Values for the mapping's variables (e.g. `{"apiToken": "…"}`).
    pub vars: Option<serde_json::Map<String, serde_json::Value>>,
    /// Name of a `window` object of async functions to use as the backend
    /// (`data-adapter`); `mount()` also takes the object itself.
    pub adapter: Option<String>,
}

/// Widgets this bundle can draw (by its cargo features).
pub(crate) const WIDGETS: &[&str] = &[
    #[cfg(feature = "poll")]
    "poll",
    #[cfg(feature = "convention")]
    "convention",
    #[cfg(feature = "proposals")]
    "proposals",
    #[cfg(feature = "proposals")]
    "proposal",
    #[cfg(feature = "indicators")]
    "indicators",
    #[cfg(feature = "budget")]
    "budget",
];

/// Every widget of the kit, whichever bundle this is.
#[cfg(feature = "mapping")]
pub(crate) const ALL_WIDGETS: &[&str] = &[
    "poll",
    "convention",
    "proposals",
    "proposal",
    "indicators",
    "budget",
];

impl MountConfig {
    /// Reads the `mount()` config object (as JSON): `widget` is required,
    /// every other key optional (`voterToken`, `strings`, `vars` in the
    /// object's camelCase).
    pub fn from_value(v: serde_json::Value) -> Result<Self, String> {
        let serde_json::Value::Object(mut o) = v else {
            return Err("config must be an object with widget and id".into());
        };
        let mut take = |k: &str| o.remove(k).filter(|v| !v.is_null());
        let text = |v: Option<serde_json::Value>, k: &str| match v {
            None => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(format!("config.{k} must be a string, got {other}")),
        };
        let strings = match take("strings") {
            None => None,
            Some(serde_json::Value::Object(m)) => Some(
                m.into_iter()
                    .map(|(k, v)| match v {
                        serde_json::Value::String(s) => Ok((k, s)),
                        _ => Err(format!(
                            "config.strings.{k} (data-strings) must be a string"
                        )),
                    })
                    .collect::<Result<_, String>>()?,
            ),
            Some(_) => {
                return Err("config.strings (data-strings) must be an object of strings".into());
            }
        };
        let vars = match take("vars") {
            None => None,
            Some(serde_json::Value::Object(m)) => Some(m),
            Some(_) => return Err("config.vars (data-backend-vars) must be an object".into()),
        };
        Ok(MountConfig {
            widget: text(take("widget"), "widget")?.ok_or("config.widget is missing")?,
            id: take("id").unwrap_or_default(),
            scope: take("scope"),
            period: text(take("period"), "period")?,
            api: text(take("api"), "api")?,
            lang: text(take("lang"), "lang")?,
            theme: text(take("theme"), "theme")?,
            strings,
            voter_token: text(take("voterToken"), "voterToken")?,
            backend: take("backend"),
            vars,
            adapter: text(take("adapter"), "adapter")?,
        })
    }

    /// Reads the `data-*` attributes of an auto-mounted element (through
    /// [`MountConfig::from_value`]: one reader for both ways in).
    pub fn from_dataset(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut o = serde_json::Map::new();
        for (attr, key) in [
            ("tongxin", "widget"),
            ("id", "id"),
            ("scope", "scope"),
            ("period", "period"),
            ("api", "api"),
            ("lang", "lang"),
            ("theme", "theme"),
            ("voterToken", "voterToken"),
            ("backend", "backend"),
            ("adapter", "adapter"),
        ] {
            if let Some(v) = get(attr) {
                o.insert(key.into(), Value::String(v));
            }
        }
        for (attr, key, what) in [
            (
                "strings",
                "strings",
                "data-strings is not a JSON object of strings",
            ),
            (
                "backendVars",
                "vars",
                "data-backend-vars is not a JSON object",
            ),
        ] {
            if let Some(text) = get(attr) {
                let v: Value = serde_json::from_str(&text).map_err(|e| format!("{what}: {e}"))?;
                o.insert(key.into(), v);
            }
        }
        o.entry("widget").or_insert(Value::String(String::new()));
        Self::from_value(Value::Object(o))
    }

    /// Checks the widget name and the id; returns the id (for the
    /// `proposals` board: the scope, `None` for everywhere). An id is
    /// whatever the backend calls its item: `42`, a UUID, a slug.
    pub fn validate(&self) -> Result<Option<Id>, String> {
        if !WIDGETS.contains(&self.widget.as_str()) {
            return Err(format!(
                "unknown widget \"{}\" (this bundle has: {})",
                self.widget,
                WIDGETS.join(", ")
            ));
        }
        let id_of = |v: &Value, attr: &str| -> Result<Id, String> {
            let got = match v {
                Value::Number(n) => n.as_i64().map(Id::from).ok_or("not an integer".to_string()),
                Value::String(s) => Id::parse(s.trim()).map_err(|e| e.to_string()),
                Value::Null => Err("nothing given".to_string()),
                _ => Err("not a number or a string".to_string()),
            };
            got.map_err(|why| {
                format!(
                    "the {} widget needs an id in {attr} (an integer, a UUID or a slug): {why}, got {v}",
                    self.widget
                )
            })
        };
        let scope = self.scope.as_ref().filter(|s| !s.is_null());
        match self.widget.as_str() {
            "indicators" => id_of(scope.unwrap_or(&self.id), "data-scope").map(Some),
            "proposals" => scope.map(|s| id_of(s, "data-scope")).transpose(),
            _ => id_of(&self.id, "data-id").map(Some),
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
    fn mount_objects_are_read_by_hand() {
        let c = MountConfig::from_value(serde_json::json!({
            "widget": "poll", "id": 7, "voterToken": "t", "theme": "dark",
            "strings": {"vote": "投"}, "vars": {"apiToken": "x"}, "backend": {"version": 1},
            "lang": null
        }))
        .unwrap();
        assert_eq!(c.validate(), Ok(Some(Id::int(7))));
        assert_eq!(c.voter_token.as_deref(), Some("t"));
        assert_eq!(c.strings.unwrap()["vote"], "投");
        assert_eq!(c.vars.unwrap()["apiToken"], "x");
        assert_eq!(c.backend, Some(serde_json::json!({"version": 1})));
        assert_eq!(c.lang, None);
        for bad in [
            serde_json::json!([1]),
            serde_json::json!({"id": 1}),
            serde_json::json!({"widget": 3}),
            serde_json::json!({"widget": "poll", "strings": [1]}),
            serde_json::json!({"widget": "poll", "strings": {"a": 1}}),
            serde_json::json!({"widget": "poll", "vars": "x"}),
            serde_json::json!({"widget": "poll", "api": 5}),
        ] {
            assert!(MountConfig::from_value(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn dataset_configs_are_checked() {
        let c = cfg(&[("tongxin", "poll"), ("id", "42"), ("lang", "en")]).unwrap();
        assert_eq!(c.validate(), Ok(Some(Id::int(42))));
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
                .contains("needs an id in data-id")
        );
        // Ids are opaque: a UUID, a slug, a negative integer are all ids.
        for id in ["b7e1c0de-8a3f-4c1e-9d2b-0123456789ab", "bijie-square", "-3"] {
            let c = cfg(&[("tongxin", "poll"), ("id", id)]).unwrap();
            assert_eq!(c.validate().unwrap().unwrap().as_str(), id);
        }
        for bad in ["a b", "", &"x".repeat(47), "1\u{7}"] {
            let got = cfg(&[("tongxin", "poll"), ("id", bad)]).unwrap().validate();
            assert!(got.unwrap_err().contains("data-id"), "{bad}");
        }
        assert!(cfg(&[("tongxin", "poll"), ("id", "1"), ("strings", "[1]")]).is_err());
        assert_eq!(
            cfg(&[("tongxin", "proposals")]).unwrap().validate(),
            Ok(None)
        );
        assert_eq!(
            cfg(&[("tongxin", "proposals"), ("scope", "12")])
                .unwrap()
                .validate(),
            Ok(Some(Id::int(12)))
        );
        assert!(
            cfg(&[("tongxin", "proposals"), ("scope", "x y")])
                .unwrap()
                .validate()
                .unwrap_err()
                .contains("data-scope")
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
