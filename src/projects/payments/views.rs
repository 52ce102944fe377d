//! What the API shows of the ledger: its entries, a page of them with totals, the CSV export,
//! and the short form a milestone shows of its payment.

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::models::{Payment, PaymentStatus};
use crate::error::{AppError, AppResult};
use crate::http::spreadsheet::{UTF8_BOM, safe_cell};

/// One entry of the payment ledger.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentView {
    pub id: Uuid,
    pub challenge_id: Uuid,
    pub challenge_title: String,
    pub milestone_id: Uuid,
    pub milestone_position: i32,
    pub milestone_title: String,
    pub share_percent: i32,
    /// The payee: the awardee organisation.
    pub organization_id: Uuid,
    pub organization_name: String,
    #[schema(example = 150000000)]
    pub amount_fen: i64,
    pub status: PaymentStatus,
    /// The latest credit check (purpose `payment`).
    pub credit_check_id: Uuid,
    /// The check that held it, if one did.
    pub held_check_id: Option<Uuid>,
    pub released_by: Option<Uuid>,
    pub released_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<(Payment, (i32, String, i32), String, String)> for PaymentView {
    /// The entry `p` of the milestone `(position, title, share_percent)`, of the challenge
    /// titled `challenge_title`, to the payee `organization_name`.
    fn from(
        (
            p,
            (milestone_position, milestone_title, share_percent),
            challenge_title,
            organization_name,
        ): (Payment, (i32, String, i32), String, String),
    ) -> Self {
        PaymentView {
            id: p.id,
            challenge_id: p.challenge_id,
            challenge_title,
            milestone_id: p.milestone_id,
            milestone_position,
            milestone_title,
            share_percent,
            organization_id: p.organization_id,
            organization_name,
            amount_fen: p.amount_fen,
            status: p.status,
            credit_check_id: p.credit_check_id,
            held_check_id: p.held_check_id,
            released_by: p.released_by,
            released_at: p.released_at,
            created_at: p.created_at,
        }
    }
}

/// A page of the ledger with totals over every entry the caller may see under the filters.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentsPage {
    pub items: Vec<PaymentView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    #[schema(example = 250000000)]
    pub total_amount_fen: i64,
    pub released_amount_fen: i64,
    pub held_amount_fen: i64,
}

/// The payment of an accepted milestone, in short.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentBrief {
    pub id: Uuid,
    pub status: PaymentStatus,
    #[schema(example = 150000000)]
    pub amount_fen: i64,
    pub released_at: Option<DateTime<Utc>>,
}

impl From<&Payment> for PaymentBrief {
    fn from(p: &Payment) -> Self {
        PaymentBrief {
            id: p.id,
            status: p.status,
            amount_fen: p.amount_fen,
            released_at: p.released_at,
        }
    }
}

/// The columns of the CSV export.
const COLUMNS: [&str; 15] = [
    "id",
    "challenge_id",
    "challenge_title",
    "milestone_id",
    "milestone_position",
    "milestone_title",
    "share_percent",
    "organization_id",
    "organization_name",
    "amount_fen",
    "status",
    "credit_check_id",
    "held_check_id",
    "released_at",
    "created_at",
];

impl PaymentView {
    /// Its row of the CSV export, in the order of [`COLUMNS`].
    fn csv_row(&self) -> [String; 15] {
        [
            self.id.to_string(),
            self.challenge_id.to_string(),
            safe_cell(&self.challenge_title).into_owned(),
            self.milestone_id.to_string(),
            self.milestone_position.to_string(),
            safe_cell(&self.milestone_title).into_owned(),
            self.share_percent.to_string(),
            self.organization_id.to_string(),
            safe_cell(&self.organization_name).into_owned(),
            self.amount_fen.to_string(),
            self.status.as_str().to_string(),
            self.credit_check_id.to_string(),
            self.held_check_id
                .map(|c| c.to_string())
                .unwrap_or_default(),
            self.released_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            self.created_at.to_rfc3339(),
        ]
    }
}

impl PaymentsPage {
    /// The page as `payments.csv`: every entry, then a row for each total (its label in the
    /// first column, the amount in `amount_fen`'s).
    pub fn csv(&self) -> AppResult<HttpResponse> {
        let mut rows: Vec<[String; 15]> = self.items.iter().map(PaymentView::csv_row).collect();
        for (label, amount) in [
            ("total", self.total_amount_fen),
            ("total_released", self.released_amount_fen),
            ("total_held", self.held_amount_fen),
        ] {
            let mut row: [String; 15] = Default::default();
            row[0] = label.to_string();
            row[9] = amount.to_string();
            rows.push(row);
        }
        csv_download("payments.csv", &COLUMNS, rows)
    }
}

/// A CSV download named `filename`: a UTF-8 byte-order mark, the `header` and the `rows`, cells
/// as given (user-written text should go through [`safe_cell`]). (A candidate for
/// `http::spreadsheet`: the review fees' export writes the same.)
pub fn csv_download<R>(
    filename: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> AppResult<HttpResponse>
where
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let io = |e: csv::Error| AppError::from(anyhow::Error::from(e));
    let mut w = csv::Writer::from_writer(UTF8_BOM.to_vec());
    w.write_record(header).map_err(io)?;
    for row in rows {
        w.write_record(row).map_err(io)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::from(anyhow::anyhow!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body))
}
