//! What the API returns for an acceptance, and who may read it.
//!
//! `GET /challenges/{id}/acceptance` is readable by admins, the issuer's accounts, the awardee's
//! solver accounts and the experts on the panel (not those who declined); anyone else gets 404.
//! Only admins see the draw (seed, order, exclusions) and who sits on the panel; the others see
//! how many experts stand where. Verdicts appear only once the acceptance is closed, and then
//! without the experts' identities except for admins ("专家 1", "专家 2", ...).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{AcceptanceAssignment, AcceptancePanel, AcceptanceResult, KpiVerdict, Verdict};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::bids::input::KpiCommitment;
use crate::bids::models::Bid;
use crate::challenges::models::{Challenge, Status};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::{AppError, AppResult};
use crate::reviews::draw;
use crate::reviews::models::AssignmentStatus;
use crate::reviews::panel::{CandidateView, ExclusionView};
use crate::schema::{
    acceptance_assignments, acceptance_panels, acceptance_verdicts, bids, challenges,
    organizations, users,
};

/// An invitation to an acceptance panel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcceptanceAssignmentView {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub challenge_title: String,
    pub expert_id: Uuid,
    pub expert_name: String,
    /// The expert's place in the draw's candidate order.
    pub position: i32,
    pub status: AssignmentStatus,
    pub decline_reason: Option<String>,
    pub review_deadline: DateTime<Utc>,
    pub invited_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
}

pub async fn assignment_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<AcceptanceAssignment>,
) -> AppResult<Vec<AcceptanceAssignmentView>> {
    let challenge_ids: Vec<Uuid> = rows.iter().map(|a| a.challenge_id).collect();
    let expert_ids: Vec<Uuid> = rows.iter().map(|a| a.expert_id).collect();
    let panels: HashMap<Uuid, (String, DateTime<Utc>)> = challenges::table
        .inner_join(acceptance_panels::table)
        .filter(challenges::id.eq_any(&challenge_ids))
        .select((
            challenges::id,
            challenges::title,
            acceptance_panels::review_deadline,
        ))
        .load::<(Uuid, String, DateTime<Utc>)>(conn)
        .await?
        .into_iter()
        .map(|(id, t, d)| (id, (t, d)))
        .collect();
    let names = display_names(conn, &expert_ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|a| {
            let (title, deadline) = panels.get(&a.challenge_id)?.clone();
            Some(AcceptanceAssignmentView {
                id: a.id,
                challenge_id: a.challenge_id,
                challenge_title: title,
                expert_id: a.expert_id,
                expert_name: names.get(&a.expert_id).cloned().unwrap_or_default(),
                position: a.position,
                status: a.status,
                decline_reason: a.decline_reason,
                review_deadline: deadline,
                invited_at: a.invited_at,
                responded_at: a.responded_at,
                submitted_at: a.submitted_at,
            })
        })
        .collect())
}

pub async fn one_assignment_view(
    conn: &mut AsyncPgConnection,
    a: AcceptanceAssignment,
) -> AppResult<AcceptanceAssignmentView> {
    assignment_views(conn, vec![a])
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

async fn display_names(
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

/// A KPI of the challenge with the awardee's commitment (军令状) and, once closed, how the
/// panel judged it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KpiView {
    #[schema(example = "拉伸强度")]
    pub name: String,
    #[schema(example = "≥ 5.5")]
    pub target: String,
    #[schema(example = "GPa")]
    pub unit: String,
    /// What the awarded bid committed to, if it named this KPI.
    #[schema(example = "≥ 5.8 GPa")]
    pub commitment: Option<String>,
    /// After closing: how many submitted verdicts found it met.
    pub met: Option<i32>,
    /// After closing: how many found it not met.
    pub not_met: Option<i32>,
}

/// The challenge's KPIs with the bid's commitments.
pub fn kpi_views(challenge: &Challenge, bid: &Bid) -> Vec<KpiView> {
    let commitments: Vec<KpiCommitment> =
        serde_json::from_value(bid.kpi_commitments.clone()).unwrap_or_default();
    challenge
        .kpi_list()
        .into_iter()
        .map(|k| KpiView {
            commitment: commitments
                .iter()
                .find(|c| c.kpi == k.name)
                .map(|c| c.value.clone()),
            name: k.name,
            target: k.target,
            unit: k.unit,
            met: None,
            not_met: None,
        })
        .collect()
}

/// How many experts of the panel stand where.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct PanelCounts {
    pub invited: i32,
    pub accepted: i32,
    pub declined: i32,
    pub submitted: i32,
}

