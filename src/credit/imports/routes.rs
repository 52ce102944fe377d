//! `/credit/imports` (admins): import a CSV file, read an import's summary again.

use actix_web::web::{Data, Json, Path, Payload};
use actix_web::{HttpRequest, get, post};
use uuid::Uuid;

use super::input::{ImportParams, is_csv};
use super::queries;
use super::run::{ImportInput, run_import};
use super::views::ImportReport;
use crate::audit::RequestMeta;
use crate::auth::AdminsOnly;
use crate::auth::{AuthUser, Role};
use crate::error::{AppError, AppResult, ProblemBody};
use crate::http::body::{declared_length, idle_timeout, read_limited};
use crate::http::problem::locale_of;
use crate::http::{Created, NotFound, ValidQuery};
use crate::state::AppState;

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
        AdminsOnly,
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
) -> AppResult<Created<ImportReport>> {
    user.require(&[Role::Admin])?;
    let mut params = params.into_inner();
    let source = params.source(&state.settings.credit.default_source)?;
    if !is_csv(&req) {
        return Err(AppError::UnsupportedMediaType);
    }
    let limit = state.settings.credit.import_max_bytes;
    let body = read_limited(
        &mut payload,
        declared_length(&req),
        limit,
        idle_timeout(&req),
    )
    .await?;
    let input = ImportInput {
        bytes: body.into(),
        encoding: params.encoding.unwrap_or_default(),
        source,
        file_name: params.file_name(),
        created_by: Some(user.id),
    };
    let report = ImportReport::new(run_import(&state, &meta, input).await?, locale_of(&req));
    let location = format!("/api/v1/credit/imports/{}", report.id);
    Ok(Created::at(location, report))
}

/// An import's summary and rejected lines (admin).
#[utoipa::path(
    tag = "credit",
    params(("id" = Uuid, Path, description = "Import id")),
    responses(
        (status = 200, description = "The import", body = ImportReport),
        AdminsOnly,
        NotFound,
    ),
    security(("bearer" = []))
)]
#[get("/credit/imports/{id}")]
pub async fn get_import(
    state: Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: Path<Uuid>,
) -> AppResult<Json<ImportReport>> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    let row = queries::find(&mut conn, id.into_inner()).await?;
    Ok(Json(ImportReport::new(row, locale_of(&req))))
}
