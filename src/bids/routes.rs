//! `/challenges/{id}/bids`, `/bids/{id}`: make, read, edit, submit and withdraw bids; the formal
//! review; and starting the expert review once every bid has been reviewed.
//!
//! A submission runs the credit checks of every party in a transaction of their own, committed
//! before the bid is saved: the checks stay on record (SPEC §4) also when a `block` refuses the
//! bid. The bid is then saved in a second transaction that locks the challenge row and checks the
//! deadline again, so a submission cannot slip past the closing job.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, patch, post};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::{Value, json};
use uuid::Uuid;

use super::input::{CreateBid, FormalReviewRequest, Plan, TeamMember, UpdateBid};
use super::lifecycle::{self, BidAction};
use super::models::{Bid, BidStatus, Member, MemberRole};
use super::notify;
use super::queries::{self, BidViewer};
use super::views::BidView;
use crate::accounts::models::OrganizationKind;
use crate::audit::{self, RequestMeta};
use crate::auth::Role;
use crate::auth::{AuthUser, MaybeUser};
use crate::challenges::lifecycle::{self as challenge_lifecycle, Action, Actor};
use crate::challenges::models::Challenge;
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::challenges::views::ChallengeView;
use crate::credit::{self, CheckRequest, CheckResult, Purpose, Subject};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::IfMatch;
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{OptionalJson, Page, ValidJson};
use crate::schema::{bid_members, bids};
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_bids)
        .service(create_bid)
        .service(get_bid)
        .service(update_bid)
        .service(submit_bid)
        .service(withdraw_bid)
        .service(formal_review)
        .service(start_review);
}

/// The solver's organisation: 403 for other roles and for a solver without one.
fn solver_org(user: &AuthUser) -> AppResult<Uuid> {
    user.require(&[Role::Solver])?;
    user.organization_id.ok_or(AppError::Forbidden)
}

async fn view_of(conn: &mut AsyncPgConnection, bid: Bid, viewer: BidViewer) -> AppResult<BidView> {
    let members = queries::members(conn, &[bid.id]).await?;
    let name = queries::organization_names(conn, &[bid.organization_id])
        .await?
        .into_iter()
        .next()
        .map(|(_, name)| name)
        .unwrap_or_default();
    Ok(BidView::new(bid, name, &members, viewer))
}

fn bid_exists() -> AppError {
    AppError::conflict(ErrorCode::BidExists)
}

/// The one live bid per organisation, as the unique index reports it under concurrency.
fn map_insert_error(err: DieselError) -> AppError {
    match &err {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)
            if info.constraint_name() == Some("bids_one_live_per_org") =>
        {
            bid_exists()
        }
        _ => AppError::from(err),
    }
}

/// What a successful submission records: the worst credit result and the formal-review pre-fill.
struct Gate {
    credit_result: CheckResult,
    prefill: Value,
}

/// A bid about to be submitted.
struct Submission<'a> {
    user: &'a AuthUser,
    challenge: &'a Challenge,
    org_id: Uuid,
    plan: &'a Plan,
    bid_id: Uuid,
}