/// The stored draw, with what is needed to verify it (admins only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrawRecord {
    /// The u64 seed, written as a string (JSON numbers lose precision above 2^53).
    #[schema(example = "14615029876112232711")]
    pub seed: String,
    /// The eligible experts after the shuffle; the panel is the first `panel_size`,
    /// replacements follow in this order.
    pub candidates: Vec<CandidateView>,
    /// Whether shuffling the sorted candidates with `seed` gives `candidates` again.
    pub order_verified: bool,
    pub exclusions: Vec<ExclusionView>,
    /// How far down the order invitations have gone.
    pub next_position: i32,
    pub drawn_by: Uuid,
}

/// One expert's verdict, shown once the acceptance is closed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VerdictView {
    /// "专家 1", "专家 2", ... in panel order.
    #[schema(example = "专家 1")]
    pub label: String,
    /// Admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expert_id: Option<Uuid>,
    /// Admins only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expert_name: Option<String>,
    pub pass: bool,
    pub comment: String,
    pub kpis: Vec<KpiVerdict>,
}

/// Where an acceptance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceState {
    /// 验收中: the panel is at work.
    Open,
    /// 已结束: the result is in.
    Closed,
}

/// The final acceptance of a challenge.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcceptanceView {
    pub challenge_id: Uuid,
    pub challenge_title: String,
    pub challenge_status: Status,
    /// The awarded bid whose commitments are judged.
    pub bid_id: Uuid,
    pub awardee_organization_id: Uuid,
    pub awardee_organization_name: String,
    /// `open` while the panel works, `closed` once the result is in.
    pub state: AcceptanceState,
    pub panel_size: i32,
    pub review_deadline: DateTime<Utc>,
    pub drawn_at: DateTime<Utc>,
    pub kpis: Vec<KpiView>,
    pub counts: PanelCounts,
    /// The panel's invitations (admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experts: Option<Vec<AcceptanceAssignmentView>>,
    /// The draw (admins only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draw: Option<DrawRecord>,
    pub closed_at: Option<DateTime<Utc>>,
    pub result: Option<AcceptanceResult>,
    /// Submitted verdicts that pass, after closing.
    pub passes: Option<i32>,
    /// Submitted verdicts that fail, after closing.
    pub fails: Option<i32>,
    /// The submitted verdicts, after closing.
    pub verdicts: Option<Vec<VerdictView>>,
}

/// Who reads an acceptance, which decides what they see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Admin,
    /// The issuer, the awardee, or an expert of the panel.
    Party,
}

/// The awarded bid of a panel.
pub async fn panel_bid(conn: &mut AsyncPgConnection, panel: &AcceptancePanel) -> AppResult<Bid> {
    Ok(bids::table
        .find(panel.bid_id)
        .select(Bid::as_select())
        .first(conn)
        .await?)
}

pub async fn find_panel(
    conn: &mut AsyncPgConnection,
    challenge_id: Uuid,
    lock: bool,
) -> AppResult<Option<AcceptancePanel>> {
    let query = acceptance_panels::table
        .find(challenge_id)
        .select(AcceptancePanel::as_select());
    Ok(if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    })
}

