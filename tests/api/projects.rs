//! The awarded project through HTTP, with the clock driven by the tests: milestones from the
//! awarded bid's plan (due days from the award day, amounts adding up exactly), reports, returns
//! and acceptance, the payment ledger by role and as CSV, payments held by a serious credit record
//! and released after its repair, the one extension, overdue reminders, and who may do what.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, Tokens, assert_csv, assert_notified, assert_problem, assert_status, error_fields,
    id_of, notification, notified_count,
};
use crate::scenario::{Scenario, add_credit_record, milestone, milestone_ok, report_body};

/// Two ranked bids, the first awarded (甲大学: 250 万元 over 18 months, 60/40).
async fn awarded(app: &TestApp) -> Scenario<'_> {
    app.scenario().with_bids(2).awarded().build().await
}

/// The China calendar day of the award, read from the challenge.
async fn award_day(s: &Scenario<'_>) -> NaiveDate {
    let at: DateTime<Utc> = s.challenge().await["awarded_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    (at + Duration::hours(8)).date_naive()
}

fn months_after(day: NaiveDate, months: u32) -> String {
    day.checked_add_months(Months::new(months))
        .unwrap()
        .to_string()
}

async fn payments(app: &TestApp, query: &str, token: Option<&str>) -> reqwest::Response {
    app.get(&format!("/api/v1/payments{query}"), token).await
}

async fn payments_ok(app: &TestApp, query: &str, token: &Tokens) -> Value {
    assert_status(payments(app, query, Some(&token.access)).await, 200).await
}

/// A request to extend the project, by `who`.
async fn extend(s: &Scenario<'_>, months: u32, reason: &str, who: &Tokens) -> reqwest::Response {
    let body = json!({"months": months, "reason": reason});
    s.app
        .post(&s.path("/extension"), &body, Some(&who.access))
        .await
}

/// A decision on the pending extension, by `who`.
async fn decide(s: &Scenario<'_>, body: Value, who: &Tokens) -> reqwest::Response {
    s.app
        .post(&s.path("/extension/decision"), &body, Some(&who.access))
        .await
}

/// Reports milestone `id` as the awardee and has the issuer accept it.
async fn report_and_accept(s: &Scenario<'_>, id: &str) -> Value {
    milestone_ok(s.app, id, "report", &report_body(), &s.bids[0].solver).await;
    milestone_ok(s.app, id, "accept", &json!({}), &s.issuer).await
}

#[tokio::test]
async fn the_awarded_plan_becomes_the_milestones_and_only_the_parties_see_them() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let day = award_day(&s).await;

    // The plan became the milestones: due days from the award day, 60/40 of 250 万元.
    let p = s.project(&s.bids[0].solver).await;
    assert_eq!(p["challenge_status"], "awarded");
    assert_eq!(p["organization_name"], "甲大学");
    assert_eq!(p["amount_fen"], 250_000_000);
    assert_eq!(p["outstanding"], 2);
    let ms = p["milestones"].as_array().unwrap();
    assert_eq!(ms.len(), 2);
    assert_eq!(ms[0]["title"], "签约启动");
    assert_eq!(ms[0]["share_percent"], 60);
    assert_eq!(ms[0]["amount_fen"], 150_000_000);
    assert_eq!(ms[0]["due_on"], months_after(day, 1));
    assert_eq!(ms[1]["amount_fen"], 100_000_000);
    assert_eq!(ms[1]["due_on"], months_after(day, 18));
    assert!(ms.iter().all(|m| m["status"] == "pending"
        && m["original_due_on"].is_null()
        && m["payment"].is_null()
        && m["reports"].as_array().unwrap().is_empty()));

    // Who sees the project: the awardee, the issuer, admins; nobody else (404, not 403).
    s.project(&s.issuer).await;
    s.project(&s.admin).await;
    let stranger = app.issuer().await;
    for token in [
        Some(s.bids[1].solver.access.as_str()),
        Some(s.experts[0].tokens.access.as_str()),
        Some(stranger.access.as_str()),
        None,
    ] {
        let resp = app.get(&s.path("/milestones"), token).await;
        assert_problem(resp, 404, "not_found").await;
    }
}

