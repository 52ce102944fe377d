//! Final acceptance (验收) through HTTP: the panel drawn with the review's rules (the awardee's
//! organisation and team avoided), invitations, verdicts hidden from other experts until the
//! close, the reminder, closing into `accepted` or `failed` with the challenge event and the
//! notices, declines with replacements, and the refusals.

use chrono::Duration;
use serde_json::{Value, json};

use crate::helpers::{
    TestApp, Tokens, assert_not_notified, assert_notified, assert_problem, assert_status,
    error_fields, id_of, ids, rfc3339,
};
use crate::scenario::{
    ACCEPTANCE, Expert, Scenario, accept, assignment_of, milestone, report_body, submit,
};

/// Two ranked bids, the first (甲大学, team 10 and 11) awarded and its project through its
/// milestones: ready for the final acceptance.
async fn ready(app: &TestApp) -> Scenario<'_> {
    app.scenario()
        .with_bids(2)
        .ready_for_acceptance()
        .build()
        .await
}

/// A draw request with `seed`, the verdicts due in ten days.
fn request(app: &TestApp, seed: u64) -> Value {
    let deadline = app.state.clock.now() + Duration::days(10);
    json!({"review_deadline": rfc3339(deadline), "seed": seed})
}

/// `POST /challenges/{id}/acceptance` (the draw) by `who`.
async fn draw(s: &Scenario<'_>, who: &Tokens, body: Value) -> reqwest::Response {
    s.app
        .post(&s.path("/acceptance"), &body, Some(&who.access))
        .await
}

/// The admin draws the acceptance panel with `seed`; answers it.
async fn draw_ok(s: &Scenario<'_>, seed: u64) -> Value {
    assert_status(draw(s, &s.admin, request(s.app, seed)).await, 201).await
}

/// The acceptance as `who` reads it.
async fn view(s: &Scenario<'_>, who: &Tokens) -> reqwest::Response {
    s.app.get(&s.path("/acceptance"), Some(&who.access)).await
}

/// `POST /challenges/{id}/acceptance/close` by `who`.
async fn close(s: &Scenario<'_>, who: &Tokens) -> reqwest::Response {
    s.app
        .post(&s.path("/acceptance/close"), &json!({}), Some(&who.access))
        .await
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
    who: &Expert,
    assignment: &str,
    body: &Value,
) -> reqwest::Response {
    let path = format!("{ACCEPTANCE}/{assignment}/verdict");
    app.put(&path, body, Some(&who.tokens.access)).await
}

/// The experts of `pool` on the panel, in panel order.
fn panel_members<'a>(panel: &Value, pool: &'a [Expert]) -> Vec<&'a Expert> {
    ids(&panel["experts"], "expert_id")
        .iter()
        .map(|id| pool.iter().find(|e| &e.id == id).expect("a known expert"))
        .collect()
}

/// Every panel expert accepts, and saves and submits `passes[i]`.
async fn judge(s: &Scenario<'_>, members: &[&Expert], passes: &[bool]) {
    for (e, pass) in members.iter().zip(passes) {
        let id = accept(s.app, ACCEPTANCE, e, &s.challenge_id).await;
        assert_status(put_verdict(s.app, e, &id, &verdict(*pass)).await, 200).await;
        assert_status(submit(s.app, ACCEPTANCE, e, &id).await, 200).await;
    }
}

/// The panel drawn with `seed` from the scenario's experts, who judge as `passes` says; answers
/// them in panel order.
async fn drawn_and_judged<'a>(s: &'a Scenario<'_>, seed: u64, passes: &[bool]) -> Vec<&'a Expert> {
    let panel = draw_ok(s, seed).await;
    let members = panel_members(&panel, &s.experts);
    judge(s, &members, passes).await;
    members
}

