//! The period an indicator covers: a month (`2026-05`), a quarter
//! (`2026-Q2`), a year (`2026`), the last twelve months (`12m`, the
//! default) or custom dates (`2026-03-01..2026-06-30`, both days
//! included). Boundaries fall on local midnight at a fixed UTC offset
//! (China Standard Time, +08:00, unless the server is told otherwise), so
//! a signature at 23:30 on 31 May counts in May.

use serde::{Deserialize, Serialize};

use crate::Millis;

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;
/// China Standard Time, the default offset: +08:00, in minutes.
pub const DEFAULT_OFFSET_MINUTES: i32 = 480;
/// Longest custom period: ten years of months.
pub const MAX_MONTHS: usize = 120;
/// Longest accepted period string.
pub const MAX_PERIOD_LEN: usize = 32;

/// A local calendar day: days since 1970-01-01 at the period's offset.
pub type Day = i64;

/// Why a period string is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "period must be YYYY, YYYY-Qn, YYYY-MM, 12m or YYYY-MM-DD..YYYY-MM-DD (years 2000–2100, at most {MAX_MONTHS} months)"
)]
pub struct PeriodError;

/// A span of whole local days, `[first_day, end_day)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    /// The period as asked for, normalised (`2026-Q2`, `12m`, …).
    pub label: String,
    /// First local day included.
    pub first_day: Day,
    /// First local day after the period.
    pub end_day: Day,
    /// UTC offset of the local days, in minutes.
    pub offset_minutes: i32,
}

/// One calendar month of a period (clipped to it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    /// `2026-05`.
    pub label: String,
    /// First local day of the month inside the period.
    pub first_day: Day,
    /// First local day after it (inside the period).
    pub end_day: Day,
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> Day {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date `(year, month, day)` of a day number.
pub fn civil_from_days(z: Day) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The local day of instant `t` at `offset_minutes`.
pub fn local_day(t: Millis, offset_minutes: i32) -> Day {
    (t + i64::from(offset_minutes) * 60_000).div_euclid(DAY_MS)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (days_from_civil(ny, nm, 1) - days_from_civil(y, m, 1)) as u32
}

fn month_start(y: i64, m: u32) -> Day {
    days_from_civil(y, m, 1)
}

/// `(year, month)` plus `n` months.
fn add_months(y: i64, m: u32, n: i64) -> (i64, u32) {
    let idx = y * 12 + i64::from(m - 1) + n;
    (idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32)
}

fn year(s: &str) -> Result<i64, PeriodError> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PeriodError);
    }
    let y: i64 = s.parse().map_err(|_| PeriodError)?;
    if (2000..=2100).contains(&y) {
        Ok(y)
    } else {
        Err(PeriodError)
    }
}

fn number(s: &str, len: usize, range: std::ops::RangeInclusive<u32>) -> Result<u32, PeriodError> {
    if s.len() != len || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PeriodError);
    }
    let n: u32 = s.parse().map_err(|_| PeriodError)?;
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(PeriodError)
    }
}

fn date(s: &str) -> Result<Day, PeriodError> {
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(PeriodError);
    };
    let (y, m) = (year(y)?, number(m, 2, 1..=12)?);
    let d = number(d, 2, 1..=days_in_month(y, m))?;
    Ok(days_from_civil(y, m, d))
}

impl Period {
    /// Parses `s` (see the module docs); `now` places `12m`. An empty
    /// string means `12m`.
    pub fn parse(s: &str, now: Millis, offset_minutes: i32) -> Result<Period, PeriodError> {
        let s = s.trim();
        if s.len() > MAX_PERIOD_LEN || !(-720..=840).contains(&offset_minutes) {
            return Err(PeriodError);
        }
        let span = |label: String, first_day: Day, end_day: Day| Period {
            label,
            first_day,
            end_day,
            offset_minutes,
        };
        let period = if s.is_empty() || s == "12m" {
            let (y, m, _) = civil_from_days(local_day(now, offset_minutes));
            let (fy, fm) = add_months(y, m, -11);
            let (ny, nm) = add_months(y, m, 1);
            span("12m".into(), month_start(fy, fm), month_start(ny, nm))
        } else if let Some((a, b)) = s.split_once("..") {
            let (first, last) = (date(a)?, date(b)?);
            if last < first {
                return Err(PeriodError);
            }
            span(format!("{a}..{b}"), first, last + 1)
        } else if let Some((y, q)) = s.split_once("-Q") {
            let (y, q) = (year(y)?, number(q, 1, 1..=4)?);
            let m = (q - 1) * 3 + 1;
            let (ny, nm) = add_months(y, m, 3);
            span(format!("{y}-Q{q}"), month_start(y, m), month_start(ny, nm))
        } else if let Some((y, m)) = s.split_once('-') {
            let (y, m) = (year(y)?, number(m, 2, 1..=12)?);
            let (ny, nm) = add_months(y, m, 1);
            span(
                format!("{y}-{m:02}"),
                month_start(y, m),
                month_start(ny, nm),
            )
        } else {
            let y = year(s)?;
            span(y.to_string(), month_start(y, 1), month_start(y + 1, 1))
        };
        if period.months().len() > MAX_MONTHS {
            return Err(PeriodError);
        }
        Ok(period)
    }

    /// Whether local day `d` lies in the period.
    pub fn contains_day(&self, d: Day) -> bool {
        (self.first_day..self.end_day).contains(&d)
    }

