//! What the API returns for challenges.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::input::{Eligibility, ReviewSettings};
use super::models::{Category, Challenge, ChallengeEvent, Clarification, Field, Kpi, Status};
use super::queries::{SummaryRow, Viewer};

/// The issuing organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IssuerView {
    pub id: Uuid,
    pub name: String,
}

/// A challenge, whole.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChallengeView {
    pub id: Uuid,
    pub title: String,
    pub category: Category,
    pub field: Field,
    pub description: String,
    pub kpis: Vec<Kpi>,
    pub bounty_fen: i64,
    pub bid_opens_at: DateTime<Utc>,
    pub bid_closes_at: DateTime<Utc>,
    pub max_duration_months: i32,
    pub eligibility: Eligibility,
    pub review: ReviewSettings,
    pub publicity_days: i32,
    pub status: Status,
    /// The reason given with the last rejection or cancellation. A rejection reason is shown to
    /// the issuer and admins only.
    pub status_reason: Option<String>,
    /// The version, for `If-Match` (also sent as the `ETag` header, `"v<version>"`).
    pub version: i32,
    pub issuer: IssuerView,
    pub submitted_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub bidding_closed_at: Option<DateTime<Utc>>,
    /// When the award was confirmed (挂帅).
    pub awarded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ChallengeView {
    pub fn new(c: Challenge, issuer_name: String, viewer: Viewer) -> Self {
        let manages = viewer.manages(&c);
        let kpis = c.kpi_list();
        let rubric = c.rubric_list();
        let org_kinds = c.eligible_kinds();
        ChallengeView {
            id: c.id,
            title: c.title,
            category: c.category,
            field: c.field,
            description: c.description,
            kpis,
            bounty_fen: c.bounty_fen,
            bid_opens_at: c.bid_opens_at,
            bid_closes_at: c.bid_closes_at,
            max_duration_months: c.max_duration_months,
            eligibility: Eligibility {
                org_kinds,
                general_credit_blocks: c.general_credit_blocks,
            },
            review: ReviewSettings {
                panel_size: c.panel_size,
                blind: c.blind_review,
                rubric,
            },
            publicity_days: c.publicity_days,
            status: c.status,
            status_reason: if manages || c.status == Status::Cancelled {
                c.status_reason
            } else {
                None
            },
            version: c.version,
            issuer: IssuerView {
                id: c.issuer_org_id,
                name: issuer_name,
            },
            submitted_at: c.submitted_at,
            published_at: c.published_at,
            bidding_closed_at: c.bidding_closed_at,
            awarded_at: c.awarded_at,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A challenge in a list: without its description, KPIs and review settings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChallengeSummary {
    pub id: Uuid,
    pub title: String,
    pub category: Category,
    pub field: Field,
    pub bounty_fen: i64,
    pub bid_opens_at: DateTime<Utc>,
    pub bid_closes_at: DateTime<Utc>,
    pub max_duration_months: i32,
    pub status: Status,
    pub issuer: IssuerView,
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
    /// With `q`: where the words were found, in the title and in a passage of the description.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, required = false)]
    pub highlight: Option<Highlight>,
}

/// One page of `GET /challenges` (SPEC §10's envelope, with the cursor to read on).
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengePage {
    pub items: Vec<ChallengeSummary>,
    /// Challenges matching the filters, over all pages (from the text index: it may lag a commit
    /// by a second or two).
    pub total: i64,
    /// The page number; absent when the page was asked for by `cursor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, required = false)]
    pub page: Option<i64>,
    pub per_page: i64,
    /// Pass as `cursor` for the rows after this page (same filters and order); absent on the
    /// last page and when sorted by relevance.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false, required = false)]
    pub next_cursor: Option<String>,
}

/// The title and a passage of the description cut into pieces, the pieces that match a word of
/// `q` marked `hit` (plain text: a client shows hits as it likes, nothing to escape).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Highlight {
    pub title: Vec<Fragment>,
    /// About 80 characters around the first match (the start when the words are only in the
    /// title), with "…" where it was cut.
    pub description: Vec<Fragment>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Fragment {
    pub text: String,
    pub hit: bool,
}

/// Characters of the description shown around its first match.
const PASSAGE: usize = 80;

impl Highlight {
    pub fn new(title: &str, description: &str, words: &[&str]) -> Highlight {
        let chars: Vec<char> = description.chars().collect();
        let hits = matches(&chars, words);
        let first = hits.first().map_or(0, |(start, _)| *start);
        let start = first.saturating_sub(PASSAGE / 4);
        let end = (start + PASSAGE).min(chars.len());
        let mut passage = fragments(&chars[start..end], words);
        if start > 0 {
            passage.insert(
                0,
                Fragment {
                    text: "…".into(),
                    hit: false,
                },
            );
        }
        if end < chars.len() {
            passage.push(Fragment {
                text: "…".into(),
                hit: false,
            });
        }
        let title: Vec<char> = title.chars().collect();
        Highlight {
            title: fragments(&title, words),
            description: passage,
        }
    }
}

/// Where the words occur in `text` (case-insensitively), as non-overlapping character ranges.
fn matches(text: &[char], words: &[&str]) -> Vec<(usize, usize)> {
    let lower: Vec<char> = text
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let words: Vec<Vec<char>> = words
        .iter()
        .map(|w| {
            w.chars()
                .map(|c| c.to_lowercase().next().unwrap_or(c))
                .collect::<Vec<_>>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lower.len() {
        let hit = words
            .iter()
            .filter(|w| lower[i..].starts_with(w))
            .map(Vec::len)
            .max();
        match hit {
            Some(len) => {
                found.push((i, i + len));
                i += len;
            }
            None => i += 1,
        }
    }
    found
}

fn fragments(text: &[char], words: &[&str]) -> Vec<Fragment> {
    let mut out = Vec::new();
    let mut at = 0;
    for (start, end) in matches(text, words) {
        if start > at {
            out.push(Fragment {
                text: text[at..start].iter().collect(),
                hit: false,
            });
        }
        out.push(Fragment {
            text: text[start..end].iter().collect(),
            hit: true,
        });
        at = end;
    }
    if at < text.len() {
        out.push(Fragment {
            text: text[at..].iter().collect(),
            hit: false,
        });
    }
    out
}

impl From<(SummaryRow, String)> for ChallengeSummary {
    fn from((r, issuer_name): (SummaryRow, String)) -> Self {
        ChallengeSummary {
            id: r.id,
            title: r.title,
            category: r.category,
            field: r.field,
            bounty_fen: r.bounty_fen,
            bid_opens_at: r.bid_opens_at,
            bid_closes_at: r.bid_closes_at,
            max_duration_months: r.max_duration_months,
            status: r.status,
            issuer: IssuerView {
                id: r.issuer_org_id,
                name: issuer_name,
            },
            published_at: r.published_at,
            created_at: r.created_at,
            version: r.version,
            highlight: None,
        }
    }
}

/// One entry of a challenge's history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub id: i64,
    /// `create`, `submit`, `approve`, `reject`, `cancel`, `close_bidding`, `extend_deadline`,
    /// `clarify`, ...
    pub action: String,
    /// The account that acted; absent when the system did (the deadline job).
    pub actor_id: Option<Uuid>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub reason: Option<String>,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

impl From<ChallengeEvent> for EventView {
    fn from(e: ChallengeEvent) -> Self {
        EventView {
            id: e.id,
            action: e.action,
            actor_id: e.actor_id,
            from_status: e.from_status,
            to_status: e.to_status,
            reason: e.reason,
            data: e.data,
            at: e.at,
        }
    }
}

/// A clarification (答疑).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClarificationView {
    pub id: Uuid,
    pub question: Option<String>,
    pub answer: String,
    pub created_at: DateTime<Utc>,
}

impl From<Clarification> for ClarificationView {
    fn from(c: Clarification) -> Self {
        ClarificationView {
            id: c.id,
            question: c.question,
            answer: c.answer,
            created_at: c.created_at,
        }
    }
}
