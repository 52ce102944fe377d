//! CSV files that people open in spreadsheet programs: a UTF-8 byte-order mark, so that Excel on
//! Chinese Windows reads the Chinese, and cells that cannot run as formulas.

use std::borrow::Cow;

use actix_web::HttpRequest;
use actix_web::http::header;
use serde::Deserialize;
use utoipa::ToSchema;

/// Starts every CSV export.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell that a spreadsheet will not run as a formula: text that users wrote (organisation names,
/// challenge titles) and that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading apostrophe.
pub fn safe_cell(value: &str) -> Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// The forms a list can be had in (`?format=`): JSON pages, or a CSV file of every entry.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Json,
    Csv,
}

impl ExportFormat {
    /// Whether the answer is to be CSV: `format=csv`; without a `format`, an `Accept` naming
    /// `text/csv`. (Any other `format` is refused with a 422 when the query is parsed.)
    pub fn wants_csv(format: Option<ExportFormat>, req: &HttpRequest) -> bool {
        match format {
            Some(format) => format == ExportFormat::Csv,
            None => req
                .headers()
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/csv")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_by_format_or_else_by_accept() {
        use actix_web::test::TestRequest;
        let plain = TestRequest::default().to_http_request();
        let accepts_csv = TestRequest::default()
            .insert_header((header::ACCEPT, "text/csv"))
            .to_http_request();
        assert!(ExportFormat::wants_csv(Some(ExportFormat::Csv), &plain));
        assert!(ExportFormat::wants_csv(None, &accepts_csv));
        assert!(!ExportFormat::wants_csv(
            Some(ExportFormat::Json),
            &accepts_csv
        ));
        assert!(!ExportFormat::wants_csv(None, &plain));
        assert!(matches!(
            crate::http::query::parse::<Only>("format=xml"),
            Err(crate::error::AppError::Validation(e))
                if e[0].field == "format" && e[0].code == crate::error::FieldCode::InvalidChoice
        ));
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Only {
        format: Option<ExportFormat>,
    }

    #[test]
    fn formulas_are_defused() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("厦门某公司"), "厦门某公司");
    }
}
