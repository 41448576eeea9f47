//! Whether the widget bundle's inputs changed since it was built. Building
//! the seven bundles and the console takes minutes, and rewriting their
//! files makes cargo rebuild the server that embeds them; when nothing they
//! are made from changed, `cargo xtask demo` and `test` keep the bundle as
//! it is. The fingerprint covers every file of the crates compiled to
//! WebAssembly, the lock files, the build settings and this tool's build
//! steps, and the toolchain's version, so a stale bundle cannot survive a
//! change to any of them.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

/// Where the fingerprint of the bundle's inputs is kept, inside the bundle.
const STAMP: &str = ".inputs";

/// Everything a bundle is made from (directories are read whole).
const INPUTS: &[&str] = &[
    "crates/tongxin-core",
    "crates/tongxin-client",
    "crates/tongxin-widgets",
    "crates/tongxin-embed",
    "crates/tongxin-console",
    "Cargo.toml",
    "Cargo.lock",
    "package-lock.json",
    ".cargo/config.toml",
    "xtask/src/bundle.rs",
    "xtask/src/css_split.rs",
    "xtask/src/console.rs",
    "xtask/src/tools.rs",
    "xtask/src/fingerprint.rs",
];

/// The files under `path` (itself, if a file), sorted.
fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for c in children {
        let name = c.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name != "target" && name != "node_modules" && !name.starts_with('.') {
            files(&c, out);
        }
    }
}

/// The fingerprint of the bundle's inputs as they are now, in the
/// workspace at the current directory.
pub(crate) fn of_inputs() -> String {
    of_inputs_in(Path::new("."))
}

/// [`of_inputs`] of the workspace at `root`; the same for every clone.
fn of_inputs_in(root: &Path) -> String {
    let mut h = Sha256::new();
    let mut all = Vec::new();
    for input in INPUTS {
        files(&root.join(input), &mut all);
    }
    for f in all {
        let bytes = std::fs::read(&f).unwrap_or_default();
        let name = f.strip_prefix(root).unwrap_or(&f);
        h.update(name.to_string_lossy().as_bytes());
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(&bytes);
    }
    // The compiler and every CARGO_PROFILE_* / RUSTFLAGS setting too.
    let rustc = Command::new("rustc")
        .arg("-V")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    h.update(&rustc);
    let mut vars: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("CARGO_PROFILE_") || k.contains("RUSTFLAGS"))
        .collect();
    vars.sort();
    for (k, v) in vars {
        h.update(format!("{k}={v}\n").as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `bundle` was built from inputs with this fingerprint (and was
/// built whole: the stamp is written last).
pub(crate) fn matches(bundle: &Path, fingerprint: &str) -> bool {
    std::fs::read_to_string(bundle.join(STAMP)).is_ok_and(|s| s.trim() == fingerprint)
        && bundle.join("manifest.json").is_file()
}

/// Records that `bundle` was built from inputs with this fingerprint.
pub(crate) fn stamp(bundle: &Path, fingerprint: &str) -> Result<(), String> {
    std::fs::write(bundle.join(STAMP), fingerprint).map_err(|e| format!("{STAMP}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_matches_only_its_own_fingerprint_and_a_whole_build() {
        let dir = std::env::temp_dir().join(format!("tongxin-fp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        assert!(!matches(&dir, "abc"), "no stamp");
        stamp(&dir, "abc").unwrap();
        assert!(!matches(&dir, "abc"), "no manifest: a build cut short");
        std::fs::write(dir.join("manifest.json"), "{}").unwrap();
        assert!(matches(&dir, "abc"));
        assert!(!matches(&dir, "abd"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_fingerprint_is_stable_and_covers_the_sources() {
        // xtask's tests run in xtask/; the inputs are the workspace's.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let a = of_inputs_in(root);
        let b = of_inputs_in(root);
        let mut seen = Vec::new();
        files(&root.join("crates/tongxin-widgets"), &mut seen);
        assert_eq!(a, b);
        // A copy of the inputs elsewhere has the same fingerprint.
        let copy = std::env::temp_dir().join(format!("tongxin-fp-copy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&copy);
        for input in INPUTS {
            let mut found = Vec::new();
            files(&root.join(input), &mut found);
            for f in found {
                let to = copy.join(f.strip_prefix(root).unwrap());
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(&f, &to).unwrap();
            }
        }
        assert_eq!(of_inputs_in(&copy), a);
        std::fs::write(copy.join("crates/tongxin-widgets/src/lib.rs"), "// changed").unwrap();
        assert_ne!(of_inputs_in(&copy), a, "a changed source changes it");
        std::fs::remove_dir_all(&copy).unwrap();
        assert_eq!(a.len(), 64);
        assert!(seen.iter().any(|f| f.ends_with("src/lib.rs")), "{seen:?}");
    }
}
