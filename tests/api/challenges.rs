//! Challenges: the lifecycle through HTTP, refused transitions, visibility per role, `If-Match`,
//! the deadline job driven by the test clock, search in Chinese and Latin, and pagination.

use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, Tokens, assert_notified, assert_problem, assert_status, error_fields, id_of, ids,
    rfc3339,
};
use crate::scenario::{challenge_body, create_challenge, merge, publish};

/// A draft of the issuer's closing `closes_in` from now; answers its id.
async fn draft(app: &TestApp, issuer: &Tokens, title: &str, closes_in: Duration) -> String {
    let body = challenge_body(app, title, closes_in);
    id_of(&create_challenge(app, issuer, &body).await)
}

/// `POST /challenges/{id}/{action}` by `who`.
async fn act(
    app: &TestApp,
    id: &str,
    action: &str,
    who: &Tokens,
    body: Value,
) -> reqwest::Response {
    let path = format!("/api/v1/challenges/{id}/{action}");
    app.post(&path, &body, Some(&who.access)).await
}

async fn act_ok(app: &TestApp, id: &str, action: &str, who: &Tokens, body: Value) -> Value {
    assert_status(act(app, id, action, who, body).await, 200).await
}

/// Asserts a 409 `invalid_transition` whose message names `state`; answers the problem.
async fn assert_refused_in(resp: reqwest::Response, state: &str) -> Value {
    let problem = assert_problem(resp, 409, "invalid_transition").await;
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains(state), "{problem}");
    problem
}

async fn status_of(app: &TestApp, id: &str, token: Option<&Tokens>) -> String {
    let path = format!("/api/v1/challenges/{id}");
    let body = app.get_ok(&path, token.map(|t| t.access.as_str())).await;
    body["status"].as_str().unwrap().to_string()
}

async fn patch_with(
    app: &TestApp,
    id: &str,
    who: &Tokens,
    if_match: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let path = format!("/api/v1/challenges/{id}");
    let mut req = app
        .request(Method::PATCH, &path, Some(&who.access))
        .json(&body);
    if let Some(tag) = if_match {
        req = req.header("If-Match", tag);
    }
    req.send().await.unwrap()
}

/// The `If-Match` tag of a challenge as answered.
fn tag_of(challenge: &Value) -> String {
    format!("\"v{}\"", challenge["version"])
}

/// The challenge's events, as `who` reads them.
async fn events(app: &TestApp, id: &str, who: &Tokens) -> Vec<Value> {
    let path = format!("/api/v1/challenges/{id}/events");
    let events = app.get_ok(&path, Some(&who.access)).await;
    events.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_new_challenge_is_a_draft_with_the_default_review_and_eligibility() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let body = challenge_body(&app, "高性能碳纤维复合材料", Duration::days(30));
    let resp = app
        .post("/api/v1/challenges", &body, Some(&issuer.access))
        .await;
    assert_eq!(resp.headers()["etag"], "\"v1\"");
    let created = assert_status(resp, 201).await;
    assert_eq!(created["status"], "draft");
    assert_eq!(created["review"]["panel_size"], 5);
    assert_eq!(created["review"]["rubric"][0]["name"], "技术方案");
    assert_eq!(created["publicity_days"], 5);
    let kinds = created["eligibility"]["org_kinds"].as_array().unwrap();
    assert_eq!(kinds.len(), 5);
}

#[tokio::test]
async fn a_challenge_is_returned_edited_resubmitted_published_and_clarified_with_its_history() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let id = draft(&app, &issuer, "高性能碳纤维复合材料", Duration::days(30)).await;
    returned_with_a_reason_then_edited(&app, &id, &issuer, &admin).await;
    resubmitted_and_approved_into_public_view(&app, &id, &issuer, &admin).await;
    the_history_names_every_step_for_the_issuer_only(&app, &id, &issuer, &admin).await;
    clarified_in_public_and_every_step_audited(&app, &id, &issuer).await;
}

