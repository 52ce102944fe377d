//! A seat as the API shows it: the review's [`AssignmentView`] (the acceptance shows the same
//! without `blind_review`).

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use super::{Panel, queries};
use crate::commitments::views::SignatureView;
use crate::commitments::{self, Signed};
use crate::error::{AppError, AppResult};
use crate::reviews::models::Assignment;
use crate::reviews::views::{AssignmentView, ScoringProgress};
use diesel_async::AsyncPgConnection;

/// The seats with their challenge (title, field, rubric, KPIs), the panel's deadline, the
/// expert's name, the progress of their work and the commitment they signed (the address only
/// when `admin`).
pub async fn seat_views(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    rows: Vec<Assignment>,
    admin: bool,
) -> AppResult<Vec<AssignmentView>> {
    let challenge_ids: Vec<Uuid> = rows.iter().map(|a| a.challenge_id).collect();
    let expert_ids: Vec<Uuid> = rows.iter().map(|a| a.expert_id).collect();
    let seat_ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let contexts = queries::seat_contexts(conn, panel, &challenge_ids).await?;
    let names = queries::display_names(conn, &expert_ids).await?;
    let signed: Vec<Signed> = seat_ids.iter().map(|id| panel.signed(*id)).collect();
    let mut signatures = commitments::queries::signatures_for(conn, &signed).await?;
    let (eligible, scored, verdicts) = match panel {
        Panel::Review => {
            let eligible = queries::eligible_bid_ids(conn, &challenge_ids).await?;
            let scored = queries::scored_bids(conn, &seat_ids).await?;
            (eligible, scored, HashSet::new())
        }
        Panel::Acceptance => {
            let verdicts = queries::with_verdict(conn, &seat_ids).await?;
            (HashMap::new(), Vec::new(), verdicts.into_iter().collect())
        }
    };
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let (challenge, deadline) = contexts.get(&a.challenge_id)?;
            let to_score = eligible.get(&a.challenge_id).cloned().unwrap_or_default();
            let done = scored
                .iter()
                .filter(|(seat, bid)| *seat == a.id && to_score.contains(bid))
                .count();
            Some(AssignmentView {
                id: a.id,
                challenge_id: a.challenge_id,
                challenge_title: challenge.title.clone(),
                field: challenge.field,
                expert_id: a.expert_id,
                expert_name: names.get(&a.expert_id).cloned().unwrap_or_default(),
                position: a.position,
                status: a.status,
                decline_reason: a.decline_reason,
                blind_review: challenge.blind_review,
                review_deadline: *deadline,
                invited_at: a.invited_at,
                responded_at: a.responded_at,
                submitted_at: a.submitted_at,
                rubric: match panel {
                    Panel::Review => challenge.rubric_list(),
                    Panel::Acceptance => Vec::new(),
                },
                progress: ScoringProgress {
                    bids_to_score: i32::try_from(to_score.len()).unwrap_or(i32::MAX),
                    bids_scored: i32::try_from(done).unwrap_or(i32::MAX),
                },
                commitment: signatures
                    .remove(&a.id)
                    .map(|record| SignatureView::of(record, admin)),
                kpis: match panel {
                    Panel::Review => Vec::new(),
                    Panel::Acceptance => challenge.kpi_list(),
                },
                verdict_saved: verdicts.contains(&a.id),
            })
        })
        .collect())
}

/// One seat's view (its expert's, or an admin's when `admin`).
pub async fn seat_view(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    a: Assignment,
    admin: bool,
) -> AppResult<AssignmentView> {
    seat_views(conn, panel, vec![a], admin)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}
