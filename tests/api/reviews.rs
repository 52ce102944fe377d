//! Expert review through HTTP: the pool, each exclusion rule of the draw on its own, the stored
//! and reproducible draw, declines with replacements from the stored order, the blind view, who
//! may read and score what, score validation, closing with the ranking (ties, divergence), the
//! reminder, and the fee ledger.

use chrono::Duration;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    TestApp, assert_csv, assert_not_notified, assert_notified, assert_problem, assert_status,
    error_fields, id_of, ids, new_uscc, rfc3339,
};
use crate::scenario::{
    Expert, REVIEW, Scenario, accept, add_credit_record, assignment_of, expert_account, id_number,
    score, sheet, submit,
};

/// The experts of the exclusion tests, each excluded for one reason (or eligible).
struct Pool {
    eligible: Vec<Expert>,
    busy: Expert,
    of_issuer: Expert,
    of_bidder: Expert,
    in_team: Expert,
    declared: Expert,
    dishonest: Expert,
    other_field: Expert,
}

/// Two bids under review (panels of three; one open assignment makes an expert too busy) and a
/// pool with two eligible experts and one excluded for each rule.
async fn pool_with_each_exclusion(app: &TestApp) -> (Scenario<'_>, Pool) {
    let admin = app.admin().await;
    // An expert made busy by an earlier panel in another field (its three experts are all drawn).
    let busy = app
        .expert(&admin, 90)
        .fields(&["marine", "new_materials"])
        .create()
        .await;
    for n in [91, 92] {
        app.expert(&admin, n).fields(&["marine"]).create().await;
    }
    let earlier = app
        .scenario()
        .admin(&admin)
        .field("marine")
        .with_bidders(&[("海洋研究所", 80, "王海", "李洋")])
        .under_review()
        .build()
        .await;
    let panel = earlier.draw_ok(1).await;
    assert!(ids(&panel["assignments"], "expert_id").contains(&busy.id));

    let s = app
        .scenario()
        .admin(&admin)
        .with_bids(2)
        .under_review()
        .build()
        .await;
    let eligible = vec![
        s.expert(1).create().await,
        s.expert(2)
            .fields(&["new_materials", "new_energy"])
            .create()
            .await,
    ];
    let of_issuer = s.expert(3).of_org(&s.issuer_uscc).create().await;
    let of_bidder = s.expert(4).of_org(&s.bids[0].uscc).create().await;
    // The same person as the second bid's team member (ID number 21).
    let in_team = s.expert(21).create().await;
    let declared = s.expert(6).conflicting_with(&s.bids[1].uscc).create().await;
    let dishonest = s.expert(7).create().await;
    let other_field = s.expert(8).fields(&["biomedicine"]).create().await;
    add_credit_record(app, &s.admin, "person", &id_number(7), "serious").await;
    let pool = Pool {
        eligible,
        busy,
        of_issuer,
        of_bidder,
        in_team,
        declared,
        dishonest,
        other_field,
    };
    (s, pool)
}

#[tokio::test]
async fn too_few_eligible_experts_refuse_the_draw_and_keep_the_checks() {
    let app = TestApp::spawn_with(|s| s.review.max_open_assignments = 1).await;
    let (s, _) = pool_with_each_exclusion(&app).await;
    // Two eligible experts for a panel of three: refused, saying how many; the checks are kept.
    let problem = assert_problem(s.draw(7).await, 409, "not_enough_experts").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("只有 2 位") && detail.contains("需要 3 位"),
        "{detail}"
    );
    let kept = app
        .count(
            "SELECT count(*) FROM credit_checks WHERE purpose = 'panel_draw' AND result = 'block'",
        )
        .await;
    assert_eq!(kept, 1);
}

