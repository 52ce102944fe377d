//! The working-day calendar (工作日历): each year's public holidays (法定节假日) and make-up
//! working days (调休上班), kept by the admins with `GET, PUT /calendar/{year}`, and the count of
//! working days that fixes the end of a public notice.
//!
//! A day is a working day when it is a make-up working day, or a Monday to Friday that is not a
//! public holiday. Saturdays and Sundays are rest days unless listed as make-up days.
//!
//! The counting rule of the notice: it starts the day after the proposal (Beijing date) and lasts
//! N working days; it ends at 24:00 Beijing time of the N-th working day after the proposal day.
//! See [`add_working_days`].

use std::collections::{BTreeSet, HashMap, HashSet};

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get, put};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use validator::Validate;

use super::models::DayKind;
use crate::audit::{self, RequestMeta};
use crate::auth::AuthUser;
use crate::auth::Role;
use crate::error::{AppError, AppResult, FieldCode, FieldError, ProblemBody};
use crate::http::ValidJson;
use crate::schema::{calendar_days, calendar_years};
use crate::state::AppState;

pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;

/// Beijing time is UTC+8 all year (no daylight saving).
const CHINA_OFFSET_HOURS: i64 = 8;

/// The calendar day in Beijing at an instant.
pub fn beijing_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(CHINA_OFFSET_HOURS)).date_naive()
}

/// 24:00 Beijing time of `day` (= 00:00 of the next day there), as an instant.
pub fn end_of_beijing_day(day: NaiveDate) -> DateTime<Utc> {
    let next = (day + Duration::days(1)).and_time(NaiveTime::MIN);
    Utc.from_utc_datetime(&next) - Duration::hours(CHINA_OFFSET_HOURS)
}

/// The special days known to a count: holidays and make-up working days of the maintained years.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    pub holidays: HashSet<NaiveDate>,
    pub workdays: HashSet<NaiveDate>,
    /// The years an admin has stored.
    pub maintained: HashSet<i32>,
}

impl Calendar {
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.workdays.contains(&day) {
            return true;
        }
        if self.holidays.contains(&day) {
            return false;
        }
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }
}

/// What a count found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    /// The N-th working day after the start day.
    pub end: NaiveDate,
    /// The years the count ran through (the day after `from` through `end`) that no admin has
    /// maintained: there only weekends were rest days.
    pub missing_years: Vec<i32>,
}

/// The `n`-th working day strictly after `from` (pure; `n` of 0 gives `from`).
pub fn add_working_days_in(calendar: &Calendar, from: NaiveDate, n: u32) -> Counted {
    let mut day = from;
    let mut left = n;
    let mut years = BTreeSet::new();
    while left > 0 {
        day += Duration::days(1);
        years.insert(day.year());
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    Counted {
        end: day,
        missing_years: years
            .into_iter()
            .filter(|y| !calendar.maintained.contains(y))
            .collect(),
    }
}

/// Loads the calendar of the years `first..=last`.
pub async fn load(conn: &mut AsyncPgConnection, first: i32, last: i32) -> AppResult<Calendar> {
    let maintained: Vec<i32> = calendar_years::table
        .filter(calendar_years::year.between(first, last))
        .select(calendar_years::year)
        .load(conn)
        .await?;
    let days: Vec<(NaiveDate, DayKind)> = calendar_days::table
        .filter(calendar_days::year.between(first, last))
        .select((calendar_days::day, calendar_days::kind))
        .load(conn)
        .await?;
    let mut calendar = Calendar {
        maintained: maintained.into_iter().collect(),
        ..Calendar::default()
    };
    for (day, kind) in days {
        match kind {
            DayKind::Holiday => calendar.holidays.insert(day),
            DayKind::Workday => calendar.workdays.insert(day),
        };
    }
    Ok(calendar)
}

/// Counts `n` working days after `from` on the stored calendar (loading the years the count
/// needs), and says which of those years were not maintained.
pub async fn count_working_days(
    conn: &mut AsyncPgConnection,
    from: NaiveDate,
    n: u32,
) -> AppResult<Counted> {
    // Enough years for any count: a year has at least ~240 working days.
    let last = from.year() + 1 + i32::try_from(n / 200).unwrap_or(0);
    let calendar = load(conn, from.year(), last.min(MAX_YEAR + 1)).await?;
    Ok(add_working_days_in(&calendar, from, n))
}

/// The `n`-th working day after `from`, on the stored calendar.
pub async fn add_working_days(
    conn: &mut AsyncPgConnection,
    from: NaiveDate,
    n: u32,
) -> AppResult<NaiveDate> {
    Ok(count_working_days(conn, from, n).await?.end)
}

/// One special day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CalendarDay {
    #[schema(example = "2025-10-01")]
    pub date: NaiveDate,
    /// What the day is, e.g. 国庆节, or 国庆节调休 for a make-up day.
    #[validate(length(max = 50))]
    #[schema(example = "国庆节", max_length = 50)]
    pub name: String,
}

