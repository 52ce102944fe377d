//! The panel draw (`POST /challenges/{id}/panel/draw`), its record (`GET /challenges/{id}/panel`),
//! invitations and replacements, and the reminder before the review deadline.
//!
//! A draw: the experts whose fields contain the challenge's field, minus those a conflict rule
//! ([`super::draw::exclusions`]) leaves out, minus those whose credit check (purpose `panel_draw`)
//! blocks. The credit checks are committed in a transaction of their own first, so they stay on
//! record when the draw is refused. The rest are sorted by id and shuffled with the seed; the
//! panel is the first `panel_size`; a decline invites the next in that stored order who is still
//! eligible.

use std::collections::{HashMap, HashSet};

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::draw::{self, Candidate, Exclusion, Parties};
use super::models::{Assignment, AssignmentStatus, Expert, PanelDraw};
use super::views::AssignmentView;
use crate::accounts::models::User;
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::bids::models::BidStatus;
use crate::challenges::models::{Challenge, Status};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::credit::{self, CheckRequest, CheckResult, Purpose, Subject};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::ValidJson;
use crate::jobs::BackgroundJob;
use crate::notifications::beijing_time;
use crate::notifications::{Recipient, notify};
use crate::privacy::ProtectedId;
use crate::reviews::notices::{PanelInvitation, ReviewReminder};
use crate::schema::{
    acceptance_assignments, acceptance_panels, assignments, bid_members, bids, experts,
    organizations, panel_draws, users,
};
use crate::state::AppState;

/// `POST /challenges/{id}/panel/draw`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"review_deadline": "2027-02-01T09:00:00Z"}))]
pub struct DrawRequest {
    /// When the experts' scores are due; a reminder goes out `review.reminder_hours_before`.
    pub review_deadline: DateTime<Utc>,
    /// Tests only (`review.allow_chosen_seed`): the seed. Otherwise the server draws it from the
    /// operating system's randomness, and it is stored and shown for verification.
    pub seed: Option<u64>,
}

/// An expert in the stored candidate order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateView {
    pub position: i32,
    pub expert_id: Uuid,
    pub display_name: String,
}

/// An expert left out, and why. `stage` is `draw` or `replacement`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExclusionView {
    pub expert_id: Uuid,
    pub display_name: String,
    pub reasons: Vec<Exclusion>,
    pub stage: String,
    /// The credit check that blocked, when `credit_block` is among the reasons.
    pub credit_check_id: Option<Uuid>,
}

/// A draw as stored, with what is needed to verify it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PanelView {
    pub challenge_id: Uuid,
    /// The seed, a u64 written as a string (JSON numbers lose precision above 2^53 in
    /// JavaScript clients, which could then not reproduce the draw).
    #[schema(example = "14615029876112232711")]
    pub seed: String,
    pub panel_size: i32,
    /// The eligible experts after the shuffle; the panel is the first `panel_size`, replacements
    /// follow in this order.
    pub candidates: Vec<CandidateView>,
    /// Whether shuffling the sorted candidates with `seed` gives `candidates` again.
    pub order_verified: bool,
    pub exclusions: Vec<ExclusionView>,
    /// How far down the order invitations have gone.
    pub next_position: i32,
    pub review_deadline: DateTime<Utc>,
    pub drawn_by: Uuid,
    pub drawn_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub assignments: Vec<AssignmentView>,
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(draw_panel).service(get_panel);
}

/// An expert of the pool as the draw sees them.
pub(crate) struct PoolMember {
    pub expert: Expert,
    pub display_name: String,
    pub organization_id: Option<Uuid>,
    pub open: i64,
}

