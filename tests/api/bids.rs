//! Bids: the whole flow through HTTP, each refusal, the credit gate (checks kept when a bid is
//! refused), the visibility matrix before and after the deadline, concurrency, and formal review.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    Registration, TestApp, Tokens, assert_not_notified, assert_notified, assert_problem,
    assert_status, error_fields, id_of, ids, new_uscc, rfc3339,
};
use crate::scenario::{Scenario, add_credit_record, bid, id_number, merge};

/// A complete bid of team `n` (陈思远 and 林晓).
fn complete_bid(n: u32) -> Value {
    bid(n, "陈思远", "林晓")
}

/// [`complete_bid`], saved as a draft.
fn draft_bid(n: u32) -> Value {
    let mut body = complete_bid(n);
    body["submit"] = json!(false);
    body
}

/// The same number with a wrong check character.
fn bad_id_number(n: u32) -> String {
    let good = id_number(n);
    let last = if good.ends_with('0') { '1' } else { '0' };
    format!("{}{last}", &good[..17])
}

/// A solver of a new organisation of `kind`; answers its tokens and the organisation's USCC.
async fn solver_of(app: &TestApp, kind: &str) -> (Tokens, String) {
    let uscc = new_uscc();
    let registration = Registration::new("solver")
        .name("揭榜人")
        .org("海西大学", &uscc)
        .kind(kind);
    (app.sign_up(&registration).await, uscc)
}

async fn post_bid(
    app: &TestApp,
    challenge: &str,
    token: &Tokens,
    body: &Value,
) -> reqwest::Response {
    let path = format!("/api/v1/challenges/{challenge}/bids");
    app.post(&path, body, Some(&token.access)).await
}

async fn bid_ok(app: &TestApp, challenge: &str, token: &Tokens, body: &Value) -> Value {
    assert_status(post_bid(app, challenge, token, body).await, 201).await
}

/// The ids of the challenge's bids that `token` sees listed (the total agreeing).
async fn listed(app: &TestApp, challenge: &str, token: Option<&Tokens>) -> Vec<String> {
    let path = format!("/api/v1/challenges/{challenge}/bids");
    let page = app.get_ok(&path, token.map(|t| t.access.as_str())).await;
    let items = ids(&page["items"], "id");
    assert_eq!(page["total"], items.len());
    items
}

/// `POST /bids/{id}/{action}` by `who`.
async fn act(
    app: &TestApp,
    bid: &str,
    action: &str,
    body: Value,
    who: &Tokens,
) -> reqwest::Response {
    let path = format!("/api/v1/bids/{bid}/{action}");
    app.post(&path, &body, Some(&who.access)).await
}

#[tokio::test]
async fn a_submitted_bid_shows_no_code_and_no_id_number_anywhere() {
    let app = TestApp::spawn().await;
    let s = app.scenario().build().await;
    let (solver, _) = solver_of(&app, "university").await;
    let created = bid_ok(&app, &s.challenge_id, &solver, &complete_bid(1)).await;
    assert_eq!(created["status"], "submitted");
    // No code before bidding closes: it would tell how many bids were started.
    assert!(created["anonymous_code"].is_null());
    assert!(created["display_code"].is_null());
    let id = id_number(1);
    let masked = format!("{}********{}", &id[..6], &id[14..]);
    assert_eq!(created["team"][0]["id_number_masked"], masked);
    assert!(
        created["credit_result"].is_null(),
        "credit details are for admins"
    );
    let text = created.to_string();
    assert!(
        !text.contains(&id) && !text.contains(&id_number(2)),
        "{text}"
    );
    // The plain number is nowhere in the database either.
    let dump = app
        .count(&format!(
            "SELECT count(*) FROM (SELECT row_to_json(b)::text AS t FROM bid_members b
             UNION ALL SELECT row_to_json(a)::text FROM audit_log a
             UNION ALL SELECT row_to_json(c)::text FROM credit_checks c) x WHERE t LIKE '%{id}%'"
        ))
        .await;
    assert_eq!(dump, 0);

    // A second organisation saves a draft: no code either.
    let (rival, _) = solver_of(&app, "institute").await;
    let draft = bid_ok(&app, &s.challenge_id, &rival, &draft_bid(10)).await;
    assert_eq!(draft["status"], "draft");
    assert!(draft["anonymous_code"].is_null());
}

