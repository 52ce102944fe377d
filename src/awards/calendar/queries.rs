//! Reading and storing the calendar, and counting working days on it.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::{DayKind, NewCalendarDay, NewCalendarYear};
use super::rules::{Calendar, Counted, MAX_YEAR, add_working_days_in};
use crate::error::AppResult;
use crate::schema::{calendar_days, calendar_years};

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

/// When an admin last stored `year`; `None` if nobody has (the year is not maintained).
pub async fn updated_at(
    conn: &mut AsyncPgConnection,
    year: i32,
) -> AppResult<Option<DateTime<Utc>>> {
    Ok(calendar_years::table
        .find(year)
        .select(calendar_years::updated_at)
        .first(conn)
        .await
        .optional()?)
}

/// The special days of `year`, in date order.
pub async fn days(
    conn: &mut AsyncPgConnection,
    year: i32,
) -> AppResult<Vec<(NaiveDate, DayKind, String)>> {
    Ok(calendar_days::table
        .filter(calendar_days::year.eq(year))
        .order(calendar_days::day.asc())
        .select((calendar_days::day, calendar_days::kind, calendar_days::name))
        .load(conn)
        .await?)
}

/// Stores the year (who, when), or stores it again.
pub async fn store_year(conn: &mut AsyncPgConnection, year: &NewCalendarYear) -> AppResult<()> {
    diesel::insert_into(calendar_years::table)
        .values(year)
        .on_conflict(calendar_years::year)
        .do_update()
        .set(year)
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the special days of `year` with `days`.
pub async fn replace_days(
    conn: &mut AsyncPgConnection,
    year: i32,
    days: &[NewCalendarDay<'_>],
) -> AppResult<()> {
    diesel::delete(calendar_days::table.filter(calendar_days::year.eq(year)))
        .execute(conn)
        .await?;
    if !days.is_empty() {
        diesel::insert_into(calendar_days::table)
            .values(days)
            .execute(conn)
            .await?;
    }
    Ok(())
}
