//! The values that cross between Rust and either database: parameters in,
//! columns out, with the conversions the table modules need.

use tongxin_core::Id;

use crate::storage::{StoreError, StoreResult};

/// One SQL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `NULL`.
    Null,
    /// An integer (every integer column is 64-bit).
    Int(i64),
    /// A boolean (an integer 0/1 on SQLite).
    Bool(bool),
    /// A real number.
    Real(f64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

macro_rules! from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self { Value::Int(i64::from(v)) }
        }
    )*};
}
from_int!(i64, i32, u32, u16, u8);

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Real(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Blob(v.to_vec())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Blob(v)
    }
}
impl From<&Vec<u8>> for Value {
    fn from(v: &Vec<u8>) -> Self {
        Value::Blob(v.clone())
    }
}
impl From<Id> for Value {
    fn from(v: Id) -> Self {
        match v.as_i64() {
            Some(n) => Value::Int(n),
            None => Value::Text(v.as_str().to_owned()),
        }
    }
}
impl From<&Id> for Value {
    fn from(v: &Id) -> Self {
        Value::from(*v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}
impl From<&Option<String>> for Value {
    fn from(v: &Option<String>) -> Self {
        v.as_deref().map_or(Value::Null, Value::from)
    }
}

/// A column read back into a Rust type.
pub trait FromValue: Sized {
    /// Converts, or says what was there instead.
    fn from_value(v: &Value) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(n) => Some(*n),
            Value::Bool(b) => Some(i64::from(*b)),
            Value::Real(f) => Some(*f as i64),
            _ => None,
        }
    }
}
macro_rules! narrow_int {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: &Value) -> Option<Self> {
                i64::from_value(v).and_then(|n| <$t>::try_from(n).ok())
            }
        }
    )*};
}
narrow_int!(i32, u32, u64, u8, u16);

impl FromValue for bool {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(*b),
            Value::Int(n) => Some(*n != 0),
            _ => None,
        }
    }
}
impl FromValue for f64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Real(f) => Some(*f),
            Value::Int(n) => Some(*n as f64),
            _ => None,
        }
    }
}
impl FromValue for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Blob(b) => Some(b.clone()),
            Value::Text(s) => Some(s.clone().into_bytes()),
            _ => None,
        }
    }
}
impl FromValue for Id {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(n) => Some(Id::from(*n)),
            Value::Text(s) => Id::parse(s).ok(),
            _ => None,
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// One row of a result.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Value>);

impl Row {
    /// Column `i` as a `T`.
    pub fn get<T: FromValue>(&self, i: usize) -> StoreResult<T> {
        let v = self
            .0
            .get(i)
            .ok_or_else(|| StoreError::Internal(format!("no column {i}")))?;
        T::from_value(v).ok_or_else(|| {
            StoreError::Internal(format!(
                "column {i} holds {v:?}, not a {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_wrong_types_are_named() {
        let row = Row(vec![
            Value::from(7_i64),
            Value::from("名"),
            Value::from(None::<i64>),
            Value::from(true),
            Value::from(Id::from(3)),
        ]);
        assert_eq!(row.get::<i64>(0).unwrap(), 7);
        assert_eq!(row.get::<u32>(0).unwrap(), 7);
        assert_eq!(row.get::<String>(1).unwrap(), "名");
        assert_eq!(row.get::<Option<i64>>(2).unwrap(), None);
        assert!(row.get::<bool>(3).unwrap());
        assert_eq!(row.get::<Id>(4).unwrap(), Id::from(3));
        assert!(
            row.get::<i64>(1)
                .unwrap_err()
                .to_string()
                .contains("not a i64")
        );
        assert!(row.get::<i64>(9).is_err());
        assert!(Row(vec![Value::Int(-1)]).get::<u32>(0).is_err());
    }
}