/// Step: submitted, then returned (a reason is required; the issuer is told); a returned challenge
/// takes edits.
async fn returned_with_a_reason_then_edited(
    app: &TestApp,
    id: &str,
    issuer: &Tokens,
    admin: &Tokens,
) {
    let pending = act_ok(app, id, "submit", issuer, json!({})).await;
    assert_eq!(pending["status"], "pending_approval");
    let resp = act(app, id, "reject", admin, json!({})).await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), ["reason"]);
    let reason = json!({"reason": "考核指标不够具体"});
    let rejected = act_ok(app, id, "reject", admin, reason).await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["status_reason"], "考核指标不够具体");
    assert_notified(app, &issuer.access, "challenge_rejected").await;

    let kpis = json!({"kpis": [{"name": "拉伸强度", "target": "≥ 5.8", "unit": "GPa"}, {"name": "成本", "target": "≤ 120", "unit": "元/kg"}]});
    let resp = patch_with(app, id, issuer, Some(&tag_of(&rejected)), kpis).await;
    let edited = assert_status(resp, 200).await;
    assert_eq!(edited["status"], "rejected");
    assert_eq!(edited["kpis"].as_array().unwrap().len(), 2);
}

/// Step: submitted again and approved with a note: published, the issuer told, public to read.
async fn resubmitted_and_approved_into_public_view(
    app: &TestApp,
    id: &str,
    issuer: &Tokens,
    admin: &Tokens,
) {
    act_ok(app, id, "submit", issuer, json!({})).await;
    let approved = act_ok(app, id, "approve", admin, json!({"reason": "同意发布"})).await;
    assert_eq!(approved["status"], "published");
    assert!(approved["published_at"].is_string());
    assert_notified(app, &issuer.access, "challenge_approved").await;
    // Public now, without a token.
    assert_eq!(status_of(app, id, None).await, "published");
}

/// Step: the history names every step, who took it and why; others may read the challenge but
/// not its history.
async fn the_history_names_every_step_for_the_issuer_only(
    app: &TestApp,
    id: &str,
    issuer: &Tokens,
    admin: &Tokens,
) {
    let events = events(app, id, issuer).await;
    let steps: Vec<(&str, &str)> = events
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
    let solver = app.solver().await;
    let path = format!("/api/v1/challenges/{id}/events");
    let resp = app.get(&path, Some(&solver.access)).await;
    assert_problem(resp, 403, "forbidden").await;
}

/// Step: a clarification, public to read; every transition and change is in the audit log.
async fn clarified_in_public_and_every_step_audited(app: &TestApp, id: &str, issuer: &Tokens) {
    let path = format!("/api/v1/challenges/{id}/clarifications");
    let clarification =
        json!({"question": "可否由第三方检测？", "answer": "可以，须具备 CMA 资质。"});
    app.post_created(&path, &clarification, Some(&issuer.access))
        .await;
    let list = app.get_ok(&path, None).await;
    assert_eq!(list[0]["answer"], "可以，须具备 CMA 资质。");

    let actions: Vec<String> = app
        .column(
            "SELECT action FROM audit_log WHERE object_type = 'challenge' AND object_id = $1 ORDER BY id",
            &[&id],
        )
        .await;
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
async fn a_draft_and_a_pending_challenge_refuse_the_wrong_step_and_the_wrong_role() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let other_issuer = app.issuer().await;
    let admin = app.admin().await;
    let solver = app.solver().await;
    let id = draft(&app, &issuer, "氢能储运装备", Duration::days(10)).await;

    // Approving a draft: 409 naming `draft`.
    let body = assert_refused_in(act(&app, &id, "approve", &admin, json!({})).await, "draft").await;
    assert_eq!(body["errors"][0]["field"], "status");
    assert!(body["detail"].as_str().unwrap().contains("草稿"));
    // Wrong roles: the issuer cannot approve (403); another issuer or a solver cannot even see the
    // draft (404); an admin does not submit for the issuer (403).
    act_ok(&app, &id, "submit", &issuer, json!({})).await;
    for (action, who, body, status, code) in [
        ("approve", &issuer, json!({}), 403, "forbidden"),
        ("submit", &other_issuer, json!({}), 404, "not_found"),
        ("cancel", &solver, json!({"reason": "x"}), 404, "not_found"),
        ("submit", &admin, json!({}), 403, "forbidden"),
    ] {
        let resp = act(&app, &id, action, who, body).await;
        assert_problem(resp, status, code).await;
    }
    // Submitting twice.
    let resp = act(&app, &id, "submit", &issuer, json!({})).await;
    assert_refused_in(resp, "pending_approval").await;
}

