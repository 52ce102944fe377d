//! What happens to seats, in the caller's transaction: a panel is found open, experts are
//! invited (and told), empty seats are filled down the stored order, an expert accepts,
//! declines (and is replaced) or submits. The handlers of both panels call these.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::{Panel, queries, rules};
use crate::accounts;
use crate::accounts::models::User;
use crate::audit::{Event, RequestMeta};
use crate::challenges::models::Challenge;
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::commitments;
use crate::commitments::input::SignedCommitment;
use crate::error::{AppError, AppResult};
use crate::notifications::{Recipient, beijing_time, notify};
use crate::reviews::models::{Assignment, AssignmentStatus, PanelDraw};
use crate::reviews::notices::{SeatMessage, SeatNotice};
use crate::reviews::pool::next_eligible;
use crate::reviews::views::ExclusionView;
use crate::state::AppState;

/// The challenge, locked, and its panel's draw, locked and still open (404 without a draw):
/// for an admin's change to the panel.
pub async fn lock_open(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    challenge_id: Uuid,
) -> AppResult<(Challenge, PanelDraw)> {
    let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, challenge_id).await?;
    let draw = queries::lock_draw(conn, panel, challenge_id)
        .await?
        .ok_or(AppError::NotFound)?;
    rules::still_open(panel, &challenge, &draw)?;
    Ok((challenge, draw))
}

/// The expert's own seat `id` (404 for anyone else's), locked, on a panel still open, in one of
/// the states `allowed` (409 naming `wanted` otherwise); with the challenge and the draw (locked
/// when `lock_draw`).
pub async fn own_open_seat(
    conn: &mut AsyncPgConnection,
    panel: Panel,
    expert_id: Uuid,
    id: Uuid,
    lock_draw: bool,
    allowed: &[AssignmentStatus],
    wanted: &str,
) -> AppResult<(Challenge, PanelDraw, Assignment)> {
    let read = queries::find_own(conn, panel, expert_id, id).await?;
    let challenge = challenge_queries::find_visible(conn, Viewer::Admin, read.challenge_id).await?;
    let draw = if lock_draw {
        queries::lock_draw(conn, panel, read.challenge_id).await?
    } else {
        queries::find_draw(conn, panel, read.challenge_id).await?
    }
    .ok_or(AppError::NotFound)?;
    rules::still_open(panel, &challenge, &draw)?;
    let seat = queries::lock_own(conn, panel, expert_id, id).await?;
    rules::require(&seat, allowed, wanted)?;
    Ok((challenge, draw, seat))
}

/// What an expert is told about their seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Told {
    /// 评审邀请, 验收评审邀请.
    Invited,
    /// 评审提醒, 验收评审提醒: the deadline is near and they have not submitted.
    Reminded,
}

/// Tells `user` about their seat on `panel` for `challenge`, due by `deadline`.
pub async fn tell(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    panel: Panel,
    told: Told,
    user: &User,
    challenge: &Challenge,
    deadline: DateTime<Utc>,
) -> AppResult<()> {
    let message = match (panel, told) {
        (Panel::Review, Told::Invited) => SeatMessage::PanelInvitation,
        (Panel::Review, Told::Reminded) => SeatMessage::ReviewReminder,
        (Panel::Acceptance, Told::Invited) => SeatMessage::AcceptanceInvitation,
        (Panel::Acceptance, Told::Reminded) => SeatMessage::AcceptanceReminder,
    };
    let notice = SeatNotice {
        message,
        display_name: user.display_name.clone(),
        title: challenge.title.clone(),
        review_deadline: beijing_time(deadline),
        url: panel.seats_url(state),
    };
    notify(conn, state, &Recipient::from(user), &notice).await
}

/// Invites the expert at `position` of the stored order, and tells them (评审邀请,
/// 验收评审邀请).
pub async fn invite(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    panel: Panel,
    challenge: &Challenge,
    deadline: DateTime<Utc>,
    expert_id: Uuid,
    position: i32,
) -> AppResult<Assignment> {
    let seat = queries::insert(
        conn,
        panel,
        challenge.id,
        expert_id,
        position,
        state.clock.now(),
    )
    .await?;
    let user = accounts::queries::account(conn, expert_id).await?;
    tell(
        conn,
        state,
        panel,
        Told::Invited,
        &user,
        challenge,
        deadline,
    )
    .await?;
    Ok(seat)
}

/// Invites the first `seats` experts of a new draw's `order`.
pub async fn invite_drawn(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    panel: Panel,
    challenge: &Challenge,
    deadline: DateTime<Utc>,
    order: &[Uuid],
    seats: usize,
) -> AppResult<()> {
    for (position, expert_id) in order.iter().take(seats).enumerate() {
        let position = i32::try_from(position).map_err(anyhow::Error::from)?;
        invite(
            conn, state, panel, challenge, deadline, *expert_id, position,
        )
        .await?;
    }
    Ok(())
}

/// The audit summary of a new draw: the seed, the order, the panel (its first `seats`), who was
/// left out and why, the deadline.
pub fn drawn(
    seed: u64,
    size: i32,
    order: &[Uuid],
    seats: usize,
    exclusions: &[ExclusionView],
    deadline: DateTime<Utc>,
) -> serde_json::Value {
    let left_out: Vec<_> = exclusions
        .iter()
        .map(|e| json!({"expert_id": e.expert_id, "reasons": e.reasons}))
        .collect();
    json!({
        "seed": seed.to_string(),
        "panel_size": size,
        "candidates": order,
        "panel": order.iter().take(seats).collect::<Vec<_>>(),
        "exclusions": left_out,
        "review_deadline": deadline,
    })
}

