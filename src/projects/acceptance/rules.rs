//! The acceptance's rules, as pure functions: the verdict sheet against the challenge's KPIs,
//! the majority, the per-KPI tallies; and what the started acceptance no longer allows.

use std::collections::HashMap;

use super::models::{AcceptanceResult, KpiTally, KpiVerdict};
use crate::challenges::models::Kpi;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};

/// The 409 for what the started final acceptance no longer allows (returning the last
/// milestone, an extension).
pub fn already_started() -> AppError {
    AppError::conflict(ErrorCode::AcceptanceStarted)
        .field(FieldError::new("status", FieldCode::AcceptanceStarted))
}

/// The panel judges the last milestone's deliverable: every milestone but the last must be
/// accepted and the last reported; `outstanding` are not.
pub fn milestones_ready(outstanding: i64) -> AppResult<()> {
    if outstanding > 0 {
        return Err(AppError::conflict(ErrorCode::MilestonesOutstanding)
            .arg("count", outstanding)
            .field(
                FieldError::new("milestones", FieldCode::MilestonesOutstanding)
                    .with_param("count", outstanding),
            ));
    }
    Ok(())
}

/// A saved verdict is what a submission makes final.
pub fn verdict_saved<T>(verdict: Option<T>) -> AppResult<T> {
    verdict.ok_or_else(|| {
        AppError::conflict(ErrorCode::VerdictMissing)
            .field(FieldError::new("verdict", FieldCode::Required))
    })
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