#[tokio::test]
async fn a_pending_milestone_is_reported_by_the_awardee_only_with_a_deliverable() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let (solver, issuer) = (&s.bids[0].solver, &s.issuer);
    let first = s.milestone_id(0).await;

    // Wrong role 403, another organisation 404, wrong state 409.
    for (who, status, code) in [
        (issuer, 403, "forbidden"),
        (&s.admin, 403, "forbidden"),
        (&s.bids[1].solver, 404, "not_found"),
    ] {
        let resp = milestone(&app, &first, "report", &report_body(), who).await;
        assert_problem(resp, status, code).await;
    }
    let resp = milestone(&app, &first, "accept", &json!({}), issuer).await;
    let problem = assert_problem(resp, 409, "invalid_milestone_state").await;
    assert_eq!(problem["errors"][0]["field"], "status");
    assert!(problem["detail"].as_str().unwrap().contains("待提交"));
    // The deliverable is required and at most 5000 characters; links must be links.
    for (body, field) in [
        (json!({"deliverable": "  "}), "deliverable"),
        (json!({"deliverable": "好".repeat(5001)}), "deliverable"),
        (json!({}), "deliverable"),
        (
            json!({"deliverable": "成果", "attachments": ["javascript:alert(1)"]}),
            "attachments",
        ),
    ] {
        let resp = milestone(&app, &first, "report", &body, solver).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec![field]);
    }
}

#[tokio::test]
async fn a_returned_report_is_kept_and_the_accepted_one_releases_the_payment() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let (solver, issuer) = (&s.bids[0].solver, &s.issuer);
    let first = s.milestone_id(0).await;

    // Report → the issuer is told.
    let m = milestone_ok(&app, &first, "report", &report_body(), solver).await;
    assert_eq!(m["status"], "reported");
    let attachment = "https://pan.example.edu.cn/s/report.pdf";
    assert_eq!(m["reports"][0]["attachments"][0], attachment);
    assert_eq!(m["reports"][0]["reported_by_name"], "联系人");
    assert_notified(&app, &issuer.access, "milestone_reported").await;
    let resp = milestone(&app, &first, "report", &report_body(), solver).await;
    assert_problem(resp, 409, "invalid_milestone_state").await;

    // Return: the issuer's (not the solver's, not another issuer's), with a reason; the solver is
    // told why.
    let resp = milestone(&app, &first, "accept", &json!({}), solver).await;
    assert_problem(resp, 403, "forbidden").await;
    let stranger = app.issuer().await;
    let resp = milestone(&app, &first, "return", &json!({"reason": "x"}), &stranger).await;
    assert_problem(resp, 404, "not_found").await;
    let resp = milestone(&app, &first, "return", &json!({"reason": " "}), issuer).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    let why = json!({"reason": "缺少第三方检测报告"});
    let m = milestone_ok(&app, &first, "return", &why, issuer).await;
    assert_eq!(m["status"], "returned");
    assert_eq!(m["reports"][0]["outcome"], "returned");
    assert_eq!(m["reports"][0]["reason"], "缺少第三方检测报告");
    let returned = notification(&app, &solver.access, "milestone_returned").await;
    assert!(
        returned["body"]
            .as_str()
            .unwrap()
            .contains("缺少第三方检测报告")
    );

    // Report again: both reports are kept.
    let again = json!({"deliverable": "补充了检测报告。"});
    let m = milestone_ok(&app, &first, "report", &again, solver).await;
    assert_eq!(m["status"], "reported");
    assert_eq!(m["reports"].as_array().unwrap().len(), 2);
    assert!(m["reports"][1]["outcome"].is_null());

    // A stale If-Match is refused; then accept: the payment is released into the ledger.
    let accept = |tag: String, body: Value| {
        app.request(
            Method::POST,
            &format!("/api/v1/milestones/{first}/accept"),
            Some(&issuer.access),
        )
        .header("If-Match", tag)
        .json(&body)
        .send()
    };
    let resp = accept("\"v1\"".into(), json!({})).await.unwrap();
    assert_problem(resp, 412, "stale_version").await;
    let tag = format!("\"v{}\"", m["version"]);
    let resp = accept(tag, json!({"comment": "符合任务书要求"})).await;
    let m = assert_status(resp.unwrap(), 200).await;
    assert_eq!(m["status"], "accepted");
    assert_eq!(m["reports"][1]["outcome"], "accepted");
    assert_eq!(m["reports"][1]["reason"], "符合任务书要求");
    assert_eq!(m["payment"]["status"], "released");
    assert_eq!(m["payment"]["amount_fen"], 150_000_000);
    assert_notified(&app, &solver.access, "milestone_accepted").await;
    for (action, body, who) in [
        ("accept", json!({}), issuer),
        ("report", report_body(), solver),
    ] {
        let resp = milestone(&app, &first, action, &body, who).await;
        assert_problem(resp, 409, "invalid_milestone_state").await;
    }
    assert_eq!(s.project(issuer).await["outstanding"], 1);

    // Audit trail.
    for action in [
        "project.start",
        "milestone.report",
        "milestone.return",
        "milestone.accept",
        "payment.record",
    ] {
        assert!(app.audited(action).await >= 1, "{action}");
    }
    let checks = app
        .count("SELECT count(*) FROM credit_checks WHERE purpose = 'payment'")
        .await;
    assert_eq!(checks, 1);
}

