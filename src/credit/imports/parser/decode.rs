//! Reading a file's bytes as text: UTF-8 (BOM or not) or GBK/GB18030, and refusing what is not
//! CSV text at all.

use std::io::Read;

use encoding_rs::DecoderResult;

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

/// A file's text, not copied: UTF-8 is read in place, GB18030 decoded as it is read (a whole
/// decoded copy of a large file would double what an import holds).
#[derive(Debug, Clone, Copy)]
pub enum Text<'a> {
    /// Valid UTF-8, without its BOM.
    Utf8(&'a str),
    /// Bytes that decode cleanly as GB18030.
    Gb18030(&'a [u8]),
}

impl<'a> Text<'a> {
    /// The text as UTF-8 bytes, read in pieces.
    pub fn reader(self) -> Box<dyn Read + 'a> {
        match self {
            Text::Utf8(text) => Box::new(text.as_bytes()),
            Text::Gb18030(bytes) => Box::new(GbReader {
                rest: bytes,
                decoder: encoding_rs::GB18030.new_decoder_without_bom_handling(),
                pending: Vec::new(),
            }),
        }
    }

    /// The whole text (tests).
    #[cfg(test)]
    pub fn to_text(self) -> String {
        let mut text = String::new();
        self.reader().read_to_string(&mut text).unwrap();
        text
    }
}

/// GB18030 bytes read as UTF-8.
struct GbReader<'a> {
    rest: &'a [u8],
    decoder: encoding_rs::Decoder,
    /// Decoded bytes a short read had no room for.
    pending: Vec<u8>,
}

impl Read for GbReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() && !self.rest.is_empty() {
            // A character takes up to 4 bytes: a shorter `out` gets them through `pending`.
            let mut small = [0u8; 16];
            let target: &mut [u8] = if out.len() >= 4 { out } else { &mut small };
            // The whole rest is always given, so `last` holds: called again after `OutputFull`.
            let mut written = 0;
            while written == 0 && !self.rest.is_empty() {
                let (_, read, wrote, _) = self.decoder.decode_to_utf8(self.rest, target, true);
                self.rest = &self.rest[read..];
                written = wrote;
            }
            if out.len() >= 4 {
                return Ok(written);
            }
            self.pending.extend_from_slice(&small[..written]);
        }
        let n = self.pending.len().min(out.len());
        out[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

/// Decodes a file's bytes; answers its text (without BOM) and the encoding's name. Checks the
/// whole file (encoding, control characters) without copying it.
pub fn decode(bytes: &[u8], choice: EncodingChoice) -> Result<(Text<'_>, &'static str), FileError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileError::Empty);
    }
    if bytes.contains(&0) {
        return Err(FileError::NotText);
    }
    let utf8 = || -> Option<Text<'_>> {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        std::str::from_utf8(body).ok().map(Text::Utf8)
    };
    let gb = || -> Option<Text<'_>> { gb_clean(bytes).then_some(Text::Gb18030(bytes)) };
    let (text, name) = match choice {
        EncodingChoice::Utf8 => (utf8().ok_or(FileError::Encoding("UTF-8"))?, "utf-8"),
        EncodingChoice::Gbk => (gb().ok_or(FileError::Encoding("GBK/GB18030"))?, "gb18030"),
        EncodingChoice::Auto => match utf8() {
            Some(text) => (text, "utf-8"),
            None => (gb().ok_or(FileError::Encoding("UTF-8, GBK"))?, "gb18030"),
        },
    };
    let (mut blank, mut control) = (true, false);
    for_each_piece(text, |piece| {
        blank &= piece.trim().is_empty();
        control |= piece
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'));
    });
    if blank {
        return Err(FileError::Empty);
    }
    if control {
        return Err(FileError::NotText);
    }
    Ok((text, name))
}

/// Whether `bytes` decode as GB18030 without a malformed sequence (in pieces, nothing kept).
fn gb_clean(bytes: &[u8]) -> bool {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut out = vec![0u8; PIECE];
    let mut rest = bytes;
    loop {
        let (result, read, _) = decoder.decode_to_utf8_without_replacement(rest, &mut out, true);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => return true,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(..) => return false,
        }
    }
}

/// Size of the pieces text is decoded in.
const PIECE: usize = 64 * 1024;

/// Calls `f` with the text in pieces of whole characters.
fn for_each_piece(text: Text<'_>, mut f: impl FnMut(&str)) {
    match text {
        Text::Utf8(text) => f(text),
        Text::Gb18030(bytes) => {
            let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
            let mut out = String::with_capacity(PIECE);
            let mut rest = bytes;
            loop {
                out.clear();
                let (result, read, _) = decoder.decode_to_string(rest, &mut out, true);
                rest = &rest[read..];
                f(&out);
                if result == encoding_rs::CoderResult::InputEmpty {
                    return;
                }
            }
        }
    }
}
