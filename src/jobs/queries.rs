//! The jobs as admins see them: the list, and a failed job put back in the queue.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::Job;
use super::views::JobStatus;
use crate::error::AppResult;
use crate::http::Page;
use crate::http::pagination::PageRequest;
use crate::schema::background_jobs;

/// One page of the jobs with `status` (and of `kind`), last changed first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    status: JobStatus,
    kind: Option<&str>,
    page: PageRequest,
) -> AppResult<Page<Job>> {
    let filtered = || {
        let mut query = background_jobs::table
            .filter(background_jobs::status.eq(status.as_str()))
            .into_boxed();
        if let Some(kind) = kind {
            query = query.filter(background_jobs::kind.eq(kind));
        }
        query
    };
    let rows = filtered()
        .order((
            background_jobs::updated_at.desc(),
            background_jobs::id.desc(),
        ))
        .select(Job::as_select());
    page.load(conn, filtered().count(), rows).await
}

/// The failed job `id`, pending again, due at `now` with its attempts reset; `None` when there
/// is no failed job `id`.
pub async fn retry(
    conn: &mut AsyncPgConnection,
    id: i64,
    now: DateTime<Utc>,
) -> AppResult<Option<Job>> {
    let failed = background_jobs::table
        .filter(background_jobs::id.eq(id))
        .filter(background_jobs::status.eq(JobStatus::Failed.as_str()));
    Ok(diesel::update(failed)
        .set((
            background_jobs::status.eq(JobStatus::Pending.as_str()),
            background_jobs::attempts.eq(0),
            background_jobs::run_at.eq(now),
            background_jobs::updated_at.eq(Utc::now()),
        ))
        .returning(Job::as_returning())
        .get_result(conn)
        .await
        .optional()?)
}

/// Whether the job `id` exists (done jobs are deleted).
pub async fn exists(conn: &mut AsyncPgConnection, id: i64) -> AppResult<bool> {
    Ok(
        diesel::select(diesel::dsl::exists(background_jobs::table.find(id)))
            .get_result(conn)
            .await?,
    )
}

/// The queue of one kind of job at `now`, for the metrics.
#[derive(Debug, QueryableByName)]
pub struct KindCounts {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    /// Waiting, due or not.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub pending: i64,
    /// Waiting and due.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub due: i64,
    /// Claimed by a runner of any instance, under a lease.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub leased: i64,
    /// Parked after their last attempt.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub failed: i64,
    /// When the longest-waiting due job became due.
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>)]
    pub oldest_due: Option<DateTime<Utc>>,
}

/// The queue by kind: one short statement (at most `timeout_ms`), for a scrape of `/metrics`.
pub async fn counts_by_kind(
    conn: &mut AsyncPgConnection,
    now: DateTime<Utc>,
    timeout_ms: u64,
) -> AppResult<Vec<KindCounts>> {
    crate::db::transaction(conn, async move |conn| {
        diesel::sql_query(format!("SET LOCAL statement_timeout = {timeout_ms}"))
            .execute(conn)
            .await?;
        Ok(diesel::sql_query(
            "SELECT kind, \
                    count(*) FILTER (WHERE status = 'pending') AS pending, \
                    count(*) FILTER (WHERE status = 'pending' AND run_at <= $1) AS due, \
                    count(*) FILTER (WHERE status = 'running') AS leased, \
                    count(*) FILTER (WHERE status = 'failed') AS failed, \
                    min(run_at) FILTER (WHERE status = 'pending' AND run_at <= $1) AS oldest_due \
             FROM background_jobs GROUP BY kind",
        )
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .load(conn)
        .await?)
    })
    .await
}
