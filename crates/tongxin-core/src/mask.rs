//! Public masking of people's names, so a public list of signatories or
//! supporters shows that real neighbours took part without exposing them.
//!
//! Rules (per whitespace-separated word; characters are Unicode scalar values):
//! * a word containing Han characters (Chinese names, usually one word):
//!   1 character → `*`; 2 → first + `*` (张三 → 张*); 3 or more → first, one `*`
//!   per hidden character, last (孙雨萌 → 孙*萌, 欧阳娜娜 → 欧**娜);
//! * any other word (Latin, Cyrillic, emoji, …): first character, then one `*`
//!   per remaining character (Alice Smith → A**** S****); a one-character
//!   word becomes `*`.
//!
//! The output never equals a non-empty input, so no name passes unmasked.
//! The number of stars reveals the length, as 孙*萌 does in Chinese practice.

/// Masks a display name for public lists.
pub fn mask_name(name: &str) -> String {
    let words: Vec<String> = name.split_whitespace().map(mask_word).collect();
    if words.is_empty() {
        "*".to_string()
    } else {
        words.join(" ")
    }
}

fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

fn mask_word(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n <= 1 {
        return "*".to_string();
    }
    if chars.iter().any(|&c| is_han(c)) {
        if n == 2 {
            return format!("{}*", chars[0]);
        }
        let mut out = String::new();
        out.push(chars[0]);
        out.extend(std::iter::repeat_n('*', n - 2));
        out.push(chars[n - 1]);
        out
    } else {
        let mut out = String::new();
        out.push(chars[0]);
        out.extend(std::iter::repeat_n('*', n - 1));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::mask_name;

    #[test]
    fn chinese_names_of_two_three_and_four_characters() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("孙雨萌"), "孙*萌");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
    }

    #[test]
    fn single_characters_are_fully_hidden() {
        assert_eq!(mask_name("孙"), "*");
        assert_eq!(mask_name("A"), "*");
        assert_eq!(mask_name(""), "*");
        assert_eq!(mask_name("   "), "*");
    }

    #[test]
    fn latin_names_keep_initials() {
        assert_eq!(mask_name("Alice Smith"), "A**** S****");
        assert_eq!(mask_name("  Jo   Li "), "J* L*");
    }

    #[test]
    fn emoji_and_mixed_scripts() {
        assert_eq!(mask_name("🙂🙂🙂"), "🙂**");
        assert_eq!(mask_name("Li 李雷"), "L* 李*");
        assert_eq!(mask_name("阿Bo"), "阿*o");
    }

    #[test]
    fn output_never_equals_a_real_name() {
        for n in ["孙雨萌", "Alice", "Ab", "萌萌", "x y", "🙂"] {
            assert_ne!(mask_name(n), n);
        }
    }
}