/// A challenge closing in ten days with a submitted bid (海西大学, team 1) and a rival's draft,
/// and everyone who might look: another solver, another issuer, an expert.
struct Sealed<'a> {
    s: Scenario<'a>,
    rival: Tokens,
    draft: String,
    other_issuer: Tokens,
    expert: Tokens,
}

async fn sealed(app: &TestApp) -> Sealed<'_> {
    let s = app
        .scenario()
        .closing_in(Duration::days(10))
        .with_bidders(&[("海西大学", 1, "陈思远", "林晓")])
        .build()
        .await;
    let (rival, _) = solver_of(app, "institute").await;
    let draft = id_of(&bid_ok(app, &s.challenge_id, &rival, &draft_bid(10)).await);
    let other_issuer = app.issuer().await;
    let expert = s.expert(900).create().await.tokens;
    Sealed {
        s,
        rival,
        draft,
        other_issuer,
        expert,
    }
}

impl Sealed<'_> {
    /// Asserts who reads the submitted bid: its organisation and admins, the issuer as given
    /// (`issuer_sees`), nobody else; and that a guessed id is 404 for everyone.
    async fn assert_seen(&self, issuer_sees: u16) {
        let (app, s) = (self.s.app, &self.s);
        let path = format!("/api/v1/bids/{}", s.bids[0].id);
        let guessed = format!("/api/v1/bids/{}", Uuid::now_v7());
        for (who, token, expected) in [
            ("own solver", Some(&s.bids[0].solver), 200),
            ("admin", Some(&s.admin), 200),
            ("issuer", Some(&s.issuer), issuer_sees),
            ("other solver", Some(&self.rival), 404),
            ("other issuer", Some(&self.other_issuer), 404),
            ("expert", Some(&self.expert), 404),
            ("anonymous", None, 404),
        ] {
            let token = token.map(|t| t.access.as_str());
            assert_eq!(app.get(&path, token).await.status(), expected, "{who}");
            let status = app.get(&guessed, token).await.status();
            assert_eq!(status, 404, "{who} guessed");
        }
    }
}

#[tokio::test]
async fn before_the_deadline_only_the_bidders_organisation_and_admins_see_a_bid() {
    let app = TestApp::spawn().await;
    let t = sealed(&app).await;
    let s = &t.s;
    let (solver, id) = (&s.bids[0].solver, &s.bids[0].id);

    // Formal review is refused while bidding is open.
    let eligible = json!({"result": "eligible"});
    let resp = act(&app, id, "formal-review", eligible, &s.admin).await;
    assert_problem(resp, 409, "formal_review_closed").await;

    // Sealed: before the deadline only the solver's own organisation and admins see the bid.
    t.assert_seen(404).await;
    let challenge = s.challenge_id.as_str();
    assert_eq!(
        listed(&app, challenge, Some(solver)).await,
        vec![id.clone()]
    );
    assert_eq!(
        listed(&app, challenge, Some(&t.rival)).await,
        vec![t.draft.clone()]
    );
    assert_eq!(listed(&app, challenge, Some(&s.admin)).await.len(), 2);
    for token in [
        Some(&s.issuer),
        Some(&t.other_issuer),
        Some(&t.expert),
        None,
    ] {
        assert!(listed(&app, challenge, token).await.is_empty());
    }
    // Admins see what the system found for the formal review.
    let path = format!("/api/v1/bids/{id}");
    let seen = app.get_ok(&path, Some(&s.admin.access)).await;
    assert_eq!(seen["credit_result"], "pass");
    assert_eq!(seen["prefill"]["complete"], true);
    assert_eq!(seen["prefill"]["credit"].as_array().unwrap().len(), 3);
    assert_eq!(seen["prefill"]["credit"][1]["role"], "leader");
}

