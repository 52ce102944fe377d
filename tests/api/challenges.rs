//! Challenges: the lifecycle through HTTP, refused transitions, visibility per role, `If-Match`,
//! the deadline job driven by the test clock, search in Chinese and Latin, and pagination.

use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, Tokens, assert_problem, error_fields, notification_kinds, rfc3339};

/// A valid draft whose bidding closes `closes_in` from the app's clock.
fn draft(app: &TestApp, title: &str, closes_in: Duration) -> Value {
    let now = app.state.clock.now();
    json!({
        "title": title,
        "category": "tech_breakthrough",
        "field": "new_materials",
        "description": format!("{title}：面向产业需求的关键技术攻关。"),
        "kpis": [{"name": "拉伸强度", "target": "≥ 5.5", "unit": "GPa"}],
        "bounty_fen": 300_000_000,
        "bid_opens_at": rfc3339(now - Duration::days(1)),
        "bid_closes_at": rfc3339(now + closes_in),
        "max_duration_months": 24,
    })
}

async fn create(app: &TestApp, issuer: &Tokens, body: &Value) -> Value {
    let resp = app
        .post("/api/v1/challenges", body, Some(&issuer.access))
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    resp.json().await.unwrap()
}

async fn act(app: &TestApp, id: &str, action: &str, token: &str, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/challenges/{id}/{action}"),
        &body,
        Some(token),
    )
    .await
}

async fn act_ok(app: &TestApp, id: &str, action: &str, token: &str, body: Value) -> Value {
    let resp = act(app, id, action, token, body).await;
    assert_eq!(resp.status(), StatusCode::OK, "{action}");
    resp.json().await.unwrap()
}

/// Created, submitted and approved: published.
async fn published(app: &TestApp, issuer: &Tokens, admin: &Tokens, body: &Value) -> String {
    let id = create(app, issuer, body).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    act_ok(app, &id, "submit", &issuer.access, json!({})).await;
    let done = act_ok(app, &id, "approve", &admin.access, json!({})).await;
    assert_eq!(done["status"], "published");
    id
}

async fn status_of(app: &TestApp, id: &str, token: Option<&str>) -> String {
    let resp = app.get(&format!("/api/v1/challenges/{id}"), token).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    body["status"].as_str().unwrap().to_string()
}

