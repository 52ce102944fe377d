//! The aggregation of SPEC §5, pure: a bid's score from its experts' totals, the ranking, and the
//! divergence flag.

use std::collections::HashMap;

use uuid::Uuid;

use super::views::{CriterionMean, ExpertTotal};
use crate::bids::models::Bid;
use crate::challenges::models::Criterion;
use crate::reviews::models::{Assignment, Ranking, Score};

/// A total differing from the mean of the other experts' totals by more than this is flagged.
pub const DIVERGENCE_POINTS: f64 = 20.0;
/// From this many experts on, the single highest and single lowest totals are dropped.
pub const TRIM_FROM: usize = 5;

/// One bid's score: the mean of the totals, without the single highest and lowest when there
/// are [`TRIM_FROM`] or more. Answers the score and which totals were dropped.
pub fn score(totals: &[i32]) -> (f64, Vec<bool>) {
    let mut dropped = vec![false; totals.len()];
    if totals.is_empty() {
        return (0.0, dropped);
    }
    if totals.len() >= TRIM_FROM {
        let max = (0..totals.len()).max_by_key(|&i| (totals[i], std::cmp::Reverse(i)));
        let min = (0..totals.len()).min_by_key(|&i| (totals[i], i));
        if let (Some(max), Some(min)) = (max, min) {
            dropped[max] = true;
            // All equal: the lowest is another one than the highest.
            let min = if min == max {
                (0..totals.len()).find(|&i| i != max).unwrap_or(min)
            } else {
                min
            };
            dropped[min] = true;
        }
    }
    let kept: Vec<f64> = totals
        .iter()
        .zip(&dropped)
        .filter(|(_, d)| !**d)
        .map(|(t, _)| f64::from(*t))
        .collect();
    (
        round2(kept.iter().sum::<f64>() / kept.len() as f64),
        dropped,
    )
}

/// Rounded to hundredths, so that equal scores compare equal.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Whether each total differs from the mean of the others by more than [`DIVERGENCE_POINTS`].
pub fn divergent(totals: &[i32]) -> Vec<bool> {
    let n = totals.len();
    if n < 2 {
        return vec![false; n];
    }
    let sum: i64 = totals.iter().map(|t| i64::from(*t)).sum();
    totals
        .iter()
        .map(|t| {
            let others = (sum - i64::from(*t)) as f64 / (n - 1) as f64;
            (f64::from(*t) - others).abs() > DIVERGENCE_POINTS
        })
        .collect()
}

/// Competition ranking (1, 1, 3) of scores, highest first.
pub fn ranks(scores: &[f64]) -> Vec<i32> {
    scores
        .iter()
        .map(|s| 1 + scores.iter().filter(|o| round2(**o) > round2(*s)).count() as i32)
        .collect()
}

/// The ranking of the eligible bids from the submitted seats' scores: per bid, the experts'
/// totals (in panel order, with the dropped and divergent flags), the mean of each rubric
/// criterion, the score; then the competition ranks.
pub fn rank_bids(
    challenge_id: Uuid,
    eligible: &[Bid],
    submitted: &[&Assignment],
    scores: &[Score],
    rubric: &[Criterion],
) -> anyhow::Result<Vec<Ranking>> {
    let by_key: HashMap<(Uuid, Uuid), &Score> = scores
        .iter()
        .map(|s| ((s.assignment_id, s.bid_id), s))
        .collect();
    let mut rows = Vec::new();
    for bid in eligible {
        let sheets: Vec<(&Assignment, &Score)> = submitted
            .iter()
            .filter_map(|a| by_key.get(&(a.id, bid.id)).map(|s| (*a, *s)))
            .collect();
        let totals: Vec<i32> = sheets.iter().map(|(_, s)| s.total).collect();
        let (score, dropped) = score(&totals);
        let divergent = divergent(&totals);
        let expert_totals: Vec<ExpertTotal> = sheets
            .iter()
            .enumerate()
            .map(|(i, (a, s))| ExpertTotal {
                expert_id: Some(a.expert_id),
                expert_name: None,
                label: String::new(),
                total: s.total,
                dropped: dropped[i],
                divergent: divergent[i],
            })
            .collect();
        let means: Vec<CriterionMean> = rubric
            .iter()
            .map(|c| {
                let points: Vec<i32> = sheets
                    .iter()
                    .filter_map(|(_, s)| {
                        let given = s.criterion_list().into_iter().find(|x| x.name == c.name);
                        given.map(|x| x.points)
                    })
                    .collect();
                let mean = if points.is_empty() {
                    0.0
                } else {
                    round2(points.iter().map(|p| f64::from(*p)).sum::<f64>() / points.len() as f64)
                };
                CriterionMean {
                    name: c.name.clone(),
                    max_points: c.max_points,
                    mean,
                }
            })
            .collect();
        rows.push((bid.id, score, expert_totals, means));
    }
    let scores_only: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let mut stored = Vec::new();
    for ((bid_id, score, totals, means), rank) in rows.into_iter().zip(ranks(&scores_only)) {
        stored.push(Ranking {
            challenge_id,
            bid_id,
            rank,
            score,
            expert_totals: serde_json::to_value(&totals)?,
            criterion_means: serde_json::to_value(&means)?,
        });
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_experts_mean_of_all() {
        let (s, dropped) = score(&[80, 70, 90]);
        assert_eq!(s, 80.0);
        assert_eq!(dropped, vec![false; 3]);
    }

    #[test]
    fn four_experts_mean_of_all() {
        let (s, dropped) = score(&[80, 70, 90, 61]);
        assert_eq!(s, 75.25);
        assert!(dropped.iter().all(|d| !d));
    }

    #[test]
    fn five_experts_drop_the_single_highest_and_lowest() {
        let (s, dropped) = score(&[80, 70, 90, 60, 75]);
        assert_eq!(s, 75.0);
        assert_eq!(dropped, vec![false, false, true, true, false]);
        // Tied extremes: only one of each is dropped.
        let (s, dropped) = score(&[90, 90, 60, 60, 75]);
        assert_eq!(s, 75.0);
        assert_eq!(dropped.iter().filter(|d| **d).count(), 2);
        // All equal: still two dropped, the score unchanged.
        let (s, dropped) = score(&[70; 5]);
        assert_eq!(s, 70.0);
        assert_eq!(dropped.iter().filter(|d| **d).count(), 2);
    }

    #[test]
    fn seven_experts_drop_one_each_side() {
        let (s, dropped) = score(&[95, 40, 70, 72, 68, 74, 66]);
        assert_eq!(s, 70.0);
        assert!(dropped[0] && dropped[1]);
        assert_eq!(dropped.iter().filter(|d| **d).count(), 2);
    }

    #[test]
    fn ties_share_a_rank() {
        assert_eq!(ranks(&[80.0, 90.0, 80.0, 70.0]), vec![2, 1, 2, 4]);
        assert_eq!(ranks(&[75.0, 75.0, 75.0]), vec![1, 1, 1]);
        assert_eq!(ranks(&[70.004, 70.0]), vec![1, 1]);
        assert!(ranks(&[]).is_empty());
    }

    #[test]
    fn divergence_against_the_mean_of_the_others() {
        // 95 vs mean(70, 72) = 71: 24 > 20.
        assert_eq!(divergent(&[95, 70, 72]), vec![true, false, false]);
        // Exactly 20 is not flagged.
        assert_eq!(divergent(&[90, 70, 70]), vec![false, false, false]);
        assert_eq!(divergent(&[50]), vec![false]);
    }
}