#[tokio::test]
async fn once_the_deadline_passes_every_write_is_refused_even_before_the_closing_job() {
    let app = TestApp::spawn().await;
    let sealed = sealed(&app).await;
    let (s, rival, draft) = (&sealed.s, &sealed.rival, &sealed.draft);
    let (solver, id) = (&s.bids[0].solver, &s.bids[0].id);
    let (late, _) = solver_of(&app, "enterprise").await;

    app.state
        .clock
        .advance(Duration::days(10) + Duration::minutes(1));
    let resp = app
        .patch(
            &format!("/api/v1/bids/{id}"),
            &json!({"requested_fen": 1}),
            Some(&solver.access),
        )
        .await;
    assert_problem(resp, 409, "bidding_closed").await;
    let resp = post_bid(&app, &s.challenge_id, &late, &complete_bid(20)).await;
    let problem = assert_problem(resp, 409, "bidding_closed").await;
    // The state it is in for the bidder, although the closing job has not moved it yet.
    assert_eq!(
        problem["detail"], "榜单不在张榜状态（当前：揭榜截止）",
        "{problem}"
    );
    assert_eq!(problem["errors"][0]["field"], "status");
    assert_eq!(
        problem["errors"][0]["message"],
        "不在张榜状态（当前：揭榜截止）"
    );
    let resp = act(&app, id, "withdraw", json!({}), solver).await;
    assert_problem(resp, 409, "bidding_closed").await;
    let resp = act(&app, draft, "submit", json!({}), rival).await;
    assert_problem(resp, 409, "bidding_closed").await;
    assert!(
        listed(&app, &s.challenge_id, Some(&s.issuer))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn after_the_close_the_issuer_sees_the_submitted_bid_under_its_code() {
    let app = TestApp::spawn().await;
    let t = sealed(&app).await;
    let s = &t.s;
    let (solver, id) = (&s.bids[0].solver, &s.bids[0].id);

    // The job closes bidding: the issuer now sees the submitted bid (not the draft).
    s.close_bidding().await;
    t.assert_seen(200).await;
    let hidden = app
        .get(&format!("/api/v1/bids/{}", t.draft), Some(&s.issuer.access))
        .await;
    assert_eq!(hidden.status(), 404, "drafts stay hidden");
    let challenge = s.challenge_id.as_str();
    assert_eq!(
        listed(&app, challenge, Some(&s.issuer)).await,
        vec![id.clone()]
    );
    assert!(
        listed(&app, challenge, Some(&t.other_issuer))
            .await
            .is_empty()
    );
    let issuer_view = app
        .get_ok(&format!("/api/v1/bids/{id}"), Some(&s.issuer.access))
        .await;
    assert!(issuer_view["prefill"].is_null());
    assert!(issuer_view["credit_warning"].is_null());
    // Its own organisation sees a clean credit check as such.
    let own = app
        .get_ok(&format!("/api/v1/bids/{id}"), Some(&solver.access))
        .await;
    assert_eq!(own["credit_warning"], false);
    // Opened: the one submitted bid is 方案 A; the draft got no code.
    assert_eq!(issuer_view["anonymous_code"], "A");
    assert_eq!(issuer_view["display_code"], "方案 A");
    let uncoded = format!(
        "SELECT count(*) FROM bids WHERE id = '{}' AND anonymous_code IS NULL",
        t.draft
    );
    assert_eq!(app.count(&uncoded).await, 1);
    assert_eq!(issuer_view["team"][0]["name"], "陈思远");
    assert!(!issuer_view.to_string().contains(&id_number(1)));
    assert_notified(&app, &solver.access, "bidding_closed").await;
    assert_notified(&app, &solver.access, "bid_received").await;
}

#[tokio::test]
async fn formal_review_by_an_admin_decides_each_bid_before_the_review_starts() {
    let app = TestApp::spawn().await;
    let sealed = sealed(&app).await;
    let (s, draft) = (&sealed.s, &sealed.draft);
    let (solver, id) = (&s.bids[0].solver, &s.bids[0].id);
    s.close_bidding().await;

    // Expert review cannot start before every bid is reviewed, nor by the issuer.
    let start = s.path("/review/start");
    let resp = app.post(&start, &json!({}), Some(&s.admin.access)).await;
    let problem = assert_problem(resp, 409, "formal_review_incomplete").await;
    assert_eq!(error_fields(&problem), vec!["bids"]);
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("尚有 1 份申报"), "{problem}");
    let resp = app.post(&start, &json!({}), Some(&s.issuer.access)).await;
    assert_problem(resp, 403, "forbidden").await;

    // Formal review: admins only; a reason for ineligible; the solver is told.
    let review = async |bid: &str, body: Value, who: &Tokens| {
        act(&app, bid, "formal-review", body, who).await
    };
    let eligible = json!({"result": "eligible"});
    let resp = review(id, eligible.clone(), &s.issuer).await;
    assert_problem(resp, 403, "forbidden").await;
    let resp = review(id, json!({"result": "ineligible"}), &s.admin).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["reason"]);
    let resp = review(draft, eligible, &s.admin).await;
    assert_problem(resp, 409, "invalid_bid_state").await;
    let with_reason = json!({"result": "eligible", "reason": "材料齐全"});
    let reviewed = assert_status(review(id, with_reason, &s.admin).await, 200).await;
    assert_eq!(reviewed["status"], "eligible");
    assert_eq!(reviewed["formal_review"]["result"], "eligible");
    assert_notified(&app, &solver.access, "bid_reviewed").await;

    let started = app.post_ok(&start, &json!({}), Some(&s.admin.access)).await;
    assert_eq!(started["status"], "under_review");
    // Once review started, formal review is closed.
    let late = json!({"result": "ineligible", "reason": "x"});
    assert_problem(
        review(id, late, &s.admin).await,
        409,
        "formal_review_closed",
    )
    .await;
    let audit = app
        .count("SELECT count(*) FROM audit_log WHERE action LIKE 'bid.%'")
        .await;
    assert!(audit >= 3, "{audit}");
}

