//! The demo story: three challenges of the demo issuer, each taken through the real flows (the
//! application's handlers, driven in process by [`super::api`]) by the demo accounts, so that the
//! data obeys every rule and logging in as `expert1` shows work at once:
//!
//! - [`UNDER_REVIEW`]: two bids (one from each demo team, with generated PDFs), opened at the
//!   deadline (their blind copies made by the job), found eligible, the panel of the five demo
//!   experts drawn and invited; the invitations wait (the experts sign the commitment and accept
//!   in the web client); the review is due in a week;
//! - [`IN_NOTICE`]: reviewed by the five experts, ranked, the award proposed two days ago: its
//!   public notice (公示) is running;
//! - [`UNDER_WAY`]: awarded about ten weeks ago; its project's first milestone reported and
//!   accepted, the next ones due in the coming months.
//!
//! The story is played on the application's clock, set 100 days back and moved forward step by
//! step up to now, with the background jobs (closing the bidding, the blind copies, mail, the
//! award's confirmation) run at each step. Every panel is drawn from the pool of `new_materials`,
//! which must hold the five demo experts and nobody else (the draw is random: with a panel of
//! five, the five are drawn). Run on a database with no server working on it: a server's job
//! runner would act at once on the story's deadlines, which lie in the past by its clock.

use std::time::Instant;

use actix_web::web::Data;
use chrono::{DateTime, Datelike, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::{Value, json};
use uuid::Uuid;

use super::Credentials;
use super::api::{Api, Session, uuid_of};
use super::texts::{
    BidText, CERAMICS, CERAMICS_BIDS, ChallengeText, EXPERT_PROFILES, FIBRE, FIBRE_BIDS,
    FIBRE_DOCUMENTS, HOUSING, HOUSING_BIDS, Member, TEAMS,
};
use crate::auth::Role;
use crate::challenges::models::Field;
use crate::schema::{challenges, experts, users};
use crate::state::AppState;

/// The challenge under review by the five demo experts.
pub const UNDER_REVIEW: &str = "海上风电叶片用大丝束碳纤维低成本制备技术";
/// The challenge in its public notice.
pub const IN_NOTICE: &str = "新能源汽车电池包轻量化复合材料壳体研制";
/// The awarded challenge whose project is under way.
pub const UNDER_WAY: &str = "高端装备用耐高温陶瓷基复合材料国产化";

/// The field of the story's challenges, whose pool is the five demo experts.
const FIELD: Field = Field::NewMaterials;

/// How far back the story starts.
const STORY_DAYS: i64 = 100;

/// What a run did about the story.
#[derive(Debug)]
pub enum Outcome {
    /// Played now.
    Made(Story),
    /// Already there (made by an earlier run): its challenges, kept as they are.
    Kept(Vec<(Uuid, String, String)>),
}

/// The story as played.
#[derive(Debug)]
pub struct Story {
    pub under_review: Uuid,
    pub in_notice: Uuid,
    pub under_way: Uuid,
    /// The two bids on [`UNDER_REVIEW`], the first team's first.
    pub bids: Vec<Uuid>,
    pub review_deadline: DateTime<Utc>,
    pub notice_ends_at: DateTime<Utc>,
    /// Calendar years stored (empty: no holidays) because nobody had maintained them.
    pub calendars_stored: Vec<i32>,
    pub seconds: f64,
}

/// Plays the story unless an earlier run did; prints what there is.
pub async fn run(state: &Data<AppState>, accounts: &[Credentials]) -> anyhow::Result<Outcome> {
    let kept = existing(state).await?;
    if !kept.is_empty() {
        if kept.len() < 3 {
            println!(
                "\nThe demo story is incomplete (an earlier run stopped half-way); to play it \
                 whole, seed a fresh database."
            );
        }
        println!("\nDemo story already set up (kept as it is):");
        for (id, title, status) in &kept {
            println!("  {status:<14} {title}  {id}");
        }
        return Ok(Outcome::Kept(kept));
    }
    let started = Instant::now();
    let end = Utc::now();
    let clock = &state.clock;
    clock.set(end - Duration::days(STORY_DAYS));
    let played = play(state, accounts, end).await;
    // Whatever happened, the clock is the system's again.
    clock.reset();
    let mut story = played?;
    crate::jobs::run_until_idle(state)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    story.seconds = started.elapsed().as_secs_f64();
    print(&story);
    Ok(Outcome::Made(story))
}

/// The story's challenges already in the database: (id, title, status).
async fn existing(state: &AppState) -> anyhow::Result<Vec<(Uuid, String, String)>> {
    let mut conn = state.conn().await?;
    let rows: Vec<(Uuid, String, crate::challenges::models::Status)> = challenges::table
        .filter(challenges::title.eq_any([UNDER_REVIEW, IN_NOTICE, UNDER_WAY]))
        .order(challenges::created_at.asc())
        .select((challenges::id, challenges::title, challenges::status))
        .load(&mut conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, status)| (id, title, status.as_str().to_string()))
        .collect())
}

