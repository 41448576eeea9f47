//! When a failed delivery is tried again: soon at first, then further
//! apart (5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then every
//! 4 h), and never later than 24 hours after the event, when the delivery
//! is given up (staff can still send it again from the console).

use crate::Millis;

/// A delivery still failing this long after its event is given up.
pub const GIVE_UP_AFTER_MS: Millis = 24 * 3600 * 1000;

const DELAYS_S: [i64; 8] = [5, 30, 120, 600, 1800, 3600, 7200, 14400];

/// The wait before attempt `attempts + 1`, after `attempts` failed ones
/// (at least one), or `None` when the event is older than
/// [`GIVE_UP_AFTER_MS`] by then.
pub fn retry_delay_ms(attempts: u32, event_at: Millis, now: Millis) -> Option<Millis> {
    let i = (attempts.max(1) - 1) as usize;
    let wait = DELAYS_S[i.min(DELAYS_S.len() - 1)] * 1000;
    (now + wait <= event_at + GIVE_UP_AFTER_MS).then_some(wait)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_stop_after_a_day() {
        assert_eq!(retry_delay_ms(1, 0, 0), Some(5_000));
        assert_eq!(retry_delay_ms(2, 0, 5_000), Some(30_000));
        assert_eq!(retry_delay_ms(30, 0, 3_600_000), Some(14_400_000));
        assert_eq!(retry_delay_ms(9, 0, GIVE_UP_AFTER_MS - 1_000), None);
        // Every attempt fits in the day: the schedule reaches 24 h.
        let (mut now, mut n) = (0, 1);
        while let Some(w) = retry_delay_ms(n, 0, now) {
            now += w;
            n += 1;
        }
        assert!(
            now <= GIVE_UP_AFTER_MS && now > GIVE_UP_AFTER_MS - 4 * 3600 * 1000,
            "{now}"
        );
        assert!(n > 10, "{n} attempts in a day");
    }
}
