//! Opaque identifiers. A backend names its items and options as it likes —
//! the reference server with integers, a CMS with UUIDs (`b7e1c0de-…`),
//! slugs (`bijie-square`) or words (`yes`) — and the kit only compares and
//! echoes them: no arithmetic, no ordering that means anything but "stable".
//!
//! An [`Id`] is a short string kept inline (so it stays `Copy`, like the
//! integers it replaces). On the wire it is a JSON number when it is a
//! canonical integer (`42`, never `042`) and a string otherwise; either form
//! is read. `"42"` and `42` are the same id.

use std::cmp::Ordering;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest id, in UTF-8 bytes: a UUID (36) with room for a prefix or slug.
pub const MAX_ID_BYTES: usize = 46;

/// Identifier of an item (scope, poll, convention, proposal, comment, …)
/// or of a poll's option. See the module documentation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Id {
    len: u8,
    bytes: [u8; MAX_ID_BYTES],
}

/// Why a text is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// Nothing given.
    #[error("an id cannot be empty")]
    Empty,
    /// More than [`MAX_ID_BYTES`] bytes.
    #[error("an id has at most {MAX_ID_BYTES} bytes")]
    TooLong,
    /// A control character or a space (ASCII or ideographic).
    #[error("an id cannot contain spaces or control characters")]
    BadCharacter,
}

impl Id {
    /// Reads an id from text (an attribute, a path segment, a JSON string).
    pub fn parse(text: &str) -> Result<Self, IdError> {
        if text.is_empty() {
            return Err(IdError::Empty);
        }
        if text.len() > MAX_ID_BYTES {
            return Err(IdError::TooLong);
        }
        if text
            .chars()
            .any(|c| c.is_control() || c.is_ascii_whitespace() || c == '\u{3000}')
        {
            return Err(IdError::BadCharacter);
        }
        let mut bytes = [0; MAX_ID_BYTES];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Ok(Id {
            len: text.len() as u8,
            bytes,
        })
    }

