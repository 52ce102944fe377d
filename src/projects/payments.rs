//! The payment ledger (SPEC §7): one entry per accepted milestone, for its amount, recorded as due
//! for payment (the system pays nothing). Before each entry the payee's credit is checked again
//! (purpose `payment`): `pass` or `warn` records the entry `released`, `block` records it `held`
//! with the check. `POST /payments/{id}/release` (admins) checks again and releases a held entry
//! once the check passes. `GET /payments` lists the ledger by role, with totals, also as CSV.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get, post};
use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::models::{Milestone, Payment, PaymentStatus};
use crate::accounts::queries as accounts;
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::challenges::models::Challenge;
use crate::credit::{self, CheckRequest, CheckResult, CheckView, Purpose, Subject};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::ValidQuery;
use crate::http::pagination::PageParams;
use crate::http::spreadsheet::{UTF8_BOM, safe_cell};
use crate::notifications::yuan;
use crate::notifications::{Recipient, notify};
use crate::projects::notices::PaymentHeld;
use crate::schema::{challenges, milestones, organizations, payments};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_payments).service(release_payment);
}

fn payments_url(state: &AppState) -> String {
    format!(
        "{}/api/v1/payments",
        state.settings.mail.public_url.trim_end_matches('/')
    )
}

/// The payee's credit check before a payment, committed in a transaction of its own so that it
/// stays on record whatever follows (called inside another transaction, as by the acceptance's
/// close, it is a savepoint and is kept with that transaction). A general record blocks where the challenge says general
/// records block (as for its bids); otherwise it only warns.
pub(crate) async fn credit_check(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    requested_by: Option<Uuid>,
    challenge: &Challenge,
    payee: Uuid,
    milestone_id: Uuid,
) -> AppResult<CheckView> {
    let (_, uscc, name) = crate::bids::queries::organization(conn, payee).await?;
    let subject = Subject::organization(&uscc, &name)
        .map_err(|e| anyhow::anyhow!("stored USCC is invalid: {e:?}"))?;
    conn.transaction::<_, AppError, _>(async |conn| {
        credit::check(
            conn,
            state,
            meta,
            CheckRequest {
                subject,
                purpose: Purpose::Payment,
                general_blocks: challenge.general_credit_blocks,
                requested_by,
                context: Some(json!({"challenge_id": challenge.id, "milestone_id": milestone_id})),
            },
        )
        .await
    })
    .await
}

/// Writes the ledger entry of an accepted milestone, in the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    challenge: &Challenge,
    milestone: &Milestone,
    payee: Uuid,
    check: &CheckView,
) -> AppResult<Payment> {
    let now = state.clock.now();
    let held = check.result == CheckResult::Block;
    let status = if held {
        PaymentStatus::Held
    } else {
        PaymentStatus::Released
    };
    let payment: Payment = diesel::insert_into(payments::table)
        .values((
            payments::id.eq(Uuid::now_v7()),
            payments::milestone_id.eq(milestone.id),
            payments::challenge_id.eq(challenge.id),
            payments::organization_id.eq(payee),
            payments::amount_fen.eq(milestone.amount_fen),
            payments::status.eq(status),
            payments::credit_check_id.eq(check.id),
            payments::held_check_id.eq(held.then_some(check.id)),
            // Released on acceptance: by the issuer who accepted.
            payments::released_by.eq((!held).then_some(actor)),
            payments::released_at.eq((!held).then_some(now)),
            payments::created_at.eq(now),
            payments::updated_at.eq(now),
        ))
        .returning(Payment::as_returning())
        .get_result(conn)
        .await?;
    audit::record(
        conn,
        state,
        meta,
        audit::Event {
            actor_id: Some(actor),
            action: "payment.record",
            object_type: "payment",
            object_id: Some(payment.id.to_string()),
            summary: json!({
                "challenge_id": challenge.id,
                "milestone_id": milestone.id,
                "organization_id": payee,
                "amount_fen": payment.amount_fen,
                "status": payment.status,
                "credit_check_id": check.id,
                "credit_result": check.result,
            }),
        },
    )
    .await?;
    Ok(payment)
}

/// Tells the awardee's solvers, the issuer's accounts and the admins that a payment is held.
pub(crate) async fn notify_held(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    challenge: &Challenge,
    milestone: &Milestone,
    payee: Uuid,
    check: &CheckView,
) -> AppResult<()> {
    let (_, _, organization_name) = crate::bids::queries::organization(conn, payee).await?;
    // The payee, the issuer whose bounty it is, and the program office.
    let mut people = accounts::organization_accounts(conn, payee, Role::Solver).await?;
    people.extend(crate::challenges::notify::issuer_accounts(conn, challenge).await?);
    people.extend(accounts::admin_accounts(conn).await?);
    for user in people {
        let notice = PaymentHeld {
            display_name: user.display_name.clone(),
            title: challenge.title.clone(),
            milestone_title: milestone.title.clone(),
            organization_name: organization_name.clone(),
            amount: yuan(milestone.amount_fen),
            standing: check.standing,
            url: payments_url(state),
        };
        notify(conn, state, &Recipient::from(&user), &notice).await?;
    }
    Ok(())
}

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

