//! Objections as the API shows them: the objector and the contact to admins only.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{Objection, ObjectionStatus};
use crate::http::pagination::PageRequest;

/// Who objected (admins only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Objector {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
}

/// An objection. `objector` and `contact` are present for admins only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ObjectionView {
    pub id: Uuid,
    pub award_id: Uuid,
    pub challenge_id: Uuid,
    pub challenge_title: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    pub filed_at: DateTime<Utc>,
    pub status: ObjectionStatus,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The admin's reason.
    pub resolution: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objector: Option<Objector>,
}

impl ObjectionView {
    /// The objection `o` on the challenge `challenge_title`. `objector_email` is given to admins
    /// only: with it the view names the objector and shows the contact, without it neither.
    pub fn new(o: Objection, challenge_title: String, objector_email: Option<String>) -> Self {
        let admin = objector_email.is_some();
        let objector = objector_email.map(|email| Objector {
            user_id: o.objector_id,
            name: o.objector_name,
            email,
        });
        ObjectionView {
            id: o.id,
            award_id: o.award_id,
            challenge_id: o.challenge_id,
            challenge_title,
            reason: o.reason,
            contact: if admin { o.contact } else { None },
            filed_at: o.filed_at,
            status: o.status,
            resolved_at: o.resolved_at,
            resolution: o.resolution,
            objector,
        }
    }
}

/// A page of objections.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionPage {
    pub items: Vec<ObjectionView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl ObjectionPage {
    pub fn new(items: Vec<ObjectionView>, total: i64, request: PageRequest) -> Self {
        ObjectionPage {
            items,
            total,
            page: request.page,
            per_page: request.per_page,
        }
    }
}
