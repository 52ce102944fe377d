//! Award, public notice and objections (SPEC §6), through HTTP with the clock driven here.

use chrono::{DateTime, Duration, Utc};
use jiebang::jobs::BackgroundJob;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Registration, TestApp, Tokens, assert_notified, assert_problem, assert_status, error_fields,
    id_of, new_uscc, notification, notification_kinds, notified_count,
};
use crate::scenario::{
    Scenario, add_credit_record, challenge_body, create_challenge, id_number, maintain_calendar,
    past_the_notice,
};

const REASON: &str = "排名第一的方案团队负责人已调离，经专家组复议改选排名第二的方案。";
const OBJECTION: &str = "拟挂帅单位的项目负责人同时承担另一同类项目，精力难以保证。";

/// Two bids ranked (甲大学 first) and the calendars a notice needs.
async fn ranked(app: &TestApp) -> Scenario<'_> {
    let s = app.scenario().with_bids(2).ranked().build().await;
    maintain_calendar(app, &s.admin).await;
    s
}

/// [`ranked`], with the first bid proposed; answers the award too.
async fn proposed(app: &TestApp) -> (Scenario<'_>, Value) {
    let s = ranked(app).await;
    let award = propose_ok(&s, json!({"bid_id": s.bids[0].id})).await;
    (s, award)
}

async fn propose_ok(s: &Scenario<'_>, body: Value) -> Value {
    assert_status(s.propose(&body).await, 201).await
}

/// A solver account whose (real) name is `name`.
async fn person(app: &TestApp, name: &str) -> Tokens {
    let org = format!("{name}的单位");
    app.sign_up(
        &Registration::new("solver")
            .name(name)
            .org(&org, &new_uscc()),
    )
    .await
}

async fn object(s: &Scenario<'_>, token: Option<&str>, reason: &str) -> reqwest::Response {
    let body = json!({"reason": reason, "contact": "13800000000"});
    s.app.post(&s.path("/objections"), &body, token).await
}

/// An objection by `who`, filed; answers it.
async fn object_ok(s: &Scenario<'_>, who: &Tokens, reason: &str) -> Value {
    assert_status(object(s, Some(&who.access), reason).await, 201).await
}

/// 异议人王五's objection to the proposal, filed; answers the objector and the objection.
async fn objection(s: &Scenario<'_>) -> (Tokens, Value) {
    let objector = person(s.app, "异议人王五").await;
    let filed = object_ok(s, &objector, OBJECTION).await;
    (objector, filed)
}

async fn resolve(
    s: &Scenario<'_>,
    objection: &Value,
    body: Value,
    token: &Tokens,
) -> reqwest::Response {
    let path = format!(
        "/api/v1/objections/{}/resolve",
        objection["id"].as_str().unwrap()
    );
    s.app.post(&path, &body, Some(&token.access)).await
}

async fn awards_of(s: &Scenario<'_>) -> Vec<Value> {
    let page = s
        .app
        .get_ok(&s.path("/awards"), Some(&s.admin.access))
        .await;
    page["items"].as_array().unwrap().clone()
}

/// The confirmation job of `award` run once more, by hand.
async fn confirm_again(app: &TestApp, award: &Value) {
    let award_id = award["id"].as_str().unwrap().parse().unwrap();
    let job = jiebang::awards::proposals::jobs::ConfirmAward {
        award_id,
        after_objection: None,
    };
    job.perform(&app.state).await.unwrap();
}

