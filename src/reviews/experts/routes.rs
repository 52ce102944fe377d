//! The pool's endpoints.

use actix_web::http::StatusCode;
use actix_web::web::{Data, Json, Path};
use actix_web::{get, patch, post};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;
use uuid::Uuid;

use super::input::{CreateExpert, UpdateExpert};
use super::search::Experts;
use super::views::ExpertView;
use super::{queries, rules};
use crate::audit::{Event, RequestMeta};
use crate::auth::{AdminsOnly, AuthUser, ExpertsOnly, Role};
use crate::challenges::models::Field;
use crate::error::{AppError, AppResult, FieldCode, ProblemBody};
use crate::http::pagination::{BadListQuery, PageParams, PageRequest};
use crate::http::{Page, ValidJson, ValidQuery};
use crate::reviews::models::Expert;
use crate::search::feed::{Index, Matches};
use crate::state::AppState;

/// `GET /experts` filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PoolQuery {
    /// Words of the expert's name, title or organisation: every word must occur in one of them,
    /// as a substring. At most 100 characters and 5 words.
    #[param(max_length = 100, example = "教授")]
    pub q: Option<String>,
    /// Experts of this field.
    pub field: Option<Field>,
    // PageRequest reads these; listed so that `deny_unknown_fields` accepts them.
    #[serde(default)]
    #[param(ignore)]
    pub page: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    #[param(ignore)]
    pub per_page: Option<serde::de::IgnoredAny>,
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_experts)
        .service(create_expert)
        .service(get_own)
        .service(update_own)
        .service(update_expert);
}

/// The expert pool (admins), by account id; of one field, and matching words of their names,
/// titles and organisations (`q`, from the text index: docs/search.md).
#[utoipa::path(
    tag = "review",
    params(PoolQuery, PageParams),
    responses(
        (status = 200, description = "One page of experts", body = Page<ExpertView>),
        AdminsOnly,
        BadListQuery,
    ),
    security(("bearer" = []))
)]
#[get("/experts")]
pub async fn list_experts(
    state: Data<AppState>,
    user: AuthUser,
    query: ValidQuery<PoolQuery>,
    page: PageRequest,
) -> AppResult<Json<Page<ExpertView>>> {
    user.require(&[Role::Admin])?;
    let query = query.into_inner();
    let names = Matches::of(
        state.extensions.get::<Index<Experts>>(),
        query.q.as_deref(),
        |f| vec![(f.text, 1.0)],
    )
    .await?;
    let filter = queries::PoolFilter {
        field: query.field,
        names: names.as_ref(),
    };
    let mut conn = state.conn().await?;
    let (items, total) = queries::page(&mut conn, page, &filter).await?;
    Ok(Json(Page::new(items, total, page)))
}

/// Add an expert account to the pool (admins): the account must exist with the role `expert`
/// (`POST /users` makes it, with its organisation).
#[utoipa::path(
    tag = "review",
    request_body = CreateExpert,
    responses(
        (status = 201, description = "In the pool", body = ExpertView),
        AdminsOnly,
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
) -> AppResult<(Json<ExpertView>, StatusCode)> {
    user.require(&[Role::Admin])?;
    let req = body.into_inner();
    let protected = state
        .privacy
        .protect(&req.id_number)
        .map_err(|e| AppError::validation("id_number", e.code()))?;
    let conflicts = rules::parse_conflicts(&req.conflict_usccs)?;
    let fields = rules::field_texts(&req.fields);
    let view = state
        .transaction(async |conn| {
            if !queries::is_expert_account(conn, req.user_id).await? {
                return Err(AppError::validation("user_id", FieldCode::NotExpert));
            }
            let now = state.clock.now();
            let expert = Expert {
                user_id: req.user_id,
                id_hash: protected.hash.clone(),
                id_masked: protected.masked.clone(),
                fields: fields.iter().cloned().map(Some).collect(),
                title: req.title.trim().to_string(),
                conflict_usccs: conflicts.iter().cloned().map(Some).collect(),
                created_at: now,
                updated_at: now,
            };
            queries::insert(conn, &expert).await?;
            Event::new("expert.create", "expert", req.user_id)
                .by(user.id)
                .summary(json!({"fields": fields, "title": expert.title, "id_number": protected.masked, "conflict_usccs": conflicts}))
                .record(conn, &state, &meta)
                .await?;
            queries::view(conn, req.user_id).await
        })
        .await?;
    Ok((Json(view), StatusCode::CREATED))
}

/// The caller's own profile (experts): fields of expertise, title, declared conflicts (USCCs),
/// as `PATCH /experts/me` edits them.
#[utoipa::path(
    tag = "review",
    responses(
        (status = 200, description = "The caller's profile", body = ExpertView),
        ExpertsOnly,
        (status = 404, description = "The account has no profile yet", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/experts/me")]
pub async fn get_own(state: Data<AppState>, user: AuthUser) -> AppResult<Json<ExpertView>> {
    user.require(&[Role::Expert])?;
    let mut conn = state.conn().await?;
    Ok(Json(queries::view(&mut conn, user.id).await?))
}

/// An expert edits their own fields, title and declared conflicts.
#[utoipa::path(
    tag = "review",
    request_body = UpdateExpert,
    responses(
        (status = 200, description = "Updated", body = ExpertView),
        ExpertsOnly,
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
) -> AppResult<Json<ExpertView>> {
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
        AdminsOnly,
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
) -> AppResult<Json<ExpertView>> {
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
) -> AppResult<Json<ExpertView>> {
    let edit = rules::Edit::check(&req)?;
    let view = state
        .transaction(async |conn| {
            let current = queries::lock(conn, expert_id).await?;
            let changes = edit.changes(&current, state.clock.now());
            queries::update(conn, expert_id, &changes).await?;
            Event::new("expert.update", "expert", expert_id)
                .by(actor_id)
                .summary(json!({
                    "before": {"fields": current.fields, "title": current.title, "conflict_usccs": current.conflict_usccs},
                    "after": {"fields": changes.fields, "title": changes.title, "conflict_usccs": changes.conflict_usccs},
                }))
                .record(conn, state, meta)
                .await?;
            queries::view(conn, expert_id).await
        })
        .await?;
    Ok(Json(view))
}
