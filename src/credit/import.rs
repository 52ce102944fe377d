//! Importing credit records from the credit centre's CSV files (`POST /credit/imports` and
//! `jiebang import-credit FILE` share [`run_import`]).
//!
//! # File format
//! A header row, then one record per row. Columns are found by name, in any order; Chinese or
//! English names (case and spaces do not matter):
//!
//! | 中文 | English | required | values |
//! |---|---|---|---|
//! | 主体类型 | `subject_kind` | yes | 法人 / 法人单位 / 企业 / `organization`; 自然人 / 个人 / `person` |
//! | 主体名称 | `subject_name` | yes | up to 200 characters |
//! | 统一社会信用代码或身份证号 | `subject_code` | yes | an 18-character USCC or ID number, check character verified |
//! | 严重程度 | `severity` | yes | 严重失信 / 严重 / `serious`; 一般失信 / 一般 / `general` |
//! | 失信类别 | `category` | no | text |
//! | 事由 | `reason` | no | text |
//! | 认定单位 | `authority` | no | text |
//! | 记录编号 | `record_id` | yes | the record's id at its source, up to 100 characters |
//! | 认定日期 | `decided_on` | yes | `2024-01-02`, `2024/1/2`, `2024.1.2`, `20240102` or `2024年1月2日` |
//! | 有效期至 | `valid_until` | no | a date as above; empty: open-ended |
//!
//! Encodings: UTF-8 with or without BOM, or GBK/GB18030; `auto` takes valid UTF-8 as UTF-8 and
//! anything else that decodes cleanly as GB18030. Fields may be quoted (with `""` for a quote and
//! line breaks inside), lines may end in CRLF, blank lines are skipped.
//!
//! A record is keyed by (source, record id): importing the same file again changes nothing, and a
//! changed row updates its record (its repair, if any, stays). Each bad row is reported with its
//! line number and reason and the good rows still land, all in one transaction. ID numbers are
//! hashed as soon as they are read; reports never repeat them.

use std::borrow::Cow;
use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use diesel::sql_types::{Array, Bool, Date, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{CreditImport, Severity, SubjectKind};
use crate::audit::{self, RequestMeta};
use crate::codes::{CodeError, mask_id_number, parse_id_number, parse_uscc};
use crate::error::{AppError, AppResult, ErrorCode};
use crate::privacy::Privacy;
use crate::schema::credit_imports;
use crate::state::AppState;

/// Rows sent to PostgreSQL per statement.
const CHUNK_ROWS: usize = 5000;

/// Which encoding a file is in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingChoice {
    /// UTF-8 if the file is valid UTF-8, else GB18030 (a superset of GBK).
    #[default]
    Auto,
    #[serde(rename = "utf-8", alias = "utf8")]
    Utf8,
    /// GBK or GB18030.
    #[serde(alias = "gb18030", alias = "gb2312")]
    Gbk,
}

/// Why a whole file is refused (nothing is imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    Empty,
    /// Binary content (NUL bytes, control characters): not a CSV file.
    NotText,
    /// Not in the chosen encoding, or (auto) in none we know.
    Encoding(&'static str),
    /// No header row with the columns we know.
    NoHeader,
    /// Required columns absent (their Chinese names).
    MissingColumns(Vec<&'static str>),
}

impl From<FileError> for AppError {
    fn from(e: FileError) -> Self {
        match e {
            FileError::Empty => AppError::bad_request(ErrorCode::CreditFileEmpty),
            FileError::NotText => {
                AppError::bad_request(ErrorCode::CreditFileNotCsv).arg("reason", "binary")
            }
            FileError::Encoding(encoding) => {
                AppError::bad_request(ErrorCode::CreditFileEncoding).arg("encoding", encoding)
            }
            FileError::NoHeader => {
                AppError::bad_request(ErrorCode::CreditFileNotCsv).arg("reason", "no_header")
            }
            // The columns by their Chinese headers, and by the English ones for English readers.
            FileError::MissingColumns(columns) => {
                let english: Vec<&str> = columns
                    .iter()
                    .filter_map(|c| COLUMNS.iter().find(|col| col.zh == *c))
                    .map(|col| col.en)
                    .collect();
                AppError::bad_request(ErrorCode::CreditFileMissingColumns)
                    .arg("columns", columns.join("、"))
                    .arg("columns_en", english.join(", "))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Kind,
    Name,
    Code,
    Severity,
    Category,
    Reason,
    Authority,
    RecordId,
    DecidedOn,
    ValidUntil,
}

struct ColumnSpec {
    column: Column,
    zh: &'static str,
    en: &'static str,
    aliases: &'static [&'static str],
    required: bool,
}

const COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        column: Column::Kind,
        zh: "主体类型",
        en: "subject_kind",
        aliases: &["subject_type", "kind"],
        required: true,
    },
    ColumnSpec {
        column: Column::Name,
        zh: "主体名称",
        en: "subject_name",
        aliases: &["name"],
        required: true,
    },
    ColumnSpec {
        column: Column::Code,
        zh: "统一社会信用代码或身份证号",
        en: "subject_code",
        aliases: &[
            "统一社会信用代码/身份证号",
            "统一社会信用代码/身份证号码",
            "证件号码",
            "code",
        ],
        required: true,
    },
    ColumnSpec {
        column: Column::Severity,
        zh: "严重程度",
        en: "severity",
        aliases: &["失信程度"],
        required: true,
    },
    ColumnSpec {
        column: Column::Category,
        zh: "失信类别",
        en: "category",
        aliases: &[],
        required: false,
    },
    ColumnSpec {
        column: Column::Reason,
        zh: "事由",
        en: "reason",
        aliases: &["失信事由"],
        required: false,
    },
    ColumnSpec {
        column: Column::Authority,
        zh: "认定单位",
        en: "authority",
        aliases: &["认定部门"],
        required: false,
    },
    ColumnSpec {
        column: Column::RecordId,
        zh: "记录编号",
        en: "record_id",
        aliases: &["source_record_id"],
        required: true,
    },
    ColumnSpec {
        column: Column::DecidedOn,
        zh: "认定日期",
        en: "decided_on",
        aliases: &["decision_date"],
        required: true,
    },
    ColumnSpec {
        column: Column::ValidUntil,
        zh: "有效期至",
        en: "valid_until",
        aliases: &["有效期截止日期"],
        required: false,
    },
];

fn normalise_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace([' ', '-', '\u{3000}'], "_")
}