/// `PUT /calendar/{year}`: the whole year, replacing what was stored.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "holidays": [
        {"date": "2025-10-01", "name": "国庆节"}, {"date": "2025-10-02", "name": "国庆节"},
        {"date": "2025-10-03", "name": "国庆节"}, {"date": "2025-10-06", "name": "中秋节"}
    ],
    "make_up_workdays": [
        {"date": "2025-09-28", "name": "国庆节调休"}, {"date": "2025-10-11", "name": "国庆节调休"}
    ]
}))]
pub struct CalendarInput {
    /// Public holidays (rest days, also on weekdays).
    #[validate(length(max = 100), nested)]
    pub holidays: Vec<CalendarDay>,
    /// Make-up working days (调休上班): each a Saturday or Sunday.
    #[validate(length(max = 50), nested)]
    pub make_up_workdays: Vec<CalendarDay>,
}

/// A year of the calendar.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarView {
    #[schema(example = 2025)]
    pub year: i32,
    /// Whether an admin has stored this year; if not, only weekends count as rest days.
    pub maintained: bool,
    pub holidays: Vec<CalendarDay>,
    pub make_up_workdays: Vec<CalendarDay>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The year of the path: an integer from 2000 to 2100 (422 otherwise).
fn check_year(year: &str) -> AppResult<i32> {
    let Ok(year) = year.trim().parse::<i32>() else {
        return Err(AppError::validation("year", FieldCode::InvalidType));
    };
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(AppError::Validation(vec![
            FieldError::new("year", FieldCode::Range)
                .with_param("min", MIN_YEAR)
                .with_param("max", MAX_YEAR),
        ]))
    }
}

