//! The rules of the calendar, as pure functions: Beijing dates, which days are working days, the
//! count that ends a notice, and what a year's input must respect.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};

use super::input::CalendarInput;
use super::models::DayKind;
use crate::error::{FieldCode, FieldError};

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

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
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
        !is_weekend(day)
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
            if kind == DayKind::Workday && !is_weekend(day.date) {
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

#[cfg(test)]
mod tests {
    use super::super::input::CalendarDay;
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
        for (from, n, end) in [
            // From the 9th: Friday 10th, the make-up Saturday 11th, Monday 13th.
            ("2025-10-09", 3, "2025-10-13"),
            // Across the Spring Festival: proposed Friday 24 January; the make-up Sunday 26th,
            // Monday 27th, then 28 January - 4 February rest; 5, 6, 7 and the make-up Saturday
            // 8th.
            ("2025-01-24", 6, "2025-02-08"),
            // Across 劳动节: Sunday 27 April (make-up), 28, 29, 30 April, then 6 May.
            ("2025-04-25", 5, "2025-05-06"),
            // An ordinary week: Monday to the next Monday.
            ("2025-03-03", 5, "2025-03-10"),
            ("2025-03-03", 0, "2025-03-03"),
        ] {
            let counted = add_working_days_in(&cal, d(from), n);
            assert_eq!(counted.end, d(end), "{n} working days after {from}");
        }
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