#[tokio::test]
async fn each_exclusion_rule_on_its_own_and_the_draw_is_stored() {
    let app = TestApp::spawn_with(|s| s.review.max_open_assignments = 1).await;
    let (s, mut pool) = pool_with_each_exclusion(&app).await;
    pool.eligible.push(s.expert(9).create().await);
    let panel = s.draw_ok(7).await;
    let mut chosen = ids(&panel["assignments"], "expert_id");
    chosen.sort();
    let mut expected: Vec<String> = pool.eligible.iter().map(|e| e.id.clone()).collect();
    expected.sort();
    assert_eq!(chosen, expected);
    assert_eq!(panel["seed"], "7");
    assert_eq!(panel["order_verified"], true);

    for (who, reason) in [
        (&pool.of_issuer, "issuer_org"),
        (&pool.of_bidder, "bidder_org"),
        (&pool.in_team, "team_member"),
        (&pool.declared, "declared_conflict"),
        (&pool.dishonest, "credit_block"),
        (&pool.busy, "too_busy"),
    ] {
        assert_eq!(exclusion(&panel, who)["reasons"], json!([reason]));
    }
    assert_eq!(panel["exclusions"].as_array().unwrap().len(), 6);
    // Not of the field: neither a candidate nor excluded.
    assert!(!panel.to_string().contains(&pool.other_field.id));

    // The stored record reads back the same; a second draw is refused; admins only.
    let path = s.path("/panel");
    let stored = app.get_ok(&path, Some(&s.admin.access)).await;
    assert_eq!(stored["candidates"], panel["candidates"]);
    assert_eq!(stored["exclusions"], panel["exclusions"]);
    let first = &pool.eligible[0].tokens;
    assert_problem(app.get(&path, Some(&first.access)).await, 403, "forbidden").await;
    assert_problem(s.draw(8).await, 409, "panel_exists").await;

    // Each drawn expert is invited by notice and mail; the draw is audited.
    assert_notified(&app, &first.access, "panel_invitation").await;
    assert_eq!(app.audited("review.panel_draw").await, 2);
}

/// The exclusion of `who` in a draw's record.
fn exclusion<'a>(draw: &'a Value, who: &Expert) -> &'a Value {
    draw["exclusions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["expert_id"] == who.id.as_str())
        .unwrap_or_else(|| panic!("{} not excluded in {draw}", who.id))
}

/// One bid (甲大学) under review, panels of three, and a pool of `experts` (1 to `experts`).
async fn one_bid_under_review(app: &TestApp, experts: u32) -> Scenario<'_> {
    let builder = app.scenario().with_experts(1..=experts).with_bids(1);
    builder.under_review().build().await
}

#[tokio::test]
async fn the_same_seed_gives_the_same_panel_and_the_order_can_be_verified() {
    let app = TestApp::spawn().await;
    let first = one_bid_under_review(&app, 6).await;
    let under_review = async |bidder| {
        app.scenario()
            .admin(&first.admin)
            .with_bidders(&[bidder])
            .under_review()
            .build()
            .await
    };
    let second = under_review(("乙大学", 20, "周明", "吴芳")).await;
    let a = first.draw_ok(424242).await;
    let b = second.draw_ok(424242).await;
    let candidates = ids(&a["candidates"], "expert_id");
    assert_eq!(candidates, ids(&b["candidates"], "expert_id"));
    let drawn = ids(&a["assignments"], "expert_id");
    assert_eq!(drawn, ids(&b["assignments"], "expert_id"));
    // Anyone with the seed and the candidates re-runs the shuffle and gets the stored order.
    let order: Vec<Uuid> = candidates.iter().map(|s| s.parse().unwrap()).collect();
    let mut sorted = order.clone();
    sorted.reverse();
    assert_eq!(jiebang::reviews::draw::order(sorted, 424242), order);
    assert_eq!(drawn, candidates[..3].to_vec());
    // Another seed: another order (for these six, with this seed pair).
    let third = under_review(("丙大学", 30, "赵一", "钱二")).await;
    let c = third.draw_ok(1).await;
    assert_ne!(ids(&c["candidates"], "expert_id"), candidates);
}

/// `POST /assignments/{id}/decline` by `who`.
async fn decline(app: &TestApp, assignment: &str, who: &Expert, reason: &str) -> reqwest::Response {
    let path = format!("{REVIEW}/{assignment}/decline");
    app.post(&path, &json!({"reason": reason}), Some(&who.tokens.access))
        .await
}

