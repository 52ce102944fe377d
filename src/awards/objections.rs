//! Objections (异议) to a public notice: `POST /challenges/{id}/objections` (any logged-in user,
//! in their real name, while the notice is open), `GET /objections` (admins: all, with the
//! objector; anyone else: their own), `POST /objections/{id}/resolve` (admins).
//!
//! Who objected is shown to admins only: the public notice shows no objector, and a user's list
//! holds only their own objections.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, post};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use super::confirm::ConfirmAward;
use super::models::{Award, AwardStatus, Objection, ObjectionStatus};
use super::propose::{Withdrawal, withdraw};
use super::{admin_accounts, live_award, objections_url, pending_objections};
use crate::accounts::models::User;
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::awards::notices::{ObjectionFiled, ObjectionResolved};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{ValidJson, ValidQuery};
use crate::jobs::BackgroundJob;
use crate::notifications::beijing_time;
use crate::notifications::{Recipient, notify};
use crate::schema::{awards, challenges, objections, organizations, users};
use crate::state::AppState;

/// `POST /challenges/{id}/objections`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "reason": "拟挂帅单位的项目负责人同时承担另一同类榜单项目，精力投入难以保证。",
    "contact": "138 0000 0000"
}))]
pub struct ObjectionRequest {
    /// Why, in writing: 10 to 2000 characters.
    #[validate(length(min = 10, max = 2000))]
    #[schema(min_length = 10, max_length = 2000)]
    pub reason: String,
    /// How the program office can reach the objector (optional; shown to admins only).
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 异议成立: the award is withdrawn and the challenge goes back under review.
    Upheld,
    /// 异议不成立: the objector is told the reason.
    Dismissed,
}

/// `POST /objections/{id}/resolve`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"outcome": "dismissed", "reason": "经核查，该负责人承担的另一项目已于上月结题，所述情况不影响本项目。"}))]
pub struct ResolveRequest {
    pub outcome: Outcome,
    /// Required. Told to the objector; when upheld it is also the withdrawal's reason, told to the
    /// awardee, the issuer and the other bidders and kept on the challenge: write it so that it
    /// does not name the objector.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// Who objected (admins only).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Objector {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
}

/// An objection. `objector` and `contact` are present for admins only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ObjectionView {
    pub id: Uuid,
    pub award_id: Uuid,
    pub challenge_id: Uuid,
    pub challenge_title: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    pub filed_at: DateTime<Utc>,
    pub status: ObjectionStatus,
    pub resolved_at: Option<DateTime<Utc>>,
    /// The admin's reason.
    pub resolution: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objector: Option<Objector>,
}

/// A page of objections.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionPage {
    pub items: Vec<ObjectionView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// `GET /objections` filters (admins; others always see their own only).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObjectionQuery {
    pub challenge_id: Option<Uuid>,
    pub status: Option<ObjectionStatus>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The 409 for an objection outside a public notice; `ended_at` when one has ended.
fn notice_closed(ended_at: Option<chrono::DateTime<chrono::Utc>>) -> AppError {
    let error = AppError::conflict(ErrorCode::NoticeClosed)
        .field(FieldError::new("challenge_id", FieldCode::NoticeClosed));
    match ended_at {
        Some(at) => error.arg("case", "ended").arg("ended_at", beijing_time(at)),
        None => error.arg("case", "none"),
    }
}

async fn views(
    conn: &mut AsyncPgConnection,
    rows: Vec<Objection>,
    admin: bool,
) -> AppResult<Vec<ObjectionView>> {
    let mut out = Vec::with_capacity(rows.len());
    for o in rows {
        let title: String = challenges::table
            .find(o.challenge_id)
            .select(challenges::title)
            .first(conn)
            .await?;
        let objector = if admin {
            let email: String = users::table
                .find(o.objector_id)
                .select(users::email)
                .first(conn)
                .await?;
            Some(Objector {
                user_id: o.objector_id,
                name: o.objector_name.clone(),
                email,
            })
        } else {
            None
        };
        out.push(ObjectionView {
            id: o.id,
            award_id: o.award_id,
            challenge_id: o.challenge_id,
            challenge_title: title,
            reason: o.reason,
            contact: if admin { o.contact } else { None },
            filed_at: o.filed_at,
            status: o.status,
            resolved_at: o.resolved_at,
            resolution: o.resolution,
            objector,
        });
    }
    Ok(out)
}