#[tokio::test]
async fn the_payment_ledger_by_role_and_as_csv() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let id = s.challenge_id.as_str();
    let first = s.milestone_id(0).await;
    report_and_accept(&s, &first).await;

    let all = payments_ok(&app, "", &s.admin).await;
    assert_eq!(all["total"], 1);
    assert_eq!(all["total_amount_fen"], 150_000_000);
    assert_eq!(all["released_amount_fen"], 150_000_000);
    assert_eq!(all["held_amount_fen"], 0);
    let entry = &all["items"][0];
    assert_eq!(entry["challenge_id"], id);
    assert_eq!(entry["milestone_id"], first.as_str());
    assert_eq!(entry["milestone_title"], "签约启动");
    assert_eq!(entry["organization_name"], "甲大学");
    assert_eq!(entry["status"], "released");
    assert!(entry["credit_check_id"].is_string() && entry["held_check_id"].is_null());
    let stranger = app.issuer().await;
    let unknown = format!("?challenge_id={}", uuid::Uuid::new_v4());
    for (query, who, total) in [
        ("?status=held", &s.admin, 0),
        (&format!("?challenge_id={id}&status=released"), &s.admin, 1),
        (&unknown, &s.admin, 0),
        ("", &s.bids[0].solver, 1),
        ("", &s.bids[1].solver, 0),
        ("", &stranger, 0),
    ] {
        assert_eq!(
            payments_ok(&app, query, who).await["total"],
            total,
            "{query}"
        );
    }
    let issuers = payments_ok(&app, "", &s.issuer).await;
    assert_eq!(issuers["total_amount_fen"], 150_000_000);
    let expert = Some(s.experts[0].tokens.access.as_str());
    assert_problem(payments(&app, "", expert).await, 403, "forbidden").await;
    assert_problem(payments(&app, "", None).await, 401, "unauthenticated").await;
    let resp = payments(&app, "?status=paid", Some(&s.admin.access)).await;
    assert_problem(resp, 422, "validation_failed").await;

    // CSV, by parameter or by Accept, behind a byte-order mark.
    for resp in [
        payments(&app, "?format=csv", Some(&s.admin.access)).await,
        app.request(Method::GET, "/api/v1/payments", Some(&s.admin.access))
            .header("Accept", "text/csv")
            .send()
            .await
            .unwrap(),
    ] {
        let text = assert_csv_with_bom(resp).await;
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("id,challenge_id,challenge_title"));
        assert!(lines[1].contains("签约启动") && lines[1].contains(",150000000,released,"));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("total,") && l.contains(",150000000,"))
        );
    }
}

/// Asserts a CSV answer that starts with a UTF-8 byte-order mark; answers the text after it.
async fn assert_csv_with_bom(resp: reqwest::Response) -> String {
    let text = assert_csv(resp).await;
    let rest = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    rest.to_string()
}