/// The project's last milestone, as the awardee reads it.
async fn last_milestone(s: &Scenario<'_>) -> Value {
    let project = s.project(&s.bids[0].solver).await;
    project["milestones"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone()
}

/// Asserts how a closed acceptance left the project: the challenge's last event (`action` into
/// `status`), the status of the last milestone, and the amount in the payment ledger. Answers the
/// event.
async fn assert_project_ended(
    s: &Scenario<'_>,
    (action, status): (&str, &str),
    last_milestone_status: &str,
    paid_fen: i64,
) -> Value {
    assert_eq!(s.status().await, status);
    assert_eq!(last_milestone(s).await["status"], last_milestone_status);
    let path = format!("/api/v1/payments?challenge_id={}", s.challenge_id);
    let ledger = s.app.get_ok(&path, Some(&s.admin.access)).await;
    assert_eq!(ledger["total_amount_fen"], paid_fen);
    let last = s.events().await.pop().expect("an event");
    assert_eq!(last["action"], action);
    assert_eq!(last["to_status"], status);
    last
}

#[tokio::test]
async fn the_acceptance_panel_avoids_the_awardee_and_is_drawn_once() {
    let app = TestApp::spawn().await;
    let mut s = ready(&app).await;
    // Left out: of the awardee's organisation, in its team (ID number 11, 林晓), of the other
    // bidder, of the issuer.
    let of_awardee = s.expert(30).of_org(&s.bids[0].uscc).create().await;
    let in_team = s.expert(11).create().await;
    let of_other = s.expert(31).of_org(&s.bids[1].uscc).create().await;
    let of_issuer = s.expert(32).of_org(&s.issuer_uscc).create().await;
    let newcomer = s.expert(33).create().await;
    s.experts.push(newcomer);

    // Only admins draw.
    let resp = draw(&s, &s.issuer, request(&app, 5)).await;
    assert_problem(resp, 403, "forbidden").await;

    // The admins were told the project is ready; a draw tells the issuer and the awardee.
    assert_notified(&app, &s.admin.access, "project_ready_for_acceptance").await;
    let panel = draw_ok(&s, 5).await;
    for token in [&s.issuer, &s.bids[0].solver] {
        assert_notified(&app, &token.access, "acceptance_started").await;
    }
    assert_not_notified(&app, &s.bids[1].solver.access, "acceptance_started").await;
    assert_eq!(panel["state"], "open");
    assert_eq!(panel["panel_size"], 3, "the challenge's panel size");
    assert_eq!(panel["bid_id"], s.bids[0].id.as_str());
    assert_eq!(panel["awardee_organization_name"], "甲大学");
    assert_eq!(panel["kpis"][0]["name"], "拉伸强度");
    assert_eq!(panel["kpis"][0]["commitment"], "≥ 5.8 GPa");
    assert_eq!(panel["draw"]["seed"], "5");
    assert_eq!(panel["draw"]["order_verified"], true);
    let candidates = ids(&panel["draw"]["candidates"], "expert_id");
    let mut sorted = candidates.clone();
    sorted.sort();
    let mut eligible: Vec<String> = s.experts.iter().map(|e| e.id.clone()).collect();
    eligible.sort();
    assert_eq!(
        sorted, eligible,
        "the reviewers and the new expert, nobody else"
    );
    for (who, reason) in [
        (&of_awardee, "bidder_org"),
        (&in_team, "team_member"),
        (&of_other, "bidder_org"),
        (&of_issuer, "issuer_org"),
    ] {
        let exclusion = panel["draw"]["exclusions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["expert_id"] == who.id.as_str())
            .unwrap_or_else(|| panic!("{reason} not excluded"));
        assert_eq!(exclusion["reasons"], json!([reason]));
    }
    assert_eq!(
        ids(&panel["experts"], "expert_id"),
        candidates[..3].to_vec()
    );
    // The credit checks of the draw are kept, marked as the acceptance's.
    let checks = app
        .count("SELECT count(*) FROM credit_checks WHERE purpose = 'panel_draw' AND context->>'stage' = 'acceptance'")
        .await;
    assert_eq!(checks, 4);

    // Drawn once only; invitations by notice; audited.
    let resp = draw(&s, &s.admin, request(&app, 6)).await;
    assert_problem(resp, 409, "acceptance_exists").await;
    let members = panel_members(&panel, &s.experts);
    assert_eq!(members.len(), 3);
    for m in &members {
        assert_notified(&app, &m.tokens.access, "acceptance_invitation").await;
    }
    assert_eq!(app.audited("acceptance.draw").await, 1);
}

#[tokio::test]
async fn panel_experts_read_the_project_and_keep_their_verdicts_to_themselves() {
    let app = TestApp::spawn().await;
    let s = ready(&app).await;
    let panel = draw_ok(&s, 5).await;
    let members = panel_members(&panel, &s.experts);
    let (first, second) = (members[0], members[1]);

    // The first expert accepts, reads the project and saves a verdict, then revises it.
    let a0 = accept(&app, ACCEPTANCE, first, &s.challenge_id).await;
    let project_path = format!("{ACCEPTANCE}/{a0}/project");
    let project = app.get_ok(&project_path, Some(&first.tokens.access)).await;
    assert_eq!(project["kpis"][0]["target"], "≥ 5.5");
    assert_eq!(project["kpis"][0]["commitment"], "≥ 5.8 GPa");
    // The panel reads the project's milestones with their reported deliverables.
    let list = project["milestones"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1]["status"], "reported");
    assert_eq!(
        list[1]["reports"][0]["deliverable"],
        report_body()["deliverable"]
    );
    assert_eq!(project["awardee_organization_name"], "甲大学");
    assert!(project["my_verdict"].is_null());
    let unknown_kpi =
        json!({"kpis": [{"kpi": "颜值", "met": true}], "pass": true, "comment": "好"});
    let resp = put_verdict(&app, first, &a0, &unknown_kpi).await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["kpis[0].kpi", "kpis"]);
    assert_status(put_verdict(&app, first, &a0, &verdict(false)).await, 200).await;
    let saved = assert_status(put_verdict(&app, first, &a0, &verdict(true)).await, 200).await;
    assert_eq!(saved["pass"], true);

    // Another panel expert reaches neither the first one's assignment nor any verdict.
    let a1 = accept(&app, ACCEPTANCE, second, &s.challenge_id).await;
    let resp = app.get(&project_path, Some(&second.tokens.access)).await;
    assert_problem(resp, 404, "not_found").await;
    let resp = put_verdict(&app, second, &a0, &verdict(false)).await;
    assert_problem(resp, 404, "not_found").await;
    let seen = assert_status(view(&s, &second.tokens).await, 200).await;
    assert!(seen["verdicts"].is_null(), "{seen}");
    assert!(seen.get("experts").is_none() && seen.get("draw").is_none());
    assert_eq!(seen["counts"]["accepted"], 2);
    // Submitting needs a saved verdict.
    let resp = submit(&app, ACCEPTANCE, second, &a1).await;
    assert_problem(resp, 409, "verdict_missing").await;

    // Not closed before everyone has submitted; a submitted verdict is final.
    assert_status(submit(&app, ACCEPTANCE, first, &a0).await, 200).await;
    let resp = put_verdict(&app, first, &a0, &verdict(false)).await;
    assert_problem(resp, 409, "invalid_assignment_state").await;
    let resp = close(&s, &s.admin).await;
    assert_problem(resp, 409, "acceptance_not_ready").await;

    // The reminder a day before the deadline reaches those who have not submitted.
    app.state
        .clock
        .advance(Duration::days(9) + Duration::hours(1));
    app.run_jobs().await;
    assert_not_notified(&app, &first.tokens.access, "acceptance_reminder").await;
    assert_notified(&app, &second.tokens.access, "acceptance_reminder").await;
}

