//! The working-day calendar: `GET, PUT /calendar/{year}`, and the end of a public notice counted
//! on it.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, assert_status, error_fields, ids};

async fn put(app: &TestApp, year: i32, body: &Value, token: Option<&str>) -> reqwest::Response {
    app.put(&format!("/api/v1/calendar/{year}"), body, token)
        .await
}

fn national_day_2025() -> Value {
    json!({
        "holidays": [
            {"date": "2025-10-01", "name": "国庆节"}, {"date": "2025-10-02", "name": "国庆节"},
            {"date": "2025-10-03", "name": "国庆节"}, {"date": "2025-10-04", "name": "国庆节"},
            {"date": "2025-10-05", "name": "国庆节"}, {"date": "2025-10-06", "name": "中秋节"},
            {"date": "2025-10-07", "name": "国庆节"}, {"date": "2025-10-08", "name": "国庆节"}
        ],
        "make_up_workdays": [
            {"date": "2025-09-28", "name": "国庆节调休"}, {"date": "2025-10-11", "name": "国庆节调休"}
        ]
    })
}

#[tokio::test]
async fn admins_keep_the_calendar_and_anyone_reads_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let solver = app.solver().await;

    let year = app.get_ok("/api/v1/calendar/2025", None).await;
    assert_eq!(year["maintained"], false);
    assert_eq!(year["holidays"], json!([]));

    let body = national_day_2025();
    assert_problem(put(&app, 2025, &body, None).await, 401, "unauthenticated").await;
    assert_problem(
        put(&app, 2025, &body, Some(&solver.access)).await,
        403,
        "forbidden",
    )
    .await;
    let resp = app.get("/api/v1/calendar/1999", None).await;
    assert_problem(resp, 422, "validation_failed").await;

    // Every rule, each naming its field.
    let bad = json!({
        "holidays": [
            {"date": "2025-10-01", "name": "国庆节"},
            {"date": "2025-10-01", "name": "国庆节"},
            {"date": "2026-01-01", "name": "元旦"},
            {"date": "2025-10-02", "name": "  "}
        ],
        "make_up_workdays": [
            {"date": "2025-10-01", "name": "调休"},
            {"date": "2025-10-10", "name": "调休"}
        ]
    });
    let problem = assert_problem(
        put(&app, 2025, &bad, Some(&admin.access)).await,
        422,
        "validation_failed",
    )
    .await;
    let fields = error_fields(&problem);
    for field in [
        "holidays[1].date",
        "holidays[2].date",
        "holidays[3].name",
        "make_up_workdays[0].date",
        "make_up_workdays[1].date",
    ] {
        assert!(fields.contains(&field.to_string()), "{field}: {problem}");
    }
    let codes = ids(&problem["errors"], "code");
    for code in [
        "duplicate_entry",
        "out_of_year",
        "required",
        "holiday_and_workday",
        "not_weekend",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code}: {problem}");
    }
    // Nothing was stored.
    let year = app.get_ok("/api/v1/calendar/2025", None).await;
    assert_eq!(year["maintained"], false);

    assert_status(put(&app, 2025, &body, Some(&admin.access)).await, 200).await;
    let year = app.get_ok("/api/v1/calendar/2025", None).await;
    assert_eq!(year["maintained"], true);
    assert_eq!(year["holidays"].as_array().unwrap().len(), 8);
    assert_eq!(
        year["holidays"][5],
        json!({"date": "2025-10-06", "name": "中秋节"})
    );
    assert_eq!(
        year["make_up_workdays"],
        json!([{"date": "2025-09-28", "name": "国庆节调休"}, {"date": "2025-10-11", "name": "国庆节调休"}])
    );

    // A PUT replaces the whole year.
    let new_year =
        json!({"holidays": [{"date": "2025-01-01", "name": "元旦"}], "make_up_workdays": []});
    let year = assert_status(put(&app, 2025, &new_year, Some(&admin.access)).await, 200).await;
    assert_eq!(
        year["holidays"],
        json!([{"date": "2025-01-01", "name": "元旦"}])
    );
    assert_eq!(year["make_up_workdays"], json!([]));

    let audit = app
        .get_ok("/api/v1/audit?action=calendar.update", Some(&admin.access))
        .await;
    assert_eq!(audit["total"], 2, "{audit}");
}

/// Counted independently of the server: the `n`-th working day after `from`.
fn nth_working_day(
    from: NaiveDate,
    n: u32,
    holidays: &[NaiveDate],
    workdays: &[NaiveDate],
) -> NaiveDate {
    let mut day = from;
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let working = workdays.contains(&day) || (!weekend && !holidays.contains(&day));
        if working {
            left -= 1;
        }
    }
    day
}

#[tokio::test]
async fn the_notice_ends_after_its_working_days_across_a_holiday_and_a_make_up_saturday() {
    let app = TestApp::spawn().await;
    let s = app.scenario().with_bids(2).ranked().build().await;

    // The proposal day (Beijing), two public holidays on the first weekdays after it, and the
    // Saturday after them a make-up working day.
    let today = jiebang::awards::calendar::rules::beijing_date(app.state.clock.now());
    let mut day = today;
    let mut holidays = Vec::new();
    while holidays.len() < 2 {
        day += Duration::days(1);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            holidays.push(day);
        }
    }
    let mut saturday = day + Duration::days(1);
    while saturday.weekday() != Weekday::Sat {
        saturday += Duration::days(1);
    }
    let workdays = vec![saturday];
    for year in [today.year(), today.year() + 1] {
        let list = |days: &[NaiveDate], name: &str| -> Vec<Value> {
            days.iter()
                .filter(|d| d.year() == year)
                .map(|d| json!({"date": d.to_string(), "name": name}))
                .collect()
        };
        let body = json!({
            "holidays": list(&holidays, "测试节"),
            "make_up_workdays": list(&workdays, "测试节调休"),
        });
        assert_status(put(&app, year, &body, Some(&s.admin.access)).await, 200).await;
    }

    let resp = s.propose(&json!({"bid_id": s.bids[0].id})).await;
    let award = assert_status(resp, 201).await;
    let expected = nth_working_day(today, 5, &holidays, &workdays);
    let weekends_only = nth_working_day(today, 5, &[], &[]);
    assert_ne!(expected, weekends_only, "the calendar must matter here");
    assert!(
        saturday <= expected,
        "the make-up Saturday is inside the notice"
    );
    assert_eq!(award["working_days"], 5);
    assert_eq!(award["starts_on"], (today + Duration::days(1)).to_string());
    assert_eq!(award["ends_on"], expected.to_string());
    // 24:00 Beijing time of the last day is 16:00 UTC that day.
    assert_eq!(
        award["ends_at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
        expected.and_hms_opt(16, 0, 0).unwrap().and_utc()
    );
    assert_eq!(award["calendar_maintained"], true);
}