    /// Whether instant `t` lies in the period.
    pub fn contains(&self, t: Millis) -> bool {
        self.contains_day(self.day(t))
    }

    /// Whether instant `t` is before the period ends.
    pub fn by_end(&self, t: Millis) -> bool {
        self.day(t) < self.end_day
    }

    /// The local day of `t`.
    pub fn day(&self, t: Millis) -> Day {
        local_day(t, self.offset_minutes)
    }

    /// First instant of the period (UTC ms).
    pub fn start_ms(&self) -> Millis {
        self.first_day * DAY_MS - i64::from(self.offset_minutes) * 60_000
    }

    /// First instant after the period (UTC ms).
    pub fn end_ms(&self) -> Millis {
        self.end_day * DAY_MS - i64::from(self.offset_minutes) * 60_000
    }

    /// The calendar months the period touches, clipped to it; stops after
    /// [`MAX_MONTHS`] + 1 so a huge span is cheap to refuse.
    pub fn months(&self) -> Vec<Month> {
        let mut out = Vec::new();
        let (mut y, mut m, _) = civil_from_days(self.first_day);
        loop {
            let start = month_start(y, m).max(self.first_day);
            if start >= self.end_day || out.len() > MAX_MONTHS {
                return out;
            }
            let (ny, nm) = add_months(y, m, 1);
            out.push(Month {
                label: format!("{y}-{m:02}"),
                first_day: start,
                end_day: month_start(ny, nm).min(self.end_day),
            });
            (y, m) = (ny, nm);
        }
    }

    /// Index into [`Period::months`] of local day `d`, if inside.
    pub fn month_index(&self, d: Day) -> Option<usize> {
        if !self.contains_day(d) {
            return None;
        }
        let (y0, m0, _) = civil_from_days(self.first_day);
        let (y, m, _) = civil_from_days(d);
        Some(((y - y0) * 12 + i64::from(m) - i64::from(m0)) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CST: i32 = DEFAULT_OFFSET_MINUTES;

    #[test]
    fn civil_dates_round_trip() {
        for d in [-1000, 0, 1, 10_957, 20_000, 47_482] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(
            days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28),
            2
        );
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }

    #[test]
    fn each_form_parses_to_its_days() {
        let q = Period::parse("2026-Q2", 0, CST).unwrap();
        assert_eq!(q.first_day, days_from_civil(2026, 4, 1));
        assert_eq!(q.end_day, days_from_civil(2026, 7, 1));
        assert_eq!(q.months().len(), 3);
        let y = Period::parse("2026", 0, CST).unwrap();
        assert_eq!(y.months().len(), 12);
        assert_eq!(y.months()[11].label, "2026-12");
        let m = Period::parse("2024-02", 0, CST).unwrap();
        assert_eq!(m.end_day - m.first_day, 29);
        let c = Period::parse("2026-03-15..2026-05-02", 0, CST).unwrap();
        let months = c.months();
        assert_eq!(months.len(), 3);
        assert_eq!(months[0].first_day, days_from_civil(2026, 3, 15));
        assert_eq!(months[2].end_day, days_from_civil(2026, 5, 3));
        assert_eq!(c.month_index(days_from_civil(2026, 4, 30)), Some(1));
        assert_eq!(c.month_index(days_from_civil(2026, 5, 3)), None);
    }

    #[test]
    fn twelve_months_end_with_the_current_one() {
        // 2026-12-01 02:00 in Kunming is still 30 November in UTC.
        let now = (days_from_civil(2026, 11, 30) * DAY_MS) + 18 * 3_600_000;
        let p = Period::parse("", now, CST).unwrap();
        assert_eq!(p.label, "12m");
        assert_eq!(p.first_day, days_from_civil(2026, 1, 1));
        assert_eq!(p.end_day, days_from_civil(2027, 1, 1));
        let utc = Period::parse("12m", now, 0).unwrap();
        assert_eq!(utc.first_day, days_from_civil(2025, 12, 1));
    }

    #[test]
    fn local_midnight_decides_the_day() {
        let may = Period::parse("2026-05", 0, CST).unwrap();
        // 31 May 23:30 in Kunming = 31 May 15:30 UTC.
        let late = days_from_civil(2026, 5, 31) * DAY_MS + 15 * 3_600_000 + 30 * 60_000;
        assert!(may.contains(late));
        // 1 June 00:30 in Kunming = 31 May 16:30 UTC: June.
        assert!(!may.contains(late + 3_600_000));
        assert_eq!(may.end_ms(), may.start_ms() + 31 * DAY_MS);
    }

    #[test]
    fn bad_periods_are_refused() {
        for s in [
            "26",
            "2026-13",
            "2026-Q5",
            "2026-Q0",
            "1999",
            "2101",
            "2026-02-30..2026-03-01",
            "2026-05-01..2026-04-01",
            "2000-01-01..2100-12-31",
            "abcd",
            "2026-1",
            "Q2",
            "2026-05-01..",
            "..2026-05-01",
            "２０２６",
            "2026-05-01..2026-05-01..2026-06-01",
        ] {
            assert!(Period::parse(s, 0, CST).is_err(), "{s}");
        }
        assert!(Period::parse(&"9".repeat(100), 0, CST).is_err());
        assert!(Period::parse("2026", 0, 10_000).is_err());
    }
}