#[tokio::test]
async fn a_published_challenge_is_cancelled_by_its_issuer_with_a_reason_and_then_final() {
    let app = TestApp::spawn().await;
    let s = app.scenario().closing_in(Duration::days(10)).build().await;
    let (id, issuer, admin) = (s.challenge_id.as_str(), &s.issuer, &s.admin);
    for (action, who) in [("submit", issuer), ("approve", admin), ("reject", admin)] {
        let resp = act(&app, id, action, who, json!({"reason": "再来一次"})).await;
        let body = assert_refused_in(resp, "published").await;
        let message = &body["errors"][0]["message"];
        assert_eq!(message, "当前状态为 published，不允许此操作");
    }
    // A published challenge seen by another issuer: visible, but not theirs to cancel.
    let other_issuer = app.issuer().await;
    let resp = act(&app, id, "cancel", &other_issuer, json!({"reason": "x"})).await;
    assert_problem(resp, 403, "forbidden").await;

    // Cancelling needs a reason; then nothing more is allowed.
    let resp = act(&app, id, "cancel", issuer, json!({"reason": "  "})).await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), ["reason"]);
    let cancelled = act_ok(&app, id, "cancel", issuer, json!({"reason": "需求已解决"})).await;
    assert_eq!(cancelled["status"], "cancelled");
    for (action, who) in [("cancel", admin), ("submit", issuer), ("approve", admin)] {
        let resp = act(&app, id, action, who, json!({"reason": "x"})).await;
        assert_refused_in(resp, "cancelled").await;
    }
    // A cancelled challenge that had been published stays readable, with its reason.
    let public = s.challenge().await;
    assert_eq!(public["status"], "cancelled");
    assert_eq!(public["status_reason"], "需求已解决");
}

#[tokio::test]
async fn after_the_deadline_only_the_program_office_may_cancel() {
    let app = TestApp::spawn().await;
    let s = app.scenario().closing_in(Duration::hours(2)).build().await;
    let id = s.challenge_id.as_str();
    app.state.clock.advance(Duration::hours(3));
    app.run_jobs().await;
    assert_eq!(s.status().await, "bidding_closed");
    let resp = act(&app, id, "cancel", &s.issuer, json!({"reason": "x"})).await;
    assert_refused_in(resp, "bidding_closed").await;
    let done = act_ok(&app, id, "cancel", &s.admin, json!({"reason": "项目调整"})).await;
    assert_eq!(done["status"], "cancelled");
    assert_notified(&app, &s.issuer.access, "challenge_cancelled").await;
}

#[tokio::test]
async fn a_deadline_that_passed_while_waiting_for_approval_refuses_the_approval() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let id = draft(&app, &issuer, "盐碱地改良", Duration::hours(1)).await;
    act_ok(&app, &id, "submit", &issuer, json!({})).await;
    app.state.clock.advance(Duration::hours(2));
    let resp = act(&app, &id, "approve", &admin, json!({})).await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), ["bid_closes_at"]);
    assert_eq!(status_of(&app, &id, Some(&admin)).await, "pending_approval");
}

