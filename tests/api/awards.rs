//! Award, public notice and objections (SPEC §6), through HTTP with the clock driven here.

use chrono::{DateTime, Duration, Utc};
use jiebang::jobs::BackgroundJob;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    PASSWORD, TestApp, Tokens, assert_problem, error_fields, new_uscc, notification_kinds,
};
use crate::scenario::{Ranked, id_number, maintain_calendar, ranked};

const REASON: &str = "排名第一的方案团队负责人已调离，经专家组复议改选排名第二的方案。";

async fn two_ranked(app: &TestApp, admin: &Tokens) -> Ranked {
    ranked(
        app,
        admin,
        &[
            ("甲大学", 10, "陈思远", "林晓"),
            ("乙研究院", 20, "周明", "吴芳"),
        ],
    )
    .await
}

/// [`two_ranked`], with the calendars a notice needs.
async fn two_ranked_with_calendar(app: &TestApp, admin: &Tokens) -> Ranked {
    let ranked = two_ranked(app, admin).await;
    maintain_calendar(app, admin).await;
    ranked
}

async fn propose(app: &TestApp, admin: &Tokens, challenge: &str, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/challenges/{challenge}/award"),
        &body,
        Some(&admin.access),
    )
    .await
}

async fn propose_ok(app: &TestApp, admin: &Tokens, challenge: &str, body: Value) -> Value {
    let resp = propose(app, admin, challenge, body).await;
    assert_eq!(
        resp.status(),
        StatusCode::CREATED,
        "{:?}",
        resp.text().await
    );
    resp.json().await.unwrap()
}

async fn get_json(app: &TestApp, path: &str, token: Option<&str>) -> Value {
    let resp = app.get(path, token).await;
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.json().await.unwrap()
}

