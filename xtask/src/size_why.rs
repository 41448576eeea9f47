//! `cargo xtask size --why [bundle …]`: where a bundle's bytes go. Each
//! bundle named (default: every one) is built as `cargo xtask bundle`
//! builds it but without wasm-opt, so the wasm keeps its function names;
//! twiggy (installed by this command) lists every code and data item, and
//! the bytes are added up by crate (the first path segment of a function's
//! demangled name) and shown beside the biggest functions.
//!
//! The figures are raw bytes before wasm-opt and brotli: they say which
//! crate and which function to look at, not what a page transfers (that is
//! `cargo xtask size`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::bundle::{self, VARIANTS};
use crate::tools;

/// Pinned twiggy release.
const TWIGGY_VERSION: &str = "0.8.0";
/// Rows of each table.
const ROWS: usize = 15;

fn twiggy() -> Result<String, String> {
    let root = tools::target_dir().join("twiggy");
    let bin = root.join("bin/twiggy");
    let pinned = Command::new(&bin)
        .arg("--version")
        .output()
        .ok()
        .is_some_and(|o| String::from_utf8_lossy(&o.stdout).contains(TWIGGY_VERSION));
    if !pinned {
        tools::step(&format!(
            "installing twiggy {TWIGGY_VERSION} (cargo install --locked, a few minutes, once)"
        ));
        tools::run(
            "cargo",
            &[
                "install",
                "twiggy",
                "--locked",
                "--version",
                TWIGGY_VERSION,
                "--root",
                &root.to_string_lossy(),
            ],
        )?;
    }
    Ok(bin.to_string_lossy().into_owned())
}

/// Whether a twiggy item is a custom section (function names, producers):
/// kept by this build to name things, stripped from the shipped bundle.
fn is_custom_section(name: &str) -> bool {
    name.ends_with("subsection") || name.starts_with("custom section")
}

/// The crate a twiggy item belongs to: the first path segment of its
/// demangled name (`<serde_json::de::…>` → `serde_json`); an impl of a
/// trait for a type without a path (`<F as tachys::…>`, `<[T] as core::…>`)
/// belongs to the trait's crate; data segments and unnamed items are
/// grouped as such.
pub(crate) fn crate_of(name: &str) -> String {
    let n = name.trim_start_matches(['<', '&', '*', ' ']);
    let n = n.strip_prefix("mut ").unwrap_or(n);
    let n = n.strip_prefix("dyn ").unwrap_or(n);
    if n.starts_with("data[") || n.starts_with("data segment") {
        return "(data: strings, tables)".into();
    }
    if let Some((ty, tr)) = n.split_once(" as ")
        && !ty.contains("::")
    {
        return crate_of(tr);
    }
    // `dlmalloc[e24a…]::…`: the crate's disambiguator is not its name.
    let head = n
        .split_once("::")
        .map(|(h, _)| h.split('[').next().unwrap_or(h));
    match head {
        Some(h) if !h.is_empty() && !h.contains([' ', '(', '[']) => h.to_string(),
        _ => "(other: imports, exports, glue)".into(),
    }
}

/// Every item of `wasm` as `(name, bytes)`.
fn items(twiggy: &str, wasm: &Path) -> Result<Vec<(String, u64)>, String> {
    let out = Command::new(twiggy)
        .args(["top", "--format", "json", "-n", "1000000"])
        .arg(wasm)
        .output()
        .map_err(|e| format!("twiggy: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "twiggy top failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let v: Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("twiggy's JSON: {e}"))?;
    Ok(v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| Some((i["name"].as_str()?.to_string(), i["shallow_size"].as_u64()?)))
        .filter(|(name, _)| !is_custom_section(name))
        .collect())
}

fn cut(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Bytes added up by crate, biggest first.
pub(crate) fn by_crate(items: &[(String, u64)]) -> Vec<(String, u64)> {
    let mut sums: BTreeMap<String, u64> = BTreeMap::new();
    for (name, bytes) in items {
        *sums.entry(crate_of(name)).or_default() += bytes;
    }
    let mut rows: Vec<(String, u64)> = sums.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows
}

fn report(name: &str, items: &[(String, u64)]) {
    let total: u64 = items.iter().map(|(_, b)| b).sum();
    let pct = |b: u64| b as f64 * 100.0 / total.max(1) as f64;
    println!("\n{name}: {total} bytes of wasm before wasm-opt (names stripped), by crate");
    println!("{:<44} {:>9} {:>6}", "crate", "bytes", "%");
    for (c, b) in by_crate(items).into_iter().take(ROWS) {
        println!("{:<44} {:>9} {:>5.1}%", cut(&c, 44), b, pct(b));
    }
    let mut biggest = items.to_vec();
    biggest.sort_by_key(|b| std::cmp::Reverse(b.1));
    println!("\n{name}: the {ROWS} biggest items");
    println!("{:<72} {:>8} {:>6}", "item", "bytes", "%");
    for (n, b) in biggest.into_iter().take(ROWS) {
        println!("{:<72} {:>8} {:>5.1}%", cut(&n, 72), b, pct(b));
    }
}

/// Builds the bundles named in `only` (every one when empty) with names
/// and prints where their bytes go.
pub(crate) fn why(only: &[String]) -> Result<(), String> {
    tools::ensure_wasm_toolchain()?;
    let twiggy = twiggy()?;
    let chosen: Vec<_> = VARIANTS
        .iter()
        .filter(|v| only.is_empty() || only.iter().any(|o| o == v.name))
        .collect();
    if chosen.is_empty() {
        let names: Vec<&str> = VARIANTS.iter().map(|v| v.name).collect();
        return Err(format!(
            "no such bundle; the bundles are {}",
            names.join(", ")
        ));
    }
    for v in chosen {
        let out = tools::target_dir().join("tongxin-why").join(v.name);
        tools::step(&format!(
            "building the {} bundle with its names (as `bundle`, without wasm-opt)",
            v.name
        ));
        bundle::wasm_pack_with(
            "crates/tongxin-embed",
            v.name,
            Some(v.features),
            &out,
            &["--no-opt"],
        )?;
        let wasm = out.join(format!("{}_bg.wasm", v.name));
        report(v.name, &items(&twiggy, &wasm)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_grouped_by_their_crate() {
        assert_eq!(
            crate_of("serde_json::de::Deserializer::parse_any"),
            "serde_json"
        );
        assert_eq!(
            crate_of("<tongxin_widgets::poll::PollCard as leptos::IntoView>::into_view"),
            "tongxin_widgets"
        );
        assert_eq!(
            crate_of("<&mut serde_json::ser::Serializer<W> as serde::Serializer>::x"),
            "serde_json"
        );
        assert_eq!(crate_of("data[3]"), "(data: strings, tables)");
        assert_eq!(
            crate_of("import wbg __wbindgen_throw"),
            "(other: imports, exports, glue)"
        );
        assert_eq!(
            crate_of("<F as tachys::reactive_graph::ReactiveFunction>::invoke::h41"),
            "tachys"
        );
        assert_eq!(crate_of("<[T] as core::slice::Join>::join"), "core");
        assert_eq!(
            crate_of("<dlmalloc[e24a27]::dlmalloc::Dlmalloc<A>>::malloc"),
            "dlmalloc"
        );
        assert!(is_custom_section("\"function names\" subsection"));
        let rows = by_crate(&[("a::x".into(), 5), ("b::y".into(), 9), ("a::z".into(), 6)]);
        assert_eq!(rows, vec![("a".to_string(), 11), ("b".to_string(), 9)]);
    }
}
