//! In-app notifications, created alongside the emails of account events.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};

#[tokio::test]
async fn registration_leaves_a_welcome_notification() {
    let app = TestApp::spawn().await;
    let me = app.solver().await;
    let page: Value = app
        .get("/api/v1/notifications", Some(&me.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["unread"], 1);
    let item = &page["items"][0];
    assert_eq!(item["kind"], "welcome");
    assert_eq!(item["title"], "欢迎使用揭榜挂帅平台，测试用户");
    assert!(
        item["body"]
            .as_str()
            .unwrap()
            .contains("您的揭榜挂帅平台账号已开通")
    );
    assert!(item["read_at"].is_null());

    let id = item["id"].as_str().unwrap();
    let resp = app
        .post(
            &format!("/api/v1/notifications/{id}/read"),
            &json!({}),
            Some(&me.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let read: Value = resp.json().await.unwrap();
    let first_read = read["read_at"].as_str().unwrap().to_string();
    // Reading again keeps the first time.
    let again: Value = app
        .post(
            &format!("/api/v1/notifications/{id}/read"),
            &json!({}),
            Some(&me.access),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["read_at"], first_read.as_str());
    let page: Value = app
        .get("/api/v1/notifications?unread=true", Some(&me.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["unread"], 0);
    assert_eq!(page["total"], 0);

    // Someone else's notification does not exist for me.
    let other = app.solver().await;
    assert_problem(
        app.post(
            &format!("/api/v1/notifications/{id}/read"),
            &json!({}),
            Some(&other.access),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get("/api/v1/notifications", None).await,
        401,
        "unauthenticated",
    )
    .await;
}

#[tokio::test]
async fn admin_changes_are_told_to_the_account_by_mail_and_notification() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let user = app.register("told@example.com", "solver").await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());

    let resp = app
        .patch(
            &path,
            &json!({"password": "a-new-password", "role": "expert", "locale": "en"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    app.patch(&path, &json!({"disabled": true}), Some(&admin.access))
        .await;
    app.patch(&path, &json!({"disabled": false}), Some(&admin.access))
        .await;

    let db = app.db().await;
    let kinds: Vec<String> = db
        .query(
            "SELECT kind FROM notifications WHERE user_id::text = $1 ORDER BY created_at, id",
            &[&user["id"].as_str().unwrap()],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        kinds,
        vec![
            "welcome",
            "password_changed",
            "role_changed",
            "account_disabled"
        ]
    );

    assert_eq!(app.run_jobs().await, 4);
    let sent = app.sent_mail().await;
    assert!(sent.iter().all(|m| m.to == "told@example.com"));
    let subjects: Vec<String> = sent
        .iter()
        .map(|m| {
            mail_parser::MessageParser::default()
                .parse(&m.raw)
                .unwrap()
                .subject()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        subjects,
        vec![
            "欢迎使用揭榜挂帅平台，测试用户",
            // The account chose English in the same change.
            "Your Jiebang password was reset by an administrator",
            "Your Jiebang role is now expert",
            "Your Jiebang account has been disabled",
        ]
    );
}
