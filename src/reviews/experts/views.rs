//! An expert of the pool as the API shows it.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::challenges::models::Field;
use crate::reviews::models::Expert;

/// The expert's organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExpertOrganization {
    pub id: Uuid,
    pub name: String,
    pub uscc: String,
}

/// An expert of the pool.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExpertView {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub organization: Option<ExpertOrganization>,
    #[schema(example = "110105********002X")]
    pub id_number_masked: String,
    pub fields: Vec<Field>,
    pub title: String,
    pub conflict_usccs: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ExpertView {
    /// The view of a stored expert, with their account's name and email and their organisation.
    pub fn of(
        expert: Expert,
        display_name: String,
        email: String,
        organization: Option<(Uuid, String, String)>,
    ) -> ExpertView {
        ExpertView {
            user_id: expert.user_id,
            display_name,
            email,
            organization: organization.map(|(id, name, uscc)| ExpertOrganization {
                id,
                name,
                uscc,
            }),
            id_number_masked: expert.id_masked.clone(),
            fields: expert.field_list(),
            title: expert.title.clone(),
            conflict_usccs: expert.conflicts(),
            created_at: expert.created_at,
            updated_at: expert.updated_at,
        }
    }
}