#[tokio::test]
async fn shares_that_do_not_divide_evenly_still_add_up_exactly() {
    let app = TestApp::spawn().await;
    let s = app
        .scenario()
        .with_bids(2)
        .bids_with(json!({
            "requested_fen": 100_000_001,
            "milestones": [
                {"title": "方案设计", "due_month": 3, "share_percent": 33},
                {"title": "中试", "due_month": 9, "share_percent": 33},
                {"title": "验收", "due_month": 18, "share_percent": 34},
            ],
        }))
        .awarded()
        .build()
        .await;
    let p = s.project(&s.bids[0].solver).await;
    let amounts: Vec<i64> = p["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["amount_fen"].as_i64().unwrap())
        .collect();
    // 33% of 100_000_001 is 33_000_000.33, 34% is 34_000_000.34: the fen left over goes to the
    // largest remainder.
    assert_eq!(amounts, vec![33_000_000, 33_000_000, 34_000_001]);
    assert_eq!(amounts.iter().sum::<i64>(), 100_000_001);
    assert_eq!(p["amount_fen"], 100_000_001);
    let day = award_day(&s).await;
    assert_eq!(p["milestones"][2]["due_on"], months_after(day, 18));

    for i in 0..2 {
        report_and_accept(&s, &id_of(&p["milestones"][i])).await;
    }
    // The last milestone is the final acceptance's to decide (its share is paid when that
    // passes; see tests/api/acceptance.rs), not the issuer's.
    let last = id_of(&p["milestones"][2]);
    milestone_ok(&app, &last, "report", &report_body(), &s.bids[0].solver).await;
    let resp = milestone(&app, &last, "accept", &json!({}), &s.issuer).await;
    assert_problem(resp, 409, "final_milestone_by_acceptance").await;
    let ledger = payments_ok(&app, &format!("?challenge_id={}", s.challenge_id), &s.admin).await;
    assert_eq!(ledger["total"], 2);
    assert_eq!(ledger["total_amount_fen"], 66_000_000);
    assert_eq!(ledger["released_amount_fen"], 66_000_000);
    assert_eq!(s.project(&s.issuer).await["outstanding"], 1);
}

#[tokio::test]
async fn a_serious_record_holds_the_payment_until_it_is_repaired() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let (solver, issuer) = (&s.bids[0].solver, &s.issuer);
    let record =
        add_credit_record(&app, &s.admin, "organization", &s.bids[0].uscc, "serious").await;

    // Accepted all the same; the payment is held with the check that held it.
    let m = report_and_accept(&s, &s.milestone_id(0).await).await;
    assert_eq!(m["status"], "accepted");
    assert_eq!(m["payment"]["status"], "held");
    assert!(m["payment"]["released_at"].is_null());
    let ledger = payments_ok(&app, "", &s.admin).await;
    let payment = ledger["items"][0].clone();
    assert_eq!(payment["status"], "held");
    assert_eq!(payment["held_check_id"], payment["credit_check_id"]);
    assert_eq!(ledger["held_amount_fen"], 150_000_000);
    assert_eq!(ledger["released_amount_fen"], 0);
    assert_notified(&app, &solver.access, "milestone_accepted").await;
    for token in [solver, &s.admin, issuer] {
        assert_notified(&app, &token.access, "payment_held").await;
    }

    // Releasing: admins only; still blocked → 409 with the standing, and the check is kept.
    let release = format!("/api/v1/payments/{}/release", id_of(&payment));
    let by = async |who: &Tokens| app.post(&release, &json!({}), Some(&who.access)).await;
    assert_problem(by(issuer).await, 403, "forbidden").await;
    let problem = assert_problem(by(&s.admin).await, 409, "payment_blocked").await;
    assert_eq!(problem["errors"][0]["code"], "payment_held");
    let blocks =
        "SELECT count(*) FROM credit_checks WHERE purpose = 'payment' AND result = 'block'";
    assert_eq!(app.count(blocks).await, 2);

    // Repaired: the release passes.
    let repair = format!("/api/v1/credit/records/{}/repair", id_of(&record));
    let note = json!({"note": "已履行法定义务"});
    app.post_ok(&repair, &note, Some(&s.admin.access)).await;
    let released = assert_status(by(&s.admin).await, 200).await;
    assert_eq!(released["status"], "released");
    assert!(released["released_at"].is_string());
    assert_eq!(released["held_check_id"], payment["held_check_id"]);
    assert_ne!(released["credit_check_id"], payment["credit_check_id"]);
    assert_problem(by(&s.admin).await, 409, "payment_not_held").await;
    let ledger = payments_ok(&app, "", solver).await;
    assert_eq!(ledger["released_amount_fen"], 150_000_000);
    assert_eq!(ledger["held_amount_fen"], 0);
}