#[tokio::test]
async fn a_decline_needs_a_reason_and_draws_the_next_eligible_from_the_stored_order() {
    let app = TestApp::spawn().await;
    let s = one_bid_under_review(&app, 6).await;
    let panel = s.draw_ok(99).await;
    let order = ids(&panel["candidates"], "expert_id");
    let by_id = |id: &str| s.experts.iter().find(|e| e.id == id).unwrap();
    let [first, second, _, fourth, fifth, sixth] = [0, 1, 2, 3, 4, 5].map(|i| by_id(&order[i]));

    // The fourth declares a conflict with the bidder meanwhile: skipped. The fifth moves to
    // another field: no longer available.
    for (who, change) in [
        (fourth, json!({"conflict_usccs": [s.bids[0].uscc]})),
        (fifth, json!({"fields": ["marine"]})),
    ] {
        let resp = app
            .patch("/api/v1/experts/me", &change, Some(&who.tokens.access))
            .await;
        assert_status(resp, 200).await;
    }

    let a = id_of(
        &assignment_of(&app, REVIEW, first, &s.challenge_id)
            .await
            .unwrap(),
    );
    let problem = assert_problem(
        decline(&app, &a, first, "  ").await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    // Someone else's assignment: 404.
    assert_problem(decline(&app, &a, fifth, "出差").await, 404, "not_found").await;

    let body = assert_status(decline(&app, &a, first, "评审期间出国访问").await, 200).await;
    assert_eq!(body["assignment"]["status"], "declined");
    assert_eq!(body["assignment"]["decline_reason"], "评审期间出国访问");
    assert_eq!(body["replacement"]["expert_id"], sixth.id.as_str());
    assert_eq!(body["replacement"]["position"], 5);
    assert_notified(&app, &sixth.tokens.access, "panel_invitation").await;

    let stored = app.get_ok(&s.path("/panel"), Some(&s.admin.access)).await;
    assert_eq!(stored["next_position"], 6);
    let skipped = exclusion(&stored, fourth);
    assert_eq!(skipped["stage"], "replacement");
    assert_eq!(skipped["reasons"], json!(["declared_conflict"]));
    assert_eq!(exclusion(&stored, fifth)["reasons"], json!(["unavailable"]));
    // Declining twice is refused; with nobody left, a decline draws no one.
    let resp = decline(&app, &a, first, "again").await;
    assert_problem(resp, 409, "invalid_assignment_state").await;
    let a2 = id_of(
        &assignment_of(&app, REVIEW, second, &s.challenge_id)
            .await
            .unwrap(),
    );
    let body = assert_status(decline(&app, &a2, second, "身体原因").await, 200).await;
    assert!(body["replacement"].is_null());

    // A batch credit review of the challenge covers the experts drawn for it (the four invited,
    // declined or not) next to the bid's leader and member.
    let batch = s.credit_review().await;
    assert_eq!(batch["totals"]["person"]["total"], 2 + 4, "{batch}");
}

/// Two bids of named people under review (a blind panel of 1 to 3 drawn), and another challenge
/// in `marine` with its own panel (4 to 6); the first expert's assignment on the first.
async fn two_panels(app: &TestApp) -> (Scenario<'_>, Scenario<'_>, String) {
    let s = app
        .scenario()
        .with_experts(1..=3)
        .with_bidders(&[
            ("星辰理工大学", 10, "欧阳明哲", "司马青云"),
            ("瀚海材料研究院", 20, "诸葛文渊", "上官若水"),
        ])
        .under_review()
        .build()
        .await;
    let mut marine = Vec::new();
    for n in 4..=6 {
        marine.push(s.expert(n).fields(&["marine"]).create().await);
    }
    let mut other = app
        .scenario()
        .admin(&s.admin)
        .field("marine")
        .with_bidders(&[("海洋研究所", 30, "王海", "李洋")])
        .under_review()
        .build()
        .await;
    other.experts = marine;
    s.draw_ok(5).await;
    other.draw_ok(5).await;
    let a = assignment_of(app, REVIEW, &s.experts[0], &s.challenge_id).await;
    (s, other, id_of(&a.unwrap()))
}

#[tokio::test]
async fn blind_bids_show_no_names_and_experts_reach_only_their_own_panel() {
    let app = TestApp::spawn().await;
    let (s, other, assignment) = two_panels(&app).await;
    let (me, outsider) = (&s.experts[0], &other.experts[0]);
    let bids_path = format!("{REVIEW}/{assignment}/bids");

    // Not before accepting.
    let resp = app.get(&bids_path, Some(&me.tokens.access)).await;
    assert_problem(resp, 409, "invalid_assignment_state").await;
    accept(&app, REVIEW, me, &s.challenge_id).await;

    let resp = app.get(&bids_path, Some(&me.tokens.access)).await;
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.text().await.unwrap();
    for name in [
        "星辰理工大学",
        "瀚海材料研究院",
        "欧阳明哲",
        "司马青云",
        "诸葛文渊",
        "上官若水",
        "发榜企业",
    ] {
        assert!(!text.contains(name), "{name} in {text}");
    }
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["blind_review"], true);
    assert_eq!(
        ids(&body["items"], "display_code"),
        vec!["方案 A", "方案 B"]
    );
    assert_eq!(body["items"][0]["team"][0]["title"], "教授");
    assert!(body["items"][0]["my_score"].is_null());

    // Another panel's expert: 404 for reading and for scoring, and the admin is not an expert.
    let resp = app.get(&bids_path, Some(&outsider.tokens.access)).await;
    assert_problem(resp, 404, "not_found").await;
    let good = sheet([30, 20, 10, 8, 8]);
    let score_as = async |who: &Expert, bid: &str| {
        score(&app, &who.tokens.access, &assignment, bid, &good).await
    };
    let resp = score_as(outsider, &s.bids[0].id).await;
    assert_problem(resp, 404, "not_found").await;
    let resp = app.get(&bids_path, Some(&s.admin.access)).await;
    assert_problem(resp, 403, "forbidden").await;
    // Its own assignment, but another challenge's bid: 404.
    let resp = score_as(me, &other.bids[0].id).await;
    assert_problem(resp, 404, "not_found").await;
}

