//! Admin account management, `GET /me` and organisations.

use serde_json::{Value, json};

use crate::helpers::{
    PASSWORD, TestApp, assert_problem, assert_status, error_fields, id_of, new_uscc,
};
use crate::scenario::expert_account;

/// An expert account (专家1 of 专家单位1) who reads English.
fn expert(email: &str) -> Value {
    let mut body = expert_account(email, 1, &new_uscc());
    body["locale"] = json!("en");
    body
}

#[tokio::test]
async fn admins_create_experts_and_admins() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let create = async |body: &Value| app.post("/api/v1/users", body, Some(&admin.access)).await;

    let created = assert_status(create(&expert("zhao@example.edu.cn")).await, 201).await;
    assert_eq!(created["role"], "expert");
    assert_eq!(created["locale"], "en");
    assert_eq!(created["organization"]["name"], "专家单位1");
    // The new expert can log in.
    app.login_ok("zhao@example.edu.cn").await;

    let ops = json!({"email": "ops@example.gov.cn", "password": PASSWORD, "display_name": "项目办", "role": "admin"});
    let created = assert_status(create(&ops).await, 201).await;
    assert!(created["organization"].is_null());

    // Experts need an organisation; admins have none; issuers and solvers register themselves.
    let mut no_org = expert("a@example.com");
    no_org.as_object_mut().unwrap().remove("organization");
    let mut admin_with_org = expert("b@example.com");
    admin_with_org["role"] = json!("admin");
    let mut solver = expert("c@example.com");
    solver["role"] = json!("solver");
    for (body, field) in [
        (no_org, "organization"),
        (admin_with_org, "organization"),
        (solver, "role"),
    ] {
        let problem = assert_problem(create(&body).await, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec![field]);
    }
    // Duplicate email.
    let resp = create(&expert("ZHAO@example.edu.cn")).await;
    assert_problem(resp, 409, "email_taken").await;
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
    let users = async |query: &str| {
        let path = format!("/api/v1/users?{query}");
        app.get_ok(&path, Some(&admin.access)).await
    };

    let page = users("per_page=3&page=1").await;
    assert_eq!(page["total"], 8);
    assert_eq!(page["page"], 1);
    assert_eq!(page["per_page"], 3);
    assert_eq!(page["items"].as_array().unwrap().len(), 3);
    let last = users("per_page=3&page=3").await;
    assert_eq!(last["items"].as_array().unwrap().len(), 2);
    let beyond = users("per_page=3&page=4").await;
    assert_eq!(beyond["items"].as_array().unwrap().len(), 0);
    assert_eq!(beyond["total"], 8);

    // Pages do not overlap and keep a stable order.
    let mut seen = std::collections::HashSet::new();
    for p in 1..=3 {
        let page = users(&format!("per_page=3&page={p}")).await;
        for item in page["items"].as_array().unwrap() {
            assert!(seen.insert(id_of(item)));
        }
    }
    assert_eq!(seen.len(), 8);

    assert_eq!(users("role=issuer").await["total"], 2);
    let found = users("q=SOLVER3").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["email"], "solver3@example.com");
    // `%` is a literal, not a wildcard.
    assert_eq!(users("q=%25").await["total"], 0);

    for bad in ["per_page=101", "per_page=0", "page=0"] {
        let resp = app
            .get(&format!("/api/v1/users?{bad}"), Some(&admin.access))
            .await;
        let body = assert_problem(resp, 422, "validation_failed").await;
        assert_eq!(error_fields(&body).len(), 1, "{bad}");
    }
}

#[tokio::test]
async fn admins_change_accounts() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let user = app.register("change@example.com", "solver").await;
    let tokens = app.login_ok("change@example.com").await;
    let path = format!("/api/v1/users/{}", id_of(&user));
    let change = async |body: Value| app.patch(&path, &body, Some(&admin.access)).await;

    let resp = change(json!({"display_name": "新名字", "locale": "en"})).await;
    let changed = assert_status(resp, 200).await;
    assert_eq!(changed["display_name"], "新名字");
    assert_eq!(changed["locale"], "en");
    // A name change keeps the session.
    app.get_ok("/api/v1/me", Some(&tokens.access)).await;

    // A new password ends the sessions; the new password works, the old does not.
    assert_status(change(json!({"password": "another-password"})).await, 200).await;
    let resp = app.get("/api/v1/me", Some(&tokens.access)).await;
    assert_problem(resp, 401, "invalid_token").await;
    app.assert_login_refused("change@example.com", PASSWORD, "invalid_credentials")
        .await;
    let resp = app.login("change@example.com", "another-password").await;
    assert_status(resp, 200).await;

    // Admins have no organisation.
    let org = &user["organization"]["id"];
    let resp = change(json!({"role": "admin", "organization_id": org})).await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["organization_id"]);
    let resp = change(json!({"role": "expert"})).await;
    assert_eq!(assert_status(resp, 200).await["role"], "expert");

    let nobody = format!("/api/v1/users/{}", uuid::Uuid::new_v4());
    let resp = app
        .patch(&nobody, &json!({"disabled": true}), Some(&admin.access))
        .await;
    assert_problem(resp, 404, "not_found").await;
    let resp = change(json!({"password": "short"})).await;
    let body = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(error_fields(&body), vec!["password"]);
}

#[tokio::test]
async fn an_admin_cannot_lock_themselves_out() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let path = format!("/api/v1/users/{}", admin.user_id);
    let resp = app
        .patch(&path, &json!({"disabled": true}), Some(&admin.access))
        .await;
    assert_problem(resp, 409, "cannot_disable_self").await;
    app.get_ok("/api/v1/me", Some(&admin.access)).await;
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

    let seen = app.get_ok(&path, Some(&member.access)).await;
    assert_eq!(seen["name"], "测试单位");
    assert_eq!(seen["members"].as_array().unwrap().len(), 1);
    let by_admin = app.get_ok(&path, Some(&admin.access)).await;
    assert_eq!(by_admin["members"][0]["id"], user["id"]);
    let by_outsider = app.get_ok(&path, Some(&outsider.access)).await;
    assert_eq!(by_outsider["uscc"], user["organization"]["uscc"]);
    assert!(by_outsider.get("members").is_none());

    assert_problem(app.get(&path, None).await, 401, "unauthenticated").await;
    let unknown = format!("/api/v1/organizations/{}", uuid::Uuid::new_v4());
    let resp = app.get(&unknown, Some(&member.access)).await;
    assert_problem(resp, 404, "not_found").await;
}