fn column_of(header: &str) -> Option<&'static ColumnSpec> {
    let h = normalise_header(header);
    COLUMNS
        .iter()
        .find(|c| h == c.zh || h == c.en || c.aliases.iter().any(|a| h == normalise_header(a)))
}

/// Decodes a file's bytes; answers the text (without BOM) and the encoding's name.
pub fn decode(
    bytes: &[u8],
    choice: EncodingChoice,
) -> Result<(Cow<'_, str>, &'static str), FileError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    if bytes.contains(&0) {
        return Err(FileError::NotText);
    }
    let utf8 = || -> Option<Cow<'_, str>> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        std::str::from_utf8(body).ok().map(Cow::Borrowed)
    };
    let gb = || -> Option<Cow<'_, str>> {
        let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        (!had_errors).then_some(text)
    };
    let (text, name) = match choice {
        EncodingChoice::Utf8 => (utf8().ok_or(FileError::Encoding("UTF-8"))?, "utf-8"),
        EncodingChoice::Gbk => (gb().ok_or(FileError::Encoding("GBK/GB18030"))?, "gb18030"),
        EncodingChoice::Auto => match utf8() {
            Some(text) => (text, "utf-8"),
            None => (gb().ok_or(FileError::Encoding("UTF-8, GBK"))?, "gb18030"),
        },
    };
    if text.trim().is_empty() {
        return Err(FileError::Empty);
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    {
        return Err(FileError::NotText);
    }
    Ok((text, name))
}

/// One good row, ready to store. Persons carry only their ID number's hash (hex) and mask.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: u64,
    pub subject_kind: SubjectKind,
    pub subject_key: String,
    pub subject_code: String,
    pub subject_name: String,
    pub severity: Severity,
    pub category: String,
    pub reason: String,
    pub authority: String,
    pub record_id: String,
    pub decided_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

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
    /// `too_long`, `duplicate_record_id`, `wrong_field_count`, `unreadable`.
    #[schema(example = "unknown_severity")]
    pub code: String,
    /// The reason in words (Chinese). Never repeats an ID number.
    #[schema(example = "严重程度“较重”无法识别，应为 严重失信 或 一般失信")]
    pub message: String,
}

/// Reads the rows of a decoded file after its header.
pub struct Parser<'a> {
    text: &'a [u8],
    /// Where line counting got to: a byte offset and the line it is on.
    counted: (usize, u64),
    reader: csv::Reader<&'a [u8]>,
    headers: Vec<String>,
    positions: Vec<(Column, usize)>,
    privacy: &'a Privacy,
    seen: HashSet<String>,
    /// Data rows read so far.
    pub read: u64,
    /// Rejected rows so far.
    pub rejected: u64,
    /// The first `keep` rejected lines.
    pub report: Vec<RejectedLine>,
    keep: usize,
}

