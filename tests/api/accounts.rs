//! Admin account management, `GET /me` and organisations.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, assert_problem, error_fields, new_uscc};

fn expert(email: &str) -> Value {
    json!({
        "email": email,
        "password": PASSWORD,
        "display_name": "赵教授",
        "role": "expert",
        "organization": {"name": "东南理工大学", "uscc": new_uscc(), "kind": "university"},
        "locale": "en",
    })
}

#[tokio::test]
async fn admins_create_experts_and_admins() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;

    let resp = app
        .post(
            "/api/v1/users",
            &expert("zhao@example.edu.cn"),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let created: Value = resp.json().await.unwrap();
    assert_eq!(created["role"], "expert");
    assert_eq!(created["locale"], "en");
    assert_eq!(created["organization"]["name"], "东南理工大学");
    // The new expert can log in.
    app.login_ok("zhao@example.edu.cn").await;

    let resp = app
        .post(
            "/api/v1/users",
            &json!({"email": "ops@example.gov.cn", "password": PASSWORD, "display_name": "项目办", "role": "admin"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(resp.json::<Value>().await.unwrap()["organization"].is_null());

    // Experts need an organisation; admins have none; issuers and solvers register themselves.
    let mut no_org = expert("a@example.com");
    no_org.as_object_mut().unwrap().remove("organization");
    let body = assert_problem(
        app.post("/api/v1/users", &no_org, Some(&admin.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["organization"]);
    let mut admin_with_org = expert("b@example.com");
    admin_with_org["role"] = json!("admin");
    let body = assert_problem(
        app.post("/api/v1/users", &admin_with_org, Some(&admin.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["organization"]);
    let mut solver = expert("c@example.com");
    solver["role"] = json!("solver");
    let body = assert_problem(
        app.post("/api/v1/users", &solver, Some(&admin.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["role"]);
    // Duplicate email.
    assert_problem(
        app.post(
            "/api/v1/users",
            &expert("ZHAO@example.edu.cn"),
            Some(&admin.access),
        )
        .await,
        409,
        "email_taken",
    )
    .await;
}

#[tokio::test]
async fn listing_accounts_pages_and_filters() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for i in 0..5 {
        app.register(&format!("solver{i}@example.com"), "solver")
            .await;
    }
    for i in 0..2 {
        app.register(&format!("issuer{i}@example.com"), "issuer")
            .await;
    }

    let page: Value = app
        .get("/api/v1/users?per_page=3&page=1", Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 8);
    assert_eq!(page["page"], 1);
    assert_eq!(page["per_page"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let last: Value = app
        .get("/api/v1/users?per_page=3&page=3", Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(last["items"].as_array().unwrap().len(), 2);
    let beyond: Value = app
        .get("/api/v1/users?per_page=3&page=4", Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(beyond["items"].as_array().unwrap().len(), 0);
    assert_eq!(beyond["total"], 8);

    // Pages do not overlap and keep a stable order.
    let mut seen = std::collections::HashSet::new();
    for p in 1..=3 {
        let page: Value = app
            .get(
                &format!("/api/v1/users?per_page=3&page={p}"),
                Some(&admin.access),
            )
            .await
            .json()
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            assert!(seen.insert(item["id"].as_str().unwrap().to_string()));
        }
    }
    assert_eq!(seen.len(), 8);

    let issuers: Value = app
        .get("/api/v1/users?role=issuer", Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(issuers["total"], 2);
    let found: Value = app
        .get("/api/v1/users?q=SOLVER3", Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["email"], "solver3@example.com");
    // `%` is a literal, not a wildcard.
    let none: Value = app
        .get("/api/v1/users?q=%25", Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0);

    for bad in ["per_page=101", "per_page=0", "page=0"] {
        let body = assert_problem(
            app.get(&format!("/api/v1/users?{bad}"), Some(&admin.access))
                .await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(error_fields(&body).len(), 1, "{bad}");
    }
}

#[tokio::test]
async fn admins_change_accounts() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let user = app.register("change@example.com", "solver").await;
    let tokens = app.login_ok("change@example.com").await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());

    let resp = app
        .patch(
            &path,
            &json!({"display_name": "新名字", "locale": "en"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let changed: Value = resp.json().await.unwrap();
    assert_eq!(changed["display_name"], "新名字");
    assert_eq!(changed["locale"], "en");
    // A name change keeps the session.
    assert_eq!(
        app.get("/api/v1/me", Some(&tokens.access)).await.status(),
        StatusCode::OK
    );

    // A new password ends the sessions; the new password works, the old does not.
    let resp = app
        .patch(
            &path,
            &json!({"password": "another-password"}),
            Some(&admin.access),
        )
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_problem(
        app.get("/api/v1/me", Some(&tokens.access)).await,
        401,
        "invalid_token",
    )
    .await;
    assert_problem(
        app.login("change@example.com", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_eq!(
        app.login("change@example.com", "another-password")
            .await
            .status(),
        StatusCode::OK
    );

    // Admins have no organisation.
    let body = assert_problem(
        app.patch(
            &path,
            &json!({"role": "admin", "organization_id": user["organization"]["id"]}),
            Some(&admin.access),
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["organization_id"]);
    let resp = app
        .patch(&path, &json!({"role": "expert"}), Some(&admin.access))
        .await;
    assert_eq!(resp.json::<Value>().await.unwrap()["role"], "expert");

    assert_problem(
        app.patch(
            &format!("/api/v1/users/{}", uuid::Uuid::new_v4()),
            &json!({"disabled": true}),
            Some(&admin.access),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let body = assert_problem(
        app.patch(&path, &json!({"password": "short"}), Some(&admin.access))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&body), vec!["password"]);
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let path = format!("/api/v1/users/{}", admin.user_id);
    assert_problem(
        app.patch(&path, &json!({"disabled": true}), Some(&admin.access))
            .await,
        409,
        "cannot_disable_self",
    )
    .await;
    assert_eq!(
        app.get("/api/v1/me", Some(&admin.access)).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn organisations_show_members_to_members_and_admins_only() {
    let app = TestApp::spawn().await;
    let user = app.register("member@example.com", "issuer").await;
    let member = app.login_ok("member@example.com").await;
    let outsider = app.solver().await;
    let admin = app.admin().await;
    let path = format!(
        "/api/v1/organizations/{}",
        user["organization"]["id"].as_str().unwrap()
    );

    let seen: Value = app
        .get(&path, Some(&member.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["name"], "测试单位");
    assert_eq!(seen["members"].as_array().unwrap().len(), 1);
    let by_admin: Value = app
        .get(&path, Some(&admin.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_admin["members"][0]["id"], user["id"]);
    let by_outsider: Value = app
        .get(&path, Some(&outsider.access))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_outsider["uscc"], user["organization"]["uscc"]);
    assert!(by_outsider.get("members").is_none());

    assert_problem(app.get(&path, None).await, 401, "unauthenticated").await;
    assert_problem(
        app.get(
            &format!("/api/v1/organizations/{}", uuid::Uuid::new_v4()),
            Some(&member.access),
        )
        .await,
        404,
        "not_found",
    )
    .await;
}