/// File an objection to the challenge's public notice (any logged-in user, in their real name).
/// Only while the notice is open: from the proposal until 24:00 Beijing time of its last working
/// day. The admins are told (without the objector's name).
#[utoipa::path(
    tag = "award",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = ObjectionRequest,
    responses(
        (status = 201, description = "Filed", body = ObjectionView),
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "No notice open on the challenge: not proposed, ended, withdrawn or confirmed (`notice_closed`); or an objection of yours to this notice is still pending (`objection_pending`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Reason shorter than 10 or longer than 2000 characters (`length`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/objections")]
#[tracing::instrument(skip_all)]
pub async fn file_objection(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<ObjectionRequest>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let req = body.into_inner();
    let reason = req.reason.trim().to_string();
    if reason.chars().count() < 10 {
        return Err(AppError::Validation(vec![
            FieldError::new("reason", FieldCode::Length)
                .with_param("min", 10)
                .with_param("max", 2000),
        ]));
    }
    let contact = req
        .contact
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let mut conn = state.conn().await?;
    let objection = conn
        .transaction::<_, AppError, _>(async |conn| {
            // The challenge lock orders this with the confirmation and the resolutions.
            let challenge =
                challenge_queries::lock_visible(conn, Viewer::of(Some(&user)), id).await?;
            let now = state.clock.now();
            let award = live_award(conn, id, false).await?;
            let award = match award {
                Some(a) if a.notice_open(now) => a,
                Some(a) if a.status == AwardStatus::Publicity => {
                    return Err(notice_closed(Some(a.ends_at)));
                }
                _ => return Err(notice_closed(None)),
            };
            let pending_own: i64 = objections::table
                .filter(objections::award_id.eq(award.id))
                .filter(objections::objector_id.eq(user.id))
                .filter(objections::status.eq(ObjectionStatus::Pending))
                .count()
                .get_result(conn)
                .await?;
            if pending_own > 0 {
                return Err(AppError::conflict(ErrorCode::ObjectionPending)
                    .field(FieldError::new("challenge_id", FieldCode::ObjectionPending)));
            }
            let name: String = users::table
                .find(user.id)
                .select(users::display_name)
                .first(conn)
                .await?;
            let objection = Objection {
                id: Uuid::now_v7(),
                award_id: award.id,
                challenge_id: challenge.id,
                objector_id: user.id,
                objector_name: name,
                reason: reason.clone(),
                contact: contact.clone(),
                filed_at: now,
                status: ObjectionStatus::Pending,
                resolved_by: None,
                resolved_at: None,
                resolution: None,
            };
            diesel::insert_into(objections::table)
                .values(&objection)
                .execute(conn)
                .await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "objection.file",
                    object_type: "objection",
                    object_id: Some(objection.id.to_string()),
                    summary: json!({"challenge_id": challenge.id, "award_id": award.id}),
                },
            )
            .await?;
            let org: String = organizations::table
                .find(award.organization_id)
                .select(organizations::name)
                .first(conn)
                .await?;
            for admin in admin_accounts(conn).await? {
                let notice = ObjectionFiled {
                    display_name: admin.display_name.clone(),
                    title: challenge.title.clone(),
                    organization_name: org.clone(),
                    filed_at: beijing_time(now),
                    url: objections_url(&state),
                };
                notify(conn, &state, &Recipient::from(&admin), &notice).await?;
            }
            Ok(objection)
        })
        .await?;
    let view = views(&mut conn, vec![objection], false).await?;
    Ok(HttpResponse::Created().json(view.into_iter().next().ok_or(AppError::NotFound)?))
}

