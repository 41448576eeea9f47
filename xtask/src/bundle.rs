//! The widget bundles (`cargo xtask bundle`, into `target/tongxin-bundle/`):
//!
//! * one wasm-pack build of `tongxin-embed` per [`VARIANTS`] entry, each
//!   with its cargo features, tuned for size (opt-level "z", fat LTO, one
//!   codegen unit, panic = "abort", Leptos' `--cfg erase_components`,
//!   `wasm-opt -Oz`);
//! * content-hashed names (`poll.3f9a1c2b.wasm`, `poll.…js` = wasm-bindgen's
//!   module + `js/start.js` (+ `js/live.js` for bundles whose widgets
//!   follow live figures), `poll.….css` = the rules of `tongxin.css` its
//!   widgets can use, see [`css_split`]), cached for good by servers;
//! * the loader `tongxin.js` (`js/loader.js` with the manifest of bundles
//!   written in), the one stable URL a page names;
//! * every file also precompressed as `.br` and `.gz`.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::{css_split, fingerprint, tools};

/// One bundle: its name, the cargo features it is built with, the widgets
/// it draws and whether it reaches other backends (mapping, adapter).
pub(crate) struct Variant {
    /// File name stem.
    pub name: &'static str,
    /// `--features` of `tongxin-embed`.
    pub features: &'static str,
    /// `data-tongxin` kinds it can mount.
    pub widgets: &'static [&'static str],
    /// Declarative mappings and JavaScript adapters.
    pub mapping: bool,
}

/// The bundles built. A page with widgets of several families loads one
/// bundle per family, or one bundle that covers them all when that is
/// lighter; one whose widgets name another backend loads a `mapping`
/// bundle.
pub(crate) const VARIANTS: &[Variant] = &[
    Variant {
        name: "poll",
        features: "poll",
        widgets: &["poll"],
        mapping: false,
    },
    Variant {
        name: "convention",
        features: "convention",
        widgets: &["convention"],
        mapping: false,
    },
    Variant {
        name: "proposals",
        features: "proposals",
        widgets: &["proposals", "proposal", "poll"],
        mapping: false,
    },
    Variant {
        name: "indicators",
        features: "indicators",
        widgets: &["indicators"],
        mapping: false,
    },
    Variant {
        name: "budget",
        features: "budget",
        widgets: &["budget"],
        mapping: false,
    },
    // A community's home page often shows a poll beside a convention: one
    // runtime for both is lighter than two (the loader compares the bytes).
    Variant {
        name: "poll-convention",
        features: "poll,convention",
        widgets: &["poll", "convention"],
        mapping: false,
    },
    Variant {
        name: "poll-mapping",
        features: "poll,mapping",
        widgets: &["poll"],
        mapping: true,
    },
    Variant {
        name: "all-mapping",
        features: "poll,convention,proposals,indicators,budget,mapping",
        widgets: &[
            "poll",
            "convention",
            "proposals",
            "proposal",
            "indicators",
            "budget",
        ],
        mapping: true,
    },
];

/// Where the bundle is assembled.
pub(crate) fn dir() -> PathBuf {
    absolute(tools::target_dir().join("tongxin-bundle"))
}

pub(crate) fn absolute(p: PathBuf) -> PathBuf {
    if p.is_absolute() {
        p
    } else {
        std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p)
    }
}

/// `name.<first 10 hex digits of sha256>.ext`.
pub(crate) fn hashed(stem: &str, ext: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
    format!("{stem}.{hex}.{ext}")
}

pub(crate) fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(dir.join(name), bytes).map_err(|e| format!("{name}: {e}"))
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Builds one variant with wasm-pack into `out`.
fn wasm_pack(v: &Variant, out: &Path) -> Result<(), String> {
    tools::step(&format!(
        "building the {} bundle (wasm-pack --release, features {}, opt-level z, LTO, wasm-opt -Oz)",
        v.name, v.features
    ));
    wasm_pack_crate("crates/tongxin-embed", v.name, Some(v.features), out)
}

/// wasm-pack of `krate` (`--target web`, release, tuned for size) into
/// `out` as `name.js` + `name_bg.wasm`, with `features` instead of the
/// default ones when given.
pub(crate) fn wasm_pack_crate(
    krate: &str,
    name: &str,
    features: Option<&str>,
    out: &Path,
) -> Result<(), String> {
    wasm_pack_with(krate, name, features, out, &[])
}

