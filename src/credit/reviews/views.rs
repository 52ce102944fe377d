//! How a review is shown: the totals and the list behind them, as JSON or as CSV.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{CreditReview, Selection};
use super::rules::totals;
use crate::credit::checks::models::CreditCheck;
use crate::credit::checks::views::CheckView;
use crate::credit::models::{CheckResult, Standing, SubjectKind};
use crate::error::AppResult;
use crate::http::spreadsheet::{UTF8_BOM, safe_cell};

/// Counts of results.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct Counts {
    pub pass: i64,
    pub warn: i64,
    pub block: i64,
    pub total: i64,
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

impl ReviewView {
    /// A stored review with the checks it made.
    pub fn stored(review: CreditReview, checks: Vec<CreditCheck>) -> AppResult<ReviewView> {
        let items: Vec<ReviewItem> = checks
            .into_iter()
            .map(|c| ReviewItem::from(&CheckView::from(c)))
            .collect();
        Ok(ReviewView {
            id: review.id,
            selection: serde_json::from_value(review.selection).map_err(anyhow::Error::from)?,
            totals: totals(&items),
            items,
            created_by: review.created_by,
            created_at: review.created_at,
        })
    }
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
