//! Credit records' queries: the insert (a taken source and record id is a 409), the lock before a
//! repair, the records of a subject, and the admins' list.

use chrono::NaiveDate;
use diesel::dsl::not;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::sql_types::{Bool, Nullable};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::input::RecordFilter;
use super::models::{CreditRecord, NewCreditRecord, RepairChanges};
use crate::credit::rows::page_of;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError};
use crate::http::pagination::PageRequest;
use crate::schema::credit_records;
use crate::search::feed::Matches;

/// Stores a record; a taken (source, source record id) is a 409 naming `source_record_id`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    new: &NewCreditRecord<'_>,
) -> AppResult<CreditRecord> {
    diesel::insert_into(credit_records::table)
        .values(new)
        .returning(CreditRecord::as_returning())
        .get_result(conn)
        .await
        .map_err(|e| match &e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::conflict(ErrorCode::CreditRecordExists)
                    .field(FieldError::new("source_record_id", FieldCode::Taken))
            }
            _ => e.into(),
        })
}

/// A record, locked for a change (404 when there is none).
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<CreditRecord> {
    Ok(credit_records::table
        .filter(credit_records::id.eq(id))
        .select(CreditRecord::as_select())
        .for_update()
        .first(conn)
        .await?)
}

/// Applies a repair; answers the record as repaired.
pub async fn repair(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &RepairChanges<'_>,
) -> AppResult<CreditRecord> {
    Ok(
        diesel::update(credit_records::table.filter(credit_records::id.eq(id)))
            .set(changes)
            .returning(CreditRecord::as_returning())
            .get_result(conn)
            .await?,
    )
}

/// Every record of a subject (by match key), oldest decision first.
pub async fn of_subject(
    conn: &mut AsyncPgConnection,
    subject_key: &str,
) -> AppResult<Vec<CreditRecord>> {
    Ok(credit_records::table
        .filter(credit_records::subject_key.eq(subject_key))
        .order((credit_records::decided_on.asc(), credit_records::id.asc()))
        .select(CreditRecord::as_select())
        .load(conn)
        .await?)
}

type Condition = Box<dyn BoxableExpression<credit_records::table, Pg, SqlType = Nullable<Bool>>>;

/// The SQL form of [`super::rules::counts_on`]: the records that count on `day`.
fn counting_on(day: NaiveDate) -> Condition {
    Box::new(
        credit_records::decided_on
            .le(day)
            .and(
                credit_records::valid_until
                    .is_null()
                    .or(credit_records::valid_until.ge(day)),
            )
            .and(
                credit_records::repaired_on
                    .is_null()
                    .or(credit_records::repaired_on.gt(day)),
            ),
    )
}

/// One page of the records `filter` (with the match keys of its `code`) finds, newest first,
/// and how many it finds in all; `in_force` is judged on `today`.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &RecordFilter,
    keys: Option<&[String]>,
    names: Option<&Matches>,
    today: NaiveDate,
    page: PageRequest,
) -> AppResult<(Vec<CreditRecord>, i64)> {
    let found = || {
        let mut query = credit_records::table.into_boxed();
        match names {
            Some(Matches::Ids(ids)) => {
                query = query.filter(credit_records::id.eq_any(ids.clone()));
            }
            Some(Matches::Patterns(patterns)) => {
                for pattern in patterns {
                    query = query.filter(credit_records::subject_name.ilike(pattern.clone()));
                }
            }
            None => {}
        }
        if let Some(kind) = filter.subject_kind {
            query = query.filter(credit_records::subject_kind.eq(kind));
        }
        if let Some(keys) = keys {
            query = query.filter(credit_records::subject_key.eq_any(keys.to_vec()));
        }
        if let Some(severity) = filter.severity {
            query = query.filter(credit_records::severity.eq(severity));
        }
        if let Some(source) = &filter.source {
            query = query.filter(credit_records::source.eq(source.trim().to_string()));
        }
        match filter.in_force {
            Some(true) => query.filter(counting_on(today)),
            Some(false) => query.filter(not(counting_on(today))),
            None => query,
        }
    };
    let newest_first = (credit_records::created_at.desc(), credit_records::id.desc());
    page_of(conn, found, newest_first, page).await
}
