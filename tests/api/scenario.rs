//! The scenario builder and the shared steps of a challenge's life, all through the HTTP API:
//!
//! ```ignore
//! let s = app.scenario().with_bids(2).ranked().build().await;
//! s.award(0).await;
//! let project = s.project(&s.bids[0].solver).await;
//! ```
//!
//! The builder makes an admin, an issuer, a published challenge and its bids, and takes them to
//! the stage asked for: `under_review()` (the deadline passed, every bid found eligible, the
//! review started), `ranked()` (a panel of three scored the bids in the order they were made and
//! the review closed), `awarded()` (the first bid confirmed after its public notice) or
//! `ready_for_acceptance()` (every milestone reported, all but the last accepted). The built
//! [`Scenario`] has the same steps as methods, for tests that go on from there. Everything goes
//! through the HTTP API; only the test clock is moved behind its back.
//!
//! Below the builder: the shared request bodies (challenge, bid, expert, credit record, milestone
//! report) and the steps of the panels, the award and the milestones.

use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, Duration, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    PASSWORD, Registration, TestApp, Tokens, assert_status, id_of, new_uscc, resident_id, rfc3339,
};

/// A valid resident ID number (GB 11643-1999) numbered `n`.
pub fn id_number(n: u32) -> String {
    resident_id("11010519750101", n)
}

/// `body` with each top-level field of `overrides` put in.
pub fn merge(mut body: Value, overrides: &Value) -> Value {
    for (key, value) in overrides.as_object().expect("an object of overrides") {
        body[key] = value.clone();
    }
    body
}

/// An account of `role` (issuer or solver), 联系人 of the university `org_name` with this USCC,
/// logged in.
pub async fn party(app: &TestApp, role: &str, uscc: &str, org_name: &str) -> Tokens {
    let registration = Registration::new(role)
        .name("联系人")
        .org(org_name, uscc)
        .kind("university");
    app.sign_up(&registration).await
}

// Experts.

pub struct Expert {
    pub tokens: Tokens,
    pub id: String,
}

/// The body of `POST /users` for an expert numbered `n`: 专家n of the university 专家单位n.
pub fn expert_account(email: &str, n: u32, uscc: &str) -> Value {
    json!({
        "email": email, "password": PASSWORD, "display_name": format!("专家{n}"), "role": "expert",
        "organization": {"name": format!("专家单位{n}"), "uscc": uscc, "kind": "university"},
    })
}

/// An expert for the pool, numbered `n` (its ID number and name): of `new_materials` in an
/// organisation of its own unless told otherwise.
pub struct NewExpert<'a> {
    app: &'a TestApp,
    admin: &'a Tokens,
    n: u32,
    fields: Vec<String>,
    uscc: Option<String>,
    conflicts: Vec<String>,
}

impl NewExpert<'_> {
    pub fn fields(mut self, fields: &[&str]) -> Self {
        self.fields = fields.iter().map(|f| f.to_string()).collect();
        self
    }

    /// In the organisation of this USCC.
    pub fn of_org(mut self, uscc: &str) -> Self {
        self.uscc = Some(uscc.to_string());
        self
    }

    /// Declaring a conflict with the organisation of this USCC.
    pub fn conflicting_with(mut self, uscc: &str) -> Self {
        self.conflicts.push(uscc.to_string());
        self
    }

    /// The account (made by the admin) and its profile in the pool; logged in.
    pub async fn create(self) -> Expert {
        let (app, admin) = (self.app, Some(self.admin.access.as_str()));
        let email = format!("expert-{}@example.com", Uuid::new_v4().simple());
        let uscc = self.uscc.unwrap_or_else(new_uscc);
        let account = expert_account(&email, self.n, &uscc);
        let id = id_of(&app.post_created("/api/v1/users", &account, admin).await);
        let profile = json!({"user_id": id, "id_number": id_number(self.n), "fields": self.fields,
                             "title": "教授", "conflict_usccs": self.conflicts});
        app.post_created("/api/v1/experts", &profile, admin).await;
        Expert {
            tokens: app.login_ok(&email).await,
            id,
        }
    }
}

