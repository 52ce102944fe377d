//! `/credit/…` endpoints (admin only): records, imports, checks, batch reviews.

use actix_web::web::{Data, Json, Path, Payload};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::import::{self, EncodingChoice, ImportInput, ImportReport};
use super::models::{
    CheckResult, CreditCheck, CreditImport, CreditRecord, Purpose, RecordView, Severity,
    SubjectKind,
};
use super::queries::{self, ManualRecord};
use super::{CheckRequest, CheckView, Subject, business_date, lookup_keys};
use crate::audit::RequestMeta;
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::error::{AppError, AppResult, FieldCode, FieldError, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::validate::not_blank;
use crate::http::{Page, ValidJson, ValidQuery};
use crate::schema::{credit_checks, credit_imports, credit_records};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_record)
        .service(list_records)
        .service(repair_record)
        .service(import_file)
        .service(get_import)
        .service(create_check)
        .service(list_checks)
        .service(get_check);
}

fn subject_error(field: &str) -> impl Fn(crate::codes::CodeError) -> AppError + '_ {
    move |e| AppError::Validation(vec![FieldError::new(field, e.code())])
}

/// The match keys of a `code` filter; a 422 naming `code` when it is neither a USCC nor an ID
/// number.
fn code_keys(
    state: &AppState,
    kind: Option<SubjectKind>,
    code: Option<&str>,
) -> AppResult<Option<Vec<String>>> {
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(code) => {
            let keys = lookup_keys(&state.privacy, kind, code);
            if keys.is_empty() {
                Err(AppError::validation("code", FieldCode::Invalid))
            } else {
                Ok(Some(keys))
            }
        }
    }
}

/// A credit record entered by hand.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "subject_kind": "organization",
    "subject_code": "913502000728319549",
    "subject_name": "厦门某新材料科技有限公司",
    "severity": "serious",
    "category": "拒不履行法院判决",
    "reason": "被列入失信被执行人名单",
    "authority": "厦门市中级人民法院",
    "source_record_id": "(2024)闽02执123号",
    "decided_on": "2024-01-02",
    "valid_until": "2027-01-01"
}))]
pub struct CreateRecordRequest {
    pub subject_kind: SubjectKind,
    /// USCC of an organisation, or ID number of a person (stored only hashed and masked).
    #[schema(example = "913502000728319549")]
    pub subject_code: String,
    #[validate(length(min = 1, max = 200), custom(function = not_blank))]
    pub subject_name: String,
    pub severity: Severity,
    #[validate(length(max = 500))]
    #[serde(default)]
    pub category: String,
    #[validate(length(max = 5000))]
    #[serde(default)]
    pub reason: String,
    /// The deciding authority (认定单位).
    #[validate(length(max = 500))]
    #[serde(default)]
    pub authority: String,
    /// Default `manual`.
    #[validate(length(min = 1, max = 100), custom(function = not_blank))]
    pub source: Option<String>,
    /// The record's id at its source; a new id when absent.
    #[validate(length(min = 1, max = 100), custom(function = not_blank))]
    pub source_record_id: Option<String>,
    pub decided_on: NaiveDate,
    /// Last day the record counts; open-ended when absent.
    pub valid_until: Option<NaiveDate>,
}

