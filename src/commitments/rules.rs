//! What a signature and a new version must be.

use super::input::{PublishRequest, SignedCommitment};
use super::models::Version;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};

/// The signer named a version (422 `commitment_required` otherwise), and it is `current`, by
/// number and hash (409 `commitment_outdated`, naming the current version, otherwise).
pub fn signs_current<'a>(
    current: &Version,
    claimed: Option<&'a SignedCommitment>,
) -> AppResult<&'a SignedCommitment> {
    let claimed = claimed.ok_or_else(|| {
        AppError::unprocessable(ErrorCode::CommitmentRequired)
            .field(FieldError::new("commitment", FieldCode::Required))
    })?;
    if claimed.version != current.version || !claimed.sha256.eq_ignore_ascii_case(&current.sha256) {
        return Err(AppError::conflict(ErrorCode::CommitmentOutdated)
            .arg("current", current.version)
            .arg("signed", claimed.version));
    }
    Ok(claimed)
}

/// A new version differs from `current` (409 `commitment_unchanged` otherwise): publishing the
/// same texts again would make signers sign twice for nothing.
pub fn changes_text(current: &Version, sha256: &str) -> AppResult<()> {
    if current.sha256 == sha256 {
        return Err(AppError::conflict(ErrorCode::CommitmentUnchanged));
    }
    Ok(())
}

/// The request's texts in their stored form (validated by [`PublishRequest`]'s bounds).
pub fn texts(req: &PublishRequest) -> (String, String) {
    (
        super::texts::normal(&req.text_zh),
        super::texts::normal(&req.text_en),
    )
}
