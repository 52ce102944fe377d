//! Challenges as stored, and the vocabularies they use (SPEC §2).

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::accounts::models::OrganizationKind;
use crate::db_enum;
use crate::http::validate::{line, one_line};
use crate::schema::{challenge_clarifications, challenge_events, challenges};

db_enum!(
    /// Where a challenge is in its life (SPEC §2). The transitions between them are in
    /// [`super::lifecycle`].
    Status {
        /// 草稿: the issuer is writing it.
        Draft => "draft",
        /// 待审核: submitted, waiting for the program office.
        PendingApproval => "pending_approval",
        /// 张榜: published, open for bids within its window.
        Published => "published",
        /// 揭榜截止: the deadline has passed; bids are opened to the issuer.
        BiddingClosed => "bidding_closed",
        /// 评审中
        UnderReview => "under_review",
        /// 公示中
        Publicity => "publicity",
        /// 挂帅: the project is running.
        Awarded => "awarded",
        /// 验收通过
        Accepted => "accepted",
        /// 退回: back to the issuer with a reason.
        Rejected => "rejected",
        /// 已撤榜
        Cancelled => "cancelled",
        /// 验收不通过 or terminated.
        Failed => "failed",
    }
);

db_enum!(
    /// The kind of challenge.
    Category {
        /// 技术攻关
        TechBreakthrough => "tech_breakthrough",
        /// 成果转化
        AchievementTransfer => "achievement_transfer",
    }
);

db_enum!(
    /// The industry field of a challenge, and of an expert's expertise.
    Field {
        /// 新材料
        NewMaterials => "new_materials",
        /// 生物医药
        Biomedicine => "biomedicine",
        /// 绿色化工
        GreenChemicals => "green_chemicals",
        /// 海洋
        Marine => "marine",
        /// 新能源
        NewEnergy => "new_energy",
        /// 电子信息
        ElectronicInformation => "electronic_information",
        /// 高端装备
        AdvancedEquipment => "advanced_equipment",
        /// 现代农业
        ModernAgriculture => "modern_agriculture",
        /// 其他
        Other => "other",
    }
);

impl Status {
    /// The name people read, in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Draft => "草稿",
            Status::PendingApproval => "待审核",
            Status::Published => "张榜中",
            Status::BiddingClosed => "揭榜截止",
            Status::UnderReview => "评审中",
            Status::Publicity => "公示中",
            Status::Awarded => "已挂帅",
            Status::Accepted => "验收通过",
            Status::Rejected => "已退回",
            Status::Cancelled => "已撤榜",
            Status::Failed => "未通过验收",
        }
    }
}

/// A key performance indicator that acceptance is measured against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    #[validate(length(min = 1, max = 100), custom(function = line))]
    #[schema(min_length = 1, max_length = 100, example = "拉伸强度")]
    pub name: String,
    /// The value to reach, as written (e.g. `≥ 5.5`, `99.9%`).
    #[validate(length(min = 1, max = 100), custom(function = line))]
    #[schema(min_length = 1, max_length = 100, example = "≥ 5.5")]
    pub target: String,
    #[validate(length(max = 20), custom(function = one_line))]
    #[schema(max_length = 20, example = "GPa")]
    pub unit: String,
}

/// One criterion of the scoring rubric; the maxima of a rubric add up to 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    #[validate(length(min = 1, max = 50), custom(function = line))]
    #[schema(min_length = 1, max_length = 50, example = "技术方案")]
    pub name: String,
    #[validate(range(min = 1, max = 100))]
    #[schema(example = 40, minimum = 1, maximum = 100)]
    pub max_points: i32,
    /// What the experts look at under this criterion (shown beside its input when scoring).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 500))]
    #[schema(max_length = 500, example = "技术路线的先进性、可行性和创新性")]
    pub guidance: Option<String>,
}

/// The rubric of SPEC §5 when the issuer does not give one.
pub fn default_rubric() -> Vec<Criterion> {
    [
        (
            "技术方案",
            40,
            "技术路线的先进性、可行性和创新性，关键技术指标的可达性",
        ),
        (
            "团队能力",
            25,
            "负责人与团队的研究基础、相关成果和分工是否匹配任务",
        ),
        (
            "经费合理性",
            15,
            "预算与任务的匹配程度，自筹经费和配套条件的落实情况",
        ),
        ("进度安排", 10, "里程碑划分是否清晰，时间安排是否可行"),
        ("产业带动", 10, "成果转化路径、应用前景和对产业的带动作用"),
    ]
    .into_iter()
    .map(|(name, max_points, guidance)| Criterion {
        name: name.to_string(),
        max_points,
        guidance: Some(guidance.to_string()),
    })
    .collect()
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = challenges, check_for_backend(diesel::pg::Pg))]
pub struct Challenge {
    pub id: Uuid,
    pub issuer_org_id: Uuid,
    pub created_by: Uuid,
    pub title: String,
    pub category: Category,
    pub field: Field,
    pub description: String,
    pub kpis: serde_json::Value,
    pub bounty_fen: i64,
    pub bid_opens_at: DateTime<Utc>,
    pub bid_closes_at: DateTime<Utc>,
    pub max_duration_months: i32,
    pub eligible_org_kinds: Vec<Option<String>>,
    pub general_credit_blocks: bool,
    pub panel_size: i32,
    pub blind_review: bool,
    pub rubric: serde_json::Value,
    pub publicity_days: i32,
    pub status: Status,
    pub status_reason: Option<String>,
    pub version: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub bidding_closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the award was confirmed (挂帅); milestone due dates count from it.
    pub awarded_at: Option<DateTime<Utc>>,
}

