//! `POST /challenges/{id}/terminate`: the program office ends an awarded project that cannot go
//! on (项目终止: the team dissolved, the awardee stopped reporting...). The challenge becomes
//! `failed` through the lifecycle (`Fail`, admin, reason required); no further milestone,
//! report or extension is possible, overdue reminders stop by themselves, and the seats of an
//! acceptance under way are given up. A payment held by credit may still be released.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, post};
use diesel_async::AsyncConnection;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use super::queries;
use crate::accounts::queries as accounts;
use crate::audit::RequestMeta;
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::challenges::lifecycle::{self, Action, Actor};
use crate::challenges::notify::{issuer_accounts, url};
use crate::challenges::queries::{self as challenge_queries, Viewer};
use crate::challenges::views::ChallengeView;
use crate::error::{AppError, AppResult, ProblemBody};
use crate::http::ValidJson;
use crate::http::validate::not_blank;
use crate::i18n::{self, Args};
use crate::notifications::{Recipient, notify};
use crate::projects::notices::ProjectTerminated;
use crate::state::AppState;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(terminate_project);
}

/// `POST /challenges/{id}/terminate`.
#[derive(Debug, Clone, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "揭榜团队解散，项目无法继续实施。"}))]
pub struct TerminateRequest {
    #[validate(length(min = 1, max = 2000), custom(function = not_blank))]
    pub reason: String,
}

/// Terminate an awarded project (admins): the challenge becomes `failed` with the reason, and
/// the awardee's solvers and the issuer's accounts are told (`project_terminated`).
#[utoipa::path(
    tag = "projects",
    params(("id" = Uuid, Path, description = "Challenge id")),
    request_body = TerminateRequest,
    responses(
        (status = 200, description = "Terminated: the challenge is `failed`", body = ChallengeView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "No such challenge", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "Not `awarded` (`invalid_transition`, naming the state)", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "No reason", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/challenges/{id}/terminate")]
#[tracing::instrument(skip_all)]
pub async fn terminate_project(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    id: Path<Uuid>,
    body: ValidJson<TerminateRequest>,
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let reason = body.into_inner().reason.trim().to_string();
    let id = id.into_inner();
    let mut conn = state.conn().await?;
    let challenge = conn
        .transaction::<_, AppError, _>(async |conn| {
            let challenge = challenge_queries::lock_visible(conn, Viewer::Admin, id).await?;
            let updated = lifecycle::apply(
                conn,
                &state,
                &meta,
                &Actor::User(&user),
                &challenge,
                Action::Fail,
                Some(&reason),
            )
            .await?;
            // An acceptance under way ends with it: its experts are free again.
            let released = crate::projects::acceptance::release_open_seats(
                conn,
                updated.id,
                state.clock.now(),
                &i18n::bilingual("record-project_terminated", &Args::new()),
            )
            .await?;
            if !released.is_empty() {
                crate::audit::record(
                    conn,
                    &state,
                    &meta,
                    crate::audit::Event {
                        actor_id: Some(user.id),
                        action: "acceptance.release",
                        object_type: "challenge",
                        object_id: Some(updated.id.to_string()),
                        summary: serde_json::json!({"released": released, "reason": "terminated"}),
                    },
                )
                .await?;
            }
            let mut people = issuer_accounts(conn, &updated).await?;
            if let Ok(org) = queries::awardee(conn, updated.id).await {
                people.extend(accounts::organization_accounts(conn, org, Role::Solver).await?);
            }
            for person in people {
                let notice = ProjectTerminated {
                    display_name: person.display_name.clone(),
                    title: updated.title.clone(),
                    reason: reason.clone(),
                    url: url(&state, &updated),
                };
                notify(conn, &state, &Recipient::from(&person), &notice).await?;
            }
            Ok(updated)
        })
        .await?;
    let view = crate::challenges::routes::view_of(&mut conn, challenge, Viewer::Admin).await?;
    Ok(HttpResponse::Ok().json(view))
}