/// Experts numbered `ns`, of `new_materials`, in that order.
pub async fn pool(app: &TestApp, admin: &Tokens, ns: RangeInclusive<u32>) -> Vec<Expert> {
    let mut experts = Vec::new();
    for n in ns {
        experts.push(app.expert(admin, n).create().await);
    }
    experts
}

impl TestApp {
    /// An expert to add to the pool: `app.expert(&admin, 7).fields(&["marine"]).create().await`.
    pub fn expert<'a>(&'a self, admin: &'a Tokens, n: u32) -> NewExpert<'a> {
        NewExpert {
            app: self,
            admin,
            n,
            fields: vec!["new_materials".to_string()],
            uscc: None,
            conflicts: Vec::new(),
        }
    }

    /// A challenge scenario to build: see the module's documentation.
    pub fn scenario(&self) -> ScenarioBuilder<'_> {
        ScenarioBuilder {
            app: self,
            admin: None,
            experts: None,
            overrides: json!({}),
            closes_in: Duration::days(1),
            bidders: Vec::new(),
            bid_overrides: json!({}),
            stage: Stage::Published,
        }
    }
}

// Challenges.

/// A valid challenge of `new_materials` (300 万元, 24 months, one KPI) whose bidding opened a day
/// ago and closes `closes_in` from the app's clock.
pub fn challenge_body(app: &TestApp, title: &str, closes_in: Duration) -> Value {
    let now = app.state.clock.now();
    json!({
        "title": title,
        "category": "tech_breakthrough",
        "field": "new_materials",
        "description": format!("{title}：面向产业需求的关键技术攻关。"),
        "kpis": [{"name": "拉伸强度", "target": "≥ 5.5", "unit": "GPa"}],
        "bounty_fen": 300_000_000,
        "bid_opens_at": rfc3339(now - Duration::days(1)),
        "bid_closes_at": rfc3339(now + closes_in),
        "max_duration_months": 24,
    })
}

/// A draft made by the issuer; answers it.
pub async fn create_challenge(app: &TestApp, issuer: &Tokens, body: &Value) -> Value {
    app.post_created("/api/v1/challenges", body, Some(&issuer.access))
        .await
}

/// A challenge created, submitted and approved; answers its id.
pub async fn publish(app: &TestApp, issuer: &Tokens, admin: &Tokens, body: &Value) -> String {
    let id = id_of(&create_challenge(app, issuer, body).await);
    let path = |action: &str| format!("/api/v1/challenges/{id}/{action}");
    app.post_ok(&path("submit"), &json!({}), Some(&issuer.access))
        .await;
    let approved = app
        .post_ok(&path("approve"), &json!({}), Some(&admin.access))
        .await;
    assert_eq!(approved["status"], "published");
    id
}

// Bids.

/// A complete bid (250 万元 requested, 18 months, shares 60/40) whose team is a leader numbered
/// `n` and a member numbered `n + 1`.
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

// Credit.

/// A credit record of `severity` (decided 2024-01-02, in force) against the subject, entered by the
/// admin; answers it.
pub async fn add_credit_record(
    app: &TestApp,
    admin: &Tokens,
    kind: &str,
    code: &str,
    severity: &str,
) -> Value {
    let body = json!({
        "subject_kind": kind, "subject_code": code, "subject_name": "受查主体",
        "severity": severity, "decided_on": "2024-01-02",
        "source_record_id": format!("R-{}", Uuid::new_v4().simple()), "reason": "拒不履行法院判决",
    });
    app.post_created("/api/v1/credit/records", &body, Some(&admin.access))
        .await
}

// Panels: the review's (`REVIEW`) and the final acceptance's (`ACCEPTANCE`).

pub const REVIEW: &str = "/api/v1/assignments";
pub const ACCEPTANCE: &str = "/api/v1/acceptance-assignments";

/// The expert's assignment on the challenge in `panel`, if any.
pub async fn assignment_of(
    app: &TestApp,
    panel: &str,
    expert: &Expert,
    challenge: &str,
) -> Option<Value> {
    let page = app.get_ok(panel, Some(&expert.tokens.access)).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["challenge_id"] == challenge)
        .cloned()
}

/// The commitment an expert signs when accepting a seat on `panel`.
pub fn commitment_kind(panel: &str) -> &'static str {
    if panel == ACCEPTANCE {
        "expert_acceptance"
    } else {
        "expert_review"
    }
}

