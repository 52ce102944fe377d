//! The one error type of the API and its RFC 9457 `application/problem+json` form.
//!
//! Handlers return `Result<_, AppError>` and use `?`. `AppError` becomes a [`Problem`]; the
//! [`crate::http::problem`] middleware renders every error response — ours and actix-web's own
//! (unknown route, wrong method) — as problem+json in the language the client asked for.

use std::borrow::Cow;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request could not be read (malformed JSON, bad encoding).
    #[error("bad request: {detail}")]
    BadRequest { code: &'static str, detail: String },
    /// 401: no valid credentials.
    #[error("unauthorized ({0})")]
    Unauthorized(&'static str),
    /// 403: authenticated, but the role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// 404: no such object, or not one the caller may see.
    #[error("not found")]
    NotFound,
    /// 409: a conflict of state or a duplicate.
    #[error("conflict ({code}): {detail}")]
    Conflict {
        code: &'static str,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// 412: the `If-Match` version is stale.
    #[error("precondition failed")]
    PreconditionFailed,
    /// 428: the change needs an `If-Match` header with the version it was based on.
    #[error("precondition required")]
    PreconditionRequired,
    /// 413: the body is larger than the configured limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 415: the body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 422: field values are invalid.
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    /// 429: too many attempts; retry after the given seconds.
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// 503: the database (or another dependency) cannot be reached.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// 500: anything else. The cause is logged, never sent.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// One field at fault, for 422 (and field-level 409s such as a taken email). Its message is
/// rendered from `code` (and `params`) in the client's language.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// The field's path in the request, e.g. `organization.uscc`.
    pub field: String,
    /// A stable machine-readable reason, e.g. `check_character`, `length`, `required`.
    pub code: String,
    /// Values the message refers to, e.g. `min` and `max` for `length`.
    pub params: Vec<(String, String)>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            params: Vec::new(),
        }
    }

    pub fn with_param(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push((name.to_string(), value.to_string()));
        self
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl AppError {
    pub fn validation(field: &str, code: &str) -> Self {
        AppError::Validation(vec![FieldError::new(field, code)])
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            AppError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document sent for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let (code, detail, errors): (&'static str, Option<String>, Vec<FieldError>) = match self {
            AppError::BadRequest { code, detail } => (code, Some(detail.clone()), vec![]),
            AppError::Unauthorized(code) => (code, None, vec![]),
            AppError::Forbidden => ("forbidden", None, vec![]),
            AppError::NotFound => ("not_found", None, vec![]),
            AppError::Conflict {
                code,
                detail,
                errors,
            } => (code, Some(detail.clone()), errors.clone()),
            AppError::PreconditionFailed => ("stale_version", None, vec![]),
            AppError::PreconditionRequired => ("if_match_required", None, vec![]),
            AppError::PayloadTooLarge => ("payload_too_large", None, vec![]),
            AppError::UnsupportedMediaType => ("unsupported_media_type", None, vec![]),
            AppError::Validation(errors) => ("validation_failed", None, errors.clone()),
            AppError::RateLimited { .. } => ("rate_limited", None, vec![]),
            AppError::Unavailable(_) => ("service_unavailable", None, vec![]),
            AppError::Internal(_) => ("internal_error", None, vec![]),
        };
        Problem {
            status: status.as_u16(),
            code: Cow::Borrowed(code),
            detail,
            errors,
            retry_after_secs: match self {
                AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
                AppError::Unavailable(_) => Some(1),
                _ => None,
            },
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(%cause, "dependency unavailable"),
            _ => {}
        }
        self.problem().response(crate::http::problem::Lang::Zh)
    }
}

/// The content of an error response, before it is rendered in a language.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: u16,
    pub code: Cow<'static, str>,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    pub retry_after_secs: Option<u64>,
}

/// RFC 9457 problem details, as sent.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://jiebang.cn/problems/validation_failed",
    "title": "提交的数据有误",
    "status": 422,
    "code": "validation_failed",
    "errors": [{"field": "organization.uscc", "code": "check_character", "message": "统一社会信用代码校验位错误"}]
}))]
pub struct ProblemBody {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub type_: String,
    /// A short summary, in Chinese by default or English when `Accept-Language` prefers it.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A stable machine-readable code; clients branch on this, not on the title.
    pub code: String,
    /// Details about this occurrence, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The fields at fault (422, and field-level 409).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldErrorBody>,
}

/// One field at fault, as sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// The field's path in the request, e.g. `organization.uscc`.
    #[schema(example = "organization.uscc")]
    pub field: String,
    /// A stable machine-readable reason, e.g. `check_character`, `length`, `required`, `taken`.
    #[schema(example = "check_character")]
    pub code: String,
    /// A human-readable explanation in the client's language.
    #[schema(example = "校验位错误")]
    pub message: String,
}

// ---- conversions from library errors ------------------------------------------------------------

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::debug!(constraint = ?info.constraint_name(), "unique violation");
                AppError::conflict("duplicate", "该记录已存在 / already exists")
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                AppError::Unavailable("database connection closed".into())
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for AppError {
    fn from(err: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        AppError::Unavailable(format!("database pool: {err}"))
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(err: tokio::task::JoinError) -> Self {
        AppError::Internal(err.into())
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut fields = Vec::new();
        collect_validation_errors("", &errors, &mut fields);
        fields.sort_by(|a, b| a.field.cmp(&b.field));
        AppError::Validation(fields)
    }
}

fn collect_validation_errors(
    prefix: &str,
    errors: &validator::ValidationErrors,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind;
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let mut field = FieldError::new(path.clone(), e.code.to_string());
                    for (name, value) in &e.params {
                        if name != "value" {
                            let value = value
                                .as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| value.to_string());
                            field = field.with_param(name, value);
                        }
                    }
                    out.push(field);
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validation_errors(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect_validation_errors(&format!("{path}[{index}]"), inner, out);
                }
            }
        }
    }
}
