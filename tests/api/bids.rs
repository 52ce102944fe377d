//! Bids: the whole flow through HTTP, each refusal, the credit gate (checks kept when a bid is
//! refused), the visibility matrix before and after the deadline, concurrency, and formal review.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    PASSWORD, TestApp, Tokens, assert_problem, error_fields, new_uscc, notification_kinds,
    resident_id, rfc3339,
};

/// A valid resident ID number (GB 11643-1999) numbered `n`.
fn id_number(n: u32) -> String {
    resident_id("34052419800101", n)
}

/// The same number with a wrong check character.
fn bad_id_number(n: u32) -> String {
    let good = id_number(n);
    let last = if good.ends_with('0') { '1' } else { '0' };
    format!("{}{last}", &good[..17])
}

/// A solver of a new organisation of `kind`; answers its tokens and the organisation's USCC.
async fn solver_of(app: &TestApp, kind: &str) -> (Tokens, String) {
    let email = format!("solver-{}@example.com", Uuid::new_v4().simple());
    let uscc = new_uscc();
    let resp = app
        .post(
            "/api/v1/auth/register",
            &json!({
                "email": email, "password": PASSWORD, "display_name": "揭榜人",
                "role": "solver",
                "organization": {"name": "海西大学", "uscc": uscc, "kind": kind},
            }),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    (app.login_ok(&email).await, uscc)
}

async fn expert(app: &TestApp, admin: &Tokens) -> Tokens {
    let email = format!("expert-{}@example.com", Uuid::new_v4().simple());
    let resp = app
        .post(
            "/api/v1/users",
            &json!({
                "email": email, "password": PASSWORD, "display_name": "赵教授", "role": "expert",
                "organization": {"name": "东南理工大学", "uscc": new_uscc(), "kind": "university"},
            }),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    app.login_ok(&email).await
}

/// A published challenge (bounty 300 万元, 24 months, one KPI) closing `closes_in` from now.
async fn published(
    app: &TestApp,
    issuer: &Tokens,
    admin: &Tokens,
    closes_in: Duration,
    extra: Value,
) -> String {
    let now = app.state.clock.now();
    let mut body = json!({
        "title": "高性能碳纤维复合材料",
        "category": "tech_breakthrough",
        "field": "new_materials",
        "description": "面向风电叶片的低成本制备技术。",
        "kpis": [{"name": "拉伸强度", "target": "≥ 5.5", "unit": "GPa"}],
        "bounty_fen": 300_000_000,
        "bid_opens_at": rfc3339(now - Duration::days(1)),
        "bid_closes_at": rfc3339(now + closes_in),
        "max_duration_months": 24,
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let resp = app
        .post("/api/v1/challenges", &body, Some(&issuer.access))
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let id = resp.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (action, token) in [("submit", &issuer.access), ("approve", &admin.access)] {
        let resp = app
            .post(
                &format!("/api/v1/challenges/{id}/{action}"),
                &json!({}),
                Some(token),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::OK, "{action}");
    }
    id
}

/// A complete bid whose team is a leader numbered `n` and a member numbered `n + 1`.
fn bid(n: u32) -> Value {
    json!({
        "submit": true,
        "technical_approach": "大丝束原丝低温碳化工艺。",
        "kpi_commitments": [{"kpi": "拉伸强度", "value": "≥ 5.8 GPa"}],
        "requested_fen": 250_000_000,
        "duration_months": 18,
        "milestones": [
            {"title": "签约启动", "due_month": 1, "share_percent": 60},
            {"title": "验收", "due_month": 18, "share_percent": 40}
        ],
        "team": [
            {"name": "陈思远", "id_number": id_number(n), "role": "leader", "title": "教授", "duty": "总体方案"},
            {"name": "林晓", "id_number": id_number(n + 1), "role": "member", "title": "副教授", "duty": "工艺"}
        ]
    })
}

async fn post_bid(app: &TestApp, challenge: &str, token: &str, body: &Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/challenges/{challenge}/bids"),
        body,
        Some(token),
    )
    .await
}

async fn bid_ok(app: &TestApp, challenge: &str, token: &str, body: &Value) -> Value {
    let resp = post_bid(app, challenge, token, body).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    resp.json().await.unwrap()
}

async fn status_of_get(app: &TestApp, path: &str, token: Option<&str>) -> u16 {
    app.get(path, token).await.status().as_u16()
}

async fn listed(app: &TestApp, challenge: &str, token: Option<&str>) -> Vec<String> {
    let resp = app
        .get(&format!("/api/v1/challenges/{challenge}/bids"), token)
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let page: Value = resp.json().await.unwrap();
    let items: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(page["total"], items.len());
    items
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    app.db().await.query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn the_whole_flow_sealed_until_the_deadline_then_formal_review() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let other_issuer = app.issuer().await;
    let admin = app.admin().await;
    let expert = expert(&app, &admin).await;
    let (solver, _) = solver_of(&app, "university").await;
    let (rival, _) = solver_of(&app, "institute").await;
    let (late, _) = solver_of(&app, "enterprise").await;
    let challenge = published(&app, &issuer, &admin, Duration::days(10), json!({})).await;

    let body = bid(1);
    let created = bid_ok(&app, &challenge, &solver.access, &body).await;
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["status"], "submitted");
    // No code before bidding closes: it would tell how many bids were started.
    assert!(created["anonymous_code"].is_null());
    assert!(created["display_code"].is_null());
    assert_eq!(
        created["team"][0]["id_number_masked"],
        "340524********001X".replace("001X", &id_number(1)[14..])
    );
    assert!(
        created["credit_result"].is_null(),
        "credit details are for admins"
    );
    let text = created.to_string();
    assert!(
        !text.contains(&id_number(1)) && !text.contains(&id_number(2)),
        "{text}"
    );
    // The plain number is nowhere in the database either.
    let dump = count(
        &app,
        &format!(
            "SELECT count(*) FROM (SELECT row_to_json(b)::text AS t FROM bid_members b
             UNION ALL SELECT row_to_json(a)::text FROM audit_log a
             UNION ALL SELECT row_to_json(c)::text FROM credit_checks c) x WHERE t LIKE '%{}%'",
            id_number(1)
        ),
    )
    .await;
    assert_eq!(dump, 0);

    // A second organisation saves a draft: no code either.
    let mut draft = bid(10);
    draft["submit"] = json!(false);
    let rival_draft = bid_ok(&app, &challenge, &rival.access, &draft).await;
    assert_eq!(rival_draft["status"], "draft");
    assert!(rival_draft["anonymous_code"].is_null());
    let draft_id = rival_draft["id"].as_str().unwrap().to_string();

    // Formal review and the start of the review are refused while bidding is open.
    let resp = app
        .post(
            &format!("/api/v1/bids/{id}/formal-review"),
            &json!({"result": "eligible"}),
            Some(&admin.access),
        )
        .await;
    assert_problem(resp, 409, "formal_review_closed").await;

    // Sealed: before the deadline only the solver's own organisation and admins see the bid.
    let path = format!("/api/v1/bids/{id}");
    let guessed = format!("/api/v1/bids/{}", Uuid::now_v7());
    for (who, token, expected) in [
        ("own solver", Some(solver.access.as_str()), 200),
        ("admin", Some(admin.access.as_str()), 200),
        ("other solver", Some(rival.access.as_str()), 404),
        ("issuer", Some(issuer.access.as_str()), 404),
        ("other issuer", Some(other_issuer.access.as_str()), 404),
        ("expert", Some(expert.access.as_str()), 404),
        ("anonymous", None, 404),
    ] {
        assert_eq!(
            status_of_get(&app, &path, token).await,
            expected,
            "{who} before"
        );
        assert_eq!(
            status_of_get(&app, &guessed, token).await,
            404,
            "{who} guessed"
        );
    }
    assert_eq!(
        listed(&app, &challenge, Some(&solver.access)).await,
        vec![id.clone()]
    );
    assert_eq!(
        listed(&app, &challenge, Some(&rival.access)).await,
        vec![draft_id.clone()]
    );
    assert_eq!(listed(&app, &challenge, Some(&admin.access)).await.len(), 2);
    for token in [
        Some(issuer.access.as_str()),
        Some(other_issuer.access.as_str()),
        Some(expert.access.as_str()),
        None,
    ] {
        assert!(listed(&app, &challenge, token).await.is_empty());
    }
    // Admins see what the system found for the formal review.
    let seen: Value = app
        .get(&path, Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["credit_result"], "pass");
    assert_eq!(seen["prefill"]["complete"], true);
    assert_eq!(seen["prefill"]["credit"].as_array().unwrap().len(), 3);
    assert_eq!(seen["prefill"]["credit"][1]["role"], "leader");

    // The deadline passes; the closing job has not run yet: every write is refused.
    app.state
        .clock
        .advance(Duration::days(10) + Duration::minutes(1));
    let resp = app
        .patch(&path, &json!({"requested_fen": 1}), Some(&solver.access))
        .await;
    assert_problem(resp, 409, "bidding_closed").await;
    let resp = post_bid(&app, &challenge, &late.access, &bid(20)).await;
    assert_problem(resp, 409, "bidding_closed").await;
    let resp = app
        .post(
            &format!("{path}/withdraw"),
            &json!({}),
            Some(&solver.access),
        )
        .await;
    assert_problem(resp, 409, "bidding_closed").await;
    let resp = app
        .post(
            &format!("/api/v1/bids/{draft_id}/submit"),
            &json!({}),
            Some(&rival.access),
        )
        .await;
    assert_problem(resp, 409, "bidding_closed").await;
    assert!(
        listed(&app, &challenge, Some(&issuer.access))
            .await
            .is_empty()
    );

    // The job closes bidding: the issuer now sees the submitted bid (not the draft).
    app.run_jobs().await;
    for (who, token, expected) in [
        ("own solver", Some(solver.access.as_str()), 200),
        ("admin", Some(admin.access.as_str()), 200),
        ("issuer", Some(issuer.access.as_str()), 200),
        ("other solver", Some(rival.access.as_str()), 404),
        ("other issuer", Some(other_issuer.access.as_str()), 404),
        ("expert", Some(expert.access.as_str()), 404),
        ("anonymous", None, 404),
    ] {
        assert_eq!(
            status_of_get(&app, &path, token).await,
            expected,
            "{who} after"
        );
        assert_eq!(
            status_of_get(&app, &guessed, token).await,
            404,
            "{who} guessed"
        );
    }
    assert_eq!(
        status_of_get(
            &app,
            &format!("/api/v1/bids/{draft_id}"),
            Some(&issuer.access)
        )
        .await,
        404,
        "drafts stay hidden"
    );
    assert_eq!(
        listed(&app, &challenge, Some(&issuer.access)).await,
        vec![id.clone()]
    );
    assert!(
        listed(&app, &challenge, Some(&other_issuer.access))
            .await
            .is_empty()
    );
    let issuer_view: Value = app
        .get(&path, Some(&issuer.access))
        .await
        .json()
        .await
        .unwrap();
    assert!(issuer_view["prefill"].is_null());
    // Opened: the one submitted bid is 方案 A; the draft got no code.
    assert_eq!(issuer_view["anonymous_code"], "A");
    assert_eq!(issuer_view["display_code"], "方案 A");
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT count(*) FROM bids WHERE id = '{draft_id}' AND anonymous_code IS NULL"
            )
        )
        .await,
        1
    );
    assert_eq!(issuer_view["team"][0]["name"], "陈思远");
    assert!(!issuer_view.to_string().contains(&id_number(1)));
    assert!(
        notification_kinds(&app, &solver.access)
            .await
            .contains(&"bidding_closed".to_string())
    );
    assert!(
        notification_kinds(&app, &solver.access)
            .await
            .contains(&"bid_received".to_string())
    );

    // Expert review cannot start before every bid is reviewed.
    let start = format!("/api/v1/challenges/{challenge}/review/start");
    let resp = app.post(&start, &json!({}), Some(&admin.access)).await;
    let problem = assert_problem(resp, 409, "formal_review_incomplete").await;
    assert_eq!(error_fields(&problem), vec!["bids"]);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("尚有 1 份申报"),
        "{problem}"
    );
    let resp = app.post(&start, &json!({}), Some(&issuer.access)).await;
    assert_problem(resp, 403, "forbidden").await;

    // Formal review: admins only; a reason for ineligible; the solver is told.
    let review = format!("{path}/formal-review");
    let resp = app
        .post(
            &review,
            &json!({"result": "eligible"}),
            Some(&issuer.access),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = app
        .post(
            &review,
            &json!({"result": "ineligible"}),
            Some(&admin.access),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    let resp = app
        .post(
            &format!("/api/v1/bids/{draft_id}/formal-review"),
            &json!({"result": "eligible"}),
            Some(&admin.access),
        )
        .await;
    assert_problem(resp, 409, "invalid_bid_state").await;
    let resp = app
        .post(
            &review,
            &json!({"result": "eligible", "reason": "材料齐全"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let reviewed: Value = resp.json().await.unwrap();
    assert_eq!(reviewed["status"], "eligible");
    assert_eq!(reviewed["formal_review"]["result"], "eligible");
    assert!(
        notification_kinds(&app, &solver.access)
            .await
            .contains(&"bid_reviewed".to_string())
    );

    let resp = app.post(&start, &json!({}), Some(&admin.access)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["status"],
        "under_review"
    );
    // Once review started, formal review is closed.
    let resp = app
        .post(
            &review,
            &json!({"result": "ineligible", "reason": "x"}),
            Some(&admin.access),
        )
        .await;
    assert_problem(resp, 409, "formal_review_closed").await;
    let audit = count(
        &app,
        "SELECT count(*) FROM audit_log WHERE action LIKE 'bid.%'",
    )
    .await;
    assert!(audit >= 3, "{audit}");
}

#[tokio::test]
async fn each_refusal_names_its_field() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let (solver, _) = solver_of(&app, "university").await;
    let challenge = published(&app, &issuer, &admin, Duration::days(10), json!({})).await;

    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "over the bounty",
            json!({"requested_fen": 300_000_001}),
            "requested_fen",
            "over_bounty",
        ),
        (
            "over the duration",
            json!({"duration_months": 25}),
            "duration_months",
            "over_limit",
        ),
        (
            "shares not 100",
            json!({"milestones": [{"title": "一", "due_month": 1, "share_percent": 60},
                                  {"title": "二", "due_month": 6, "share_percent": 30}]}),
            "milestones",
            "sum",
        ),
        (
            "milestone after the end",
            json!({"milestones": [{"title": "一", "due_month": 19, "share_percent": 100}]}),
            "milestones[0].due_month",
            "over_limit",
        ),
        (
            "KPI missing",
            json!({"kpi_commitments": []}),
            "kpi_commitments",
            "missing_kpi",
        ),
    ];
    for (what, change, field, code) in cases {
        let mut body = bid(1);
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let resp = post_bid(&app, &challenge, &solver.access, &body).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec![field], "{what}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{what}");
    }
    // A wrong check character is refused even in a draft, naming the member.
    for submit in [true, false] {
        let mut body = bid(1);
        body["submit"] = json!(submit);
        body["team"][1]["id_number"] = json!(bad_id_number(2));
        let resp = post_bid(&app, &challenge, &solver.access, &body).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec!["team[1].id_number"]);
        assert_eq!(problem["errors"][0]["code"], "check_character");
        assert!(!problem.to_string().contains(&bad_id_number(2)));
    }
    // Two leaders.
    let mut body = bid(1);
    body["team"][1]["role"] = json!("leader");
    let problem = assert_problem(
        post_bid(&app, &challenge, &solver.access, &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["team"]);
    assert_eq!(count(&app, "SELECT count(*) FROM bids").await, 0);

    // The organisation's kind must be eligible.
    let universities = published(
        &app,
        &issuer,
        &admin,
        Duration::days(10),
        json!({"eligibility": {"org_kinds": ["university"]}}),
    )
    .await;
    let (company, _) = solver_of(&app, "enterprise").await;
    let resp = post_bid(&app, &universities, &company.access, &bid(30)).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["organization"]);
    assert_eq!(problem["errors"][0]["code"], "org_kind_not_eligible");

    // Only solvers bid; a second live bid of one organisation is refused.
    let resp = post_bid(&app, &challenge, &issuer.access, &bid(1)).await;
    assert_problem(resp, 403, "forbidden").await;
    bid_ok(&app, &challenge, &solver.access, &bid(1)).await;
    let resp = post_bid(&app, &challenge, &solver.access, &bid(1)).await;
    assert_problem(resp, 409, "bid_exists").await;
    // Before the window opens.
    let now = app.state.clock.now();
    let future = published(
        &app,
        &issuer,
        &admin,
        Duration::days(20),
        json!({"bid_opens_at": rfc3339(now + Duration::days(5))}),
    )
    .await;
    let resp = post_bid(&app, &future, &solver.access, &bid(1)).await;
    assert_problem(resp, 409, "bidding_not_open").await;
}