#[tokio::test]
async fn each_refusal_names_its_field() {
    let app = TestApp::spawn().await;
    let s = app.scenario().build().await;
    let challenge = s.challenge_id.as_str();
    let (solver, _) = solver_of(&app, "university").await;

    let shares = json!([{"title": "一", "due_month": 1, "share_percent": 60},
                        {"title": "二", "due_month": 6, "share_percent": 30}]);
    let late = json!([{"title": "一", "due_month": 19, "share_percent": 100}]);
    for (what, change, field, code) in [
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
            json!({"milestones": shares}),
            "milestones",
            "sum",
        ),
        (
            "milestone after the end",
            json!({"milestones": late}),
            "milestones[0].due_month",
            "over_limit",
        ),
        (
            "KPI missing",
            json!({"kpi_commitments": []}),
            "kpi_commitments",
            "missing_kpi",
        ),
    ] {
        let body = merge(complete_bid(1), &change);
        let resp = post_bid(&app, challenge, &solver, &body).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec![field], "{what}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{what}");
    }
    // A wrong check character is refused even in a draft, naming the member.
    for mut body in [complete_bid(1), draft_bid(1)] {
        body["team"][1]["id_number"] = json!(bad_id_number(2));
        let resp = post_bid(&app, challenge, &solver, &body).await;
        let problem = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec!["team[1].id_number"]);
        assert_eq!(problem["errors"][0]["code"], "check_character");
        assert!(!problem.to_string().contains(&bad_id_number(2)));
    }
    // Two leaders.
    let mut body = complete_bid(1);
    body["team"][1]["role"] = json!("leader");
    let resp = post_bid(&app, challenge, &solver, &body).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["team"]);
    assert_eq!(app.count("SELECT count(*) FROM bids").await, 0);

    // The organisation's kind must be eligible.
    let another = async |overrides: Value| {
        let builder = app
            .scenario()
            .admin(&s.admin)
            .closing_in(Duration::days(20));
        builder.challenge(overrides).build().await.challenge_id
    };
    let universities = another(json!({"eligibility": {"org_kinds": ["university"]}})).await;
    let (company, _) = solver_of(&app, "enterprise").await;
    let resp = post_bid(&app, &universities, &company, &complete_bid(30)).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["organization"]);
    assert_eq!(problem["errors"][0]["code"], "org_kind_not_eligible");

    // Only solvers bid; a second live bid of one organisation is refused.
    let resp = post_bid(&app, challenge, &s.issuer, &complete_bid(1)).await;
    assert_problem(resp, 403, "forbidden").await;
    bid_ok(&app, challenge, &solver, &complete_bid(1)).await;
    let resp = post_bid(&app, challenge, &solver, &complete_bid(1)).await;
    assert_problem(resp, 409, "bid_exists").await;
    // Before the window opens.
    let opens = rfc3339(app.state.clock.now() + Duration::days(5));
    let future = another(json!({"bid_opens_at": opens})).await;
    let resp = post_bid(&app, &future, &solver, &complete_bid(1)).await;
    assert_problem(resp, 409, "bidding_not_open").await;
}