#[tokio::test]
async fn invalid_challenges_name_each_field() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let now = app.state.clock.now();
    let create = async |changes: Value, who: Option<&Tokens>| {
        let body = merge(challenge_body(&app, "x", Duration::days(5)), &changes);
        app.post("/api/v1/challenges", &body, who.map(|t| t.access.as_str()))
            .await
    };
    let rubric =
        json!([{"name": "技术方案", "max_points": 60}, {"name": "团队", "max_points": 30}]);
    let resp = create(
        json!({"bid_opens_at": rfc3339(now + Duration::days(6)), "kpis": [], "bounty_fen": 0,
               "review": {"panel_size": 2, "rubric": rubric}}),
        Some(&issuer),
    )
    .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    let fields = error_fields(&problem);
    for field in ["bounty_fen", "kpis", "review.panel_size"] {
        assert!(fields.contains(&field.to_string()), "{field} in {fields:?}");
    }

    // The cross-field rules once each field is well-formed.
    let resp = create(
        json!({"bid_opens_at": rfc3339(now + Duration::days(6)), "review": {"rubric": rubric}}),
        Some(&issuer),
    )
    .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["bid_closes_at", "review.rubric"]);
    let message = problem["errors"][1]["message"].as_str().unwrap();
    assert!(message.contains("100"), "{problem}");
    for (changes, field) in [
        (
            json!({"bid_closes_at": rfc3339(now - Duration::minutes(1)),
                   "bid_opens_at": rfc3339(now - Duration::days(2))}),
            "bid_closes_at",
        ),
        (
            json!({"bounty_fen": 100_000_000_001_i64, "field": "astrology"}),
            "field",
        ),
    ] {
        let problem = assert_problem(
            create(changes, Some(&issuer)).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&problem), [field]);
    }

    // Only issuers write challenges.
    let solver = app.solver().await;
    assert_problem(create(json!({}), Some(&solver)).await, 403, "forbidden").await;
    assert_problem(create(json!({}), None).await, 401, "unauthenticated").await;
}

#[tokio::test]
async fn edits_to_a_draft_need_its_current_version() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let id = draft(&app, &issuer, "工业软件内核", Duration::days(10)).await;
    let retitle = |title: &str| json!({"title": title});

    for tag in [None, Some("*")] {
        let resp = patch_with(&app, &id, &issuer, tag, retitle("新标题")).await;
        assert_problem(resp, 428, "if_match_required").await;
    }
    let resp = patch_with(&app, &id, &issuer, Some("\"v7\""), retitle("新标题")).await;
    assert_problem(resp, 412, "stale_version").await;
    let resp = patch_with(&app, &id, &issuer, Some("\"v1\""), json!({})).await;
    assert_problem(resp, 422, "validation_failed").await;
    let resp = patch_with(
        &app,
        &id,
        &issuer,
        Some("\"v1\""),
        retitle("工业软件内核 2.0"),
    )
    .await;
    assert_eq!(resp.headers()["etag"], "\"v2\"");
    assert_status(resp, 200).await;
    // The old tag is stale now.
    let resp = patch_with(&app, &id, &issuer, Some("\"v1\""), retitle("又一个")).await;
    assert_problem(resp, 412, "stale_version").await;
    // Another issuer cannot see the draft at all.
    let stranger = app.issuer().await;
    let resp = patch_with(&app, &id, &stranger, Some("\"v2\""), retitle("x")).await;
    assert_problem(resp, 404, "not_found").await;
}

#[tokio::test]
async fn a_pending_challenge_takes_no_edit_and_a_published_one_only_a_later_deadline() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let id = draft(&app, &issuer, "工业软件内核", Duration::days(10)).await;

    // Pending approval: nothing may change.
    let pending = act_ok(&app, &id, "submit", &issuer, json!({})).await;
    let resp = patch_with(
        &app,
        &id,
        &issuer,
        Some(&tag_of(&pending)),
        json!({"title": "x"}),
    )
    .await;
    let body = assert_problem(resp, 409, "not_editable").await;
    assert_eq!(error_fields(&body), ["title"]);

    // Published: only a later deadline.
    let approved = act_ok(&app, &id, "approve", &admin, json!({})).await;
    let tag = tag_of(&approved);
    let edit = async |change: Value| patch_with(&app, &id, &issuer, Some(&tag), change).await;
    let body = assert_problem(
        edit(json!({"title": "x", "bounty_fen": 1})).await,
        409,
        "not_editable",
    )
    .await;
    assert_eq!(error_fields(&body), ["title", "bounty_fen"]);
    let closes: DateTime<Utc> = approved["bid_closes_at"].as_str().unwrap().parse().unwrap();
    let earlier = json!({"bid_closes_at": rfc3339(closes - Duration::days(1))});
    let body = assert_problem(edit(earlier).await, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), ["bid_closes_at"]);
    let later = closes + Duration::days(7);
    let extended = assert_status(edit(json!({"bid_closes_at": rfc3339(later)})).await, 200).await;
    let new_close: DateTime<Utc> = extended["bid_closes_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(new_close, later);
    let events = events(&app, &id, &admin).await;
    let last = events.last().unwrap();
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
    let id = draft(&app, &issuer, "并发编辑", Duration::days(10)).await;
    for round in 1..=5 {
        let tag = format!("\"v{round}\"");
        let edits = (0..4).map(|i| {
            let title = json!({"title": format!("第{round}轮 编辑{i}")});
            patch_with(&app, &id, &issuer, Some(&tag), title)
        });
        let results = futures_util::future::join_all(edits).await;
        let statuses: Vec<u16> = results.iter().map(|r| r.status().as_u16()).collect();
        let won = statuses.iter().filter(|s| **s == 200).count();
        let stale = statuses.iter().filter(|s| **s == 412).count();
        assert_eq!((won, stale), (1, 3), "{statuses:?}");
    }
    let path = format!("/api/v1/challenges/{id}");
    let current = app.get_ok(&path, Some(&issuer.access)).await;
    assert_eq!(current["version"], 6);
}

