//! The rules of an import besides the file's format (which is the parser's).

/// Validates a source name: 1 to 100 characters, not blank.
pub fn valid_source(source: &str) -> bool {
    let s = source.trim();
    !s.is_empty() && s.chars().count() <= 100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_1_to_100_characters_not_blank() {
        assert!(valid_source("credit_center"));
        assert!(valid_source(&"源".repeat(100)));
        assert!(!valid_source(&"源".repeat(101)));
        assert!(!valid_source(""));
        assert!(!valid_source("   "));
    }
}