#[tokio::test]
async fn scores_are_checked_revised_until_submitted_and_hidden_until_the_close() {
    let app = TestApp::spawn().await;
    let (s, _, assignment) = two_panels(&app).await;
    let me = &s.experts[0];
    accept(&app, REVIEW, me, &s.challenge_id).await;
    let score_bid = async |i: usize, body: &Value| {
        score(&app, &me.tokens.access, &assignment, &s.bids[i].id, body).await
    };

    // Out of range, unknown, missing: 422 naming each.
    let mut bad = sheet([41, 20, 10, 8, 8]);
    bad["criteria"][1]["points"] = json!(-1);
    let problem = assert_problem(score_bid(0, &bad).await, 422, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec!["criteria[0].points", "criteria[1].points"]
    );
    let mut missing = sheet([30, 20, 10, 8, 8]);
    missing["criteria"].as_array_mut().unwrap().pop();
    let problem = assert_problem(score_bid(0, &missing).await, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["criteria"]);

    // Scored, revised, then submit needs every bid.
    let scored = assert_status(score_bid(0, &sheet([30, 20, 10, 8, 8])).await, 200).await;
    assert_eq!(scored["total"], 76);
    let revised = assert_status(score_bid(0, &sheet([32, 20, 10, 8, 8])).await, 200).await;
    assert_eq!(revised["total"], 78);
    let resp = submit(&app, REVIEW, me, &assignment).await;
    let problem = assert_problem(resp, 409, "scores_incomplete").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("尚有 1 份方案")
    );
    assert_status(score_bid(1, &sheet([20, 20, 10, 8, 8])).await, 200).await;
    assert_status(submit(&app, REVIEW, me, &assignment).await, 200).await;
    // Final: no more changes.
    let resp = score_bid(1, &sheet([21, 20, 10, 8, 8])).await;
    assert_problem(resp, 409, "invalid_assignment_state").await;
    // Each score change is audited.
    assert_eq!(app.audited("review.score").await, 3);
    // Nobody sees scores before the close: the ranking is refused.
    let resp = app.get(&s.path("/ranking"), Some(&s.admin.access)).await;
    assert_problem(resp, 409, "review_not_closed").await;
}

/// Two bids under review, a panel of three (1 to 3) drawn, and every expert's scores saved but
/// not submitted: bid A 90, 60, 62 (mean 70.67; 90 is 29 above the others' 61), bid B 70, 71,
/// 71. Answers the assignments in panel order of the experts.
async fn scored(app: &TestApp) -> (Scenario<'_>, Vec<String>) {
    let s = app
        .scenario()
        .with_experts(1..=3)
        .with_bids(2)
        .under_review()
        .build()
        .await;
    s.draw_ok(3).await;
    let sheets = [
        ([36, 23, 13, 9, 9], [28, 18, 10, 7, 7]),
        ([24, 15, 9, 6, 6], [28, 18, 11, 7, 7]),
        ([24, 16, 10, 6, 6], [28, 18, 11, 7, 7]),
    ];
    let mut assignments = Vec::new();
    for (expert, (a, b)) in s.experts.iter().zip(sheets) {
        let id = accept(app, REVIEW, expert, &s.challenge_id).await;
        for (bid, points) in [(&s.bids[0].id, a), (&s.bids[1].id, b)] {
            let resp = score(app, &expert.tokens.access, &id, bid, &sheet(points)).await;
            assert_status(resp, 200).await;
        }
        assignments.push(id);
    }
    (s, assignments)
}