/// The challenge's parties: issuer, bidding organisations, their USCCs, team members.
pub(crate) async fn parties(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
) -> AppResult<Parties> {
    let bidders: Vec<(Uuid, Uuid, String)> = bids::table
        .inner_join(organizations::table)
        .filter(bids::challenge_id.eq(challenge.id))
        .filter(bids::status.eq_any(BidStatus::OPENED))
        .select((bids::id, bids::organization_id, organizations::uscc))
        .load(conn)
        .await?;
    let bid_ids: Vec<Uuid> = bidders.iter().map(|b| b.0).collect();
    let issuer_uscc: String = organizations::table
        .find(challenge.issuer_org_id)
        .select(organizations::uscc)
        .first(conn)
        .await?;
    let hashes: Vec<Vec<u8>> = bid_members::table
        .filter(bid_members::bid_id.eq_any(&bid_ids))
        .select(bid_members::id_hash)
        .load(conn)
        .await?;
    Ok(Parties {
        issuer_org: challenge.issuer_org_id,
        bidder_orgs: bidders.iter().map(|b| b.1).collect(),
        party_usccs: bidders
            .into_iter()
            .map(|b| b.2)
            .chain(std::iter::once(issuer_uscc))
            .collect(),
        team_hashes: hashes.into_iter().collect(),
    })
}

/// Active expert accounts with a profile whose fields contain the challenge's field.
pub(crate) async fn pool(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
) -> AppResult<Vec<PoolMember>> {
    let rows: Vec<(Expert, String, Option<Uuid>)> = experts::table
        .inner_join(users::table.on(users::id.eq(experts::user_id)))
        .filter(users::role.eq(Role::Expert))
        .filter(users::disabled_at.is_null())
        .select((
            Expert::as_select(),
            users::display_name,
            users::organization_id,
        ))
        .order(experts::user_id.asc())
        .load(conn)
        .await?;
    // Only panels still open count: an invitation left unanswered when its panel closed is no
    // longer work.
    let open: Vec<(Uuid, i64)> = assignments::table
        .inner_join(panel_draws::table)
        .filter(panel_draws::closed_at.is_null())
        .filter(assignments::status.eq_any(AssignmentStatus::OPEN))
        .group_by(assignments::expert_id)
        .select((assignments::expert_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    // An expert's workload counts the open invitations of both panels: review and acceptance.
    let open_acceptance: Vec<(Uuid, i64)> = acceptance_assignments::table
        .inner_join(acceptance_panels::table)
        .filter(acceptance_panels::closed_at.is_null())
        .filter(acceptance_assignments::status.eq_any(AssignmentStatus::OPEN))
        .group_by(acceptance_assignments::expert_id)
        .select((acceptance_assignments::expert_id, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    let mut open: HashMap<Uuid, i64> = open.into_iter().collect();
    for (expert, n) in open_acceptance {
        *open.entry(expert).or_insert(0) += n;
    }
    Ok(rows
        .into_iter()
        .filter(|(e, _, _)| e.field_list().contains(&challenge.field))
        .map(|(expert, display_name, organization_id)| PoolMember {
            open: open.get(&expert.user_id).copied().unwrap_or(0),
            expert,
            display_name,
            organization_id,
        })
        .collect())
}

pub(crate) fn rule_exclusions(
    state: &AppState,
    parties: &Parties,
    m: &PoolMember,
) -> Vec<Exclusion> {
    let conflicts = m.expert.conflicts();
    draw::exclusions(
        parties,
        &Candidate {
            organization_id: m.organization_id,
            id_hash: &m.expert.id_hash,
            conflict_usccs: &conflicts,
            open_assignments: m.open,
        },
        state.settings.review.max_open_assignments,
    )
}

/// Which panel a draw is for. Both are drawn with the same rules; the stage is stored with the
/// credit checks (purpose `panel_draw`) so that they can be told apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// The expert review of the bids (SPEC §5).
    Review,
    /// The final acceptance of the awarded project (SPEC §7).
    Acceptance,
}

impl Stage {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Stage::Review => "review",
            Stage::Acceptance => "acceptance",
        }
    }
}

/// The credit check of an expert for a draw, in the caller's transaction.
pub(crate) async fn credit_check(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    requested_by: Option<Uuid>,
    challenge: &Challenge,
    m: &PoolMember,
    stage: Stage,
) -> AppResult<credit::CheckView> {
    credit::check(
        conn,
        state,
        meta,
        CheckRequest {
            subject: Subject::Person {
                id: ProtectedId {
                    hash: m.expert.id_hash.clone(),
                    masked: m.expert.id_masked.clone(),
                },
                name: m.display_name.clone(),
            },
            purpose: Purpose::PanelDraw,
            general_blocks: false,
            requested_by,
            context: Some(json!({
                "challenge_id": challenge.id,
                "expert_id": m.expert.user_id,
                "stage": stage.as_str(),
            })),
        },
    )
    .await
}

fn assignments_url(state: &AppState) -> String {
    format!(
        "{}/api/v1/assignments",
        state.settings.mail.public_url.trim_end_matches('/')
    )
}

async fn account(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<User> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .await?)
}