/// [`wasm_pack_crate`] with more wasm-pack flags (`--no-opt` for a build
/// that keeps its function names, read by `cargo xtask size --why`).
pub(crate) fn wasm_pack_with(
    krate: &str,
    name: &str,
    features: Option<&str>,
    out: &Path,
    extra: &[&str],
) -> Result<(), String> {
    let mut cmd = Command::new("wasm-pack");
    cmd.args([
        "build",
        krate,
        "--target",
        "web",
        "--release",
        "--mode",
        "no-install",
        "--no-typescript",
        "--no-pack",
    ])
    .args(extra)
    .arg("--out-dir")
    .arg(out)
    .args(["--out-name", name]);
    if let Some(f) = features {
        cmd.args(["--", "--no-default-features", "--features", f]);
    }
    let status = cmd
        .env("PATH", tools::tool_path())
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z")
        .env("CARGO_PROFILE_RELEASE_LTO", "true")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort")
        .env("CARGO_PROFILE_RELEASE_STRIP", "false")
        // Leptos' type-erased components: less view code monomorphised per
        // component (docs/performance.md has the saving).
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "--cfg erase_components",
        )
        .status()
        .map_err(|e| format!("wasm-pack: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("wasm-pack build of {name} ({krate}) failed"))
    }
}