#[tokio::test]
async fn extension_requests_are_checked_and_a_decision_needs_one_pending() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let solver = &s.bids[0].solver;
    for months in [0, 13, 25] {
        let resp = extend(&s, months, "设备延迟", solver).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec!["months"]);
    }
    let problem = assert_problem(extend(&s, 6, "  ", solver).await, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    let resp = extend(&s, 6, "x", &s.experts[0].tokens).await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = extend(&s, 6, "x", &s.bids[1].solver).await;
    assert_problem(resp, 404, "not_found").await;
    let resp = decide(&s, json!({"approve": true}), &s.admin).await;
    assert_problem(resp, 409, "no_extension_pending").await;
}

#[tokio::test]
async fn one_approved_extension_moves_only_the_remaining_due_dates() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let (solver, issuer) = (&s.bids[0].solver, &s.issuer);
    let day = award_day(&s).await;
    report_and_accept(&s, &s.milestone_id(0).await).await;

    // The solver asks; the admins are told; a second request waits.
    let p = assert_status(extend(&s, 6, "关键设备进口到货延迟", solver).await, 201).await;
    assert_eq!(p["extensions"][0]["status"], "pending");
    assert_eq!(p["milestones"][1]["due_on"], months_after(day, 18));
    assert_notified(&app, &s.admin.access, "extension_requested").await;
    let resp = extend(&s, 3, "再议", issuer).await;
    assert_problem(resp, 409, "extension_pending").await;
    let resp = decide(&s, json!({"approve": true}), solver).await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = decide(&s, json!({"approve": false}), &s.admin).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);

    // Approved: only the milestone not yet accepted moves, and keeps its first due day.
    let approve = json!({"approve": true, "reason": "同意"});
    let p = assert_status(decide(&s, approve, &s.admin).await, 200).await;
    assert_eq!(p["extensions"][0]["status"], "approved");
    assert_eq!(p["milestones"][0]["due_on"], months_after(day, 1));
    assert!(p["milestones"][0]["original_due_on"].is_null());
    assert_eq!(p["milestones"][1]["due_on"], months_after(day, 24));
    assert_eq!(p["milestones"][1]["original_due_on"], months_after(day, 18));
    for token in [solver, issuer] {
        assert_notified(&app, &token.access, "extension_decided").await;
    }
    // Once only: by anyone.
    for who in [solver, issuer, &s.admin] {
        let resp = extend(&s, 1, "再延一个月", who).await;
        assert_problem(resp, 409, "extension_used").await;
    }
    assert_eq!(app.audited("project.extension_approve").await, 1);
}

#[tokio::test]
async fn a_refused_request_may_be_followed_by_an_admin_extension_at_once() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let day = award_day(&s).await;
    assert_status(extend(&s, 12, "市场变化", &s.issuer).await, 201).await;
    let refuse = json!({"approve": false, "reason": "理由不充分"});
    let p = assert_status(decide(&s, refuse, &s.admin).await, 200).await;
    assert_eq!(p["extensions"][0]["status"], "refused");
    assert_eq!(p["extensions"][0]["decision_reason"], "理由不充分");
    assert_eq!(p["milestones"][0]["due_on"], months_after(day, 1));
    let decided = notification(&app, &s.issuer.access, "extension_decided").await;
    assert_eq!(decided["data"]["approved"], false);

    // The program office extends directly: approved at once.
    let p = assert_status(extend(&s, 12, "重大技术调整", &s.admin).await, 201).await;
    assert_eq!(p["extensions"][1]["status"], "approved");
    assert_eq!(p["milestones"][0]["due_on"], months_after(day, 13));
    assert_eq!(p["milestones"][1]["due_on"], months_after(day, 30));
}