#[tokio::test]
async fn bidding_closes_by_itself_at_the_deadline_to_the_minute() {
    let app = TestApp::spawn().await;
    let s = app.scenario().closing_in(Duration::hours(1)).build().await;

    app.run_jobs().await;
    assert_eq!(s.status().await, "published");
    app.state.clock.advance(Duration::minutes(59));
    app.run_jobs().await;
    assert_eq!(s.status().await, "published");
    app.state
        .clock
        .advance(Duration::minutes(1) + Duration::seconds(1));
    app.run_jobs().await;
    let closed = s.challenge().await;
    assert_eq!(closed["status"], "bidding_closed");
    assert!(closed["bidding_closed_at"].is_string());

    let events = events(&app, &s.challenge_id, &s.issuer).await;
    let last = events.last().unwrap();
    assert_eq!(last["action"], "close_bidding");
    assert!(last["actor_id"].is_null(), "the system closed it");
    assert_notified(&app, &s.issuer.access, "bidding_closed").await;
    // Running the jobs again changes nothing.
    app.run_jobs().await;
    assert_eq!(s.status().await, "bidding_closed");
}

#[tokio::test]
async fn a_deadline_missed_while_no_server_ran_is_caught_up_at_start() {
    let app = TestApp::spawn().await;
    let s = app
        .scenario()
        .closing_in(Duration::minutes(30))
        .build()
        .await;
    // The scheduled job is lost (say, parked by an operator), and the deadline passes.
    let removed = app
        .db()
        .await
        .execute(
            "DELETE FROM background_jobs WHERE kind = 'close_bidding'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(removed, 1);
    app.state.clock.advance(Duration::hours(5));
    app.run_jobs().await;
    assert_eq!(s.status().await, "published");
    // What a starting server does.
    let overdue = jiebang::challenges::jobs::catch_up(&app.state)
        .await
        .unwrap();
    assert_eq!(overdue, 1);
    app.run_jobs().await;
    assert_eq!(s.status().await, "bidding_closed");
}

/// A page of `GET /challenges?{query}` as `token` sees it.
async fn list(app: &TestApp, query: &str, token: Option<&Tokens>) -> Value {
    app.search_caught_up().await;
    let path = format!("/api/v1/challenges?{query}");
    app.get_ok(&path, token.map(|t| t.access.as_str())).await
}

/// The titles on a page of `GET /challenges?{query}`, as `token` sees it.
async fn titles(app: &TestApp, query: &str, token: Option<&Tokens>) -> Vec<String> {
    ids(&list(app, query, token).await["items"], "title")
}

/// The total of `GET /challenges?{query}`, anonymously.
async fn total(app: &TestApp, query: &str) -> Value {
    list(app, query, None).await["total"].clone()
}

/// `q=` and the words, URL-encoded.
fn q(words: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(words.as_bytes()).collect();
    format!("q={encoded}")
}

#[tokio::test]
async fn each_role_sees_what_it_may() {
    let app = TestApp::spawn().await;
    let (issuer, other, solver) = (app.issuer().await, app.issuer().await, app.solver().await);
    let admin = app.admin().await;
    let body = challenge_body(&app, "公开榜单", Duration::days(3));
    let public_id = publish(&app, &issuer, &admin, &body).await;
    let draft_id = draft(&app, &issuer, "我的草稿", Duration::days(3)).await;
    let pending_id = draft(&app, &other, "别家的待审", Duration::days(3)).await;
    act_ok(&app, &pending_id, "submit", &other, json!({})).await;

    assert_eq!(titles(&app, "", None).await, ["公开榜单"]);
    assert_eq!(titles(&app, "", Some(&solver)).await, ["公开榜单"]);
    let mut mine = titles(&app, "", Some(&issuer)).await;
    mine.sort();
    assert_eq!(mine, ["公开榜单", "我的草稿"]);
    let mut theirs = titles(&app, "", Some(&other)).await;
    theirs.sort();
    assert_eq!(theirs, ["公开榜单", "别家的待审"]);
    assert_eq!(list(&app, "", Some(&admin)).await["total"], 3);

    for (id, token, status) in [
        (&draft_id, None, 404),
        (&draft_id, Some(&solver), 404),
        (&draft_id, Some(&other), 404),
        (&draft_id, Some(&issuer), 200),
        (&draft_id, Some(&admin), 200),
        (&pending_id, Some(&issuer), 404),
        (&public_id, None, 200),
        (&public_id, Some(&other), 200),
    ] {
        let path = format!("/api/v1/challenges/{id}");
        let resp = app.get(&path, token.map(|t| t.access.as_str())).await;
        assert_eq!(resp.status().as_u16(), status, "{id} as {token:?}");
    }
    // Guessed ids and hidden drafts answer alike.
    for path in [
        format!("/api/v1/challenges/{}", uuid::Uuid::now_v7()),
        format!("/api/v1/challenges/{draft_id}/clarifications"),
    ] {
        assert_problem(app.get(&path, None).await, 404, "not_found").await;
    }
    // An invalid token is a 401, not the anonymous view.
    let resp = app.get("/api/v1/challenges", Some("not-a-token")).await;
    assert_problem(resp, 401, "invalid_token").await;
    // A rejection reason is for the issuer, not the public.
    let public = app
        .get_ok(&format!("/api/v1/challenges/{public_id}"), None)
        .await;
    assert!(public["status_reason"].is_null());
}

#[tokio::test]
async fn filters_sorting_and_pagination() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    for i in 0..23 {
        let mut body = challenge_body(&app, &format!("榜单{i:02}"), Duration::days(10 + i));
        body["bounty_fen"] = json!(1_000_000 * (i + 1));
        if i % 2 == 1 {
            body["field"] = json!("biomedicine");
            body["category"] = json!("achievement_transfer");
        }
        publish(&app, &issuer, &admin, &body).await;
    }

    let page1 = list(&app, "per_page=10&sort=deadline", None).await;
    assert_eq!(page1["total"], 23);
    assert_eq!(page1["page"], 1);
    assert_eq!(page1["per_page"], 10);
    let page3 = titles(&app, "per_page=10&page=3&sort=deadline", None).await;
    assert_eq!(page3, ["榜单20", "榜单21", "榜单22"]);
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
            let query = format!("per_page=5&page={page}&sort={sort}");
            seen.extend(titles(&app, &query, None).await);
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (23, 23), "{sort}");
    }
    assert_eq!(
        titles(&app, "per_page=1&sort=-bounty", None).await,
        ["榜单22"]
    );
    assert_eq!(
        titles(&app, "per_page=1&sort=bounty", None).await,
        ["榜单00"]
    );

    let now = app.state.clock.now();
    let before = rfc3339(now + Duration::days(12) + Duration::hours(1));
    let after = rfc3339(now + Duration::days(29) + Duration::hours(1));
    for (query, expected) in [
        ("field=biomedicine".to_string(), 11),
        ("category=tech_breakthrough&field=new_materials".into(), 12),
        ("bounty_min_fen=5000000&bounty_max_fen=7000000".into(), 3),
        (format!("closes_before={before}"), 3),
        (format!("closes_after={after}"), 3),
        ("status=published".into(), 23),
        ("status=bidding_closed".into(), 0),
    ] {
        assert_eq!(total(&app, &query).await, expected, "{query}");
    }

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
        let mut body = challenge_body(&app, title, Duration::days(20));
        body["description"] = json!(description);
        publish(&app, &issuer, &admin, &body).await;
    }
    // A draft never shows up in a public search.
    draft(&app, &issuer, "碳纤维草稿", Duration::days(20)).await;

    // Three characters: the trigram index; the title match ranks first.
    let found = titles(&app, &q("碳纤维"), None).await;
    assert_eq!(found, ["高性能碳纤维复合材料", "风电叶片回收利用"]);
    // One and two characters: plain substrings.
    let found = titles(&app, &q("碳"), None).await;
    assert_eq!(found.len(), 3, "{found:?}");
    assert!(found[..2].contains(&"高性能碳纤维复合材料".to_string()));
    assert!(found[..2].contains(&"碳化硅功率器件封装".to_string()));
    assert_eq!(found[2], "风电叶片回收利用");
    let found = titles(&app, &q("纤维"), None).await;
    assert_eq!(found, ["高性能碳纤维复合材料", "风电叶片回收利用"]);
    // Several words: all must occur.
    assert_eq!(
        titles(&app, &q("碳纤维 复合"), None).await,
        ["高性能碳纤维复合材料"]
    );
    assert!(titles(&app, &q("海洋 碳纤维"), None).await.is_empty());
    // Latin text is case-insensitive; many characters work too.
    for (query, title) in [
        ("q=GRAPHENE".to_string(), "Graphene Battery Anode"),
        ("q=graphene%20anode".into(), "Graphene Battery Anode"),
        ("q=sic".into(), "碳化硅功率器件封装"),
        (q("深远海养殖平台的精准投喂"), "海洋牧场智能投喂装备"),
    ] {
        assert_eq!(titles(&app, &query, None).await, [title], "{query}");
    }
    // Wildcards are plain characters.
    assert_eq!(total(&app, "q=%25").await, 0);
    assert_eq!(total(&app, "q=_").await, 0);
    // Search combines with filters and with another order.
    let query = format!("{}&sort=-deadline&field=new_materials", q("碳"));
    assert_eq!(total(&app, &query).await, 3);
    // The issuer finds its own draft.
    assert_eq!(
        titles(&app, &q("草稿"), Some(&issuer)).await,
        ["碳纤维草稿"]
    );
    // Too long a query is refused, naming `q`.
    let resp = app
        .get(&format!("/api/v1/challenges?q={}", "a".repeat(101)), None)
        .await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), ["q"]);
}