fn print(story: &Story) {
    println!(
        "\nDemo story (played from {STORY_DAYS} days ago up to now in {:.1} s):",
        story.seconds
    );
    println!(
        "  under review  {UNDER_REVIEW}  {}\n                2 bids with PDF documents (blind copies made), panel: the five demo experts, invited (pending), review due {}",
        story.under_review,
        story.review_deadline.format("%Y-%m-%d %H:%M UTC")
    );
    println!(
        "  public notice {IN_NOTICE}  {}\n                reviewed by the five experts, award proposed to 林晓峰团队, notice until {}",
        story.in_notice,
        story.notice_ends_at.format("%Y-%m-%d %H:%M UTC")
    );
    println!(
        "  under way     {UNDER_WAY}  {}\n                awarded to 陈思远课题组, milestone 1 reported and accepted, milestone 2 due in the coming months",
        story.under_way
    );
    if !story.calendars_stored.is_empty() {
        println!(
            "  working-day calendars stored without holidays for {:?} (nobody had maintained them)",
            story.calendars_stored
        );
    }
    println!("Log in as expert1@demo.jiebang.cn to see the pending invitation.");
}

/// The demo accounts, logged in.
struct Cast {
    admin: Session,
    issuer: Session,
    /// 陈思远课题组 (海西大学材料学院), then 林晓峰团队 (福建先进复合材料研究院).
    teams: [Session; 2],
    experts: Vec<Session>,
}

impl Cast {
    async fn log_in(api: &Api, accounts: &[Credentials]) -> anyhow::Result<Cast> {
        let login = async |email: &str| -> anyhow::Result<Session> {
            let account = accounts
                .iter()
                .find(|a| a.email == email)
                .ok_or_else(|| anyhow::anyhow!("no demo account {email}"))?;
            api.login(account.email, &account.password).await
        };
        let mut experts = Vec::new();
        for account in accounts.iter().filter(|a| a.role == Role::Expert) {
            experts.push(api.login(account.email, &account.password).await?);
        }
        Ok(Cast {
            admin: login("admin@demo.jiebang.cn").await?,
            issuer: login("issuer@demo.jiebang.cn").await?,
            teams: [
                login("solver1@demo.jiebang.cn").await?,
                login("solver2@demo.jiebang.cn").await?,
            ],
            experts,
        })
    }
}

/// The application's clock, moved forward through the story, which ends at `end`.
struct Timeline<'a> {
    state: &'a AppState,
    end: DateTime<Utc>,
}

impl Timeline<'_> {
    /// Moves the clock to `before` the end (never back: a step that ran late stays late).
    fn at(&self, before: Duration) {
        self.not_before(self.end - before);
    }

    /// Moves the clock to `at` if it is still earlier.
    fn not_before(&self, at: DateTime<Utc>) {
        if self.state.clock.now() < at {
            self.state.clock.set(at);
        }
    }

    fn now(&self) -> DateTime<Utc> {
        self.state.clock.now()
    }

    /// A minute past `deadline` (a bidding deadline, the end of a notice), with the jobs due
    /// then run.
    async fn deadline(&self, deadline: DateTime<Utc>) -> anyhow::Result<usize> {
        self.not_before(deadline + Duration::minutes(1));
        self.jobs().await
    }

    /// Runs the jobs due now (closing the bidding, blind copies, mail, the award's confirmation).
    async fn jobs(&self) -> anyhow::Result<usize> {
        crate::jobs::run_until_idle(self.state)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }
}