    /// The id of an integer key (usable in constants).
    pub const fn int(n: i64) -> Self {
        let mut digits = [0u8; 20];
        let mut m = n.unsigned_abs();
        let mut k = 0;
        loop {
            digits[k] = b'0' + (m % 10) as u8;
            k += 1;
            m /= 10;
            if m == 0 {
                break;
            }
        }
        let mut bytes = [0u8; MAX_ID_BYTES];
        let mut len = 0;
        if n < 0 {
            bytes[0] = b'-';
            len = 1;
        }
        while k > 0 {
            k -= 1;
            bytes[len] = digits[k];
            len += 1;
        }
        Id {
            len: len as u8,
            bytes,
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Only ever filled from a `&str` (or digits), cut at its end.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The integer this id is, when it is one written canonically — how
    /// a store with integer keys finds its row. Digits by hand rather than
    /// `str::parse`: this runs in every widget bundle, where the general
    /// integer parser costs bytes.
    pub fn as_i64(&self) -> Option<i64> {
        let s = self.as_str().as_bytes();
        let (negative, digits) = match s {
            [b'-', rest @ ..] => (true, rest),
            _ => (false, s),
        };
        match digits {
            [] | [b'0', _, ..] => return None,
            [b'0'] if negative => return None,
            _ => {}
        }
        // Accumulated negative, so that i64::MIN fits.
        let mut n: i64 = 0;
        for &b in digits {
            if !b.is_ascii_digit() {
                return None;
            }
            n = n.checked_mul(10)?.checked_sub(i64::from(b - b'0'))?;
        }
        if negative { Some(n) } else { n.checked_neg() }
    }
}

impl std::str::FromStr for Id {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, IdError> {
        Id::parse(s)
    }
}

impl From<i64> for Id {
    fn from(n: i64) -> Self {
        Id::int(n)
    }
}

/// An integer key is equal to its id (`Id::from(42) == 42`).
impl PartialEq<i64> for Id {
    fn eq(&self, other: &i64) -> bool {
        self.as_i64() == Some(*other)
    }
}

/// As on the wire: a number for an integer key, a string otherwise.
impl From<Id> for serde_json::Value {
    fn from(id: Id) -> Self {
        match id.as_i64() {
            Some(n) => n.into(),
            None => id.as_str().into(),
        }
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Id(42)`, `Id(bijie-square)`: plain text, so that no string escaping
/// enters the widget bundles.
impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Id(")?;
        f.write_str(self.as_str())?;
        f.write_str(")")
    }
}

/// Integers in their order, before every other id; other ids by their
/// bytes. Only for stable lists: an id's order means nothing.
impl Ord for Id {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.as_i64(), other.as_i64()) {
            (Some(a), Some(b)) => a.cmp(&b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => self.as_str().cmp(other.as_str()),
        }
    }
}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_i64() {
            Some(n) => s.serialize_i64(n),
            None => s.serialize_str(self.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an id (an integer or a short string)")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Id, E> {
                Ok(Id::from(n))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Id, E> {
                i64::try_from(n)
                    .map(Id::from)
                    .map_err(|_| E::custom("an id is at most 2^63 - 1"))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Id, E> {
                Id::parse(s).map_err(E::custom)
            }
        }
        d.deserialize_any(IdVisitor)
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    //! Integer ids are integer keys; any other id is text.
    use super::Id;
    use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

    impl ToSql for Id {
        fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
            Ok(match self.as_i64() {
                Some(n) => ToSqlOutput::from(n),
                None => ToSqlOutput::from(self.as_str()),
            })
        }
    }

    impl FromSql for Id {
        fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
            match v {
                ValueRef::Integer(n) => Ok(Id::from(n)),
                ValueRef::Text(t) => std::str::from_utf8(t)
                    .ok()
                    .and_then(|s| Id::parse(s).ok())
                    .ok_or(FromSqlError::InvalidType),
                _ => Err(FromSqlError::InvalidType),
            }
        }
    }
}

#[cfg(feature = "openapi")]
mod schema {
    //! An integer or a short string.
    use super::{Id, MAX_ID_BYTES};
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
    use utoipa::openapi::{RefOr, Schema};

    impl utoipa::PartialSchema for Id {
        fn schema() -> RefOr<Schema> {
            OneOfBuilder::new()
                .item(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
                )
                .item(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1))
                        .max_length(Some(MAX_ID_BYTES))
                        // No whitespace, no C0/C1 control characters (what
                        // `Id::parse` refuses).
                        .pattern(Some(r"^[^\s\x00-\x1f\x7f-\x9f]+$")),
                )
                .description(Some(
                    "An id: an integer, or a string of 1 to 46 bytes (UTF-8) without \
                     spaces or control characters (a UUID, a slug). `\"42\"` and `42` \
                     are the same id.",
                ))
                .into()
        }
    }

    impl utoipa::ToSchema for Id {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_travel_as_numbers_and_strings_as_strings() {
        let n = Id::from(42);
        assert_eq!(serde_json::to_string(&n).unwrap(), "42");
        let u: Id = serde_json::from_str("\"b7e1c0de-8a3f-4c1e-9d2b-0123456789ab\"").unwrap();
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            "\"b7e1c0de-8a3f-4c1e-9d2b-0123456789ab\""
        );
        let s: Id = serde_json::from_str("\"42\"").unwrap();
        assert_eq!(s, n, "\"42\" and 42 are the same id");
        assert_eq!(serde_json::from_str::<Id>("-7").unwrap().as_i64(), Some(-7));
        assert_eq!(Id::from(i64::MIN).as_i64(), Some(i64::MIN));
        assert_eq!(Id::from(0).as_str(), "0");
    }

    #[test]
    fn non_canonical_integers_stay_text() {
        for s in [
            "042",
            "-0",
            "+1",
            "1e3",
            "9223372036854775808",
            "-9223372036854775809",
            "0x10",
            "-",
            "1-",
        ] {
            let id = Id::parse(s).unwrap();
            assert_eq!(id.as_i64(), None, "{s}");
            assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{s}\""));
        }
    }

    #[test]
    fn hostile_ids_are_refused() {
        assert_eq!(Id::parse(""), Err(IdError::Empty));
        assert_eq!(Id::parse(&"x".repeat(47)), Err(IdError::TooLong));
        assert!(Id::parse(&"x".repeat(46)).is_ok());
        assert_eq!(Id::parse("a b"), Err(IdError::BadCharacter));
        assert_eq!(Id::parse("a\u{0}"), Err(IdError::BadCharacter));
        assert_eq!(Id::parse("毕节\u{3000}广场"), Err(IdError::BadCharacter));
        assert!(serde_json::from_str::<Id>("1.5").is_err());
        assert!(serde_json::from_str::<Id>("null").is_err());
        assert!(serde_json::from_str::<Id>("18446744073709551615").is_err());
        // A UTF-8 id is cut nowhere: it is refused whole when too long.
        assert_eq!(Id::parse(&"同".repeat(16)), Err(IdError::TooLong));
        assert_eq!(Id::parse("毕节广场").unwrap().as_str(), "毕节广场");
    }

    proptest::proptest! {
        #[test]
        fn every_integer_is_its_own_id(n in proptest::prelude::any::<i64>()) {
            let id = Id::from(n);
            proptest::prop_assert_eq!(id.as_i64(), Some(n));
            proptest::prop_assert_eq!(id.as_str(), n.to_string());
            proptest::prop_assert_eq!(Id::parse(&n.to_string()).unwrap(), id);
        }
    }

    #[test]
    fn integers_order_as_numbers_before_text() {
        let mut ids: Vec<Id> = ["b", "10", "9", "a", "-1"]
            .iter()
            .map(|s| Id::parse(s).unwrap())
            .collect();
        ids.sort();
        let got: Vec<&str> = ids.iter().map(Id::as_str).collect();
        assert_eq!(got, ["-1", "9", "10", "a", "b"]);
    }
}
