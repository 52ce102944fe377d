//! The shared scenarios as they were, until every module uses the builder in `scenario.rs`. Shared scenarios for the integration tests: parties, experts, a challenge taken through
//! bidding and formal review to `under_review`, the panel and its scores, and a closed review
//! with its ranking (the starting point of the award).

use chrono::{Datelike, Duration};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, Tokens, new_uscc, resident_id, rfc3339};

/// A valid resident ID number (GB 11643-1999) numbered `n`.
pub fn id_number(n: u32) -> String {
    resident_id("11010519750101", n)
}

/// An account of `role` (issuer or solver) with an organisation of this USCC and name.
pub async fn party(app: &TestApp, role: &str, uscc: &str, org_name: &str) -> Tokens {
    let email = format!("{role}-{}@example.com", Uuid::new_v4().simple());
    let resp = app
        .post(
            "/api/v1/auth/register",
            &json!({
                "email": email, "password": PASSWORD, "display_name": "联系人",
                "role": role,
                "organization": {"name": org_name, "uscc": uscc, "kind": "university"},
            }),
            None,
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    app.login_ok(&email).await
}

pub struct Expert {
    pub tokens: Tokens,
    pub id: String,
}

/// An expert account in the organisation `uscc` (a new one when `None`) with a profile.
pub async fn expert(
    app: &TestApp,
    admin: &Tokens,
    uscc: Option<&str>,
    n: u32,
    fields: &[&str],
    conflicts: &[&str],
) -> Expert {
    let email = format!("expert-{}@example.com", Uuid::new_v4().simple());
    let uscc = uscc.map(str::to_string).unwrap_or_else(new_uscc);
    let resp = app
        .post(
            "/api/v1/users",
            &json!({
                "email": email, "password": PASSWORD, "display_name": format!("专家{n}"), "role": "expert",
                "organization": {"name": format!("专家单位{n}"), "uscc": uscc, "kind": "university"},
            }),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let id = resp.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let resp = app
        .post(
            "/api/v1/experts",
            &json!({"user_id": id, "id_number": id_number(n), "fields": fields,
                    "title": "教授", "conflict_usccs": conflicts}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(
        resp.status(),
        StatusCode::CREATED,
        "{:?}",
        resp.text().await
    );
    Expert {
        tokens: app.login_ok(&email).await,
        id,
    }
}

/// A complete bid whose team is a leader numbered `n` and a member numbered `n + 1`.
pub fn bid(n: u32, leader: &str, member: &str) -> Value {
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
            {"name": leader, "id_number": id_number(n), "role": "leader", "title": "教授", "duty": "总体方案"},
            {"name": member, "id_number": id_number(n + 1), "role": "member", "title": "副教授", "duty": "工艺"}
        ]
    })
}

/// A challenge and its parties.
pub struct Review {
    pub id: String,
    pub issuer: Tokens,
    pub issuer_uscc: String,
    pub bidder_usccs: Vec<String>,
    pub bid_ids: Vec<String>,
    /// The solver account of each bid, in the order of `bid_ids`.
    pub solvers: Vec<Tokens>,
}

/// A challenge of `field` with a bid from each `(org name, team numbers, leader, member)`, taken
/// through the deadline, formal review (all eligible) and the start of the review.
pub async fn under_review(
    app: &TestApp,
    admin: &Tokens,
    field: &str,
    panel_size: i32,
    bidders: &[(&str, u32, &str, &str)],
) -> Review {
    under_review_with(app, admin, field, panel_size, bidders, bid).await
}

/// As [`under_review`], with each bid's body made by `make_bid(n, leader, member)`.
pub async fn under_review_with(
    app: &TestApp,
    admin: &Tokens,
    field: &str,
    panel_size: i32,
    bidders: &[(&str, u32, &str, &str)],
    make_bid: fn(u32, &str, &str) -> Value,
) -> Review {
    let issuer_uscc = new_uscc();
    let issuer = party(app, "issuer", &issuer_uscc, "发榜企业").await;
    let now = app.state.clock.now();
    let resp = app
        .post(
            "/api/v1/challenges",
            &json!({
                "title": "高性能碳纤维复合材料",
                "category": "tech_breakthrough",
                "field": field,
                "description": "面向风电叶片的低成本制备技术。",
                "kpis": [{"name": "拉伸强度", "target": "≥ 5.5", "unit": "GPa"}],
                "bounty_fen": 300_000_000,
                "bid_opens_at": rfc3339(now - Duration::days(1)),
                "bid_closes_at": rfc3339(now + Duration::days(1)),
                "max_duration_months": 24,
                "review": {"panel_size": panel_size, "blind": true},
            }),
            Some(&issuer.access),
        )
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
    let mut bidder_usccs = Vec::new();
    let mut bid_ids = Vec::new();
    let mut solvers = Vec::new();
    for (name, n, leader, member) in bidders {
        let uscc = new_uscc();
        let solver = party(app, "solver", &uscc, name).await;
        let resp = app
            .post(
                &format!("/api/v1/challenges/{id}/bids"),
                &make_bid(*n, leader, member),
                Some(&solver.access),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::CREATED);
        bid_ids.push(
            resp.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
        bidder_usccs.push(uscc);
        solvers.push(solver);
    }
    app.state.clock.advance(Duration::days(2));
    app.run_jobs().await;
    for bid in &bid_ids {
        let resp = app
            .post(
                &format!("/api/v1/bids/{bid}/formal-review"),
                &json!({"result": "eligible"}),
                Some(&admin.access),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let resp = app
        .post(
            &format!("/api/v1/challenges/{id}/review/start"),
            &json!({}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    Review {
        id,
        issuer,
        issuer_uscc,
        bidder_usccs,
        bid_ids,
        solvers,
    }
}

pub async fn draw(app: &TestApp, admin: &Tokens, challenge: &str, seed: u64) -> reqwest::Response {
    let deadline = app.state.clock.now() + Duration::days(7);
    app.post(
        &format!("/api/v1/challenges/{challenge}/panel/draw"),
        &json!({"seed": seed, "review_deadline": rfc3339(deadline)}),
        Some(&admin.access),
    )
    .await
}

pub async fn draw_ok(app: &TestApp, admin: &Tokens, challenge: &str, seed: u64) -> Value {
    let resp = draw(app, admin, challenge, seed).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    resp.json().await.unwrap()
}

pub fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap().to_string())
        .collect()
}

/// The expert's assignment on the challenge.
pub async fn assignment_of(app: &TestApp, expert: &Expert, challenge: &str) -> Value {
    let page: Value = app
        .get("/api/v1/assignments", Some(&expert.tokens.access))
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
        .expect("an assignment on the challenge")
}

pub async fn accept(app: &TestApp, expert: &Expert, challenge: &str) -> String {
    let a = assignment_of(app, expert, challenge).await;
    let id = a["id"].as_str().unwrap().to_string();
    let resp = app
        .post(
            &format!("/api/v1/assignments/{id}/accept"),
            &json!({}),
            Some(&expert.tokens.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    id
}

/// Points for the default rubric (40, 25, 15, 10, 10).
pub fn sheet(points: [i32; 5]) -> Value {
    let names = ["技术方案", "团队能力", "经费合理性", "进度安排", "产业带动"];
    json!({
        "criteria": names.iter().zip(points).map(|(n, p)| json!({"name": n, "points": p})).collect::<Vec<_>>(),
        "comment": "技术路线清晰。",
    })
}

pub async fn score(
    app: &TestApp,
    token: &str,
    assignment: &str,
    bid: &str,
    body: &Value,
) -> reqwest::Response {
    app.request(
        Method::PUT,
        &format!("/api/v1/assignments/{assignment}/scores/{bid}"),
        Some(token),
    )
    .json(body)
    .send()
    .await
    .unwrap()
}

/// A closed review and its ranking.
pub struct Ranked {
    pub review: Review,
    /// The panel (three experts of `new_materials`), in the order they were created.
    pub experts: Vec<Expert>,
}

/// Totals that rank the bids in the order given: the first bid scores 90, the next 80, then 70...
fn ranked_sheet(place: usize) -> Value {
    let drop = i32::try_from(place).unwrap_or(0);
    sheet([
        36 - 4 * drop,
        23 - 2 * drop,
        13 - 2 * drop,
        9 - drop,
        9 - drop,
    ])
}

/// A `new_materials` challenge whose bids (made by `make_bid`) were reviewed by a panel of three
/// and ranked in the order of `bidders`; the review is closed and the challenge `under_review`.
pub async fn ranked_with(
    app: &TestApp,
    admin: &Tokens,
    bidders: &[(&str, u32, &str, &str)],
    make_bid: fn(u32, &str, &str) -> Value,
) -> Ranked {
    let mut experts = Vec::new();
    // ID numbers 901-903: keep bid teams below 900.
    for n in 901..=903 {
        experts.push(expert(app, admin, None, n, &["new_materials"], &[]).await);
    }
    let review = under_review_with(app, admin, "new_materials", 3, bidders, make_bid).await;
    draw_ok(app, admin, &review.id, 7).await;
    for e in &experts {
        let assignment = accept(app, e, &review.id).await;
        for (place, bid) in review.bid_ids.iter().enumerate() {
            let resp = score(
                app,
                &e.tokens.access,
                &assignment,
                bid,
                &ranked_sheet(place),
            )
            .await;
            assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text().await);
        }
        let resp = app
            .post(
                &format!("/api/v1/assignments/{assignment}/submit"),
                &json!({}),
                Some(&e.tokens.access),
            )
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let resp = app
        .post(
            &format!("/api/v1/challenges/{}/review/close", review.id),
            &json!({}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text().await);
    Ranked { review, experts }
}

/// [`ranked_with`] the standard bid ([`bid`]: 250 万元 requested, 18 months, shares 60/40).
pub async fn ranked(app: &TestApp, admin: &Tokens, bidders: &[(&str, u32, &str, &str)]) -> Ranked {
    ranked_with(app, admin, bidders, bid).await
}

/// Makes `review.bid_ids[winner]` the confirmed award of a ranked challenge through the real
/// path: an admin proposes it (with a reason when it is not top-ranked), the clock moves past the
/// end of the public notice, and the confirmation job runs: the challenge `awarded`, that bid
/// `awarded`, the others `not_selected`, and the project started. The clock ends past the notice:
/// read `awarded_at` from the challenge.
/// Stores the calendars (with no holidays) of this Beijing year and the next, so that a notice
/// may be counted: proposals are refused through years nobody maintained.
pub async fn maintain_calendar(app: &TestApp, admin: &Tokens) {
    let year = (app.state.clock.now() + Duration::hours(8)).year();
    for year in [year, year + 1] {
        let resp = app
            .request(
                Method::PUT,
                &format!("/api/v1/calendar/{year}"),
                Some(&admin.access),
            )
            .json(&json!({"holidays": [], "make_up_workdays": []}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{:?}", resp.text().await);
    }
}

pub async fn force_award(app: &TestApp, review: &Review, winner: usize) {
    let admin = app.admin().await;
    maintain_calendar(app, &admin).await;
    let bid_id = review.bid_ids[winner].as_str();
    let ranking: Value = app
        .get(
            &format!("/api/v1/challenges/{}/ranking", review.id),
            Some(&admin.access),
        )
        .await
        .json()
        .await
        .unwrap();
    let items = ranking["items"].as_array().unwrap();
    let top = items.iter().map(|i| i["rank"].as_i64().unwrap()).min();
    let rank = items
        .iter()
        .find(|i| i["bid_id"] == bid_id)
        .map(|i| i["rank"].as_i64().unwrap());
    let mut body = json!({"bid_id": bid_id});
    if rank != top {
        body["reason"] = json!("排名靠前的方案经复核不再具备实施条件，改选本方案。");
    }
    let resp = app
        .post(
            &format!("/api/v1/challenges/{}/award", review.id),
            &body,
            Some(&admin.access),
        )
        .await;
    assert_eq!(
        resp.status(),
        StatusCode::CREATED,
        "{:?}",
        resp.text().await
    );
    let award: Value = resp.json().await.unwrap();
    let ends_at: chrono::DateTime<chrono::Utc> =
        award["ends_at"].as_str().unwrap().parse().unwrap();
    let now = app.state.clock.now();
    if ends_at > now {
        app.state
            .clock
            .advance(ends_at - now + Duration::minutes(1));
    }
    app.run_jobs().await;
    let challenge: Value = app
        .get(&format!("/api/v1/challenges/{}", review.id), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(challenge["status"], "awarded", "{challenge}");
}
