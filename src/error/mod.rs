//! The one error type of the API and its RFC 9457 `application/problem+json` form.
//!
//! Handlers return `Result<_, AppError>` and use `?`. `AppError` becomes a [`Problem`]; the
//! [`crate::http::problem`] middleware renders every error response — ours and actix-web's own
//! (unknown route, wrong method) — as problem+json in the language the client asked for.

mod code;
mod problem;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

pub use code::{ErrorCode, FieldCode};
pub use problem::{FieldErrorBody, PROBLEM_JSON, Problem, ProblemBody};

use crate::i18n::{Args, Locale};

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request could not be read (malformed JSON, bad encoding).
    #[error("bad request ({code})")]
    BadRequest { code: ErrorCode, args: Args },
    /// 401: no valid credentials.
    #[error("unauthorized ({0})")]
    Unauthorized(ErrorCode),
    /// 403: authenticated, but the role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// 404: no such object, or not one the caller may see.
    #[error("not found")]
    NotFound,
    /// 409: a conflict of state or a duplicate. `args` fill the code's detail message.
    #[error("conflict ({code})")]
    Conflict {
        code: ErrorCode,
        args: Args,
        errors: Vec<FieldError>,
    },
    /// 412: the `If-Match` version is stale.
    #[error("precondition failed")]
    PreconditionFailed,
    /// 428: the change needs an `If-Match` header with the version it was based on.
    #[error("precondition required")]
    PreconditionRequired,
    /// 408: the body stalled longer than `server.body_idle_timeout_ms`; the connection is closed.
    #[error("request timeout")]
    RequestTimeout,
    /// 413: the body is larger than the configured limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 415: the body is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 422: field values are invalid.
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    /// 422 of its own kind: the request is well formed but a rule refuses it for a reason that
    /// has its own code (and title), e.g. `credit_refused`. `errors` name the fields at fault.
    #[error("unprocessable ({code})")]
    Unprocessable {
        code: ErrorCode,
        args: Args,
        errors: Vec<FieldError>,
    },
    /// 429: too many attempts; retry after the given seconds.
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// Another status with a code of its own (a 413 naming the limit that applied, a 415 naming
    /// the type found, a 416, a 503 whose reason the client should know).
    #[error("{status} ({code})")]
    Coded {
        status: StatusCode,
        code: ErrorCode,
        args: Args,
    },
    /// 503: the database (or another dependency) cannot be reached. The cause is logged.
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
    pub code: FieldCode,
    /// Values the message refers to, e.g. `min` and `max` for `length`.
    pub params: Args,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: FieldCode) -> Self {
        Self {
            field: field.into(),
            code,
            params: Args::new(),
        }
    }

    /// `length` with the bounds that apply.
    pub fn length(field: impl Into<String>, min: Option<u64>, max: Option<u64>) -> Self {
        let mut error = FieldError::new(field, FieldCode::Length);
        if let Some(min) = min {
            error = error.with_param("min", min);
        }
        if let Some(max) = max {
            error = error.with_param("max", max);
        }
        error
    }

    pub fn with_param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.set(name, value);
        self
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name)
    }

    /// The message in `locale`. One that cannot be formatted (a parameter its text needs is
    /// missing: a bug, logged) falls back to the plain `invalid`.
    pub fn message(&self, locale: Locale) -> String {
        let mut params = self.params.clone();
        if self.code == FieldCode::Length {
            // The message says which bounds apply.
            let bounds = match (self.param("min").is_some(), self.param("max").is_some()) {
                (true, true) => "both",
                (true, false) => "min",
                (false, true) => "max",
                (false, false) => "none",
            };
            params.set("bounds", bounds);
        }
        crate::i18n::lookup(locale, &self.code.message_id(), &params).unwrap_or_else(|| {
            tracing::error!(code = %self.code, "a field message that cannot be formatted");
            crate::i18n::text(locale, &FieldCode::Invalid.message_id(), &params)
        })
    }
}

impl AppError {
    /// 422 for one field.
    pub fn validation(field: &str, code: FieldCode) -> Self {
        AppError::Validation(vec![FieldError::new(field, code)])
    }

    /// 409 with `code`; add the detail's arguments with [`AppError::arg`] and the fields at
    /// fault with [`AppError::field`].
    pub fn conflict(code: ErrorCode) -> Self {
        AppError::Conflict {
            code,
            args: Args::new(),
            errors: Vec::new(),
        }
    }

