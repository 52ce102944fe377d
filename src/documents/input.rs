//! Query parameters of the document endpoints.

use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// An upload's parameters.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file name, for a raw body (a multipart form's file part carries its own; so may a
    /// `Content-Disposition` header).
    /// Checked as kept: its last path segment, one line, 1–255 characters.
    #[param(min_length = 1, max_length = 255)]
    pub name: Option<String>,
    /// Upload a new version of this document (one of the same place, current) instead of a new
    /// document; the old version is kept.
    pub replaces: Option<Uuid>,
}

/// Which versions a list shows.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Versions {
    /// The current version of each document still in place.
    #[default]
    Current,
    /// Every version, replaced and removed ones included.
    All,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    #[serde(default)]
    #[param(inline)]
    pub versions: Versions,
}

/// A download's parameters: none with a bearer token; those of a signed link without one.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DownloadParams {
    /// `original` or `blind` (signed links only).
    pub copy: Option<String>,
    /// Unix seconds (signed links only).
    pub expires: Option<i64>,
    /// The link's signature (signed links only).
    #[param(max_length = 128)]
    pub signature: Option<String>,
}
