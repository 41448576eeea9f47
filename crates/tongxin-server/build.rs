//! Finds the folders the binary carries inside it — the demo site (`www/`),
//! the embedding recipes (`examples/`) and the widget bundle that
//! `cargo xtask bundle` writes — so one copied binary runs the whole demo
//! (`src/files.rs`). A folder that is missing (the bundle before its first
//! build) is embedded empty; the server then reads it from disk instead.
//!
//! Override any of them with `TONGXIN_EMBED_WWW`, `TONGXIN_EMBED_EXAMPLES`
//! and `TONGXIN_EMBED_BUNDLE`; the bundle is otherwise looked for in
//! `$CARGO_TARGET_DIR/tongxin-bundle`, then `target/tongxin-bundle`.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest.join("../..");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let empty = out.join("nothing-embedded");
    std::fs::create_dir_all(&empty).expect("OUT_DIR is writable");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| if t.is_absolute() { t } else { root.join(t) })
        .unwrap_or_else(|| root.join("target"));
    for (var, default, name) in [
        ("TONGXIN_EMBED_WWW", root.join("www"), "TONGXIN_BUILTIN_WWW"),
        (
            "TONGXIN_EMBED_EXAMPLES",
            root.join("examples"),
            "TONGXIN_BUILTIN_EXAMPLES",
        ),
        (
            "TONGXIN_EMBED_BUNDLE",
            target.join("tongxin-bundle"),
            "TONGXIN_BUILTIN_BUNDLE",
        ),
    ] {
        println!("cargo:rerun-if-env-changed={var}");
        let dir = std::env::var_os(var).map(PathBuf::from).unwrap_or(default);
        if name == "TONGXIN_BUILTIN_BUNDLE" && !dir.exists() {
            // Cargo reruns a build script on every build while a path it
            // watches is missing; an empty bundle folder (inside the target
            // directory) is watched instead, and filled by `xtask bundle`.
            let _ = std::fs::create_dir_all(&dir);
        }
        // Cargo scans a directory named here for any change inside it.
        println!("cargo:rerun-if-changed={}", dir.display());
        let chosen = if dir.is_dir() {
            absolute(&dir)
        } else {
            empty.clone()
        };
        println!("cargo:rustc-env={name}={}", chosen.display());
    }
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");
}

fn absolute(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}
