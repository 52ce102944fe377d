//! Typed answers that say more than their JSON body: [`Created`] (201 with `Location`).
//! A versioned object answers with [`super::versions::Tagged`]; plain bodies with `web::Json`.

use actix_web::body::BoxBody;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, Responder};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

use crate::error::PROBLEM_JSON;

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

/// The problem+json answers of one type, under their statuses, for the API document: what
/// [`problem_answers!`](crate::problem_answers) types give utoipa.
pub fn problems(
    answers: &[(u16, &str)],
) -> BTreeMap<String, RefOr<utoipa::openapi::response::Response>> {
    answers
        .iter()
        .map(|(status, description)| (status.to_string(), RefOr::T(problem(description))))
        .collect()
}

/// A problem+json response of this description, its body a [`crate::error::ProblemBody`].
pub fn problem(description: &str) -> utoipa::openapi::response::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ProblemBody")))
                .build(),
        )
        .build()
}

/// Declares types that document problem+json answers for `#[utoipa::path(responses(…))]`, one
/// line each: `Name { status => "description", … }`. Many endpoints name the same type; an
/// answer whose description says something of its one endpoint stays a tuple in that endpoint.
#[macro_export]
macro_rules! problem_answers {
    ($($(#[$meta:meta])* $name:ident { $($status:literal => $description:literal),+ $(,)? })+) => {
        $(
            $(#[$meta])*
            pub struct $name;

            impl ::utoipa::IntoResponses for $name {
                fn responses() -> ::std::collections::BTreeMap<
                    String,
                    ::utoipa::openapi::RefOr<::utoipa::openapi::response::Response>,
                > {
                    $crate::http::responses::problems(&[$(($status, $description)),+])
                }
            }
        )+
    };
}

/// The answers many endpoints of every domain share.
pub mod documented {
    crate::problem_answers! {
        /// 403 for any caller but an admin (`user.require(&[Role::Admin])`).
        AdminsOnly { 403 => "Admins only (`forbidden`)" }
        /// 403 for any caller but an expert.
        ExpertsOnly { 403 => "Experts only (`forbidden`)" }
        /// 403 for any caller but a solver (a member of a bidding team).
        SolversOnly { 403 => "Solvers only (`forbidden`)" }
        /// 403 for experts: what the endpoint shows is not theirs to see.
        NotForExperts { 403 => "Not for experts (`forbidden`)" }
        /// 404: no such object, or none the caller may see (visibility is in the query, so the
        /// two look alike).
        NotFound { 404 => "No such object, or not one the caller may see (`not_found`)" }
        /// 422: the body's fields at fault, each named in `errors`.
        Invalid { 422 => "Invalid fields (`validation_failed`), each named in `errors`" }
        /// 422 for a list's filter or page parameters that do not parse or are out of range.
        BadListQuery { 422 => "Bad filter or page parameters" }
        /// 412 of a change whose `If-Match` is optional, given and stale.
        Stale { 412 => "`If-Match` given and stale (`stale_version`)" }
        /// The answers of an edit that takes `If-Match` ([`crate::http::IfMatch`]).
        Versioned {
            412 => "`If-Match` names an older version (`stale_version`)",
            428 => "No `If-Match` header where one is required (`if_match_required`)",
        }
    }
}
