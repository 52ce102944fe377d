//! What a batch review is asked with: the challenges it covers, and whether the answer is CSV.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::credit::reviews::models::Selection;
use crate::error::{AppError, AppResult, FieldCode};
use crate::http::spreadsheet::ExportFormat;

/// What a batch review covers: `challenge_ids`, or a range of the challenges' `created_at`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"created_from": "2026-01-01T00:00:00+08:00", "created_to": "2027-01-01T00:00:00+08:00"}))]
pub struct CreateReviewRequest {
    /// These challenges (1 to 10,000).
    #[validate(length(min = 1, max = 10000))]
    #[schema(min_items = 1, max_items = 10000)]
    pub challenge_ids: Option<Vec<Uuid>>,
    /// Challenges created at or after this time (with `created_to`).
    pub created_from: Option<DateTime<Utc>>,
    /// Challenges created before this time.
    pub created_to: Option<DateTime<Utc>>,
}

impl CreateReviewRequest {
    /// Either the listed challenges or a range `[created_from, created_to)`; a 422 naming the
    /// field at fault otherwise.
    pub fn selection(self) -> AppResult<Selection> {
        match (self.challenge_ids, self.created_from, self.created_to) {
            (Some(ids), None, None) => Ok(Selection::ChallengeIds(ids)),
            (None, Some(from), Some(to)) if from < to => Ok(Selection::CreatedBetween { from, to }),
            (None, Some(_), Some(_)) => {
                Err(AppError::validation("created_to", FieldCode::BeforeStart))
            }
            (None, Some(_), None) => Err(AppError::validation("created_to", FieldCode::Required)),
            (None, None, Some(_)) => Err(AppError::validation("created_from", FieldCode::Required)),
            (None, None, None) => Err(AppError::validation("challenge_ids", FieldCode::Required)),
            (Some(_), _, _) => Err(AppError::validation("created_from", FieldCode::NotAllowed)),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FormatParam {
    /// `csv` for the list as CSV (also with `Accept: text/csv`); JSON otherwise.
    #[param(inline)]
    pub format: Option<ExportFormat>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn field(e: AppError) -> (String, FieldCode) {
        match e {
            AppError::Validation(fields) => (fields[0].field.clone(), fields[0].code),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn a_review_covers_either_challenges_or_a_range() {
        let now = Utc::now();
        let ask = |ids: Option<Vec<Uuid>>, from, to| CreateReviewRequest {
            challenge_ids: ids,
            created_from: from,
            created_to: to,
        };
        assert!(matches!(
            ask(Some(vec![Uuid::nil()]), None, None).selection(),
            Ok(Selection::ChallengeIds(_))
        ));
        let later = now + Duration::hours(1);
        assert!(matches!(
            ask(None, Some(now), Some(later)).selection(),
            Ok(Selection::CreatedBetween { .. })
        ));
        let refused = [
            (
                ask(None, Some(later), Some(now)),
                ("created_to", FieldCode::BeforeStart),
            ),
            (
                ask(None, Some(now), None),
                ("created_to", FieldCode::Required),
            ),
            (
                ask(None, None, Some(now)),
                ("created_from", FieldCode::Required),
            ),
            (
                ask(None, None, None),
                ("challenge_ids", FieldCode::Required),
            ),
            (
                ask(Some(vec![Uuid::nil()]), Some(now), None),
                ("created_from", FieldCode::NotAllowed),
            ),
        ];
        for (request, (name, code)) in refused {
            let got = field(request.selection().unwrap_err());
            assert_eq!(got, (name.to_string(), code));
        }
    }
}
