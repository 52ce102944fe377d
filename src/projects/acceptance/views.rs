//! What the API returns for an acceptance, and who may read it.
//!
//! `GET /challenges/{id}/acceptance` is readable by admins, the issuer's accounts, the awardee's
//! solver accounts and the experts on the panel (not those who declined); anyone else gets 404.
//! Only admins see the draw (seed, order, exclusions) and who sits on the panel; the others see
//! how many experts stand where. Verdicts appear only once the acceptance is closed, and then
//! without the experts' identities except for admins ("专家 1", "专家 2", ...).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{AcceptancePanel, AcceptanceResult, KpiVerdict, Verdict};
use crate::bids::input::KpiCommitment;
use crate::bids::models::Bid;
use crate::challenges::models::{Challenge, Field, Kpi, Status};
use crate::commitments::views::SignatureView;
use crate::reviews::models::{Assignment, AssignmentStatus};
use crate::reviews::views::{AssignmentView, DrawRecord};

/// An invitation to an acceptance panel.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcceptanceAssignmentView {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub challenge_title: String,
    pub field: Field,
    /// The challenge's KPIs, which the panel judges.
    pub kpis: Vec<Kpi>,
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
    /// Whether the expert has saved a verdict (a draft until submitted).
    pub verdict_saved: bool,
    /// The commitment (保密及回避承诺书) signed on accepting; the address for admins only.
    pub commitment: Option<SignatureView>,
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

impl From<AssignmentView> for AcceptanceAssignmentView {
    fn from(a: AssignmentView) -> Self {
        AcceptanceAssignmentView {
            id: a.id,
            challenge_id: a.challenge_id,
            challenge_title: a.challenge_title,
            field: a.field,
            kpis: a.kpis,
            expert_id: a.expert_id,
            expert_name: a.expert_name,
            position: a.position,
            status: a.status,
            decline_reason: a.decline_reason,
            review_deadline: a.review_deadline,
            invited_at: a.invited_at,
            responded_at: a.responded_at,
            submitted_at: a.submitted_at,
            verdict_saved: a.verdict_saved,
            commitment: a.commitment,
        }
    }
}

impl PanelCounts {
    /// How many of `seats` stand where.
    pub fn of(seats: &[Assignment]) -> Self {
        let mut counts = PanelCounts::default();
        for a in seats {
            match a.status {
                AssignmentStatus::Invited => counts.invited += 1,
                AssignmentStatus::Accepted => counts.accepted += 1,
                AssignmentStatus::Declined => counts.declined += 1,
                AssignmentStatus::Submitted => counts.submitted += 1,
            }
        }
        counts
    }
}

/// The submitted verdicts of a closed acceptance in panel order, labelled "专家 1", "专家 2",
/// ...; the experts named (from `names`) for admins only.
pub fn verdict_views(
    submitted: &[&Assignment],
    sheets: &HashMap<Uuid, Verdict>,
    names: &HashMap<Uuid, String>,
    admin: bool,
) -> Vec<VerdictView> {
    submitted
        .iter()
        .filter_map(|a| sheets.get(&a.id).map(|v| (a, v)))
        .enumerate()
        .map(|(i, (a, v))| VerdictView {
            label: format!("专家 {}", i + 1),
            expert_id: admin.then_some(a.expert_id),
            expert_name: admin.then(|| names.get(&a.expert_id).cloned().unwrap_or_default()),
            pass: v.pass,
            comment: v.comment.clone(),
            kpis: v.kpi_list(),
        })
        .collect()
}

/// What an acceptance's view is made of, besides the panel and the challenge.
pub struct AcceptanceParts {
    pub awardee_organization_name: String,
    pub counts: PanelCounts,
    /// Admins only: the seats and the draw.
    pub experts: Option<Vec<AcceptanceAssignmentView>>,
    pub draw: Option<DrawRecord>,
    /// Once closed.
    pub verdicts: Option<Vec<VerdictView>>,
}

impl AcceptanceView {
    pub fn of(
        challenge: &Challenge,
        panel: &AcceptancePanel,
        bid: &Bid,
        parts: AcceptanceParts,
    ) -> Self {
        let mut kpis = kpi_views(challenge, bid);
        if let Some(tallies) = panel.tally_list() {
            for k in &mut kpis {
                if let Some(t) = tallies.iter().find(|t| t.kpi == k.name) {
                    k.met = Some(t.met);
                    k.not_met = Some(t.not_met);
                }
            }
        }
        AcceptanceView {
            challenge_id: challenge.id,
            challenge_title: challenge.title.clone(),
            challenge_status: challenge.status,
            bid_id: bid.id,
            awardee_organization_id: bid.organization_id,
            awardee_organization_name: parts.awardee_organization_name,
            state: if panel.closed_at.is_some() {
                AcceptanceState::Closed
            } else {
                AcceptanceState::Open
            },
            panel_size: panel.panel_size,
            review_deadline: panel.review_deadline,
            drawn_at: panel.drawn_at,
            kpis,
            counts: parts.counts,
            experts: parts.experts,
            draw: parts.draw,
            closed_at: panel.closed_at,
            result: panel.result,
            passes: panel.passes,
            fails: panel.fails,
            verdicts: parts.verdicts,
        }
    }
}
