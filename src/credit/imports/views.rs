//! How an import is shown: its summary and the lines it rejected.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{CreditImport, Rejection};
use crate::i18n::{self, Args, Locale};

/// A rejected line of a file: where, which column, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RejectedLine {
    /// Line number in the file (the header is line 1).
    #[schema(example = 7)]
    pub line: u64,
    /// The column at fault, as named in the file's header.
    #[schema(example = "严重程度")]
    pub column: Option<String>,
    /// A stable reason code: `missing_field`, `unknown_subject_kind`, `unknown_severity`,
    /// `check_character`, `length`, `invalid_character`, `bad_date`, `validity_before_decision`,
    /// `too_long`, `duplicate_record_id`, `wrong_field_count`, `record_too_long`, `unreadable`.
    #[schema(example = "unknown_severity")]
    pub code: String,
    /// The reason in words, in the reader's language (`Accept-Language`; Chinese by default).
    /// Never repeats an ID number.
    #[schema(example = "严重程度“较重”无法识别，应为 严重失信 或 一般失信")]
    pub message: String,
}

/// An import's summary, as stored and returned.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    pub id: Uuid,
    #[schema(example = "credit_center")]
    pub source: String,
    pub file_name: Option<String>,
    /// The encoding the file was read in: `utf-8` or `gb18030`.
    #[schema(example = "gb18030")]
    pub encoding: String,
    pub size_bytes: i64,
    /// Data rows read (the header not counted).
    pub read: i32,
    pub inserted: i32,
    pub updated: i32,
    /// Rows identical to their stored record.
    pub unchanged: i32,
    pub rejected: i32,
    /// The rejected lines, the first `credit.import_report_max_lines` of them.
    pub rejected_lines: Vec<RejectedLine>,
    /// Whether more lines were rejected than are listed.
    pub rejected_truncated: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl RejectedLine {
    /// A stored rejected line with its message in `locale`; a line stored with its message
    /// already in words keeps it.
    pub fn new(r: Rejection, locale: Locale) -> Self {
        let message = r.message.unwrap_or_else(|| {
            let mut args = Args::new();
            for (name, value) in r.args {
                args.set_named(name.into(), value);
            }
            i18n::text(locale, &format!("credit-import-{}", r.code), &args)
        });
        RejectedLine {
            line: r.line,
            column: r.column,
            code: r.code,
            message,
        }
    }
}

impl ImportReport {
    /// A stored import, its rejected lines in `locale`.
    pub fn new(i: CreditImport, locale: Locale) -> Self {
        let rejected: Vec<Rejection> = serde_json::from_value(i.rejected_lines).unwrap_or_default();
        ImportReport {
            id: i.id,
            source: i.source,
            file_name: i.file_name,
            encoding: i.encoding,
            size_bytes: i.size_bytes,
            read: i.read_rows,
            inserted: i.inserted,
            updated: i.updated,
            unchanged: i.unchanged,
            rejected: i.rejected,
            rejected_lines: rejected
                .into_iter()
                .map(|r| RejectedLine::new(r, locale))
                .collect(),
            rejected_truncated: i.rejected_truncated,
            created_by: i.created_by,
            created_at: i.created_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason a line is rejected for, with the arguments the parser gives it.
    fn every_rejection() -> Vec<Rejection> {
        let at = |code: &str| Rejection::new(7, Some("列".into()), code);
        vec![
            at("unreadable"),
            at("record_too_long").with("max", 65536),
            at("wrong_field_count")
                .with("fields", 12)
                .with("columns", 10),
            at("missing_field"),
            at("too_long").with("max", 200),
            at("unknown_subject_kind").with("value", "外星人"),
            at("unknown_severity").with("value", "较重"),
            at("bad_date").with("value", "2024-13-02"),
            at("validity_before_decision"),
            at("duplicate_record_id").with("value", "B6"),
            at("length").with("kind", "organization"),
            at("invalid_character").with("kind", "person"),
            at("check_character").with("kind", "person"),
        ]
    }

    #[test]
    fn every_reason_has_a_message_in_every_language() {
        for r in every_rejection() {
            let id = format!("credit-import-{}", r.code);
            let mut args = Args::new();
            for (name, value) in &r.args {
                args.set_named(name.clone().into(), value.clone());
            }
            for locale in [Locale::ZhCn, Locale::En] {
                assert!(i18n::has(locale, &id, &args), "{id} in {locale}");
            }
        }
    }

    #[test]
    fn messages_are_rendered_in_the_readers_language_and_old_ones_kept() {
        let severity =
            Rejection::new(4, Some("严重程度".into()), "unknown_severity").with("value", "较重");
        let zh = RejectedLine::new(severity.clone(), Locale::ZhCn);
        assert_eq!(
            zh.message,
            "严重程度“较重”无法识别，应为 严重失信 或 一般失信"
        );
        assert_eq!((zh.line, zh.code.as_str()), (4, "unknown_severity"));
        assert_eq!(zh.column.as_deref(), Some("严重程度"));
        let en = RejectedLine::new(severity, Locale::En);
        assert!(
            en.message.starts_with("Severity “较重” is not recognised"),
            "{}",
            en.message
        );
        let code = Rejection::new(3, None, "check_character").with("kind", "person");
        assert_eq!(
            RejectedLine::new(code, Locale::ZhCn).message,
            "身份证号校验位错误"
        );
        let code = Rejection::new(3, None, "length").with("kind", "organization");
        assert_eq!(
            RejectedLine::new(code, Locale::ZhCn).message,
            "统一社会信用代码长度应为 18 位"
        );
        let long = Rejection::new(3, None, "too_long").with("max", 200);
        assert_eq!(
            RejectedLine::new(long, Locale::ZhCn).message,
            "超过 200 个字符"
        );

        // A report stored with its messages in words shows them as they were stored.
        let old: Vec<Rejection> = serde_json::from_value(serde_json::json!([
            {"line": 7, "column": "严重程度", "code": "unknown_severity", "message": "旧的说法"}
        ]))
        .unwrap();
        let shown = RejectedLine::new(old[0].clone(), Locale::En);
        assert_eq!(shown.message, "旧的说法");
        assert_eq!(shown.code, "unknown_severity");
    }
}
