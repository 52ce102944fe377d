//! The awarded project (SPEC §7, 过程管理 and 验收): the winning bid's milestones, the payment
//! ledger, the one extension, and the final acceptance by an expert panel.

pub mod extension;
pub mod input;
pub mod lifecycle;
pub mod milestones;
pub mod models;
pub mod notices;
pub mod overdue;
pub mod payments;
pub mod plan;
pub mod queries;
pub mod terminate;
pub mod views;

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, RequestMeta};
use crate::bids::input::Milestone as PlannedMilestone;
use crate::bids::models::Bid;
use crate::challenges::models::Challenge;
use crate::error::AppResult;
use crate::schema::milestones as milestone_rows;
use crate::state::AppState;
use models::MilestoneStatus;

pub mod acceptance;

/// The project's routes.
pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    acceptance::configure(cfg);
    cfg.configure(milestones::configure)
        .configure(payments::configure)
        .configure(extension::configure)
        .configure(terminate::configure);
}

/// Installed at start-up as the awards' [`crate::awards::stages::ProjectStage`]: a confirmed award
/// starts its project ([`start`]).
pub struct Project;

impl crate::awards::stages::ProjectStage for Project {
    fn start<'a>(
        &'a self,
        conn: &'a mut AsyncPgConnection,
        state: &'a AppState,
        meta: &'a RequestMeta,
        challenge: &'a Challenge,
        bid: &'a Bid,
        amount_fen: i64,
    ) -> futures_util::future::BoxFuture<'a, AppResult<()>> {
        Box::pin(start(conn, state, meta, challenge, bid, amount_fen))
    }
}

/// Starts the project of a confirmed award, in the confirming transaction: `challenge` is
/// `awarded` (with `awarded_at` set) and `bid` is its awarded bid, for `amount_fen`.
///
/// The bid's milestone plan becomes the `milestones` rows: each milestone's amount is its share
/// of `amount_fen` ([`plan::allocate`]: they add up to exactly `amount_fen`), due `due_month`
/// months after the award day (China calendar), `pending`, with its overdue reminder scheduled
/// for the end of that day. The awardee is told by the award's confirmation mail, not here.
pub async fn start(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    challenge: &Challenge,
    bid: &Bid,
    amount_fen: i64,
) -> AppResult<()> {
    let awarded_at = challenge.awarded_at.ok_or_else(|| {
        anyhow::anyhow!("challenge {} is awarded without awarded_at", challenge.id)
    })?;
    let mut planned: Vec<PlannedMilestone> = serde_json::from_value(bid.milestones.clone())
        .map_err(|e| anyhow::anyhow!("bid {} has an unreadable milestone plan: {e}", bid.id))?;
    // In the order of their due months (stable: the plan's order among equal months), so that
    // the last position is the last milestone, the one the final acceptance decides.
    planned.sort_by_key(|m| m.due_month);
    if planned.is_empty() {
        return Err(anyhow::anyhow!("bid {} has no milestone plan", bid.id).into());
    }
    let shares: Vec<i32> = planned.iter().map(|m| m.share_percent).collect();
    let amounts = plan::allocate(amount_fen, &shares);
    let award_day = plan::china_date(awarded_at);
    let now = state.clock.now();
    let mut created = Vec::with_capacity(planned.len());
    for (position, (m, amount)) in planned.iter().zip(amounts).enumerate() {
        let id = Uuid::now_v7();
        let due = plan::due_on(award_day, m.due_month);
        diesel::insert_into(milestone_rows::table)
            .values((
                milestone_rows::id.eq(id),
                milestone_rows::challenge_id.eq(challenge.id),
                milestone_rows::bid_id.eq(bid.id),
                milestone_rows::position.eq(position as i32),
                milestone_rows::title.eq(m.title.trim()),
                milestone_rows::due_month.eq(m.due_month),
                milestone_rows::share_percent.eq(m.share_percent),
                milestone_rows::amount_fen.eq(amount),
                milestone_rows::due_on.eq(due),
                milestone_rows::status.eq(MilestoneStatus::Pending),
                milestone_rows::created_at.eq(now),
                milestone_rows::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        overdue::schedule_due(conn, id, 1, due).await?;
        created.push(json!({
            "id": id, "position": position, "title": m.title, "share_percent": m.share_percent,
            "amount_fen": amount, "due_on": due,
        }));
    }
    audit::record(
        conn,
        state,
        meta,
        audit::Event {
            actor_id: None,
            action: "project.start",
            object_type: "challenge",
            object_id: Some(challenge.id.to_string()),
            summary: json!({
                "bid_id": bid.id,
                "organization_id": bid.organization_id,
                "amount_fen": amount_fen,
                "award_day": award_day,
                "milestones": created,
            }),
        },
    )
    .await
}

/// How many milestones keep the final acceptance (验收) from starting: every milestone before
/// the last must be accepted by the issuer, and the last reported; the panel judges that last
/// deliverable, and a passed acceptance accepts it and pays its share (尾款).
pub async fn milestones_outstanding(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
) -> AppResult<i64> {
    let statuses: Vec<MilestoneStatus> = milestone_rows::table
        .filter(milestone_rows::challenge_id.eq(challenge_id))
        .order(milestone_rows::position.asc())
        .select(milestone_rows::status)
        .load(conn)
        .await?;
    let Some((last, before)) = statuses.split_last() else {
        return Ok(0);
    };
    let open = before
        .iter()
        .filter(|s| **s != MilestoneStatus::Accepted)
        .count()
        + usize::from(*last != MilestoneStatus::Reported && *last != MilestoneStatus::Accepted);
    Ok(i64::try_from(open).unwrap_or(i64::MAX))
}
