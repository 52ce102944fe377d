//! `GET /payments` and `POST /payments/{id}/release`.

use actix_web::web::{Data, Json, Path};
use actix_web::{Either, HttpRequest, HttpResponse, get, post};
use uuid::Uuid;

use super::input::PaymentsQuery;
use super::queries::{self, Ledger};
use super::views::{PaymentView, PaymentsPage};
use super::{lifecycle, rules};
use crate::audit::RequestMeta;
use crate::auth::{AdminsOnly, AuthUser, NotForExperts, Role};
use crate::db;
use crate::error::{AppResult, ProblemBody};
use crate::http::spreadsheet::ExportFormat;
use crate::http::{BadListQuery, ValidQuery};
use crate::projects::queries::{self as project, Lock, ProjectViewer};
use crate::state::AppState;

/// The payment ledger, by role: admins see every entry, issuers those of their organisation's
/// challenges, solvers their organisation's; experts none (403). Filters `challenge_id` and
/// `status`; totals over every matching entry (all, released, held), in fen. `?format=csv` or
/// `Accept: text/csv` exports every matching entry with the totals.
#[utoipa::path(
    tag = "projects",
    params(PaymentsQuery),
    responses(
        (status = 200, description = "The ledger (JSON page, or `text/csv`)", content(
            (PaymentsPage = "application/json"),
            (String = "text/csv"),
        )),
        NotForExperts,
        BadListQuery,
    ),
    security(("bearer" = []))
)]
#[get("/payments")]
pub async fn list_payments(
    state: Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    query: ValidQuery<PaymentsQuery>,
) -> AppResult<Either<Json<PaymentsPage>, HttpResponse>> {
    let viewer = ProjectViewer::party(&user)?;
    let q = query.into_inner();
    let csv = ExportFormat::wants_csv(q.format, &req);
    let page = q.page()?;
    let ledger = Ledger {
        viewer,
        challenge_id: q.challenge_id,
        status: q.status,
    };
    let mut conn = state.conn().await?;
    let totals = ledger.totals(&mut conn).await?;
    let result = PaymentsPage {
        items: ledger.load(&mut conn, (!csv).then_some(page)).await?,
        total: totals.count,
        page: page.page,
        per_page: page.per_page,
        total_amount_fen: totals.amount_fen,
        released_amount_fen: totals.released_fen,
        held_amount_fen: totals.held_fen,
    };
    Ok(if csv {
        Either::Right(result.csv()?)
    } else {
        Either::Left(Json(result))
    })
}

/// Release a held payment (admins): the payee's credit is checked again (purpose `payment`, kept
/// on record); if it no longer blocks, the entry becomes `released`; otherwise 409
/// `payment_blocked` with the standing.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Payment id")),
    responses(
        (status = 200, description = "Released", body = PaymentView),
        AdminsOnly,
        (status = 404, description = "No such payment", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not held (`payment_not_held`), or the credit check still blocks (`payment_blocked`, with the standing and the check id)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/payments/{id}/release")]
#[tracing::instrument(skip_all)]
pub async fn release_payment(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<Json<PaymentView>> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    // Refuse early what the state does not allow, before a credit check is run for nothing.
    let read = queries::find(&mut conn, *id, Lock::No).await?;
    lifecycle::may_release(read.status)?;
    let challenge = project::challenge(&mut conn, read.challenge_id, Lock::No).await?;
    let check = rules::credit_check(
        &mut conn,
        &state,
        &meta,
        Some(user.id),
        &challenge,
        read.organization_id,
        read.milestone_id,
    )
    .await?;
    lifecycle::cleared(&check)?;
    let payment = db::transaction(&mut conn, async |conn| {
        let current = queries::find(conn, read.id, Lock::Update).await?;
        lifecycle::release(conn, &state, &meta, user.id, &current, &check).await
    })
    .await?;
    Ok(Json(Ledger::all().view(&mut conn, payment.id).await?))
}
