//! The awarded project through HTTP, with the clock driven by the tests: milestones from the
//! awarded bid's plan (due days from the award day, amounts adding up exactly), reports, returns
//! and acceptance, the payment ledger by role and as CSV, payments held by a serious credit record
//! and released after its repair, the one extension, overdue reminders, and who may do what.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, Tokens, assert_problem, error_fields, notification_kinds};
use crate::legacy::{self, Ranked, force_award, ranked, ranked_with};

const BIDDERS: &[(&str, u32, &str, &str)] = &[
    ("甲大学", 10, "陈思远", "林晓"),
    ("乙研究院", 20, "周明", "吴芳"),
];

/// A ranked challenge awarded to its first bid.
async fn awarded(app: &TestApp, admin: &Tokens) -> Ranked {
    let ranked = ranked(app, admin, BIDDERS).await;
    force_award(app, &ranked.review, 0).await;
    ranked
}

/// The China calendar day of the award, read from the challenge.
async fn award_day(app: &TestApp, challenge: &str) -> NaiveDate {
    let body: Value = app
        .get(&format!("/api/v1/challenges/{challenge}"), None)
        .await
        .json()
        .await
        .unwrap();
    let at: DateTime<Utc> = body["awarded_at"].as_str().unwrap().parse().unwrap();
    (at + Duration::hours(8)).date_naive()
}

fn months_after(day: NaiveDate, months: u32) -> String {
    day.checked_add_months(Months::new(months))
        .unwrap()
        .to_string()
}

async fn project(app: &TestApp, challenge: &str, token: Option<&str>) -> reqwest::Response {
    app.get(&format!("/api/v1/challenges/{challenge}/milestones"), token)
        .await
}

