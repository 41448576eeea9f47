//! `$as` conversions: the value types a backend stores differently from the
//! contract (string ids, ISO dates, numbers as text, unmasked names).

use serde_json::Value;

use crate::mask::mask_name;

/// A conversion named by `$as`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conv {
    /// Any scalar → its text.
    String,
    /// A whole number, or a string of one → integer.
    Int,
    /// A number, or a string of one → number.
    Number,
    /// `true`/`false`, `1`/`0`, `"true"`/`"false"`/`"yes"`/`"no"` → boolean.
    Bool,
    /// An ISO 8601 / RFC 3339 date-time (or a number of ms) → ms since epoch.
    Millis,
    /// A person's name → its public masked form (孙雨萌 → 孙*萌).
    MaskedName,
}

impl Conv {
    /// The conversion called `name`.
    pub fn parse(name: &str) -> Result<Conv, String> {
        Ok(match name {
            "string" => Conv::String,
            "int" => Conv::Int,
            "number" => Conv::Number,
            "bool" => Conv::Bool,
            "millis" => Conv::Millis,
            "masked-name" => Conv::MaskedName,
            other => {
                return Err(format!(
                    "unknown $as \"{other}\" (use string, int, number, bool, millis or masked-name)"
                ));
            }
        })
    }

    /// Converts `v`; `null` stays `null`. Arrays are converted item by item.
    pub fn apply(self, v: Value) -> Result<Value, String> {
        match v {
            Value::Null => Ok(Value::Null),
            Value::Array(items) => items
                .into_iter()
                .map(|i| self.apply(i))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            v => self.scalar(v),
        }
    }

    fn scalar(self, v: Value) -> Result<Value, String> {
        let bad = |what: &str, v: &Value| Err(format!("cannot read {} as {what}", short(v)));
        match self {
            Conv::String => match v {
                Value::String(_) => Ok(v),
                Value::Number(_) | Value::Bool(_) => Ok(Value::String(v.to_string())),
                _ => bad("a string", &v),
            },
            Conv::Int => match &v {
                Value::Number(n) if n.is_i64() || n.is_u64() => Ok(v),
                Value::Number(n) => match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Value::from(f as i64)),
                    _ => bad("an integer", &v),
                },
                Value::String(s) => match s.trim().parse::<i64>() {
                    Ok(i) => Ok(Value::from(i)),
                    Err(_) => bad("an integer", &v),
                },
                Value::Bool(b) => Ok(Value::from(i64::from(*b))),
                _ => bad("an integer", &v),
            },
            Conv::Number => match &v {
                Value::Number(_) => Ok(v),
                Value::String(s) => match s.trim().parse::<f64>() {
                    Ok(f) if f.is_finite() => Ok(serde_json::json!(f)),
                    _ => bad("a number", &v),
                },
                _ => bad("a number", &v),
            },
            Conv::Bool => match &v {
                Value::Bool(_) => Ok(v),
                Value::Number(n) => Ok(Value::Bool(n.as_f64() != Some(0.0))),
                Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                    "true" | "yes" | "1" => Ok(Value::Bool(true)),
                    "false" | "no" | "0" | "" => Ok(Value::Bool(false)),
                    _ => bad("true or false", &v),
                },
                _ => bad("true or false", &v),
            },
            Conv::Millis => match &v {
                Value::Number(_) => Conv::Int.scalar(v),
                Value::String(s) => match parse_datetime(s.trim()) {
                    Some(ms) => Ok(Value::from(ms)),
                    None => bad("a date-time (2026-11-30T08:00:00Z)", &v),
                },
                _ => bad("a date-time", &v),
            },
            Conv::MaskedName => match &v {
                Value::String(s) => Ok(Value::String(mask_name(s))),
                _ => bad("a name", &v),
            },
        }
    }
}

/// At most 40 characters of a value, for messages.
pub fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// Milliseconds since the epoch of an RFC 3339 date-time
/// (`2026-11-30T08:00:00Z`, `2026-11-30T16:00:00.250+08:00`) or a date
/// (`2026-11-30`, midnight UTC).
pub fn parse_datetime(s: &str) -> Option<i64> {
    let num = |a: usize, b: usize| -> Option<i64> {
        let t = s.get(a..b)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    if s.get(4..5)? != "-"
        || s.get(7..8)? != "-"
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
    {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    if s.len() == 10 {
        return Some(days * 86_400_000);
    }
    if !matches!(s.get(10..11)?, "T" | "t" | " ") || s.get(13..14)? != ":" || s.get(16..17)? != ":"
    {
        return None;
    }
    let (h, mi, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut ms = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let f = &frac[..digits];
        ms = format!("{:0<3}", &f[..digits.min(3)]).parse::<i64>().ok()?;
        rest = &frac[digits..];
    }
    let offset_min = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(&rest[3..4], ":") => {
            let sign = match &rest[..1] {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let oh: i64 = rest[1..3].parse().ok()?;
            let om: i64 = rest[4..6].parse().ok()?;
            sign * (oh * 60 + om)
        }
        _ => return None,
    };
    Some(((days * 24 + h) * 60 + mi - offset_min) * 60_000 + sec * 1000 + ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conversions() {
        assert_eq!(Conv::Int.apply(json!("42")), Ok(json!(42)));
        assert_eq!(Conv::Int.apply(json!(["1", 2])), Ok(json!([1, 2])));
        assert_eq!(Conv::Int.apply(json!(3.0)), Ok(json!(3)));
        assert!(
            Conv::Int
                .apply(json!("4x"))
                .unwrap_err()
                .contains("integer")
        );
        assert!(Conv::Int.apply(json!({"a": 1})).is_err());
        assert_eq!(Conv::String.apply(json!(7)), Ok(json!("7")));
        assert_eq!(Conv::Number.apply(json!("2.5")), Ok(json!(2.5)));
        assert!(Conv::Number.apply(json!("NaN")).is_err());
        assert_eq!(Conv::Bool.apply(json!("yes")), Ok(json!(true)));
        assert_eq!(Conv::Bool.apply(json!(0)), Ok(json!(false)));
        assert_eq!(Conv::MaskedName.apply(json!("孙雨萌")), Ok(json!("孙*萌")));
        assert_eq!(Conv::Millis.apply(Value::Null), Ok(Value::Null));
        assert!(Conv::parse("date").unwrap_err().contains("unknown $as"));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_datetime("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_datetime("1970-01-02"), Some(86_400_000));
        assert_eq!(
            parse_datetime("2026-11-30T16:00:00.25+08:00"),
            parse_datetime("2026-11-30T08:00:00.250Z")
        );
        assert_eq!(
            parse_datetime("2000-03-01T00:00:00Z"),
            Some(951_868_800_000)
        );
        for bad in [
            "",
            "2026",
            "2026-13-01",
            "2026-11-30T25:00:00Z",
            "2026-11-30T08:00:00",
            "2026-11-30T08:00:00.Z",
            "2026-11-30T08:00:00+8",
            "２０２６-11-30",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }
}