#[tokio::test]
async fn a_proposal_opens_the_public_notice_without_personal_data() {
    let app = TestApp::spawn().await;
    let s = ranked(&app).await;
    let id = s.challenge_id.as_str();

    // Only admins propose.
    let body = json!({"bid_id": s.bids[0].id});
    let resp = app
        .post(&s.path("/award"), &body, Some(&s.bids[0].solver.access))
        .await;
    assert_problem(resp, 403, "forbidden").await;

    let proposed_on = jiebang::awards::calendar::rules::beijing_date(app.state.clock.now());
    let award = propose_ok(&s, body.clone()).await;
    assert_eq!(award["calendar_maintained"], true);
    assert_eq!(award["status"], "publicity");
    assert_eq!(award["bid_id"], s.bids[0].id.as_str());
    assert_eq!(award["organization_name"], "甲大学");
    assert_eq!(award["amount_fen"], 250_000_000);
    assert_eq!(award["rank"], 1);
    assert_eq!(award["top_ranked"], true);
    assert_eq!(award["reason"], Value::Null);
    assert_eq!(award["working_days"], 5);
    let next_day = (proposed_on + Duration::days(1)).to_string();
    assert_eq!(award["starts_on"], next_day);
    // The organisation, the leader and the member were checked again.
    assert_eq!(award["proposal_check_ids"].as_array().unwrap().len(), 3);
    assert_eq!(s.status().await, "publicity");

    // A second proposal: the state is named.
    let problem = assert_problem(s.propose(&body).await, 409, "invalid_transition").await;
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("publicity"), "{problem}");

    // Everyone concerned is told.
    for tokens in [&s.bids[0].solver, &s.bids[1].solver, &s.issuer] {
        assert_notified(&app, &tokens.access, "award_proposed").await;
    }

    // The notice, anonymously, in JSON: no person's data.
    let text = assert_status_text(app.get("/api/v1/notices", None).await).await;
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
    let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
    assert!(
        content_type.starts_with("application/atom+xml"),
        "{content_type}"
    );
    let feed = assert_status_text(resp).await;
    let base = app.state.settings.public_url();
    for wanted in [
        "<feed",
        "http://www.w3.org/2005/Atom",
        &format!("urn:uuid:{}", award["id"].as_str().unwrap()),
        "高性能碳纤维复合材料",
        "甲大学",
        &format!("{base}/api/v1/notices/feed"),
        &format!("{base}/api/v1/challenges/{id}"),
    ] {
        assert!(feed.contains(wanted), "{wanted} not in {feed}");
    }
    assert!(!feed.contains("陈思远"));
}

/// Asserts a 200 answer; answers its text.
async fn assert_status_text(resp: reqwest::Response) -> String {
    assert_eq!(resp.status().as_u16(), 200);
    resp.text().await.unwrap()
}

/// The feed at `/api/v1/notices/feed`, asked for in `language` (none: no `Accept-Language`).
async fn feed_in(app: &TestApp, language: Option<&str>) -> String {
    let mut req = app.client.get(app.url("/api/v1/notices/feed"));
    if let Some(language) = language {
        req = req.header("Accept-Language", language);
    }
    assert_status_text(req.send().await.unwrap()).await
}

#[tokio::test]
async fn the_feed_speaks_the_readers_language_chinese_by_default() {
    let app = TestApp::spawn().await;
    let s = ranked(&app).await;
    let award = propose_ok(&s, json!({"bid_id": s.bids[1].id, "reason": REASON})).await;
    let ends_on = award["ends_on"].as_str().unwrap();

    let chinese = feed_in(&app, None).await;
    for wanted in [
        r#"xml:lang="zh-CN""#,
        "揭榜挂帅拟立项公示",
        "科技局项目办",
        "拟立项公示：高性能碳纤维复合材料 — 乙研究院",
        "榜单：高性能碳纤维复合材料",
        "拟挂帅单位：乙研究院",
        "状态：公示中",
        &format!("选择理由：{REASON}"),
        ends_on,
    ] {
        assert!(chinese.contains(wanted), "{wanted} not in {chinese}");
    }
    assert_eq!(
        feed_in(&app, Some("zh-CN,zh;q=0.9,en;q=0.8")).await,
        chinese
    );

    let english = feed_in(&app, Some("en-US,en;q=0.9")).await;
    for wanted in [
        r#"xml:lang="en""#,
        "Award notices",
        "Program office",
        "Award notice: 高性能碳纤维复合材料 — 乙研究院",
        "Challenge: 高性能碳纤维复合材料",
        "Proposed awardee: 乙研究院",
        "Status: in publicity",
        &format!("Reason for the choice: {REASON}"),
        ends_on,
    ] {
        assert!(english.contains(wanted), "{wanted} not in {english}");
    }

    // Each in one language: no label of the other, no "中文 / English" pairs.
    for label in [
        "Award notices",
        "Program office",
        "Challenge",
        "Status",
        "in publicity",
    ] {
        assert!(!chinese.contains(label), "{label} in {chinese}");
    }
    for label in [
        "揭榜挂帅",
        "科技局",
        "榜单",
        "状态",
        "公示中",
        "选择理由",
        "元",
    ] {
        assert!(!english.contains(label), "{label} in {english}");
    }
    for feed in [&chinese, &english] {
        assert!(!feed.contains(" / "), "{feed}");
    }
}