/// Every expert of [`scored`] submits and the admin closes the review; answers the ranking.
async fn submit_all_and_close(s: &Scenario<'_>, assignments: &[String]) -> Value {
    for (expert, id) in s.experts.iter().zip(assignments) {
        assert_status(submit(s.app, REVIEW, expert, id).await, 200).await;
    }
    let close = s.path("/review/close");
    let resp = s.app.post(&close, &json!({}), Some(&s.issuer.access)).await;
    assert_problem(resp, 403, "forbidden").await;
    s.app
        .post_ok(&close, &json!({}), Some(&s.admin.access))
        .await
}

#[tokio::test]
async fn the_reminder_reaches_those_who_have_not_submitted_and_the_review_waits_for_them() {
    let app = TestApp::spawn().await;
    let (s, assignments) = scored(&app).await;
    // The reminder goes out a day before the deadline, to those who have not submitted.
    assert_status(
        submit(&app, REVIEW, &s.experts[0], &assignments[0]).await,
        200,
    )
    .await;
    app.state
        .clock
        .advance(Duration::days(6) + Duration::hours(1));
    app.run_jobs().await;
    assert_not_notified(&app, &s.experts[0].tokens.access, "review_reminder").await;
    assert_notified(&app, &s.experts[1].tokens.access, "review_reminder").await;

    // Not before everyone has submitted (the deadline has not passed).
    let resp = app
        .post(&s.path("/review/close"), &json!({}), Some(&s.admin.access))
        .await;
    let problem = assert_problem(resp, 409, "review_not_ready").await;
    assert!(problem["detail"].as_str().unwrap().contains("1 位已提交"));
}

#[tokio::test]
async fn closing_ranks_with_ties_and_flags_the_divergent_score_for_the_issuer_without_names() {
    let app = TestApp::spawn().await;
    let (s, assignments) = scored(&app).await;
    let ranking = submit_all_and_close(&s, &assignments).await;
    let items = ranking["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    // A tie: both 70.67, both first.
    for item in items {
        assert_eq!(item["rank"], 1);
        assert_eq!(item["score"], 70.67);
    }
    // (Codes are given at the opening in an order unrelated to creation: find the bids by id.)
    let of_bid = |i: usize| {
        items
            .iter()
            .find(|r| r["bid_id"] == s.bids[i].id.as_str())
            .unwrap()
    };
    let (a, b) = (of_bid(0), of_bid(1));
    assert_eq!(a["flagged"], true);
    // In panel order; the 90 (the first expert's) is the one flagged.
    for t in a["expert_totals"].as_array().unwrap() {
        let is_90 = t["total"] == 90;
        assert_eq!(t["divergent"], is_90, "{t}");
        assert_eq!(t["expert_id"] == s.experts[0].id.as_str(), is_90, "{t}");
        assert_eq!(t["dropped"], false);
    }
    assert_eq!(b["flagged"], false);
    assert_eq!(a["criterion_means"][0]["name"], "技术方案");
    assert_eq!(a["criterion_means"][0]["mean"], 28.0);
    let resp = app
        .post(&s.path("/review/close"), &json!({}), Some(&s.admin.access))
        .await;
    assert_problem(resp, 409, "review_closed").await;

    // The issuer sees it without the experts' identities; another issuer does not see it.
    let path = s.path("/ranking");
    let resp = app.get(&path, Some(&s.issuer.access)).await;
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.text().await.unwrap();
    for e in &s.experts {
        assert!(!text.contains(&e.id), "{text}");
    }
    assert!(
        !text.contains("专家1\"") && !text.contains("expert_id"),
        "{text}"
    );
    assert!(text.contains("专家 1"));
    let stranger = app.issuer().await;
    let resp = app.get(&path, Some(&stranger.access)).await;
    assert_problem(resp, 404, "not_found").await;
    assert_eq!(s.ranking().await["items"], ranking["items"]);
}

#[tokio::test]
async fn each_submitted_review_earns_its_fee_in_the_ledger() {
    let app = TestApp::spawn().await;
    let (s, assignments) = scored(&app).await;
    submit_all_and_close(&s, &assignments).await;
    // Fees: 1 000 元 per review + 200 元 per bid, for each of the three.
    let page = app.get_ok("/api/v1/fees", Some(&s.admin.access)).await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["total_amount_fen"], 3 * (100_000 + 2 * 20_000));
    let expert = &s.experts[1];
    let own = app
        .get_ok("/api/v1/fees", Some(&expert.tokens.access))
        .await;
    assert_eq!(own["total"], 1);
    assert_eq!(own["total_amount_fen"], 140_000);
    assert_eq!(own["items"][0]["expert_id"], expert.id.as_str());
    assert_eq!(own["items"][0]["bids_reviewed"], 2);
    let csv = assert_csv(
        app.get("/api/v1/fees?format=csv", Some(&s.admin.access))
            .await,
    )
    .await;
    assert_eq!(csv.lines().count(), 1 + 3 + 1, "{csv}");
    assert!(csv.lines().last().unwrap().contains("420000"), "{csv}");
    let resp = app.get("/api/v1/fees", Some(&s.issuer.access)).await;
    assert_problem(resp, 403, "forbidden").await;
}

