//! The staff console's bundle (`cargo xtask bundle`, into
//! `target/tongxin-bundle/console/`): one wasm-pack build of
//! `tongxin-console`, tuned for size like the widgets, with content-hashed
//! `console.<hash>.js|wasm|css` and the page `index.html` that names them;
//! the server serves that folder at `/console/`. Residents' pages never
//! name these files: the widgets' loader knows nothing of them.

use std::path::Path;

use crate::bundle::{
    absolute, hashed, minify_css, minify_js, precompress, read, trusted_html, wasm_pack_crate,
    write,
};
use crate::tools;

/// The page; `{css}`, `{js}` and `{wasm}` are the hashed names.
const PAGE: &str = r#"<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <link rel="icon" href="data:,">
  <meta name="tongxin-console-wasm" content="{wasm}">
  <title>同心 · 工作台</title>
  <link rel="stylesheet" href="{css}">
  <script type="module" src="{js}"></script>
  <!-- The widgets' loader, for the live preview of an item's widget. -->
  <script type="module" src="/tongxin/tongxin.js"></script>
</head>
<body>
  <noscript>工作台需要启用 JavaScript。</noscript>
</body>
</html>
"#;

/// Builds the console into `bundle/console/`.
pub(crate) fn build(bundle: &Path) -> Result<(), String> {
    tools::step("building the staff console (wasm-pack --release, opt-level z, LTO, wasm-opt -Oz)");
    let out = absolute(tools::target_dir().join("wasm-pack-out").join("console"));
    wasm_pack_crate("crates/tongxin-console", "console", None, &out)?;
    let dir = bundle.join("console");
    // Old hashed files would pile up: the folder holds one build.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let glue = std::fs::read_to_string(out.join("console.js"))
        .map_err(|e| format!("wasm-pack output: {e}"))?;
    if !glue.contains("function __wbg_init") || !glue.contains("export function start_console") {
        return Err(
            "the console's wasm-bindgen module no longer defines __wbg_init or start_console; update crates/tongxin-console/js/start.js"
                .into(),
        );
    }
    let start =
        std::fs::read_to_string("crates/tongxin-console/js/start.js").map_err(|e| e.to_string())?;
    let wasm = read(&out.join("console_bg.wasm"))?;
    let wasm_name = hashed("console", "wasm", &wasm);
    write(&dir, &wasm_name, &wasm)?;
    let js = minify_js(&format!("{}{start}", trusted_html(&glue)))?;
    let js_name = hashed("console", "js", js.as_bytes());
    write(&dir, &js_name, js.as_bytes())?;
    let css = read(Path::new("crates/tongxin-console/styles/console.css"))?;
    let css = minify_css(&String::from_utf8_lossy(&css)).into_bytes();
    let css_name = hashed("console", "css", &css);
    write(&dir, &css_name, &css)?;
    let page = PAGE
        .replace("{css}", &css_name)
        .replace("{js}", &js_name)
        .replace("{wasm}", &wasm_name);
    write(&dir, "index.html", page.as_bytes())?;
    precompress(&dir)?;
    Ok(())
}
