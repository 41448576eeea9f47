//! Signing in: what a sign-in name and a password may be, how long a
//! console session lasts, and how failed attempts slow the next ones.

use super::StaffError;
use crate::Millis;

/// How long a console session lasts: a working day.
pub const SESSION_MS: Millis = 8 * 3600 * 1000;
/// The window in which failed sign-ins are counted.
pub const SIGN_IN_WINDOW_MS: Millis = 15 * 60 * 1000;
/// How long records of sign-in attempts are kept (90 days): long enough
/// to look back on an attack, and the table stays small.
pub const SIGN_IN_RECORDS_KEPT_MS: Millis = 90 * 86_400_000;
/// Failed sign-ins allowed for one login from one client address (an
/// IPv6 /64 counts as one) in [`SIGN_IN_WINDOW_MS`]: past it *that address*
/// waits, and the account's owner signs in from anywhere else.
pub const SIGN_IN_FAILURES_PER_LOGIN_AND_ADDRESS: usize = 5;
/// Failed sign-ins allowed per client address in [`SIGN_IN_WINDOW_MS`],
/// over all logins (a street office shares one address).
pub const SIGN_IN_FAILURES_PER_ADDRESS: usize = 20;
/// Failed sign-ins allowed per login from all addresses together in
/// [`SIGN_IN_WINDOW_MS`]: only a guessing attack spread over many
/// addresses reaches it, and then the login waits for everyone until the
/// window has passed (an administrator can meanwhile set a new password,
/// which does not lift the wait: the attack is what has to stop).
pub const SIGN_IN_FAILURES_PER_LOGIN: usize = 100;

/// The failed sign-ins within the window that bear on one attempt (any
/// order). An attempt in progress counts as a failure until it succeeds,
/// so attempts racing each other cannot pass the limit together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInFailures {
    /// For this login from this address.
    pub login_from_address: Vec<Millis>,
    /// From this address, any login.
    pub address: Vec<Millis>,
    /// For this login, any address.
    pub login: Vec<Millis>,
}

/// Seconds to wait before the next sign-in attempt, given the failures
/// that bear on it; `None` when the attempt may go ahead.
pub fn sign_in_wait(failures: &SignInFailures, now: Millis) -> Option<u64> {
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
        wait(
            &failures.login_from_address,
            SIGN_IN_FAILURES_PER_LOGIN_AND_ADDRESS,
        ),
        wait(&failures.address, SIGN_IN_FAILURES_PER_ADDRESS),
        wait(&failures.login, SIGN_IN_FAILURES_PER_LOGIN),
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
        let pair = |times: Vec<Millis>| SignInFailures {
            login_from_address: times.clone(),
            address: times.clone(),
            login: times,
        };
        // Four failures on a login from one address: the fifth attempt may go ahead.
        let four: Vec<Millis> = (1..=4).map(|i| now - i * minute).collect();
        assert_eq!(sign_in_wait(&pair(four), now), None);
        // Five: wait until the oldest of them (5 minutes ago) leaves the window.
        let five: Vec<Millis> = (1..=5).map(|i| now - i * minute).collect();
        assert_eq!(sign_in_wait(&pair(five.clone()), now), Some(10 * 60));
        // The same five from other addresses: the owner's address goes ahead.
        let elsewhere = SignInFailures {
            login: five,
            ..SignInFailures::default()
        };
        assert_eq!(sign_in_wait(&elsewhere, now), None);
        // Older failures do not count.
        let old: Vec<Millis> = (0..500).map(|i| now - SIGN_IN_WINDOW_MS - i).collect();
        assert_eq!(sign_in_wait(&pair(old), now), None);
        // An address with 20 failures over many logins waits too.
        let many: Vec<Millis> = (0..20).map(|i| now - 1000 - i).collect();
        let address = SignInFailures {
            address: many,
            ..SignInFailures::default()
        };
        assert_eq!(sign_in_wait(&address, now), Some(15 * 60 - 1));
        // A login guessed at from 100 addresses waits for everyone.
        let spread: Vec<Millis> = (0..100).map(|i| now - 1000 - i).collect();
        let login = SignInFailures {
            login: spread,
            ..SignInFailures::default()
        };
        assert_eq!(sign_in_wait(&login, now), Some(15 * 60 - 1));
        // Never a zero wait.
        let edge: Vec<Millis> = (0..5).map(|_| now - SIGN_IN_WINDOW_MS + 1).collect();
        assert_eq!(sign_in_wait(&pair(edge), now), Some(1));
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