#[tokio::test]
async fn public_searches_are_cached_briefly_and_cleared_by_changes() {
    let app = TestApp::spawn_with(|s| s.challenges.public_list_cache_ms = 600_000).await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let body = challenge_body(&app, "缓存一", Duration::days(3));
    let id = publish(&app, &issuer, &admin, &body).await;
    let search = q("缓存");
    assert_eq!(titles(&app, &search, None).await, ["缓存一"]);
    assert_eq!(total(&app, "").await, 1);

    // A change made behind this instance's back (by another instance, say) is not seen by
    // public searches until the copy expires, nor in the public total...
    app.db()
        .await
        .execute(
            "UPDATE challenges SET title = '缓存改名' WHERE id = $1::text::uuid",
            &[&id],
        )
        .await
        .unwrap();
    assert_eq!(titles(&app, &search, None).await, ["缓存一"]);
    // ...while plain public pages are read afresh, and issuers and admins always read the database.
    assert_eq!(titles(&app, "", None).await, ["缓存改名"]);
    for who in [&issuer, &admin] {
        assert_eq!(titles(&app, &search, Some(who)).await, ["缓存改名"]);
    }
    // A change through this instance clears the copies at once.
    let body = challenge_body(&app, "缓存二", Duration::days(4));
    publish(&app, &issuer, &admin, &body).await;
    let mut now_public = titles(&app, &search, None).await;
    now_public.sort();
    assert_eq!(now_public, ["缓存二", "缓存改名"]);
    assert_eq!(total(&app, "").await, 2);
}