async fn play(
    state: &Data<AppState>,
    accounts: &[Credentials],
    end: DateTime<Utc>,
) -> anyhow::Result<Story> {
    let api = Api::new(state.clone()).await;
    let cast = Cast::log_in(&api, accounts).await?;
    let t = Timeline { state, end };
    let days = Duration::days;

    // The pool and the calendars.
    t.at(days(STORY_DAYS));
    expert_profiles(state, &api, &cast).await?;
    check_pool(state, &cast).await?;
    let calendars_stored = calendars(&api, &cast, &t).await?;

    // The project under way: published 100 days ago, awarded about 70 days ago.
    let (under_way, closes_c) = publish(&api, &cast, &t, &CERAMICS, days(14)).await?;
    t.at(days(97));
    let mut bids_c = Vec::new();
    for ((team, members), text) in cast.teams.iter().zip(TEAMS).zip(&CERAMICS_BIDS) {
        bids_c.push(bid(&api, team, members, under_way, text).await?);
    }
    t.deadline(closes_c).await?;
    t.at(days(85));
    start_review(&api, &cast, under_way, &bids_c).await?;
    let assignments_c = draw(&api, &cast, under_way, t.now() + days(10)).await?;
    t.jobs().await?;
    t.at(days(84));
    for (expert, assignment) in cast.experts.iter().zip(&assignments_c) {
        accept_invitation(&api, expert, *assignment).await?;
    }
    t.at(days(82));
    review(&api, &cast, &assignments_c, bids_c[0]).await?;
    t.at(days(80));
    close_review(&api, &cast, under_way).await?;
    t.at(days(79));
    let award_c = propose(&api, &cast, under_way, bids_c[0]).await?;
    t.jobs().await?;
    // The notice ends and the confirmation job starts the project.
    t.deadline(ends_at(&award_c)?).await?;
    let project = api
        .get(
            &format!("/api/v1/challenges/{under_way}/milestones"),
            Some(&cast.teams[0].token),
        )
        .await?;
    if project["challenge_status"] != "awarded" {
        anyhow::bail!("{UNDER_WAY} was not awarded: {project}");
    }
    let first_milestone = uuid_of(&project["milestones"][0])?;

    // The notice: published 45 days ago.
    t.at(days(45));
    let (in_notice, closes_b) = publish(&api, &cast, &t, &HOUSING, days(30)).await?;
    t.at(days(42));
    let mut bids_b = Vec::new();
    for ((team, members), text) in cast.teams.iter().zip(TEAMS).zip(&HOUSING_BIDS) {
        bids_b.push(bid(&api, team, members, in_notice, text).await?);
    }

    // Under review: published 30 days ago, closed 3 days ago; the bids carry documents.
    t.at(days(30));
    let (under_review, closes_a) = publish(&api, &cast, &t, &FIBRE, days(27)).await?;
    t.at(days(27));
    let mut bids_a = Vec::new();
    let teams = cast.teams.iter().zip(TEAMS);
    for (((team, members), text), documents) in teams.zip(&FIBRE_BIDS).zip(FIBRE_DOCUMENTS) {
        let id = bid(&api, team, members, under_review, text).await?;
        for (name, title, paragraphs) in documents {
            let pdf = crate::documents::samples::sample_pdf(title, text.organization, paragraphs);
            api.upload(
                &format!("/api/v1/bids/{id}/documents"),
                &team.token,
                name,
                pdf,
            )
            .await?;
        }
        bids_a.push(id);
    }

    // The notice's review (its bidding closed 15 days ago) and the project's first milestone.
    t.deadline(closes_b).await?;
    start_review(&api, &cast, in_notice, &bids_b).await?;
    let assignments_b = draw(&api, &cast, in_notice, t.now() + days(10)).await?;
    t.jobs().await?;
    report_milestone(&api, &cast, first_milestone).await?;
    t.at(days(14));
    for (expert, assignment) in cast.experts.iter().zip(&assignments_b) {
        accept_invitation(&api, expert, *assignment).await?;
    }
    t.at(days(13));
    api.post(
        &format!("/api/v1/milestones/{first_milestone}/accept"),
        &cast.issuer.token,
        &json!({"comment": "中试指标达到里程碑要求，同意验收，请按计划推进构件试制。"}),
    )
    .await?;
    t.at(days(11));
    review(&api, &cast, &assignments_b, bids_b[1]).await?;
    t.at(days(6));
    close_review(&api, &cast, in_notice).await?;
    // The bidding of the one under review closes: the bids are opened, their blind copies made.
    t.deadline(closes_a).await?;
    t.at(days(2));
    let award_b = propose(&api, &cast, in_notice, bids_b[1]).await?;
    t.jobs().await?;

    // Its formal review and panel, a day ago.
    t.at(days(1));
    start_review(&api, &cast, under_review, &bids_a).await?;
    let review_deadline = t.now() + days(8);
    draw(&api, &cast, under_review, review_deadline).await?;
    t.jobs().await?;

    Ok(Story {
        under_review,
        in_notice,
        under_way,
        bids: bids_a,
        review_deadline,
        notice_ends_at: ends_at(&award_b)?,
        calendars_stored,
        seconds: 0.0,
    })
}