/// How many credit checks of bids were stored, and how many of them blocked.
async fn bid_checks(app: &TestApp) -> (i64, i64) {
    let all = "SELECT count(*) FROM credit_checks WHERE purpose = 'bid_submit'";
    let blocked = format!("{all} AND result = 'block'");
    (app.count(all).await, app.count(&blocked).await)
}

#[tokio::test]
async fn a_seriously_dishonest_organisation_is_refused_and_its_checks_remain() {
    let app = TestApp::spawn().await;
    let s = app.scenario().build().await;
    let (blocked_org, uscc) = solver_of(&app, "university").await;
    add_credit_record(&app, &s.admin, "organization", &uscc, "serious").await;
    let resp = post_bid(&app, &s.challenge_id, &blocked_org, &complete_bid(40)).await;
    let problem = assert_problem(resp, 422, "credit_refused").await;
    assert_eq!(error_fields(&problem), vec!["organization"]);
    assert_eq!(problem["errors"][0]["code"], "credit_blocked");
    // What happened and what the bidder can do.
    let title = problem["title"].as_str().unwrap();
    assert!(title.starts_with("信用审查未通过"), "{problem}");
    assert!(
        title.contains("信用修复") && title.contains("项目办"),
        "{problem}"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("有 1 方存在有效的失信记录"),
        "{problem}"
    );
    // Which party and why (the kind of record in force), but not the record itself.
    assert_eq!(
        problem["errors"][0]["message"],
        "信用审查未通过：存在有效的严重失信记录，不能参与揭榜"
    );
    assert!(!problem.to_string().contains("拒不履行"), "{problem}");
    assert_eq!(app.count("SELECT count(*) FROM bids").await, 0);
    // The three checks (organisation, leader, member) were stored although the bid was refused.
    assert_eq!(bid_checks(&app).await, (3, 1));
}

#[tokio::test]
async fn a_seriously_dishonest_member_is_named_alone_also_when_a_draft_is_submitted() {
    let app = TestApp::spawn().await;
    let s = app.scenario().build().await;
    let (solver, _) = solver_of(&app, "university").await;
    add_credit_record(&app, &s.admin, "person", &id_number(51), "serious").await;
    let resp = post_bid(&app, &s.challenge_id, &solver, &complete_bid(50)).await;
    let problem = assert_problem(resp, 422, "credit_refused").await;
    assert_eq!(error_fields(&problem), vec!["team[1].id_number"]);
    let text = problem.to_string();
    assert!(
        !text.contains("林晓") && !text.contains("陈思远") && !text.contains(&id_number(51)[..6]),
        "{text}"
    );
    assert_eq!(bid_checks(&app).await, (3, 1));
    // Saved as a draft it is accepted (no checks yet); submitting it runs the gate again.
    let saved = bid_ok(&app, &s.challenge_id, &solver, &draft_bid(50)).await;
    let resp = act(&app, &id_of(&saved), "submit", json!({}), &solver).await;
    let problem = assert_problem(resp, 422, "credit_refused").await;
    assert_eq!(error_fields(&problem), vec!["team[1].id_number"]);
}

#[tokio::test]
async fn a_general_record_warns_unless_the_challenge_says_it_blocks() {
    let app = TestApp::spawn().await;
    let s = app.scenario().build().await;
    // A general record only warns: the bid is accepted and flagged for the formal review.
    let (warned, _) = solver_of(&app, "university").await;
    add_credit_record(&app, &s.admin, "person", &id_number(60), "general").await;
    let accepted = bid_ok(&app, &s.challenge_id, &warned, &complete_bid(60)).await;
    let path = format!("/api/v1/bids/{}", id_of(&accepted));
    // The bidder sees on its own bid that it carries a warning, without the details.
    assert_eq!(accepted["credit_warning"], true, "{accepted}");
    let own = app.get_ok(&path, Some(&warned.access)).await;
    assert_eq!(own["credit_warning"], true);
    assert!(own["credit_result"].is_null() && own["prefill"].is_null());
    let seen = app.get_ok(&path, Some(&s.admin.access)).await;
    assert_eq!(seen["credit_warning"], true);
    assert_eq!(seen["credit_result"], "warn");
    assert_eq!(seen["prefill"]["credit_result"], "warn");
    assert_eq!(seen["prefill"]["credit"][1]["result"], "warn");
    assert_eq!(seen["prefill"]["credit"][0]["result"], "pass");
    assert!(!seen.to_string().contains(&id_number(60)));

    // Where the challenge says general records block, they do.
    let strict = app
        .scenario()
        .admin(&s.admin)
        .challenge(
            json!({"eligibility": {"org_kinds": ["university"], "general_credit_blocks": true}}),
        )
        .build()
        .await;
    let resp = post_bid(&app, &strict.challenge_id, &warned, &complete_bid(60)).await;
    let problem = assert_problem(resp, 422, "credit_refused").await;
    assert_eq!(error_fields(&problem), vec!["team[0].id_number"]);
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("本榜单规定一般失信亦不得揭榜"),
        "{problem}"
    );

    // A batch review covers the bidders, their leaders and members.
    let review = s.credit_review().await;
    assert_eq!(review["totals"]["organization"]["total"], 2, "{review}");
    assert_eq!(review["totals"]["person"]["total"], 2, "{review}");
    assert_eq!(review["totals"]["person"]["warn"], 1, "{review}");
}