#[tokio::test]
async fn with_no_objection_the_notice_ends_in_a_confirmed_award() {
    let app = TestApp::spawn().await;
    let (s, award) = proposed(&app).await;

    // Before the end nothing is confirmed.
    let ends_at: DateTime<Utc> = award["ends_at"].as_str().unwrap().parse().unwrap();
    app.state
        .clock
        .advance(ends_at - app.state.clock.now() - Duration::hours(1));
    app.run_jobs().await;
    assert_eq!(s.status().await, "publicity");

    // After it, with no objection, the job confirms.
    past_the_notice(&app, &award);
    app.run_jobs().await;
    let challenge = s.challenge().await;
    assert_eq!(challenge["status"], "awarded");
    assert!(challenge["awarded_at"].is_string());
    assert_eq!(s.bid_status(0).await, "awarded");
    assert_eq!(s.bid_status(1).await, "not_selected");
    let awards = awards_of(&s).await;
    assert_eq!(awards.len(), 1);
    assert_eq!(awards[0]["status"], "confirmed");
    assert!(awards[0]["confirmed_at"].is_string());
    assert_eq!(awards[0]["confirm_check_ids"].as_array().unwrap().len(), 3);
    for tokens in [&s.bids[0].solver, &s.bids[1].solver, &s.issuer, &s.admin] {
        assert_notified(&app, &tokens.access, "award_confirmed").await;
    }
    let notices = app.get_ok("/api/v1/notices?status=confirmed", None).await;
    assert_eq!(notices["total"], 1);
    assert_eq!(notices["items"][0]["open"], false);
    let none = app.get_ok("/api/v1/notices?status=publicity", None).await;
    assert_eq!(none["total"], 0);

    // A late objection is refused.
    let late = person(&app, "迟到者").await;
    let resp = object(&s, Some(&late.access), "公示期已过，但仍有意见需要反映。").await;
    assert_problem(resp, 409, "notice_closed").await;

    // A re-run of the job changes nothing and tells nobody again.
    let before = notification_kinds(&app, &s.admin.access).await.len();
    confirm_again(&app, &award).await;
    assert_eq!(
        notification_kinds(&app, &s.admin.access).await.len(),
        before
    );
    assert_eq!(s.status().await, "awarded");
    let awarded = app
        .count(&format!(
            "SELECT count(*) FROM bids WHERE challenge_id = '{}' AND status = 'awarded'",
            s.challenge_id
        ))
        .await;
    assert_eq!(awarded, 1);
}

