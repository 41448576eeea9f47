//! Room on the disk for a test run, checked before it starts.
//!
//! A run that fills the disk fails half-way with "No space left on device"
//! from the linker, which says nothing about why. This checks first: the
//! build cache may grow to about what a cold run writes, so the disk must
//! have that much free beyond what the cache already holds. When it has
//! not, the cache is the one thing that may go (nothing depends on it but
//! speed); if that still does not make room, the run stops with the figures.

use std::path::Path;
use std::process::Command;

/// What one cold `cargo xtask test` leaves in its target directory (the
/// clippy, test, wasm and bundle builds, the single binary, Directus and
/// the Schemathesis venv), in KiB: 5.7 GiB measured on 2026-12-03 with the
/// profile of the workspace Cargo.toml (8.0 GiB while the PostgreSQL pass
/// still built the dependencies a second time), rounded up.
const COLD_RUN_KIB: u64 = 6 * 1024 * 1024;

/// Room beyond that for temporary files: the throwaway PostgreSQL, test
/// databases, screenshots, the npm tarball.
const SLACK_KIB: u64 = 2 * 1024 * 1024;

/// Makes sure a test run has room on the disk of `target` (the cargo
/// target directory), removing a build cache that stands in the way.
pub(crate) fn ensure_room(target: &Path) -> Result<(), String> {
    std::fs::create_dir_all(target).map_err(|e| format!("{}: {e}", target.display()))?;
    let free = free_kib(target)?;
    let cached = used_kib(target)?;
    let needed = COLD_RUN_KIB.saturating_sub(cached) + SLACK_KIB;
    if free >= needed {
        return Ok(());
    }
    crate::tools::step(&format!(
        "only {} free on the disk of {}; this run may need {}: removing the build cache there ({}) to make room",
        gib(free),
        target.display(),
        gib(needed),
        gib(cached)
    ));
    std::fs::remove_dir_all(target).map_err(|e| format!("{}: {e}", target.display()))?;
    std::fs::create_dir_all(target).map_err(|e| format!("{}: {e}", target.display()))?;
    let free = free_kib(target)?;
    let needed = COLD_RUN_KIB + SLACK_KIB;
    if free >= needed {
        Ok(())
    } else {
        Err(format!(
            "not enough disk for a test run: {} free on the disk of {}, a cold run needs about {}; free some space (or point CARGO_TARGET_DIR at a larger disk) and run again",
            gib(free),
            target.display(),
            gib(needed)
        ))
    }
}

/// Free space on the file system holding `dir` (`df -Pk`), in KiB.
fn free_kib(dir: &Path) -> Result<u64, String> {
    figure_of("df", "-Pk", dir, available_column)
}

/// The "Available" figure of `df -P` output (header, then one line).
fn available_column(df: &str) -> Option<u64> {
    df.lines().nth(1)?.split_whitespace().nth(3)?.parse().ok()
}

/// What `dir` holds (`du -sk`), in KiB.
fn used_kib(dir: &Path) -> Result<u64, String> {
    figure_of("du", "-sk", dir, |du| {
        du.split_whitespace().next()?.parse().ok()
    })
}

/// Runs `program flag dir` and picks a figure out of what it printed.
fn figure_of(
    program: &str,
    flag: &str,
    dir: &Path,
    pick: impl Fn(&str) -> Option<u64>,
) -> Result<u64, String> {
    let out = Command::new(program)
        .arg(flag)
        .arg(dir)
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    pick(&String::from_utf8_lossy(&out.stdout))
        .ok_or_else(|| format!("{program} {flag} printed no figure for {}", dir.display()))
}

/// KiB as GiB with one decimal, for messages.
fn gib(kib: u64) -> String {
    format!("{:.1} GiB", kib as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_available_column_of_df() {
        let df = "Filesystem     1024-blocks      Used Available Capacity Mounted on\n\
                  /dev/vda         263174212  21730340  74007812      23% /\n";
        assert_eq!(available_column(df), Some(74_007_812));
    }

    #[test]
    fn refuses_df_output_without_a_figure() {
        assert_eq!(available_column(""), None);
        assert_eq!(
            available_column("Filesystem 1024-blocks Used Available\n"),
            None
        );
        assert_eq!(available_column("h\n/dev/vda 1 2 lots 3% /\n"), None);
    }

    #[test]
    fn shows_gib_with_one_decimal() {
        assert_eq!(gib(1024 * 1024), "1.0 GiB");
        assert_eq!(gib(287 * 1024), "0.3 GiB");
    }

    #[test]
    fn measures_a_real_directory_and_its_disk() {
        let dir = std::env::temp_dir().join(format!("xtask-disk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("f"), vec![7u8; 256 * 1024]).unwrap();
        let used = used_kib(&dir).unwrap();
        let free = free_kib(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(used >= 256, "du saw {used} KiB for a 256 KiB file");
        assert!(free > 0);
    }
}
