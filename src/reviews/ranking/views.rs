//! The ranking as the API shows it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::bids::models::{Bid, display_code};
use crate::reviews::models::Ranking;

/// One expert's total of a bid, as stored at close.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExpertTotal {
    /// The expert; absent for the issuer, who sees totals without identities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expert_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expert_name: Option<String>,
    /// "专家 1", "专家 2", ... in panel order.
    #[serde(default)]
    pub label: String,
    pub total: i32,
    /// Dropped as the single highest or lowest (5 or more experts).
    pub dropped: bool,
    /// Differs from the mean of the other experts' totals by more than 20 points.
    pub divergent: bool,
}

/// The mean points of one criterion over the experts who scored the bid.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CriterionMean {
    pub name: String,
    pub max_points: i32,
    pub mean: f64,
}

/// One bid in the ranking.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RankedBid {
    /// Competition ranking: ties share a rank (1, 1, 3).
    pub rank: i32,
    pub bid_id: Uuid,
    pub anonymous_code: String,
    pub display_code: String,
    pub organization_name: String,
    /// Mean of the experts' totals (without the single highest and lowest from 5 experts on).
    pub score: f64,
    pub criterion_means: Vec<CriterionMean>,
    pub expert_totals: Vec<ExpertTotal>,
    /// Whether any total is flagged as divergent, for the panel chair.
    pub flagged: bool,
}

/// The result of a closed review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RankingView {
    pub challenge_id: Uuid,
    pub closed_at: DateTime<Utc>,
    pub items: Vec<RankedBid>,
}

impl RankedBid {
    /// A stored ranking row of `bid`: the experts labelled in panel order, named from `names`
    /// for admins (`identities`), anonymous otherwise.
    pub fn of(
        r: Ranking,
        bid: Bid,
        organization_name: String,
        names: &HashMap<Uuid, String>,
        identities: bool,
    ) -> Self {
        let totals: Vec<ExpertTotal> = serde_json::from_value::<Vec<ExpertTotal>>(r.expert_totals)
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, mut t)| {
                t.label = format!("专家 {}", i + 1);
                if identities {
                    t.expert_name = t.expert_id.and_then(|e| names.get(&e).cloned());
                } else {
                    t.expert_id = None;
                    t.expert_name = None;
                }
                t
            })
            .collect();
        RankedBid {
            rank: r.rank,
            bid_id: bid.id,
            display_code: display_code(bid.anonymous_code.as_deref().unwrap_or_default()),
            anonymous_code: bid.anonymous_code.unwrap_or_default(),
            organization_name,
            score: r.score,
            criterion_means: serde_json::from_value(r.criterion_means).unwrap_or_default(),
            flagged: totals.iter().any(|t| t.divergent),
            expert_totals: totals,
        }
    }
}
