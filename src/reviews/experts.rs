//! The expert pool (专家库): `GET, POST /experts` (admins) and `PATCH /experts/me` (the expert).
//!
//! An expert is an account with the role `expert` (made by an admin with `POST /users`, which
//! gives its organisation) plus a profile made here: the ID number (kept as keyed hash and masked
//! form, to find the expert in bid teams), the fields of expertise, the title and the declared
//! conflicts of interest (USCCs of organisations).

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, patch, post};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::models::Expert;
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::challenges::models::Field;
use crate::codes::parse_uscc;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode, FieldError, ProblemBody};
use crate::http::pagination::{PageParams, PageRequest};
use crate::http::{Page, ValidJson};
use crate::schema::{experts, organizations, users};
use crate::state::AppState;

/// `POST /experts`: the profile of an existing expert account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "user_id": "0193a5c4-1f2e-7c3d-9a4b-5c6d7e8f9a0b",
    "id_number": "11010519491231002X",
    "fields": ["new_materials", "new_energy"],
    "title": "教授",
    "conflict_usccs": ["91350200776049653A"]
}))]
pub struct CreateExpert {
    /// An account with the role `expert`.
    pub user_id: Uuid,
    /// The expert's resident ID number; only its keyed hash and masked form are kept.
    #[validate(length(min = 1, max = 18))]
    pub id_number: String,
    #[validate(length(min = 1, max = 9))]
    pub fields: Vec<Field>,
    #[validate(length(max = 50))]
    #[serde(default)]
    pub title: String,
    #[validate(length(max = 100))]
    #[serde(default)]
    pub conflict_usccs: Vec<String>,
}

/// `PATCH /experts/me`: what an expert may change of their own profile; absent fields stay.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"fields": ["new_materials"], "conflict_usccs": ["91350200776049653A"]}))]
pub struct UpdateExpert {
    #[validate(length(min = 1, max = 9))]
    pub fields: Option<Vec<Field>>,
    #[validate(length(max = 50))]
    pub title: Option<String>,
    #[validate(length(max = 100))]
    pub conflict_usccs: Option<Vec<String>>,
}

/// The expert's organisation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExpertOrganization {
    pub id: Uuid,
    pub name: String,
    pub uscc: String,
}

/// An expert of the pool.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExpertView {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: String,
    pub organization: Option<ExpertOrganization>,
    #[schema(example = "110105********002X")]
    pub id_number_masked: String,
    pub fields: Vec<Field>,
    pub title: String,
    pub conflict_usccs: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_experts)
        .service(create_expert)
        .service(update_own)
        .service(update_expert);
}

/// USCCs as stored: each checked (422 naming the entry), upper case, no duplicates.
fn parse_conflicts(list: &[String]) -> AppResult<Vec<String>> {
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

fn field_texts(fields: &[Field]) -> Vec<String> {
    let mut out: Vec<String> = fields.iter().map(|f| f.as_str().to_string()).collect();
    out.sort();
    out.dedup();
    out
}

type Row = (Expert, String, String, Option<(Uuid, String, String)>);

async fn load(
    conn: &mut AsyncPgConnection,
    ids: Option<&[Uuid]>,
    page: Option<PageRequest>,
) -> AppResult<Vec<ExpertView>> {
    let mut query = experts::table
        .inner_join(users::table.on(users::id.eq(experts::user_id)))
        .left_join(organizations::table.on(users::organization_id.eq(organizations::id.nullable())))
        .select((
            Expert::as_select(),
            users::display_name,
            users::email,
            (organizations::id, organizations::name, organizations::uscc).nullable(),
        ))
        .order(experts::user_id.asc())
        .into_boxed();
    if let Some(ids) = ids {
        query = query.filter(experts::user_id.eq_any(ids.to_vec()));
    }
    if let Some(page) = page {
        query = query.limit(page.per_page).offset(page.offset());
    }
    let rows: Vec<Row> = query.load(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(e, display_name, email, org)| ExpertView {
            user_id: e.user_id,
            display_name,
            email,
            organization: org.map(|(id, name, uscc)| ExpertOrganization { id, name, uscc }),
            id_number_masked: e.id_masked.clone(),
            fields: e.field_list(),
            title: e.title.clone(),
            conflict_usccs: e.conflicts(),
            created_at: e.created_at,
            updated_at: e.updated_at,
        })
        .collect())
}

