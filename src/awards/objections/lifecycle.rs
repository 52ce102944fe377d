//! How objections are closed, and whom that concerns: the objector is told the outcome; an award
//! withdrawn moots its other pending objections; a dismissal may let the confirmation run.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::json;
use uuid::Uuid;

use super::input::Outcome;
use super::models::{Objection, ObjectionStatus, Resolution};
use super::notices::ObjectionResolved;
use super::queries;
use crate::accounts::queries::account;
use crate::audit::{Event, RequestMeta};
use crate::auth::AuthUser;
use crate::awards::links::objections_url;
use crate::awards::proposals::jobs::ConfirmAward;
use crate::awards::proposals::lifecycle::{Withdrawal, withdraw};
use crate::awards::proposals::models::{Award, AwardStatus};
use crate::challenges::models::Challenge;
use crate::error::AppResult;
use crate::jobs::BackgroundJob;
use crate::notifications::{Recipient, notify};
use crate::state::AppState;

/// An objection being resolved: its challenge, the objection and its award, each locked by the
/// caller (the challenge first).
pub struct Resolving<'a> {
    pub challenge: &'a Challenge,
    pub objection: &'a Objection,
    pub award: &'a Award,
}

/// Resolves the objection as `outcome` says, for `reason`, by the admin `user`: the objection is
/// closed and recorded, its objector told; `upheld` withdraws the award (its other pending
/// objections moot), `dismissed` may let the confirmation run ([`after_dismissal`]).
pub async fn resolve(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    user: &AuthUser,
    what: Resolving<'_>,
    outcome: Outcome,
    reason: &str,
) -> AppResult<()> {
    let Resolving {
        challenge,
        objection,
        award,
    } = what;
    let status = ObjectionStatus::from(outcome);
    let now = state.clock.now();
    let resolution = Resolution {
        status,
        resolved_by: user.id,
        resolved_at: now,
        resolution: reason,
    };
    queries::resolve(conn, objection.id, &resolution).await?;
    Event::new("objection.resolve", "objection", objection.id)
        .by(user.id)
        .summary(json!({
            "award_id": award.id,
            "challenge_id": challenge.id,
            "outcome": status,
            "reason": reason,
        }))
        .record(conn, state, meta)
        .await?;
    tell_objector(
        conn,
        state,
        challenge,
        objection.objector_id,
        status,
        reason,
    )
    .await?;
    match outcome {
        Outcome::Upheld => {
            let what = Withdrawal {
                challenge,
                award,
                reason,
                except: Some(objection.id),
            };
            withdraw(conn, state, meta, user, what).await?;
        }
        Outcome::Dismissed => after_dismissal(conn, award, objection.id, now).await?,
    }
    Ok(())
}

/// Tells `objector` that their objection to the notice of `challenge` was closed as `outcome`,
/// and why.
pub async fn tell_objector(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    objector: Uuid,
    outcome: ObjectionStatus,
    reason: &str,
) -> AppResult<()> {
    let objector = account(conn, objector).await?;
    let notice = ObjectionResolved {
        display_name: objector.display_name.clone(),
        title: challenge.title.clone(),
        outcome: outcome.as_str().to_string(),
        reason: reason.to_string(),
        url: objections_url(state),
    };
    notify(conn, state, &Recipient::from(&objector), &notice).await
}

/// The award was withdrawn (`withdrawn`, as it is now): its pending objections but `except` (the
/// one the caller resolves itself) are closed as `moot`, by whom, when and why it was withdrawn,
/// and their objectors told. Answers their ids.
pub async fn moot_pending(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    withdrawn: &Award,
    except: Option<Uuid>,
) -> AppResult<Vec<Uuid>> {
    let (Some(by), Some(at), Some(reason)) = (
        withdrawn.outcome.withdrawn_by,
        withdrawn.outcome.withdrawn_at,
        withdrawn.outcome.withdrawal_reason.as_deref(),
    ) else {
        return Err(anyhow::anyhow!("award {} is not withdrawn", withdrawn.id).into());
    };
    let resolution = Resolution {
        status: ObjectionStatus::Moot,
        resolved_by: by,
        resolved_at: at,
        resolution: reason,
    };
    let closed = queries::close_pending(conn, withdrawn.id, except, &resolution).await?;
    for (_, objector) in &closed {
        tell_objector(
            conn,
            state,
            challenge,
            *objector,
            ObjectionStatus::Moot,
            reason,
        )
        .await?;
    }
    Ok(closed.into_iter().map(|(id, _)| id).collect())
}

/// After `dismissed` was dismissed at `now`: when no objection to the award in publicity is
/// pending any more, its confirmation is queued for the end of the notice (now, if it has
/// already ended; the notice's own job is still queued otherwise). The job has a key of its own.
pub async fn after_dismissal(
    conn: &mut AsyncPgConnection,
    award: &Award,
    dismissed: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if award.status == AwardStatus::Publicity && queries::pending(conn, award.id, None).await? == 0
    {
        ConfirmAward {
            award_id: award.id,
            after_objection: Some(dismissed),
        }
        .enqueue_at(conn, award.ends_at.max(now))
        .await?;
    }
    Ok(())
}
