//! Optimistic concurrency (SPEC §10): an object's version travels as a strong entity tag `"v3"`,
//! sent back in `ETag` ([`Tagged`]) and named by the client in `If-Match` ([`IfMatch`]).

use actix_web::body::BoxBody;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, EntityTag, Header};
use actix_web::{FromRequest, HttpRequest, HttpResponse, Responder};
use futures_util::future::{Ready, ready};
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// The entity tag of a version.
pub fn tag(version: i32) -> EntityTag {
    EntityTag::new_strong(format!("v{version}"))
}

/// The `If-Match` header as the client sent it (parsed by actix-web's typed header): `None`
/// without one. A value that does not parse matches no version.
#[derive(Debug, Clone)]
pub struct IfMatch(Option<header::IfMatch>);

impl FromRequest for IfMatch {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req
            .headers()
            .contains_key(header::IF_MATCH)
            .then(|| header::IfMatch::parse(req).unwrap_or(header::IfMatch::Items(Vec::new())));
        ready(Ok(IfMatch(value)))
    }
}

impl IfMatch {
    /// Checks the header against the `current` version: 428 without it when `required` (a
    /// missing header passes otherwise), 428 for `*` (it says "whatever version there is",
    /// exactly what If-Match is here to avoid), 412 when it names another version.
    pub fn check(&self, current: i32, required: bool) -> AppResult<()> {
        match &self.0 {
            None if required => Err(AppError::PreconditionRequired),
            None => Ok(()),
            Some(header::IfMatch::Any) => Err(AppError::PreconditionRequired),
            Some(header::IfMatch::Items(tags)) => {
                let current = tag(current);
                if tags.iter().any(|t| t.strong_eq(&current)) {
                    Ok(())
                } else {
                    Err(AppError::PreconditionFailed)
                }
            }
        }
    }
}

/// A JSON answer about a versioned object, with the version as its `ETag`.
pub struct Tagged<T> {
    status: StatusCode,
    version: i32,
    body: T,
}

impl<T> Tagged<T> {
    /// 200 with `body` at `version`.
    pub fn ok(version: i32, body: T) -> Self {
        Tagged {
            status: StatusCode::OK,
            version,
            body,
        }
    }
}

impl<T: Serialize> Responder for Tagged<T> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        HttpResponse::build(self.status)
            .insert_header(header::ETag(tag(self.version)))
            .json(self.body)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn if_match(value: Option<&str>) -> IfMatch {
        let mut req = TestRequest::default();
        if let Some(value) = value {
            req = req.insert_header((header::IF_MATCH, value));
        }
        let (req, mut payload) = req.to_http_parts();
        futures_util::FutureExt::now_or_never(IfMatch::from_request(&req, &mut payload))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn names_the_current_version_or_refuses() {
        assert!(if_match(Some("\"v3\"")).check(3, true).is_ok());
        assert!(if_match(Some("\"v2\", \"v3\"")).check(3, true).is_ok());
        assert!(matches!(
            if_match(Some("\"v2\"")).check(3, true),
            Err(AppError::PreconditionFailed)
        ));
        assert!(matches!(
            if_match(Some("W/\"v3\"")).check(3, true),
            Err(AppError::PreconditionFailed)
        ));
        assert!(matches!(
            if_match(Some("not a tag")).check(3, false),
            Err(AppError::PreconditionFailed)
        ));
        assert!(matches!(
            if_match(Some("*")).check(3, false),
            Err(AppError::PreconditionRequired)
        ));
        assert!(matches!(
            if_match(None).check(3, true),
            Err(AppError::PreconditionRequired)
        ));
        assert!(if_match(None).check(3, false).is_ok());
    }
}
