//! Which version of the REST contract this build speaks, and whether a
//! server's is newer. The server writes [`VERSION`] into `/openapi.json`
//! and the `Tongxin-Contract` header of every API answer; the widgets read
//! that header and warn the site's developer once when the server speaks a
//! newer contract than the bundle knows (new fields or operations may then
//! go unused). Versions are `major.minor.patch`; a newer patch is not news.

/// The contract version of this build (`major.minor.patch`).
pub const VERSION: &str = "1.5.0";

/// The header in which the reference server names its contract version.
pub const HEADER: &str = "tongxin-contract";

/// `major.minor` of a version string (`1`, `1.2`, `1.2.3`), if it is one.
/// Digits by hand rather than `str::parse`: this runs in every widget
/// bundle, where the general integer parser costs bytes.
fn major_minor(v: &str) -> Option<(u32, u32)> {
    let mut parts = [0u32; 2];
    let mut at = 0;
    let mut digits = false;
    for b in v.trim().bytes() {
        match b {
            b'0'..=b'9' => {
                parts[at] = parts[at]
                    .checked_mul(10)?
                    .checked_add(u32::from(b - b'0'))?;
                digits = true;
            }
            b'.' if digits && at == 0 => {
                at = 1;
                digits = false;
            }
            b'.' if digits => return Some((parts[0], parts[1])),
            _ => return None,
        }
    }
    digits.then_some((parts[0], parts[1]))
}

/// Whether `theirs` (a server's contract version) is newer than [`VERSION`]
/// in its major or minor number. Anything unreadable is not newer.
pub fn is_newer(theirs: &str) -> bool {
    match (major_minor(theirs), major_minor(VERSION)) {
        (Some(t), Some(ours)) => t > ours,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_version_is_readable_and_not_newer() {
        assert!(major_minor(VERSION).is_some());
        assert!(!is_newer(VERSION));
    }

    #[test]
    fn newer_minor_or_major_is_news_a_patch_is_not() {
        let (major, minor) = major_minor(VERSION).unwrap();
        assert!(is_newer(&format!("{major}.{}.0", minor + 1)));
        assert!(is_newer(&format!("{}.0.0", major + 1)));
        assert!(is_newer(&format!("{major}.{}", minor + 1)));
        assert!(!is_newer(&format!("{major}.{minor}.99")));
        assert!(!is_newer("0.9.0"));
    }

    #[test]
    fn garbage_is_not_newer() {
        for v in [
            "",
            "v2",
            "2.x",
            "banana",
            "9999999999999.0",
            "..",
            "-1.0",
            "1.",
        ] {
            assert!(!is_newer(v), "{v:?}");
        }
    }
}