#[tokio::test]
async fn a_concurrent_double_submit_makes_exactly_one_bid() {
    let app = TestApp::spawn().await;
    let s = app.scenario().build().await;
    let (solver, _) = solver_of(&app, "university").await;
    let body = complete_bid(70);
    let attempts = (0..6).map(|_| post_bid(&app, &s.challenge_id, &solver, &body));
    let responses = futures_util::future::join_all(attempts).await;
    let mut statuses: Vec<u16> = responses.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, vec![201, 409, 409, 409, 409, 409]);
    for resp in responses {
        if resp.status() == StatusCode::CONFLICT {
            assert_problem(resp, 409, "bid_exists").await;
        }
    }
    assert_eq!(app.count("SELECT count(*) FROM bids").await, 1);
}

#[tokio::test]
async fn a_draft_is_completed_submitted_and_edited_at_the_current_version() {
    let app = TestApp::spawn().await;
    let s = app.scenario().build().await;
    let (solver, _) = solver_of(&app, "university").await;
    let (other, _) = solver_of(&app, "university").await;

    let mut draft = draft_bid(80);
    draft["milestones"] = json!([]);
    let id = id_of(&bid_ok(&app, &s.challenge_id, &solver, &draft).await);
    let path = format!("/api/v1/bids/{id}");
    let edit = async |body: Value, who: &Tokens, tag: Option<&str>| {
        let mut req = app.request(reqwest::Method::PATCH, &path, Some(&who.access));
        if let Some(tag) = tag {
            req = req.header("If-Match", tag);
        }
        req.json(&body).send().await.unwrap()
    };
    // Incomplete: submitting says what is missing.
    let resp = act(&app, &id, "submit", json!({}), &solver).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["milestones"]);
    // Another organisation cannot touch it (404, not 403).
    let resp = edit(json!({"duration_months": 12}), &other, None).await;
    assert_problem(resp, 404, "not_found").await;
    let resp = act(&app, &id, "withdraw", json!({}), &other).await;
    assert_problem(resp, 404, "not_found").await;
    // Completed, then submitted.
    let plan = json!({"milestones": [{"title": "验收", "due_month": 12, "share_percent": 100}]});
    assert_status(edit(plan, &solver, None).await, 200).await;
    let submitted = assert_status(act(&app, &id, "submit", json!({}), &solver).await, 200).await;
    assert_eq!(submitted["status"], "submitted");
    let resp = act(&app, &id, "submit", json!({}), &solver).await;
    assert_problem(resp, 409, "invalid_bid_state").await;
    // A submitted bid is checked again when edited.
    let resp = edit(json!({"requested_fen": 900_000_000}), &solver, None).await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["requested_fen"]);
    let team = json!({"team": [{"name": "王五", "id_number": id_number(90), "role": "leader"}]});
    let edited = assert_status(edit(team, &solver, None).await, 200).await;
    assert_eq!(edited["team"].as_array().unwrap().len(), 1);
    assert_eq!(edited["version"], 4);
    let shorter = json!({"duration_months": 12});
    let resp = edit(shorter.clone(), &solver, Some("\"v3\"")).await;
    assert_problem(resp, 412, "stale_version").await;
    assert_status(edit(shorter, &solver, Some("\"v4\"")).await, 200).await;
}

