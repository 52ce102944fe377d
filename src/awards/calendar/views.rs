//! A year of the calendar as the API shows it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::input::CalendarDay;
use super::models::DayKind;

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

impl CalendarView {
    /// `year`, stored at `updated_at` (never if `None`), with its special days in date order.
    pub fn new(
        year: i32,
        updated_at: Option<DateTime<Utc>>,
        days: Vec<(NaiveDate, DayKind, String)>,
    ) -> Self {
        let (mut holidays, mut make_up_workdays) = (Vec::new(), Vec::new());
        for (date, kind, name) in days {
            let day = CalendarDay { date, name };
            match kind {
                DayKind::Holiday => holidays.push(day),
                DayKind::Workday => make_up_workdays.push(day),
            }
        }
        CalendarView {
            year,
            maintained: updated_at.is_some(),
            holidays,
            make_up_workdays,
            updated_at,
        }
    }
}
