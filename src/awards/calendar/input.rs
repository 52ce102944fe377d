//! A year of the calendar as an admin sends it, and the year of the path.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::models::{DayKind, NewCalendarDay};
use super::rules::{MAX_YEAR, MIN_YEAR};
use crate::error::{AppError, AppResult, FieldCode, FieldError};
use crate::http::validate::one_line;

/// One special day.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CalendarDay {
    #[schema(example = "2025-10-01")]
    pub date: NaiveDate,
    /// What the day is, e.g. 国庆节, or 国庆节调休 for a make-up day.
    #[validate(length(max = 50), custom(function = one_line))]
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
    #[schema(max_items = 100)]
    pub holidays: Vec<CalendarDay>,
    /// Make-up working days (调休上班): each a Saturday or Sunday.
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub make_up_workdays: Vec<CalendarDay>,
}

impl CalendarInput {
    /// The rows of `year`: the holidays, then the make-up days, names trimmed.
    pub fn rows(&self, year: i32) -> Vec<NewCalendarDay<'_>> {
        let holidays = self.holidays.iter().map(|d| (d, DayKind::Holiday));
        let workdays = self.make_up_workdays.iter().map(|d| (d, DayKind::Workday));
        holidays
            .chain(workdays)
            .map(|(d, kind)| NewCalendarDay {
                day: d.date,
                year,
                kind,
                name: d.name.trim(),
            })
            .collect()
    }
}

/// The year of the path: an integer from 2000 to 2100 (422 otherwise).
pub fn check_year(year: &str) -> AppResult<i32> {
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
