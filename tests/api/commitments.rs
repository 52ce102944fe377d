//! Commitments (承诺书) through HTTP: the current version (the repository's text until an admin
//! publishes another), publishing, and signing on accepting a seat on a review or acceptance
//! panel: refused without a commitment or with an outdated one, stored with the version, hash,
//! time and address, shown in the panel's record and the audit log. Also the expert client's
//! reads: the seat lists with field, rubric, progress, KPIs; the expert's own profile; the
//! draft scores kept across reloads.

use chrono::Duration;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, assert_problem, assert_status, id_of, ids, rfc3339};
use crate::scenario::{ACCEPTANCE, REVIEW, Scenario, accept, assignment_of, score, sheet, signing};

const REVIEW_COMMITMENT: &str = "/api/v1/commitments/expert_review";
const ACCEPTANCE_COMMITMENT: &str = "/api/v1/commitments/expert_acceptance";

/// The documented hash: SHA-256 of the zh-CN text, one NUL byte, the English text.
fn expected_hash(version: &Value) -> String {
    let mut digest = Sha256::new();
    digest.update(version["text_zh"].as_str().unwrap().as_bytes());
    digest.update([0u8]);
    digest.update(version["text_en"].as_str().unwrap().as_bytes());
    digest
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn signed(version: &Value) -> Value {
    json!({"commitment": {"version": version["version"], "sha256": version["sha256"]}})
}

#[tokio::test]
async fn the_repository_text_is_version_1_until_an_admin_publishes_another() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let solver = app.solver().await;

    assert_problem(
        app.get(REVIEW_COMMITMENT, None).await,
        401,
        "unauthenticated",
    )
    .await;
    let first = app.get_ok(REVIEW_COMMITMENT, Some(&solver.access)).await;
    assert_eq!(first["kind"], "expert_review");
    assert_eq!(first["version"], 1);
    assert_eq!(first["published_by"], Value::Null);
    assert!(
        first["text_zh"].as_str().unwrap().contains("保密"),
        "{first}"
    );
    assert!(
        first["text_zh"].as_str().unwrap().contains("回避"),
        "{first}"
    );
    assert!(
        first["text_en"]
            .as_str()
            .unwrap()
            .contains("conflict of interest"),
        "{first}"
    );
    assert_eq!(first["sha256"], expected_hash(&first));
    // Read again: the same stored version, not a second one.
    let again = app.get_ok(REVIEW_COMMITMENT, Some(&admin.access)).await;
    assert_eq!(again["sha256"], first["sha256"]);
    assert_eq!(again["published_at"], first["published_at"]);
    let acceptance = app
        .get_ok(ACCEPTANCE_COMMITMENT, Some(&solver.access))
        .await;
    assert_eq!(acceptance["version"], 1);
    assert_ne!(acceptance["sha256"], first["sha256"]);
    assert_problem(
        app.get("/api/v1/commitments/bid_integrity", Some(&solver.access))
            .await,
        404,
        "not_found",
    )
    .await;

    let text = json!({"text_zh": "  评审专家保密及回避承诺书（2027 年修订）\r\n\r\n本人承诺……  ", "text_en": "Commitment (2027 revision)\n\nI commit …"});
    let resp = app
        .put(REVIEW_COMMITMENT, &text, Some(&solver.access))
        .await;
    assert_problem(resp, 403, "forbidden").await;
    for bad in [
        json!({"text_zh": "", "text_en": "x"}),
        json!({"text_zh": "   ", "text_en": "x"}),
        json!({"text_zh": "x".repeat(20_001), "text_en": "x"}),
        json!({"text_zh": "本人承诺\u{0007}", "text_en": "x"}),
        json!({"text_zh": "本人承诺"}),
    ] {
        let resp = app.put(REVIEW_COMMITMENT, &bad, Some(&admin.access)).await;
        assert_problem(resp, 422, "validation_failed").await;
    }
    let second = assert_status(
        app.put(REVIEW_COMMITMENT, &text, Some(&admin.access)).await,
        200,
    )
    .await;
    assert_eq!(second["version"], 2);
    assert_eq!(second["published_by"], admin.user_id);
    assert_eq!(
        second["text_zh"],
        "评审专家保密及回避承诺书（2027 年修订）\n\n本人承诺……"
    );
    assert_eq!(second["sha256"], expected_hash(&second));
    let current = app.get_ok(REVIEW_COMMITMENT, Some(&solver.access)).await;
    assert_eq!(current["version"], 2);
    assert_eq!(current["sha256"], second["sha256"]);
    // The same texts again are no new version; the other kind is untouched.
    let resp = app.put(REVIEW_COMMITMENT, &text, Some(&admin.access)).await;
    assert_problem(resp, 409, "commitment_unchanged").await;
    let acceptance = app
        .get_ok(ACCEPTANCE_COMMITMENT, Some(&solver.access))
        .await;
    assert_eq!(acceptance["version"], 1);
    assert_eq!(app.audited("commitment.publish").await, 1);
}