/// Enter a credit record by hand (admin).
#[utoipa::path(
    tag = "credit",
    request_body = CreateRecordRequest,
    responses(
        (status = 201, description = "Record stored", body = RecordView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Same source and record id exists (`credit_record_exists`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, e.g. a wrong check character of `subject_code`", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let subject = Subject::parse(
        &state.privacy,
        req.subject_kind,
        &req.subject_code,
        &req.subject_name,
    )
    .map_err(subject_error("subject_code"))?;
    if req.valid_until.is_some_and(|end| end < req.decided_on) {
        return Err(AppError::validation(
            "valid_until",
            FieldCode::BeforeDecision,
        ));
    }
    let generated = Uuid::now_v7().to_string();
    let mut conn = state.conn().await?;
    let record = queries::create_record(
        &mut conn,
        &state,
        &meta,
        Some(user.id),
        ManualRecord {
            subject: &subject,
            severity: req.severity,
            category: &req.category,
            reason: &req.reason,
            authority: &req.authority,
            source: req.source.as_deref().unwrap_or("manual"),
            source_record_id: req.source_record_id.as_deref().unwrap_or(&generated),
            decided_on: req.decided_on,
            valid_until: req.valid_until,
        },
    )
    .await?;
    let today = business_date(state.clock.now());
    Ok(HttpResponse::Created().json(RecordView::new(record, today)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordFilter {
    pub subject_kind: Option<SubjectKind>,
    /// A USCC or an ID number (matched by its keyed hash; the access log shows the hash, never
    /// the number). An 18-digit code valid as both matches both, unless `subject_kind` says which.
    pub code: Option<String>,
    pub severity: Option<Severity>,
    /// `true`: only records counting today; `false`: only expired or repaired ones.
    pub in_force: Option<bool>,
    pub source: Option<String>,
}

/// List credit records (admin), newest first.
#[utoipa::path(
    tag = "credit",
    params(RecordFilter, PageParams),
    responses(
        (status = 200, description = "One page of records", body = Page<RecordView>),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter (e.g. `code` is neither a USCC nor an ID number) or page parameters", body = ProblemBody, content_type = "application/problem+json"),
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
    let keys = code_keys(&state, filter.subject_kind, filter.code.as_deref())?;
    let today = business_date(state.clock.now());
    let build = || {
        let mut query = credit_records::table.into_boxed();
        if let Some(kind) = filter.subject_kind {
            query = query.filter(credit_records::subject_kind.eq(kind));
        }
        if let Some(keys) = &keys {
            query = query.filter(credit_records::subject_key.eq_any(keys.clone()));
        }
        if let Some(severity) = filter.severity {
            query = query.filter(credit_records::severity.eq(severity));
        }
        if let Some(source) = &filter.source {
            query = query.filter(credit_records::source.eq(source.trim().to_string()));
        }
        // The SQL form of `credit::counts_on`.
        let counting = credit_records::decided_on
            .le(today)
            .and(
                credit_records::valid_until
                    .is_null()
                    .or(credit_records::valid_until.ge(today)),
            )
            .and(
                credit_records::repaired_on
                    .is_null()
                    .or(credit_records::repaired_on.gt(today)),
            );
        match filter.in_force {
            Some(true) => query = query.filter(counting),
            Some(false) => query = query.filter(diesel::dsl::not(counting)),
            None => {}
        }
        query
    };
    let mut conn = state.conn().await?;
    let total: i64 = build().count().get_result(&mut conn).await?;
    let rows: Vec<CreditRecord> = build()
        .order((credit_records::created_at.desc(), credit_records::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select(CreditRecord::as_select())
        .load(&mut conn)
        .await?;
    let items = rows
        .into_iter()
        .map(|r| RecordView::new(r, today))
        .collect();
    Ok(Json(Page::new(items, total, page)))
}

/// Credit repair (信用修复): from `repaired_on` the record no longer counts.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"repaired_on": "2025-03-01", "note": "已履行判决义务，经认定单位同意修复"}))]
pub struct RepairRequest {
    /// Default: today (China time). Not in the future, not before the decision.
    pub repaired_on: Option<NaiveDate>,
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    pub note: String,
}

/// Mark a record repaired (admin).
#[utoipa::path(
    tag = "credit",
    params(("id" = Uuid, Path, description = "Record id")),
    request_body = RepairRequest,
    responses(
        (status = 200, description = "The record as repaired", body = RecordView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such record", body = ProblemBody, content_type = "application/problem+json"),
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
    let req = body.into_inner();
    let mut conn = state.conn().await?;
    let record = queries::repair_record(
        &mut conn,
        &state,
        &meta,
        user.id,
        id.into_inner(),
        req.repaired_on,
        &req.note,
    )
    .await?;
    Ok(Json(RecordView::new(
        record,
        business_date(state.clock.now()),
    )))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// `auto` (default: UTF-8 if valid, else GB18030), `utf-8` or `gbk` (GBK/GB18030).
    #[param(inline)]
    pub encoding: Option<EncodingChoice>,
    /// Where the records come from; with each row's record id it identifies a record
    /// (default `credit.default_source`, `credit_center`).
    pub source: Option<String>,
    /// The file's name, kept with the import.
    pub file_name: Option<String>,
}

const CSV_EXAMPLE: &str = "主体类型,主体名称,统一社会信用代码或身份证号,严重程度,失信类别,事由,认定单位,记录编号,认定日期,有效期至\r\n法人,厦门某新材料科技有限公司,913502000728319549,严重失信,失信被执行人,拒不履行生效判决,厦门市中级人民法院,XM-2024-0001,2024/1/2,2027/1/1\r\n";

/// Import a credit file (admin): the CSV as the raw body (`Content-Type: text/csv`).
///
/// Columns (Chinese or English names): 主体类型 `subject_kind`, 主体名称 `subject_name`,
/// 统一社会信用代码或身份证号 `subject_code`, 严重程度 `severity`, 失信类别 `category`, 事由
/// `reason`, 认定单位 `authority`, 记录编号 `record_id`, 认定日期 `decided_on`, 有效期至
/// `valid_until`. UTF-8 (BOM or not) or GBK/GB18030. Records are keyed by (source, record id):
/// the same file twice changes nothing. Bad lines are reported with their numbers; the good ones
/// land, all in one transaction. Limit: `credit.import_max_bytes` (50 MiB by default).
#[utoipa::path(
    tag = "credit",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The CSV file", example = json!(CSV_EXAMPLE)),
    responses(
        (status = 201, description = "Imported: the summary and the rejected lines", body = ImportReport),
        (status = 400, description = "The file as a whole is refused, nothing imported: empty (`credit_file_empty`), not CSV text (`credit_file_not_csv`), not in the encoding (`credit_file_encoding`), required columns missing (`credit_file_missing_columns`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 413, description = "Larger than `credit.import_max_bytes` (`payload_too_large`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 415, description = "Body is not `text/csv` (`unsupported_media_type`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Bad parameter (`encoding`, `source`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/credit/imports")]
#[tracing::instrument(skip_all)]
pub async fn import_file(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    req: HttpRequest,
    params: ValidQuery<ImportParams>,
    mut payload: Payload,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let params = params.into_inner();
    let source = params
        .source
        .unwrap_or_else(|| state.settings.credit.default_source.clone());
    if !import::valid_source(&source) {
        return Err(AppError::Validation(vec![
            FieldError::new("source", FieldCode::Length)
                .with_param("min", 1)
                .with_param("max", 100),
        ]));
    }
    let csv_type = match req.mime_type() {
        Ok(Some(mime)) => matches!(
            (mime.type_().as_str(), mime.subtype().as_str()),
            ("text", "csv")
                | ("text", "plain")
                | ("application", "csv")
                | ("application", "octet-stream")
                | ("application", "vnd.ms-excel")
        ),
        _ => false,
    };
    if !csv_type {
        return Err(AppError::UnsupportedMediaType);
    }
    let limit = state.settings.credit.import_max_bytes;
    let body = crate::http::body::read_limited(
        &mut payload,
        crate::http::body::declared_length(&req),
        limit,
    )
    .await?;
    let report = import::run_import(
        &state,
        &meta,
        ImportInput {
            bytes: body.into(),
            encoding: params.encoding.unwrap_or_default(),
            source,
            file_name: params.file_name.map(|n| n.chars().take(255).collect()),
            created_by: Some(user.id),
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(report))
}

/// An import's summary and rejected lines (admin).
#[utoipa::path(
    tag = "credit",
    params(("id" = Uuid, Path, description = "Import id")),
    responses(
        (status = 200, description = "The import", body = ImportReport),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such import", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/credit/imports/{id}")]
pub async fn get_import(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<ImportReport>> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    let row: CreditImport = credit_imports::table
        .filter(credit_imports::id.eq(id.into_inner()))
        .select(CreditImport::as_select())
        .first(&mut conn)
        .await?;
    Ok(Json(row.into()))
}

/// A check an admin asks for.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "subject_kind": "person",
    "subject_code": "34052419800101001X",
    "subject_name": "张三",
    "purpose": "manual",
    "general_blocks": false
}))]
pub struct CreateCheckRequest {
    pub subject_kind: SubjectKind,
    /// USCC or ID number; only the masked form of an ID number is stored or returned.
    pub subject_code: String,
    #[validate(length(min = 1, max = 200), custom(function = not_blank))]
    pub subject_name: String,
    /// Default `manual`.
    pub purpose: Option<Purpose>,
    /// Whether a `general` standing blocks (default false: it warns).
    #[serde(default)]
    pub general_blocks: bool,
    /// Free-form facts kept with the check, e.g. `{"challenge_id": "…"}`.
    pub context: Option<serde_json::Value>,
}

/// Check a subject now (admin); the check is stored and never changed.
#[utoipa::path(
    tag = "credit",
    request_body = CreateCheckRequest,
    responses(
        (status = 201, description = "The check: standing, result and the records in force", body = CheckView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, e.g. a wrong check character of `subject_code`", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/credit/checks")]
#[tracing::instrument(skip_all)]
pub async fn create_check(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    body: ValidJson<CreateCheckRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let subject = Subject::parse(
        &state.privacy,
        req.subject_kind,
        &req.subject_code,
        &req.subject_name,
    )
    .map_err(subject_error("subject_code"))?;
    let mut conn = state.conn().await?;
    let outcome = super::check(
        &mut conn,
        &state,
        &meta,
        CheckRequest {
            subject,
            purpose: req.purpose.unwrap_or(Purpose::Manual),
            general_blocks: req.general_blocks,
            requested_by: Some(user.id),
            context: req.context,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(outcome))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckFilter {
    pub subject_kind: Option<SubjectKind>,
    /// A USCC or an ID number (matched by its keyed hash; the access log shows the hash, never
    /// the number). An 18-digit code valid as both matches both, unless `subject_kind` says which.
    pub code: Option<String>,
    pub purpose: Option<Purpose>,
    pub result: Option<CheckResult>,
    /// Checks made at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Checks made before this time.
    pub to: Option<DateTime<Utc>>,
    pub review_id: Option<Uuid>,
}

/// List checks (admin), newest first.
#[utoipa::path(
    tag = "credit",
    params(CheckFilter, PageParams),
    responses(
        (status = 200, description = "One page of checks", body = Page<CheckView>),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Bad filter or page parameters", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/credit/checks")]
pub async fn list_checks(
    state: Data<AppState>,
    user: AuthUser,
    filter: ValidQuery<CheckFilter>,
    page: PageRequest,
) -> AppResult<Json<Page<CheckView>>> {
    user.require(&[Role::Admin])?;
    let filter = filter.into_inner();
    let keys = code_keys(&state, filter.subject_kind, filter.code.as_deref())?;
    let build = || {
        let mut query = credit_checks::table.into_boxed();
        if let Some(kind) = filter.subject_kind {
            query = query.filter(credit_checks::subject_kind.eq(kind));
        }
        if let Some(keys) = &keys {
            query = query.filter(credit_checks::subject_key.eq_any(keys.clone()));
        }
        if let Some(purpose) = filter.purpose {
            query = query.filter(credit_checks::purpose.eq(purpose));
        }
        if let Some(result) = filter.result {
            query = query.filter(credit_checks::result.eq(result));
        }
        if let Some(from) = filter.from {
            query = query.filter(credit_checks::checked_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(credit_checks::checked_at.lt(to));
        }
        if let Some(review) = filter.review_id {
            query = query.filter(credit_checks::review_id.eq(review));
        }
        query
    };
    let mut conn = state.conn().await?;
    let total: i64 = build().count().get_result(&mut conn).await?;
    let rows: Vec<CreditCheck> = build()
        .order((credit_checks::checked_at.desc(), credit_checks::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select(CreditCheck::as_select())
        .load(&mut conn)
        .await?;
    let items = rows.into_iter().map(CheckView::from).collect();
    Ok(Json(Page::new(items, total, page)))
}

/// One check, as it was made (admin).
#[utoipa::path(
    tag = "credit",
    params(("id" = Uuid, Path, description = "Check id")),
    responses(
        (status = 200, description = "The check", body = CheckView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such check", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/credit/checks/{id}")]
pub async fn get_check(
    state: Data<AppState>,
    user: AuthUser,
    id: Path<Uuid>,
) -> AppResult<Json<CheckView>> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    let row: CreditCheck = credit_checks::table
        .filter(credit_checks::id.eq(id.into_inner()))
        .select(CreditCheck::as_select())
        .first(&mut conn)
        .await?;
    Ok(Json(row.into()))
}
