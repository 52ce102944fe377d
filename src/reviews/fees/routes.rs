//! `GET /fees` (admins and experts).

use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, get};
use uuid::Uuid;

use super::input::FeesQuery;
use super::queries;
use super::views::{FeeView, FeesPage, csv_response};
use crate::auth::{AuthUser, Role};
use crate::error::{AppResult, ProblemBody};
use crate::http::ValidQuery;
use crate::http::pagination::PageParams;
use crate::http::spreadsheet::ExportFormat;
use crate::reviews::seats::queries::display_names;
use crate::state::AppState;

/// The fee ledger: admins see every entry, experts their own; `?format=csv` exports it.
#[utoipa::path(
    tag = "review",
    params(FeesQuery),
    responses(
        (status = 200, description = "The ledger (JSON page, or `text/csv` with `format=csv`)", content(
            (FeesPage = "application/json"),
            (String = "text/csv"),
        )),
        (status = 403, description = "Admins and experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/fees")]
pub async fn list_fees(
    state: Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    query: ValidQuery<FeesQuery>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin, Role::Expert])?;
    let q = query.into_inner();
    let page = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .validate()?;
    let only: Option<Uuid> = (user.role == Role::Expert).then_some(user.id);
    let mut conn = state.conn().await?;
    let (total, amount) = queries::totals(&mut conn, only).await?;
    let csv = ExportFormat::wants_csv(q.format, &req);
    let fees = queries::list(&mut conn, only, (!csv).then_some(page)).await?;
    let expert_ids: Vec<Uuid> = fees.iter().map(|f| f.expert_id).collect();
    let challenge_ids: Vec<Uuid> = fees.iter().map(|f| f.challenge_id).collect();
    let names = display_names(&mut conn, &expert_ids).await?;
    let titles = queries::challenge_titles(&mut conn, &challenge_ids).await?;
    let items: Vec<FeeView> = fees
        .into_iter()
        .map(|f| FeeView::of(f, &names, &titles))
        .collect();
    if csv {
        return csv_response(&items, amount);
    }
    Ok(HttpResponse::Ok().json(FeesPage {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
        total_amount_fen: amount,
    }))
}
