//! How an expert's profile is stored: conflicts checked and normalised, fields as sorted texts,
//! and what an edit leaves as it was.

use chrono::{DateTime, Utc};

use super::input::UpdateExpert;
use crate::challenges::models::Field;
use crate::codes::parse_uscc;
use crate::error::{AppError, AppResult, FieldError};
use crate::reviews::models::{Expert, ExpertChanges};

/// USCCs as stored: each checked (422 naming the entry), upper case, no duplicates.
pub fn parse_conflicts(list: &[String]) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, u) in list.iter().enumerate() {
        match parse_uscc(u) {
            Ok(u) if !out.contains(&u) => out.push(u),
            Ok(_) => {}
            Err(e) => errors.push(FieldError::new(format!("conflict_usccs[{i}]"), e.code())),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Validation(errors))
    }
}

pub fn field_texts(fields: &[Field]) -> Vec<String> {
    let mut out: Vec<String> = fields.iter().map(|f| f.as_str().to_string()).collect();
    out.sort();
    out.dedup();
    out
}

/// An edit's values, checked before anything is loaded (422 naming a bad USCC).
pub struct Edit {
    fields: Option<Vec<String>>,
    title: Option<String>,
    conflict_usccs: Option<Vec<String>>,
}

impl Edit {
    pub fn check(req: &UpdateExpert) -> AppResult<Edit> {
        Ok(Edit {
            fields: req.fields.as_deref().map(field_texts),
            title: req.title.as_deref().map(|t| t.trim().to_string()),
            conflict_usccs: req
                .conflict_usccs
                .as_deref()
                .map(parse_conflicts)
                .transpose()?,
        })
    }

    /// What the edit sets on `current`: what it gives, the rest as it was.
    pub fn changes(self, current: &Expert, now: DateTime<Utc>) -> ExpertChanges {
        ExpertChanges {
            fields: self
                .fields
                .unwrap_or_else(|| current.fields.iter().flatten().cloned().collect()),
            title: self.title.unwrap_or_else(|| current.title.clone()),
            conflict_usccs: self.conflict_usccs.unwrap_or_else(|| current.conflicts()),
            updated_at: now,
        }
    }
}
