//! The calendar as stored: the years an admin has stored, and their special days.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use crate::db_enum;
use crate::schema::{calendar_days, calendar_years};

db_enum!(
    /// A special day of the calendar.
    DayKind {
        /// 法定节假日: a rest day, also on a weekday.
        Holiday => "holiday",
        /// 调休上班: a Saturday or Sunday that is a working day.
        Workday => "workday",
    }
);

/// A year as an admin stores it (again): who, when. Stored once, the year is "maintained".
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = calendar_years, primary_key(year))]
pub struct NewCalendarYear {
    pub year: i32,
    pub updated_by: Uuid,
    pub updated_at: DateTime<Utc>,
}

/// One special day of a year.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = calendar_days)]
pub struct NewCalendarDay<'a> {
    pub day: NaiveDate,
    pub year: i32,
    pub kind: DayKind,
    pub name: &'a str,
}
