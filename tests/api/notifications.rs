//! In-app notifications, created alongside the emails of account events.

use serde_json::json;

use crate::helpers::{TestApp, assert_problem, assert_status};

#[tokio::test]
async fn registration_leaves_a_welcome_notification() {
    let app = TestApp::spawn().await;
    let me = app.solver().await;
    let page = app.get_ok("/api/v1/notifications", Some(&me.access)).await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["unread"], 1);
    let item = &page["items"][0];
    assert_eq!(item["kind"], "welcome");
    assert_eq!(item["title"], "欢迎使用揭榜挂帅平台，测试用户");
    let body = item["body"].as_str().unwrap();
    assert!(body.contains("您的揭榜挂帅平台账号已开通"), "{body}");
    assert!(item["read_at"].is_null());

    let read = format!(
        "/api/v1/notifications/{}/read",
        item["id"].as_str().unwrap()
    );
    let first = app.post_ok(&read, &json!({}), Some(&me.access)).await;
    let first_read = first["read_at"].as_str().unwrap();
    // Reading again keeps the first time.
    let again = app.post_ok(&read, &json!({}), Some(&me.access)).await;
    assert_eq!(again["read_at"], first_read);
    let page = app
        .get_ok("/api/v1/notifications?unread=true", Some(&me.access))
        .await;
    assert_eq!(page["unread"], 0);
    assert_eq!(page["total"], 0);

    // Someone else's notification does not exist for me.
    let other = app.solver().await;
    let resp = app.post(&read, &json!({}), Some(&other.access)).await;
    assert_problem(resp, 404, "not_found").await;
    let resp = app.get("/api/v1/notifications", None).await;
    assert_problem(resp, 401, "unauthenticated").await;
}

#[tokio::test]
async fn admin_changes_are_told_to_the_account_by_mail_and_notification() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let user = app.register("told@example.com", "solver").await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());

    for change in [
        json!({"password": "a-new-password", "role": "expert", "locale": "en"}),
        json!({"disabled": true}),
        json!({"disabled": false}),
    ] {
        let resp = app.patch(&path, &change, Some(&admin.access)).await;
        assert_status(resp, 200).await;
    }

    let kinds: Vec<String> = app
        .column(
            "SELECT kind FROM notifications WHERE user_id::text = $1 ORDER BY created_at, id",
            &[&user["id"].as_str().unwrap()],
        )
        .await;
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
    let subjects: Vec<String> = sent.iter().map(|m| m.subject()).collect();
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