/// The body of an accept that signs the current commitment of `panel`, read as the expert's
/// client reads it (`GET /commitments/{kind}`).
pub async fn signing(app: &TestApp, panel: &str, token: &str) -> Value {
    let kind = commitment_kind(panel);
    let current = app
        .get_ok(&format!("/api/v1/commitments/{kind}"), Some(token))
        .await;
    json!({"commitment": {"version": current["version"], "sha256": current["sha256"]}})
}

/// The expert signs the commitment and accepts its invitation to `panel`; answers the
/// assignment's id.
pub async fn accept(app: &TestApp, panel: &str, expert: &Expert, challenge: &str) -> String {
    let assignment = assignment_of(app, panel, expert, challenge)
        .await
        .expect("an assignment on the challenge");
    let id = id_of(&assignment);
    let path = format!("{panel}/{id}/accept");
    let body = signing(app, panel, &expert.tokens.access).await;
    app.post_ok(&path, &body, Some(&expert.tokens.access)).await;
    id
}

/// The expert submits its assignment in `panel` as final.
pub async fn submit(
    app: &TestApp,
    panel: &str,
    expert: &Expert,
    assignment: &str,
) -> reqwest::Response {
    let path = format!("{panel}/{assignment}/submit");
    app.post(&path, &json!({}), Some(&expert.tokens.access))
        .await
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
    let path = format!("{REVIEW}/{assignment}/scores/{bid}");
    app.put(&path, body, Some(token)).await
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

// The award.

/// Stores the calendars (with no holidays) of this Beijing year and the next, so that a notice
/// may be counted: proposals are refused through years nobody maintained.
pub async fn maintain_calendar(app: &TestApp, admin: &Tokens) {
    let year = (app.state.clock.now() + Duration::hours(8)).year();
    for year in [year, year + 1] {
        let body = json!({"holidays": [], "make_up_workdays": []});
        let resp = app
            .put(
                &format!("/api/v1/calendar/{year}"),
                &body,
                Some(&admin.access),
            )
            .await;
        assert_status(resp, 200).await;
    }
}

/// Moves the clock just past the end of an award's public notice.
pub fn past_the_notice(app: &TestApp, award: &Value) {
    let ends_at: DateTime<Utc> = award["ends_at"].as_str().unwrap().parse().unwrap();
    let now = app.state.clock.now();
    if ends_at > now {
        app.state
            .clock
            .advance(ends_at - now + Duration::minutes(1));
    }
}

// Milestones.

/// `POST /milestones/{id}/{action}` (report, accept, return).
pub async fn milestone(
    app: &TestApp,
    id: &str,
    action: &str,
    body: &Value,
    token: &Tokens,
) -> reqwest::Response {
    let path = format!("/api/v1/milestones/{id}/{action}");
    app.post(&path, body, Some(&token.access)).await
}

/// [`milestone`], answering 200; answers the milestone.
pub async fn milestone_ok(
    app: &TestApp,
    id: &str,
    action: &str,
    body: &Value,
    token: &Tokens,
) -> Value {
    assert_status(milestone(app, id, action, body, token).await, 200).await
}

/// A milestone report with a deliverable and a link.
pub fn report_body() -> Value {
    json!({"deliverable": "中试线已建成并连续试运行 72 小时。",
           "attachments": ["https://pan.example.edu.cn/s/report.pdf"]})
}

// The builder.

/// A bidding organisation: its name, the number of its team's leader (the member is `n + 1`), the
/// leader's and the member's names.
pub type Bidder = (&'static str, u32, &'static str, &'static str);

/// The bidders of [`ScenarioBuilder::with_bids`], in order.
pub const BIDDERS: [Bidder; 3] = [
    ("甲大学", 10, "陈思远", "林晓"),
    ("乙研究院", 20, "周明", "吴芳"),
    ("丙公司", 30, "赵一", "钱二"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Published,
    UnderReview,
    Ranked,
    Awarded,
    ReadyForAcceptance,
}

pub struct ScenarioBuilder<'a> {
    app: &'a TestApp,
    admin: Option<Tokens>,
    experts: Option<RangeInclusive<u32>>,
    overrides: Value,
    closes_in: Duration,
    bidders: Vec<Bidder>,
    bid_overrides: Value,
    stage: Stage,
}

impl<'a> ScenarioBuilder<'a> {
    /// Acts as this admin (by default a new one).
    pub fn admin(mut self, admin: &Tokens) -> Self {
        self.admin = Some(admin.clone());
        self
    }

    /// Experts numbered `ns` (of `new_materials`) made before the challenge: the review's pool. A
    /// ranked scenario without them makes 901 to 903.
    pub fn with_experts(mut self, ns: RangeInclusive<u32>) -> Self {
        self.experts = Some(ns);
        self
    }

    /// Fields of the challenge other than the defaults (a `new_materials` challenge, 300 万元,
    /// review panel of 3, blind).
    pub fn challenge(mut self, overrides: Value) -> Self {
        self.overrides = merge(self.overrides, &overrides);
        self
    }

    pub fn field(self, field: &str) -> Self {
        self.challenge(json!({"field": field}))
    }

    pub fn panel_size(self, size: i32) -> Self {
        self.challenge(json!({"review": {"panel_size": size, "blind": true}}))
    }

    /// Bidding closes this long after the build starts (by default a day).
    pub fn closing_in(mut self, closes_in: Duration) -> Self {
        self.closes_in = closes_in;
        self
    }

    /// Submitted bids from the first `n` of [`BIDDERS`].
    pub fn with_bids(mut self, n: usize) -> Self {
        self.bidders = BIDDERS[..n].to_vec();
        self
    }

    /// Submitted bids from these bidders.
    pub fn with_bidders(mut self, bidders: &[Bidder]) -> Self {
        self.bidders = bidders.to_vec();
        self
    }

    /// Fields of every bid other than those of [`bid`].
    pub fn bids_with(mut self, overrides: Value) -> Self {
        self.bid_overrides = overrides;
        self
    }

    /// The deadline passes, every bid is found eligible and the expert review starts.
    pub fn under_review(mut self) -> Self {
        self.stage = Stage::UnderReview;
        self
    }

    /// Under review, then ranked by a panel of three (see [`Scenario::rank`]).
    pub fn ranked(mut self) -> Self {
        self.stage = Stage::Ranked;
        self
    }

    /// Ranked, then the first bid awarded (see [`Scenario::award`]).
    pub fn awarded(mut self) -> Self {
        self.stage = Stage::Awarded;
        self
    }

    /// Awarded, then every milestone reported and all but the last accepted.
    pub fn ready_for_acceptance(mut self) -> Self {
        self.stage = Stage::ReadyForAcceptance;
        self
    }

    pub async fn build(self) -> Scenario<'a> {
        let app = self.app;
        let admin = match self.admin {
            Some(admin) => admin,
            None => app.admin().await,
        };
        let experts = match self.experts {
            Some(ns) => pool(app, &admin, ns).await,
            // ID numbers 901-903: keep bid teams below 900.
            None if self.stage >= Stage::Ranked => pool(app, &admin, 901..=903).await,
            None => Vec::new(),
        };
        let issuer_uscc = new_uscc();
        let issuer = party(app, "issuer", &issuer_uscc, "发榜企业").await;
        let body = merge(
            challenge_body(app, "高性能碳纤维复合材料", self.closes_in),
            &merge(
                json!({"review": {"panel_size": 3, "blind": true}}),
                &self.overrides,
            ),
        );
        let challenge_id = publish(app, &issuer, &admin, &body).await;
        let mut bids = Vec::new();
        for (org, n, leader, member) in self.bidders {
            let uscc = new_uscc();
            let solver = party(app, "solver", &uscc, org).await;
            let body = merge(bid(n, leader, member), &self.bid_overrides);
            let path = format!("/api/v1/challenges/{challenge_id}/bids");
            let id = id_of(&app.post_created(&path, &body, Some(&solver.access)).await);
            bids.push(Bid { id, solver, uscc });
        }
        let s = Scenario {
            app,
            admin,
            issuer,
            issuer_uscc,
            challenge_id,
            bids,
            experts,
            closes_in: self.closes_in,
        };
        if self.stage >= Stage::UnderReview {
            s.close_bidding().await;
            s.start_review().await;
        }
        if self.stage >= Stage::Ranked {
            s.rank().await;
        }
        if self.stage >= Stage::Awarded {
            s.award(0).await;
        }
        if self.stage >= Stage::ReadyForAcceptance {
            s.complete_milestones().await;
        }
        s
    }
}

/// A submitted bid and the solver who made it.
pub struct Bid {
    pub id: String,
    pub solver: Tokens,
    /// The USCC of the bidding organisation.
    pub uscc: String,
}

/// A challenge, its parties and its bids (in the order made), at the stage built.
pub struct Scenario<'a> {
    pub app: &'a TestApp,
    pub admin: Tokens,
    pub issuer: Tokens,
    pub issuer_uscc: String,
    pub challenge_id: String,
    pub bids: Vec<Bid>,
    /// The experts made for the review's pool (see [`ScenarioBuilder::with_experts`]).
    pub experts: Vec<Expert>,
    closes_in: Duration,
}

