//! Batch reviews as stored: which challenges they covered and the totals (the checks they made
//! carry the review's id).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::schema::credit_reviews;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = credit_reviews, check_for_backend(diesel::pg::Pg))]
pub struct CreditReview {
    pub id: Uuid,
    pub selection: serde_json::Value,
    pub totals: serde_json::Value,
    pub subjects: i32,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Which challenges a review covers: the listed ones, or those created in a time range.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// These challenges.
    ChallengeIds(Vec<Uuid>),
    /// Challenges whose `created_at` is in `[from, to)`.
    CreatedBetween {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}
