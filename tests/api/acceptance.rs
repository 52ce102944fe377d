//! Final acceptance (验收) through HTTP: the panel drawn with the review's rules (the awardee's
//! organisation and team avoided), invitations, verdicts hidden from other experts until the
//! close, the reminder, closing into `accepted` or `failed` with the challenge event and the
//! notices, declines with replacements, and the refusals.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, Tokens, assert_problem, error_fields, notification_kinds, rfc3339};
use crate::legacy::{
    Expert, Ranked, Review, draw as review_draw, expert, force_award, ids, ranked, under_review,
};

const BIDDERS: &[(&str, u32, &str, &str)] = &[
    ("甲大学", 10, "陈思远", "林晓"),
    ("乙研究院", 20, "周明", "吴芳"),
];

/// A ranked challenge awarded to its first bid (甲大学, team 10 and 11), ready for acceptance.
async fn awarded(app: &TestApp, admin: &Tokens) -> Ranked {
    let ranked = ranked(app, admin, BIDDERS).await;
    award_and_complete(app, &ranked.review).await;
    ranked
}

/// Awards the first bid and brings its project to the acceptance: every milestone before the last
/// reported and accepted by the issuer, the last reported (the panel judges it).
async fn award_and_complete(app: &TestApp, review: &Review) {
    force_award(app, review, 0).await;
    complete(app, review).await;
}

/// Reports every milestone of the first bid's project and has the issuer accept all but the last.
async fn complete(app: &TestApp, review: &Review) {
    let project = milestones(app, review).await;
    let list = project["milestones"].as_array().unwrap();
    for (i, m) in list.iter().enumerate() {
        let id = m["id"].as_str().unwrap();
        let resp = app
            .post(
                &format!("/api/v1/milestones/{id}/report"),
                &json!({"deliverable": "节点成果已完成，检测报告见附件。"}),
                Some(&review.solvers[0].access),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text().await);
        if i + 1 < list.len() {
            let resp = app
                .post(
                    &format!("/api/v1/milestones/{id}/accept"),
                    &json!({}),
                    Some(&review.issuer.access),
                )
                .await;
            assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text().await);
        }
    }
}

/// The amount in the payment ledger for the challenge.
async fn ledger_total(app: &TestApp, admin: &Tokens, challenge: &str) -> i64 {
    let page: Value = app
        .get(
            &format!("/api/v1/payments?challenge_id={challenge}"),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    page["total_amount_fen"].as_i64().unwrap()
}

/// The project of the first bid, as its solver sees it.
async fn milestones(app: &TestApp, review: &Review) -> Value {
    let resp = app
        .get(
            &format!("/api/v1/challenges/{}/milestones", review.id),
            Some(&review.solvers[0].access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    resp.json().await.unwrap()
}

async fn draw(app: &TestApp, token: &Tokens, challenge: &str, body: Value) -> reqwest::Response {
    draw_as(app, &token.access, challenge, body).await
}

async fn draw_as(app: &TestApp, token: &str, challenge: &str, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/challenges/{challenge}/acceptance"),
        &body,
        Some(token),
    )
    .await
}

fn request(app: &TestApp, seed: u64) -> Value {
    let deadline = app.state.clock.now() + Duration::days(10);
    json!({"review_deadline": rfc3339(deadline), "seed": seed})
}

/// The expert's acceptance assignment on the challenge, if any.
async fn assignment_of(app: &TestApp, expert: &Expert, challenge: &str) -> Option<Value> {
    let page: Value = app
        .get(
            "/api/v1/acceptance-assignments",
            Some(&expert.tokens.access),
        )
        .await
        .json()
        .await
        .unwrap();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["challenge_id"] == challenge)
        .cloned()
}

async fn accept(app: &TestApp, expert: &Expert, challenge: &str) -> String {
    let a = assignment_of(app, expert, challenge)
        .await
        .expect("an acceptance assignment");
    let id = a["id"].as_str().unwrap().to_string();
    let resp = app
        .post(
            &format!("/api/v1/acceptance-assignments/{id}/accept"),
            &json!({}),
            Some(&expert.tokens.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    id
}

fn verdict(pass: bool) -> Value {
    json!({
        "kpis": [{"kpi": "拉伸强度", "met": pass, "comment": "第三方检测报告。"}],
        "pass": pass,
        "comment": if pass { "同意通过验收。" } else { "指标未达到承诺。" },
    })
}

async fn put_verdict(
    app: &TestApp,
    token: &str,
    assignment: &str,
    body: &Value,
) -> reqwest::Response {
    app.request(
        Method::PUT,
        &format!("/api/v1/acceptance-assignments/{assignment}/verdict"),
        Some(token),
    )
    .json(body)
    .send()
    .await
    .unwrap()
}

async fn submit(app: &TestApp, expert: &Expert, assignment: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/acceptance-assignments/{assignment}/submit"),
        &json!({}),
        Some(&expert.tokens.access),
    )
    .await
}

/// The experts of `pool` on the panel, in panel order.
fn panel_members<'a>(panel: &Value, pool: &'a [Expert]) -> Vec<&'a Expert> {
    ids(&panel["experts"], "expert_id")
        .iter()
        .map(|id| pool.iter().find(|e| &e.id == id).expect("a known expert"))
        .collect()
}