impl<'a> Parser<'a> {
    /// Reads the header; `keep` caps the rejected lines kept for the report.
    pub fn new(text: &'a str, privacy: &'a Privacy, keep: usize) -> Result<Self, FileError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|_| FileError::NoHeader)?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
            .collect();
        let mut positions = Vec::new();
        for (index, header) in headers.iter().enumerate() {
            if let Some(spec) = column_of(header)
                && !positions.iter().any(|(c, _)| *c == spec.column)
            {
                positions.push((spec.column, index));
            }
        }
        if positions.is_empty() {
            return Err(FileError::NoHeader);
        }
        let missing: Vec<&'static str> = COLUMNS
            .iter()
            .filter(|c| c.required && !positions.iter().any(|(p, _)| *p == c.column))
            .map(|c| c.zh)
            .collect();
        if !missing.is_empty() {
            return Err(FileError::MissingColumns(missing));
        }
        Ok(Parser {
            text: text.as_bytes(),
            counted: (0, 1),
            reader,
            headers,
            positions,
            privacy,
            seen: HashSet::new(),
            read: 0,
            rejected: 0,
            report: Vec::new(),
            keep,
        })
    }

    /// Up to `max` good rows; empty at the end of the file. Bad rows go to the report.
    pub fn next_chunk(&mut self, max: usize) -> Vec<ImportRow> {
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        while rows.len() < max {
            match self.reader.read_record(&mut record) {
                Ok(false) => break,
                // Spreadsheet padding: a row of empty cells is no line at all.
                Ok(true) if record.iter().all(|cell| cell.trim().is_empty()) => {}
                Ok(true) => {
                    self.read += 1;
                    let line = self.line_at(record.position().map(|p| p.byte()));
                    match self.row(line, &record) {
                        Ok(row) => rows.push(row),
                        Err(rejected) => self.reject(rejected),
                    }
                }
                Err(e) => {
                    self.read += 1;
                    let line = self.line_at(e.position().map(|p| p.byte()));
                    self.reject(RejectedLine {
                        line,
                        column: None,
                        code: "unreadable".into(),
                        message: "无法读取该行".into(),
                    });
                }
            }
        }
        rows
    }

    /// The line a record starting at `byte` begins on. (The reader's own line numbers lag by one
    /// after CRLF: it reports a record's start before the `\n` of the previous line ending.)
    fn line_at(&mut self, byte: Option<u64>) -> u64 {
        let Some(byte) = byte else { return 0 };
        let mut start = (byte as usize).min(self.text.len());
        while start < self.text.len() && matches!(self.text[start], b'\r' | b'\n') {
            start += 1;
        }
        let (from, line) = self.counted;
        if start < from {
            return line;
        }
        let newlines = self.text[from..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.counted = (start, line + newlines);
        line + newlines
    }

    fn reject(&mut self, line: RejectedLine) {
        self.rejected += 1;
        if self.report.len() < self.keep {
            self.report.push(line);
        }
    }

    fn row(&mut self, line: u64, record: &csv::StringRecord) -> Result<ImportRow, RejectedLine> {
        let fail = |column: Option<usize>, code: &str, message: String| RejectedLine {
            line,
            column: column.and_then(|i| self.headers.get(i).cloned()),
            code: code.to_string(),
            message,
        };
        let extra_filled = record
            .iter()
            .skip(self.headers.len())
            .any(|f| !f.trim().is_empty());
        if extra_filled {
            return Err(fail(
                None,
                "wrong_field_count",
                format!(
                    "该行有 {} 个字段，表头只有 {} 列",
                    record.len(),
                    self.headers.len()
                ),
            ));
        }
        let get = |column: Column| -> (Option<usize>, &str) {
            match self.positions.iter().find(|(c, _)| *c == column) {
                Some(&(_, index)) => (Some(index), record.get(index).unwrap_or("").trim()),
                None => (None, ""),
            }
        };
        let required = |column: Column| -> Result<(Option<usize>, &str), RejectedLine> {
            let (index, value) = get(column);
            if value.is_empty() {
                Err(fail(index, "missing_field", "必填字段为空".into()))
            } else {
                Ok((index, value))
            }
        };
        let limited = |column: Column, max: usize| -> Result<String, RejectedLine> {
            let (index, value) = get(column);
            if value.chars().count() > max {
                Err(fail(index, "too_long", format!("超过 {max} 个字符")))
            } else {
                Ok(value.to_string())
            }
        };

        let (index, kind) = required(Column::Kind)?;
        let subject_kind = parse_kind(kind).ok_or_else(|| {
            fail(
                index,
                "unknown_subject_kind",
                format!("主体类型“{}”无法识别，应为 法人 或 自然人", echo(kind)),
            )
        })?;
        let (index, name) = required(Column::Name)?;
        if name.chars().count() > 200 {
            return Err(fail(index, "too_long", "超过 200 个字符".into()));
        }
        let (index, code) = required(Column::Code)?;
        let code_error = |e: CodeError| {
            let what = match subject_kind {
                SubjectKind::Organization => "统一社会信用代码",
                SubjectKind::Person => "身份证号",
            };
            let why = match e {
                CodeError::Length => "长度应为 18 位",
                CodeError::Character => "含有不允许的字符",
                CodeError::CheckCharacter => "校验位错误",
            };
            fail(index, e.code().as_str(), format!("{what}{why}"))
        };
        let (subject_key, subject_code) = match subject_kind {
            SubjectKind::Organization => {
                let uscc = parse_uscc(code).map_err(code_error)?;
                (uscc.clone(), uscc)
            }
            SubjectKind::Person => {
                let id = parse_id_number(code).map_err(code_error)?;
                let protected = self.privacy.protect(&id).map_err(code_error)?;
                (protected.hash_hex(), mask_id_number(&id))
            }
        };
        let (index, severity) = required(Column::Severity)?;
        let severity = parse_severity(severity).ok_or_else(|| {
            fail(
                index,
                "unknown_severity",
                format!(
                    "严重程度“{}”无法识别，应为 严重失信 或 一般失信",
                    echo(severity)
                ),
            )
        })?;
        let (index, decided) = required(Column::DecidedOn)?;
        let decided_on = parse_date(decided).ok_or_else(|| {
            fail(
                index,
                "bad_date",
                format!("日期“{}”无法识别", echo(decided)),
            )
        })?;
        let (index, valid) = get(Column::ValidUntil);
        let valid_until = if open_ended(valid) {
            None
        } else {
            let date = parse_date(valid)
                .ok_or_else(|| fail(index, "bad_date", format!("日期“{}”无法识别", echo(valid))))?;
            if date < decided_on {
                return Err(fail(
                    index,
                    "validity_before_decision",
                    "有效期至早于认定日期".into(),
                ));
            }
            Some(date)
        };
        let (index, record_id) = required(Column::RecordId)?;
        if record_id.chars().count() > 100 {
            return Err(fail(index, "too_long", "超过 100 个字符".into()));
        }
        let category = limited(Column::Category, 500)?;
        let reason = limited(Column::Reason, 5000)?;
        let authority = limited(Column::Authority, 500)?;
        if !self.seen.insert(record_id.to_string()) {
            return Err(fail(
                index,
                "duplicate_record_id",
                format!("记录编号“{}”在文件中重复出现", echo(record_id)),
            ));
        }
        Ok(ImportRow {
            line,
            subject_kind,
            subject_key,
            subject_code,
            subject_name: name.to_string(),
            severity,
            category,
            reason,
            authority,
            record_id: record_id.to_string(),
            decided_on,
            valid_until,
        })
    }
}