/// Drops whole-line comments (`// …`, `/* … */` blocks that start a line)
/// and blank lines: the loader's source is written to be read, but every
/// page downloads it. Code lines are left exactly as they are.
fn strip_comments(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_block = false;
    for line in js.lines() {
        let t = line.trim_start();
        if in_block {
            in_block = !t.contains("*/");
            continue;
        }
        if t.starts_with("/*") {
            in_block = !t.contains("*/");
            continue;
        }
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// JavaScript minified by esbuild (whitespace, comments, local names;
/// `--target=esnext`: no syntax is rewritten). wasm-bindgen's module and
/// the loader lose about a quarter of their brotli bytes.
pub(crate) fn minify_js(js: &str) -> Result<String, String> {
    use std::io::Write;
    let mut child = Command::new("node_modules/.bin/esbuild")
        .args([
            "--minify",
            "--format=esm",
            "--target=esnext",
            "--loader=js",
            "--log-level=warning",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("esbuild (npm, installed with vite): {e}"))?;
    child
        .stdin
        .take()
        .ok_or("esbuild: no stdin")?
        .write_all(js.as_bytes())
        .map_err(|e| format!("esbuild: {e}"))?;
    let out = child
        .wait_with_output()
        .map_err(|e| format!("esbuild: {e}"))?;
    if !out.status.success() {
        return Err("esbuild could not minify a bundle's JavaScript".into());
    }
    String::from_utf8(out.stdout).map_err(|e| format!("esbuild: {e}"))
}

/// The stylesheet without its comments and layout whitespace: comments go,
/// every run of whitespace becomes one space, and spaces next to `{`, `}`
/// and `;` go (elsewhere a space can matter: `a :focus`, `calc(1px - 2px)`).
pub(crate) fn minify_css(css: &str) -> String {
    let mut plain = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        plain.push_str(&rest[..start]);
        rest = rest[start + 2..]
            .find("*/")
            .map_or("", |end| &rest[start + 2 + end + 2..]);
        plain.push(' ');
    }
    plain.push_str(rest);
    let words: Vec<&str> = plain.split_whitespace().collect();
    let mut out = words.join(" ");
    for c in ["{", "}", ";"] {
        out = out
            .replace(&format!(" {c}"), c)
            .replace(&format!("{c} "), c);
    }
    out
}

/// Routes every `X.innerHTML = EXPR;` of wasm-bindgen's glue through
/// `tongxinHTML(…)` (defined in `js/start.js`), so the bundle works on
/// pages that require Trusted Types. The only callers are Leptos's static
/// templates of the widgets' own markup.
pub(crate) fn trusted_html(glue: &str) -> String {
    glue.lines()
        .map(|line| match line.split_once(".innerHTML = ") {
            Some((target, expr)) if expr.ends_with(';') && !expr.contains("tongxinHTML") => {
                format!(
                    "{target}.innerHTML = tongxinHTML({});",
                    expr.trim_end_matches(';')
                )
            }
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Routes the widgets' requests (`fetch(request)` in wasm-bindgen's import
/// for `fetch_with_request`) through `tongxinFetch` (`js/start.js`), which
/// answers a GET the loader already sent with the same URL and headers
/// with that answer. The wasm-bindgen module's own `fetch` of the wasm is
/// left alone. `None` when the glue no longer has exactly one such import.
pub(crate) fn early_fetch(glue: &str) -> Option<String> {
    const CALL: &str = "const ret = fetch(arg0);";
    let imports: Vec<usize> = glue.match_indices("__wbg_fetch_").map(|(i, _)| i).collect();
    let [at] = imports[..] else { return None };
    let call = at + glue[at..].find(CALL).filter(|k| *k < 120)?;
    Some(format!(
        "{}const ret = tongxinFetch(arg0);{}",
        &glue[..call],
        &glue[call + CALL.len()..]
    ))
}

/// Builds every bundle and the loader, installing the toolchain pieces
/// that are missing.
pub(crate) fn build() -> Result<PathBuf, String> {
    tools::ensure_wasm_toolchain()?;
    tools::ensure_apt("brotli", "brotli")?;
    let bundle = dir();
    // Nothing it is made from changed: keep it, files and times as they
    // are, so the server that embeds it is not rebuilt either.
    let inputs = fingerprint::of_inputs();
    if fingerprint::matches(&bundle, &inputs) {
        tools::step("widget bundle and console: inputs unchanged, kept as built");
        eprintln!("bundle: {}", bundle.display());
        return Ok(bundle);
    }
    // Old hashed files would pile up: the directory holds one build.
    let _ = std::fs::remove_dir_all(&bundle);
    std::fs::create_dir_all(&bundle).map_err(|e| e.to_string())?;
    let start =
        std::fs::read_to_string("crates/tongxin-embed/js/start.js").map_err(|e| e.to_string())?;
    let live =
        std::fs::read_to_string("crates/tongxin-embed/js/live.js").map_err(|e| e.to_string())?;
    let css = std::fs::read_to_string(css_split::STYLES).map_err(|e| e.to_string())?;
    let css = minify_css(&css);
    let mut entries = Vec::new();
    for v in VARIANTS {
        let out = absolute(tools::target_dir().join("wasm-pack-out").join(v.name));
        wasm_pack(v, &out)?;
        let glue = std::fs::read_to_string(out.join(format!("{}.js", v.name)))
            .map_err(|e| format!("wasm-pack output: {e}"))?;
        if !glue.contains("function __wbg_init") || !glue.contains("export function setup") {
            return Err(
                "the wasm-bindgen module no longer defines __wbg_init or setup; update js/start.js"
                    .into(),
            );
        }
        let wasm = read(&out.join(format!("{}_bg.wasm", v.name)))?;
        let wasm_name = hashed(v.name, "wasm", &wasm);
        write(&bundle, &wasm_name, &wasm)?;
        // The page's shared live streams, where a widget follows its item.
        let follows = v
            .widgets
            .iter()
            .any(|w| matches!(*w, "poll" | "convention" | "proposals" | "proposal"));
        let live = if follows { live.as_str() } else { "" };
        let glue = early_fetch(&glue).ok_or(
            "the wasm-bindgen module no longer calls fetch(arg0) in one import; update bundle::early_fetch",
        )?;
        let js = minify_js(&format!("{}{start}{live}", trusted_html(&glue)))?;
        let js_name = hashed(v.name, "js", js.as_bytes());
        write(&bundle, &js_name, js.as_bytes())?;
        // Its stylesheet: the rules its widgets can use.
        let css = css_split::keep(&css, &css_split::classes_for(Path::new("."), v.widgets)?);
        let css_name = hashed(v.name, "css", css.as_bytes());
        write(&bundle, &css_name, css.as_bytes())?;
        let bytes = brotli_len(&bundle.join(&wasm_name))?
            + brotli_len(&bundle.join(&js_name))?
            + brotli_len(&bundle.join(&css_name))?;
        entries.push(serde_json::json!({
            "name": v.name, "js": js_name, "wasm": wasm_name, "css": css_name,
            "widgets": v.widgets, "mapping": v.mapping, "bytes": bytes,
        }));
    }
    // Smallest first: the loader takes the first bundle that fits.
    entries.sort_by_key(|e| e["bytes"].as_u64());
    let manifest = serde_json::json!({
        "bundles": entries, "first": first_reads(),
        "version": env!("CARGO_PKG_VERSION"),
        "contract": tongxin_core::contract::version::VERSION,
    });
    write(
        &bundle,
        "tongxin.js",
        minify_js(&loader(&manifest, None)?)?.as_bytes(),
    )?;
    write(
        &bundle,
        "manifest.json",
        serde_json::to_string_pretty(&manifest)
            .unwrap_or_default()
            .as_bytes(),
    )?;
    precompress(&bundle)?;
    crate::console::build(&bundle)?;
    fingerprint::stamp(&bundle, &inputs)?;
    eprintln!("bundle: {}", bundle.display());
    Ok(bundle)
}

/// The reads the loader starts for each widget before its bundle is
/// ready (`tongxin_core::contract::routes::first_reads`): their paths and
/// the headers that carry the device token and the voter token.
fn first_reads() -> serde_json::Value {
    use tongxin_core::contract::routes::{first_reads, header_of};
    let paths: serde_json::Map<String, serde_json::Value> = first_reads()
        .into_iter()
        .map(|(widget, paths)| (widget.to_string(), serde_json::json!(paths)))
        .collect();
    serde_json::json!({
        "paths": paths,
        "device": header_of("device"),
        "voter": header_of("voterToken"),
    })
}

/// The loader `js/loader.js` with `manifest` written in, and, for the npm
/// package, `urls`: a JavaScript object literal naming each file with
/// `new URL("./file", import.meta.url)`, which replaces the loader's
/// run-time `here()` (bundlers only see literal URLs), and the bundle import
/// marked for Vite and webpack to leave alone.
pub(crate) fn loader(manifest: &serde_json::Value, urls: Option<&str>) -> Result<String, String> {
    const HERE: &str = "const here = (name) => new URL(name, import.meta.url).href;";
    const IMPORT: &str = "import(here(bundle.js))";
    let source =
        std::fs::read_to_string("crates/tongxin-embed/js/loader.js").map_err(|e| e.to_string())?;
    for needle in ["__TONGXIN_MANIFEST__", HERE, IMPORT] {
        if !source.contains(needle) {
            return Err(format!(
                "js/loader.js lost `{needle}`, which xtask rewrites"
            ));
        }
    }
    let mut js = strip_comments(&source).replace("__TONGXIN_MANIFEST__", &manifest.to_string());
    if let Some(urls) = urls {
        js = js
            .replace(
                HERE,
                &format!("const URLS = {urls};\nconst here = (name) => URLS[name];"),
            )
            .replace(
                IMPORT,
                "import(/* @vite-ignore */ /* webpackIgnore: true */ here(bundle.js))",
            );
    }
    Ok(js)
}

/// Writes `f.br` (brotli 11) and `f.gz` (gzip 9) beside every file.
pub(crate) fn precompress(dir: &Path) -> Result<(), String> {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    for f in files {
        for (program, args, ext) in [("brotli", ["-q", "11"], "br"), ("gzip", ["-9", "-n"], "gz")] {
            let bytes = compressed(&f, program, &args)?;
            let mut name = f.clone().into_os_string();
            name.push(format!(".{ext}"));
            std::fs::write(&name, bytes).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn compressed(path: &Path, program: &str, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new(program)
        .args(args)
        .arg("-c")
        .arg(path)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{program} failed on {}", path.display()));
    }
    Ok(out.stdout)
}

/// Brotli (quality 11) size of a file.
pub(crate) fn brotli_len(path: &Path) -> Result<u64, String> {
    compressed(path, "brotli", &["-q", "11"]).map(|b| b.len() as u64)
}

/// Gzip (level 9) size of a file.
pub(crate) fn gzip_len(path: &Path) -> Result<u64, String> {
    compressed(path, "gzip", &["-9", "-n"]).map(|b| b.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::{minify_css, trusted_html};

    #[test]
    fn css_loses_comments_and_layout_but_keeps_meaningful_spaces() {
        let css = "/* theme */\n:host {\n  --a: calc(1px - 2px);\n}\n.a :focus-visible { color: red; } /* end */";
        assert_eq!(
            minify_css(css),
            ":host{--a: calc(1px - 2px);}.a :focus-visible{color: red;}"
        );
        let real = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../crates/tongxin-widgets/styles/tongxin.css"
        ))
        .unwrap();
        let small = minify_css(&real);
        assert!(!small.contains("/*") && small.len() < real.len() * 9 / 10);
        assert_eq!(
            small.matches('{').count(),
            real.matches('{').count(),
            "no rule lost"
        );
    }

    #[test]
    fn comments_go_code_stays() {
        let js = "// head\nconst a = 1; // kept: not a whole line\n/**\n * doc\n */\n\nconst re = /a\\/b/;\n  /* one */\nexport { a };\n";
        assert_eq!(
            super::strip_comments(js),
            "const a = 1; // kept: not a whole line\nconst re = /a\\/b/;\nexport { a };\n"
        );
    }

    #[test]
    fn the_widgets_fetch_goes_through_the_early_answers() {
        let glue = "module_or_path = fetch(module_or_path);\n        __wbg_fetch_8d9b732df7467c44: function(arg0) {\n            const ret = fetch(arg0);\n            return ret;\n        },";
        let out = super::early_fetch(glue).unwrap();
        assert!(out.contains("const ret = tongxinFetch(arg0);"));
        assert!(out.contains("module_or_path = fetch(module_or_path);"));
        assert_eq!(super::early_fetch("no import here"), None);
        assert_eq!(super::early_fetch(&format!("{glue}{glue}")), None);
    }

    #[test]
    fn inner_html_goes_through_the_policy() {
        let glue = "a;\n        arg0.innerHTML = getStringFromWasm0(arg1, arg2);\nb;";
        let out = trusted_html(glue);
        assert!(out.contains("arg0.innerHTML = tongxinHTML(getStringFromWasm0(arg1, arg2));"));
        assert_eq!(trusted_html(&out), out, "applied once");
    }
}
