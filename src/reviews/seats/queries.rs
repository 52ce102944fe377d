//! The seats and the draw of either panel, as stored: each query reads the table of its
//! [`Panel`]. Both seat tables have the same columns, so a seat of either loads as an
//! [`Assignment`]; an acceptance panel loads as the [`PanelDraw`] it shares with the review.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::Panel;
use crate::accounts::models::User;
use crate::bids::models::BidStatus;
use crate::challenges::models::Challenge;
use crate::error::{AppError, AppResult};
use crate::http::pagination::PageRequest;
use crate::reviews::models::{Assignment, AssignmentStatus, PanelDraw};
use crate::schema::{
    acceptance_assignments as acc_seats, acceptance_panels as acc_panels, acceptance_verdicts,
    assignments, bids, challenges, panel_draws, scores, users,
};

/// The columns of `acceptance_panels` that make a [`PanelDraw`].
type AcceptanceDraw = (
    acc_panels::challenge_id,
    acc_panels::seed,
    acc_panels::panel_size,
    acc_panels::candidates,
    acc_panels::exclusions,
    acc_panels::next_position,
    acc_panels::review_deadline,
    acc_panels::drawn_by,
    acc_panels::drawn_at,
    acc_panels::closed_by,
    acc_panels::closed_at,
);

const ACCEPTANCE_DRAW: AcceptanceDraw = (
    acc_panels::challenge_id,
    acc_panels::seed,
    acc_panels::panel_size,
    acc_panels::candidates,
    acc_panels::exclusions,
    acc_panels::next_position,
    acc_panels::review_deadline,
    acc_panels::drawn_by,
    acc_panels::drawn_at,
    acc_panels::closed_by,
    acc_panels::closed_at,
);

/// The panel's draw for the challenge, if drawn.
pub async fn find_draw(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    challenge_id: Uuid,
) -> AppResult<Option<PanelDraw>> {
    Ok(match panel {
        Panel::Review => panel_draws::table
            .find(challenge_id)
            .select(PanelDraw::as_select())
            .first(conn)
            .await
            .optional()?,
        Panel::Acceptance => acc_panels::table
            .find(challenge_id)
            .select(ACCEPTANCE_DRAW)
            .first(conn)
            .await
            .optional()?,
    })
}

