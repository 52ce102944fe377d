//! Manual entry and repair of credit records.

use chrono::{NaiveDate, SubsecRound};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;
use uuid::Uuid;

use super::models::{CreditRecord, NewCreditRecord, Severity};
use super::{Subject, business_date};
use crate::audit::{self, RequestMeta};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::schema::credit_records;
use crate::state::AppState;

/// A record entered by hand; the subject is already validated.
pub struct ManualRecord<'a> {
    pub subject: &'a Subject,
    pub severity: Severity,
    pub category: &'a str,
    pub reason: &'a str,
    pub authority: &'a str,
    pub source: &'a str,
    pub source_record_id: &'a str,
    pub decided_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

/// Stores a record and its audit entry; a taken (source, source record id) is a 409.
pub async fn create_record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Option<Uuid>,
    record: ManualRecord<'_>,
) -> AppResult<CreditRecord> {
    let now = state.clock.now().trunc_subsecs(6);
    conn.transaction::<_, AppError, _>(async |conn| {
        let key = record.subject.key();
        let new = NewCreditRecord {
            id: Uuid::now_v7(),
            subject_kind: record.subject.kind(),
            subject_key: &key,
            subject_code: record.subject.code(),
            subject_name: record.subject.name(),
            severity: record.severity,
            category: record.category.trim(),
            reason: record.reason.trim(),
            authority: record.authority.trim(),
            source: record.source.trim(),
            source_record_id: record.source_record_id.trim(),
            decided_on: record.decided_on,
            valid_until: record.valid_until,
            created_at: now,
            updated_at: now,
        };
        let created: CreditRecord = diesel::insert_into(credit_records::table)
            .values(&new)
            .returning(CreditRecord::as_returning())
            .get_result(conn)
            .await
            .map_err(|e| match &e {
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    AppError::conflict(ErrorCode::CreditRecordExists)
                        .field(FieldError::new("source_record_id", FieldCode::Taken))
                }
                _ => e.into(),
            })?;
        let event = audit::Event {
            actor_id: actor,
            action: "credit.record_create",
            object_type: "credit_record",
            object_id: Some(created.id.to_string()),
            summary: json!({
                "subject_kind": created.subject_kind,
                "subject_code": created.subject_code,
                "subject_name": created.subject_name,
                "severity": created.severity,
                "source": created.source,
                "source_record_id": created.source_record_id,
                "decided_on": created.decided_on,
                "valid_until": created.valid_until,
            }),
        };
        audit::record(conn, state, meta, event).await?;
        Ok(created)
    })
    .await
}

/// Marks a record repaired (信用修复) from `repaired_on` (default: today in China) with a note.
/// A record already repaired is a 409; a date in the future or before the decision is a 422.
pub async fn repair_record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    id: Uuid,
    repaired_on: Option<NaiveDate>,
    note: &str,
) -> AppResult<CreditRecord> {
    let now = state.clock.now().trunc_subsecs(6);
    let today = business_date(now);
    let repaired_on = repaired_on.unwrap_or(today);
    if repaired_on > today {
        return Err(AppError::validation("repaired_on", FieldCode::InFuture));
    }
    conn.transaction::<_, AppError, _>(async |conn| {
        let current: CreditRecord = credit_records::table
            .filter(credit_records::id.eq(id))
            .select(CreditRecord::as_select())
            .for_update()
            .first(conn)
            .await?;
        if current.repaired_on.is_some() {
            return Err(AppError::conflict(ErrorCode::CreditRecordAlreadyRepaired));
        }
        if repaired_on < current.decided_on {
            return Err(AppError::validation("repaired_on", FieldCode::BeforeDecision));
        }
        let updated: CreditRecord = diesel::update(credit_records::table.filter(credit_records::id.eq(id)))
            .set((
                credit_records::repaired_on.eq(repaired_on),
                credit_records::repair_note.eq(note.trim()),
                credit_records::repaired_by.eq(actor),
                credit_records::repaired_at.eq(now),
                credit_records::updated_at.eq(now),
            ))
            .returning(CreditRecord::as_returning())
            .get_result(conn)
            .await?;
        let event = audit::Event {
            actor_id: Some(actor),
            action: "credit.record_repair",
            object_type: "credit_record",
            object_id: Some(id.to_string()),
            summary: json!({
                "subject_kind": updated.subject_kind,
                "subject_code": updated.subject_code,
                "before": {"repaired": false},
                "after": {"repaired": true, "repaired_on": repaired_on, "note": updated.repair_note},
            }),
        };
        audit::record(conn, state, meta, event).await?;
        Ok(updated)
    })
    .await
}
