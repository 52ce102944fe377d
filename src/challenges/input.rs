//! Request bodies for challenges and their validation: per field with `validator`, and the rules
//! that involve several fields (window, rubric sum, duplicates) in [`Draft::rules`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use uuid::Uuid;

use super::models::{
    Category, Challenge, ChallengeChanges, Criterion, Field, Kpi, NewChallenge, default_rubric,
    stored_kinds,
};
use crate::accounts::models::OrganizationKind;
use crate::error::{AppError, FieldCode, FieldError};
use crate::http::validate::{line, not_blank};

/// The largest bounty accepted: 1,000,000,000 yuan, in fen. Anything above is a typo.
pub const MAX_BOUNTY_FEN: i64 = 100_000_000_000;
pub const MAX_DURATION_MONTHS: i32 = 60;
/// The rubric's maxima add up to this.
pub const RUBRIC_TOTAL: i32 = 100;

/// Who may bid, and how a `general` credit record is handled (SPEC §2, §4).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// The kinds of organisation that may bid.
    #[validate(length(min = 1, max = 5))]
    #[schema(min_items = 1, max_items = 5, example = json!(["university", "institute", "enterprise"]))]
    pub org_kinds: Vec<OrganizationKind>,
    /// `true`: a `general` (一般失信) record blocks a bid; `false`: it only flags it for formal review.
    #[serde(default)]
    pub general_credit_blocks: bool,
}

impl Default for Eligibility {
    fn default() -> Self {
        Eligibility {
            org_kinds: OrganizationKind::ALL.to_vec(),
            general_credit_blocks: false,
        }
    }
}

/// How the bids will be reviewed (SPEC §5).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewSettings {
    /// Experts on the panel, 3 to 25 (default 5).
    #[serde(default = "default_panel_size")]
    #[validate(range(min = 3, max = 25))]
    #[schema(example = 5, minimum = 3, maximum = 25)]
    pub panel_size: i32,
    /// Blind review: experts see bids under codes such as 方案 A, without names (default `true`).
    #[serde(default = "default_true")]
    pub blind: bool,
    /// Criteria whose `max_points` add up to 100 (default: 技术方案 40, 团队能力 25, 经费合理性 15,
    /// 进度安排 10, 产业带动 10).
    #[serde(default = "default_rubric")]
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub rubric: Vec<Criterion>,
}

fn default_panel_size() -> i32 {
    5
}

fn default_true() -> bool {
    true
}

fn default_publicity_days() -> i32 {
    5
}

impl Default for ReviewSettings {
    fn default() -> Self {
        ReviewSettings {
            panel_size: default_panel_size(),
            blind: true,
            rubric: default_rubric(),
        }
    }
}

/// `POST /challenges`: a new draft. Every field of SPEC §2; eligibility, review settings and
/// publicity days have defaults.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "高性能碳纤维复合材料低成本制备技术",
    "category": "tech_breakthrough",
    "field": "new_materials",
    "description": "面向风电叶片需求，攻克 T800 级碳纤维复合材料低成本、规模化制备关键技术。",
    "kpis": [
        {"name": "拉伸强度", "target": "≥ 5.5", "unit": "GPa"},
        {"name": "单位成本", "target": "≤ 120", "unit": "元/kg"}
    ],
    "bounty_fen": 500000000,
    "bid_opens_at": "2027-01-04T00:00:00Z",
    "bid_closes_at": "2027-02-26T09:00:00Z",
    "max_duration_months": 24,
    "eligibility": {"org_kinds": ["university", "institute", "enterprise"], "general_credit_blocks": false},
    "review": {"panel_size": 5, "blind": true},
    "publicity_days": 5
}))]
pub struct CreateChallenge {
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    pub category: Category,
    pub field: Field,
    #[validate(length(min = 1, max = 20000), custom(function = not_blank))]
    #[schema(min_length = 1, max_length = 20000)]
    pub description: String,
    /// At least one key performance indicator.
    #[validate(length(min = 1, max = 30), nested)]
    #[schema(min_items = 1, max_items = 30)]
    pub kpis: Vec<Kpi>,
    /// The bounty in fen (1 yuan = 100 fen).
    #[validate(range(min = 1, max = 100_000_000_000_i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub bounty_fen: i64,
    pub bid_opens_at: DateTime<Utc>,
    /// Must be after `bid_opens_at` and in the future.
    pub bid_closes_at: DateTime<Utc>,
    /// Longest project duration, 1 to 60 months.
    #[validate(range(min = 1, max = 60))]
    #[schema(minimum = 1, maximum = 60)]
    pub max_duration_months: i32,
    #[serde(default)]
    #[validate(nested)]
    pub eligibility: Eligibility,
    #[serde(default)]
    #[validate(nested)]
    pub review: ReviewSettings,
    /// Length of the public notice (公示) in working days, 1 to 30 (default 5).
    #[serde(default = "default_publicity_days")]
    #[validate(range(min = 1, max = 30))]
    #[schema(minimum = 1, maximum = 30)]
    pub publicity_days: i32,
}