/// A challenge under review with two bids and its panel drawn.
async fn drawn(app: &TestApp) -> Scenario<'_> {
    let s = app
        .scenario()
        .with_experts(901..=903)
        .with_bids(2)
        .under_review()
        .build()
        .await;
    s.draw_ok(7).await;
    s
}

#[tokio::test]
async fn accepting_a_review_seat_signs_the_current_commitment() {
    let app = TestApp::spawn().await;
    let s = drawn(&app).await;
    let me = &s.experts[0];
    let token = me.tokens.access.as_str();
    let seat = assignment_of(&app, REVIEW, me, &s.challenge_id)
        .await
        .unwrap();
    let id = id_of(&seat);
    let path = format!("{REVIEW}/{id}/accept");

    // The invitation as the expert client lists it.
    assert_eq!(seat["status"], "invited");
    assert_eq!(seat["field"], "new_materials");
    assert_eq!(seat["commitment"], Value::Null);
    assert_eq!(
        seat["progress"],
        json!({"bids_to_score": 2, "bids_scored": 0})
    );
    let rubric = seat["rubric"].as_array().unwrap();
    assert_eq!(rubric.len(), 5);
    assert_eq!(rubric[0]["name"], "技术方案");
    assert_eq!(rubric[0]["max_points"], 40);
    assert!(
        rubric[0]["guidance"]
            .as_str()
            .is_some_and(|g| !g.is_empty()),
        "{seat}"
    );

    // No body, an empty body, no commitment: refused, nothing changes.
    let resp = app
        .request(reqwest::Method::POST, &path, Some(token))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 422, "commitment_required").await;
    for body in [json!({}), json!({"commitment": null})] {
        assert_problem(
            app.post(&path, &body, Some(token)).await,
            422,
            "commitment_required",
        )
        .await;
    }
    let malformed = json!({"commitment": {"version": 1, "sha256": "abc"}});
    assert_problem(
        app.post(&path, &malformed, Some(token)).await,
        422,
        "validation_failed",
    )
    .await;

    // Signed version 1, but the admin has published version 2 since: outdated.
    let v1 = app.get_ok(REVIEW_COMMITMENT, Some(token)).await;
    let text = json!({"text_zh": "本人承诺保密、回避、独立公正评审（第二版）。", "text_en": "I commit to confidentiality, no conflict of interest and fair scoring (version 2)."});
    let v2 = assert_status(
        app.put(REVIEW_COMMITMENT, &text, Some(&s.admin.access))
            .await,
        200,
    )
    .await;
    let body = assert_problem(
        app.post(&path, &signed(&v1), Some(token)).await,
        409,
        "commitment_outdated",
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains('2'), "{body}");
    // The version of the other kind is not this one.
    let other = app.get_ok(ACCEPTANCE_COMMITMENT, Some(token)).await;
    let wrong = json!({"commitment": {"version": 2, "sha256": other["sha256"]}});
    assert_problem(
        app.post(&path, &wrong, Some(token)).await,
        409,
        "commitment_outdated",
    )
    .await;
    let still = assignment_of(&app, REVIEW, me, &s.challenge_id)
        .await
        .unwrap();
    assert_eq!(still["status"], "invited");
    assert_eq!(app.audited("commitment.sign").await, 0);

    // The current version: accepted and signed.
    let accepted = app.post_ok(&path, &signed(&v2), Some(token)).await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["commitment"]["kind"], "expert_review");
    assert_eq!(accepted["commitment"]["version"], 2);
    assert_eq!(accepted["commitment"]["sha256"], v2["sha256"]);
    assert!(accepted["commitment"]["signed_at"].is_string());
    assert!(
        accepted["commitment"].get("client_addr").is_none(),
        "{accepted}"
    );
    assert_eq!(app.audited("commitment.sign").await, 1);
    let audit = app
        .get_ok(
            "/api/v1/audit?action=commitment.sign",
            Some(&s.admin.access),
        )
        .await;
    let entry = &audit["items"][0];
    assert_eq!(entry["actor_id"], me.id);
    assert_eq!(entry["summary"]["version"], 2);
    assert_eq!(entry["summary"]["sha256"], v2["sha256"]);
    assert_eq!(entry["summary"]["signed"]["id"], id);
    // Twice is not possible: the seat is accepted.
    assert_problem(
        app.post(&path, &signed(&v2), Some(token)).await,
        409,
        "invalid_assignment_state",
    )
    .await;

    // The panel's record shows who signed what, with the address, to admins.
    let panel = app.get_ok(&s.path("/panel"), Some(&s.admin.access)).await;
    let seats = panel["assignments"].as_array().unwrap();
    let mine = seats.iter().find(|a| a["id"] == id.as_str()).unwrap();
    assert_eq!(mine["commitment"]["version"], 2);
    assert_eq!(mine["commitment"]["sha256"], v2["sha256"]);
    assert_eq!(mine["commitment"]["client_addr"], "127.0.0.1");
    let others: Vec<&Value> = seats.iter().filter(|a| a["id"] != id.as_str()).collect();
    assert!(others.iter().all(|a| a["commitment"].is_null()), "{panel}");
    assert_eq!(
        app.count("SELECT count(*) FROM commitment_signatures WHERE client_addr = '127.0.0.1'")
            .await,
        1
    );
}