impl Scenario<'_> {
    /// `/api/v1/challenges/{id}` followed by `rest`.
    pub fn path(&self, rest: &str) -> String {
        format!("/api/v1/challenges/{}{rest}", self.challenge_id)
    }

    /// An expert for the pool, made by this scenario's admin.
    pub fn expert(&self, n: u32) -> NewExpert<'_> {
        self.app.expert(&self.admin, n)
    }

    /// The challenge as anyone reads it.
    pub async fn challenge(&self) -> Value {
        self.app.get_ok(&self.path(""), None).await
    }

    pub async fn status(&self) -> String {
        self.challenge().await["status"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The status of bid `i`, as an admin reads it.
    pub async fn bid_status(&self, i: usize) -> String {
        let path = format!("/api/v1/bids/{}", self.bids[i].id);
        let bid = self.app.get_ok(&path, Some(&self.admin.access)).await;
        bid["status"].as_str().unwrap().to_string()
    }

    /// The challenge's events, as an admin reads them.
    pub async fn events(&self) -> Vec<Value> {
        let events = self
            .app
            .get_ok(&self.path("/events"), Some(&self.admin.access))
            .await;
        events.as_array().unwrap().clone()
    }

    /// The ranking, as an admin reads it.
    pub async fn ranking(&self) -> Value {
        self.app
            .get_ok(&self.path("/ranking"), Some(&self.admin.access))
            .await
    }

    /// The awarded project, as `who` reads it.
    pub async fn project(&self, who: &Tokens) -> Value {
        self.app
            .get_ok(&self.path("/milestones"), Some(&who.access))
            .await
    }

    /// The id of the project's milestone `i`.
    pub async fn milestone_id(&self, i: usize) -> String {
        id_of(&self.project(&self.bids[0].solver).await["milestones"][i])
    }

    /// A batch credit review of this challenge, made by the admin; answers it.
    pub async fn credit_review(&self) -> Value {
        let body = json!({"challenge_ids": [self.challenge_id]});
        self.app
            .post_created("/api/v1/credit/reviews", &body, Some(&self.admin.access))
            .await
    }

    /// The deadline passes and the closing job runs.
    pub async fn close_bidding(&self) {
        self.app
            .state
            .clock
            .advance(self.closes_in + Duration::days(1));
        self.app.run_jobs().await;
    }

    /// Every bid found eligible in the formal review, and the expert review started.
    pub async fn start_review(&self) {
        let admin = Some(self.admin.access.as_str());
        for bid in &self.bids {
            let path = format!("/api/v1/bids/{}/formal-review", bid.id);
            let eligible = json!({"result": "eligible"});
            self.app.post_ok(&path, &eligible, admin).await;
        }
        let started = self
            .app
            .post_ok(&self.path("/review/start"), &json!({}), admin)
            .await;
        assert_eq!(started["status"], "under_review");
    }

    /// The review panel drawn with `seed`, its review due in a week.
    pub async fn draw(&self, seed: u64) -> reqwest::Response {
        let deadline = self.app.state.clock.now() + Duration::days(7);
        let body = json!({"seed": seed, "review_deadline": rfc3339(deadline)});
        self.app
            .post(&self.path("/panel/draw"), &body, Some(&self.admin.access))
            .await
    }

    /// [`Scenario::draw`], answering 201; answers the panel.
    pub async fn draw_ok(&self, seed: u64) -> Value {
        assert_status(self.draw(seed).await, 201).await
    }

    /// The panel (this scenario's experts) scores the bids in the order made, 90, 80, 70...;
    /// everyone submits and the review closes.
    pub async fn rank(&self) {
        let app = self.app;
        self.draw_ok(7).await;
        for e in &self.experts {
            let assignment = accept(app, REVIEW, e, &self.challenge_id).await;
            for (place, bid) in self.bids.iter().enumerate() {
                let resp = score(
                    app,
                    &e.tokens.access,
                    &assignment,
                    &bid.id,
                    &ranked_sheet(place),
                )
                .await;
                assert_status(resp, 200).await;
            }
            assert_status(submit(app, REVIEW, e, &assignment).await, 200).await;
        }
        let close = self.path("/review/close");
        app.post_ok(&close, &json!({}), Some(&self.admin.access))
            .await;
    }

    /// An award proposal (`POST /challenges/{id}/award`) by the admin.
    pub async fn propose(&self, body: &Value) -> reqwest::Response {
        self.app
            .post(&self.path("/award"), body, Some(&self.admin.access))
            .await
    }

    /// Makes bid `winner` the confirmed award of the ranked challenge the real way: the calendars
    /// maintained, the admin proposes it (with a reason when it is not top-ranked), the notice
    /// ends and the confirmation job runs: the challenge `awarded`, that bid `awarded`, the others
    /// `not_selected`, the project started. The clock ends past the notice.
    pub async fn award(&self, winner: usize) {
        maintain_calendar(self.app, &self.admin).await;
        let bid_id = self.bids[winner].id.as_str();
        let ranking = self.ranking().await;
        let items = ranking["items"].as_array().unwrap();
        let rank_of = |i: &Value| i["rank"].as_i64().unwrap();
        let top = items.iter().map(rank_of).min();
        let rank = items.iter().find(|i| i["bid_id"] == bid_id).map(rank_of);
        let mut body = json!({"bid_id": bid_id});
        if rank != top {
            body["reason"] = json!("排名靠前的方案经复核不再具备实施条件，改选本方案。");
        }
        let award = assert_status(self.propose(&body).await, 201).await;
        past_the_notice(self.app, &award);
        self.app.run_jobs().await;
        assert_eq!(self.status().await, "awarded");
    }

    /// The awardee reports every milestone and the issuer accepts all but the last (the final
    /// acceptance decides that one).
    pub async fn complete_milestones(&self) {
        let (solver, issuer) = (&self.bids[0].solver, &self.issuer);
        let project = self.project(solver).await;
        let milestones = project["milestones"].as_array().unwrap();
        for (i, m) in milestones.iter().enumerate() {
            let id = id_of(m);
            milestone_ok(self.app, &id, "report", &report_body(), solver).await;
            if i + 1 < milestones.len() {
                milestone_ok(self.app, &id, "accept", &json!({}), issuer).await;
            }
        }
    }
}

#[tokio::test]
async fn the_ranked_scenario_ranks_in_the_order_given_and_the_award_stands_in_awards() {
    let app = TestApp::spawn().await;
    let s = app.scenario().with_bids(2).ranked().build().await;
    assert_eq!(s.experts.len(), 3);
    let ranking = s.ranking().await;
    let first = &ranking["items"][0];
    assert_eq!(first["bid_id"], s.bids[0].id.as_str());
    assert_eq!(first["rank"], 1);
    assert_eq!(ranking["items"][1]["rank"], 2);

    s.award(0).await;
    let challenge = s.challenge().await;
    assert_eq!(challenge["status"], "awarded");
    assert!(challenge["awarded_at"].is_string());
    let own_bid = async |i: usize| {
        let path = format!("/api/v1/bids/{}", s.bids[i].id);
        app.get_ok(&path, Some(&s.bids[i].solver.access)).await
    };
    assert_eq!(own_bid(0).await["status"], "awarded");
    assert_eq!(own_bid(1).await["status"], "not_selected");
}