    /// 422 with `code` (rather than the generic `validation_failed`); add the detail's
    /// arguments with [`AppError::arg`] and the fields at fault with [`AppError::field`].
    pub fn unprocessable(code: ErrorCode) -> Self {
        AppError::Unprocessable {
            code,
            args: Args::new(),
            errors: Vec::new(),
        }
    }

    /// `status` with `code` (add the detail's arguments with [`AppError::arg`]).
    pub fn coded(status: StatusCode, code: ErrorCode) -> Self {
        AppError::Coded {
            status,
            code,
            args: Args::new(),
        }
    }

    /// 400 with `code`.
    pub fn bad_request(code: ErrorCode) -> Self {
        AppError::BadRequest {
            code,
            args: Args::new(),
        }
    }

    /// Adds an argument of the detail message (409, 400 and a coded 422; others have none).
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        if let AppError::Conflict { args, .. }
        | AppError::BadRequest { args, .. }
        | AppError::Coded { args, .. }
        | AppError::Unprocessable { args, .. } = &mut self
        {
            args.set(name, value);
        }
        self
    }

    /// Adds a field at fault (409 and 422).
    pub fn field(mut self, error: FieldError) -> Self {
        if let AppError::Conflict { errors, .. }
        | AppError::Unprocessable { errors, .. }
        | AppError::Validation(errors) = &mut self
        {
            errors.push(error);
        }
        self
    }

    /// The code of a conflict or a bad request (tests, and callers that translate one).
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            AppError::Conflict { code, .. }
            | AppError::BadRequest { code, .. }
            | AppError::Unprocessable { code, .. }
            | AppError::Coded { code, .. }
            | AppError::Unauthorized(code) => Some(*code),
            _ => None,
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
            AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) | AppError::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Coded { status, .. } => *status,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document sent for this error.
    pub fn problem(&self) -> Problem {
        let (code, args, errors) = match self {
            AppError::BadRequest { code, args } => (*code, Some(args.clone()), vec![]),
            AppError::Unauthorized(code) => (*code, None, vec![]),
            AppError::Forbidden => (ErrorCode::Forbidden, None, vec![]),
            AppError::NotFound => (ErrorCode::NotFound, None, vec![]),
            AppError::Conflict { code, args, errors }
            | AppError::Unprocessable { code, args, errors } => {
                (*code, Some(args.clone()), errors.clone())
            }
            AppError::PreconditionFailed => (ErrorCode::StaleVersion, None, vec![]),
            AppError::PreconditionRequired => (ErrorCode::IfMatchRequired, None, vec![]),
            AppError::RequestTimeout => (ErrorCode::RequestTimeout, None, vec![]),
            AppError::PayloadTooLarge => (ErrorCode::PayloadTooLarge, None, vec![]),
            AppError::UnsupportedMediaType => (ErrorCode::UnsupportedMediaType, None, vec![]),
            AppError::Validation(errors) => (ErrorCode::ValidationFailed, None, errors.clone()),
            AppError::RateLimited { .. } => (ErrorCode::RateLimited, None, vec![]),
            AppError::Coded { code, args, .. } => (*code, Some(args.clone()), vec![]),
            AppError::Unavailable(_) => (ErrorCode::ServiceUnavailable, None, vec![]),
            AppError::Internal(_) => (ErrorCode::InternalError, None, vec![]),
        };
        Problem {
            status: self.status().as_u16(),
            code,
            detail_args: args,
            errors,
            retry_after_secs: match self {
                AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
                AppError::Unavailable(_) => Some(1),
                AppError::Coded { status, .. } if *status == StatusCode::SERVICE_UNAVAILABLE => {
                    Some(5)
                }
                _ => None,
            },
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    /// Rendered in Chinese here; the error middleware (`http::problem`) renders it again in the
    /// language the request prefers.
    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(%cause, "dependency unavailable"),
            _ => {}
        }
        self.problem().response(Locale::ZhCn)
    }
}

// ---- conversions from library errors ------------------------------------------------------------

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                tracing::debug!(constraint = ?info.constraint_name(), "unique violation");
                AppError::conflict(ErrorCode::Duplicate)
            }
            // The server is gone, going or not back yet: 503 with `Retry-After`.
            other if crate::db::faults::is_unavailable(&other) => {
                AppError::Unavailable(format!("database: {other}"))
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
                    let code = e.code.parse::<FieldCode>().unwrap_or_else(|_| {
                        tracing::error!(code = %e.code, "a validation code that is no FieldCode");
                        FieldCode::Invalid
                    });
                    let mut field = FieldError::new(path.clone(), code);
                    for (name, value) in &e.params {
                        if name != "value" {
                            let value = value
                                .as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| value.to_string());
                            field.params.set_named(name.clone(), value);
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
