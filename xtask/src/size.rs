//! `cargo xtask size`: what each page family transfers from Tongxin, in
//! brotli bytes of everything it loads (loader + its bundle's JavaScript
//! and wasm + CSS), against the budgets in `size-budgets.json`.
//!
//! A family over its limit fails the command — and `cargo xtask test`, so
//! CI. The limit is the family's `target`, or its `ratchet` while it has
//! one: a measured figure + 2 %, lowered as the family shrinks and never
//! raised.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::bundle;
use crate::tools;

/// The budget file, at the repository's root.
pub(crate) const BUDGETS: &str = "size-budgets.json";

/// One page family's figure.
pub(crate) struct PageSize {
    /// Bundle name (`poll`, …).
    pub bundle: String,
    /// Brotli bytes of loader + bundle + CSS.
    pub brotli: u64,
    /// The budget's `target`.
    pub target: u64,
    /// The budget's `ratchet`, if any.
    pub ratchet: Option<u64>,
}

impl PageSize {
    /// What the family may not exceed now.
    pub(crate) fn limit(&self) -> u64 {
        self.ratchet.map_or(self.target, |r| r.max(self.target))
    }
}

fn manifest(dir: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(dir.join("manifest.json"))
        .map_err(|e| format!("{}: {e} (run cargo xtask bundle)", dir.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("manifest.json: {e}"))
}

/// The staff console's files (`console/`), for the record: staff load
/// them, residents never do, so they have no budget.
fn console_sizes(dir: &Path, out: &mut impl Write) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(dir.join("console")) else {
        return Ok(());
    };
    let mut names: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !matches!(p.extension().and_then(|e| e.to_str()), Some("br" | "gz")))
        .collect();
    names.sort();
    let mut total = 0;
    for p in &names {
        let br = bundle::brotli_len(p)?;
        total += br;
        let name = format!(
            "console/{}",
            p.file_name().and_then(|n| n.to_str()).unwrap_or("")
        );
        let _ = writeln!(
            out,
            "{name:<34} {:>10} {:>10} {br:>10}",
            std::fs::metadata(p).map_or(0, |m| m.len()),
            bundle::gzip_len(p)?
        );
    }
    let _ = writeln!(
        out,
        "{:<34} {:>10} {:>10} {total:>10}",
        "console (staff only, no budget)", "", ""
    );
    Ok(())
}

fn budgets() -> Result<Vec<Value>, String> {
    let text = std::fs::read_to_string(BUDGETS).map_err(|e| format!("{BUDGETS}: {e}"))?;
    let v: Value = serde_json::from_str(&text).map_err(|e| format!("{BUDGETS}: {e}"))?;
    v["pages"]
        .as_array()
        .cloned()
        .ok_or_else(|| format!("{BUDGETS}: no \"pages\" list"))
}

/// Measures every file of the bundle and every page family in the budget
/// file; prints both tables. With `enforce`, fails when a family is over
/// its limit.
pub(crate) fn report(enforce: bool, built: Option<PathBuf>) -> Result<Vec<PageSize>, String> {
    tools::ensure_apt("brotli", "brotli")?;
    let dir = match built {
        Some(d) => d,
        None => bundle::build()?,
    };
    let m = manifest(&dir)?;
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "\n{:<34} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip", "brotli"
    );
    let mut files: Vec<String> = vec!["tongxin.js".into()];
    for b in m["bundles"].as_array().into_iter().flatten() {
        for k in ["js", "wasm", "css"] {
            files.push(b[k].as_str().unwrap_or("").into());
        }
    }
    let mut brotli = std::collections::HashMap::new();
    for f in &files {
        let p = dir.join(f);
        let raw = std::fs::metadata(&p)
            .map_err(|e| format!("{f}: {e}"))?
            .len();
        let (gz, br) = (bundle::gzip_len(&p)?, bundle::brotli_len(&p)?);
        let _ = writeln!(out, "{f:<34} {raw:>10} {gz:>10} {br:>10}");
        brotli.insert(f.clone(), br);
    }
    console_sizes(&dir, &mut out)?;
    let _ = writeln!(
        out,
        "\n{:<42} {:>9} {:>9} {:>9}  verdict",
        "page family (brotli bytes)", "loaded", "target", "ratchet"
    );
    let mut pages = Vec::new();
    let mut over = Vec::new();
    for budget in budgets()? {
        let name = budget["bundle"].as_str().unwrap_or_default().to_string();
        let b = m["bundles"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|b| b["name"] == name.as_str())
            .ok_or_else(|| format!("{BUDGETS}: no bundle named {name}"))?;
        let file = |k: &str| {
            brotli
                .get(b[k].as_str().unwrap_or(""))
                .copied()
                .unwrap_or(0)
        };
        let loaded = brotli["tongxin.js"] + file("css") + file("js") + file("wasm");
        let page = PageSize {
            bundle: name,
            brotli: loaded,
            target: budget["target"].as_u64().unwrap_or(0),
            ratchet: budget["ratchet"].as_u64(),
        };
        let verdict = if page.brotli <= page.target {
            "within target"
        } else if page.brotli <= page.limit() {
            "over target, within ratchet"
        } else {
            over.push(format!(
                "{} ({} > {})",
                page.bundle,
                page.brotli,
                page.limit()
            ));
            "OVER"
        };
        let _ = writeln!(
            out,
            "{:<42} {:>9} {:>9} {:>9}  {verdict}",
            budget["page"].as_str().unwrap_or(&page.bundle),
            page.brotli,
            page.target,
            page.ratchet.map_or("-".into(), |r| r.to_string()),
        );
        pages.push(page);
    }
    if enforce && !over.is_empty() {
        return Err(format!(
            "page families over their size limit in {BUDGETS}: {}",
            over.join(", ")
        ));
    }
    Ok(pages)
}