/// A value from the file as a report may repeat it: at most 32 characters, and any ID number in
/// it masked (a misaligned line can put one in any column; reports are stored and shown).
pub fn echo(value: &str) -> String {
    let masked: String = value
        .split_inclusive(|c: char| !c.is_ascii_alphanumeric())
        .map(|piece| {
            let token = piece.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
            match parse_id_number(token) {
                Ok(id) => format!("{}{}", mask_id_number(&id), &piece[token.len()..]),
                Err(_) => piece.to_string(),
            }
        })
        .collect();
    if masked.chars().count() > 32 {
        format!("{}…", masked.chars().take(32).collect::<String>())
    } else {
        masked
    }
}

/// A validity end that says "no end": empty, 长期, 永久, 无, `-`.
fn open_ended(value: &str) -> bool {
    matches!(
        value.trim(),
        "" | "长期" | "永久" | "长期有效" | "无" | "-" | "—" | "/" | "无限期"
    )
}

fn parse_kind(value: &str) -> Option<SubjectKind> {
    match value.trim().to_lowercase().as_str() {
        "法人"
        | "法人单位"
        | "法人和其他组织"
        | "非法人组织"
        | "其他组织"
        | "个体工商户"
        | "企业"
        | "单位"
        | "组织"
        | "organization"
        | "organisation"
        | "org" => Some(SubjectKind::Organization),
        "自然人" | "个人" | "person" | "individual" => Some(SubjectKind::Person),
        _ => None,
    }
}

fn parse_severity(value: &str) -> Option<Severity> {
    match value.trim().to_lowercase().as_str() {
        "严重失信" | "严重" | "serious" => Some(Severity::Serious),
        "一般失信" | "一般" | "general" => Some(Severity::General),
        _ => None,
    }
}

/// `2024-01-02`, `2024/1/2`, `2024.1.2`, `20240102`, `2024年1月2日`; a time after a space is
/// ignored (spreadsheet exports add one).
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    let value = value.split_whitespace().next()?;
    if value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(value, "%Y%m%d").ok();
    }
    let normalised: String = value
        .trim_end_matches('日')
        .chars()
        .map(|c| {
            if matches!(c, '/' | '.' | '年' | '月') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let mut parts = normalised.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || y.len() != 4
        || m.is_empty()
        || m.len() > 2
        || d.is_empty()
        || d.len() > 2
    {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// What to import.
pub struct ImportInput {
    pub bytes: Vec<u8>,
    pub encoding: EncodingChoice,
    pub source: String,
    pub file_name: Option<String>,
    pub created_by: Option<Uuid>,
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

impl From<CreditImport> for ImportReport {
    fn from(i: CreditImport) -> Self {
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
            rejected_lines: serde_json::from_value(i.rejected_lines).unwrap_or_default(),
            rejected_truncated: i.rejected_truncated,
            created_by: i.created_by,
            created_at: i.created_at,
        }
    }
}

enum Message {
    Failed(FileError),
    Started {
        encoding: &'static str,
    },
    Rows(Vec<ImportRow>),
    Done {
        read: u64,
        rejected: u64,
        report: Vec<RejectedLine>,
    },
}

#[derive(diesel::QueryableByName)]
struct Upserted {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = Bool)]
    inserted: bool,
    #[diesel(sql_type = Text)]
    source_record_id: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::Jsonb>)]
    before: Option<serde_json::Value>,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    after: serde_json::Value,
}

