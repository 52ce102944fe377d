//! The final acceptance as stored: the panel with its result, the verdicts. Its seats are the
//! review's [`crate::reviews::models::Assignment`] rows, in `acceptance_assignments`.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::db_enum;
use crate::schema::{acceptance_panels, acceptance_verdicts};

db_enum!(
    /// The outcome of a closed acceptance.
    AcceptanceResult {
        /// 验收通过: a strict majority of the submitted verdicts pass.
        Passed => "passed",
        /// 验收未通过: half or fewer pass.
        Failed => "failed",
    }
);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable, Insertable)]
#[diesel(table_name = acceptance_panels, primary_key(challenge_id), check_for_backend(diesel::pg::Pg))]
pub struct AcceptancePanel {
    pub challenge_id: Uuid,
    pub bid_id: Uuid,
    pub seed: i64,
    pub panel_size: i32,
    pub candidates: serde_json::Value,
    pub exclusions: serde_json::Value,
    pub next_position: i32,
    pub review_deadline: DateTime<Utc>,
    pub drawn_by: Uuid,
    pub drawn_at: DateTime<Utc>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub result: Option<AcceptanceResult>,
    pub passes: Option<i32>,
    pub fails: Option<i32>,
    pub kpi_tallies: Option<serde_json::Value>,
}

impl AcceptancePanel {
    pub fn tally_list(&self) -> Option<Vec<KpiTally>> {
        self.kpi_tallies
            .as_ref()
            .map(|t| serde_json::from_value(t.clone()).unwrap_or_default())
    }
}

/// One KPI as an expert judged it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KpiVerdict {
    /// The KPI's name, as the challenge gives it.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100, example = "拉伸强度")]
    pub kpi: String,
    /// Whether the result meets the commitment.
    pub met: bool,
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000, example = "第三方检测报告实测 5.9 GPa。")]
    pub comment: String,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = acceptance_verdicts, check_for_backend(diesel::pg::Pg))]
pub struct Verdict {
    pub assignment_id: Uuid,
    pub kpis: serde_json::Value,
    pub pass: bool,
    pub comment: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Verdict {
    pub fn kpi_list(&self) -> Vec<KpiVerdict> {
        serde_json::from_value(self.kpis.clone()).unwrap_or_default()
    }
}

/// How the submitted verdicts judged one KPI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KpiTally {
    #[schema(example = "拉伸强度")]
    pub kpi: String,
    pub met: i32,
    pub not_met: i32,
}
