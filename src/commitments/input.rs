//! What is sent: a new version's texts (admins), and the signer's naming of the version they
//! read (inside the body of the act that needs it, e.g. accepting a seat).

use serde::Deserialize;
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

/// `PUT /commitments/{kind}`: the texts of the new version, Chinese (the binding text) and
/// English. Stored with line endings made `\n` and surrounding white space removed.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "text_zh": "# 评审专家保密及回避承诺书\n\n本人郑重承诺……",
    "text_en": "# Confidentiality and Conflict-of-Interest Commitment\n\nI solemnly commit …"
}))]
pub struct PublishRequest {
    #[validate(
        length(min = 1, max = 20000),
        custom(function = crate::http::validate::not_blank),
        custom(function = text)
    )]
    #[schema(min_length = 1, max_length = 20000)]
    pub text_zh: String,
    #[validate(
        length(min = 1, max = 20000),
        custom(function = crate::http::validate::not_blank),
        custom(function = text)
    )]
    #[schema(min_length = 1, max_length = 20000)]
    pub text_en: String,
}

/// A text of several lines: no control character but line breaks and tabs.
fn text(value: &str) -> Result<(), ValidationError> {
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Err(ValidationError::new("control_character"))
    } else {
        Ok(())
    }
}

/// The version the signer read and signs: its number and its hash, both as
/// `GET /commitments/{kind}` gave them.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"version": 1, "sha256": "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138"}))]
pub struct SignedCommitment {
    #[validate(range(min = 1))]
    #[schema(minimum = 1)]
    pub version: i32,
    /// Lowercase hex, 64 characters.
    #[validate(length(equal = 64))]
    #[schema(min_length = 64, max_length = 64, pattern = "^[0-9a-f]{64}$")]
    pub sha256: String,
}

impl From<&super::models::Version> for SignedCommitment {
    /// What a signer who read `version` names (the demo data signs this way).
    fn from(version: &super::models::Version) -> Self {
        SignedCommitment {
            version: version.version,
            sha256: version.sha256.clone(),
        }
    }
}

/// The body of an act that needs a signature (accepting a seat on a panel): the commitment the
/// caller signs. Without it the act is refused (422 `commitment_required`).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"commitment": {"version": 1, "sha256": "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138"}}))]
pub struct SigningRequest {
    #[validate(nested)]
    pub commitment: Option<SignedCommitment>,
}
