//! Each bundle's stylesheet: the rules of `tongxin.css` that its widgets
//! can use. One hand-written stylesheet serves every widget; a page with
//! one poll should not download the proposal board's timeline and ledger
//! styles. A rule is kept when one of its selectors names only `tx-`
//! classes that appear in the Rust sources the bundle draws with: its
//! widgets' folders of `tongxin-widgets/src`, the shared parts and the
//! embed crate. Rules without a `tx-` class (`:host`, themes, keyframes)
//! are always kept, and so is every rule for a bundle with every widget.

use std::collections::BTreeSet;
use std::path::Path;

/// The stylesheet every bundle's is cut from.
pub(crate) const STYLES: &str = "crates/tongxin-widgets/styles/tongxin.css";

/// The folders of `tongxin-widgets/src` that belong to one family, by the
/// `data-tongxin` names that draw them; every other source file can draw
/// in any bundle.
const FAMILY_DIRS: [(&str, &str); 6] = [
    ("poll", "poll"),
    ("convention", "convention"),
    ("proposals", "proposal"),
    ("proposal", "proposal"),
    ("indicators", "indicators"),
    ("budget", "budget"),
];

/// Every `tx-` class named in the sources (under the repository `root`)
/// that `widgets` draw with.
pub(crate) fn classes_for(root: &Path, widgets: &[&str]) -> Result<BTreeSet<String>, String> {
    let wanted: BTreeSet<&str> = FAMILY_DIRS
        .iter()
        .filter(|(w, _)| widgets.contains(w))
        .map(|(_, dir)| *dir)
        .collect();
    let families: BTreeSet<&str> = FAMILY_DIRS.iter().map(|(_, dir)| *dir).collect();
    let mut classes = BTreeSet::new();
    let widgets_src = root.join("crates/tongxin-widgets/src");
    for file in rust_files(&widgets_src)? {
        let family = file
            .strip_prefix(&widgets_src)
            .ok()
            .and_then(|p| p.components().next())
            .and_then(|c| c.as_os_str().to_str())
            .filter(|first| families.contains(first));
        if family.is_none_or(|f| wanted.contains(f)) {
            classes_in(&read(&file)?, &mut classes);
        }
    }
    for file in rust_files(&root.join("crates/tongxin-embed/src"))? {
        classes_in(&read(&file)?, &mut classes);
    }
    Ok(classes)
}

fn read(p: &Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
}

fn rust_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let p = e.map_err(|e| e.to_string())?.path();
        if p.is_dir() {
            out.extend(rust_files(&p)?);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    Ok(out)
}

/// Adds every `tx-…` word of `text` to `into`.
fn classes_in(text: &str, into: &mut BTreeSet<String>) {
    let word = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find("tx-").map(|k| k + i) {
        let mut end = at + 3;
        while end < bytes.len() && word(bytes[end]) {
            end += 1;
        }
        if (at == 0 || !word(bytes[at - 1])) && end > at + 3 {
            into.insert(text[at..end].to_string());
        }
        i = end.max(at + 3);
    }
}

/// The rules of the minified stylesheet `css` that `used` can match.
pub(crate) fn keep(css: &str, used: &BTreeSet<String>) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css.trim();
    while !rest.is_empty() {
        let (Some(open), semi) = (rest.find('{'), rest.find(';')) else {
            out.push_str(rest);
            break;
        };
        if rest.starts_with('@') && semi.is_some_and(|s| s < open) {
            // A statement (`@import …;`): kept.
            let s = semi.unwrap_or(open);
            out.push_str(&rest[..=s]);
            rest = &rest[s + 1..];
            continue;
        }
        let close = block_end(rest, open);
        let (head, body) = (&rest[..open], &rest[open + 1..close]);
        if head.starts_with("@media") || head.starts_with("@supports") {
            let inner = keep(body, used);
            if !inner.is_empty() {
                out.push_str(&format!("{head}{{{inner}}}"));
            }
        } else if head.starts_with('@') || selectors(head).any(|s| alive(s, used)) {
            out.push_str(&rest[..=close]);
        }
        rest = rest[close + 1..].trim_start();
    }
    out
}

/// The index of the `}` that closes the block opened at `open`.
fn block_end(css: &str, open: usize) -> usize {
    let mut depth = 0;
    for (i, c) in css[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return open + i;
                }
            }
            _ => {}
        }
    }
    css.len() - 1
}

/// The selectors of a selector list (commas inside `:is(…)` and the like
/// do not split).
fn selectors(list: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0;
    let mut start = 0;
    let mut parts = Vec::new();
    for (i, c) in list.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&list[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&list[start..]);
    parts.into_iter()
}

/// Whether every `.tx-` class of `selector` is in `used`.
fn alive(selector: &str, used: &BTreeSet<String>) -> bool {
    let mut found = BTreeSet::new();
    classes_in(selector, &mut found);
    found.iter().all(|c| {
        // Only classes (`.tx-…`) decide; `tx-` elsewhere (a keyframe name) does not.
        !selector.contains(&format!(".{c}")) || used.contains(c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(words: &[&str]) -> BTreeSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn rules_of_unused_classes_go_the_rest_stays() {
        let css = ":host{--a: 1px;}.tx-a,.tx-b .tx-c{color: red;}.tx-b .tx-c{x: 1;}\
                   @media (forced-colors: active){.tx-c{y: 2;}.tx-a{z: 3;}}\
                   @keyframes tx-pulse{50%{opacity: .5;}}.tx-a:is(.tx-c,.tx-a){w: 4;}";
        assert_eq!(
            keep(css, &set(&["tx-a"])),
            ":host{--a: 1px;}.tx-a,.tx-b .tx-c{color: red;}\
             @media (forced-colors: active){.tx-a{z: 3;}}\
             @keyframes tx-pulse{50%{opacity: .5;}}"
        );
        assert_eq!(keep(css, &set(&["tx-a", "tx-b", "tx-c"])), css);
    }

    #[test]
    fn class_words_are_found_whole() {
        let mut found = BTreeSet::new();
        classes_in(
            r#"class="tx-card tx-open" "atx-no" tx- x.tx-dot-row{"#,
            &mut found,
        );
        assert_eq!(found, set(&["tx-card", "tx-dot-row", "tx-open"]));
    }

    /// A bundle with every widget keeps the whole stylesheet, and a poll
    /// bundle keeps what the poll draws but not the board's timeline.
    #[test]
    fn the_real_stylesheet_splits_by_family() {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        let css = crate::bundle::minify_css(&read(&root.join(STYLES)).unwrap());
        let all: Vec<&str> = FAMILY_DIRS.iter().map(|(widget, _)| *widget).collect();
        assert_eq!(keep(&css, &classes_for(root, &all).unwrap()), css);
        let poll = keep(&css, &classes_for(root, &["poll"]).unwrap());
        assert!(poll.contains(".tx-rank-row") && poll.contains(".tx-option"));
        assert!(!poll.contains(".tx-ledger") && !poll.contains(".tx-tile"));
        assert!(
            poll.len() < css.len() * 9 / 10,
            "{} of {}",
            poll.len(),
            css.len()
        );
    }
}
