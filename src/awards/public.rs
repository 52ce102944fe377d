//! The public notices (公示), readable without logging in: `GET /notices` (JSON, paged, newest
//! first) and `GET /notices/feed` (Atom). A notice shows the challenge, the proposed awardee
//! organisation, the amount, the period, the status, the reason of a choice other than the top
//! bid, and how many objections were filed — never who objected, and no person's data.

use std::collections::HashMap;

use actix_web::web::Data;
use actix_web::{HttpResponse, get};
use atom_syndication::{Content, Entry, Feed, Link, Person, Text};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::models::{Award, AwardStatus, ObjectionStatus};
use super::notices_url;
use crate::error::{AppResult, ProblemBody};
use crate::http::ValidQuery;
use crate::http::pagination::PageParams;
use crate::notifications::{beijing_time, yuan};
use crate::schema::{awards, challenges, objections, organizations};
use crate::state::AppState;

/// How many notices the feed carries.
pub const FEED_SIZE: i64 = 50;

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

/// A page of notices.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticePage {
    pub items: Vec<NoticeView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// `GET /notices` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticeQuery {
    /// Only notices of this status.
    pub status: Option<AwardStatus>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

async fn notice_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<Award>,
    now: DateTime<Utc>,
) -> AppResult<Vec<NoticeView>> {
    let challenge_ids: Vec<Uuid> = rows.iter().map(|a| a.challenge_id).collect();
    let org_ids: Vec<Uuid> = rows.iter().map(|a| a.organization_id).collect();
    let award_ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let titles: HashMap<Uuid, String> = challenges::table
        .filter(challenges::id.eq_any(&challenge_ids))
        .select((challenges::id, challenges::title))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    let orgs: HashMap<Uuid, String> = organizations::table
        .filter(organizations::id.eq_any(&org_ids))
        .select((organizations::id, organizations::name))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    let mut counts: HashMap<Uuid, i64> = HashMap::new();
    for (award, _) in objections::table
        .filter(objections::award_id.eq_any(&award_ids))
        .select((objections::award_id, objections::status))
        .load::<(Uuid, ObjectionStatus)>(conn)
        .await?
    {
        *counts.entry(award).or_default() += 1;
    }
    Ok(rows
        .into_iter()
        .map(|a| NoticeView {
            id: a.id,
            challenge_id: a.challenge_id,
            challenge_title: titles.get(&a.challenge_id).cloned().unwrap_or_default(),
            organization_name: orgs.get(&a.organization_id).cloned().unwrap_or_default(),
            amount_fen: a.amount_fen,
            open: a.notice_open(now),
            status: a.status,
            reason: a.reason,
            proposed_at: a.proposed_at,
            starts_on: a.starts_on,
            ends_on: a.ends_on,
            ends_at: a.ends_at,
            objection_count: counts.get(&a.id).copied().unwrap_or(0),
            withdrawn_at: a.withdrawn_at,
            confirmed_at: a.confirmed_at,
        })
        .collect())
}