/// The submission rules, the organisation's kind, and the credit checks of the organisation, the
/// leader and every member. The checks are committed here, before the bid is saved, so that they
/// stay on record when a `block` refuses the bid (422 naming each blocked party, and nothing of
/// the records or of anyone else).
async fn gate(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    submission: Submission<'_>,
) -> AppResult<Gate> {
    let Submission {
        user,
        challenge,
        org_id,
        plan,
        bid_id,
    } = submission;
    let mut errors = match plan.rules(challenge) {
        Ok(()) => Vec::new(),
        Err(AppError::Validation(errors)) => errors,
        Err(other) => return Err(other),
    };
    let (kind, uscc, org_name) = queries::organization(conn, org_id).await?;
    let kind_ok = kind
        .parse::<OrganizationKind>()
        .is_ok_and(|k| challenge.eligible_kinds().contains(&k));
    if !kind_ok {
        errors.push(
            FieldError::new("organization", FieldCode::OrgKindNotEligible)
                .with_param("kind", &kind),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let org = Subject::organization(&uscc, &org_name)
        .map_err(|e| anyhow::anyhow!("stored USCC is invalid: {e:?}"))?;
    let mut parties: Vec<(String, &'static str, Subject)> =
        vec![("organization".into(), "organization", org)];
    for (i, m) in plan.team.iter().enumerate() {
        let role = match m.role {
            MemberRole::Leader => "leader",
            MemberRole::Member => "member",
        };
        parties.push((
            format!("team[{i}].id_number"),
            role,
            Subject::Person {
                id: m.id.clone(),
                name: m.name.clone(),
            },
        ));
    }
    let general_blocks = challenge.general_credit_blocks;
    let context = json!({"challenge_id": challenge.id, "bid_id": bid_id});
    let checks = conn
        .transaction::<_, AppError, _>(async |conn| {
            let mut checks = Vec::with_capacity(parties.len());
            for (_, _, subject) in &parties {
                let check = credit::check(
                    conn,
                    state,
                    meta,
                    CheckRequest {
                        subject: subject.clone(),
                        purpose: Purpose::BidSubmit,
                        general_blocks,
                        requested_by: Some(user.id),
                        context: Some(context.clone()),
                    },
                )
                .await?;
                checks.push(check);
            }
            Ok(checks)
        })
        .await?;
    let blocked: Vec<FieldError> = parties
        .iter()
        .zip(&checks)
        .filter(|(_, c)| c.result == CheckResult::Block)
        .map(|((field, _, _), check)| {
            // Why, without the records: a serious record always bars; a general one bars only
            // where this challenge says so.
            FieldError::new(field.clone(), FieldCode::CreditBlocked)
                .with_param("standing", check.standing.as_str())
                .with_param("purpose", "bid")
        })
        .collect();
    if !blocked.is_empty() {
        return Err(AppError::Validation(blocked));
    }
    let warn = checks.iter().any(|c| c.result == CheckResult::Warn);
    let credit_result = if warn {
        CheckResult::Warn
    } else {
        CheckResult::Pass
    };
    let prefill = json!({
        "complete": true,
        "organization_kind": kind,
        "organization_kind_eligible": true,
        "credit_result": credit_result,
        "credit": parties.iter().zip(&checks).map(|((field, role, subject), check)| json!({
            "party": field,
            "role": role,
            "code": subject.code(),
            "result": check.result,
            "check_id": check.id,
        })).collect::<Vec<_>>(),
        "checked_at": state.clock.now(),
    });
    Ok(Gate {
        credit_result,
        prefill,
    })
}

async fn insert_members(
    conn: &mut AsyncPgConnection,
    bid_id: Uuid,
    team: &[TeamMember],
) -> AppResult<()> {
    diesel::delete(bid_members::table.filter(bid_members::bid_id.eq(bid_id)))
        .execute(conn)
        .await?;
    let rows: Vec<Member> = team
        .iter()
        .enumerate()
        .map(|(i, m)| Member {
            bid_id,
            position: i as i32,
            role: m.role,
            name: m.name.clone(),
            id_hash: m.id.hash.clone(),
            id_masked: m.id.masked.clone(),
            title: m.title.clone(),
            duty: m.duty.clone(),
        })
        .collect();
    if !rows.is_empty() {
        diesel::insert_into(bid_members::table)
            .values(&rows)
            .execute(conn)
            .await?;
    }
    Ok(())
}

async fn record(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    meta: &RequestMeta,
    actor: Uuid,
    action: BidAction,
    bid: &Bid,
    extra: Value,
) -> AppResult<()> {
    let action_name = format!("bid.{}", action.as_str());
    audit::record(
        conn,
        state,
        meta,
        audit::Event {
            actor_id: Some(actor),
            action: &action_name,
            object_type: "bid",
            object_id: Some(bid.id.to_string()),
            summary: json!({
                "challenge_id": bid.challenge_id,
                "organization_id": bid.organization_id,
                "code": bid.anonymous_code,
                "status": bid.status,
                "version": bid.version,
                "credit_result": bid.credit_result,
                "details": extra,
            }),
        },
    )
    .await
}

fn stored_plan(bid: &Bid, members: &[Member]) -> Plan {
    Plan {
        technical_approach: bid.technical_approach.clone(),
        kpi_commitments: serde_json::from_value(bid.kpi_commitments.clone()).unwrap_or_default(),
        requested_fen: bid.requested_fen,
        duration_months: bid.duration_months,
        milestones: serde_json::from_value(bid.milestones.clone()).unwrap_or_default(),
        team: members.iter().map(TeamMember::from).collect(),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> AppResult<Value> {
    Ok(serde_json::to_value(value).map_err(anyhow::Error::from)?)
}

/// The bids on a challenge that the caller may see, in the order they were made. 404 when the
/// caller may not see the challenge; otherwise a page, empty when none of its bids is visible to
/// the caller (an issuer before the deadline, other solvers, experts, anonymous callers).
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Challenge id"), PageParams),
    responses(
        (status = 200, description = "One page of the bids the caller may see", body = Page<BidView>),
        (status = 404, description = "No such challenge, or not one the caller may see", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/challenges/{id}/bids")]
pub async fn list_bids(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
    page: PageRequest,
) -> AppResult<HttpResponse> {
    let mut conn = state.conn().await?;
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::of(user.0.as_ref()), id.into_inner())
            .await?;
    let viewer = BidViewer::of(user.0.as_ref());
    let (rows, total) = queries::list_for_challenge(&mut conn, viewer, challenge.id, page).await?;
    let ids: Vec<Uuid> = rows.iter().map(|b| b.id).collect();
    let org_ids: Vec<Uuid> = rows.iter().map(|b| b.organization_id).collect();
    let members = queries::members(&mut conn, &ids).await?;
    let names = queries::organization_names(&mut conn, &org_ids).await?;
    let items: Vec<BidView> = rows
        .into_iter()
        .map(|bid| {
            let name = names
                .iter()
                .find(|(id, _)| *id == bid.organization_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default();
            BidView::new(bid, name, &members, viewer)
        })
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, total, page)))
}

/// Bid on a published challenge within its window (solvers). `submit: false` saves a draft;
/// `submit: true` submits at once: the rules, the organisation's kind and the credit checks run.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = CreateBid,
    responses(
        (status = 201, description = "Saved as a draft or submitted", body = BidView),
        (status = 403, description = "Solvers only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such published challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Deadline passed or not published (`bidding_closed`), not open yet (`bidding_not_open`), or the organisation already has a live bid (`bid_exists`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (e.g. an ID number's check character), rules not met (amount, duration, shares, KPIs, leader), the organisation's kind not eligible (`organization`), or a party blocked by its credit standing (`credit_blocked`, naming the party)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/bids")]
#[tracing::instrument(skip_all)]
pub async fn create_bid(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<CreateBid>,
) -> AppResult<HttpResponse> {
    let org_id = solver_org(&user)?;
    let req = body.into_inner();
    let plan = Plan::from_create(&state.privacy, &req)?;
    plan.draft_rules()?;
    let mut conn = state.conn().await?;
    let challenge =
        challenge_queries::find_visible(&mut conn, Viewer::Public, id.into_inner()).await?;
    lifecycle::check(BidAction::Create, None, &challenge, state.clock.now())?;
    let live: i64 = bids::table
        .filter(bids::challenge_id.eq(challenge.id))
        .filter(bids::organization_id.eq(org_id))
        .filter(bids::status.eq_any(BidStatus::LIVE))
        .count()
        .get_result(&mut conn)
        .await?;
    if live > 0 {
        return Err(bid_exists());
    }
    let bid_id = Uuid::now_v7();
    let gated = if req.submit {
        Some(
            gate(
                &mut conn,
                &state,
                &meta,
                Submission {
                    user: &user,
                    challenge: &challenge,
                    org_id,
                    plan: &plan,
                    bid_id,
                },
            )
            .await?,
        )
    } else {
        None
    };
    let bid = conn
        .transaction::<_, AppError, _>(async |conn| {
            let challenge = queries::lock_challenge(conn, challenge.id, true).await?;
            let now = state.clock.now();
            lifecycle::check(BidAction::Create, None, &challenge, now)?;
            let status = if gated.is_some() {
                BidStatus::Submitted
            } else {
                BidStatus::Draft
            };
            let bid: Bid = diesel::insert_into(bids::table)
                .values((
                    bids::id.eq(bid_id),
                    bids::challenge_id.eq(challenge.id),
                    bids::organization_id.eq(org_id),
                    bids::created_by.eq(user.id),
                    bids::status.eq(status),
                    bids::technical_approach.eq(&plan.technical_approach),
                    bids::kpi_commitments.eq(to_json(&plan.kpi_commitments)?),
                    bids::requested_fen.eq(plan.requested_fen),
                    bids::duration_months.eq(plan.duration_months),
                    bids::milestones.eq(to_json(&plan.milestones)?),
                    bids::credit_result.eq(gated.as_ref().map(|g| g.credit_result.as_str())),
                    bids::prefill.eq(gated.as_ref().map(|g| g.prefill.clone())),
                    bids::submitted_at.eq(gated.as_ref().map(|_| now)),
                    bids::created_at.eq(now),
                    bids::updated_at.eq(now),
                ))
                .returning(Bid::as_returning())
                .get_result(conn)
                .await
                .map_err(map_insert_error)?;
            insert_members(conn, bid.id, &plan.team).await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                BidAction::Create,
                &bid,
                json!({"team_size": plan.team.len()}),
            )
            .await?;
            if gated.is_some() {
                notify::received(conn, &state, &challenge, &bid, user.id).await?;
            }
            Ok(bid)
        })
        .await?;
    let view = view_of(&mut conn, bid, BidViewer::Solver(org_id)).await?;
    Ok(HttpResponse::Created().json(view))
}

/// A bid the caller may see: its own organisation's solvers, admins, and the challenge's issuer
/// once bidding has closed (submitted bids only). Anyone else: 404.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Bid id")),
    responses(
        (status = 200, description = "The bid", body = BidView),
        (status = 404, description = "No such bid, or not one the caller may see", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/bids/{id}")]
pub async fn get_bid(
    state: Data<AppState>,
    user: MaybeUser,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    let viewer = BidViewer::of(user.0.as_ref());
    let mut conn = state.conn().await?;
    let bid = queries::find_visible(&mut conn, viewer, id.into_inner()).await?;
    let view = view_of(&mut conn, bid, viewer).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Loads the caller's own bid and its challenge, checks `action` (early, to refuse before any
/// credit check), and answers them with the stored plan.
async fn own_bid(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    org_id: Uuid,
    id: Uuid,
    action: BidAction,
) -> AppResult<(Bid, Challenge, Plan)> {
    let bid = queries::find_visible(conn, BidViewer::Solver(org_id), id).await?;
    let challenge = challenge_queries::find_visible(conn, Viewer::Admin, bid.challenge_id).await?;
    lifecycle::check(action, Some(bid.status), &challenge, state.clock.now())?;
    let members = queries::members(conn, &[bid.id]).await?;
    let plan = stored_plan(&bid, &members);
    Ok((bid, challenge, plan))
}

/// In the saving transaction: the challenge locked (the closing job waits), the bid locked and
/// unchanged since it was read, the action still allowed now.
async fn lock_for_change(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    viewer: BidViewer,
    read: &Bid,
    action: BidAction,
) -> AppResult<(Bid, Challenge)> {
    let challenge = queries::lock_challenge(conn, read.challenge_id, false).await?;
    let bid = queries::lock_visible(conn, viewer, read.id).await?;
    lifecycle::check(action, Some(bid.status), &challenge, state.clock.now())?;
    if bid.version != read.version {
        return Err(AppError::PreconditionFailed);
    }
    Ok((bid, challenge))
}

/// Change a draft or a submitted bid before the deadline (its organisation's solvers). The fields
/// given replace the stored ones; a submitted bid is checked again (rules and credit). An
/// `If-Match: "v<version>"` header, when given, must name the current version.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Bid id")),
    request_body = UpdateBid,
    responses(
        (status = 200, description = "Changed", body = BidView),
        (status = 403, description = "Solvers only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such bid of the caller's organisation", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Deadline passed (`bidding_closed`) or withdrawn (`invalid_bid_state`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` names an older version, or the bid changed meanwhile (`stale_version`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a submitted bid no longer meets the rules or the credit gate", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/bids/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update_bid(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    if_match: IfMatch,
    body: ValidJson<UpdateBid>,
) -> AppResult<HttpResponse> {
    let org_id = solver_org(&user)?;
    let req = body.into_inner();
    let mut conn = state.conn().await?;
    let (read, challenge, plan) =
        own_bid(&mut conn, &state, org_id, id.into_inner(), BidAction::Edit).await?;
    if_match.check(read.version, false)?;
    let plan = plan.updated(&state.privacy, &req)?;
    plan.draft_rules()?;
    let gated = if read.status == BidStatus::Submitted {
        Some(
            gate(
                &mut conn,
                &state,
                &meta,
                Submission {
                    user: &user,
                    challenge: &challenge,
                    org_id,
                    plan: &plan,
                    bid_id: read.id,
                },
            )
            .await?,
        )
    } else {
        None
    };
    let viewer = BidViewer::Solver(org_id);
    let bid = conn
        .transaction::<_, AppError, _>(async |conn| {
            let (current, _) =
                lock_for_change(conn, &state, viewer, &read, BidAction::Edit).await?;
            let now = state.clock.now();
            let bid: Bid = diesel::update(bids::table.find(current.id))
                .set((
                    bids::technical_approach.eq(&plan.technical_approach),
                    bids::kpi_commitments.eq(to_json(&plan.kpi_commitments)?),
                    bids::requested_fen.eq(plan.requested_fen),
                    bids::duration_months.eq(plan.duration_months),
                    bids::milestones.eq(to_json(&plan.milestones)?),
                    gated
                        .as_ref()
                        .map(|g| bids::credit_result.eq(g.credit_result.as_str())),
                    gated.as_ref().map(|g| bids::prefill.eq(g.prefill.clone())),
                    bids::version.eq(bids::version + 1),
                    bids::updated_at.eq(now),
                ))
                .returning(Bid::as_returning())
                .get_result(conn)
                .await?;
            if req.team.is_some() {
                insert_members(conn, bid.id, &plan.team).await?;
            }
            let changed: Vec<&str> = [
                ("technical_approach", req.technical_approach.is_some()),
                ("kpi_commitments", req.kpi_commitments.is_some()),
                ("requested_fen", req.requested_fen.is_some()),
                ("duration_months", req.duration_months.is_some()),
                ("milestones", req.milestones.is_some()),
                ("team", req.team.is_some()),
            ]
            .into_iter()
            .filter_map(|(name, given)| given.then_some(name))
            .collect();
            record(
                conn,
                &state,
                &meta,
                user.id,
                BidAction::Edit,
                &bid,
                json!({"changed": changed, "rechecked": gated.is_some()}),
            )
            .await?;
            Ok(bid)
        })
        .await?;
    let view = view_of(&mut conn, bid, viewer).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Submit a draft before the deadline (its organisation's solvers): the rules, the organisation's
/// kind and the credit checks run.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Bid id")),
    responses(
        (status = 200, description = "Submitted", body = BidView),
        (status = 403, description = "Solvers only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such bid of the caller's organisation", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Deadline passed (`bidding_closed`) or not a draft (`invalid_bid_state`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Rules not met, organisation not eligible, or a party blocked by its credit standing (`credit_blocked`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/bids/{id}/submit")]
#[tracing::instrument(skip_all)]
pub async fn submit_bid(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    let org_id = solver_org(&user)?;
    let mut conn = state.conn().await?;
    let (read, challenge, plan) = own_bid(
        &mut conn,
        &state,
        org_id,
        id.into_inner(),
        BidAction::Submit,
    )
    .await?;
    let gated = gate(
        &mut conn,
        &state,
        &meta,
        Submission {
            user: &user,
            challenge: &challenge,
            org_id,
            plan: &plan,
            bid_id: read.id,
        },
    )
    .await?;
    let viewer = BidViewer::Solver(org_id);
    let bid = conn
        .transaction::<_, AppError, _>(async |conn| {
            let (current, challenge) =
                lock_for_change(conn, &state, viewer, &read, BidAction::Submit).await?;
            let now = state.clock.now();
            let bid: Bid = diesel::update(bids::table.find(current.id))
                .set((
                    bids::status.eq(BidStatus::Submitted),
                    bids::credit_result.eq(gated.credit_result.as_str()),
                    bids::prefill.eq(&gated.prefill),
                    bids::submitted_at.eq(now),
                    bids::version.eq(bids::version + 1),
                    bids::updated_at.eq(now),
                ))
                .returning(Bid::as_returning())
                .get_result(conn)
                .await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                BidAction::Submit,
                &bid,
                json!({"from": current.status}),
            )
            .await?;
            notify::received(conn, &state, &challenge, &bid, user.id).await?;
            Ok(bid)
        })
        .await?;
    let view = view_of(&mut conn, bid, viewer).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Withdraw a draft or a submitted bid before the deadline (its organisation's solvers). The
/// organisation may then bid again.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Bid id")),
    responses(
        (status = 200, description = "Withdrawn", body = BidView),
        (status = 403, description = "Solvers only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such bid of the caller's organisation", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Deadline passed (`bidding_closed`) or already withdrawn (`invalid_bid_state`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/bids/{id}/withdraw")]
#[tracing::instrument(skip_all)]
pub async fn withdraw_bid(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
) -> AppResult<HttpResponse> {
    let org_id = solver_org(&user)?;
    let viewer = BidViewer::Solver(org_id);
    let mut conn = state.conn().await?;
    let read = queries::find_visible(&mut conn, viewer, id.into_inner()).await?;
    let bid = conn
        .transaction::<_, AppError, _>(async |conn| {
            let (current, _) =
                lock_for_change(conn, &state, viewer, &read, BidAction::Withdraw).await?;
            let now = state.clock.now();
            let bid: Bid = diesel::update(bids::table.find(current.id))
                .set((
                    bids::status.eq(BidStatus::Withdrawn),
                    bids::withdrawn_at.eq(now),
                    bids::version.eq(bids::version + 1),
                    bids::updated_at.eq(now),
                ))
                .returning(Bid::as_returning())
                .get_result(conn)
                .await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                BidAction::Withdraw,
                &bid,
                json!({"from": current.status}),
            )
            .await?;
            Ok(bid)
        })
        .await?;
    let view = view_of(&mut conn, bid, viewer).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Formal review (形式审查, admins): once bidding has closed and until expert review starts, mark a
/// submitted bid eligible or ineligible (with a reason). The bid's `prefill` shows what the system
/// found at submission. The solver is told.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Bid id")),
    request_body = FormalReviewRequest,
    responses(
        (status = 200, description = "Reviewed", body = BidView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such bid", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Bidding not closed, or review started (`formal_review_closed`); a draft or withdrawn bid (`invalid_bid_state`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No reason given for `ineligible`", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/bids/{id}/formal-review")]
#[tracing::instrument(skip_all)]
pub async fn formal_review(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<FormalReviewRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let reason = req
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let result = req.result;
    if result == super::models::ReviewResult::Ineligible && reason.is_none() {
        return Err(AppError::validation("reason", FieldCode::Required));
    }
    let viewer = BidViewer::Admin;
    let mut conn = state.conn().await?;
    let read = queries::find_visible(&mut conn, viewer, id.into_inner()).await?;
    let bid = conn
        .transaction::<_, AppError, _>(async |conn| {
            let challenge = queries::lock_challenge(conn, read.challenge_id, false).await?;
            let current = queries::lock_visible(conn, viewer, read.id).await?;
            lifecycle::check(
                BidAction::FormalReview,
                Some(current.status),
                &challenge,
                state.clock.now(),
            )?;
            let now = state.clock.now();
            let bid: Bid = diesel::update(bids::table.find(current.id))
                .set((
                    bids::status.eq(result.status()),
                    bids::review_result.eq(result),
                    bids::review_reason.eq(reason.as_deref()),
                    bids::reviewed_by.eq(user.id),
                    bids::reviewed_at.eq(now),
                    bids::version.eq(bids::version + 1),
                    bids::updated_at.eq(now),
                ))
                .returning(Bid::as_returning())
                .get_result(conn)
                .await?;
            record(
                conn,
                &state,
                &meta,
                user.id,
                BidAction::FormalReview,
                &bid,
                json!({"from": current.status, "result": result, "reason": reason}),
            )
            .await?;
            notify::reviewed(conn, &state, &challenge, &bid, result, reason.as_deref()).await?;
            Ok(bid)
        })
        .await?;
    let view = view_of(&mut conn, bid, viewer).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Start the expert review (admins): the challenge goes from `bidding_closed` to `under_review`,
/// once every submitted bid has had its formal review.
#[utoipa::path(
    tag = "bids",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body(content = Option<crate::challenges::input::TransitionRequest>, description = "Optional; a note"),
    responses(
        (status = 200, description = "Now `under_review`", body = ChallengeView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `bidding_closed` (`invalid_transition`), or bids still waiting for their formal review (`formal_review_incomplete`, with their number)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/review/start")]
#[tracing::instrument(skip_all)]
pub async fn start_review(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: OptionalJson<crate::challenges::input::TransitionRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let reason = body.0.and_then(|b| b.reason);
    let mut conn = state.conn().await?;
    let updated = conn
        .transaction::<_, AppError, _>(async |conn| {
            let current =
                challenge_queries::lock_visible(conn, Viewer::Admin, id.into_inner()).await?;
            let actor = Actor::User(&user);
            challenge_lifecycle::check(Action::StartReview, current.status, actor.party(&current))?;
            let waiting = queries::unreviewed(conn, current.id).await?;
            if waiting > 0 {
                return Err(AppError::conflict(ErrorCode::FormalReviewIncomplete)
                    .arg("count", waiting)
                    .field(
                        FieldError::new("bids", FieldCode::NotReviewed)
                            .with_param("count", waiting),
                    ));
            }
            challenge_lifecycle::apply(
                conn,
                &state,
                &meta,
                &actor,
                &current,
                Action::StartReview,
                reason.as_deref(),
            )
            .await
        })
        .await?;
    crate::challenges::cache::ListCache::clear_in(&state)?;
    let issuer = challenge_queries::organization_name(&mut conn, updated.issuer_org_id).await?;
    Ok(HttpResponse::Ok().json(ChallengeView::new(updated, issuer, Viewer::Admin)))
}
