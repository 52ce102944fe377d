//! Request bodies for bids and their validation. Per-field checks (`validator`, including the ID
//! number's check character) run on every save, drafts included; the rules that involve several
//! fields or the challenge ([`Plan::rules`]) run when a bid is submitted.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationError};

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::models::{Bid, BidChanges, BidStatus, Member, MemberRole, NewBid, ReviewResult};
use crate::challenges::input::MAX_BOUNTY_FEN;
use crate::challenges::models::Challenge;
use crate::codes::parse_id_number;
use crate::error::{AppError, FieldCode, FieldError};
use crate::http::validate::{line, one_line};
use crate::privacy::{Privacy, ProtectedId};

/// Payment shares of a milestone plan add up to this.
pub const SHARES_TOTAL: i32 = 100;

pub fn valid_id_number(value: &str) -> Result<(), ValidationError> {
    parse_id_number(value)
        .map(|_| ())
        .map_err(|e| ValidationError::new(e.code().as_str()))
}

/// What the bid commits to for one of the challenge's KPIs (the "military pledge", 军令状).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KpiCommitment {
    /// The KPI's name, as the challenge gives it.
    #[validate(length(min = 1, max = 100), custom(function = line))]
    #[schema(min_length = 1, max_length = 100, example = "拉伸强度")]
    pub kpi: String,
    /// The value committed to.
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200, example = "≥ 5.8 GPa")]
    pub value: String,
}

/// One milestone of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200, example = "完成中试线建设")]
    pub title: String,
    /// The month it is due, counted from the start (1 to the bid's duration).
    #[validate(range(min = 1, max = 120))]
    #[schema(example = 6, minimum = 1, maximum = 120)]
    pub due_month: i32,
    /// Its share of the payment in percent; the shares add up to 100.
    #[validate(range(min = 1, max = 100))]
    #[schema(example = 60, minimum = 1, maximum = 100)]
    pub share_percent: i32,
}

/// A team member as sent. The ID number is validated, then kept only as keyed hash and mask.
#[derive(Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    #[validate(length(min = 1, max = 50), custom(function = line))]
    #[schema(min_length = 1, max_length = 50, example = "陈思远")]
    pub name: String,
    /// Resident ID number (GB 11643-1999, check character verified). Never stored or returned:
    /// responses show the masked form.
    #[validate(custom(function = valid_id_number))]
    #[schema(example = "34052419800101001X")]
    pub id_number: String,
    pub role: MemberRole,
    /// Professional title (职称).
    #[serde(default)]
    #[validate(length(max = 100), custom(function = one_line))]
    #[schema(max_length = 100, example = "教授")]
    pub title: String,
    /// The part the person plays in the project.
    #[serde(default)]
    #[validate(length(max = 500))]
    #[schema(max_length = 500, example = "总体技术方案")]
    pub duty: String,
}

/// Serialised (validation errors carry the value they found) without the ID number.
impl Serialize for MemberInput {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("MemberInput", 5)?;
        s.serialize_field("name", &self.name)?;
        s.serialize_field("id_number", "***")?;
        s.serialize_field("role", &self.role)?;
        s.serialize_field("title", &self.title)?;
        s.serialize_field("duty", &self.duty)?;
        s.end()
    }
}

impl std::fmt::Debug for MemberInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberInput")
            .field("name", &self.name)
            .field("id_number", &"***")
            .field("role", &self.role)
            .finish()
    }
}