// The pool.

/// The demo experts' profiles in the pool (`POST /experts`), those that have none yet.
async fn expert_profiles(state: &AppState, api: &Api, cast: &Cast) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    let have: Vec<Uuid> = experts::table
        .select(experts::user_id)
        .load(&mut conn)
        .await?;
    for (expert, (first17, title, other)) in cast.experts.iter().zip(EXPERT_PROFILES) {
        if have.contains(&expert.user_id) {
            continue;
        }
        let body = json!({
            "user_id": expert.user_id,
            "id_number": resident_id(first17),
            "fields": [FIELD.as_str(), other],
            "title": title,
        });
        api.post("/api/v1/experts", &cast.admin.token, &body)
            .await?;
    }
    Ok(())
}

/// The draw is random: the pool of the story's field must be the five demo experts.
async fn check_pool(state: &AppState, cast: &Cast) -> anyhow::Result<()> {
    let mut conn = state.conn().await?;
    let rows: Vec<(Uuid, Vec<Option<String>>)> = experts::table
        .inner_join(users::table.on(users::id.eq(experts::user_id)))
        .filter(users::role.eq(Role::Expert))
        .filter(users::disabled_at.is_null())
        .select((experts::user_id, experts::fields))
        .load(&mut conn)
        .await?;
    let mut pool: Vec<Uuid> = rows
        .into_iter()
        .filter(|(_, fields)| fields.iter().flatten().any(|f| f == FIELD.as_str()))
        .map(|(id, _)| id)
        .collect();
    pool.sort();
    let mut demo: Vec<Uuid> = cast.experts.iter().map(|e| e.user_id).collect();
    demo.sort();
    if pool != demo {
        anyhow::bail!(
            "the demo story needs the pool of {} to be the five demo experts, but it holds {} expert(s) of whom {} are demo experts: seed a fresh database",
            FIELD.as_str(),
            pool.len(),
            pool.iter().filter(|id| demo.contains(id)).count()
        );
    }
    Ok(())
}

