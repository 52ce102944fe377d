//! Reading a file's bytes as text: UTF-8 (BOM or not) or GBK/GB18030, and refusing what is not
//! CSV text at all.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::columns::COLUMNS;
use crate::error::{AppError, ErrorCode};

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
