//! Running a batch review: one check per subject, then the review with its totals, all in one
//! transaction.

use chrono::SubsecRound;
use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::models::{CreditReview, Selection};
use super::queries;
use super::rules::totals;
use super::views::{ReviewItem, ReviewView};
use crate::audit::{Event, RequestMeta};
use crate::credit::Subject;
use crate::credit::checks::queries as checks;
use crate::credit::checks::run::{CheckRequest, check_in_review};
use crate::credit::models::Purpose;
use crate::error::AppResult;
use crate::state::AppState;

/// Runs a review of `subjects` (those `selection` involves): one check (purpose `batch_review`,
/// general records warn) per subject, then the review with its totals, all in one transaction.
pub async fn run_review(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    selection: Selection,
    subjects: Vec<Subject>,
    created_by: Option<Uuid>,
) -> AppResult<ReviewView> {
    let now = state.clock.now().trunc_subsecs(6);
    crate::db::transaction(conn, async |conn| {
        let id = Uuid::now_v7();
        let mut items = Vec::with_capacity(subjects.len());
        for subject in subjects {
            let request = CheckRequest {
                subject,
                purpose: Purpose::BatchReview,
                general_blocks: false,
                requested_by: created_by,
                context: Some(json!({"review_id": id})),
            };
            let outcome = check_in_review(conn, state, meta, request, Some(id)).await?;
            items.push(ReviewItem::from(&outcome));
        }
        let totals = totals(&items);
        let row = CreditReview {
            id,
            selection: serde_json::to_value(&selection).map_err(anyhow::Error::from)?,
            totals: serde_json::to_value(totals).map_err(anyhow::Error::from)?,
            subjects: items.len() as i32,
            created_by,
            created_at: now,
        };
        queries::insert(conn, &row).await?;
        Event::new("credit.review", "credit_review", id)
            .by(created_by)
            .summary(json!({"selection": row.selection, "totals": row.totals}))
            .record(conn, state, meta)
            .await?;
        Ok(ReviewView {
            id,
            selection,
            totals,
            items,
            created_by,
            created_at: now,
        })
    })
    .await
}

/// A stored review with the checks it made (404 when there is none).
pub async fn stored_review(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<ReviewView> {
    let review = queries::find(conn, id).await?;
    let made = checks::of_review(conn, id).await?;
    ReviewView::stored(review, made)
}