/// Validates a source name: 1 to 100 characters, not blank.
pub fn valid_source(source: &str) -> bool {
    let s = source.trim();
    !s.is_empty() && s.chars().count() <= 100
}

/// Imports a file: decoding and parsing run on a blocking thread and hand rows over in chunks;
/// every chunk is upserted by one statement, all in one transaction with the import's summary
/// and its audit entry. A file refused as a whole (empty, binary, wrong encoding, no or incomplete
/// header) is a 400 and imports nothing.
pub async fn run_import(
    state: &AppState,
    meta: &RequestMeta,
    input: ImportInput,
) -> AppResult<ImportReport> {
    if input.bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty.into());
    }
    let size_bytes = input.bytes.len() as i64;
    let sha256 = Sha256::digest(&input.bytes).to_vec();
    let keep = state.settings.credit.import_report_max_lines;
    let privacy = state.privacy.clone();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Message>(2);
    let bytes = input.bytes;
    let encoding_choice = input.encoding;
    let parsing = tokio::task::spawn_blocking(move || {
        let (text, encoding) = match decode(&bytes, encoding_choice) {
            Ok(decoded) => decoded,
            Err(e) => return drop(tx.blocking_send(Message::Failed(e))),
        };
        let mut parser = match Parser::new(&text, &privacy, keep) {
            Ok(parser) => parser,
            Err(e) => return drop(tx.blocking_send(Message::Failed(e))),
        };
        if tx.blocking_send(Message::Started { encoding }).is_err() {
            return;
        }
        loop {
            let rows = parser.next_chunk(CHUNK_ROWS);
            if rows.is_empty() {
                break;
            }
            if tx.blocking_send(Message::Rows(rows)).is_err() {
                return;
            }
        }
        let _ = tx.blocking_send(Message::Done {
            read: parser.read,
            rejected: parser.rejected,
            report: std::mem::take(&mut parser.report),
        });
    });
    let encoding = match rx.recv().await {
        Some(Message::Started { encoding }) => encoding,
        Some(Message::Failed(e)) => return Err(e.into()),
        _ => {
            parsing.await.map_err(anyhow::Error::from)?;
            return Err(anyhow::anyhow!("the credit file parser stopped early").into());
        }
    };
    let source = input.source.trim().to_string();
    let now = state.clock.now().trunc_subsecs(6);
    let import_id = Uuid::now_v7();
    let mut conn = state.conn().await?;
    let report = conn
        .transaction::<_, AppError, _>(async move |conn| {
            // Imports of one source run one at a time: two files touching the same records in
            // different orders would otherwise deadlock.
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('credit_import:' || $1))")
                .bind::<Text, _>(&source)
                .execute(conn)
                .await?;
            let (mut inserted, mut updated) = (0i64, 0i64);
            let done = loop {
                match rx.recv().await {
                    Some(Message::Rows(rows)) => {
                        let changes = Changes {
                            state,
                            meta,
                            actor_id: input.created_by,
                            import_id,
                        };
                        let (i, u) = upsert(conn, &source, now, &rows, &changes).await?;
                        inserted += i;
                        updated += u;
                    }
                    Some(Message::Done {
                        read,
                        rejected,
                        report,
                    }) => break (read, rejected, report),
                    _ => {
                        return Err(anyhow::anyhow!("the credit file parser stopped early").into());
                    }
                }
            };
            let (read, rejected, lines) = done;
            let good = read as i64 - rejected as i64;
            let row = CreditImport {
                id: import_id,
                source: source.clone(),
                file_name: input.file_name.clone(),
                encoding: encoding.to_string(),
                size_bytes,
                sha256,
                read_rows: read as i32,
                inserted: inserted as i32,
                updated: updated as i32,
                unchanged: (good - inserted - updated) as i32,
                rejected: rejected as i32,
                rejected_truncated: rejected as usize > lines.len(),
                rejected_lines: serde_json::to_value(&lines).map_err(anyhow::Error::from)?,
                created_by: input.created_by,
                created_at: now,
            };
            diesel::insert_into(credit_imports::table)
                .values(&row)
                .execute(conn)
                .await?;
            let event = audit::Event {
                actor_id: input.created_by,
                action: "credit.import",
                object_type: "credit_import",
                object_id: Some(row.id.to_string()),
                summary: json!({
                    "source": row.source,
                    "file_name": row.file_name,
                    "encoding": row.encoding,
                    "size_bytes": row.size_bytes,
                    "read": row.read_rows,
                    "inserted": row.inserted,
                    "updated": row.updated,
                    "unchanged": row.unchanged,
                    "rejected": row.rejected,
                }),
            };
            audit::record(conn, state, meta, event).await?;
            Ok(ImportReport::from(row))
        })
        .await?;
    parsing.await.map_err(anyhow::Error::from)?;
    tracing::info!(
        import_id = %report.id,
        read = report.read,
        inserted = report.inserted,
        updated = report.updated,
        unchanged = report.unchanged,
        rejected = report.rejected,
        "credit file imported"
    );
    Ok(report)
}