#[tokio::test]
async fn a_passing_majority_accepts_the_project_and_the_parties_read_the_verdicts_unnamed() {
    let app = TestApp::spawn().await;
    let s = ready(&app).await;
    let members = drawn_and_judged(&s, 5, &[true, true, false]).await;

    // Closed by an admin: two of three pass → accepted.
    assert_problem(close(&s, &s.issuer).await, 403, "forbidden").await;
    let closed = assert_status(close(&s, &s.admin).await, 200).await;
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["result"], "passed");
    assert_eq!(closed["passes"], 2);
    assert_eq!(closed["fails"], 1);
    assert_eq!(closed["challenge_status"], "accepted");
    assert_eq!(closed["kpis"][0]["met"], 2);
    assert_eq!(closed["kpis"][0]["not_met"], 1);
    assert_eq!(closed["verdicts"][0]["expert_id"], members[0].id.as_str());
    assert_problem(close(&s, &s.admin).await, 409, "acceptance_closed").await;

    // The passed acceptance accepted the last milestone and released its share (尾款): the
    // ledger now holds the whole awarded amount.
    let last = assert_project_ended(&s, ("accept", "accepted"), "accepted", 250_000_000).await;
    assert_eq!(last["from_status"], "awarded");
    assert_eq!(last["actor_id"], closed["draw"]["drawn_by"]);

    // The awardee, the issuer and the admins are told.
    for token in [&s.bids[0].solver, &s.issuer, &s.admin] {
        assert_notified(&app, &token.access, "acceptance_passed").await;
    }
    assert_not_notified(&app, &s.bids[1].solver.access, "acceptance_passed").await;

    // After the close the parties read the verdicts, without the experts' identities.
    for token in [&s.issuer, &s.bids[0].solver, &members[1].tokens] {
        let seen = assert_status(view(&s, token).await, 200).await;
        assert_eq!(seen["result"], "passed");
        let verdicts = seen["verdicts"].as_array().unwrap();
        assert_eq!(verdicts.len(), 3);
        assert_eq!(verdicts[0]["label"], "专家 1");
        assert!(
            verdicts
                .iter()
                .all(|v| v.get("expert_id").is_none() && v.get("expert_name").is_none())
        );
        assert!(!seen.to_string().contains(&members[0].id));
    }
    // Others: 404 (the other bidder, an expert not on the panel, another issuer).
    let off_panel = s.expert(32).of_org(&s.issuer_uscc).create().await;
    for token in [&s.bids[1].solver, &off_panel.tokens, &app.issuer().await] {
        assert_problem(view(&s, token).await, 404, "not_found").await;
    }
    let closes = app
        .count("SELECT count(*) FROM audit_log WHERE action IN ('acceptance.close', 'challenge.accept')")
        .await;
    assert_eq!(closes, 2);
}

