//! `docs/widgets.md` and the npm package's `index.d.ts` against the code
//! (native only): every `data-*` attribute, custom-element attribute and
//! `mount()` option the code reads, every event it sends with its detail
//! fields, every public CSS custom property and `::part`, every adapter
//! operation with its arguments, and the table of string keys (generated:
//! `TONGXIN_BLESS=1 cargo test -p tongxin-widgets --test reference_docs`
//! rewrites it from the catalogue). A name in the code that the docs lack,
//! or one in the docs that the code no longer has, fails.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use tongxin_client::ClientError;
use tongxin_core::Id;
use tongxin_core::mapping::Op;
use tongxin_core::poll::Ballot;
use tongxin_widgets::events::WidgetEvent;
use tongxin_widgets::i18n;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The part of `text` between `from` and the next `to`.
fn between<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("{from} not found"))
        + from.len();
    let end = text[start..]
        .find(to)
        .unwrap_or_else(|| panic!("{to} not found after {from}"));
    &text[start..start + end]
}

/// Every `"…"`/`'…'` literal following `prefix` in `text`.
fn literals_after(text: &str, prefix: &str) -> BTreeSet<String> {
    text.match_indices(prefix)
        .filter_map(|(i, _)| {
            let rest = &text[i + prefix.len()..];
            let end = rest.find(['"', '\'', '`'])?;
            Some(rest[..end].to_string())
        })
        .collect()
}

/// The names in the first column of the tables inside
/// `<!-- names:{kind} -->` … `<!-- /names -->` of docs/widgets.md.
fn documented(kind: &str) -> BTreeSet<String> {
    let docs = read("docs/widgets.md");
    let block = between(&docs, &format!("<!-- names:{kind} -->"), "<!-- /names -->");
    block
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| between(l, "| `", "`").to_string())
        .collect()
}

fn same(kind: &str, code: BTreeSet<String>) {
    let docs = documented(kind);
    let missing: Vec<_> = code.difference(&docs).collect();
    let stale: Vec<_> = docs.difference(&code).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "docs/widgets.md, {kind}: missing {missing:?}, no longer in the code {stale:?}"
    );
}