/// [`find_draw`], locked for the caller's transaction.
pub async fn lock_draw(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    challenge_id: Uuid,
) -> AppResult<Option<PanelDraw>> {
    Ok(match panel {
        Panel::Review => panel_draws::table
            .find(challenge_id)
            .select(PanelDraw::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?,
        Panel::Acceptance => acc_panels::table
            .find(challenge_id)
            .select(ACCEPTANCE_DRAW)
            .for_update()
            .first(conn)
            .await
            .optional()?,
    })
}

/// Where a walk down the stored order got to: the next position and the exclusions.
pub async fn advance_draw(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    challenge_id: Uuid,
    next_position: i32,
    exclusions: &serde_json::Value,
) -> AppResult<()> {
    match panel {
        Panel::Review => {
            diesel::update(panel_draws::table.find(challenge_id))
                .set((
                    panel_draws::next_position.eq(next_position),
                    panel_draws::exclusions.eq(exclusions),
                ))
                .execute(conn)
                .await?
        }
        Panel::Acceptance => {
            diesel::update(acc_panels::table.find(challenge_id))
                .set((
                    acc_panels::next_position.eq(next_position),
                    acc_panels::exclusions.eq(exclusions),
                ))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// The expert's own seat `id` on the panel (404 for anyone else's).
pub async fn find_own(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    expert_id: Uuid,
    id: Uuid,
) -> AppResult<Assignment> {
    let found = match panel {
        Panel::Review => assignments::table
            .filter(assignments::id.eq(id))
            .filter(assignments::expert_id.eq(expert_id))
            .select(Assignment::as_select())
            .first(conn)
            .await
            .optional()?,
        Panel::Acceptance => acc_seats::table
            .filter(acc_seats::id.eq(id))
            .filter(acc_seats::expert_id.eq(expert_id))
            .select(acc_seats::all_columns)
            .first(conn)
            .await
            .optional()?,
    };
    found.ok_or(AppError::NotFound)
}

/// [`find_own`], locked for the caller's transaction.
pub async fn lock_own(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    expert_id: Uuid,
    id: Uuid,
) -> AppResult<Assignment> {
    let found = match panel {
        Panel::Review => assignments::table
            .filter(assignments::id.eq(id))
            .filter(assignments::expert_id.eq(expert_id))
            .select(Assignment::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?,
        Panel::Acceptance => acc_seats::table
            .filter(acc_seats::id.eq(id))
            .filter(acc_seats::expert_id.eq(expert_id))
            .select(acc_seats::all_columns)
            .for_update()
            .first(conn)
            .await
            .optional()?,
    };
    found.ok_or(AppError::NotFound)
}

/// One page of the expert's seats on panels of this kind, newest first, and how many there are.
pub async fn own_page(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    expert_id: Uuid,
    page: PageRequest,
) -> AppResult<(Vec<Assignment>, i64)> {
    Ok(match panel {
        Panel::Review => {
            let mine = || assignments::table.filter(assignments::expert_id.eq(expert_id));
            let total = mine().count().get_result(conn).await?;
            let rows = mine()
                .order((assignments::invited_at.desc(), assignments::id.desc()))
                .limit(page.per_page)
                .offset(page.offset())
                .select(Assignment::as_select())
                .load(conn)
                .await?;
            (rows, total)
        }
        Panel::Acceptance => {
            let mine = || acc_seats::table.filter(acc_seats::expert_id.eq(expert_id));
            let total = mine().count().get_result(conn).await?;
            let rows = mine()
                .order((acc_seats::invited_at.desc(), acc_seats::id.desc()))
                .limit(page.per_page)
                .offset(page.offset())
                .select(acc_seats::all_columns)
                .load(conn)
                .await?;
            (rows, total)
        }
    })
}

/// Every seat of the challenge's panel, declined ones included, in the stored order.
pub async fn of_challenge(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    challenge_id: Uuid,
) -> AppResult<Vec<Assignment>> {
    Ok(match panel {
        Panel::Review => {
            assignments::table
                .filter(assignments::challenge_id.eq(challenge_id))
                .order(assignments::position.asc())
                .select(Assignment::as_select())
                .load(conn)
                .await?
        }
        Panel::Acceptance => {
            acc_seats::table
                .filter(acc_seats::challenge_id.eq(challenge_id))
                .order(acc_seats::position.asc())
                .select(acc_seats::all_columns)
                .load(conn)
                .await?
        }
    })
}

/// A new invitation at `position` of the stored order.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    challenge_id: Uuid,
    expert_id: Uuid,
    position: i32,
    now: DateTime<Utc>,
) -> AppResult<Assignment> {
    let id = Uuid::now_v7();
    let invited = AssignmentStatus::Invited;
    Ok(match panel {
        Panel::Review => {
            diesel::insert_into(assignments::table)
                .values((
                    assignments::id.eq(id),
                    assignments::challenge_id.eq(challenge_id),
                    assignments::expert_id.eq(expert_id),
                    assignments::position.eq(position),
                    assignments::status.eq(invited),
                    assignments::invited_at.eq(now),
                ))
                .returning(Assignment::as_returning())
                .get_result(conn)
                .await?
        }
        Panel::Acceptance => {
            diesel::insert_into(acc_seats::table)
                .values((
                    acc_seats::id.eq(id),
                    acc_seats::challenge_id.eq(challenge_id),
                    acc_seats::expert_id.eq(expert_id),
                    acc_seats::position.eq(position),
                    acc_seats::status.eq(invited),
                    acc_seats::invited_at.eq(now),
                ))
                .returning(acc_seats::all_columns)
                .get_result(conn)
                .await?
        }
    })
}

/// The expert's answer to an invitation: accepted, or declined with a reason.
pub async fn respond(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    id: Uuid,
    status: AssignmentStatus,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Assignment> {
    Ok(match panel {
        Panel::Review => {
            diesel::update(assignments::table.find(id))
                .set((
                    assignments::status.eq(status),
                    assignments::decline_reason.eq(reason),
                    assignments::responded_at.eq(now),
                ))
                .returning(Assignment::as_returning())
                .get_result(conn)
                .await?
        }
        Panel::Acceptance => {
            diesel::update(acc_seats::table.find(id))
                .set((
                    acc_seats::status.eq(status),
                    acc_seats::decline_reason.eq(reason),
                    acc_seats::responded_at.eq(now),
                ))
                .returning(acc_seats::all_columns)
                .get_result(conn)
                .await?
        }
    })
}

/// The seat's work is final.
pub async fn submit(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Assignment> {
    let submitted = AssignmentStatus::Submitted;
    Ok(match panel {
        Panel::Review => {
            diesel::update(assignments::table.find(id))
                .set((
                    assignments::status.eq(submitted),
                    assignments::submitted_at.eq(now),
                ))
                .returning(Assignment::as_returning())
                .get_result(conn)
                .await?
        }
        Panel::Acceptance => {
            diesel::update(acc_seats::table.find(id))
                .set((
                    acc_seats::status.eq(submitted),
                    acc_seats::submitted_at.eq(now),
                ))
                .returning(acc_seats::all_columns)
                .get_result(conn)
                .await?
        }
    })
}

/// Drops what the seat had saved (the review's scores, the acceptance's verdict): for a decline.
pub async fn clear_work(conn: &mut AsyncPgConnection, panel: Panel, id: Uuid) -> AppResult<()> {
    match panel {
        Panel::Review => {
            diesel::delete(scores::table.filter(scores::assignment_id.eq(id)))
                .execute(conn)
                .await?
        }
        Panel::Acceptance => {
            diesel::delete(acceptance_verdicts::table.find(id))
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// The live accounts of the experts whose seats on the challenge's panel are open.
pub async fn open_seat_holders(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    challenge_id: Uuid,
) -> AppResult<Vec<User>> {
    let open = AssignmentStatus::OPEN;
    Ok(match panel {
        Panel::Review => {
            users::table
                .inner_join(assignments::table.on(assignments::expert_id.eq(users::id)))
                .filter(assignments::challenge_id.eq(challenge_id))
                .filter(assignments::status.eq_any(open))
                .filter(users::disabled_at.is_null())
                .select(User::as_select())
                .load(conn)
                .await?
        }
        Panel::Acceptance => {
            users::table
                .inner_join(acc_seats::table.on(acc_seats::expert_id.eq(users::id)))
                .filter(acc_seats::challenge_id.eq(challenge_id))
                .filter(acc_seats::status.eq_any(open))
                .filter(users::disabled_at.is_null())
                .select(User::as_select())
                .load(conn)
                .await?
        }
    })
}

/// Each expert's open seats on the panels of this kind still open (an invitation left
/// unanswered when its panel closed is no longer work).
pub async fn open_seats_by_expert(
    conn: &mut AsyncPgConnection,
    panel: Panel,
) -> AppResult<Vec<(Uuid, i64)>> {
    let open = AssignmentStatus::OPEN;
    Ok(match panel {
        Panel::Review => {
            assignments::table
                .inner_join(panel_draws::table)
                .filter(panel_draws::closed_at.is_null())
                .filter(assignments::status.eq_any(open))
                .group_by(assignments::expert_id)
                .select((assignments::expert_id, diesel::dsl::count_star()))
                .load(conn)
                .await?
        }
        Panel::Acceptance => {
            acc_seats::table
                .inner_join(acc_panels::table)
                .filter(acc_panels::closed_at.is_null())
                .filter(acc_seats::status.eq_any(open))
                .group_by(acc_seats::expert_id)
                .select((acc_seats::expert_id, diesel::dsl::count_star()))
                .load(conn)
                .await?
        }
    })
}

/// What a seat shows of its challenge and panel, by challenge: the challenge and the panel's
/// deadline.
pub async fn seat_contexts(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    challenge_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, (Challenge, DateTime<Utc>)>> {
    let rows: Vec<(Challenge, DateTime<Utc>)> = match panel {
        Panel::Review => {
            challenges::table
                .inner_join(panel_draws::table)
                .filter(challenges::id.eq_any(challenge_ids))
                .select((Challenge::as_select(), panel_draws::review_deadline))
                .load(conn)
                .await?
        }
        Panel::Acceptance => {
            challenges::table
                .inner_join(acc_panels::table)
                .filter(challenges::id.eq_any(challenge_ids))
                .select((Challenge::as_select(), acc_panels::review_deadline))
                .load(conn)
                .await?
        }
    };
    Ok(rows
        .into_iter()
        .map(|(challenge, deadline)| (challenge.id, (challenge, deadline)))
        .collect())
}

/// The eligible bids of these challenges (what a review seat scores), by challenge.
pub async fn eligible_bid_ids(
    conn: &mut AsyncPgConnection,
    challenge_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<Uuid>>> {
    let rows: Vec<(Uuid, Uuid)> = bids::table
        .filter(bids::challenge_id.eq_any(challenge_ids))
        .filter(bids::status.eq(BidStatus::Eligible))
        .select((bids::challenge_id, bids::id))
        .load(conn)
        .await?;
    let mut by_challenge: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (challenge_id, bid_id) in rows {
        by_challenge.entry(challenge_id).or_default().push(bid_id);
    }
    Ok(by_challenge)
}

/// The bids each of these review seats has scored (saved, as a draft or submitted).
pub async fn scored_bids(
    conn: &mut AsyncPgConnection,
    seat_ids: &[Uuid],
) -> AppResult<Vec<(Uuid, Uuid)>> {
    Ok(scores::table
        .filter(scores::assignment_id.eq_any(seat_ids))
        .select((scores::assignment_id, scores::bid_id))
        .load(conn)
        .await?)
}

/// Which of these acceptance seats have saved a verdict.
pub async fn with_verdict(conn: &mut AsyncPgConnection, seat_ids: &[Uuid]) -> AppResult<Vec<Uuid>> {
    Ok(acceptance_verdicts::table
        .filter(acceptance_verdicts::assignment_id.eq_any(seat_ids))
        .select(acceptance_verdicts::assignment_id)
        .load(conn)
        .await?)
}

/// The display names of these accounts.
pub async fn display_names(
    conn: &mut AsyncPgConnection,
    ids: &[Uuid],
) -> AppResult<HashMap<Uuid, String>> {
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect())
}