/// Invites an expert at `position` of the order, and tells them.
pub(crate) async fn invite(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    deadline: DateTime<Utc>,
    expert_id: Uuid,
    position: i32,
) -> AppResult<Assignment> {
    let assignment: Assignment = diesel::insert_into(assignments::table)
        .values((
            assignments::id.eq(Uuid::now_v7()),
            assignments::challenge_id.eq(challenge.id),
            assignments::expert_id.eq(expert_id),
            assignments::position.eq(position),
            assignments::status.eq(AssignmentStatus::Invited),
            assignments::invited_at.eq(state.clock.now()),
        ))
        .returning(Assignment::as_returning())
        .get_result(conn)
        .await?;
    let user = account(conn, expert_id).await?;
    let notice = PanelInvitation {
        display_name: user.display_name.clone(),
        title: challenge.title.clone(),
        review_deadline: beijing_time(deadline),
        url: assignments_url(state),
    };
    notify(conn, state, &Recipient::from(&user), &notice).await?;
    Ok(assignment)
}

/// Where a walk down the stored order stopped: the next position, the exclusions with those
/// skipped added, and the expert to invite with their position, if any was left.
pub(crate) struct NextEligible {
    pub next_position: i32,
    pub exclusions: Vec<ExclusionView>,
    pub chosen: Option<(Uuid, i32)>,
}

/// Walks the stored candidate order from `from` to the next expert still eligible: not on the
/// panel yet, still in the pool, no conflict rule, credit not blocking. Those skipped are added
/// to `exclusions` (stage `replacement`). Runs in the caller's transaction; the credit checks it
/// runs are kept with it. Shared by the review and the final acceptance.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn next_eligible(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    challenge: &Challenge,
    stage: Stage,
    candidates: &[Uuid],
    on_panel: &HashSet<Uuid>,
    from: i32,
    mut exclusions: Vec<ExclusionView>,
) -> AppResult<NextEligible> {
    let parties = parties(conn, challenge).await?;
    let pool = pool(conn, challenge).await?;
    let mut position = usize::try_from(from).unwrap_or(0);
    let mut chosen = None;
    while position < candidates.len() {
        let expert_id = candidates[position];
        position += 1;
        if on_panel.contains(&expert_id) {
            continue;
        }
        let Some(member) = pool.iter().find(|m| m.expert.user_id == expert_id) else {
            exclusions.push(ExclusionView {
                expert_id,
                display_name: String::new(),
                reasons: vec![Exclusion::Unavailable],
                stage: "replacement".into(),
                credit_check_id: None,
            });
            continue;
        };
        let mut reasons = rule_exclusions(state, &parties, member);
        let mut check_id = None;
        if reasons.is_empty() {
            let check =
                credit_check(conn, state, meta, Some(actor), challenge, member, stage).await?;
            if check.result == CheckResult::Block {
                reasons.push(Exclusion::CreditBlock);
                check_id = Some(check.id);
            }
        }
        if !reasons.is_empty() {
            exclusions.push(ExclusionView {
                expert_id,
                display_name: member.display_name.clone(),
                reasons,
                stage: "replacement".into(),
                credit_check_id: check_id,
            });
            continue;
        }
        chosen = Some((
            expert_id,
            i32::try_from(position - 1).map_err(anyhow::Error::from)?,
        ));
        break;
    }
    Ok(NextEligible {
        next_position: i32::try_from(position).map_err(anyhow::Error::from)?,
        exclusions,
        chosen,
    })
}

