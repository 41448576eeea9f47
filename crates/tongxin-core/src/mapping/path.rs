//! Field paths: where a value sits in a JSON document.
//!
//! Syntax (documented in `docs/backends.md`):
//! * `a.b.c` — keys, read from the *current* value (the whole response at
//!   the top, one array element inside `$each`);
//! * `$.a.b` — from the response's root, wherever you are; `$` alone is the
//!   root; `@` alone (or the empty string) is the current value;
//! * `items[0]`, `items[-1]` — array index, negative from the end;
//! * `["odd.key"]` — a key with dots or brackets in it.
//!
//! A path that finds nothing yields `None` (the expression's `$default` or
//! `null`); it is never an error, so optional fields stay optional.

use serde_json::Value;

/// Longest path accepted, in bytes.
pub const MAX_PATH_LEN: usize = 512;
/// Most segments in one path.
pub const MAX_SEGMENTS: usize = 64;

/// Where a path starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// The value being mapped (default).
    Current,
    /// The whole response body (`$`).
    Body,
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// An object key.
    Key(String),
    /// An array index; negative counts from the end.
    Index(i64),
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    /// Where it starts.
    pub root: Root,
    /// The steps.
    pub segs: Vec<Seg>,
}

impl Path {
    /// Parses `text`, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Path, String> {
        if text.len() > MAX_PATH_LEN {
            return Err(format!("path longer than {MAX_PATH_LEN} characters"));
        }
        let (root, mut rest) = if let Some(r) = text.strip_prefix('$') {
            (Root::Body, r)
        } else if let Some(r) = text.strip_prefix('@') {
            (Root::Current, r)
        } else {
            (Root::Current, text)
        };
        let mut segs = Vec::new();
        let mut first = root == Root::Current && !text.starts_with('@');
        while !rest.is_empty() {
            if segs.len() >= MAX_SEGMENTS {
                return Err(format!("path has more than {MAX_SEGMENTS} steps"));
            }
            if let Some(r) = rest.strip_prefix('[') {
                let end = r
                    .find(']')
                    .ok_or_else(|| format!("unclosed [ in path \"{text}\""))?;
                let inner = &r[..end];
                if let Some(q) = inner.strip_prefix('"') {
                    let key = q
                        .strip_suffix('"')
                        .ok_or_else(|| format!("unclosed quote in path \"{text}\""))?;
                    segs.push(Seg::Key(key.to_string()));
                } else {
                    let n: i64 = inner.trim().parse().map_err(|_| {
                        format!(
                            "[{inner}] in path \"{text}\" is not an index (use [0] or [\"key\"])"
                        )
                    })?;
                    segs.push(Seg::Index(n));
                }
                rest = &r[end + 1..];
            } else {
                let r = if first {
                    rest
                } else {
                    rest.strip_prefix('.').ok_or_else(|| {
                        format!("expected . or [ in path \"{text}\" before \"{rest}\"")
                    })?
                };
                let end = r.find(['.', '[', ']']).unwrap_or(r.len());
                let key = &r[..end];
                if key.is_empty() {
                    return Err(format!("empty key in path \"{text}\""));
                }
                if r[end..].starts_with(']') {
                    return Err(format!("stray ] in path \"{text}\""));
                }
                segs.push(Seg::Key(key.to_string()));
                rest = &r[end..];
            }
            first = false;
        }
        Ok(Path { root, segs })
    }

    /// The value at this path, starting from `body` or `current`.
    pub fn get<'a>(&self, body: &'a Value, current: &'a Value) -> Option<&'a Value> {
        let mut v = match self.root {
            Root::Body => body,
            Root::Current => current,
        };
        for seg in &self.segs {
            v = match (seg, v) {
                (Seg::Key(k), Value::Object(m)) => m.get(k)?,
                (Seg::Index(i), Value::Array(a)) => {
                    let i = if *i < 0 { a.len() as i64 + i } else { *i };
                    a.get(usize::try_from(i).ok()?)?
                }
                _ => return None,
            };
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_indexes_roots_and_quotes() {
        let body = json!({"a": {"b": [10, 20, {"c.d": "x"}]}, "top": 1});
        let cur = json!({"k": "v"});
        let get = |p: &str| Path::parse(p).unwrap().get(&body, &cur).cloned();
        assert_eq!(get("k"), Some(json!("v")));
        assert_eq!(get("@"), Some(cur.clone()));
        assert_eq!(get(""), Some(cur.clone()));
        assert_eq!(get("@.k"), Some(json!("v")));
        assert_eq!(get("$.top"), Some(json!(1)));
        assert_eq!(get("$"), Some(body.clone()));
        assert_eq!(get("$.a.b[1]"), Some(json!(20)));
        assert_eq!(get("$.a.b[-1][\"c.d\"]"), Some(json!("x")));
        assert_eq!(get("$.a.b[9]"), None);
        assert_eq!(get("$.a.b[-9]"), None);
        assert_eq!(get("$.top.deeper"), None);
        assert_eq!(get("missing"), None);
    }

    #[test]
    fn bad_paths_say_why() {
        for (p, why) in [
            ("a..b", "empty key"),
            ("a[", "unclosed ["),
            ("a[x]", "not an index"),
            ("a[\"x]", "unclosed quote"),
            ("a]b", "stray ]"),
            ("$a", "expected . or ["),
        ] {
            let e = Path::parse(p).unwrap_err();
            assert!(e.contains(why), "{p}: {e}");
        }
        assert!(Path::parse(&"a.".repeat(300)).is_err());
        assert!(
            Path::parse(&"[0]".repeat(100))
                .unwrap_err()
                .contains("steps")
        );
    }
}