/// Who imports, for the audit entries of changed records.
struct Changes<'a> {
    state: &'a AppState,
    meta: &'a RequestMeta,
    actor_id: Option<Uuid>,
    import_id: Uuid,
}

/// Inserts new records and updates changed ones of one chunk, in one statement; answers
/// (inserted, updated). Unchanged rows are left alone (not even `updated_at` moves). Each update
/// gets an audit entry with the record before and after (new records are in the import's entry).
async fn upsert(
    conn: &mut diesel_async::AsyncPgConnection,
    source: &str,
    now: DateTime<Utc>,
    rows: &[ImportRow],
    changes: &Changes<'_>,
) -> AppResult<(i64, i64)> {
    let ids: Vec<Uuid> = rows.iter().map(|_| Uuid::now_v7()).collect();
    let col = |f: fn(&ImportRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let kinds = col(|r| r.subject_kind.as_str().to_string());
    let keys = col(|r| r.subject_key.clone());
    let codes = col(|r| r.subject_code.clone());
    let names = col(|r| r.subject_name.clone());
    let severities = col(|r| r.severity.as_str().to_string());
    let categories = col(|r| r.category.clone());
    let reasons = col(|r| r.reason.clone());
    let authorities = col(|r| r.authority.clone());
    let record_ids = col(|r| r.record_id.clone());
    let decided: Vec<NaiveDate> = rows.iter().map(|r| r.decided_on).collect();
    let valid: Vec<Option<NaiveDate>> = rows.iter().map(|r| r.valid_until).collect();
    let result: Vec<Upserted> = diesel::sql_query(UPSERT_SQL.as_str())
        .bind::<Array<diesel::sql_types::Uuid>, _>(&ids)
        .bind::<Array<Text>, _>(&kinds)
        .bind::<Array<Text>, _>(&keys)
        .bind::<Array<Text>, _>(&codes)
        .bind::<Array<Text>, _>(&names)
        .bind::<Array<Text>, _>(&severities)
        .bind::<Array<Text>, _>(&categories)
        .bind::<Array<Text>, _>(&reasons)
        .bind::<Array<Text>, _>(&authorities)
        .bind::<Array<Text>, _>(&record_ids)
        .bind::<Array<Date>, _>(&decided)
        .bind::<Array<Nullable<Date>>, _>(&valid)
        .bind::<Text, _>(source)
        .bind::<Timestamptz, _>(now)
        .load(conn)
        .await?;
    let inserted = result.iter().filter(|r| r.inserted).count() as i64;
    for updated in result.iter().filter(|r| !r.inserted) {
        let event = audit::Event {
            actor_id: changes.actor_id,
            action: "credit.record_update",
            object_type: "credit_record",
            object_id: Some(updated.id.to_string()),
            summary: json!({
                "import_id": changes.import_id,
                "source": source,
                "source_record_id": updated.source_record_id,
                "before": updated.before,
                "after": updated.after,
            }),
        };
        audit::record(conn, changes.state, changes.meta, event).await?;
    }
    Ok((inserted, result.len() as i64 - inserted))
}

/// The record as its audit entries show it (persons by masked code only).
const RECORD_JSON: &str = "jsonb_build_object('subject_code', {t}.subject_code, \
    'subject_name', {t}.subject_name, 'severity', {t}.severity, 'category', {t}.category, \
    'decided_on', {t}.decided_on, 'valid_until', {t}.valid_until, 'repaired_on', {t}.repaired_on)";

/// Rows as they were (every part of the statement reads the same snapshot; imports of a source
/// hold its advisory lock), then the insert-or-update. A decision date moved past a repair clears
/// the repair: the repair was of the earlier decision.
static UPSERT_SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "
WITH old AS (
    SELECT r.id, {old_json} AS record FROM credit_records r
    WHERE r.source = $13 AND r.source_record_id = ANY($10::text[])
), up AS (
INSERT INTO credit_records (id, subject_kind, subject_key, subject_code, subject_name, severity,
    category, reason, authority, source, source_record_id, decided_on, valid_until, created_at, updated_at)
SELECT u.id, u.kind, u.key, u.code, u.name, u.severity, u.category, u.reason, u.authority, $13,
    u.record_id, u.decided_on, u.valid_until, $14, $14
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::text[], $9::text[], $10::text[], $11::date[], $12::date[])
    AS u(id, kind, key, code, name, severity, category, reason, authority, record_id, decided_on, valid_until)
ON CONFLICT (source, source_record_id) DO UPDATE SET
    subject_kind = EXCLUDED.subject_kind, subject_key = EXCLUDED.subject_key,
    subject_code = EXCLUDED.subject_code, subject_name = EXCLUDED.subject_name,
    severity = EXCLUDED.severity, category = EXCLUDED.category, reason = EXCLUDED.reason,
    authority = EXCLUDED.authority, decided_on = EXCLUDED.decided_on,
    valid_until = EXCLUDED.valid_until, updated_at = EXCLUDED.updated_at,
    repaired_on = CASE WHEN credit_records.repaired_on < EXCLUDED.decided_on THEN NULL
                       ELSE credit_records.repaired_on END,
    repair_note = CASE WHEN credit_records.repaired_on < EXCLUDED.decided_on THEN NULL
                       ELSE credit_records.repair_note END,
    repaired_by = CASE WHEN credit_records.repaired_on < EXCLUDED.decided_on THEN NULL
                       ELSE credit_records.repaired_by END,
    repaired_at = CASE WHEN credit_records.repaired_on < EXCLUDED.decided_on THEN NULL
                       ELSE credit_records.repaired_at END
WHERE (credit_records.subject_kind, credit_records.subject_key, credit_records.subject_code,
       credit_records.subject_name, credit_records.severity, credit_records.category,
       credit_records.reason, credit_records.authority, credit_records.decided_on,
       credit_records.valid_until)
    IS DISTINCT FROM
      (EXCLUDED.subject_kind, EXCLUDED.subject_key, EXCLUDED.subject_code, EXCLUDED.subject_name,
       EXCLUDED.severity, EXCLUDED.category, EXCLUDED.reason, EXCLUDED.authority,
       EXCLUDED.decided_on, EXCLUDED.valid_until)
RETURNING credit_records.id, (xmax = 0) AS inserted, credit_records.source_record_id,
    {new_json} AS record
)
SELECT up.id, up.inserted, up.source_record_id, old.record AS before, up.record AS after
FROM up LEFT JOIN old ON old.id = up.id",
        old_json = RECORD_JSON.replace("{t}", "r"),
        new_json = RECORD_JSON.replace("{t}", "credit_records"),
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoed_values_never_carry_an_id_number_and_stay_short() {
        assert_eq!(echo("34052419800101001X"), "340524********001X");
        assert_eq!(echo("张三,34052419800101001x;"), "张三,340524********001X;");
        assert_eq!(echo("严重"), "严重");
        assert_eq!(echo(&"长".repeat(40)).chars().count(), 33);
        assert!(open_ended("长期") && open_ended(" - ") && !open_ended("2024-01-02"));
    }
    use secrecy::SecretString;

    const HEADER: &str = "主体类型,主体名称,统一社会信用代码或身份证号,严重程度,失信类别,事由,认定单位,记录编号,认定日期,有效期至";

    fn privacy() -> Privacy {
        Privacy::new(SecretString::from("test-key"))
    }

    fn parse_all(text: &str) -> Result<(Vec<ImportRow>, Parser<'_>), FileError> {
        // Leaked for the test's lifetime: the parser borrows the key.
        let privacy: &'static Privacy = Box::leak(Box::new(privacy()));
        let mut parser = Parser::new(text, privacy, 1000)?;
        let mut rows = Vec::new();
        loop {
            let chunk = parser.next_chunk(2);
            if chunk.is_empty() {
                break;
            }
            rows.extend(chunk);
        }
        Ok((rows, parser))
    }

    #[test]
    fn reads_chinese_headers_quotes_crlf_and_both_date_forms() {
        let text = format!(
            "{HEADER}\r\n法人,\"厦门某公司,有限\",9135021359498494XQ,严重失信,合同违约,\"拖欠\"\"货款\"\"\r\n多行\",厦门市中级人民法院,R-1,2024-01-02,2026/1/2\r\n\
             自然人,张三,34052419800101001x,一般失信,,,,R-2,2024/1/2,\r\n"
        );
        let (rows, parser) = parse_all(&text).unwrap();
        assert_eq!(parser.rejected, 0, "{:?}", parser.report);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].subject_name, "厦门某公司,有限");
        assert_eq!(rows[0].reason, "拖欠\"货款\"\r\n多行");
        assert_eq!(rows[0].valid_until, NaiveDate::from_ymd_opt(2026, 1, 2));
        assert_eq!((rows[0].line, rows[1].line), (2, 4));
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].subject_kind, SubjectKind::Person);
        assert_eq!(rows[1].subject_code, "340524********001X");
        assert_eq!(rows[1].subject_key.len(), 64);
        assert_eq!(
            rows[1].decided_on,
            NaiveDate::from_ymd_opt(2024, 1, 2).unwrap()
        );
        assert_eq!(rows[1].valid_until, None);
    }

    #[test]
    fn english_headers_in_another_order() {
        let text = "record_id,severity,subject_code,subject_name,subject_kind,decided_on\n\
                    A1,serious,913502000728319549,Acme,organization,20240301\n";
        let (rows, _) = parse_all(text).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].severity, Severity::Serious);
        assert_eq!(rows[0].subject_key, "913502000728319549");
    }

    #[test]
    fn bad_lines_are_reported_with_numbers_and_good_ones_kept() {
        let text = format!(
            "{HEADER}\n\
             法人,甲,91350203M0001QAY9B,严重失信,,,,B1,2024-01-02,\n\
             法人,乙,913502000728319549,较重,,,,B2,2024-01-02,\n\
             自然人,丙,340524198001010010,一般失信,,,,B3,2024-01-02,\n\
             法人,丁,913502000728319549,一般失信,,,,B4,2024-13-02,\n\
             法人,,913502000728319549,一般失信,,,,B5,2024-01-02,\n\
             法人,戊,913502000728319549,一般失信,,,,B6,2024-01-02,\n\
             法人,己,913502000728319549,一般失信,,,,B6,2024-01-02,\n\
             外星人,庚,913502000728319549,一般失信,,,,B7,2024-01-02,\n\
             法人,辛,913502000728319549,一般失信,,,,B8,2024-01-02,2023-01-01\n"
        );
        let (rows, parser) = parse_all(&text).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].record_id, "B6");
        let got: Vec<(u64, &str)> = parser
            .report
            .iter()
            .map(|r| (r.line, r.code.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "check_character"),
                (3, "unknown_severity"),
                (4, "check_character"),
                (5, "bad_date"),
                (6, "missing_field"),
                (8, "duplicate_record_id"),
                (9, "unknown_subject_kind"),
                (10, "validity_before_decision"),
            ]
        );
        assert_eq!(parser.read, 9);
        assert_eq!(
            parser.report[0].column.as_deref(),
            Some("统一社会信用代码或身份证号")
        );
        // The ID number is never repeated in a report.
        assert!(
            parser
                .report
                .iter()
                .all(|r| !r.message.contains("340524198001010010"))
        );
    }

    #[test]
    fn decodes_utf8_bom_and_gbk() {
        let text =
            format!("{HEADER}\n法人,厦门某公司,913502000728319549,严重失信,,,,R1,2024-01-02,\n");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        let (decoded, encoding) = decode(&bom, EncodingChoice::Auto).unwrap();
        assert_eq!(encoding, "utf-8");
        assert!(decoded.starts_with("主体类型"));
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let (decoded, encoding) = decode(&gbk, EncodingChoice::Auto).unwrap();
        assert_eq!(encoding, "gb18030");
        assert_eq!(decoded, text);
        assert_eq!(decode(&gbk, EncodingChoice::Gbk).unwrap().0, text);
        assert_eq!(
            decode(&gbk, EncodingChoice::Utf8).unwrap_err(),
            FileError::Encoding("UTF-8")
        );
    }

    #[test]
    fn refuses_files_that_are_not_csv() {
        assert_eq!(
            decode(b"", EncodingChoice::Auto).unwrap_err(),
            FileError::Empty
        );
        assert_eq!(
            decode(b" \r\n", EncodingChoice::Auto).unwrap_err(),
            FileError::Empty
        );
        assert_eq!(
            decode(b"\xEF\xBB\xBF\r\n", EncodingChoice::Auto).unwrap_err(),
            FileError::Empty
        );
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", EncodingChoice::Auto).unwrap_err(),
            FileError::NotText
        );
        assert_eq!(
            Parser::new("hello,world\n1,2\n", &privacy(), 10).err(),
            Some(FileError::NoHeader)
        );
        assert_eq!(
            Parser::new("主体类型,主体名称,严重程度,认定日期\n", &privacy(), 10).err(),
            Some(FileError::MissingColumns(vec![
                "统一社会信用代码或身份证号",
                "记录编号"
            ]))
        );
    }

    #[test]
    fn gb18030_beyond_gbk_and_spaced_english_headers() {
        // 𠀀 (U+20000) exists in GB18030 only, as four bytes.
        let text = "Subject Kind,Subject Name,Subject Code,Severity,Record ID,Decided On\n\
                    person,王𠀀,34052419800101001X,general,P1,2024/1/2\n";
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
        assert!(!unmappable);
        let (decoded, encoding) = decode(&bytes, EncodingChoice::Auto).unwrap();
        assert_eq!(encoding, "gb18030");
        let (rows, parser) = parse_all(&decoded).unwrap();
        assert_eq!(parser.rejected, 0, "{:?}", parser.report);
        assert_eq!(rows[0].subject_name, "王𠀀");
    }

    #[test]
    fn dates() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_date("2024-01-02"), d(2024, 1, 2));
        assert_eq!(parse_date("2024/1/2"), d(2024, 1, 2));
        assert_eq!(parse_date("2024.01.2"), d(2024, 1, 2));
        assert_eq!(parse_date("20240102"), d(2024, 1, 2));
        assert_eq!(parse_date("2024年1月2日"), d(2024, 1, 2));
        assert_eq!(parse_date("2024/1/2 0:00:00"), d(2024, 1, 2));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("1/2/2024"), None);
        assert_eq!(parse_date("tomorrow"), None);
    }

    #[test]
    fn the_report_is_capped_but_every_line_counted() {
        let mut text = format!("{HEADER}\n");
        for i in 0..50 {
            text.push_str(&format!("法人,甲,bad,严重失信,,,,X{i},2024-01-02,\n"));
        }
        let privacy = privacy();
        let mut parser = Parser::new(&text, &privacy, 10).unwrap();
        assert!(parser.next_chunk(100).is_empty());
        assert_eq!(parser.rejected, 50);
        assert_eq!(parser.report.len(), 10);
        assert_eq!(parser.report[9].line, 11);
    }
}