/// Beijing calendar years the story's notices count through, stored without holidays where
/// nobody maintained them (a proposal is refused over an unmaintained year); answers those stored.
async fn calendars(api: &Api, cast: &Cast, t: &Timeline<'_>) -> anyhow::Result<Vec<i32>> {
    let beijing = |at: DateTime<Utc>| (at + Duration::hours(8)).year();
    let mut stored = Vec::new();
    for year in beijing(t.now())..=beijing(t.end) + 1 {
        let path = format!("/api/v1/calendar/{year}");
        let calendar = api.get(&path, None).await?;
        if calendar["maintained"] != true {
            let empty = json!({"holidays": [], "make_up_workdays": []});
            api.put(&path, &cast.admin.token, &empty).await?;
            stored.push(year);
        }
    }
    Ok(stored)
}

/// A valid resident ID number (GB 11643-1999) from its first 17 digits.
fn resident_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{first17}{check}")
}

// Challenges and bids.

/// The issuer's draft with its 需求说明 PDF, submitted and approved; bidding opened a day ago and
/// closes `closes_in` from now. Answers its id and deadline.
async fn publish(
    api: &Api,
    cast: &Cast,
    t: &Timeline<'_>,
    text: &ChallengeText,
    closes_in: Duration,
) -> anyhow::Result<(Uuid, DateTime<Utc>)> {
    let now = t.now();
    let rfc3339 = |at: DateTime<Utc>| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let closes_at = now + closes_in;
    let body = json!({
        "title": text.title,
        "category": "tech_breakthrough",
        "field": FIELD.as_str(),
        "description": text.description,
        "kpis": text.kpis.iter().map(|(name, target, unit)| json!({"name": name, "target": target, "unit": unit})).collect::<Vec<_>>(),
        "bounty_fen": text.bounty_fen,
        "bid_opens_at": rfc3339(now - Duration::days(1)),
        "bid_closes_at": rfc3339(closes_at),
        "max_duration_months": text.max_duration_months,
        "eligibility": {"org_kinds": ["university", "institute", "enterprise"], "general_credit_blocks": false},
        "review": {"panel_size": 5, "blind": true},
        "publicity_days": 5,
    });
    let id = uuid_of(
        &api.post("/api/v1/challenges", &cast.issuer.token, &body)
            .await?,
    )?;
    let pdf = crate::documents::samples::sample_pdf(
        &format!("{}需求说明", text.title),
        "厦门鹭岛新材料集团有限公司",
        text.specification,
    );
    api.upload(
        &format!("/api/v1/challenges/{id}/documents"),
        &cast.issuer.token,
        &format!("{}-需求说明.pdf", text.title),
        pdf,
    )
    .await?;
    let path = |action: &str| format!("/api/v1/challenges/{id}/{action}");
    api.post(&path("submit"), &cast.issuer.token, &json!({}))
        .await?;
    api.post(&path("approve"), &cast.admin.token, &json!({}))
        .await?;
    Ok((id, closes_at))
}

/// A bid submitted by `team` with these members, committing to the challenge's KPIs in order.
async fn bid(
    api: &Api,
    team: &Session,
    members: &[Member],
    challenge: Uuid,
    text: &BidText,
) -> anyhow::Result<Uuid> {
    let path = format!("/api/v1/challenges/{challenge}");
    let kpis = api.get(&path, Some(&team.token)).await?["kpis"].clone();
    let kpis = kpis.as_array().cloned().unwrap_or_default();
    let body = json!({
        "submit": true,
        "technical_approach": text.technical_approach,
        "kpi_commitments": kpis.iter().zip(text.kpi_values).map(|(k, v)| json!({"kpi": k["name"], "value": v})).collect::<Vec<_>>(),
        "requested_fen": text.requested_fen,
        "duration_months": text.duration_months,
        "milestones": text.milestones.iter().map(|(title, due, share)| json!({"title": title, "due_month": due, "share_percent": share})).collect::<Vec<_>>(),
        "team": members.iter().map(|(name, first17, role, title, duty)| json!({
            "name": name, "id_number": resident_id(first17), "role": role, "title": title, "duty": duty
        })).collect::<Vec<_>>(),
    });
    uuid_of(
        &api.post(&format!("{path}/bids"), &team.token, &body)
            .await?,
    )
}

// The review.