/// `GET /payments` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PaymentsQuery {
    /// Only this challenge's entries.
    pub challenge_id: Option<Uuid>,
    /// Only `held` or `released` entries.
    pub status: Option<PaymentStatus>,
    /// `csv` for a CSV export of every entry (no paging; also with `Accept: text/csv`).
    pub format: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// Whose entries a caller sees.
#[derive(Debug, Clone, Copy)]
enum LedgerViewer {
    Admin,
    Issuer(Uuid),
    Solver(Uuid),
}

type Boxed<'a> = payments::BoxedQuery<'a, diesel::pg::Pg>;

fn filtered<'a>(
    viewer: LedgerViewer,
    challenge_id: Option<Uuid>,
    status: Option<PaymentStatus>,
) -> Boxed<'a> {
    let mut query = payments::table.into_boxed();
    match viewer {
        LedgerViewer::Admin => {}
        LedgerViewer::Issuer(org) => {
            query = query.filter(
                payments::challenge_id.eq_any(
                    challenges::table
                        .filter(challenges::issuer_org_id.eq(org))
                        .select(challenges::id),
                ),
            );
        }
        LedgerViewer::Solver(org) => query = query.filter(payments::organization_id.eq(org)),
    }
    if let Some(id) = challenge_id {
        query = query.filter(payments::challenge_id.eq(id));
    }
    if let Some(status) = status {
        query = query.filter(payments::status.eq(status));
    }
    query
}

fn sum_fen() -> diesel::expression::SqlLiteral<Nullable<BigInt>> {
    sql::<Nullable<BigInt>>("sum(payments.amount_fen)::bigint")
}

async fn payment_views(
    conn: &mut AsyncPgConnection,
    rows: Vec<Payment>,
) -> AppResult<Vec<PaymentView>> {
    let milestone_ids: Vec<Uuid> = rows.iter().map(|p| p.milestone_id).collect();
    let challenge_ids: Vec<Uuid> = rows.iter().map(|p| p.challenge_id).collect();
    let org_ids: Vec<Uuid> = rows.iter().map(|p| p.organization_id).collect();
    let steps: HashMap<Uuid, (i32, String, i32)> = milestones::table
        .filter(milestones::id.eq_any(&milestone_ids))
        .select((
            milestones::id,
            milestones::position,
            milestones::title,
            milestones::share_percent,
        ))
        .load::<(Uuid, i32, String, i32)>(conn)
        .await?
        .into_iter()
        .map(|(id, p, t, s)| (id, (p, t, s)))
        .collect();
    let titles: HashMap<Uuid, String> = challenges::table
        .filter(challenges::id.eq_any(&challenge_ids))
        .select((challenges::id, challenges::title))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    let names: HashMap<Uuid, String> = organizations::table
        .filter(organizations::id.eq_any(&org_ids))
        .select((organizations::id, organizations::name))
        .load::<(Uuid, String)>(conn)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|p| {
            let (position, title, share) = steps.get(&p.milestone_id).cloned().unwrap_or_default();
            PaymentView {
                id: p.id,
                challenge_title: titles.get(&p.challenge_id).cloned().unwrap_or_default(),
                challenge_id: p.challenge_id,
                milestone_id: p.milestone_id,
                milestone_position: position,
                milestone_title: title,
                share_percent: share,
                organization_name: names.get(&p.organization_id).cloned().unwrap_or_default(),
                organization_id: p.organization_id,
                amount_fen: p.amount_fen,
                status: p.status,
                credit_check_id: p.credit_check_id,
                held_check_id: p.held_check_id,
                released_by: p.released_by,
                released_at: p.released_at,
                created_at: p.created_at,
            }
        })
        .collect())
}

fn wants_csv(req: &HttpRequest, format: Option<&str>) -> bool {
    format == Some("csv")
        || req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"))
}

fn csv_response(items: &[PaymentView], page: &PaymentsPage) -> AppResult<HttpResponse> {
    let mut w = csv::Writer::from_writer(UTF8_BOM.to_vec());
    let io = |e: csv::Error| AppError::from(anyhow::Error::from(e));
    w.write_record([
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
    ])
    .map_err(io)?;
    for p in items {
        w.write_record([
            p.id.to_string(),
            p.challenge_id.to_string(),
            safe_cell(&p.challenge_title).into_owned(),
            p.milestone_id.to_string(),
            p.milestone_position.to_string(),
            safe_cell(&p.milestone_title).into_owned(),
            p.share_percent.to_string(),
            p.organization_id.to_string(),
            safe_cell(&p.organization_name).into_owned(),
            p.amount_fen.to_string(),
            p.status.as_str().to_string(),
            p.credit_check_id.to_string(),
            p.held_check_id.map(|c| c.to_string()).unwrap_or_default(),
            p.released_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            p.created_at.to_rfc3339(),
        ])
        .map_err(io)?;
    }
    for (label, amount) in [
        ("total", page.total_amount_fen),
        ("total_released", page.released_amount_fen),
        ("total_held", page.held_amount_fen),
    ] {
        let mut row = vec![String::new(); 15];
        row[0] = label.to_string();
        row[9] = amount.to_string();
        w.write_record(&row).map_err(io)?;
    }
    let body = w
        .into_inner()
        .map_err(|e| AppError::from(anyhow::anyhow!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"payments.csv\"",
        ))
        .body(body))
}

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
        (status = 403, description = "Not for experts (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/payments")]