/// The rules of a year's input beyond field shapes: dates in the year, names given, no date twice,
/// no date both a holiday and a make-up day, make-up days on weekends.
pub fn check_input(year: i32, input: &CalendarInput) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut seen: HashMap<NaiveDate, &'static str> = HashMap::new();
    for (list, field, kind) in [
        (&input.holidays, "holidays", DayKind::Holiday),
        (
            &input.make_up_workdays,
            "make_up_workdays",
            DayKind::Workday,
        ),
    ] {
        for (i, day) in list.iter().enumerate() {
            if day.name.trim().is_empty() {
                errors.push(FieldError::new(
                    format!("{field}[{i}].name"),
                    FieldCode::Required,
                ));
            }
            let at = format!("{field}[{i}].date");
            if day.date.year() != year {
                errors.push(FieldError::new(at, FieldCode::OutOfYear).with_param("year", year));
                continue;
            }
            match seen.get(&day.date) {
                Some(other) if *other == field => {
                    errors.push(FieldError::new(at, FieldCode::DuplicateEntry));
                    continue;
                }
                Some(_) => {
                    errors.push(FieldError::new(at, FieldCode::HolidayAndWorkday));
                    continue;
                }
                None => {
                    seen.insert(day.date, field);
                }
            }
            if kind == DayKind::Workday
                && !matches!(day.date.weekday(), Weekday::Sat | Weekday::Sun)
            {
                errors.push(FieldError::new(at, FieldCode::NotWeekend));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

async fn view(conn: &mut AsyncPgConnection, year: i32) -> AppResult<CalendarView> {
    let stored: Option<DateTime<Utc>> = calendar_years::table
        .find(year)
        .select(calendar_years::updated_at)
        .first(conn)
        .await
        .optional()?;
    let days: Vec<(NaiveDate, DayKind, String)> = calendar_days::table
        .filter(calendar_days::year.eq(year))
        .order(calendar_days::day.asc())
        .select((calendar_days::day, calendar_days::kind, calendar_days::name))
        .load(conn)
        .await?;
    let (mut holidays, mut make_up_workdays) = (Vec::new(), Vec::new());
    for (date, kind, name) in days {
        let day = CalendarDay { date, name };
        match kind {
            DayKind::Holiday => holidays.push(day),
            DayKind::Workday => make_up_workdays.push(day),
        }
    }
    Ok(CalendarView {
        year,
        maintained: stored.is_some(),
        holidays,
        make_up_workdays,
        updated_at: stored,
    })
}

/// A year's public holidays and make-up working days (public: the end of a public notice
/// depends on them).
#[utoipa::path(
    tag = "award",
    params(("year" = i32, Path, description = "The year, 2000 to 2100")),
    responses(
        (status = 200, description = "The year; `maintained: false` when no admin has stored it", body = CalendarView),
        (status = 422, description = "Year not a number (`invalid_type`) or out of range (`range`)", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/calendar/{year}")]
pub async fn get_calendar(state: Data<AppState>, year: Path<String>) -> AppResult<HttpResponse> {
    let year = check_year(&year.into_inner())?;
    let mut conn = state.conn().await?;
    Ok(HttpResponse::Ok().json(view(&mut conn, year).await?))
}

/// Replace a year's public holidays and make-up working days (admins), all at once.
#[utoipa::path(
    tag = "award",
    params(("year" = i32, Path, description = "The year, 2000 to 2100")),
    request_body = CalendarInput,
    responses(
        (status = 200, description = "Stored; the year as it is now", body = CalendarView),
        (status = 403, description = "Admins only (`forbidden`)", body = ProblemBody, content_type = "application/problem+json"),
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
) -> AppResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let year = check_year(&year.into_inner())?;
    let input = body.into_inner();
    check_input(year, &input).map_err(AppError::Validation)?;
    let now = state.clock.now();
    let mut conn = state.conn().await?;
    let view = conn
        .transaction::<_, AppError, _>(async |conn| {
            let before = view(conn, year).await?;
            diesel::insert_into(calendar_years::table)
                .values((
                    calendar_years::year.eq(year),
                    calendar_years::updated_by.eq(user.id),
                    calendar_years::updated_at.eq(now),
                ))
                .on_conflict(calendar_years::year)
                .do_update()
                .set((
                    calendar_years::updated_by.eq(user.id),
                    calendar_years::updated_at.eq(now),
                ))
                .execute(conn)
                .await?;
            diesel::delete(calendar_days::table.filter(calendar_days::year.eq(year)))
                .execute(conn)
                .await?;
            let rows: Vec<_> = input
                .holidays
                .iter()
                .map(|d| (d, DayKind::Holiday))
                .chain(input.make_up_workdays.iter().map(|d| (d, DayKind::Workday)))
                .map(|(d, kind)| {
                    (
                        calendar_days::day.eq(d.date),
                        calendar_days::year.eq(year),
                        calendar_days::kind.eq(kind),
                        calendar_days::name.eq(d.name.trim().to_string()),
                    )
                })
                .collect();
            if !rows.is_empty() {
                diesel::insert_into(calendar_days::table)
                    .values(rows)
                    .execute(conn)
                    .await?;
            }
            let after = view(conn, year).await?;
            audit::record(
                conn,
                &state,
                &meta,
                audit::Event {
                    actor_id: Some(user.id),
                    action: "calendar.update",
                    object_type: "calendar_year",
                    object_id: Some(year.to_string()),
                    summary: json!({
                        "before": {"maintained": before.maintained, "holidays": before.holidays, "make_up_workdays": before.make_up_workdays},
                        "after": {"holidays": after.holidays, "make_up_workdays": after.make_up_workdays},
                    }),
                },
            )
            .await?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The State Council's 2025 calendar (国办发明电〔2024〕12号).
    fn calendar_2025() -> Calendar {
        let holidays = [
            "2025-01-01", // 元旦
            "2025-01-28",
            "2025-01-29",
            "2025-01-30",
            "2025-01-31",
            "2025-02-01",
            "2025-02-02",
            "2025-02-03",
            "2025-02-04", // 春节
            "2025-04-04",
            "2025-04-05",
            "2025-04-06", // 清明节
            "2025-05-01",
            "2025-05-02",
            "2025-05-03",
            "2025-05-04",
            "2025-05-05", // 劳动节
            "2025-05-31",
            "2025-06-01",
            "2025-06-02", // 端午节
            "2025-10-01",
            "2025-10-02",
            "2025-10-03",
            "2025-10-04",
            "2025-10-05",
            "2025-10-06",
            "2025-10-07",
            "2025-10-08", // 国庆节、中秋节
        ];
        let workdays = [
            "2025-01-26",
            "2025-02-08",
            "2025-04-27",
            "2025-09-28",
            "2025-10-11",
        ];
        Calendar {
            holidays: holidays.iter().map(|s| d(s)).collect(),
            workdays: workdays.iter().map(|s| d(s)).collect(),
            maintained: [2025].into_iter().collect(),
        }
    }

    #[test]
    fn weekends_rest_unless_made_up_and_holidays_rest() {
        let cal = calendar_2025();
        assert!(cal.is_working_day(d("2025-09-26"))); // Friday
        assert!(!cal.is_working_day(d("2025-09-27"))); // Saturday
        assert!(cal.is_working_day(d("2025-09-28"))); // Sunday, make-up
        assert!(!cal.is_working_day(d("2025-10-01"))); // Wednesday, 国庆
        assert!(cal.is_working_day(d("2025-10-11"))); // Saturday, make-up
        assert!(!cal.is_working_day(d("2025-10-12"))); // Sunday
    }

    #[test]
    fn counting_runs_through_the_national_day_holiday_and_its_make_up_days() {
        let cal = calendar_2025();
        // Proposed Friday 26 September: the make-up Sunday 28th counts, the 29th and 30th, then
        // the holiday 1-8 October is skipped: 9th and 10th.
        let counted = add_working_days_in(&cal, d("2025-09-26"), 5);
        assert_eq!(counted.end, d("2025-10-10"));
        assert!(counted.missing_years.is_empty());
        // From the 9th: Friday 10th, the make-up Saturday 11th, Monday 13th.
        assert_eq!(
            add_working_days_in(&cal, d("2025-10-09"), 3).end,
            d("2025-10-13")
        );
        // Across the Spring Festival: proposed Friday 24 January; the make-up Sunday 26th,
        // Monday 27th, then 28 January - 4 February rest; 5, 6, 7 and the make-up Saturday 8th.
        assert_eq!(
            add_working_days_in(&cal, d("2025-01-24"), 6).end,
            d("2025-02-08")
        );
        // Across 劳动节: Sunday 27 April (make-up), 28, 29, 30 April, then 6 May.
        assert_eq!(
            add_working_days_in(&cal, d("2025-04-25"), 5).end,
            d("2025-05-06")
        );
        // An ordinary week: Monday to the next Monday.
        assert_eq!(
            add_working_days_in(&cal, d("2025-03-03"), 5).end,
            d("2025-03-10")
        );
        assert_eq!(
            add_working_days_in(&cal, d("2025-03-03"), 0).end,
            d("2025-03-03")
        );
    }

    #[test]
    fn a_year_without_a_calendar_counts_weekends_only_and_is_named() {
        let cal = calendar_2025();
        // 29 December 2025 (Monday) + 5: 30, 31 December, then 1 January 2026 (a holiday in
        // reality, unknown here), 2, 5 January.
        let counted = add_working_days_in(&cal, d("2025-12-29"), 5);
        assert_eq!(counted.end, d("2026-01-05"));
        assert_eq!(counted.missing_years, vec![2026]);
    }

    #[test]
    fn the_notice_ends_at_midnight_beijing_time() {
        assert_eq!(
            end_of_beijing_day(d("2025-10-10")).to_rfc3339(),
            "2025-10-10T16:00:00+00:00"
        );
        let at: DateTime<Utc> = "2025-10-09T17:30:00Z".parse().unwrap();
        assert_eq!(beijing_date(at), d("2025-10-10"));
    }

    #[test]
    fn input_rules() {
        let day = |date: &str, name: &str| CalendarDay {
            date: d(date),
            name: name.into(),
        };
        let ok = CalendarInput {
            holidays: vec![day("2025-10-01", "国庆节")],
            make_up_workdays: vec![day("2025-10-11", "国庆节调休")],
        };
        assert!(check_input(2025, &ok).is_ok());
        let bad = CalendarInput {
            holidays: vec![
                day("2025-10-01", "国庆节"),
                day("2025-10-01", "国庆节"),
                day("2026-01-01", "元旦"),
                day("2025-10-11", " "),
            ],
            make_up_workdays: vec![day("2025-10-11", "调休"), day("2025-10-10", "调休")],
        };
        let errors = check_input(2025, &bad).unwrap_err();
        let got: Vec<(String, String)> = errors
            .iter()
            .map(|e| (e.field.clone(), e.code.to_string()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("holidays[1].date".into(), "duplicate_entry".into()),
                ("holidays[2].date".into(), "out_of_year".into()),
                ("holidays[3].name".into(), "required".into()),
                (
                    "make_up_workdays[0].date".into(),
                    "holiday_and_workday".into()
                ),
                ("make_up_workdays[1].date".into(), "not_weekend".into()),
            ]
        );
    }
}