async fn project_ok(app: &TestApp, challenge: &str, token: &str) -> Value {
    let resp = project(app, challenge, Some(token)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

fn milestone_id(project: &Value, i: usize) -> String {
    project["milestones"][i]["id"].as_str().unwrap().to_string()
}

async fn act(
    app: &TestApp,
    milestone: &str,
    action: &str,
    body: &Value,
    token: &str,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/milestones/{milestone}/{action}"),
        body,
        Some(token),
    )
    .await
}

async fn act_ok(app: &TestApp, milestone: &str, action: &str, body: &Value, token: &str) -> Value {
    let resp = act(app, milestone, action, body, token).await;
    assert_eq!(
        resp.status(),
        StatusCode::OK,
        "{action}: {:?}",
        resp.text().await
    );
    resp.json().await.unwrap()
}

fn report_body() -> Value {
    json!({"deliverable": "中试线已建成并连续试运行 72 小时。",
           "attachments": ["https://pan.example.edu.cn/s/report.pdf"]})
}

async fn payments(app: &TestApp, query: &str, token: Option<&str>) -> reqwest::Response {
    app.get(&format!("/api/v1/payments{query}"), token).await
}

async fn payments_ok(app: &TestApp, query: &str, token: &str) -> Value {
    let resp = payments(app, query, Some(token)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.db().await.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn the_project_path_report_return_report_accept_and_the_ledger_by_role() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = awarded(&app, &admin).await;
    let review = &ranked.review;
    let id = review.id.as_str();
    let solver = &review.solvers[0];
    let loser = &review.solvers[1];
    let issuer = &review.issuer;
    let expert = &ranked.experts[0].tokens;
    let day = award_day(&app, id).await;

    // The plan became the milestones: due days from the award day, 60/40 of 250 万元.
    let p = project_ok(&app, id, &solver.access).await;
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
    let first = milestone_id(&p, 0);

    // Who sees the project: the awardee, the issuer, admins; nobody else (404, not 403).
    project_ok(&app, id, &issuer.access).await;
    project_ok(&app, id, &admin.access).await;
    for token in [
        Some(loser.access.as_str()),
        Some(expert.access.as_str()),
        None,
    ] {
        assert_problem(project(&app, id, token).await, 404, "not_found").await;
    }
    let stranger = app.issuer().await;
    assert_problem(
        project(&app, id, Some(&stranger.access)).await,
        404,
        "not_found",
    )
    .await;

    // Wrong role 403, another organisation 404, wrong state 409.
    assert_problem(
        act(&app, &first, "report", &report_body(), &issuer.access).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        act(&app, &first, "report", &report_body(), &admin.access).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        act(&app, &first, "report", &report_body(), &loser.access).await,
        404,
        "not_found",
    )
    .await;
    let problem = assert_problem(
        act(&app, &first, "accept", &json!({}), &issuer.access).await,
        409,
        "invalid_milestone_state",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "status");
    assert!(problem["detail"].as_str().unwrap().contains("pending"));
    // The deliverable is required and at most 5000 characters; links must be links.
    for body in [
        json!({"deliverable": "  "}),
        json!({"deliverable": "好".repeat(5001)}),
        json!({}),
    ] {
        let problem = assert_problem(
            act(&app, &first, "report", &body, &solver.access).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), vec!["deliverable"]);
    }
    let problem = assert_problem(
        act(
            &app,
            &first,
            "report",
            &json!({"deliverable": "成果", "attachments": ["javascript:alert(1)"]}),
            &solver.access,
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["attachments"]);

    // Report → the issuer is told.
    let m = act_ok(&app, &first, "report", &report_body(), &solver.access).await;
    assert_eq!(m["status"], "reported");
    assert_eq!(
        m["reports"][0]["attachments"][0],
        "https://pan.example.edu.cn/s/report.pdf"
    );
    assert_eq!(m["reports"][0]["reported_by_name"], "联系人");
    assert!(
        notification_kinds(&app, &issuer.access)
            .await
            .contains(&"milestone_reported".to_string())
    );
    assert_problem(
        act(&app, &first, "report", &report_body(), &solver.access).await,
        409,
        "invalid_milestone_state",
    )
    .await;

    // Return: the reason is required; the solver is told why.
    assert_problem(
        act(&app, &first, "accept", &json!({}), &solver.access).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        act(
            &app,
            &first,
            "return",
            &json!({"reason": "x"}),
            &stranger.access,
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let problem = assert_problem(
        act(
            &app,
            &first,
            "return",
            &json!({"reason": " "}),
            &issuer.access,
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    let m = act_ok(
        &app,
        &first,
        "return",
        &json!({"reason": "缺少第三方检测报告"}),
        &issuer.access,
    )
    .await;
    assert_eq!(m["status"], "returned");
    assert_eq!(m["reports"][0]["outcome"], "returned");
    assert_eq!(m["reports"][0]["reason"], "缺少第三方检测报告");
    let notes: Value = app
        .get("/api/v1/notifications", Some(&solver.access))
        .await
        .json()
        .await
        .unwrap();
    let returned = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "milestone_returned")
        .unwrap();
    assert!(
        returned["body"]
            .as_str()
            .unwrap()
            .contains("缺少第三方检测报告")
    );

    // Report again: both reports are kept.
    let m = act_ok(
        &app,
        &first,
        "report",
        &json!({"deliverable": "补充了检测报告。"}),
        &solver.access,
    )
    .await;
    assert_eq!(m["status"], "reported");
    assert_eq!(m["reports"].as_array().unwrap().len(), 2);
    assert!(m["reports"][1]["outcome"].is_null());

    // A stale If-Match is refused; then accept: the payment is released into the ledger.
    let resp = app
        .request(
            Method::POST,
            &format!("/api/v1/milestones/{first}/accept"),
            Some(&issuer.access),
        )
        .header("If-Match", "\"v1\"")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 412, "stale_version").await;
    let version = m["version"].as_i64().unwrap();
    let resp = app
        .request(
            Method::POST,
            &format!("/api/v1/milestones/{first}/accept"),
            Some(&issuer.access),
        )
        .header("If-Match", format!("\"v{version}\""))
        .json(&json!({"comment": "符合任务书要求"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let m: Value = resp.json().await.unwrap();
    assert_eq!(m["status"], "accepted");
    assert_eq!(m["reports"][1]["outcome"], "accepted");
    assert_eq!(m["reports"][1]["reason"], "符合任务书要求");
    assert_eq!(m["payment"]["status"], "released");
    assert_eq!(m["payment"]["amount_fen"], 150_000_000);
    assert!(
        notification_kinds(&app, &solver.access)
            .await
            .contains(&"milestone_accepted".to_string())
    );
    assert_problem(
        act(&app, &first, "accept", &json!({}), &issuer.access).await,
        409,
        "invalid_milestone_state",
    )
    .await;
    assert_problem(
        act(&app, &first, "report", &report_body(), &solver.access).await,
        409,
        "invalid_milestone_state",
    )
    .await;
    assert_eq!(project_ok(&app, id, &issuer.access).await["outstanding"], 1);

    // The ledger by role.
    let all = payments_ok(&app, "", &admin.access).await;
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
    assert_eq!(
        payments_ok(&app, "?status=held", &admin.access).await["total"],
        0
    );
    assert_eq!(
        payments_ok(
            &app,
            &format!("?challenge_id={id}&status=released"),
            &admin.access
        )
        .await["total"],
        1
    );
    assert_eq!(
        payments_ok(
            &app,
            &format!("?challenge_id={}", uuid::Uuid::new_v4()),
            &admin.access
        )
        .await["total"],
        0
    );
    assert_eq!(
        payments_ok(&app, "", &issuer.access).await["total_amount_fen"],
        150_000_000
    );
    assert_eq!(payments_ok(&app, "", &solver.access).await["total"], 1);
    assert_eq!(payments_ok(&app, "", &loser.access).await["total"], 0);
    assert_eq!(payments_ok(&app, "", &stranger.access).await["total"], 0);
    assert_problem(
        payments(&app, "", Some(&expert.access)).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(payments(&app, "", None).await, 401, "unauthenticated").await;
    assert_problem(
        payments(&app, "?status=paid", Some(&admin.access)).await,
        422,
        "validation_failed",
    )
    .await;

    // CSV, by parameter or by Accept.
    for resp in [
        payments(&app, "?format=csv", Some(&admin.access)).await,
        app.request(Method::GET, "/api/v1/payments", Some(&admin.access))
            .header("Accept", "text/csv")
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(resp.status(), StatusCode::OK);
        assert!(
            resp.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        let bytes = resp.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("id,challenge_id,challenge_title"));
        assert!(lines[1].contains("签约启动") && lines[1].contains(",150000000,released,"));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("total,") && l.contains(",150000000,"))
        );
    }

    // Audit trail.
    for action in [
        "project.start",
        "milestone.report",
        "milestone.return",
        "milestone.accept",
        "payment.record",
    ] {
        let n = count(
            &app,
            &format!("SELECT count(*) FROM audit_log WHERE action = '{action}'"),
        )
        .await;
        assert!(n >= 1, "{action}");
    }
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM credit_checks WHERE purpose = 'payment'"
        )
        .await,
        1
    );
}

fn thirds(n: u32, leader: &str, member: &str) -> Value {
    let mut bid = legacy::bid(n, leader, member);
    bid["requested_fen"] = json!(100_000_001);
    bid["milestones"] = json!([
        {"title": "方案设计", "due_month": 3, "share_percent": 33},
        {"title": "中试", "due_month": 9, "share_percent": 33},
        {"title": "验收", "due_month": 18, "share_percent": 34},
    ]);
    bid
}

#[tokio::test]
async fn shares_that_do_not_divide_evenly_still_add_up_exactly() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = ranked_with(&app, &admin, BIDDERS, thirds).await;
    force_award(&app, &ranked.review, 0).await;
    let id = ranked.review.id.as_str();
    let solver = &ranked.review.solvers[0];
    let issuer = &ranked.review.issuer;
    let p = project_ok(&app, id, &solver.access).await;
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
    let day = award_day(&app, id).await;
    assert_eq!(p["milestones"][2]["due_on"], months_after(day, 18));

    for i in 0..3 {
        let m = milestone_id(&p, i);
        act_ok(&app, &m, "report", &report_body(), &solver.access).await;
        if i < 2 {
            act_ok(&app, &m, "accept", &json!({}), &issuer.access).await;
        }
    }
    // The last milestone is the final acceptance's to decide (its share is paid when that
    // passes; see tests/api/acceptance.rs), not the issuer's.
    let last = milestone_id(&p, 2);
    let resp = act(&app, &last, "accept", &json!({}), &issuer.access).await;
    assert_problem(resp, 409, "final_milestone_by_acceptance").await;
    let ledger = payments_ok(&app, &format!("?challenge_id={id}"), &admin.access).await;
    assert_eq!(ledger["total"], 2);
    assert_eq!(ledger["total_amount_fen"], 66_000_000);
    assert_eq!(ledger["released_amount_fen"], 66_000_000);
    let p = project_ok(&app, id, &issuer.access).await;
    assert_eq!(p["outstanding"], 1);
}

#[tokio::test]
async fn a_serious_record_holds_the_payment_until_it_is_repaired() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = awarded(&app, &admin).await;
    let review = &ranked.review;
    let solver = &review.solvers[0];
    let issuer = &review.issuer;
    let resp = app
        .post(
            "/api/v1/credit/records",
            &json!({"subject_kind": "organization", "subject_code": review.bidder_usccs[0],
                    "subject_name": "甲大学", "severity": "serious", "decided_on": "2024-01-02",
                    "source_record_id": "P-1"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let record: Value = resp.json().await.unwrap();

    let p = project_ok(&app, &review.id, &solver.access).await;
    let first = milestone_id(&p, 0);
    act_ok(&app, &first, "report", &report_body(), &solver.access).await;
    // Accepted all the same; the payment is held with the check that held it.
    let m = act_ok(&app, &first, "accept", &json!({}), &issuer.access).await;
    assert_eq!(m["status"], "accepted");
    assert_eq!(m["payment"]["status"], "held");
    assert!(m["payment"]["released_at"].is_null());
    let ledger = payments_ok(&app, "", &admin.access).await;
    let payment = ledger["items"][0].clone();
    assert_eq!(payment["status"], "held");
    assert_eq!(payment["held_check_id"], payment["credit_check_id"]);
    assert_eq!(ledger["held_amount_fen"], 150_000_000);
    assert_eq!(ledger["released_amount_fen"], 0);
    let kinds = notification_kinds(&app, &solver.access).await;
    assert!(
        kinds.contains(&"payment_held".to_string())
            && kinds.contains(&"milestone_accepted".to_string())
    );
    for token in [&admin.access, &issuer.access] {
        assert!(
            notification_kinds(&app, token)
                .await
                .contains(&"payment_held".to_string())
        );
    }

    // Releasing: admins only; still blocked → 409 with the standing, and the check is kept.
    let release = format!(
        "/api/v1/payments/{}/release",
        payment["id"].as_str().unwrap()
    );
    assert_problem(
        app.post(&release, &json!({}), Some(&issuer.access)).await,
        403,
        "forbidden",
    )
    .await;
    let problem = assert_problem(
        app.post(&release, &json!({}), Some(&admin.access)).await,
        409,
        "payment_blocked",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "payment_held");
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM credit_checks WHERE purpose = 'payment' AND result = 'block'"
        )
        .await,
        2
    );

    // Repaired: the release passes.
    let resp = app
        .post(
            &format!(
                "/api/v1/credit/records/{}/repair",
                record["id"].as_str().unwrap()
            ),
            &json!({"note": "已履行法定义务"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text().await);
    let resp = app.post(&release, &json!({}), Some(&admin.access)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let released: Value = resp.json().await.unwrap();
    assert_eq!(released["status"], "released");
    assert!(released["released_at"].is_string());
    assert_eq!(released["held_check_id"], payment["held_check_id"]);
    assert_ne!(released["credit_check_id"], payment["credit_check_id"]);
    assert_problem(
        app.post(&release, &json!({}), Some(&admin.access)).await,
        409,
        "payment_not_held",
    )
    .await;
    let ledger = payments_ok(&app, "", &solver.access).await;
    assert_eq!(ledger["released_amount_fen"], 150_000_000);
    assert_eq!(ledger["held_amount_fen"], 0);
}

#[tokio::test]
async fn one_extension_moves_only_the_remaining_due_dates() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = awarded(&app, &admin).await;
    let review = &ranked.review;
    let id = review.id.as_str();
    let solver = &review.solvers[0];
    let issuer = &review.issuer;
    let day = award_day(&app, id).await;
    let p = project_ok(&app, id, &solver.access).await;
    let first = milestone_id(&p, 0);
    act_ok(&app, &first, "report", &report_body(), &solver.access).await;
    act_ok(&app, &first, "accept", &json!({}), &issuer.access).await;

    let path = format!("/api/v1/challenges/{id}/extension");
    let decision = format!("/api/v1/challenges/{id}/extension/decision");
    for months in [0, 13, 25] {
        let problem = assert_problem(
            app.post(
                &path,
                &json!({"months": months, "reason": "设备延迟"}),
                Some(&solver.access),
            )
            .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), vec!["months"]);
    }
    let problem = assert_problem(
        app.post(
            &path,
            &json!({"months": 6, "reason": "  "}),
            Some(&solver.access),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    assert_problem(
        app.post(
            &path,
            &json!({"months": 6, "reason": "x"}),
            Some(&ranked.experts[0].tokens.access),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(
            &path,
            &json!({"months": 6, "reason": "x"}),
            Some(&review.solvers[1].access),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.post(&decision, &json!({"approve": true}), Some(&admin.access))
            .await,
        409,
        "no_extension_pending",
    )
    .await;

    // The solver asks; the admins are told; a second request waits.
    let resp = app
        .post(
            &path,
            &json!({"months": 6, "reason": "关键设备进口到货延迟"}),
            Some(&solver.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let p: Value = resp.json().await.unwrap();
    assert_eq!(p["extensions"][0]["status"], "pending");
    assert_eq!(p["milestones"][1]["due_on"], months_after(day, 18));
    assert!(
        notification_kinds(&app, &admin.access)
            .await
            .contains(&"extension_requested".to_string())
    );
    assert_problem(
        app.post(
            &path,
            &json!({"months": 3, "reason": "再议"}),
            Some(&issuer.access),
        )
        .await,
        409,
        "extension_pending",
    )
    .await;
    assert_problem(
        app.post(&decision, &json!({"approve": true}), Some(&solver.access))
            .await,
        403,
        "forbidden",
    )
    .await;
    let problem = assert_problem(
        app.post(&decision, &json!({"approve": false}), Some(&admin.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["reason"]);

    // Approved: only the milestone not yet accepted moves, and keeps its first due day.
    let resp = app
        .post(
            &decision,
            &json!({"approve": true, "reason": "同意"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let p: Value = resp.json().await.unwrap();
    assert_eq!(p["extensions"][0]["status"], "approved");
    assert_eq!(p["milestones"][0]["due_on"], months_after(day, 1));
    assert!(p["milestones"][0]["original_due_on"].is_null());
    assert_eq!(p["milestones"][1]["due_on"], months_after(day, 24));
    assert_eq!(p["milestones"][1]["original_due_on"], months_after(day, 18));
    for token in [&solver.access, &issuer.access] {
        assert!(
            notification_kinds(&app, token)
                .await
                .contains(&"extension_decided".to_string())
        );
    }
    // Once only: by anyone.
    for token in [&solver.access, &issuer.access, &admin.access] {
        assert_problem(
            app.post(
                &path,
                &json!({"months": 1, "reason": "再延一个月"}),
                Some(token),
            )
            .await,
            409,
            "extension_used",
        )
        .await;
    }
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'project.extension_approve'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_refused_request_may_be_followed_by_an_admin_extension_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = awarded(&app, &admin).await;
    let id = ranked.review.id.as_str();
    let issuer = &ranked.review.issuer;
    let day = award_day(&app, id).await;
    let path = format!("/api/v1/challenges/{id}/extension");
    let decision = format!("/api/v1/challenges/{id}/extension/decision");
    let resp = app
        .post(
            &path,
            &json!({"months": 12, "reason": "市场变化"}),
            Some(&issuer.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = app
        .post(
            &decision,
            &json!({"approve": false, "reason": "理由不充分"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let p: Value = resp.json().await.unwrap();
    assert_eq!(p["extensions"][0]["status"], "refused");
    assert_eq!(p["extensions"][0]["decision_reason"], "理由不充分");
    assert_eq!(p["milestones"][0]["due_on"], months_after(day, 1));
    let notes: Value = app
        .get("/api/v1/notifications", Some(&issuer.access))
        .await
        .json()
        .await
        .unwrap();
    let decided = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "extension_decided")
        .unwrap();
    assert_eq!(decided["data"]["approved"], false);

    // The program office extends directly: approved at once.
    let resp = app
        .post(
            &path,
            &json!({"months": 12, "reason": "重大技术调整"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let p: Value = resp.json().await.unwrap();
    assert_eq!(p["extensions"][1]["status"], "approved");
    assert_eq!(p["milestones"][0]["due_on"], months_after(day, 13));
    assert_eq!(p["milestones"][1]["due_on"], months_after(day, 30));
}

/// Moves the clock to `at` (forward only).
fn advance_to(app: &TestApp, at: DateTime<Utc>) {
    let now = app.state.clock.now();
    assert!(at > now, "{at} is not after {now}");
    app.state.clock.advance(at - now);
}

/// The instant a China calendar day ends (24:00 Beijing time).
fn end_of(day: &str) -> DateTime<Utc> {
    let day: NaiveDate = day.parse().unwrap();
    (day + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        - Duration::hours(8)
}

fn kind_count(kinds: &[String], kind: &str) -> usize {
    kinds.iter().filter(|k| *k == kind).count()
}

#[tokio::test]
async fn overdue_reminders_follow_the_due_day_stop_when_reported_and_move_with_an_extension() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = awarded(&app, &admin).await;
    let id = ranked.review.id.as_str();
    let solver = &ranked.review.solvers[0];
    let issuer = &ranked.review.issuer;
    let overdue = async || {
        kind_count(
            &notification_kinds(&app, &solver.access).await,
            "milestone_overdue",
        )
    };
    let p = project_ok(&app, id, &solver.access).await;
    let first = milestone_id(&p, 0);
    let due1 = p["milestones"][0]["due_on"].as_str().unwrap().to_string();
    let due2 = p["milestones"][1]["due_on"].as_str().unwrap().to_string();

    // Not before the due day is over.
    advance_to(&app, end_of(&due1) - Duration::minutes(1));
    app.run_jobs().await;
    assert_eq!(overdue().await, 0);
    assert_eq!(
        project_ok(&app, id, &solver.access).await["milestones"][0]["overdue"],
        false
    );

    // At 24:00 Beijing time: the solver is reminded, the admins told.
    advance_to(&app, end_of(&due1) + Duration::minutes(1));
    app.run_jobs().await;
    assert_eq!(overdue().await, 1);
    assert_eq!(
        kind_count(
            &notification_kinds(&app, &admin.access).await,
            "milestone_overdue_admin"
        ),
        1
    );
    let p = project_ok(&app, id, &solver.access).await;
    assert_eq!(p["milestones"][0]["overdue"], true);
    assert_eq!(p["milestones"][1]["overdue"], false);
    let notes: Value = app
        .get("/api/v1/notifications", Some(&solver.access))
        .await
        .json()
        .await
        .unwrap();
    let note = notes["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "milestone_overdue")
        .unwrap();
    assert_eq!(note["data"]["milestone_title"], "签约启动");
    assert_eq!(note["data"]["due_on"], due1.as_str());
    // Running the jobs again sends nothing more; a week later, again.
    app.run_jobs().await;
    assert_eq!(overdue().await, 1);
    app.state.clock.advance(Duration::days(7));
    app.run_jobs().await;
    assert_eq!(overdue().await, 2);

    // Reported two days later (the next reminder was due in a week): returned two days after
    // that. The old chain ends with the report; the return starts one new chain, a week after
    // the return, so the solver never gets two reminders a week.
    app.state.clock.advance(Duration::days(2));
    act_ok(&app, &first, "report", &report_body(), &solver.access).await;
    app.state.clock.advance(Duration::days(2));
    act_ok(
        &app,
        &first,
        "return",
        &json!({"reason": "不完整"}),
        &issuer.access,
    )
    .await;
    // The old chain's day (a week after the last reminder): nothing.
    app.state
        .clock
        .advance(Duration::days(3) + Duration::minutes(1));
    app.run_jobs().await;
    assert_eq!(overdue().await, 2);
    // A week after the return: one reminder, then weekly again.
    app.state.clock.advance(Duration::days(4));
    app.run_jobs().await;
    assert_eq!(overdue().await, 3);
    app.state.clock.advance(Duration::days(7));
    app.run_jobs().await;
    assert_eq!(overdue().await, 4);
    act_ok(&app, &first, "report", &report_body(), &solver.access).await;
    act_ok(&app, &first, "accept", &json!({}), &issuer.access).await;

    // An extension moves the second milestone's day: its old job does nothing.
    let resp = app
        .post(
            &format!("/api/v1/challenges/{id}/extension"),
            &json!({"months": 2, "reason": "设备延迟"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let moved: Value = resp.json().await.unwrap();
    let new_due2 = moved["milestones"][1]["due_on"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(new_due2 > due2);
    advance_to(&app, end_of(&due2) + Duration::minutes(1));
    app.run_jobs().await;
    assert_eq!(overdue().await, 4);
    assert_eq!(
        project_ok(&app, id, &solver.access).await["milestones"][1]["overdue"],
        false
    );
    advance_to(&app, end_of(&new_due2) + Duration::minutes(1));
    app.run_jobs().await;
    assert_eq!(overdue().await, 5);

    // The program office terminates the project: `failed`, with the reason, the awardee and the
    // issuer told. It then sends no more reminders and takes no more reports.
    let terminate = format!("/api/v1/challenges/{id}/terminate");
    let reason = json!({"reason": "揭榜团队解散，项目无法继续实施。"});
    assert_problem(
        app.post(&terminate, &reason, Some(&issuer.access)).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(&terminate, &json!({"reason": " "}), Some(&admin.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    let resp = app.post(&terminate, &reason, Some(&admin.access)).await;
    assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text().await);
    let ended: Value = resp.json().await.unwrap();
    assert_eq!(ended["status"], "failed");
    assert_eq!(ended["status_reason"], "揭榜团队解散，项目无法继续实施。");
    for token in [&solver.access, &issuer.access] {
        assert!(
            notification_kinds(&app, token)
                .await
                .contains(&"project_terminated".to_string())
        );
    }
    let problem = assert_problem(
        app.post(&terminate, &reason, Some(&admin.access)).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("failed"));
    app.state.clock.advance(Duration::days(7));
    app.run_jobs().await;
    assert_eq!(overdue().await, 5);
    let second = milestone_id(&moved, 1);
    assert_problem(
        act(&app, &second, "report", &report_body(), &solver.access).await,
        409,
        "project_not_running",
    )
    .await;
    assert_problem(
        app.post(
            &format!("/api/v1/challenges/{id}/extension"),
            &json!({"months": 1, "reason": "x"}),
            Some(&solver.access),
        )
        .await,
        409,
        "project_not_running",
    )
    .await;
    assert_eq!(
        count(&app, "SELECT count(*) FROM background_jobs WHERE kind = 'milestone_overdue' AND status = 'failed'").await,
        0
    );
}

#[tokio::test]
async fn two_concurrent_accepts_pay_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = awarded(&app, &admin).await;
    let id = ranked.review.id.as_str();
    let solver = &ranked.review.solvers[0];
    let issuer = &ranked.review.issuer;
    let p = project_ok(&app, id, &solver.access).await;
    let first = milestone_id(&p, 0);
    act_ok(&app, &first, "report", &report_body(), &solver.access).await;
    let empty = json!({});
    let (a, b) = tokio::join!(
        act(&app, &first, "accept", &empty, &issuer.access),
        act(&app, &first, "accept", &empty, &issuer.access),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(count(&app, "SELECT count(*) FROM payments").await, 1);
    assert_eq!(
        payments_ok(&app, "", &admin.access).await["total_amount_fen"],
        150_000_000
    );
}

#[tokio::test]
async fn a_milestone_returned_before_its_due_day_is_still_reminded_on_that_day() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = awarded(&app, &admin).await;
    let id = ranked.review.id.as_str();
    let solver = &ranked.review.solvers[0];
    let issuer = &ranked.review.issuer;
    let p = project_ok(&app, id, &solver.access).await;
    let first = milestone_id(&p, 0);
    let due = p["milestones"][0]["due_on"].as_str().unwrap().to_string();
    // Reported and returned well before the due day: the chain starts again at its end.
    act_ok(&app, &first, "report", &report_body(), &solver.access).await;
    act_ok(
        &app,
        &first,
        "return",
        &json!({"reason": "缺少检测报告"}),
        &issuer.access,
    )
    .await;
    advance_to(&app, end_of(&due) + Duration::minutes(1));
    app.run_jobs().await;
    assert_eq!(
        kind_count(
            &notification_kinds(&app, &solver.access).await,
            "milestone_overdue"
        ),
        1
    );
}