/// `POST /challenges/{id}/bids`. A draft (`submit: false`, the default) needs only well-formed
/// fields; a submission must be complete and meet the challenge's rules.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "submit": true,
    "technical_approach": "采用大丝束原丝低温碳化工艺，结合在线张力控制，降低能耗与成本。",
    "kpi_commitments": [{"kpi": "拉伸强度", "value": "≥ 5.8 GPa"}],
    "requested_fen": 250000000,
    "duration_months": 18,
    "milestones": [
        {"title": "签约启动", "due_month": 1, "share_percent": 60},
        {"title": "中试验证", "due_month": 12, "share_percent": 30},
        {"title": "验收", "due_month": 18, "share_percent": 10}
    ],
    "team": [
        {"name": "陈思远", "id_number": "34052419800101001X", "role": "leader", "title": "教授", "duty": "总体技术方案"}
    ]
}))]
pub struct CreateBid {
    /// `true` submits at once; `false` saves a draft.
    #[serde(default)]
    pub submit: bool,
    #[serde(default)]
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub technical_approach: String,
    /// One commitment per KPI of the challenge, by name.
    #[serde(default)]
    #[validate(length(max = 30), nested)]
    #[schema(max_items = 30)]
    pub kpi_commitments: Vec<KpiCommitment>,
    /// At most the challenge's bounty.
    #[validate(range(min = 1, max = 100_000_000_000_i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub requested_fen: Option<i64>,
    /// At most the challenge's `max_duration_months`.
    #[validate(range(min = 1, max = 120))]
    #[schema(minimum = 1, maximum = 120)]
    pub duration_months: Option<i32>,
    #[serde(default)]
    #[validate(length(max = 36), nested)]
    #[schema(max_items = 36)]
    pub milestones: Vec<Milestone>,
    /// The leader (exactly one) and the members.
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub team: Vec<MemberInput>,
}

/// `PATCH /bids/{id}`: the fields given replace the stored ones (the team as a whole).
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "requested_fen": 240000000,
    "milestones": [
        {"title": "签约启动", "due_month": 1, "share_percent": 60},
        {"title": "验收", "due_month": 18, "share_percent": 40}
    ]
}))]
pub struct UpdateBid {
    #[validate(length(max = 50000))]
    #[schema(max_length = 50000)]
    pub technical_approach: Option<String>,
    #[validate(length(max = 30), nested)]
    #[schema(max_items = 30)]
    pub kpi_commitments: Option<Vec<KpiCommitment>>,
    #[validate(range(min = 1, max = 100_000_000_000_i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub requested_fen: Option<i64>,
    #[validate(range(min = 1, max = 120))]
    #[schema(minimum = 1, maximum = 120)]
    pub duration_months: Option<i32>,
    #[validate(length(max = 36), nested)]
    #[schema(max_items = 36)]
    pub milestones: Option<Vec<Milestone>>,
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub team: Option<Vec<MemberInput>>,
}

/// `POST /bids/{id}/formal-review`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"result": "ineligible", "reason": "项目负责人未提供职称证明"}))]
pub struct FormalReviewRequest {
    pub result: ReviewResult,
    /// Required when ineligible.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// A team member as kept: the ID number only as keyed hash and mask.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamMember {
    pub role: MemberRole,
    pub name: String,
    pub id: ProtectedId,
    pub title: String,
    pub duty: String,
}

impl From<&Member> for TeamMember {
    fn from(m: &Member) -> Self {
        TeamMember {
            role: m.role,
            name: m.name.clone(),
            id: ProtectedId {
                hash: m.id_hash.clone(),
                masked: m.id_masked.clone(),
            },
            title: m.title.clone(),
            duty: m.duty.clone(),
        }
    }
}