/// The public notices of award proposals (公示), current and past, newest first; no login needed.
#[utoipa::path(
    tag = "award",
    params(NoticeQuery),
    responses(
        (status = 200, description = "A page of notices", body = NoticePage),
        (status = 422, description = "Invalid parameters", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/notices")]
pub async fn list_notices(
    state: Data<AppState>,
    query: ValidQuery<NoticeQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let page = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .validate()?;
    let base = || {
        let mut query = awards::table.into_boxed();
        if let Some(status) = q.status {
            query = query.filter(awards::status.eq(status));
        }
        query
    };
    let mut conn = state.conn().await?;
    let total: i64 = base().count().get_result(&mut conn).await?;
    let rows: Vec<Award> = base()
        .order((awards::proposed_at.desc(), awards::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Award::as_select())
        .load(&mut conn)
        .await?;
    let items = notice_views(&mut conn, rows, state.clock.now()).await?;
    Ok(HttpResponse::Ok().json(NoticePage {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

fn status_label(status: AwardStatus) -> &'static str {
    match status {
        AwardStatus::Publicity => "公示中 / in publicity",
        AwardStatus::Withdrawn => "已撤销 / withdrawn",
        AwardStatus::Confirmed => "已确认挂帅 / confirmed",
    }
}

fn link(href: String, rel: &str, mime: Option<&str>) -> Link {
    let mut link = Link::default();
    link.set_href(href);
    link.set_rel(rel);
    link.set_mime_type(mime.map(str::to_string));
    link
}

/// The feed document of `notices` (newest first).
pub fn feed(state: &AppState, notices: &[NoticeView], now: DateTime<Utc>) -> Feed {
    let base = state.settings.mail.public_url.trim_end_matches('/');
    let list_url = notices_url(state);
    let mut feed = Feed::default();
    feed.set_id(format!("{list_url}/feed"));
    feed.set_title(Text::plain("揭榜挂帅拟立项公示 / Award notices"));
    feed.set_lang(Some("zh-CN".to_string()));
    feed.set_updated(
        notices
            .iter()
            .map(|n| n.confirmed_at.or(n.withdrawn_at).unwrap_or(n.proposed_at))
            .max()
            .unwrap_or(now)
            .fixed_offset(),
    );
    let mut author = Person::default();
    author.set_name("科技局项目办 / Program office");
    feed.set_authors(vec![author]);
    feed.set_links(vec![
        link(
            format!("{list_url}/feed"),
            "self",
            Some("application/atom+xml"),
        ),
        link(list_url.clone(), "alternate", Some("application/json")),
    ]);
    let entries: Vec<Entry> = notices
        .iter()
        .map(|n| {
            let mut entry = Entry::default();
            entry.set_id(format!("urn:uuid:{}", n.id));
            entry.set_title(Text::plain(format!(
                "拟立项公示：{} — {}",
                n.challenge_title, n.organization_name
            )));
            entry.set_published(Some(n.proposed_at.fixed_offset()));
            entry.set_updated(
                n.confirmed_at
                    .or(n.withdrawn_at)
                    .unwrap_or(n.proposed_at)
                    .fixed_offset(),
            );
            entry.set_links(vec![link(
                format!("{base}/api/v1/challenges/{}", n.challenge_id),
                "alternate",
                Some("application/json"),
            )]);
            let mut text = format!(
                "榜单 / Challenge：{}\n拟挂帅单位 / Proposed awardee：{}\n金额 / Amount：{} 元 ({} fen)\n公示期 / Notice：{} — {}（截至北京时间 {} / until {}）\n状态 / Status：{}",
                n.challenge_title,
                n.organization_name,
                yuan(n.amount_fen),
                n.amount_fen,
                n.starts_on,
                n.ends_on,
                beijing_time(n.ends_at),
                n.ends_at.to_rfc3339(),
                status_label(n.status),
            );
            // No objection count here: an entry changes only when its `updated` does (proposed,
            // withdrawn, confirmed), so feed readers never miss a change. The JSON list has it.
            if let Some(reason) = &n.reason {
                text.push_str(&format!("\n选择理由 / Reason for the choice：{reason}"));
            }
            let mut content = Content::default();
            content.set_content_type(Some("text".to_string()));
            content.set_value(Some(text));
            entry.set_content(Some(content));
            entry
        })
        .collect();
    feed.set_entries(entries);
    feed
}

/// The public notices as an Atom feed (`application/atom+xml`), the newest 50; no login needed.
#[utoipa::path(
    tag = "award",
    responses(
        (status = 200, description = "Atom 1.0 feed of the notices", body = String, content_type = "application/atom+xml"),
    ),
    security(())
)]
#[get("/notices/feed")]
pub async fn notices_feed(state: Data<AppState>) -> AppResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let rows: Vec<Award> = awards::table
        .order((awards::proposed_at.desc(), awards::id.desc()))
        .limit(FEED_SIZE)
        .select(Award::as_select())
        .load(&mut conn)
        .await?;
    let now = state.clock.now();
    let notices = notice_views(&mut conn, rows, now).await?;
    let body = feed(&state, &notices, now)
        .write_to(Vec::new())
        .map_err(|e| anyhow::anyhow!("atom feed: {e}"))?;
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(body))
}
