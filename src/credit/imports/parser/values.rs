//! Reading the values of a row: subject kinds, severities, dates, open-ended validity; and how a
//! value may be repeated in a report.

use chrono::NaiveDate;

use crate::codes::{mask_id_number, parse_id_number};
use crate::credit::models::{Severity, SubjectKind};

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
pub(super) fn open_ended(value: &str) -> bool {
    matches!(
        value.trim(),
        "" | "长期" | "永久" | "长期有效" | "无" | "-" | "—" | "/" | "无限期"
    )
}

pub(super) fn parse_kind(value: &str) -> Option<SubjectKind> {
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

pub(super) fn parse_severity(value: &str) -> Option<Severity> {
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
