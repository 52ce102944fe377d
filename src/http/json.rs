//! `ValidJson<T>`: the one way handlers take a JSON body. It checks the content type (415), the
//! size (413), the syntax (400), the shape — naming the field at fault (422) — and finally the
//! field values with `validator` (422).

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use validator::Validate;

use super::body;
use crate::error::{AppError, ErrorCode, FieldCode, FieldError};
use crate::state::AppState;

/// Used when no application state is registered (unit tests of the extractor).
const FALLBACK_LIMIT: usize = 256 * 1024;

#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> ValidJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<Data<AppState>>()
            .map(|s| s.settings.server.body_limit_bytes)
            .unwrap_or(FALLBACK_LIMIT);
        let json_type = is_json(req);
        let declared = body::declared_length(req);
        let mut payload = payload.take();
        Box::pin(async move {
            body::check_declared(declared, limit)?;
            if !json_type {
                return Err(AppError::UnsupportedMediaType);
            }
            let body = body::read_limited(&mut payload, declared, limit).await?;
            let value: T = parse(&body)?;
            value.validate()?;
            Ok(ValidJson(value))
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    match req.mime_type() {
        Ok(Some(mime)) => {
            mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        }
        _ => false,
    }
}

/// Deserialises a body, turning serde's errors into 400 (syntax) or 422 (shape, with the field).
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    let result: Result<T, _> = serde_path_to_error::deserialize(de);
    let err = match result {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    let inner = err.inner();
    if !inner.is_data() {
        return Err(AppError::bad_request(ErrorCode::MalformedJson)
            .arg("line", inner.line())
            .arg("column", inner.column())
            .arg("problem", classify(inner)));
    }
    let path = err.path().to_string();
    let message = inner.to_string();
    let field_error = if let Some(name) = backticked(&message, "missing field `") {
        FieldError::new(join_path(&path, name), FieldCode::Required)
    } else if message.starts_with("unknown field") {
        // The path already ends at the unknown field.
        FieldError::new(path, FieldCode::UnknownField)
    } else if message.starts_with("unknown variant") {
        FieldError::new(path, FieldCode::InvalidChoice)
    } else if message.starts_with("invalid type") {
        FieldError::new(path, FieldCode::InvalidType)
    } else {
        FieldError::new(path, FieldCode::Invalid)
    };
    Err(AppError::Validation(vec![field_error]))
}

/// What kind of syntax problem, for the detail message (`eof`, `syntax`, `other`).
fn classify(err: &serde_json::Error) -> &'static str {
    match err.classify() {
        serde_json::error::Category::Eof => "eof",
        serde_json::error::Category::Syntax => "syntax",
        _ => "other",
    }
}

fn backticked<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split('`').next()
}

fn join_path(path: &str, name: &str) -> String {
    if path == "." || path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        inner: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        kind: Kind,
        count: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        One,
    }

    fn field(body: &str) -> (String, String) {
        match parse::<Outer>(body.as_bytes()) {
            Err(AppError::Validation(errors)) => {
                (errors[0].field.clone(), errors[0].code.to_string())
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn names_the_field_at_fault() {
        assert_eq!(
            field(r#"{"inner":{"kind":"one","count":1}}"#),
            ("name".into(), "required".into())
        );
        assert_eq!(
            field(r#"{"name":"a","inner":{"kind":"two","count":1}}"#),
            ("inner.kind".into(), "invalid_choice".into())
        );
        assert_eq!(
            field(r#"{"name":"a","inner":{"kind":"one","count":"x"}}"#),
            ("inner.count".into(), "invalid_type".into())
        );
        assert_eq!(
            field(r#"{"name":"a","inner":{"kind":"one"}}"#),
            ("inner.count".into(), "required".into())
        );
        assert_eq!(
            field(r#"{"name":"a","extra":1,"inner":{"kind":"one","count":1}}"#),
            ("extra".into(), "unknown_field".into())
        );
    }

    #[test]
    fn syntax_errors_are_bad_requests() {
        assert!(matches!(
            parse::<Outer>(b"{\"name\": "),
            Err(AppError::BadRequest {
                code: ErrorCode::MalformedJson,
                ..
            })
        ));
        assert!(matches!(
            parse::<Outer>(b"not json"),
            Err(AppError::BadRequest {
                code: ErrorCode::MalformedJson,
                ..
            })
        ));
    }
}

/// A JSON body that may be left out (no `Content-Type` and an empty body): then `None`. A body
/// that is sent is checked exactly as [`ValidJson`] checks it.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for OptionalJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let empty = req.headers().get(header::CONTENT_TYPE).is_none()
            && req
                .headers()
                .get(header::CONTENT_LENGTH)
                .is_none_or(|v| v.as_bytes() == b"0");
        if empty {
            return Box::pin(async { Ok(OptionalJson(None)) });
        }
        let body = ValidJson::<T>::from_request(req, payload);
        Box::pin(async move { Ok(OptionalJson(Some(body.await?.0))) })
    }
}