/// Moves the clock to `at` (forward only) and runs the due jobs.
async fn run_jobs_at(app: &TestApp, at: DateTime<Utc>) {
    let now = app.state.clock.now();
    assert!(at > now, "{at} is not after {now}");
    app.state.clock.advance(at - now);
    app.run_jobs().await;
}

/// Moves the clock on by `by` and runs the due jobs.
async fn run_jobs_after(app: &TestApp, by: Duration) {
    app.state.clock.advance(by);
    app.run_jobs().await;
}

/// The instant a China calendar day ends (24:00 Beijing time).
fn end_of(day: &Value) -> DateTime<Utc> {
    let day: NaiveDate = day.as_str().unwrap().parse().unwrap();
    (day + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        - Duration::hours(8)
}

/// How many overdue reminders the awardee has had.
async fn reminders(s: &Scenario<'_>) -> usize {
    notified_count(s.app, &s.bids[0].solver.access, "milestone_overdue").await
}

/// Whether milestone `i` shows as overdue.
async fn overdue(s: &Scenario<'_>, i: usize) -> bool {
    let project = s.project(&s.bids[0].solver).await;
    project["milestones"][i]["overdue"].as_bool().unwrap()
}

#[tokio::test]
async fn overdue_reminders_follow_the_due_day_stop_when_reported_and_move_with_an_extension() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let p = s.project(&s.bids[0].solver).await;
    let first = id_of(&p["milestones"][0]);
    let (due1, due2) = (&p["milestones"][0]["due_on"], &p["milestones"][1]["due_on"]);
    reminded_after_the_due_day_and_then_weekly(&s, due1).await;
    a_report_ends_the_chain_and_a_return_starts_one_new_chain(&s, &first).await;
    let moved = an_extension_moves_the_reminder_with_the_due_day(&s, due2).await;
    a_terminated_project_takes_no_reminders_nor_reports(&s, &moved).await;
}

/// Step: nothing before the first milestone's due day is over; at 24:00 Beijing time the
/// awardee is reminded and the admins told; then weekly (after two reminders).
async fn reminded_after_the_due_day_and_then_weekly(s: &Scenario<'_>, due: &Value) {
    let app = s.app;
    run_jobs_at(app, end_of(due) - Duration::minutes(1)).await;
    assert_eq!(reminders(s).await, 0);
    assert!(!overdue(s, 0).await);

    run_jobs_at(app, end_of(due) + Duration::minutes(1)).await;
    assert_eq!(reminders(s).await, 1);
    let told = notified_count(app, &s.admin.access, "milestone_overdue_admin").await;
    assert_eq!(told, 1);
    assert!(overdue(s, 0).await);
    assert!(!overdue(s, 1).await);
    let note = notification(app, &s.bids[0].solver.access, "milestone_overdue").await;
    assert_eq!(note["data"]["milestone_title"], "签约启动");
    assert_eq!(&note["data"]["due_on"], due);
    // Running the jobs again sends nothing more; a week later, again.
    app.run_jobs().await;
    assert_eq!(reminders(s).await, 1);
    run_jobs_after(app, Duration::days(7)).await;
    assert_eq!(reminders(s).await, 2);
}

/// Step: reported two days later (the next reminder was due in a week), returned two days after
/// that. The old chain ends with the report; the return starts one new chain, a week after the
/// return, so the awardee never gets two reminders a week. Then reported and accepted.
async fn a_report_ends_the_chain_and_a_return_starts_one_new_chain(s: &Scenario<'_>, first: &str) {
    let (app, solver) = (s.app, &s.bids[0].solver);
    app.state.clock.advance(Duration::days(2));
    milestone_ok(app, first, "report", &report_body(), solver).await;
    app.state.clock.advance(Duration::days(2));
    let why = json!({"reason": "不完整"});
    milestone_ok(app, first, "return", &why, &s.issuer).await;
    // The old chain's day (a week after the last reminder): nothing.
    run_jobs_after(app, Duration::days(3) + Duration::minutes(1)).await;
    assert_eq!(reminders(s).await, 2);
    // A week after the return: one reminder, then weekly again.
    run_jobs_after(app, Duration::days(4)).await;
    assert_eq!(reminders(s).await, 3);
    run_jobs_after(app, Duration::days(7)).await;
    assert_eq!(reminders(s).await, 4);
    report_and_accept(s, first).await;
}