impl Challenge {
    pub fn kpi_list(&self) -> Vec<Kpi> {
        serde_json::from_value(self.kpis.clone()).unwrap_or_default()
    }

    pub fn rubric_list(&self) -> Vec<Criterion> {
        serde_json::from_value(self.rubric.clone()).unwrap_or_default()
    }

    pub fn eligible_kinds(&self) -> Vec<OrganizationKind> {
        self.eligible_org_kinds
            .iter()
            .filter_map(|k| k.as_deref()?.parse().ok())
            .collect()
    }

    /// The strong entity tag of this version, for `ETag` and `If-Match`.
    pub fn etag(&self) -> String {
        format!("\"v{}\"", self.version)
    }
}

/// A new draft.
#[derive(Debug, Insertable)]
#[diesel(table_name = challenges)]
pub struct NewChallenge<'a> {
    pub id: Uuid,
    pub issuer_org_id: Uuid,
    pub created_by: Uuid,
    pub title: &'a str,
    pub category: Category,
    pub field: Field,
    pub description: &'a str,
    pub kpis: serde_json::Value,
    pub bounty_fen: i64,
    pub bid_opens_at: DateTime<Utc>,
    pub bid_closes_at: DateTime<Utc>,
    pub max_duration_months: i32,
    pub eligible_org_kinds: Vec<Option<String>>,
    pub general_credit_blocks: bool,
    pub panel_size: i32,
    pub blind_review: bool,
    pub rubric: serde_json::Value,
    pub publicity_days: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields an edit sets (`None`: unchanged). The version and `updated_at` are set by
/// [`super::queries::update`].
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = challenges)]
pub struct ChallengeChanges {
    pub title: Option<String>,
    pub category: Option<Category>,
    pub field: Option<Field>,
    pub description: Option<String>,
    pub kpis: Option<serde_json::Value>,
    pub bounty_fen: Option<i64>,
    pub bid_opens_at: Option<DateTime<Utc>>,
    pub bid_closes_at: Option<DateTime<Utc>>,
    pub max_duration_months: Option<i32>,
    pub eligible_org_kinds: Option<Vec<Option<String>>>,
    pub general_credit_blocks: Option<bool>,
    pub panel_size: Option<i32>,
    pub blind_review: Option<bool>,
    pub rubric: Option<serde_json::Value>,
    pub publicity_days: Option<i32>,
}

/// Organisation kinds as the `eligible_org_kinds` column keeps them.
pub fn stored_kinds(kinds: &[OrganizationKind]) -> Vec<Option<String>> {
    kinds.iter().map(|k| Some(k.as_str().to_string())).collect()
}

/// One entry of a challenge's history (its transitions, extensions and clarifications).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = challenge_events, check_for_backend(diesel::pg::Pg))]
pub struct ChallengeEvent {
    pub id: i64,
    pub challenge_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// A new entry of a challenge's history: `action` took the challenge (as it is now) from `from`.
#[derive(Debug, Insertable)]
#[diesel(table_name = challenge_events)]
pub struct NewEvent<'a> {
    pub challenge_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub action: &'a str,
    pub from_status: Option<&'static str>,
    pub to_status: &'static str,
    pub reason: Option<&'a str>,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

impl<'a> NewEvent<'a> {
    /// `action` by `actor` at `at`, which left `challenge` as it is now; no reason, no data.
    pub fn new(
        challenge: &Challenge,
        action: &'a str,
        from: Option<Status>,
        actor: Option<Uuid>,
        at: DateTime<Utc>,
    ) -> Self {
        NewEvent {
            challenge_id: challenge.id,
            actor_id: actor,
            action,
            from_status: from.map(|s| s.as_str()),
            to_status: challenge.status.as_str(),
            reason: None,
            data: serde_json::json!({}),
            at,
        }
    }

    pub fn reason(mut self, reason: Option<&'a str>) -> Self {
        self.reason = reason;
        self
    }

    pub fn data(mut self, data: serde_json::Value) -> Self {
        self.data = data;
        self
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = challenge_clarifications, check_for_backend(diesel::pg::Pg))]
pub struct Clarification {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub author_id: Uuid,
    pub question: Option<String>,
    pub answer: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = challenge_clarifications)]
pub struct NewClarification<'a> {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub author_id: Uuid,
    pub question: Option<&'a str>,
    pub answer: &'a str,
    pub created_at: DateTime<Utc>,
}