/// After a decline: invites the next expert of the stored order who is still eligible (see
/// [`next_eligible`]), recording those skipped. Runs in the caller's transaction, with the draw
/// locked.
pub(crate) async fn replace(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    challenge: &Challenge,
    draw: &PanelDraw,
) -> AppResult<Option<Assignment>> {
    let on_panel: HashSet<Uuid> = assignments::table
        .filter(assignments::challenge_id.eq(challenge.id))
        .select(assignments::expert_id)
        .load::<Uuid>(conn)
        .await?
        .into_iter()
        .collect();
    let walk = next_eligible(
        conn,
        state,
        meta,
        actor,
        challenge,
        Stage::Review,
        &draw.candidate_list(),
        &on_panel,
        draw.next_position,
        serde_json::from_value(draw.exclusions.clone()).unwrap_or_default(),
    )
    .await?;
    let invited = match walk.chosen {
        Some((expert_id, pos)) => {
            Some(invite(conn, state, challenge, draw.review_deadline, expert_id, pos).await?)
        }
        None => None,
    };
    diesel::update(panel_draws::table.find(challenge.id))
        .set((
            panel_draws::next_position.eq(walk.next_position),
            panel_draws::exclusions.eq(to_json(&walk.exclusions)?),
        ))
        .execute(conn)
        .await?;
    Ok(invited)
}

pub(crate) fn not_under_review(challenge: &Challenge) -> AppError {
    AppError::conflict(ErrorCode::NotUnderReview)
        .arg("current", challenge.status)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition)
                .with_param("current", challenge.status),
        )
}

