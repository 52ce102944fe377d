//! The rules of scoring: a score sheet against the rubric, a complete submission.

use std::collections::HashMap;

use crate::challenges::models::Criterion;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::reviews::models::CriterionScore;

/// The criteria in rubric order and their total, or 422 naming each entry at fault: a criterion
/// out of its range, not in the rubric, given twice, or missing.
pub fn check_scores(
    rubric: &[Criterion],
    given: &[CriterionScore],
) -> AppResult<(Vec<CriterionScore>, i32)> {
    let mut errors = Vec::new();
    let mut seen: HashMap<&str, i32> = HashMap::new();
    for (i, c) in given.iter().enumerate() {
        match rubric.iter().find(|r| r.name == c.name) {
            None => errors.push(FieldError::new(
                format!("criteria[{i}].name"),
                FieldCode::InvalidChoice,
            )),
            Some(_) if seen.contains_key(c.name.as_str()) => errors.push(FieldError::new(
                format!("criteria[{i}].name"),
                FieldCode::DuplicateEntry,
            )),
            Some(r) => {
                if !(0..=r.max_points).contains(&c.points) {
                    errors.push(
                        FieldError::new(format!("criteria[{i}].points"), FieldCode::Range)
                            .with_param("min", 0)
                            .with_param("max", r.max_points),
                    );
                }
                seen.insert(&c.name, c.points);
            }
        }
    }
    for r in rubric {
        if !seen.contains_key(r.name.as_str()) && !given.iter().any(|c| c.name == r.name) {
            errors.push(
                FieldError::new("criteria", FieldCode::MissingCriterion)
                    .with_param("name", &r.name),
            );
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let ordered: Vec<CriterionScore> = rubric
        .iter()
        .map(|r| CriterionScore {
            name: r.name.clone(),
            points: seen.get(r.name.as_str()).copied().unwrap_or(0),
        })
        .collect();
    let total = ordered.iter().map(|c| c.points).sum();
    Ok((ordered, total))
}

/// Every eligible bid must be scored before the expert submits; `missing` are not.
pub fn all_scored(missing: i64) -> AppResult<()> {
    if missing > 0 {
        return Err(AppError::conflict(ErrorCode::ScoresIncomplete)
            .arg("count", missing)
            .field(FieldError::new("scores", FieldCode::NotScored).with_param("count", missing)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::challenges::models::default_rubric;

    fn given(points: [i32; 5]) -> Vec<CriterionScore> {
        default_rubric()
            .into_iter()
            .zip(points)
            .map(|(c, points)| CriterionScore {
                name: c.name,
                points,
            })
            .collect()
    }

    #[test]
    fn a_full_score_sheet_adds_up() {
        let (ordered, total) = check_scores(&default_rubric(), &given([35, 20, 12, 8, 9])).unwrap();
        assert_eq!(total, 84);
        assert_eq!(ordered.len(), 5);
    }

    #[test]
    fn out_of_range_missing_unknown_and_repeated_are_named() {
        let mut sheet = given([41, -1, 12, 8, 9]);
        sheet.pop();
        sheet.push(CriterionScore {
            name: "颜值".into(),
            points: 1,
        });
        sheet.push(CriterionScore {
            name: "技术方案".into(),
            points: 1,
        });
        let Err(AppError::Validation(errors)) = check_scores(&default_rubric(), &sheet) else {
            panic!("refused");
        };
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("criteria[0].points", "range"),
                ("criteria[1].points", "range"),
                ("criteria[4].name", "invalid_choice"),
                ("criteria[5].name", "duplicate_entry"),
                ("criteria", "missing_criterion"),
            ]
        );
    }
}