#[tokio::test]
async fn blocked_credit_refuses_the_bid_naming_the_party_and_the_checks_remain() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let challenge = published(&app, &issuer, &admin, Duration::days(10), json!({})).await;
    let record = |kind: &str, code: &str, severity: &str, id: &str| {
        json!({"subject_kind": kind, "subject_code": code, "subject_name": "受查主体",
               "severity": severity, "decided_on": "2024-01-02", "source_record_id": id,
               "reason": "拒不履行法院判决"})
    };
    let add = async |body: Value| {
        let resp = app
            .post("/api/v1/credit/records", &body, Some(&admin.access))
            .await;
        assert_eq!(resp.status(), StatusCode::CREATED);
    };

    // The organisation is seriously dishonest.
    let (blocked_org, uscc) = solver_of(&app, "university").await;
    add(record("organization", &uscc, "serious", "R-1")).await;
    let resp = post_bid(&app, &challenge, &blocked_org.access, &bid(40)).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["organization"]);
    assert_eq!(problem["errors"][0]["code"], "credit_blocked");
    // Which party and why (the kind of record in force), but not the record itself.
    assert_eq!(
        problem["errors"][0]["message"],
        "信用审查未通过：存在在效的严重失信记录，不能参与揭榜"
    );
    assert!(!problem.to_string().contains("拒不履行"), "{problem}");
    assert_eq!(count(&app, "SELECT count(*) FROM bids").await, 0);
    // The three checks (organisation, leader, member) were stored although the bid was refused.
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM credit_checks WHERE purpose = 'bid_submit'"
        )
        .await,
        3
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM credit_checks WHERE purpose = 'bid_submit' AND result = 'block'"
        )
        .await,
        1
    );

    // A member is seriously dishonest: the 422 names that member only.
    let (solver, _) = solver_of(&app, "university").await;
    add(record("person", &id_number(51), "serious", "R-2")).await;
    let resp = post_bid(&app, &challenge, &solver.access, &bid(50)).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["team[1].id_number"]);
    let text = problem.to_string();
    assert!(
        !text.contains("林晓") && !text.contains("陈思远") && !text.contains(&id_number(51)[..6]),
        "{text}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM credit_checks WHERE purpose = 'bid_submit'"
        )
        .await,
        6
    );
    // Saved as a draft it is accepted (no checks yet); submitting it runs the gate again.
    let mut draft = bid(50);
    draft["submit"] = json!(false);
    let saved = bid_ok(&app, &challenge, &solver.access, &draft).await;
    let resp = app
        .post(
            &format!("/api/v1/bids/{}/submit", saved["id"].as_str().unwrap()),
            &json!({}),
            Some(&solver.access),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["team[1].id_number"]);

    // A general record only warns: the bid is accepted and flagged for the formal review.
    let (warned, _) = solver_of(&app, "university").await;
    add(record("person", &id_number(60), "general", "R-3")).await;
    let accepted = bid_ok(&app, &challenge, &warned.access, &bid(60)).await;
    let seen: Value = app
        .get(
            &format!("/api/v1/bids/{}", accepted["id"].as_str().unwrap()),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["credit_result"], "warn");
    assert_eq!(seen["prefill"]["credit_result"], "warn");
    assert_eq!(seen["prefill"]["credit"][1]["result"], "warn");
    assert_eq!(seen["prefill"]["credit"][0]["result"], "pass");
    assert!(!seen.to_string().contains(&id_number(60)));

    // Where the challenge says general records block, they do.
    let strict = published(
        &app,
        &issuer,
        &admin,
        Duration::days(10),
        json!({"eligibility": {"org_kinds": ["university"], "general_credit_blocks": true}}),
    )
    .await;
    let resp = post_bid(&app, &strict, &warned.access, &bid(60)).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["team[0].id_number"]);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("本榜单规定一般失信亦不得揭榜"),
        "{problem}"
    );

    // A batch review covers the bidders, their leaders and members.
    let resp = app
        .post(
            "/api/v1/credit/reviews",
            &json!({"challenge_ids": [challenge]}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let review: Value = resp.json().await.unwrap();
    assert_eq!(review["totals"]["organization"]["total"], 2, "{review}");
    assert_eq!(review["totals"]["person"]["total"], 2, "{review}");
    assert_eq!(review["totals"]["person"]["warn"], 1, "{review}");
}

#[tokio::test]
async fn a_concurrent_double_submit_makes_exactly_one_bid() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let (solver, _) = solver_of(&app, "university").await;
    let challenge = published(&app, &issuer, &admin, Duration::days(10), json!({})).await;
    let body = bid(70);
    let attempts = (0..6).map(|_| post_bid(&app, &challenge, &solver.access, &body));
    let responses = futures_util::future::join_all(attempts).await;
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, vec![201, 409, 409, 409, 409, 409]);
    for resp in responses {
        if resp.status() == StatusCode::CONFLICT {
            assert_problem(resp, 409, "bid_exists").await;
        }
    }
    assert_eq!(count(&app, "SELECT count(*) FROM bids").await, 1);
}