pub(crate) async fn find_draw(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock: bool,
) -> AppResult<Option<PanelDraw>> {
    let query = panel_draws::table
        .find(challenge_id)
        .select(PanelDraw::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

fn to_json<T: Serialize>(value: &T) -> AppResult<Value> {
    Ok(serde_json::to_value(value).map_err(anyhow::Error::from)?)
}

/// The draw's rules (SPEC §5), shared by the review and the final acceptance: the experts of the
/// challenge's field, minus those a conflict rule leaves out, minus those whose credit check
/// (purpose `panel_draw`, committed in a transaction of its own so that it stays on record)
/// blocks; the rest sorted by id and shuffled with `seed`. Returns the order and every exclusion
/// with its reasons, or `not_enough_experts` when fewer than `needed` are left. The caller must
/// not be in a transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn eligible_order(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    challenge: &Challenge,
    stage: Stage,
    needed: usize,
    seed: u64,
) -> AppResult<(Vec<Uuid>, Vec<ExclusionView>)> {
    let parties = parties(conn, challenge).await?;
    let pool = pool(conn, challenge).await?;
    let mut exclusions = Vec::new();
    let mut passing = Vec::new();
    for m in &pool {
        let reasons = rule_exclusions(state, &parties, m);
        if reasons.is_empty() {
            passing.push(m);
        } else {
            exclusions.push(ExclusionView {
                expert_id: m.expert.user_id,
                display_name: m.display_name.clone(),
                reasons,
                stage: "draw".into(),
                credit_check_id: None,
            });
        }
    }
    // The credit checks, committed on their own: they stay on record whatever follows.
    let checks = conn
        .transaction::<_, AppError, _>(async |conn| {
            let mut checks = Vec::with_capacity(passing.len());
            for m in &passing {
                checks
                    .push(credit_check(conn, state, meta, Some(actor), challenge, m, stage).await?);
            }
            Ok(checks)
        })
        .await?;
    let mut eligible = Vec::new();
    for (m, check) in passing.iter().zip(&checks) {
        if check.result == CheckResult::Block {
            exclusions.push(ExclusionView {
                expert_id: m.expert.user_id,
                display_name: m.display_name.clone(),
                reasons: vec![Exclusion::CreditBlock],
                stage: "draw".into(),
                credit_check_id: Some(check.id),
            });
        } else {
            eligible.push(m.expert.user_id);
        }
    }
    if eligible.len() < needed {
        let found = eligible.len();
        return Err(AppError::conflict(ErrorCode::NotEnoughExperts)
            .arg("found", found)
            .arg("needed", needed)
            .field(
                FieldError::new("panel_size", FieldCode::NotEnoughExperts)
                    .with_param("found", found)
                    .with_param("needed", needed),
            ));
    }
    Ok((draw::order(eligible, seed), exclusions))
}

/// Draw the expert panel of a challenge under review (admins). See the module documentation
/// for the rules; every expert left out is stored with the reasons.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = DrawRequest,
    responses(
        (status = 201, description = "Drawn; the experts are invited", body = PanelView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `under_review` (`not_under_review`), already drawn (`panel_exists`), or too few eligible experts (`not_enough_experts`, with how many were found and are needed)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Deadline missing or not in the future", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/panel/draw")]
#[tracing::instrument(skip_all)]
pub async fn draw_panel(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<DrawRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let seed = draw_seed(&state, req.review_deadline, req.seed)?;
    let mut conn = state.conn().await?;
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::Admin, id.into_inner()).await?;
    if challenge.status != Status::UnderReview {
        return Err(not_under_review(&challenge));
    }
    if find_draw(&mut conn, challenge.id, false).await?.is_some() {
        return Err(panel_exists());
    }
    let needed = usize::try_from(challenge.panel_size).unwrap_or(0);
    let (order, exclusions) = eligible_order(
        &mut conn,
        &state,
        &meta,
        user.id,
        &challenge,
        Stage::Review,
        needed,
        seed,
    )
    .await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, challenge.id).await?;
        if challenge.status != Status::UnderReview {
            return Err(not_under_review(&challenge));
        }
        if find_draw(conn, challenge.id, true).await?.is_some() {
            return Err(panel_exists());
        }
        let now = state.clock.now();
        diesel::insert_into(panel_draws::table)
            .values((
                panel_draws::challenge_id.eq(challenge.id),
                panel_draws::seed.eq(seed as i64),
                panel_draws::panel_size.eq(challenge.panel_size),
                panel_draws::candidates.eq(to_json(&order)?),
                panel_draws::exclusions.eq(to_json(&exclusions)?),
                panel_draws::next_position.eq(challenge.panel_size),
                panel_draws::review_deadline.eq(req.review_deadline),
                panel_draws::drawn_by.eq(user.id),
                panel_draws::drawn_at.eq(now),
            ))
            .execute(conn)
            .await?;
        for (position, expert_id) in order.iter().take(needed).enumerate() {
            invite(conn, &state, &challenge, req.review_deadline, *expert_id, position as i32).await?;
        }
        let hours = state.settings.review.reminder_hours_before;
        let remind_at = req.review_deadline - chrono::Duration::hours(hours);
        RemindReviewers { challenge_id: challenge.id }
            .enqueue_at(conn, remind_at.max(now))
            .await?;
        audit::record(
            conn,
            &state,
            &meta,
            audit::Event {
                actor_id: Some(user.id),
                action: "review.panel_draw",
                object_type: "challenge",
                object_id: Some(challenge.id.to_string()),
                summary: json!({
                    "seed": seed.to_string(),
                    "panel_size": challenge.panel_size,
                    "candidates": order,
                    "panel": order.iter().take(needed).collect::<Vec<_>>(),
                    "exclusions": exclusions.iter().map(|e| json!({"expert_id": e.expert_id, "reasons": e.reasons})).collect::<Vec<_>>(),
                    "review_deadline": req.review_deadline,
                }),
            },
        )
        .await
    })
    .await?;
    let view = panel_view(&mut conn, challenge.id).await?;
    Ok(HttpResponse::Created().json(view))
}

