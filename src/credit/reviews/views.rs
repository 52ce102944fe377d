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
use crate::i18n::{self, Args, Locale};

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

/// The columns of the review's CSV, by their message ids (`credit-review-csv-<column>`).
const CSV_COLUMNS: [&str; 7] = [
    "subject_kind",
    "subject_name",
    "subject_code",
    "standing",
    "result",
    "records_in_force",
    "check_id",
];

/// The review's list as CSV (UTF-8 with BOM, so that spreadsheet programs read the Chinese), its
/// header and labels in `locale`.
pub fn to_csv(review: &ReviewView, locale: Locale) -> AppResult<Vec<u8>> {
    let label = |id: &str, name: &'static str, value: &str| {
        i18n::text(locale, id, &Args::new().with(name, value))
    };
    let mut out = UTF8_BOM.to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let header = CSV_COLUMNS
            .map(|column| i18n::text(locale, &format!("credit-review-csv-{column}"), &Args::new()));
        writer.write_record(header).map_err(anyhow::Error::from)?;
        for item in &review.items {
            writer
                .write_record([
                    label("credit-review-kind", "kind", item.subject_kind.as_str()),
                    safe_cell(&item.subject_name).into_owned(),
                    item.subject_code.clone(),
                    label("credit-review-standing", "standing", item.standing.as_str()),
                    label("credit-review-result", "result", item.result.as_str()),
                    item.records_in_force.to_string(),
                    item.check_id.to_string(),
                ])
                .map_err(anyhow::Error::from)?;
        }
        writer.flush().map_err(anyhow::Error::from)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review() -> ReviewView {
        let item = |subject_kind, code: &str, name: &str, standing, result, records| ReviewItem {
            check_id: Uuid::nil(),
            subject_kind,
            subject_code: code.to_string(),
            subject_name: name.to_string(),
            standing,
            result,
            records_in_force: records,
        };
        let items = vec![
            item(
                SubjectKind::Organization,
                "913502000728319549",
                "=某公司",
                Standing::Serious,
                CheckResult::Block,
                2,
            ),
            item(
                SubjectKind::Person,
                "340524********001X",
                "张三",
                Standing::Good,
                CheckResult::Pass,
                0,
            ),
        ];
        ReviewView {
            id: Uuid::nil(),
            selection: Selection::ChallengeIds(vec![]),
            totals: totals(&items),
            items,
            created_by: None,
            created_at: Utc::now(),
        }
    }

    fn lines(locale: Locale) -> Vec<String> {
        let csv = String::from_utf8(to_csv(&review(), locale).unwrap()).unwrap();
        let csv = csv.strip_prefix('\u{feff}').expect("a BOM");
        csv.lines().map(str::to_string).collect()
    }

    #[test]
    fn the_csv_speaks_the_readers_language_chinese_by_default() {
        let nil = Uuid::nil();
        assert_eq!(
            lines(Locale::ZhCn),
            vec![
                "主体类型,主体名称,统一社会信用代码或身份证号,信用状况,审查结果,有效记录数,审查编号"
                    .to_string(),
                format!("法人,'=某公司,913502000728319549,严重失信,限制,2,{nil}"),
                format!("自然人,张三,340524********001X,良好,通过,0,{nil}"),
            ]
        );
        assert_eq!(
            lines(Locale::En),
            vec![
                "Subject kind,Subject name,USCC or ID number,Standing,Result,Records in force,Check ID"
                    .to_string(),
                format!("Organization,'=某公司,913502000728319549,Serious dishonesty,Block,2,{nil}"),
                format!("Person,张三,340524********001X,Good,Pass,0,{nil}"),
            ]
        );
    }
}
