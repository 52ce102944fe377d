//! The final acceptance as stored, and its rules as pure functions: the verdict sheet against the
//! challenge's KPIs, the majority, and the per-KPI tallies.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::challenges::models::Kpi;
use crate::db_enum;
use crate::error::{AppError, AppResult, FieldCode, FieldError};
use crate::reviews::models::AssignmentStatus;
use crate::schema::{acceptance_assignments, acceptance_panels, acceptance_verdicts};

db_enum!(
    /// The outcome of a closed acceptance.
    AcceptanceResult {
        /// 验收通过: a strict majority of the submitted verdicts pass.
        Passed => "passed",
        /// 验收未通过: half or fewer pass.
        Failed => "failed",
    }
);

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
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
    /// The seed as drawn (stored bit for bit in a signed column).
    pub fn seed(&self) -> u64 {
        self.seed as u64
    }

    pub fn candidate_list(&self) -> Vec<Uuid> {
        serde_json::from_value(self.candidates.clone()).unwrap_or_default()
    }

    pub fn tally_list(&self) -> Option<Vec<KpiTally>> {
        self.kpi_tallies
            .as_ref()
            .map(|t| serde_json::from_value(t.clone()).unwrap_or_default())
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = acceptance_assignments, check_for_backend(diesel::pg::Pg))]
pub struct AcceptanceAssignment {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub expert_id: Uuid,
    pub position: i32,
    pub status: AssignmentStatus,
    pub decline_reason: Option<String>,
    pub invited_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// One KPI as an expert judged it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KpiVerdict {
    /// The KPI's name, as the challenge gives it.
    #[validate(length(min = 1, max = 100))]
    #[schema(example = "拉伸强度")]
    pub kpi: String,
    /// Whether the result meets the commitment.
    pub met: bool,
    #[serde(default)]
    #[validate(length(max = 2000))]
    #[schema(example = "第三方检测报告实测 5.9 GPa。")]
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

/// The verdict sheet in the challenge's KPI order, or 422 naming each entry at fault: a KPI the
/// challenge does not have (`invalid_choice`), given twice (`duplicate_entry`), or missing
/// (`kpi_not_judged`).
pub fn check_sheet(kpis: &[Kpi], given: &[KpiVerdict]) -> AppResult<Vec<KpiVerdict>> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, &KpiVerdict> = HashMap::new();
    for (i, v) in given.iter().enumerate() {
        if !kpis.iter().any(|k| k.name == v.kpi) {
            errors.push(FieldError::new(
                format!("kpis[{i}].kpi"),
                FieldCode::InvalidChoice,
            ));
        } else if seen.contains_key(v.kpi.as_str()) {
            errors.push(FieldError::new(
                format!("kpis[{i}].kpi"),
                FieldCode::DuplicateEntry,
            ));
        } else {
            seen.insert(&v.kpi, v);
        }
    }
    for k in kpis {
        if !seen.contains_key(k.name.as_str()) {
            errors
                .push(FieldError::new("kpis", FieldCode::KpiNotJudged).with_param("name", &k.name));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(kpis
        .iter()
        .filter_map(|k| seen.get(k.name.as_str()))
        .map(|v| KpiVerdict {
            kpi: v.kpi.clone(),
            met: v.met,
            comment: v.comment.trim().to_string(),
        })
        .collect())
}

/// Passed when strictly more verdicts pass than fail; a tie fails (the commitments were made as
/// a pledge, so a divided panel does not accept them).
pub fn majority(passes: usize, fails: usize) -> AcceptanceResult {
    if passes > fails {
        AcceptanceResult::Passed
    } else {
        AcceptanceResult::Failed
    }
}

/// For each KPI of the challenge, how many sheets found it met and not met.
pub fn tallies(kpis: &[Kpi], sheets: &[Vec<KpiVerdict>]) -> Vec<KpiTally> {
    kpis.iter()
        .map(|k| {
            let judged = sheets
                .iter()
                .filter_map(|s| s.iter().find(|v| v.kpi == k.name));
            let (met, not_met) = judged.fold(
                (0, 0),
                |(m, n), v| {
                    if v.met { (m + 1, n) } else { (m, n + 1) }
                },
            );
            KpiTally {
                kpi: k.name.clone(),
                met,
                not_met,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kpis() -> Vec<Kpi> {
        ["拉伸强度", "成本"]
            .into_iter()
            .map(|n| Kpi {
                name: n.into(),
                target: "1".into(),
                unit: String::new(),
            })
            .collect()
    }

    fn v(kpi: &str, met: bool) -> KpiVerdict {
        KpiVerdict {
            kpi: kpi.into(),
            met,
            comment: " 好 ".into(),
        }
    }

    #[test]
    fn a_strict_majority_passes_and_a_tie_fails() {
        assert_eq!(majority(2, 1), AcceptanceResult::Passed);
        assert_eq!(majority(3, 0), AcceptanceResult::Passed);
        assert_eq!(majority(2, 2), AcceptanceResult::Failed);
        assert_eq!(majority(1, 2), AcceptanceResult::Failed);
        assert_eq!(majority(0, 0), AcceptanceResult::Failed);
    }

    #[test]
    fn the_sheet_comes_back_in_kpi_order_and_faults_are_named() {
        let sheet = check_sheet(&kpis(), &[v("成本", false), v("拉伸强度", true)]).unwrap();
        assert_eq!(sheet[0].kpi, "拉伸强度");
        assert_eq!(sheet[1].comment, "好");
        let Err(AppError::Validation(errors)) = check_sheet(
            &kpis(),
            &[v("拉伸强度", true), v("颜值", true), v("拉伸强度", false)],
        ) else {
            panic!("refused");
        };
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("kpis[1].kpi", "invalid_choice"),
                ("kpis[2].kpi", "duplicate_entry"),
                ("kpis", "kpi_not_judged"),
            ]
        );
    }

    #[test]
    fn tallies_count_each_kpi() {
        let sheets = vec![
            vec![v("拉伸强度", true), v("成本", false)],
            vec![v("拉伸强度", true), v("成本", true)],
            vec![v("拉伸强度", false), v("成本", false)],
        ];
        assert_eq!(
            tallies(&kpis(), &sheets),
            vec![
                KpiTally {
                    kpi: "拉伸强度".into(),
                    met: 2,
                    not_met: 1
                },
                KpiTally {
                    kpi: "成本".into(),
                    met: 1,
                    not_met: 2
                },
            ]
        );
    }
}