/// A draw's deadline must lie ahead; its seed is chosen only where the configuration allows it
/// (tests), otherwise drawn from the operating system's randomness. Shared by the review and the
/// final acceptance.
pub(crate) fn draw_seed(
    state: &AppState,
    deadline: DateTime<Utc>,
    chosen: Option<u64>,
) -> AppResult<u64> {
    if deadline <= state.clock.now() {
        return Err(AppError::validation("review_deadline", FieldCode::InPast));
    }
    if chosen.is_some() && !state.settings.review.allow_chosen_seed {
        return Err(AppError::validation("seed", FieldCode::NotAllowed));
    }
    Ok(chosen.unwrap_or_else(rand::random::<u64>))
}

fn panel_exists() -> AppError {
    AppError::conflict(ErrorCode::PanelExists)
}

async fn panel_view(conn: &mut AsyncPgConnection, challenge_id: Uuid) -> AppResult<PanelView> {
    let draw = find_draw(conn, challenge_id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let order = draw.candidate_list();
    let names: HashMap<Uuid, String> = users::table
        .filter(users::id.eq_any(&order))
        .select((users::id, users::display_name))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    let rows: Vec<Assignment> = assignments::table
        .filter(assignments::challenge_id.eq(challenge_id))
        .order(assignments::position.asc())
        .select(Assignment::as_select())
        .load(conn)
        .await?;
    let assignments = super::views::assignment_views(conn, rows).await?;
    Ok(PanelView {
        challenge_id,
        seed: draw.seed().to_string(),
        panel_size: draw.panel_size,
        order_verified: draw::order(order.clone(), draw.seed()) == order,
        candidates: order
            .iter()
            .enumerate()
            .map(|(i, id)| CandidateView {
                position: i as i32,
                expert_id: *id,
                display_name: names.get(id).cloned().unwrap_or_default(),
            })
            .collect(),
        exclusions: serde_json::from_value(draw.exclusions.clone()).unwrap_or_default(),
        next_position: draw.next_position,
        review_deadline: draw.review_deadline,
        drawn_by: draw.drawn_by,
        drawn_at: draw.drawn_at,
        closed_at: draw.closed_at,
        assignments,
    })
}

/// The stored draw of a challenge (admins): seed, candidate order, exclusions with reasons,
/// invitations. `order_verified` re-runs the shuffle.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "Challenge id")),
    responses(
        (status = 200, description = "The draw", body = PanelView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge, or no panel drawn", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/challenges/{id}/panel")]
pub async fn get_panel(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    let view = panel_view(&mut conn, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The reminder before a review's deadline: tells every expert of the panel who has not
/// submitted (idempotent enough: a rerun after a crash tells them again, which does no harm).
#[derive(Debug, Serialize, Deserialize)]
pub struct RemindReviewers {
    pub challenge_id: Uuid,
}

impl BackgroundJob for RemindReviewers {
    const KIND: &'static str = "review_reminder";

    /// One per panel.
    fn dedupe_key(&self) -> Option<String> {
        Some(self.challenge_id.to_string())
    }

    async fn perform(self, state: &AppState) -> anyhow::Result<()> {
        remind(state, self).await
    }
}

async fn remind(state: &AppState, job: RemindReviewers) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let Some(draw) = find_draw(conn, job.challenge_id, false).await? else {
            return Ok(());
        };
        if draw.closed_at.is_some() {
            return Ok(());
        }
        let challenge =
            challenge_queries::find_visible(conn, Viewer::Admin, job.challenge_id).await?;
        let experts: Vec<User> = assignments::table
            .inner_join(users::table.on(users::id.eq(assignments::expert_id)))
            .filter(assignments::challenge_id.eq(job.challenge_id))
            .filter(assignments::status.eq_any(AssignmentStatus::OPEN))
            .filter(users::disabled_at.is_null())
            .select(User::as_select())
            .load(conn)
            .await?;
        for user in experts {
            let notice = ReviewReminder {
                display_name: user.display_name.clone(),
                title: challenge.title.clone(),
                review_deadline: beijing_time(draw.review_deadline),
                url: assignments_url(state),
            };
            notify(conn, state, &Recipient::from(&user), &notice).await?;
        }
        Ok(())
    })
    .await
    .map_err(|e| anyhow::anyhow!("review reminder: {e}"))
}
