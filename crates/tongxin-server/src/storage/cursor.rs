//! The pagination cursor every store hands out: dot-separated integers
//! (`"1718000000000.42"`), opaque to clients, the same on every store so a
//! page read from one instance continues on another.

use tongxin_core::text::FieldErrors;

use super::{StoreError, StoreResult};

/// Encodes the sort key of the last row of a page.
pub fn encode(parts: &[i64]) -> String {
    parts
        .iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join(".")
}

/// Decodes a cursor made by [`encode`] with `n` parts.
pub fn decode(s: &str, n: usize) -> StoreResult<Vec<i64>> {
    let parts: Result<Vec<i64>, _> = s.split('.').map(str::parse).collect();
    match parts {
        Ok(p) if p.len() == n => Ok(p),
        _ => Err(foreign()),
    }
}

/// The refusal of a cursor this server did not make (or that points past
/// the end of its list).
pub fn foreign() -> StoreError {
    let mut e = FieldErrors::new();
    e.add("cursor", "is not a cursor this server made");
    StoreError::Invalid(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_a_foreign_one_is_refused() {
        let c = encode(&[1_718_000_000_000, -3]);
        assert_eq!(decode(&c, 2).unwrap(), vec![1_718_000_000_000, -3]);
        for bad in ["", "1", "1.2.3", "a.b", "1..2", "<script>"] {
            assert!(decode(bad, 2).is_err(), "{bad}");
        }
    }
}
