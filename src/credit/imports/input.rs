//! What an import is sent with: its parameters, and a body that must be CSV text.

use actix_web::{HttpMessage, HttpRequest};
use serde::Deserialize;
use utoipa::IntoParams;

use super::parser::EncodingChoice;
use super::rules::valid_source;
use crate::error::{AppError, AppResult, FieldCode, FieldError};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// `auto` (default: UTF-8 if valid, else GB18030), `utf-8` or `gbk` (GBK/GB18030).
    #[param(inline)]
    pub encoding: Option<EncodingChoice>,
    /// Where the records come from; with each row's record id it identifies a record
    /// (default `credit.default_source`, `credit_center`).
    #[param(min_length = 1, max_length = 100)]
    pub source: Option<String>,
    /// The file's name, kept with the import.
    pub file_name: Option<String>,
}

impl ImportParams {
    /// The source named, or `default`; a 422 naming `source` when it is blank or too long.
    pub fn source(&mut self, default: &str) -> AppResult<String> {
        let source = self.source.take().unwrap_or_else(|| default.to_string());
        if !valid_source(&source) {
            return Err(AppError::Validation(vec![
                FieldError::new("source", FieldCode::Length)
                    .with_param("min", 1)
                    .with_param("max", 100),
            ]));
        }
        Ok(source)
    }

    /// The file's name as kept: at most 255 characters.
    pub fn file_name(&self) -> Option<String> {
        self.file_name
            .as_ref()
            .map(|n| n.chars().take(255).collect())
    }
}

/// Whether a body's content type says CSV text: `text/csv`, and what spreadsheet programs and
/// browsers send for it (`text/plain`, `application/csv`, `application/octet-stream`,
/// `application/vnd.ms-excel`).
pub fn is_csv(req: &HttpRequest) -> bool {
    match req.mime_type() {
        Ok(Some(mime)) => matches!(
            (mime.type_().as_str(), mime.subtype().as_str()),
            ("text", "csv")
                | ("text", "plain")
                | ("application", "csv")
                | ("application", "octet-stream")
                | ("application", "vnd.ms-excel")
        ),
        _ => false,
    }
}
