//! `/credit/records` (admins): enter a record by hand, list records, repair one.

use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path};
use actix_web::{get, post};
use chrono::SubsecRound;
use serde_json::json;
use uuid::Uuid;

use super::input::{CreateRecordRequest, RecordFilter, RepairRequest};
use super::queries;
use super::rules::{self, business_date};
use super::search::CreditRecords;
use super::views::RecordView;
use crate::audit::{Event, RequestMeta};
use crate::auth::AdminsOnly;
use crate::auth::{AuthUser, Role};
use crate::credit::rows;
use crate::credit::subject::Subject;
use crate::error::{AppResult, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{BadListQuery, Invalid, NotFound, Page, ValidJson, ValidQuery};
use crate::search::feed::{Index, Matches};
use crate::state::AppState;

/// Enter a credit record by hand (admin).
#[utoipa::path(
    tag = "credit",
    request_body = CreateRecordRequest,
    responses(
        (status = 201, description = "Record stored", body = RecordView),
        AdminsOnly,
        (status = 409, description = "Same source and record id exists (`credit_record_exists`)", body = ProblemBody, content_type = "application/problem+json"),
        Invalid,
    ),
    security(("bearer" = []))
)]
#[post("/credit/records")]
#[tracing::instrument(skip_all)]
pub async fn create_record(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    body: ValidJson<CreateRecordRequest>,
) -> AppResult<(Json<RecordView>, StatusCode)> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let subject = Subject::requested(
        &state.privacy,
        req.subject_kind,
        &req.subject_code,
        &req.subject_name,
    )?;
    rules::validity(req.decided_on, req.valid_until)?;
    let (key, generated) = (subject.key(), Uuid::now_v7().to_string());
    let new = req.record(
        &subject,
        &key,
        &generated,
        state.clock.now().trunc_subsecs(6),
    );
    let record = state
        .transaction(async |conn| {
            let created = queries::insert(conn, &new).await?;
            Event::new("credit.record_create", "credit_record", created.id)
                .by(user.id)
                .summary(json!({
                    "subject_kind": created.subject_kind,
                    "subject_code": created.subject_code,
                    "subject_name": created.subject_name,
                    "severity": created.severity,
                    "source": created.source,
                    "source_record_id": created.source_record_id,
                    "decided_on": created.decided_on,
                    "valid_until": created.valid_until,
                }))
                .record(conn, &state, &meta)
                .await?;
            Ok(created)
        })
        .await?;
    let today = business_date(state.clock.now());
    Ok((Json(RecordView::new(record, today)), StatusCode::CREATED))
}

/// List credit records (admin), newest first.
#[utoipa::path(
    tag = "credit",
    params(RecordFilter, PageParams),
    responses(
        (status = 200, description = "One page of records", body = Page<RecordView>),
        AdminsOnly,
        BadListQuery,
    ),
    security(("bearer" = []))
)]
#[get("/credit/records")]
pub async fn list_records(
    state: Data<AppState>,
    user: AuthUser,
    filter: ValidQuery<RecordFilter>,
    page: PageRequest,
) -> AppResult<Json<Page<RecordView>>> {
    user.require(&[Role::Admin])?;
    let filter = filter.into_inner();
    let today = business_date(state.clock.now());
    let subject = (filter.subject_kind, filter.code.as_deref());
    let names = Matches::of(
        state.extensions.get::<Index<CreditRecords>>(),
        filter.q.as_deref(),
        |f| vec![(f.name, 1.0)],
    )
    .await?;
    let find = async |conn: &mut _, keys: Option<&[String]>| {
        queries::list(conn, &filter, keys, names.as_ref(), today, page).await
    };
    rows::by_subject(&state, subject, page, find, |r| RecordView::new(r, today)).await
}

/// Mark a record repaired (admin).
#[utoipa::path(
    tag = "credit",
    params(("id" = Uuid, Path, description = "Record id")),
    request_body = RepairRequest,
    responses(
        (status = 200, description = "The record as repaired", body = RecordView),
        AdminsOnly,
        NotFound,
        (status = 409, description = "Already repaired (`credit_record_already_repaired`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (`repaired_on` in the future or before the decision)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/credit/records/{id}/repair")]
#[tracing::instrument(skip_all, fields(record = %id))]
pub async fn repair_record(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<RepairRequest>,
) -> AppResult<Json<RecordView>> {
    user.require(&[Role::Admin])?;
    let (id, req) = (id.into_inner(), body.into_inner());
    let now = state.clock.now().trunc_subsecs(6);
    let day = rules::repair_day(req.repaired_on, business_date(now))?;
    let changes = req.changes(day, user.id, now);
    let record = state
        .transaction(async |conn| {
            let current = queries::lock(conn, id).await?;
            rules::may_repair(&current, day)?;
            let repaired = queries::repair(conn, id, &changes).await?;
            Event::new("credit.record_repair", "credit_record", id)
                .by(user.id)
                .summary(json!({
                    "subject_kind": repaired.subject_kind,
                    "subject_code": repaired.subject_code,
                    "before": {"repaired": false},
                    "after": {"repaired": true, "repaired_on": day, "note": repaired.repair_note},
                }))
                .record(conn, &state, &meta)
                .await?;
            Ok(repaired)
        })
        .await?;
    let today = business_date(state.clock.now());
    Ok(Json(RecordView::new(record, today)))
}
