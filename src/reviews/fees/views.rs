//! The fee ledger as the API shows it: a JSON page, or a CSV export.

use std::collections::HashMap;

use actix_web::HttpResponse;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::http::spreadsheet::{UTF8_BOM, safe_cell};
use crate::reviews::models::Fee;

/// One entry of the fee ledger (专家评审费).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeeView {
    pub id: Uuid,
    pub expert_id: Uuid,
    pub expert_name: String,
    pub challenge_id: Uuid,
    pub challenge_title: String,
    pub assignment_id: Uuid,
    pub bids_reviewed: i32,
    #[schema(example = 160000)]
    pub amount_fen: i64,
    pub created_at: DateTime<Utc>,
}

/// A page of the ledger with the total over all pages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FeesPage {
    pub items: Vec<FeeView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// The sum of `amount_fen` over every entry the caller may see.
    pub total_amount_fen: i64,
}

impl FeeView {
    /// The entry, with the expert's name and the challenge's title from `names` and `titles`.
    pub fn of(f: Fee, names: &HashMap<Uuid, String>, titles: &HashMap<Uuid, String>) -> Self {
        FeeView {
            id: f.id,
            expert_name: names.get(&f.expert_id).cloned().unwrap_or_default(),
            expert_id: f.expert_id,
            challenge_title: titles.get(&f.challenge_id).cloned().unwrap_or_default(),
            challenge_id: f.challenge_id,
            assignment_id: f.assignment_id,
            bids_reviewed: f.bids_reviewed,
            amount_fen: f.amount_fen,
            created_at: f.created_at,
        }
    }
}

/// The CSV export of the ledger, with the total on its last line.
pub fn csv_response(items: &[FeeView], total: i64) -> AppResult<HttpResponse> {
    let mut w = csv::Writer::from_writer(UTF8_BOM.to_vec());
    let io = |e: csv::Error| AppError::from(anyhow::Error::from(e));
    w.write_record([
        "id",
        "expert_id",
        "expert_name",
        "challenge_id",
        "challenge_title",
        "assignment_id",
        "bids_reviewed",
        "amount_fen",
        "created_at",
    ])
    .map_err(io)?;
    for f in items {
        w.write_record([
            f.id.to_string(),
            f.expert_id.to_string(),
            safe_cell(&f.expert_name).into_owned(),
            f.challenge_id.to_string(),
            safe_cell(&f.challenge_title).into_owned(),
            f.assignment_id.to_string(),
            f.bids_reviewed.to_string(),
            f.amount_fen.to_string(),
            f.created_at.to_rfc3339(),
        ])
        .map_err(io)?;
    }
    w.write_record(["total", "", "", "", "", "", "", &total.to_string(), ""])
        .map_err(io)?;
    let body = w
        .into_inner()
        .map_err(|e| AppError::from(anyhow::anyhow!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"review-fees.csv\"",
        ))
        .body(body))
}
