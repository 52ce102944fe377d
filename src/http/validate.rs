//! Validator functions that request bodies of every resource share (`#[validate(custom(…))]`).
//!
//! Texts come in two kinds: long texts (descriptions, reasons, comments) may hold tab and line
//! breaks — the JSON extractor already refuses every other control character in any string — and
//! one-line texts (titles, names, sources, ids) hold no control character at all: they take
//! [`line`] (required, more than white space) or [`one_line`] (may be empty).

use validator::ValidationError;

/// Text that is more than white space.
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        Err(ValidationError::new("blank"))
    } else {
        Ok(())
    }
}

/// A one-line text: no control character (`control_character`), tab and line breaks included.
pub fn one_line(value: &str) -> Result<(), ValidationError> {
    if value.chars().any(char::is_control) {
        Err(ValidationError::new("control_character"))
    } else {
        Ok(())
    }
}

/// A required one-line text (a title, a name): more than white space ([`not_blank`]) and on one
/// line ([`one_line`]).
pub fn line(value: &str) -> Result<(), ValidationError> {
    one_line(value)?;
    not_blank(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_texts_hold_no_control_character() {
        assert!(line("厦门 新材料").is_ok());
        for bad in ["a\u{7}b", "a\nb", "a\tb", "\u{85}x"] {
            assert_eq!(line(bad).unwrap_err().code, "control_character", "{bad:?}");
        }
        assert_eq!(line("  ").unwrap_err().code, "blank");
        assert!(one_line("").is_ok());
    }
}