#[tokio::test]
async fn the_pool_is_kept_by_admins_and_experts_edit_their_own_profile() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let e = app.expert(&admin, 1).create().await;
    let page = app.get_ok("/api/v1/experts", Some(&admin.access)).await;
    assert_eq!(page["total"], 1);
    let listed = &page["items"][0];
    assert_eq!(listed["user_id"], e.id.as_str());
    assert_eq!(listed["fields"], json!(["new_materials"]));
    assert!(!listed.to_string().contains(&id_number(1)));
    assert_eq!(listed["id_number_masked"].as_str().unwrap().len(), 18);
    let resp = app.get("/api/v1/experts", Some(&e.tokens.access)).await;
    assert_problem(resp, 403, "forbidden").await;

    // The same account twice: 409; a solver account: 422; a wrong check character: 422.
    let solver = app.solver().await;
    let account = expert_account("newcomer@example.com", 4, &new_uscc());
    let newcomer = app
        .post_created("/api/v1/users", &account, Some(&admin.access))
        .await;
    let mut bad_id = id_number(4);
    let wrong = if bad_id.ends_with('0') { '1' } else { '0' };
    bad_id.replace_range(17.., &wrong.to_string());
    for (user, id, status, code, field) in [
        (&e.id, id_number(2), 409, "expert_exists", None),
        (
            &solver.user_id,
            id_number(3),
            422,
            "validation_failed",
            Some("user_id"),
        ),
        (
            &id_of(&newcomer),
            bad_id,
            422,
            "validation_failed",
            Some("id_number"),
        ),
    ] {
        let profile = json!({"user_id": user, "id_number": id, "fields": ["marine"]});
        let resp = app
            .post("/api/v1/experts", &profile, Some(&admin.access))
            .await;
        let problem = assert_problem(resp, status, code).await;
        if let Some(field) = field {
            assert_eq!(error_fields(&problem), vec![field]);
        }
    }

    let own = async |change: Value, token: &str| {
        app.patch("/api/v1/experts/me", &change, Some(token)).await
    };
    let me = e.tokens.access.as_str();
    let bad = json!({"fields": ["marine", "new_energy"], "conflict_usccs": ["91350200776049653B"]});
    let problem = assert_problem(own(bad, me).await, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["conflict_usccs[0]"]);
    let uscc = new_uscc();
    let good =
        json!({"fields": ["marine", "new_energy"], "title": "研究员", "conflict_usccs": [uscc]});
    let body = assert_status(own(good, me).await, 200).await;
    assert_eq!(body["fields"], json!(["marine", "new_energy"]));
    assert_eq!(body["title"], "研究员");
    assert_eq!(body["conflict_usccs"], json!([uscc]));
    // Admins edit any expert's profile; experts only their own (403 on another's).
    let expert_path = format!("/api/v1/experts/{}", body["user_id"].as_str().unwrap());
    let title = |t: &str| json!({"title": t});
    let resp = app
        .patch(&expert_path, &title("正高级工程师"), Some(&admin.access))
        .await;
    let edited = assert_status(resp, 200).await;
    assert_eq!(edited["title"], "正高级工程师");
    assert_eq!(edited["fields"], json!(["marine", "new_energy"]));
    let resp = app.patch(&expert_path, &title("x"), Some(me)).await;
    assert_problem(resp, 403, "forbidden").await;
    let nobody = format!("/api/v1/experts/{}", Uuid::now_v7());
    let resp = app.patch(&nobody, &title("x"), Some(&admin.access)).await;
    assert_problem(resp, 404, "not_found").await;
    assert_eq!(own(json!({"salary": 1}), me).await.status(), 422);
    let resp = own(title("x"), &admin.access).await;
    assert_problem(resp, 403, "forbidden").await;
}

