//! Validator functions that request bodies of every resource share (`#[validate(custom(…))]`).

use validator::ValidationError;

/// Text that is more than white space.
pub fn not_blank(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        Err(ValidationError::new("blank"))
    } else {
        Ok(())
    }
}
