//! A short, safe excerpt of what a backend sent, for the message a site's
//! developer reads when an answer does not fit the contract: capped at
//! [`EXCERPT_CHARS`], with the values of keys that look like secrets
//! (`token`, `password`, `secret`, `authorization`, `apiKey`, `cookie`)
//! replaced by `"…"`.

use serde_json::Value;

/// Longest excerpt, in characters.
pub const EXCERPT_CHARS: usize = 200;

/// `text` (a backend's answer) as an excerpt.
pub fn excerpt(text: &str) -> String {
    let shown = match serde_json::from_str::<Value>(text) {
        Ok(mut v) => {
            redact(&mut v, 0);
            v.to_string()
        }
        // Not JSON (an HTML error page, …): the text itself, on one line.
        Err(_) => text.split_whitespace().collect::<Vec<_>>().join(" "),
    };
    let mut out: String = shown.chars().take(EXCERPT_CHARS).collect();
    if shown.chars().nth(EXCERPT_CHARS).is_some() {
        out.push('…');
    }
    out
}

fn secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace(['_', '-'], "");
    [
        "token",
        "password",
        "secret",
        "authorization",
        "apikey",
        "cookie",
    ]
    .iter()
    .any(|s| k.contains(s))
}

fn redact(v: &mut Value, depth: usize) {
    // Deeper than any excerpt shows: left as it is.
    if depth > 32 {
        return;
    }
    match v {
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                if secret(k) {
                    *x = Value::String("…".into());
                } else {
                    redact(x, depth + 1);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| redact(x, depth + 1)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden_and_long_answers_cut() {
        let e =
            excerpt(r#"{"data":{"access_token":"abc","user":{"Password":"p","name":"孙雨萌"}}}"#);
        assert_eq!(
            e,
            r#"{"data":{"access_token":"…","user":{"Password":"…","name":"孙雨萌"}}}"#
        );
        let long = format!(r#"{{"items":[{}]}}"#, vec!["1"; 500].join(","));
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
        assert_eq!(
            excerpt("<html>\n  <b>502</b>\n</html>"),
            "<html> <b>502</b> </html>"
        );
        assert_eq!(
            excerpt(&"同".repeat(300)).chars().count(),
            EXCERPT_CHARS + 1
        );
    }
}