async fn patch_with(
    app: &TestApp,
    id: &str,
    token: &str,
    if_match: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut req = app
        .request(
            Method::PATCH,
            &format!("/api/v1/challenges/{id}"),
            Some(token),
        )
        .json(&body);
    if let Some(tag) = if_match {
        req = req.header("If-Match", tag);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn the_whole_lifecycle_through_http() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;

    let resp = app
        .post(
            "/api/v1/challenges",
            &draft(&app, "高性能碳纤维复合材料", Duration::days(30)),
            Some(&issuer.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(resp.headers()["etag"], "\"v1\"");
    let created: Value = resp.json().await.unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["status"], "draft");
    assert_eq!(created["review"]["panel_size"], 5);
    assert_eq!(created["review"]["rubric"][0]["name"], "技术方案");
    assert_eq!(created["publicity_days"], 5);
    assert_eq!(
        created["eligibility"]["org_kinds"]
            .as_array()
            .unwrap()
            .len(),
        5
    );

    // Submitted, returned with a reason, edited, resubmitted, approved.
    let pending = act_ok(&app, &id, "submit", &issuer.access, json!({})).await;
    assert_eq!(pending["status"], "pending_approval");
    let resp = act(&app, &id, "reject", &admin.access, json!({})).await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), ["reason"]);
    let rejected = act_ok(
        &app,
        &id,
        "reject",
        &admin.access,
        json!({"reason": "考核指标不够具体"}),
    )
    .await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["status_reason"], "考核指标不够具体");
    assert!(
        notification_kinds(&app, &issuer.access)
            .await
            .contains(&"challenge_rejected".to_string())
    );

    let resp = patch_with(
        &app,
        &id,
        &issuer.access,
        Some(&format!("\"v{}\"", rejected["version"])),
        json!({"kpis": [{"name": "拉伸强度", "target": "≥ 5.8", "unit": "GPa"}, {"name": "成本", "target": "≤ 120", "unit": "元/kg"}]}),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let edited: Value = resp.json().await.unwrap();
    assert_eq!(edited["status"], "rejected");
    assert_eq!(edited["kpis"].as_array().unwrap().len(), 2);

    act_ok(&app, &id, "submit", &issuer.access, json!({})).await;
    let approved = act_ok(
        &app,
        &id,
        "approve",
        &admin.access,
        json!({"reason": "同意发布"}),
    )
    .await;
    assert_eq!(approved["status"], "published");
    assert!(approved["published_at"].is_string());
    assert!(
        notification_kinds(&app, &issuer.access)
            .await
            .contains(&"challenge_approved".to_string())
    );

    // Public now, without a token.
    assert_eq!(status_of(&app, &id, None).await, "published");

    // The history names every step, who took it and why.
    let events: Value = app
        .get(
            &format!("/api/v1/challenges/{id}/events"),
            Some(&issuer.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let steps: Vec<(&str, &str)> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["to_status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("create", "draft"),
            ("submit", "pending_approval"),
            ("reject", "rejected"),
            ("submit", "pending_approval"),
            ("approve", "published"),
        ]
    );
    assert_eq!(events[2]["reason"], "考核指标不够具体");
    assert_eq!(events[2]["from_status"], "pending_approval");
    assert_eq!(events[4]["actor_id"].as_str(), Some(admin.user_id.as_str()));
    // Others may read the challenge but not its history.
    let solver = app.solver().await;
    let resp = app
        .get(
            &format!("/api/v1/challenges/{id}/events"),
            Some(&solver.access),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;

    // A clarification: public to read.
    let resp = app
        .post(
            &format!("/api/v1/challenges/{id}/clarifications"),
            &json!({"question": "可否由第三方检测？", "answer": "可以，须具备 CMA 资质。"}),
            Some(&issuer.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let list: Value = app
        .get(&format!("/api/v1/challenges/{id}/clarifications"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["answer"], "可以，须具备 CMA 资质。");

    // Every transition is in the audit log.
    let db = app.db().await;
    let rows = db
        .query(
            "SELECT action FROM audit_log WHERE object_type = 'challenge' AND object_id = $1 ORDER BY id",
            &[&id],
        )
        .await
        .unwrap();
    let actions: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(
        actions,
        [
            "challenge.create",
            "challenge.submit",
            "challenge.reject",
            "challenge.update",
            "challenge.submit",
            "challenge.approve",
            "challenge.clarify",
        ]
    );
}

#[tokio::test]
async fn refused_transitions_name_the_current_state() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let other_issuer = app.issuer().await;
    let admin = app.admin().await;
    let solver = app.solver().await;
    let id = create(
        &app,
        &issuer,
        &draft(&app, "氢能储运装备", Duration::days(10)),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();

    // Approving a draft: 409 naming `draft`.
    let body = assert_problem(
        act(&app, &id, "approve", &admin.access, json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "status");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("draft")
    );
    assert!(body["detail"].as_str().unwrap().contains("草稿"));
    // Wrong roles: the issuer cannot approve (403); another issuer or a solver cannot even see the
    // draft (404); an admin does not submit for the issuer (403).
    act_ok(&app, &id, "submit", &issuer.access, json!({})).await;
    assert_problem(
        act(&app, &id, "approve", &issuer.access, json!({})).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        act(&app, &id, "submit", &other_issuer.access, json!({})).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        act(&app, &id, "cancel", &solver.access, json!({"reason": "x"})).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        act(&app, &id, "submit", &admin.access, json!({})).await,
        403,
        "forbidden",
    )
    .await;
    // Submitting twice.
    let body = assert_problem(
        act(&app, &id, "submit", &issuer.access, json!({})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("pending_approval")
    );

    act_ok(&app, &id, "approve", &admin.access, json!({})).await;
    for (action, token) in [
        ("submit", &issuer.access),
        ("approve", &admin.access),
        ("reject", &admin.access),
    ] {
        let body = assert_problem(
            act(&app, &id, action, token, json!({"reason": "再来一次"})).await,
            409,
            "invalid_transition",
        )
        .await;
        assert_eq!(
            body["errors"][0]["message"],
            "当前状态为 published，不允许此操作"
        );
    }
    // A published challenge seen by another issuer: visible, but not theirs to cancel.
    assert_problem(
        act(
            &app,
            &id,
            "cancel",
            &other_issuer.access,
            json!({"reason": "x"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;

    // Cancelling needs a reason; then nothing more is allowed.
    let body = assert_problem(
        act(&app, &id, "cancel", &issuer.access, json!({"reason": "  "})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), ["reason"]);
    let cancelled = act_ok(
        &app,
        &id,
        "cancel",
        &issuer.access,
        json!({"reason": "需求已解决"}),
    )
    .await;
    assert_eq!(cancelled["status"], "cancelled");
    for (action, token) in [
        ("cancel", &admin.access),
        ("submit", &issuer.access),
        ("approve", &admin.access),
    ] {
        let body = assert_problem(
            act(&app, &id, action, token, json!({"reason": "x"})).await,
            409,
            "invalid_transition",
        )
        .await;
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("cancelled")
        );
    }
    // A cancelled challenge that had been published stays readable, with its reason.
    let public: Value = app
        .get(&format!("/api/v1/challenges/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(public["status"], "cancelled");
    assert_eq!(public["status_reason"], "需求已解决");

    // After the deadline the issuer may no longer cancel; the program office may.
    let id2 = published(
        &app,
        &issuer,
        &admin,
        &draft(&app, "深海探测传感器", Duration::hours(2)),
    )
    .await;
    app.state.clock.advance(Duration::hours(3));
    app.run_jobs().await;
    assert_eq!(status_of(&app, &id2, None).await, "bidding_closed");
    let body = assert_problem(
        act(&app, &id2, "cancel", &issuer.access, json!({"reason": "x"})).await,
        409,
        "invalid_transition",
    )
    .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("bidding_closed")
    );
    let done = act_ok(
        &app,
        &id2,
        "cancel",
        &admin.access,
        json!({"reason": "项目调整"}),
    )
    .await;
    assert_eq!(done["status"], "cancelled");
    assert!(
        notification_kinds(&app, &issuer.access)
            .await
            .contains(&"challenge_cancelled".to_string())
    );

    // A deadline that passed while waiting for approval: submit and approve refuse it.
    let id3 = create(
        &app,
        &issuer,
        &draft(&app, "盐碱地改良", Duration::hours(1)),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    act_ok(&app, &id3, "submit", &issuer.access, json!({})).await;
    app.state.clock.advance(Duration::hours(2));
    let body = assert_problem(
        act(&app, &id3, "approve", &admin.access, json!({})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), ["bid_closes_at"]);
    assert_eq!(
        status_of(&app, &id3, Some(&admin.access)).await,
        "pending_approval"
    );
}

#[tokio::test]
async fn invalid_challenges_name_each_field() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let now = app.state.clock.now();
    let mut body = draft(&app, "x", Duration::days(5));
    body["bid_opens_at"] = json!(rfc3339(now + Duration::days(6)));
    body["review"] = json!({"panel_size": 2, "rubric": [{"name": "技术方案", "max_points": 60}, {"name": "团队", "max_points": 30}]});
    body["kpis"] = json!([]);
    body["bounty_fen"] = json!(0);
    let resp = app
        .post("/api/v1/challenges", &body, Some(&issuer.access))
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    let fields = error_fields(&problem);
    for field in ["bounty_fen", "kpis", "review.panel_size"] {
        assert!(fields.contains(&field.to_string()), "{field} in {fields:?}");
    }

    // The cross-field rules once each field is well-formed.
    let mut body = draft(&app, "x", Duration::days(5));
    body["bid_opens_at"] = json!(rfc3339(now + Duration::days(6)));
    body["review"] = json!({"rubric": [{"name": "技术方案", "max_points": 60}, {"name": "团队", "max_points": 30}]});
    let problem = assert_problem(
        app.post("/api/v1/challenges", &body, Some(&issuer.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["bid_closes_at", "review.rubric"]);
    assert!(
        problem["errors"][1]["message"]
            .as_str()
            .unwrap()
            .contains("100")
    );

    let mut body = draft(&app, "x", Duration::days(5));
    body["bid_closes_at"] = json!(rfc3339(now - Duration::minutes(1)));
    body["bid_opens_at"] = json!(rfc3339(now - Duration::days(2)));
    let problem = assert_problem(
        app.post("/api/v1/challenges", &body, Some(&issuer.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["bid_closes_at"]);

    let mut body = draft(&app, "x", Duration::days(5));
    body["bounty_fen"] = json!(100_000_000_001_i64);
    body["field"] = json!("astrology");
    let problem = assert_problem(
        app.post("/api/v1/challenges", &body, Some(&issuer.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["field"]);

    // Only issuers write challenges.
    let solver = app.solver().await;
    let resp = app
        .post(
            "/api/v1/challenges",
            &draft(&app, "x", Duration::days(5)),
            Some(&solver.access),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .post(
            "/api/v1/challenges",
            &draft(&app, "x", Duration::days(5)),
            None,
        )
        .await;
    assert_problem(resp, 401, "unauthenticated").await;
}

#[tokio::test]
async fn edits_need_the_current_version_and_published_ones_only_extend_the_deadline() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let id = create(
        &app,
        &issuer,
        &draft(&app, "工业软件内核", Duration::days(10)),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();

    let resp = patch_with(&app, &id, &issuer.access, None, json!({"title": "新标题"})).await;
    assert_problem(resp, 428, "if_match_required").await;
    let resp = patch_with(
        &app,
        &id,
        &issuer.access,
        Some("*"),
        json!({"title": "新标题"}),
    )
    .await;
    assert_problem(resp, 428, "if_match_required").await;
    let resp = patch_with(
        &app,
        &id,
        &issuer.access,
        Some("\"v7\""),
        json!({"title": "新标题"}),
    )
    .await;
    assert_problem(resp, 412, "stale_version").await;
    let resp = patch_with(&app, &id, &issuer.access, Some("\"v1\""), json!({})).await;
    assert_problem(resp, 422, "validation_failed").await;
    let resp = patch_with(
        &app,
        &id,
        &issuer.access,
        Some("\"v1\""),
        json!({"title": "工业软件内核 2.0"}),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["etag"], "\"v2\"");
    // The old tag is stale now.
    let resp = patch_with(
        &app,
        &id,
        &issuer.access,
        Some("\"v1\""),
        json!({"title": "又一个"}),
    )
    .await;
    assert_problem(resp, 412, "stale_version").await;
    // Another issuer cannot see the draft at all.
    let stranger = app.issuer().await;
    let resp = patch_with(
        &app,
        &id,
        &stranger.access,
        Some("\"v2\""),
        json!({"title": "x"}),
    )
    .await;
    assert_problem(resp, 404, "not_found").await;

    // Pending approval: nothing may change.
    act_ok(&app, &id, "submit", &issuer.access, json!({})).await;
    let resp = patch_with(
        &app,
        &id,
        &issuer.access,
        Some("\"v3\""),
        json!({"title": "x"}),
    )
    .await;
    let body = assert_problem(resp, 409, "not_editable").await;
    assert_eq!(error_fields(&body), ["title"]);

    // Published: only a later deadline.
    let approved = act_ok(&app, &id, "approve", &admin.access, json!({})).await;
    let tag = format!("\"v{}\"", approved["version"]);
    let resp = patch_with(
        &app,
        &id,
        &issuer.access,
        Some(&tag),
        json!({"title": "x", "bounty_fen": 1}),
    )
    .await;
    let body = assert_problem(resp, 409, "not_editable").await;
    assert_eq!(error_fields(&body), ["title", "bounty_fen"]);
    let closes: DateTime<Utc> = approved["bid_closes_at"].as_str().unwrap().parse().unwrap();
    let resp = patch_with(
        &app,
        &id,
        &issuer.access,
        Some(&tag),
        json!({"bid_closes_at": rfc3339(closes - Duration::days(1))}),
    )
    .await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), ["bid_closes_at"]);
    let later = closes + Duration::days(7);
    let resp = patch_with(
        &app,
        &id,
        &issuer.access,
        Some(&tag),
        json!({"bid_closes_at": rfc3339(later)}),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let extended: Value = resp.json().await.unwrap();
    assert_eq!(
        extended["bid_closes_at"]
            .as_str()
            .unwrap()
            .parse::<DateTime<Utc>>()
            .unwrap(),
        later
    );
    let events: Value = app
        .get(
            &format!("/api/v1/challenges/{id}/events"),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let last = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "extend_deadline");
    assert_eq!(last["to_status"], "published");

    // The old deadline passes: still open. The new one: closed.
    app.state.clock.advance(Duration::days(11));
    app.run_jobs().await;
    assert_eq!(status_of(&app, &id, None).await, "published");
    app.state.clock.advance(Duration::days(7));
    app.run_jobs().await;
    assert_eq!(status_of(&app, &id, None).await, "bidding_closed");
}

#[tokio::test]
async fn two_concurrent_edits_never_both_win() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let id = create(&app, &issuer, &draft(&app, "并发编辑", Duration::days(10))).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    for round in 1..=5 {
        let tag = format!("\"v{round}\"");
        let edits = (0..4).map(|i| {
            patch_with(
                &app,
                &id,
                &issuer.access,
                Some(&tag),
                json!({"title": format!("第{round}轮 编辑{i}")}),
            )
        });
        let results = futures_util::future::join_all(edits).await;
        let statuses: Vec<u16> = results.iter().map(|r| r.status().as_u16()).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 412).count(),
            3,
            "{statuses:?}"
        );
    }
    let current: Value = app
        .get(&format!("/api/v1/challenges/{id}"), Some(&issuer.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(current["version"], 6);
}

#[tokio::test]
async fn bidding_closes_by_itself_at_the_deadline_to_the_minute() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let id = published(
        &app,
        &issuer,
        &admin,
        &draft(&app, "智能电网调度", Duration::hours(1)),
    )
    .await;

    app.run_jobs().await;
    assert_eq!(status_of(&app, &id, None).await, "published");
    app.state.clock.advance(Duration::minutes(59));
    app.run_jobs().await;
    assert_eq!(status_of(&app, &id, None).await, "published");
    app.state
        .clock
        .advance(Duration::minutes(1) + Duration::seconds(1));
    app.run_jobs().await;
    let closed: Value = app
        .get(&format!("/api/v1/challenges/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(closed["status"], "bidding_closed");
    assert!(closed["bidding_closed_at"].is_string());

    let events: Value = app
        .get(
            &format!("/api/v1/challenges/{id}/events"),
            Some(&issuer.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let last = events.as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "close_bidding");
    assert!(last["actor_id"].is_null(), "the system closed it");
    assert!(
        notification_kinds(&app, &issuer.access)
            .await
            .contains(&"bidding_closed".to_string())
    );
    // Running the jobs again changes nothing.
    app.run_jobs().await;
    assert_eq!(status_of(&app, &id, None).await, "bidding_closed");
}

#[tokio::test]
async fn a_deadline_missed_while_no_server_ran_is_caught_up_at_start() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let id = published(
        &app,
        &issuer,
        &admin,
        &draft(&app, "海水淡化膜", Duration::minutes(30)),
    )
    .await;
    // The scheduled job is lost (say, parked by an operator), and the deadline passes.
    let db = app.db().await;
    let removed = db
        .execute(
            "DELETE FROM background_jobs WHERE kind = 'close_bidding'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(removed, 1);
    app.state.clock.advance(Duration::hours(5));
    app.run_jobs().await;
    assert_eq!(status_of(&app, &id, None).await, "published");
    // What a starting server does.
    let overdue = jiebang::challenges::deadline::catch_up(&app.state)
        .await
        .unwrap();
    assert_eq!(overdue, 1);
    app.run_jobs().await;
    assert_eq!(status_of(&app, &id, None).await, "bidding_closed");
}

async fn list(app: &TestApp, query: &str, token: Option<&str>) -> Value {
    let resp = app.get(&format!("/api/v1/challenges?{query}"), token).await;
    assert_eq!(resp.status(), StatusCode::OK, "{query}");
    resp.json().await.unwrap()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn each_role_sees_what_it_may() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let other = app.issuer().await;
    let admin = app.admin().await;
    let solver = app.solver().await;
    let public_id = published(
        &app,
        &issuer,
        &admin,
        &draft(&app, "公开榜单", Duration::days(3)),
    )
    .await;
    let draft_id = create(&app, &issuer, &draft(&app, "我的草稿", Duration::days(3))).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let pending_id =
        create(&app, &other, &draft(&app, "别家的待审", Duration::days(3))).await["id"]
            .as_str()
            .unwrap()
            .to_string();
    act_ok(&app, &pending_id, "submit", &other.access, json!({})).await;

    assert_eq!(titles(&list(&app, "", None).await), ["公开榜单"]);
    assert_eq!(
        titles(&list(&app, "", Some(&solver.access)).await),
        ["公开榜单"]
    );
    let mut mine = titles(&list(&app, "", Some(&issuer.access)).await);
    mine.sort();
    assert_eq!(mine, ["公开榜单", "我的草稿"]);
    let mut theirs = titles(&list(&app, "", Some(&other.access)).await);
    theirs.sort();
    assert_eq!(theirs, ["公开榜单", "别家的待审"]);
    assert_eq!(list(&app, "", Some(&admin.access)).await["total"], 3);

    for (id, token, status) in [
        (&draft_id, None, 404),
        (&draft_id, Some(&solver.access), 404),
        (&draft_id, Some(&other.access), 404),
        (&draft_id, Some(&issuer.access), 200),
        (&draft_id, Some(&admin.access), 200),
        (&pending_id, Some(&issuer.access), 404),
        (&public_id, None, 200),
        (&public_id, Some(&other.access), 200),
    ] {
        let resp = app
            .get(
                &format!("/api/v1/challenges/{id}"),
                token.map(|t| t.as_str()),
            )
            .await;
        assert_eq!(resp.status().as_u16(), status, "{id} as {token:?}");
    }
    // Guessed ids and hidden drafts answer alike.
    let resp = app
        .get(
            &format!("/api/v1/challenges/{}", uuid::Uuid::now_v7()),
            None,
        )
        .await;
    assert_problem(resp, 404, "not_found").await;
    let resp = app
        .get(
            &format!("/api/v1/challenges/{draft_id}/clarifications"),
            None,
        )
        .await;
    assert_problem(resp, 404, "not_found").await;
    // An invalid token is a 401, not the anonymous view.
    let resp = app.get("/api/v1/challenges", Some("not-a-token")).await;
    assert_problem(resp, 401, "invalid_token").await;
    // A rejection reason is for the issuer, not the public.
    let public: Value = app
        .get(&format!("/api/v1/challenges/{public_id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(public["status_reason"].is_null());
}

#[tokio::test]
async fn filters_sorting_and_pagination() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let mut ids = Vec::new();
    for i in 0..23 {
        let mut body = draft(&app, &format!("榜单{i:02}"), Duration::days(10 + i));
        body["bounty_fen"] = json!(1_000_000 * (i + 1));
        if i % 2 == 1 {
            body["field"] = json!("biomedicine");
            body["category"] = json!("achievement_transfer");
        }
        ids.push(published(&app, &issuer, &admin, &body).await);
    }

    let page1 = list(&app, "per_page=10&sort=deadline", None).await;
    assert_eq!(page1["total"], 23);
    assert_eq!(page1["page"], 1);
    assert_eq!(page1["per_page"], 10);
    let page3 = list(&app, "per_page=10&page=3&sort=deadline", None).await;
    assert_eq!(titles(&page3), ["榜单20", "榜单21", "榜单22"]);
    let page4 = list(&app, "per_page=10&page=4&sort=deadline", None).await;
    assert_eq!(page4["items"].as_array().unwrap().len(), 0);
    assert_eq!(page4["total"], 23);
    // Pages never overlap and together hold every item once, in every order.
    for sort in [
        "deadline",
        "-deadline",
        "bounty",
        "-bounty",
        "published",
        "-published",
    ] {
        let mut seen = Vec::new();
        for page in 1..=5 {
            let body = list(&app, &format!("per_page=5&page={page}&sort={sort}"), None).await;
            seen.extend(titles(&body));
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(seen.len(), 23, "{sort}");
        assert_eq!(unique.len(), 23, "{sort}");
    }
    assert_eq!(
        titles(&list(&app, "per_page=1&sort=-bounty", None).await),
        ["榜单22"]
    );
    assert_eq!(
        titles(&list(&app, "per_page=1&sort=bounty", None).await),
        ["榜单00"]
    );

    assert_eq!(list(&app, "field=biomedicine", None).await["total"], 11);
    assert_eq!(
        list(&app, "category=tech_breakthrough&field=new_materials", None).await["total"],
        12
    );
    assert_eq!(
        list(&app, "bounty_min_fen=5000000&bounty_max_fen=7000000", None).await["total"],
        3
    );
    let now = app.state.clock.now();
    let before = rfc3339(now + Duration::days(12) + Duration::hours(1));
    assert_eq!(
        list(&app, &format!("closes_before={before}"), None).await["total"],
        3
    );
    let after = rfc3339(now + Duration::days(29) + Duration::hours(1));
    assert_eq!(
        list(&app, &format!("closes_after={after}"), None).await["total"],
        3
    );
    assert_eq!(list(&app, "status=published", None).await["total"], 23);
    assert_eq!(list(&app, "status=bidding_closed", None).await["total"], 0);

    // Bad parameters name themselves.
    for (query, field) in [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("status=open", "status"),
        ("sort=title", "sort"),
        ("sort=relevance", "sort"),
        ("bounty_min_fen=9&bounty_max_fen=1", "bounty_max_fen"),
        ("bounty_min_fen=lots", "bounty_min_fen"),
    ] {
        let resp = app.get(&format!("/api/v1/challenges?{query}"), None).await;
        let body = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&body), [field], "{query}");
    }
    let resp = app.get("/api/v1/challenges?colour=red", None).await;
    assert_problem(resp, 422, "validation_failed").await;
}

#[tokio::test]
async fn search_works_in_chinese_and_english() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    for (title, description) in [
        (
            "高性能碳纤维复合材料",
            "风电叶片用 T800 级碳纤维复合材料的低成本制备。",
        ),
        (
            "碳化硅功率器件封装",
            "新能源汽车电驱用 SiC 模块的高可靠封装。",
        ),
        (
            "海洋牧场智能投喂装备",
            "深远海养殖平台的精准投喂与水质监测。",
        ),
        (
            "Graphene Battery Anode",
            "Silicon-graphene anodes for fast-charging cells.",
        ),
        ("风电叶片回收利用", "退役叶片中玻璃纤维和碳纤维的分离回收。"),
    ] {
        let mut body = draft(&app, title, Duration::days(20));
        body["description"] = json!(description);
        published(&app, &issuer, &admin, &body).await;
    }
    // A draft never shows up in a public search.
    create(
        &app,
        &issuer,
        &draft(&app, "碳纤维草稿", Duration::days(20)),
    )
    .await;

    // Three characters: the trigram index; the title match ranks first.
    let found = titles(&list(&app, &format!("q={}", urlencode("碳纤维")), None).await);
    assert_eq!(found, ["高性能碳纤维复合材料", "风电叶片回收利用"]);
    // One and two characters: plain substrings.
    let found = titles(&list(&app, &format!("q={}", urlencode("碳")), None).await);
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[..2].contains(&"高性能碳纤维复合材料".to_string()));
    assert!(found[..2].contains(&"碳化硅功率器件封装".to_string()));
    assert_eq!(found[2], "风电叶片回收利用");
    let found = titles(&list(&app, &format!("q={}", urlencode("纤维")), None).await);
    assert_eq!(found, ["高性能碳纤维复合材料", "风电叶片回收利用"]);
    // Several words: all must occur.
    let found = titles(&list(&app, &format!("q={}", urlencode("碳纤维 复合")), None).await);
    assert_eq!(found, ["高性能碳纤维复合材料"]);
    let found = titles(&list(&app, &format!("q={}", urlencode("海洋 碳纤维")), None).await);
    assert!(found.is_empty());
    // Latin text is case-insensitive; many characters work too.
    assert_eq!(
        titles(&list(&app, "q=GRAPHENE", None).await),
        ["Graphene Battery Anode"]
    );
    assert_eq!(
        titles(&list(&app, "q=graphene%20anode", None).await),
        ["Graphene Battery Anode"]
    );
    assert_eq!(
        titles(&list(&app, "q=sic", None).await),
        ["碳化硅功率器件封装"]
    );
    let long = urlencode("深远海养殖平台的精准投喂");
    assert_eq!(
        titles(&list(&app, &format!("q={long}"), None).await),
        ["海洋牧场智能投喂装备"]
    );
    // Wildcards are plain characters.
    assert_eq!(list(&app, "q=%25", None).await["total"], 0);
    assert_eq!(list(&app, "q=_", None).await["total"], 0);
    // Search combines with filters and with another order.
    let q = urlencode("碳");
    let by_deadline = list(
        &app,
        &format!("q={q}&sort=-deadline&field=new_materials"),
        None,
    )
    .await;
    assert_eq!(by_deadline["total"], 3);
    // The issuer finds its own draft.
    let mine = titles(
        &list(
            &app,
            &format!("q={}", urlencode("草稿")),
            Some(&issuer.access),
        )
        .await,
    );
    assert_eq!(mine, ["碳纤维草稿"]);
    // Too long a query is refused, naming `q`.
    let resp = app
        .get(&format!("/api/v1/challenges?q={}", "a".repeat(101)), None)
        .await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), ["q"]);
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn public_searches_are_cached_briefly_and_cleared_by_changes() {
    let app = TestApp::spawn_with(|s| s.challenges.public_list_cache_ms = 600_000).await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let id = published(
        &app,
        &issuer,
        &admin,
        &draft(&app, "缓存一", Duration::days(3)),
    )
    .await;
    let search = format!("q={}", urlencode("缓存"));
    assert_eq!(titles(&list(&app, &search, None).await), ["缓存一"]);
    assert_eq!(list(&app, "", None).await["total"], 1);

    // A change made behind this instance's back (by another instance, say) is not seen by
    // public searches until the copy expires, nor in the public total...
    let db = app.db().await;
    db.execute(
        "UPDATE challenges SET title = '缓存改名' WHERE id = $1::text::uuid",
        &[&id],
    )
    .await
    .unwrap();
    assert_eq!(titles(&list(&app, &search, None).await), ["缓存一"]);
    // ...while plain public pages are read afresh, and issuers and admins always read the database.
    assert_eq!(titles(&list(&app, "", None).await), ["缓存改名"]);
    assert_eq!(
        titles(&list(&app, &search, Some(&issuer.access)).await),
        ["缓存改名"]
    );
    assert_eq!(
        titles(&list(&app, &search, Some(&admin.access)).await),
        ["缓存改名"]
    );
    // A change through this instance clears the copies at once.
    published(
        &app,
        &issuer,
        &admin,
        &draft(&app, "缓存二", Duration::days(4)),
    )
    .await;
    let mut now_public = titles(&list(&app, &search, None).await);
    now_public.sort();
    assert_eq!(now_public, ["缓存二", "缓存改名"]);
    assert_eq!(list(&app, "", None).await["total"], 2);
}