/// Every bid found eligible in the formal review, and the expert review started.
async fn start_review(
    api: &Api,
    cast: &Cast,
    challenge: Uuid,
    bids: &[Uuid],
) -> anyhow::Result<()> {
    for bid in bids {
        api.post(
            &format!("/api/v1/bids/{bid}/formal-review"),
            &cast.admin.token,
            &json!({"result": "eligible"}),
        )
        .await?;
    }
    api.post(
        &format!("/api/v1/challenges/{challenge}/review/start"),
        &cast.admin.token,
        &json!({}),
    )
    .await?;
    Ok(())
}

/// The panel drawn (by the server's own seed); answers the assignments of [`Cast::experts`], in
/// their order. Fails unless the panel is the five demo experts.
async fn draw(
    api: &Api,
    cast: &Cast,
    challenge: Uuid,
    deadline: DateTime<Utc>,
) -> anyhow::Result<Vec<Uuid>> {
    let deadline = deadline.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let panel = api
        .post(
            &format!("/api/v1/challenges/{challenge}/panel/draw"),
            &cast.admin.token,
            &json!({"review_deadline": deadline}),
        )
        .await?;
    let seats = panel["assignments"].as_array().cloned().unwrap_or_default();
    let mut assignments = Vec::new();
    for expert in &cast.experts {
        let seat = seats
            .iter()
            .find(|s| s["expert_id"] == expert.user_id.to_string())
            .ok_or_else(|| anyhow::anyhow!("a demo expert is not on the panel: {panel}"))?;
        assignments.push(uuid_of(seat)?);
    }
    if seats.len() != assignments.len() {
        anyhow::bail!("the panel is not the five demo experts: {panel}");
    }
    Ok(assignments)
}

/// The one place the story accepts an invitation. The expert reads the current 保密及回避承诺书 and signs it in accepting, as the web client does.
async fn accept_invitation(api: &Api, expert: &Session, assignment: Uuid) -> anyhow::Result<()> {
    let commitment = api
        .get("/api/v1/commitments/expert_review", Some(&expert.token))
        .await?;
    api.post(
        &format!("/api/v1/assignments/{assignment}/accept"),
        &expert.token,
        &json!({ "commitment": {
            "version": commitment["version"],
            "sha256": commitment["sha256"],
        }}),
    )
    .await?;
    Ok(())
}

/// Each expert reads the bids, scores them (`winner` first, by some eight points, the experts a
/// little apart) and submits.
async fn review(api: &Api, cast: &Cast, assignments: &[Uuid], winner: Uuid) -> anyhow::Result<()> {
    for (i, (expert, assignment)) in cast.experts.iter().zip(assignments).enumerate() {
        let path = format!("/api/v1/assignments/{assignment}");
        let bids = api
            .get(&format!("{path}/bids"), Some(&expert.token))
            .await?;
        for item in bids["items"].as_array().cloned().unwrap_or_default() {
            let bid = uuid_of(&item)?;
            let sheet = score_sheet(bid == winner, i);
            api.put(&format!("{path}/scores/{bid}"), &expert.token, &sheet)
                .await?;
        }
        api.post(&format!("{path}/submit"), &expert.token, &json!({}))
            .await?;
    }
    Ok(())
}