/// Every panel expert accepts, and saves and submits `passes[i]`.
async fn judge(app: &TestApp, challenge: &str, members: &[&Expert], passes: &[bool]) {
    for (e, pass) in members.iter().zip(passes) {
        let id = accept(app, e, challenge).await;
        let resp = put_verdict(app, &e.tokens.access, &id, &verdict(*pass)).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(submit(app, e, &id).await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn an_awarded_project_is_accepted_by_a_panel_that_avoids_the_awardee() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = awarded(&app, &admin).await;
    let review = &ranked.review;
    let id = &review.id;
    // Left out: of the awardee's organisation, in its team (ID number 11, 林晓), of the other
    // bidder, of the issuer.
    let of_awardee = expert(
        &app,
        &admin,
        Some(&review.bidder_usccs[0]),
        30,
        &["new_materials"],
        &[],
    )
    .await;
    let in_team = expert(&app, &admin, None, 11, &["new_materials"], &[]).await;
    let of_other = expert(
        &app,
        &admin,
        Some(&review.bidder_usccs[1]),
        31,
        &["new_materials"],
        &[],
    )
    .await;
    let of_issuer = expert(
        &app,
        &admin,
        Some(&review.issuer_uscc),
        32,
        &["new_materials"],
        &[],
    )
    .await;
    let mut pool: Vec<Expert> = ranked.experts;
    pool.push(expert(&app, &admin, None, 33, &["new_materials"], &[]).await);

    // Only admins draw.
    let resp = draw(&app, &review.issuer, id, request(&app, 5)).await;
    assert_problem(resp, 403, "forbidden").await;

    // The admins were told the project is ready; a draw tells the issuer and the awardee.
    assert!(
        notification_kinds(&app, &admin.access)
            .await
            .contains(&"project_ready_for_acceptance".to_string())
    );
    let resp = draw(&app, &admin, id, request(&app, 5)).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    for token in [&review.issuer.access, &review.solvers[0].access] {
        assert!(
            notification_kinds(&app, token)
                .await
                .contains(&"acceptance_started".to_string())
        );
    }
    assert!(
        !notification_kinds(&app, &review.solvers[1].access)
            .await
            .contains(&"acceptance_started".to_string())
    );
    let panel: Value = resp.json().await.unwrap();
    assert_eq!(panel["state"], "open");
    assert_eq!(panel["panel_size"], 3, "the challenge's panel size");
    assert_eq!(panel["bid_id"], review.bid_ids[0].as_str());
    assert_eq!(panel["awardee_organization_name"], "甲大学");
    assert_eq!(panel["kpis"][0]["name"], "拉伸强度");
    assert_eq!(panel["kpis"][0]["commitment"], "≥ 5.8 GPa");
    assert_eq!(panel["draw"]["seed"], "5");
    assert_eq!(panel["draw"]["order_verified"], true);
    let candidates = ids(&panel["draw"]["candidates"], "expert_id");
    let mut sorted = candidates.clone();
    sorted.sort();
    let mut eligible: Vec<String> = pool.iter().map(|e| e.id.clone()).collect();
    eligible.sort();
    assert_eq!(
        sorted, eligible,
        "the reviewers and the new expert, nobody else"
    );
    let reasons = |who: &Expert| -> Vec<String> {
        panel["draw"]["exclusions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["expert_id"] == who.id.as_str())
            .map(|e| ids_of(&e["reasons"]))
            .unwrap_or_default()
    };
    assert_eq!(reasons(&of_awardee), vec!["bidder_org"]);
    assert_eq!(reasons(&in_team), vec!["team_member"]);
    assert_eq!(reasons(&of_other), vec!["bidder_org"]);
    assert_eq!(reasons(&of_issuer), vec!["issuer_org"]);
    let members = panel_members(&panel, &pool);
    assert_eq!(members.len(), 3);
    assert_eq!(
        ids(&panel["experts"], "expert_id"),
        candidates[..3].to_vec()
    );
    // The credit checks of the draw are kept, marked as the acceptance's.
    let checks: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM credit_checks WHERE purpose = 'panel_draw' AND context->>'stage' = 'acceptance'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(checks, 4);

    // Drawn once only; invitations by notice; audited.
    let resp = draw(&app, &admin, id, request(&app, 6)).await;
    assert_problem(resp, 409, "acceptance_exists").await;
    for m in &members {
        assert!(
            notification_kinds(&app, &m.tokens.access)
                .await
                .contains(&"acceptance_invitation".to_string())
        );
    }
    let audited: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'acceptance.draw'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 1);

    // The first expert accepts, reads the project and saves a verdict, then revises it.
    let first = members[0];
    let a0 = accept(&app, first, id).await;
    let project: Value = app
        .get(
            &format!("/api/v1/acceptance-assignments/{a0}/project"),
            Some(&first.tokens.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(project["kpis"][0]["target"], "≥ 5.5");
    assert_eq!(project["kpis"][0]["commitment"], "≥ 5.8 GPa");
    // The panel reads the project's milestones with their reported deliverables.
    let list = project["milestones"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["status"], "reported");
    assert_eq!(
        list[1]["reports"][0]["deliverable"],
        "节点成果已完成，检测报告见附件。"
    );
    assert_eq!(project["awardee_organization_name"], "甲大学");
    assert!(project["my_verdict"].is_null());
    let resp = put_verdict(
        &app,
        &first.tokens.access,
        &a0,
        &json!({"kpis": [{"kpi": "颜值", "met": true}], "pass": true, "comment": "好"}),
    )
    .await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["kpis[0].kpi", "kpis"]);
    let resp = put_verdict(&app, &first.tokens.access, &a0, &verdict(false)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = put_verdict(&app, &first.tokens.access, &a0, &verdict(true)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let saved: Value = resp.json().await.unwrap();
    assert_eq!(saved["pass"], true);

    // Another panel expert reaches neither the first one's assignment nor any verdict.
    let second = members[1];
    let a1 = accept(&app, second, id).await;
    let resp = app
        .get(
            &format!("/api/v1/acceptance-assignments/{a0}/project"),
            Some(&second.tokens.access),
        )
        .await;
    assert_problem(resp, 404, "not_found").await;
    let resp = put_verdict(&app, &second.tokens.access, &a0, &verdict(false)).await;
    assert_problem(resp, 404, "not_found").await;
    let path = format!("/api/v1/challenges/{id}/acceptance");
    let seen: Value = app
        .get(&path, Some(&second.tokens.access))
        .await
        .json()
        .await
        .unwrap();
    assert!(seen["verdicts"].is_null(), "{seen}");
    assert!(seen.get("experts").is_none() && seen.get("draw").is_none());
    assert_eq!(seen["counts"]["accepted"], 2);
    // Submitting needs a saved verdict.
    let resp = submit(&app, second, &a1).await;
    assert_problem(resp, 409, "verdict_missing").await;

    // Not closed before everyone has submitted.
    assert_eq!(submit(&app, first, &a0).await.status(), StatusCode::OK);
    let resp = put_verdict(&app, &first.tokens.access, &a0, &verdict(false)).await;
    assert_problem(resp, 409, "invalid_assignment_state").await;
    let close = format!("/api/v1/challenges/{id}/acceptance/close");
    let resp = app.post(&close, &json!({}), Some(&admin.access)).await;
    assert_problem(resp, 409, "acceptance_not_ready").await;

    // The reminder a day before the deadline reaches those who have not submitted.
    app.state
        .clock
        .advance(Duration::days(9) + Duration::hours(1));
    app.run_jobs().await;
    assert!(
        !notification_kinds(&app, &first.tokens.access)
            .await
            .contains(&"acceptance_reminder".to_string())
    );
    assert!(
        notification_kinds(&app, &second.tokens.access)
            .await
            .contains(&"acceptance_reminder".to_string())
    );

    let resp = put_verdict(&app, &second.tokens.access, &a1, &verdict(true)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(submit(&app, second, &a1).await.status(), StatusCode::OK);
    judge(&app, id, &members[2..], &[false]).await;

    // Closed: two of three pass → accepted.
    let resp = app
        .post(&close, &json!({}), Some(&review.issuer.access))
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app.post(&close, &json!({}), Some(&admin.access)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let closed: Value = resp.json().await.unwrap();
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["result"], "passed");
    assert_eq!(closed["passes"], 2);
    assert_eq!(closed["fails"], 1);
    assert_eq!(closed["challenge_status"], "accepted");
    assert_eq!(closed["kpis"][0]["met"], 2);
    assert_eq!(closed["kpis"][0]["not_met"], 1);
    assert_eq!(closed["verdicts"][0]["expert_id"], first.id.as_str());
    let resp = app.post(&close, &json!({}), Some(&admin.access)).await;
    assert_problem(resp, 409, "acceptance_closed").await;

    let challenge: Value = app
        .get(&format!("/api/v1/challenges/{id}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(challenge["status"], "accepted");
    // The passed acceptance accepted the last milestone and released its share (尾款): the
    // ledger now holds the whole awarded amount.
    let project = milestones(&app, review).await;
    let last_milestone = project["milestones"].as_array().unwrap().last().unwrap();
    assert_eq!(last_milestone["status"], "accepted");
    assert_eq!(ledger_total(&app, &admin, id).await, 250_000_000);
    let events: Value = app
        .get(
            &format!("/api/v1/challenges/{id}/events"),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let last = events.as_array().unwrap().last().unwrap();
    assert_eq!(last["action"], "accept");
    assert_eq!(last["from_status"], "awarded");
    assert_eq!(last["to_status"], "accepted");
    assert_eq!(last["actor_id"], closed["draw"]["drawn_by"]);

    // The awardee, the issuer and the admins are told.
    for token in [
        &review.solvers[0].access,
        &review.issuer.access,
        &admin.access,
    ] {
        assert!(
            notification_kinds(&app, token)
                .await
                .contains(&"acceptance_passed".to_string())
        );
    }
    assert!(
        !notification_kinds(&app, &review.solvers[1].access)
            .await
            .contains(&"acceptance_passed".to_string())
    );

    // After the close the parties read the verdicts, without the experts' identities.
    for token in [
        &review.issuer.access,
        &review.solvers[0].access,
        &second.tokens.access,
    ] {
        let seen: Value = app.get(&path, Some(token)).await.json().await.unwrap();
        assert_eq!(seen["result"], "passed");
        let verdicts = seen["verdicts"].as_array().unwrap();
        assert_eq!(verdicts.len(), 3);
        assert_eq!(verdicts[0]["label"], "专家 1");
        assert!(
            verdicts
                .iter()
                .all(|v| v.get("expert_id").is_none() && v.get("expert_name").is_none())
        );
        assert!(!seen.to_string().contains(&first.id));
    }
    // Others: 404.
    for token in [
        &review.solvers[1].access,
        &of_issuer.tokens.access,
        &app.issuer().await.access,
    ] {
        let resp = app.get(&path, Some(token)).await;
        assert_problem(resp, 404, "not_found").await;
    }
    let closes: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action IN ('acceptance.close', 'challenge.accept')",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(closes, 2);
}

fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_majority_of_failing_verdicts_fails_the_project() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = awarded(&app, &admin).await;
    let review = &ranked.review;
    let resp = draw(&app, &admin, &review.id, request(&app, 9)).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let panel: Value = resp.json().await.unwrap();
    let members = panel_members(&panel, &ranked.experts);
    judge(&app, &review.id, &members, &[true, false, false]).await;

    let resp = app
        .post(
            &format!("/api/v1/challenges/{}/acceptance/close", review.id),
            &json!({}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let closed: Value = resp.json().await.unwrap();
    assert_eq!(closed["result"], "failed");
    assert_eq!(closed["passes"], 1);
    assert_eq!(closed["fails"], 2);
    assert_eq!(closed["kpis"][0]["met"], 1);

    let challenge: Value = app
        .get(&format!("/api/v1/challenges/{}", review.id), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(challenge["status"], "failed");
    // No final share for a failed project: the last milestone stays reported, unpaid (60 % of
    // 250 万元 is in the ledger).
    let project = milestones(&app, review).await;
    let last_milestone = project["milestones"].as_array().unwrap().last().unwrap();
    assert_eq!(last_milestone["status"], "reported");
    assert_eq!(ledger_total(&app, &admin, &review.id).await, 150_000_000);
    let events: Value = app
        .get(
            &format!("/api/v1/challenges/{}/events", review.id),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let last = events.as_array().unwrap().last().unwrap();
    assert_eq!(last["action"], "fail");
    assert_eq!(last["to_status"], "failed");
    assert!(
        last["reason"]
            .as_str()
            .unwrap()
            .starts_with("验收未通过: 1/3"),
        "{last}"
    );
    for token in [
        &review.solvers[0].access,
        &review.issuer.access,
        &admin.access,
    ] {
        let kinds = notification_kinds(&app, token).await;
        assert!(
            kinds.contains(&"acceptance_failed".to_string()),
            "{kinds:?}"
        );
        assert!(!kinds.contains(&"acceptance_passed".to_string()));
    }
    // The panel's experts cannot act any more.
    let a = assignment_of(&app, members[0], &review.id).await.unwrap();
    let resp = put_verdict(
        &app,
        &members[0].tokens.access,
        a["id"].as_str().unwrap(),
        &verdict(true),
    )
    .await;
    assert_problem(resp, 409, "acceptance_closed").await;
}

#[tokio::test]
async fn the_acceptance_needs_an_awarded_project_and_an_admin() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = ranked(&app, &admin, BIDDERS).await;
    let review = &ranked.review;

    // Still under review: refused, naming the state.
    let resp = draw(&app, &admin, &review.id, request(&app, 1)).await;
    let body = assert_problem(resp, 409, "not_awarded").await;
    assert!(
        body["detail"].as_str().unwrap().contains("under_review"),
        "{body}"
    );
    assert_eq!(body["errors"][0]["field"], "status");
    // Nothing to read yet.
    let resp = app
        .get(
            &format!("/api/v1/challenges/{}/acceptance", review.id),
            Some(&admin.access),
        )
        .await;
    assert_problem(resp, 404, "not_found").await;

    // Awarded, but the project is not through its milestones: the last must be reported and the
    // others accepted first.
    force_award(&app, review, 0).await;
    let resp = draw(&app, &admin, &review.id, request(&app, 1)).await;
    let body = assert_problem(resp, 409, "milestones_outstanding").await;
    assert!(body["detail"].as_str().unwrap().contains('2'), "{body}");
    complete(&app, review).await;
    for token in [
        &review.issuer.access,
        &review.solvers[0].access,
        &ranked.experts[0].tokens.access,
    ] {
        let resp = draw_as(&app, token, &review.id, request(&app, 1)).await;
        assert_problem(resp, 403, "forbidden").await;
    }
    // The deadline must lie ahead; the panel has at least three.
    let past = json!({"review_deadline": rfc3339(app.state.clock.now() - Duration::hours(1))});
    let body = assert_problem(
        draw(&app, &admin, &review.id, past).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["review_deadline"]);
    let mut small = request(&app, 1);
    small["panel_size"] = json!(2);
    let body = assert_problem(
        draw(&app, &admin, &review.id, small).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["panel_size"]);
    // A panel of four from three eligible experts: refused, saying how many.
    let mut four = request(&app, 1);
    four["panel_size"] = json!(4);
    let body = assert_problem(
        draw(&app, &admin, &review.id, four).await,
        409,
        "not_enough_experts",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("found 3"),
        "{body}"
    );

    let resp = draw(&app, &admin, &review.id, request(&app, 1)).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = draw(&app, &admin, &review.id, request(&app, 2)).await;
    assert_problem(resp, 409, "acceptance_exists").await;

    // The panel sits: the last milestone is its to decide, and the project's time is up.
    let project = milestones(&app, review).await;
    let last = project["milestones"].as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let resp = app
        .post(
            &format!("/api/v1/milestones/{last}/return"),
            &json!({"reason": "补充检测报告"}),
            Some(&review.issuer.access),
        )
        .await;
    assert_problem(resp, 409, "acceptance_started").await;
    let resp = app
        .post(
            &format!("/api/v1/challenges/{}/extension", review.id),
            &json!({"months": 3, "reason": "设备延迟"}),
            Some(&review.solvers[0].access),
        )
        .await;
    assert_problem(resp, 409, "acceptance_started").await;

    // Terminated while the panel sits: the seats are given up, the experts free again.
    let resp = app
        .post(
            &format!("/api/v1/challenges/{}/terminate", review.id),
            &json!({"reason": "揭榜团队解散，项目无法继续实施。"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text().await);
    let view: Value = app
        .get(
            &format!("/api/v1/challenges/{}/acceptance", review.id),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["counts"]["invited"], 0);
    assert_eq!(view["counts"]["declined"], 3);
}

#[tokio::test]
async fn a_decline_invites_the_next_eligible_expert_and_outsiders_get_404() {
    // One open invitation, of either panel, makes an expert too busy.
    let app = TestApp::spawn_with(|s| s.review.max_open_assignments = 1).await;
    let admin = app.admin().await;
    let ranked = awarded(&app, &admin).await;
    let review = &ranked.review;
    let mut pool: Vec<Expert> = ranked.experts;
    pool.push(expert(&app, &admin, None, 40, &["new_materials"], &[]).await);
    let outsider = expert(&app, &admin, None, 41, &["biomedicine"], &[]).await;

    let resp = draw(&app, &admin, &review.id, request(&app, 3)).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let panel: Value = resp.json().await.unwrap();
    let candidates = ids(&panel["draw"]["candidates"], "expert_id");
    assert_eq!(candidates.len(), 4);
    let members = panel_members(&panel, &pool);
    let fourth = pool.iter().find(|e| e.id == candidates[3]).unwrap();
    assert!(assignment_of(&app, fourth, &review.id).await.is_none());

    // The acceptance panel's experts are now too busy for a review panel: only the fourth is left.
    let other = under_review(
        &app,
        &admin,
        "new_materials",
        3,
        &[("丙公司", 60, "赵一", "钱二")],
    )
    .await;
    let body = assert_problem(
        review_draw(&app, &admin, &other.id, 1).await,
        409,
        "not_enough_experts",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("found 1"),
        "{body}"
    );

    // Outsiders: an expert of another field, the other bidder, another issuer.
    let path = format!("/api/v1/challenges/{}/acceptance", review.id);
    for token in [
        &outsider.tokens.access,
        &review.solvers[1].access,
        &app.issuer().await.access,
    ] {
        assert_problem(app.get(&path, Some(token)).await, 404, "not_found").await;
    }
    let a0 = assignment_of(&app, members[0], &review.id).await.unwrap();
    let a0 = a0["id"].as_str().unwrap();
    let resp = app
        .post(
            &format!("/api/v1/acceptance-assignments/{a0}/accept"),
            &json!({}),
            Some(&outsider.tokens.access),
        )
        .await;
    assert_problem(resp, 404, "not_found").await;
    // The project is read once accepted.
    let resp = app
        .get(
            &format!("/api/v1/acceptance-assignments/{a0}/project"),
            Some(&members[0].tokens.access),
        )
        .await;
    assert_problem(resp, 409, "invalid_assignment_state").await;

    // A decline needs a reason; then the fourth of the order is invited.
    let decline = format!("/api/v1/acceptance-assignments/{a0}/decline");
    let resp = app
        .post(
            &decline,
            &json!({"reason": " "}),
            Some(&members[0].tokens.access),
        )
        .await;
    assert_problem(resp, 422, "validation_failed").await;
    let resp = app
        .post(
            &decline,
            &json!({"reason": "与揭榜单位有合作项目"}),
            Some(&members[0].tokens.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let declined: Value = resp.json().await.unwrap();
    assert_eq!(declined["assignment"]["status"], "declined");
    assert_eq!(declined["replacement"]["expert_id"], fourth.id.as_str());
    assert_eq!(declined["replacement"]["position"], 3);
    assert!(
        notification_kinds(&app, &fourth.tokens.access)
            .await
            .contains(&"acceptance_invitation".to_string())
    );
    // The declined expert no longer reads the acceptance; nobody is left for a second decline.
    assert_problem(
        app.get(&path, Some(&members[0].tokens.access)).await,
        404,
        "not_found",
    )
    .await;
    let a1 = assignment_of(&app, members[1], &review.id).await.unwrap();
    let resp = app
        .post(
            &format!(
                "/api/v1/acceptance-assignments/{}/decline",
                a1["id"].as_str().unwrap()
            ),
            &json!({"reason": "出差"}),
            Some(&members[1].tokens.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let declined: Value = resp.json().await.unwrap();
    assert!(declined["replacement"].is_null());
    let stored: Value = app
        .get(&path, Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["draw"]["next_position"], 4);
    assert_eq!(stored["counts"]["declined"], 2);
    assert_eq!(stored["counts"]["invited"], 2);

    // Two verdicts never decide a project: not before the deadline, not after it.
    let remaining = [members[2], fourth];
    judge(&app, &review.id, &remaining, &[true, true]).await;
    let close = format!("/api/v1/challenges/{}/acceptance/close", review.id);
    let body = assert_problem(
        app.post(&close, &json!({}), Some(&admin.access)).await,
        409,
        "acceptance_not_ready",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("2 submitted"),
        "{body}"
    );
    app.state.clock.advance(Duration::days(11));
    let body = assert_problem(
        app.post(&close, &json!({}), Some(&admin.access)).await,
        409,
        "acceptance_not_ready",
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("only 2"),
        "{body}"
    );

    // The admin sets a new deadline: seats left empty are offered down the stored order (here
    // nobody is left), and the reminder follows the new date.
    let extend = format!("/api/v1/challenges/{}/acceptance/deadline", review.id);
    let later = app.state.clock.now() + Duration::days(5);
    let resp = app
        .post(
            &extend,
            &json!({"review_deadline": rfc3339(later)}),
            Some(&members[2].tokens.access),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .post(
            &extend,
            &json!({"review_deadline": rfc3339(app.state.clock.now() - Duration::hours(1))}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(
        error_fields(&assert_problem(resp, 422, "validation_failed").await),
        vec!["review_deadline"]
    );
    let resp = app
        .post(
            &extend,
            &json!({"review_deadline": rfc3339(later)}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text().await);
    let extended: Value = resp.json().await.unwrap();
    assert_eq!(extended["review_deadline"], rfc3339(later).as_str());
    assert_eq!(extended["counts"]["submitted"], 2);
    assert_eq!(extended["counts"]["declined"], 2);
    assert_eq!(extended["draw"]["next_position"], 4);
}
