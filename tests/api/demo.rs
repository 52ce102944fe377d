//! `seed-demo`'s story, played on a test server's database: what `expert1` and the public see
//! once it returns.

use chrono::Utc;
use jiebang::seed::story::{self, Outcome};
use serde_json::Value;

use crate::helpers::{TestApp, Tokens, assert_status};

/// Logs in with the password the seeding printed.
async fn log_in(app: &TestApp, demo: &jiebang::seed::Demo, email: &str) -> Tokens {
    let password = demo.password_of(email).expect("a demo account");
    Tokens::from(&assert_status(app.login(email, password).await, 200).await)
}

fn items(page: &Value) -> Vec<Value> {
    page["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn the_demo_story_gives_expert1_work_at_once_and_is_made_once() {
    let app = TestApp::spawn().await;
    let demo = jiebang::seed::run(&app.state)
        .await
        .expect("seed-demo runs");
    let Outcome::Made(made) = &demo.story else {
        panic!("the story was not played: {:?}", demo.story);
    };
    // The clock is the system's again.
    assert!((app.state.clock.now() - Utc::now()).num_seconds().abs() < 5);

    // expert1: a pending invitation to the challenge under review, due in about a week.
    let expert1 = log_in(&app, &demo, "expert1@demo.jiebang.cn").await;
    let mine = app
        .get_ok("/api/v1/assignments", Some(&expert1.access))
        .await;
    let pending: Vec<Value> = items(&mine)
        .into_iter()
        .filter(|a| a["status"] == "invited")
        .collect();
    assert_eq!(pending.len(), 1, "{mine}");
    assert_eq!(pending[0]["challenge_id"], made.under_review.to_string());
    assert_eq!(pending[0]["challenge_title"], story::UNDER_REVIEW);
    let due: chrono::DateTime<Utc> = pending[0]["review_deadline"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let days = (due - Utc::now()).num_days();
    assert!((5..=8).contains(&days), "due in {days} days");
    // The other two reviews are submitted.
    let submitted = items(&mine)
        .iter()
        .filter(|a| a["status"] == "submitted")
        .count();
    assert_eq!(submitted, 2, "{mine}");

    // Its panel is the five demo experts; its two bids are eligible, with documents whose blind
    // copies the opening made.
    let admin = log_in(&app, &demo, "admin@demo.jiebang.cn").await;
    let challenge = format!("/api/v1/challenges/{}", made.under_review);
    let panel = app
        .get_ok(&format!("{challenge}/panel"), Some(&admin.access))
        .await;
    let seats = panel["assignments"].as_array().unwrap();
    assert_eq!(seats.len(), 5);
    assert!(seats.iter().all(|s| s["status"] == "invited"), "{panel}");
    let bids = app
        .get_ok(&format!("{challenge}/bids"), Some(&admin.access))
        .await;
    let bids = items(&bids);
    assert_eq!(bids.len(), 2);
    let mut documents = 0;
    for bid in &bids {
        assert_eq!(bid["status"], "eligible");
        let path = format!("/api/v1/bids/{}/documents", bid["id"].as_str().unwrap());
        let docs = app.get_ok(&path, Some(&admin.access)).await;
        let docs = docs.as_array().cloned().unwrap_or_else(|| items(&docs));
        assert!(!docs.is_empty(), "no documents on {bid}");
        for doc in &docs {
            assert_eq!(doc["kind"], "pdf");
            assert!(
                doc["blind_copy"]["file_name"]
                    .as_str()
                    .is_some_and(|n| n.starts_with("方案")),
                "{doc}"
            );
        }
        documents += docs.len();
    }
    assert_eq!(documents, 3);

    // The notice: public, open now.
    let notices = app.get_ok("/api/v1/notices", None).await;
    let notice = items(&notices)
        .into_iter()
        .find(|n| n["challenge_id"] == made.in_notice.to_string())
        .expect("the demo notice");
    assert_eq!(notice["challenge_title"], story::IN_NOTICE);
    assert_eq!(notice["status"], "publicity");
    assert_eq!(notice["open"], true);
    assert_eq!(notice["organization_name"], "福建先进复合材料研究院");

    // The project: the first milestone accepted, the next due in the future.
    let issuer = log_in(&app, &demo, "issuer@demo.jiebang.cn").await;
    let project = app
        .get_ok(
            &format!("/api/v1/challenges/{}/milestones", made.under_way),
            Some(&issuer.access),
        )
        .await;
    assert_eq!(project["challenge_status"], "awarded");
    let milestones = project["milestones"].as_array().unwrap();
    assert_eq!(milestones.len(), 3);
    assert_eq!(milestones[0]["status"], "accepted");
    assert_eq!(milestones[1]["status"], "pending");
    let next_due: chrono::NaiveDate = milestones[1]["due_on"].as_str().unwrap().parse().unwrap();
    assert!(next_due > Utc::now().date_naive());
    // Nothing in the story lies ahead of now but deadlines.
    assert_eq!(
        app.count(
            "SELECT count(*) FROM challenges WHERE created_at > now() OR published_at > now()"
        )
        .await,
        0
    );
    assert!(app.count("SELECT count(*) FROM audit_log").await > 100);

    // A second run keeps the story and makes no second one.
    let again = jiebang::seed::run(&app.state)
        .await
        .expect("seed-demo runs again");
    let Outcome::Kept(kept) = &again.story else {
        panic!("the story was played twice");
    };
    assert_eq!(kept.len(), 3);
    assert_eq!(app.count("SELECT count(*) FROM challenges").await, 3);
}
