//! Importing credit records from the credit centre's CSV files (`POST /credit/imports` and
//! `jiebang import-credit FILE` share [`super::run::run_import`]): the parser.
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

mod columns;
mod decode;
#[cfg(test)]
mod tests;
mod values;

use std::collections::HashSet;
use std::io::Read;

use chrono::NaiveDate;

use self::columns::{COLUMNS, Column, column_of};
pub use self::decode::{EncodingChoice, FileError, Text, decode};
pub use self::values::{echo, parse_date};
use self::values::{open_ended, parse_kind, parse_severity};
use super::models::Rejection;
use crate::codes::{CodeError, mask_id_number, parse_id_number, parse_uscc};
use crate::credit::models::{Severity, SubjectKind};
use crate::privacy::Privacy;

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

/// The longest record read, in bytes of its fields: a longer one is rejected unread
/// (`record_too_long`). The longest a good record can be is about 25 KiB.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// The most fields a record may have; beyond it the record is rejected (`wrong_field_count`)
/// and its fields are only counted.
pub const MAX_FIELDS: usize = 1024;
/// The size of the pieces the file is read in.
const READ_BYTES: usize = 64 * 1024;

/// Reads the rows of a file after its header, with bounded memory whatever the shape of its
/// lines: the file is read in pieces and each record into fixed buffers (`csv_core`), so a line
/// of a million separators costs what a short one does.
pub struct Parser<'a> {
    input: Box<dyn Read + 'a>,
    buffer: Vec<u8>,
    /// The unread part of `buffer`.
    at: usize,
    filled: usize,
    eof: bool,
    csv: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
    /// Line breaks read so far.
    newlines: u64,
    headers: Vec<String>,
    positions: Vec<(Column, usize)>,
    privacy: &'a Privacy,
    seen: HashSet<String>,
    /// Data rows read so far (every record but the header and empty padding rows).
    pub read: u64,
    /// Rejected rows so far.
    pub rejected: u64,
    /// The first `keep` rejected lines.
    pub report: Vec<Rejection>,
    keep: usize,
}

/// One record as read: its first line and its fields, or why they were not kept.
struct Record {
    line: u64,
    fields: Result<Vec<String>, Rejection>,
}

impl<'a> Parser<'a> {
    /// Reads the header from `input` (UTF-8 text: [`Text::reader`]); `keep` caps the rejected
    /// lines kept for the report.
    pub fn new(
        input: impl Read + 'a,
        privacy: &'a Privacy,
        keep: usize,
    ) -> Result<Self, FileError> {
        let mut parser = Parser {
            input: Box::new(input),
            buffer: vec![0; READ_BYTES],
            at: 0,
            filled: 0,
            eof: false,
            csv: csv_core::Reader::new(),
            fields: vec![0; MAX_RECORD_BYTES],
            ends: vec![0; MAX_FIELDS],
            newlines: 0,
            headers: Vec::new(),
            positions: Vec::new(),
            privacy,
            seen: HashSet::new(),
            read: 0,
            rejected: 0,
            report: Vec::new(),
            keep,
        };
        let headers: Vec<String> = match parser.next_record() {
            Some(Record {
                fields: Ok(fields), ..
            }) => fields
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
                .collect(),
            _ => return Err(FileError::NoHeader),
        };
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
        parser.headers = headers;
        parser.positions = positions;
        Ok(parser)
    }

    /// Up to `max` good rows; empty at the end of the file. Bad rows go to the report.
    pub fn next_chunk(&mut self, max: usize) -> Vec<ImportRow> {
        let mut rows = Vec::new();
        while rows.len() < max {
            let Some(Record { line, fields }) = self.next_record() else {
                break;
            };
            let fields = match fields {
                // Spreadsheet padding: a row of empty cells, no wider than the header, is no
                // line at all.
                Ok(fields)
                    if fields.len() <= self.headers.len()
                        && fields.iter().all(|cell| cell.trim().is_empty()) =>
                {
                    continue;
                }
                Ok(fields) => fields,
                Err(rejection) => {
                    self.read += 1;
                    self.reject(rejection);
                    continue;
                }
            };
            self.read += 1;
            match self.row(line, &fields) {
                Ok(row) => rows.push(row),
                Err(rejected) => self.reject(rejected),
            }
        }
        rows
    }

    /// The next record, `None` at the end of the file. A record longer than
    /// [`MAX_RECORD_BYTES`] or wider than [`MAX_FIELDS`] is read through without being kept.
    fn next_record(&mut self) -> Option<Record> {
        use csv_core::ReadRecordResult::*;
        let mut line = None;
        let (mut written, mut ended, mut fields) = (0, 0, 0u64);
        let mut too_long = false;
        loop {
            if self.at == self.filled && !self.eof {
                self.fill();
            }
            let input = &self.buffer[self.at..self.filled];
            if line.is_none() {
                // Blank lines before a record are skipped (as `csv_core` would), counted here so
                // that the record's own line is known.
                let blank = input
                    .iter()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
                self.newlines += newlines(&input[..blank]);
                self.at += blank;
                if self.at == self.filled && !self.eof {
                    continue;
                }
                line = Some(self.newlines + 1);
            }
            let input = &self.buffer[self.at..self.filled];
            let (result, read, wrote, ends) =
                self.csv
                    .read_record(input, &mut self.fields[written..], &mut self.ends[ended..]);
            self.newlines += newlines(&input[..read]);
            self.at += read;
            written += wrote;
            ended += ends;
            match result {
                InputEmpty => {}
                // Too long to keep: read on, keeping nothing.
                OutputFull => {
                    too_long = true;
                    written = 0;
                }
                OutputEndsFull => {
                    fields += ended as u64;
                    ended = 0;
                }
                Record => {
                    fields += ended as u64;
                    let line = line.unwrap_or(self.newlines);
                    return Some(self.record(line, written, ended, fields, too_long));
                }
                End => return None,
            }
        }
    }

