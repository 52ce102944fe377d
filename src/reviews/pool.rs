//! The expert pool as both panels draw from it (SPEC §5, §7): the experts whose fields contain
//! the challenge's field, minus those a conflict rule ([`super::draw::exclusions`]) leaves out,
//! minus those whose credit check (purpose `panel_draw`) blocks. [`eligible_order`] makes a
//! draw's order, [`next_eligible`] walks it for a replacement; [`draw_seed`] checks a draw's
//! deadline and seed.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use super::draw::{self, Candidate, Exclusion, Parties};
use super::models::Expert;
use super::seats::{self, Panel};
use super::views::ExclusionView;
use crate::audit::RequestMeta;
use crate::auth::Role;
use crate::bids::models::BidStatus;
use crate::challenges::models::Challenge;
use crate::credit::{self, CheckRequest, CheckResult, Purpose, Subject};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::privacy::ProtectedId;
use crate::schema::{bid_members, bids, experts, organizations, users};
use crate::state::AppState;

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
    // An expert's workload counts the open invitations of both panels: review and acceptance.
    let mut open: HashMap<Uuid, i64> = HashMap::new();
    for panel in [Panel::Review, Panel::Acceptance] {
        for (expert, n) in seats::queries::open_seats_by_expert(conn, panel).await? {
            *open.entry(expert).or_insert(0) += n;
        }
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

fn rule_exclusions(state: &AppState, parties: &Parties, m: &PoolMember) -> Vec<Exclusion> {
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

/// The credit check of an expert for a draw of `panel`, in the caller's transaction.
async fn credit_check(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    requested_by: Option<Uuid>,
    challenge: &Challenge,
    m: &PoolMember,
    panel: Panel,
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
                "stage": panel.as_str(),
            })),
        },
    )
    .await
}

/// An expert left out at `stage` (`draw` or `replacement`).
fn excluded(
    m: &PoolMember,
    reasons: Vec<Exclusion>,
    stage: &str,
    check: Option<Uuid>,
) -> ExclusionView {
    ExclusionView {
        expert_id: m.expert.user_id,
        display_name: m.display_name.clone(),
        reasons,
        stage: stage.into(),
        credit_check_id: check,
    }
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
/// runs are kept with it.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn next_eligible(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    challenge: &Challenge,
    panel: Panel,
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
                credit_check(conn, state, meta, Some(actor), challenge, member, panel).await?;
            if check.result == CheckResult::Block {
                reasons.push(Exclusion::CreditBlock);
                check_id = Some(check.id);
            }
        }
        if !reasons.is_empty() {
            exclusions.push(excluded(member, reasons, "replacement", check_id));
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

/// The draw's rules (SPEC §5), shared by both panels: the experts of the challenge's field,
/// minus those a conflict rule leaves out, minus those whose credit check (purpose
/// `panel_draw`, committed in a transaction of its own so that it stays on record) blocks; the
/// rest sorted by id and shuffled with `seed`. Returns the order and every exclusion with its
/// reasons, or `not_enough_experts` when fewer than `needed` are left. The caller must not be
/// in a transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn eligible_order(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    challenge: &Challenge,
    panel: Panel,
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
            exclusions.push(excluded(m, reasons, "draw", None));
        }
    }
    // The credit checks, committed on their own: they stay on record whatever follows.
    let checks = conn
        .transaction::<_, AppError, _>(async |conn| {
            let mut checks = Vec::with_capacity(passing.len());
            for m in &passing {
                checks
                    .push(credit_check(conn, state, meta, Some(actor), challenge, m, panel).await?);
            }
            Ok(checks)
        })
        .await?;
    let mut eligible = Vec::new();
    for (m, check) in passing.iter().zip(&checks) {
        if check.result == CheckResult::Block {
            let reasons = vec![Exclusion::CreditBlock];
            exclusions.push(excluded(m, reasons, "draw", Some(check.id)));
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

/// A draw's deadline must lie ahead; its seed is chosen only where the configuration allows it
/// (tests), otherwise drawn from the operating system's randomness.
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