async fn challenge_status(app: &TestApp, id: &str) -> String {
    get_json(app, &format!("/api/v1/challenges/{id}"), None).await["status"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn bid_status(app: &TestApp, bid: &str, admin: &Tokens) -> String {
    get_json(app, &format!("/api/v1/bids/{bid}"), Some(&admin.access)).await["status"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Moves the clock just past the end of the notice.
fn past(app: &TestApp, award: &Value) {
    let ends_at: DateTime<Utc> = award["ends_at"].as_str().unwrap().parse().unwrap();
    let now = app.state.clock.now();
    if ends_at > now {
        app.state
            .clock
            .advance(ends_at - now + Duration::minutes(1));
    }
}

/// A solver account whose (real) name is `name`.
async fn person(app: &TestApp, name: &str) -> Tokens {
    let email = format!("person-{}@example.com", Uuid::new_v4().simple());
    let resp = app
        .post(
            "/api/v1/auth/register",
            &json!({
                "email": email, "password": PASSWORD, "display_name": name, "role": "solver",
                "organization": {"name": format!("{name}的单位"), "uscc": new_uscc(), "kind": "enterprise"},
            }),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    app.login_ok(&email).await
}

async fn object(
    app: &TestApp,
    challenge: &str,
    token: Option<&str>,
    reason: &str,
) -> reqwest::Response {
    app.post(
        &format!("/api/v1/challenges/{challenge}/objections"),
        &json!({"reason": reason, "contact": "13800000000"}),
        token,
    )
    .await
}

async fn awards_of(app: &TestApp, admin: &Tokens, challenge: &str) -> Vec<Value> {
    get_json(
        app,
        &format!("/api/v1/challenges/{challenge}/awards"),
        Some(&admin.access),
    )
    .await["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn the_whole_path_from_ranking_to_a_confirmed_award() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = two_ranked_with_calendar(&app, &admin).await;
    let review = &ranked.review;
    let id = review.id.as_str();

    // Only admins propose.
    let resp = app
        .post(
            &format!("/api/v1/challenges/{id}/award"),
            &json!({"bid_id": review.bid_ids[0]}),
            Some(&review.solvers[0].access),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;

    let proposed_on = jiebang::awards::calendar::beijing_date(app.state.clock.now());
    let award = propose_ok(&app, &admin, id, json!({"bid_id": review.bid_ids[0]})).await;
    assert_eq!(award["calendar_maintained"], true);
    assert_eq!(award["status"], "publicity");
    assert_eq!(award["bid_id"], review.bid_ids[0].as_str());
    assert_eq!(award["organization_name"], "甲大学");
    assert_eq!(award["amount_fen"], 250_000_000);
    assert_eq!(award["rank"], 1);
    assert_eq!(award["top_ranked"], true);
    assert_eq!(award["reason"], Value::Null);
    assert_eq!(award["working_days"], 5);
    assert_eq!(
        award["starts_on"],
        (proposed_on + Duration::days(1)).to_string()
    );
    // The organisation, the leader and the member were checked again.
    assert_eq!(award["proposal_check_ids"].as_array().unwrap().len(), 3);
    assert_eq!(challenge_status(&app, id).await, "publicity");

    // A second proposal: the state is named.
    let resp = propose(&app, &admin, id, json!({"bid_id": review.bid_ids[0]})).await;
    let problem = assert_problem(resp, 409, "invalid_transition").await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("publicity"),
        "{problem}"
    );

    // Everyone concerned is told.
    for tokens in [&review.solvers[0], &review.solvers[1], &review.issuer] {
        let kinds = notification_kinds(&app, &tokens.access).await;
        assert!(kinds.contains(&"award_proposed".to_string()), "{kinds:?}");
    }

    // The notice, anonymously, in JSON: no person's data.
    let resp = app.get("/api/v1/notices", None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let text = resp.text().await.unwrap();
    let notices: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(notices["total"], 1);
    let notice = &notices["items"][0];
    assert_eq!(notice["challenge_id"], id);
    assert_eq!(notice["challenge_title"], "高性能碳纤维复合材料");
    assert_eq!(notice["organization_name"], "甲大学");
    assert_eq!(notice["amount_fen"], 250_000_000);
    assert_eq!(notice["status"], "publicity");
    assert_eq!(notice["open"], true);
    assert_eq!(notice["ends_at"], award["ends_at"]);
    assert_eq!(notice["ends_on"], award["ends_on"]);
    assert_eq!(notice["objection_count"], 0);
    for secret in ["陈思远", "林晓", "********", &id_number(10)] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }

    // And as an Atom feed with absolute links.
    let resp = app.get("/api/v1/notices/feed", None).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed = resp.text().await.unwrap();
    let base = app
        .state
        .settings
        .mail
        .public_url
        .trim_end_matches('/')
        .to_string();
    assert!(feed.contains("<feed"), "{feed}");
    assert!(feed.contains("http://www.w3.org/2005/Atom"), "{feed}");
    assert!(feed.contains(&format!("urn:uuid:{}", award["id"].as_str().unwrap())));
    assert!(feed.contains("高性能碳纤维复合材料"));
    assert!(feed.contains("甲大学"));
    assert!(
        feed.contains(&format!("{base}/api/v1/notices/feed")),
        "{feed}"
    );
    assert!(
        feed.contains(&format!("{base}/api/v1/challenges/{id}")),
        "{feed}"
    );
    assert!(!feed.contains("陈思远"));

    // Before the end nothing is confirmed.
    let ends_at: DateTime<Utc> = award["ends_at"].as_str().unwrap().parse().unwrap();
    app.state
        .clock
        .advance(ends_at - app.state.clock.now() - Duration::hours(1));
    app.run_jobs().await;
    assert_eq!(challenge_status(&app, id).await, "publicity");

    // After it, with no objection, the job confirms.
    past(&app, &award);
    app.run_jobs().await;
    let challenge = get_json(&app, &format!("/api/v1/challenges/{id}"), None).await;
    assert_eq!(challenge["status"], "awarded");
    assert!(challenge["awarded_at"].is_string());
    assert_eq!(
        bid_status(&app, &review.bid_ids[0], &admin).await,
        "awarded"
    );
    assert_eq!(
        bid_status(&app, &review.bid_ids[1], &admin).await,
        "not_selected"
    );
    let awards = awards_of(&app, &admin, id).await;
    assert_eq!(awards.len(), 1);
    assert_eq!(awards[0]["status"], "confirmed");
    assert!(awards[0]["confirmed_at"].is_string());
    assert_eq!(awards[0]["confirm_check_ids"].as_array().unwrap().len(), 3);
    for tokens in [
        &review.solvers[0],
        &review.solvers[1],
        &review.issuer,
        &admin,
    ] {
        let kinds = notification_kinds(&app, &tokens.access).await;
        assert!(kinds.contains(&"award_confirmed".to_string()), "{kinds:?}");
    }
    let notices = get_json(&app, "/api/v1/notices?status=confirmed", None).await;
    assert_eq!(notices["total"], 1);
    assert_eq!(notices["items"][0]["open"], false);
    let none = get_json(&app, "/api/v1/notices?status=publicity", None).await;
    assert_eq!(none["total"], 0);

    // A late objection is refused.
    let late = person(&app, "迟到者").await;
    let resp = object(
        &app,
        id,
        Some(&late.access),
        "公示期已过，但仍有意见需要反映。",
    )
    .await;
    assert_problem(resp, 409, "notice_closed").await;

    // A re-run of the job changes nothing and tells nobody again.
    let before = notification_kinds(&app, &admin.access).await.len();
    jiebang::awards::confirm::ConfirmAward {
        award_id: award["id"].as_str().unwrap().parse().unwrap(),
        after_objection: None,
    }
    .perform(&app.state)
    .await
    .unwrap();
    assert_eq!(notification_kinds(&app, &admin.access).await.len(), before);
    assert_eq!(challenge_status(&app, id).await, "awarded");
    let db = app.db().await;
    let awarded: i64 = db
        .query_one(
            "SELECT count(*) FROM bids WHERE challenge_id = $1::text::uuid AND status = 'awarded'",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(awarded, 1);
}

#[tokio::test]
async fn an_upheld_objection_withdraws_the_award_and_another_bid_may_be_proposed_with_a_reason() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = two_ranked_with_calendar(&app, &admin).await;
    let review = &ranked.review;
    let id = review.id.as_str();
    propose_ok(&app, &admin, id, json!({"bid_id": review.bid_ids[0]})).await;

    // Anonymous and too short: refused.
    let resp = object(&app, id, None, "匿名异议：该单位资质存疑，请核查。").await;
    assert_problem(resp, 401, "unauthenticated").await;
    let objector = person(&app, "异议人王五").await;
    let resp = object(&app, id, Some(&objector.access), "太短").await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);

    let resp = object(
        &app,
        id,
        Some(&objector.access),
        "拟挂帅单位的项目负责人同时承担另一同类项目，精力难以保证。",
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let filed: Value = resp.json().await.unwrap();
    assert_eq!(filed["status"], "pending");
    assert!(filed.get("objector").is_none(), "{filed}");
    // One pending objection per person: a second waits for the first to be decided.
    let resp = object(
        &app,
        id,
        Some(&objector.access),
        "补充：该负责人另有两个在研项目，精力分散。",
    )
    .await;
    assert_problem(resp, 409, "objection_pending").await;
    let second = person(&app, "异议人赵六").await;
    let resp = object(
        &app,
        id,
        Some(&second.access),
        "该单位近三年同类项目验收记录不完整，请予核实。",
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let second_filed: Value = resp.json().await.unwrap();
    let kinds = notification_kinds(&app, &admin.access).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "objection_filed").count(),
        2,
        "{kinds:?}"
    );

    // Who objected: admins only.
    let own = get_json(&app, "/api/v1/objections", Some(&objector.access)).await;
    assert_eq!(own["total"], 1);
    assert_eq!(own["items"][0]["id"], filed["id"]);
    let own_text = own.to_string();
    assert!(!own_text.contains("异议人赵六"));
    for other in [&review.issuer, &review.solvers[0]] {
        let page = get_json(&app, "/api/v1/objections", Some(&other.access)).await;
        assert_eq!(page["total"], 0, "{page}");
        // Filters do not widen what a non-admin sees.
        let page = get_json(
            &app,
            &format!("/api/v1/objections?challenge_id={id}"),
            Some(&other.access),
        )
        .await;
        assert_eq!(page["total"], 0, "{page}");
    }
    let all = get_json(
        &app,
        &format!("/api/v1/objections?challenge_id={id}&status=pending"),
        Some(&admin.access),
    )
    .await;
    assert_eq!(all["total"], 2);
    let names: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["objector"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"异议人王五") && names.contains(&"异议人赵六"));
    assert_eq!(all["items"][0]["contact"], "13800000000");
    let notices = app.get("/api/v1/notices", None).await.text().await.unwrap();
    assert!(notices.contains("\"objection_count\":2"), "{notices}");
    for secret in ["异议人王五", "异议人赵六", "13800000000"] {
        assert!(!notices.contains(secret));
    }
    let feed = app
        .get("/api/v1/notices/feed", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!feed.contains("异议人王五"));

    // Resolving: admins only, with a reason.
    let resolve = format!(
        "/api/v1/objections/{}/resolve",
        filed["id"].as_str().unwrap()
    );
    let resp = app
        .post(
            &resolve,
            &json!({"outcome": "upheld", "reason": "属实"}),
            Some(&objector.access),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .post(&resolve, &json!({"outcome": "upheld"}), Some(&admin.access))
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    let resp = app
        .post(
            &resolve,
            &json!({"outcome": "upheld", "reason": "经核查，所反映情况属实。"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text().await);
    let resolved: Value = resp.json().await.unwrap();
    assert_eq!(resolved["status"], "upheld");
    assert_eq!(resolved["objector"]["name"], "异议人王五");

    // The award is withdrawn and the challenge back under review.
    assert_eq!(challenge_status(&app, id).await, "under_review");
    let awards = awards_of(&app, &admin, id).await;
    assert_eq!(awards[0]["status"], "withdrawn");
    assert_eq!(awards[0]["withdrawal_reason"], "经核查，所反映情况属实。");
    let mine = get_json(&app, "/api/v1/objections", Some(&second.access)).await;
    assert_eq!(mine["items"][0]["id"], second_filed["id"]);
    assert_eq!(mine["items"][0]["status"], "moot");
    for tokens in [&objector, &second] {
        let kinds = notification_kinds(&app, &tokens.access).await;
        assert!(
            kinds.contains(&"objection_resolved".to_string()),
            "{kinds:?}"
        );
    }
    for tokens in [&review.solvers[0], &review.issuer] {
        let kinds = notification_kinds(&app, &tokens.access).await;
        assert!(kinds.contains(&"award_withdrawn".to_string()), "{kinds:?}");
    }
    let resp = app
        .post(
            &resolve,
            &json!({"outcome": "dismissed", "reason": "再次处理"}),
            Some(&admin.access),
        )
        .await;
    assert_problem(resp, 409, "objection_resolved").await;
    let first_award = awards_of(&app, &admin, id).await[0].clone();
    assert_eq!(first_award["status"], "withdrawn");
    app.state.clock.advance(Duration::days(1));

    // The bid whose proposal was withdrawn is proposed again only with a reason.
    let resp = propose(&app, &admin, id, json!({"bid_id": review.bid_ids[0]})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "previously_withdrawn");

    // A new proposal: the second-ranked bid needs a written reason.
    let resp = propose(&app, &admin, id, json!({"bid_id": review.bid_ids[1]})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    assert_eq!(problem["errors"][0]["code"], "required");
    let resp = propose(
        &app,
        &admin,
        id,
        json!({"bid_id": review.bid_ids[1], "reason": "  "}),
    )
    .await;
    assert_problem(resp, 422, "validation_failed").await;
    let award = propose_ok(
        &app,
        &admin,
        id,
        json!({"bid_id": review.bid_ids[1], "reason": REASON}),
    )
    .await;
    assert_eq!(award["rank"], 2);
    assert_eq!(award["top_ranked"], false);
    assert_eq!(award["reason"], REASON);
    let notices = get_json(&app, "/api/v1/notices", None).await;
    assert_eq!(notices["total"], 2);
    assert_eq!(notices["items"][0]["organization_name"], "乙研究院");
    assert_eq!(notices["items"][0]["reason"], REASON);
    assert_eq!(notices["items"][0]["status"], "publicity");
    assert_eq!(notices["items"][1]["status"], "withdrawn");
    // The withdrawn notice's own job comes due first: it confirms nothing.
    past(&app, &first_award);
    app.run_jobs().await;
    assert_eq!(challenge_status(&app, id).await, "publicity");
    assert_eq!(awards_of(&app, &admin, id).await[1]["status"], "withdrawn");
    past(&app, &award);
    app.run_jobs().await;
    assert_eq!(challenge_status(&app, id).await, "awarded");
    assert_eq!(
        bid_status(&app, &review.bid_ids[1], &admin).await,
        "awarded"
    );
    assert_eq!(
        bid_status(&app, &review.bid_ids[0], &admin).await,
        "not_selected"
    );
}

#[tokio::test]
async fn a_dismissed_objection_tells_the_objector_why_and_the_confirmation_follows() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = two_ranked_with_calendar(&app, &admin).await;
    let review = &ranked.review;
    let id = review.id.as_str();
    let award = propose_ok(&app, &admin, id, json!({"bid_id": review.bid_ids[0]})).await;
    let objector = person(&app, "异议人王五").await;
    let resp = object(
        &app,
        id,
        Some(&objector.access),
        "拟挂帅单位的项目负责人同时承担另一同类项目，精力难以保证。",
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let filed: Value = resp.json().await.unwrap();

    // The notice ends with the objection pending: nothing is confirmed.
    past(&app, &award);
    app.run_jobs().await;
    assert_eq!(challenge_status(&app, id).await, "publicity");
    let resp = object(
        &app,
        id,
        Some(&objector.access),
        "补充异议：另有情况需要反映。",
    )
    .await;
    assert_problem(resp, 409, "notice_closed").await;
    let notice = &get_json(&app, "/api/v1/notices", None).await["items"][0];
    assert_eq!(notice["open"], false);
    assert_eq!(notice["status"], "publicity");

    let why = "经核查，该负责人承担的另一项目已于上月结题，不影响本项目。";
    let resp = app
        .post(
            &format!(
                "/api/v1/objections/{}/resolve",
                filed["id"].as_str().unwrap()
            ),
            &json!({"outcome": "dismissed", "reason": why}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let mine = get_json(&app, "/api/v1/objections", Some(&objector.access)).await;
    assert_eq!(mine["items"][0]["status"], "dismissed");
    assert_eq!(mine["items"][0]["resolution"], why);
    let notifications = get_json(&app, "/api/v1/notifications", Some(&objector.access)).await;
    let told = notifications["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "objection_resolved")
        .expect("the objector is told");
    assert!(told["body"].as_str().unwrap().contains(why), "{told}");
    assert!(told["body"].as_str().unwrap().contains("不成立"), "{told}");

    // The last pending objection gone after the end: the confirmation runs at once.
    app.run_jobs().await;
    assert_eq!(challenge_status(&app, id).await, "awarded");
    assert_eq!(
        bid_status(&app, &review.bid_ids[0], &admin).await,
        "awarded"
    );
    assert_eq!(
        bid_status(&app, &review.bid_ids[1], &admin).await,
        "not_selected"
    );
}

#[tokio::test]
async fn credit_turning_serious_during_the_notice_blocks_the_confirmation_and_the_admin_withdraws()
{
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = two_ranked_with_calendar(&app, &admin).await;
    let review = &ranked.review;
    let id = review.id.as_str();
    let award = propose_ok(&app, &admin, id, json!({"bid_id": review.bid_ids[0]})).await;

    let resp = app
        .post(
            "/api/v1/credit/records",
            &json!({
                "subject_kind": "organization", "subject_code": review.bidder_usccs[0],
                "subject_name": "甲大学", "severity": "serious", "decided_on": "2024-01-02",
                "source_record_id": "AWARD-1",
            }),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);

    past(&app, &award);
    app.run_jobs().await;
    assert_eq!(challenge_status(&app, id).await, "publicity");
    assert_eq!(
        bid_status(&app, &review.bid_ids[0], &admin).await,
        "eligible"
    );
    let awards = awards_of(&app, &admin, id).await;
    assert_eq!(awards[0]["status"], "publicity");
    assert_eq!(awards[0]["blocked"], true);
    assert!(awards[0]["blocked_at"].is_string());
    assert_eq!(awards[0]["confirm_check_ids"].as_array().unwrap().len(), 3);
    let kinds = notification_kinds(&app, &admin.access).await;
    assert!(kinds.contains(&"award_blocked".to_string()), "{kinds:?}");
    let db = app.db().await;
    let blocks: i64 = db
        .query_one(
            "SELECT count(*) FROM credit_checks WHERE purpose = 'award_confirm' AND result = 'block'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(blocks, 1);

    // A re-run does nothing more: still blocked, no new checks.
    jiebang::awards::confirm::ConfirmAward {
        award_id: award["id"].as_str().unwrap().parse().unwrap(),
        after_objection: None,
    }
    .perform(&app.state)
    .await
    .unwrap();
    let checks: i64 = db
        .query_one(
            "SELECT count(*) FROM credit_checks WHERE purpose = 'award_confirm'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(checks, 3);
    assert_eq!(challenge_status(&app, id).await, "publicity");

    // The admin withdraws it, with a reason.
    let path = format!("/api/v1/challenges/{id}/award/withdraw");
    let resp = app.post(&path, &json!({}), Some(&admin.access)).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    let resp = app
        .post(
            &path,
            &json!({"reason": "挂帅单位被列入严重失信名单。"}),
            Some(&review.issuer.access),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .post(
            &path,
            &json!({"reason": "挂帅单位被列入严重失信名单。"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let withdrawn: Value = resp.json().await.unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(challenge_status(&app, id).await, "under_review");
    let kinds = notification_kinds(&app, &review.solvers[0].access).await;
    assert!(kinds.contains(&"award_withdrawn".to_string()), "{kinds:?}");
}

#[tokio::test]
async fn a_proposal_is_refused_when_credit_blocks_the_bid_or_the_state_is_wrong() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ranked = two_ranked(&app, &admin).await;
    let review = &ranked.review;
    let id = review.id.as_str();

    // No calendar for the notice's years: refused, naming them, rather than counted short.
    let resp = propose(&app, &admin, id, json!({"bid_id": review.bid_ids[0]})).await;
    let problem = assert_problem(resp, 409, "calendar_not_maintained").await;
    let year = jiebang::awards::calendar::beijing_date(app.state.clock.now())
        .format("%Y")
        .to_string();
    assert!(
        problem["detail"].as_str().unwrap().contains(&year),
        "{problem}"
    );
    assert_eq!(problem["errors"][0]["field"], "calendar");
    assert_eq!(challenge_status(&app, id).await, "under_review");
    maintain_calendar(&app, &admin).await;

    // Not a bid of the ranking.
    let resp = propose(&app, &admin, id, json!({"bid_id": Uuid::new_v4()})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_ranked");

    // The leader of the top bid turned seriously dishonest.
    let resp = app
        .post(
            "/api/v1/credit/records",
            &json!({
                "subject_kind": "person", "subject_code": id_number(10),
                "subject_name": "陈思远", "severity": "serious", "decided_on": "2024-01-02",
                "source_record_id": "AWARD-2",
            }),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = propose(&app, &admin, id, json!({"bid_id": review.bid_ids[0]})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["team[0].id_number"]);
    assert_eq!(problem["errors"][0]["code"], "credit_blocked");
    let text = problem.to_string();
    assert!(!text.contains(&id_number(10)));
    assert_eq!(challenge_status(&app, id).await, "under_review");
    // The checks stay on record although the proposal was refused.
    let db = app.db().await;
    let checks: i64 = db
        .query_one(
            "SELECT count(*) FROM credit_checks WHERE purpose = 'award'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(checks, 3);
    assert!(awards_of(&app, &admin, id).await.is_empty());

    // A challenge that is not under review: 409 naming its state.
    let issuer = app.issuer().await;
    let resp = app
        .post(
            "/api/v1/challenges",
            &json!({
                "title": "海洋防腐涂层", "category": "tech_breakthrough", "field": "new_materials",
                "description": "长效防腐。",
                "kpis": [{"name": "寿命", "target": "≥ 15", "unit": "年"}],
                "bounty_fen": 100_000_000,
                "bid_opens_at": crate::helpers::rfc3339(app.state.clock.now()),
                "bid_closes_at": crate::helpers::rfc3339(app.state.clock.now() + Duration::days(30)),
                "max_duration_months": 24,
            }),
            Some(&issuer.access),
        )
        .await;
    assert_eq!(
        resp.status(),
        StatusCode::CREATED,
        "{:?}",
        resp.text().await
    );
    let draft: Value = resp.json().await.unwrap();
    let resp = propose(
        &app,
        &admin,
        draft["id"].as_str().unwrap(),
        json!({"bid_id": review.bid_ids[1]}),
    )
    .await;
    let problem = assert_problem(resp, 409, "invalid_transition").await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("draft"),
        "{problem}"
    );

    // Two bids sharing the first place: choosing one is written down. (The ranking is made tied
    // in the database: the panel's arithmetic is tested with the review.)
    app.db()
        .await
        .execute(
            &format!(
                "UPDATE rankings SET rank = 1 WHERE challenge_id = '{}'",
                review.id
            ),
            &[],
        )
        .await
        .unwrap();
    let resp = propose(&app, &admin, id, json!({"bid_id": review.bid_ids[1]})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "tied");
    assert_eq!(challenge_status(&app, id).await, "under_review");
}
