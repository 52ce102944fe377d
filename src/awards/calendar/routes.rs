//! `GET, PUT /calendar/{year}`.

use actix_web::web::{Data, Json, Path};
use actix_web::{get, put};
use diesel_async::AsyncPgConnection;
use serde_json::json;

use super::input::{CalendarInput, check_year};
use super::models::NewCalendarYear;
use super::views::CalendarView;
use super::{queries, rules};
use crate::audit::{Event, RequestMeta};
use crate::auth::{AdminsOnly, AuthUser, Role};
use crate::error::{AppError, AppResult, ProblemBody};
use crate::http::ValidJson;
use crate::state::AppState;

async fn view(conn: &mut AsyncPgConnection, year: i32) -> AppResult<CalendarView> {
    let updated_at = queries::updated_at(conn, year).await?;
    let days = queries::days(conn, year).await?;
    Ok(CalendarView::new(year, updated_at, days))
}

/// A year's public holidays and make-up working days (public: the end of a public notice
/// depends on them).
#[utoipa::path(
    tag = "award",
    params(("year" = i32, Path, description = "The year, 2000 to 2100", minimum = 2000, maximum = 2100)),
    responses(
        (status = 200, description = "The year; `maintained: false` when no admin has stored it", body = CalendarView),
        (status = 422, description = "Year not a number (`invalid_type`) or out of range (`range`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/calendar/{year}")]
pub async fn get_calendar(
    state: Data<AppState>,
    year: Path<String>,
) -> AppResult<Json<CalendarView>> {
    let year = check_year(&year.into_inner())?;
    let mut conn = state.conn().await?;
    Ok(Json(view(&mut conn, year).await?))
}

/// Replace a year's public holidays and make-up working days (admins), all at once.
#[utoipa::path(
    tag = "award",
    params(("year" = i32, Path, description = "The year, 2000 to 2100", minimum = 2000, maximum = 2100)),
    request_body = CalendarInput,
    responses(
        (status = 200, description = "Stored; the year as it is now", body = CalendarView),
        AdminsOnly,
        (status = 422, description = "A date outside the year (`out_of_year`), twice (`duplicate_entry`), both a holiday and a make-up day (`holiday_and_workday`), a make-up day not on a weekend (`not_weekend`), a name missing (`required`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/calendar/{year}")]
#[tracing::instrument(skip_all)]
pub async fn put_calendar(
    state: Data<AppState>,
    user: AuthUser,
    meta: RequestMeta,
    year: Path<String>,
    body: ValidJson<CalendarInput>,
) -> AppResult<Json<CalendarView>> {
    user.require(&[Role::Admin])?;
    let year = check_year(&year.into_inner())?;
    let input = body.into_inner();
    rules::check_input(year, &input).map_err(AppError::Validation)?;
    let stored = NewCalendarYear {
        year,
        updated_by: user.id,
        updated_at: state.clock.now(),
    };
    let after = state
        .transaction(async |conn| {
            let before = view(conn, year).await?;
            queries::store_year(conn, &stored).await?;
            queries::replace_days(conn, year, &input.rows(year)).await?;
            let after = view(conn, year).await?;
            Event::new("calendar.update", "calendar_year", year)
                .by(user.id)
                .summary(json!({
                    "before": {"maintained": before.maintained, "holidays": before.holidays, "make_up_workdays": before.make_up_workdays},
                    "after": {"holidays": after.holidays, "make_up_workdays": after.make_up_workdays},
                }))
                .record(conn, &state, &meta)
                .await?;
            Ok(after)
        })
        .await?;
    Ok(Json(after))
}
