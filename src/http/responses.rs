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