#[tokio::test]
async fn a_withdrawn_bid_may_be_made_again_and_bidders_hear_of_clarifications_and_cancellation() {
    let app = TestApp::spawn().await;
    let s = app.scenario().build().await;
    let (solver, _) = solver_of(&app, "university").await;
    let (other, _) = solver_of(&app, "university").await;
    let first = id_of(&bid_ok(&app, &s.challenge_id, &solver, &complete_bid(80)).await);

    // Withdrawn: the organisation may bid again, under a new code.
    let withdrawn =
        assert_status(act(&app, &first, "withdraw", json!({}), &solver).await, 200).await;
    assert_eq!(withdrawn["status"], "withdrawn");
    let resp = act(&app, &first, "withdraw", json!({}), &solver).await;
    assert_problem(resp, 409, "invalid_bid_state").await;
    let again = bid_ok(&app, &s.challenge_id, &solver, &complete_bid(80)).await;
    assert_eq!(again["status"], "submitted");
    assert!(again["anonymous_code"].is_null());

    // Bidders (not other solvers) are told of clarifications, and of cancellation.
    let clarification = json!({"question": "是否接受联合体？", "answer": "接受。"});
    app.post_created(
        &s.path("/clarifications"),
        &clarification,
        Some(&s.issuer.access),
    )
    .await;
    assert_notified(&app, &solver.access, "clarification_added").await;
    assert_not_notified(&app, &other.access, "clarification_added").await;
    let cancel = json!({"reason": "需求变更"});
    app.post_ok(&s.path("/cancel"), &cancel, Some(&s.issuer.access))
        .await;
    assert_notified(&app, &solver.access, "challenge_cancelled").await;
    // A cancelled challenge takes no more changes.
    let resp = app
        .patch(
            &format!("/api/v1/bids/{}", id_of(&again)),
            &json!({"duration_months": 12}),
            Some(&solver.access),
        )
        .await;
    assert_problem(resp, 409, "bidding_closed").await;
}

#[tokio::test]
async fn naming_a_rivals_uscc_at_registration_gives_no_access_to_its_bids_until_approved() {
    let app = TestApp::spawn().await;
    let s = app.scenario().build().await;
    let (solver, uscc) = solver_of(&app, "university").await;
    let created = bid_ok(&app, &s.challenge_id, &solver, &complete_bid(1)).await;
    let path = format!("/api/v1/bids/{}", id_of(&created));

    // Anyone can read a USCC off a business licence and register "into" that organisation.
    let registration = Registration::new("solver")
        .name("冒名者")
        .org("随便写的名字", &uscc)
        .kind("university");
    let joined = app.register_as(&registration).await;
    assert_eq!(joined["membership_pending"], true);
    let intruder = app
        .login_ok(registration.body["email"].as_str().unwrap())
        .await;
    // Pending: the organisation's bids are not found, nor listed, nor writable, and it cannot
    // bid for the organisation or approve itself.
    assert_eq!(app.get(&path, Some(&intruder.access)).await.status(), 404);
    assert!(
        listed(&app, &s.challenge_id, Some(&intruder))
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
    let resp = post_bid(&app, &s.challenge_id, &intruder, &complete_bid(2)).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let org = joined["organization"]["id"].as_str().unwrap();
    let approve = format!(
        "/api/v1/organizations/{org}/members/{}/approve",
        id_of(&joined)
    );
    let resp = app.post(&approve, &json!({}), Some(&intruder.access)).await;
    assert_problem(resp, 404, "not_found").await;
    // An outsider cannot approve either; the organisation's own account can, and sees who waits.
    let outsider = app.solver().await;
    let resp = app.post(&approve, &json!({}), Some(&outsider.access)).await;
    assert_problem(resp, 404, "not_found").await;
    let detail = app
        .get_ok(
            &format!("/api/v1/organizations/{org}"),
            Some(&solver.access),
        )
        .await;
    let members = detail["members"].as_array().unwrap();
    let waiting = members.iter().filter(|m| m["membership_pending"] == true);
    assert_eq!(waiting.count(), 1);
    let approved = app
        .post_ok(&approve, &json!({}), Some(&solver.access))
        .await;
    assert_eq!(approved["membership_pending"], false);
    // Approved: a member like any other (the same token works at once).
    assert_eq!(app.get(&path, Some(&intruder.access)).await.status(), 200);
    assert_eq!(app.audited("user.membership_approve").await, 1);
}
