//! Lower-case hexadecimal, for hashes shown or stored as text (cache tags
//! of static files, keyed hashes of voters, random secrets).

/// `bytes` as lower-case hex.
pub fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_digits_a_byte() {
        assert_eq!(super::encode(&[0, 15, 255]), "000fff");
    }
}