fn kebab(camel: &str) -> String {
    camel
        .chars()
        .flat_map(|c| {
            if c.is_ascii_uppercase() {
                vec!['-', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn data_attributes() {
    let config = read("crates/tongxin-embed/src/config.rs");
    let reader = between(&config, "pub fn from_dataset", "pub fn validate");
    // The first string of each `("attr", "key", …)` tuple.
    let compact: String = reader.chars().filter(|c| !c.is_whitespace()).collect();
    let mut code: BTreeSet<String> = compact
        .match_indices("(\"")
        .filter_map(|(i, _)| {
            let rest = &compact[i + 2..];
            let end = rest.find('"')?;
            rest[end..]
                .starts_with("\",\"")
                .then(|| rest[..end].to_string())
        })
        .map(|a| format!("data-{}", kebab(&a)))
        .collect();
    // Pure CSS: the stylesheet reads it on the host element.
    let css = read("crates/tongxin-widgets/styles/tongxin.css");
    code.extend(literals_after(&css, ":host([data-").into_iter().map(|a| {
        let name = a.split('=').next().unwrap_or_default();
        format!("data-{name}")
    }));
    assert!(code.contains("data-voter-token") && code.contains("data-size"));
    same("data-attributes", code);
}

#[test]
fn custom_element_attributes() {
    let loader = read("crates/tongxin-embed/js/loader.js");
    let mut code = literals_after(&loader, "this.getAttribute('");
    let css = read("crates/tongxin-widgets/styles/tongxin.css");
    for a in literals_after(&css, ":host([") {
        if !a.starts_with("data-") {
            code.insert(a.split('=').next().unwrap_or_default().to_string());
        }
    }
    // `${kind}-id`: poll-id, convention-id, proposal-id.
    assert!(loader.contains("this.getAttribute(`${kind}-id`)"));
    code.insert("{widget}-id".into());
    same("element-attributes", code);
}

#[test]
fn mount_options_in_docs_and_types() {
    let config = read("crates/tongxin-embed/src/config.rs");
    let reader = between(&config, "pub fn from_value", "pub fn from_dataset");
    let mut code = literals_after(reader, "take(\"");
    let loader = read("crates/tongxin-embed/js/loader.js");
    code.extend(literals_after(&loader, "config?.").into_iter().map(|s| {
        s.split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_string()
    }));
    assert!(code.contains("voterToken") && code.contains("size") && code.contains("widget"));
    let types = read("packages/tongxin-widgets/index.d.ts");
    let interface = between(&types, "export interface MountConfig {", "\n}");
    for o in &code {
        assert!(
            interface.contains(&format!("  {o}?:")) || interface.contains(&format!("  {o}:")),
            "index.d.ts MountConfig lacks {o}"
        );
    }
    same("mount-options", code);
}

/// One of each event, with sample values.
fn events() -> Vec<WidgetEvent> {
    let ballot = Ballot::Single {
        option: Id::from(2),
    };
    vec![
        WidgetEvent::ready(Id::from(1)),
        WidgetEvent::voted(Id::from(1), Some(&ballot)),
        WidgetEvent::voted(Id::from(1), None),
        WidgetEvent::budget_voted(Id::from(1), Some(&[Id::from(2), Id::from(3)])),
        WidgetEvent::budget_voted(Id::from(1), None),
        WidgetEvent::signed(Id::from(1), 2, Id::from(3)),
        WidgetEvent::withdrawn(Id::from(1), Id::from(3)),
        WidgetEvent::supported(Id::from(1), true, 4),
        WidgetEvent::pledged(Id::from(1), 5000),
        WidgetEvent::proposal_submitted(Id::from(1)),
        WidgetEvent::evaluated(Id::from(1), 5),
        WidgetEvent::error(Id::from(1), &ClientError::Timeout),
    ]
}

#[test]
fn events_with_their_details() {
    let docs = read("docs/widgets.md");
    let types = read("packages/tongxin-widgets/index.d.ts");
    let map = between(&types, "export interface TongxinEventMap {", "\n}");
    let mut names = BTreeSet::new();
    for e in events() {
        let name = format!("tongxin:{}", e.name);
        let row = docs
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}`")))
            .unwrap_or_else(|| panic!("docs/widgets.md has no row for {name}"));
        let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap();
        for key in detail.as_object().unwrap().keys() {
            assert!(
                row.contains(&format!("`{key}`")),
                "docs/widgets.md: {name} lacks detail field {key}"
            );
        }
        assert!(
            map.contains(&format!("'{name}':")),
            "index.d.ts lacks {name}"
        );
        // The detail type index.d.ts names for it has each field.
        let entry = between(map, &format!("'{name}': CustomEvent<"), ">;");
        let body = if let Some(at) = types.find(&format!("export interface {entry} {{")) {
            between(&types[at..], "{", "\n}")
        } else {
            between(&types, &format!("export type {entry} ="), ";\n")
        };
        for key in detail.as_object().unwrap().keys() {
            assert!(
                body.contains(&format!("{key}:")) || body.contains(&format!("{key}?:")),
                "index.d.ts {entry} lacks {key}"
            );
        }
        names.insert(name);
    }
    same("events", names);
}

#[test]
fn css_custom_properties_and_parts() {
    let css = read("crates/tongxin-widgets/styles/tongxin.css");
    let props: BTreeSet<String> = css
        .match_indices("--tongxin-")
        .map(|(i, _)| {
            css[i..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect()
        })
        .collect();
    same("css-properties", props);
    let mut parts = literals_after(
        &read("crates/tongxin-embed/src/lib.rs"),
        "set_attribute(\"part\", \"",
    );
    let src = root().join("crates/tongxin-widgets/src");
    for f in walk(&src) {
        parts.extend(literals_after(
            &std::fs::read_to_string(f).unwrap(),
            "part=\"",
        ));
    }
    assert!(parts.contains("root"));
    same("parts", parts);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

#[test]
fn adapter_operations_in_types_and_docs() {
    let types = read("packages/tongxin-widgets/index.d.ts");
    let adapter = between(&types, "export interface Adapter {", "\n}");
    let backends = read("docs/backends.md");
    for op in Op::ALL {
        let line = adapter
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{}?(", op.name())))
            .unwrap_or_else(|| panic!("index.d.ts Adapter lacks {}", op.name()));
        let params = between(line, "(", ")");
        let count = params.split(',').filter(|p| !p.trim().is_empty()).count();
        let expected = usize::from(op.has_id()) + usize::from(op.has_body()) + 1;
        assert_eq!(
            count,
            expected,
            "{}: (id?, body?, ctx) in index.d.ts",
            op.name()
        );
        assert!(params.trim_end().ends_with("ctx: AdapterContext"), "{line}");
        assert!(
            backends.contains(&format!("`{}`", op.name())),
            "docs/backends.md lacks {}",
            op.name()
        );
    }
    assert_eq!(
        adapter.matches("?(").count(),
        Op::ALL.len(),
        "no extra operations"
    );
}

/// The generated table of string keys: key, widget, zh-CN, en.
fn strings_table() -> String {
    let tables: [(&str, i18n::Table); 6] = [
        ("all", i18n::COMMON_TABLES[0]),
        ("poll", i18n::POLL_TABLES[1]),
        ("convention", i18n::CONVENTION_TABLES[1]),
        ("proposals", i18n::PROPOSAL_TABLES[2]),
        ("indicators", i18n::INDICATOR_TABLES[1]),
        ("budget", i18n::BUDGET_TABLES[2]),
    ];
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = String::from("| key | widget | zh-CN | en |\n|---|---|---|---|\n");
    for (widget, table) in tables {
        for (key, zh, en) in table.iter() {
            out.push_str(&format!(
                "| `{key}` | {widget} | {} | {} |\n",
                cell(zh),
                cell(en)
            ));
        }
    }
    out
}

#[test]
fn string_keys_are_the_catalogue() {
    let path = root().join("docs/widgets.md");
    let docs = read("docs/widgets.md");
    let (open, close) = ("<!-- generated:strings -->\n", "<!-- /generated -->");
    let current = between(&docs, open, close);
    let wanted = strings_table();
    if current != wanted {
        if std::env::var_os("TONGXIN_BLESS").is_some() {
            let block = format!("{open}{current}{close}");
            let fresh = format!("{open}{wanted}{close}");
            std::fs::write(&path, docs.replacen(&block, &fresh, 1)).unwrap();
        } else {
            panic!(
                "docs/widgets.md's string table differs from the catalogue; \
                 rerun with TONGXIN_BLESS=1 to regenerate it"
            );
        }
    }
    let keys: usize = i18n::CATALOGUES.iter().map(|t| t.len()).sum();
    assert_eq!(wanted.lines().count() - 2, keys);
}