    /// The record just read into `self.fields` (`written` bytes, `ended` field ends; `fields`
    /// fields in all).
    fn record(
        &self,
        line: u64,
        written: usize,
        ended: usize,
        fields: u64,
        too_long: bool,
    ) -> Record {
        let fail = |code: &str| Rejection::new(line, None, code);
        let fields = if too_long {
            Err(fail("record_too_long").with("max", MAX_RECORD_BYTES))
        } else if fields > ended as u64 {
            Err(fail("wrong_field_count")
                .with("fields", fields)
                .with("columns", self.headers.len()))
        } else {
            let bytes = &self.fields[..written];
            let mut start = 0;
            self.ends[..ended]
                .iter()
                .map(|&end| {
                    let field = std::str::from_utf8(&bytes[start..end]).map(str::to_string);
                    start = end;
                    field
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| fail("unreadable"))
        };
        Record { line, fields }
    }

    /// Reads the next piece of the file into the buffer (at the end: `eof`).
    fn fill(&mut self) {
        self.at = 0;
        self.filled = 0;
        loop {
            match self.input.read(&mut self.buffer) {
                Ok(0) => {
                    self.eof = true;
                    return;
                }
                Ok(n) => {
                    self.filled = n;
                    return;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => {
                    self.eof = true;
                    return;
                }
            }
        }
    }

    fn reject(&mut self, line: Rejection) {
        self.rejected += 1;
        if self.report.len() < self.keep {
            self.report.push(line);
        }
    }

    fn row(&mut self, line: u64, record: &[String]) -> Result<ImportRow, Rejection> {
        let fail = |column: Option<usize>, code: &str| {
            Rejection::new(
                line,
                column.and_then(|i| self.headers.get(i).cloned()),
                code,
            )
        };
        let too_long =
            |column: Option<usize>, max: usize| fail(column, "too_long").with("max", max);
        let extra_filled = record
            .iter()
            .skip(self.headers.len())
            .any(|f| !f.trim().is_empty());
        if extra_filled {
            return Err(fail(None, "wrong_field_count")
                .with("fields", record.len())
                .with("columns", self.headers.len()));
        }
        let get = |column: Column| -> (Option<usize>, &str) {
            match self.positions.iter().find(|(c, _)| *c == column) {
                Some(&(_, index)) => (Some(index), record.get(index).map_or("", |f| f.trim())),
                None => (None, ""),
            }
        };
        let required = |column: Column| -> Result<(Option<usize>, &str), Rejection> {
            let (index, value) = get(column);
            if value.is_empty() {
                Err(fail(index, "missing_field"))
            } else {
                Ok((index, value))
            }
        };
        let limited = |column: Column, max: usize| -> Result<String, Rejection> {
            let (index, value) = get(column);
            if value.chars().count() > max {
                Err(too_long(index, max))
            } else {
                Ok(value.to_string())
            }
        };
        // A value the file gave that is not one we read, repeated masked and cut short.
        let echoed = |column: Option<usize>, code: &str, value: &str| {
            fail(column, code).with("value", echo(value))
        };

        let (index, kind) = required(Column::Kind)?;
        let subject_kind =
            parse_kind(kind).ok_or_else(|| echoed(index, "unknown_subject_kind", kind))?;
        let (index, name) = required(Column::Name)?;
        if name.chars().count() > 200 {
            return Err(too_long(index, 200));
        }
        let (index, code) = required(Column::Code)?;
        let code_error = |e: CodeError| fail(index, e.code().as_str()).with("kind", subject_kind);
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
        let severity =
            parse_severity(severity).ok_or_else(|| echoed(index, "unknown_severity", severity))?;
        let (index, decided) = required(Column::DecidedOn)?;
        let decided_on = parse_date(decided).ok_or_else(|| echoed(index, "bad_date", decided))?;
        let (index, valid) = get(Column::ValidUntil);
        let valid_until = if open_ended(valid) {
            None
        } else {
            let date = parse_date(valid).ok_or_else(|| echoed(index, "bad_date", valid))?;
            if date < decided_on {
                return Err(fail(index, "validity_before_decision"));
            }
            Some(date)
        };
        let (index, record_id) = required(Column::RecordId)?;
        if record_id.chars().count() > 100 {
            return Err(too_long(index, 100));
        }
        let category = limited(Column::Category, 500)?;
        let reason = limited(Column::Reason, 5000)?;
        let authority = limited(Column::Authority, 500)?;
        if !self.seen.insert(record_id.to_string()) {
            return Err(echoed(index, "duplicate_record_id", record_id));
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

/// The number of line breaks in `bytes`.
fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}
