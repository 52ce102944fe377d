//! The notices as the public reads them: JSON, and the Atom feed in the reader's language (its
//! texts in `locales/<language>/awards.ftl`).

use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::awards::links::{challenge_url, notices_url};
use crate::awards::proposals::models::{Award, AwardStatus};
use crate::http::pagination::PageRequest;
use crate::i18n::{Args, Locale, text};
use crate::notifications::{beijing_time, yuan};
use crate::state::AppState;

/// One public notice.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeView {
    /// The award (proposal) this notice is about.
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub challenge_title: String,
    /// The proposed awardee.
    pub organization_name: String,
    #[schema(example = 250000000)]
    pub amount_fen: i64,
    /// `publicity` (公示中, also after the end until confirmed), `withdrawn` or `confirmed`.
    pub status: AwardStatus,
    /// Why another than the top-ranked bid was chosen, if so.
    pub reason: Option<String>,
    pub proposed_at: DateTime<Utc>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// 24:00 Beijing time of `ends_on`.
    pub ends_at: DateTime<Utc>,
    /// Whether objections are accepted now.
    pub open: bool,
    /// How many objections were filed (who filed them is never shown).
    pub objection_count: i64,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl NoticeView {
    /// The notice of `a` at `now`, on the challenge `challenge_title`, proposing
    /// `organization_name`, with `objection_count` objections filed.
    pub fn new(
        a: Award,
        challenge_title: String,
        organization_name: String,
        objection_count: i64,
        now: DateTime<Utc>,
    ) -> Self {
        NoticeView {
            id: a.id,
            challenge_id: a.challenge_id,
            challenge_title,
            organization_name,
            amount_fen: a.amount_fen,
            open: a.notice_open(now),
            status: a.status,
            reason: a.reason,
            proposed_at: a.proposed_at,
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            ends_at: a.ends_at,
            objection_count,
            withdrawn_at: a.outcome.withdrawn_at,
            confirmed_at: a.outcome.confirmed_at,
        }
    }

    /// When the notice last changed: proposed, withdrawn or confirmed.
    fn updated(&self) -> DateTime<Utc> {
        self.confirmed_at
            .or(self.withdrawn_at)
            .unwrap_or(self.proposed_at)
    }
}

/// A page of notices.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticePage {
    pub items: Vec<NoticeView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl NoticePage {
    pub fn new(items: Vec<NoticeView>, total: i64, request: PageRequest) -> Self {
        NoticePage {
            items,
            total,
            page: request.page,
            per_page: request.per_page,
        }
    }
}

fn link(href: String, rel: &str, mime: &str) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link.set_mime_type(Some(mime.to_string()));
    link
}

/// The feed document of `notices` (newest first), in `locale`.
pub fn feed(state: &AppState, notices: &[NoticeView], now: DateTime<Utc>, locale: Locale) -> Feed {
    let list_url = notices_url(state);
    let none = Args::new();
    let mut feed = Feed::default();
    feed.set_id(format!("{list_url}/feed"));
    feed.set_title(Text::plain(text(locale, "awards-feed-title", &none)));
    feed.set_lang(Some(locale.as_str().to_string()));
    let updated = notices.iter().map(NoticeView::updated).max();
    feed.set_updated(updated.unwrap_or(now).fixed_offset());
    let mut author = Person::default();
    author.set_name(text(locale, "awards-feed-author", &none));
    feed.set_authors(vec![author]);
    feed.set_links(vec![
        link(format!("{list_url}/feed"), "self", "application/atom+xml"),
        link(list_url, "alternate", "application/json"),
    ]);
    feed.set_entries(
        notices
            .iter()
            .map(|n| entry(state, n, locale))
            .collect::<Vec<_>>(),
    );
    feed
}

/// The feed's entry of one notice.
fn entry(state: &AppState, n: &NoticeView, locale: Locale) -> Entry {
    let args = Args::new()
        .with("challenge", &n.challenge_title)
        .with("organization", &n.organization_name)
        .with("amount_yuan", yuan(n.amount_fen))
        .with("amount_fen", n.amount_fen)
        .with("starts_on", n.starts_on)
        .with("ends_on", n.ends_on)
        .with("ends_beijing", beijing_time(n.ends_at))
        .with("ends_at", n.ends_at.to_rfc3339())
        .with("status", n.status.as_str());
    let mut entry = Entry::default();
    entry.set_id(format!("urn:uuid:{}", n.id));
    entry.set_title(Text::plain(text(locale, "awards-feed-entry-title", &args)));
    entry.set_published(Some(n.proposed_at.fixed_offset()));
    entry.set_updated(n.updated().fixed_offset());
    entry.set_links(vec![link(
        challenge_url(state, n.challenge_id),
        "alternate",
        "application/json",
    )]);
    // No objection count here: an entry changes only when its `updated` does (proposed,
    // withdrawn, confirmed), so feed readers never miss a change. The JSON list has it.
    let mut body = text(locale, "awards-feed-entry", &args);
    if let Some(reason) = &n.reason {
        let args = Args::new().with("reason", reason);
        body.push('\n');
        body.push_str(&text(locale, "awards-feed-entry-reason", &args));
    }
    let mut content = Content::default();
    content.set_content_type(Some("text".to_string()));
    content.set_value(Some(body));
    entry.set_content(Some(content));
    entry
}
