//! Batch review: check a list of subjects once each (those involved in a set of challenges, which
//! `reports::credit_review` finds), and report totals by subject kind and result with the list
//! behind them.

use chrono::{DateTime, SubsecRound, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{CheckResult, CreditCheck, CreditReview, Purpose, Standing, SubjectKind};
use super::{CheckRequest, CheckView, Subject, check_in_review};
use crate::audit::{self, RequestMeta};
use crate::error::{AppError, AppResult};
use crate::http::spreadsheet::{UTF8_BOM, safe_cell};
use crate::schema::{credit_checks, credit_reviews};
use crate::state::AppState;

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

/// Counts of results.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Counts {
    pub pass: i64,
    pub warn: i64,
    pub block: i64,
    pub total: i64,
}

impl Counts {
    fn add(&mut self, result: CheckResult) {
        match result {
            CheckResult::Pass => self.pass += 1,
            CheckResult::Warn => self.warn += 1,
            CheckResult::Block => self.block += 1,
        }
        self.total += 1;
    }
}

/// Totals by subject kind and result ("974 legal entities and 257 natural persons").
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Totals {
    pub organization: Counts,
    pub person: Counts,
    pub all: Counts,
}

/// One subject of a review and what its check found.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReviewItem {
    pub check_id: Uuid,
    pub subject_kind: SubjectKind,
    /// The USCC, or the masked ID number.
    pub subject_code: String,
    pub subject_name: String,
    pub standing: Standing,
    pub result: CheckResult,
    /// Records in force at the check.
    pub records_in_force: usize,
}

impl From<&CheckView> for ReviewItem {
    fn from(c: &CheckView) -> Self {
        ReviewItem {
            check_id: c.id,
            subject_kind: c.subject_kind,
            subject_code: c.subject_code.clone(),
            subject_name: c.subject_name.clone(),
            standing: c.standing,
            result: c.result,
            records_in_force: c.matched.len(),
        }
    }
}

/// A batch review with its totals and list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReviewView {
    pub id: Uuid,
    pub selection: Selection,
    pub totals: Totals,
    pub items: Vec<ReviewItem>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

fn totals(items: &[ReviewItem]) -> Totals {
    let mut t = Totals::default();
    for item in items {
        match item.subject_kind {
            SubjectKind::Organization => t.organization.add(item.result),
            SubjectKind::Person => t.person.add(item.result),
        }
        t.all.add(item.result);
    }
    t
}

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
    conn.transaction::<_, AppError, _>(async |conn| {
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
        diesel::insert_into(credit_reviews::table)
            .values(&row)
            .execute(conn)
            .await?;
        let event = audit::Event {
            actor_id: created_by,
            action: "credit.review",
            object_type: "credit_review",
            object_id: Some(id.to_string()),
            summary: json!({"selection": row.selection, "totals": row.totals}),
        };
        audit::record(conn, state, meta, event).await?;
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

/// A stored review with the checks it made.
pub async fn load_review(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<ReviewView> {
    let review: CreditReview = credit_reviews::table
        .filter(credit_reviews::id.eq(id))
        .select(CreditReview::as_select())
        .first(conn)
        .await?;
    let checks: Vec<CreditCheck> = credit_checks::table
        .filter(credit_checks::review_id.eq(id))
        .order((
            credit_checks::subject_kind.asc(),
            credit_checks::subject_code.asc(),
        ))
        .select(CreditCheck::as_select())
        .load(conn)
        .await?;
    let items: Vec<ReviewItem> = checks
        .into_iter()
        .map(|c| ReviewItem::from(&CheckView::from(c)))
        .collect();
    Ok(ReviewView {
        id,
        selection: serde_json::from_value(review.selection).map_err(anyhow::Error::from)?,
        totals: totals(&items),
        items,
        created_by: review.created_by,
        created_at: review.created_at,
    })
}

/// The review's list as CSV (UTF-8 with BOM, so that spreadsheet programs read the Chinese).
pub fn to_csv(review: &ReviewView) -> AppResult<Vec<u8>> {
    let mut out = UTF8_BOM.to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer
            .write_record([
                "主体类型",
                "主体名称",
                "统一社会信用代码或身份证号",
                "信用状况",
                "审查结果",
                "在效记录数",
                "审查编号",
            ])
            .map_err(anyhow::Error::from)?;
        for item in &review.items {
            let kind = match item.subject_kind {
                SubjectKind::Organization => "法人",
                SubjectKind::Person => "自然人",
            };
            let standing = match item.standing {
                Standing::Good => "良好",
                Standing::General => "一般失信",
                Standing::Serious => "严重失信",
            };
            let result = match item.result {
                CheckResult::Pass => "通过",
                CheckResult::Warn => "提示",
                CheckResult::Block => "限制",
            };
            writer
                .write_record([
                    kind,
                    &safe_cell(&item.subject_name),
                    &item.subject_code,
                    standing,
                    result,
                    &item.records_in_force.to_string(),
                    &item.check_id.to_string(),
                ])
                .map_err(anyhow::Error::from)?;
        }
        writer.flush().map_err(anyhow::Error::from)?;
    }
    Ok(out)
}
