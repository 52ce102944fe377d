//! The RFC 9457 `application/problem+json` form of an error, rendered in a language.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::http::header;
use serde::Serialize;
use utoipa::ToSchema;

use super::{ErrorCode, FieldError};
use crate::i18n::{self, Args, Locale};

pub const PROBLEM_JSON: &str = "application/problem+json";
const TYPE_BASE: &str = "https://jiebang.cn/problems/";

/// The content of an error response, before it is rendered in a language.
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: u16,
    pub code: ErrorCode,
    /// The arguments of the code's detail message; `None` for errors that never have one.
    pub detail_args: Option<Args>,
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
    "errors": [{"field": "organization.uscc", "code": "check_character", "message": "校验位错误"}]
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
    /// Details about this occurrence, if any, in the same language as the title.
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

impl Problem {
    /// The problem for a response actix-web or a middleware made without one.
    pub fn for_status(status: StatusCode) -> Problem {
        let code = match status.as_u16() {
            400 => ErrorCode::BadRequest,
            401 => ErrorCode::Unauthenticated,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::RouteNotFound,
            405 => ErrorCode::MethodNotAllowed,
            406 => ErrorCode::NotAcceptable,
            408 => ErrorCode::RequestTimeout,
            409 => ErrorCode::Conflict,
            411 => ErrorCode::LengthRequired,
            412 => ErrorCode::StaleVersion,
            413 => ErrorCode::PayloadTooLarge,
            414 => ErrorCode::UriTooLong,
            415 => ErrorCode::UnsupportedMediaType,
            422 => ErrorCode::ValidationFailed,
            428 => ErrorCode::IfMatchRequired,
            429 => ErrorCode::RateLimited,
            431 => ErrorCode::HeadersTooLarge,
            503 => ErrorCode::ServiceUnavailable,
            s if s >= 500 => ErrorCode::InternalError,
            _ => ErrorCode::BadRequest,
        };
        Problem {
            status: status.as_u16(),
            code,
            detail_args: None,
            errors: Vec::new(),
            retry_after_secs: None,
        }
    }

    /// The detail in `locale`: the code's `.detail` message with this occurrence's arguments,
    /// where the code has one.
    fn detail(&self, locale: Locale) -> Option<String> {
        let args = self.detail_args.as_ref()?;
        let id = format!("{}.detail", self.code.message_id());
        let detail = i18n::lookup(locale, &id, args);
        if detail.is_none() && !args.is_empty() {
            tracing::error!(code = %self.code, "a detail's arguments, but no detail that takes them");
        }
        detail
    }

    pub fn body(&self, locale: Locale) -> ProblemBody {
        ProblemBody {
            type_: format!("{TYPE_BASE}{}", self.code),
            title: i18n::text(locale, &self.code.message_id(), &Args::new()),
            status: self.status,
            code: self.code.to_string(),
            detail: self.detail(locale),
            errors: self
                .errors
                .iter()
                .map(|e| FieldErrorBody {
                    field: e.field.clone(),
                    code: e.code.to_string(),
                    message: e.message(locale),
                })
                .collect(),
        }
    }

    /// The response for this problem in `locale`. The problem itself rides along in the
    /// response's extensions so that the error middleware can render it again in another
    /// language.
    pub fn response(&self, locale: Locale) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut builder = HttpResponse::build(status);
        builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self.code {
            // RFC 6750 §3.
            ErrorCode::InvalidToken => {
                builder.insert_header((
                    header::WWW_AUTHENTICATE,
                    r#"Bearer realm="jiebang", error="invalid_token""#,
                ));
            }
            ErrorCode::Unauthenticated => {
                builder.insert_header((header::WWW_AUTHENTICATE, r#"Bearer realm="jiebang""#));
            }
            _ => {}
        }
        if let Some(secs) = self.retry_after_secs {
            builder.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        let body = serde_json::to_vec(&self.body(locale)).unwrap_or_default();
        let mut response = builder.body(body);
        if self.code == ErrorCode::RequestTimeout {
            // The rest of a stalled body may still come: the connection cannot be reused.
            response
                .head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
        }
        response.extensions_mut().insert(self.clone());
        response
    }
}

#[cfg(test)]
mod tests {
    use actix_web::ResponseError;

    use super::*;
    use crate::error::{AppError, FieldCode};

    fn body_text(res: HttpResponse) -> String {
        let body = actix_web::body::to_bytes(res.into_body());
        let body = futures_util::FutureExt::now_or_never(body)
            .unwrap()
            .unwrap();
        String::from_utf8(body.to_vec()).unwrap()
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let err = AppError::Internal(anyhow::anyhow!("password=hunter2 at db.internal:5432"));
        let res = err.error_response();
        assert_eq!(res.status(), 500);
        let text = body_text(res);
        assert!(text.contains("internal_error"), "{text}");
        assert!(
            !text.contains("hunter2") && !text.contains("db.internal"),
            "{text}"
        );
    }

    #[test]
    fn a_conflict_is_told_in_the_language_asked_for_with_its_arguments() {
        let problem = AppError::conflict(ErrorCode::NotEnoughExperts)
            .arg("found", 3)
            .arg("needed", 5)
            .problem();
        let zh = problem.body(Locale::ZhCn);
        assert_eq!(zh.title, "符合条件的评审专家不足");
        assert_eq!(
            zh.detail.as_deref(),
            Some("符合条件的专家只有 3 位，需要 5 位")
        );
        let en = problem.body(Locale::En);
        assert_eq!(
            en.detail.as_deref(),
            Some("found 3 eligible expert(s), 5 needed")
        );
    }

    #[test]
    fn a_code_without_a_detail_sends_none() {
        let body = AppError::conflict(ErrorCode::ReviewClosed)
            .problem()
            .body(Locale::En);
        assert_eq!(body.title, "The review is closed");
        assert_eq!(body.detail, None);
    }

    #[test]
    fn length_messages_name_the_bounds_that_apply() {
        let both = FieldError::length("title", Some(1), Some(200));
        assert_eq!(both.message(Locale::En), "must be 1 to 200 characters long");
        let max = FieldError::length("q", None, Some(100));
        assert_eq!(max.message(Locale::ZhCn), "长度最多 100 个字符");
        let plain = FieldError::new("x", FieldCode::Required);
        assert_eq!(plain.message(Locale::ZhCn), "必填");
    }
}
