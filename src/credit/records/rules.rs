//! The rules of credit records: the business day, which records count on a day, and when a record
//! may be entered or repaired. Checks and the records' lists apply [`counts_on`] and nothing else.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::models::CreditRecord;
use crate::error::{AppError, AppResult, ErrorCode, FieldCode};

/// Credit decisions are dated in China Standard Time (UTC+8, no daylight saving).
const CHINA_OFFSET_HOURS: i64 = 8;

/// The calendar day in China at an instant: the day records' dates are compared with.
pub fn business_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(CHINA_OFFSET_HOURS)).date_naive()
}

/// Whether a record counts on `day`: decided by then, not past its validity end (the end day
/// itself still counts), and not repaired on or before that day.
pub fn counts_on(
    decided_on: NaiveDate,
    valid_until: Option<NaiveDate>,
    repaired_on: Option<NaiveDate>,
    day: NaiveDate,
) -> bool {
    decided_on <= day
        && valid_until.is_none_or(|end| day <= end)
        && repaired_on.is_none_or(|repaired| day < repaired)
}

/// A record's validity may not end before its decision (422 on `valid_until`).
pub fn validity(decided_on: NaiveDate, valid_until: Option<NaiveDate>) -> AppResult<()> {
    if valid_until.is_some_and(|end| end < decided_on) {
        return Err(AppError::validation(
            "valid_until",
            FieldCode::BeforeDecision,
        ));
    }
    Ok(())
}

/// The day a repair takes effect: the one asked for, or `today`; never in the future (422 on
/// `repaired_on`).
pub fn repair_day(asked: Option<NaiveDate>, today: NaiveDate) -> AppResult<NaiveDate> {
    let day = asked.unwrap_or(today);
    if day > today {
        return Err(AppError::validation("repaired_on", FieldCode::InFuture));
    }
    Ok(day)
}

/// A record is repaired once (409), and not before its decision (422 on `repaired_on`).
pub fn may_repair(record: &CreditRecord, day: NaiveDate) -> AppResult<()> {
    if record.repaired_on.is_some() {
        return Err(AppError::conflict(ErrorCode::CreditRecordAlreadyRepaired));
    }
    if day < record.decided_on {
        return Err(AppError::validation(
            "repaired_on",
            FieldCode::BeforeDecision,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn records_count_until_their_end_day_or_repair() {
        let day = d("2025-06-01");
        assert!(counts_on(d("2024-01-02"), None, None, day));
        assert!(counts_on(d("2024-01-02"), Some(d("2025-06-01")), None, day));
        assert!(!counts_on(
            d("2024-01-02"),
            Some(d("2025-05-31")),
            None,
            day
        ));
        assert!(!counts_on(
            d("2024-01-02"),
            None,
            Some(d("2025-06-01")),
            day
        ));
        assert!(counts_on(d("2024-01-02"), None, Some(d("2025-06-02")), day));
        // Not decided yet on that day.
        assert!(!counts_on(d("2025-06-02"), None, None, day));
    }

    #[test]
    fn business_date_is_china_time() {
        let late_utc: DateTime<Utc> = "2025-01-01T17:00:00Z".parse().unwrap();
        assert_eq!(business_date(late_utc), d("2025-01-02"));
        let early_utc: DateTime<Utc> = "2025-01-01T15:59:00Z".parse().unwrap();
        assert_eq!(business_date(early_utc), d("2025-01-01"));
    }

    fn field_of(e: AppError) -> Vec<(String, FieldCode)> {
        match e {
            AppError::Validation(fields) => fields
                .into_iter()
                .map(|f| (f.field.to_string(), f.code))
                .collect(),
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn validity_ends_on_or_after_the_decision() {
        assert!(validity(d("2024-01-02"), None).is_ok());
        assert!(validity(d("2024-01-02"), Some(d("2024-01-02"))).is_ok());
        let e = validity(d("2024-01-02"), Some(d("2024-01-01"))).unwrap_err();
        assert_eq!(
            field_of(e),
            vec![("valid_until".to_string(), FieldCode::BeforeDecision)]
        );
    }

    #[test]
    fn a_repair_is_dated_today_or_earlier_once_and_not_before_the_decision() {
        let today = d("2025-06-01");
        assert_eq!(repair_day(None, today).unwrap(), today);
        assert_eq!(
            repair_day(Some(d("2025-05-01")), today).unwrap(),
            d("2025-05-01")
        );
        let e = repair_day(Some(d("2025-06-02")), today).unwrap_err();
        assert_eq!(
            field_of(e),
            vec![("repaired_on".to_string(), FieldCode::InFuture)]
        );

        let now = Utc::now();
        let mut record = CreditRecord {
            id: uuid::Uuid::nil(),
            subject_kind: crate::credit::SubjectKind::Organization,
            subject_key: String::new(),
            subject_code: String::new(),
            subject_name: String::new(),
            severity: crate::credit::Severity::General,
            category: String::new(),
            reason: String::new(),
            authority: String::new(),
            source: String::new(),
            source_record_id: String::new(),
            decided_on: d("2024-01-02"),
            valid_until: None,
            repaired_on: None,
            repair_note: None,
            repaired_by: None,
            repaired_at: None,
            created_at: now,
            updated_at: now,
        };
        assert!(may_repair(&record, d("2024-01-02")).is_ok());
        let e = may_repair(&record, d("2024-01-01")).unwrap_err();
        assert_eq!(
            field_of(e),
            vec![("repaired_on".to_string(), FieldCode::BeforeDecision)]
        );
        record.repaired_on = Some(d("2024-06-01"));
        assert!(matches!(
            may_repair(&record, d("2025-01-01")),
            Err(AppError::Conflict { .. })
        ));
    }
}