/// Protects the ID numbers of a team as sent; two entries for one person are refused.
pub fn protect_team(privacy: &Privacy, team: &[MemberInput]) -> Result<Vec<TeamMember>, AppError> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(team.len());
    for (i, m) in team.iter().enumerate() {
        match privacy.protect(&m.id_number) {
            Ok(id) => {
                if !seen.insert(id.hash.clone()) {
                    errors.push(FieldError::new(
                        format!("team[{i}].id_number"),
                        FieldCode::DuplicateEntry,
                    ));
                }
                out.push(TeamMember {
                    role: m.role,
                    name: m.name.trim().to_string(),
                    id,
                    title: m.title.trim().to_string(),
                    duty: m.duty.trim().to_string(),
                });
            }
            Err(e) => errors.push(FieldError::new(format!("team[{i}].id_number"), e.code())),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// A bid's content, from a request or from the stored row, before it is saved.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub technical_approach: String,
    pub kpi_commitments: Vec<KpiCommitment>,
    pub requested_fen: Option<i64>,
    pub duration_months: Option<i32>,
    pub milestones: Vec<Milestone>,
    pub team: Vec<TeamMember>,
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, AppError> {
    Ok(serde_json::to_value(value).map_err(anyhow::Error::from)?)
}

impl Plan {
    /// A draft `id` with this content, made on `challenge_id` for `organization_id` by `by` at
    /// `at`.
    pub fn row(
        &self,
        id: Uuid,
        challenge_id: Uuid,
        organization_id: Uuid,
        by: Uuid,
        at: DateTime<Utc>,
    ) -> Result<NewBid<'_>, AppError> {
        Ok(NewBid {
            id,
            challenge_id,
            organization_id,
            created_by: by,
            status: BidStatus::Draft,
            technical_approach: &self.technical_approach,
            kpi_commitments: to_json(&self.kpi_commitments)?,
            requested_fen: self.requested_fen,
            duration_months: self.duration_months,
            milestones: to_json(&self.milestones)?,
            credit_result: None,
            prefill: None,
            submitted_at: None,
            created_at: at,
            updated_at: at,
        })
    }

    /// The content columns, all of them (the team is stored apart: [`Plan::members`]).
    pub fn changes(&self) -> Result<BidChanges, AppError> {
        Ok(BidChanges {
            technical_approach: Some(self.technical_approach.clone()),
            kpi_commitments: Some(to_json(&self.kpi_commitments)?),
            requested_fen: Some(self.requested_fen),
            duration_months: Some(self.duration_months),
            milestones: Some(to_json(&self.milestones)?),
            ..BidChanges::default()
        })
    }

    /// The team of bid `bid_id` as stored, by position.
    pub fn members(&self, bid_id: Uuid) -> Vec<Member> {
        self.team
            .iter()
            .enumerate()
            .map(|(i, m)| Member {
                bid_id,
                position: i as i32,
                role: m.role,
                name: m.name.clone(),
                id_hash: m.id.hash.clone(),
                id_masked: m.id.masked.clone(),
                title: m.title.clone(),
                duty: m.duty.clone(),
            })
            .collect()
    }

    /// The plan of a stored bid.
    pub fn stored(bid: &Bid, members: &[Member]) -> Plan {
        Plan {
            technical_approach: bid.technical_approach.clone(),
            kpi_commitments: serde_json::from_value(bid.kpi_commitments.clone())
                .unwrap_or_default(),
            requested_fen: bid.requested_fen,
            duration_months: bid.duration_months,
            milestones: serde_json::from_value(bid.milestones.clone()).unwrap_or_default(),
            team: members.iter().map(TeamMember::from).collect(),
        }
    }

    pub fn from_create(privacy: &Privacy, req: &CreateBid) -> Result<Plan, AppError> {
        Ok(Plan {
            technical_approach: req.technical_approach.trim().to_string(),
            kpi_commitments: req.kpi_commitments.clone(),
            requested_fen: req.requested_fen,
            duration_months: req.duration_months,
            milestones: req.milestones.clone(),
            team: protect_team(privacy, &req.team)?,
        })
    }

    /// This plan with the fields of an update applied.
    pub fn updated(mut self, privacy: &Privacy, req: &UpdateBid) -> Result<Plan, AppError> {
        if let Some(text) = &req.technical_approach {
            self.technical_approach = text.trim().to_string();
        }
        if let Some(k) = &req.kpi_commitments {
            self.kpi_commitments = k.clone();
        }
        if req.requested_fen.is_some() {
            self.requested_fen = req.requested_fen;
        }
        if req.duration_months.is_some() {
            self.duration_months = req.duration_months;
        }
        if let Some(m) = &req.milestones {
            self.milestones = m.clone();
        }
        if let Some(team) = &req.team {
            self.team = protect_team(privacy, team)?;
        }
        Ok(self)
    }

    /// What a submission needs: complete, within the challenge's bounty and duration, one
    /// commitment per KPI, milestones within the duration whose shares add up to 100, exactly one
    /// leader. Every failing field is named.
    pub fn rules(&self, challenge: &Challenge) -> Result<(), AppError> {
        let mut errors = Vec::new();
        if self.technical_approach.trim().is_empty() {
            errors.push(FieldError::new("technical_approach", FieldCode::Required));
        }
        // KPIs: each of the challenge's exactly once, and no others.
        let kpis: Vec<String> = challenge.kpi_list().into_iter().map(|k| k.name).collect();
        let mut committed = HashSet::new();
        for (i, c) in self.kpi_commitments.iter().enumerate() {
            let name = c.kpi.trim();
            if !kpis.iter().any(|k| k == name) {
                errors.push(FieldError::new(
                    format!("kpi_commitments[{i}].kpi"),
                    FieldCode::UnknownKpi,
                ));
            } else if !committed.insert(name.to_string()) {
                errors.push(FieldError::new(
                    format!("kpi_commitments[{i}].kpi"),
                    FieldCode::DuplicateEntry,
                ));
            }
        }
        for k in &kpis {
            if !committed.contains(k) {
                errors.push(
                    FieldError::new("kpi_commitments", FieldCode::MissingKpi).with_param("kpi", k),
                );
            }
        }
        match self.requested_fen {
            None => errors.push(FieldError::new("requested_fen", FieldCode::Required)),
            Some(fen) if fen > challenge.bounty_fen || fen > MAX_BOUNTY_FEN => errors.push(
                FieldError::new("requested_fen", FieldCode::OverBounty)
                    .with_param("max", challenge.bounty_fen),
            ),
            Some(_) => {}
        }
        match self.duration_months {
            None => errors.push(FieldError::new("duration_months", FieldCode::Required)),
            Some(months) if months > challenge.max_duration_months => errors.push(
                FieldError::new("duration_months", FieldCode::OverLimit)
                    .with_param("max", challenge.max_duration_months),
            ),
            Some(_) => {}
        }
        if self.milestones.is_empty() {
            errors.push(FieldError::new("milestones", FieldCode::Required));
        } else {
            let duration = self
                .duration_months
                .unwrap_or(challenge.max_duration_months)
                .min(challenge.max_duration_months);
            for (i, m) in self.milestones.iter().enumerate() {
                if m.due_month > duration {
                    errors.push(
                        FieldError::new(format!("milestones[{i}].due_month"), FieldCode::OverLimit)
                            .with_param("max", duration),
                    );
                }
            }
            let total: i32 = self.milestones.iter().map(|m| m.share_percent).sum();
            if total != SHARES_TOTAL {
                errors.push(
                    FieldError::new("milestones", FieldCode::Sum)
                        .with_param("expected", SHARES_TOTAL)
                        .with_param("actual", total),
                );
            }
        }
        let leaders = self
            .team
            .iter()
            .filter(|m| m.role == MemberRole::Leader)
            .count();
        if self.team.is_empty() {
            errors.push(FieldError::new("team", FieldCode::Required));
        } else if leaders != 1 {
            errors.push(FieldError::new("team", FieldCode::OneLeader).with_param("count", leaders));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }

    /// Whether the plan is complete, for the formal review's pre-fill.
    pub fn is_complete(&self, challenge: &Challenge) -> bool {
        self.rules(challenge).is_ok()
    }

    /// Drafts may have at most one leader too (the table says so).
    pub fn draft_rules(&self) -> Result<(), AppError> {
        let leaders = self
            .team
            .iter()
            .filter(|m| m.role == MemberRole::Leader)
            .count();
        if leaders > 1 {
            return Err(AppError::Validation(vec![
                FieldError::new("team", FieldCode::OneLeader).with_param("count", leaders),
            ]));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use secrecy::SecretString;
    use serde_json::json;
    use uuid::Uuid;

    fn challenge() -> Challenge {
        let now = Utc::now();
        Challenge {
            id: Uuid::nil(),
            issuer_org_id: Uuid::nil(),
            created_by: Uuid::nil(),
            title: "t".into(),
            category: crate::challenges::models::Category::TechBreakthrough,
            field: crate::challenges::models::Field::NewMaterials,
            description: "d".into(),
            kpis: json!([{"name": "强度", "target": "≥ 5", "unit": "GPa"},
                         {"name": "成本", "target": "≤ 120", "unit": "元/kg"}]),
            bounty_fen: 1_000,
            bid_opens_at: now,
            bid_closes_at: now,
            max_duration_months: 12,
            eligible_org_kinds: vec![Some("university".into())],
            general_credit_blocks: false,
            panel_size: 5,
            blind_review: true,
            rubric: json!([]),
            publicity_days: 5,
            status: crate::challenges::models::Status::Published,
            status_reason: None,
            version: 1,
            submitted_at: None,
            published_at: Some(now),
            bidding_closed_at: None,
            created_at: now,
            awarded_at: None,
            updated_at: now,
        }
    }

    fn member(role: MemberRole, n: u8) -> TeamMember {
        TeamMember {
            role,
            name: "某".into(),
            id: ProtectedId {
                hash: vec![n; 32],
                masked: "x".into(),
            },
            title: String::new(),
            duty: String::new(),
        }
    }

    fn plan() -> Plan {
        Plan {
            technical_approach: "方案".into(),
            kpi_commitments: vec![
                KpiCommitment {
                    kpi: "强度".into(),
                    value: "6".into(),
                },
                KpiCommitment {
                    kpi: "成本".into(),
                    value: "100".into(),
                },
            ],
            requested_fen: Some(1_000),
            duration_months: Some(12),
            milestones: vec![
                Milestone {
                    title: "一".into(),
                    due_month: 1,
                    share_percent: 60,
                },
                Milestone {
                    title: "二".into(),
                    due_month: 12,
                    share_percent: 40,
                },
            ],
            team: vec![member(MemberRole::Leader, 1), member(MemberRole::Member, 2)],
        }
    }

    fn fields(result: Result<(), AppError>) -> Vec<(String, String)> {
        match result {
            Ok(()) => Vec::new(),
            Err(AppError::Validation(errors)) => errors
                .into_iter()
                .map(|e| (e.field, e.code.to_string()))
                .collect(),
            Err(other) => panic!("{other:?}"),
        }
    }

    fn pair(field: &str, code: &str) -> (String, String) {
        (field.to_string(), code.to_string())
    }

    #[test]
    fn a_complete_plan_within_the_limits_passes() {
        assert!(fields(plan().rules(&challenge())).is_empty());
        assert!(plan().is_complete(&challenge()));
    }

    #[test]
    fn every_broken_rule_is_named() {
        let c = challenge();
        let mut p = plan();
        p.requested_fen = Some(1_001);
        p.duration_months = Some(13);
        p.milestones[1].share_percent = 30;
        p.kpi_commitments.remove(1);
        p.kpi_commitments.push(KpiCommitment {
            kpi: "重量".into(),
            value: "1".into(),
        });
        p.team[1].role = MemberRole::Leader;
        let found = fields(p.rules(&c));
        for expected in [
            pair("requested_fen", "over_bounty"),
            pair("duration_months", "over_limit"),
            pair("milestones", "sum"),
            pair("kpi_commitments[1].kpi", "unknown_kpi"),
            pair("kpi_commitments", "missing_kpi"),
            pair("team", "one_leader"),
        ] {
            assert!(found.contains(&expected), "{expected:?} in {found:?}");
        }
    }

    #[test]
    fn milestones_fall_within_the_bid_duration() {
        let mut p = plan();
        p.duration_months = Some(6);
        assert_eq!(
            fields(p.rules(&challenge())),
            vec![pair("milestones[1].due_month", "over_limit")]
        );
    }

    #[test]
    fn an_empty_draft_lacks_everything_at_submission() {
        let p = Plan {
            technical_approach: String::new(),
            kpi_commitments: Vec::new(),
            requested_fen: None,
            duration_months: None,
            milestones: Vec::new(),
            team: Vec::new(),
        };
        assert!(p.draft_rules().is_ok());
        let found = fields(p.rules(&challenge()));
        for field in [
            "technical_approach",
            "requested_fen",
            "duration_months",
            "milestones",
            "team",
        ] {
            assert!(found.contains(&pair(field, "required")), "{field}");
        }
    }

    #[test]
    fn team_ids_are_protected_and_duplicates_refused() {
        let privacy = Privacy::new(SecretString::from("k"));
        let input = |id: &str| MemberInput {
            name: "张三".into(),
            id_number: id.into(),
            role: MemberRole::Member,
            title: String::new(),
            duty: String::new(),
        };
        let team = protect_team(&privacy, &[input("34052419800101001x")]).unwrap();
        assert_eq!(team[0].id.masked, "340524********001X");
        assert_eq!(team[0].id.hash.len(), 32);
        let dup = protect_team(
            &privacy,
            &[input("34052419800101001X"), input("34052419800101001x")],
        );
        let Err(AppError::Validation(errors)) = dup else {
            panic!("duplicates accepted");
        };
        assert_eq!(errors[0].field, "team[1].id_number");
        // Neither Debug nor Serialize shows the number.
        let shown = format!("{:?}", input("34052419800101001X"));
        assert!(!shown.contains("34052419800101001X"));
        let json = serde_json::to_string(&input("34052419800101001X")).unwrap();
        assert!(!json.contains("34052419800101001X"));
    }
}