#[tokio::test]
async fn objections_are_filed_once_per_person_and_named_to_admins_only() {
    let app = TestApp::spawn().await;
    let (s, _) = proposed(&app).await;

    // Anonymous and too short: refused.
    let resp = object(&s, None, "匿名异议：该单位资质存疑，请核查。").await;
    assert_problem(resp, 401, "unauthenticated").await;
    let objector = person(&app, "异议人王五").await;
    let resp = object(&s, Some(&objector.access), "太短").await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);

    let filed = object_ok(&s, &objector, OBJECTION).await;
    assert_eq!(filed["status"], "pending");
    assert!(filed.get("objector").is_none(), "{filed}");
    // One pending objection per person: a second waits for the first to be decided.
    let resp = object(
        &s,
        Some(&objector.access),
        "补充：该负责人另有两个在研项目，精力分散。",
    )
    .await;
    assert_problem(resp, 409, "objection_pending").await;
    let second = person(&app, "异议人赵六").await;
    object_ok(
        &s,
        &second,
        "该单位近三年同类项目验收记录不完整，请予核实。",
    )
    .await;
    assert_eq!(
        notified_count(&app, &s.admin.access, "objection_filed").await,
        2
    );

    // Who objected: admins only.
    let own = app
        .get_ok("/api/v1/objections", Some(&objector.access))
        .await;
    assert_eq!(own["total"], 1);
    assert_eq!(own["items"][0]["id"], filed["id"]);
    assert!(!own.to_string().contains("异议人赵六"));
    let by_challenge = format!("/api/v1/objections?challenge_id={}", s.challenge_id);
    for other in [&s.issuer, &s.bids[0].solver] {
        // Filters do not widen what a non-admin sees.
        for path in ["/api/v1/objections", by_challenge.as_str()] {
            let page = app.get_ok(path, Some(&other.access)).await;
            assert_eq!(page["total"], 0, "{page}");
        }
    }
    let pending = format!("{by_challenge}&status=pending");
    let all = app.get_ok(&pending, Some(&s.admin.access)).await;
    assert_eq!(all["total"], 2);
    let names: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["objector"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"异议人王五") && names.contains(&"异议人赵六"));
    assert_eq!(all["items"][0]["contact"], "13800000000");
    let notices = assert_status_text(app.get("/api/v1/notices", None).await).await;
    assert!(notices.contains("\"objection_count\":2"), "{notices}");
    for secret in ["异议人王五", "异议人赵六", "13800000000"] {
        assert!(!notices.contains(secret));
    }
    let feed = assert_status_text(app.get("/api/v1/notices/feed", None).await).await;
    assert!(!feed.contains("异议人王五"));
}

#[tokio::test]
async fn an_upheld_objection_withdraws_the_award_and_moots_the_others() {
    let app = TestApp::spawn().await;
    let (s, _) = proposed(&app).await;
    let (objector, filed) = objection(&s).await;
    let second = person(&app, "异议人赵六").await;
    let second_filed = object_ok(
        &s,
        &second,
        "该单位近三年同类项目验收记录不完整，请予核实。",
    )
    .await;

    // Resolving: admins only, with a reason.
    let upheld = json!({"outcome": "upheld", "reason": "属实"});
    let resp = resolve(&s, &filed, upheld, &objector).await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = resolve(&s, &filed, json!({"outcome": "upheld"}), &s.admin).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    let why = "经核查，所反映情况属实。";
    let upheld = json!({"outcome": "upheld", "reason": why});
    let resolved = assert_status(resolve(&s, &filed, upheld, &s.admin).await, 200).await;
    assert_eq!(resolved["status"], "upheld");
    assert_eq!(resolved["objector"]["name"], "异议人王五");

    // The award is withdrawn and the challenge back under review.
    assert_eq!(s.status().await, "under_review");
    let awards = awards_of(&s).await;
    assert_eq!(awards[0]["status"], "withdrawn");
    assert_eq!(awards[0]["withdrawal_reason"], why);
    let mine = app.get_ok("/api/v1/objections", Some(&second.access)).await;
    assert_eq!(mine["items"][0]["id"], second_filed["id"]);
    assert_eq!(mine["items"][0]["status"], "moot");
    for tokens in [&objector, &second] {
        assert_notified(&app, &tokens.access, "objection_resolved").await;
    }
    for tokens in [&s.bids[0].solver, &s.issuer] {
        assert_notified(&app, &tokens.access, "award_withdrawn").await;
    }
    let again = json!({"outcome": "dismissed", "reason": "再次处理"});
    let resp = resolve(&s, &filed, again, &s.admin).await;
    assert_problem(resp, 409, "objection_resolved").await;
}