/// `PATCH /challenges/{id}`: the fields to change. In `draft` and `rejected` any field; in
/// `published` only `bid_closes_at`, and only later.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"bid_closes_at": "2027-03-12T09:00:00Z"}))]
pub struct UpdateChallenge {
    #[validate(length(min = 1, max = 200), custom(function = line))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    pub category: Option<Category>,
    pub field: Option<Field>,
    #[validate(length(min = 1, max = 20000), custom(function = not_blank))]
    #[schema(min_length = 1, max_length = 20000)]
    pub description: Option<String>,
    #[validate(length(min = 1, max = 30), nested)]
    #[schema(min_items = 1, max_items = 30)]
    pub kpis: Option<Vec<Kpi>>,
    #[validate(range(min = 1, max = 100_000_000_000_i64))]
    #[schema(minimum = 1, maximum = 100_000_000_000_i64)]
    pub bounty_fen: Option<i64>,
    pub bid_opens_at: Option<DateTime<Utc>>,
    pub bid_closes_at: Option<DateTime<Utc>>,
    #[validate(range(min = 1, max = 60))]
    #[schema(minimum = 1, maximum = 60)]
    pub max_duration_months: Option<i32>,
    #[validate(nested)]
    pub eligibility: Option<Eligibility>,
    #[validate(nested)]
    pub review: Option<ReviewSettings>,
    #[validate(range(min = 1, max = 30))]
    #[schema(minimum = 1, maximum = 30)]
    pub publicity_days: Option<i32>,
}

impl CreateChallenge {
    /// The draft as stored: `id`, issued by organisation `org`, written by `author` at `now`.
    pub fn row(&self, id: Uuid, org: Uuid, author: Uuid, now: DateTime<Utc>) -> NewChallenge<'_> {
        NewChallenge {
            id,
            issuer_org_id: org,
            created_by: author,
            title: self.title.trim(),
            category: self.category,
            field: self.field,
            description: &self.description,
            kpis: serde_json::json!(self.kpis),
            bounty_fen: self.bounty_fen,
            bid_opens_at: self.bid_opens_at,
            bid_closes_at: self.bid_closes_at,
            max_duration_months: self.max_duration_months,
            eligible_org_kinds: stored_kinds(&self.eligibility.org_kinds),
            general_credit_blocks: self.eligibility.general_credit_blocks,
            panel_size: self.review.panel_size,
            blind_review: self.review.blind,
            rubric: serde_json::json!(self.review.rubric),
            publicity_days: self.publicity_days,
            created_at: now,
            updated_at: now,
        }
    }

    /// What the rules across fields look at.
    pub fn draft(&self) -> Draft {
        Draft {
            kpis: self.kpis.clone(),
            bid_opens_at: self.bid_opens_at,
            bid_closes_at: self.bid_closes_at,
            rubric: self.review.rubric.clone(),
            org_kinds: self.eligibility.org_kinds.clone(),
        }
    }
}

impl UpdateChallenge {
    /// The columns this patch sets.
    pub fn changes(self) -> ChallengeChanges {
        let (org_kinds, general_credit_blocks) = match self.eligibility {
            Some(e) => (
                Some(stored_kinds(&e.org_kinds)),
                Some(e.general_credit_blocks),
            ),
            None => (None, None),
        };
        let (panel_size, blind_review, rubric) = match self.review {
            Some(r) => (
                Some(r.panel_size),
                Some(r.blind),
                Some(serde_json::json!(r.rubric)),
            ),
            None => (None, None, None),
        };
        ChallengeChanges {
            title: self.title.map(|t| t.trim().to_string()),
            category: self.category,
            field: self.field,
            description: self.description,
            kpis: self.kpis.map(|k| serde_json::json!(k)),
            bounty_fen: self.bounty_fen,
            bid_opens_at: self.bid_opens_at,
            bid_closes_at: self.bid_closes_at,
            max_duration_months: self.max_duration_months,
            eligible_org_kinds: org_kinds,
            general_credit_blocks,
            panel_size,
            blind_review,
            rubric,
            publicity_days: self.publicity_days,
        }
    }

    /// The names of the fields this patch sets.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut fields = Vec::new();
        let mut add = |set: bool, name: &'static str| {
            if set {
                fields.push(name);
            }
        };
        add(self.title.is_some(), "title");
        add(self.category.is_some(), "category");
        add(self.field.is_some(), "field");
        add(self.description.is_some(), "description");
        add(self.kpis.is_some(), "kpis");
        add(self.bounty_fen.is_some(), "bounty_fen");
        add(self.bid_opens_at.is_some(), "bid_opens_at");
        add(self.bid_closes_at.is_some(), "bid_closes_at");
        add(self.max_duration_months.is_some(), "max_duration_months");
        add(self.eligibility.is_some(), "eligibility");
        add(self.review.is_some(), "review");
        add(self.publicity_days.is_some(), "publicity_days");
        fields
    }
}