#[tokio::test]
async fn a_majority_of_failing_verdicts_fails_the_project() {
    let app = TestApp::spawn().await;
    let s = ready(&app).await;
    let members = drawn_and_judged(&s, 9, &[true, false, false]).await;

    let closed = assert_status(close(&s, &s.admin).await, 200).await;
    assert_eq!(closed["result"], "failed");
    assert_eq!(closed["passes"], 1);
    assert_eq!(closed["fails"], 2);
    assert_eq!(closed["kpis"][0]["met"], 1);

    // No final share for a failed project: the last milestone stays reported, unpaid (60 % of
    // 250 万元 is in the ledger).
    let last = assert_project_ended(&s, ("fail", "failed"), "reported", 150_000_000).await;
    let reason = last["reason"].as_str().unwrap();
    assert!(reason.starts_with("验收未通过: 1/3"), "{last}");
    for token in [&s.bids[0].solver, &s.issuer, &s.admin] {
        assert_notified(&app, &token.access, "acceptance_failed").await;
        assert_not_notified(&app, &token.access, "acceptance_passed").await;
    }
    // The panel's experts cannot act any more.
    let a = assignment_of(&app, ACCEPTANCE, members[0], &s.challenge_id).await;
    let resp = put_verdict(&app, members[0], &id_of(&a.unwrap()), &verdict(true)).await;
    assert_problem(resp, 409, "acceptance_closed").await;
}

