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
        let idle = body::idle_timeout(req);
        let mut payload = payload.take();
        Box::pin(async move {
            body::check_declared(declared, limit)?;
            if !json_type {
                return Err(AppError::UnsupportedMediaType);
            }
            let body = body::read_limited(&mut payload, declared, limit, idle).await?;
            let value: T = parse(&body)?;
            value.validate()?;
            Ok(ValidJson(value))
        })
    }
}

/// Whether the request says its body is JSON (`application/json` or `application/…+json`).
pub fn is_json(req: &HttpRequest) -> bool {
    match req.mime_type() {
        Ok(Some(mime)) => {
            mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        }
        _ => false,
    }
}

/// Deserialises a body, turning serde's errors into 400 (syntax) or 422 (shape, with the field).
/// A string holding a control character other than tab and line breaks (`\u0000`…`\u001f`,
/// which JSON can only carry escaped) is a 422 `control_character` naming its field: no text of
/// ours holds them, and PostgreSQL cannot store a NUL.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    if let Some(field) = control_character_path(body) {
        return Err(AppError::Validation(vec![FieldError::new(
            field,
            FieldCode::ControlCharacter,
        )]));
    }
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

/// The path (as `serde_path_to_error` writes it: `team[0].name`) of the first string, or object
/// key, that holds a control character other than tab, CR and LF. Only bodies with a `\u00`
/// escape can (JSON refuses raw control characters in strings), so others are not walked.
fn control_character_path(body: &[u8]) -> Option<String> {
    if !body.windows(4).any(|w| w == b"\\u00") {
        return None;
    }
    // A body that does not parse is left to `parse`'s own error.
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    find_control(&value, &mut String::new())
}

fn find_control(value: &serde_json::Value, path: &mut String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(s) if has_control(s) => Some(at(path)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = find_control(item, path);
            path.truncate(len);
            found
        }),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            let found = if has_control(key) {
                Some(at(path))
            } else {
                find_control(item, path)
            };
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "body".to_string()
    } else {
        path.to_string()
    }
}

/// A C0 control character other than tab, CR and LF (which long texts may hold).
pub fn has_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_ascii_control() && c != '\x7f' && !matches!(c, '\t' | '\r' | '\n'))
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
    fn control_characters_are_refused_naming_the_field() {
        assert_eq!(
            field(r#"{"name":"a\u0000b","inner":{"kind":"one","count":1}}"#),
            ("name".into(), "control_character".into())
        );
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct List {
            items: Vec<Inner2>,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Inner2 {
            text: String,
        }
        match parse::<List>(br#"{"items":[{"text":"ok"},{"text":"\u001b[31m"}]}"#) {
            Err(AppError::Validation(e)) => assert_eq!(e[0].field, "items[1].text"),
            other => panic!("{other:?}"),
        }
        // Tabs and line breaks are text; an escaped backslash before `u0000` is no NUL.
        assert!(parse::<List>(br#"{"items":[{"text":"a\u000a\tb\\u0000"}]}"#).is_ok());
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
