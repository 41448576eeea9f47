//! Signing in: what a sign-in name and a password may be, how long a
//! console session lasts, and how failed attempts slow the next ones.

use super::StaffError;
use crate::Millis;

/// How long a console session lasts: a working day.
pub const SESSION_MS: Millis = 8 * 3600 * 1000;
/// The window in which failed sign-ins are counted.
pub const SIGN_IN_WINDOW_MS: Millis = 15 * 60 * 1000;
/// Failed sign-ins allowed per login in [`SIGN_IN_WINDOW_MS`].
pub const SIGN_IN_FAILURES_PER_LOGIN: usize = 5;
/// Failed sign-ins allowed per client address in [`SIGN_IN_WINDOW_MS`]
/// (a street office shares one address).
pub const SIGN_IN_FAILURES_PER_ADDRESS: usize = 20;

/// Seconds to wait before the next sign-in attempt, given the times of the
/// failed attempts for the login and for the client's address within the
/// window (any order); `None` when an attempt may go ahead.
pub fn sign_in_wait(by_login: &[Millis], by_address: &[Millis], now: Millis) -> Option<u64> {
    let wait = |times: &[Millis], allowed: usize| -> Option<Millis> {
        let mut recent: Vec<Millis> = times
            .iter()
            .copied()
            .filter(|t| now - t < SIGN_IN_WINDOW_MS)
            .collect();
        if recent.len() < allowed {
            return None;
        }
        recent.sort_unstable();
        // Below the limit again once this failure leaves the window.
        Some(recent[recent.len() - allowed] + SIGN_IN_WINDOW_MS - now)
    };
    let ms = [
        wait(by_login, SIGN_IN_FAILURES_PER_LOGIN),
        wait(by_address, SIGN_IN_FAILURES_PER_ADDRESS),
    ]
    .into_iter()
    .flatten()
    .max()?;
    Some((ms.max(0) as u64).div_ceil(1000).max(1))
}

/// The shortest and longest sign-in name.
pub const LOGIN_CHARS: (usize, usize) = (3, 32);
/// The shortest password; the longest is capped so that hashing stays cheap.
pub const PASSWORD_CHARS: (usize, usize) = (10, 128);

/// Checks a sign-in name (they are stored as given: lower case only).
pub fn check_login(login: &str) -> Result<(), StaffError> {
    let n = login.chars().count();
    let ok = (LOGIN_CHARS.0..=LOGIN_CHARS.1).contains(&n)
        && login.starts_with(|c: char| c.is_ascii_lowercase())
        && login
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(StaffError::BadLogin)
    }
}

/// Checks a new password's length (in characters, so Chinese passphrases
/// count as a reader would count them).
pub fn check_password(password: &str) -> Result<(), StaffError> {
    let n = password.chars().count();
    if (PASSWORD_CHARS.0..=PASSWORD_CHARS.1).contains(&n) {
        Ok(())
    } else {
        Err(StaffError::BadPassword)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_sign_ins_make_the_next_attempt_wait() {
        let now = 10 * SIGN_IN_WINDOW_MS;
        let minute = 60_000;
        // Four failures on a login: the fifth attempt may go ahead.
        let four: Vec<Millis> = (1..=4).map(|i| now - i * minute).collect();
        assert_eq!(sign_in_wait(&four, &four, now), None);
        // Five: wait until the oldest of them (5 minutes ago) leaves the window.
        let five: Vec<Millis> = (1..=5).map(|i| now - i * minute).collect();
        assert_eq!(sign_in_wait(&five, &[], now), Some(10 * 60));
        // Older failures do not count.
        let old: Vec<Millis> = (0..50).map(|i| now - SIGN_IN_WINDOW_MS - i).collect();
        assert_eq!(sign_in_wait(&old, &old, now), None);
        // An address with 20 failures over many logins waits too.
        let many: Vec<Millis> = (0..20).map(|i| now - 1000 - i).collect();
        assert_eq!(sign_in_wait(&[], &many, now), Some(15 * 60 - 1));
        // Never a zero wait.
        let edge: Vec<Millis> = (0..5).map(|_| now - SIGN_IN_WINDOW_MS + 1).collect();
        assert_eq!(sign_in_wait(&edge, &[], now), Some(1));
    }

    #[test]
    fn logins_and_passwords() {
        for ok in [
            "wang.li",
            "abc",
            "zhang_3-b",
            "a23456789012345678901234567890ab",
        ] {
            assert_eq!(check_login(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "ab",
            "Wang",
            "1abc",
            "wang li",
            "王丽",
            "a<script>",
            "a23456789012345678901234567890abc",
        ] {
            assert_eq!(check_login(bad), Err(StaffError::BadLogin), "{bad}");
        }
        assert_eq!(check_password("短密码"), Err(StaffError::BadPassword));
        assert_eq!(
            check_password("毕节广场文明公约很好"),
            Ok(()),
            "ten Chinese characters"
        );
        assert_eq!(check_password(&"x".repeat(128)), Ok(()));
        assert_eq!(
            check_password(&"x".repeat(129)),
            Err(StaffError::BadPassword)
        );
    }
}