/// Objections: admins see all (filters `challenge_id`, `status`) with the objector's identity;
/// anyone else sees only their own, newest first.
#[utoipa::path(
    tag = "award",
    params(ObjectionQuery),
    responses(
        (status = 200, description = "A page of objections", body = ObjectionPage),
        (status = 422, description = "Invalid parameters", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/objections")]
pub async fn list_objections(
    state: Data<AppState>,
    user: AuthUser,
    query: ValidQuery<ObjectionQuery>,
) -> AppResult<HttpResponse> {
    let q = query.into_inner();
    let page: PageRequest = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .validate()?;
    let admin = user.role == Role::Admin;
    let base = || {
        let mut query = objections::table.into_boxed();
        if !admin {
            query = query.filter(objections::objector_id.eq(user.id));
        }
        if let Some(challenge) = q.challenge_id {
            query = query.filter(objections::challenge_id.eq(challenge));
        }
        if let Some(status) = q.status {
            query = query.filter(objections::status.eq(status));
        }
        query
    };
    let mut conn = state.conn().await?;
    let total: i64 = base().count().get_result(&mut conn).await?;
    let rows: Vec<Objection> = base()
        .order((objections::filed_at.desc(), objections::id.desc()))
        .limit(page.per_page)
        .offset(page.offset())
        .select(Objection::as_select())
        .load(&mut conn)
        .await?;
    let items = views(&mut conn, rows, admin).await?;
    Ok(HttpResponse::Ok().json(ObjectionPage {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Resolve an objection (admins), with a reason. `upheld` withdraws the award (the challenge goes
/// back to `under_review`; other pending objections on it are closed as `moot`); `dismissed` tells
/// the objector the reason, and when it was the last pending objection of a notice that has
/// ended, the confirmation runs at once.
#[utoipa::path(
    tag = "award",
    params(("id" = Uuid, Path, description = "Objection id")),
    request_body = ResolveRequest,
    responses(
        (status = 200, description = "Resolved", body = ObjectionView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such objection", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Already resolved (`objection_resolved`); upheld while the award can no longer be withdrawn (`award_not_in_publicity`, `invalid_transition`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "The reason is `required`; `outcome` not `upheld` or `dismissed`", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/objections/{id}/resolve")]
#[tracing::instrument(skip_all)]
pub async fn resolve_objection(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<ResolveRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let id = id.into_inner();
    let req = body.into_inner();
    let reason = req
        .reason
        .map(|r| r.trim().to_string())
        .filter(|r| !r.is_empty())
        .ok_or_else(|| AppError::validation("reason", FieldCode::Required))?;
    let mut conn = state.conn().await?;
    let challenge_id: Uuid = objections::table
        .find(id)
        .select(objections::challenge_id)
        .first(&mut conn)
        .await
        .optional()?
        .ok_or(AppError::NotFound)?;
    let objection = conn
        .transaction::<_, AppError, _>(async |conn| {
            let challenge =
                challenge_queries::lock_visible(conn, Viewer::Admin, challenge_id).await?;
            let objection: Objection = objections::table
                .find(id)
                .select(Objection::as_select())
                .for_update()
                .first(conn)
                .await?;
            if objection.status != ObjectionStatus::Pending {
                return Err(AppError::conflict(ErrorCode::ObjectionResolved)
                    .arg("current", objection.status)
                    .field(
                        FieldError::new("status", FieldCode::InvalidTransition)
                            .with_param("current", objection.status),
                    ));
            }
            let award: Award = awards::table
                .find(objection.award_id)
                .select(Award::as_select())
                .for_update()
                .first(conn)
                .await?;
            let now = state.clock.now();
            let status = match req.outcome {
                Outcome::Upheld => ObjectionStatus::Upheld,
                Outcome::Dismissed => ObjectionStatus::Dismissed,
            };
            let updated: Objection = diesel::update(objections::table.find(id))
                .set((
                    objections::status.eq(status),
                    objections::resolved_by.eq(user.id),
                    objections::resolved_at.eq(now),
                    objections::resolution.eq(&reason),
                ))
                .returning(Objection::as_returning())
                .get_result(conn)
                .await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "objection.resolve",
                    object_type: "objection",
                    object_id: Some(id.to_string()),
                    summary: json!({
                        "award_id": award.id,
                        "challenge_id": challenge.id,
                        "outcome": status,
                        "reason": reason,
                    }),
                },
            )
            .await?;
            let objector: User = users::table
                .find(objection.objector_id)
                .select(User::as_select())
                .first(conn)
                .await?;
            let notice = ObjectionResolved {
                display_name: objector.display_name.clone(),
                title: challenge.title.clone(),
                outcome: status.as_str().to_string(),
                reason: reason.clone(),
                url: objections_url(&state),
            };
            notify(conn, &state, &Recipient::from(&objector), &notice).await?;
            match req.outcome {
                Outcome::Upheld => {
                    let what = Withdrawal {
                        challenge: &challenge,
                        award: &award,
                        reason: &reason,
                        except: Some(id),
                    };
                    withdraw(conn, &state, &meta, &user, what).await?;
                }
                Outcome::Dismissed => {
                    // The last pending objection gone: confirm when the notice has ended (now, if
                    // it already has; the job at `ends_at` is still queued otherwise).
                    if award.status == AwardStatus::Publicity
                        && pending_objections(conn, award.id).await? == 0
                    {
                        ConfirmAward {
                            award_id: award.id,
                            after_objection: Some(id),
                        }
                        .enqueue_at(conn, award.ends_at.max(now))
                        .await?;
                    }
                }
            }
            Ok(updated)
        })
        .await?;
    let view = views(&mut conn, vec![objection], true).await?;
    Ok(HttpResponse::Ok().json(view.into_iter().next().ok_or(AppError::NotFound)?))
}