/// Fills up to `seats` empty seats: invites the next experts of the stored order who are still
/// eligible (see [`next_eligible`]), with `deadline`, and stores how far down the order the walk
/// went and whom it skipped. Runs with the draw locked. Answers those invited.
#[allow(clippy::too_many_arguments)]
pub async fn fill(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    panel: Panel,
    challenge: &Challenge,
    draw: &PanelDraw,
    seats: usize,
    deadline: DateTime<Utc>,
) -> AppResult<Vec<Assignment>> {
    let mut on_panel: HashSet<Uuid> = queries::of_challenge(conn, panel, challenge.id)
        .await?
        .into_iter()
        .map(|a| a.expert_id)
        .collect();
    let candidates = draw.candidate_list();
    let mut exclusions: Vec<ExclusionView> =
        serde_json::from_value(draw.exclusions.clone()).unwrap_or_default();
    let mut next_position = draw.next_position;
    let mut invited = Vec::new();
    for _ in 0..seats {
        let walk = next_eligible(
            conn,
            state,
            meta,
            actor,
            challenge,
            panel,
            &candidates,
            &on_panel,
            next_position,
            exclusions,
        )
        .await?;
        next_position = walk.next_position;
        exclusions = walk.exclusions;
        let Some((expert_id, position)) = walk.chosen else {
            break;
        };
        invited.push(invite(conn, state, panel, challenge, deadline, expert_id, position).await?);
        on_panel.insert(expert_id);
    }
    let exclusions = serde_json::to_value(&exclusions).map_err(anyhow::Error::from)?;
    queries::advance_draw(conn, panel, challenge.id, next_position, &exclusions).await?;
    Ok(invited)
}

fn record_seat<'a>(panel: Panel, action: &'a str, seat: &Assignment) -> Event<'a> {
    Event::new(action, panel.seat_object(), seat.id)
}

/// The expert accepts an invitation, signing the panel's commitment (保密及回避承诺书): the
/// version they name must be the current one (see [`commitments::sign::sign`]).
pub async fn accept(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    panel: Panel,
    expert_id: Uuid,
    id: Uuid,
    commitment: Option<&SignedCommitment>,
) -> AppResult<Assignment> {
    let invited = [AssignmentStatus::Invited];
    let (_, _, seat) = own_open_seat(conn, panel, expert_id, id, true, &invited, "invited").await?;
    let signature = commitments::sign::sign(
        conn,
        state,
        meta,
        expert_id,
        panel.signed(seat.id),
        commitment,
    )
    .await?;
    let now = state.clock.now();
    let seat =
        queries::respond(conn, panel, seat.id, AssignmentStatus::Accepted, None, now).await?;
    record_seat(panel, &panel.action("accept"), &seat)
        .by(expert_id)
        .summary(json!({
            "challenge_id": seat.challenge_id,
            "commitment": {"signature_id": signature.id, "sha256": signature.sha256},
        }))
        .record(conn, state, meta)
        .await?;
    Ok(seat)
}

/// The expert declines an invitation or an accepted seat not yet submitted, with a reason:
/// what they saved is dropped and the next eligible expert of the stored order is invited (in
/// the acceptance only before the deadline, see [`Panel::replaces`]). Answers the declined
/// seat and the replacement, if any.
pub async fn decline(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    panel: Panel,
    expert_id: Uuid,
    id: Uuid,
    reason: &str,
) -> AppResult<(Assignment, Option<Assignment>)> {
    let open = AssignmentStatus::OPEN;
    let (challenge, draw, seat) =
        own_open_seat(conn, panel, expert_id, id, true, open, "invited, accepted").await?;
    let declined = AssignmentStatus::Declined;
    let now = state.clock.now();
    let seat = queries::respond(conn, panel, seat.id, declined, Some(reason), now).await?;
    queries::clear_work(conn, panel, seat.id).await?;
    let replacement = if panel.replaces(state.clock.now(), draw.review_deadline) {
        let deadline = draw.review_deadline;
        fill(
            conn, state, meta, expert_id, panel, &challenge, &draw, 1, deadline,
        )
        .await?
        .pop()
    } else {
        None
    };
    let invited = replacement
        .as_ref()
        .map(|r| json!({"assignment_id": r.id, "expert_id": r.expert_id, "position": r.position}));
    record_seat(panel, &panel.action("decline"), &seat)
        .by(expert_id)
        .summary(json!({
            "challenge_id": seat.challenge_id,
            "reason": reason,
            "replacement": invited,
        }))
        .record(conn, state, meta)
        .await?;
    Ok((seat, replacement))
}

/// The expert's work on the seat is final; `summary` is the audit entry's (what the panel keeps
/// of the work).
pub async fn submit(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    panel: Panel,
    seat: &Assignment,
    summary: serde_json::Value,
) -> AppResult<Assignment> {
    let seat = queries::submit(conn, panel, seat.id, state.clock.now()).await?;
    record_seat(panel, &panel.action("submit"), &seat)
        .by(seat.expert_id)
        .summary(summary)
        .record(conn, state, meta)
        .await?;
    Ok(seat)
}