#[tokio::test]
async fn edit_submit_withdraw_then_bid_again() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let (solver, _) = solver_of(&app, "university").await;
    let (other, _) = solver_of(&app, "university").await;
    let challenge = published(&app, &issuer, &admin, Duration::days(10), json!({})).await;

    let mut draft = bid(80);
    draft["submit"] = json!(false);
    draft["milestones"] = json!([]);
    let saved = bid_ok(&app, &challenge, &solver.access, &draft).await;
    let path = format!("/api/v1/bids/{}", saved["id"].as_str().unwrap());
    // Incomplete: submitting says what is missing.
    let resp = app
        .post(&format!("{path}/submit"), &json!({}), Some(&solver.access))
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["milestones"]);
    // Another organisation cannot touch it (404, not 403).
    let resp = app
        .patch(&path, &json!({"duration_months": 12}), Some(&other.access))
        .await;
    assert_problem(resp, 404, "not_found").await;
    let resp = app
        .post(&format!("{path}/withdraw"), &json!({}), Some(&other.access))
        .await;
    assert_problem(resp, 404, "not_found").await;
    // Completed, then submitted.
    let resp = app
        .patch(
            &path,
            &json!({"milestones": [{"title": "验收", "due_month": 12, "share_percent": 100}]}),
            Some(&solver.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let resp = app
        .post(&format!("{path}/submit"), &json!({}), Some(&solver.access))
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let submitted: Value = resp.json().await.unwrap();
    assert_eq!(submitted["status"], "submitted");
    let resp = app
        .post(&format!("{path}/submit"), &json!({}), Some(&solver.access))
        .await;
    assert_problem(resp, 409, "invalid_bid_state").await;
    // A submitted bid is checked again when edited.
    let resp = app
        .patch(
            &path,
            &json!({"requested_fen": 900_000_000}),
            Some(&solver.access),
        )
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["requested_fen"]);
    let resp = app
        .patch(
            &path,
            &json!({"team": [{"name": "王五", "id_number": id_number(90), "role": "leader"}]}),
            Some(&solver.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let edited: Value = resp.json().await.unwrap();
    assert_eq!(edited["team"].as_array().unwrap().len(), 1);
    assert_eq!(edited["version"], 4);
    let resp = app
        .request(reqwest::Method::PATCH, &path, Some(&solver.access))
        .header("If-Match", "\"v3\"")
        .json(&json!({"duration_months": 12}))
        .send()
        .await
        .unwrap();
    assert_problem(resp, 412, "stale_version").await;
    let resp = app
        .request(reqwest::Method::PATCH, &path, Some(&solver.access))
        .header("If-Match", "\"v4\"")
        .json(&json!({"duration_months": 12}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    // Withdrawn: the organisation may bid again, under a new code.
    let resp = app
        .post(
            &format!("{path}/withdraw"),
            &json!({}),
            Some(&solver.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.json::<Value>().await.unwrap()["status"], "withdrawn");
    let resp = app
        .post(
            &format!("{path}/withdraw"),
            &json!({}),
            Some(&solver.access),
        )
        .await;
    assert_problem(resp, 409, "invalid_bid_state").await;
    let again = bid_ok(&app, &challenge, &solver.access, &bid(80)).await;
    assert_eq!(again["status"], "submitted");
    assert!(again["anonymous_code"].is_null());

    // Bidders are told of clarifications and of cancellation.
    let resp = app
        .post(
            &format!("/api/v1/challenges/{challenge}/clarifications"),
            &json!({"question": "是否接受联合体？", "answer": "接受。"}),
            Some(&issuer.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(
        notification_kinds(&app, &solver.access)
            .await
            .contains(&"clarification_added".to_string())
    );
    assert!(
        !notification_kinds(&app, &other.access)
            .await
            .contains(&"clarification_added".to_string())
    );
    let resp = app
        .post(
            &format!("/api/v1/challenges/{challenge}/cancel"),
            &json!({"reason": "需求变更"}),
            Some(&issuer.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        notification_kinds(&app, &solver.access)
            .await
            .contains(&"challenge_cancelled".to_string())
    );
    // A cancelled challenge takes no more changes.
    let resp = app
        .patch(
            &format!("/api/v1/bids/{}", again["id"].as_str().unwrap()),
            &json!({"duration_months": 12}),
            Some(&solver.access),
        )
        .await;
    assert_problem(resp, 409, "bidding_closed").await;
}

#[tokio::test]
async fn naming_a_rivals_uscc_at_registration_gives_no_access_to_its_bids_until_approved() {
    let app = TestApp::spawn().await;
    let issuer = app.issuer().await;
    let admin = app.admin().await;
    let (solver, uscc) = solver_of(&app, "university").await;
    let challenge = published(&app, &issuer, &admin, Duration::days(10), json!({})).await;
    let created = bid_ok(&app, &challenge, &solver.access, &bid(1)).await;
    let path = format!("/api/v1/bids/{}", created["id"].as_str().unwrap());

    // Anyone can read a USCC off a business licence and register "into" that organisation.
    let email = format!("intruder-{}@example.com", Uuid::new_v4().simple());
    let resp = app
        .post(
            "/api/v1/auth/register",
            &json!({
                "email": email, "password": PASSWORD, "display_name": "冒名者", "role": "solver",
                "organization": {"name": "随便写的名字", "uscc": uscc, "kind": "university"},
            }),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let joined: Value = resp.json().await.unwrap();
    assert_eq!(joined["membership_pending"], true);
    let intruder = app.login_ok(&email).await;
    // Pending: the organisation's bids are not found, nor listed, nor writable, and it cannot
    // bid for the organisation or approve itself.
    assert_eq!(
        status_of_get(&app, &path, Some(&intruder.access)).await,
        404
    );
    assert!(
        listed(&app, &challenge, Some(&intruder.access))
            .await
            .is_empty()
    );
    // (Writes answer 403 whatever the id: an account of no organisation acts for none.)
    let resp = app
        .post(
            &format!("{path}/withdraw"),
            &json!({}),
            Some(&intruder.access),
        )
        .await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = post_bid(&app, &challenge, &intruder.access, &bid(2)).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let org = joined["organization"]["id"].as_str().unwrap();
    let intruder_id = joined["id"].as_str().unwrap();
    let approve = format!("/api/v1/organizations/{org}/members/{intruder_id}/approve");
    let resp = app.post(&approve, &json!({}), Some(&intruder.access)).await;
    assert_problem(resp, 404, "not_found").await;
    // An outsider cannot approve either; the organisation's own account can, and sees who waits.
    let outsider = app.solver().await;
    let resp = app.post(&approve, &json!({}), Some(&outsider.access)).await;
    assert_problem(resp, 404, "not_found").await;
    let detail: Value = app
        .get(
            &format!("/api/v1/organizations/{org}"),
            Some(&solver.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let waiting: Vec<&Value> = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["membership_pending"] == true)
        .collect();
    assert_eq!(waiting.len(), 1);
    let resp = app.post(&approve, &json!({}), Some(&solver.access)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.json::<Value>().await.unwrap()["membership_pending"],
        false
    );
    // Approved: a member like any other (the same token works at once).
    assert_eq!(
        status_of_get(&app, &path, Some(&intruder.access)).await,
        200
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'user.membership_approve'"
        )
        .await,
        1
    );
}