#[tokio::test]
async fn after_the_deadline_three_submitted_reviews_are_enough_to_close() {
    let app = TestApp::spawn().await;
    let s = app
        .scenario()
        .with_experts(1..=4)
        .panel_size(4)
        .with_bids(1)
        .under_review()
        .build()
        .await;
    s.draw_ok(11).await;
    let close = s.path("/review/close");
    // Totals 80, 70, 75 submitted; the fourth accepts, scores 20 and never submits.
    for (expert, points) in s.experts.iter().zip([
        [32, 20, 12, 8, 8],
        [28, 18, 10, 7, 7],
        [30, 19, 11, 8, 7],
        [8, 5, 3, 2, 2],
    ]) {
        let id = accept(&app, REVIEW, expert, &s.challenge_id).await;
        let resp = score(
            &app,
            &expert.tokens.access,
            &id,
            &s.bids[0].id,
            &sheet(points),
        )
        .await;
        assert_status(resp, 200).await;
        if points[4] != 2 {
            assert_status(submit(&app, REVIEW, expert, &id).await, 200).await;
        }
    }
    let resp = app.post(&close, &json!({}), Some(&s.admin.access)).await;
    assert_problem(resp, 409, "review_not_ready").await;
    app.state.clock.advance(Duration::days(8));
    let ranking = app.post_ok(&close, &json!({}), Some(&s.admin.access)).await;
    // Only the submitted totals count: (80 + 70 + 75) / 3.
    assert_eq!(ranking["items"][0]["score"], 75.0);
    assert_eq!(ranking["items"][0]["rank"], 1);
    assert_eq!(
        ranking["items"][0]["expert_totals"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // The unsubmitted review earns nothing; the closed review takes no more changes.
    let page = app.get_ok("/api/v1/fees", Some(&s.admin.access)).await;
    assert_eq!(page["total"], 3);
    assert_eq!(page["total_amount_fen"], 3 * (100_000 + 20_000));
    let last = &s.experts[3];
    let a = assignment_of(&app, REVIEW, last, &s.challenge_id)
        .await
        .unwrap();
    let resp = submit(&app, REVIEW, last, &id_of(&a)).await;
    assert_problem(resp, 409, "review_closed").await;
}

#[tokio::test]
async fn concurrent_draws_make_exactly_one_panel() {
    let app = TestApp::spawn().await;
    let s = one_bid_under_review(&app, 4).await;
    let (a, b) = tokio::join!(s.draw(1), s.draw(2));
    let mut statuses = vec![a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, vec![201, 409]);
    assert_eq!(app.count("SELECT count(*) FROM assignments").await, 3);
}

#[tokio::test]
async fn outside_tests_a_draw_cannot_choose_its_seed() {
    let app = TestApp::spawn_with(|s| s.review.allow_chosen_seed = false).await;
    let admin = app.admin().await;
    let deadline = rfc3339(app.state.clock.now() + Duration::days(7));
    let path = format!("/api/v1/challenges/{}/panel/draw", Uuid::now_v7());
    let draw = async |body: Value| app.post(&path, &body, Some(&admin.access)).await;
    let resp = draw(json!({"seed": 42, "review_deadline": deadline})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["seed"]);
    // Without a seed the request goes on (to the missing challenge).
    let resp = draw(json!({"review_deadline": deadline})).await;
    assert_problem(resp, 404, "not_found").await;
}