#[tokio::test]
async fn the_acceptance_needs_an_awarded_project_and_an_admin() {
    let app = TestApp::spawn().await;
    let s = app.scenario().with_bids(2).ranked().build().await;

    // Still under review: refused, naming the state; nothing to read yet.
    let resp = draw(&s, &s.admin, request(&app, 1)).await;
    let body = assert_problem(resp, 409, "not_awarded").await;
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("评审中"), "{body}");
    assert_eq!(body["errors"][0]["field"], "status");
    assert_problem(view(&s, &s.admin).await, 404, "not_found").await;

    // Awarded, but the project is not through its milestones: the last must be reported and the
    // others accepted first.
    s.award(0).await;
    let resp = draw(&s, &s.admin, request(&app, 1)).await;
    let body = assert_problem(resp, 409, "milestones_outstanding").await;
    assert!(body["detail"].as_str().unwrap().contains('2'), "{body}");
    s.complete_milestones().await;
    for who in [&s.issuer, &s.bids[0].solver, &s.experts[0].tokens] {
        let resp = draw(&s, who, request(&app, 1)).await;
        assert_problem(resp, 403, "forbidden").await;
    }
    // The deadline must lie ahead; the panel has at least three.
    let past = json!({"review_deadline": rfc3339(app.state.clock.now() - Duration::hours(1))});
    let mut small = request(&app, 1);
    small["panel_size"] = json!(2);
    for (body, field) in [(past, "review_deadline"), (small, "panel_size")] {
        let resp = draw(&s, &s.admin, body).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec![field]);
    }
    // A panel of four from three eligible experts: refused, saying how many.
    let mut four = request(&app, 1);
    four["panel_size"] = json!(4);
    let body = assert_problem(draw(&s, &s.admin, four).await, 409, "not_enough_experts").await;
    assert!(
        body["detail"].as_str().unwrap().contains("只有 3 位"),
        "{body}"
    );

    draw_ok(&s, 1).await;
    let resp = draw(&s, &s.admin, request(&app, 2)).await;
    assert_problem(resp, 409, "acceptance_exists").await;

    // The panel sits: the last milestone is its to decide, and the project's time is up.
    let last = id_of(&last_milestone(&s).await);
    let why = json!({"reason": "补充检测报告"});
    let resp = milestone(&app, &last, "return", &why, &s.issuer).await;
    assert_problem(resp, 409, "acceptance_started").await;
    let extension = json!({"months": 3, "reason": "设备延迟"});
    let resp = app
        .post(
            &s.path("/extension"),
            &extension,
            Some(&s.bids[0].solver.access),
        )
        .await;
    assert_problem(resp, 409, "acceptance_started").await;

    // Terminated while the panel sits: the seats are given up, the experts free again.
    let reason = json!({"reason": "揭榜团队解散，项目无法继续实施。"});
    app.post_ok(&s.path("/terminate"), &reason, Some(&s.admin.access))
        .await;
    let view = assert_status(view(&s, &s.admin).await, 200).await;
    assert_eq!(view["counts"]["invited"], 0);
    assert_eq!(view["counts"]["declined"], 3);
}

#[tokio::test]
async fn a_decline_invites_the_next_eligible_expert_and_outsiders_get_404() {
    // One open invitation, of either panel, makes an expert too busy.
    let app = TestApp::spawn_with(|s| s.review.max_open_assignments = 1).await;
    let mut s = ready(&app).await;
    let newcomer = s.expert(40).create().await;
    s.experts.push(newcomer);
    let outsider = s.expert(41).fields(&["biomedicine"]).create().await;

    let panel = draw_ok(&s, 3).await;
    let candidates = ids(&panel["draw"]["candidates"], "expert_id");
    assert_eq!(candidates.len(), 4);
    let members = panel_members(&panel, &s.experts);
    let fourth = s.experts.iter().find(|e| e.id == candidates[3]).unwrap();
    let invitation = assignment_of(&app, ACCEPTANCE, fourth, &s.challenge_id).await;
    assert!(invitation.is_none());

    the_panel_is_too_busy_for_a_review_and_closed_to_outsiders(&s, &members, &outsider).await;
    a_decline_invites_the_next_of_the_order_until_nobody_is_left(&s, &members, fourth).await;
    two_verdicts_decide_nothing_and_a_new_deadline_keeps_the_panel(&s, &[members[2], fourth]).await;
}