/// Step: an extension moves the second milestone's day: its old job does nothing, the new day
/// reminds. Answers the project as the extension left it.
async fn an_extension_moves_the_reminder_with_the_due_day(s: &Scenario<'_>, due: &Value) -> Value {
    let app = s.app;
    let moved = assert_status(extend(s, 2, "设备延迟", &s.admin).await, 201).await;
    let new_due = &moved["milestones"][1]["due_on"];
    assert!(new_due.as_str().unwrap() > due.as_str().unwrap());
    run_jobs_at(app, end_of(due) + Duration::minutes(1)).await;
    assert_eq!(reminders(s).await, 4);
    assert!(!overdue(s, 1).await);
    run_jobs_at(app, end_of(new_due) + Duration::minutes(1)).await;
    assert_eq!(reminders(s).await, 5);
    moved
}

/// Step: the program office terminates the project: `failed`, with the reason, the awardee and
/// the issuer told. It then sends no more reminders and takes no more reports or extensions.
async fn a_terminated_project_takes_no_reminders_nor_reports(s: &Scenario<'_>, project: &Value) {
    let (app, solver) = (s.app, &s.bids[0].solver);
    let terminate = s.path("/terminate");
    let reason = json!({"reason": "揭榜团队解散，项目无法继续实施。"});
    let resp = app.post(&terminate, &reason, Some(&s.issuer.access)).await;
    assert_problem(resp, 403, "forbidden").await;
    let blank = json!({"reason": " "});
    let resp = app.post(&terminate, &blank, Some(&s.admin.access)).await;
    assert_problem(resp, 422, "validation_failed").await;
    let ended = app
        .post_ok(&terminate, &reason, Some(&s.admin.access))
        .await;
    assert_eq!(ended["status"], "failed");
    assert_eq!(ended["status_reason"], "揭榜团队解散，项目无法继续实施。");
    for token in [solver, &s.issuer] {
        assert_notified(app, &token.access, "project_terminated").await;
    }
    let resp = app.post(&terminate, &reason, Some(&s.admin.access)).await;
    let problem = assert_problem(resp, 409, "invalid_transition").await;
    assert!(problem["detail"].as_str().unwrap().contains("未通过验收"));
    run_jobs_after(app, Duration::days(7)).await;
    assert_eq!(reminders(s).await, 5);
    let second = id_of(&project["milestones"][1]);
    let resp = milestone(app, &second, "report", &report_body(), solver).await;
    assert_problem(resp, 409, "project_not_running").await;
    let resp = extend(s, 1, "x", solver).await;
    assert_problem(resp, 409, "project_not_running").await;
    let failed = "SELECT count(*) FROM background_jobs WHERE kind = 'milestone_overdue' AND status = 'failed'";
    assert_eq!(app.count(failed).await, 0);
}

#[tokio::test]
async fn two_concurrent_accepts_pay_once() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let first = s.milestone_id(0).await;
    milestone_ok(&app, &first, "report", &report_body(), &s.bids[0].solver).await;
    let empty = json!({});
    let (a, b) = tokio::join!(
        milestone(&app, &first, "accept", &empty, &s.issuer),
        milestone(&app, &first, "accept", &empty, &s.issuer),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(app.count("SELECT count(*) FROM payments").await, 1);
    let ledger = payments_ok(&app, "", &s.admin).await;
    assert_eq!(ledger["total_amount_fen"], 150_000_000);
}

#[tokio::test]
async fn a_milestone_returned_before_its_due_day_is_still_reminded_on_that_day() {
    let app = TestApp::spawn().await;
    let s = awarded(&app).await;
    let p = s.project(&s.bids[0].solver).await;
    let first = id_of(&p["milestones"][0]);
    // Reported and returned well before the due day: the chain starts again at its end.
    milestone_ok(&app, &first, "report", &report_body(), &s.bids[0].solver).await;
    let why = json!({"reason": "缺少检测报告"});
    milestone_ok(&app, &first, "return", &why, &s.issuer).await;
    run_jobs_at(
        &app,
        end_of(&p["milestones"][0]["due_on"]) + Duration::minutes(1),
    )
    .await;
    assert_eq!(reminders(&s).await, 1);
}
