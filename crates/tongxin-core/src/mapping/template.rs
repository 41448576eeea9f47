//! String templates: `/surveys/{id}/votes`, `Bearer {apiToken}`.
//!
//! `{name}` is replaced by the variable `name`; `{{` and `}}` are literal
//! braces. Names are checked against the known variables when the mapping
//! is loaded, so a typo is reported before any request is made.

use serde_json::Value;

use super::Vars;

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text kept as written.
    Lit(String),
    /// A variable's value.
    Var(String),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Its pieces, in order.
    pub parts: Vec<Part>,
}

/// How a variable's value is written into the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// As is (headers, bodies).
    None,
    /// Percent-encoded (URL path segments).
    Url,
}

impl Template {
    /// Parses `text`; `known` says whether a variable name exists.
    pub fn parse(text: &str, known: &dyn Fn(&str) -> bool) -> Result<Template, String> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some(c) if c.is_ascii_alphanumeric() || c == '_' => name.push(c),
                            Some(c) => {
                                return Err(format!(
                                    "'{c}' in {{{name}…}} of \"{text}\": names are letters, digits and _"
                                ));
                            }
                            None => return Err(format!("unclosed {{ in \"{text}\"")),
                        }
                    }
                    if name.is_empty() {
                        return Err(format!("empty {{}} in \"{text}\""));
                    }
                    if !known(&name) {
                        return Err(format!("unknown variable {{{name}}} in \"{text}\""));
                    }
                    if !lit.is_empty() {
                        parts.push(Part::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(Part::Var(name));
                }
                '}' => return Err(format!("stray }} in \"{text}\" (write }}}} for a brace)")),
                c => lit.push(c),
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(Template { parts })
    }

    /// The variables it uses.
    pub fn vars(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Var(v) => Some(v.as_str()),
            Part::Lit(_) => None,
        })
    }

    /// The text with variables filled in; `None` when one of them is
    /// missing or empty (a header or query parameter is then left out).
    pub fn render(&self, vars: &Vars, escape: Escape) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Var(name) => {
                    let v = var_text(vars.get(name)?)?;
                    match escape {
                        Escape::None => out.push_str(&v),
                        Escape::Url => out.push_str(&encode_component(&v)),
                    }
                }
            }
        }
        Some(out)
    }
}

/// A variable as text; `None` for null and the empty string.
pub fn var_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn any(_: &str) -> bool {
        true
    }

    #[test]
    fn renders_and_escapes() {
        let t = Template::parse("/s/{id}/v{{x}}?q={q}", &any).unwrap();
        let vars: Vars = [("id".into(), json!(7)), ("q".into(), json!("a b/c"))].into();
        assert_eq!(
            t.render(&vars, Escape::Url).as_deref(),
            Some("/s/7/v{x}?q=a%20b%2Fc")
        );
        assert_eq!(
            t.render(&vars, Escape::None).as_deref(),
            Some("/s/7/v{x}?q=a b/c")
        );
        assert_eq!(t.vars().collect::<Vec<_>>(), ["id", "q"]);
        let missing: Vars = [("id".into(), json!(7)), ("q".into(), json!(""))].into();
        assert_eq!(t.render(&missing, Escape::Url), None);
        assert_eq!(encode_component("碧"), "%E7%A2%A7");
    }

    #[test]
    fn bad_templates_say_why() {
        let known = |n: &str| n == "id";
        for (t, why) in [
            ("/s/{id", "unclosed"),
            ("/s/{}", "empty"),
            ("/s/{i d}", "letters, digits"),
            ("/s/}", "stray"),
            ("/s/{idd}", "unknown variable {idd}"),
        ] {
            let e = Template::parse(t, &known).unwrap_err();
            assert!(e.contains(why), "{t}: {e}");
        }
    }
}