/// The acceptance of a challenge as `user` may read it, or 404: admins; issuer accounts of the
/// challenge's organisation; solver accounts of the awardee's organisation; experts invited to
/// the panel who have not declined.
pub async fn find_visible(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    challenge_id: Uuid,
) -> AppResult<(Challenge, AcceptancePanel, Bid, Reader)> {
    let challenge = challenge_queries::find_visible(conn, Viewer::Admin, challenge_id).await?;
    let panel = find_panel(conn, challenge_id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let bid = panel_bid(conn, &panel).await?;
    let reader = match user.role {
        Role::Admin => Some(Reader::Admin),
        Role::Issuer if user.organization_id == Some(challenge.issuer_org_id) => {
            Some(Reader::Party)
        }
        Role::Solver if user.organization_id == Some(bid.organization_id) => Some(Reader::Party),
        Role::Expert => {
            let on_panel: i64 = acceptance_assignments::table
                .filter(acceptance_assignments::challenge_id.eq(challenge_id))
                .filter(acceptance_assignments::expert_id.eq(user.id))
                .filter(acceptance_assignments::status.ne(AssignmentStatus::Declined))
                .count()
                .get_result(conn)
                .await?;
            (on_panel > 0).then_some(Reader::Party)
        }
        _ => None,
    };
    let reader = reader.ok_or(AppError::NotFound)?;
    Ok((challenge, panel, bid, reader))
}

/// The whole view of an acceptance for `reader`.
pub async fn acceptance_view(
    conn: &mut AsyncPgConnection,
    challenge: &Challenge,
    panel: &AcceptancePanel,
    bid: &Bid,
    reader: Reader,
) -> AppResult<AcceptanceView> {
    let admin = reader == Reader::Admin;
    let rows: Vec<AcceptanceAssignment> = acceptance_assignments::table
        .filter(acceptance_assignments::challenge_id.eq(challenge.id))
        .order(acceptance_assignments::position.asc())
        .select(AcceptanceAssignment::as_select())
        .load(conn)
        .await?;
    let mut counts = PanelCounts::default();
    for a in &rows {
        match a.status {
            AssignmentStatus::Invited => counts.invited += 1,
            AssignmentStatus::Accepted => counts.accepted += 1,
            AssignmentStatus::Declined => counts.declined += 1,
            AssignmentStatus::Submitted => counts.submitted += 1,
        }
    }
    let org_name: String = organizations::table
        .find(bid.organization_id)
        .select(organizations::name)
        .first(conn)
        .await?;
    let mut kpis = kpi_views(challenge, bid);
    if let Some(tallies) = panel.tally_list() {
        for k in &mut kpis {
            if let Some(t) = tallies.iter().find(|t| t.kpi == k.name) {
                k.met = Some(t.met);
                k.not_met = Some(t.not_met);
            }
        }
    }
    let verdicts = if panel.closed_at.is_some() {
        let submitted: Vec<&AcceptanceAssignment> = rows
            .iter()
            .filter(|a| a.status == AssignmentStatus::Submitted)
            .collect();
        let ids: Vec<Uuid> = submitted.iter().map(|a| a.id).collect();
        let sheets: HashMap<Uuid, Verdict> = acceptance_verdicts::table
            .filter(acceptance_verdicts::assignment_id.eq_any(&ids))
            .select(Verdict::as_select())
            .load::<Verdict>(conn)
            .await?
            .into_iter()
            .map(|v| (v.assignment_id, v))
            .collect();
        let expert_ids: Vec<Uuid> = submitted.iter().map(|a| a.expert_id).collect();
        let names = display_names(conn, &expert_ids).await?;
        Some(
            submitted
                .iter()
                .filter_map(|a| sheets.get(&a.id).map(|v| (a, v)))
                .enumerate()
                .map(|(i, (a, v))| VerdictView {
                    label: format!("专家 {}", i + 1),
                    expert_id: admin.then_some(a.expert_id),
                    expert_name: admin
                        .then(|| names.get(&a.expert_id).cloned().unwrap_or_default()),
                    pass: v.pass,
                    comment: v.comment.clone(),
                    kpis: v.kpi_list(),
                })
                .collect(),
        )
    } else {
        None
    };
    let (experts, draw_record) = if admin {
        let order = panel.candidate_list();
        let names = display_names(conn, &order).await?;
        let record = DrawRecord {
            seed: panel.seed().to_string(),
            order_verified: draw::order(order.clone(), panel.seed()) == order,
            candidates: order
                .iter()
                .enumerate()
                .map(|(i, id)| CandidateView {
                    position: i as i32,
                    expert_id: *id,
                    display_name: names.get(id).cloned().unwrap_or_default(),
                })
                .collect(),
            exclusions: serde_json::from_value(panel.exclusions.clone()).unwrap_or_default(),
            next_position: panel.next_position,
            drawn_by: panel.drawn_by,
        };
        (Some(assignment_views(conn, rows).await?), Some(record))
    } else {
        (None, None)
    };
    Ok(AcceptanceView {
        challenge_id: challenge.id,
        challenge_title: challenge.title.clone(),
        challenge_status: challenge.status,
        bid_id: bid.id,
        awardee_organization_id: bid.organization_id,
        awardee_organization_name: org_name,
        state: if panel.closed_at.is_some() {
            AcceptanceState::Closed
        } else {
            AcceptanceState::Open
        },
        panel_size: panel.panel_size,
        review_deadline: panel.review_deadline,
        drawn_at: panel.drawn_at,
        kpis,
        counts,
        experts,
        draw: draw_record,
        closed_at: panel.closed_at,
        result: panel.result,
        passes: panel.passes,
        fails: panel.fails,
        verdicts,
    })
}