/// Points for the default rubric (技术方案 40, 团队能力 25, 经费合理性 15, 进度安排 10, 产业带动 10).
fn score_sheet(winner: bool, expert: usize) -> Value {
    const NAMES: [&str; 5] = ["技术方案", "团队能力", "经费合理性", "进度安排", "产业带动"];
    const JITTER: [(i32, i32); 5] = [(0, 0), (2, -1), (-2, 1), (1, 0), (-1, 1)];
    const WINNER: [&str; 5] = [
        "技术路线清晰，前期基础扎实，关键指标有试验数据支撑。",
        "方案创新性强，团队产业化经验丰富，进度安排合理。",
        "工艺路线可行，经费测算较细，建议加强第三方检测。",
        "指标承诺有依据，里程碑设置清楚，风险应对充分。",
        "整体方案成熟，对本地产业链带动作用明显。",
    ];
    const OTHER: [&str; 5] = [
        "方案可行，但产业化路径还需细化。",
        "技术积累较好，部分指标论证不够充分。",
        "经费结构基本合理，中试验证安排偏紧。",
        "团队配置完整，建议补充用户验证计划。",
        "创新点明确，工程放大风险需进一步评估。",
    ];
    let (technical, team) = JITTER[expert % JITTER.len()];
    let points = if winner {
        [35 + technical, 22 + team, 13, 9, 9]
    } else {
        [31 + technical, 20 + team, 12, 8, 8]
    };
    let comment = if winner { WINNER } else { OTHER }[expert % 5];
    json!({
        "criteria": NAMES.iter().zip(points).map(|(n, p)| json!({"name": n, "points": p})).collect::<Vec<_>>(),
        "comment": comment,
    })
}

async fn close_review(api: &Api, cast: &Cast, challenge: Uuid) -> anyhow::Result<()> {
    api.post(
        &format!("/api/v1/challenges/{challenge}/review/close"),
        &cast.admin.token,
        &json!({}),
    )
    .await?;
    Ok(())
}

/// The admin proposes the (top-ranked) bid: its public notice starts; answers the award.
async fn propose(api: &Api, cast: &Cast, challenge: Uuid, bid: Uuid) -> anyhow::Result<Value> {
    api.post(
        &format!("/api/v1/challenges/{challenge}/award"),
        &cast.admin.token,
        &json!({"bid_id": bid}),
    )
    .await
}

fn ends_at(award: &Value) -> anyhow::Result<DateTime<Utc>> {
    award["ends_at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow::anyhow!("no ends_at in {award}"))
}

// The project.

/// The awardee uploads its report's material and reports the first milestone.
async fn report_milestone(api: &Api, cast: &Cast, milestone: Uuid) -> anyhow::Result<()> {
    let team = &cast.teams[0];
    let pdf = crate::documents::samples::sample_pdf(
        "中试工艺验证报告",
        CERAMICS_BIDS[0].organization,
        &[
            "一、完成情况",
            "按计划完成 SiC/SiC 复合材料中试工艺验证，连续制备三批次试样，工艺参数稳定。",
            "二、主要指标",
            "室温弯曲强度平均 372 MPa；1250 ℃ 考核 100 小时后强度保持率 86%。",
            "三、下一步工作",
            "开展典型构件试制与台架考核，完善无损检测方法。",
        ],
    );
    api.upload(
        &format!("/api/v1/milestones/{milestone}/documents"),
        &team.token,
        "中试工艺验证报告.pdf",
        pdf,
    )
    .await?;
    api.post(
        &format!("/api/v1/milestones/{milestone}/report"),
        &team.token,
        &json!({
            "deliverable": "完成 SiC/SiC 复合材料中试工艺验证：连续制备三批次试样，室温弯曲强度平均 372 MPa，1250 ℃ 考核 100 小时后强度保持率 86%。详见所附验证报告。",
            "attachments": [],
        }),
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_id_numbers_are_valid_and_distinct() {
        let mut all: Vec<String> = EXPERT_PROFILES
            .iter()
            .map(|(first17, _, _)| resident_id(first17))
            .chain(
                TEAMS
                    .iter()
                    .flat_map(|team| team.iter().map(|m| resident_id(m.1))),
            )
            .collect();
        for id in &all {
            assert!(crate::codes::parse_id_number(id).is_ok(), "{id}");
        }
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 11);
    }

    #[test]
    fn the_scores_rank_the_winner_first_without_divergence() {
        let total = |sheet: &Value| -> i64 {
            sheet["criteria"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["points"].as_i64().unwrap())
                .sum()
        };
        for expert in 0..5 {
            assert!(total(&score_sheet(true, expert)) > total(&score_sheet(false, expert)));
            assert!((total(&score_sheet(true, expert)) - 88).abs() <= 3);
        }
    }
}