/// Step: the acceptance panel's experts are too busy for a review panel (only the fourth is
/// left); outsiders (an expert of another field, the other bidder, another issuer) get 404; the
/// project is read once the invitation is accepted.
async fn the_panel_is_too_busy_for_a_review_and_closed_to_outsiders(
    s: &Scenario<'_>,
    members: &[&Expert],
    outsider: &Expert,
) {
    let app = s.app;
    let other = app
        .scenario()
        .admin(&s.admin)
        .with_bidders(&[("丙公司", 60, "赵一", "钱二")])
        .under_review()
        .build()
        .await;
    let body = assert_problem(other.draw(1).await, 409, "not_enough_experts").await;
    assert!(
        body["detail"].as_str().unwrap().contains("只有 1 位"),
        "{body}"
    );

    for token in [&outsider.tokens, &s.bids[1].solver, &app.issuer().await] {
        assert_problem(view(s, token).await, 404, "not_found").await;
    }
    let a0 = assignment_of(app, ACCEPTANCE, members[0], &s.challenge_id).await;
    let a0 = id_of(&a0.unwrap());
    let accept = format!("{ACCEPTANCE}/{a0}/accept");
    let resp = app
        .post(&accept, &json!({}), Some(&outsider.tokens.access))
        .await;
    assert_problem(resp, 404, "not_found").await;
    let project = format!("{ACCEPTANCE}/{a0}/project");
    let resp = app.get(&project, Some(&members[0].tokens.access)).await;
    assert_problem(resp, 409, "invalid_assignment_state").await;
}

/// Step: a decline needs a reason; then the fourth of the order is invited. The declined expert
/// no longer reads the acceptance; nobody is left for a second decline.
async fn a_decline_invites_the_next_of_the_order_until_nobody_is_left(
    s: &Scenario<'_>,
    members: &[&Expert],
    fourth: &Expert,
) {
    let app = s.app;
    let decline = async |who: &Expert, reason: &str| {
        let a = assignment_of(app, ACCEPTANCE, who, &s.challenge_id).await;
        let path = format!("{ACCEPTANCE}/{}/decline", id_of(&a.unwrap()));
        app.post(&path, &json!({"reason": reason}), Some(&who.tokens.access))
            .await
    };
    let resp = decline(members[0], " ").await;
    assert_problem(resp, 422, "validation_failed").await;
    let declined = assert_status(decline(members[0], "与揭榜单位有合作项目").await, 200).await;
    assert_eq!(declined["assignment"]["status"], "declined");
    assert_eq!(declined["replacement"]["expert_id"], fourth.id.as_str());
    assert_eq!(declined["replacement"]["position"], 3);
    assert_notified(app, &fourth.tokens.access, "acceptance_invitation").await;
    let resp = view(s, &members[0].tokens).await;
    assert_problem(resp, 404, "not_found").await;
    let declined = assert_status(decline(members[1], "出差").await, 200).await;
    assert!(declined["replacement"].is_null());
    let stored = assert_status(view(s, &s.admin).await, 200).await;
    assert_eq!(stored["draw"]["next_position"], 4);
    assert_eq!(stored["counts"]["declined"], 2);
    assert_eq!(stored["counts"]["invited"], 2);
}

/// Step: two verdicts never decide a project, not before the deadline, not after it. The admin
/// sets a new deadline: seats left empty are offered down the stored order (here nobody is
/// left), and the reminder follows the new date.
async fn two_verdicts_decide_nothing_and_a_new_deadline_keeps_the_panel(
    s: &Scenario<'_>,
    remaining: &[&Expert],
) {
    let app = s.app;
    judge(s, remaining, &[true, true]).await;
    let body = assert_problem(close(s, &s.admin).await, 409, "acceptance_not_ready").await;
    assert!(
        body["detail"].as_str().unwrap().contains("2 位已提交"),
        "{body}"
    );
    app.state.clock.advance(Duration::days(11));
    let body = assert_problem(close(s, &s.admin).await, 409, "acceptance_not_ready").await;
    assert!(
        body["detail"].as_str().unwrap().contains("仅 2 位"),
        "{body}"
    );

    let extend = s.path("/acceptance/deadline");
    let later = rfc3339(app.state.clock.now() + Duration::days(5));
    let new_deadline = json!({"review_deadline": later});
    let resp = app
        .post(&extend, &new_deadline, Some(&remaining[0].tokens.access))
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let past = json!({"review_deadline": rfc3339(app.state.clock.now() - Duration::hours(1))});
    let resp = app.post(&extend, &past, Some(&s.admin.access)).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["review_deadline"]);
    let extended = app
        .post_ok(&extend, &new_deadline, Some(&s.admin.access))
        .await;
    assert_eq!(extended["review_deadline"], later.as_str());
    assert_eq!(extended["counts"]["submitted"], 2);
    assert_eq!(extended["counts"]["declined"], 2);
    assert_eq!(extended["draw"]["next_position"], 4);
}