/// The parts of a challenge that the cross-field rules look at.
pub struct Draft {
    pub kpis: Vec<Kpi>,
    pub bid_opens_at: DateTime<Utc>,
    pub bid_closes_at: DateTime<Utc>,
    pub rubric: Vec<Criterion>,
    pub org_kinds: Vec<OrganizationKind>,
}

impl Draft {
    /// `challenge`'s content with the fields of `patch` (if any) applied.
    pub fn of(challenge: &Challenge, patch: Option<&UpdateChallenge>) -> Draft {
        Draft {
            kpis: patch
                .and_then(|p| p.kpis.clone())
                .unwrap_or_else(|| challenge.kpi_list()),
            bid_opens_at: patch
                .and_then(|p| p.bid_opens_at)
                .unwrap_or(challenge.bid_opens_at),
            bid_closes_at: patch
                .and_then(|p| p.bid_closes_at)
                .unwrap_or(challenge.bid_closes_at),
            rubric: patch
                .and_then(|p| p.review.as_ref())
                .map(|r| r.rubric.clone())
                .unwrap_or_else(|| challenge.rubric_list()),
            org_kinds: patch
                .and_then(|p| p.eligibility.as_ref())
                .map(|e| e.org_kinds.clone())
                .unwrap_or_else(|| challenge.eligible_kinds()),
        }
    }

    /// The rules across fields; `now` given when the deadline must also lie ahead.
    pub fn rules(&self, now: Option<DateTime<Utc>>) -> Result<(), AppError> {
        let mut errors = Vec::new();
        if self.bid_closes_at <= self.bid_opens_at {
            errors.push(
                FieldError::new("bid_closes_at", FieldCode::NotLater)
                    .with_param("than", "bid_opens_at"),
            );
        }
        if let Some(now) = now
            && self.bid_closes_at <= now
        {
            errors.push(FieldError::new("bid_closes_at", FieldCode::InPast));
        }
        let total: i32 = self.rubric.iter().map(|c| c.max_points).sum();
        if total != RUBRIC_TOTAL {
            errors.push(
                FieldError::new("review.rubric", FieldCode::Sum)
                    .with_param("expected", RUBRIC_TOTAL)
                    .with_param("actual", total),
            );
        }
        if has_duplicates(self.rubric.iter().map(|c| c.name.trim())) {
            errors.push(FieldError::new("review.rubric", FieldCode::DuplicateEntry));
        }
        if has_duplicates(self.kpis.iter().map(|k| k.name.trim())) {
            errors.push(FieldError::new("kpis", FieldCode::DuplicateEntry));
        }
        if has_duplicates(self.org_kinds.iter().map(|k| k.as_str())) {
            errors.push(FieldError::new(
                "eligibility.org_kinds",
                FieldCode::DuplicateEntry,
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(errors))
        }
    }
}

fn has_duplicates<'a>(items: impl Iterator<Item = &'a str>) -> bool {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().any(|item| !seen.insert(item))
}

/// A reason for a transition: required for reject and cancel, optional otherwise.
#[derive(Debug, Clone, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "考核指标不够具体，请补充验收方法"}))]
pub struct TransitionRequest {
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// `POST /challenges/{id}/clarifications`: a clarification (答疑), optionally answering a question.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "question": "样品测试是否可由第三方机构完成？",
    "answer": "可以，须为具有 CMA 资质的检测机构。"
}))]
pub struct ClarificationRequest {
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    #[schema(min_length = 1, max_length = 2000)]
    pub question: Option<String>,
    #[validate(length(min = 1, max = 5000), custom(function = not_blank))]
    #[schema(min_length = 1, max_length = 5000)]
    pub answer: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn kpi(name: &str) -> Kpi {
        Kpi {
            name: name.into(),
            target: "1".into(),
            unit: String::new(),
        }
    }

    #[test]
    fn the_cross_field_rules_name_each_field() {
        let now = Utc::now();
        let mut rubric = default_rubric();
        rubric[0].max_points = 39;
        let draft = Draft {
            kpis: vec![kpi("强度"), kpi("强度")],
            bid_opens_at: now,
            bid_closes_at: now - Duration::days(1),
            rubric,
            org_kinds: vec![OrganizationKind::University],
        };
        let Err(AppError::Validation(errors)) = draft.rules(Some(now)) else {
            panic!("should fail");
        };
        let fields: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("bid_closes_at", "not_later"),
                ("bid_closes_at", "in_past"),
                ("review.rubric", "sum"),
                ("kpis", "duplicate_entry"),
            ]
        );
        assert_eq!(errors[2].param("actual"), Some("99"));
    }

    #[test]
    fn the_default_rubric_adds_up_to_100() {
        let total: i32 = default_rubric().iter().map(|c| c.max_points).sum();
        assert_eq!(total, RUBRIC_TOTAL);
    }
}