#[tokio::test]
async fn drafts_are_kept_and_counted_until_the_seat_submits() {
    let app = TestApp::spawn().await;
    let s = drawn(&app).await;
    let me = &s.experts[0];
    let token = me.tokens.access.as_str();
    let id = accept(&app, REVIEW, me, &s.challenge_id).await;
    let bids_path = format!("{REVIEW}/{id}/bids");
    let bids = app.get_ok(&bids_path, Some(token)).await;
    let first = bids["items"][0]["id"].as_str().unwrap().to_owned();
    assert!(bids["items"][0]["my_score"].is_null());
    assert!(bids["rubric"][0]["guidance"].is_string(), "{bids}");

    assert_status(
        score(&app, token, &id, &first, &sheet([30, 20, 10, 8, 8])).await,
        200,
    )
    .await;
    let seat = assignment_of(&app, REVIEW, me, &s.challenge_id)
        .await
        .unwrap();
    assert_eq!(
        seat["progress"],
        json!({"bids_to_score": 2, "bids_scored": 1})
    );
    // A reload finds the draft; it can be saved again, and the reload finds the new one.
    let bids = app.get_ok(&bids_path, Some(token)).await;
    let draft = &bids["items"][0]["my_score"];
    assert_eq!(draft["total"], 76);
    assert_eq!(draft["criteria"][0]["points"], 30);
    assert_status(
        score(&app, token, &id, &first, &sheet([35, 20, 10, 8, 8])).await,
        200,
    )
    .await;
    let bids = app.get_ok(&bids_path, Some(token)).await;
    assert_eq!(bids["items"][0]["my_score"]["total"], 81);
    assert!(bids["items"][1]["my_score"].is_null());
    let seat = assignment_of(&app, REVIEW, me, &s.challenge_id)
        .await
        .unwrap();
    assert_eq!(seat["progress"]["bids_scored"], 1);
    assert!(seat["submitted_at"].is_null());
}

#[tokio::test]
async fn accepting_an_acceptance_seat_signs_the_acceptance_commitment() {
    let app = TestApp::spawn().await;
    let s = app
        .scenario()
        .with_bids(2)
        .ready_for_acceptance()
        .build()
        .await;
    let deadline = app.state.clock.now() + Duration::days(10);
    let body = json!({"review_deadline": rfc3339(deadline), "seed": 3});
    let panel = app
        .post_created(&s.path("/acceptance"), &body, Some(&s.admin.access))
        .await;
    let first = ids(&panel["experts"], "expert_id")[0].clone();
    let me = s.experts.iter().find(|e| e.id == first).unwrap();
    let token = me.tokens.access.as_str();
    let seat = assignment_of(&app, ACCEPTANCE, me, &s.challenge_id)
        .await
        .unwrap();
    assert_eq!(seat["field"], "new_materials");
    assert_eq!(seat["kpis"][0]["name"], "拉伸强度");
    assert_eq!(seat["verdict_saved"], false);
    assert!(seat["commitment"].is_null());
    assert!(
        seat.get("rubric").is_none() && seat.get("progress").is_none(),
        "{seat}"
    );
    let id = id_of(&seat);
    let path = format!("{ACCEPTANCE}/{id}/accept");
    // The review's panel signed theirs on the way here.
    let signed_before = app.audited("commitment.sign").await;

    assert_problem(
        app.post(&path, &json!({}), Some(token)).await,
        422,
        "commitment_required",
    )
    .await;
    // The review's commitment is not the acceptance's.
    let review = signing(&app, REVIEW, token).await;
    assert_problem(
        app.post(&path, &review, Some(token)).await,
        409,
        "commitment_outdated",
    )
    .await;
    let current = app.get_ok(ACCEPTANCE_COMMITMENT, Some(token)).await;
    let accepted = app.post_ok(&path, &signed(&current), Some(token)).await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["commitment"]["kind"], "expert_acceptance");
    assert_eq!(accepted["commitment"]["sha256"], current["sha256"]);
    assert!(accepted["commitment"].get("client_addr").is_none());

    let view = app
        .get_ok(&s.path("/acceptance"), Some(&s.admin.access))
        .await;
    let mine = view["experts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id.as_str())
        .unwrap();
    assert_eq!(mine["commitment"]["version"], 1);
    assert_eq!(mine["commitment"]["client_addr"], "127.0.0.1");
    assert_eq!(app.audited("commitment.sign").await, signed_before + 1);
    // The expert's own read of the acceptance shows no seats.
    let own = app.get_ok(&s.path("/acceptance"), Some(token)).await;
    assert!(own.get("experts").is_none());
}

#[tokio::test]
async fn an_expert_reads_their_own_profile() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let expert = app.expert(&admin, 40).fields(&["marine"]).create().await;
    let me = app
        .get_ok("/api/v1/experts/me", Some(&expert.tokens.access))
        .await;
    assert_eq!(me["user_id"], expert.id);
    assert_eq!(me["fields"], json!(["marine"]));
    let resp = app.get("/api/v1/experts/me", Some(&admin.access)).await;
    assert_problem(resp, 403, "forbidden").await;
}
