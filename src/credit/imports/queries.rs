//! Imports' queries: one import at a time per source, the upsert of a chunk of rows in one
//! statement, the import's summary.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::sql_types::{Array, Bool, Date, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::CreditImport;
use super::parser::ImportRow;
use crate::credit::rows;
use crate::error::AppResult;
use crate::schema::credit_imports;

/// Imports of one source run one at a time (until the transaction ends): two files touching the
/// same records in different orders would otherwise deadlock.
pub async fn lock_source(conn: &mut AsyncPgConnection, source: &str) -> AppResult<()> {
    diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('credit_import:' || $1))")
        .bind::<Text, _>(source)
        .execute(conn)
        .await?;
    Ok(())
}

/// A record the upsert inserted or changed, with how it was and is (for the audit).
#[derive(diesel::QueryableByName)]
pub struct Upserted {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    #[diesel(sql_type = Bool)]
    pub inserted: bool,
    #[diesel(sql_type = Text)]
    pub source_record_id: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::Jsonb>)]
    pub before: Option<serde_json::Value>,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub after: serde_json::Value,
}

/// Inserts new records and updates changed ones of one chunk, in one statement; answers those
/// inserted or updated. Unchanged rows are left alone (not even `updated_at` moves).
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    source: &str,
    now: DateTime<Utc>,
    rows: &[ImportRow],
) -> AppResult<Vec<Upserted>> {
    let ids: Vec<Uuid> = rows.iter().map(|_| Uuid::now_v7()).collect();
    let col = |f: fn(&ImportRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let kinds = col(|r| r.subject_kind.as_str().to_string());
    let keys = col(|r| r.subject_key.clone());
    let codes = col(|r| r.subject_code.clone());
    let names = col(|r| r.subject_name.clone());
    let severities = col(|r| r.severity.as_str().to_string());
    let categories = col(|r| r.category.clone());
    let reasons = col(|r| r.reason.clone());
    let authorities = col(|r| r.authority.clone());
    let record_ids = col(|r| r.record_id.clone());
    let decided: Vec<NaiveDate> = rows.iter().map(|r| r.decided_on).collect();
    let valid: Vec<Option<NaiveDate>> = rows.iter().map(|r| r.valid_until).collect();
    Ok(diesel::sql_query(UPSERT_SQL.as_str())
        .bind::<Array<diesel::sql_types::Uuid>, _>(&ids)
        .bind::<Array<Text>, _>(&kinds)
        .bind::<Array<Text>, _>(&keys)
        .bind::<Array<Text>, _>(&codes)
        .bind::<Array<Text>, _>(&names)
        .bind::<Array<Text>, _>(&severities)
        .bind::<Array<Text>, _>(&categories)
        .bind::<Array<Text>, _>(&reasons)
        .bind::<Array<Text>, _>(&authorities)
        .bind::<Array<Text>, _>(&record_ids)
        .bind::<Array<Date>, _>(&decided)
        .bind::<Array<Nullable<Date>>, _>(&valid)
        .bind::<Text, _>(source)
        .bind::<Timestamptz, _>(now)
        .load(conn)
        .await?)
}

/// The record as its audit entries show it (persons by masked code only).
const RECORD_JSON: &str = "jsonb_build_object('subject_code', {t}.subject_code, \
    'subject_name', {t}.subject_name, 'severity', {t}.severity, 'category', {t}.category, \
    'decided_on', {t}.decided_on, 'valid_until', {t}.valid_until, 'repaired_on', {t}.repaired_on)";

/// Rows as they were (every part of the statement reads the same snapshot; imports of a source
/// hold its advisory lock), then the insert-or-update. A decision date moved past a repair clears
/// the repair: the repair was of the earlier decision.
static UPSERT_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "
WITH old AS (
    SELECT r.id, {old_json} AS record FROM credit_records r
    WHERE r.source = $13 AND r.source_record_id = ANY($10::text[])
), up AS (
INSERT INTO credit_records (id, subject_kind, subject_key, subject_code, subject_name, severity,
    category, reason, authority, source, source_record_id, decided_on, valid_until, created_at, updated_at)
SELECT u.id, u.kind, u.key, u.code, u.name, u.severity, u.category, u.reason, u.authority, $13,
    u.record_id, u.decided_on, u.valid_until, $14, $14
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::text[], $9::text[], $10::text[], $11::date[], $12::date[])
    AS u(id, kind, key, code, name, severity, category, reason, authority, record_id, decided_on, valid_until)
ON CONFLICT (source, source_record_id) DO UPDATE SET
    subject_kind = EXCLUDED.subject_kind, subject_key = EXCLUDED.subject_key,
    subject_code = EXCLUDED.subject_code, subject_name = EXCLUDED.subject_name,
    severity = EXCLUDED.severity, category = EXCLUDED.category, reason = EXCLUDED.reason,
    authority = EXCLUDED.authority, decided_on = EXCLUDED.decided_on,
    valid_until = EXCLUDED.valid_until, updated_at = EXCLUDED.updated_at,
    repaired_on = CASE WHEN credit_records.repaired_on < EXCLUDED.decided_on THEN NULL
                       ELSE credit_records.repaired_on END,
    repair_note = CASE WHEN credit_records.repaired_on < EXCLUDED.decided_on THEN NULL
                       ELSE credit_records.repair_note END,
    repaired_by = CASE WHEN credit_records.repaired_on < EXCLUDED.decided_on THEN NULL
                       ELSE credit_records.repaired_by END,
    repaired_at = CASE WHEN credit_records.repaired_on < EXCLUDED.decided_on THEN NULL
                       ELSE credit_records.repaired_at END
WHERE (credit_records.subject_kind, credit_records.subject_key, credit_records.subject_code,
       credit_records.subject_name, credit_records.severity, credit_records.category,
       credit_records.reason, credit_records.authority, credit_records.decided_on,
       credit_records.valid_until)
    IS DISTINCT FROM
      (EXCLUDED.subject_kind, EXCLUDED.subject_key, EXCLUDED.subject_code, EXCLUDED.subject_name,
       EXCLUDED.severity, EXCLUDED.category, EXCLUDED.reason, EXCLUDED.authority,
       EXCLUDED.decided_on, EXCLUDED.valid_until)
RETURNING credit_records.id, (xmax = 0) AS inserted, credit_records.source_record_id,
    {new_json} AS record
)
SELECT up.id, up.inserted, up.source_record_id, old.record AS before, up.record AS after
FROM up LEFT JOIN old ON old.id = up.id",
        old_json = RECORD_JSON.replace("{t}", "r"),
        new_json = RECORD_JSON.replace("{t}", "credit_records"),
    )
});

pub async fn insert(conn: &mut AsyncPgConnection, import: &CreditImport) -> AppResult<()> {
    rows::insert(conn, credit_imports::table, import).await
}

/// One import (404 when there is none).
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<CreditImport> {
    rows::find(conn, credit_imports::table, id).await
}
