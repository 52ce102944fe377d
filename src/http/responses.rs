//! Typed answers that say more than their JSON body: [`Created`] (201 with `Location`).
//! A versioned object answers with [`super::versions::Tagged`]; plain bodies with `web::Json`.

use actix_web::body::BoxBody;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, Responder};
use serde::Serialize;

/// 201 Created: the new object at `location`, and its JSON; with its version as `ETag` when it
/// has one.
pub struct Created<T> {
    location: String,
    version: Option<i32>,
    body: T,
}

impl<T> Created<T> {
    pub fn at(location: impl Into<String>, body: T) -> Self {
        Created {
            location: location.into(),
            version: None,
            body,
        }
    }

    /// Adds the `ETag` of the new object's version.
    pub fn versioned(mut self, version: i32) -> Self {
        self.version = Some(version);
        self
    }
}

impl<T: Serialize> Responder for Created<T> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        let mut builder = HttpResponse::Created();
        builder.insert_header((header::LOCATION, self.location));
        if let Some(version) = self.version {
            builder.insert_header(header::ETag(super::versions::tag(version)));
        }
        builder.json(self.body)
    }
}

/// How the API document describes the answers many endpoints share; name them in an endpoint's
/// `responses(…)`. An answer whose description says something of its own endpoint stays a tuple.
/// Each is a problem+json body ([`ProblemBody`]) under one status.
pub mod documented {
    use utoipa::IntoResponses;

    use crate::error::ProblemBody;

    /// 403 for any caller but an admin (`user.require(&[Role::Admin])`).
    #[derive(IntoResponses)]
    #[response(
        status = 403,
        description = "Admins only (`forbidden`)",
        content_type = "application/problem+json"
    )]
    pub struct AdminsOnly(pub ProblemBody);

    /// 403 for any caller but an expert.
    #[derive(IntoResponses)]
    #[response(
        status = 403,
        description = "Experts only (`forbidden`)",
        content_type = "application/problem+json"
    )]
    pub struct ExpertsOnly(pub ProblemBody);

    /// 403 for any caller but a solver (a member of a bidding team).
    #[derive(IntoResponses)]
    #[response(
        status = 403,
        description = "Solvers only (`forbidden`)",
        content_type = "application/problem+json"
    )]
    pub struct SolversOnly(pub ProblemBody);

    /// 403 for experts: what the endpoint shows is not theirs to see.
    #[derive(IntoResponses)]
    #[response(
        status = 403,
        description = "Not for experts (`forbidden`)",
        content_type = "application/problem+json"
    )]
    pub struct NotForExperts(pub ProblemBody);

    /// 404: no such object, or none the caller may see (visibility is in the query, so the two
    /// look alike).
    #[derive(IntoResponses)]
    #[response(
        status = 404,
        description = "No such object, or not one the caller may see (`not_found`)",
        content_type = "application/problem+json"
    )]
    pub struct NotFound(pub ProblemBody);

    /// 422: the body's fields at fault, each named in `errors`.
    #[derive(IntoResponses)]
    #[response(
        status = 422,
        description = "Invalid fields (`validation_failed`), each named in `errors`",
        content_type = "application/problem+json"
    )]
    pub struct Invalid(pub ProblemBody);

    /// 422 for a list's filter or page parameters that do not parse or are out of range.
    #[derive(IntoResponses)]
    #[response(
        status = 422,
        description = "Bad filter or page parameters",
        content_type = "application/problem+json"
    )]
    pub struct BadListQuery(pub ProblemBody);

    /// The answers of an edit that takes `If-Match` ([`crate::http::IfMatch`]).
    #[derive(IntoResponses)]
    pub enum Versioned {
        #[response(
            status = 412,
            description = "`If-Match` names an older version (`stale_version`)",
            content_type = "application/problem+json"
        )]
        Stale(ProblemBody),
        #[response(
            status = 428,
            description = "No `If-Match` header where one is required (`if_match_required`)",
            content_type = "application/problem+json"
        )]
        Missing(ProblemBody),
    }
}