#[tokio::test]
async fn after_a_withdrawal_another_bid_is_proposed_only_with_a_reason() {
    let app = TestApp::spawn().await;
    let (s, _) = proposed(&app).await;
    let (_, filed) = objection(&s).await;
    let upheld = json!({"outcome": "upheld", "reason": "经核查，所反映情况属实。"});
    assert_status(resolve(&s, &filed, upheld, &s.admin).await, 200).await;
    let first_award = awards_of(&s).await[0].clone();
    assert_eq!(first_award["status"], "withdrawn");
    app.state.clock.advance(Duration::days(1));

    // The bid whose proposal was withdrawn is proposed again only with a reason.
    let resp = s.propose(&json!({"bid_id": s.bids[0].id})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "previously_withdrawn");

    // A new proposal: the second-ranked bid needs a written reason.
    let resp = s.propose(&json!({"bid_id": s.bids[1].id})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    assert_eq!(problem["errors"][0]["code"], "required");
    let blank = json!({"bid_id": s.bids[1].id, "reason": "  "});
    assert_problem(s.propose(&blank).await, 422, "validation_failed").await;
    let award = propose_ok(&s, json!({"bid_id": s.bids[1].id, "reason": REASON})).await;
    assert_eq!(award["rank"], 2);
    assert_eq!(award["top_ranked"], false);
    assert_eq!(award["reason"], REASON);
    let notices = app.get_ok("/api/v1/notices", None).await;
    assert_eq!(notices["total"], 2);
    assert_eq!(notices["items"][0]["organization_name"], "乙研究院");
    assert_eq!(notices["items"][0]["reason"], REASON);
    assert_eq!(notices["items"][0]["status"], "publicity");
    assert_eq!(notices["items"][1]["status"], "withdrawn");
    // The withdrawn notice's own job comes due first: it confirms nothing.
    past_the_notice(&app, &first_award);
    app.run_jobs().await;
    assert_eq!(s.status().await, "publicity");
    assert_eq!(awards_of(&s).await[1]["status"], "withdrawn");
    past_the_notice(&app, &award);
    app.run_jobs().await;
    assert_eq!(s.status().await, "awarded");
    assert_eq!(s.bid_status(1).await, "awarded");
    assert_eq!(s.bid_status(0).await, "not_selected");
}

#[tokio::test]
async fn a_dismissed_objection_tells_the_objector_why_and_the_confirmation_follows() {
    let app = TestApp::spawn().await;
    let (s, award) = proposed(&app).await;
    let (objector, filed) = objection(&s).await;

    // The notice ends with the objection pending: nothing is confirmed.
    past_the_notice(&app, &award);
    app.run_jobs().await;
    assert_eq!(s.status().await, "publicity");
    let resp = object(&s, Some(&objector.access), "补充异议：另有情况需要反映。").await;
    assert_problem(resp, 409, "notice_closed").await;
    let notice = &app.get_ok("/api/v1/notices", None).await["items"][0];
    assert_eq!(notice["open"], false);
    assert_eq!(notice["status"], "publicity");

    let why = "经核查，该负责人承担的另一项目已于上月结题，不影响本项目。";
    let dismissed = json!({"outcome": "dismissed", "reason": why});
    assert_status(resolve(&s, &filed, dismissed, &s.admin).await, 200).await;
    let mine = app
        .get_ok("/api/v1/objections", Some(&objector.access))
        .await;
    assert_eq!(mine["items"][0]["status"], "dismissed");
    assert_eq!(mine["items"][0]["resolution"], why);
    let told = notification(&app, &objector.access, "objection_resolved").await;
    let body = told["body"].as_str().unwrap();
    assert!(body.contains(why) && body.contains("不成立"), "{told}");

    // The last pending objection gone after the end: the confirmation runs at once.
    app.run_jobs().await;
    assert_eq!(s.status().await, "awarded");
    assert_eq!(s.bid_status(0).await, "awarded");
    assert_eq!(s.bid_status(1).await, "not_selected");
}

#[tokio::test]
async fn credit_turning_serious_during_the_notice_blocks_the_confirmation_and_the_admin_withdraws()
{
    let app = TestApp::spawn().await;
    let (s, award) = proposed(&app).await;
    add_credit_record(&app, &s.admin, "organization", &s.bids[0].uscc, "serious").await;

    past_the_notice(&app, &award);
    app.run_jobs().await;
    assert_eq!(s.status().await, "publicity");
    assert_eq!(s.bid_status(0).await, "eligible");
    let awards = awards_of(&s).await;
    assert_eq!(awards[0]["status"], "publicity");
    assert_eq!(awards[0]["blocked"], true);
    assert!(awards[0]["blocked_at"].is_string());
    assert_eq!(awards[0]["confirm_check_ids"].as_array().unwrap().len(), 3);
    assert_notified(&app, &s.admin.access, "award_blocked").await;
    let checks = "SELECT count(*) FROM credit_checks WHERE purpose = 'award_confirm'";
    let blocks = format!("{checks} AND result = 'block'");
    assert_eq!(app.count(&blocks).await, 1);

    // A re-run does nothing more: still blocked, no new checks.
    confirm_again(&app, &award).await;
    assert_eq!(app.count(checks).await, 3);
    assert_eq!(s.status().await, "publicity");

    // The admin withdraws it, with a reason.
    let path = s.path("/award/withdraw");
    let resp = app.post(&path, &json!({}), Some(&s.admin.access)).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    let reason = json!({"reason": "挂帅单位被列入严重失信名单。"});
    let resp = app.post(&path, &reason, Some(&s.issuer.access)).await;
    assert_problem(resp, 403, "forbidden").await;
    let withdrawn = app.post_ok(&path, &reason, Some(&s.admin.access)).await;
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(s.status().await, "under_review");
    assert_notified(&app, &s.bids[0].solver.access, "award_withdrawn").await;
}

#[tokio::test]
async fn a_proposal_is_refused_when_credit_blocks_the_bid_or_the_state_is_wrong() {
    let app = TestApp::spawn().await;
    let s = app.scenario().with_bids(2).ranked().build().await;
    let first = json!({"bid_id": s.bids[0].id});
    let second = json!({"bid_id": s.bids[1].id});

    // No calendar for the notice's years: refused, naming them, rather than counted short.
    let problem = assert_problem(s.propose(&first).await, 409, "calendar_not_maintained").await;
    let year = jiebang::awards::calendar::rules::beijing_date(app.state.clock.now())
        .format("%Y")
        .to_string();
    assert!(
        problem["detail"].as_str().unwrap().contains(&year),
        "{problem}"
    );
    assert_eq!(problem["errors"][0]["field"], "calendar");
    assert_eq!(s.status().await, "under_review");
    maintain_calendar(&app, &s.admin).await;

    // Not a bid of the ranking.
    let resp = s.propose(&json!({"bid_id": Uuid::new_v4()})).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_ranked");

    // The leader of the top bid turned seriously dishonest.
    add_credit_record(&app, &s.admin, "person", &id_number(10), "serious").await;
    let problem = assert_problem(s.propose(&first).await, 422, "award_credit_refused").await;
    assert!(
        problem["title"]
            .as_str()
            .unwrap()
            .contains("信用审查未通过"),
        "{problem}"
    );
    assert_eq!(error_fields(&problem), vec!["team[0].id_number"]);
    assert_eq!(problem["errors"][0]["code"], "credit_blocked");
    assert!(!problem.to_string().contains(&id_number(10)));
    assert_eq!(s.status().await, "under_review");
    // The checks stay on record although the proposal was refused.
    let checks = app
        .count("SELECT count(*) FROM credit_checks WHERE purpose = 'award'")
        .await;
    assert_eq!(checks, 3);
    assert!(awards_of(&s).await.is_empty());

    // A challenge that is not under review: 409 naming its state.
    let issuer = app.issuer().await;
    let body = challenge_body(&app, "海洋防腐涂层", Duration::days(30));
    let draft = create_challenge(&app, &issuer, &body).await;
    let path = format!("/api/v1/challenges/{}/award", id_of(&draft));
    let resp = app.post(&path, &second, Some(&s.admin.access)).await;
    let problem = assert_problem(resp, 409, "invalid_transition").await;
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("draft"), "{problem}");

    // Two bids sharing the first place: choosing one is written down. (The ranking is made tied
    // in the database: the panel's arithmetic is tested with the review.)
    let tie = format!(
        "UPDATE rankings SET rank = 1 WHERE challenge_id = '{}'",
        s.challenge_id
    );
    app.db().await.execute(&tie, &[]).await.unwrap();
    let problem = assert_problem(s.propose(&second).await, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "tied");
    assert_eq!(s.status().await, "under_review");
}