async fn one(conn: &mut AsyncPgConnection, id: Uuid) -> AppResult<ExpertView> {
    load(conn, Some(&[id]), None)
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

/// The expert pool (admins), by account id.
#[utoipa::path(
    tag = "review",
    params(PageParams),
    responses(
        (status = 200, description = "One page of experts", body = Page<ExpertView>),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/experts")]
pub async fn list_experts(
    state: Data<AppState>,
    user: AuthUser,
    page: PageRequest,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let mut conn = state.conn().await?;
    let total: i64 = experts::table.count().get_result(&mut conn).await?;
    let items = load(&mut conn, None, Some(page)).await?;
    Ok(HttpResponse::Ok().json(Page::new(items, total, page)))
}

/// Add an expert account to the pool (admins): the account must exist with the role `expert`
/// (`POST /users` makes it, with its organisation).
#[utoipa::path(
    tag = "review",
    request_body = CreateExpert,
    responses(
        (status = 201, description = "In the pool", body = ExpertView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "The account already has a profile, or the ID number is another expert's (`expert_exists`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; `user_id` not an expert account (`not_expert`); an ID number or USCC with a wrong check character", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/experts")]
#[tracing::instrument(skip_all)]
pub async fn create_expert(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    body: ValidJson<CreateExpert>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let protected = state
        .privacy
        .protect(&req.id_number)
        .map_err(|e| AppError::validation("id_number", e.code()))?;
    let conflicts = parse_conflicts(&req.conflict_usccs)?;
    let fields = field_texts(&req.fields);
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let role: Option<Role> = users::table
            .find(req.user_id)
            .select(users::role)
            .first(conn)
            .await
            .optional()?;
        if role != Some(Role::Expert) {
            return Err(AppError::validation("user_id", FieldCode::NotExpert));
        }
        let now = state.clock.now();
        diesel::insert_into(experts::table)
            .values((
                experts::user_id.eq(req.user_id),
                experts::id_hash.eq(&protected.hash),
                experts::id_masked.eq(&protected.masked),
                experts::fields.eq(&fields),
                experts::title.eq(req.title.trim()),
                experts::conflict_usccs.eq(&conflicts),
                experts::created_at.eq(now),
                experts::updated_at.eq(now),
            ))
            .execute(conn)
            .await
            .map_err(|e| match e {
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    AppError::conflict(ErrorCode::ExpertExists)
                }
                other => AppError::from(other),
            })?;
        audit::record(
            conn,
            &state,
            &meta,
            audit::Event {
                actor_id: Some(user.id),
                action: "expert.create",
                object_type: "expert",
                object_id: Some(req.user_id.to_string()),
                summary: json!({"fields": fields, "title": req.title.trim(), "id_number": protected.masked, "conflict_usccs": conflicts}),
            },
        )
        .await
    })
    .await?;
    let view = one(&mut conn, req.user_id).await?;
    Ok(HttpResponse::Created().json(view))
}

/// An expert edits their own fields, title and declared conflicts.
#[utoipa::path(
    tag = "review",
    request_body = UpdateExpert,
    responses(
        (status = 200, description = "Updated", body = ExpertView),
        (status = 403, description = "Experts only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "The account has no profile yet", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, e.g. a USCC's check character", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/experts/me")]
#[tracing::instrument(skip_all)]
pub async fn update_own(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    body: ValidJson<UpdateExpert>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Expert])?;
    update_profile(&state, &meta, user.id, user.id, body.into_inner()).await
}

/// An admin edits an expert's fields, title and declared conflicts.
#[utoipa::path(
    tag = "review",
    params(("id" = Uuid, Path, description = "The expert's account id")),
    request_body = UpdateExpert,
    responses(
        (status = 200, description = "Updated", body = ExpertView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No expert profile with this id", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, e.g. a USCC's check character", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/experts/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update_expert(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<UpdateExpert>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    update_profile(&state, &meta, user.id, id.into_inner(), body.into_inner()).await
}

/// Changes an expert's profile (by the expert or an admin), with an audit entry.
async fn update_profile(
    state: &AppState,
    meta: &RequestMeta,
    actor_id: Uuid,
    expert_id: Uuid,
    req: UpdateExpert,
) -> AppResult<HttpResponse> {
    let conflicts = req
        .conflict_usccs
        .as_deref()
        .map(parse_conflicts)
        .transpose()?;
    let fields = req.fields.as_deref().map(field_texts);
    let mut conn = state.conn().await?;
    conn.transaction::<_, AppError, _>(async |conn| {
        let current: Expert = experts::table
            .find(expert_id)
            .select(Expert::as_select())
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or(AppError::NotFound)?;
        let fields = fields.unwrap_or_else(|| current.fields.iter().flatten().cloned().collect());
        let conflicts = conflicts.unwrap_or_else(|| current.conflicts());
        let title = req.title.as_deref().map(str::trim).unwrap_or(&current.title).to_string();
        diesel::update(experts::table.find(expert_id))
            .set((
                experts::fields.eq(&fields),
                experts::title.eq(&title),
                experts::conflict_usccs.eq(&conflicts),
                experts::updated_at.eq(state.clock.now()),
            ))
            .execute(conn)
            .await?;
        audit::record(
            conn,
            state,
            meta,
            audit::Event {
                actor_id: Some(actor_id),
                action: "expert.update",
                object_type: "expert",
                object_id: Some(expert_id.to_string()),
                summary: json!({
                    "before": {"fields": current.fields, "title": current.title, "conflict_usccs": current.conflict_usccs},
                    "after": {"fields": fields, "title": title, "conflict_usccs": conflicts},
                }),
            },
        )
        .await
    })
    .await?;
    let view = one(&mut conn, expert_id).await?;
    Ok(HttpResponse::Ok().json(view))
}
