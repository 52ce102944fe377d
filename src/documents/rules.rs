//! Who may add and remove documents, and when (SPEC §13): each kind of attachment follows the
//! rules of what it is attached to.

use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::inspect::Refusal;
use super::models::AttachedTo;
use super::queries::Place;
use crate::auth::{AuthUser, Role};
use crate::bids::lifecycle::{BidAction, check as bid_check};
use crate::challenges::models::Status;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode};
use crate::projects::milestones::models::MilestoneStatus;

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME: usize = 255;

/// The file name as kept: its last path segment (a browser may send a whole path), trimmed, one
/// line, 1–255 characters, not `.` or `..`.
pub fn file_name(raw: &str) -> AppResult<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw).trim();
    // Control characters, and the bidirectional marks that make `exe.pdf` of `fdp.exe`.
    let bidi = |c: char| matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if last.chars().any(|c| c.is_control() || bidi(c)) {
        return Err(AppError::validation("name", FieldCode::ControlCharacter));
    }
    if last.is_empty() || last == "." || last == ".." {
        return Err(AppError::validation("name", FieldCode::Required));
    }
    if last.chars().count() > MAX_FILE_NAME {
        return Err(AppError::Validation(vec![
            crate::error::FieldError::length("name", Some(1), Some(MAX_FILE_NAME as u64)),
        ]));
    }
    Ok(last.to_string())
}

/// Whether `user` may add documents to `place` now, or remove one of them: the issuer to its
/// challenge while a draft (or rejected, being edited); the bidding team to its bid while the bid
/// may be edited (before the deadline); the awarded team to a milestone pending or returned (not
/// while the issuer decides on its report) and to the final acceptance until it is closed. 403 for anyone else who may see the place, 409
/// `documents_closed` naming the state when it no longer takes changes.
pub fn may_change(
    user: &AuthUser,
    place: &Place,
    awardee: Option<Uuid>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let org = user.organization_id;
    let challenge = &place.challenge;
    match place.owner.attached_to {
        AttachedTo::Challenge => {
            if user.role != Role::Issuer || org != Some(challenge.issuer_org_id) {
                return Err(AppError::Forbidden);
            }
            if !matches!(challenge.status, Status::Draft | Status::Rejected) {
                return Err(closed(challenge.status.as_str()));
            }
        }
        AttachedTo::Bid => {
            let bid = place.bid.as_ref().ok_or(AppError::NotFound)?;
            if user.role != Role::Solver || org != Some(bid.organization_id) {
                return Err(AppError::Forbidden);
            }
            bid_check(BidAction::Edit, Some(bid.status), challenge, now)?;
        }
        AttachedTo::Milestone | AttachedTo::Acceptance => {
            if user.role != Role::Solver || org.is_none() || org != awardee {
                return Err(AppError::Forbidden);
            }
            if challenge.status != Status::Awarded {
                return Err(closed(challenge.status.as_str()));
            }
            if let Some(m) = &place.milestone
                && !matches!(
                    m.status,
                    MilestoneStatus::Pending | MilestoneStatus::Returned
                )
            {
                return Err(closed(m.status.as_str()));
            }
            if place.owner.attached_to == AttachedTo::Acceptance && place.acceptance_closed {
                return Err(closed("acceptance_closed"));
            }
        }
    }
    Ok(())
}

fn closed(current: &str) -> AppError {
    AppError::conflict(ErrorCode::DocumentsClosed).arg("current", current)
}

/// The quota of the place: 413 when the current documents and the new one would pass it.
pub fn within_total(current: i64, adding: u64, replacing: i64, limit_mib: u64) -> AppResult<()> {
    let limit = limit_mib.saturating_mul(1024 * 1024);
    let after = (current - replacing).max(0) as u64 + adding;
    if after > limit {
        return Err(AppError::coded(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::DocumentQuotaExceeded,
        )
        .arg("limit_mib", limit_mib));
    }
    Ok(())
}

/// The problem for content that inspection refused.
pub fn refused(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::Empty => AppError::unprocessable(ErrorCode::DocumentEmpty),
        Refusal::UnsupportedType { detected } => AppError::coded(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::DocumentTypeRefused,
        )
        .arg("detected", detected),
        Refusal::ExecutableInZip { entry } => {
            AppError::unprocessable(ErrorCode::DocumentExecutable).arg("entry", entry)
        }
        Refusal::PdfJavaScript => AppError::unprocessable(ErrorCode::DocumentJavascript),
        Refusal::Malformed { detail } => {
            AppError::unprocessable(ErrorCode::DocumentMalformed).arg("detail", detail)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_their_last_segment_and_chinese_characters() {
        assert_eq!(file_name("C:\\\\用户\\\\申报书.pdf").unwrap(), "申报书.pdf");
        assert_eq!(file_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(
            file_name("  需求说明 v2.docx ").unwrap(),
            "需求说明 v2.docx"
        );
        assert!(file_name("a\nb.pdf").is_err());
        assert!(file_name("申报书\u{202E}fdp.exe").is_err());
        assert!(file_name("dir/").is_err());
        assert!(file_name("..").is_err());
        assert!(file_name(&"长".repeat(256)).is_err());
    }

    #[test]
    fn the_quota_counts_what_a_new_version_replaces() {
        let mib = 1024 * 1024;
        assert!(within_total(150 * mib, 50 * mib as u64, 0, 200).is_ok());
        assert!(within_total(150 * mib, 51 * mib as u64, 0, 200).is_err());
        assert!(within_total(200 * mib, 10 * mib as u64, 10 * mib, 200).is_ok());
    }
}
