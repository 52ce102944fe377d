//! Expert review through HTTP: the pool, each exclusion rule of the draw on its own, the stored
//! and reproducible draw, declines with replacements from the stored order, the blind view, who
//! may read and score what, score validation, closing with the ranking (ties, divergence), the
//! reminder, and the fee ledger.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    TestApp, assert_problem, error_fields, new_uscc, notification_kinds, rfc3339,
};
use crate::legacy::{
    Expert, accept, assignment_of, draw, draw_ok, expert, id_number, ids, score, sheet,
    under_review,
};

#[tokio::test]
async fn each_exclusion_rule_on_its_own_and_the_draw_is_stored() {
    // One open assignment makes an expert too busy here.
    let app = TestApp::spawn_with(|s| s.review.max_open_assignments = 1).await;
    let admin = app.admin().await;

    // An expert made busy by an earlier panel in another field (its three experts are all drawn).
    let busy = expert(&app, &admin, None, 90, &["marine", "new_materials"], &[]).await;
    let _m1 = expert(&app, &admin, None, 91, &["marine"], &[]).await;
    let _m2 = expert(&app, &admin, None, 92, &["marine"], &[]).await;
    let earlier = under_review(
        &app,
        &admin,
        "marine",
        3,
        &[("海洋研究所", 80, "王海", "李洋")],
    )
    .await;
    let panel = draw_ok(&app, &admin, &earlier.id, 1).await;
    assert!(ids(&panel["assignments"], "expert_id").contains(&busy.id));

    let review = under_review(
        &app,
        &admin,
        "new_materials",
        3,
        &[
            ("甲大学", 10, "陈思远", "林晓"),
            ("乙研究院", 20, "周明", "吴芳"),
        ],
    )
    .await;
    let ok1 = expert(&app, &admin, None, 1, &["new_materials"], &[]).await;
    let ok2 = expert(&app, &admin, None, 2, &["new_materials", "new_energy"], &[]).await;
    let of_issuer = expert(
        &app,
        &admin,
        Some(&review.issuer_uscc),
        3,
        &["new_materials"],
        &[],
    )
    .await;
    let of_bidder = expert(
        &app,
        &admin,
        Some(&review.bidder_usccs[0]),
        4,
        &["new_materials"],
        &[],
    )
    .await;
    // The same person as the second bid's team member (ID number 21).
    let in_team = expert(&app, &admin, None, 21, &["new_materials"], &[]).await;
    let declared = expert(
        &app,
        &admin,
        None,
        6,
        &["new_materials"],
        &[&review.bidder_usccs[1]],
    )
    .await;
    let dishonest = expert(&app, &admin, None, 7, &["new_materials"], &[]).await;
    let other_field = expert(&app, &admin, None, 8, &["biomedicine"], &[]).await;
    let resp = app
        .post(
            "/api/v1/credit/records",
            &json!({
                "subject_kind": "person", "subject_code": id_number(7), "subject_name": "专家7",
                "severity": "serious", "decided_on": "2024-01-02", "source_record_id": "R-7",
            }),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);

    // Two eligible experts for a panel of three: refused, saying how many; the checks are kept.
    let resp = draw(&app, &admin, &review.id, 7).await;
    let problem = assert_problem(resp, 409, "not_enough_experts").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("found 2") && detail.contains("3 needed"),
        "{detail}"
    );
    let kept: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM credit_checks WHERE purpose = 'panel_draw' AND result = 'block'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(kept, 1);

    let ok3 = expert(&app, &admin, None, 9, &["new_materials"], &[]).await;
    let panel = draw_ok(&app, &admin, &review.id, 7).await;
    let mut chosen = ids(&panel["assignments"], "expert_id");
    chosen.sort();
    let mut expected = vec![ok1.id.clone(), ok2.id.clone(), ok3.id.clone()];
    expected.sort();
    assert_eq!(chosen, expected);
    assert_eq!(panel["seed"], "7");
    assert_eq!(panel["order_verified"], true);

    let reasons = |who: &Expert| -> Vec<String> {
        panel["exclusions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["expert_id"] == who.id.as_str())
            .map(|e| {
                e["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(reasons(&of_issuer), vec!["issuer_org"]);
    assert_eq!(reasons(&of_bidder), vec!["bidder_org"]);
    assert_eq!(reasons(&in_team), vec!["team_member"]);
    assert_eq!(reasons(&declared), vec!["declared_conflict"]);
    assert_eq!(reasons(&dishonest), vec!["credit_block"]);
    assert_eq!(reasons(&busy), vec!["too_busy"]);
    assert_eq!(panel["exclusions"].as_array().unwrap().len(), 6);
    // Not of the field: neither a candidate nor excluded.
    let text = panel.to_string();
    assert!(!text.contains(&other_field.id));

    // The stored record reads back the same; a second draw is refused; admins only.
    let path = format!("/api/v1/challenges/{}/panel", review.id);
    let stored: Value = app
        .get(&path, Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["candidates"], panel["candidates"]);
    assert_eq!(stored["exclusions"], panel["exclusions"]);
    let resp = app.get(&path, Some(&ok1.tokens.access)).await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = draw(&app, &admin, &review.id, 8).await;
    assert_problem(resp, 409, "panel_exists").await;

    // Each drawn expert is invited by notice and mail; the draw is audited.
    assert!(
        notification_kinds(&app, &ok1.tokens.access)
            .await
            .contains(&"panel_invitation".to_string())
    );
    let audited: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'review.panel_draw'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_panel_and_the_order_can_be_verified() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut pool = Vec::new();
    for n in 1..=6 {
        pool.push(expert(&app, &admin, None, n, &["new_materials"], &[]).await);
    }
    let first = under_review(
        &app,
        &admin,
        "new_materials",
        3,
        &[("甲大学", 10, "陈思远", "林晓")],
    )
    .await;
    let second = under_review(
        &app,
        &admin,
        "new_materials",
        3,
        &[("乙大学", 20, "周明", "吴芳")],
    )
    .await;
    let a = draw_ok(&app, &admin, &first.id, 424242).await;
    let b = draw_ok(&app, &admin, &second.id, 424242).await;
    assert_eq!(
        ids(&a["candidates"], "expert_id"),
        ids(&b["candidates"], "expert_id")
    );
    assert_eq!(
        ids(&a["assignments"], "expert_id"),
        ids(&b["assignments"], "expert_id")
    );
    // Anyone with the seed and the candidates re-runs the shuffle and gets the stored order.
    let order: Vec<Uuid> = ids(&a["candidates"], "expert_id")
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let mut sorted = order.clone();
    sorted.reverse();
    assert_eq!(jiebang::reviews::draw::order(sorted, 424242), order);
    assert_eq!(
        ids(&a["assignments"], "expert_id"),
        ids(&a["candidates"], "expert_id")[..3].to_vec()
    );
    // Another seed: another order (for these six, with this seed pair).
    let third = under_review(
        &app,
        &admin,
        "new_materials",
        3,
        &[("丙大学", 30, "赵一", "钱二")],
    )
    .await;
    let c = draw_ok(&app, &admin, &third.id, 1).await;
    assert_ne!(
        ids(&c["candidates"], "expert_id"),
        ids(&a["candidates"], "expert_id")
    );
}

#[tokio::test]
async fn a_decline_needs_a_reason_and_draws_the_next_eligible_from_the_stored_order() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut pool = Vec::new();
    for n in 1..=6 {
        pool.push(expert(&app, &admin, None, n, &["new_materials"], &[]).await);
    }
    let review = under_review(
        &app,
        &admin,
        "new_materials",
        3,
        &[("甲大学", 10, "陈思远", "林晓")],
    )
    .await;
    let panel = draw_ok(&app, &admin, &review.id, 99).await;
    let order = ids(&panel["candidates"], "expert_id");
    let by_id = |id: &str| pool.iter().find(|e| e.id == id).unwrap();
    let first = by_id(&order[0]);
    let fourth = by_id(&order[3]);
    let fifth = by_id(&order[4]);
    let sixth = by_id(&order[5]);

    // The fourth declares a conflict with the bidder meanwhile: skipped.
    let resp = app
        .patch(
            "/api/v1/experts/me",
            &json!({"conflict_usccs": [review.bidder_usccs[0]]}),
            Some(&fourth.tokens.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    // The fifth moves to another field: no longer available.
    let resp = app
        .patch(
            "/api/v1/experts/me",
            &json!({"fields": ["marine"]}),
            Some(&fifth.tokens.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);

    let a = assignment_of(&app, first, &review.id).await;
    let decline = format!("/api/v1/assignments/{}/decline", a["id"].as_str().unwrap());
    let resp = app
        .post(
            &decline,
            &json!({"reason": "  "}),
            Some(&first.tokens.access),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    // Someone else's assignment: 404.
    let resp = app
        .post(
            &decline,
            &json!({"reason": "出差"}),
            Some(&fifth.tokens.access),
        )
        .await;
    assert_problem(resp, 404, "not_found").await;

    let resp = app
        .post(
            &decline,
            &json!({"reason": "评审期间出国访问"}),
            Some(&first.tokens.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["assignment"]["status"], "declined");
    assert_eq!(body["assignment"]["decline_reason"], "评审期间出国访问");
    assert_eq!(body["replacement"]["expert_id"], sixth.id.as_str());
    assert_eq!(body["replacement"]["position"], 5);
    assert!(
        notification_kinds(&app, &sixth.tokens.access)
            .await
            .contains(&"panel_invitation".to_string())
    );

    let stored: Value = app
        .get(
            &format!("/api/v1/challenges/{}/panel", review.id),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["next_position"], 6);
    let skipped = stored["exclusions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["expert_id"] == fourth.id.as_str())
        .unwrap();
    assert_eq!(skipped["stage"], "replacement");
    assert_eq!(skipped["reasons"], json!(["declared_conflict"]));
    let gone = stored["exclusions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["expert_id"] == fifth.id.as_str())
        .unwrap();
    assert_eq!(gone["reasons"], json!(["unavailable"]));
    // Declining twice is refused; with nobody left, a decline draws no one.
    let resp = app
        .post(
            &decline,
            &json!({"reason": "again"}),
            Some(&first.tokens.access),
        )
        .await;
    assert_problem(resp, 409, "invalid_assignment_state").await;
    let second = by_id(&order[1]);
    let a = assignment_of(&app, second, &review.id).await;
    let resp = app
        .post(
            &format!("/api/v1/assignments/{}/decline", a["id"].as_str().unwrap()),
            &json!({"reason": "身体原因"}),
            Some(&second.tokens.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.json::<Value>().await.unwrap()["replacement"].is_null());

    // A batch credit review of the challenge covers the experts drawn for it (the four invited,
    // declined or not) next to the bid's leader and member.
    let resp = app
        .post(
            "/api/v1/credit/reviews",
            &json!({"challenge_ids": [review.id]}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let batch: Value = resp.json().await.unwrap();
    assert_eq!(batch["totals"]["person"]["total"], 2 + 4, "{batch}");
}

#[tokio::test]
async fn blind_bids_show_no_names_and_experts_reach_only_their_own_panel() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut pool = Vec::new();
    for n in 1..=3 {
        pool.push(expert(&app, &admin, None, n, &["new_materials"], &[]).await);
    }
    let outsider = expert(&app, &admin, None, 4, &["marine"], &[]).await;
    for n in 5..=6 {
        expert(&app, &admin, None, n, &["marine"], &[]).await;
    }
    let review = under_review(
        &app,
        &admin,
        "new_materials",
        3,
        &[
            ("星辰理工大学", 10, "欧阳明哲", "司马青云"),
            ("瀚海材料研究院", 20, "诸葛文渊", "上官若水"),
        ],
    )
    .await;
    let other = under_review(
        &app,
        &admin,
        "marine",
        3,
        &[("海洋研究所", 30, "王海", "李洋")],
    )
    .await;
    draw_ok(&app, &admin, &review.id, 5).await;
    draw_ok(&app, &admin, &other.id, 5).await;
    let me = &pool[0];
    let a = assignment_of(&app, me, &review.id).await;
    let assignment = a["id"].as_str().unwrap().to_string();
    let bids_path = format!("/api/v1/assignments/{assignment}/bids");

    // Not before accepting.
    let resp = app.get(&bids_path, Some(&me.tokens.access)).await;
    assert_problem(resp, 409, "invalid_assignment_state").await;
    accept(&app, me, &review.id).await;

    let resp = app.get(&bids_path, Some(&me.tokens.access)).await;
    assert_eq!(resp.status(), StatusCode::OK);
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
    let resp = score(
        &app,
        &outsider.tokens.access,
        &assignment,
        &review.bid_ids[0],
        &sheet([30, 20, 10, 8, 8]),
    )
    .await;
    assert_problem(resp, 404, "not_found").await;
    let resp = app.get(&bids_path, Some(&admin.access)).await;
    assert_problem(resp, 403, "forbidden").await;
    // Its own assignment, but another challenge's bid: 404.
    let resp = score(
        &app,
        &me.tokens.access,
        &assignment,
        &other.bid_ids[0],
        &sheet([30, 20, 10, 8, 8]),
    )
    .await;
    assert_problem(resp, 404, "not_found").await;

    // Out of range, unknown, missing: 422 naming each.
    let mut bad = sheet([41, 20, 10, 8, 8]);
    bad["criteria"][1]["points"] = json!(-1);
    let resp = score(
        &app,
        &me.tokens.access,
        &assignment,
        &review.bid_ids[0],
        &bad,
    )
    .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec!["criteria[0].points", "criteria[1].points"]
    );
    let mut missing = sheet([30, 20, 10, 8, 8]);
    missing["criteria"].as_array_mut().unwrap().pop();
    let resp = score(
        &app,
        &me.tokens.access,
        &assignment,
        &review.bid_ids[0],
        &missing,
    )
    .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["criteria"]);

    // Scored, revised, then submit needs every bid.
    let resp = score(
        &app,
        &me.tokens.access,
        &assignment,
        &review.bid_ids[0],
        &sheet([30, 20, 10, 8, 8]),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.json::<Value>().await.unwrap()["total"], 76);
    let resp = score(
        &app,
        &me.tokens.access,
        &assignment,
        &review.bid_ids[0],
        &sheet([32, 20, 10, 8, 8]),
    )
    .await;
    assert_eq!(resp.json::<Value>().await.unwrap()["total"], 78);
    let submit = format!("/api/v1/assignments/{assignment}/submit");
    let resp = app.post(&submit, &json!({}), Some(&me.tokens.access)).await;
    let problem = assert_problem(resp, 409, "scores_incomplete").await;
    assert!(problem["detail"].as_str().unwrap().contains("1 bid"));
    let resp = score(
        &app,
        &me.tokens.access,
        &assignment,
        &review.bid_ids[1],
        &sheet([20, 20, 10, 8, 8]),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = app.post(&submit, &json!({}), Some(&me.tokens.access)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    // Final: no more changes.
    let resp = score(
        &app,
        &me.tokens.access,
        &assignment,
        &review.bid_ids[1],
        &sheet([21, 20, 10, 8, 8]),
    )
    .await;
    assert_problem(resp, 409, "invalid_assignment_state").await;
    // Each score change is audited.
    let audited: i64 = app
        .db()
        .await
        .query_one(
            "SELECT count(*) FROM audit_log WHERE action = 'review.score'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 3);
    // Nobody sees scores before the close: the ranking is refused.
    let resp = app
        .get(
            &format!("/api/v1/challenges/{}/ranking", review.id),
            Some(&admin.access),
        )
        .await;
    assert_problem(resp, 409, "review_not_closed").await;
}

#[tokio::test]
async fn closing_ranks_with_ties_flags_divergence_reminds_and_pays_fees() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut pool = Vec::new();
    for n in 1..=3 {
        pool.push(expert(&app, &admin, None, n, &["new_materials"], &[]).await);
    }
    let review = under_review(
        &app,
        &admin,
        "new_materials",
        3,
        &[
            ("甲大学", 10, "陈思远", "林晓"),
            ("乙研究院", 20, "周明", "吴芳"),
        ],
    )
    .await;
    draw_ok(&app, &admin, &review.id, 3).await;
    let close = format!("/api/v1/challenges/{}/review/close", review.id);

    // Totals: bid A 90, 60, 62 (mean 70.67; 90 is 29 above the others' 61); bid B 70, 71, 71.
    let sheets = [
        ([36, 23, 13, 9, 9], [28, 18, 10, 7, 7]),
        ([24, 15, 9, 6, 6], [28, 18, 11, 7, 7]),
        ([24, 16, 10, 6, 6], [28, 18, 11, 7, 7]),
    ];
    let mut assignments = Vec::new();
    for (expert, (a, b)) in pool.iter().zip(sheets) {
        let id = accept(&app, expert, &review.id).await;
        for (bid, points) in [(&review.bid_ids[0], a), (&review.bid_ids[1], b)] {
            let resp = score(&app, &expert.tokens.access, &id, bid, &sheet(points)).await;
            assert_eq!(resp.status(), StatusCode::OK);
        }
        assignments.push(id);
    }

    // The reminder goes out a day before the deadline, to those who have not submitted.
    let submit = |i: usize| format!("/api/v1/assignments/{}/submit", assignments[i]);
    let resp = app
        .post(&submit(0), &json!({}), Some(&pool[0].tokens.access))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    app.state
        .clock
        .advance(Duration::days(6) + Duration::hours(1));
    app.run_jobs().await;
    assert!(
        !notification_kinds(&app, &pool[0].tokens.access)
            .await
            .contains(&"review_reminder".to_string())
    );
    assert!(
        notification_kinds(&app, &pool[1].tokens.access)
            .await
            .contains(&"review_reminder".to_string())
    );

    // Not before everyone has submitted (the deadline has not passed).
    let resp = app.post(&close, &json!({}), Some(&admin.access)).await;
    let problem = assert_problem(resp, 409, "review_not_ready").await;
    assert!(problem["detail"].as_str().unwrap().contains("1 submitted"));
    for (i, expert) in pool.iter().enumerate().skip(1) {
        let resp = app
            .post(&submit(i), &json!({}), Some(&expert.tokens.access))
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let resp = app
        .post(&close, &json!({}), Some(&review.issuer.access))
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app.post(&close, &json!({}), Some(&admin.access)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let ranking: Value = resp.json().await.unwrap();
    let items = ranking["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    // A tie: both 70.67, both first.
    assert_eq!(items[0]["rank"], 1);
    assert_eq!(items[1]["rank"], 1);
    assert_eq!(items[0]["score"], 70.67);
    assert_eq!(items[1]["score"], 70.67);
    // (Codes are given at the opening in an order unrelated to creation: find the bids by id.)
    let a = items
        .iter()
        .find(|i| i["bid_id"] == review.bid_ids[0].as_str())
        .unwrap();
    let b = items
        .iter()
        .find(|i| i["bid_id"] == review.bid_ids[1].as_str())
        .unwrap();
    assert_eq!(a["flagged"], true);
    // In panel order; the 90 (the first expert's) is the one flagged.
    for t in a["expert_totals"].as_array().unwrap() {
        let is_90 = t["total"] == 90;
        assert_eq!(t["divergent"], is_90, "{t}");
        assert_eq!(t["expert_id"] == pool[0].id.as_str(), is_90, "{t}");
        assert_eq!(t["dropped"], false);
    }
    assert_eq!(b["flagged"], false);
    assert_eq!(a["criterion_means"][0]["name"], "技术方案");
    assert_eq!(a["criterion_means"][0]["mean"], 28.0);
    let resp = app.post(&close, &json!({}), Some(&admin.access)).await;
    assert_problem(resp, 409, "review_closed").await;

    // The issuer sees it without the experts' identities; another issuer does not see it.
    let path = format!("/api/v1/challenges/{}/ranking", review.id);
    let resp = app.get(&path, Some(&review.issuer.access)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().await.unwrap();
    for e in &pool {
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
    let stored: Value = app
        .get(&path, Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stored["items"], ranking["items"]);

    // Fees: 1 000 元 per review + 200 元 per bid, for each of the three.
    let page: Value = app
        .get("/api/v1/fees", Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 3);
    assert_eq!(page["total_amount_fen"], 3 * (100_000 + 2 * 20_000));
    let own: Value = app
        .get("/api/v1/fees", Some(&pool[1].tokens.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["total"], 1);
    assert_eq!(own["total_amount_fen"], 140_000);
    assert_eq!(own["items"][0]["expert_id"], pool[1].id.as_str());
    assert_eq!(own["items"][0]["bids_reviewed"], 2);
    let resp = app
        .get("/api/v1/fees?format=csv", Some(&admin.access))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = resp.text().await.unwrap();
    assert_eq!(csv.lines().count(), 1 + 3 + 1, "{csv}");
    assert!(csv.lines().last().unwrap().contains("420000"), "{csv}");
    let resp = app.get("/api/v1/fees", Some(&review.issuer.access)).await;
    assert_problem(resp, 403, "forbidden").await;
}

#[tokio::test]
async fn the_pool_is_kept_by_admins_and_experts_edit_their_own_profile() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let e = expert(&app, &admin, None, 1, &["new_materials"], &[]).await;
    let page: Value = app
        .get("/api/v1/experts", Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    let listed = &page["items"][0];
    assert_eq!(listed["user_id"], e.id.as_str());
    assert_eq!(listed["fields"], json!(["new_materials"]));
    assert!(!listed.to_string().contains(&id_number(1)));
    assert_eq!(listed["id_number_masked"].as_str().unwrap().len(), 18);
    let resp = app.get("/api/v1/experts", Some(&e.tokens.access)).await;
    assert_problem(resp, 403, "forbidden").await;

    // The same account twice: 409; a solver account: 422; a bad ID number: 422.
    let resp = app
        .post(
            "/api/v1/experts",
            &json!({"user_id": e.id, "id_number": id_number(2), "fields": ["marine"]}),
            Some(&admin.access),
        )
        .await;
    assert_problem(resp, 409, "expert_exists").await;
    let solver = app.solver().await;
    let resp = app
        .post(
            "/api/v1/experts",
            &json!({"user_id": solver.user_id, "id_number": id_number(3), "fields": ["marine"]}),
            Some(&admin.access),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["user_id"]);

    let resp = app
        .patch(
            "/api/v1/experts/me",
            &json!({"fields": ["marine", "new_energy"], "conflict_usccs": ["91350200776049653B"]}),
            Some(&e.tokens.access),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["conflict_usccs[0]"]);
    let uscc = new_uscc();
    let resp = app
        .patch(
            "/api/v1/experts/me",
            &json!({"fields": ["marine", "new_energy"], "title": "研究员", "conflict_usccs": [uscc]}),
            Some(&e.tokens.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["fields"], json!(["marine", "new_energy"]));
    assert_eq!(body["title"], "研究员");
    assert_eq!(body["conflict_usccs"], json!([uscc]));
    // Admins edit any expert's profile; experts only their own (403 on another's).
    let expert_path = format!("/api/v1/experts/{}", body["user_id"].as_str().unwrap());
    let resp = app
        .patch(
            &expert_path,
            &json!({"title": "正高级工程师"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let edited: Value = resp.json().await.unwrap();
    assert_eq!(edited["title"], "正高级工程师");
    assert_eq!(edited["fields"], json!(["marine", "new_energy"]));
    let resp = app
        .patch(&expert_path, &json!({"title": "x"}), Some(&e.tokens.access))
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .patch(
            &format!("/api/v1/experts/{}", Uuid::now_v7()),
            &json!({"title": "x"}),
            Some(&admin.access),
        )
        .await;
    assert_problem(resp, 404, "not_found").await;
    let resp = app
        .patch(
            "/api/v1/experts/me",
            &json!({"salary": 1}),
            Some(&e.tokens.access),
        )
        .await;
    assert_eq!(resp.status(), 422);
    let resp = app
        .patch(
            "/api/v1/experts/me",
            &json!({"title": "x"}),
            Some(&admin.access),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
}

#[tokio::test]
async fn after_the_deadline_three_submitted_reviews_are_enough_to_close() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mut pool = Vec::new();
    for n in 1..=4 {
        pool.push(expert(&app, &admin, None, n, &["new_materials"], &[]).await);
    }
    let review = under_review(
        &app,
        &admin,
        "new_materials",
        4,
        &[("甲大学", 10, "陈思远", "林晓")],
    )
    .await;
    draw_ok(&app, &admin, &review.id, 11).await;
    let close = format!("/api/v1/challenges/{}/review/close", review.id);
    // Totals 80, 70, 75 submitted; the fourth accepts, scores 20 and never submits.
    for (expert, points) in pool.iter().zip([
        [32, 20, 12, 8, 8],
        [28, 18, 10, 7, 7],
        [30, 19, 11, 8, 7],
        [8, 5, 3, 2, 2],
    ]) {
        let id = accept(&app, expert, &review.id).await;
        let resp = score(
            &app,
            &expert.tokens.access,
            &id,
            &review.bid_ids[0],
            &sheet(points),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::OK);
        if points[4] != 2 {
            let resp = app
                .post(
                    &format!("/api/v1/assignments/{id}/submit"),
                    &json!({}),
                    Some(&expert.tokens.access),
                )
                .await;
            assert_eq!(resp.status(), StatusCode::OK);
        }
    }
    let resp = app.post(&close, &json!({}), Some(&admin.access)).await;
    assert_problem(resp, 409, "review_not_ready").await;
    app.state.clock.advance(Duration::days(8));
    let resp = app.post(&close, &json!({}), Some(&admin.access)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let ranking: Value = resp.json().await.unwrap();
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
    let page: Value = app
        .get("/api/v1/fees", Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 3);
    assert_eq!(page["total_amount_fen"], 3 * (100_000 + 20_000));
    let last = assignment_of(&app, &pool[3], &review.id).await;
    let resp = app
        .post(
            &format!(
                "/api/v1/assignments/{}/submit",
                last["id"].as_str().unwrap()
            ),
            &json!({}),
            Some(&pool[3].tokens.access),
        )
        .await;
    assert_problem(resp, 409, "review_closed").await;
}

#[tokio::test]
async fn concurrent_draws_make_exactly_one_panel() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for n in 1..=4 {
        expert(&app, &admin, None, n, &["new_materials"], &[]).await;
    }
    let review = under_review(
        &app,
        &admin,
        "new_materials",
        3,
        &[("甲大学", 10, "陈思远", "林晓")],
    )
    .await;
    let (a, b) = tokio::join!(
        draw(&app, &admin, &review.id, 1),
        draw(&app, &admin, &review.id, 2)
    );
    let mut statuses = vec![a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, vec![201, 409]);
    let invited: i64 = app
        .db()
        .await
        .query_one("SELECT count(*) FROM assignments", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(invited, 3);
}

#[tokio::test]
async fn outside_tests_a_draw_cannot_choose_its_seed() {
    let app = TestApp::spawn_with(|s| s.review.allow_chosen_seed = false).await;
    let admin = app.admin().await;
    let deadline = app.state.clock.now() + Duration::days(7);
    let path = format!("/api/v1/challenges/{}/panel/draw", Uuid::now_v7());
    let resp = app
        .post(
            &path,
            &json!({"seed": 42, "review_deadline": rfc3339(deadline)}),
            Some(&admin.access),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["seed"]);
    // Without a seed the request goes on (to the missing challenge).
    let resp = app
        .post(
            &path,
            &json!({"review_deadline": rfc3339(deadline)}),
            Some(&admin.access),
        )
        .await;
    assert_problem(resp, 404, "not_found").await;
}