pub async fn list_payments(
    state: Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    query: ValidQuery<PaymentsQuery>,
) -> AppResult<HttpResponse> {
    let viewer = match (user.role, user.organization_id) {
        (Role::Admin, _) => LedgerViewer::Admin,
        (Role::Issuer, Some(org)) => LedgerViewer::Issuer(org),
        (Role::Solver, Some(org)) => LedgerViewer::Solver(org),
        _ => return Err(AppError::Forbidden),
    };
    let q = query.into_inner();
    if q.format
        .as_deref()
        .is_some_and(|f| f != "csv" && f != "json")
    {
        return Err(AppError::validation("format", FieldCode::InvalidChoice));
    }
    let page = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .validate()?;
    let base = || filtered(viewer, q.challenge_id, q.status);
    let mut conn = state.conn().await?;
    let total: i64 = base().count().get_result(&mut conn).await?;
    let total_amount: Option<i64> = base().select(sum_fen()).first(&mut conn).await?;
    let released: Option<i64> = base()
        .filter(payments::status.eq(PaymentStatus::Released))
        .select(sum_fen())
        .first(&mut conn)
        .await?;
    let held: Option<i64> = base()
        .filter(payments::status.eq(PaymentStatus::Held))
        .select(sum_fen())
        .first(&mut conn)
        .await?;
    let csv = wants_csv(&req, q.format.as_deref());
    let mut rows = base().order((payments::created_at.asc(), payments::id.asc()));
    if !csv {
        rows = rows.limit(page.per_page).offset(page.offset());
    }
    let rows: Vec<Payment> = rows.select(Payment::as_select()).load(&mut conn).await?;
    let items = payment_views(&mut conn, rows).await?;
    let result = PaymentsPage {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
        total_amount_fen: total_amount.unwrap_or(0),
        released_amount_fen: released.unwrap_or(0),
        held_amount_fen: held.unwrap_or(0),
    };
    if csv {
        return csv_response(&result.items, &result);
    }
    Ok(HttpResponse::Ok().json(result))
}

fn not_held(status: PaymentStatus) -> AppError {
    AppError::conflict(ErrorCode::PaymentNotHeld)
        .arg("current", status)
        .field(
            FieldError::new("status", FieldCode::InvalidTransition).with_param("current", status),
        )
}

/// Release a held payment (admins): the payee's credit is checked again (purpose `payment`, kept
/// on record); if it no longer blocks, the entry becomes `released`; otherwise 409
/// `payment_blocked` with the standing.
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Payment id")),
    responses(
        (status = 200, description = "Released", body = PaymentView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    let read: Payment = payments::table
        .find(id.into_inner())
        .select(Payment::as_select())
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)?;
    if read.status != PaymentStatus::Held {
        return Err(not_held(read.status));
    }
    let challenge: Challenge = challenges::table
        .find(read.challenge_id)
        .select(Challenge::as_select())
        .first(&mut conn)
        .await?;
    let check = credit_check(
        &mut conn,
        &state,
        &meta,
        Some(user.id),
        &challenge,
        read.organization_id,
        read.milestone_id,
    )
    .await?;
    if check.result == CheckResult::Block {
        return Err(AppError::conflict(ErrorCode::PaymentBlocked)
            .arg("standing", check.standing)
            .field(
                FieldError::new("organization", FieldCode::PaymentHeld)
                    .with_param("standing", check.standing)
                    .with_param("check_id", check.id),
            ));
    }
    let payment = conn
        .transaction::<_, AppError, _>(async |conn| {
            let current: Payment = payments::table
                .find(read.id)
                .select(Payment::as_select())
                .for_update()
                .first(conn)
                .await?;
            if current.status != PaymentStatus::Held {
                return Err(not_held(current.status));
            }
            let now = state.clock.now();
            let updated: Payment = diesel::update(payments::table.find(current.id))
                .set((
                    payments::status.eq(PaymentStatus::Released),
                    payments::credit_check_id.eq(check.id),
                    payments::released_by.eq(user.id),
                    payments::released_at.eq(now),
                    payments::updated_at.eq(now),
                ))
                .returning(Payment::as_returning())
                .get_result(conn)
                .await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "payment.release",
                    object_type: "payment",
                    object_id: Some(updated.id.to_string()),
                    summary: json!({
                        "challenge_id": updated.challenge_id,
                        "milestone_id": updated.milestone_id,
                        "amount_fen": updated.amount_fen,
                        "from": current.status,
                        "to": updated.status,
                        "held_check_id": current.held_check_id,
                        "credit_check_id": check.id,
                        "credit_result": check.result,
                    }),
                },
            )
            .await?;
            Ok(updated)
        })
        .await?;
    let view = payment_views(&mut conn, vec![payment])
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(view))
}
